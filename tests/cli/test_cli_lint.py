"""`iosdmvpn lint` through main([...]): formats, selection, fail-on, network mode, paths."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import Run, break_hub
from lint_fakes import FAKE_SELECT

pytestmark = pytest.mark.usefixtures("fake_rules")

Cli = Callable[..., Run]


def test_seed_network_only_warnings_exit_0(cli: Cli, seed: Path) -> None:
    run = cli("lint", "--select", FAKE_SELECT, seed)
    assert run.code == 0, run.out + run.err
    assert "net/hub.cfg:" in run.out
    assert "warning DMV891 fake-nhrp-auth: Tunnel0 uses NHRP authentication" in run.out
    assert "Found 3 warnings, 2 info in 3 files" in run.out


def test_broken_hub_is_an_error_with_code_frame(cli: Cli, seed: Path) -> None:
    break_hub(seed)
    run = cli("lint", "--select", FAKE_SELECT, seed)
    assert run.code == 1
    assert "net/hub.cfg:41:1: error DMV890 fake-tunnel-source: Tunnel0 has no tunnel source" in run.out
    lines = run.out.splitlines()
    at = lines.index(next(x for x in lines if "error DMV890" in x))
    frame = "\n".join(lines[at:at + 8])
    assert "41 | interface Tunnel0" in frame
    assert "   | ^^^^^^^^^^^^^^^^^" in frame
    assert "= help: add `tunnel source <WAN>`" in frame
    assert "Traceback" not in run.out + run.err


def test_related_locations_get_their_own_frame(cli: Cli, seed: Path) -> None:
    run = cli("lint", "--select", "DMV892", seed)
    assert "info DMV892 fake-spoke: spoke-a Tunnel0 is a spoke" in run.out
    assert "= note: net/hub.cfg:41:1: hub hub Tunnel0" in run.out
    assert "     41 | interface Tunnel0" in run.out  # the related frame, indented


def test_fail_on_and_exit_zero(cli: Cli, seed: Path) -> None:
    assert cli("lint", "--select", FAKE_SELECT, "--fail-on", "warning", seed).code == 1
    assert cli("lint", "--select", FAKE_SELECT, "--fail-on", "info", seed).code == 1
    assert cli("lint", "--select", "DMV892", "--fail-on", "warning", seed).code == 0
    break_hub(seed)
    assert cli("lint", "--select", FAKE_SELECT, "--exit-zero", seed).code == 0


def test_ignore_and_select_by_name(cli: Cli, seed: Path) -> None:
    break_hub(seed)
    assert cli("lint", "--select", FAKE_SELECT, "--ignore", "DMV890", seed).code == 0
    run = cli("lint", "--select", "fake-tunnel-source", seed)
    assert run.code == 1
    assert "DMV891" not in run.out and "DMV890" in run.out
    # Comma-separated and repeated options add up.
    run = cli("lint", "--select", "DMV890,DMV891", "--select", "DMV892", "--ignore", "DMV891", seed)
    assert "DMV891" not in run.out and "DMV892" in run.out


def test_most_specific_selector_wins(cli: Cli, seed: Path) -> None:
    run = cli("lint", "--select", "DMV891", "--ignore", "DMV89", seed)
    assert "DMV891" in run.out and "DMV892" not in run.out


@pytest.mark.parametrize("selector", ["DMV8999", "fake-tunnel-sauce", "not a code"])
def test_unknown_selector_is_a_usage_error(cli: Cli, seed: Path, selector: str) -> None:
    run = cli("lint", "--select", selector, seed)
    assert run.code == 2
    assert run.err.startswith("iosdmvpn: error:")
    assert "Traceback" not in run.err


def test_bad_choice_is_a_usage_error(cli: Cli, seed: Path) -> None:
    run = cli("lint", "--fail-on", "fatal", seed)
    assert run.code == 2
    assert "invalid choice: 'fatal'" in run.err


def test_json_format(cli: Cli, seed: Path) -> None:
    break_hub(seed)
    run = cli("lint", "--format", "json", "--select", FAKE_SELECT, seed)
    assert run.code == 1
    doc = json.loads(run.out)
    assert doc["version"] == 1
    assert doc["tool"]["name"] == "iosdmvpn"
    assert [f["path"] for f in doc["files"]] == ["net/hub.cfg", "net/spoke-a.cfg", "net/spoke-b.cfg"]
    assert doc["files"][0]["hostname"] == "hub" and doc["files"][0]["usable"] is True
    assert doc["files"][0]["coverage"]["modelled"] > 0
    first = doc["diagnostics"][0]
    assert first["code"] == "DMV890" and first["severity"] == "error"
    assert first["span"] == {"path": "net/hub.cfg", "line": 41, "column": 1, "end_line": 41, "end_column": 18}
    assert doc["summary"]["error"] == 1 and doc["summary"]["files"] == 3
    spoke = next(d for d in doc["diagnostics"] if d["code"] == "DMV892")
    assert spoke["related"][0]["span"]["path"] == "net/hub.cfg"


def test_github_format_and_auto(cli: Cli, seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    break_hub(seed)
    run = cli("lint", "--format", "github", "--select", FAKE_SELECT, seed)
    assert "::group::net/hub.cfg" in run.out
    assert ("::error file=net/hub.cfg,line=41,col=1,endLine=41,endColumn=18,"
            "title=DMV890 fake-tunnel-source::Tunnel0 has no tunnel source%0Ahelp: add `tunnel source <WAN>`"
            in run.out)
    assert "::notice file=net/spoke-a.cfg" in run.out
    assert "%0Arelated: net/hub.cfg:41:1: hub hub Tunnel0" in run.out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    auto = cli("lint", "--select", FAKE_SELECT, seed)
    assert auto.out == run.out


def test_output_file(cli: Cli, seed: Path, workdir: Path) -> None:
    run = cli("lint", "--format", "sarif", "-o", "report.sarif", "--select", FAKE_SELECT, seed)
    assert run.code == 0 and run.out == ""
    assert json.loads((workdir / "report.sarif").read_text())["version"] == "2.1.0"
    bad = cli("lint", "-o", str(workdir / "missing" / "x.txt"), seed)
    assert bad.code == 2 and "cannot write" in bad.err


def test_no_show_source(cli: Cli, seed: Path) -> None:
    run = cli("lint", "--no-show-source", "--select", FAKE_SELECT, seed)
    assert " | " not in run.out
    assert "warning DMV891" in run.out


def test_statistics(cli: Cli, seed: Path) -> None:
    run = cli("lint", "--statistics", "--select", FAKE_SELECT, seed)
    assert run.out.splitlines()[0].split() == ["3", "DMV891", "fake-nhrp-auth", "warning"]
    assert "DMV892" in run.out and "|" not in run.out
    doc = json.loads(cli("lint", "--statistics", "--format", "json", "--select", FAKE_SELECT, seed).out)
    assert doc["statistics"][0] == {"code": "DMV891", "name": "fake-nhrp-auth", "severity": "warning",
                                    "count": 3}
    assert cli("lint", "--statistics", "--format", "sarif", seed).code == 2


def test_no_network_lints_each_file_alone(cli: Cli, seed: Path) -> None:
    together = json.loads(cli("lint", "--format", "json", "--select", "DMV892", seed).out)
    alone = json.loads(cli("lint", "--format", "json", "--select", "DMV892", "--no-network", seed).out)
    assert all(d["related"] for d in together["diagnostics"])
    assert not any(d["related"] for d in alone["diagnostics"])  # no hub in a one-device network


def test_stdin(cli: Cli, seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (seed / "spoke-a.cfg").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    run = cli("lint", "--select", FAKE_SELECT, "--stdin-filename", "spoke-a.cfg", "-")
    assert run.code == 0
    assert "spoke-a.cfg:39:2: warning DMV891" in run.out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert "<stdin>:39:2: warning DMV891" in cli("lint", "--select", FAKE_SELECT, "-").out


def test_folders_are_searched_for_configs(cli: Cli, seed: Path, workdir: Path) -> None:
    (seed / "README.txt").write_text("notes about the lab\n")
    (seed / "notes").write_text("nothing to see\n")
    deep = seed / "site" / "branch"
    deep.mkdir(parents=True)
    (deep / "router1").write_text((seed / "spoke-b.cfg").read_text())  # no extension, looks like IOS
    (deep / "router2.txt").write_text((seed / "spoke-b.cfg").read_text())
    hidden = seed / ".old"
    hidden.mkdir()
    (hidden / "hub.cfg").write_text("garbage")
    doc = json.loads(cli("lint", "--format", "json", "--select", FAKE_SELECT, "net").out)
    assert [f["path"] for f in doc["files"]] == [
        "net/hub.cfg", "net/site/branch/router1", "net/site/branch/router2.txt", "net/spoke-a.cfg",
        "net/spoke-b.cfg",
    ]


def test_no_path_lints_the_working_directory(cli: Cli, seed: Path, workdir: Path) -> None:
    doc = json.loads(cli("lint", "--format", "json", "--select", FAKE_SELECT).out)
    assert [f["path"] for f in doc["files"]] == ["net/hub.cfg", "net/spoke-a.cfg", "net/spoke-b.cfg"]


def test_empty_folder_is_a_usage_error(cli: Cli, workdir: Path) -> None:
    (workdir / "empty").mkdir()
    run = cli("lint", "empty")
    assert run.code == 2
    assert "no configuration files" in run.err and "'empty'" in run.err


def test_duplicates_are_linted_once(cli: Cli, seed: Path) -> None:
    doc = json.loads(cli("lint", "--format", "json", seed / "hub.cfg", "net/./hub.cfg", seed).out)
    assert [f["path"] for f in doc["files"]].count("net/hub.cfg") == 1


def test_progress_callback_draws_without_error(capsys: pytest.CaptureFixture[str]) -> None:
    from iosdmvpn.cli.lint import _progress

    update, holder = _progress(True)
    assert update is not None
    for i in range(1, 13):
        update(i, 12, f"r{i}.cfg")
    assert holder and holder[0].finished
    assert _progress(False) == (None, [])
