"""Allow ``python -m iosdmvpn``."""

from __future__ import annotations

from iosdmvpn.cli import entry

entry()
