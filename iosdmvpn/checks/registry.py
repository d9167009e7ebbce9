"""The rule registry: every lint rule with its code, name, severity, scope and documentation.

A rule is a generator function decorated with :func:`rule`. Device rules receive a
:class:`DeviceContext`; network rules receive the :class:`~iosdmvpn.model.network.Network`.
They yield :class:`Finding`; the runner turns findings into diagnostics with the rule's
code, name and (possibly overridden) severity.

The docstring is the rule's documentation: first line the summary, then a paragraph
saying why it matters, then fenced ``ios`` blocks under ``**Bad**`` and ``**Good**``.
Tests lint every example, so the documentation cannot rot. A rule that needs several
devices to show its point separates the configs of one example with a line
``! --- next device ---``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from iosdmvpn.diagnostics import Related, Severity
from iosdmvpn.model.device import Device
from iosdmvpn.model.network import Network
from iosdmvpn.source import Span

CODE = re.compile(r"^DMV\d{3}$")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DEVICE_SEPARATOR = "! --- next device ---"


class Scope(StrEnum):
    """What a rule looks at."""

    DEVICE = "device"
    NETWORK = "network"


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a message at a span, optionally with its own severity."""

    message: str
    span: Span
    related: tuple[Related, ...] = ()
    severity: Severity | None = None  # None: the rule's default severity
    help: str | None = None


@dataclass(frozen=True)
class DeviceContext:
    """What a device rule sees: the device and the network it was linted in."""

    device: Device
    network: Network

    @property
    def single(self) -> bool:
        """Only this config was given: phase-dependent rules run at reduced severity."""
        return self.network.single_device


RuleFunc = Callable[[Any], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """One lint rule and its documentation."""

    code: str
    name: str
    severity: Severity
    scope: Scope
    func: RuleFunc
    tags: tuple[str, ...] = ()
    doc: str = ""

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.name

    @property
    def why(self) -> str:
        """The paragraphs between the summary and the first example."""
        body = self.doc.strip().split("\n", 1)[1] if "\n" in self.doc.strip() else ""
        return body.split("**Bad**")[0].strip()

    def examples(self, kind: str) -> list[str]:
        """The ``ios`` code blocks under ``**Bad**`` or ``**Good**`` (``kind``)."""
        sections = re.split(r"\*\*(Bad|Good)\*\*", self.doc)
        found: list[str] = []
        for heading, text in zip(sections[1::2], sections[2::2], strict=True):
            if heading == kind:
                found.extend(m.group(1) for m in re.finditer(r"```ios\n(.*?)```", text, re.S))
        return found


@dataclass
class Registry:
    """All rules by code."""

    rules: dict[str, Rule] = field(default_factory=dict)

    def add(self, rule: Rule) -> None:
        if not CODE.match(rule.code):
            raise ValueError(f"bad rule code {rule.code!r}")
        if not NAME.match(rule.name):
            raise ValueError(f"bad rule name {rule.name!r}")
        if rule.code in self.rules or any(r.name == rule.name for r in self.rules.values()):
            raise ValueError(f"duplicate rule {rule.code} {rule.name}")
        self.rules[rule.code] = rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self.rules.values(), key=lambda r: r.code))

    def get(self, code_or_name: str) -> Rule | None:
        """A rule by code (any case) or name."""
        key = code_or_name.strip()
        return self.rules.get(key.upper()) or next((r for r in self.rules.values() if r.name == key), None)


REGISTRY = Registry()


def rule(code: str, name: str, severity: Severity, scope: Scope = Scope.DEVICE,
         tags: tuple[str, ...] = ()) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under ``code`` and ``name``."""

    def decorate(func: RuleFunc) -> RuleFunc:
        REGISTRY.add(Rule(code=code, name=name, severity=severity, scope=scope, func=func, tags=tags,
                          doc=func.__doc__ or ""))
        return func

    return decorate
