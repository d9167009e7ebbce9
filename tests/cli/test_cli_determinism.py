"""Same input, same bytes: twice in a row, and with the files given in another order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import Run, break_hub

pytestmark = pytest.mark.usefixtures("fake_rules")

Cli = Callable[..., Run]
FILES = ("net/hub.cfg", "net/spoke-a.cfg", "net/spoke-b.cfg")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_same_output_in_any_order(cli: Cli, seed: Path, fmt: str) -> None:
    break_hub(seed)
    # Real rules too (not only the fakes): their output must be deterministic as well.
    first = cli("lint", "--format", fmt, *FILES)
    again = cli("lint", "--format", fmt, *FILES)
    reordered = cli("lint", "--format", fmt, *reversed(FILES))
    as_folder = cli("lint", "--format", fmt, "net")
    assert first.code == again.code == reordered.code == as_folder.code
    assert first.out == again.out == reordered.out == as_folder.out
    assert first.out


def test_parse_json_is_stable(cli: Cli, seed: Path) -> None:
    assert cli("parse", "--format", "json", *FILES).out == cli("parse", "--format", "json", *FILES).out
