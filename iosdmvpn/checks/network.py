"""Rules DMV5xx: network-wide checks across the devices of one DMVPN cloud (rules.md §3.5).

Every rule here is evaluated per cloud (rules.md §2.4, :class:`~iosdmvpn.model.network.Cloud`)
and compares a tunnel with the tunnels it talks to: a spoke with the hubs its NHS entries
and static maps reach (by tunnel address, else by NBMA address), hubs with each other,
and, in Phase 2/3, spokes with each other. Spoke-to-spoke comparisons group spokes by an
identical configuration signature and compare the groups, never all pairs of spokes, so
a 4,000-spoke network costs about twice a 2,000-spoke one.

A finding points at the line to change and carries ``related`` spans on the other
devices involved. Messages name hostnames, interfaces and addresses, never a secret:
pre-shared keys and NHRP authentication strings are compared, not printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Literal, TypeVar

from iosdmvpn.checks._spans import at_or_header, bgp_neighbor_span, first_line
from iosdmvpn.checks.facts import (
    FAMILIES,
    Family,
    eigrp_instances_on,
    eigrp_on,
    family_of,
    fvrf_matches,
    header_span,
    igp_mcast,
    ike_profile_names,
    ikev2_keyring_of,
    in_tunnel_subnet,
    ip_literal,
    isakmp_profile_keyrings,
    nhrp_cmd,
    nhrp_for,
    ospf_for,
    ospf_network_type,
    ospf_on,
    ospf_priority,
    public,
    release_at_least,
    source_text,
    tunnel_subnets,
)
from iosdmvpn.checks.registry import Finding, Scope, rule
from iosdmvpn.diagnostics import Related, Severity
from iosdmvpn.model.crypto import Ikev2Profile, IpsecProfile
from iosdmvpn.model.device import Device
from iosdmvpn.model.interface import Interface, IPAddress, Nhrp
from iosdmvpn.model.network import Cloud, Network, NhsLink, TunnelRef
from iosdmvpn.source import Span

V = TypeVar("V", bound=Hashable)

# At most this many places are listed as related spans of one finding (a hub with 4,000
# spokes is one finding, not a 4,000-entry list).
_MAX_RELATED = 8
# Spoke-to-spoke checks compare at most this many distinct configuration signatures with
# each other, so one cloud of all-different spokes stays linear (the rest are compared with
# the most common signatures only).
_MAX_GROUPS = 16


class _Missing:
    """Marker: the tunnel does not take part in a comparison."""


_NA = _Missing()


# ------------------------------------------------------------------ spans and words


def _nhrp_span(ref: TunnelRef, family: Family, fld: str) -> Span:
    return at_or_header(ref.interface, nhrp_for(ref.interface, family), fld)


def _tunnel_span(ref: TunnelRef, fld: str) -> Span:
    return at_or_header(ref.interface, ref.interface.tunnel, fld)


def _iface_span(iface: Interface, fld: str) -> Span:
    return at_or_header(iface, iface, fld)


def _source_span(ref: TunnelRef) -> Span:
    """The ``tunnel source`` line."""
    t = ref.interface.tunnel
    if t is not None:
        for fld in ("source_interface", "source_address"):
            if fld in t.spans:
                return t.spans[fld]
    return header_span(ref.interface)


def _nbma_related(ref: TunnelRef, network: Network) -> list[Related]:
    """Where a hub's NBMA address comes from: its ``tunnel source`` line and the source's address line."""
    nbma = network.local_nbma(ref)
    shown = str(nbma) if nbma is not None else "unknown"
    t = ref.interface.tunnel
    out = [Related(span=_source_span(ref), message=f"{ref.label}: tunnel source "
                   f"{source_text(t) if t is not None else '?'} (NBMA {shown})")]
    src = ref.device.source_interface(ref.interface)
    if src is not None and t is not None and t.source_address is None:
        fld = "ipv6" if t.mode.ipv6_transport else "ipv4"
        out.append(Related(span=_iface_span(src, fld),
                           message=f"{ref.device.name} {src.name}: address {shown}"))
    return out


def _address_span(iface: Interface, address: IPAddress) -> Span:
    if iface.ipv4 is not None and iface.ipv4.ip == address:
        return _iface_span(iface, "ipv4")
    if any(i.ip == address for i in iface.ipv4_secondary):
        return _iface_span(iface, "ipv4_secondary")
    if iface.ipv6_link_local == address:
        return _iface_span(iface, "ipv6_link_local")
    return _iface_span(iface, "ipv6")


def _tunnel_address(ref: TunnelRef, family: int) -> IPAddress | None:
    if family == 4:
        return ref.interface.ipv4.ip if ref.interface.ipv4 is not None else None
    return ref.interface.ipv6[0].ip if ref.interface.ipv6 else None


def _address_related(ref: TunnelRef, family: int) -> Related:
    address = _tunnel_address(ref, family)
    if address is None:
        return Related(span=header_span(ref.interface), message=f"{ref.label}: no tunnel address")
    return Related(span=_address_span(ref.interface, address),
                   message=f"{ref.label}: tunnel address {address}")


def _names(refs: Sequence[TunnelRef], limit: int = 3) -> str:
    shown = ", ".join(r.label for r in refs[:limit])
    return shown + (f" and {len(refs) - limit} more" if len(refs) > limit else "")


def _hub_links(network: Network) -> Iterator[tuple[TunnelRef, NhsLink, TunnelRef]]:
    """(spoke, link, hub) for every NHS / static-map link of every cloud's spokes that reaches a hub."""
    for cloud in network.clouds:
        for spoke in cloud.spokes:
            for link in network.links(spoke):
                if link.hub is not None:
                    yield spoke, link, link.hub


def _hub_word(network: Network, ref: TunnelRef) -> str:
    return "hub" if network.is_hub(ref) else "spoke" if network.is_spoke(ref) else "tunnel"


def _spokes(network: Network, cloud: Cloud) -> list[TunnelRef]:
    """The cloud's spokes that are not also hubs (a hierarchical hub is compared as a hub)."""
    return [s for s in cloud.spokes if not network.is_hub(s)]


# ------------------------------------------------------------------ consistency


def _mismatches(network: Network, cloud: Cloud, value: Callable[[TunnelRef], V | _Missing]
                ) -> Iterator[tuple[TunnelRef, TunnelRef, V, V]]:
    """(odd tunnel, reference tunnel, odd value, reference value) for every disagreement.

    A spoke is compared with the hubs it registers to; a spoke whose hubs are not in the
    input, and every hub, with the hubs' most common value (the cloud's when it has no
    hub). Linear: one pass over the cloud.
    """
    values: dict[TunnelRef, V] = {}
    for t in cloud.tunnels:
        v = value(t)
        if not isinstance(v, _Missing):
            values[t] = v
    if len(set(values.values())) <= 1:
        return
    hubs = [h for h in cloud.hubs if h in values]
    pool = hubs or list(values)
    counts = Counter(values[t] for t in pool).most_common()
    tied = [v for v, c in counts if c == counts[0][1]]
    # Hubs split evenly: the value most of the cloud uses is the reference.
    everyone = Counter(values.values())
    reference = max(tied, key=lambda v: everyone[v])
    holder = next(t for t in pool if values[t] == reference)
    hub_set = set(hubs)
    for h in hubs:
        if values[h] != reference:
            yield h, holder, values[h], reference
    for t, v in values.items():
        if t in hub_set:
            continue
        linked = [h for h in network.linked_hubs(t) if h in values]
        if linked:
            for h in linked:
                # A hub off the reference is reported itself; spokes agreeing with the rest are fine.
                if values[h] != v and not (values[h] != reference and v == reference):
                    yield t, h, v, values[h]
        elif v != reference:
            yield t, holder, v, reference


def _role_phrase(network: Network, odd: TunnelRef, ref: TunnelRef) -> str:
    if network.is_hub(ref) and ref in network.linked_hubs(odd):
        return f"hub {ref.label}, which it registers to,"
    return f"{_hub_word(network, ref)} {ref.label}"


# ------------------------------------------------------------------ DMV501-503


@rule("DMV501", "nhrp-network-id-mismatch", Severity.INFO, Scope.NETWORK)
def nhrp_network_id_mismatch(network: Network) -> Iterator[Finding]:
    """NHRP network-id differs between tunnels of one cloud.

    The ID is local to each router: it is not carried in NHRP packets, so different IDs on hub and spoke
    do not stop registration or resolution (rules.md §6 item 10); it matters only between tunnels of one
    router. The 2004 reference design asks for the same ID on the hub and all spokes, and equal IDs make
    a cloud easier to operate, hence info.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 10
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        for family in FAMILIES:
            def netid(t: TunnelRef, f: Family = family) -> int | _Missing:
                n = nhrp_for(t.interface, f)
                return n.network_id if n is not None and n.network_id is not None else _NA

            for odd, ref, a, b in _mismatches(network, cloud, netid):
                cmd = nhrp_cmd(family)
                yield Finding(
                    message=f"{odd.label} has '{cmd} network-id {a}' but {_role_phrase(network, odd, ref)} "
                            f"has '{cmd} network-id {b}': the ID is local to each router, so NHRP still "
                            "works, but the reference design keeps it the same on the hub and all spokes",
                    span=_nhrp_span(odd, family, "network_id"),
                    related=(Related(span=_nhrp_span(ref, family, "network_id"),
                                     message=f"{ref.label}: {cmd} network-id {b}"),),
                )


def _key_text(key: int | None) -> str:
    return f"tunnel key {key}" if key is not None else "no tunnel key"


@rule("DMV502", "tunnel-key-mismatch", Severity.ERROR, Scope.NETWORK)
def tunnel_key_mismatch(network: Network) -> Iterator[Finding]:
    """The GRE tunnel key differs between tunnels of one cloud.

    Every GRE packet carries the sender's key, and a tunnel drops packets whose key differs from its
    own, or that carry a key when it has none (and the other way round): a spoke whose key differs from
    its hub's never registers. No `tunnel key` counts as a value of its own.

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
     tunnel key 100
    ! --- next device ---
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
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        def key(t: TunnelRef) -> int | _Missing | None:
            return t.interface.tunnel.key if t.interface.tunnel is not None else _NA

        for odd, ref, a, b in _mismatches(network, cloud, key):
            yield Finding(
                message=f"{odd.label} has {_key_text(a)} but {_role_phrase(network, odd, ref)} has "
                        f"{_key_text(b)}: GRE packets with a foreign or missing key are dropped",
                span=_tunnel_span(odd, "key"),
                related=(Related(span=_tunnel_span(ref, "key"), message=f"{ref.label}: {_key_text(b)}"),),
                help="configure the same 'tunnel key' on every tunnel of the cloud (or none anywhere)",
            )


@rule("DMV503", "nhrp-auth-mismatch", Severity.ERROR, Scope.NETWORK)
def nhrp_auth_mismatch(network: Network) -> Iterator[Finding]:
    """The NHRP authentication string differs between tunnels of one cloud.

    NHRP packets carry the authentication string, and a node rejects packets with another string, or
    with none when it has one: Cisco requires the same value on all hubs and spokes of the DMVPN. When
    two strings differ only after the 8th character (the documented maximum) the outcome depends on
    unverified IOS behaviour (rules.md §6 item 4), so the finding is a warning. The strings are
    compared, never printed.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp authentication DMVPN1
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp authentication dmvpn1
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
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
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        for family in FAMILIES:
            def auth(t: TunnelRef, f: Family = family) -> str | _Missing | None:
                n = nhrp_for(t.interface, f)
                if n is None:
                    return _NA
                return n.authentication.get_secret_value() if n.authentication is not None else None

            cmd = nhrp_cmd(family)
            for odd, ref, a, b in _mismatches(network, cloud, auth):
                severity = None
                other = _role_phrase(network, odd, ref)
                if a is None:
                    what = f"{odd.label} has no '{cmd} authentication' but {other} has one"
                elif b is None:
                    what = f"{odd.label} has '{cmd} authentication' but {other} has none"
                else:
                    what = f"the '{cmd} authentication' strings of {odd.label} and {ref.label} differ"
                    if a[:8] == b[:8]:
                        # Past the documented 8 characters IOS's behaviour is unverified (rules.md §6 item 4).
                        severity = Severity.WARNING
                        what += (" only after the 8th character, the documented maximum; whether IOS "
                                 "compares the rest is unverified, and if it does")
                yield Finding(
                    message=f"{what}: NHRP packets carrying another string, or none, are rejected",
                    span=_nhrp_span(odd, family, "authentication"),
                    related=(Related(span=_nhrp_span(ref, family, "authentication"),
                                     message=f"{ref.label}: {cmd} authentication"
                                             + (" (not configured)" if b is None else "")),),
                    severity=severity,
                    help="use the same string (at most 8 characters) on every node of the cloud",
                )


# ------------------------------------------------------------------ DMV504-506


def _private(address: IPAddress) -> bool:
    """Not ``public`` (rules.md: RFC 1918 / RFC 6598 / loopback / link-local / ULA): may sit behind NAT."""
    return not public(address)


def _nat_suspected(network: Network, hub_nbma: IPAddress, used: IPAddress) -> bool:
    """The hub's source is private and the spoke dials a public address: likely static NAT."""
    return hub_nbma not in network.nat and _private(hub_nbma) and not _private(used)


