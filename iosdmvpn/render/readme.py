"""The per-node ``README.md``: how to install and start the files, and what changed.

It lists the interface names the output expects, the install order, the daemons FRR
must start, the routing intent kept by ``--igp``, and every diagnostic of the device
(what was re-expressed, converted or dropped), so the folder is self-explanatory.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from ipaddress import IPv4Network
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from iosdmvpn.diagnostics import Diagnostic
from iosdmvpn.render.env import UnsafeValue
from iosdmvpn.render.plan import NodePlan
from iosdmvpn.resources import data_dir


def _finalize(value: Any) -> Any:
    # Markdown is not executed, but it must not smuggle control characters or shell syntax either.
    if (isinstance(value, str) and any(c in value for c in "\n\r`$")) or (
            isinstance(value, str) and any(ord(c) < 32 for c in value)):
        raise UnsafeValue(f"refusing to render unsafe value {value!r}")
    return value


def _cell(text: str) -> str:
    """Printable ASCII for a Markdown table cell (no pipes, code spans or shell syntax)."""
    return "".join(c if " " <= c <= "~" and c not in "`$|\\" else "?" for c in text)


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(data_dir("templates")), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False,
                       finalize=_finalize)


def render_node(plan: NodePlan, files: Sequence[str], diagnostics: Sequence[Diagnostic],
                learns: Sequence[IPv4Network], targets: Sequence[str]) -> dict[str, tuple[str, int]]:
    """``README.md`` for one node."""
    rows = [{"line": d.span.line, "code": d.code, "name": d.name, "severity": str(d.severity),
             "message": _cell(d.message)} for d in diagnostics]
    text = _environment().get_template("readme/README.md.j2").render(
        plan=plan, files=sorted(files), diagnostics=rows, learns=list(learns), targets=list(targets))
    return {"README.md": (text, 0o644)}
