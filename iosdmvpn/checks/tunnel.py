"""Rules DMV1xx: the tunnel interface and its GRE encapsulation (rules.md §3.1).

Every rule looks at DMVPN tunnels (``is_dmvpn``: NHRP configured or multipoint GRE) of one
device; the few that also use the network (DMV105, DMV107) say so. Facts shared with the
other families (roles, IGP coverage, NBMA addresses) come from :mod:`iosdmvpn.checks.facts`.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv6Address

from iosdmvpn.checks.facts import (
    acting_hub_tunnels,
    acts_as_hub,
    cloud_peers,
    eigrp_instances_all,
    header_span,
    ip_literal,
    is_spoke,
    local_nbma,
    nhrp_cmd,
    nhrp_configured,
    nhs_clients,
    protections,
    public,
    release_at_least,
    same_vrf,
    source_text,
    src_if,
    tunnels_with_config,
    unparsed,
    version_text,
)
from iosdmvpn.checks.registry import DeviceContext, Finding, rule
from iosdmvpn.diagnostics import Related, Severity
from iosdmvpn.model.device import Device
from iosdmvpn.model.interface import Interface, IPAddress, TunnelMode
from iosdmvpn.model.network import Network, TunnelRef
from iosdmvpn.source import Span

_GRE_MODES = frozenset({TunnelMode.GRE_IP, TunnelMode.GRE_MULTIPOINT, TunnelMode.GRE_MULTIPOINT_IPV6,
                        TunnelMode.GRE_IPV6})


def _ipv4_overlay(iface: Interface) -> bool:
    """The tunnel carries IPv4 (an IPv4 address or ``ip nhrp``), not only IPv6."""
    return iface.ipv4_mode != "none" or nhrp_configured(iface.nhrp) or (
        iface.nhrp6 is None and not iface.ipv6)


def _mode_span(iface: Interface) -> Span:
    """The ``tunnel mode`` command, or the header when the mode is the hidden default."""
    t = iface.tunnel
    assert t is not None
    return t.at("mode") if t.mode_configured else header_span(iface)


# ------------------------------------------------------------------ source


@rule("DMV101", "tunnel-source-missing", Severity.ERROR)
def tunnel_source_missing(ctx: DeviceContext) -> Iterator[Finding]:
    """A DMVPN tunnel has no ``tunnel source``.

    Without a source, GRE has no outer (NBMA) address to send from: the tunnel stays
    down, NHRP never registers and IPsec cannot derive its local address.

    **Bad**

    ```ios
    hostname spoke1
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        if not t.has_source and not unparsed(iface, "tunnel source"):
            yield Finding(f"{iface.name} has no 'tunnel source': GRE has no NBMA address to send from, "
                          "so the tunnel stays down", header_span(iface),
                          help="add 'tunnel source <WAN interface>'")


@rule("DMV102", "tunnel-source-undefined", Severity.ERROR)
def tunnel_source_undefined(ctx: DeviceContext) -> Iterator[Finding]:
    """``tunnel source`` names an interface or address that the device does not have.

    An undefined source interface keeps the tunnel down (error). A source IP address that
    no interface holds is a warning: it may belong to an interface whose address is
    learnt dynamically, but as written the tunnel has no usable NBMA address.

    Severity change: when the file defines no interface other than tunnels it is a
    fragment (a published snippet or template of the tunnel alone, e.g. corpus 016/017),
    whose source interface lives in the part not shown; the interface form is then a
    warning, not an error.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     tunnel source GigabitEthernet0/9
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    device = ctx.device
    dynamic = any(i.ipv4_mode in ("dhcp", "negotiated") for i in device.interfaces)
    fragment = all(i.tunnel is not None for i in device.interfaces)
    for iface, t in tunnels_with_config(ctx):
        if t.source_interface is not None and device.interface(t.source_interface) is None:
            note = " (the file defines no other interface: a fragment?)" if fragment else ""
            yield Finding(f"{iface.name}: 'tunnel source {t.source_interface}' names an interface that is "
                          f"not defined in this configuration{note}", t.at("source_interface"),
                          severity=Severity.WARNING if fragment else None,
                          help="point 'tunnel source' at an existing, addressed WAN interface")
        elif (t.source_address is not None and device.interface_with_address(t.source_address) is None
              and not dynamic):
            yield Finding(f"{iface.name}: 'tunnel source {t.source_address}' is not an address of any "
                          "interface of this device", t.at("source_address"), severity=Severity.WARNING,
                          help="use the WAN interface name, or the address it actually holds")


@rule("DMV103", "tunnel-source-unusable", Severity.ERROR)
def tunnel_source_unusable(ctx: DeviceContext) -> Iterator[Finding]:
    """The tunnel's source interface is shut down or has no address of the transport family.

    GRE takes its outer source address from the source interface; a shut or unaddressed
    interface leaves the tunnel down. Dynamic addressing (DHCP, PPP) is fine here.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/1
     no ip address
     shutdown
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     tunnel source GigabitEthernet0/1
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/1
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     tunnel source GigabitEthernet0/1
     tunnel mode gre multipoint
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        src = src_if(ctx.device, iface)
        if src is None:
            continue
        related = (Related(span=header_span(src), message=f"source interface {src.name}"),)
        if src.shutdown:
            yield Finding(f"{iface.name} is sourced from {src.name}, which is shut down: the tunnel stays "
                          "down", t.at("source_interface"), related=related)
        elif t.mode.ipv6_transport and not src.ipv6:
            yield Finding(f"{iface.name} uses IPv6 transport ('tunnel mode {t.mode}') but its source "
                          f"{src.name} has no global IPv6 address", t.at("source_interface"), related=related)
        elif not t.mode.ipv6_transport and src.ipv4_mode == "none" and not src.ipv6:
            yield Finding(f"{iface.name} is sourced from {src.name}, which has no IP address: the tunnel has "
                          "no NBMA address", t.at("source_interface"), related=related)


# ----------------------------------------------------------------- overlay


@rule("DMV104", "tunnel-no-overlay-address", Severity.ERROR)
def tunnel_no_overlay_address(ctx: DeviceContext) -> Iterator[Finding]:
    """NHRP runs on a tunnel without an overlay (tunnel) address of that family.

    NHRP maps tunnel addresses to NBMA addresses and registers the tunnel address with
    the hub; without one there is nothing to register or resolve. ``ip unnumbered``
    gives an address borrowed from another interface, outside any shared tunnel subnet:
    a warning. IPv6 NHRP needs a global or unique-local address on the tunnel.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface in ctx.device.dmvpn_tunnels:
        if nhrp_configured(iface.nhrp) and not unparsed(iface, "ip address"):
            if iface.ipv4_mode == "none" and not unparsed(iface, "ip unnumbered"):
                yield Finding(f"{iface.name} runs 'ip nhrp' but has no IPv4 address: there is no tunnel "
                              "address to register or resolve", header_span(iface),
                              help="add 'ip address <tunnel address> <mask>' in the cloud's tunnel subnet")
            elif iface.ipv4_mode == "unnumbered":
                yield Finding(f"{iface.name} runs 'ip nhrp' on 'ip unnumbered {iface.unnumbered}': the "
                              "tunnel address is not in a subnet shared with the other DMVPN nodes",
                              iface.at("unnumbered"), severity=Severity.WARNING,
                              help="give the tunnel its own address in the cloud's tunnel subnet")
        if nhrp_configured(iface.nhrp6) and not iface.ipv6 and not unparsed(iface, "ipv6 address"):
            yield Finding(f"{iface.name} runs 'ipv6 nhrp' but has no global or unique-local IPv6 address",
                          header_span(iface), help="add 'ipv6 address <prefix>/<len>' on the tunnel")


# ------------------------------------------------------------- GRE shape


def _nhs_client_count(network: Network, device: Device, iface: Interface) -> int:
    return len({ref.device.key for ref in nhs_clients(network, device, iface)})


@rule("DMV105", "hub-not-multipoint", Severity.ERROR, tags=("P2004",))
def hub_not_multipoint(ctx: DeviceContext) -> Iterator[Finding]:
    """A hub tunnel is point-to-point GRE instead of multipoint GRE.

    P2004: "In DMVPN, the hub must have a point to mGRE". A point-to-point GRE tunnel
    can only reach its one ``tunnel destination``; every other spoke that registers is
    unreachable. Device form: the tunnel carries ``ip nhrp map multicast dynamic``
    (configured) but is not mGRE. Network form: two or more spokes use the tunnel as
    NHS.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel destination 198.51.100.2
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        if iface.is_mgre or t.mode not in _GRE_MODES:
            continue
        span = t.at("destination") if t.destination is not None else _mode_span(iface)
        dyn = [n for n in iface.nhrp_families() if n.multicast_dynamic is True]
        clients = 0 if ctx.single else _nhs_client_count(ctx.network, ctx.device, iface)
        if dyn:
            cmd = nhrp_cmd(dyn[0])
            yield Finding(f"{iface.name} is configured as a hub ('{cmd} map multicast dynamic') but is "
                          f"point-to-point GRE ('tunnel mode {t.mode}'): it can reach only one peer",
                          span, related=(Related(span=dyn[0].at("multicast_dynamic"),
                                                 message="hub-only command"),),
                          help="remove 'tunnel destination' and configure 'tunnel mode gre multipoint'")
        elif clients >= 2:
            yield Finding(f"{iface.name} is the NHS of {clients} spokes but is point-to-point GRE "
                          f"('tunnel mode {t.mode}'): only one of them can be reached", span,
                          help="remove 'tunnel destination' and configure 'tunnel mode gre multipoint'")


@rule("DMV106", "mgre-with-destination", Severity.INFO)
def mgre_with_destination(ctx: DeviceContext) -> Iterator[Finding]:
    """A multipoint GRE tunnel also has a ``tunnel destination``.

    Cisco documents multipoint mode and ``tunnel destination`` as alternatives: an mGRE
    tunnel learns its destinations from NHRP. The combination is inconsistent input;
    which of the two the router keeps depends on the order the lines were entered.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel destination 203.0.113.1
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        if iface.is_mgre and t.destination is not None:
            yield Finding(f"{iface.name} is multipoint GRE but also has 'tunnel destination "
                          f"{t.destination}'; mGRE learns destinations from NHRP", t.at("destination"),
                          related=(Related(span=t.at("mode"), message="multipoint mode"),),
                          help="remove 'tunnel destination' (mGRE) or the multipoint mode (Phase 1 spoke)")


def _hub_shows_spoke_to_spoke_intent(ref: TunnelRef) -> str | None:
    """Why the hub wants spoke-to-spoke traffic (Phase 2/3), or None."""
    iface = ref.interface
    if any(n.redirect for n in iface.nhrp_families()):
        return f"hub {ref.label} has 'ip nhrp redirect' (Phase 3)"
    if any(e.next_hop_self is False for e in iface.eigrp):
        return f"hub {ref.label} has 'no ip next-hop-self eigrp' (Phase 2)"
    for e in eigrp_instances_all(ref.device, iface):
        af = e.af_interface(iface.name)
        if e.style == "named" and af is not None and af.next_hop_self is False:
            return f"hub {ref.label} has 'no next-hop-self' in EIGRP {e.name} (Phase 2)"
    for o in (iface.ospf, iface.ospf6):
        if o is not None and o.network_type == "broadcast":
            return f"hub {ref.label} runs OSPF network type broadcast (Phase 2)"
    return None


@rule("DMV107", "spoke-p2p-gre", Severity.INFO, tags=("P2004", "phase"))
def spoke_p2p_gre(ctx: DeviceContext) -> Iterator[Finding]:
    """A spoke uses point-to-point GRE (``tunnel destination``) instead of mGRE.

    P2004: "point-to-point GRE interfaces prevent spoke to spoke direct tunneling". That
    is a valid Phase 1 design (info). When the cloud's hub shows that spoke-to-spoke
    traffic is intended (``ip nhrp redirect``, EIGRP ``no ip next-hop-self``, OSPF
    broadcast) this spoke can never build its direct tunnels: warning. The hub is only
    visible when the network is linted together; a config linted alone stays at info.
    A point-to-point tunnel that other spokes use as NHS, or that carries ``map multicast
    dynamic``, is a misconfigured hub (DMV105), not reported here.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1
     tunnel source GigabitEthernet0/0
     tunnel destination 203.0.113.1
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp map multicast 203.0.113.1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        if iface.is_mgre or t.destination is None or t.mode not in _GRE_MODES:
            continue
        if not is_spoke(ctx.network, ctx.device, iface):
            continue
        if any(n.multicast_dynamic is True for n in iface.nhrp_families()) or (
                not ctx.single and nhs_clients(ctx.network, ctx.device, iface)):
            continue  # a point-to-point hub: DMV105's business
        severity: Severity | None = None
        related: tuple[Related, ...] = ()
        why = ""
        if not ctx.single:
            for hub in cloud_peers(ctx.network, ctx.device, iface, "hubs"):
                reason = _hub_shows_spoke_to_spoke_intent(hub)
                if reason is not None:
                    severity, why = Severity.WARNING, f"; {reason}, so spoke-to-spoke tunnels are intended"
                    related = (Related(span=header_span(hub.interface), message=f"hub {hub.label}"),)
                    break
        yield Finding(f"spoke {iface.name} is point-to-point GRE to {t.destination}: all its traffic goes "
                      f"through the hub, it can never build a direct spoke-to-spoke tunnel{why}",
                      t.at("destination"),
                      related=related, severity=severity,
                      help="'no tunnel destination', 'tunnel mode gre multipoint' and "
                           "'ip nhrp map multicast <hub NBMA>'")


# ------------------------------------------------------------- bandwidth / MTU


def _eigrp_share_lowered(device: Device, iface: Interface) -> bool:
    """``ip bandwidth-percent eigrp N`` / named ``bandwidth-percent`` below 50 % on the tunnel."""
    if any(e.bandwidth_percent is not None and e.bandwidth_percent < 50 for e in iface.eigrp):
        return True
    for e in eigrp_instances_all(device, iface):
        af = e.af_interface(iface.name)
        if af is not None and af.bandwidth_percent is not None and af.bandwidth_percent < 50:
            return True
    return False


@rule("DMV108", "tunnel-bandwidth-default", Severity.INFO, tags=("P2004",))
def tunnel_bandwidth_default(ctx: DeviceContext) -> Iterator[Finding]:
    """A DMVPN tunnel keeps the default interface ``bandwidth``.

    P2004: "The default bandwidth of a GRE tunnel is 9Kbps … EIGRP will take ½ the
    interface bandwidth maximum (4.5 Kbps) - this is too low", and "setting the bandwidth
    is crucial in the hub to spoke direction": a hub paces its EIGRP packets to all spokes
    within that share, so convergence crawls. IOS 15.x and IOS-XE default tunnels to
    100 kbit/s (device output, rules.md §6 item 8; the release of the change is not
    pinned). Warning when EIGRP runs on the tunnel and it is a hub, or the release is
    unknown or older than 15 (may be 9 kbit/s), or a spoke lowers the EIGRP share below
    50 %; info otherwise (a 15.x/XE spoke with one or two EIGRP neighbours tolerates
    100 kbit/s; without EIGRP the value still drives OSPF cost and QoS).

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     bandwidth 1000
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```
    """
    device = ctx.device
    old_or_unknown = not release_at_least(device, 15)
    for iface in device.dmvpn_tunnels:
        if iface.bandwidth is not None or unparsed(iface, "bandwidth"):
            continue
        instances = eigrp_instances_all(device, iface)
        hub = acts_as_hub(ctx.network, device, iface)
        default = "9 kbit/s on IOS 12.x, 100 kbit/s on IOS 15.x/IOS-XE"
        if instances:
            asn = instances[0].asn if instances[0].asn is not None else instances[0].name
            reasons = []
            if hub:
                reasons.append("it is a hub, where the bandwidth paces EIGRP towards every spoke")
            if old_or_unknown:
                reasons.append(f"on {version_text(device)} the default may be 9 kbit/s "
                               "(EIGRP gets at most 4.5 kbit/s)")
            if not hub and _eigrp_share_lowered(device, iface):
                reasons.append("the EIGRP bandwidth share is lowered below 50 %")
            if reasons:
                yield Finding(f"{iface.name} runs EIGRP {asn} with the default tunnel bandwidth ({default}): "
                              + "; ".join(reasons), header_span(iface), severity=Severity.WARNING,
                              help="set 'bandwidth <kbit/s>' (for example 'bandwidth 1000'), the same on "
                                   "every node of the cloud")
                continue
        yield Finding(f"{iface.name} keeps the default tunnel bandwidth ({default}), which routing metrics "
                      "and QoS use", header_span(iface),
                      help="set 'bandwidth <kbit/s>' to the real WAN rate, the same on every node of the "
                           "cloud")


@rule("DMV109", "ip-mtu-not-reduced", Severity.INFO)
def ip_mtu_not_reduced(ctx: DeviceContext) -> Iterator[Finding]:
    """The tunnel's IP MTU is not lowered to leave room for GRE (and IPsec) overhead.

    GRE adds 24 bytes and IPsec up to about 70 more; with the default IP MTU large packets
    are fragmented after encryption, which costs CPU on the hub and breaks through some
    NATs. Cisco recommends ``ip mtu 1400``. Warning when the tunnel is IPsec-protected.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip mtu 1400
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        if not _ipv4_overlay(iface) or unparsed(iface, "ip mtu"):
            continue
        if iface.ip_mtu is not None and iface.ip_mtu <= 1400:
            continue
        protected = t.protection is not None
        severity = Severity.WARNING if protected else None
        what = "IPsec-protected " if protected else ""
        if iface.ip_mtu is None:
            yield Finding(f"{what}{iface.name} keeps the default IP MTU: large packets are fragmented after "
                          "encapsulation", header_span(iface), severity=severity, help="add 'ip mtu 1400'")
        else:
            yield Finding(f"{what}{iface.name} has 'ip mtu {iface.ip_mtu}', above 1400: no room for "
                          "GRE/IPsec overhead", iface.at("ip_mtu"), severity=severity,
                          help="use 'ip mtu 1400'")


