"""Human output: ``path:line:col: severity CODE name: message`` plus a code frame.

The frame follows ruff's look: a gutter with line numbers, the lines around the span
(and the stanza header the span sits in), carets under the span, related locations with
their own small frames, ``= help:`` last. Every source line shown goes through
:func:`iosdmvpn.source.redact`, so keys and passwords never reach a terminal or a log.

Lines are built as plain (text, style) segments. Only a coloured report turns them into
rich ``Text``; a pipe, a file or a CI log gets the same characters written directly,
without loading rich (a third of the time of a report with many frames). Colour appears
only on a terminal (rich also honours ``NO_COLOR`` and ``FORCE_COLOR``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from iosdmvpn.diagnostics import Diagnostic, Related, Severity
from iosdmvpn.report.result import LintResult
from iosdmvpn.report.styled import GUTTER, STYLES, Segment, colour_console, plain_text, rich_text
from iosdmvpn.source import SourceFile, Span, redact

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

__all__ = ["STYLES", "make_console", "render", "render_diagnostic", "render_statistics", "summary",
           "summary_line", "write_diagnostics"]
CONTEXT_BEFORE = 2
CONTEXT_AFTER = 1
MAX_SPAN_LINES = 4  # longer spans show their first and last lines around an ellipsis
# A network finding can relate to every spoke of a cloud; past a few frames the rest are
# counted, not drawn (JSON and SARIF carry them all).
MAX_RELATED = 3
MAX_LISTED = 8  # line numbers named for the related notes that are not drawn
Line = list[Segment]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 or word == "info" else "s")


class _Lines:
    """A file's lines, redacted for display, with column mapping from raw to shown text."""

    def __init__(self, source: SourceFile) -> None:
        self.raw = source.lines
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
        from difflib import SequenceMatcher

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


def _frame(lines: _Lines, span: Span, severity: Severity, indent: str = "") -> list[Line]:
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
    out: list[Line] = [[(indent + " " * width + " |", GUTTER)]]
    for n in shown:
        if n == -1:
            out.append([(indent + "." * width + " |", GUTTER)])
            continue
        text = lines.shown(n)
        inside = span.line <= n <= last
        mark = ">" if multi and inside else "|"
        gutter: Line = [(indent + f"{n:>{width}} ", GUTTER), (mark, style if mark == ">" else GUTTER)]
        row: Line = [*gutter, (" ", None)]
        if not inside:
            out.append([*row, (text, None)])
            continue
        start = lines.column(n, span.column) if n == span.line else len(text) - len(text.lstrip())
        end = lines.column(n, span.end_column, end=True) if n == span.end_line else len(text)
        end = max(end, start + 1)
        out.append([*row, (text[:start], None), (text[start:end], style), (text[end:], None)])
        if not multi:
            out.append([(indent + " " * width + " | ", GUTTER), (" " * start + "^" * (end - start), style)])
    return out


def _location(span: Span) -> Segment:
    return f"{span.path}:{span.line}:{span.column}:", "bold"


def _note(what: str, *rest: Segment) -> Line:
    return [("   = ", GUTTER), (what, "bold"), (": ", None), *rest]


def diagnostic_lines(diagnostic: Diagnostic, sources: dict[str, SourceFile], *, show_source: bool = True,
                     cache: dict[str, _Lines] | None = None, max_related: int = MAX_RELATED) -> list[Line]:
    """The lines printed for one diagnostic: at most ``max_related`` related notes (0: all)."""
    cache = {} if cache is None else cache

    def lines_of(path: str) -> _Lines | None:
        if path not in cache and path in sources:
            cache[path] = _Lines(sources[path])
        return cache.get(path)

    style = STYLES[diagnostic.severity]
    out: list[Line] = [[_location(diagnostic.span), (" ", None), (str(diagnostic.severity), style),
                        (" ", None), (diagnostic.code, "bold"), (" ", None), (diagnostic.name, "dim"),
                        (": " + diagnostic.message, None)]]
    primary = lines_of(diagnostic.span.path)
    if show_source and primary is not None:
        out += _frame(primary, diagnostic.span, diagnostic.severity)
    shown_related = diagnostic.related if max_related <= 0 else diagnostic.related[:max_related]
    for related in shown_related:
        out.append(_note("note", _location(related.span), (" " + related.message, None)))
        other = lines_of(related.span.path)
        if show_source and other is not None:
            out += _frame(other, related.span, Severity.INFO, indent="     ")
    hidden = diagnostic.related[len(shown_related):]
    if hidden:
        out.append(_note("note", (_more_locations(diagnostic.span.path, hidden), None)))
    if diagnostic.help:
        out.append(_note("help", (diagnostic.help, None)))
    return out


