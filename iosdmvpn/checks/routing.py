"""DMV4xx: routing over the DMVPN (EIGRP, OSPF, BGP), rules.md §3.4.

The routing protocol decides which next hop a spoke installs for another spoke's
prefixes: the hub (traffic hair-pins, Phase 1 and the Phase 3 starting point) or the
other spoke (Phase 2 direct tunnels). Rules that depend on the cloud's phase (§2.3) are
warnings when the whole network is linted and its phase is known, and info when only
one config is given (a hub without ``ip nhrp redirect`` may be Phase 1 or 2).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from iosdmvpn.checks._spans import bgp_neighbor_span, header_line
from iosdmvpn.checks.facts import (
    FAMILIES,
    Family,
    cloud_of,
    cloud_peers,
    eigrp6_enabled,
    eigrp6_interface_only,
    eigrp_instances_on,
    eigrp_on,
    has_ipv6,
    header_span,
    hub_tunnels,
    ip_literal,
    is_hub,
    is_spoke,
    ospf_for,
    ospf_network_type,
    ospf_on,
    ospf_priority,
    rip_on,
    same_vrf,
    src_if,
    tunnel_subnets,
)
from iosdmvpn.checks.registry import DeviceContext, Finding, Scope, rule
from iosdmvpn.diagnostics import Related, Severity
from iosdmvpn.model import (
    Bgp,
    BgpNeighbor,
    Device,
    Eigrp,
    EigrpAfInterface,
    Interface,
    NetworkStatement,
    Ospf,
)
from iosdmvpn.model.interface import IPNetwork
from iosdmvpn.model.network import Network, TunnelRef
from iosdmvpn.source import Span

_BROADCAST_TYPES = frozenset({"broadcast", "non-broadcast"})
_P2MP_TYPES = frozenset({"point-to-multipoint", "point-to-multipoint non-broadcast"})


# ------------------------------------------------------------------ helpers


def _families(iface: Interface) -> list[Family]:
    """Address families the tunnel carries: 4 with an IPv4 address, 6 with IPv6."""
    found: list[Family] = [4] if iface.ipv4 is not None else []
    if has_ipv6(iface) or iface.nhrp6 is not None:
        found.append(6)
    return found


def _fam(family: int) -> str:
    return "ipv6" if family == 6 else "ip"


@dataclass(frozen=True)
class _EigrpRun:
    """An EIGRP instance running on a tunnel (``instance`` None: ``ipv6 eigrp N`` without its stanza)."""

    asn: int | None
    family: int
    instance: Eigrp | None

    @property
    def named(self) -> bool:
        return self.instance is not None and self.instance.style == "named"

    @property
    def label(self) -> str:
        if self.named and self.instance is not None:
            return f"EIGRP {self.instance.name} (AS {self.asn})"
        return f"{'EIGRPv6' if self.family == 6 else 'EIGRP'} {self.asn}"


def _eigrp_runs(device: Device, iface: Interface, family: Family) -> list[_EigrpRun]:
    runs = [_EigrpRun(e.asn, family, e) for e in eigrp_instances_on(device, iface, family)]
    if family == 6 and eigrp_on(device, iface, 6):
        known = {r.asn for r in runs}
        runs.extend(_EigrpRun(k.asn, 6, None) for k in eigrp6_interface_only(iface, known))
    return runs


def _tunnel_runs(device: Device, iface: Interface) -> Iterator[tuple[Family, _EigrpRun]]:
    """(family, EIGRP run) for every family the tunnel carries and every EIGRP instance on it."""
    for family in _families(iface):
        for run in _eigrp_runs(device, iface, family):
            yield family, run


def _af_blocks(run: _EigrpRun, iface: Interface) -> list[EigrpAfInterface]:
    """Named mode: the tunnel's own ``af-interface`` block first, then ``af-interface default``."""
    if run.instance is None:
        return []
    by_name = {a.interface: a for a in run.instance.af_interfaces}
    return [b for b in (by_name.get(iface.name), by_name.get("default")) if b is not None]


def _knob(iface: Interface, run: _EigrpRun, field: str) -> tuple[bool, Span | None]:
    """Effective ``split_horizon`` / ``next_hop_self`` (default on) and the command that set it.

    Named mode inherits field by field: an ``af-interface Tunnel0`` block that does not set
    the knob takes it from ``af-interface default``.
    """
    if run.named:
        for block in _af_blocks(run, iface):
            value = getattr(block, field)
            if value is not None:
                return bool(value), block.at(field)
        return True, None
    knobs = iface.eigrp_for(run.asn, run.family) if run.asn is not None else None
    if knobs is not None and getattr(knobs, field) is not None:
        return bool(getattr(knobs, field)), knobs.at(field)
    return True, None


def _summaries(iface: Interface, run: _EigrpRun) -> list[tuple[str, Span]]:
    """Summaries sent out the tunnel (classic ``ip summary-address eigrp``, named ``summary-address``)."""
    if run.named:
        return [(text, block.at("summaries")) for block in _af_blocks(run, iface) for text in block.summaries]
    knobs = iface.eigrp_for(run.asn, run.family) if run.asn is not None else None
    return [(text, knobs.at("summaries")) for text in knobs.summaries] if knobs is not None else []


def _summary_net(text: str) -> IPNetwork | None:
    """``10.0.0.0 255.0.0.0 [AD]`` / ``10.0.0.0/8`` / ``2001:db8::/32`` to a network."""
    words = text.split()
    try:
        if "/" in words[0]:
            return ip_network(words[0], strict=False)
        if len(words) > 1:
            return IPv4Network(f"{words[0]}/{words[1]}", strict=False)
    except ValueError:
        return None
    return None


