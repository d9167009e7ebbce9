"""Target ``strongswan``: ``swanctl.conf`` (mode 0600: it holds pre-shared keys).

The translation itself belongs to :mod:`iosdmvpn.render.ipsec` (the strongSwan
translator: ``lower_ipsec`` and ``render_swanctl``), which this module only calls. When
that module is not installed, no file is written and lowering reports DMV633.
"""

from __future__ import annotations

from typing import Any

from iosdmvpn.render.lower import ipsec_module
from iosdmvpn.render.plan import NodePlan


def render_node(plan: NodePlan, ipsec_plans: list[Any]) -> dict[str, tuple[str, int]]:
    """``swanctl.conf`` for one node's protected tunnels, or nothing."""
    module = ipsec_module()
    if module is None or not ipsec_plans:
        return {}
    text = module.render_swanctl(ipsec_plans)
    if not isinstance(text, str):
        raise TypeError("render_swanctl must return str")
    return {"swanctl.conf": (text, 0o600)}
