"""Target ``networkd``: systemd-networkd files for the GRE devices, plus sysctl and networkd drop-ins.

Contract:

* supports: per tunnel a ``25-<dev>.netdev`` (``Kind=gre``, ``Local=`` the tunnel source
  address or ``any`` for a dynamic one, ``Remote=any`` - systemd.netdev(5): "Takes an IP
  address or the special value any" - ``Key=``, ``TTL=64``, ``Independent=true``) and a
  ``25-<dev>.network`` (the /32 address, the tunnel subnet route, multicast on, no IPv6
  link-local); ``networkd.conf.d/iosdmvpn.conf`` with ``ManageForeignRoutes=no`` so networkd
  keeps nhrpd's and FRR's routes; ``sysctl.d/90-iosdmvpn.conf``.
* drops: what lowering drops (see :mod:`iosdmvpn.render.iproute2`); the underlay and LAN
  interfaces are not generated (the README lists the addresses they need).
* not validated on a real networkd here (no systemd in the test sandbox): the syntax
  follows systemd 252's man pages.
* sample: ``tests/golden/seed-ospf/expected/hub/systemd/network/``.
"""

from __future__ import annotations

from iosdmvpn.render.env import render
from iosdmvpn.render.plan import NodePlan


def render_node(plan: NodePlan) -> dict[str, tuple[str, int]]:
    """The networkd, networkd.conf.d and sysctl.d files of one node (paths relative to its folder)."""
    files: dict[str, tuple[str, int]] = {}
    for t in plan.tunnels:
        base = f"systemd/network/25-{t.ifname}"
        files[f"{base}.netdev"] = (render("networkd/tunnel.netdev.j2", plan=plan, t=t), 0o644)
        files[f"{base}.network"] = (render("networkd/tunnel.network.j2", plan=plan, t=t), 0o644)
    files["systemd/networkd.conf.d/iosdmvpn.conf"] = (render("networkd/networkd.conf.j2", plan=plan), 0o644)
    files["sysctl.d/90-iosdmvpn.conf"] = (render("networkd/sysctl.conf.j2", plan=plan), 0o644)
    return files
