"""End-to-end lab: the hand-made fixtures in one VM boot (or directly on a capable host).

Scenarios: ``bgp-ipsec`` (phase 3, iBGP, trap-mode IPsec), ``ospf-p2mp`` (phase 3, OSPF
point-to-multipoint over nhrpd multicast, tunnel named ``Tunnel0``) and ``bad-key``
(negative: a spoke with the wrong GRE key must not register).  Takes about 3 minutes
under TCG.  ``IOSDMVPN_LAB_VM=auto|always|never`` overrides the mode (default auto).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal, cast

import pytest

from iosdmvpn.lab.environment import detect
from iosdmvpn.lab.results import LabResult
from iosdmvpn.lab.spec import LabRequest, load_scenario
from iosdmvpn.lab.vm import LabRun, run_lab

pytestmark = pytest.mark.lab

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIOS = ("bgp-ipsec", "ospf-p2mp", "bad-key")
POSITIVE = ("bgp-ipsec", "ospf-p2mp")


def _echo(stream: str, line: str) -> None:
    if not line.startswith("@@IOSDMVPN-LAB-RESULT@@"):
        print(line, file=sys.stderr, flush=True)


@pytest.fixture(scope="module")
def lab_run(lab_summary: list[str]) -> LabRun:
    caps = detect()
    vm_missing = [n for n in ("qemu-system-x86_64", "vng") if not caps.tools.get(n)]
    if not caps.can_run_direct and (vm_missing or caps.guest_kernel is None):
        what = ", ".join(vm_missing + ([] if caps.guest_kernel else ["a /boot/vmlinuz-* kernel"]))
        pytest.skip(
            f"host kernel cannot run the lab and the VM path lacks {what}; install: "
            + " && ".join(caps.install_commands(vm=True))
        )
    mode = cast(Literal["auto", "always", "never"], os.environ.get("IOSDMVPN_LAB_VM", "auto"))
    request = LabRequest(scenarios=[load_scenario(FIXTURES / name / "lab.json") for name in SCENARIOS])
    run = run_lab(request, vm=mode, timeout=1200, on_output=_echo, caps=caps)
    res = run.result
    if res is not None:
        lab_summary.append(
            f"mode={run.mode} kernel={res.kernel} boot={res.boot_s}s "
            f"(guest uptime at start {res.guest_uptime_at_start_s}s) wall={res.wall_s}s"
        )
        for s in res.scenarios:
            t = s.timings
            lab_summary.append(
                f"  {s.name:10s} {'PASS' if s.passed else 'FAIL'} setup={t.setup_s}s daemons={t.daemons_s}s "
                f"convergence={t.convergence_s}s checks={t.checks_s}s total={t.total_s}s"
            )
    return run


def _result(run: LabRun) -> LabResult:
    assert run.result is not None, (
        f"guest produced no result (exit {run.command.exit_code}, timed out {run.command.timed_out}); "
        "last output:\n" + "\n".join((run.command.stdout + run.command.stderr)[-40:])
    )
    return run.result


def _explain(res: LabResult, name: str) -> str:
    s = res.scenario(name)
    lines = [
        f"{c.name}/{c.subject}: passed={c.passed} expected={c.expected_pass}: {c.detail}" for c in s.failed()
    ]
    lines += s.errors
    for log, tail in s.logs.items():
        lines.append(f"--- {log}\n{tail}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", POSITIVE)
def test_scenario_passes_every_check(lab_run: LabRun, name: str) -> None:
    res = _result(lab_run)
    s = res.scenario(name)
    assert s.passed, _explain(res, name)
    kinds = {c.name for c in s.checks}
    assert {"setup", "registration", "routing", "ping", "shortcut"} <= kinds
    assert all(c.passed for c in s.checks), _explain(res, name)
    assert s.timings.convergence_s is not None


def test_ipsec_scenario_protects_all_gre(lab_run: LabRun) -> None:
    s = _result(lab_run).scenario("bgp-ipsec")
    for dev in ("hub", "spoke1", "spoke2"):
        w = s.wire[dev]
        assert w.gre == 0 and w.esp > 0, f"{dev}: {w}"
    # hub-spoke SAs plus the dynamic spoke-spoke SA created by the shortcut
    for subject in ("spoke1->hub", "spoke2->hub", "hub->spoke1", "spoke1->spoke2", "spoke2->spoke1"):
        c = s.check("ipsec", subject)
        assert c is not None and c.passed, subject


def test_unprotected_scenario_sends_cleartext_gre(lab_run: LabRun) -> None:
    # sanity check of the wan counters themselves: without IPsec GRE must be visible
    s = _result(lab_run).scenario("ospf-p2mp")
    assert all(w.gre > 0 and w.esp == 0 for w in s.wire.values()), s.wire


def test_wrong_tunnel_key_blocks_registration(lab_run: LabRun) -> None:
    res = _result(lab_run)
    s = res.scenario("bad-key")
    bad = s.check("registration", "spoke2->hub")
    good = s.check("registration", "spoke1->hub")
    assert bad is not None and not bad.passed, bad
    assert good is not None and good.passed, good
    assert s.passed, _explain(res, "bad-key")


def test_guest_exit_status_matches_results(lab_run: LabRun) -> None:
    res = _result(lab_run)
    assert (lab_run.command.exit_code == 0) == res.passed
    assert lab_run.passed
