"""The JSON report keeps the documented schema (docs/json-schema.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from iosdmvpn.report import json as json_report
from iosdmvpn.report.result import LintResult

DOCS = Path(__file__).resolve().parents[2] / "docs" / "json-schema.md"


def test_top_level_keys_and_types(result: LintResult) -> None:
    out = io.StringIO()
    json_report.render(result, out)
    doc = json.loads(out.getvalue())
    assert list(doc) == ["version", "tool", "settings", "files", "diagnostics", "summary"]
    assert doc["version"] == 1
    assert list(doc["files"][0]) == ["path", "usable", "hostname", "coverage", "counts"]
    assert list(doc["diagnostics"][0]) == ["code", "name", "severity", "message", "span", "related", "help"]
    assert list(doc["diagnostics"][0]["span"]) == ["path", "line", "column", "end_line", "end_column"]
    assert list(doc["summary"]) == ["files", "unusable", "error", "warning", "info", "suppressed"]
    assert doc["summary"] == {"files": 3, "unusable": 0, "error": 1, "warning": 3, "info": 2, "suppressed": 0}


def test_every_key_is_documented(result: LintResult) -> None:
    doc = json_report.document(result, statistics=True)
    documented = DOCS.read_text()
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                keys.add(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    for key in keys:
        assert f"`{key}`" in documented, key
