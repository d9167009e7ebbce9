"""The routing a DMVPN relies on: EIGRP, OSPF, BGP, RIP and static routes."""

# No `from __future__ import annotations` here: pydantic would compile and evaluate each
# field annotation from its string at import, a few ms of every start-up over the model.

from functools import cached_property
from ipaddress import IPv4Address, IPv4Network, IPv6Network
from typing import Literal

from iosdmvpn.model.base import IosNode
from iosdmvpn.model.interface import IPAddress


class NetworkStatement(IosNode):
    """``network A [wildcard] [area X]`` under a routing process."""

    address: IPv4Address
    wildcard: IPv4Address | None = None  # None: classful (EIGRP/RIP)
    area: str | None = None

    @cached_property
    def matcher(self) -> tuple[int, int]:
        """(mask, masked address): an address matches when ``int(address) & mask == masked``."""
        base = int(self.address)
        if self.wildcard is None:
            if base == 0:
                return 0, 0  # EIGRP/RIP "network 0.0.0.0": every interface
            first = base >> 24
            prefix = 8 if first < 128 else 16 if first < 192 else 24  # classful
            mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
        else:
            mask = ~int(self.wildcard) & 0xFFFFFFFF
        return mask, base & mask

    def covers(self, address: IPv4Address) -> bool:
        """True when the statement enables the process on an interface with ``address``."""
        mask, masked = self.matcher
        return (int(address) & mask) == masked


class EigrpAfInterface(IosNode):
    """``af-interface NAME|default`` of named-mode EIGRP."""

    interface: str  # canonical name, or "default"
    split_horizon: bool | None = None
    next_hop_self: bool | None = None
    summaries: tuple[str, ...] = ()
    passive: bool | None = None
    bandwidth_percent: int | None = None
    hello: int | None = None
    hold: int | None = None


class Eigrp(IosNode):
    """One EIGRP instance: classic ``router eigrp N`` or one address family of a named instance."""

    style: Literal["classic", "named"]
    name: str | None = None  # named mode
    asn: int | None = None
    family: Literal[4, 6] = 4
    vrf: str | None = None
    networks: tuple[NetworkStatement, ...] = ()
    stub: str | None = None  # the stub options as typed ("connected summary"), "" for plain stub
    passive_default: bool = False
    passive_interfaces: tuple[str, ...] = ()
    active_interfaces: tuple[str, ...] = ()  # ``no passive-interface X``
    af_interfaces: tuple[EigrpAfInterface, ...] = ()
    # ``redistribute ...`` as typed (classic process / AF, named ``topology base``).
    redistribute: tuple[str, ...] = ()

    def af_interface(self, name: str) -> EigrpAfInterface | None:
        """Named mode: the ``af-interface`` block for ``name``, else ``default``, else None."""
        by_name = {a.interface: a for a in self.af_interfaces}
        return by_name.get(name) or by_name.get("default")

    def is_passive(self, interface: str) -> bool:
        """Whether ``interface`` is passive in this instance."""
        if interface in self.active_interfaces:
            return False
        if interface in self.passive_interfaces:
            return True
        af = self.af_interface(interface)
        if af is not None and af.passive is not None:
            return af.passive
        return self.passive_default


class Ospf(IosNode):
    """``router ospf P [vrf V]`` (family 4) or ``ipv6 router ospf`` / ``router ospfv3`` (6)."""

    process: int
    family: Literal[4, 6] = 4
    vrf: str | None = None
    router_id: IPv4Address | None = None
    networks: tuple[NetworkStatement, ...] = ()
    passive_default: bool = False
    passive_interfaces: tuple[str, ...] = ()
    active_interfaces: tuple[str, ...] = ()


class BgpNeighbor(IosNode):
    """A BGP neighbour or peer-group, with the per-neighbour flags of every address family merged."""

    id: str  # an address, or a peer-group name
    is_peer_group: bool = False
    peer_group: str | None = None  # membership of an address neighbour
    remote_as: str | None = None
    alternate_as: tuple[str, ...] = ()
    update_source: str | None = None
    route_reflector_client: bool = False
    next_hop_self: bool = False
    # ``next-hop-self all``: also rewrites reflected iBGP routes (plain ``next-hop-self`` does not).
    next_hop_self_all: bool = False
    default_originate: bool = False
    allowas_in: bool = False
    as_override: bool = False
    activated_families: tuple[str, ...] = ()
    shutdown: bool = False


class BgpListenRange(IosNode):
    """``bgp listen range PREFIX peer-group G``."""

    prefix: IPv4Network | IPv6Network
    peer_group: str


class BgpNetwork(IosNode):
    """``network A mask M`` / ``network P/L`` in a BGP address family."""

    prefix: IPv4Network | IPv6Network
    family: str = "ipv4"


class Bgp(IosNode):
    """``router bgp ASN``."""

    asn: str
    router_id: IPv4Address | None = None
    listen_ranges: tuple[BgpListenRange, ...] = ()
    listen_limit: int | None = None
    neighbors: tuple[BgpNeighbor, ...] = ()
    networks: tuple[BgpNetwork, ...] = ()
    redistribute: tuple[str, ...] = ()
    aggregates: tuple[str, ...] = ()
    families: tuple[str, ...] = ()  # "ipv4", "ipv6", "ipv4 vrf X" address families present

    def neighbor(self, id: str) -> BgpNeighbor | None:
        """A neighbour or peer-group by address or name."""
        return next((n for n in self.neighbors if n.id == id), None)

    def effective(self, neighbor: BgpNeighbor) -> BgpNeighbor:
        """The neighbour with its peer-group's settings filled in where it sets none."""
        group = self.neighbor(neighbor.peer_group) if neighbor.peer_group else None
        if group is None:
            return neighbor
        merged = neighbor.model_dump(exclude={"span", "spans"})
        for field, value in group.model_dump(exclude={"span", "spans", "id", "is_peer_group"}).items():
            if merged.get(field) in (None, False, ()) and value not in (None, False, ()):
                merged[field] = value
        return BgpNeighbor(span=neighbor.span, spans=neighbor.spans, **merged)


class Rip(IosNode):
    """``router rip`` (only what decides whether it runs over the tunnel)."""

    networks: tuple[NetworkStatement, ...] = ()
    version: int | None = None


class StaticRoute(IosNode):
    """``ip route [vrf V] PREFIX MASK [NEXT-HOP|INTERFACE ...]`` or ``ipv6 route``."""

    prefix: IPv4Network | IPv6Network
    next_hop: IPAddress | None = None
    interface: str | None = None
    vrf: str | None = None
    distance: int | None = None


class Routing(IosNode):
    """All routing processes of a device."""

    eigrp: tuple[Eigrp, ...] = ()
    ospf: tuple[Ospf, ...] = ()
    bgp: Bgp | None = None
    rip: Rip | None = None
    static_routes: tuple[StaticRoute, ...] = ()
