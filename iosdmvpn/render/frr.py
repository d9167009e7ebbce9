"""Target ``frr``: one integrated ``frr.conf`` for FRR 8.4 (zebra, staticd, nhrpd, ospfd, bgpd).

Contract:

* supports: per tunnel an ``interface`` block with the /32 address and nhrpd settings
  (``network-id``, ``holdtime``, ``nhs <addr|dynamic> nbma <nbma>``, static ``map``,
  ``map multicast dynamic|<nbma>``, ``redirect`` on hubs, ``shortcut`` on spokes,
  ``registration no-unique``, ``tunnel source``, and ``tunnel protection vici profile`` only
  with ``--ipsec vici``); the global ``nhrp nflog-group 1`` (redirect) and
  ``nhrp multicast-nflog-group 2`` (multicast IGP) matching ``nftables.nft``; OSPF (single
  instance, tunnel network type converted per targets.md 5.2, explicit timers, cost from the
  IOS bandwidth), BGP (peer-groups before listen ranges, ``disable-connected-check`` toward
  peers over the tunnel, ``no bgp ebgp-requires-policy`` as IOS has no such policy), static
  routes (``Null0`` becomes ``blackhole``).
* refuses: EIGRP and RIP over the DMVPN (DMV620, DMV624): FRR 8.4 cannot run them over
  nhrpd; ``--igp`` re-expresses the routing instead.
* drops with a diagnostic: NHRP authentication, NHS priority/cluster, registration timeout,
  OSPF VRFs/OSPFv3/extra processes, non-IPv4-unicast BGP, route-maps, and every routing line
  the model does not carry (DMV623).
* checked by ``vtysh -C -f`` and applied to live daemons in the tests
  (``tests/render/test_realtools.py``); sample ``tests/golden/seed-bgp/expected/hub/frr.conf``.
"""

from __future__ import annotations

from iosdmvpn.render.env import render
from iosdmvpn.render.plan import NodePlan


def render_node(plan: NodePlan) -> dict[str, tuple[str, int]]:
    """``frr.conf`` for one node."""
    return {"frr.conf": (render("frr/frr.conf.j2", plan=plan), 0o644)}
