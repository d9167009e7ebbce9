"""Every registered rule documents itself, and its documentation is true.

The docstring contract (iosdmvpn/checks/registry.py): a summary line, a paragraph saying
why it matters, at least one ``**Bad**`` and one ``**Good**`` fenced ``ios`` example. Each
Bad example must trigger the rule's code and each Good example must not, linted as one
network (examples with several devices separate them with ``! --- next device ---``).
A rule that only fires when the network is declared complete (``complete-network``) may
need that for its Bad example; Good examples must stay silent either way.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import pytest

from iosdmvpn.api import lint_sources
from iosdmvpn.checks import REGISTRY
from iosdmvpn.checks.registry import DEVICE_SEPARATOR, DeviceContext, Finding, Registry, Rule, Scope
from iosdmvpn.config import Settings
from iosdmvpn.diagnostics import Severity

RULES = list(REGISTRY)


def _devices(example: str) -> list[tuple[str, str]]:
    parts = [textwrap.dedent(p).strip("\n") + "\n" for p in textwrap.dedent(example).split(DEVICE_SEPARATOR)]
    return [(f"example-{i}.cfg", text) for i, text in enumerate(parts, start=1) if text.strip()]


def _codes(rule: Rule, example: str, registry: Registry, complete: bool) -> list[str]:
    result = lint_sources(_devices(example), Settings(select=(rule.code,), complete_network=complete),
                          registry=registry)
    assert not result.unusable, f"{rule.code}: an example is not a usable configuration"
    return [d.code for d in result.diagnostics]


def check_rule_docs(rule: Rule, registry: Registry = REGISTRY) -> None:
    """Assert the docstring contract and that the examples behave as documented."""
    assert rule.summary and rule.summary != rule.name, f"{rule.code}: no summary line"
    assert rule.why, f"{rule.code}: no paragraph saying why it matters"
    bad, good = rule.examples("Bad"), rule.examples("Good")
    assert bad, f"{rule.code}: no **Bad** ios example"
    assert good, f"{rule.code}: no **Good** ios example"
    for n, example in enumerate(bad, start=1):
        fired = rule.code in _codes(rule, example, registry, False) or rule.code in _codes(
            rule, example, registry, True)
        assert fired, f"{rule.code}: Bad example {n} does not trigger it:\n{example}"
    for n, example in enumerate(good, start=1):
        for complete in (False, True):
            codes = _codes(rule, example, registry, complete)
            assert rule.code not in codes, f"{rule.code}: Good example {n} triggers it:\n{example}"
            assert "DMV003" not in codes, f"{rule.code}: Good example {n} has a syntax error"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_documentation(rule: Rule) -> None:
    check_rule_docs(rule)


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


# -- the checker itself, on a rule made for the purpose ------------------------------------

def _no_source(ctx: DeviceContext) -> Iterator[Finding]:
    for i in ctx.device.tunnels:
        if i.tunnel is not None and not i.tunnel.has_source:
            yield Finding(f"{i.name} has no source", i.span)


_DOC = """A tunnel has no source (test rule).

    Without a source the tunnel cannot send.

    **Bad**

    ```ios
    interface Tunnel0
     tunnel mode gre multipoint
    ! --- next device ---
    interface Tunnel0
     tunnel source GigabitEthernet0/0
    ```

    **Good**

    ```ios
    interface Tunnel0
     tunnel source {source}
    ```
"""


def _registry(doc: str) -> tuple[Rule, Registry]:
    registry = Registry()
    rule = Rule("DMV889", "test-no-source", Severity.ERROR, Scope.DEVICE, _no_source, doc=doc)
    registry.add(rule)
    return rule, registry


def test_checker_accepts_a_true_doc() -> None:
    rule, registry = _registry(_DOC.format(source="GigabitEthernet0/0"))
    assert len(_devices(rule.examples("Bad")[0])) == 2
    check_rule_docs(rule, registry)


def test_checker_rejects_a_false_good_example() -> None:
    rule, registry = _registry(_DOC.replace(" tunnel source {source}\n", " ip mtu 1400\n"))
    with pytest.raises(AssertionError, match="Good example 1 triggers it"):
        check_rule_docs(rule, registry)


def test_checker_rejects_missing_sections() -> None:
    rule, registry = _registry("A tunnel has no source.\n\n    Why.\n")
    with pytest.raises(AssertionError, match="no \\*\\*Bad\\*\\*"):
        check_rule_docs(rule, registry)
