"""GitHub Actions workflow commands: one annotation per diagnostic, one group per file.

``::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message``, with
``info`` as ``::notice``. Values are escaped as the Actions toolkit does
(``actions/toolkit`` ``packages/core/src/command.ts``): in the message ``%``, CR and LF;
in properties also ``:`` and ``,``. Related locations and help, which annotations
cannot show as such, are appended to the message on their own lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from iosdmvpn.diagnostics import Diagnostic, Severity
from iosdmvpn.report import relative_path
from iosdmvpn.report.result import LintResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic, base: Path | None = None) -> str:
    """The workflow command for one diagnostic."""
    path = relative_path(d.span.path, base) or d.span.path
    props = [
        f"file={escape_property(path)}",
        f"line={d.span.line}",
        f"col={d.span.column}",
        f"endLine={max(d.span.end_line, d.span.line)}",
        f"endColumn={d.span.end_column}",
        f"title={escape_property(f'{d.code} {d.name}')}",
    ]
    body = [d.message]
    body += [f"related: {relative_path(r.span.path, base) or r.span.path}:{r.span.line}:{r.span.column}: "
             f"{r.message}" for r in d.related]
    if d.help:
        body.append(f"help: {d.help}")
    return f"::{COMMANDS[d.severity]} {','.join(props)}::{escape_data(chr(10).join(body))}"


def render(result: LintResult, out: TextIO, base: Path | None = None) -> None:
    """Write one ``::group::`` per file with diagnostics, then a plain summary line."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in result.diagnostics:
        by_file.setdefault(d.span.path, []).append(d)
    for path, found in by_file.items():
        shown = relative_path(path, base) or path
        out.write(f"::group::{escape_data(shown)}\n")
        for d in found:
            out.write(annotation(d, base) + "\n")
        out.write("::endgroup::\n")
    counts = ", ".join(f"{s}: {n}" for s, n in result.counts().items())
    out.write(f"iosdmvpn: {result.file_count} files; {counts}; suppressed: {result.suppressed}\n")