@rule("DMV110", "tcp-mss-not-clamped", Severity.INFO)
def tcp_mss_not_clamped(ctx: DeviceContext) -> Iterator[Finding]:
    """TCP MSS is not clamped on the tunnel, or clamped above what the IP MTU allows.

    Without ``ip tcp adjust-mss`` TCP sessions negotiate a segment size that no longer
    fits after encapsulation and depend on path-MTU discovery, which firewalls often
    break (info). An MSS above ``ip mtu`` minus 40 defeats the purpose (warning).

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip mtu 1400
     ip tcp adjust-mss 1460
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip mtu 1400
     ip tcp adjust-mss 1360
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface in ctx.device.dmvpn_tunnels:
        if not _ipv4_overlay(iface) or unparsed(iface, "ip tcp adjust-mss"):
            continue
        if iface.tcp_mss is None:
            yield Finding(f"{iface.name} does not clamp TCP MSS: sessions rely on path-MTU discovery across "
                          "the tunnel", header_span(iface),
                          help="add 'ip tcp adjust-mss 1360' (with 'ip mtu 1400')")
        elif iface.ip_mtu is not None and iface.tcp_mss > iface.ip_mtu - 40:
            yield Finding(f"{iface.name}: 'ip tcp adjust-mss {iface.tcp_mss}' is above 'ip mtu "
                          f"{iface.ip_mtu}' minus 40 bytes of IP/TCP headers ({iface.ip_mtu - 40})",
                          iface.at("tcp_mss"),
                          severity=Severity.WARNING, help=f"use 'ip tcp adjust-mss {iface.ip_mtu - 40}'")


@rule("DMV111", "ipv6-mtu-mss", Severity.INFO)
def ipv6_mtu_mss(ctx: DeviceContext) -> Iterator[Finding]:
    """IPv6 counterpart of DMV109/DMV110: ``ipv6 mtu`` not lowered, or IPv6 MSS too high.

    IPv6 routers never fragment in transit, so an IPv6 MTU that ignores the GRE/IPsec
    overhead relies entirely on ICMPv6 Packet Too Big reaching the sender. Info when
    ``ipv6 mtu`` is missing or above 1400 (warning when the tunnel is IPsec-protected);
    warning when ``ipv6 tcp adjust-mss`` exceeds ``ipv6 mtu`` minus 60.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ipv6 address 2001:DB8:0:100::1/64
     ipv6 nhrp network-id 100006
     ipv6 tcp adjust-mss 1400
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ipv6 address 2001:DB8:0:100::1/64
     ipv6 mtu 1400
     ipv6 nhrp network-id 100006
     ipv6 tcp adjust-mss 1340
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        if not nhrp_configured(iface.nhrp6) or unparsed(iface, "ipv6 mtu"):
            continue
        protected = t.protection is not None
        severity = Severity.WARNING if protected else None
        if iface.ipv6_mtu is None:
            yield Finding(f"{iface.name} runs IPv6 NHRP with the default IPv6 MTU: no room for GRE"
                          f"{'/IPsec' if protected else ''} overhead", header_span(iface), severity=severity,
                          help="add 'ipv6 mtu 1400'")
        elif iface.ipv6_mtu > 1400:
            yield Finding(f"{iface.name} has 'ipv6 mtu {iface.ipv6_mtu}', above 1400", iface.at("ipv6_mtu"),
                          severity=severity, help="use 'ipv6 mtu 1400'")
        mtu = iface.ipv6_mtu
        if iface.ipv6_tcp_mss is not None and mtu is not None and iface.ipv6_tcp_mss > mtu - 60:
            yield Finding(f"{iface.name}: 'ipv6 tcp adjust-mss {iface.ipv6_tcp_mss}' is above 'ipv6 mtu "
                          f"{mtu}' minus 60 bytes of IPv6/TCP headers ({mtu - 60})", iface.at("ipv6_tcp_mss"),
                          severity=Severity.WARNING, help=f"use 'ipv6 tcp adjust-mss {mtu - 60}'")


