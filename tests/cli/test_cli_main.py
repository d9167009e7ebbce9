"""main(): the subcommand table, the translate contract, and a lean `parse` startup."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from iosdmvpn.cli import SUBCOMMANDS, build_parser, main


def test_every_subcommand_module_follows_the_contract() -> None:
    import importlib

    for name in SUBCOMMANDS:
        if importlib.util.find_spec(f"iosdmvpn.cli.{name}") is None:
            assert name == "translate"
            continue
        module = importlib.import_module(f"iosdmvpn.cli.{name}")
        assert callable(module.add_parser) and callable(module.run), name


def test_translate_is_registered_when_present(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    present = importlib.util.find_spec("iosdmvpn.cli.translate") is not None
    assert (" translate " in out) == present
    build_parser()  # builds with or without it


def test_parse_imports_no_rendering_or_rules(tmp_path: Path) -> None:
    """Startup: `iosdmvpn parse` must not pay for jinja2, the rules or rich.markdown."""
    cfg = tmp_path / "small.cfg"
    cfg.write_text("hostname r1\ninterface Tunnel0\n ip address 10.0.0.2 255.255.255.0\n")
    code = (
        "import sys\n"
        "from iosdmvpn.cli import main\n"
        f"rc = main(['parse', {str(cfg)!r}])\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\n"
        "raise SystemExit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    modules = set(done.stdout.split("MODULES", 1)[1].split())
    for heavy in ("jinja2", "rich.markdown", "rich.progress", "iosdmvpn.render", "iosdmvpn.checks",
                  "iosdmvpn.report.sarif", "iosdmvpn.config", "tomllib"):
        assert heavy not in modules, heavy


def test_entry_point_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "iosdmvpn", "--version"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and done.stdout.startswith("iosdmvpn ")


def _help_of(parser: object, command: str) -> str:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return actions[0].choices[command].format_help()


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_a_command_alone_gets_the_same_parser(command: str) -> None:
    # main() fully defines only the chosen command; its options must not change for that.
    if importlib.util.find_spec(f"iosdmvpn.cli.{command}") is None:
        pytest.skip("no translate module")
    assert _help_of(build_parser(command), command) == _help_of(build_parser(), command)
    others = [c for c in SUBCOMMANDS if c != command and importlib.util.find_spec(f"iosdmvpn.cli.{c}")]
    bare = _help_of(build_parser(command), others[0])
    assert bare.count("--") == 1 and "--help" in bare  # the others: a name and their one-line help