def _owner_of(network: Network, address: IPAddress) -> str | None:
    """Which tunnel(s) in the input are sourced from ``address``, for messages."""
    owners = network.by_nbma.get(address, [])
    if owners:
        return f"the tunnel source of {_names(owners, 2)}"
    return None


@rule("DMV504", "spoke-hub-nbma-mismatch", Severity.ERROR, Scope.NETWORK)
def spoke_hub_nbma_mismatch(network: Network) -> Iterator[Finding]:
    """A spoke maps its hub's tunnel address to an NBMA address that is not the hub's tunnel source.

    A spoke reaches its hub at the NBMA address of its NHS entry (`nbma` keyword or `ip nhrp map`). The
    hub's mGRE tunnel only receives GRE sent to its tunnel-source address, so any other address (except
    a declared static-NAT address) means the registrations never arrive. When the hub's source is
    private (RFC 1918/6598) and the spoke uses a public address the hub is probably behind static NAT:
    warning instead of error until the NAT is declared.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.11 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for spoke, link, hub in _hub_links(network):
        if link.matched != "address" or link.nbma is None or link.protocol is None:
            continue
        local = network.local_nbma(hub)
        if local is None or local == "dynamic" or local.version != link.nbma.version:
            continue  # unknown / DMV526 / DMV518
        public = network.nat.get(local, local)
        if link.nbma in (local, public):
            continue
        severity = None
        where = _owner_of(network, link.nbma)
        other = hub.device.interface_with_address(link.nbma)
        if other is not None:
            where = (f"{hub.device.name}'s {other.name} address, but {hub.interface.name} is not "
                     "sourced there")
        message = (f"{spoke.label} maps {hub.label}'s tunnel address {link.protocol} to NBMA "
                   f"{link.nbma}"
                   + (f" ({where})" if where else "")
                   + f", but {hub.label} is sourced from {local}"
                   + (f" (static NAT {public})" if public != local else ""))
        if _nat_suspected(network, local, link.nbma):
            severity = Severity.WARNING
            message += ("; the hub's source is a private address and the spoke uses a public one, "
                        "which fits a hub behind static NAT: declare the NAT if so")
        else:
            message += (": registrations and traffic go to an address where the hub's tunnel does "
                        "not listen")
        yield Finding(
            message=message,
            span=link.nbma_span or link.span,
            related=tuple(_nbma_related(hub, network)),
            severity=severity,
            help=f"use NBMA {public} (the hub's tunnel-source or static-NAT address)",
        )


def _serves_as_hub(network: Network, ref: TunnelRef, pointers: Counter[TunnelRef]) -> bool:
    """A real NHS: mGRE registering nowhere, several devices registering to it, or a configured hub line."""
    if ref.interface.is_mgre and not ref.registers():
        return True
    if pointers[ref] >= 2:
        return True
    return any(n.multicast_dynamic is True or n.redirect for n in ref.interface.nhrp_families())


@rule("DMV505", "spoke-nhs-not-a-hub", Severity.ERROR, Scope.NETWORK)
def spoke_nhs_not_a_hub(network: Network) -> Iterator[Finding]:
    """A spoke's NHS (or static map) protocol address is not the tunnel address of a hub.

    The NHS (and static-map) protocol address must be the hub's tunnel address: the spoke registers to
    it and resolves through it. Where the entry's NBMA address is the tunnel source of a hub in the
    input, any other protocol address is wrong whether or not the input is complete. Otherwise the rule
    needs the input declared complete (every hub present): then an address no tunnel holds, or one held
    by another spoke, is an error.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.254 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    pointers: Counter[TunnelRef] = Counter()
    for ref in network.tunnels:
        for hub in {link.hub for link in network.links(ref) if link.hub and link.matched == "address"}:
            pointers[hub] += 1
    for cloud in network.clouds:
        hub_related = [_address_related(h, 4 if h.interface.ipv4 else 6) for h in cloud.hubs[:_MAX_RELATED]]
        for spoke in cloud.spokes:
            for link in network.links(spoke):
                if link.protocol is None:
                    continue
                what = (f"{spoke.label} registers to NHS {link.protocol}" if link.kind == "nhs"
                        else f"{spoke.label} maps {link.protocol}")
                if link.matched != "address" and link.candidates and not any(
                        link.protocol in c.interface.addresses() for c in link.candidates):
                    # Certain whatever else is missing: the NBMA is a hub in the input (issue semantics).
                    hub = link.hub or link.candidates[0]
                    addrs = [str(a) for c in link.candidates for a in c.interface.addresses()
                             if a.version == link.protocol.version and not a.is_link_local]
                    yield Finding(
                        message=f"{what} at NBMA {link.nbma}, which is the tunnel source of {hub.label}; "
                                f"its tunnel address is {' or '.join(addrs) or 'not set'}, not "
                                f"{link.protocol}: the NHS address must be the hub's tunnel address",
                        span=link.span,
                        related=(_address_related(hub, link.family), *_nbma_related(hub, network)),
                        help=f"use '{nhrp_cmd(link.family)} nhs "
                             f"{addrs[0] if addrs else '<hub tunnel address>'} nbma {link.nbma} multicast'",
                    )
                elif not network.complete:
                    continue
                elif link.hub is None:
                    yield Finding(
                        message=f"{what}, but no tunnel in the input has address {link.protocol} "
                                "(the input is declared complete)",
                        span=link.span,
                        related=tuple(hub_related),
                        help="point the NHS / static map at the hub's tunnel address",
                    )
                elif link.matched == "address" and not _serves_as_hub(network, link.hub, pointers):
                    target = link.hub
                    yield Finding(
                        message=f"{what}, which is the tunnel address of {target.label}; that tunnel is "
                                "itself a spoke (it registers to a next-hop server and no other device "
                                "registers to it)",
                        span=link.span,
                        related=(_address_related(target, link.family),),
                        help="point the NHS / static map at the hub's tunnel address",
                    )


def _multicast_targets(network: Network, spoke: TunnelRef, n: Nhrp) -> list[tuple[IPAddress, Span]]:
    found: list[tuple[IPAddress, Span]] = [(m.nbma, m.span) for m in n.multicast_maps]
    for link in network.links(spoke):
        # An NHS that reaches a hub: its NBMA (and so its multicast) is DMV504's / DMV518's to judge.
        if link.kind == "nhs" and link.nhrp is n and link.nbma is not None and link.hub is None:
            entry = next((e for e in n.nhs if e.span == link.span), None)
            if entry is not None and entry.multicast:
                found.append((link.nbma, link.span))
    return found


@rule("DMV506", "spoke-multicast-to-non-hub", Severity.ERROR, Scope.NETWORK)
def spoke_multicast_to_non_hub(network: Network) -> Iterator[Finding]:
    """A spoke sends multicast (routing-protocol hellos) to an NBMA address that is no hub's.

    A spoke replicates multicast (EIGRP, OSPF and RIP hellos) only to the NBMA addresses of `ip nhrp map
    multicast` and of NHS entries with `multicast`; if that is not a hub's address, the routing protocol
    never reaches the hub. Error when a multicast IGP runs on the tunnel, warning otherwise. Only
    reported when the address is certainly not a hub's: every NHS of the spoke is a hub in the input,
    the address belongs to another device, or the input is declared complete.

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
     tunnel key 100
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp map multicast 203.0.113.10
     ip nhrp nhs 10.0.0.1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router eigrp 1
     network 10.0.0.0 0.0.0.255
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
     tunnel key 100
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map 10.0.0.1 203.0.113.1
     ip nhrp map multicast 203.0.113.1
     ip nhrp nhs 10.0.0.1
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```
    """
    for cloud in network.clouds:
        hub_nbmas: dict[IPAddress, TunnelRef] = {}
        natted = False
        for h in cloud.hubs:
            local = network.local_nbma(h)
            if local is None or local == "dynamic":
                continue
            hub_nbmas.setdefault(local, h)
            hub_nbmas.setdefault(network.nat.get(local, local), h)
            natted = natted or (local not in network.nat and _private(local))
        if not hub_nbmas:
            continue
        for spoke in _spokes(network, cloud):
            links = network.links(spoke)
            hubs_known = bool(links) and all(link.hub is not None for link in links)
            for n in spoke.interface.nhrp_families():
                for nbma, span in _multicast_targets(network, spoke, n):
                    if nbma in hub_nbmas:
                        continue
                    owners = [t for t in network.by_nbma.get(nbma, []) if t.device.key != spoke.device.key]
                    if not (network.complete or owners or hubs_known):
                        continue  # the hub it means may be missing from the input
                    if natted and not _private(nbma) and not owners:
                        continue  # a hub behind static NAT (DMV504 says so)
                    igp = igp_mcast(spoke.device, spoke.interface, family_of(n))
                    whose = (f"the NBMA of {_names(owners, 2)}, not of a hub of this cloud" if owners
                             else "no hub's NBMA address")
                    yield Finding(
                        message=f"{spoke.label} sends multicast to NBMA {nbma}, {whose} (hubs: "
                                f"{', '.join(f'{h.label} at {a}' for a, h in list(hub_nbmas.items())[:3])})"
                                + (": routing-protocol hellos never reach the hub" if igp else ""),
                        span=span,
                        related=tuple(r for h in dict.fromkeys(hub_nbmas.values())
                                      for r in _nbma_related(h, network))[:_MAX_RELATED],
                        severity=None if igp else Severity.WARNING,
                        help="map multicast to the hub's NBMA address",
                    )


# ------------------------------------------------------------------ DMV507-508


def _own_addresses(iface: Interface) -> list[IPAddress]:
    return [a for a in iface.addresses() if not (isinstance(a, IPv6Address) and a.is_link_local)]


