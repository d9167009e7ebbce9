"""The target-neutral plan: what a Linux DMVPN node must have, fully resolved.

:mod:`iosdmvpn.render.lower` builds one :class:`NodePlan` per device; the templates
under ``templates/<target>/`` only loop over it and print. Every string in a plan is
already validated (see :mod:`iosdmvpn.render.names`) and every address is an
``ipaddress`` object, so templates need no escaping and cannot inject anything.
Collections are tuples in a deterministic order.
"""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Network
from typing import Literal

from pydantic import BaseModel, ConfigDict

# NFLOG groups shared by nhrpd and the firewall (VyOS uses the same numbers).
REDIRECT_GROUP = 1
MULTICAST_GROUP = 2
# Fixed GRE TTL: FRR docs, topotests and VyOS all use one; it also keeps PMTU discovery on.
GRE_TTL = 64


class Frozen(BaseModel):
    """Base of every plan node: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Role(StrEnum):
    """What a tunnel (or node) is in its cloud."""

    HUB = "hub"
    SPOKE = "spoke"


class Nhs(Frozen):
    """``ip nhrp nhs <protocol|dynamic> nbma <nbma>``."""

    protocol: IPv4Address | None  # None: ``dynamic``, learnt from the registration reply
    nbma: IPv4Address | None = None
    nbma_fqdn: str | None = None

    @property
    def protocol_text(self) -> str:
        """``dynamic`` or the hub's tunnel address."""
        return "dynamic" if self.protocol is None else str(self.protocol)

    @property
    def nbma_text(self) -> str:
        """The NBMA address or DNS name."""
        return str(self.nbma) if self.nbma is not None else str(self.nbma_fqdn)


class NhrpMapping(Frozen):
    """A static ``ip nhrp map <protocol> <nbma>``."""

    protocol: IPv4Address
    nbma: IPv4Address


class NhrpSettings(Frozen):
    """nhrpd settings of one tunnel."""

    network_id: int
    holdtime: int | None = None
    registration_no_unique: bool = False
    redirect: bool = False
    shortcut: bool = False
    nhs: tuple[Nhs, ...] = ()
    maps: tuple[NhrpMapping, ...] = ()
    multicast_dynamic: bool = False
    multicast_nbma: tuple[IPv4Address, ...] = ()


class OspfInterface(Frozen):
    """``ip ospf ...`` lines of one interface block."""

    area: str | None = None  # None: enabled by a ``network`` statement instead
    network_type: str | None = None  # FRR spelling, e.g. "point-to-point dmvpn"
    hello: int | None = None
    dead: int | None = None
    priority: int | None = None
    cost: int | None = None
    passive: bool = False

    @property
    def empty(self) -> bool:
        """Nothing to print for this interface."""
        return not (self.area or self.network_type or self.hello or self.dead or self.priority is not None
                    or self.cost or self.passive)


class SubnetRoute(Frozen):
    """How the tunnel subnet is reached: a device route (hub) or via a hub (spoke)."""

    prefix: IPv4Network
    via: IPv4Address | None = None  # None: on the GRE device itself
    metric: int | None = None


class TunnelPlan(Frozen):
    """One Linux multipoint GRE device with its NHRP settings."""

    ios_name: str
    ifname: str
    role: Role
    description: str
    key: int | None = None
    local: IPv4Address | None = None  # None: dynamic NBMA, bound through the underlay device
    underlay: str  # Linux name of the tunnel source interface
    ttl: int = GRE_TTL
    mtu: int | None = None
    address: IPv4Address
    subnet: IPv4Network
    routes: tuple[SubnetRoute, ...] = ()
    up: bool = True
    nhrp: NhrpSettings
    ospf: OspfInterface | None = None
    tcp_mss: int | None = None
    multicast: bool = False  # an IGP's multicast is replicated by nhrpd (NFLOG group 2)
    protected: bool = False  # IOS had tunnel protection
    vici_profile: str | None = None  # only with --ipsec vici: nhrpd drives strongSwan

    @property
    def host_address(self) -> IPv4Interface:
        """The /32 the device carries (nhrpd requires a host prefix)."""
        return IPv4Interface(f"{self.address}/32")


class LanInterface(Frozen):
    """A non-tunnel interface whose addresses matter to the routing config."""

    ios_name: str
    ifname: str
    addresses: tuple[IPv4Interface, ...] = ()


class StaticRoute(Frozen):
    """``ip route`` / ``ipv6 route`` for staticd."""

    prefix: IPv4Network | IPv6Network
    next_hop: IPv4Address | IPv6Address | None = None
    ifname: str | None = None  # "blackhole" for IOS Null0
    distance: int | None = None

    @property
    def family(self) -> Literal["ip", "ipv6"]:
        """The FRR command word."""
        return "ip" if self.prefix.version == 4 else "ipv6"


