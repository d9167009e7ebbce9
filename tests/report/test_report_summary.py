"""`parse`'s text summary: written without rich when uncoloured, the same lines rich draws."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from iosdmvpn.parse import parse_devices
from iosdmvpn.report import summary
from iosdmvpn.report.styled import Node, Styled

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES = sorted((REPO / "examples").glob("*/*.cfg")) + sorted(CORPUS.glob("0[0-3]*"))[:12]


def _rich_lines(tree: Node) -> list[str]:
    # Wide enough that rich wraps nothing, and no colour: what the plain writer must match.
    out = io.StringIO()
    Console(file=out, width=100_000, color_system=None, highlight=False, emoji=False).print(tree.to_rich())
    return [line.rstrip() for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_plain_tree_is_rich_tree_unwrapped(path: Path) -> None:
    for result in parse_devices(path):
        tree = summary.device_tree(result)
        assert tree.plain_lines() == _rich_lines(tree)


def test_guides_of_nested_and_last_children() -> None:
    root = Node("r")
    a = root.add(Styled("a", "bold"))
    a.add("a1")
    a.add("a2").add("a2x")
    root.add("b")
    assert root.plain_lines() == ["r", "├── a", "│   ├── a1", "│   └── a2", "│       └── a2x", "└── b"]
    assert root.plain_lines() == _rich_lines(root)


def test_uncoloured_summary_does_not_load_the_rich_console(tmp_path: Path) -> None:
    import subprocess
    import sys

    hub = str(REPO / "examples" / "seed-network" / "hub.cfg")
    code = ("import sys, io; from iosdmvpn.parse import parse_devices; from iosdmvpn.report import summary; "
            f"summary.render(parse_devices({hub!r}), io.StringIO()); print('rich.console' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=tmp_path)
    assert done.stdout.strip() == "False"


def test_control_characters_never_reach_the_output() -> None:
    assert Styled("ring\x07 the\x08 bell\r").plain == "ring the bell"