@rule("DMV507", "duplicate-tunnel-address", Severity.ERROR, Scope.NETWORK)
def duplicate_tunnel_address(network: Network) -> Iterator[Finding]:
    """Two devices use the same tunnel address in one cloud.

    With two nodes on one tunnel address, NHRP rejects the second registration (unique flag) and the
    routing protocols see one neighbour in two places. Reported on the second holder; a spoke that
    copied its hub's address is the one reported.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke2
    interface GigabitEthernet0/0
     ip address 198.51.100.3 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke2
    interface GigabitEthernet0/0
     ip address 198.51.100.3 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        holders: dict[IPAddress, list[TunnelRef]] = {}
        hub_set = set(cloud.hubs)
        # Hubs first: a spoke that copied the hub's address is the one to change.
        for t in sorted(cloud.tunnels, key=lambda r: r not in hub_set):
            for a in _own_addresses(t.interface):
                holders.setdefault(a, []).append(t)
        for address, refs in holders.items():
            first = refs[0]
            for t in refs[1:]:
                if t.device.key == first.device.key:
                    continue
                yield Finding(
                    message=f"{t.label} uses tunnel address {address}, already used by {first.label}: "
                            "NHRP registration of the second one is rejected and routing is confused",
                    span=_address_span(t.interface, address),
                    related=(Related(span=_address_span(first.interface, address),
                                     message=f"{first.label}: tunnel address {address}"),),
                    help="give every node of the cloud its own tunnel address",
                )


@rule("DMV508", "tunnel-subnet-mismatch", Severity.ERROR, Scope.NETWORK)
def tunnel_subnet_mismatch(network: Network) -> Iterator[Finding]:
    """A spoke's tunnel subnet differs from its hub's, or the hub's subnet is too small for the cloud.

    The hub and its spokes share one tunnel subnet: the NHS must be on-link for the spoke, and the
    spoke's address on-link for the hub. Different subnets are an error; the same network with a
    different mask is a warning. A hub subnet with fewer usable addresses than the cloud has nodes is an
    error too.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.1.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        for spoke in cloud.spokes:
            done: set[tuple[TunnelRef, int]] = set()
            for link in network.links(spoke):
                hub = link.hub
                family = link.family
                if hub is None or (hub, family) in done:
                    continue
                done.add((hub, family))
                s_addr, h_addr = _tunnel_address(spoke, family), _tunnel_address(hub, family)
                if s_addr is None or h_addr is None:
                    continue
                hub_on = in_tunnel_subnet(spoke.interface, h_addr)
                spoke_on = in_tunnel_subnet(hub.interface, s_addr)
                s_net = tunnel_subnets(spoke.interface, family)[0]
                h_net = tunnel_subnets(hub.interface, family)[0]
                related = (Related(span=_address_span(hub.interface, h_addr),
                                   message=f"{hub.label}: tunnel address {h_addr}/{h_net.prefixlen}"),)
                if hub_on is False or spoke_on is False:
                    yield Finding(
                        message=f"{spoke.label} has tunnel address {s_addr}/{s_net.prefixlen} but its hub "
                                f"{hub.label} has {h_addr}/{h_net.prefixlen}: "
                                + ("the hub's address is not on-link for the spoke" if hub_on is False
                                   else "the spoke's address is outside the hub's tunnel subnet"),
                        span=_address_span(spoke.interface, s_addr),
                        related=related,
                        help=f"put the spoke in the hub's tunnel subnet {h_net}",
                    )
                elif s_net.prefixlen != h_net.prefixlen:
                    yield Finding(
                        message=f"{spoke.label} has tunnel subnet {s_net} but its hub {hub.label} has "
                                f"{h_net}: same addresses, different mask",
                        span=_address_span(spoke.interface, s_addr),
                        related=related,
                        severity=Severity.WARNING,
                        help=f"use the hub's mask (/{h_net.prefixlen}) on every node",
                    )
        yield from _subnet_too_small(cloud)


def _subnet_too_small(cloud: Cloud) -> Iterator[Finding]:
    nodes = len({t.device.key for t in cloud.tunnels if t.interface.ipv4 is not None})
    seen: set[IPv4Network] = set()
    for hub in cloud.hubs:
        if hub.interface.ipv4 is None:
            continue
        net = hub.interface.ipv4.network
        if net in seen:
            continue
        seen.add(net)
        usable = net.num_addresses - 2 if net.prefixlen < 31 else net.num_addresses
        if nodes > usable:
            yield Finding(
                message=f"{hub.label}'s tunnel subnet {net} has {usable} usable addresses but the cloud has "
                        f"{nodes} nodes",
                span=_iface_span(hub.interface, "ipv4"),
                help="use a tunnel subnet sized for every hub and spoke",
            )


# ------------------------------------------------------------------ DMV509-511


def _cloud_runs_eigrp(cloud: Cloud) -> bool:
    return any(eigrp_on(t.device, t.interface, 4) or eigrp_on(t.device, t.interface, 6)
               for t in cloud.tunnels)


@rule("DMV509", "tunnel-bandwidth-inconsistent", Severity.INFO, Scope.NETWORK)
def tunnel_bandwidth_inconsistent(network: Network) -> Iterator[Finding]:
    """Tunnels of one EIGRP cloud have different ``bandwidth`` values.

    EIGRP derives its metric and pacing from the interface bandwidth, so unequal values make the two
    directions asymmetric; the 2004 reference design calls the same bandwidth on all nodes a best
    practice. Checked on clouds running EIGRP only; informational.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     bandwidth 1000
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router eigrp 1
     network 10.0.0.0 0.0.0.255
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
     bandwidth 1000
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     bandwidth 1000
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router eigrp 1
     network 10.0.0.0 0.0.0.255
    ```
    """
    for cloud in network.clouds:
        if not _cloud_runs_eigrp(cloud):
            continue

        def bandwidth(t: TunnelRef) -> int | None:
            return t.interface.bandwidth

        def text(b: int | None) -> str:
            return f"bandwidth {b}" if b is not None else "the default bandwidth"

        for odd, ref, a, b in _mismatches(network, cloud, bandwidth):
            yield Finding(
                message=f"{odd.label} has {text(a)} but {_role_phrase(network, odd, ref)} has {text(b)}: "
                        "EIGRP metrics and pacing differ between the two ends (equal bandwidth on all nodes "
                        "is the reference design's best practice)",
                span=_iface_span(odd.interface, "bandwidth"),
                related=(Related(span=_iface_span(ref.interface, "bandwidth"),
                                 message=f"{ref.label}: {text(b)}"),),
            )


def _shortcut_on_by_default(device: Device) -> bool:
    # IOS-XE 16.3+ documents ipv6 nhrp shortcut default-on; IPv4 is unverified (rules.md §6 item 5).
    return release_at_least(device, 16, 3)


@rule("DMV510", "phase3-redirect-shortcut-pairing", Severity.WARNING, Scope.NETWORK)
def phase3_redirect_shortcut_pairing(network: Network) -> Iterator[Finding]:
    """Phase 3 needs ``ip nhrp redirect`` on the hubs and ``ip nhrp shortcut`` on the spokes.

    Phase 3 works by the hub sending NHRP redirects (`ip nhrp redirect`) and the spokes acting on them
    (`ip nhrp shortcut`): one without the other never builds spoke-to-spoke tunnels and all traffic
    stays on the hub. `ip nhrp shortcut` is off by default on classic IOS (and on configs without a
    `version` line); IOS-XE 16.3 and later documents it default-on for IPv6 only, so a missing line
    there is info. Checked per address family.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     ip nhrp redirect
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip nhrp shortcut
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        for family in FAMILIES:
            cmd = nhrp_cmd(family)
            redirect = [h for h in cloud.hubs
                        if (n := nhrp_for(h.interface, family)) is not None and n.redirect]
            for spoke in _spokes(network, cloud):
                n = nhrp_for(spoke.interface, family)
                if n is None:
                    continue
                linked = network.linked_hubs(spoke)
                if redirect:
                    if not spoke.interface.is_mgre or n.shortcut is True:
                        continue  # a point-to-point spoke is DMV511's
                    hub = next((h for h in linked if h in redirect), redirect[0])
                    related = (Related(span=_nhrp_span(hub, family, "redirect"),
                                       message=f"{hub.label}: {cmd} redirect"),)
                    if n.shortcut is False:
                        yield Finding(
                            message=f"{hub.label} sends NHRP redirects but {spoke.label} disables shortcuts "
                                    f"('no {cmd} shortcut'): Phase 3 spoke-to-spoke tunnels never form",
                            span=_nhrp_span(spoke, family, "shortcut"), related=related,
                            help=f"'{cmd} shortcut' on the spoke",
                        )
                    else:
                        xe = _shortcut_on_by_default(spoke.device)
                        if xe:
                            why = (": on IOS-XE 16.3 and later shortcuts may be on by default (documented "
                                   "for IPv6 only); configure it explicitly")
                        else:
                            why = (", which is off by default on classic IOS: Phase 3 spoke-to-spoke tunnels "
                                   "never form")
                        yield Finding(
                            message=f"{hub.label} sends NHRP redirects but {spoke.label} has no '{cmd} "
                                    f"shortcut'{why}",
                            span=header_span(spoke.interface), related=related,
                            severity=Severity.INFO if xe else None,
                            help=f"'{cmd} shortcut' on the spoke",
                        )
                elif n.shortcut is True and linked and (
                        network.complete or all(link.hub is not None for link in network.links(spoke))):
                    yield Finding(
                        message=f"{spoke.label} has '{cmd} shortcut' but its hub(s) {_names(linked)} have no "
                                f"'{cmd} redirect': Phase 3 shortcuts are never triggered",
                        span=_nhrp_span(spoke, family, "shortcut"),
                        related=tuple(Related(span=header_span(h.interface),
                                              message=f"{h.label}: no {cmd} redirect")
                                      for h in linked[:_MAX_RELATED]),
                        help=f"'{cmd} redirect' on the hubs (Phase 3), or remove the shortcut (Phase 2)",
                    )


@rule("DMV511", "mixed-phase-cloud", Severity.WARNING, Scope.NETWORK)
def mixed_phase_cloud(network: Network) -> Iterator[Finding]:
    """A cloud mixes point-to-point GRE spokes with mGRE spokes, or Phase 3 hubs with p2p spokes.

    Point-to-point GRE spokes cannot build spoke-to-spoke tunnels, mGRE spokes can: in one cloud (or
    behind a Phase 3 hub) part of the traffic silently hair-pins through the hub, and no routing design
    (next hop, summarisation) suits both. The minority design is reported.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke2
    interface GigabitEthernet0/0
     ip address 198.51.100.3 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel destination 203.0.113.1
     tunnel key 100
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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke2
    interface GigabitEthernet0/0
     ip address 198.51.100.3 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        spokes = _spokes(network, cloud)
        p2p = [s for s in spokes if not s.interface.is_mgre and s.interface.tunnel is not None
               and s.interface.tunnel.destination is not None]
        mgre = [s for s in spokes if s.interface.is_mgre]
        redirect = [h for h in cloud.hubs if any(n.redirect for n in h.interface.nhrp_families())]
        if p2p and mgre:
            odd, other = (p2p, mgre) if len(p2p) <= len(mgre) else (mgre, p2p)
            example = other[0]
            for s in odd:
                is_p2p = s in p2p
                mine, theirs = ("point-to-point GRE", "multipoint") if is_p2p else ("multipoint GRE",
                                                                                   "point-to-point")
                others = f" and {len(other) - 1} more spokes are" if len(other) > 1 else " is"
                yield Finding(
                    message=f"{s.label} is a {mine} spoke but {example.label}{others} {theirs}: one cloud "
                            "should follow one design (Phase 1 or Phase 2/3)",
                    span=_tunnel_span(s, "destination" if is_p2p else "mode"),
                    related=(Related(span=_tunnel_span(example, "mode" if is_p2p else "destination"),
                                     message=f"{example.label}: " + ("tunnel mode gre multipoint" if is_p2p
                                                                     else "tunnel destination")),),
                )
        elif p2p and redirect:
            hub = redirect[0]
            for s in p2p:
                yield Finding(
                    message=f"{hub.label} is a Phase 3 hub ('ip nhrp redirect') but {s.label} is a "
                            "point-to-point GRE spoke: it can never build the spoke-to-spoke tunnels the hub "
                            "redirects to",
                    span=_tunnel_span(s, "destination"),
                    related=(Related(span=_nhrp_span(hub, 4, "redirect") if hub.interface.nhrp is not None
                                     and hub.interface.nhrp.redirect else _nhrp_span(hub, 6, "redirect"),
                                     message=f"{hub.label}: redirect"),),
                    help="'tunnel mode gre multipoint' (and no 'tunnel destination') on the spoke",
                )


# ------------------------------------------------------------------ IKE model (DMV512-516)

_V1 = tuple[str, str, str, int]  # (encryption, hash, authentication, group)
# Default IKE policies when none is configured (rules.md §2.5, §6 item 9): 65507/65508 are in
# every sample; classic IOS continues with MD5 and 3DES variants.
_V1_DEFAULT_XE: frozenset[_V1] = frozenset({("aes 128", "sha", "rsa-sig", 5),
                                           ("aes 128", "sha", "pre-share", 5)})
_V1_DEFAULT_CLASSIC: frozenset[_V1] = _V1_DEFAULT_XE | frozenset({
    ("aes 128", "md5", "rsa-sig", 5), ("aes 128", "md5", "pre-share", 5), ("3des", "sha", "rsa-sig", 2),
    ("3des", "sha", "pre-share", 2), ("3des", "md5", "rsa-sig", 2), ("3des", "md5", "pre-share", 2),
})


