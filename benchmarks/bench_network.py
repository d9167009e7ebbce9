"""Scaling benchmark for network-wide lint: `iosdmvpn lint DIR --format json` on 2000 vs 4000 spokes.

Both networks are generated into a temp dir (benchmarks/gen_network.py), then each lint
runs as a whole process, interleaved, median of 3. Doubling the spokes should at most
roughly double the time: goal median(4000) / median(2000) <= 2.2, i.e. the cross-device
checks must not be quadratic in the number of spokes.

    python benchmarks/bench_network.py           # prints medians and the ratio
    python benchmarks/bench_network.py --check   # exit 1 when the goal fails

Exit status: 0 (also when the goal fails, unless --check), 1 goal failed with --check,
2 prerequisite missing or a timed command failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import gen_network
from _benchutil import CLI_OK, BenchError, Command, goal_line, interleaved, iosdmvpn, report, require_iosdmvpn

SCALING_GOAL = 2.2


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description="Time `iosdmvpn lint DIR` on a 2000- and a 4000-spoke network.")
    ap.add_argument("--small", type=int, default=2000, help="spokes in the smaller network (%(default)s)")
    ap.add_argument("--large", type=int, default=4000, help="spokes in the larger network (%(default)s)")
    ap.add_argument("--runs", type=int, default=3, help="runs per network (%(default)s)")
    ap.add_argument("--check", action="store_true", help="exit 1 when the goal is not met")
    ap.add_argument("--keep", type=Path, help="generate into this directory and keep it (default: temp dir)")
    args = ap.parse_args(argv)

    try:
        version = require_iosdmvpn()
        print(f"iosdmvpn: {version}; python {sys.version.split()[0]}")
        with tempfile.TemporaryDirectory(prefix="iosdmvpn-net-") as tmp:
            root = args.keep or Path(tmp)
            commands = []
            for n in (args.small, args.large):
                net = (root / f"net-{n}").resolve()
                lines = gen_network.write_network(net, n, force=True)
                print(f"generated {net}: hub + {n} spokes, {lines:,} lines")
                commands.append(
                    Command(f"lint {n} spokes", iosdmvpn("lint", str(net), "--format", "json"), CLI_OK)
                )
            # Warm-up on a tiny network fills .pyc and grammar caches without costing a full run.
            tiny = (root / "net-warmup").resolve()
            gen_network.write_network(tiny, 5, force=True)
            warmup = [Command("warm-up", iosdmvpn("lint", str(tiny), "--format", "json"), CLI_OK)]
            print(f"\n== network lint, {args.runs} runs interleaved")
            timings = interleaved(commands, args.runs, warmup)
    except (BenchError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report(timings))
    # Linear scaling with 10% slack: 2.2 for the default doubling.
    goal = SCALING_GOAL * (args.large / args.small) / 2
    line, ok = goal_line(f"ratio {args.large}/{args.small}", timings[1].median / timings[0].median, goal)
    print(f"  {line}")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
