"""Fixtures for the CLI tests: the seed network in a temporary folder, fake rules, a runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import SEED, Run
from lint_fakes import install

from iosdmvpn.cli import main


@pytest.fixture
def fake_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test-only rules DMV890-DMV892 (see lint_fakes.py)."""
    install(monkeypatch)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (no settings file above it is picked up by accident)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return work


@pytest.fixture
def seed(workdir: Path) -> Path:
    """A copy of examples/seed-network (hub.cfg, spoke-a.cfg, spoke-b.cfg) in ./net."""
    net = workdir / "net"
    shutil.copytree(SEED, net)
    return net


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Call ``main`` with string arguments; returns the exit code and captured output."""

    def run(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
