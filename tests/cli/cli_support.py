"""Helpers shared by the CLI tests (a plain module: `conftest` names collide across folders)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-network"


@dataclass
class Run:
    """What one ``main([...])`` call returned and printed."""

    code: int
    out: str
    err: str


def break_hub(net: Path) -> None:
    """Delete `tunnel source` from the hub (the classic broken hub)."""
    hub = net / "hub.cfg"
    hub.write_text("".join(line for line in hub.read_text().splitlines(keepends=True)
                           if "tunnel source" not in line))
