"""Allow ``python -m iosdmvpn``."""

from __future__ import annotations

from iosdmvpn.cli import main

raise SystemExit(main())