@dataclass(frozen=True)
class _V2:
    """One IKEv2 proposal, normalised."""

    encryption: frozenset[str]
    integrity: frozenset[str]
    prf: frozenset[str]
    group: frozenset[int]

    def overlaps(self, other: _V2) -> bool:
        enc = self.encryption & other.encryption
        if not enc or not self.group & other.group:
            return False
        prf = (self.prf or self.integrity) & (other.prf or other.integrity)
        if not prf:
            return False
        # AEAD ciphers (GCM) carry their own integrity; the others need a common integrity algorithm.
        return any("gcm" in e for e in enc) or bool(self.integrity & other.integrity)

    def text(self) -> str:
        return "/".join((",".join(sorted(self.encryption)), ",".join(sorted(self.integrity or self.prf)),
                         "group " + ",".join(str(g) for g in sorted(self.group))))


# IKEv2 smart-default proposal (rules.md §2.5): IOS 15.x and an IOS-XE 17.x sample.
_V2_DEFAULT_IOS = _V2(frozenset({"aes-cbc-256", "aes-cbc-192", "aes-cbc-128"}),
                      frozenset({"sha512", "sha384", "sha256", "sha1", "md5"}), frozenset(),
                      frozenset({5, 2}))
_V2_DEFAULT_XE = _V2(frozenset({"aes-cbc-256"}), frozenset({"sha512", "sha384"}), frozenset(),
                     frozenset({19, 14, 21, 5}))

S = TypeVar("S")
# One proposal set per release the config may run on (two when the release is unknown).
V1Variants = tuple[frozenset[_V1], ...]
V2Variants = tuple[tuple[_V2, ...], ...]


def _release_variants(device: Device, classic: S, xe: S) -> tuple[S, ...]:
    if device.version is None:
        return (classic, xe)
    return (xe,) if device.is_xe else (classic,)


def _norm_encr(value: str) -> str:
    words = value.lower().split()
    if words and words[0] == "aes" and len(words) == 1:
        return "aes 128"
    return " ".join(words)


def _norm_transform(value: str) -> str:
    words = value.lower().split()
    if words and words[0] in ("esp-aes", "esp-gcm", "esp-gmac") and len(words) == 1:
        return f"{words[0]} 128"
    return " ".join(words)


@dataclass(frozen=True)
class _Key:
    """The pre-shared key(s) one side selects for a peer; secrets stay inside, never printed."""

    local: str | None  # signs with
    remote: str | None  # verifies with
    clear: bool  # every key involved is type 0, so comparing is meaningful
    span: Span | None

    @property
    def pair(self) -> tuple[str | None, str | None, bool]:
        return (self.local, self.remote, self.clear)


_KeyEntry = tuple[IPv4Network | IPv6Network | None, _Key]  # None: hostname / identity entry


@dataclass(frozen=True)
class _Ike:
    """What one protected tunnel offers and expects in IKE/IPsec."""

    ref: TunnelRef
    version: Literal[1, 2]
    fvrf: str | None
    span: Span  # tunnel protection line
    ipsec: IpsecProfile | None
    v1: V1Variants | None  # None: cannot tell (no policy and defaults disabled: DMV309's)
    v1_span: Span | None
    v2: V2Variants | None
    v2_span: Span | None
    tsets: frozenset[frozenset[str]] | None  # None: release-default transform sets (DMV302)
    tset_span: Span | None
    v2_profile: Ikev2Profile | None
    keys: tuple[_KeyEntry, ...]
    psk_v1: bool  # some configured IKEv1 policy authenticates by pre-share
    psk_local: bool  # IKEv2: authenticates itself by pre-share
    psk_remote: bool  # IKEv2: expects the peer to use pre-share

    def key_for(self, peer: IPAddress | None) -> _Key | None:
        """Longest-prefix match of the peer address; None when it cannot be told (dynamic address)."""
        addressed = [(net, k) for net, k in self.keys if net is not None]
        named = len(addressed) != len(self.keys)
        if peer is None:
            specific = [k for net, k in addressed if net.prefixlen > 0]
            wildcard = [k for net, k in addressed if net.prefixlen == 0]
            if specific or named:
                return None
            return wildcard[0] if wildcard else _Key(None, None, True, None)
        best: tuple[int, _Key] | None = None
        for net, k in addressed:
            if net.version == peer.version and peer in net and (best is None or net.prefixlen > best[0]):
                best = (net.prefixlen, k)
        if best is not None:
            return best[1]
        return None if named else _Key(None, None, True, None)

    def table_signature(self) -> Hashable:
        return (self.version, self.psk_v1, self.psk_local, self.psk_remote,
                tuple((str(net), k.pair) for net, k in self.keys))


def _v1_keys(device: Device, isakmp_name: str | None, fvrf: str | None) -> tuple[_KeyEntry, ...]:
    crypto = device.crypto
    rings = isakmp_profile_keyrings(crypto, crypto.isakmp_profile(isakmp_name) if isakmp_name else None)
    rings.extend(r for r in crypto.keyrings if r.vrf == fvrf and r not in rings)
    keys = [k for r in rings for k in r.keys]
    if fvrf is None:
        keys.extend(crypto.isakmp_keys)  # the global table serves the global F-VRF only
    out: list[_KeyEntry] = []
    for k in keys:
        secret = k.key.get_secret_value()
        out.append((k.peer, _Key(secret, secret, k.encryption_type == 0, k.span)))
    return tuple(out)


def _v2_keys(device: Device, profile: Ikev2Profile | None) -> tuple[_KeyEntry, ...]:
    if profile is None:
        return ()
    if profile.inline_psk_local is not None or profile.inline_psk_remote is not None:
        local = profile.inline_psk_local.get_secret_value() if profile.inline_psk_local else None
        remote = profile.inline_psk_remote.get_secret_value() if profile.inline_psk_remote else None
        anywhere: IPv4Network = IPv4Network("0.0.0.0/0")
        key = _Key(local, remote, profile.inline_psk_encryption_type == 0,
                   profile.spans.get("inline_psk_local") or profile.span)
        return ((anywhere, key), (IPv6Network("::/0"), key))
    ring = ikev2_keyring_of(device.crypto, profile)
    if ring is None:
        return ()
    out: list[_KeyEntry] = []
    for p in ring.peers:
        psk = p.psk.get_secret_value() if p.psk is not None else None
        local = p.psk_local.get_secret_value() if p.psk_local is not None else psk
        remote = p.psk_remote.get_secret_value() if p.psk_remote is not None else psk
        if local is None and remote is None:
            continue
        net = p.address if p.identity is None else None  # an identity-matched peer needs the identity
        out.append((net, _Key(local, remote, p.psk_encryption_type == 0, p.span)))
    return tuple(out)


def _v2_proposals(device: Device, fvrf: str | None, nbma: IPAddress | None) -> V2Variants | None:
    crypto = device.crypto
    policies = [p for p in crypto.ikev2_policies
                if fvrf_matches(p.match_fvrf, fvrf)
                and (not p.match_address_local or nbma is None or str(nbma) in p.match_address_local)]
    if not policies:
        # No user policy for this F-VRF: the smart-default policy and proposal.
        return _release_variants(device, (_V2_DEFAULT_IOS,), (_V2_DEFAULT_XE,))
    props: list[_V2] = []
    for pol in policies:
        for name in pol.proposals:
            p = crypto.ikev2_proposal(name)
            if p is None:
                continue  # DMV318
            props.append(_V2(frozenset(e.lower() for e in p.encryption),
                             frozenset(i.lower() for i in p.integrity),
                             frozenset(x.lower() for x in p.prf), frozenset(p.group)))
    return (tuple(props),) if props else None


def _v1_policies(device: Device) -> tuple[V1Variants | None, Span | None]:
    crypto = device.crypto
    if crypto.isakmp_policies:
        v1 = (frozenset((_norm_encr(str(p.effective("encryption"))), str(p.effective("hash")).lower(),
                         str(p.effective("authentication")).lower(), int(p.effective("group")))
                        for p in crypto.isakmp_policies),)
        return v1, first_line(crypto.isakmp_policies[0].span)
    if crypto.isakmp_default_policy:
        return _release_variants(device, _V1_DEFAULT_CLASSIC, _V1_DEFAULT_XE), None
    return None, None


def _ike_of(network: Network, ref: TunnelRef) -> _Ike | None:
    """The IKE view of a protected tunnel; None when unprotected or not decidable."""
    tunnel = ref.interface.tunnel
    if tunnel is None or tunnel.protection is None:
        return None
    prot = tunnel.protection
    device = ref.device
    crypto = device.crypto
    span = tunnel.at("protection")
    fvrf = tunnel.vrf
    local = network.local_nbma(ref)
    nbma = local if local is not None and local != "dynamic" else None
    ipsec = crypto.ipsec_profile(prot.profile) if prot.profile else None
    ikev2_name, isakmp_name = ike_profile_names(prot, ipsec)
    if prot.psk is not None:
        version: Literal[1, 2] = 2
        v2_name = None
    else:
        if ipsec is None:
            return None  # DMV301
        v2_name = ikev2_name
        version = 2 if v2_name else 1
    # IKEv1 policies (device-wide), and IKEv2 proposals per F-VRF and local address: the same
    # for every tunnel of a device that shares them.
    v1, v1_span = network.memo(f"v1policies {device.key}", lambda: _v1_policies(device))
    v2 = network.memo(f"v2proposals {device.key} {fvrf} {nbma}", lambda: _v2_proposals(device, fvrf, nbma))
    v2_span = first_line(crypto.ikev2_proposals[0].span) if crypto.ikev2_proposals else None
    v2_profile = crypto.ikev2_profile(v2_name) if v2_name else None
    # Transform sets of the profile.
    tsets: frozenset[frozenset[str]] | None = None
    tset_span: Span | None = None
    if ipsec is not None:
        found = [t for name in ipsec.transform_sets if (t := crypto.transform_set(name)) is not None]
        if found:
            # Compression is optional in negotiation: it never decides whether two sets match.
            tsets = frozenset(frozenset(_norm_transform(x) for x in t.transforms
                                        if not x.lower().startswith("comp-")) for t in found)
            tset_span = first_line(found[0].span)
    if prot.psk is not None:
        secret = prot.psk.get_secret_value()
        k = _Key(secret, secret, True, span)
        keys: tuple[_KeyEntry, ...] = ((IPv4Network("0.0.0.0/0"), k), (IPv6Network("::/0"), k))
        psk_local = psk_remote = True
    elif version == 2:
        # Tunnels of one device that share an IKEv2 profile share its key table.
        keys = network.memo(f"v2keys {device.key} {v2_name}", lambda: _v2_keys(device, v2_profile))
        psk_local = v2_profile is not None and "pre-share" in v2_profile.authentication_local
        psk_remote = v2_profile is not None and "pre-share" in v2_profile.authentication_remote
    else:
        # Tunnels of one device share their key table: decrypt and index it once.
        keys = network.memo(f"v1keys {device.key} {isakmp_name} {fvrf}",
                            lambda: _v1_keys(device, isakmp_name, fvrf))
        psk_local = psk_remote = False
    psk_v1 = any(p[2] == "pre-share" for variant in (v1 or ()) for p in variant)
    return _Ike(ref=ref, version=version, fvrf=fvrf, span=span, ipsec=ipsec, v1=v1, v1_span=v1_span, v2=v2,
                v2_span=v2_span, tsets=tsets, tset_span=tset_span, v2_profile=v2_profile, keys=keys,
                psk_v1=psk_v1, psk_local=psk_local, psk_remote=psk_remote)


Verdict = Literal["ok", "none", "depends"]


def _overlap(a: Iterable[S] | None, b: Iterable[S] | None, meet: Callable[[S, S], bool]) -> Verdict | None:
    """Whether every / no combination of the two sides' release variants shares a proposal."""
    if a is None or b is None:
        return None
    results = {meet(x, y) for x in a for y in b}
    if results == {True}:
        return "ok"
    if results == {False}:
        return "none"
    return "depends" if results else None


def _v1_meet(x: frozenset[_V1], y: frozenset[_V1]) -> bool:
    return bool(x & y)


def _v2_meet(x: tuple[_V2, ...], y: tuple[_V2, ...]) -> bool:
    return any(p.overlaps(q) for p in x for q in y)


def _v1_text(variants: V1Variants | None) -> str:
    if not variants:
        return "none"
    items = sorted(variants[0], key=str)
    shown = ", ".join(f"{e}/{h}/{a}/group {g}" for e, h, a, g in items[:3])
    return shown + (f" (+{len(items) - 3})" if len(items) > 3 else "")


def _v2_text(variants: V2Variants | None) -> str:
    if not variants:
        return "none"
    items = variants[0]
    return ", ".join(p.text() for p in items[:3]) + (f" (+{len(items) - 3})" if len(items) > 3 else "")


