"""Rules DMV2xx: NHRP, per address family (rules.md §3.2).

``ip nhrp …`` and ``ipv6 nhrp …`` are checked independently; messages name the command
family they are about. NHRP authentication strings are secrets: rules compare them via
``get_secret_value()`` and never print them.
"""

from __future__ import annotations

from collections.abc import Iterator

from iosdmvpn.checks.facts import (
    Family,
    acting_hub_tunnels,
    acts_as_hub,
    cloud_peers,
    family_of,
    header_span,
    igp_mcast,
    igp_mcast_names,
    in_tunnel_subnet,
    is_spoke,
    local_nbma,
    nhrp_cmd,
    nhrp_configured,
    nhs_entry_nbma,
    release_at_least,
    spoke_style_static_map,
    tunnel_ref,
    unparsed,
    version_text,
)
from iosdmvpn.checks.registry import DeviceContext, Finding, rule
from iosdmvpn.diagnostics import Related, Severity
from iosdmvpn.model.interface import Interface, IPAddress, Nhrp
from iosdmvpn.source import Span

# Documented maximum length of ``ip nhrp authentication`` (S4, S32).
AUTH_MAX = 8
# Spoke holdtime above which stale mappings linger too long (rules.md DMV212).
HOLDTIME_MAX = 3600
# IOS default NHRP holdtime when the line is absent (rules.md §2.5, §6 item 3).
HOLDTIME_DEFAULT = 7200


def _families(ctx: DeviceContext) -> Iterator[tuple[Interface, Nhrp]]:
    """(tunnel, NHRP block) for each DMVPN tunnel and each family that configures something."""
    for iface in ctx.device.dmvpn_tunnels:
        for n in iface.nhrp_families():
            if nhrp_configured(n) or n.multicast_dynamic is False:
                yield iface, n


def _registers(n: Nhrp) -> bool:
    """This family points at a hub: NHS entries or a spoke-style static map."""
    return bool(n.nhs) or spoke_style_static_map(n)


# ------------------------------------------------------------------ basics


