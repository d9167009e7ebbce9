"""Lowering: parsed devices -> :class:`~iosdmvpn.render.plan.NodePlan` + diagnostics.

This is the only place with translation logic (style.md 4.7). It decides roles, names,
the /32 rewrite, which NHRP lines survive on FRR 8.4, which firewall rules nhrpd needs,
and reports everything lossy with the IOS span. Routing is lowered in
:mod:`iosdmvpn.render.lower_routing`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address
from types import ModuleType
from typing import Any, Literal

from iosdmvpn.diagnostics import Diagnostic, Related, sort_diagnostics
from iosdmvpn.model import Device, Interface, Nhrp, TunnelMode
from iosdmvpn.model.network import Network, TunnelRef
from iosdmvpn.parse import ParseResult, device_sections
from iosdmvpn.render.codes import diag
from iosdmvpn.render.names import linux_ifname, safe_fqdn, safe_hostname, safe_text, safe_word, show
from iosdmvpn.render.plan import (
    MULTICAST_GROUP,
    REDIRECT_GROUP,
    FirewallPlan,
    GreGuard,
    InterfaceName,
    LanInterface,
    NhrpMapping,
    NhrpSettings,
    Nhs,
    NodePlan,
    Role,
    SubnetRoute,
    TunnelPlan,
)
from iosdmvpn.render.scan import line_span, unaccounted
from iosdmvpn.source import Span, redact

IpsecMode = Literal["stock", "vici"]
Igp = Literal["ospf", "bgp"]
# FRR nhrpd's holdtime range is 1-65000 (IOS allows up to 65535).
MAX_HOLDTIME = 65000
# Tunnel lines that are NHRP/GRE semantics (a warning when dropped); others are info.
_TUNNEL_WORDS = ("ip nhrp", "ipv6 nhrp", "nhrp ", "if-state nhrp", "tunnel ")
# Tunnel lines whose IOS meaning is already the Linux default for the generated device.
_LINUX_DEFAULTS = ("tunnel path-mtu-discovery",)  # fixed ttl keeps pmtudisc on (targets.md 2.1)


@dataclass(frozen=True)
class Options:
    """What the user asked for."""

    targets: frozenset[str]
    ipsec_mode: IpsecMode = "stock"
    igp: Igp | None = None
    interface_map: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Lowered:
    """Plans per device, the strongSwan plans per hostname, and every diagnostic."""

    plans: list[NodePlan]
    ipsec: dict[str, list[Any]]
    diagnostics: list[Diagnostic]


def ipsec_module() -> ModuleType | None:
    """The strongSwan translator (another engineer's module), when it is installed."""
    try:
        return importlib.import_module("iosdmvpn.render.ipsec")
    except ImportError:
        return None


@dataclass
class DeviceContext:
    """One device being lowered: its names, source lines and the diagnostics so far."""

    device: Device
    network: Network
    options: Options
    lines: list[str] | None
    names: dict[str, str]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, code: str, message: str, span: Span, help: str | None = None,
            related: tuple[Related, ...] = ()) -> None:
        self.diagnostics.append(diag(code, message, span, help, related))

    def header(self, span: Span) -> Span:
        """The first line of a stanza span."""
        return line_span(span, self.lines)

    def ifname(self, ios_name: str) -> str | None:
        """The Linux name of an IOS interface of this device (None: unsafe or unknown)."""
        return self.names.get(ios_name)


def _interface_names(device: Device, overrides: Mapping[str, str], out: list[Diagnostic],
                     lines: list[str] | None) -> dict[str, str]:
    """IOS interface name -> Linux name for every interface that has a safe one."""
    names: dict[str, str] = {}
    owner: dict[str, str] = {}
    for iface in device.interfaces:
        linux = overrides.get(iface.name) or linux_ifname(iface.name)
        if linux is None:
            continue  # reported where the interface is used
        if linux in owner:
            out.append(diag("DMV639", f"{show(iface.name)} and {show(owner[linux])} would both be "
                                      f"called {linux} on Linux; {show(iface.name)} is left out",
                            line_span(iface.span, lines),
                            help="give one of them another name with --interface-map IOS=LINUX"))
            continue
        owner[linux] = iface.name
        names[iface.name] = linux
    return names


