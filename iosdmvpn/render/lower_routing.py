"""Lowering of the routing: IOS OSPF/BGP/static to FRR, EIGRP/RIP refused, ``--igp`` re-expression.

Faithful mode translates what FRR 8.4 can run over nhrpd (targets.md 5): OSPF with the
tunnel as point-to-multipoint on hubs and ``point-to-point dmvpn`` (or p2mp) on spokes,
BGP almost 1:1 with ``disable-connected-check`` toward peers over the /32 tunnel, and
static routes. EIGRP cannot work on FRR 8.4 over nhrpd (lab-multicast.md 3): it is an
error, never a partial translation. ``--igp ospf|bgp`` replaces the routing over the
cloud with a known-good design and keeps the intent: which prefixes each node advertises.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Any

from iosdmvpn.model import (
    Bgp,
    Device,
    Eigrp,
    Interface,
    InterfaceOspf,
    NetworkStatement,
    Ospf,
    canonical_interface,
)
from iosdmvpn.render.lower import DeviceContext
from iosdmvpn.render.names import asn, ospf_area, safe_word, show
from iosdmvpn.render.plan import (
    Aggregate,
    BgpPeer,
    BgpPlan,
    LanInterface,
    OspfInterface,
    OspfPlan,
    Redistribute,
    Role,
    RoutingPlan,
    StaticRoute,
)
from iosdmvpn.render.scan import unaccounted
from iosdmvpn.source import Span, redact

Draft = dict[str, Any]
# Cisco OSPF defaults by network type: point-to-multipoint and NBMA use 30/120 s.
_SLOW_TYPES = ("point-to-multipoint", "non-broadcast", "point-to-multipoint non-broadcast")
# Routing-stanza lines that change nothing on FRR, so dropping them needs no diagnostic.
_HARMLESS = ("log-adjacency-changes", "no log-adjacency-changes", "bgp log-neighbor-changes",
             "no synchronization", "no auto-summary", "auto-summary", "address-family ipv4",
             "exit-address-family", "synchronization")
_EIGRP_WHY = ("FRR 8.4 eigrpd drops every packet whose source is outside the receiving interface's subnet, "
              "while nhrpd only works with a /32 tunnel address, so no EIGRP adjacency can form over the "
              "DMVPN; eigrpd also has no split-horizon or next-hop-self control")
DEFAULT_ASN = 65000

# BGP sessions over the cloud: the first SYN towards a peer often waits for NHRP resolution
# or, with IPsec trap policies, for IKE; bgpd's default 120 s connect retry then leaves the
# session down for two minutes. Retry soon instead.
TUNNEL_CONNECT_RETRY = 10


def lower_routing(ctx: DeviceContext, drafts: list[Draft],
                  lans: list[LanInterface]) -> tuple[RoutingPlan, list[Draft], list[LanInterface]]:
    """The routing plan; the tunnel drafts gain their OSPF and multicast settings."""
    static = _static_routes(ctx)
    if ctx.options.igp is not None:
        return _reexpress(ctx, drafts, lans, static)
    return _faithful(ctx, drafts, lans, static)


# ---------------------------------------------------------------------------- helpers


def _addresses(drafts: list[Draft]) -> list[IPv4Address]:
    return [d["plan"]["address"] for d in drafts]


def _covers(networks: tuple[NetworkStatement, ...], address: IPv4Address) -> bool:
    return any(n.covers(address) for n in networks)


def _runs_on_tunnel_eigrp(e: Eigrp, drafts: list[Draft]) -> bool:
    if e.family == 6:
        for d in drafts:
            knobs = d["ref"].interface.eigrp_for(e.asn or 0, 6)
            if knobs is not None and knobs.enabled:
                return True
        return False
    return any(_covers(e.networks, a) for a in _addresses(drafts))


def _ospf_on(o: Ospf, iface: Interface) -> bool:
    cfg = iface.ospf
    if cfg is not None and cfg.area is not None and cfg.process in (None, o.process):
        return True
    return iface.ipv4 is not None and _covers(o.networks, iface.ipv4.ip)


def _bgp_over_tunnel(bgp: Bgp, drafts: list[Draft]) -> bool:
    subnets = [d["plan"]["subnet"] for d in drafts]
    for n in bgp.neighbors:
        try:
            address = ip_address(n.id)
        except ValueError:
            continue
        if any(address in s for s in subnets):
            return True
    return any(r.prefix.version == 4 and any(r.prefix.overlaps(s) for s in subnets)
               for r in bgp.listen_ranges)


def router_id(device: Device) -> IPv4Address | None:
    """What IOS picks without a router-id: the highest loopback address, else the highest address."""
    up = [i for i in device.interfaces if not i.shutdown and i.ipv4 is not None]
    loops = [i.ipv4.ip for i in up if i.name.startswith("Loopback") and i.ipv4 is not None]
    pool = loops or [i.ipv4.ip for i in up if i.ipv4 is not None]
    return max(pool) if pool else None


def _scan(ctx: DeviceContext, node: Any, handled: set[int] | None = None) -> list[tuple[Span, str]]:
    """Unaccounted lines of a routing stanza; harmless ones dropped, the rest returned."""
    if ctx.lines is None:
        return []
    out = []
    for span, text in unaccounted(node, ctx.lines, handled):
        low = " ".join(text.lower().split())
        if low in _HARMLESS or (low.startswith("neighbor") and " description " in low):
            continue
        out.append((span, text))
    return out


def _report_dropped(ctx: DeviceContext, lines: list[tuple[Span, str]], what: str) -> None:
    for span, text in lines:
        ctx.add("DMV623", f"{show(redact(text))!r} in {what} is not translated", span)


def _header(ctx: DeviceContext, node: Any) -> Span:
    return ctx.header(node.span)


def _eigrp_label(e: Eigrp) -> str:
    if e.style == "named":
        return f"router eigrp {show(e.name or '')} (AS {e.asn})"
    return f"router eigrp {e.asn}"


# ---------------------------------------------------------------------------- faithful


def _faithful(ctx: DeviceContext, drafts: list[Draft], lans: list[LanInterface],
              static: tuple[StaticRoute, ...]) -> tuple[RoutingPlan, list[Draft], list[LanInterface]]:
    routing = ctx.device.routing
    for e in routing.eigrp:
        if _runs_on_tunnel_eigrp(e, drafts):
            ctx.add("DMV620", f"{_eigrp_label(e)} runs over the DMVPN and cannot be translated: {_EIGRP_WHY}",
                    _header(ctx, e),
                    help="re-run with --igp ospf or --igp bgp to re-express the routing (see the README), "
                         "or --force to write the tunnel without this routing")
        else:
            ctx.add("DMV625", f"{_eigrp_label(e)} does not run over the DMVPN; it is not translated",
                    _header(ctx, e))
    if routing.rip is not None:
        rip = routing.rip
        if any(_covers(rip.networks, a) for a in _addresses(drafts)):
            ctx.add("DMV624", "router rip runs over the DMVPN; RIP over nhrpd is not translated (its "
                              "multicast "
                              "updates and split horizon are untested on FRR 8.4)", _header(ctx, rip),
                    help="re-run with --igp ospf or --igp bgp to re-express the routing")
        else:
            ctx.add("DMV625", "router rip does not run over the DMVPN; it is not translated",
                    _header(ctx, rip))

    ospf_plan = None
    candidates = []
    for o in routing.ospf:
        if o.family == 6:
            ctx.add("DMV622", f"OSPFv3 process {o.process} is not translated (IPv4 overlay only)",
                    _header(ctx, o))
        elif o.vrf is not None:
            ctx.add("DMV622", f"router ospf {o.process} vrf {show(o.vrf)} is not translated (VRFs are not)",
                    _header(ctx, o))
        else:
            candidates.append(o)
    if candidates:
        # FRR's numbered "router ospf N" needs multi-instance ospfd; one plain instance is used.
        on_tunnel = [o for o in candidates if any(_ospf_on(o, d["ref"].interface) for d in drafts)]
        chosen = (on_tunnel or candidates)[0]
        for o in candidates:
            if o is not chosen:
                ctx.add("DMV622", f"only one OSPF process is translated (router ospf {chosen.process}); "
                                  f"router ospf {o.process} is not", _header(ctx, o))
        ospf_plan = _ospf(ctx, chosen, drafts, lans)

    bgp_plan = _bgp(ctx, routing.bgp, drafts) if routing.bgp is not None else None
    if ospf_plan is None:
        for d in drafts:
            iface = d["ref"].interface
            if iface.bandwidth is not None:
                ctx.add("DMV613", "bandwidth is only an IGP metric input here; it is not translated",
                        iface.at("bandwidth"))
    return RoutingPlan(ospf=ospf_plan, bgp=bgp_plan, static=static), drafts, lans


def _contiguous(statement: NetworkStatement) -> IPv4Network | None:
    if statement.wildcard is None:
        return None
    mask = ~int(statement.wildcard) & 0xFFFFFFFF
    inverted = ~mask & 0xFFFFFFFF
    if inverted & (inverted + 1):
        return None  # non-contiguous wildcard: no prefix form
    return IPv4Network((int(statement.address) & mask, bin(mask).count("1")))


def _tunnel_type(ios: str | None, role: Role) -> tuple[str, str | None]:
    """(FRR network type, why it changed or None)."""
    ios_text = ios or "point-to-point (the IOS default on tunnels)"
    if role is Role.HUB:
        if ios in ("point-to-multipoint",):
            return "point-to-multipoint", None
        return "point-to-multipoint", (f"{ios_text} becomes point-to-multipoint on the hub: with /32 tunnel "
                                       "addresses FRR needs p2mp (no DR election, one adjacency per spoke)")
    if ios == "point-to-multipoint":
        return "point-to-multipoint", None
    if ios in (None, "point-to-point"):
        return "point-to-point dmvpn", None
    return "point-to-point dmvpn", (f"{ios_text} becomes point-to-point dmvpn on the spoke: DR election "
                                    "cannot work with /32 tunnel addresses; the hub is point-to-multipoint")


def _timers(cfg: InterfaceOspf | None) -> tuple[int, int]:
    ios_type = cfg.network_type if cfg is not None else None
    slow = ios_type in _SLOW_TYPES
    hello = cfg.hello if cfg is not None and cfg.hello is not None else (30 if slow else 10)
    dead = cfg.dead if cfg is not None and cfg.dead is not None else 4 * hello
    return hello, dead


def _tunnel_cost(device: Device, iface: Interface) -> int:
    # IOS: cost = 100 Mbit/s reference / bandwidth; tunnels default to 100 kbit/s (9 before 15.0).
    default = 9 if device.version is not None and device.version[0] < 15 else 100
    return max(1, min(65535, 100000 // (iface.bandwidth or default)))


def _passive(o: Ospf, name: str) -> bool:
    if name in o.active_interfaces:
        return False
    return name in o.passive_interfaces or o.passive_default


def _ospf(ctx: DeviceContext, o: Ospf, drafts: list[Draft], lans: list[LanInterface]) -> OspfPlan:
    networks: list[tuple[IPv4Network, str]] = []
    kept: list[NetworkStatement] = []
    for n in o.networks:
        prefix = _contiguous(n)
        area = ospf_area(n.area) if n.area is not None else None
        if prefix is None or area is None:
            ctx.add("DMV622", "this network statement has no FRR form (non-contiguous wildcard or bad area); "
                              "it is not translated", n.span)
            continue
        networks.append((prefix, area))
        kept.append(n)
    # Which interfaces run OSPF on FRR follows the statements that were actually translated.
    original, o = o, o.model_copy(update={"networks": tuple(kept)})
    for d in drafts:
        iface = d["ref"].interface
        if not _ospf_on(o, iface):
            continue
        cfg = iface.ospf
        role: Role = d["plan"]["role"]
        network_type, why = _tunnel_type(cfg.network_type if cfg else None, role)
        if why is not None:
            where = cfg.at("network_type") if cfg is not None and "network_type" in cfg.spans else d["head"]
            ctx.add("DMV621", why, where)
        hello, dead = _timers(cfg)
        area = ospf_area(cfg.area) if cfg is not None and cfg.area is not None else None
        d["plan"]["ospf"] = OspfInterface(
            area=area, network_type=network_type, hello=hello, dead=dead,
            priority=cfg.priority if cfg is not None else None, cost=_tunnel_cost(ctx.device, iface),
            passive=_passive(o, iface.name))
        d["plan"]["multicast"] = True
    interfaces: list[tuple[str, OspfInterface]] = []
    tunnel_names = {d["ref"].interface.name for d in drafts}
    for iface in ctx.device.interfaces:
        if iface.name in tunnel_names or not _ospf_on(o, iface):
            continue
        ifname = ctx.ifname(iface.name)
        if ifname is None:
            ctx.add("DMV642", f"{show(iface.name)!r} runs OSPF but has no safe Linux name; its OSPF "
                              f"settings are "
                              "not translated", ctx.header(iface.span))
            continue
        cfg = iface.ospf
        settings = OspfInterface(
            area=ospf_area(cfg.area) if cfg is not None and cfg.area is not None else None,
            network_type=_lan_type(cfg.network_type) if cfg is not None else None,
            hello=cfg.hello if cfg is not None else None, dead=cfg.dead if cfg is not None else None,
            priority=cfg.priority if cfg is not None else None, passive=_passive(o, iface.name))
        if not settings.empty:
            interfaces.append((ifname, settings))
    redistribute, default, handled = _ospf_extras(ctx, original)
    _report_dropped(ctx, _scan(ctx, original, handled), f"router ospf {o.process}")
    return OspfPlan(router_id=o.router_id or router_id(ctx.device), networks=tuple(networks),
                    interfaces=tuple(interfaces), redistribute=redistribute, default_originate=default)


def _lan_type(ios: str | None) -> str | None:
    if ios in ("broadcast", "non-broadcast", "point-to-point", "point-to-multipoint"):
        return ios
    return None


def _ospf_extras(ctx: DeviceContext, o: Ospf) -> tuple[tuple[Redistribute, ...], Any, set[int]]:
    """``redistribute`` and ``default-information`` lines, which the parser keeps unmodelled."""
    out: list[Redistribute] = []
    default: Any = None
    handled: set[int] = set()
    if ctx.lines is None:
        return (), None, handled
    for span, text in unaccounted(o, ctx.lines):
        words = text.lower().split()
        if words[:1] == ["redistribute"] and len(words) > 1 and words[1] in ("connected", "static"):
            metric, metric_type, rest = _metric_words(words[2:])
            if rest:
                ctx.add("DMV623", f"{show(' '.join(rest))!r} of {show(text)!r} is not translated", span)
            out.append(Redistribute(source=words[1], metric=metric, metric_type=metric_type))
            handled.add(span.line)
        elif words[:2] == ["default-information", "originate"]:
            rest = [w for w in words[2:] if w != "always"]
            if rest:
                ctx.add("DMV623", f"{show(' '.join(rest))!r} of {show(text)!r} is not translated", span)
            default = "always" if "always" in words else ""
            handled.add(span.line)
    return tuple(out), default, handled


def _metric_words(words: list[str]) -> tuple[int | None, int | None, list[str]]:
    metric = metric_type = None
    rest: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w == "subnets":  # FRR redistributes classless anyway
            i += 1
        elif w == "metric" and nxt.isdigit() and int(nxt) <= 16777214:
            metric, i = int(nxt), i + 2
        elif w == "metric-type" and nxt in ("1", "2"):
            metric_type, i = int(nxt), i + 2
        else:
            rest.append(w)
            i += 1
    return metric, metric_type, rest


# ---------------------------------------------------------------------------- BGP


def _peer_id(value: str) -> str | None:
    try:
        return str(ip_address(value))
    except ValueError:
        return safe_word(value)


def _bgp(ctx: DeviceContext, bgp: Bgp, drafts: list[Draft]) -> BgpPlan | None:
    number = asn(bgp.asn)
    if number is None:
        ctx.add("DMV627", f"BGP AS {show(bgp.asn)!r} is not a valid AS number; BGP is not translated",
                _header(ctx, bgp))
        return None
    subnets = [d["plan"]["subnet"] for d in drafts]
    over_tunnel_groups = {r.peer_group for r in bgp.listen_ranges
                          if r.prefix.version == 4 and any(r.prefix.overlaps(s) for s in subnets)}
    for n in bgp.neighbors:
        try:
            if n.peer_group and any(ip_address(n.id) in s for s in subnets):
                over_tunnel_groups.add(n.peer_group)
        except ValueError:
            pass
    peers: list[BgpPeer] = []
    known: set[str] = set()
    for n in sorted(bgp.neighbors, key=lambda n: not n.is_peer_group):
        peer_id = _peer_id(n.id)
        if peer_id is None or (not n.is_peer_group and ":" in peer_id):
            what = "IPv6 neighbour" if peer_id else f"name {show(n.id)!r}"
            ctx.add("DMV627", f"BGP {what} is not translated", n.span)
            continue
        remote = None
        if n.remote_as is not None:
            parsed = asn(n.remote_as)
            remote = str(parsed) if parsed is not None else None
            if parsed is None:
                ctx.add("DMV627", f"remote-as {show(n.remote_as)!r} is not an AS number; it is not "
                                  f"translated",
                        n.at("remote_as"))
        if n.alternate_as:
            ctx.add("DMV626", f"{show(n.id)} alternate-as has no FRR equivalent: remote-as external accepts "
                              "any external AS", n.at("alternate_as"))
            remote = "external"
        group = n.peer_group if n.peer_group in known else None
        if n.peer_group and group is None:
            ctx.add("DMV627", f"peer-group membership {show(n.peer_group)!r} of {peer_id} is not translated",
                    n.at("peer_group"))
        if not n.is_peer_group and remote is None and group is None:
            ctx.add("DMV627", f"BGP neighbour {peer_id} has no usable remote-as or peer-group; it is not "
                              "translated", n.span)
            continue
        source = None
        if n.update_source:
            source = ctx.ifname(canonical_interface(n.update_source))
            if source is None:
                ctx.add("DMV627", f"update-source {show(n.update_source)!r} has no Linux name; dropped",
                        n.at("update_source"))
        over = (n.is_peer_group and n.id in over_tunnel_groups) or (
            not n.is_peer_group and any(ip_address(peer_id) in s for s in subnets))
        peers.append(BgpPeer(
            id=peer_id, is_peer_group=n.is_peer_group, peer_group=group, remote_as=remote,
            update_source=source,
            # The peer's tunnel address is reached over an nhrpd /32 route, never a connected subnet.
            disable_connected_check=over, route_reflector_client=n.route_reflector_client,
            # IOS "next-hop-self all" also rewrites reflected iBGP routes: FRR's "force".
            next_hop_self="force" if n.next_hop_self_all else "" if n.next_hop_self else None,
            connect_retry=TUNNEL_CONNECT_RETRY if over and group is None else None,
            default_originate=n.default_originate, allowas_in=n.allowas_in, as_override=n.as_override,
            shutdown=n.shutdown))
        if n.is_peer_group:
            known.add(peer_id)
    listen: list[tuple[IPv4Network, str]] = []
    for r in bgp.listen_ranges:
        if r.prefix.version != 4 or r.peer_group not in known:
            ctx.add("DMV627", f"bgp listen range {r.prefix} peer-group {show(r.peer_group)} is not "
                              f"translated "
                              "(IPv6, or the peer-group is not defined)", r.span)
            continue
        listen.append((r.prefix, r.peer_group))
    networks: list[IPv4Network] = []
    for net in bgp.networks:
        if net.prefix.version != 4 or net.family != "ipv4":
            ctx.add("DMV627", f"network {net.prefix} ({show(net.family)}) is not translated (IPv4 unicast "
                              f"only)",
                    net.span)
            continue
        networks.append(net.prefix)
    redistribute = _bgp_redistribute(ctx, bgp)
    aggregates = _aggregates(ctx, bgp)
    for family in bgp.families:
        if family != "ipv4":
            ctx.add("DMV627", f"BGP address-family {show(family)} is not translated (IPv4 unicast only)",
                    bgp.at("families"))
    _report_dropped(ctx, _scan(ctx, bgp), f"router bgp {number}")
    return BgpPlan(asn=number, router_id=bgp.router_id or router_id(ctx.device), peers=tuple(peers),
                   listen_ranges=tuple(listen), listen_limit=bgp.listen_limit, networks=tuple(networks),
                   redistribute=redistribute, aggregates=aggregates)


def _bgp_redistribute(ctx: DeviceContext, bgp: Bgp) -> tuple[Redistribute, ...]:
    out: list[Redistribute] = []
    for text in bgp.redistribute:
        words = text.lower().split()
        source = words[0] if words else ""
        if source in ("connected", "static", "ospf"):
            rest = words[1:]
            if source == "ospf" and rest and rest[0].isdigit():
                rest = rest[1:]  # FRR redistributes its single OSPF instance
            metric, _, rest = _metric_words(rest)
            if rest:
                ctx.add("DMV627", f"{show(' '.join(rest))!r} of 'redistribute {show(text)}' is not "
                                  f"translated",
                        bgp.at("redistribute"))
            out.append(Redistribute(source=source, metric=metric))
        else:
            ctx.add("DMV627", f"'redistribute {show(text)}' is not translated (that protocol is not)",
                    bgp.at("redistribute"))
    return tuple(out)


def _aggregates(ctx: DeviceContext, bgp: Bgp) -> tuple[Aggregate, ...]:
    out: list[Aggregate] = []
    for text in bgp.aggregates:
        words = text.split()
        prefix: IPv4Network | None = None
        rest: list[str] = []
        try:
            if len(words) >= 2 and "/" not in words[0]:
                prefix = IPv4Network(f"{words[0]}/{words[1]}")
                rest = words[2:]
            elif words:
                net = ip_network(words[0])
                prefix = net if isinstance(net, IPv4Network) else None
                rest = words[1:]
        except ValueError:
            prefix = None
        flags = {w.lower() for w in rest}
        if prefix is None or flags - {"as-set", "summary-only"}:
            ctx.add("DMV627", f"'aggregate-address {show(text)}' is not translated", bgp.at("aggregates"))
            continue
        out.append(Aggregate(prefix=prefix, as_set="as-set" in flags, summary_only="summary-only" in flags))
    return tuple(out)


# ---------------------------------------------------------------------------- static routes


def _static_routes(ctx: DeviceContext) -> tuple[StaticRoute, ...]:
    out: list[StaticRoute] = []
    for r in ctx.device.routing.static_routes:
        if r.vrf is not None:
            ctx.add("DMV628", f"static route {r.prefix} in VRF {show(r.vrf)} is not translated", r.span)
            continue
        ifname = None
        if r.interface is not None:
            if r.interface.startswith("Null"):
                ifname = "blackhole"
            else:
                ifname = ctx.ifname(r.interface)
                if ifname is None:
                    ctx.add("DMV628", f"static route {r.prefix} via interface {show(r.interface)!r} is not "
                                      "translated (no such interface, or no safe Linux name)", r.span)
                    continue
        if r.next_hop is None and ifname is None:
            ctx.add("DMV628", f"static route {r.prefix} has no next hop or interface; not translated", r.span)
            continue
        if r.next_hop is not None and r.next_hop.version != r.prefix.version:
            ctx.add("DMV628", f"static route {r.prefix} mixes address families; not translated", r.span)
            continue
        out.append(StaticRoute(prefix=r.prefix, next_hop=r.next_hop, ifname=ifname, distance=r.distance))
    return tuple(out)


# ---------------------------------------------------------------------------- --igp re-expression


def _intent(ctx: DeviceContext, drafts: list[Draft],
            lans: list[LanInterface]) -> tuple[list[IPv4Network], str]:
    """The prefixes this node advertises over the cloud, and where that came from."""
    routing = ctx.device.routing
    addresses = _addresses(drafts)
    igp_networks: list[tuple[NetworkStatement, ...]] = []
    sources: list[str] = []
    for e in routing.eigrp:
        if e.family == 4 and any(_covers(e.networks, a) for a in addresses):
            igp_networks.append(e.networks)
            sources.append(_eigrp_label(e))
    for o in routing.ospf:
        if o.family == 4 and any(_ospf_on(o, d["ref"].interface) for d in drafts):
            igp_networks.append(o.networks)
            sources.append(f"router ospf {o.process}")
    if routing.rip is not None and any(_covers(routing.rip.networks, a) for a in addresses):
        igp_networks.append(routing.rip.networks)
        sources.append("router rip")
    prefixes: list[IPv4Network] = []
    for lan in lans:
        iface = ctx.device.interface(lan.ios_name)
        for addr in lan.addresses:
            by_net = any(_covers(nets, addr.ip) for nets in igp_networks)
            by_if = iface is not None and iface.ospf is not None and iface.ospf.area is not None and sources
            if by_net or by_if:
                prefixes.append(addr.network)
    bgp = routing.bgp
    if bgp is not None and _bgp_over_tunnel(bgp, drafts):
        sources.append(f"router bgp {show(bgp.asn)}")
        subnets = {d["plan"]["subnet"] for d in drafts}
        prefixes += [n.prefix for n in bgp.networks
                     if n.prefix.version == 4 and n.prefix not in subnets]
        if any(r.split()[:1] == ["connected"] for r in bgp.redistribute):
            prefixes += [a.network for lan in lans for a in lan.addresses]
    if not sources:
        prefixes = [a.network for lan in lans for a in lan.addresses]
        return sorted(set(prefixes)), "no routing over the DMVPN in IOS: every LAN prefix"
    return sorted(set(prefixes)), ", ".join(sources)


def _processes(ctx: DeviceContext, drafts: list[Draft]) -> list[tuple[Span, str, bool]]:
    """(header span, label, runs over the DMVPN) of every routing process of the device."""
    routing = ctx.device.routing
    addresses = _addresses(drafts)
    found: list[tuple[Span, str, bool]] = []
    for e in routing.eigrp:
        found.append((_header(ctx, e), _eigrp_label(e), _runs_on_tunnel_eigrp(e, drafts)))
    for o in routing.ospf:
        found.append((_header(ctx, o), f"router ospf {o.process}",
                      any(_ospf_on(o, d["ref"].interface) for d in drafts)))
    if routing.rip is not None:
        found.append((_header(ctx, routing.rip), "router rip",
                      any(_covers(routing.rip.networks, a) for a in addresses)))
    if routing.bgp is not None:
        found.append((_header(ctx, routing.bgp), f"router bgp {show(routing.bgp.asn)}",
                      _bgp_over_tunnel(routing.bgp, drafts)))
    return found


def _hub_summaries(ctx: DeviceContext, drafts: list[Draft]) -> list[tuple[IPv4Network, Span]]:
    """EIGRP summaries a hub advertises to its spokes (Phase 3 designs)."""
    out: list[tuple[IPv4Network, Span]] = []
    for d in drafts:
        if d["plan"]["role"] is not Role.HUB:
            continue
        iface: Interface = d["ref"].interface
        texts: list[tuple[str, Span]] = [(s, e.span) for e in iface.eigrp if e.family == 4
                                         for s in e.summaries]
        for e in ctx.device.routing.eigrp:
            af = e.af_interface(iface.name)
            if af is not None and e.family == 4:
                texts += [(s, af.span) for s in af.summaries]
        for text, span in texts:
            words = text.split()
            try:
                net = IPv4Network(f"{words[0]}/{words[1]}") if len(words) >= 2 and "/" not in words[0] \
                    else IPv4Network(words[0])
            except (ValueError, IndexError):
                continue
            out.append((net, span))
    return out


def _cloud_asn(ctx: DeviceContext, drafts: list[Draft]) -> int:
    ref = drafts[0]["ref"]
    cloud = ctx.network.cloud_of(ref)
    members = (cloud.hubs + cloud.tunnels) if cloud is not None else [ref]
    for member in members:
        bgp = member.device.routing.bgp
        if bgp is not None and (number := asn(bgp.asn)) is not None:
            return number
    return DEFAULT_ASN


def _hub_addresses(ctx: DeviceContext, draft: Draft) -> list[IPv4Address]:
    """Tunnel addresses of the hubs this tunnel registers with (or peers with, for a hub)."""
    found = [r.via for r in draft["plan"]["routes"] if r.via is not None]
    found += [n.protocol for n in draft["plan"]["nhrp"].nhs if n.protocol is not None]
    if draft["plan"]["role"] is Role.HUB:
        cloud = ctx.network.cloud_of(draft["ref"])
        for hub in cloud.hubs if cloud is not None else []:
            if hub.device.key != ctx.device.key and hub.interface.ipv4 is not None:
                found.append(hub.interface.ipv4.ip)
    own = draft["plan"]["address"]
    subnet = draft["plan"]["subnet"]
    return sorted({a for a in found if a != own and a in subnet})


def _reexpress(ctx: DeviceContext, drafts: list[Draft], lans: list[LanInterface],
               static: tuple[StaticRoute, ...]) -> tuple[RoutingPlan, list[Draft], list[LanInterface]]:
    igp = ctx.options.igp
    assert igp is not None
    advertised, source = _intent(ctx, drafts, lans)
    shown = ", ".join(str(p) for p in advertised) or "nothing"
    design = ("OSPF area 0, hub point-to-multipoint, spokes point-to-point dmvpn" if igp == "ospf"
              else "iBGP, hub listen range with route-reflector, spokes peering with their hubs")
    processes = _processes(ctx, drafts)
    for span, label, over in processes:
        if over:
            ctx.add("DMV629", f"{label} is replaced by --igp {igp} ({design}); this node advertises {shown} "
                              f"(intent from {source})", span)
        else:
            ctx.add("DMV625", f"{label} does not run over the DMVPN; with --igp only the DMVPN routing is "
                              "generated, so it is not translated", span)
    if not any(over for _, _, over in processes):
        ctx.add("DMV629", f"--igp {igp} adds {design}; this node advertises {shown} ({source})",
                drafts[0]["head"])
    for d in drafts:
        iface = d["ref"].interface
        if iface.bandwidth is not None:
            ctx.add("DMV613", f"bandwidth is only an IGP metric input; the --igp {igp} design does not use "
                              f"it",
                    iface.at("bandwidth"))
    summaries = _hub_summaries(ctx, drafts)
    lan_by_network = {a.network: lan.ifname for lan in lans for a in lan.addresses}
    if igp == "ospf":
        for net, span in summaries:
            ctx.add("DMV630", f"the hub summary {net} is not re-expressed: OSPF cannot summarise inside "
                              f"area 0; "
                              "spokes learn every prefix", span)
        for d in drafts:
            role: Role = d["plan"]["role"]
            d["plan"]["ospf"] = OspfInterface(
                area="0", network_type="point-to-multipoint" if role is Role.HUB else "point-to-point dmvpn",
                hello=10, dead=40)
            d["plan"]["multicast"] = True
            nhrp = d["plan"]["nhrp"]
            nbma = [n.nbma for n in nhrp.nhs if n.nbma is not None]
            d["plan"]["nhrp"] = nhrp.model_copy(update={
                "multicast_dynamic": nhrp.multicast_dynamic or role is Role.HUB,
                "multicast_nbma": tuple(dict.fromkeys((*nhrp.multicast_nbma, *nbma)))})
        interfaces = tuple(sorted({(lan_by_network[p], OspfInterface(area="0", passive=True))
                                   for p in advertised if p in lan_by_network}, key=lambda x: x[0]))
        missing = [p for p in advertised if p not in lan_by_network]
        for p in missing:
            ctx.add("DMV630", f"{p} is advertised in IOS but is not a connected LAN here; OSPF does not "
                              "originate it", drafts[0]["head"])
        ospf = OspfPlan(router_id=router_id(ctx.device), interfaces=interfaces)
        return RoutingPlan(ospf=ospf, static=static, igp="ospf", advertised=tuple(advertised)), drafts, lans

    number = _cloud_asn(ctx, drafts)
    peers: list[BgpPeer] = []
    listen: list[tuple[IPv4Network, str]] = []
    hub_drafts = [d for d in drafts if d["plan"]["role"] is Role.HUB]
    statics: list[IPv4Address] = []
    for d in drafts:
        statics += _hub_addresses(ctx, d)
    for d in hub_drafts:
        group = "SPOKES" if len(hub_drafts) == 1 else f"SPOKES-{d['plan']['ifname']}"
        cloud = ctx.network.cloud_of(d["ref"])
        force = cloud is not None and cloud.phase == 3
        # Phase 3: the hub stays next hop so spoke-to-spoke traffic triggers NHRP redirects;
        # Phase 2: spokes need each other's next hops to resolve direct tunnels.
        peers.append(BgpPeer(id=group, is_peer_group=True, remote_as="internal", disable_connected_check=True,
                             connect_retry=TUNNEL_CONNECT_RETRY,
                             route_reflector_client=True, next_hop_self="force" if force else None))
        listen.append((d["plan"]["subnet"], group))
    for address in sorted(set(statics)):
        peers.append(BgpPeer(id=str(address), remote_as="internal", disable_connected_check=True,
                             connect_retry=TUNNEL_CONNECT_RETRY))
    if not hub_drafts and not statics:
        ctx.add("DMV630", "no hub tunnel address is known for this spoke (dynamic NHS and the hub is not "
                          "in the "
                          "input): no BGP neighbour is configured", drafts[0]["head"])
    aggregates = tuple(Aggregate(prefix=net, summary_only=True) for net, _ in summaries)
    bgp = BgpPlan(asn=number, router_id=router_id(ctx.device), peers=tuple(peers),
                  listen_ranges=tuple(listen), networks=tuple(advertised), aggregates=aggregates)
    return RoutingPlan(bgp=bgp, static=static, igp="bgp", advertised=tuple(advertised)), drafts, lans