@rule("DMV201", "nhrp-not-enabled", Severity.ERROR)
def nhrp_not_enabled(ctx: DeviceContext) -> Iterator[Finding]:
    """NHRP is configured on a tunnel without ``ip nhrp network-id``.

    ``ip nhrp network-id`` is what enables NHRP on the interface; without it the NHS,
    map and multicast commands sit unused and the node never registers or answers. IPv6
    exception: ``ipv6 nhrp network-id`` is on by default from IOS-XE 16.3 (info there).

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
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
    xe163 = release_at_least(ctx.device, 16, 3)
    for iface, n in _families(ctx):
        active = n.nhs or n.maps or n.multicast_maps or n.multicast_dynamic is True or n.redirect
        cmd = nhrp_cmd(n)
        if not active or n.network_id is not None or unparsed(iface, f"{cmd} network-id"):
            continue
        if n.family == 6 and xe163:
            yield Finding(f"{iface.name} has no '{cmd} network-id'; {version_text(ctx.device)} enables IPv6 "
                          "NHRP by default, but an explicit network-id documents the cloud",
                          header_span(iface),
                          severity=Severity.INFO, help=f"add '{cmd} network-id <id>'")
        else:
            yield Finding(f"{iface.name} configures {cmd} but has no '{cmd} network-id', which is what "
                          "enables NHRP on the interface", header_span(iface),
                          help=f"add '{cmd} network-id <id>'")


# -------------------------------------------------------------------- hub


def _is_hub_family(ctx: DeviceContext, iface: Interface, n: Nhrp) -> bool:
    # A hub's NHRP family: a spoke's family that registers nowhere does not make it a hub.
    return acts_as_hub(ctx.network, ctx.device, iface) and not (
        is_spoke(ctx.network, ctx.device, iface) and _registers(n))


@rule("DMV202", "hub-no-multicast-dynamic", Severity.ERROR, tags=("P2004",))
def hub_no_multicast_dynamic(ctx: DeviceContext) -> Iterator[Finding]:
    """A hub does not replicate multicast to the spokes that register (``map multicast dynamic``).

    P2004: "The hub must also send multicast traffic to all the spokes that registered to
    it … This is not the default: ip nhrp map multicast dynamic". Without it the hub's
    IGP hellos (EIGRP, OSPF broadcast/point-to-multipoint, RIP) never reach the spokes
    and no adjacency forms. "Not the default" holds for classic IOS: an absent line there
    is an error when an IGP needs multicast, else info. IOS-XE turns the command on by
    default (Cisco's 17.14.1 and 17.15.1 YANG declare ``dynamic_new`` with ``default
    "true"``; the 17.12.1 model and IOS-XE 17.3 hubs in the field that omit the line do not
    pin the first release), so an absent IPv4 line on XE ≥ 16 is info and an absent IPv6
    line (documented default-on from 16.3) is silent. An explicit ``no … map multicast
    dynamic`` is an error when an IGP needs multicast, else info.

    **Bad**

    ```ios
    hostname hub
    version 15.4
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```

    **Good**

    ```ios
    hostname hub
    version 15.4
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp map multicast dynamic
     ip nhrp network-id 1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```
    """
    device = ctx.device
    for iface in acting_hub_tunnels(ctx):
        blocks: list[tuple[Family, Nhrp | None]] = []
        if iface.nhrp is not None or (iface.nhrp6 is None and iface.ipv4 is not None):
            blocks.append((4, iface.nhrp))  # a bare mGRE hub with an IPv4 address counts as IPv4
        if iface.nhrp6 is not None:
            blocks.append((6, iface.nhrp6))
        for family, n in blocks:
            if n is not None and (n.multicast_dynamic is True or not _is_hub_family(ctx, iface, n)):
                continue
            cmd = nhrp_cmd(family)
            if unparsed(iface, f"{cmd} map multicast"):
                continue
            igps = igp_mcast_names(device, iface, family)
            needs = igp_mcast(device, iface, family)
            uses = f"; {', '.join(igps)} on the tunnel needs it for its hellos" if igps else ""
            if n is not None and n.multicast_dynamic is False:
                yield Finding(f"hub {iface.name} has 'no {cmd} map multicast dynamic': it sends no multicast "
                              f"to registered spokes{uses}", n.at("multicast_dynamic"),
                              severity=None if needs else Severity.INFO,
                              help=f"remove 'no {cmd} map multicast dynamic'")
                continue
            if device.is_xe:
                if family == 6:
                    continue  # documented default-on from IOS-XE 16.3
                yield Finding(f"hub {iface.name} has no '{cmd} map multicast dynamic'; "
                              f"{version_text(device)} probably enables it by default (the first release "
                              f"with this default is not pinned){uses}", header_span(iface),
                              severity=Severity.INFO,
                              help=f"add '{cmd} map multicast dynamic' to make it explicit")
                continue
            if needs:
                yield Finding(f"hub {iface.name} has no '{cmd} map multicast dynamic' (not the default on "
                              f"{version_text(device)}): registered spokes never get its multicast{uses}",
                              header_span(iface), help=f"add '{cmd} map multicast dynamic'")
            else:
                yield Finding(f"hub {iface.name} has no '{cmd} map multicast dynamic': registered spokes get "
                              "no multicast from it (no IGP on the tunnel needs it now)", header_span(iface),
                              severity=Severity.INFO, help=f"add '{cmd} map multicast dynamic'")


# ------------------------------------------------------------------ spoke


@rule("DMV203", "spoke-no-nhs", Severity.ERROR, tags=("P2004",))
def spoke_no_nhs(ctx: DeviceContext) -> Iterator[Finding]:
    """A spoke maps the hub statically but never registers (no ``ip nhrp nhs``).

    P2004: "In order for the spokes to register themselves to the hub, the hub must be
    declared as a Next Hop Server (NHS): ip nhrp nhs 10.0.0.1". Without registration the
    hub has no mapping for the spoke, cannot send it anything (hellos, replies) and no
    other spoke can resolve it. Device form: a spoke-style static map (``map X Y`` +
    ``map multicast Y``) without NHS. Network form: a tunnel without NHS that no other
    tunnel points at (so it is not a hub), in a cloud whose hub (a tunnel other devices
    point at) is in the input; tunnels carrying hub commands (``map multicast dynamic``,
    ``redirect``) are left out. Lint a dual-hub cloud with its spokes, or a second hub
    that no spoke in the input names and that relies on IOS-XE's default-on
    ``map multicast dynamic`` is reported too.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp map multicast 203.0.113.1
     ip nhrp network-id 1
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
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp map multicast 203.0.113.1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        cmd = nhrp_cmd(n)
        if n.nhs or unparsed(iface, f"{cmd} nhs"):
            continue
        if spoke_style_static_map(n):
            hub = next(m for m in n.maps if m.nbma in {mm.nbma for mm in n.multicast_maps})
            yield Finding(f"spoke {iface.name} maps hub {hub.protocol} statically but has no '{cmd} nhs': it "
                          "never registers, so the hub and other spokes cannot reach it", header_span(iface),
                          related=(Related(span=hub.span, message="static map of the hub"),),
                          help=f"add '{cmd} nhs {hub.protocol}'")
            continue
        if ctx.single or n.multicast_dynamic is True or n.redirect:
            continue  # alone, or it carries hub commands: a hub, not a spoke that forgot its NHS
        if tunnel_ref(ctx.device, iface) in ctx.network.pointed_at:
            continue
        hubs = [h for h in cloud_peers(ctx.network, ctx.device, iface, "tunnels")
                if h in ctx.network.pointed_at]
        if hubs:
            hub_ref = hubs[0]
            yield Finding(f"{iface.name} is in the cloud of hub {hub_ref.label} but has no '{cmd} nhs': it "
                          "never registers, so no one can resolve it", header_span(iface),
                          related=(Related(span=header_span(hub_ref.interface),
                                           message=f"hub {hub_ref.label}"),),
                          help=f"add '{cmd} nhs <hub tunnel address> nbma <hub NBMA> multicast'")


