"""Human output: ``path:line:col: severity CODE name: message`` plus a code frame.

The frame follows ruff's look: a gutter with line numbers, the lines around the span
(and the stanza header the span sits in), carets under the span, related locations with
their own small frames, ``= help:`` last. Every source line shown goes through
:func:`iosdmvpn.source.redact`, so keys and passwords never reach a terminal or a log.
The rich Console is created per call: tests pass a StringIO, and colour appears only on
a terminal (rich also honours ``NO_COLOR`` and ``FORCE_COLOR``).
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import TextIO

from rich.console import Console
from rich.text import Text

from iosdmvpn.diagnostics import Diagnostic, Severity
from iosdmvpn.report.console import GUTTER, STYLES, make_console, styled
from iosdmvpn.report.result import LintResult
from iosdmvpn.source import SourceFile, Span, redact

__all__ = ["STYLES", "make_console", "render", "render_diagnostic", "render_statistics", "summary"]
CONTEXT_BEFORE = 2
CONTEXT_AFTER = 1
MAX_SPAN_LINES = 4  # longer spans show their first and last lines around an ellipsis


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 or word == "info" else "s")


class _Lines:
    """A file's lines, redacted for display, with column mapping from raw to shown text."""

    def __init__(self, source: SourceFile) -> None:
        self.raw = source.text.splitlines()
        # Redacted on first display: frames show a few lines of files that may hold 100k.
        self._shown: dict[int, str] = {}

    def shown(self, number: int) -> str:
        """Line ``number`` (1-based) as displayed: secrets masked, tabs as spaces."""
        text = self._shown.get(number)
        if text is None:
            text = self._shown[number] = redact(self.raw[number - 1]).replace("\t", " ")
        return text

    def column(self, number: int, column: int, *, end: bool = False) -> int:
        """0-based display column of a 1-based raw column on line ``number``.

        A column inside a masked secret maps to the start of the mask, or to its end when
        ``end`` (the exclusive end of a span), so the carets cover the whole mask.
        """
        raw, shown = self.raw[number - 1].replace("\t", " "), self.shown(number)
        index = column - 1
        if raw == shown:
            return min(index, len(shown))
        # Masking changes the length of the line; map through the unchanged stretches.
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, raw, shown, autojunk=False).get_opcodes():
            if index < i2 or i1 == i2 == index:
                if tag == "equal":
                    return j1 + (index - i1)
                return j2 if end and index > i1 else j1
        return len(shown)

    def header_of(self, number: int) -> int | None:
        """The stanza header above line ``number`` (the nearest less indented command)."""
        text = self.raw[number - 1]
        indent = len(text) - len(text.lstrip())
        if indent == 0:
            return None
        for n in range(number - 1, 0, -1):
            line = self.raw[n - 1]
            stripped = line.lstrip()
            if stripped and not stripped.startswith("!") and len(line) - len(stripped) < indent:
                return n
        return None


def _frame(lines: _Lines, span: Span, severity: Severity, indent: str = "") -> list[Text]:
    """The code frame of one span: carets under a one-line span, ``>`` marks for a longer one."""
    total = len(lines.raw)
    if total == 0 or not 1 <= span.line <= total:
        return []
    last = min(max(span.end_line, span.line), total)
    if span.end_line > span.line and span.end_column == 1:
        last = max(span.line, last - 1)  # a span ending at column 1 does not touch that line
    multi = last > span.line
    spanned = list(range(span.line, last + 1))
    if len(spanned) > MAX_SPAN_LINES:
        spanned = [*spanned[:MAX_SPAN_LINES - 1], -1, last]
    before = [n for n in range(max(1, span.line - CONTEXT_BEFORE), span.line) if lines.raw[n - 1].strip()]
    after = [n for n in range(last + 1, min(total, last + CONTEXT_AFTER) + 1) if lines.raw[n - 1].strip()]
    shown: list[int] = before + spanned + after
    header = lines.header_of(span.line)
    if header is not None and header not in shown:
        # Show the stanza the finding sits in (`interface Tunnel0`), with a gap marker if needed.
        shown = [header, -1, *shown] if header < (before or [span.line])[0] - 1 else [header, *shown]
    width = len(str(max(shown)))
    style = STYLES[severity]
    out = [styled(indent + " " * width + " |", GUTTER)]
    for n in shown:
        if n == -1:
            out.append(styled(indent + "." * width + " |", GUTTER))
            continue
        text = lines.shown(n)
        inside = span.line <= n <= last
        mark = ">" if multi and inside else "|"
        row = styled(indent + f"{n:>{width}} ", GUTTER)
        row.append(mark, style=style if mark == ">" else GUTTER)
        body = Text(text)
        if inside:
            start = lines.column(n, span.column) if n == span.line else len(text) - len(text.lstrip())
            end = lines.column(n, span.end_column, end=True) if n == span.end_line else len(text)
            end = max(end, start + 1)
            body.stylize(style, start, min(end, len(text)))
        out.append(row + " " + body)
        if inside and not multi:
            out.append(styled(indent + " " * width + " | ", GUTTER)
                       + styled(" " * start + "^" * (end - start), style))
    return out


