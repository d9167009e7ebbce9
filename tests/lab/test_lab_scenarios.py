"""``iosdmvpn lab`` on translated networks, in the session's single VM boot (see conftest).

* the seed network (EIGRP, IPsec, phase 2) re-expressed with ``--igp ospf`` and ``--igp bgp``
  (without ``--igp`` the lab refuses it, saying why: tested in test_lab_scenario_build.py);
* ``examples/seed-phase3-bgp`` (phase 3, iBGP route reflector) and ``examples/seed-ospf``
  (phase 3, OSPF point-to-multipoint over nhrpd's multicast NFLOG path);
* two corpus groups with their hubs and spokes: v1raj97-otus-project (dual hub, OSPF p2mp,
  IKEv1) and wmateusz-dualhub (dual hub, iBGP listen range, IKEv2).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

pytestmark = pytest.mark.lab

CHECKS = ("setup", "registration", "routing", "ping", "ipsec")
TRANSLATED = ("seed-igp-ospf", "seed-igp-bgp", "seed-phase3-bgp", "seed-ospf", "corpus-otus",
              "corpus-wmateusz")


def _explain(s: Any) -> str:
    lines = list(s.reasons)
    r = s.result
    if r is not None:
        lines += [f"{c.name}/{c.subject}: passed={c.passed} expected={c.expected_pass}: {c.detail}"
                  for c in r.failed()]
        lines += [f"--- {log}\n{tail}" for log, tail in r.logs.items()]
    return "\n".join(lines)


def _scenario(lab_session: Any, name: str) -> Any:
    if name not in lab_session.cases:
        why = f"{name}: ../shared/corpus not present"
        if os.environ.get("IOSDMVPN_LAB_REQUIRED") == "1":
            pytest.fail(f"IOSDMVPN_LAB_REQUIRED=1 but {why}")
        pytest.skip(why)
    return lab_session.scenario(name)


@pytest.mark.parametrize("name", TRANSLATED)
def test_translated_network_meets_its_design(lab_session: Any, name: str) -> None:
    s = _scenario(lab_session, name)
    assert s.status == "passed", _explain(s)
    r = s.result
    kinds = {c.name for c in r.checks}
    assert set(CHECKS) <= kinds, kinds
    # every check passed, apart from the known translation gaps the case declares
    gaps = set(lab_session.cases[name].known_gaps)
    unexpected = [key for c in r.checks if not c.passed and (key := f"{c.name}/{c.subject}") not in gaps]
    assert not unexpected, _explain(s)
    assert r.timings.convergence_s is not None
    # IPsec: every device protected, no cleartext GRE crossed the underlay, ESP did
    for d in s.devices:
        assert d.protected
        w = r.wire[d.name]
        assert w.gre == 0 and w.esp > 0, f"{d.name}: {w}"
    # every site learned and reached the others' LANs
    routes = [c for c in r.checks if c.name == "routing" and c.subject.endswith(":routes")]
    pings = [c for c in r.checks if c.name == "ping"]
    assert routes and pings and all(c.passed for c in routes + pings), _explain(s)


@pytest.mark.parametrize("name", ["seed-phase3-bgp", "seed-ospf"])
def test_phase3_builds_protected_spoke_to_spoke_shortcuts(lab_session: Any, name: str) -> None:
    r = _scenario(lab_session, name).result
    for a, b in (("spoke-a", "spoke-b"), ("spoke-b", "spoke-a")):
        c = r.check("shortcut", f"{a}->{b}")
        assert c is not None and c.passed, c
        sa = r.check("ipsec", f"{a}->{b}")
        assert sa is not None and sa.passed, sa


def test_ospf_runs_over_the_multicast_nflog_path(lab_session: Any) -> None:
    for name in ("seed-ospf", "seed-igp-ospf", "corpus-otus"):
        if name not in lab_session.cases:
            continue
        r = _scenario(lab_session, name).result
        adj = [c for c in r.checks if c.name == "routing" and c.subject.endswith(":ospf")]
        assert adj and all(c.passed and "Full" in c.detail for c in adj), name


@pytest.mark.parametrize("name", ["seed-igp-ospf", "seed-igp-bgp"])
def test_seed_phase2_spokes_build_direct_tunnels(lab_session: Any, name: str) -> None:
    """The seed is phase 2 in IOS; translate gives nhrpd redirect/shortcut (DMV644), so after
    spoke-to-spoke traffic each spoke holds a direct NHRP entry for the other."""
    s = _scenario(lab_session, name)
    for subject in ("spoke-a->spoke-b", "spoke-b->spoke-a"):
        c = s.result.check("shortcut", subject)
        assert c is not None and c.passed, c
    ping = s.result.check("ping", "spoke-a(192.168.1.1)->spoke-b(192.168.2.1)")
    assert ping is not None and ping.passed


def test_dynamic_nbma_spoke_registers_with_its_lab_address(lab_session: Any) -> None:
    s = _scenario(lab_session, "seed-igp-bgp")
    spoke_a = next(d for d in s.devices if d.name == "spoke-a")
    assert spoke_a.nbma_origin.startswith("lab")
    c = s.result.check("registration", "spoke-a->hub")
    assert c is not None and c.passed and spoke_a.nbma.split("/")[0] in c.detail


def test_dual_hub_spokes_register_with_both_hubs(lab_session: Any) -> None:
    for name, spoke, hubs in (("corpus-otus", "spb-core1", ("msk-core1", "msk-core2")),
                              ("corpus-wmateusz", "spoke1", ("hub1", "hub2"))):
        if name not in lab_session.cases:
            continue
        r = _scenario(lab_session, name).result
        for hub in hubs:
            c = r.check("registration", f"{spoke}->{hub}")
            assert c is not None and c.passed, (name, hub)
