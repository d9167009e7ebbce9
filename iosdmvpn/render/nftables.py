"""Target ``nftables``: ``nftables.nft``, the firewall rules nhrpd and the IOS tunnel intent need.

Contract:

* supports: the Phase 3 hub redirect rule (traffic routed from a GRE device back out of it
  goes, rate limited, to NFLOG group 1 for nhrpd), the multicast replication rules (IGP
  multicast out of a GRE device goes to NFLOG group 2 and is then dropped, nhrpd re-sends
  it by unicast), TCP MSS clamping for ``ip tcp adjust-mss``, and, when the IOS tunnel had
  ``tunnel protection``, rules dropping GRE that IPsec does not protect (``rt ipsec missing``
  on output, ``meta ipsec missing`` on input; targets.md 2.4, VyOS T4667).
* the file is not written when no rule is needed.
* checked by ``nft -c -f`` in a test network namespace; sample
  ``tests/golden/seed-ospf/expected/hub/nftables.nft``.
"""

from __future__ import annotations

from iosdmvpn.render.env import render
from iosdmvpn.render.plan import NodePlan


def render_node(plan: NodePlan) -> dict[str, tuple[str, int]]:
    """``nftables.nft`` for one node, or nothing when it needs no rule."""
    if plan.firewall.empty:
        return {}
    return {"nftables.nft": (render("nftables/nftables.nft.j2", plan=plan), 0o644)}
