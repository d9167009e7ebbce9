"""End-to-end lab: the hand-made fixtures (run in the session's single VM boot, see conftest).

Scenarios: ``bgp-ipsec`` (phase 3, iBGP, trap-mode IPsec), ``ospf-p2mp`` (phase 3, OSPF
point-to-multipoint over nhrpd multicast, tunnel named ``Tunnel0``) and ``bad-key``
(negative: a spoke with the wrong GRE key must not register).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.lab.conftest import LabSession

pytestmark = pytest.mark.lab

POSITIVE = ("bgp-ipsec", "ospf-p2mp")


def _result(session: LabSession, name: str) -> Any:
    s = session.scenario(name)
    assert s.result is not None, f"{name}: no result: {s.reasons}"
    return s.result


def _explain(r: Any) -> str:
    lines = [f"{c.name}/{c.subject}: passed={c.passed} expected={c.expected_pass}: {c.detail}"
             for c in r.failed()]
    lines += r.errors
    for log, tail in r.logs.items():
        lines.append(f"--- {log}\n{tail}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", POSITIVE)
def test_scenario_passes_every_check(lab_session: LabSession, name: str) -> None:
    r = _result(lab_session, name)
    assert r.passed, _explain(r)
    kinds = {c.name for c in r.checks}
    assert {"setup", "registration", "routing", "ping", "shortcut"} <= kinds
    assert all(c.passed for c in r.checks), _explain(r)
    assert r.timings.convergence_s is not None


def test_ipsec_scenario_protects_all_gre(lab_session: LabSession) -> None:
    r = _result(lab_session, "bgp-ipsec")
    for dev in ("hub", "spoke1", "spoke2"):
        w = r.wire[dev]
        assert w.gre == 0 and w.esp > 0, f"{dev}: {w}"
    # hub-spoke SAs plus the dynamic spoke-spoke SA created by the shortcut
    for subject in ("spoke1->hub", "spoke2->hub", "hub->spoke1", "spoke1->spoke2", "spoke2->spoke1"):
        c = r.check("ipsec", subject)
        assert c is not None and c.passed, subject


def test_unprotected_scenario_sends_cleartext_gre(lab_session: LabSession) -> None:
    # sanity check of the wan counters themselves: without IPsec GRE must be visible
    r = _result(lab_session, "ospf-p2mp")
    assert all(w.gre > 0 and w.esp == 0 for w in r.wire.values()), r.wire


def test_wrong_tunnel_key_blocks_registration(lab_session: LabSession) -> None:
    r = _result(lab_session, "bad-key")
    bad = r.check("registration", "spoke2->hub")
    good = r.check("registration", "spoke1->hub")
    assert bad is not None and not bad.passed, bad
    assert good is not None and good.passed, good
    assert r.passed, _explain(r)


def test_guest_exit_status_matches_results(lab_session: LabSession) -> None:
    report = lab_session.report
    if lab_session.skipped:
        pytest.skip(lab_session.skipped)
    all_as_expected = all(s.result is not None and s.result.passed for s in report.scenarios)
    assert (report.guest_exit == 0) == all_as_expected
    assert report.passed == all_as_expected