class Redistribute(Frozen):
    """``redistribute <source> [metric N] [metric-type T]``."""

    source: Literal["connected", "static", "kernel", "ospf", "bgp", "nhrp"]
    metric: int | None = None
    metric_type: int | None = None


class OspfPlan(Frozen):
    """``router ospf`` (FRR single instance)."""

    router_id: IPv4Address | None = None
    networks: tuple[tuple[IPv4Network, str], ...] = ()
    interfaces: tuple[tuple[str, OspfInterface], ...] = ()  # non-tunnel interface blocks
    redistribute: tuple[Redistribute, ...] = ()
    default_originate: Literal["", "always"] | None = None


class BgpPeer(Frozen):
    """A neighbour or peer-group with its settings (peer-groups are printed first)."""

    id: str
    is_peer_group: bool = False
    peer_group: str | None = None
    remote_as: str | None = None  # number, "internal" or "external"
    update_source: str | None = None
    disable_connected_check: bool = False
    route_reflector_client: bool = False
    next_hop_self: Literal["", "force"] | None = None
    connect_retry: int | None = None  # seconds: "neighbor X timers connect N"
    default_originate: bool = False
    allowas_in: bool = False
    as_override: bool = False
    shutdown: bool = False


class Aggregate(Frozen):
    """``aggregate-address P [as-set] [summary-only]``."""

    prefix: IPv4Network
    as_set: bool = False
    summary_only: bool = False


class BgpPlan(Frozen):
    """``router bgp`` with one IPv4 unicast address family."""

    asn: int
    router_id: IPv4Address | None = None
    peers: tuple[BgpPeer, ...] = ()
    listen_ranges: tuple[tuple[IPv4Network, str], ...] = ()
    listen_limit: int | None = None
    networks: tuple[IPv4Network, ...] = ()
    redistribute: tuple[Redistribute, ...] = ()
    aggregates: tuple[Aggregate, ...] = ()

    @property
    def address_family(self) -> bool:
        """Something to print under ``address-family ipv4 unicast``."""
        return bool(self.networks or self.aggregates or self.redistribute or any(
            p.route_reflector_client or p.next_hop_self is not None or p.default_originate or p.allowas_in
            or p.as_override for p in self.peers))


class RoutingPlan(Frozen):
    """Everything the routing daemons get."""

    ospf: OspfPlan | None = None
    bgp: BgpPlan | None = None
    static: tuple[StaticRoute, ...] = ()
    igp: Literal["ospf", "bgp"] | None = None  # set when --igp re-expressed the routing
    advertised: tuple[IPv4Network, ...] = ()  # the intent kept by --igp (README)


class GreGuard(Frozen):
    """Drop GRE that IPsec does not protect: by local address, or by underlay device."""

    local: IPv4Address | None
    underlay: str


class FirewallPlan(Frozen):
    """The nftables rules nhrpd and the IOS intent need."""

    redirect_group: int | None = None
    multicast_group: int | None = None
    redirect_ifnames: tuple[str, ...] = ()
    multicast_ifnames: tuple[str, ...] = ()
    mss: tuple[tuple[str, int], ...] = ()
    gre_guard: tuple[GreGuard, ...] = ()

    @property
    def empty(self) -> bool:
        """No rule at all: the nftables file is not written."""
        return not (self.redirect_ifnames or self.multicast_ifnames or self.mss or self.gre_guard)


class InterfaceName(Frozen):
    """An IOS interface and the Linux name the output uses for it."""

    ios_name: str
    ifname: str
    purpose: str  # "tunnel", "underlay", "lan"


class NodePlan(Frozen):
    """One Linux node: the whole translation of one device."""

    hostname: str
    source_name: str  # the input file's base name, for headers
    role: Role
    tunnels: tuple[TunnelPlan, ...]
    lans: tuple[LanInterface, ...] = ()
    routing: RoutingPlan = RoutingPlan()
    firewall: FirewallPlan = FirewallPlan()
    sysctls: tuple[tuple[str, str], ...] = ()
    daemons: tuple[str, ...] = ()
    interfaces: tuple[InterfaceName, ...] = ()
    ipsec_mode: Literal["stock", "vici"] = "stock"

    @property
    def underlays(self) -> tuple[str, ...]:
        """Linux names of the tunnel source interfaces, sorted, without duplicates."""
        return tuple(sorted({t.underlay for t in self.tunnels}))

    @property
    def protected(self) -> bool:
        """Some tunnel had IOS tunnel protection."""
        return any(t.protected for t in self.tunnels)
