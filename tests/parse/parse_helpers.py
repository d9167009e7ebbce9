"""Helpers shared by the parser tests (not a conftest: other test folders import theirs by name)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pydantic import BaseModel

from iosdmvpn.diagnostics import Diagnostic
from iosdmvpn.model import Device
from iosdmvpn.parse import ParseResult, parse_text
from iosdmvpn.source import Span

PATH = "t.cfg"
REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def parse(text: str) -> ParseResult:
    """Parse a dedented snippet as ``t.cfg``."""
    return parse_text(textwrap.dedent(text).lstrip("\n"), PATH)


def device(text: str) -> Device:
    """The device of a snippet that must parse without errors or warnings."""
    result = parse(text)
    bad = [d for d in result.diagnostics if d.severity.name in ("ERROR", "WARNING")]
    assert not bad, [f"{d.code} {d.span.line}: {d.message}" for d in bad]
    assert result.device is not None
    return result.device


def codes(result: ParseResult) -> list[str]:
    """The diagnostic codes, in order."""
    return [d.code for d in result.diagnostics]


def only(result: ParseResult, code: str) -> Diagnostic:
    """The one diagnostic with ``code``."""
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in result.diagnostics]
    return found[0]


def where(span: Span) -> tuple[int, int, int, int]:
    """(line, column, end line, end column) of a span."""
    return span.line, span.column, span.end_line, span.end_column


def token_at(text: str, line: int, word: str) -> tuple[int, int, int, int]:
    """The span a diagnostic about ``word`` on ``line`` (1-based) of ``text`` must have."""
    raw = textwrap.dedent(text).lstrip("\n").splitlines()[line - 1]
    col = raw.index(word) + 1
    return line, col, line, col + len(word)


def model_spans(node: object) -> list[Span]:
    """Every span held anywhere in a model node (fields, tuples, the per-field ``spans`` dicts)."""
    found: list[Span] = []
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Span):
            found.append(item)
        elif isinstance(item, BaseModel):
            stack.extend(getattr(item, name) for name in type(item).model_fields)
        elif isinstance(item, tuple | list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return found
