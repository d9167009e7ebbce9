"""SARIF 2.1.0 output, validated against the official schema (vendored, see its LICENSE note)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from iosdmvpn.api import catalog
from iosdmvpn.report import sarif
from iosdmvpn.report.result import LintResult

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())


def _log(result: LintResult) -> dict[str, Any]:
    out = io.StringIO()
    sarif.render(result, out, catalog())
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def _validate(doc: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_valid_against_the_official_schema(result: LintResult) -> None:
    _validate(_log(result))


def test_driver_rules_are_the_whole_catalogue(result: LintResult) -> None:
    run = _log(result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.code for c in catalog()]
    by_id = {r["id"]: r for r in rules}
    for code in ("DMV001", "DMV901", "DMV902", "DMV999", "DMV890"):
        assert code in by_id
    fake = by_id["DMV890"]
    assert fake["name"] == "fake-tunnel-source"
    assert fake["shortDescription"]["text"] == "A tunnel has no source (fake)."
    assert fake["fullDescription"]["text"] == "Test-only rule."
    assert fake["defaultConfiguration"]["level"] == "error"
    assert "**Bad**" in fake["help"]["markdown"]
    assert by_id["DMV005"]["defaultConfiguration"]["level"] == "note"


def test_results(result: LintResult) -> None:
    run = _log(result)["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    first = run["results"][0]
    assert first["ruleId"] == "DMV890" and rules[first["ruleIndex"]]["id"] == "DMV890"
    assert first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "net/hub.cfg", "uriBaseId": "%SRCROOT%", "index": 0}
    assert location["region"] == {"startLine": 41, "startColumn": 1, "endLine": 41, "endColumn": 18}
    spoke = next(r for r in run["results"] if r["ruleId"] == "DMV892")
    assert spoke["level"] == "note"
    related = spoke["relatedLocations"][0]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "net/hub.cfg"
    assert related["message"]["text"] == "hub hub Tunnel0"
    assert [a["location"]["uri"] for a in run["artifacts"]] == ["net/hub.cfg", "net/spoke-a.cfg",
                                                                 "net/spoke-b.cfg"]
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_unusable_and_odd_paths_stay_valid(result: LintResult, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from iosdmvpn.api import lint_sources

    odd = lint_sources([
        ("dir with space/r 1.cfg", "hostname r1\ninterface Tunnel0\n ip nhrp network-id 1\n"),
        ("<stdin>", "{{ template }}\n"),
        (str(tmp_path.parent / "elsewhere.cfg"), b"\x00\x01"),
    ])
    doc = _log(odd)
    _validate(doc)
    uris = [a["location"]["uri"] for a in doc["runs"][0]["artifacts"]]
    assert "dir%20with%20space/r%201.cfg" in uris
    assert any(u.startswith("file:///") for u in uris)
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False