def _source_name(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return safe_text(base) or "input"


def lower(results: Sequence[ParseResult], options: Options) -> Lowered:
    """Lower every usable device of ``results``; the network is the devices together."""
    from iosdmvpn.render.lower_routing import lower_routing

    usable = [r for r in results if r.usable and r.device is not None]
    devices = [r.device for r in usable if r.device is not None]
    network = Network(devices)
    # By device, not by path: the routers of one file may each carry their own section's text.
    sources = {r.device.key: (r.source.lines if r.source is not None else None)
               for r in usable if r.device is not None}
    plans: list[NodePlan] = []
    ipsec: dict[str, list[Any]] = {}
    diagnostics: list[Diagnostic] = []
    hostnames: dict[str, Device] = {}
    for device in devices:
        lines = sources.get(device.key)
        ctx = DeviceContext(device, network, options, lines, {})
        try:
            plan, ipsec_plans = _lower_device(ctx, hostnames, lower_routing)
        except Exception as exc:
            ctx.add("DMV643", f"translation failed: {type(exc).__name__}: {show(str(exc))}",
                    Span.whole_file(device.path), help="please report this with the configuration")
            plan, ipsec_plans = None, []
        diagnostics.extend(ctx.diagnostics)
        if plan is not None:
            plans.append(plan)
            ipsec[plan.hostname] = ipsec_plans
    return Lowered(plans=plans, ipsec=ipsec, diagnostics=sort_diagnostics(diagnostics))


def _hostname_span(ctx: DeviceContext) -> Span:
    device = ctx.device
    if "hostname" in device.spans:
        return ctx.header(device.spans["hostname"])
    return Span.whole_file(device.path)


def _lower_device(ctx: DeviceContext, hostnames: dict[str, Device],
                  lower_routing: Any) -> tuple[NodePlan | None, list[Any]]:
    device = ctx.device
    hostname = safe_hostname(device.name)
    if hostname is None:
        ctx.add("DMV601", f"hostname {show(device.name)!r} is not a safe directory and FRR name "
                          "(letters, digits, '-' and '_' only); this device is not translated",
                _hostname_span(ctx), help="fix the hostname in the configuration")
        return None, []
    if hostname in hostnames:
        other = hostnames[hostname]
        ctx.add("DMV636", f"hostname {hostname} is also used by {show(other.path)}; this device is not "
                          f"translated",
                _hostname_span(ctx))
        return None, []
    hostnames[hostname] = device
    ctx.names.update(_interface_names(device, ctx.options.interface_map, ctx.diagnostics, ctx.lines))

    refs = [TunnelRef(device, i) for i in device.dmvpn_tunnels]
    drafts: list[dict[str, Any]] = []
    for ref in refs:
        draft = _lower_tunnel(ctx, ref)
        if draft is not None:
            drafts.append(draft)
    if not drafts:
        if not refs:
            ctx.add("DMV619", "no DMVPN tunnel (NHRP or multipoint GRE) in this configuration: nothing to "
                              "translate",
                    _hostname_span(ctx))
        else:
            ctx.add("DMV619", "none of this configuration's DMVPN tunnels can be translated",
                    _hostname_span(ctx))
        return None, []

    lans = _lans(ctx, drafts)
    routing, drafts, lans = lower_routing(ctx, drafts, lans)
    ipsec_plans = _lower_ipsec(ctx, drafts)
    tunnels = tuple(TunnelPlan(**d["plan"]) for d in drafts)
    role = Role.HUB if any(t.role is Role.HUB for t in tunnels) else Role.SPOKE
    firewall = _firewall(ctx, tunnels)
    interfaces = _interface_table(ctx, tunnels, lans)
    daemons = ["zebra", "staticd", "nhrpd"]
    if routing.ospf is not None:
        daemons.append("ospfd")
    if routing.bgp is not None:
        daemons.append("bgpd")
    plan = NodePlan(
        hostname=hostname, source_name=_source_name(device.path), role=role, tunnels=tunnels,
        lans=tuple(lans), routing=routing, firewall=firewall, sysctls=_sysctls(tunnels),
        daemons=tuple(daemons), interfaces=interfaces, ipsec_mode=ctx.options.ipsec_mode,
    )
    return plan, ipsec_plans


def _interface_table(ctx: DeviceContext, tunnels: Iterable[TunnelPlan],
                     lans: Iterable[LanInterface]) -> tuple[InterfaceName, ...]:
    rows: list[InterfaceName] = []
    for t in tunnels:
        rows.append(InterfaceName(ios_name=show(t.ios_name), ifname=t.ifname, purpose="tunnel"))
    seen = {r.ifname for r in rows}
    for t in tunnels:
        if t.underlay and t.underlay not in seen:
            seen.add(t.underlay)
            ios = next((k for k, v in ctx.names.items() if v == t.underlay), t.underlay)
            rows.append(InterfaceName(ios_name=show(ios), ifname=t.underlay, purpose="underlay (NBMA)"))
    for lan in lans:
        if lan.ifname not in seen:
            seen.add(lan.ifname)
            # A Cisco loopback becomes a dummy device on Linux (ip link add NAME type dummy).
            purpose = "loopback (dummy device)" if lan.ios_name.startswith("Loopback") else "LAN"
            rows.append(InterfaceName(ios_name=show(lan.ios_name), ifname=lan.ifname, purpose=purpose))
    return tuple(rows)


def _sysctl_key(ifname: str) -> str:
    # sysctl(8) separates with dots, so dots inside an interface name become slashes.
    return ifname.replace(".", "/")


def _sysctls(tunnels: Iterable[TunnelPlan]) -> tuple[tuple[str, str], ...]:
    out = [("net.ipv4.ip_forward", "1"), ("net.ipv4.conf.all.send_redirects", "0")]
    for t in tunnels:
        key = _sysctl_key(t.ifname)
        # nhrpd writes send_redirects itself; rp_filter must not be strict for /32 tunnel
        # addresses (FRR ospfd docs); the NBMA overlay is IPv4 only.
        out += [(f"net.ipv4.conf.{key}.send_redirects", "0"), (f"net.ipv4.conf.{key}.rp_filter", "0"),
                (f"net.ipv6.conf.{key}.disable_ipv6", "1")]
    return tuple(out)


# ---------------------------------------------------------------------------- tunnels


def _lower_tunnel(ctx: DeviceContext, ref: TunnelRef) -> dict[str, Any] | None:
    """A draft of the tunnel plan (a dict, completed by routing), or None when refused."""
    iface = ref.interface
    tun = iface.tunnel
    assert tun is not None
    head = ctx.header(iface.at("name"))
    ifname = ctx.ifname(iface.name)
    if ifname is None:
        ctx.add("DMV601", f"interface {show(iface.name)!r} has no safe Linux name; the tunnel is not "
                          f"translated",
                head, help="name it with --interface-map IOS=LINUX")
        return None

    if tun.mode.ipv6_transport or tun.mode not in (TunnelMode.GRE_IP, TunnelMode.GRE_MULTIPOINT):
        ctx.add("DMV603", f"tunnel mode {tun.mode.value!r} cannot be translated: FRR nhrpd runs on IPv4 "
                          "multipoint GRE only", tun.at("mode") if "mode" in tun.spans else head)
        return None
    if not tun.mode.multipoint:
        ctx.add("DMV605", f"{show(iface.name)} is point-to-point GRE; it becomes a multipoint GRE device "
                          "(nhrpd needs NBMA GRE) and its tunnel destination is not used",
                tun.at("destination") if tun.destination is not None else head)
    elif tun.destination is not None:
        ctx.add("DMV613", "tunnel destination on a multipoint tunnel is ignored (as on IOS mGRE)",
                tun.at("destination"))

    nhrp = iface.nhrp
    if iface.nhrp6 is not None:
        ctx.add("DMV615", "IPv6 NHRP (ipv6 nhrp ...) is not translated; only IPv4 NHRP is", iface.nhrp6.span
                if iface.nhrp6.span.line != iface.span.line else head)
    if nhrp is None or nhrp.network_id is None:
        where = nhrp.span if nhrp is not None and nhrp.span.line != iface.span.line else head
        ctx.add("DMV637", f"{show(iface.name)} has no 'ip nhrp network-id': NHRP is not enabled on it, "
                          "so there is no DMVPN to translate", where, help="add ip nhrp network-id (lint "
                                                                           "DMV201)")
        return None
    if iface.ipv4 is None:
        what = "is unnumbered" if iface.ipv4_mode == "unnumbered" else "has no IPv4 address"
        ctx.add("DMV638", f"{show(iface.name)} {what}; nhrpd needs a tunnel address", head,
                help="give the tunnel an address in the cloud's subnet (lint DMV104)")
        return None
    address, subnet = iface.ipv4.ip, iface.ipv4.network
    if iface.ipv4.network.prefixlen < 32:
        ctx.add("DMV602", f"tunnel address {iface.ipv4.with_prefixlen} becomes {address}/32 (nhrpd needs a "
                          f"host "
                          f"prefix); {subnet} is routed over the tunnel instead", iface.at("ipv4"))
    for secondary in iface.ipv4_secondary:
        ctx.add("DMV641", f"secondary address {secondary.with_prefixlen} is dropped",
                iface.at("ipv4_secondary"))
    if iface.ipv6 or iface.ipv6_enabled or iface.ipv6_link_local is not None:
        ctx.add("DMV615", "IPv6 addresses on the tunnel are not translated (IPv4 overlay only)",
                iface.at("ipv6") if "ipv6" in iface.spans else head)

    local, underlay = _nbma_binding(ctx, iface, head)
    if local is False:
        return None
    role = Role.HUB if ctx.network.is_hub(ref) else Role.SPOKE
    if role is Role.SPOKE and not ctx.network.is_spoke(ref) and nhrp.multicast_dynamic:
        role = Role.HUB
    settings = _nhrp(ctx, nhrp)
    settings = _phase2_as_shortcuts(ctx, ref, role, settings, head)

    if tun.vrf:
        ctx.add("DMV606", f"front-door VRF {show(tun.vrf)!r} is not translated: the NBMA traffic uses the "
                          f"main "
                          "routing table", tun.at("vrf"))
    if iface.vrf:
        ctx.add("DMV606", f"VRF {show(iface.vrf)!r} of the tunnel is not translated: the overlay uses the "
                          f"main "
                          "routing table", iface.at("vrf"))
    if iface.crypto_map:
        ctx.add("DMV634", f"crypto map {show(iface.crypto_map)!r} on the tunnel is not translated",
                iface.at("crypto_map"))
    src = ctx.device.source_interface(iface)
    if src is not None and src.crypto_map:
        ctx.add("DMV634", f"crypto map {show(src.crypto_map)!r} on {show(src.name)} (the tunnel source) is "
                          f"not "
                          "translated; only tunnel protection is", src.at("crypto_map"))
    if iface.shutdown:
        ctx.add("DMV616", f"{show(iface.name)} is shut down; {ifname} is created but left down",
                iface.at("shutdown"))
    if iface.keepalive:
        ctx.add("DMV613", "GRE keepalives are not translated (nhrpd registration and IKE DPD detect dead "
                          "peers)",
                iface.at("keepalive"))
    if iface.delay is not None:
        ctx.add("DMV613", "delay is an EIGRP metric input; it is not translated", iface.at("delay"))
    if iface.ipv6_mtu is not None or iface.ipv6_tcp_mss is not None:
        ctx.add("DMV615", "IPv6 MTU / MSS settings are not translated",
                iface.at("ipv6_mtu") if iface.ipv6_mtu is not None else iface.at("ipv6_tcp_mss"))
    if iface.ospf6 is not None:
        ctx.add("DMV615", "OSPFv3 on the tunnel is not translated", iface.ospf6.span
                if iface.ospf6.span.line != iface.span.line else head)
    _scan_tunnel(ctx, iface)

    description = f"DMVPN {role.value} (from Cisco interface {show(iface.name)})"
    if iface.description:
        safe = safe_text(iface.description)
        if safe is None:
            ctx.add("DMV640", "the interface description holds characters that are not copied into frr.conf",
                    iface.at("description"))
        else:
            description = f"{safe} (DMVPN {role.value}, from Cisco {show(iface.name)})"
    protected = tun.protection is not None
    vici = None
    if protected and ctx.options.ipsec_mode == "vici":
        vici = f"dmvpn-{ifname}"  # replaced by the strongSwan plan's own name when it has one
    plan: dict[str, Any] = dict(
        ios_name=iface.name, ifname=ifname, role=role, description=description, key=tun.key, local=local,
        underlay=underlay, mtu=iface.ip_mtu, address=address, subnet=subnet, up=not iface.shutdown,
        nhrp=settings, tcp_mss=iface.tcp_mss, protected=protected, vici_profile=vici,
        routes=_subnet_routes(ctx, ref, role, settings, subnet),
    )
    return {"ref": ref, "plan": plan, "head": head}


def _nbma_binding(ctx: DeviceContext, iface: Interface,
                  head: Span) -> tuple[IPv4Address | Literal[False] | None, str]:
    """(local address or None for dynamic, underlay Linux name); local False = refused."""
    tun = iface.tunnel
    assert tun is not None
    device = ctx.device
    if not tun.has_source:
        ctx.add("DMV604", f"{show(iface.name)} has no tunnel source: the GRE device has no NBMA address",
                head, help="add tunnel source <WAN interface> (lint DMV101)")
        return False, ""
    where = tun.at("source_interface") if tun.source_interface else tun.at("source_address")
    src = device.source_interface(iface)
    if tun.source_interface and src is None:
        ctx.add("DMV604", f"tunnel source {show(tun.source_interface)} is not defined in this configuration",
                where, help="point tunnel source at an existing, addressed WAN interface (lint DMV102)")
        return False, ""
    nbma = device.local_nbma(iface)
    if isinstance(nbma, IPv6Address):
        ctx.add("DMV603", "the tunnel source is IPv6: nhrpd needs an IPv4 NBMA", where)
        return False, ""
    if src is None:
        # ``tunnel source <IP>`` that no interface owns: bind by address only.
        assert isinstance(nbma, IPv4Address)
        ctx.add("DMV604", f"no interface owns the tunnel source address {nbma}; the GRE device is bound to "
                          "the address only, without tunnel source in frr.conf", where)
        return nbma, ""
    underlay = ctx.ifname(src.name)
    if underlay is None:
        ctx.add("DMV601", f"the tunnel source interface {show(src.name)!r} has no safe Linux name", where,
                help="name it with --interface-map IOS=LINUX")
        return False, ""
    if src.shutdown:
        ctx.add("DMV604", f"the tunnel source {show(src.name)} is shut down in IOS", where,
                help="no shutdown on the WAN interface (lint DMV103)")
        return False, ""
    if nbma is None:
        ctx.add("DMV604", f"the tunnel source {show(src.name)} has no IPv4 address", where,
                help="address the WAN interface (lint DMV103)")
        return False, ""
    if nbma == "dynamic":
        ctx.add("DMV617", f"{show(src.name)} has a dynamic address: the GRE device is bound to {underlay} "
                          f"and "
                          "nhrpd learns the NBMA address from it", where)
        return None, underlay
    assert isinstance(nbma, IPv4Address)
    return nbma, underlay


def _nhrp(ctx: DeviceContext, nhrp: Nhrp) -> NhrpSettings:
    assert nhrp.network_id is not None
    holdtime = nhrp.holdtime
    if holdtime is not None and holdtime > MAX_HOLDTIME:
        ctx.add("DMV608", f"ip nhrp holdtime {holdtime} is clamped to {MAX_HOLDTIME}", nhrp.at("holdtime"))
        holdtime = MAX_HOLDTIME
    if nhrp.authentication is not None:
        ctx.add("DMV607", "ip nhrp authentication is dropped: FRR 8.4 nhrpd has no NHRP authentication "
                          "(FRR >= 10.2 has); Cisco peers that require it will ignore this node's NHRP",
                nhrp.at("authentication"), help="remove ip nhrp authentication on the Cisco peers as well")
    if nhrp.registration_timeout is not None:
        ctx.add("DMV611", "ip nhrp registration timeout is dropped: FRR registers every holdtime/3",
                nhrp.at("registration_timeout"))
    nhs: list[Nhs] = []
    multicast: list[IPv4Address] = []
    nhs_protocols: set[IPv4Address] = set()
    for entry in nhrp.nhs:
        if entry.priority is not None or entry.cluster is not None:
            ctx.add("DMV609", "NHS priority/cluster is dropped: FRR 8.4 uses every NHS equally", entry.span)
        if entry.protocol is not None and not isinstance(entry.protocol, IPv4Address):
            continue  # IPv6 protocol address: reported as part of the IPv6 overlay
        nbma = entry.nbma if entry.nbma is not None else (
            nhrp.nbma_for(entry.protocol) if entry.protocol is not None else None)
        fqdn = None
        if nbma is None and entry.nbma_fqdn is not None:
            fqdn = safe_fqdn(entry.nbma_fqdn)
            if fqdn is None:
                ctx.add("DMV601", f"NHS NBMA name {show(entry.nbma_fqdn)!r} is not a DNS name; the NHS is "
                                  f"dropped",
                        entry.span)
                continue
        if nbma is None and fqdn is None:
            what = str(entry.protocol) if entry.protocol is not None else "dynamic"
            ctx.add("DMV610", f"NHS {what} has no NBMA address (no 'nbma' and no 'ip nhrp map {what} "
                              f"<nbma>'); "
                              "FRR cannot register to it, the NHS is dropped", entry.span,
                    help="use ip nhrp nhs <hub> nbma <hub-NBMA> (lint DMV204)")
            continue
        if nbma is not None and not isinstance(nbma, IPv4Address):
            ctx.add("DMV603", f"NHS NBMA {nbma} is IPv6: nhrpd needs IPv4 NBMA; the NHS is dropped",
                    entry.span)
            continue
        nhs.append(Nhs(protocol=entry.protocol, nbma=nbma, nbma_fqdn=fqdn))
        if entry.protocol is not None:
            nhs_protocols.add(entry.protocol)
        if entry.multicast and isinstance(nbma, IPv4Address):
            multicast.append(nbma)
    maps: list[NhrpMapping] = []
    for m in nhrp.maps:
        if m.protocol in nhs_protocols and m.prefix_length is None:
            continue  # folded into the NHS line as its nbma
        if not isinstance(m.protocol, IPv4Address):
            continue  # IPv6 overlay, reported already
        if m.prefix_length is not None or m.nbma is None or not isinstance(m.nbma, IPv4Address):
            ctx.add("DMV614", f"static map for {m.protocol} cannot be translated (FRR maps one IPv4 "
                              f"address to "
                              "one IPv4 NBMA address)", m.span)
            continue
        maps.append(NhrpMapping(protocol=m.protocol, nbma=m.nbma))
    for mm in nhrp.multicast_maps:
        if isinstance(mm.nbma, IPv4Address):
            multicast.append(mm.nbma)
    return NhrpSettings(
        network_id=nhrp.network_id, holdtime=holdtime, registration_no_unique=nhrp.registration_no_unique,
        redirect=nhrp.redirect, shortcut=bool(nhrp.shortcut), nhs=tuple(nhs), maps=tuple(maps),
        multicast_dynamic=nhrp.multicast_dynamic is True, multicast_nbma=tuple(dict.fromkeys(multicast)),
    )


def _phase2_as_shortcuts(ctx: DeviceContext, ref: TunnelRef, role: Role, settings: NhrpSettings,
                         head: Span) -> NhrpSettings:
    """Give a phase 2 cloud the nhrpd mechanism that builds spoke-to-spoke tunnels.

    On IOS a phase 2 spoke resolves the spoke next hop that routing hands it (the hub
    keeps the originating spoke as next hop). FRR 8.4 nhrpd never resolves a next hop on
    its own: it answers only redirects (Traffic Indications) with shortcut routes. So the
    hub gets ``ip nhrp redirect`` and mGRE spokes ``ip nhrp shortcut``, which is phase 3;
    the routing design stays as it was.
    """
    cloud = ctx.network.cloud_of(ref)
    if cloud is None or cloud.phase != 2 or not ref.interface.is_mgre:
        return settings
    if role is Role.HUB and not settings.redirect:
        ctx.add("DMV644", "phase 2 cloud: nhrpd cannot resolve spoke next hops on demand, so this hub gets "
                          "'ip nhrp redirect' (NFLOG Traffic Indications) to send spokes to each other",
                head)
        return settings.model_copy(update={"redirect": True})
    if role is Role.SPOKE and not settings.shortcut:
        ctx.add("DMV644", "phase 2 cloud: nhrpd cannot resolve spoke next hops on demand, so this spoke gets "
                          "'ip nhrp shortcut' to follow the hub's redirects to other spokes", head)
        return settings.model_copy(update={"shortcut": True})
    return settings


def _subnet_routes(ctx: DeviceContext, ref: TunnelRef, role: Role, nhrp: NhrpSettings,
                   subnet: IPv4Network) -> tuple[SubnetRoute, ...]:
    """How the tunnel subnet is reached once the address is a /32.

    A hub routes it onto the GRE device (nhrpd adds /32s for registered spokes); a spoke
    routes it via its hubs' tunnel addresses, ``onlink`` because nothing is connected.
    """
    if subnet.prefixlen >= 32:
        return ()
    if role is Role.HUB:
        return (SubnetRoute(prefix=subnet),)
    hubs: list[IPv4Address] = []
    for entry in nhrp.nhs:
        if entry.protocol is not None and entry.protocol in subnet:
            hubs.append(entry.protocol)
        elif entry.protocol is None and entry.nbma is not None:
            hubs.extend(h for h in _hub_addresses_by_nbma(ctx.network, entry.nbma) if h in subnet)
    hubs = list(dict.fromkeys(hubs))
    if not hubs:
        return (SubnetRoute(prefix=subnet),)
    return tuple(SubnetRoute(prefix=subnet, via=h, metric=i or None) for i, h in enumerate(hubs))


def _hub_addresses_by_nbma(network: Network, nbma: IPv4Address) -> list[IPv4Address]:
    found: list[IPv4Address] = []
    for ref in network.tunnels:
        if ref.device.local_nbma(ref.interface) == nbma and ref.interface.ipv4 is not None:
            found.append(ref.interface.ipv4.ip)
    return found


def _scan_tunnel(ctx: DeviceContext, iface: Interface) -> None:
    if ctx.lines is None:
        return
    for span, text in unaccounted(iface, ctx.lines):
        shown = show(redact(text))
        if " ".join(text.lower().split()) in _LINUX_DEFAULTS:
            continue
        if text.lower().startswith(_TUNNEL_WORDS):
            ctx.add("DMV612", f"{shown!r} has no FRR 8.4 / Linux equivalent; it is not translated", span)
        else:
            ctx.add("DMV613", f"{shown!r} is not translated", span)


# ---------------------------------------------------------------------------- LANs


def _lans(ctx: DeviceContext, drafts: list[dict[str, Any]]) -> list[LanInterface]:
    """Addressed interfaces other than tunnels and tunnel sources, in config order."""
    device = ctx.device
    skip = {d["plan"]["ios_name"] for d in drafts}
    for d in drafts:
        src = device.source_interface(d["ref"].interface)
        if src is not None:
            skip.add(src.name)
    out: list[LanInterface] = []
    for iface in device.interfaces:
        if iface.name in skip or iface.tunnel is not None or iface.ipv4 is None or iface.shutdown:
            continue
        ifname = ctx.ifname(iface.name)
        if ifname is None:
            continue  # reported by routing when the interface matters there
        addresses = (iface.ipv4, *iface.ipv4_secondary)
        out.append(LanInterface(ios_name=iface.name, ifname=ifname, addresses=addresses))
    return out


# ---------------------------------------------------------------------------- firewall, IPsec


def _firewall(ctx: DeviceContext, tunnels: tuple[TunnelPlan, ...]) -> FirewallPlan:
    redirect = tuple(t.ifname for t in tunnels if t.nhrp.redirect)
    multicast = tuple(t.ifname for t in tunnels if t.multicast)
    mss = tuple((t.ifname, t.tcp_mss) for t in tunnels if t.tcp_mss is not None)
    guards: list[GreGuard] = []
    for t in tunnels:
        if t.protected:
            guard = GreGuard(local=t.local, underlay=t.underlay)
            if guard not in guards:
                guards.append(guard)
    plan = FirewallPlan(
        redirect_group=REDIRECT_GROUP if redirect else None,
        multicast_group=MULTICAST_GROUP if multicast else None,
        redirect_ifnames=redirect, multicast_ifnames=multicast, mss=mss, gre_guard=tuple(guards),
    )
    if not plan.empty and "nftables" not in ctx.options.targets:
        needs = [what for what, on in (("NHRP redirect NFLOG", redirect), ("multicast NFLOG", multicast),
                                       ("TCP MSS clamping", mss), ("unprotected-GRE drop", guards)) if on]
        ctx.add("DMV635", f"this node needs firewall rules ({', '.join(needs)}) that only the nftables "
                          f"target "
                          "writes", _hostname_span(ctx), help="add --target nftables or write equivalent "
                                                              "rules")
    return plan


def _lower_ipsec(ctx: DeviceContext, drafts: list[dict[str, Any]]) -> list[Any]:
    """strongSwan plans for the protected tunnels (through the strongSwan engineer's API)."""
    protected = [d for d in drafts if d["plan"]["protected"]]
    if not protected:
        return []
    device = ctx.device
    for d in protected:
        prot = d["ref"].interface.tunnel.protection
        # IKEv2 smart defaults provide a profile called "default" without configuration.
        if prot.profile not in (None, "default") and device.crypto.ipsec_profile(prot.profile) is None:
            ctx.add("DMV632", f"tunnel protection names IPsec profile {show(prot.profile)!r}, which is not "
                              f"defined",
                    prot.span, help="define crypto ipsec profile (lint DMV301)")
        elif ctx.options.ipsec_mode == "stock":
            ctx.add("DMV631", "stock strongSwan cannot be driven by nhrpd (tunnel protection vici needs a "
                              "patched "
                              "strongSwan): frr.conf has no 'tunnel protection'; swanctl.conf traps all "
                              "GRE and "
                              "nftables drops GRE that is not IPsec-protected", prot.span,
                    help="use --ipsec vici with a strongSwan that carries the nhrpd VICI patches")
    module = ipsec_module()
    wanted = "strongswan" in ctx.options.targets
    if module is None:
        if wanted:
            ctx.add("DMV633", "no strongSwan translator is available in this build: swanctl.conf is not "
                              "written",
                    _hostname_span(ctx))
        return []
    plans: list[Any] = []
    for d in protected:
        result = module.lower_ipsec(ctx.device, d["ref"], ctx.network, ctx.options.ipsec_mode)
        plan, diags = result
        if wanted:
            ctx.diagnostics.extend(diags)
        if plan is None:
            continue
        plans.append(plan)
        name = getattr(plan, "name", None)
        if ctx.options.ipsec_mode == "vici" and isinstance(name, str) and safe_word(name):
            d["plan"]["vici_profile"] = name
    untranslated = getattr(module, "untranslated_crypto_lines", None)
    if wanted and untranslated is not None and ctx.lines is not None:
        ctx.diagnostics.extend(untranslated(ctx.device, [d["ref"] for d in protected], ctx.lines,
                                            _own_rows(ctx, ctx.lines)))
    return plans if wanted else []


def _own_rows(ctx: DeviceContext, lines: list[str]) -> tuple[int, int]:
    """The device's first and last line in ``lines``: all of them, unless they hold several
    routers (a lab-notes file; its first router alone when parsed by ``parse_file``). Only
    then is the structural pass run again, to tell the routers apart."""
    hostnames = {tuple(line.split()[1:2]) for line in lines if line.startswith("hostname ")}
    if len(hostnames) > 1:
        sections = device_sections("\n".join(lines))
        if 1 < len(sections) > ctx.device.section:
            return sections[ctx.device.section]
    return 1, len(lines)
