"""Run the registered rules over a network and turn findings into diagnostics."""

from __future__ import annotations

import traceback
from collections.abc import Iterable

from iosdmvpn.checks.registry import REGISTRY, DeviceContext, Finding, Registry, Rule, Scope
from iosdmvpn.diagnostics import Diagnostic, Severity
from iosdmvpn.model.network import Network
from iosdmvpn.source import Span


def _diagnostic(rule: Rule, finding: Finding) -> Diagnostic:
    return Diagnostic(code=rule.code, name=rule.name, severity=finding.severity or rule.severity,
                      message=finding.message, span=finding.span, related=finding.related, help=finding.help)


def _crash(rule: Rule, span: Span, exc: BaseException) -> Diagnostic:
    # A bug in one rule must not hide the others' findings; say where it broke.
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return Diagnostic(code="DMV999", name="internal-error", severity=Severity.ERROR,
                      message=f"rule {rule.code} {rule.name} failed: {type(exc).__name__}: {exc} "
                              f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno}); please report this",
                      span=span)


def run_rules(network: Network, rules: Iterable[Rule] | None = None,
              registry: Registry = REGISTRY) -> list[Diagnostic]:
    """Every finding of every selected rule, unsorted."""
    selected = list(rules) if rules is not None else list(registry)
    out: list[Diagnostic] = []
    for r in selected:
        if r.scope is Scope.DEVICE:
            for device in network.devices:
                try:
                    out.extend(_diagnostic(r, f) for f in r.func(DeviceContext(device, network)))
                except Exception as exc:
                    out.append(_crash(r, Span.whole_file(device.path), exc))
        else:
            try:
                out.extend(_diagnostic(r, f) for f in r.func(network))
            except Exception as exc:
                path = network.devices[0].path if network.devices else "<network>"
                out.append(_crash(r, Span.whole_file(path), exc))
    return out