def _location(span: Span) -> Text:
    return styled(f"{span.path}:{span.line}:{span.column}:", "bold")


def render_diagnostic(diagnostic: Diagnostic, sources: dict[str, SourceFile], *, show_source: bool = True,
                      cache: dict[str, _Lines] | None = None) -> list[Text]:
    """The lines printed for one diagnostic."""
    cache = {} if cache is None else cache

    def lines_of(path: str) -> _Lines | None:
        if path not in cache and path in sources:
            cache[path] = _Lines(sources[path])
        return cache.get(path)

    style = STYLES[diagnostic.severity]
    head = _location(diagnostic.span) + " " + styled(str(diagnostic.severity), style) + " "
    head += styled(diagnostic.code, "bold") + " " + styled(diagnostic.name, "dim")
    head += Text(": " + diagnostic.message)
    out = [head]
    primary = lines_of(diagnostic.span.path)
    if show_source and primary is not None:
        out += _frame(primary, diagnostic.span, diagnostic.severity)
    for related in diagnostic.related:
        out.append(styled("   = ", GUTTER) + styled("note", "bold") + ": "
                   + _location(related.span) + " " + related.message)
        other = lines_of(related.span.path)
        if show_source and other is not None:
            out += _frame(other, related.span, Severity.INFO, indent="     ")
    if diagnostic.help:
        out.append(styled("   = ", GUTTER) + styled("help", "bold") + ": " + diagnostic.help)
    return out


def summary(result: LintResult) -> Text:
    """The closing line: counts by severity, files, suppressed findings."""
    counts = result.counts()
    files = _plural(result.file_count, "file")
    if not result.diagnostics:
        text = styled("All checks passed", "bold green") + f" ({files} linted"
    else:
        parts = [styled(_plural(n, str(s)), STYLES[s]) for s, n in counts.items() if n]
        text = Text("Found ") + Text(", ").join(parts) + f" in {files}"
        text += Text(f" (fail-on: {result.settings.fail_on}")
    if result.suppressed:
        text += f"; {result.suppressed} suppressed"
    text += ")."
    if result.unusable:
        text += styled(f" {_plural(len(result.unusable), 'file')} could not be linted.", "bold red")
    return text


def render(result: LintResult, out: TextIO, *, show_source: bool = True, statistics: bool = False,
           color: bool | None = None) -> None:
    """Write the text report of ``result`` to ``out``."""
    console = make_console(out, color)
    if statistics:
        render_statistics(result, console)
        return
    sources = result.sources
    cache: dict[str, _Lines] = {}
    for diagnostic in result.diagnostics:
        # One print per diagnostic: each console.print has a fixed cost that thousands of
        # frame lines would multiply.
        block = Text("\n").join(render_diagnostic(diagnostic, sources, show_source=show_source, cache=cache))
        console.print(block)
        if show_source:
            console.print()
    console.print(summary(result))


def render_statistics(result: LintResult, console: Console) -> None:
    """One line per code: count, code, name, severity (as ``ruff --statistics``)."""
    rows = result.statistics()
    width = max((len(str(r[3])) for r in rows), default=1)
    names = max((len(r[1]) for r in rows), default=0)
    for code, name, severity, count in rows:
        console.print(Text(f"{count:>{width}}  ") + styled(code, "bold") + f"  {name:<{names}}  "
                      + styled(str(severity), STYLES[severity]))
    console.print(summary(result))