def _knob_fix(run: _EigrpRun, iface: Interface, knob: str) -> str:
    if run.named and run.instance is not None:
        return (f"'af-interface {iface.name}' ⏎ 'no {knob}' under 'router eigrp {run.instance.name}' "
                f"address-family {'ipv6' if run.family == 6 else 'ipv4'} autonomous-system {run.asn}")
    return f"'no {_fam(run.family)} {knob} eigrp {run.asn}' on {iface.name}"


def _knob_span(iface: Interface, run: _EigrpRun) -> Span:
    """Where a missing per-interface EIGRP command belongs: the tunnel, or its af-interface block."""
    if run.named and run.instance is not None:
        own = next((a for a in run.instance.af_interfaces if a.interface == iface.name), None)
        if own is not None:
            return header_line(own, f"af-interface {iface.name}")
        return header_line(run.instance, "address-family")
    return header_span(iface)


def _originates(device: Device, run: _EigrpRun) -> str | None:
    """How the EIGRP process originates a default or aggregate besides summaries, for messages."""
    inst = run.instance
    if inst is None:
        return None
    statics = [r for r in device.routing.static_routes
               if same_vrf(r.vrf, inst.vrf) and r.prefix.version == run.family
               and ((r.interface or "").startswith("Null") or r.prefix.prefixlen == 0)]
    redistributes_static = any(r.split()[0].lower() == "static" for r in inst.redistribute if r.split())
    for route in statics:
        what = f"the static route {route.prefix} to {route.interface or route.next_hop}"
        if redistributes_static:
            return f"{what} ('redistribute static')"
        # A static route out an interface counts as connected and is advertised when a network covers it.
        if route.next_hop is None and route.interface and isinstance(route.prefix, IPv4Network) \
                and any(n.covers(route.prefix.network_address) for n in inst.networks):
            return f"{what} (covered by a 'network' statement)"
    return None


def _phase2(ctx: DeviceContext, iface: Interface, hub: bool) -> Severity | None:
    """Severity of a Phase 2 problem: warning if the cloud is Phase 2, info if one config cannot tell."""
    if not ctx.single:
        cloud = cloud_of(ctx.network, ctx.device, iface)
        if cloud is not None and cloud.hubs and cloud.spokes:
            return Severity.WARNING if cloud.phase == 2 else None
    families = iface.nhrp_families()
    if hub:
        # A hub's own phase (rules.md §2.3): 3 with redirect, else "1 or 2".
        return None if any(n.redirect for n in families) else Severity.INFO
    if not iface.is_mgre:
        return None  # point-to-point GRE spoke: Phase 1
    return None if any(n.shortcut for n in families) else Severity.INFO


def _phase2_hubs(ctx: DeviceContext) -> Iterator[tuple[Interface, Severity]]:
    """(hub tunnel, severity of a Phase 2 problem on it) for the hubs where Phase 2 is possible."""
    for iface in hub_tunnels(ctx):
        severity = _phase2(ctx, iface, hub=True)
        if severity is not None:
            yield iface, severity


def _phase_note(severity: Severity) -> str:
    return "the cloud is Phase 2" if severity is Severity.WARNING else \
        "if this cloud is Phase 2 (no 'ip nhrp redirect' on the hub; lint the spokes too to know)"


def _ospf_span(device: Device, iface: Interface, family: int, field: str = "network_type") -> Span:
    """The command behind an OSPF setting: its line, else the network type, ``ip ospf P area``, network."""
    cfg = ospf_for(iface, family)
    for name in (field, "network_type"):
        if cfg is not None and name in cfg.spans:
            return cfg.spans[name]
    if cfg is not None and "area" in cfg.spans:
        return cfg.spans["area"]
    if family == 4 and iface.ipv4 is not None:
        for proc in device.routing.ospf:
            for n in proc.networks:
                if proc.family == 4 and n.covers(iface.ipv4.ip):
                    return n.span
    return header_span(iface)


def _ospf_kinds(device: Device, iface: Interface) -> Iterator[tuple[Family, str]]:
    """(family, effective OSPF network type) for each family OSPF runs in on the tunnel."""
    for family in FAMILIES:
        if ospf_on(device, iface, family):
            yield family, ospf_network_type(iface, family)


def _in_subnets(text: str, nets: list[IPNetwork]) -> bool:
    address = ip_literal(text)
    return address is not None and any(address.version == n.version and address in n for n in nets)


def _overlap(a: IPv4Network | IPv6Network, b: IPNetwork) -> bool:
    return a.version == b.version and a.overlaps(b)


def _spoke_facing(bgp: Bgp, iface: Interface, network: Network, device: Device) -> list[BgpNeighbor]:
    """The hub's BGP peers on this tunnel: peer-groups of listen ranges covering it, static neighbours in it.

    Static neighbours that are other hubs' tunnel addresses (network mode) are left out; so
    are, when a listen range covers the tunnel, static neighbours outside its peer-groups:
    spokes come in through the range, and a static peer beside it is another hub.
    """
    nets = tunnel_subnets(iface)
    found: list[BgpNeighbor] = []
    groups = list(dict.fromkeys(r.peer_group for r in bgp.listen_ranges
                                if any(_overlap(r.prefix, n) for n in nets)))
    for name in groups:
        group = bgp.neighbor(name)
        if group is not None:
            found.append(group)
    for n in bgp.neighbors:
        if n.is_peer_group or not _in_subnets(n.id, nets):
            continue
        if groups and n.peer_group not in groups:
            continue  # a hub-to-hub session beside the spokes' listen range
        refs = network.by_address.get(ip_address(n.id), [])
        if any(r.device.key != device.key and network.is_hub(r) for r in refs):
            continue  # a hub-to-hub session
        found.append(bgp.effective(n))
    return found