@rule("DMV112", "gre-keepalive-on-dmvpn", Severity.WARNING)
def gre_keepalive_on_dmvpn(ctx: DeviceContext) -> Iterator[Finding]:
    """GRE ``keepalive`` is configured on a DMVPN tunnel.

    Cisco TAC states that GRE keepalives "are not supported together with IPSec tunnel
    protection under any circumstances", and GRE keepalives probe the ``tunnel
    destination`` of a point-to-point tunnel, which an mGRE tunnel does not have. The
    DMVPN guide's own restriction for p2p and mGRE tunnels in a DMVPN is known from
    secondary quotes only (rules.md §6 item 2; a search of Cisco's documentation found
    only the TAC keepalive note), so this stays a warning.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     keepalive 5 10
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface in ctx.device.dmvpn_tunnels:
        if iface.keepalive:
            yield Finding(f"{iface.name} has GRE keepalives, which DMVPN does not support (no destination to "
                          "probe on mGRE; unsupported with tunnel protection)", iface.at("keepalive"),
                          help="remove 'keepalive'; use NHRP registration ('if-state nhrp') and IKE DPD")


# ------------------------------------------------------------ shared source


def _gre_tunnels(device: Device) -> list[Interface]:
    """Every GRE tunnel of the device that is not shut down (shut tunnels receive nothing)."""
    return [i for i in device.tunnels
            if i.tunnel is not None and i.tunnel.mode in _GRE_MODES and not i.shutdown]


def _source_identity(device: Device, iface: Interface) -> tuple[str, str] | None:
    """What identifies the tunnel's outer source: the source interface, else its address."""
    t = iface.tunnel
    assert t is not None
    src = src_if(device, iface)
    if src is not None:
        return ("if", src.name)
    if t.source_interface is not None:
        return ("if", t.source_interface)
    if t.source_address is not None:
        return ("ip", str(t.source_address))
    return None