def render_diagnostic(diagnostic: Diagnostic, sources: dict[str, SourceFile], *, show_source: bool = True,
                      cache: dict[str, _Lines] | None = None, max_related: int = MAX_RELATED) -> list[Text]:
    """:func:`diagnostic_lines` as rich ``Text`` lines."""
    lines = diagnostic_lines(diagnostic, sources, show_source=show_source, cache=cache,
                             max_related=max_related)
    return [rich_text(line) for line in lines]


def _more_locations(path: str, hidden: Sequence[Related]) -> str:
    """``and 44 more at lines 12, 40, ...``: the related notes not drawn (files named when they differ)."""
    same_file = all(r.span.path == path for r in hidden)
    places = [str(r.span.line) if same_file else f"{r.span.path}:{r.span.line}" for r in hidden]
    listed = ", ".join(places[:MAX_LISTED]) + (", ..." if len(places) > MAX_LISTED else "")
    where = ("line " if len(places) == 1 else "lines ") if same_file else ""
    return f"and {len(hidden)} more at {where}{listed} (--max-related 0 shows them all)"


def write_diagnostics(diagnostics: Sequence[Diagnostic], sources: dict[str, SourceFile], out: TextIO, *,
                      show_source: bool = True, color: bool | None = None,
                      max_related: int = MAX_RELATED) -> Console | None:
    """Write each diagnostic's lines (and a blank line after each frame) to ``out``.

    Returns the rich console used when the output is coloured, else None (plain text).
    """
    console = colour_console(out, color)
    cache: dict[str, _Lines] = {}
    for diagnostic in diagnostics:
        lines = diagnostic_lines(diagnostic, sources, show_source=show_source, cache=cache,
                                 max_related=max_related)
        if show_source:
            lines.append([])
        if console is None:
            out.write("".join(plain_text(line) + "\n" for line in lines))
        else:
            # One print per diagnostic: each print has a fixed cost that thousands of frame
            # lines would multiply.
            from rich.text import Text

            console.print(Text("\n").join(rich_text(line) for line in lines))
    return console


def make_console(out: TextIO, color: bool | None = None) -> Console:
    """The shared rich console (:func:`iosdmvpn.report.console.make_console`), loaded on demand."""
    from iosdmvpn.report.console import make_console as make

    return make(out, color)


def summary_line(result: LintResult) -> Line:
    """The closing line: counts by severity, files, suppressed findings."""
    counts = result.counts()
    files = _plural(result.file_count, "file")
    line: Line
    if not result.diagnostics:
        line = [("All checks passed", "bold green"), (f" ({files} linted", None)]
    else:
        parts = [(_plural(n, str(s)), STYLES[s]) for s, n in counts.items() if n]
        line = [("Found ", None)]
        for i, part in enumerate(parts):
            line += [(", ", None), part] if i else [part]
        line.append((f" in {files} (fail-on: {result.settings.fail_on}", None))
    if result.suppressed:
        line.append((f"; {result.suppressed} suppressed", None))
    line.append((").", None))
    if result.unusable:
        line.append((f" {_plural(len(result.unusable), 'file')} could not be linted.", "bold red"))
    return line


def summary(result: LintResult) -> Text:
    """:func:`summary_line` as rich ``Text``."""
    return rich_text(summary_line(result))


def render(result: LintResult, out: TextIO, *, show_source: bool = True, statistics: bool = False,
           color: bool | None = None, max_related: int = MAX_RELATED) -> None:
    """Write the text report of ``result`` to ``out``."""
    if statistics:
        render_statistics(result, make_console(out, color))
        return
    console = write_diagnostics(result.diagnostics, result.sources, out, show_source=show_source, color=color,
                                max_related=max_related)
    if console is None:
        out.write(plain_text(summary_line(result)) + "\n")
    else:
        console.print(rich_text(summary_line(result)))


def render_statistics(result: LintResult, console: Console) -> None:
    """One line per code: count, code, name, severity (as ``ruff --statistics``)."""
    rows = result.statistics()
    width = max((len(str(r[3])) for r in rows), default=1)
    names = max((len(r[1]) for r in rows), default=0)
    for code, name, severity, count in rows:
        row: Line = [(f"{count:>{width}}  ", None), (code, "bold"), (f"  {name:<{names}}  ", None),
                     (str(severity), STYLES[severity])]
        console.print(rich_text(row))
    console.print(summary(result))