def _describe(n: BgpNeighbor) -> str:
    return f"peer-group {n.id}" if n.is_peer_group else f"neighbor {n.id}"


# ------------------------------------------------------------------- DMV401


@rule("DMV401", "eigrp-hub-split-horizon", Severity.ERROR, tags=("routing", "eigrp"))
def eigrp_hub_split_horizon(ctx: DeviceContext) -> Iterator[Finding]:
    """EIGRP split horizon is on at the hub tunnel and nothing else reaches the spokes.

    P2004: "If you want a spoke to see other spokes: no ip split-horizon eigrp 1"
    (and "Summarization is to be considered"). With split horizon on, the hub never
    advertises a route back out the tunnel it learnt it on — the same mGRE interface for
    every spoke — so spokes never learn each other's prefixes. Error unless a summary is
    advertised out the tunnel (``ip summary-address eigrp``, named ``summary-address``);
    warning when the same process originates a default or an aggregate another way (a
    static route to Null0 or a default route, covered by a ``network`` statement or
    redistributed), which may cover the spoke LANs. Named mode: ``af-interface Tunnel0``
    inherits ``no split-horizon`` from ``af-interface default``.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.1 255.255.255.0
     no ip split-horizon eigrp 1
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```
    """
    device = ctx.device
    for iface in hub_tunnels(ctx):
        for family, run in _tunnel_runs(device, iface):
            split, span = _knob(iface, run, "split_horizon")
            if not split or _summaries(iface, run):
                continue
            other = _originates(device, run)
            where = span or _knob_span(iface, run)
            base = (f"{iface.name} is a DMVPN hub running {run.label} with split horizon on: routes "
                    "learnt from one spoke are never advertised back out the tunnel to the other spokes")
            if other:
                yield Finding(f"{base}; the process also originates {other}, which may cover the spoke "
                              "LANs", where, severity=Severity.WARNING,
                              help=_knob_fix(run, iface, "split-horizon"))
            else:
                yield Finding(f"{base}, and no summary or default is sent to them", where,
                              help=f"{_knob_fix(run, iface, 'split-horizon')}; or (Phase 1/3) a "
                                   f"summary out the tunnel, e.g. '{_fam(family)} summary-address eigrp "
                                   f"{run.asn} {'0.0.0.0 0.0.0.0' if family == 4 else '::/0'}'")


# ------------------------------------------------------------- DMV402-DMV403


@rule("DMV402", "eigrp-phase2-next-hop-self", Severity.WARNING, tags=("routing", "eigrp", "phase"))
def eigrp_phase2_next_hop_self(ctx: DeviceContext) -> Iterator[Finding]:
    """A Phase 2 hub rewrites the EIGRP next hop to itself, so spokes never build direct tunnels.

    In Phase 2 a spoke resolves the next hop of a route to another spoke's LAN; EIGRP's
    default ``ip next-hop-self eigrp N`` makes that next hop the hub, so all spoke-to-spoke
    traffic hair-pins through the hub. Warning when the network shows a Phase 2 cloud
    (mGRE spokes, no ``ip nhrp redirect`` on the hub); info when only the hub is linted
    (it may be Phase 1). Move to Phase 3 (``ip nhrp redirect`` / ``ip nhrp shortcut``) or
    disable next-hop-self.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.1 255.255.255.0
     no ip split-horizon eigrp 1
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ! --- next device ---
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.1 255.255.255.0
     no ip split-horizon eigrp 1
     no ip next-hop-self eigrp 1
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ! --- next device ---
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```
    """
    for iface, severity in _phase2_hubs(ctx):
        for _family, run in _tunnel_runs(ctx.device, iface):
            nhs, span = _knob(iface, run, "next_hop_self")
            if not nhs:
                continue
            how = "explicitly" if span is not None else "(the default)"
            yield Finding(f"{iface.name} runs {run.label} with next-hop-self on {how}: "
                          f"{_phase_note(severity)}, spokes get the hub as next hop for each other's "
                          "prefixes and never build spoke-to-spoke tunnels",
                          span or _knob_span(iface, run), severity=severity,
                          help=f"{_knob_fix(run, iface, 'next-hop-self')}; or Phase 3 ('ip nhrp "
                               "redirect' on the hub, 'ip nhrp shortcut' on the spokes)")


def _spoke_prefixes(spokes: list[TunnelRef], run: _EigrpRun) -> list[IPNetwork]:
    """LAN prefixes the spokes (of the hub's cloud, on other devices) advertise into the same EIGRP AS."""
    prefixes: list[IPNetwork] = []
    for spoke in spokes:
        for inst in spoke.device.routing.eigrp:
            if inst.asn != run.asn or inst.family != run.family:
                continue
            for i in spoke.device.interfaces:
                if i.is_tunnel or i.shutdown:
                    continue
                if run.family == 4:
                    if i.ipv4 is not None and any(n.covers(i.ipv4.ip) for n in inst.networks):
                        prefixes.append(i.ipv4.network)
                else:
                    if inst.style == "named" or eigrp6_enabled(i, inst.asn):
                        prefixes.extend(a.network for a in i.ipv6)
    return list(dict.fromkeys(prefixes))


