"""Locate the grammar and template folders, for a wheel install and for a checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal


def data_dir(name: Literal["grammars", "templates"]) -> Path:
    """Return the folder holding the grammars or the templates.

    A wheel carries them under ``iosdmvpn/_data/``; a checkout (and an editable
    install, which imports from the checkout) has them at the repository top level.
    """
    packaged = files("iosdmvpn") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / name
