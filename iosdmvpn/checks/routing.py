"""Rules DMVrouting (placeholder: being written)."""

from __future__ import annotations