def _has_map(n: Nhrp, protocol: IPAddress) -> bool:
    return any(m.protocol == protocol for m in n.maps)


@rule("DMV204", "nhs-without-nbma", Severity.ERROR, tags=("P2004",))
def nhs_without_nbma(ctx: DeviceContext) -> Iterator[Finding]:
    """An NHS has no NBMA address: neither ``nbma`` on the NHS line nor a static map.

    P2004's spoke has "one static entry mapping the hub's tunnel address to the hub's NBMA
    address: ip nhrp map 10.0.0.1 172.17.0.1" next to ``ip nhrp nhs 10.0.0.1``. Without
    either, the spoke does not know where to send its registration and never joins.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp map multicast 203.0.113.1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1
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
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp map multicast 203.0.113.1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        cmd = nhrp_cmd(n)
        if unparsed(iface, f"{cmd} map"):
            continue  # a static map is there but broken (reported by the parser)
        for e in n.nhs:
            if e.protocol is None or e.nbma is not None or e.nbma_fqdn is not None or _has_map(n, e.protocol):
                continue
            yield Finding(f"{iface.name}: NHS {e.protocol} has no NBMA address (no 'nbma' on the NHS line "
                          f"and no '{cmd} map {e.protocol} <NBMA>'): registrations cannot be sent", e.span,
                          help=f"add '{cmd} map {e.protocol} <hub NBMA>' or use "
                               f"'{cmd} nhs {e.protocol} nbma <hub NBMA> multicast'")


@rule("DMV205", "spoke-no-multicast-map", Severity.ERROR, tags=("P2004",))
def spoke_no_multicast_map(ctx: DeviceContext) -> Iterator[Finding]:
    """An mGRE spoke sends its multicast nowhere: no ``map multicast`` and no NHS ``multicast``.

    P2004: "Multicast traffic must be sent to the hub: ip nhrp map multicast 172.17.0.1".
    Without it the spoke's IGP hellos never leave the tunnel (error when an IGP that needs
    multicast runs on it, info otherwise). ``ip nhrp map multicast dynamic`` on a spoke
    does not count: it only adds nodes that register to this router, and IOS-XE enables
    it by default.

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
     tunnel mode gre multipoint
    router eigrp 1
     network 10.0.0.0 0.0.0.255
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
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```
    """
    device = ctx.device
    for iface, n in _families(ctx):
        if not iface.is_mgre or not is_spoke(ctx.network, device, iface) or not (n.nhs or n.maps):
            continue
        family = family_of(n)
        cmd = nhrp_cmd(n)
        if n.multicast_maps or any(e.multicast for e in n.nhs):
            continue
        if unparsed(iface, f"{cmd} map multicast") or unparsed(iface, f"{cmd} nhs"):
            continue
        igps = igp_mcast_names(device, iface, family)
        hubs = [str(e.protocol) for e in n.nhs if e.protocol is not None] or [str(m.protocol) for m in n.maps]
        if igp_mcast(device, iface, family):
            yield Finding(f"spoke {iface.name} has no '{cmd} map multicast <hub NBMA>' and no NHS with "
                          f"'multicast': {', '.join(igps)} hellos are never sent to hub {hubs[0]}",
                          header_span(iface),
                          help=f"add '{cmd} map multicast <hub NBMA>' or 'multicast' on the NHS line")
        else:
            yield Finding(f"spoke {iface.name} sends no multicast to hub {hubs[0]} (no '{cmd} map "
                          "multicast', no NHS 'multicast'); no IGP on the tunnel needs it now",
                          header_span(iface),
                          severity=Severity.INFO,
                          help=f"add '{cmd} map multicast <hub NBMA>' before running an IGP over the tunnel")


@rule("DMV206", "multicast-map-not-nhs", Severity.WARNING, tags=("P2004",))
def multicast_map_not_nhs(ctx: DeviceContext) -> Iterator[Finding]:
    """A spoke maps multicast to an NBMA address that is not one of its NHSes.

    P2004 sends the spoke's multicast to the hub: ``ip nhrp map multicast 172.17.0.1``
    with 172.17.0.1 the NBMA of NHS 10.0.0.1. A multicast map to any other address sends
    IGP hellos to a node that is not the spoke's hub (a typo, or a stale hub address),
    and the hub never hears them.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp map multicast 203.0.113.10
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1
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
     ip nhrp map multicast 203.0.113.1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        if not n.nhs or not n.multicast_maps or not is_spoke(ctx.network, ctx.device, iface):
            continue
        if unparsed(iface, f"{nhrp_cmd(n)} nhs") or unparsed(iface, f"{nhrp_cmd(n)} map"):
            continue  # the set of NHS NBMA addresses is incomplete
        nbmas: set[IPAddress] = set()
        unknown = False
        for e in n.nhs:
            nbma = nhs_entry_nbma(n, e)
            if nbma is None:
                unknown = True  # FQDN or missing NBMA (DMV204): cannot judge
            else:
                nbmas.add(nbma)
        if unknown:
            continue
        cmd = nhrp_cmd(n)
        shown = ", ".join(str(x) for x in sorted(nbmas, key=str))
        for mm in n.multicast_maps:
            if mm.nbma not in nbmas:
                yield Finding(f"{iface.name}: '{cmd} map multicast {mm.nbma}' is not the NBMA address of any "
                              f"NHS ({shown}): multicast goes to a node that is not this spoke's hub",
                              mm.span,
                              help="map multicast to the NBMA address of the NHS (hub)")


# ---------------------------------------------------------------- addresses


@rule("DMV207", "nhs-outside-tunnel-subnet", Severity.ERROR)
def nhs_outside_tunnel_subnet(ctx: DeviceContext) -> Iterator[Finding]:
    """An NHS address is not inside the tunnel's own subnet.

    The NHS is the hub's tunnel address, reached over the tunnel itself; an NHS outside
    the tunnel subnet has no connected route through the tunnel, so registrations are
    routed elsewhere (or nowhere). IPv6: outside every on-link prefix and not link-local.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.1.1 nbma 203.0.113.1 multicast
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
    for iface, n in _families(ctx):
        for e in n.nhs:
            if e.protocol is None or in_tunnel_subnet(iface, e.protocol) is not False:
                continue
            nets = [str(i.network) for i in ((iface.ipv4,) if n.family == 4 and iface.ipv4 else iface.ipv6)]
            yield Finding(f"{iface.name}: NHS {e.protocol} is outside the tunnel subnet ({', '.join(nets)}); "
                          "the NHS must be the hub's tunnel address", e.span,
                          help="use the hub's tunnel address, inside the tunnel subnet")


@rule("DMV208", "nhs-is-self", Severity.ERROR)
def nhs_is_self(ctx: DeviceContext) -> Iterator[Finding]:
    """A tunnel names its own address as NHS.

    A node cannot register with itself; a copy-pasted hub line on a spoke (or the spoke's
    own address typed as NHS) leaves it unregistered.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.2 nbma 203.0.113.1
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
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        own = set(iface.addresses())
        for e in n.nhs:
            if e.protocol is not None and e.protocol in own:
                yield Finding(f"{iface.name}: NHS {e.protocol} is this tunnel's own address; a node cannot "
                              "register with itself", e.span,
                              help="point the NHS at the hub's tunnel address")


@rule("DMV209", "nhs-nbma-conflict", Severity.WARNING)
def nhs_nbma_conflict(ctx: DeviceContext) -> Iterator[Finding]:
    """One NHS protocol address is given two different NBMA addresses.

    An ``nbma`` on the NHS line and a static map (or two maps) that disagree leave it to
    the release which one is used for registrations. Two maps with distinct
    ``preference`` values (a dual-NBMA hub) are deliberate and not reported.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 198.51.100.1
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
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        nhs_addresses = [e.protocol for e in n.nhs if e.protocol is not None]
        for x in dict.fromkeys(nhs_addresses):
            # (nbma text, preference or None, span, from a map?)
            entries: list[tuple[str, int | None, Span, bool]] = [
                (str(e.nbma or e.nbma_fqdn), None, e.span, False) for e in n.nhs
                if e.protocol == x and (e.nbma is not None or e.nbma_fqdn is not None)]
            entries += [(str(m.nbma or m.nbma_fqdn), m.preference, m.span, True)
                        for m in n.maps if m.protocol == x]
            entries.sort(key=lambda en: (en[2].line, en[2].column))  # report the later command
            distinct = list(dict.fromkeys(nbma for nbma, _, _, _ in entries))
            if len(distinct) < 2:
                continue
            prefs = [p for _, p, _, is_map in entries if is_map]
            only_maps = all(is_map for _, _, _, is_map in entries)
            if only_maps and None not in prefs and len(set(prefs)) == len(prefs):
                continue  # dual-NBMA hub with explicit preferences
            first = entries[0]
            other = next(en for en in entries if en[0] != first[0])
            yield Finding(f"{iface.name}: NHS {x} has conflicting NBMA addresses {', '.join(distinct)}",
                          other[2],
                          related=(Related(span=first[2], message=f"NBMA {first[0]} for {x}"),),
                          help="keep one NBMA per NHS, or give dual-NBMA maps explicit 'preference' values")


# ------------------------------------------------------------ authentication


@rule("DMV210", "nhrp-auth-too-long", Severity.WARNING)
def nhrp_auth_too_long(ctx: DeviceContext) -> Iterator[Finding]:
    """The NHRP authentication string is longer than the documented 8 characters.

    Cisco documents at most eight characters ("The string can be up to eight characters in
    length", re-checked in *Cisco IOS in a Nutshell*). What IOS does with a longer string
    — truncate, reject, or silently drop the line at boot — is unverified (rules.md §6
    item 4), so the effective string, and whether it matches the other nodes, is unknown.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp authentication DMVPNsecret
     ip nhrp network-id 1
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
     ip nhrp authentication DMVPN1
     ip nhrp network-id 1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        if n.authentication is not None and len(n.authentication.get_secret_value()) > AUTH_MAX:
            cmd = nhrp_cmd(n)
            yield Finding(f"{iface.name}: the '{cmd} authentication' string is longer than {AUTH_MAX} "
                          "characters, the documented maximum; the string IOS actually uses is uncertain",
                          n.at("authentication"),
                          help=f"use at most {AUTH_MAX} characters, identical on every node of the cloud")


@rule("DMV211", "nhrp-auth-missing", Severity.INFO)
def nhrp_auth_missing(ctx: DeviceContext) -> Iterator[Finding]:
    """NHRP runs without ``ip nhrp authentication``.

    The string is sent in clear text, so it is no security control, but it makes a node
    drop NHRP packets from foreign or misconfigured speakers (a lab router with the wrong
    tunnel key, a second cloud on the same source).

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
     ip nhrp authentication DMVPN1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        cmd = nhrp_cmd(n)
        if n.authentication is None and nhrp_configured(n) and not unparsed(iface, f"{cmd} authentication"):
            yield Finding(f"{iface.name} runs {cmd} without '{cmd} authentication'", header_span(iface),
                          help=f"add '{cmd} authentication <string>' (up to 8 characters) on every node")


# ------------------------------------------------------------- registration


@rule("DMV212", "nhrp-holdtime-default", Severity.INFO)
def nhrp_holdtime_default(ctx: DeviceContext) -> Iterator[Finding]:
    """A spoke keeps the default NHRP holdtime (7200 s) or sets it above 3600 s.

    The spoke announces its holdtime in its registrations (P2004: "The entry will be valid
    for the duration of the hold time defined in the registration") and resolution
    replies, so after the spoke changes address or dies the hub and other spokes keep a
    stale mapping up to two hours with the default. Hubs are not reported: their cache
    lifetimes come from their spokes.

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
     ip nhrp holdtime 600
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        if not _registers(n) or not is_spoke(ctx.network, ctx.device, iface):
            continue
        cmd = nhrp_cmd(n)
        if n.holdtime is None:
            if unparsed(iface, f"{cmd} holdtime"):
                continue
            yield Finding(f"spoke {iface.name} keeps the default '{cmd} holdtime' ({HOLDTIME_DEFAULT} s): "
                          "peers keep its mapping up to 2 hours after it goes away", header_span(iface),
                          help=f"add '{cmd} holdtime 600' (300-600 s is usual)")
        elif n.holdtime > HOLDTIME_MAX:
            yield Finding(f"spoke {iface.name} has '{cmd} holdtime {n.holdtime}' (above {HOLDTIME_MAX} s): "
                          "peers keep stale mappings long after it goes away", n.at("holdtime"),
                          help=f"use '{cmd} holdtime 600' (300-600 s is usual)")


@rule("DMV213", "dynamic-nbma-without-no-unique", Severity.WARNING)
def dynamic_nbma_without_no_unique(ctx: DeviceContext) -> Iterator[Finding]:
    """A spoke with a dynamic NBMA address registers with the 'unique' flag.

    Registrations carry the unique flag by default; after a DHCP/PPP address change the hub
    rejects the new registration ("unique address registered already") until the old entry
    expires. P2004's spokes with dynamic addresses use ``ip nhrp registration no-unique``.

    **Bad**

    ```ios
    hostname spoke1
    interface Dialer1
     ip address negotiated
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source Dialer1
     tunnel mode gre multipoint
    ```

    **Good**

    ```ios
    hostname spoke1
    interface Dialer1
     ip address negotiated
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip nhrp registration no-unique
     tunnel source Dialer1
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        if not n.nhs or n.registration_no_unique or not is_spoke(ctx.network, ctx.device, iface):
            continue
        if unparsed(iface, f"{nhrp_cmd(n)} registration"):
            continue
        if local_nbma(ctx.device, iface) != "dynamic":
            continue
        assert iface.tunnel is not None
        cmd = nhrp_cmd(n)
        yield Finding(f"spoke {iface.name} has a dynamic NBMA address ({iface.tunnel.source_interface}) but "
                      "registers with the unique flag: after an address change the hub rejects it until the "
                      "old entry expires", header_span(iface), help=f"add '{cmd} registration no-unique'")


