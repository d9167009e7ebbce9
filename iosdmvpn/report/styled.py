"""Styled text and trees that need rich only when they are shown in colour.

A report to a pipe, a file or a CI log has no colour: it is written straight from these
(text, style) segments, and rich, whose console costs a tenth of a small run's start-up,
is not loaded at all. On a terminal they become rich ``Text`` and ``Tree`` objects.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

from iosdmvpn.diagnostics import Severity

# The report colours (rich style names), for every text output.
STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
GUTTER = "bold blue"

Segment = tuple[str, str | None]  # text, rich style (None: unstyled)

# What rich strips from printed text (BEL, BS, VT, FF, CR): a config's control characters
# must not reach a terminal or a log as such.
CONTROL_CHARACTERS = str.maketrans("", "", "\x07\x08\x0b\x0c\x0d")


class Styled:
    """Text made of (text, style) segments; ``+`` and ``+=`` take a str or another Styled."""

    __slots__ = ("segments",)

    def __init__(self, text: str = "", style: str | None = None) -> None:
        self.segments: list[Segment] = [(text, style)] if text else []

    def __add__(self, other: str | Styled) -> Styled:
        out = Styled()
        out.segments = [*self.segments, *_segments(other)]
        return out

    def __radd__(self, other: str) -> Styled:
        return Styled(other) + self

    @property
    def plain(self) -> str:
        """The text without styles, control characters removed."""
        return plain_text(self.segments)

    def to_rich(self) -> Text:
        return rich_text(self.segments)


def plain_text(segments: Iterable[Segment]) -> str:
    """Segments as printed without colour: their text, control characters removed."""
    return "".join(text for text, _ in segments).translate(CONTROL_CHARACTERS)


def rich_text(segments: Iterable[Segment]) -> Text:
    """Segments as one rich ``Text``, each with its own style."""
    from rich.text import Text

    out = Text()
    for text, style in segments:
        out.append(text, style=style)
    return out


def _segments(value: str | Styled) -> list[Segment]:
    return value.segments if isinstance(value, Styled) else [(value, None)] if value else []


class Node:
    """A tree of labels, drawn with rich's guides (``├──``, ``└──``, ``│``)."""

    __slots__ = ("children", "label")

    def __init__(self, label: str | Styled) -> None:
        self.label = label if isinstance(label, Styled) else Styled(label)
        self.children: list[Node] = []

    def add(self, child: str | Styled | Node) -> Node:
        """Append a child (a label or a whole subtree) and return it."""
        node = child if isinstance(child, Node) else Node(child)
        self.children.append(node)
        return node

    def plain_lines(self) -> list[str]:
        """The tree as text lines, one per node, never wrapped."""
        lines = [self.label.plain]
        for index, child in enumerate(self.children):
            last = index == len(self.children) - 1
            sub = child.plain_lines()
            lines.append(("└── " if last else "├── ") + sub[0])
            lines.extend(("    " if last else "│   ") + line for line in sub[1:])
        return lines

    def to_rich(self) -> Tree:
        from rich.tree import Tree

        tree = Tree(self.label.to_rich())
        for child in self.children:
            tree.add(child.to_rich())
        return tree


def colour_console(out: TextIO, color: bool | None) -> Console | None:
    """The rich console when ``out`` gets colour, else None (rich is not even loaded)."""
    if color is False:
        return None
    if color is None and not _maybe_terminal(out):
        return None
    from iosdmvpn.report.console import make_console

    console = make_console(out, color)
    return console if console.color_system is not None else None


def _maybe_terminal(out: TextIO) -> bool:
    """False when rich would surely print no colour: not a terminal, nothing forcing it."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") or os.environ.get("TTY_INTERACTIVE"):
        return True
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
