"""Target ``iproute2``: ``dmvpn.sh``, a POSIX shell script that builds the tunnel side.

Contract:

* supports: one multipoint GRE device per IOS DMVPN tunnel (``ip link add NAME type gre
  key K ttl 64 local A dev U``, never ``remote``), its /32 address, the route to the
  tunnel subnet (hub: on the device; spoke: via each hub, ``onlink``), link MTU, link
  state, ``multicast on`` for the IGPs, and the sysctls a DMVPN router needs
  (forwarding, no ICMP redirects, no strict reverse-path filter, no IPv6 on the device).
* drops (with a DMV6xx diagnostic from lowering): keepalives, tunnel VRFs, IPv6 overlay,
  anything in the IOS tunnel stanza that has no Linux equivalent.
* does not: start daemons, configure the underlay or LAN interfaces (the README lists
  the addresses they need), or touch the firewall (``nftables.nft``).
* sample: ``tests/golden/seed-ospf/expected/hub/dmvpn.sh``.

The script is idempotent: it deletes and re-creates the GRE devices.
"""

from __future__ import annotations

from iosdmvpn.render.env import render
from iosdmvpn.render.plan import NodePlan

FILES = ("dmvpn.sh",)


def render_node(plan: NodePlan) -> dict[str, tuple[str, int]]:
    """``dmvpn.sh`` (mode 0755) for one node."""
    return {"dmvpn.sh": (render("iproute2/dmvpn.sh.j2", plan=plan), 0o755)}