def _v1_defaults(ike: _Ike) -> bool:
    return not ike.ref.device.crypto.isakmp_policies


def _v2_defaults(ike: _Ike) -> bool:
    return ike.v2 is not None and len(ike.v2) >= 1 and any(
        p in (_V2_DEFAULT_IOS, _V2_DEFAULT_XE) for variant in ike.v2 for p in variant)


@dataclass(frozen=True)
class _Pair:
    """Two protected tunnels that negotiate IKE with each other."""

    a: _Ike  # initiator: the spoke
    b: _Ike  # responder: the hub, or another spoke
    spoke_to_spoke: bool


def _all_ikes(network: Network) -> dict[TunnelRef, _Ike]:
    out: dict[TunnelRef, _Ike] = {}
    for t in network.tunnels:
        ike = _ike_of(network, t)
        if ike is not None:
            out[t] = ike
    return out


def _cloud_ikes(network: Network, cloud: Cloud) -> dict[TunnelRef, _Ike]:
    """The IKE view of the cloud's protected tunnels (computed once per network for DMV512-516)."""
    ikes = network.memo("dmv5xx-ike", lambda: _all_ikes(network))
    return {t: ikes[t] for t in cloud.tunnels if t in ikes}


def _hub_pairs(network: Network, cloud: Cloud, ikes: dict[TunnelRef, _Ike]) -> Iterator[_Pair]:
    for spoke in cloud.spokes:
        a = ikes.get(spoke)
        if a is None:
            continue
        for hub in network.linked_hubs(spoke):
            b = ikes.get(hub)
            if b is not None:
                yield _Pair(a, b, False)


def _spoke_phase(cloud: Cloud, spokes: Sequence[TunnelRef]) -> int | None:
    """The phase spoke-to-spoke IKE happens in: 2 or 3; None when spokes never talk directly."""
    if cloud.phase == 3 or any(n.shortcut is True for s in spokes for n in s.interface.nhrp_families()):
        return 3
    return 2 if cloud.phase == 2 else None


def _spoke_severity(phase: int) -> Severity | None:
    # Phase 3: the shortcut fails and traffic stays on the hub path; Phase 2: it is dropped.
    return Severity.WARNING if phase == 3 else None


def _groups(ikes: Sequence[_Ike], signature: Callable[[_Ike], Hashable]) -> list[list[_Ike]]:
    """Spokes grouped by an identical signature, largest group first."""
    by: dict[Hashable, list[_Ike]] = {}
    for ike in ikes:
        by.setdefault(signature(ike), []).append(ike)
    return sorted(by.values(), key=len, reverse=True)


def _group_pairs(groups: list[list[_Ike]]) -> Iterator[tuple[list[_Ike], list[_Ike]]]:
    """Pairs of distinct groups; beyond _MAX_GROUPS, the rest only meet the biggest groups."""
    for i, g in enumerate(groups):
        for h in groups[:min(i, _MAX_GROUPS)]:
            yield h, g


def _s2s(network: Network, cloud: Cloud, ikes: dict[TunnelRef, _Ike]) -> tuple[int | None, list[_Ike]]:
    spokes = [s for s in _spokes(network, cloud) if s.interface.is_mgre and s in ikes]
    return _spoke_phase(cloud, spokes), [ikes[s] for s in spokes]


# ------------------------------------------------------------------ DMV512-516


def _v1_capable(device: Device) -> bool:
    c = device.crypto
    return bool(c.isakmp_policies or c.isakmp_keys or c.keyrings or c.isakmp_profiles or c.trustpoints)


def _v2_capable(device: Device) -> bool:
    return bool(device.crypto.ikev2_profiles)


def _version_mismatch(pair: _Pair) -> bool:
    dev = pair.b.ref.device
    return not (_v2_capable(dev) if pair.a.version == 2 else _v1_capable(dev))


_SpokeCheck = Callable[[list[_Ike], int, set[TunnelRef]], Iterator[Finding]]


def _ike_findings(network: Network, hub: Callable[[_Pair], Finding | None], spokes: _SpokeCheck | None = None,
                  version: int | None = None) -> Iterator[Finding]:
    """The findings of one IKE rule, cloud by cloud.

    ``hub`` judges every spoke-hub pair; the spokes it reports are flagged. Then, where spokes
    talk to each other directly (Phase 2/3), ``spokes`` judges the cloud's mGRE spokes, given
    the phase and the flagged set. ``version``: only tunnels negotiating that IKE version.
    """
    for cloud in network.clouds:
        ikes = _cloud_ikes(network, cloud)
        if version is not None:
            ikes = {t: i for t, i in ikes.items() if i.version == version}
        if not ikes:
            continue
        flagged: set[TunnelRef] = set()
        for pair in _hub_pairs(network, cloud, ikes):
            finding = hub(pair)
            if finding is not None:
                flagged.add(pair.a.ref)
                yield finding
        if spokes is None:
            continue
        phase, members = _s2s(network, cloud, ikes)
        if phase is not None:
            yield from spokes(members, phase, flagged)


def _group_findings(spokes: list[_Ike], phase: int, flagged: set[TunnelRef],
                    signature: Callable[[_Ike], Hashable],
                    check: Callable[[_Pair, int | None], Finding | None],
                    same_version: bool = False) -> Iterator[Finding]:
    """Spoke-to-spoke findings by group of identical ``signature``: a group's members are checked one by
    one against an earlier group only when the two groups' first members fail ``check``."""
    for g1, g2 in _group_pairs(_groups(spokes, signature)):
        if same_version and g1[0].version != g2[0].version:
            continue
        if check(_Pair(g2[0], g1[0], True), phase) is None:
            continue
        for ike in g2:
            finding = check(_Pair(ike, g1[0], True), phase)
            if ike.ref not in flagged and finding is not None:
                flagged.add(ike.ref)
                yield finding


@rule("DMV512", "ike-proposal-no-overlap", Severity.ERROR, Scope.NETWORK)
def ike_proposal_no_overlap(network: Network) -> Iterator[Finding]:
    """Two peers of a cloud have no IKE policy / proposal in common.

    IKE needs one proposal both peers accept: IKEv1 a policy with equal encryption, hash, authentication
    and DH group (IOS defaults filled in for omitted fields); IKEv2 a common encryption, integrity/PRF
    and group among the proposals of the policies that match. A peer with no configured policy uses its
    release's defaults; when the release is unknown and the outcome depends on it, the finding is info.
    Spokes are compared with each other in Phase 2/3, grouped by identical configuration: warning in
    Phase 3, where the shortcut fails and traffic stays on the hub path.

    **Bad**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 19
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```
    """
    def hub(pair: _Pair) -> Finding | None:
        return None if _version_mismatch(pair) else _proposal_finding(pair, None)  # else DMV515

    def sig(ike: _Ike) -> Hashable:
        return (ike.version, ike.v1 if ike.version == 1 else ike.v2)

    def spokes(members: list[_Ike], phase: int, flagged: set[TunnelRef]) -> Iterator[Finding]:
        return _group_findings(members, phase, flagged, sig, _proposal_finding, same_version=True)

    yield from _ike_findings(network, hub, spokes)


def _proposal_finding(pair: _Pair, phase: int | None) -> Finding | None:
    a, b = pair.a, pair.b
    if a.version == 1:
        verdict = _overlap(a.v1, b.v1, _v1_meet)
        what, a_text, b_text = "ISAKMP policies", _v1_text(a.v1), _v1_text(b.v1)
        a_span, b_span = a.v1_span, b.v1_span
        defaults = [i.ref.device.name for i in (a, b) if _v1_defaults(i)]
    else:
        verdict = _overlap(a.v2, b.v2, _v2_meet)
        what, a_text, b_text = "IKEv2 proposals", _v2_text(a.v2), _v2_text(b.v2)
        a_span, b_span = a.v2_span, b.v2_span
        defaults = [i.ref.device.name for i in (a, b) if _v2_defaults(i)]
    if verdict in (None, "ok"):
        return None
    kind = "spoke" if pair.spoke_to_spoke else "hub"
    related = (Related(span=b_span or b.span, message=f"{b.ref.label}: {what} {b_text}"),)
    if verdict == "depends":
        return Finding(
            message=f"whether {a.ref.label} and {kind} {b.ref.label} share an IKE proposal depends on the "
                    f"IOS release: {', '.join(defaults)} rely on the release's default {what}, and the "
                    "release is not known (no 'version' line)",
            span=a_span or a.span, related=related, severity=Severity.INFO,
            help=f"configure explicit {what} on every node",
        )
    suffix = ""
    if pair.spoke_to_spoke:
        suffix = (": spoke-to-spoke shortcuts fail and traffic stays on the hub path" if phase == 3
                  else ": spoke-to-spoke tunnels cannot be built")
    else:
        suffix = ": IKE cannot complete, the spoke never reaches the hub"
    return Finding(
        message=f"{a.ref.label} offers {what} {a_text} and {kind} {b.ref.label} accepts {b_text}: "
                f"no proposal in common{suffix}"
                + (f" ({', '.join(defaults)} use the default {what})" if defaults else ""),
        span=a_span or a.span, related=related,
        severity=_spoke_severity(phase) if pair.spoke_to_spoke and phase else None,
        help=f"configure at least one common {'policy' if a.version == 1 else 'proposal'} on every node",
    )


def _tset_text(tsets: frozenset[frozenset[str]] | None) -> str:
    if not tsets:
        return "none"
    return "; ".join(" ".join(sorted(t)) for t in sorted(tsets, key=sorted)[:3])


@rule("DMV513", "ipsec-transform-no-overlap", Severity.ERROR, Scope.NETWORK)
def ipsec_transform_no_overlap(network: Network) -> Iterator[Finding]:
    """Two peers of a cloud have no IPsec transform-set in common.

    The IPsec SA needs one transform-set with the same cipher, key length and integrity on both ends; a
    different `mode` alone does not break it (DMV303). Spokes are compared with each other in Phase 2/3
    (warning in Phase 3). A profile without a transform-set uses release defaults and is DMV302's.

    **Bad**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 128 esp-sha-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```
    """
    def spokes(members: list[_Ike], phase: int, flagged: set[TunnelRef]) -> Iterator[Finding]:
        return _group_findings(members, phase, flagged, lambda i: i.tsets, _tset_finding)

    yield from _ike_findings(network, lambda pair: _tset_finding(pair, None), spokes)


def _tset_finding(pair: _Pair, phase: int | None) -> Finding | None:
    a, b = pair.a, pair.b
    if a.tsets is None or b.tsets is None or a.tsets & b.tsets:
        return None
    kind = "spoke" if pair.spoke_to_spoke else "hub"
    return Finding(
        message=f"{a.ref.label}'s IPsec profile offers transform-sets ({_tset_text(a.tsets)}) and {kind} "
                f"{b.ref.label}'s ({_tset_text(b.tsets)}) share none: the IPsec SA cannot be negotiated"
                + ((" and spoke-to-spoke traffic stays on the hub path" if phase == 3 else "")
                   if pair.spoke_to_spoke else ""),
        span=a.tset_span or a.span,
        related=(Related(span=b.tset_span or b.span, message=f"{b.ref.label}: {_tset_text(b.tsets)}"),),
        severity=_spoke_severity(phase) if pair.spoke_to_spoke and phase else None,
        help="use one common transform-set (same cipher, key length and integrity) on every node",
    )


def _peer_address(network: Network, ike: _Ike) -> IPAddress | None:
    nbma = network.public_nbma(ike.ref)
    return nbma if nbma is not None and nbma != "dynamic" else None


def _uses_psk(a: _Ike, b: _Ike) -> tuple[bool, bool]:
    """(a authenticates to b by PSK, b authenticates to a by PSK)."""
    if a.version == 1:
        both = a.psk_v1 and b.psk_v1
        return both, both
    return a.psk_local and b.psk_remote, b.psk_local and a.psk_remote


def _key_problem(a: _Ike, ka: _Key | None, b: _Ike, kb: _Key | None) -> Literal["mismatch", "missing"] | None:
    """Compare what a selects for b (ka) with what b selects for a (kb)."""
    if ka is None or kb is None or not (ka.clear and kb.clear):
        return None
    a_to_b, b_to_a = _uses_psk(a, b)
    checks = []
    if a_to_b:
        checks.append((ka.local, kb.remote))
    if b_to_a:
        checks.append((kb.local, ka.remote))
    if any(x is not None and y is not None and x != y for x, y in checks):
        return "mismatch"
    if any(x is None or y is None for x, y in checks):
        return "missing"
    return None