@rule("DMV113", "shared-source-needs-unique-key", Severity.ERROR)
def shared_source_needs_unique_key(ctx: DeviceContext) -> Iterator[Finding]:
    """Two GRE tunnels, one of them multipoint, share a source and a tunnel key.

    Inbound GRE packets are handed to a tunnel by (source, destination, key); an mGRE
    tunnel accepts any destination, so two tunnels with the same source, front-door VRF
    and key (or both without a key) cannot be told apart and one of them loses its
    traffic.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    interface Tunnel1
     ip address 10.0.1.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    interface Tunnel1
     ip address 10.0.1.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 200
    ```
    """
    device = ctx.device
    groups: dict[tuple[tuple[str, str], str | None, int | None], list[Interface]] = {}
    for iface in _gre_tunnels(device):
        t = iface.tunnel
        assert t is not None
        ident = _source_identity(device, iface)
        if ident is None:
            continue
        groups.setdefault((ident, t.vrf, t.key), []).append(iface)
    for (ident, _vrf, key), members in groups.items():
        if len(members) < 2 or not any(m.is_mgre for m in members):
            continue
        first = members[0]
        for other in members[1:]:
            t = other.tunnel
            assert t is not None
            keytext = f"tunnel key {key}" if key is not None else "no tunnel key"
            span = t.at("key") if key is not None else header_span(other)
            yield Finding(f"{other.name} and {first.name} share source {ident[1]} and {keytext}, and one is "
                          "multipoint GRE: inbound GRE cannot be assigned to the right tunnel", span,
                          related=(Related(span=header_span(first),
                                           message=f"{first.name}, same source and key"),),
                          help="give each tunnel its own 'tunnel key', identical on every node of its cloud")


