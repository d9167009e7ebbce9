"""Fixtures for the report tests: a lint result of the seed network with the fake rules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The fake rules live with the CLI tests; both suites use them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

from lint_fakes import FAKE_SELECT, install

from iosdmvpn.api import lint
from iosdmvpn.config import Settings
from iosdmvpn.report.result import LintResult

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-network"


@pytest.fixture
def result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LintResult:
    """The seed network, hub without `tunnel source`, linted with the fake rules (relative paths)."""
    install(monkeypatch)
    net = tmp_path / "net"
    net.mkdir()
    for cfg in SEED.glob("*.cfg"):
        text = cfg.read_text()
        if cfg.name == "hub.cfg":
            text = "".join(x for x in text.splitlines(keepends=True) if "tunnel source" not in x)
        (net / cfg.name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return lint(["net"], Settings(select=(FAKE_SELECT,)).located(tmp_path, None))