@rule("DMV403", "eigrp-phase2-hub-summarisation", Severity.WARNING, tags=("routing", "eigrp", "phase"))
def eigrp_phase2_hub_summarisation(ctx: DeviceContext) -> Iterator[Finding]:
    """A Phase 2 hub summarises the spokes' prefixes out the tunnel, so the next hop becomes the hub.

    A summary (``ip summary-address eigrp``, named ``summary-address``) replaces the
    spokes' specific routes by one route via the hub: spokes then send spoke-to-spoke
    traffic to the hub, and Phase 2 never builds direct tunnels (ipSpace: summarisation
    breaks Phase 2). Phase 3 allows summarisation (NHRP redirect/shortcut fix the path).
    Warning when the network shows a Phase 2 cloud and the summary covers at least two
    spokes' LANs; info when only the hub is linted.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.1 255.255.255.0
     no ip split-horizon eigrp 1
     no ip next-hop-self eigrp 1
     ip summary-address eigrp 1 192.168.0.0 255.255.0.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.1 255.255.255.0
     no ip split-horizon eigrp 1
     no ip next-hop-self eigrp 1
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```
    """
    for iface, severity in _phase2_hubs(ctx):
        spokes = cloud_peers(ctx.network, ctx.device, iface, "spokes")
        for _family, run in _tunnel_runs(ctx.device, iface):
            for text, span in _summaries(iface, run):
                net = _summary_net(text)
                covered: list[IPNetwork] = []
                if severity is Severity.WARNING and net is not None:
                    known = _spoke_prefixes(spokes, run)
                    covered = [p for p in known if p.version == net.version and p.subnet_of(net)]  # type: ignore[arg-type]
                    if len(known) >= 2 and len(covered) < 2:
                        continue  # the spokes' LANs are known and the summary does not hide them
                what = f"covering {len(covered)} spoke LANs ({', '.join(map(str, covered[:4]))})" \
                    if len(covered) >= 2 else "that may cover the spokes' LANs"
                level = severity if len(covered) >= 2 or severity is Severity.INFO else Severity.INFO
                yield Finding(f"{iface.name} advertises the summary {text} {what} out the tunnel: "
                              f"{_phase_note(severity)}, spokes then reach each other via the hub and "
                              "never build direct tunnels", span, severity=level,
                              help="remove the summary (Phase 2), or move to Phase 3 ('ip nhrp "
                                   "redirect' on the hub, 'ip nhrp shortcut' on the spokes), where "
                                   "summaries are fine")


# ------------------------------------------------------------- DMV404-DMV407


@rule("DMV404", "ospf-p2p-on-mgre", Severity.ERROR, tags=("routing", "ospf"))
def ospf_p2p_on_mgre(ctx: DeviceContext) -> Iterator[Finding]:
    """OSPF runs on an mGRE tunnel with the point-to-point network type (the Tunnel default).

    A point-to-point OSPF interface keeps a single neighbour: on a hub with several spokes
    the adjacencies replace each other and flap. Tunnels default to point-to-point when no
    ``ip ospf network`` is configured. Error on a hub (or a tunnel whose role is unknown);
    warning on a spoke, which has only the hub as neighbour (the fault shows on the hub;
    network mode compares the hub's and the spokes' types, DMV521).

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip ospf network point-to-multipoint
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
    ```
    """
    device = ctx.device
    for iface in device.dmvpn_tunnels:
        if not iface.is_mgre:
            continue
        hub = is_hub(ctx.network, device, iface)
        spoke = is_spoke(ctx.network, device, iface)
        for family, kind in _ospf_kinds(device, iface):
            if kind != "point-to-point":
                continue
            cfg = ospf_for(iface, family)
            how = "'ip ospf network point-to-point'" if cfg is not None and cfg.network_type else \
                "the point-to-point type (the Tunnel default)"
            proto = "OSPFv3" if family == 6 else "OSPF"
            fix = f"'{_fam(family)} ospf network point-to-multipoint' (Phase 1/3) or 'broadcast' with the " \
                  "hub as DR (Phase 2), the same on every node"
            if spoke and not hub:
                yield Finding(f"{iface.name} is an mGRE spoke running {proto} with {how}: it must match the "
                              "hub's type and timers, and a point-to-point hub cannot keep several spokes",
                              _ospf_span(device, iface, family), severity=Severity.WARNING, help=fix)
            else:
                role = "hub" if hub else "tunnel"
                yield Finding(f"{iface.name} is an mGRE {role} running {proto} with {how}: a point-to-point "
                              "interface keeps one neighbour, so adjacencies to several spokes replace each "
                              "other and flap", _ospf_span(device, iface, family), help=fix)


@rule("DMV405", "ospf-phase2-p2mp", Severity.WARNING, tags=("routing", "ospf", "phase"))
def ospf_phase2_p2mp(ctx: DeviceContext) -> Iterator[Finding]:
    """OSPF point-to-multipoint in a Phase 2 cloud: every route's next hop is the hub.

    On a point-to-multipoint network OSPF rewrites the next hop of every route to the
    advertising neighbour — for a spoke, the hub — so Phase 2 spokes never build direct
    tunnels and all spoke-to-spoke traffic hair-pins. Phase 2 needs the broadcast type with
    the hub as DR (DMV406, DMV407); Phase 3 works with point-to-multipoint. Warning when
    the network shows a Phase 2 cloud; info when one config cannot rule Phase 2 out.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip ospf network point-to-multipoint
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip nhrp redirect
     ip ospf network point-to-multipoint
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
    ```
    """
    device = ctx.device
    for iface in device.dmvpn_tunnels:
        hub = is_hub(ctx.network, device, iface)
        if not hub and not is_spoke(ctx.network, device, iface):
            continue
        severity = _phase2(ctx, iface, hub=hub)
        if severity is None:
            continue
        for family, kind in _ospf_kinds(device, iface):
            if kind not in _P2MP_TYPES:
                continue
            yield Finding(f"{iface.name} runs OSPF as {kind}, where every route's next hop is the hub: "
                          f"{_phase_note(severity)}, spokes never build direct tunnels and all "
                          "spoke-to-spoke traffic hair-pins", _ospf_span(device, iface, family),
                          severity=severity,
                          help=f"'{_fam(family)} ospf network broadcast' with the hub as DR and 'ip ospf "
                               "priority 0' on the spokes (Phase 2), or Phase 3 ('ip nhrp redirect' / "
                               "'ip nhrp shortcut')")


