"""The rich Console every text output uses, and the severity colours."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from iosdmvpn.report.styled import GUTTER, STYLES

__all__ = ["GUTTER", "STYLES", "make_console", "styled"]


def make_console(out: TextIO, color: bool | None = None) -> Console:
    """A console writing to ``out``, created per call so tests can pass a StringIO.

    Colour appears only on a terminal unless ``color`` forces it on or off (rich also
    honours ``NO_COLOR`` and ``FORCE_COLOR``). Lines are never wrapped: a finding's first
    line stays one ``path:line:col:`` line that editors can jump to.
    """
    return Console(file=out, force_terminal=color, no_color=True if color is False else None, highlight=False,
                   soft_wrap=True, emoji=False, markup=False)


def styled(text: str, style: str) -> Text:
    """``text`` in ``style`` as a span, so text appended to it keeps its own style.

    (``Text(text, style=...)`` sets the style of the whole Text, appended parts included.)
    """
    out = Text()
    out.append(text, style=style)
    return out
