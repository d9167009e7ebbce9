"""Parse-speed and start-up benchmarks for the iosdmvpn CLI, each command timed as a whole process.

1. Large config: `iosdmvpn parse HUB --format json` vs ciscoconfparse2 parsing the same
   file in a fresh interpreter (with --lint also `iosdmvpn lint HUB`, the same goal). Median
   of 5 interleaved runs. Goal: iosdmvpn / ciscoconfparse2 <= 0.10.
2. Start-up: `iosdmvpn parse SMALL` vs a bare `python -c "import lark, pydantic, rich, jinja2"`
   (the CLI's runtime dependencies). Median of 11 interleaved runs. Goal: ratio <= 1.3.

    python benchmarks/bench_parse.py            # generates a 100k-line hub in a temp dir
    python benchmarks/bench_parse.py --check    # exit 1 when a goal fails

Exit status: 0 (also when a goal fails, unless --check), 1 goal failed with --check,
2 prerequisite missing or a timed command failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import gen_hub_config
import gen_network
from _benchutil import (
    CLI_OK,
    BenchError,
    Command,
    count_lines,
    goal_line,
    interleaved,
    iosdmvpn,
    report,
    require_ciscoconfparse2,
    require_iosdmvpn,
)

PARSE_GOAL = 0.10
STARTUP_GOAL = 1.3
DEPS_IMPORT = "import lark, pydantic, rich, jinja2"


def ccp2_command(path: Path) -> Command:
    # The path goes through repr() so any file name is a valid Python literal.
    code = f"from ciscoconfparse2 import CiscoConfParse; CiscoConfParse({str(path)!r}, syntax='ios')"
    return Command("ciscoconfparse2", (sys.executable, "-c", code))


def bench_large(hub: Path, small: Path, runs: int, lint: bool, ccp2_only: bool) -> bool | None:
    """Return whether the parse goal holds (None when iosdmvpn was not measured)."""
    size = hub.stat().st_size / 1e6
    print(
        f"\n== large config: {hub.name} ({count_lines(hub):,} lines, {size:.1f} MB), {runs} runs interleaved"
    )
    parse = Command("iosdmvpn parse --format json", iosdmvpn("parse", str(hub), "--format", "json"), CLI_OK)
    commands = [ccp2_command(hub)] if ccp2_only else [parse, ccp2_command(hub)]
    if lint and not ccp2_only:
        commands.append(Command("iosdmvpn lint", iosdmvpn("lint", str(hub)), CLI_OK))
    warmup = [] if ccp2_only else [Command("warm-up", iosdmvpn("parse", str(small)), CLI_OK)]
    timings = interleaved(commands, runs, warmup)
    print(report(timings))
    if ccp2_only:
        print("  (iosdmvpn not measured: --ccp2-only)")
        return None
    line, ok = goal_line(
        "ratio iosdmvpn parse / ciscoconfparse2", timings[0].median / timings[1].median, PARSE_GOAL
    )
    print(f"  {line}")
    if lint:
        # The lint issue holds `iosdmvpn lint` (text report) to the same 1/10 of ciscoconfparse2.
        line, lint_ok = goal_line(
            "ratio iosdmvpn lint / ciscoconfparse2", timings[2].median / timings[1].median, PARSE_GOAL
        )
        print(f"  {line}")
        ok = ok and lint_ok
    return ok


def bench_startup(small: Path, runs: int) -> bool:
    """Return whether the start-up goal holds."""
    print(f"\n== start-up: {small.name} ({count_lines(small)} lines), {runs} runs interleaved")
    parse = Command("iosdmvpn parse (small)", iosdmvpn("parse", str(small)), CLI_OK)
    deps = Command(f'python -c "{DEPS_IMPORT}"', (sys.executable, "-c", DEPS_IMPORT))
    timings = interleaved([parse, deps], runs, warmup=[parse, deps])
    print(report(timings))
    line, ok = goal_line(
        "ratio iosdmvpn parse / bare dependency import", timings[0].median / timings[1].median, STARTUP_GOAL
    )
    print(f"  {line}")
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description="Time iosdmvpn parse against ciscoconfparse2 and a bare import.")
    ap.add_argument("--file", type=Path, help="large config to parse (default: generate one)")
    ap.add_argument("--lines", type=int, default=100_000, help="size of the generated config (%(default)s)")
    ap.add_argument(
        "--small-file", type=Path, help="small config for the start-up test (default: a generated spoke)"
    )
    ap.add_argument("--runs", type=int, default=5, help="runs per command, large config (%(default)s)")
    ap.add_argument("--startup-runs", type=int, default=11, help="runs per command, start-up (%(default)s)")
    ap.add_argument("--lint", action="store_true", help="also time `iosdmvpn lint` on the large config")
    ap.add_argument(
        "--ccp2-only", action="store_true", help="only time ciscoconfparse2 (iosdmvpn not needed)"
    )
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up benchmark")
    ap.add_argument("--check", action="store_true", help="exit 1 when a goal is not met")
    args = ap.parse_args(argv)

    try:
        require_ciscoconfparse2()
        version = "not measured" if args.ccp2_only else require_iosdmvpn()
        print(f"iosdmvpn: {version}; python {sys.version.split()[0]} at {sys.executable}")
        with tempfile.TemporaryDirectory(prefix="iosdmvpn-bench-") as tmp:
            hub = args.file
            if hub is None:
                hub = Path(tmp) / f"hub-{args.lines}.cfg"
                hub.write_text(gen_hub_config.generate(args.lines)[0], encoding="ascii")
            small = args.small_file
            if small is None:
                small = Path(tmp) / "spoke-small.cfg"
                small.write_text(gen_network.spoke_config(gen_network.plan_spokes(1)[0]), encoding="ascii")
            results = [bench_large(hub.resolve(), small.resolve(), args.runs, args.lint, args.ccp2_only)]
            if not (args.ccp2_only or args.no_startup):
                results.append(bench_startup(small.resolve(), args.startup_runs))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = any(r is False for r in results)
    print(f"\ngoals: {'some FAILED' if failed else 'all met' if None not in results else 'not evaluated'}")
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