@rule("DMV114", "shared-source-protection-not-shared", Severity.ERROR)
def shared_source_protection_not_shared(ctx: DeviceContext) -> Iterator[Finding]:
    """IPsec-protected tunnels sharing a source interface (one of them mGRE) lack ``shared``.

    With one source address, IPsec SAs of several tunnels collide unless every tunnel uses
    the same profile with ``tunnel protection ipsec profile P shared``; otherwise SAs are
    torn down by the other tunnel. A member giving the source as an IP address instead of
    the interface is a warning: Cisco's shared-protection feature is keyed on the source
    interface.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile P
    interface Tunnel1
     ip address 10.0.1.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 200
     tunnel protection ipsec profile P shared
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile P shared
    interface Tunnel1
     ip address 10.0.1.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 200
     tunnel protection ipsec profile P shared
    ```
    """
    device = ctx.device
    groups: dict[str, list[Interface]] = {}
    for iface in _gre_tunnels(device):
        t = iface.tunnel
        assert t is not None
        if t.protection is None:
            continue
        src = src_if(device, iface)
        name = src.name if src is not None else t.source_interface
        if name is not None:
            groups.setdefault(name, []).append(iface)
    for source, members in groups.items():
        if len(members) < 2 or not any(m.is_mgre for m in members):
            continue
        profiles = {m.tunnel.protection.profile for m in members if m.tunnel and m.tunnel.protection}
        first = members[0]
        first_prot = first.tunnel.protection if first.tunnel else None
        for m in members:
            t = m.tunnel
            assert t is not None and t.protection is not None
            prot = t.protection
            if not prot.shared:
                profile = prot.profile or "<profile>"
                names = ", ".join(o.name for o in members if o is not m)
                yield Finding(f"{m.name} shares source {source} with other protected tunnels ({names}) but "
                              "its 'tunnel protection' lacks 'shared': their IPsec SAs collide", prot.span,
                              help=f"'tunnel protection ipsec profile {profile} shared' on every tunnel of "
                                   "the group")
            elif len(profiles) > 1 and first_prot is not None and prot.profile != first_prot.profile:
                yield Finding(f"{m.name} shares source {source} with {first.name} but uses IPsec profile "
                              f"{prot.profile!r} instead of {first_prot.profile!r}: shared protection needs "
                              "one profile", prot.span,
                              related=(Related(span=first_prot.span, message=f"{first.name}'s protection"),))
            if t.source_address is not None and t.source_interface is None:
                yield Finding(f"{m.name} gives its source as address {t.source_address}; shared tunnel "
                              f"protection is keyed on the source interface ({source})",
                              t.at("source_address"),
                              severity=Severity.WARNING, help=f"use 'tunnel source {source}'")