@rule("DMV406", "ospf-spoke-dr-eligible", Severity.WARNING, tags=("routing", "ospf"))
def ospf_spoke_dr_eligible(ctx: DeviceContext) -> Iterator[Finding]:
    """A spoke on a broadcast / non-broadcast OSPF DMVPN can become DR or BDR.

    Spokes only reach each other through the hub until NHRP resolves them, so a spoke
    elected DR/BDR cannot exchange LSAs with the other spokes: partial connectivity.
    Spokes need ``ip ospf priority 0`` (the default is 1); the hub should be the DR.

    **Bad**

    ```ios
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip ospf network broadcast
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip ospf network broadcast
     ip ospf priority 0
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
    ```
    """
    device = ctx.device
    for iface in device.dmvpn_tunnels:
        if not is_spoke(ctx.network, device, iface) or is_hub(ctx.network, device, iface):
            continue
        for family, kind in _ospf_kinds(device, iface):
            priority = ospf_priority(iface, family)
            if kind not in _BROADCAST_TYPES or priority == 0:
                continue
            cfg = ospf_for(iface, family)
            explicit = cfg is not None and cfg.priority is not None
            how = f"'{_fam(family)} ospf priority {priority}'" if explicit else "the default priority 1"
            yield Finding(f"{iface.name} is a spoke on a {kind} OSPF network with {how}: it can be elected "
                          "DR/BDR and cannot reach the other spokes to flood LSAs (partial connectivity)",
                          _ospf_span(device, iface, family, "priority"),
                          help=f"'{_fam(family)} ospf priority 0' on every spoke")


@rule("DMV407", "ospf-hub-not-dr-eligible", Severity.ERROR, tags=("routing", "ospf"))
def ospf_hub_not_dr_eligible(ctx: DeviceContext) -> Iterator[Finding]:
    """The hub of a broadcast / non-broadcast OSPF DMVPN has priority 0, so it can never be DR.

    On a broadcast or non-broadcast network the DR forms the adjacencies. With the hub at
    priority 0 and the spokes at 0 (as they should be) there is no DR at all and no
    adjacency gets past 2-WAY: error. When the network shows a spoke with a priority
    above 0, that spoke becomes DR instead and only reaches the hub (partial
    connectivity): warning. Give the hub the highest priority.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip ospf network broadcast
     ip ospf priority 0
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip ospf network broadcast
     ip ospf priority 255
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
    ```
    """
    device = ctx.device
    for iface in hub_tunnels(ctx):
        for family, kind in _ospf_kinds(device, iface):
            if kind not in _BROADCAST_TYPES or ospf_priority(iface, family) != 0:
                continue
            eligible = _dr_eligible_spokes(ctx, iface, family)
            span = _ospf_span(device, iface, family, "priority")
            fix = f"'{_fam(family)} ospf priority 255' on the hub (and 0 on every spoke)"
            if eligible:
                related = tuple(Related(span=_ospf_span(r.device, r.interface, family, "priority"),
                                        message=f"{r.label} is DR-eligible") for r in eligible)
                yield Finding(f"hub {iface.name} has OSPF priority 0 on a {kind} network: spoke "
                              f"{eligible[0].label} (priority > 0) becomes DR and only reaches the hub, so "
                              "the other spokes get partial connectivity", span, severity=Severity.WARNING,
                              help=fix, related=related)
            else:
                yield Finding(f"hub {iface.name} has OSPF priority 0 on a {kind} network: with the spokes at "
                              "priority 0 there is no DR and no adjacency gets past 2-WAY", span, help=fix)


def _dr_eligible_spokes(ctx: DeviceContext, iface: Interface, family: Family) -> list[TunnelRef]:
    if ctx.single:
        return []
    return [spoke for spoke in cloud_peers(ctx.network, ctx.device, iface, "spokes")
            if ospf_on(spoke.device, spoke.interface, family)
            and ospf_network_type(spoke.interface, family) in _BROADCAST_TYPES
            and ospf_priority(spoke.interface, family) > 0]


# ------------------------------------------------------------- DMV408-DMV412


