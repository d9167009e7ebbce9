"""Output formats for lint results: ``text`` (rich), ``json``, ``sarif`` and ``github``.

Each format is a module with ``render(result, out, ...)``; they are imported only when
used, so a run pays for one format only. :func:`resolve_format` turns ``auto`` into
``github`` under GitHub Actions (as yamllint and ansible-lint do) and ``text`` elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import quote

FORMATS = ("text", "json", "sarif", "github")


def resolve_format(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The concrete format for ``name`` (``auto`` looks at ``GITHUB_ACTIONS``)."""
    if name != "auto":
        return name
    env = os.environ if environ is None else environ
    return "github" if env.get("GITHUB_ACTIONS", "").lower() == "true" else "text"


def relative_path(path: str, base: Path | None = None) -> str | None:
    """``path`` relative to ``base`` (default: the working directory) in POSIX form.

    None when the path lies outside ``base`` (or is not a file path, such as ``<stdin>``).
    """
    if path.startswith("<"):
        return None
    here = (base or Path.cwd()).resolve()
    try:
        rel = Path(path).resolve().relative_to(here)
    except ValueError:
        return None
    return PurePosixPath(*rel.parts).as_posix()


def artifact_uri(path: str, base: Path | None = None) -> tuple[str, bool]:
    """A URI for ``path`` and whether it is relative to the source root (``%SRCROOT%``)."""
    rel = relative_path(path, base)
    if rel is not None:
        return quote(rel, safe="/"), True
    if path.startswith("<"):
        return quote(path.strip("<>"), safe=""), True
    return Path(path).resolve().as_uri(), False
