"""The Jinja2 environment every target renders with.

Templates only loop and print (style.md 4.7). As a last line of defence against
injection, every value a template prints goes through :func:`_finalize`: a string
carrying a newline, quote, backquote, ``$``, ``;``, braces or a backslash is a bug in
lowering (all names are validated there), so rendering stops instead of writing it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from iosdmvpn.resources import data_dir

_UNSAFE = re.compile(r"[\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\"'`$;{}\\]")


class UnsafeValue(RuntimeError):
    """A template was about to print a value that could change the meaning of the file."""


def _finalize(value: Any) -> Any:
    if isinstance(value, str) and _UNSAFE.search(value):
        raise UnsafeValue(f"refusing to render unsafe value {value!r}")
    return value


@cache
def environment() -> Environment:
    """The shared environment (templates are loaded from ``data_dir("templates")``)."""
    return Environment(
        loader=FileSystemLoader(data_dir("templates")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_finalize,
    )


def render(template: str, **context: Any) -> str:
    """Render one template with the given context."""
    return environment().get_template(template).render(**context)
