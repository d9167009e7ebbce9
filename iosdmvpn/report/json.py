"""Machine-readable output with a stable, versioned schema (``docs/json-schema.md``).

The document is ``{"version": 1, "tool": {...}, "files": [...], "diagnostics": [...],
"summary": {...}}``. Version 1 only ever gains keys; removing or changing a key bumps it.
Keys are written in a fixed order and diagnostics are sorted, so the same input gives
byte-identical output.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, cast

from iosdmvpn import __version__
from iosdmvpn.diagnostics import Diagnostic
from iosdmvpn.report.result import FileReport, LintResult
from iosdmvpn.source import Span

if TYPE_CHECKING:
    from iosdmvpn.parse import ParseResult

SCHEMA_VERSION = 1


def span_dict(span: Span) -> dict[str, Any]:
    """A span as JSON: 1-based line and column, end exclusive."""
    return {"path": span.path, "line": span.line, "column": span.column,
            "end_line": span.end_line, "end_column": span.end_column}


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    """One diagnostic as JSON."""
    return {
        "code": d.code,
        "name": d.name,
        "severity": str(d.severity),
        "message": d.message,
        "span": span_dict(d.span),
        "related": [{"message": r.message, "span": span_dict(r.span)} for r in d.related],
        "help": d.help,
    }


def _file(f: FileReport, mine: list[Diagnostic]) -> dict[str, Any]:
    return {
        "path": f.path,
        "usable": f.usable,
        "hostname": f.hostname,
        "coverage": None if f.coverage is None else {
            "modelled": f.coverage.modelled, "ignored": f.coverage.ignored,
            "unrecognized": f.coverage.unrecognized, "total": f.coverage.total,
        },
        "counts": {s: sum(1 for d in mine if str(d.severity) == s) for s in ("error", "warning", "info")},
    }


def document(result: LintResult, *, statistics: bool = False) -> dict[str, Any]:
    """The JSON document for ``result`` (schema version 1)."""
    counts = result.counts()
    # Grouped once: a per-file filter over all diagnostics is quadratic in a 4,000-spoke run.
    by_path: dict[str, list[Diagnostic]] = {}
    for d in result.diagnostics:
        by_path.setdefault(d.span.path, []).append(d)
    doc: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "iosdmvpn", "version": __version__},
        "settings": {"fail_on": result.settings.fail_on, "network": result.settings.network,
                     "complete_network": result.settings.complete_network},
        "files": [_file(f, by_path.get(f.path, [])) for f in result.files],
        "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
        "summary": {
            "files": result.file_count,
            "unusable": len(result.unusable),
            **{str(s): n for s, n in counts.items()},
            "suppressed": result.suppressed,
        },
    }
    if statistics:
        doc["statistics"] = [{"code": c, "name": n, "severity": str(s), "count": k}
                             for c, n, s, k in result.statistics()]
    return doc


def render(result: LintResult, out: TextIO, *, statistics: bool = False) -> None:
    """Write the JSON document, indented, with a final newline."""
    json.dump(document(result, statistics=statistics), out, indent=2, ensure_ascii=False)
    out.write("\n")


def parse_document(results: Sequence[ParseResult]) -> dict[str, Any]:
    """The full model of every file, with spans and coverage (secrets masked)."""
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "iosdmvpn", "version": __version__},
        "files": [
            {
                "path": r.path,
                "usable": r.usable,
                "diagnostics": [diagnostic_dict(d) for d in r.diagnostics],
                # mode="json" turns SecretStr into "**********": keys never leave the model.
                "device": r.device.model_dump(mode="json") if r.device is not None else None,
            }
            for r in results
        ],
    }


def render_parse(results: Sequence[ParseResult], out: TextIO) -> None:
    """Write :func:`parse_document` as JSON (the same document, serialised faster).

    Devices are serialised by pydantic's own encoder (``model_dump_json``), several
    times faster than dumping them to dicts and then through :mod:`json`: a 100k-line
    config holds tens of thousands of nodes. The wrapper is written around them.
    """
    tool = json.dumps({"name": "iosdmvpn", "version": __version__})
    out.write(f'{{"version": {SCHEMA_VERSION}, "tool": {tool}, "files": [')
    raw = _utf8_buffer(out)
    for i, r in enumerate(results):
        head = json.dumps({"path": r.path, "usable": r.usable,
                           "diagnostics": [diagnostic_dict(d) for d in r.diagnostics]}, ensure_ascii=False)
        out.write(("," if i else "") + head[:-1] + ', "device": ')
        # SecretStr serialises as "**********": keys never leave the model.
        if r.device is None:
            out.write("null")
        elif raw is not None:
            # The UTF-8 bytes of model_dump_json() straight to the stream's buffer: the device
            # is megabytes for a large file, and decoding them to str only to encode them again
            # costs ~8 ms per 100,000 lines.
            out.flush()
            raw.write(type(r.device).__pydantic_serializer__.to_json(r.device, warnings=True))
        else:
            out.write(r.device.model_dump_json())
        out.write("}")
    out.write("]}\n")


def _utf8_buffer(out: TextIO) -> BinaryIO | None:
    """The binary stream under ``out`` when text written to ``out`` reaches it as UTF-8 unchanged.

    That is a ``TextIOWrapper`` encoding UTF-8 (standard output, or a file opened by
    ``--output``); a compact JSON document has no newline to translate.
    """
    if not isinstance(out, io.TextIOWrapper) or codecs.lookup(out.encoding).name != "utf-8":
        return None
    return cast(BinaryIO, out.buffer)