@rule("DMV514", "psk-mismatch", Severity.ERROR, Scope.NETWORK)
def psk_mismatch(network: Network) -> Iterator[Finding]:
    """Two peers of a cloud select different pre-shared keys for each other.

    With pre-shared keys each peer selects a key for the other by address: IKEv1 the longest-prefix
    keyring entry of the tunnel's F-VRF (or the global key table), IKEv2 the profile's keyring peer
    (local and remote keys) or inline key. Different keys make IKE authentication fail. Only clear (type
    0) keys are compared, never printed. Between spokes (Phase 2/3), a spoke without a key covering
    another spoke is reported too: error in Phase 2, warning in Phase 3, where traffic stays on the hub
    path. A spoke without a key for its hub is DMV312's.

    **Bad**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key KEY-A address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key KEY-B address 203.0.113.1
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```
    """
    def hub(pair: _Pair) -> Finding | None:
        a, b = pair.a, pair.b
        if a.version != b.version and _version_mismatch(pair):
            return None
        ka, kb = a.key_for(_peer_address(network, b)), b.key_for(_peer_address(network, a))
        if _key_problem(a, ka, b, kb) != "mismatch":  # a missing hub key is DMV312's
            return None
        return Finding(
            message=f"{a.ref.label} and hub {b.ref.label} select different pre-shared keys for each "
                    "other: IKE authentication fails",
            span=(ka.span if ka is not None and ka.span else a.span),
            related=(Related(span=kb.span if kb is not None and kb.span else b.span,
                             message=f"{b.ref.label}: the key it selects for {a.ref.device.name}"),),
            help="configure the same pre-shared key on both ends",
        )

    def spokes(members: list[_Ike], phase: int, flagged: set[TunnelRef]) -> Iterator[Finding]:
        return _s2s_keys(network, [s for s in members if s.ref not in flagged], phase)

    yield from _ike_findings(network, hub, spokes)


def _s2s_keys(network: Network, spokes: list[_Ike], phase: int) -> Iterator[Finding]:
    """Spoke-to-spoke keys without comparing all pairs of spokes.

    Spokes with an identical key table select identical keys, so each group's table is
    applied once to every spoke (groups x spokes lookups), and the keys a group selects for
    another group's members are counted by value. A spoke has a problem when some other
    spoke's value disagrees with what that spoke's group selects for it.
    """
    groups = _groups(spokes, _Ike.table_signature)[:_MAX_GROUPS]
    address = {s.ref: _peer_address(network, s) for g in groups for s in g}
    selected = [{s.ref: g[0].key_for(address[s.ref]) for h in groups for s in h} for g in groups]
    # counts[gi][gj]: value g_i selects for members of g_j -> up to two example members.
    counts: list[list[dict[tuple[str | None, str | None, bool] | None, list[_Ike]]]] = []
    for gi in range(len(groups)):
        row = []
        for h in groups:
            values: dict[tuple[str | None, str | None, bool] | None, list[_Ike]] = {}
            for o in h:
                k = selected[gi][o.ref]
                examples = values.setdefault(k.pair if k is not None else None, [])
                if len(examples) < 2:
                    examples.append(o)
            row.append(values)
        counts.append(row)
    for gi, g in enumerate(groups):
        for s in g:
            problem: tuple[Literal["mismatch", "missing"], _Ike] | None = None
            for gj in range(len(groups)):
                theirs = selected[gj][s.ref]  # what g_j's members select for s
                for value, examples in counts[gi][gj].items():
                    other = next((o for o in examples if o.ref != s.ref), None)
                    if other is None or other.version != s.version:
                        continue
                    mine = _Key(*value, span=None) if value is not None else None
                    p = _key_problem(s, mine, other, theirs)
                    if p == "mismatch" or (p == "missing" and problem is None):
                        problem = (p, other)
                    if p == "mismatch":
                        break
                if problem is not None and problem[0] == "mismatch":
                    break
            if problem is None:
                continue
            kind, other = problem
            if kind == "mismatch":
                message = (f"spokes {s.ref.label} and {other.ref.label} select different pre-shared keys for "
                           "each other")
            else:
                message = (f"spokes {s.ref.label} and {other.ref.label} lack a pre-shared key covering each "
                           "other's NBMA address")
            message += (": the Phase 3 shortcut fails and traffic stays on the hub path" if phase == 3
                        else ": spoke-to-spoke tunnels cannot authenticate")
            own = s.key_for(address[other.ref])
            yield Finding(
                message=message,
                span=own.span if own is not None and own.span is not None else s.span,
                related=(Related(span=other.span, message=f"{other.ref.label}: tunnel protection"),),
                severity=_spoke_severity(phase),
                help="give every spoke the same key for the other spokes' NBMA addresses (a wildcard key)",
            )


@rule("DMV515", "ike-version-mismatch", Severity.ERROR, Scope.NETWORK)
def ike_version_mismatch(network: Network) -> Iterator[Finding]:
    """A spoke negotiates an IKE version its hub cannot answer.

    A spoke whose IPsec profile starts IKEv2 needs a hub with an IKEv2 profile to answer it; a spoke
    that starts IKEv1 needs ISAKMP policies, keys or a PKI trustpoint on the hub.

    **Bad**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ikev2 policy POL
     proposal PROP
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key DMVPN-KEY
    crypto ikev2 profile IKEV2-DMVPN
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ikev2 policy POL
     proposal PROP
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key DMVPN-KEY
    crypto ikev2 profile IKEV2-DMVPN
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ikev2 policy POL
     proposal PROP
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key DMVPN-KEY
    crypto ikev2 profile IKEV2-DMVPN
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```
    """
    def hub(pair: _Pair) -> Finding | None:
        if not _version_mismatch(pair):
            return None
        a, b = pair.a, pair.b
        if a.version == 2:
            why = f"{b.ref.device.name} has no 'crypto ikev2 profile' to answer it"
        else:
            why = f"{b.ref.device.name} has no ISAKMP policy, key, keyring or PKI trustpoint to answer it"
        return Finding(
            message=f"{a.ref.label} negotiates IKEv{a.version} with hub {b.ref.label}, but {why}: "
                    "IKE never completes",
            span=a.span,
            related=(Related(span=b.span, message=f"{b.ref.label}: tunnel protection "
                                                  f"(IKEv{b.version})"),),
            help="use the same IKE version on every node of the cloud",
        )

    yield from _ike_findings(network, hub)


Identity = tuple[str, str | IPAddress | None]


def _identity(network: Network, ike: _Ike) -> Identity:
    """The IKEv2 identity the tunnel sends: ``identity local``, else its NBMA address (None: dynamic)."""
    profile = ike.v2_profile
    if profile is not None and profile.identity_local:
        words = profile.identity_local.split()
        kind = words[0].lower()
        if kind == "address" and len(words) > 1:
            try:
                return ("address", ip_address(words[1]))
            except ValueError:
                return ("unknown", None)
        if kind in ("fqdn", "email", "key-id") and len(words) > 1:
            return (kind, words[1] if kind == "key-id" else words[1].lower())
        return ("unknown", None)
    local = network.local_nbma(ike.ref)  # the address before NAT is what the peer sees as identity
    return ("address", local if local is not None and local != "dynamic" else None)


def _identity_text(identity: Identity) -> str:
    kind, value = identity
    return f"{kind} {value}" if value is not None else f"a dynamic {kind}"


def _match(entry: str, identity: Identity) -> bool | None:
    """Whether one ``match identity remote`` entry covers an identity (None: cannot tell)."""
    words = entry.split()
    kind = words[0].lower() if words else ""
    ikind, value = identity
    if kind == "any":
        return True
    if ikind == "unknown":
        return None
    if kind == "address":
        if ikind != "address":
            return False
        try:
            args = words[1:]
            if args and args[0].lower() == "ipv6":
                net: IPv4Network | IPv6Network = ip_network(args[1], strict=False)
            elif len(args) >= 2:
                net = ip_network(f"{args[0]}/{args[1]}", strict=False)
            else:
                host = ip_address(args[0])
                # 'address 0.0.0.0' is the IKEv2 wildcard.
                net = ip_network("0.0.0.0/0") if host == IPv4Address("0.0.0.0") else ip_network(host)
        except (ValueError, IndexError):
            return None
        if value is None:
            return True if net.prefixlen == 0 else None
        return isinstance(value, IPv4Address | IPv6Address) and value.version == net.version and value in net
    if kind in ("fqdn", "email"):
        if ikind != kind:
            return False
        if value is None or len(words) < 2:
            return None
        if words[1].lower() == "domain" and len(words) > 2:
            return str(value).endswith(words[2].lower())
        return str(value) == words[1].lower()
    if kind == "key-id":
        return ikind == "key-id" and len(words) > 1 and value == words[1]
    return None


def _responder_profiles(ike: _Ike) -> list[Ikev2Profile]:
    """The responder's IKEv2 profiles usable in its tunnel's front-door VRF."""
    return [p for p in ike.ref.device.crypto.ikev2_profiles if fvrf_matches(p.match_fvrf, ike.fvrf)]


def _covered(profiles: Sequence[Ikev2Profile], identity: Identity) -> bool | None:
    results = {_match(m, identity) for p in profiles for m in p.match_identity_remote}
    if True in results:
        return True
    return None if None in results else False


def _match_text(profiles: Sequence[Ikev2Profile]) -> str:
    entries = [m for p in profiles for m in p.match_identity_remote]
    if not entries:
        return "no 'match identity remote' in the tunnel's front-door VRF"
    return "only " + "; ".join(entries[:3]) + (" ..." if len(entries) > 3 else "")


def _profile_span(ike: _Ike, profiles: Sequence[Ikev2Profile]) -> Span:
    profile = ike.v2_profile if ike.v2_profile in profiles else (profiles[0] if profiles else ike.v2_profile)
    if profile is None:
        return ike.span
    return profile.spans.get("match_identity_remote") or first_line(profile.span)


@rule("DMV516", "ikev2-remote-identity-unmatched", Severity.ERROR, Scope.NETWORK)
def ikev2_remote_identity_unmatched(network: Network) -> Iterator[Finding]:
    """No IKEv2 profile of the responder matches the initiator's identity.

    The IKEv2 responder chooses its profile by `match identity remote` (and `match fvrf`); the initiator
    sends its NBMA address as identity unless `identity local` says otherwise. If no profile matches,
    the responder refuses the SA. Spokes are checked as each other's responders in Phase 2/3 (warning in
    Phase 3).

    **Bad**

    ```ios
    hostname hub
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ikev2 policy POL
     proposal PROP
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key DMVPN-KEY
    crypto ikev2 profile IKEV2-DMVPN
     match identity remote address 198.51.100.0 255.255.255.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ikev2 policy POL
     proposal PROP
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key DMVPN-KEY
    crypto ikev2 profile IKEV2-DMVPN
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    interface GigabitEthernet0/0
     ip address 192.0.2.9 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ikev2 policy POL
     proposal PROP
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key DMVPN-KEY
    crypto ikev2 profile IKEV2-DMVPN
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ikev2 policy POL
     proposal PROP
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key DMVPN-KEY
    crypto ikev2 profile IKEV2-DMVPN
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    interface GigabitEthernet0/0
     ip address 192.0.2.9 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```
    """
    def hub(pair: _Pair) -> Finding | None:
        a, b = pair.a, pair.b
        if not _v2_capable(b.ref.device):
            return None  # DMV515
        profiles = _responder_profiles(b)
        identity = _identity(network, a)
        if _covered(profiles, identity) is not False:
            return None
        return Finding(
            message=f"{a.ref.label} identifies as {_identity_text(identity)} but hub {b.ref.label} "
                    f"matches {_match_text(profiles)}: the hub finds no IKEv2 profile for the spoke",
            span=_profile_span(a, [a.v2_profile] if a.v2_profile else []) if a.v2_profile
            and a.v2_profile.identity_local else _source_span(a.ref),
            related=(Related(span=_profile_span(b, profiles),
                             message=f"{b.ref.device.name}: match identity remote"),),
            help="widen the hub's 'match identity remote' ('address 0.0.0.0') or align identities",
        )

    def spokes(members: list[_Ike], phase: int, flagged: set[TunnelRef]) -> Iterator[Finding]:
        return _s2s_identity(network, [s for s in members if s.ref not in flagged], phase)

    yield from _ike_findings(network, hub, spokes, version=2)


