"""Find the lines of a stanza that no model field accounts for.

The parser models the DMVPN commands and deliberately ignores the rest (``ip nhrp
server-only``, ``tunnel path-mtu-discovery``, ``neighbor X timers`` ...). Translating
only the model would drop those lines without a word, so the translator walks the
model node's spans and reports every other non-comment line inside the stanza.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from iosdmvpn.model.base import IosNode
from iosdmvpn.source import Span


def _covered(node: object, out: set[int]) -> None:
    if isinstance(node, IosNode):
        out.add(node.span.line)  # a stanza's own span starts at its header line
        for span in node.spans.values():
            out.update(range(span.line, span.end_line + 1))
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            _covered(getattr(node, name), out)
    elif isinstance(node, tuple | list):
        for item in node:
            _covered(item, out)


def covered_lines(node: IosNode) -> set[int]:
    """Line numbers some field of ``node`` (or of its children) was read from."""
    out: set[int] = set()
    _covered(node, out)
    return out


def unaccounted(node: IosNode, lines: list[str], extra: set[int] | None = None) -> Iterator[tuple[Span, str]]:
    """(span, stripped text) of each line inside ``node``'s stanza that no field covers."""
    covered = covered_lines(node) | (extra or set())
    first, last = node.span.line, node.span.end_line
    for number in range(first + 1, min(last, len(lines)) + 1):
        if number in covered:
            continue
        raw = lines[number - 1]
        text = raw.strip()
        if not text or text.startswith("!") or text.lower() in ("exit", "end"):
            continue
        column = len(raw) - len(raw.lstrip()) + 1
        yield Span(path=node.span.path, line=number, column=column, end_line=number,
                   end_column=column + len(text)), text


def line_span(span: Span, lines: list[str] | None) -> Span:
    """The first line of ``span`` only (a stanza header), to the end of that line."""
    if lines is None or not 0 < span.line <= len(lines):
        return Span(path=span.path, line=span.line, column=span.column, end_line=span.line,
                    end_column=span.column)
    raw = lines[span.line - 1].rstrip()
    return Span(path=span.path, line=span.line, column=span.column, end_line=span.line,
                end_column=max(len(raw) + 1, span.column))
