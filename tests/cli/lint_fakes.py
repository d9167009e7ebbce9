"""Test-only rules, so CLI and report tests do not depend on what the real rules find.

DMV890 (error, device): a tunnel without ``tunnel source``, at the interface header.
DMV891 (warning, device): a tunnel with ``ip nhrp authentication``, at that command
(its code frame shows a line that holds a secret).
DMV892 (info, network): every spoke tunnel, with the hubs as related locations.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iosdmvpn.checks import REGISTRY
from iosdmvpn.checks.registry import DeviceContext, Finding, Rule, Scope
from iosdmvpn.diagnostics import Related, Severity
from iosdmvpn.model.network import Network

FAKE_CODES = ("DMV890", "DMV891", "DMV892")
FAKE_SELECT = "DMV89"


def _no_source(ctx: DeviceContext) -> Iterator[Finding]:
    for i in ctx.device.tunnels:
        if i.tunnel is not None and not i.tunnel.has_source:
            yield Finding(f"{i.name} has no tunnel source", i.spans.get("name", i.span),
                          help="add `tunnel source <WAN>`")


def _nhrp_auth(ctx: DeviceContext) -> Iterator[Finding]:
    for i in ctx.device.tunnels:
        if i.nhrp is not None and i.nhrp.authentication is not None:
            yield Finding(f"{i.name} uses NHRP authentication", i.nhrp.at("authentication"))


def _spokes(network: Network) -> Iterator[Finding]:
    hubs = [r for r in network.tunnels if network.is_hub(r)]
    for ref in network.tunnels:
        if network.is_spoke(ref) and not network.is_hub(ref):
            related = tuple(Related(span=h.interface.spans.get("name", h.interface.span),
                                    message=f"hub {h.label}") for h in hubs)
            # The whole interface stanza: a multi-line span.
            yield Finding(f"{ref.label} is a spoke", ref.interface.span, related=related)


_DOC = """{summary}

    Test-only rule.

    **Bad**

    ```ios
    interface Tunnel0
     ip nhrp network-id 1
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    interface Tunnel0
     tunnel source GigabitEthernet0/0
    ```
"""

FAKE_RULES = (
    Rule("DMV890", "fake-tunnel-source", Severity.ERROR, Scope.DEVICE, _no_source,
         doc=_DOC.format(summary="A tunnel has no source (fake).")),
    Rule("DMV891", "fake-nhrp-auth", Severity.WARNING, Scope.DEVICE, _nhrp_auth,
         doc=_DOC.format(summary="A tunnel uses NHRP authentication (fake).")),
    Rule("DMV892", "fake-spoke", Severity.INFO, Scope.NETWORK, _spokes,
         doc=_DOC.format(summary="A spoke tunnel (fake).")),
)


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the fake rules for one test."""
    for r in FAKE_RULES:
        monkeypatch.setitem(REGISTRY.rules, r.code, r)