# --------------------------------------------------------------------- VRF


@rule("DMV115", "fvrf-source-vrf-mismatch", Severity.ERROR)
def fvrf_source_vrf_mismatch(ctx: DeviceContext) -> Iterator[Finding]:
    """The tunnel's front-door VRF (``tunnel vrf``) differs from its source interface's VRF.

    GRE looks up the tunnel source and the NBMA destinations in the ``tunnel vrf`` table
    (global when absent); when the WAN interface sits in another VRF the encapsulated
    packets have no route and the tunnel stays down.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     vrf forwarding INET
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     vrf forwarding INET
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel vrf INET
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        src = src_if(ctx.device, iface)
        if src is None or same_vrf(t.vrf, src.vrf):
            continue
        src_vrf = f"VRF {src.vrf}" if src.vrf else "the global table"
        src_span = src.at("vrf") if src.vrf else header_span(src)
        related = (Related(span=src_span, message=f"{src.name} in {src_vrf}"),)
        if t.vrf is None:
            if unparsed(iface, "tunnel vrf"):
                continue
            yield Finding(f"{iface.name} has no 'tunnel vrf' but its source {src.name} is in {src_vrf}",
                          header_span(iface), related=related, help=f"add 'tunnel vrf {src.vrf}'")
        else:
            yield Finding(f"{iface.name} has 'tunnel vrf {t.vrf}' but its source {src.name} is in {src_vrf}",
                          t.at("vrf"), related=related,
                          help=f"'tunnel vrf {src.vrf}'" if src.vrf else "remove 'tunnel vrf'")


@rule("DMV116", "ivrf-in-crypto-profile", Severity.WARNING)
def ivrf_in_crypto_profile(ctx: DeviceContext) -> Iterator[Finding]:
    """An IKE profile used by tunnel protection sets an inside VRF (``vrf`` / ``ivrf``).

    With tunnel protection the inside VRF is the tunnel's own ``vrf forwarding``; a VRF in
    the ISAKMP or IKEv2 profile belongs to crypto-map designs and conflicts with the
    tunnel's VRF placement.

    **Bad**

    ```ios
    hostname hub
    crypto isakmp profile ISP
     vrf CORP
     keyring KR
    crypto ipsec profile DMVPN
     set isakmp-profile ISP
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    crypto isakmp profile ISP
     keyring KR
    crypto ipsec profile DMVPN
     set isakmp-profile ISP
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     vrf forwarding CORP
     ip address 10.0.0.1 255.255.255.0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    crypto = ctx.device.crypto
    ipsec = {p.name: p for p in crypto.ipsec_profiles}
    isakmp = {p.name: p for p in crypto.isakmp_profiles}
    ikev2 = {p.name: p for p in crypto.ikev2_profiles}
    users: dict[tuple[str, str], list[Interface]] = {}
    for iface, prot in protections(ctx.device.dmvpn_tunnels):
        profile = ipsec.get(prot.profile) if prot.profile else None
        v1 = [n for n in (prot.isakmp_profile, profile.isakmp_profile if profile else None) if n]
        v2 = [n for n in (prot.ikev2_profile, profile.ikev2_profile if profile else None) if n]
        for name in dict.fromkeys(v1):
            if name in isakmp and isakmp[name].vrf:
                users.setdefault(("isakmp", name), []).append(iface)
        for name in dict.fromkeys(v2):
            if name in ikev2 and ikev2[name].ivrf:
                users.setdefault(("ikev2", name), []).append(iface)
    for (kind, name), tunnels in users.items():
        names = ", ".join(t.name for t in tunnels)
        if kind == "isakmp":
            vrf, span, cmd = isakmp[name].vrf, isakmp[name].at("vrf"), "vrf"
            what = "ISAKMP profile"
        else:
            vrf, span, cmd = ikev2[name].ivrf, ikev2[name].at("ivrf"), "ivrf"
            what = "IKEv2 profile"
        related = tuple(Related(span=t.tunnel.protection.span, message=f"{t.name} tunnel protection")
                        for t in tunnels if t.tunnel is not None and t.tunnel.protection is not None)
        yield Finding(f"{what} {name} sets '{cmd} {vrf}' but protects DMVPN tunnel(s) {names}: with tunnel "
                      "protection the inside VRF belongs on the tunnel", span, related=related,
                      help=f"remove '{cmd} {vrf}' and put 'vrf forwarding {vrf}' on the tunnel interface")


# --------------------------------------------------------------- transport


def _is_v6(address: IPAddress) -> bool:
    return isinstance(address, IPv6Address)


@rule("DMV117", "transport-af-mismatch", Severity.ERROR)
def transport_af_mismatch(ctx: DeviceContext) -> Iterator[Finding]:
    """The tunnel mode's transport family does not match its NBMA addresses.

    ``tunnel mode gre multipoint`` carries GRE over IPv4 and ``gre multipoint ipv6`` over
    IPv6; every NBMA address in the NHRP maps and NHS entries, the tunnel destination and
    the source must be of that family, or nothing can be sent to them. The check covers
    the point-to-point GRE modes (``gre ip`` / ``gre ipv6``) the same way.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint ipv6
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        if t.mode not in _GRE_MODES:
            continue
        v6 = t.mode.ipv6_transport
        family = "IPv6" if v6 else "IPv4"
        mode = f"'tunnel mode {t.mode}'"
        related = (Related(span=_mode_span(iface), message=f"{family} transport"),)
        if v6:
            src = src_if(ctx.device, iface)
            if src is not None and not src.ipv6 and t.source_interface is not None:
                yield Finding(f"{iface.name} uses {mode} but its source {src.name} has no IPv6 address",
                              t.at("source_interface"), related=related)
        if t.source_address is not None and _is_v6(t.source_address) != v6:
            yield Finding(f"{iface.name}: source {t.source_address} is not {family}, as {mode} requires",
                          t.at("source_address"), related=related)
        if t.destination is not None:
            dst = ip_literal(t.destination)
            if dst is not None and _is_v6(dst) != v6:
                yield Finding(f"{iface.name}: 'tunnel destination {dst}' is not {family}, as {mode} requires",
                              t.at("destination"), related=related)
        for n in iface.nhrp_families():
            cmd = nhrp_cmd(n)
            for m in n.maps:
                if m.nbma is not None and _is_v6(m.nbma) != v6:
                    yield Finding(f"{iface.name}: '{cmd} map {m.protocol} {m.nbma}' has a non-{family} NBMA "
                                  f"address but the tunnel uses {mode}", m.span, related=related)
            for mm in n.multicast_maps:
                if _is_v6(mm.nbma) != v6:
                    yield Finding(f"{iface.name}: '{cmd} map multicast {mm.nbma}' has a non-{family} NBMA "
                                  f"address but the tunnel uses {mode}", mm.span, related=related)
            for e in n.nhs:
                if e.nbma is not None and _is_v6(e.nbma) != v6:
                    who = e.protocol if e.protocol is not None else "dynamic"
                    yield Finding(f"{iface.name}: NHS {who} has NBMA {e.nbma}, not {family}, but the tunnel "
                                  f"uses {mode}", e.span, related=related)


# -------------------------------------------------------------- hub hygiene


@rule("DMV118", "hub-ip-redirects-on", Severity.INFO)
def hub_ip_redirects_on(ctx: DeviceContext) -> Iterator[Finding]:
    """A hub tunnel leaves ICMP redirects enabled.

    The hub hair-pins spoke-to-spoke traffic out of the interface it came in on, exactly
    the case where IOS emits ICMP redirects; spokes cannot use them (the next hop is
    reachable only through NHRP) and they cost hub CPU. Cisco's DMVPN examples configure
    ``no ip redirects`` (``no ipv6 redirects``) on every tunnel.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip nhrp redirect
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     no ip redirects
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip nhrp redirect
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface in acting_hub_tunnels(ctx):
        if iface.ip_redirects and _ipv4_overlay(iface):
            yield Finding(f"hub {iface.name} sends ICMP redirects for the spoke traffic it hair-pins",
                          header_span(iface), help="add 'no ip redirects'")
        if iface.ipv6_redirects and nhrp_configured(iface.nhrp6):
            yield Finding(f"hub {iface.name} sends ICMPv6 redirects for the spoke traffic it hair-pins",
                          header_span(iface), help="add 'no ipv6 redirects'")


@rule("DMV119", "dmvpn-unprotected", Severity.INFO, tags=("P2004",))
def dmvpn_unprotected(ctx: DeviceContext) -> Iterator[Finding]:
    """A DMVPN tunnel has neither tunnel protection nor a crypto map on its source.

    P2004: "GRE is insecure; ideally, it must be protected" — DMVPN is mGRE + NHRP +
    IPsec. Warning when the tunnel's NBMA address is public (its GRE crosses the
    Internet in clear text) or dynamic (DHCP, PPP, dialer and cellular addresses come from
    a provider); info for private NBMA addresses (labs, MPLS underlays).

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    for iface, t in tunnels_with_config(ctx):
        if t.protection is not None or t.mode not in _GRE_MODES or unparsed(iface, "tunnel protection"):
            continue
        src = src_if(ctx.device, iface)
        if src is not None and src.crypto_map is not None:
            continue
        nbma = local_nbma(ctx.device, iface)
        if nbma == "dynamic":
            severity: Severity | None = Severity.WARNING
            where = f"its NBMA address on {src.name if src else source_text(t)} is provider-assigned"
        elif isinstance(nbma, IPv4Address | IPv6Address) and public(nbma):
            severity, where = Severity.WARNING, f"its NBMA address {nbma} is public"
        else:
            severity = None
            where = f"NBMA {nbma} is private" if nbma is not None else "NBMA address unknown"
        yield Finding(f"{iface.name} is not protected by IPsec ({where}): GRE and NHRP travel in clear text",
                      header_span(iface), severity=severity,
                      help="add 'tunnel protection ipsec profile <profile>' (DMVPN = mGRE + NHRP + IPsec)")
