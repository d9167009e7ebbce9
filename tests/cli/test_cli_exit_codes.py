"""Exit codes 0/1/2 and the promise of no traceback, for `lint`, `parse` and `main` itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import Run

from iosdmvpn import __version__

Cli = Callable[..., Run]

TEMPLATE = """hostname {{ inventory_hostname }}
interface Tunnel0
 ip address {{ tunnel_ip }} 255.255.255.0
 tunnel source GigabitEthernet0/0
"""


def _inputs(work: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, a phrase the error message must contain)."""
    (work / "binary.cfg").write_bytes(b"hostname r1\n\x00\x01\x02interface Tunnel0\n")
    (work / "latin1.cfg").write_bytes("hostname r1\ndescription caf\xe9 link\n".encode("latin-1"))
    (work / "template.cfg").write_text(TEMPLATE)
    (work / "folder").mkdir()
    (work / "prose.cfg").write_text("This is not a router configuration at all.\n")
    return {
        "missing": (work / "nope.cfg", "no such file"),
        "binary": (work / "binary.cfg", "binary"),
        "non-utf8": (work / "latin1.cfg", "not UTF-8"),
        "template": (work / "template.cfg", "template"),
        "prose": (work / "prose.cfg", "no IOS configuration"),
    }


@pytest.mark.parametrize("case", ["missing", "binary", "non-utf8", "template", "prose"])
@pytest.mark.parametrize("command", ["lint", "parse"])
def test_unusable_input_exits_2_with_a_clear_message(cli: Cli, workdir: Path, case: str,
                                                     command: str) -> None:
    path, phrase = _inputs(workdir)[case]
    run = cli(command, path)
    assert run.code == 2, run.out + run.err
    assert phrase in run.out
    assert "Traceback" not in run.out + run.err


def test_unusable_file_does_not_hide_the_others(cli: Cli, seed: Path, workdir: Path) -> None:
    (workdir / "net" / "broken.cfg").write_text(TEMPLATE)
    run = cli("lint", "--format", "json", "--exit-zero", "net")
    assert run.code == 2  # --exit-zero does not hide unusable input
    assert '"usable": false' in run.out and '"hostname": "hub"' in run.out


def test_parse_of_a_folder_exits_2(cli: Cli, workdir: Path) -> None:
    (workdir / "folder").mkdir()
    run = cli("parse", "folder")
    assert run.code == 2
    assert "is a directory" in run.out


def test_clean_exit_0(cli: Cli, seed: Path) -> None:
    assert cli("lint", "--select", "DMV001", "net").code == 0
    assert cli("parse", "net/hub.cfg").code == 0


def test_version_and_help(cli: Cli) -> None:
    run = cli("--version")
    assert run.code == 0 and run.out.strip() == f"iosdmvpn {__version__}"
    run = cli("--help")
    assert run.code == 0 and "examples:" in run.out and "exit codes:" in run.out
    for command in ("lint", "parse", "rules"):
        run = cli(command, "--help")
        assert run.code == 0 and "examples:" in run.out, command


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli().code == 2
    run = cli("frobnicate")
    assert run.code == 2 and "invalid choice" in run.err
    run = cli("lint", "--no-such-option")
    assert run.code == 2 and "unrecognized arguments" in run.err
    assert cli("parse").code == 2  # FILE is required


def test_internal_error_is_one_line(cli: Cli, seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import iosdmvpn.api

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("crypto isakmp key s3cret address 0.0.0.0")

    monkeypatch.setattr(iosdmvpn.api, "lint", boom)
    monkeypatch.delenv("IOSDMVPN_TRACEBACK", raising=False)
    run = cli("lint", "net")
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert run.err.startswith("iosdmvpn: internal error: RuntimeError: crypto isakmp key ******** address")
    assert "please report it" in run.err
    assert "s3cret" not in run.err and "Traceback" not in run.err


def test_crashing_rule_is_reported_not_raised(cli: Cli, seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iosdmvpn.checks import REGISTRY
    from iosdmvpn.checks.registry import Rule, Scope
    from iosdmvpn.diagnostics import Severity

    def crash(ctx: object) -> object:
        raise ZeroDivisionError("oops")

    fake = Rule("DMV899", "fake-crash", Severity.INFO, Scope.DEVICE, crash)
    monkeypatch.setitem(REGISTRY.rules, "DMV899", fake)
    run = cli("lint", "--select", "DMV899", "net")
    assert run.code == 1
    assert "error DMV999 internal-error: rule DMV899 fake-crash failed" in run.out


def test_broken_pipe_is_quiet(cli: Cli, seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import iosdmvpn.report.text

    def closed(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError

    monkeypatch.setattr(iosdmvpn.report.text, "render", closed)
    run = cli("lint", "net")
    assert run.code == 1 and run.err == ""
