"""Guest entry point: ``python3 -m iosdmvpn.lab.guest <request.json>``.

Runs as root inside the lab VM (or directly on a capable host).  The JSON file holds a
``LabRequest`` (``{"scenarios": [...], "keep": false}``), a single scenario or a list of
scenarios.  Progress goes to stderr; the ``LabResult`` goes to stdout as one line after
``RESULT_MARKER``.  Exit status: 0 when every scenario came out as expected, 1 otherwise,
2 when the request itself was unusable.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from iosdmvpn.lab.checks import Checker
from iosdmvpn.lab.results import (
    PROGRESS_MARKER,
    START_MARKER,
    CheckResult,
    LabResult,
    ProgressEvent,
    ScenarioResult,
    result_lines,
)
from iosdmvpn.lab.spec import LabRequest, ScenarioSpec
from iosdmvpn.lab.topology import StepError, Topology, disable_core_dumps, run_parallel

_T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[{time.monotonic() - _T0:7.2f}] {msg}", file=sys.stderr, flush=True)


def emit(event: ProgressEvent) -> None:
    print(PROGRESS_MARKER + " " + event.model_dump_json(exclude_none=True), file=sys.stderr, flush=True)


def parse_request(raw: Any, base: Path) -> LabRequest:
    if isinstance(raw, list):
        raw = {"scenarios": raw}
    elif isinstance(raw, dict) and "devices" in raw:
        raw = {"scenarios": [raw]}
    req = LabRequest.model_validate(raw)
    scenarios = [s.resolved(base) for s in req.scenarios]
    return req.model_copy(update={"scenarios": scenarios})


def run_scenario(spec: ScenarioSpec, workroot: Path, keep: bool) -> ScenarioResult:
    t0 = time.monotonic()
    res = ScenarioResult(name=spec.name)
    topo = Topology(spec, workroot, log)

    def on_record(check: CheckResult) -> None:
        emit(ProgressEvent(kind="check", scenario=spec.name, check=check))

    def stage(name: str) -> None:
        emit(ProgressEvent(kind="stage", scenario=spec.name, stage=name))

    checker = Checker(topo, t0, log, on_record)
    wanted = set(spec.checks)
    log(f"scenario {spec.name}: {len(spec.devices)} devices ({spec.description})")
    emit(ProgressEvent(kind="scenario", scenario=spec.name, detail=spec.description))
    stage("setup")
    try:
        try:
            topo.build_underlay()
        except StepError as exc:
            checker.record("setup", "underlay", False, str(exc), t0)
            raise
        # per-device files; charon before FRR so the trap policies exist before the first
        # NHRP packet (otherwise registration would leave once in cleartext)
        for step, fn in (
            ("dmvpn.sh", topo.run_dmvpn_sh),
            ("nftables", topo.load_nftables),
            ("charon", topo.start_charon),
        ):
            started = time.monotonic()
            for name, out in run_parallel(list(topo.nodes.values()), fn).items():
                if isinstance(out, Exception):
                    checker.record("setup", f"{name}:{step}", False, str(out), started)
                else:
                    log(f"  {name}: {out}")
        res.timings.setup_s = round(time.monotonic() - t0, 2)
        if checker.unexpected_failure:
            raise StepError("setup failed")
        stage("daemons")
        t_daemons = time.monotonic()
        for name, out in run_parallel(list(topo.nodes.values()), topo.start_frr).items():
            if isinstance(out, Exception):
                checker.record("setup", f"{name}:frr", False, str(out), t_daemons)
            else:
                log(f"  {name}: {out}")
        t_up = time.monotonic()
        res.timings.daemons_s = round(t_up - t_daemons, 2)
        if checker.unexpected_failure:
            raise StepError("daemon start failed")
        for node in topo.nodes.values():
            checker.record("setup", node.name, True, "namespace, dmvpn.sh, nftables, charon, FRR up", t0)

        converged = True
        if "registration" in wanted:
            stage("registration")
            converged &= checker.registration()
        if "routing" in wanted:
            stage("routing")
            converged &= checker.routing()
        if converged and ({"registration", "routing"} & wanted):
            res.timings.convergence_s = round(time.monotonic() - t_up, 2)
        for name, run in (("ping", checker.ping), ("shortcut", checker.shortcut), ("ipsec", checker.ipsec)):
            if name in wanted:
                stage(name)
                run()
        res.timings.checks_s = round(time.monotonic() - t_up, 2)
    except StepError as exc:
        res.errors.append(str(exc))
    except Exception as exc:  # a crash in one scenario must not lose the others
        res.errors.append(f"{type(exc).__name__}: {exc}")
        log(f"scenario {spec.name} crashed: {exc!r}")
    finally:
        try:
            res.wire = topo.wire_counters()
        except (StepError, ValueError) as exc:
            res.errors.append(f"wire counters: {exc}")
        res.checks = checker.results
        res.passed = not res.errors and bool(res.checks) and all(c.as_expected for c in res.checks)
        if not res.passed:
            res.logs = topo.log_tails()
        t_down = time.monotonic()
        stage("teardown" if not keep else "keep")
        if not keep:
            topo.teardown()
        res.timings.teardown_s = round(time.monotonic() - t_down, 2)
        res.timings.total_s = round(time.monotonic() - t0, 2)
    emit(ProgressEvent(kind="done", scenario=spec.name, passed=res.passed, detail="; ".join(res.errors)))
    log(
        f"scenario {spec.name}: {'PASSED' if res.passed else 'FAILED'} "
        f"(setup {res.timings.setup_s}s, daemons {res.timings.daemons_s}s, "
        f"convergence {res.timings.convergence_s}s, total {res.timings.total_s}s)"
    )
    return res


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    print(f"{START_MARKER} uptime={uptime:.2f} kernel={os.uname().release}", file=sys.stderr, flush=True)
    if len(args) != 1:
        print("usage: python3 -m iosdmvpn.lab.guest <request.json>", file=sys.stderr)
        return 2
    path = Path(args[0])
    try:
        req = parse_request(json.loads(path.read_text()), path.parent)
    except (OSError, ValueError, ValidationError) as exc:
        print(f"bad lab request {path}: {exc}", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("the lab guest must run as root", file=sys.stderr)
        return 2
    disable_core_dumps()

    def on_sigterm(signum: int, frame: object) -> None:
        # unwinds through run_scenario's finally: daemons stopped, namespaces deleted
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    result = LabResult(
        mode=os.environ.get("IOSDMVPN_LAB_MODE", "direct"),
        kernel=os.uname().release,
        guest_uptime_at_start_s=uptime,
    )
    probe = Topology(ScenarioSpec(name="modules", devices=[]), req.workdir, log)
    missing = probe.load_modules()
    if missing:
        log(f"modprobe failed for: {', '.join(missing)} (built in, or the checks will fail)")
    for spec in req.scenarios:
        result.scenarios.append(run_scenario(spec, req.workdir, req.keep))
    sys.stderr.flush()
    for line in result_lines(result):
        print(line, flush=True)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
