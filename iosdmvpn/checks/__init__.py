"""Lint rules. Importing this package fills :data:`REGISTRY` with every rule family."""

from __future__ import annotations

from iosdmvpn.checks import crypto, network, nhrp, routing, tunnel  # noqa: F401  (registration)
from iosdmvpn.checks.registry import REGISTRY, DeviceContext, Finding, Rule, Scope, rule
from iosdmvpn.checks.runner import run_rules

__all__ = ["REGISTRY", "DeviceContext", "Finding", "Rule", "Scope", "rule", "run_rules"]