@rule("DMV408", "bgp-listen-range-peer-group-invalid", Severity.ERROR, tags=("routing", "bgp"))
def bgp_listen_range_peer_group_invalid(ctx: DeviceContext) -> Iterator[Finding]:
    """A ``bgp listen range`` names a peer-group that is undefined or has no remote AS.

    BGP dynamic neighbours take every setting, the remote AS first, from the listen
    range's peer-group. Without ``neighbor G peer-group`` the range is rejected; without
    ``neighbor G remote-as`` (or ``alternate-as``) no spoke session is accepted.

    **Bad**

    ```ios
    hostname hub
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
    ```
    """
    bgp = ctx.device.routing.bgp
    if bgp is None:
        return
    for lr in bgp.listen_ranges:
        group = bgp.neighbor(lr.peer_group)
        if group is None or not group.is_peer_group:
            group_name = lr.peer_group
            yield Finding(f"'bgp listen range {lr.prefix} peer-group {group_name}': peer-group {group_name} "
                          "is not defined, so no dynamic neighbour is accepted", lr.span,
                          help=f"'neighbor {group_name} peer-group' and 'neighbor {group_name} remote-as "
                               "<asn>'")
        elif group.remote_as is None and not group.alternate_as:
            yield Finding(f"'bgp listen range {lr.prefix} peer-group {lr.peer_group}': the peer-group has no "
                          "'remote-as' (or 'alternate-as'), so spoke sessions are refused", lr.span,
                          help=f"'neighbor {lr.peer_group} remote-as <asn>' (iBGP: {bgp.asn})")


@rule("DMV409", "bgp-listen-range-misses-tunnel", Severity.WARNING, tags=("routing", "bgp"))
def bgp_listen_range_misses_tunnel(ctx: DeviceContext) -> Iterator[Finding]:
    """The hub's ``bgp listen range`` does not cover its DMVPN tunnel subnet.

    Spokes peer with the hub from their tunnel addresses; a session from an address no
    listen range (or static neighbour) covers is refused. Tunnels where an IGP also runs
    are skipped: BGP may then peer between loopbacks the IGP carries.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.1.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
    ```
    """
    device = ctx.device
    bgp = device.routing.bgp
    if bgp is None or not bgp.listen_ranges:
        return
    for iface in hub_tunnels(ctx):
        igp = any(eigrp_on(device, iface, f) or ospf_on(device, iface, f) for f in (4, 6))
        if igp or rip_on(device, iface):
            continue
        nets = tunnel_subnets(iface)
        if not nets:
            continue
        if any(_overlap(r.prefix, n) for r in bgp.listen_ranges for n in nets):
            continue
        if any(not n.is_peer_group and _in_subnets(n.id, nets) for n in bgp.neighbors):
            continue
        ranges = ", ".join(str(r.prefix) for r in bgp.listen_ranges)
        yield Finding(f"hub {iface.name} ({', '.join(map(str, nets))}) is covered by no 'bgp listen range' "
                      f"({ranges}) and has no static neighbour in its subnet: spokes cannot peer over this "
                      "tunnel",
                      bgp.listen_ranges[0].span,
                      help=f"'bgp listen range {nets[0]} peer-group {bgp.listen_ranges[0].peer_group}'")


@rule("DMV410", "bgp-phase2-next-hop-self", Severity.WARNING, tags=("routing", "bgp", "phase"))
def bgp_phase2_next_hop_self(ctx: DeviceContext) -> Iterator[Finding]:
    """A Phase 2 hub sets itself as BGP next hop towards the spokes (iBGP ``next-hop-self``).

    In Phase 2 a spoke must see the other spoke's tunnel address as next hop to resolve
    it with NHRP; ``next-hop-self`` on the hub's spoke-facing iBGP peers puts the hub
    there instead, so spoke-to-spoke traffic hair-pins. On a route reflector plain
    ``next-hop-self`` leaves reflected routes alone; ``next-hop-self all`` rewrites them
    too. Warning when the network shows a Phase 2 cloud, info when only the hub is linted.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
     address-family ipv4
      neighbor SPOKES activate
      neighbor SPOKES route-reflector-client
      neighbor SPOKES next-hop-self all
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
     address-family ipv4
      neighbor SPOKES activate
      neighbor SPOKES route-reflector-client
    ```
    """
    device = ctx.device
    bgp = device.routing.bgp
    if bgp is None:
        return
    reported: set[str] = set()
    for iface, severity in _phase2_hubs(ctx):
        for n in _spoke_facing(bgp, iface, ctx.network, device):
            if n.id in reported or n.remote_as != bgp.asn or not n.next_hop_self:
                continue
            if n.route_reflector_client and not n.next_hop_self_all:
                continue  # plain next-hop-self does not touch reflected spoke routes
            reported.add(n.id)
            yield Finding(f"hub {iface.name}: iBGP {_describe(n)} has 'next-hop-self"
                          f"{' all' if n.next_hop_self_all else ''}': {_phase_note(severity)}, spokes get "
                          "the hub as next hop for each other's prefixes and never build direct tunnels",
                          bgp_neighbor_span(n, "next_hop_self"), severity=severity,
                          help=f"remove 'neighbor {n.id} next-hop-self' towards the spokes (Phase 2), or "
                               "move to Phase 3")


@rule("DMV411", "ibgp-hub-not-route-reflector", Severity.WARNING, tags=("routing", "bgp"))
def ibgp_hub_not_route_reflector(ctx: DeviceContext) -> Iterator[Finding]:
    """An iBGP hub neither reflects spoke routes nor sends the spokes a default or aggregate.

    iBGP does not re-advertise routes learnt from one iBGP peer to another (iBGP split
    horizon, RFC 4456). Unless the spokes are route-reflector clients, or the hub sends
    them a default (``default-originate``) or an aggregate, spokes never learn each
    other's prefixes.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
     address-family ipv4
      neighbor SPOKES activate
      neighbor SPOKES route-reflector-client
    ```
    """
    device = ctx.device
    bgp = device.routing.bgp
    if bgp is None:
        return
    if bgp.aggregates or any(n.prefix.prefixlen == 0 for n in bgp.networks):
        return  # the hub sends an aggregate or a default
    reported: set[str] = set()
    for iface in hub_tunnels(ctx):
        for n in _spoke_facing(bgp, iface, ctx.network, device):
            if n.id in reported or n.remote_as != bgp.asn or n.route_reflector_client or n.default_originate:
                continue
            reported.add(n.id)
            yield Finding(f"hub {iface.name}: iBGP {_describe(n)} towards the spokes is not a "
                          "route-reflector client and gets no default or aggregate: iBGP does not pass one "
                          "spoke's routes to another, so spokes never learn each other's prefixes",
                          bgp_neighbor_span(n, "remote_as"),
                          help=f"'neighbor {n.id} route-reflector-client' under the address family, or "
                               f"'neighbor {n.id} default-originate' (Phase 1/3)")