def _s2s_identity(network: Network, spokes: list[_Ike], phase: int) -> Iterator[Finding]:
    """Each responder group's profiles are tried once on every spoke's identity (groups x spokes)."""
    def signature(ike: _Ike) -> Hashable:
        return tuple((p.match_fvrf, p.match_identity_remote) for p in _responder_profiles(ike))

    identities = {s.ref: _identity(network, s) for s in spokes}
    for group in _groups(spokes, signature)[:_MAX_GROUPS]:
        profiles = _responder_profiles(group[0])
        unmatched = [s for s in spokes if _covered(profiles, identities[s.ref]) is False][:2]
        for r in group:
            other = next((s for s in unmatched if s.ref != r.ref), None)
            if other is None:
                continue
            yield Finding(
                message=f"spoke {r.ref.label} matches {_match_text(profiles)} but spoke {other.ref.label} "
                        f"identifies as {_identity_text(identities[other.ref])}"
                        + (": the Phase 3 shortcut fails and traffic stays on the hub path" if phase == 3
                           else ": spoke-to-spoke tunnels cannot be built"),
                span=_profile_span(r, _responder_profiles(r)),
                related=(Related(span=_source_span(other.ref), message=f"{other.ref.label}: tunnel source"),),
                severity=_spoke_severity(phase),
                help="match the other spokes' identities too ('match identity remote address 0.0.0.0')",
            )


# ------------------------------------------------------------------ DMV517-518


def _protected(t: TunnelRef) -> bool:
    if t.interface.tunnel is not None and t.interface.tunnel.protection is not None:
        return True
    src = t.device.source_interface(t.interface)
    return src is not None and src.crypto_map is not None


@rule("DMV517", "protection-inconsistent", Severity.ERROR, Scope.NETWORK)
def protection_inconsistent(network: Network) -> Iterator[Finding]:
    """Some tunnels of a cloud are IPsec-protected and others are not.

    A protected tunnel sends and accepts only encrypted GRE; an unprotected peer sends clear GRE that
    the protected side drops, and cannot decrypt what it receives. A crypto map on the tunnel source
    counts as protection.

    **Bad**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```

    **Good**

    ```ios
    hostname hub
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ! --- next device ---
    hostname spoke1
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key DMVPN-KEY address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
     tunnel protection ipsec profile DMVPN
    ```
    """
    for cloud in network.clouds:
        for odd, ref, a, _b in _mismatches(network, cloud, _protected):
            if a:
                message = (f"{odd.label} is IPsec-protected but {_role_phrase(network, odd, ref)} has "
                           "neither 'tunnel protection' nor a crypto map on its source")
            else:
                message = (f"{odd.label} has neither 'tunnel protection' nor a crypto map on its source but "
                           f"{_role_phrase(network, odd, ref)} is IPsec-protected")
            yield Finding(
                message=message + ": the two ends cannot exchange GRE traffic",
                span=_tunnel_span(odd, "protection"),
                related=(Related(span=_tunnel_span(ref, "protection"),
                                 message=f"{ref.label}: {'protected' if not a else 'not protected'}"),),
                help="protect every tunnel of the cloud (or none)",
            )


@rule("DMV518", "transport-family-inconsistent", Severity.ERROR, Scope.NETWORK)
def transport_family_inconsistent(network: Network) -> Iterator[Finding]:
    """A spoke reaches its hub over IPv6 while the hub's tunnel uses IPv4 transport, or vice versa.

    The NBMA address a spoke uses for its hub must be of the hub tunnel's transport family: `tunnel mode
    gre multipoint` is IPv4 transport, `tunnel mode gre multipoint ipv6` IPv6.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ipv6 address 2001:DB8:0:FFFF:2::2/64
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 2001:DB8:0:FFFF:1::1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint ipv6
     tunnel key 100
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ipv6 address 2001:DB8:0:FFFF:1::1/64
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint ipv6
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ipv6 address 2001:DB8:0:FFFF:2::2/64
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 2001:DB8:0:FFFF:1::1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint ipv6
     tunnel key 100
    ```
    """
    for spoke, link, hub in _hub_links(network):
        if link.nbma is None or hub.interface.tunnel is None:
            continue
        hub_v6 = hub.interface.tunnel.mode.ipv6_transport
        if (link.nbma.version == 6) == hub_v6:
            continue
        yield Finding(
            message=f"{spoke.label} reaches {hub.label} at IPv{link.nbma.version} NBMA {link.nbma}, "
                    f"but the hub's tunnel uses IPv{6 if hub_v6 else 4} transport "
                    f"('tunnel mode {hub.interface.tunnel.mode.value}')",
            span=link.nbma_span or link.span,
            related=(Related(span=_tunnel_span(hub, "mode"),
                             message=f"{hub.label}: tunnel mode {hub.interface.tunnel.mode.value}"),),
            help="use the same transport family on both ends",
        )


# ------------------------------------------------------------------ DMV519-520 (BGP)


@rule("DMV519", "bgp-spoke-peering-mismatch", Severity.ERROR, Scope.NETWORK)
def bgp_spoke_peering_mismatch(network: Network) -> Iterator[Finding]:
    """A spoke's BGP session to its hub has no matching neighbour, listen range or AS on the hub.

    A spoke peers with the hub's tunnel address; the hub must accept it by a `neighbor` statement or a
    `bgp listen range` containing the spoke's tunnel address, with the AS numbers matching both ways.
    When the hub's configuration has no `router bgp` (it may live in another file) the rule stays
    silent.

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
     tunnel key 100
    router bgp 65000
     bgp listen range 10.0.0.0/25 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
     address-family ipv4
      neighbor SPOKES activate
      neighbor SPOKES route-reflector-client
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.200 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router bgp 65000
     neighbor 10.0.0.1 remote-as 65000
     address-family ipv4
      neighbor 10.0.0.1 activate
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
     tunnel key 100
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
     address-family ipv4
      neighbor SPOKES activate
      neighbor SPOKES route-reflector-client
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.200 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router bgp 65000
     neighbor 10.0.0.1 remote-as 65000
     address-family ipv4
      neighbor 10.0.0.1 activate
    ```
    """
    for cloud in network.clouds:
        hub_at: dict[IPAddress, TunnelRef] = {a: h for h in cloud.hubs for a in _own_addresses(h.interface)}
        for spoke in _spokes(network, cloud):
            bgp = spoke.device.routing.bgp
            if bgp is None:
                continue
            for n in bgp.neighbors:
                address = ip_literal(n.id) if not n.is_peer_group else None
                hub = hub_at.get(address) if address is not None else None
                if hub is None or address is None:
                    continue
                hub_bgp = hub.device.routing.bgp
                if hub_bgp is None:
                    continue  # the hub's BGP may live in another file
                spoke_address = _tunnel_address(spoke, address.version)
                if spoke_address is None:
                    continue
                eff = bgp.effective(n)
                span = bgp_neighbor_span(n, "remote_as")
                peer = hub_bgp.neighbor(str(spoke_address))
                target = None
                if peer is not None and not peer.is_peer_group:
                    target, where = hub_bgp.effective(peer), peer.span
                    how = f"neighbor {spoke_address}"
                else:
                    rng = next((r for r in hub_bgp.listen_ranges if spoke_address in r.prefix), None)
                    if rng is not None:
                        target = hub_bgp.neighbor(rng.peer_group)
                        where, how = rng.span, f"listen range {rng.prefix} (peer-group {rng.peer_group})"
                if target is None:
                    ranges = ", ".join(str(r.prefix) for r in hub_bgp.listen_ranges) or "none"
                    yield Finding(
                        message=f"{spoke.device.name} peers with hub {hub.device.name} at {address}, but the "
                                f"hub has neither 'neighbor {spoke_address}' nor a listen range containing "
                                f"{spoke_address} (listen ranges: {ranges})",
                        span=span,
                        related=(Related(span=first_line(hub_bgp.span),
                                         message=f"{hub.device.name}: router bgp {hub_bgp.asn}"),),
                        help="widen the hub's 'bgp listen range' or add the neighbour",
                    )
                    continue
                problems = []
                if eff.remote_as is not None and eff.remote_as != hub_bgp.asn:
                    problems.append(f"{spoke.device.name} expects remote-as {eff.remote_as} but the hub is "
                                    f"AS {hub_bgp.asn}")
                accepted = {a for a in (target.remote_as, *target.alternate_as) if a is not None}
                if accepted and bgp.asn not in accepted:
                    problems.append(f"the hub's {how} accepts AS {', '.join(sorted(accepted))} but "
                                    f"{spoke.device.name} is AS {bgp.asn}")
                if problems:
                    yield Finding(
                        message="; ".join(problems) + ": the BGP session never establishes",
                        span=span,
                        related=(Related(span=where, message=f"{hub.device.name}: {how}"),),
                        help="align the AS numbers on both ends",
                    )


_DEFAULT_LISTEN_LIMIT = 100  # rules.md §6 item 6


@rule("DMV520", "bgp-listen-limit-too-low", Severity.WARNING, Scope.NETWORK)
def bgp_listen_limit_too_low(network: Network) -> Iterator[Finding]:
    """More spokes fall in a hub's BGP listen ranges than its ``bgp listen limit`` admits.

    `bgp listen limit` caps the dynamic neighbours a hub accepts (100 when not configured, rules.md §6
    item 6); spokes beyond the limit never peer.

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
     tunnel key 100
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     bgp listen limit 1
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
     address-family ipv4
      neighbor SPOKES activate
      neighbor SPOKES route-reflector-client
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router bgp 65000
     neighbor 10.0.0.1 remote-as 65000
     address-family ipv4
      neighbor 10.0.0.1 activate
    ! --- next device ---
    hostname spoke2
    interface GigabitEthernet0/0
     ip address 198.51.100.3 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router bgp 65000
     neighbor 10.0.0.1 remote-as 65000
     address-family ipv4
      neighbor 10.0.0.1 activate
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
     tunnel key 100
    router bgp 65000
     bgp listen range 10.0.0.0/24 peer-group SPOKES
     bgp listen limit 200
     neighbor SPOKES peer-group
     neighbor SPOKES remote-as 65000
     address-family ipv4
      neighbor SPOKES activate
      neighbor SPOKES route-reflector-client
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router bgp 65000
     neighbor 10.0.0.1 remote-as 65000
     address-family ipv4
      neighbor 10.0.0.1 activate
    ! --- next device ---
    hostname spoke2
    interface GigabitEthernet0/0
     ip address 198.51.100.3 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router bgp 65000
     neighbor 10.0.0.1 remote-as 65000
     address-family ipv4
      neighbor 10.0.0.1 activate
    ```
    """
    statics: dict[tuple[str, int], set[IPAddress | None]] = {}  # per hub device: one pass over its neighbours
    for cloud in network.clouds:
        seen: set[tuple[str, int]] = set()
        spokes = _spokes(network, cloud)
        for hub in cloud.hubs:
            bgp = hub.device.routing.bgp
            if bgp is None or not bgp.listen_ranges or hub.device.key in seen:
                continue
            seen.add(hub.device.key)
            if hub.device.key not in statics:
                statics[hub.device.key] = {ip_literal(n.id) for n in bgp.neighbors if not n.is_peer_group}
            static = statics[hub.device.key]
            count = sum(1 for s in spokes
                        if any(a not in static and any(a in r.prefix for r in bgp.listen_ranges)
                               for a in _own_addresses(s.interface)))
            limit = bgp.listen_limit if bgp.listen_limit is not None else _DEFAULT_LISTEN_LIMIT
            if count > limit:
                yield Finding(
                    message=f"{hub.device.name} accepts at most {limit} dynamic BGP neighbours"
                            + (" (the default 'bgp listen limit')" if bgp.listen_limit is None else "")
                            + f" but {count} spokes of the cloud fall in its listen ranges: the rest cannot "
                              "peer",
                    span=(bgp.spans.get("listen_limit") or bgp.spans.get("listen_ranges")
                          or first_line(bgp.span)),
                    help=f"'bgp listen limit {max(count, limit)}' or more",
                )


# ------------------------------------------------------------------ DMV521-523 (IGP)

