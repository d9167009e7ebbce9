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


def test_parse_json_streams_the_same_document_as_parse_document() -> None:
    """render_parse writes devices with pydantic's encoder; the document must not change."""
    import io
    import json as _json
    from pathlib import Path

    from iosdmvpn.parse import parse_file
    from iosdmvpn.report.json import parse_document, render_parse

    seed = Path(__file__).resolve().parents[2] / "examples" / "seed-network"
    results = [parse_file(seed / name) for name in ("hub.cfg", "spoke-a.cfg", "missing.cfg")]
    out = io.StringIO()
    render_parse(results, out)
    assert _json.loads(out.getvalue()) == _json.loads(_json.dumps(parse_document(results)))
    assert "nhrpkey" not in out.getvalue() and "DMVPNkey" not in out.getvalue()
