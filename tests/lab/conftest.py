"""Prints the real-kernel lab's timings at the end of the pytest run (visible in CI logs)."""

from __future__ import annotations

from typing import Any

import pytest

_LAB_SUMMARY: list[str] = []


@pytest.fixture(scope="session")
def lab_summary() -> list[str]:
    """Lines appended here are printed in the terminal summary."""
    return _LAB_SUMMARY


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _LAB_SUMMARY:
        terminalreporter.section("iosdmvpn lab timings")
        for line in _LAB_SUMMARY:
            terminalreporter.write_line(line)
