"""Helpers shared by the subcommands: settings options, output files, stderr messages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from iosdmvpn.config import Settings


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the hand-written layout of descriptions and epilogs (the examples)."""


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """``--config FILE`` and ``--isolated``."""
    group = parser.add_argument_group("settings")
    group.add_argument("--config", metavar="FILE", type=Path,
                       help="read settings from FILE (pyproject.toml or iosdmvpn.toml) instead of "
                            "searching the working directory and its parents")
    group.add_argument("--isolated", action="store_true",
                       help="ignore every settings file and use the defaults")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The settings selected by ``--config`` / ``--isolated`` (or discovered).

    Raises:
        iosdmvpn.config.SettingsError: The settings file is invalid.
    """
    from iosdmvpn.config import load_settings

    return load_settings(getattr(args, "config", None), isolated=getattr(args, "isolated", False))


def split_codes(values: list[str] | None) -> list[str] | None:
    """Flatten ``--select A,B --select C`` into ``[A, B, C]`` (None when not given)."""
    if values is None:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@contextmanager
def output(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or ``path`` opened for writing (UTF-8)."""
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    try:
        f = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        from iosdmvpn.api import UsageError

        raise UsageError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    with f:
        yield f


def warn(message: str) -> None:
    """A one-line warning on standard error."""
    print(f"iosdmvpn: warning: {message}", file=sys.stderr)
