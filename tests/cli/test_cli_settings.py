"""Settings: discovery, --config, --isolated, validation errors, and each setting's effect."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Run, break_hub

from iosdmvpn.config import Settings, SettingsError, find_settings_file, load_settings

pytestmark = pytest.mark.usefixtures("fake_rules")

Cli = Callable[..., Run]


def _codes(run: Run) -> list[str]:
    doc: dict[str, Any] = json.loads(run.out)
    return [d["code"] for d in doc["diagnostics"]]


def test_discovery_walks_up_and_prefers_iosdmvpn_toml(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "pyproject.toml").write_text('[tool.iosdmvpn]\nignore = ["DMV891"]\n')
    deep = workdir / "a" / "b"
    deep.mkdir(parents=True)
    (workdir / "a" / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no table: skipped
    monkeypatch.chdir(deep)
    assert find_settings_file() == (workdir / "pyproject.toml").resolve()
    settings = load_settings()
    assert settings.ignore == ("DMV891",) and settings.root == workdir.resolve()
    (workdir / "iosdmvpn.toml").write_text('ignore = ["DMV892"]\n')
    assert find_settings_file() == (workdir / "iosdmvpn.toml").resolve()


def test_settings_apply_to_lint(cli: Cli, seed: Path, workdir: Path) -> None:
    (workdir / "iosdmvpn.toml").write_text('select = ["DMV89"]\nignore = ["fake-spoke"]\n')
    run = cli("lint", "--format", "json", "net")
    assert set(_codes(run)) == {"DMV891"}
    # --select replaces the settings' select; --ignore adds to their ignore.
    assert set(_codes(cli("lint", "--format", "json", "--select", "DMV892,DMV891", "net"))) == {"DMV891"}
    assert _codes(cli("lint", "--format", "json", "--ignore", "DMV891", "net")) == []
    assert set(_codes(cli("lint", "--format", "json", "--isolated", "--select", "DMV89", "net"))) == {
        "DMV891", "DMV892"}


def test_config_option(cli: Cli, seed: Path, workdir: Path) -> None:
    other = workdir / "conf"
    other.mkdir()
    (other / "pyproject.toml").write_text('[tool.iosdmvpn]\nselect = ["DMV892"]\n')
    run = cli("lint", "--format", "json", "--config", other / "pyproject.toml", "net")
    assert set(_codes(run)) == {"DMV892"}
    run = cli("lint", "--config", workdir / "nothing.toml", "net")
    assert run.code == 2 and "no such settings file" in run.err


def test_severity_override_and_fail_on(cli: Cli, seed: Path, workdir: Path) -> None:
    (workdir / "iosdmvpn.toml").write_text(
        'select = ["DMV89"]\n[severity]\nDMV891 = "error"\nDMV89 = "info"\n')
    run = cli("lint", "--format", "json", "net")
    doc = json.loads(run.out)
    assert {d["code"]: d["severity"] for d in doc["diagnostics"]} == {"DMV891": "error", "DMV892": "info"}
    assert run.code == 1
    (workdir / "iosdmvpn.toml").write_text('select = ["DMV891"]\nfail-on = "warning"\n')
    assert cli("lint", "net").code == 1
    assert cli("lint", "--fail-on", "error", "net").code == 0


def test_per_file_ignores(cli: Cli, seed: Path, workdir: Path) -> None:
    (workdir / "iosdmvpn.toml").write_text(
        'select = ["DMV89"]\n[per-file-ignores]\n'
        '"net/spoke-*.cfg" = ["DMV891"]\n"hub.cfg" = ["fake-nhrp-auth"]\n')
    doc = json.loads(cli("lint", "--format", "json", "net").out)
    assert [d["code"] for d in doc["diagnostics"]] == ["DMV892", "DMV892"]


def test_network_and_paths_settings(cli: Cli, seed: Path, workdir: Path) -> None:
    (workdir / "other.cfg").write_text((seed / "spoke-a.cfg").read_text())
    (workdir / "iosdmvpn.toml").write_text('select = ["DMV892"]\npaths = ["net"]\nnetwork = false\n')
    doc = json.loads(cli("lint", "--format", "json").out)
    assert [f["path"] for f in doc["files"]] == ["net/hub.cfg", "net/spoke-a.cfg", "net/spoke-b.cfg"]
    assert doc["settings"]["network"] is False
    assert not any(d["related"] for d in doc["diagnostics"])
    together = json.loads(cli("lint", "--format", "json", "--network").out)
    assert all(d["related"] for d in together["diagnostics"])


def test_paths_are_relative_to_the_settings_file(cli: Cli, seed: Path, workdir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "iosdmvpn.toml").write_text('select = ["DMV892"]\npaths = ["net"]\n')
    monkeypatch.chdir(seed)
    doc = json.loads(cli("lint", "--format", "json").out)
    assert [f["path"] for f in doc["files"]] == ["hub.cfg", "spoke-a.cfg", "spoke-b.cfg"]


def test_exclude(cli: Cli, seed: Path, workdir: Path) -> None:
    (workdir / "iosdmvpn.toml").write_text('exclude = ["net/spoke-b.cfg"]\n')
    doc = json.loads(cli("lint", "--format", "json", "net").out)
    assert "net/spoke-b.cfg" not in [f["path"] for f in doc["files"]]
    named = json.loads(cli("lint", "--format", "json", "net/spoke-b.cfg", "net/hub.cfg").out)
    assert len(named["files"]) == 2  # named files are linted...
    forced = json.loads(
        cli("lint", "--format", "json", "--force-exclude", "net/spoke-b.cfg", "net/hub.cfg").out)
    assert [f["path"] for f in forced["files"]] == ["net/hub.cfg"]  # ...unless --force-exclude


@pytest.mark.parametrize(("content", "message"), [
    ("select = [\n", "invalid TOML"),
    ('selct = ["DMV1"]\n', "unknown setting 'selct' (did you mean 'select'?)"),
    ('fail-on = "fatal"\n', "fail-on: Input should be 'error', 'warning' or 'info'"),
    ('ignore = ["DMV889"]\n', "ignore: unknown rule 'DMV889'"),
    ('ignore = ["fake-nhrp-aut"]\n', "did you mean 'fake-nhrp-auth'?"),
    ('select = ["not a code"]\n', "is not a rule code"),
    ('[severity]\nDMV891 = "loud"\n', "severity.DMV891: Input should be"),
    ("network = 3\n", "network: Input should be a valid boolean"),
])
def test_bad_settings_exit_2(cli: Cli, seed: Path, workdir: Path, content: str, message: str) -> None:
    (workdir / "iosdmvpn.toml").write_text(content)
    run = cli("lint", "net")
    assert run.code == 2
    assert message in run.err, run.err
    assert run.err.startswith("iosdmvpn: error: ")
    assert "Traceback" not in run.err


def test_broken_pyproject_with_our_table_is_reported(workdir: Path) -> None:
    (workdir / "pyproject.toml").write_text("[tool.iosdmvpn]\nselect = [\n")
    with pytest.raises(SettingsError, match="invalid TOML"):
        load_settings()


def test_complete_network_and_nat_reach_the_network(workdir: Path) -> None:
    from ipaddress import ip_address

    from iosdmvpn.api import _network

    (workdir / "iosdmvpn.toml").write_text('complete-network = true\n[nat]\n"10.1.1.1" = "203.0.113.5"\n')
    made = _network([], load_settings())
    assert made.complete is True
    assert made.nat == {ip_address("10.1.1.1"): ip_address("203.0.113.5")}
    assert _network([], Settings()).complete is False


def test_bad_nat_address(cli: Cli, seed: Path, workdir: Path) -> None:
    (workdir / "iosdmvpn.toml").write_text('[nat]\n"10.1.1.300" = "203.0.113.5"\n')
    run = cli("lint", "net")
    assert run.code == 2 and "nat: '10.1.1.300' is not an IP address" in run.err


def test_override_validates() -> None:
    with pytest.raises(SettingsError, match="fail_on"):
        Settings().override(fail_on="loud")
    assert Settings().override(select=["dmv1"]).select == ("DMV1",)


def test_hub_error_respects_settings(cli: Cli, seed: Path, workdir: Path) -> None:
    break_hub(seed)
    (workdir / "iosdmvpn.toml").write_text(
        'select = ["DMV890"]\n[severity]\nfake-tunnel-source = "warning"\n')
    assert cli("lint", "net").code == 0
