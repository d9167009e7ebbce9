"""``python3 -m iosdmvpn.lab env`` | ``run SPEC.json... [--vm auto|always|never] [--keep]``."""

from __future__ import annotations

import argparse
import sys

from iosdmvpn.lab.environment import detect
from iosdmvpn.lab.results import PROGRESS_MARKER, RESULT_MARKER
from iosdmvpn.lab.spec import LabRequest, load_scenario
from iosdmvpn.lab.vm import LabUnavailable, run_lab


def _print_line(stream: str, line: str) -> None:
    if not line.startswith((RESULT_MARKER, PROGRESS_MARKER)):
        print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m iosdmvpn.lab", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("env", help="report kernel features, tools and what to install")
    run = sub.add_parser("run", help="run scenario spec files (one VM boot for all)")
    run.add_argument("specs", nargs="+", help="scenario JSON files")
    run.add_argument("--vm", choices=("auto", "always", "never"), default="auto")
    run.add_argument("--keep", action="store_true", help="leave namespaces and daemons running")
    run.add_argument("--timeout", type=float, default=1500.0, help="seconds for the whole run")
    run.add_argument("--json", metavar="FILE", help="write the LabResult JSON here")
    args = ap.parse_args(argv)

    if args.cmd == "env":
        caps = detect()
        print(caps.report())
        return 0 if (caps.can_run_direct or caps.can_run_vm) else 1

    request = LabRequest(scenarios=[load_scenario(p) for p in args.specs], keep=args.keep)
    try:
        lab = run_lab(request, vm=args.vm, timeout=args.timeout, on_output=_print_line)
    except LabUnavailable as exc:
        print(exc, file=sys.stderr)
        return 3
    res = lab.result
    if res is None:
        print(f"no result from the guest (exit {lab.command.exit_code}, timed out: {lab.command.timed_out})")
        return 2
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(res.model_dump_json(indent=2))
    print(f"mode {lab.mode}, kernel {res.kernel}, boot {res.boot_s}s, wall {res.wall_s}s")
    for s in res.scenarios:
        t = s.timings
        print(
            f"{'PASS' if s.passed else 'FAIL'} {s.name}: {len(s.checks)} checks, setup {t.setup_s}s, "
            f"daemons {t.daemons_s}s, convergence {t.convergence_s}s, total {t.total_s}s"
        )
        for c in s.failed():
            print(f"    unexpected: {c.name}/{c.subject} passed={c.passed}: {c.detail}")
        for e in s.errors:
            print(f"    error: {e}")
    return 0 if lab.passed else 1


if __name__ == "__main__":
    sys.exit(main())
