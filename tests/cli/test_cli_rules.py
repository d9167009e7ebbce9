"""`iosdmvpn rules`: every code is listed; one rule's documentation with its examples."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from cli_support import Run

from iosdmvpn.api import catalog, translate_codes
from iosdmvpn.checks import REGISTRY
from iosdmvpn.parse import PARSE_CODES
from iosdmvpn.suppress import META_CODES

Cli = Callable[..., Run]


@pytest.mark.usefixtures("fake_rules")
def test_table_lists_every_code(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    run = cli("rules")
    assert run.code == 0
    expected = [*PARSE_CODES, *META_CODES, *(r.code for r in REGISTRY), *translate_codes()]
    for code in expected:
        assert code in run.out, code
    assert "unused-suppression" in run.out and "invalid-suppression" in run.out
    narrow = cli("rules")
    monkeypatch.setenv("COLUMNS", "80")
    narrow = cli("rules")
    assert all(code in narrow.out for code in expected)
    assert "DMV890  error    fake-tunnel-source  (device)" in narrow.out


@pytest.mark.usefixtures("fake_rules")
def test_one_rule(cli: Cli) -> None:
    run = cli("rules", "DMV890")
    assert run.code == 0
    assert "DMV890 fake-tunnel-source" in run.out
    assert "A tunnel has no source (fake)." in run.out
    assert "Bad" in run.out and "Good" in run.out and "tunnel source GigabitEthernet0/0" in run.out
    assert cli("rules", "fake-tunnel-source").out == run.out
    assert cli("rules", "dmv890").out == run.out


def test_meta_code(cli: Cli) -> None:
    run = cli("rules", "DMV901")
    assert run.code == 0 and "unused-suppression" in run.out and "meta" in run.out


def test_unknown_rule(cli: Cli) -> None:
    run = cli("rules", "DMV9O1")
    assert run.code == 2
    assert "unknown rule 'DMV9O1'" in run.err and "did you mean" in run.err


@pytest.mark.usefixtures("fake_rules")
def test_json(cli: Cli) -> None:
    listed = json.loads(cli("rules", "--format", "json").out)
    assert [r["code"] for r in listed] == [c.code for c in catalog()]
    one = json.loads(cli("rules", "--format", "json", "DMV890").out)
    assert one["examples"]["bad"] and one["examples"]["good"] and one["kind"] == "rule"
    assert one["scope"] == "device"
