"""Measure `iosdmvpn parse small.cfg` against `python -c "import lark, pydantic, rich, jinja2"`.

Not a test (timings on a shared machine are too noisy to assert); run it by hand:

    python tests/cli/startup_bench.py [RUNS]

It prints the median wall time of each command (runs interleaved, so drift hits all alike)
and its ratio to the baseline. The target is a ratio of at most 1.3 for `iosdmvpn parse`;
the `parse_file only` line shows the floor set by the parser and model imports alone.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL = """hostname r1
interface Tunnel0
 ip address 10.0.0.2 255.255.255.0
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.0
"""


def main(runs: int) -> None:
    """Print median times and ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = str(Path(tmp) / "small.cfg")
        Path(cfg).write_text(SMALL)
        exe = shutil.which("iosdmvpn") or "iosdmvpn"
        commands = {
            "baseline (import lark, pydantic, rich, jinja2)": [sys.executable, "-c",
                                                               "import lark, pydantic, rich, jinja2"],
            "parse_file only (no CLI)": [sys.executable, "-c",
                                         f"from iosdmvpn.parse import parse_file; parse_file({cfg!r})"],
            "iosdmvpn parse small.cfg": [exe, "parse", cfg],
            "iosdmvpn parse --format json small.cfg": [exe, "parse", "--format", "json", cfg],
        }
        subprocess.run(commands["iosdmvpn parse small.cfg"], capture_output=True, check=True)  # warm caches
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                start = time.perf_counter()
                subprocess.run(argv, capture_output=True, check=True)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(next(iter(times.values())))
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:48s} {median * 1000:7.1f} ms   ratio {median / base:4.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