_OSPF_BROADCAST_CLASS = frozenset({"broadcast", "non-broadcast"})
_OSPF_SLOW_TYPES = frozenset({"non-broadcast", "point-to-multipoint", "point-to-multipoint non-broadcast"})


def _ospf_timers(iface: Interface, family: Family) -> tuple[str, int, int]:
    ospf = ospf_for(iface, family)
    kind = ospf_network_type(iface, family)
    default_hello = 30 if kind in _OSPF_SLOW_TYPES else 10
    hello = ospf.hello if ospf is not None and ospf.hello is not None else default_hello
    dead = ospf.dead if ospf is not None and ospf.dead is not None else 4 * hello
    return kind, hello, dead


def _ospf_fields(ref: TunnelRef, family: int) -> dict[str, Span]:
    ospf = ospf_for(ref.interface, family)
    return ospf.spans if ospf is not None else {}


def _ospf_span(iface: Interface, family: int, fld: str) -> Span:
    return at_or_header(iface, ospf_for(iface, family), fld)


@rule("DMV521", "ospf-network-type-incompatible", Severity.ERROR, Scope.NETWORK)
def ospf_network_type_incompatible(network: Network) -> Iterator[Finding]:
    """OSPF network types or hello/dead timers do not match between hub and spoke.

    OSPF neighbours must agree on the hello and dead intervals, and a DR-electing type (broadcast, non-
    broadcast) cannot pair with point-to-point or point-to-multipoint. The default intervals depend on
    the type (10/40 or 30/120), so two types can differ only in timers.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip ospf network point-to-multipoint
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router ospf 1
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip ospf network broadcast
     ip ospf 1 area 0
     ip ospf priority 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router ospf 1
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
     ip ospf network point-to-multipoint
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router ospf 1
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip ospf network point-to-multipoint
     ip ospf 1 area 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router ospf 1
    ```
    """
    for cloud in network.clouds:
        for family in FAMILIES:
            def value(t: TunnelRef, f: Family = family) -> tuple[bool, int, int] | _Missing:
                if not ospf_on(t.device, t.interface, f):
                    return _NA
                kind, hello, dead = _ospf_timers(t.interface, f)
                return (kind in _OSPF_BROADCAST_CLASS, hello, dead)

            word = "ip ospf" if family == 4 else "ipv6 ospf"
            for odd, ref, a, b in _mismatches(network, cloud, value):
                ko, ho, do = _ospf_timers(odd.interface, family)
                kr, hr, dr = _ospf_timers(ref.interface, family)
                if a[0] != b[0]:
                    why = "the network types cannot form an adjacency (DR election on one side only)"
                else:
                    why = "the hello/dead intervals differ, so the adjacency never forms"
                yield Finding(
                    message=f"{odd.label} runs OSPF as {ko} (hello {ho}, dead {do}) but "
                            f"{_role_phrase(network, odd, ref)} runs {kr} (hello {hr}, dead {dr}): {why}",
                    span=_ospf_span(odd.interface, family, "network_type" if a[0] != b[0] else next(
                        (f for f in ("hello", "dead") if f in _ospf_fields(odd, family)), "network_type")),
                    related=(Related(span=_ospf_span(ref.interface, family, "network_type"),
                                     message=f"{ref.label}: {word} network {kr}"),),
                    help="the same OSPF network type (or explicitly equal timers) on every node",
                )


@rule("DMV522", "ospf-no-dr-candidate", Severity.ERROR, Scope.NETWORK)
def ospf_no_dr_candidate(network: Network) -> Iterator[Finding]:
    """A broadcast-type OSPF cloud where every tunnel has priority 0: there is no DR.

    With the broadcast or non-broadcast network type one router must become DR. If every tunnel of the
    cloud has priority 0 none can, and the adjacencies stay in 2-WAY. Needs a hub in the input (or the
    input declared complete).

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     ip ospf network broadcast
     ip ospf 1 area 0
     ip ospf priority 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router ospf 1
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip ospf network broadcast
     ip ospf 1 area 0
     ip ospf priority 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router ospf 1
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
     ip ospf network broadcast
     ip ospf 1 area 0
     ip ospf priority 255
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router ospf 1
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     ip ospf network broadcast
     ip ospf 1 area 0
     ip ospf priority 0
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router ospf 1
    ```
    """
    for cloud in network.clouds:
        for family in FAMILIES:
            ospf = [t for t in cloud.tunnels if ospf_on(t.device, t.interface, family)]
            hubs = [h for h in cloud.hubs if h in set(ospf)]
            if not hubs and not network.complete:
                continue  # the DR candidate may be a hub missing from the input
            if not any(ospf_network_type(t.interface, family) in _OSPF_BROADCAST_CLASS for t in ospf):
                continue
            if not ospf or any(ospf_priority(t.interface, family) > 0 for t in ospf):
                continue
            for t in hubs or ospf[:1]:
                yield Finding(
                    message=f"every OSPF tunnel of the cloud has priority 0, {t.label} included: no router "
                            "can become DR and the adjacencies stay in 2-WAY",
                    span=_ospf_span(t.interface, family, "priority"),
                    help="give the hub a high priority ('ip ospf priority 255')",
                )


@rule("DMV523", "eigrp-as-mismatch", Severity.ERROR, Scope.NETWORK)
def eigrp_as_mismatch(network: Network) -> Iterator[Finding]:
    """EIGRP runs over the tunnels of a hub and its spoke with different AS numbers.

    EIGRP neighbours must use the same AS number (classic `router eigrp N`, named `autonomous-system
    N`). Spokes are compared with their hubs only: spokes do not peer with each other.

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
     tunnel key 100
    router eigrp 100
     network 10.0.0.0 0.0.0.255
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router eigrp 10
     network 10.0.0.0 0.0.0.255
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
     tunnel key 100
    router eigrp 100
     network 10.0.0.0 0.0.0.255
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    router eigrp 100
     network 10.0.0.0 0.0.0.255
    ```
    """
    for cloud in network.clouds:
        for family in FAMILIES:
            hubs = [h for h in cloud.hubs
                    if eigrp_instances_on(h.device, h.interface, family, include_passive=True)]
            if not hubs:
                continue
            for spoke in _spokes(network, cloud):
                mine = eigrp_instances_on(spoke.device, spoke.interface, family, include_passive=True)
                asns = {e.asn for e in mine if e.asn is not None}
                if not asns:
                    continue
                linked = [h for h in network.linked_hubs(spoke) if h in hubs] or hubs
                for hub in linked:
                    theirs = eigrp_instances_on(hub.device, hub.interface, family, include_passive=True)
                    hub_asns = {e.asn for e in theirs if e.asn is not None}
                    if not hub_asns or asns & hub_asns:
                        continue
                    yield Finding(
                        message=f"{spoke.label} runs EIGRP AS {', '.join(map(str, sorted(asns)))} but hub "
                                f"{hub.label} runs AS {', '.join(map(str, sorted(hub_asns)))}: no adjacency "
                                "forms",
                        span=first_line(mine[0].span),
                        related=(Related(span=first_line(theirs[0].span),
                                         message=f"{hub.device.name}: EIGRP AS {min(hub_asns)}"),),
                        help="use the same EIGRP AS number on every node of the cloud",
                    )


# ------------------------------------------------------------------ DMV524-526


@rule("DMV524", "duplicate-spoke-nbma", Severity.WARNING, Scope.NETWORK)
def duplicate_spoke_nbma(network: Network) -> Iterator[Finding]:
    """Two spokes have the same static NBMA address.

    Two spokes on one NBMA address collide in the hub's NHRP cache and IKE SAs; copy-paste is the usual
    cause. When the address is private (RFC 1918/6598) both spokes may sit behind NAT, so the finding is
    info there.

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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.5 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke2
    interface GigabitEthernet0/0
     ip address 198.51.100.5 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.5 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke2
    interface GigabitEthernet0/0
     ip address 198.51.100.6 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.3 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        first: dict[IPAddress, TunnelRef] = {}
        for spoke in _spokes(network, cloud):
            nbma = network.public_nbma(spoke)
            if nbma is None or nbma == "dynamic":
                continue
            other = first.setdefault(nbma, spoke)
            if other.device.key == spoke.device.key:
                continue
            private = _private(nbma)
            yield Finding(
                message=f"{spoke.label} and {other.label} both use NBMA address {nbma}"
                        + (": if both spokes sit behind NAT this is expected; otherwise the hub keeps one "
                           "registration and drops the other" if private
                           else ": the hub keeps one registration and drops the other"),
                span=_nbma_related(spoke, network)[-1].span,
                related=tuple(_nbma_related(other, network)[-1:]),
                severity=Severity.INFO if private else None,
                help="give every spoke its own NBMA address (declare static NAT where it applies)",
            )


@rule("DMV525", "ipv6-link-local-duplicate", Severity.ERROR, Scope.NETWORK)
def ipv6_link_local_duplicate(network: Network) -> Iterator[Finding]:
    """Two IPv6 DMVPN tunnels of a cloud share a manual link-local address.

    IPv6 NHRP and the IPv6 routing protocols identify neighbours by link-local address, so a manual
    link-local address repeated on two nodes of one cloud breaks both.

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ipv6 address 2001:DB8::1/64
     ipv6 address FE80::1 link-local
     ipv6 nhrp network-id 1
     ipv6 nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ipv6 address 2001:DB8::2/64
     ipv6 address FE80::1 link-local
     ipv6 nhrp network-id 1
     ipv6 nhrp nhs 2001:DB8::1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```

    **Good**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    interface Tunnel0
     ipv6 address 2001:DB8::1/64
     ipv6 address FE80::1 link-local
     ipv6 nhrp network-id 1
     ipv6 nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ipv6 address 2001:DB8::2/64
     ipv6 address FE80::2 link-local
     ipv6 nhrp network-id 1
     ipv6 nhrp nhs 2001:DB8::1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    for cloud in network.clouds:
        first: dict[IPAddress, TunnelRef] = {}
        for t in cloud.tunnels:
            ll = t.interface.ipv6_link_local
            if t.interface.nhrp6 is None or ll is None:
                continue
            other = first.setdefault(ll, t)
            if other.device.key == t.device.key:
                continue
            yield Finding(
                message=f"{t.label} uses link-local address {ll}, as does {other.label}: IPv6 NHRP and the "
                        "routing protocols identify neighbours by link-local address",
                span=_iface_span(t.interface, "ipv6_link_local"),
                related=(Related(span=_iface_span(other.interface, "ipv6_link_local"),
                                 message=f"{other.label}: ipv6 address {ll} link-local"),),
                help="a unique link-local address per DMVPN node",
            )


@rule("DMV526", "hub-nbma-not-static", Severity.WARNING, Scope.NETWORK)
def hub_nbma_not_static(network: Network) -> Iterator[Finding]:
    """A hub's NBMA address is dynamic while its spokes map it by a fixed IP address.

    Spokes reach the hub at a fixed NBMA address. A hub whose tunnel source takes its address from DHCP
    or PPP leaves every spoke pointing at a stale address after a change; give the hub a static address,
    or let the spokes resolve an FQDN (`nbma <FQDN>`).

    **Bad**

    ```ios
    hostname hub
    interface GigabitEthernet0/0
     ip address dhcp
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
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
     tunnel key 100
    ! --- next device ---
    hostname spoke1
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel key 100
    ```
    """
    users: dict[TunnelRef, list[NhsLink]] = {}
    for _spoke, link, hub in _hub_links(network):
        if link.nbma is not None and link.nbma_fqdn is None:
            users.setdefault(hub, []).append(link)
    for hub, links in users.items():
        if network.local_nbma(hub) != "dynamic":
            continue
        src = hub.device.source_interface(hub.interface)
        span = _iface_span(src, "ipv4_mode") if src is not None else _source_span(hub)
        spokes = list(dict.fromkeys(link.tunnel for link in links))
        yield Finding(
            message=f"{hub.label} is sourced from {src.name if src else 'a dynamic interface'}, whose "
                    f"address is dynamic, but {_names(spokes)} reach it at a fixed NBMA address: after an "
                    "address change no spoke can register",
            span=span,
            related=tuple(Related(span=link.nbma_span or link.span,
                                  message=f"{link.tunnel.label}: NBMA {link.nbma}")
                          for link in links[:_MAX_RELATED]),
            help="give the hub a static address, or let the spokes use 'nbma <FQDN>'",
        )
