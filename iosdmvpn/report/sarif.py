"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

``driver.rules`` lists the *whole* catalogue (every registered rule plus the parser,
meta and translation codes), not only the codes that fired, so a viewer can describe
any code and ``ruleIndex`` stays stable for a given tool version. Columns are Unicode
code points (``columnKind``), as Lark counts them. Artifact URIs are relative to the
working directory with ``uriBaseId: "%SRCROOT%"`` (GitHub resolves them against the
repository root); a file outside it gets an absolute ``file:`` URI.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from iosdmvpn import __version__
from iosdmvpn.diagnostics import Diagnostic, Severity
from iosdmvpn.report import artifact_uri
from iosdmvpn.report.codes import CodeInfo
from iosdmvpn.report.result import LintResult
from iosdmvpn.source import Span

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "%SRCROOT%"


def _rule(c: CodeInfo) -> dict[str, Any]:
    full = c.why or c.summary
    entry: dict[str, Any] = {
        "id": c.code,
        "name": c.name,
        "shortDescription": {"text": c.summary},
        "fullDescription": {"text": full},
        "help": {"text": f"{c.summary}\n\n{full}".strip() if full != c.summary else c.summary,
                 "markdown": c.markdown()},
        "defaultConfiguration": {"level": LEVELS[c.severity]},
        "properties": {"kind": c.kind, "tags": ["iosdmvpn", c.kind, *c.tags]},
    }
    if c.scope:
        entry["properties"]["scope"] = c.scope
    return entry


def _location(span: Span, base: Path | None, artifacts: dict[str, int]) -> dict[str, Any]:
    uri, relative = artifact_uri(span.path, base)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = SRCROOT
    if span.path in artifacts:
        artifact["index"] = artifacts[span.path]
    region = {"startLine": span.line, "startColumn": span.column,
              "endLine": max(span.end_line, span.line), "endColumn": max(span.end_column, 1)}
    if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
        region["endColumn"] = region["startColumn"]
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _result(d: Diagnostic, index: dict[str, int], rules: list[dict[str, Any]], base: Path | None,
            artifacts: dict[str, int]) -> dict[str, Any]:
    if d.code not in index:  # a code outside the catalogue still gets a rule entry
        index[d.code] = len(rules)
        rules.append(_rule(CodeInfo(d.code, d.name, d.severity, "meta", d.name)))
    text = d.message + (f"\nhelp: {d.help}" if d.help else "")
    out: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index[d.code],
        "level": LEVELS[d.severity],
        "message": {"text": text},
        "locations": [_location(d.span, base, artifacts)],
    }
    if d.related:
        out["relatedLocations"] = [
            {"id": i, **_location(r.span, base, artifacts), "message": {"text": r.message}}
            for i, r in enumerate(d.related)
        ]
    return out


def document(result: LintResult, codes: Sequence[CodeInfo], base: Path | None = None) -> dict[str, Any]:
    """The SARIF log for ``result``; ``codes`` is the whole catalogue (``iosdmvpn.api.catalog()``)."""
    rules = [_rule(c) for c in codes]
    index = {c.code: i for i, c in enumerate(codes)}
    artifacts: dict[str, int] = {}
    artifact_list: list[dict[str, Any]] = []
    for f in result.files:
        uri, relative = artifact_uri(f.path, base)
        location: dict[str, Any] = {"uri": uri}
        if relative:
            location["uriBaseId"] = SRCROOT
        artifacts[f.path] = len(artifact_list)
        artifact_list.append({"location": location, "roles": ["analysisTarget"], "mimeType": "text/plain"})
    results = [_result(d, index, rules, base, artifacts) for d in result.diagnostics]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "iosdmvpn", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "artifacts": artifact_list,
            "invocations": [{"executionSuccessful": not result.unusable}],
            "results": results,
        }],
    }


def render(result: LintResult, out: TextIO, codes: Sequence[CodeInfo], base: Path | None = None) -> None:
    """Write the SARIF log, indented, with a final newline."""
    json.dump(document(result, codes, base), out, indent=2, ensure_ascii=False)
    out.write("\n")