@rule("DMV412", "ebgp-same-as-spokes-phase2", Severity.WARNING, Scope.NETWORK,
      tags=("routing", "bgp", "phase"))
def ebgp_same_as_spokes_phase2(network: Network) -> Iterator[Finding]:
    """eBGP spokes sharing one AS drop each other's routes in a Phase 2 cloud.

    With eBGP between hub and spokes, a spoke sees its own AS in the path of routes from
    another spoke of the same AS and drops them (AS-path loop prevention). Phase 1/3 can
    live on a default route from the hub; Phase 2 needs the specific routes. Fix with
    ``allowas-in`` on the spokes or ``as-override`` on the hub, or Phase 3. Network rule:
    needs the hub and at least two spokes.

    **Bad**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65001
    ! --- next device ---
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65001
     neighbor 10.0.0.1 remote-as 65000
    ! --- next device ---
    hostname spoke2
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.3 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65001
     neighbor 10.0.0.1 remote-as 65000
    ```

    **Good**

    ```ios
    hostname hub
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65001
    ! --- next device ---
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65001
     neighbor 10.0.0.1 remote-as 65000
     address-family ipv4
      neighbor 10.0.0.1 activate
      neighbor 10.0.0.1 allowas-in
    ! --- next device ---
    hostname spoke2
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.3 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router bgp 65001
     neighbor 10.0.0.1 remote-as 65000
     address-family ipv4
      neighbor 10.0.0.1 activate
      neighbor 10.0.0.1 allowas-in
    ```
    """
    for cloud in network.clouds:
        if cloud.phase != 2:
            continue
        for hub in cloud.hubs:
            hub_bgp = hub.device.routing.bgp
            if hub_bgp is None:
                continue
            facing = [n for n in _spoke_facing(hub_bgp, hub.interface, network, hub.device)
                      if n.remote_as is not None and n.remote_as != hub_bgp.asn]
            if not facing or any(n.as_override for n in facing):
                continue
            hub_addresses = {str(a) for a in hub.interface.addresses()}
            by_asn: dict[str, list[tuple[TunnelRef, BgpNeighbor]]] = {}
            for spoke in cloud.spokes:
                sb = spoke.device.routing.bgp
                if spoke.device.key == hub.device.key or sb is None or sb.asn == hub_bgp.asn:
                    continue
                toward = [sb.effective(n) for n in sb.neighbors if n.id in hub_addresses]
                if toward:
                    by_asn.setdefault(sb.asn, []).append((spoke, toward[0]))
            hub_address = hub.interface.ipv4.ip if hub.interface.ipv4 else "<hub>"
            for asn, members in by_asn.items():
                lacking = [(s, n) for s, n in members if not n.allowas_in]
                if len(members) < 2 or not lacking:
                    continue
                yield Finding(
                    f"{hub.label}: eBGP spokes {', '.join(s.label for s, _ in members)} share AS {asn} "
                    "in a Phase 2 cloud: each drops the others' routes (its own AS is in the path), so they "
                    "never learn each other's prefixes", bgp_neighbor_span(facing[0], "remote_as"),
                    related=tuple(Related(span=bgp_neighbor_span(n, "remote_as"),
                                          message=f"{s.label} has no 'allowas-in' towards the hub")
                                  for s, n in lacking),
                    help=f"'neighbor {hub_address} allowas-in' on the spokes, or 'neighbor {facing[0].id} "
                         "as-override' on the hub, or Phase 3")


# ------------------------------------------------------------- DMV413-DMV414


@rule("DMV413", "ipv6-dmvpn-no-routing-protocol", Severity.WARNING, tags=("routing", "ipv6"))
def ipv6_dmvpn_no_routing_protocol(ctx: DeviceContext) -> Iterator[Finding]:
    """An IPv6 DMVPN tunnel runs no IPv6 routing protocol.

    Cisco's IPv6 over DMVPN guide: a routing protocol is required (BGP, EIGRP, ODR, OSPF
    or RIP for IPv6). Without one, spokes learn no IPv6 prefixes over the DMVPN. Counted:
    EIGRP for IPv6 (classic ``ipv6 eigrp N`` or a named IPv6 address family), OSPFv3 on
    the tunnel, and a BGP neighbour or listen range in the tunnel's prefixes with IPv6
    activated. RIPng and ODR are not modelled by the parser and are not seen. A tunnel
    without any IPv6 address is left to DMV104.

    **Bad**

    ```ios
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ipv6 address 2001:DB8::2/64
     ipv6 nhrp network-id 1
     ipv6 nhrp nhs 2001:DB8::1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ipv6 address 2001:DB8::2/64
     ipv6 eigrp 1
     ipv6 nhrp network-id 1
     ipv6 nhrp nhs 2001:DB8::1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    ipv6 router eigrp 1
    ```
    """
    device = ctx.device
    for iface in device.dmvpn_tunnels:
        nhrp6 = iface.nhrp6
        if nhrp6 is None or not has_ipv6(iface):
            continue  # no IPv6 address at all: nothing can run over it (DMV104 reports the address)
        if eigrp_on(device, iface, 6) or ospf_on(device, iface, 6, include_passive=True):
            continue
        if _bgp_v6_on(device, iface):
            continue
        span = nhrp6.spans.get("network_id") or header_span(iface)
        yield Finding(f"{iface.name} runs IPv6 NHRP but no IPv6 routing protocol (EIGRPv6, OSPFv3, BGP with "
                      "IPv6) runs over it: spokes learn no IPv6 prefixes across the DMVPN", span,
                      help="enable an IPv6 routing protocol on the tunnel, e.g. 'ipv6 eigrp 1' or "
                           "'ospfv3 1 ipv6 area 0'")


