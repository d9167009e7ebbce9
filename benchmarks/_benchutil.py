"""Shared helpers for the benchmark scripts: whole-process timing, interleaving, checks."""

from __future__ import annotations

import importlib.util
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The CLI exits 0 (clean) or 1 (findings); 2 is a usage/internal error.
CLI_OK = (0, 1)


class BenchError(RuntimeError):
    """A benchmark prerequisite is missing or a timed command failed."""


@dataclass(frozen=True)
class Command:
    """One command line to time as a whole process."""

    label: str
    argv: tuple[str, ...]
    ok_codes: tuple[int, ...] = (0,)


@dataclass
class Timing:
    """Wall-clock samples of one command."""

    command: Command
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def iosdmvpn(*args: str) -> tuple[str, ...]:
    """argv for the CLI through the current interpreter, so no PATH lookup or wrapper is timed."""
    return (sys.executable, "-m", "iosdmvpn", *args)


def require_iosdmvpn() -> str:
    """Return `iosdmvpn --version` output, or raise BenchError with a clear explanation."""
    argv = iosdmvpn("--version")
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(
            f"`{shlex.join(argv)}` failed (exit {proc.returncode}): {last}\n"
            "The iosdmvpn CLI is not usable yet. The benchmarks run `python -m iosdmvpn` with the repo root "
            "as working directory, so the checkout's package is what gets timed; it needs a working "
            "`iosdmvpn.cli.main` and its dependencies (`pip install -e .`)."
        )
    return proc.stdout.strip() or proc.stderr.strip()


def require_ciscoconfparse2() -> None:
    # find_spec does not import the package (its import alone costs ~1 s).
    if importlib.util.find_spec("ciscoconfparse2") is None:
        raise BenchError(
            "ciscoconfparse2 is not installed; it is a dev-only dependency: pip install ciscoconfparse2"
        )


def run_once(cmd: Command) -> float:
    """Run `cmd` with stdout discarded (like `> /dev/null`) and return its wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.run(cmd.argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    # A caught crash may still exit 1, so look for a traceback as well as the code.
    if proc.returncode not in cmd.ok_codes or b"Traceback (most recent call last)" in proc.stderr:
        tail = "\n".join(proc.stderr.decode(errors="replace").strip().splitlines()[-8:])
        raise BenchError(f"{cmd.label}: `{shlex.join(cmd.argv)}` exited {proc.returncode}\n{tail}")
    return elapsed


def interleaved(commands: Sequence[Command], runs: int, warmup: Sequence[Command] = ()) -> list[Timing]:
    """Time each command `runs` times, alternating between them.

    Interleaving spreads slow drift (thermal throttling, a noisy neighbour, page cache)
    evenly over all commands instead of penalising whichever ran last.
    """
    for cmd in warmup:  # fills .pyc and grammar caches; not timed
        run_once(cmd)
    timings = [Timing(c) for c in commands]
    for r in range(runs):
        for t in timings:
            t.samples.append(run_once(t.command))
        progress = "  ".join(f"{t.command.label} {t.samples[-1]:.3f}s" for t in timings)
        print(f"  run {r + 1}/{runs}: {progress}", file=sys.stderr, flush=True)
    return timings


def report(timings: Sequence[Timing]) -> str:
    """Table of median / min / max per command."""
    width = max(len(t.command.label) for t in timings)
    rows = [f"  {'command':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}"]
    for t in timings:
        rows.append(
            f"  {t.command.label:<{width}}  {t.median:7.3f}s  {min(t.samples):7.3f}s  {max(t.samples):7.3f}s"
        )
    return "\n".join(rows)


def goal_line(what: str, ratio: float, goal: float) -> tuple[str, bool]:
    """Format a ratio against its goal; return the line and whether the goal holds."""
    ok = ratio <= goal
    return f"{what}: {ratio:.3f}  (goal <= {goal:.2f}: {'PASS' if ok else 'FAIL'})", ok


def count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)