@rule("DMV214", "registration-timeout-vs-holdtime", Severity.WARNING)
def registration_timeout_vs_holdtime(ctx: DeviceContext) -> Iterator[Finding]:
    """The NHRP registration interval is not shorter than the holdtime.

    A registration is valid for the holdtime; if it is refreshed only every holdtime
    seconds or less often, the hub's entry expires before the next registration and the
    spoke drops off the cloud periodically. The default interval is holdtime / 3.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp holdtime 300
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip nhrp registration timeout 300
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
     ip nhrp holdtime 300
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip nhrp registration timeout 100
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        if n.registration_timeout is None:
            continue
        hold = n.holdtime if n.holdtime is not None else HOLDTIME_DEFAULT
        if n.registration_timeout >= hold:
            cmd = nhrp_cmd(n)
            which = "" if n.holdtime is not None else " (default)"
            timeout = n.registration_timeout
            yield Finding(f"{iface.name}: '{cmd} registration timeout {timeout}' is not shorter than the "
                          f"holdtime {hold} s{which}: registrations lapse before they are refreshed",
                          n.at("registration_timeout"),
                          help=f"remove it (default: holdtime / 3) or set it well below {hold}")


@rule("DMV215", "static-map-outside-subnet", Severity.WARNING)
def static_map_outside_subnet(ctx: DeviceContext) -> Iterator[Finding]:
    """A static NHRP map's protocol address is outside the tunnel subnet.

    Static maps tell the tunnel where a tunnel address lives on the NBMA network; an
    address outside the tunnel's subnet is never used as a next hop over this tunnel (a
    typo, or the hub's LAN address instead of its tunnel address). IPv6: outside every
    on-link prefix and not link-local.

    **Bad**

    ```ios
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp map 10.0.1.1 203.0.113.1
     ip nhrp network-id 1
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
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp network-id 1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
    ```
    """
    for iface, n in _families(ctx):
        cmd = nhrp_cmd(n)
        for m in n.maps:
            if in_tunnel_subnet(iface, m.protocol) is False:
                yield Finding(f"{iface.name}: '{cmd} map {m.protocol} …' maps an address outside the tunnel "
                              "subnet", m.span,
                              help="map the hub's tunnel address (inside the tunnel subnet) to its NBMA")


@rule("DMV216", "ipv6-link-local-not-manual", Severity.WARNING)
def ipv6_link_local_not_manual(ctx: DeviceContext) -> Iterator[Finding]:
    """Several IPv6 DMVPN tunnels on one router without manual link-local addresses.

    Tunnel interfaces derive their IPv6 link-local address from the same router-wide
    identifier, so two IPv6 DMVPN tunnels get the same link-local address, and NHRP and
    the IGPs (which use link-local next hops) confuse the clouds. Cisco's IPv6 DMVPN
    guide sets a unique ``ipv6 address FE80::… link-local`` per tunnel.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel1
     ipv6 address 2001:DB8:1::1/64
     ipv6 nhrp network-id 1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 1
    interface Tunnel2
     ipv6 address 2001:DB8:2::1/64
     ipv6 nhrp network-id 2
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 2
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel1
     ipv6 address FE80::1001 link-local
     ipv6 address 2001:DB8:1::1/64
     ipv6 nhrp network-id 1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 1
    interface Tunnel2
     ipv6 address FE80::2001 link-local
     ipv6 address 2001:DB8:2::1/64
     ipv6 nhrp network-id 2
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 2
    ```
    """
    v6 = [i for i in ctx.device.dmvpn_tunnels if nhrp_configured(i.nhrp6)]
    if len(v6) < 2:
        return
    others = ", ".join(i.name for i in v6)
    for iface in v6:
        if iface.ipv6_link_local is None and not unparsed(iface, "ipv6 address"):
            yield Finding(f"{iface.name} has no manual IPv6 link-local address but the router runs IPv6 NHRP "
                          f"on {len(v6)} tunnels ({others}): their automatic link-local addresses collide",
                          header_span(iface),
                          help="add 'ipv6 address FE80::<unique> link-local' on each tunnel")