def _bgp_v6_on(device: Device, iface: Interface) -> bool:
    bgp = device.routing.bgp
    if bgp is None:
        return False
    nets = tunnel_subnets(iface)
    v6 = [n for n in nets if n.version == 6]
    if any(_overlap(r.prefix, n) for r in bgp.listen_ranges for n in v6):
        return True
    for n in bgp.neighbors:
        if n.is_peer_group or not _in_subnets(n.id, nets):
            continue
        eff = bgp.effective(n)
        if ":" in n.id or any(f.startswith("ipv6") for f in eff.activated_families):
            return True
    return False


def _covers_all(n: NetworkStatement) -> bool:
    # ``network 0.0.0.0`` (EIGRP) and ``network 0.0.0.0 255.255.255.255`` enable every interface;
    # NetworkStatement.covers reads the bare form as the classful 0.0.0.0/8.
    return int(n.address) == 0 and (n.wildcard is None or int(n.wildcard) == 0xFFFFFFFF)


def _igp_statement(networks: tuple[NetworkStatement, ...], iface: Interface) -> NetworkStatement | None:
    """The first ``network`` statement enabling a process on ``iface`` (all-covering ones match DHCP too)."""
    for n in networks:
        if _covers_all(n) and (iface.ipv4 is not None or iface.ipv4_mode in ("dhcp", "negotiated")):
            return n
        if iface.ipv4 is not None and n.covers(iface.ipv4.ip):
            return n
    return None


@rule("DMV414", "recursive-routing-risk", Severity.WARNING, tags=("routing",))
def recursive_routing_risk(ctx: DeviceContext) -> Iterator[Finding]:
    """The same IGP runs on the tunnel and on its source interface, in the same VRF.

    The IGP then advertises the NBMA (WAN) subnet over the tunnel; a peer that prefers
    that route sends the tunnel's outer packets into the tunnel itself
    (``%TUN-5-RECURDOWN``) and the tunnel flaps. Only within one VRF: with a front-door
    VRF the NBMA route cannot come through the tunnel. Checked for EIGRP, OSPF and RIP
    (IPv4).

    **Bad**

    ```ios
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip ospf network point-to-multipoint
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
     network 0.0.0.0 255.255.255.255 area 0
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip ospf network point-to-multipoint
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    !
    router ospf 1
     network 10.0.0.0 0.0.0.255 area 0
    ```
    """
    device = ctx.device
    for iface in device.dmvpn_tunnels:
        src = src_if(device, iface)
        if src is None or src.name == iface.name or not same_vrf(src.vrf, iface.vrf):
            continue  # front-door VRF: the NBMA route cannot come through the tunnel
        hit = _shared_igp(device, iface, src)
        if hit is None:
            continue
        proto, span = hit
        yield Finding(f"{proto} runs on {iface.name} and on its tunnel source {src.name} in the same VRF: "
                      "the NBMA subnet is advertised over the tunnel, and a peer preferring that route sends "
                      "the tunnel into itself (%TUN-5-RECURDOWN, flapping)", span,
                      help=f"keep {src.name}'s subnet out of the overlay IGP (narrow the 'network' "
                           "statement) and reach the NBMA by a static route, or use a front-door VRF")


def _shared_igp(device: Device, tunnel: Interface, src: Interface) -> tuple[str, Span] | None:
    """The IGP process enabled on both the tunnel and its source, with the command doing it on the source."""
    for e in device.routing.eigrp:
        if e.family != 4 or not same_vrf(e.vrf, tunnel.vrf):
            continue
        on_tunnel = _igp_statement(e.networks, tunnel)
        on_src = _igp_statement(e.networks, src)
        if on_tunnel is not None and on_src is not None:
            return f"EIGRP {e.asn}", on_src.span
    for o in device.routing.ospf:
        if o.family != 4 or not same_vrf(o.vrf, tunnel.vrf):
            continue
        on_tunnel_span = _ospf_enable(o, tunnel)
        on_src_span = _ospf_enable(o, src)
        if on_tunnel_span is not None and on_src_span is not None:
            return f"OSPF {o.process}", on_src_span
    rip = device.routing.rip
    if rip is not None and tunnel.vrf is None:
        on_tunnel = _igp_statement(rip.networks, tunnel)
        on_src = _igp_statement(rip.networks, src)
        if on_tunnel is not None and on_src is not None:
            return "RIP", on_src.span
    return None


def _ospf_enable(proc: Ospf, iface: Interface) -> Span | None:
    if iface.ospf is not None and iface.ospf.process == proc.process and iface.ospf.area is not None:
        return iface.ospf.at("area")
    statement = _igp_statement(proc.networks, iface)
    if statement is not None:
        return statement.span
    return None
