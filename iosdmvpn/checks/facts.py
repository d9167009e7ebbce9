"""Derived facts shared by the rule families (rules.md §2): predicates on tunnels and devices.

Every function here is a pure function of the frozen model (and, for roles, of the
:class:`~iosdmvpn.model.network.Network` the device was linted in). Rule modules import
from here instead of re-deriving facts, so that two rules never disagree on, say, whether
EIGRP runs over a tunnel. Functions are only ever added to this module, never removed or
changed in meaning: other rule families depend on them.

Naming follows rules.md: ``is_dmvpn``, ``is_mgre``, ``src_if``, ``local_nbma``,
``nhs_nbma``, ``eigrp_on``, ``ospf_on``, ``igp_mcast``, ``public``; roles are ``is_hub`` /
``is_spoke`` (network-aware, §2.2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Literal

from iosdmvpn.checks._spans import header_span
from iosdmvpn.checks.registry import DeviceContext
from iosdmvpn.model.crypto import Crypto, Ikev2Keyring, Ikev2Profile, IpsecProfile, IsakmpProfile, Keyring
from iosdmvpn.model.device import Device, is_public
from iosdmvpn.model.interface import (
    Interface,
    InterfaceEigrp,
    InterfaceOspf,
    IPAddress,
    IPNetwork,
    Nhrp,
    NhsEntry,
    Tunnel,
    TunnelProtection,
)
from iosdmvpn.model.network import Cloud, Network, TunnelRef
from iosdmvpn.model.routing import Eigrp, NetworkStatement, Ospf

Family = Literal[4, 6]
# Both address families, in the order rules report them.
FAMILIES: tuple[Family, Family] = (4, 6)

# OSPF network types that send hellos by unicast to configured neighbours: no NHRP
# multicast replication needed (rules.md §2.1 igp_mcast).
OSPF_UNICAST_TYPES = frozenset({"non-broadcast", "point-to-multipoint non-broadcast"})
# The network type IOS gives a Tunnel interface when none is configured (rules.md §2.5).
OSPF_TUNNEL_DEFAULT_TYPE = "point-to-point"

__all__ = [
    "FAMILIES", "OSPF_TUNNEL_DEFAULT_TYPE", "OSPF_UNICAST_TYPES", "Family", "acting_hub_tunnels",
    "acts_as_hub", "cloud_of", "cloud_peers", "dmvpn_refs", "eigrp6_enabled",
    "eigrp6_interface_only", "eigrp_instances_all", "eigrp_instances_on", "eigrp_on", "family_of",
    "fvrf_matches", "has_ipv6", "header_span", "hub_tunnels", "igp_mcast", "igp_mcast_names",
    "ike_profile_names", "ikev2_keyring_of", "in_tunnel_subnet", "ip_literal", "is_classic_ios", "is_dmvpn",
    "is_hub", "is_mgre", "is_spoke", "isakmp_profile_keyrings", "local_nbma", "nhrp_cmd", "nhrp_configured",
    "nhrp_for", "nhs_clients", "nhs_entry_nbma", "nhs_nbma", "ospf_for", "ospf_network_type", "ospf_on",
    "ospf_priority", "protections", "public", "referenced_proposals", "release_at_least", "release_below",
    "rip_on", "same_vrf", "source_text", "spoke_style_static_map", "src_if", "tunnel_ref", "tunnel_subnets",
    "tunnels_with_config", "unparsed", "version_text",
]


# ------------------------------------------------------------------ tunnel shape


def is_dmvpn(iface: Interface) -> bool:
    """A tunnel with any NHRP configured or in multipoint GRE mode (rules.md ``is_dmvpn``)."""
    return iface.is_dmvpn


def is_mgre(iface: Interface) -> bool:
    """``tunnel mode gre multipoint`` (IPv4 or IPv6 transport)."""
    return iface.is_mgre


def nhrp_for(iface: Interface, family: Family) -> Nhrp | None:
    """The ``ip nhrp`` (4) or ``ipv6 nhrp`` (6) configuration of an interface."""
    return iface.nhrp if family == 4 else iface.nhrp6


def family_of(nhrp: Nhrp) -> Family:
    """The address family of an NHRP block (4 or 6)."""
    return 4 if nhrp.family == 4 else 6


def nhrp_cmd(nhrp_or_family: Nhrp | int) -> str:
    """The command prefix for messages: ``ip nhrp`` or ``ipv6 nhrp``."""
    family = nhrp_or_family.family if isinstance(nhrp_or_family, Nhrp) else nhrp_or_family
    return "ipv6 nhrp" if family == 6 else "ip nhrp"


def spoke_style_static_map(nhrp: Nhrp) -> bool:
    """``map X Y`` plus ``map multicast Y`` and no ``map multicast dynamic`` (P2004's spoke form)."""
    if nhrp.multicast_dynamic is True:
        return False
    mcast = {m.nbma for m in nhrp.multicast_maps}
    return any(m.nbma is not None and m.nbma in mcast for m in nhrp.maps)


def nhs_nbma(nhrp: Nhrp, protocol: IPAddress) -> IPAddress | None:
    """The NBMA of NHS ``protocol``: the NHS line's ``nbma``, else a static map (rules.md ``nhs_nbma``)."""
    return nhrp.nbma_for(protocol)


def nhs_entry_nbma(nhrp: Nhrp, entry: NhsEntry) -> IPAddress | None:
    """The NBMA of one NHS line: its ``nbma``, else a static map of its address (None: FQDN or unknown)."""
    if entry.nbma is not None:
        return entry.nbma
    return nhrp.nbma_for(entry.protocol) if entry.protocol is not None else None


def tunnel_subnets(iface: Interface, family: int | None = None) -> list[IPNetwork]:
    """The interface's subnets: primary and secondary IPv4 (family 4), IPv6 prefixes (6), or all (None)."""
    nets: list[IPNetwork] = []
    if family in (None, 4):
        nets.extend(i.network for i in (iface.ipv4, *iface.ipv4_secondary) if i is not None)
    if family in (None, 6):
        nets.extend(i.network for i in iface.ipv6)
    return nets


def in_tunnel_subnet(iface: Interface, address: IPAddress) -> bool | None:
    """Whether ``address`` is on-link on the interface (primary or secondary IPv4, or an IPv6 prefix).

    IPv6 link-local addresses are on-link by definition. None when the interface has no
    address of that family, so the question cannot be decided.
    """
    if isinstance(address, IPv4Address):
        nets4 = tunnel_subnets(iface, 4)
        if not nets4:
            return None
        return any(address in n for n in nets4)
    if address.is_link_local:
        return True
    nets6 = tunnel_subnets(iface, 6)
    if not nets6:
        return None
    return any(address in n for n in nets6)


def ip_literal(text: str) -> IPAddress | None:
    """``text`` as an IP address, None when it is not one (a hostname, a peer-group name)."""
    try:
        return ip_address(text)
    except ValueError:
        return None


def tunnels_with_config(ctx: DeviceContext) -> Iterator[tuple[Interface, Tunnel]]:
    """(interface, its ``tunnel`` settings) for every DMVPN tunnel of the context's device."""
    for iface in ctx.device.dmvpn_tunnels:
        assert iface.tunnel is not None
        yield iface, iface.tunnel


def source_text(tunnel: Tunnel) -> str:
    """What ``tunnel source`` names, for messages: the interface, else the address."""
    return tunnel.source_interface or str(tunnel.source_address)


# ----------------------------------------------------------------- NBMA / source


def src_if(device: Device, iface: Interface) -> Interface | None:
    """The tunnel's source interface: by name, or the interface owning ``tunnel source <ip>``."""
    return device.source_interface(iface)


def local_nbma(device: Device, iface: Interface) -> IPAddress | Literal["dynamic"] | None:
    """The tunnel's own NBMA address; ``"dynamic"`` for DHCP/PPP/Dialer/Cellular sources (§2.1)."""
    value = device.local_nbma(iface)
    if value is None or isinstance(value, IPv4Address | IPv6Address):
        return value
    return "dynamic"


def public(address: IPAddress) -> bool:
    """Not RFC 1918 / RFC 6598 / loopback / link-local / ULA (rules.md ``public``)."""
    return is_public(address)


def same_vrf(a: str | None, b: str | None) -> bool:
    """Two VRF names denote the same routing table (None and "" are both the global table)."""
    return (a or None) == (b or None)


# -------------------------------------------------------------------- releases


def release_below(device: Device, major: int, minor: int = 0) -> bool | None:
    """``version`` < major.minor; None when the config has no ``version`` line."""
    if device.version is None:
        return None
    return device.version < (major, minor)


def release_at_least(device: Device, major: int, minor: int = 0) -> bool:
    """``version`` >= major.minor; False when the config has no ``version`` line."""
    return device.version is not None and device.version >= (major, minor)


def is_classic_ios(device: Device) -> bool:
    """Classic IOS (``version`` < 16) or unknown release: the conservative reading of defaults."""
    return not device.is_xe


def version_text(device: Device) -> str:
    """``IOS 15.4`` / ``IOS-XE 17.3`` / ``an unknown release`` for messages."""
    if device.version is None:
        return "an unknown release (no 'version' line)"
    kind = "IOS-XE" if device.is_xe else "IOS"
    return f"{kind} {device.version[0]}.{device.version[1]}"


# ------------------------------------------------------------------------ roles


def tunnel_ref(device: Device, iface: Interface) -> TunnelRef:
    """The network-level handle of one tunnel."""
    return TunnelRef(device, iface)


def dmvpn_refs(ctx: DeviceContext) -> Iterator[TunnelRef]:
    """Every DMVPN tunnel of the context's device, in file order."""
    for iface in ctx.device.dmvpn_tunnels:
        yield TunnelRef(ctx.device, iface)


def is_spoke(network: Network, device: Device, iface: Interface) -> bool:
    """The tunnel registers to an NHS or has a spoke-style static map (rules.md §2.2)."""
    return network.is_spoke(TunnelRef(device, iface))


def is_hub(network: Network, device: Device, iface: Interface) -> bool:
    """mGRE registering nowhere, or (network mode) another device's NHS/map target (§2.2).

    A tunnel can be both hub and spoke (hierarchical hubs) in network mode only.
    """
    return network.is_hub(TunnelRef(device, iface))


def cloud_of(network: Network, device: Device, iface: Interface) -> Cloud | None:
    """The DMVPN cloud a tunnel belongs to (rules.md §2.4)."""
    return network.cloud_of(TunnelRef(device, iface))


def cloud_peers(network: Network, device: Device, iface: Interface,
                role: Literal["hubs", "spokes", "tunnels"]) -> list[TunnelRef]:
    """The hubs, spokes or all tunnels of the tunnel's cloud that are on other devices, in cloud order."""
    cloud = cloud_of(network, device, iface)
    if cloud is None:
        return []
    refs = cloud.hubs if role == "hubs" else cloud.spokes if role == "spokes" else cloud.tunnels
    return [r for r in refs if r.device.key != device.key]


def _tunnels_where(ctx: DeviceContext, role: Callable[[Network, Device, Interface], bool]
                   ) -> Iterator[Interface]:
    for iface in ctx.device.dmvpn_tunnels:
        if role(ctx.network, ctx.device, iface):
            yield iface


def hub_tunnels(ctx: DeviceContext) -> Iterator[Interface]:
    """The context device's DMVPN tunnels that are hubs (:func:`is_hub`), in file order."""
    return _tunnels_where(ctx, is_hub)


# ---------------------------------------------------------------------- routing


def _vrf_matches(instance_vrf: str | None, iface: Interface) -> bool:
    return same_vrf(instance_vrf, iface.vrf)


def _covered(networks: tuple[NetworkStatement, ...], iface: Interface) -> bool:
    # A routing ``network`` statement enables the process on the interface's primary address.
    # ``network 0.0.0.0`` without a wildcard means every interface (not the classful 0.0.0.0/8).
    if iface.ipv4 is None:
        return False
    value = int(iface.ipv4)
    return any(value & mask == masked for mask, masked in (n.matcher for n in networks))


def has_ipv6(iface: Interface) -> bool:
    """IPv6 is on: a global / unique-local address, ``ipv6 enable`` or a manual link-local address."""
    return bool(iface.ipv6) or iface.ipv6_enabled or iface.ipv6_link_local is not None


def eigrp6_enabled(iface: Interface, asn: int | None) -> bool:
    """Classic ``ipv6 eigrp <asn>`` is configured (and not disabled) on the interface."""
    knobs = iface.eigrp_for(asn, 6) if asn is not None else None
    return knobs is not None and knobs.enabled


def eigrp6_interface_only(iface: Interface, known: set[int | None]) -> list[InterfaceEigrp]:
    """The interface's enabled ``ipv6 eigrp N`` commands whose AS is not in ``known``."""
    return [k for k in iface.eigrp if k.family == 6 and k.enabled and k.asn not in known]


def eigrp_instances_on(device: Device, iface: Interface, family: Family,
                       include_passive: bool = False) -> list[Eigrp]:
    """The EIGRP instances (classic or named AF) that run on the interface for one family.

    IPv4: a ``network`` statement of the instance (same VRF) covers the interface's primary
    address. IPv6 classic: ``ipv6 eigrp N`` on the interface; IPv6 named AF: every IPv6
    interface of the VRF. Passive interfaces are left out unless ``include_passive``.
    """
    found: list[Eigrp] = []
    for e in device.routing.eigrp:
        if e.family != family or not _vrf_matches(e.vrf, iface):
            continue
        if family == 4:
            on = _covered(e.networks, iface)
        elif e.style == "named":
            on = has_ipv6(iface)
        else:
            on = eigrp6_enabled(iface, e.asn)
        if on and (include_passive or not e.is_passive(iface.name)):
            found.append(e)
    return found


def eigrp_instances_all(device: Device, iface: Interface, include_passive: bool = False) -> list[Eigrp]:
    """:func:`eigrp_instances_on` for IPv4, then for IPv6."""
    return (eigrp_instances_on(device, iface, 4, include_passive)
            + eigrp_instances_on(device, iface, 6, include_passive))


def eigrp_on(device: Device, iface: Interface, family: Family) -> bool:
    """EIGRP sends hellos on the interface (rules.md ``eigrp_on``; passive interfaces excluded).

    IPv6: ``ipv6 eigrp N`` on the interface counts even when the ``ipv6 router eigrp N``
    stanza is not in the file (fragments; IOS creates the process from the interface command).
    """
    if eigrp_instances_on(device, iface, family):
        return True
    if family == 6:
        known = {e.asn for e in device.routing.eigrp if e.family == 6}
        return bool(eigrp6_interface_only(iface, known))
    return False


def _ospf_instances(device: Device, family: Family) -> list[Ospf]:
    return [o for o in device.routing.ospf if o.family == family]


def ospf_for(iface: Interface, family: int) -> InterfaceOspf | None:
    """The interface's ``ip ospf`` (4) or ``ipv6 ospf`` / ``ospfv3`` (6) settings."""
    return iface.ospf if family == 4 else iface.ospf6


def ospf_on(device: Device, iface: Interface, family: Family, include_passive: bool = False) -> bool:
    """OSPF (v2 for 4, v3 for 6) runs on the interface (rules.md ``ospf_on``).

    Enabled by ``ip ospf P area X`` / ``ipv6 ospf P area X`` / ``ospfv3 P ipv6 area X`` on
    the interface, or (IPv4) a ``network … area`` statement of a same-VRF process covering
    the primary address. Passive interfaces are left out unless ``include_passive``.
    """
    per_if = ospf_for(iface, family)
    processes = _ospf_instances(device, family)
    candidates: list[Ospf | None] = []
    if per_if is not None and per_if.process is not None and per_if.area is not None:
        candidates.append(next((o for o in processes if o.process == per_if.process), None))
    if family == 4:
        candidates.extend(o for o in processes if _vrf_matches(o.vrf, iface) and _covered(o.networks, iface))
    for o in candidates:
        if o is None or include_passive:
            return True  # interface command for a process not in the file: still enabled
        passive = o.passive_default
        if iface.name in o.passive_interfaces:
            passive = True
        if iface.name in o.active_interfaces:
            passive = False
        if not passive:
            return True
    return False


def ospf_priority(iface: Interface, family: int) -> int:
    """The effective OSPF priority of the interface (1 when not configured)."""
    cfg = ospf_for(iface, family)
    return cfg.priority if cfg is not None and cfg.priority is not None else 1


def ospf_network_type(iface: Interface, family: Family) -> str:
    """The effective OSPF network type of a tunnel (``point-to-point`` when not configured)."""
    per_if = ospf_for(iface, family)
    if per_if is not None and per_if.network_type:
        return per_if.network_type
    return OSPF_TUNNEL_DEFAULT_TYPE


def rip_on(device: Device, iface: Interface) -> bool:
    """RIP (IPv4) covers the interface with a classful ``network`` statement."""
    rip = device.routing.rip
    return rip is not None and iface.vrf is None and _covered(rip.networks, iface)


def igp_mcast(device: Device, iface: Interface, family: Family) -> bool:
    """An IGP on the tunnel needs NHRP multicast replication (rules.md ``igp_mcast``).

    EIGRP, RIP, or OSPF with a multicast network type. BGP and unicast OSPF types do not.
    """
    if eigrp_on(device, iface, family):
        return True
    if ospf_on(device, iface, family) and ospf_network_type(iface, family) not in OSPF_UNICAST_TYPES:
        return True
    return family == 4 and rip_on(device, iface)


def igp_mcast_names(device: Device, iface: Interface, family: Family) -> list[str]:
    """Which multicast IGPs run on the tunnel, for messages (``EIGRP 1``, ``OSPF 1``, ``RIP``)."""
    instances = eigrp_instances_on(device, iface, family)
    names = [f"EIGRP {e.asn if e.asn is not None else e.name}" for e in instances]
    if ospf_on(device, iface, family) and ospf_network_type(iface, family) not in OSPF_UNICAST_TYPES:
        names.append("OSPFv3" if family == 6 else "OSPF")
    if family == 4 and rip_on(device, iface):
        names.append("RIP")
    return names


# ------------------------------------------------------------- roles (refined)


def nhrp_configured(nhrp: Nhrp | None) -> bool:
    """The NHRP block sets something positive (not only IOS-XE's printed ``no …`` defaults)."""
    if nhrp is None:
        return False
    return bool(
        nhrp.network_id is not None or nhrp.authentication is not None or nhrp.holdtime is not None
        or nhrp.registration_timeout is not None or nhrp.registration_no_unique or nhrp.maps
        or nhrp.multicast_maps or nhrp.multicast_dynamic is True or nhrp.nhs or nhrp.redirect
        or nhrp.shortcut is True
    )


def _nhs_index(network: Network) -> tuple[dict[object, list[TunnelRef]], dict[object, list[TunnelRef]]]:
    """(NHS protocol address -> tunnels naming it, NBMA of ``nhs dynamic`` -> tunnels), built once."""
    by_protocol: dict[object, list[TunnelRef]] = {}
    by_dynamic_nbma: dict[object, list[TunnelRef]] = {}
    for ref in network.tunnels:
        for n in ref.interface.nhrp_families():
            for e in n.nhs:
                if e.protocol is not None:
                    by_protocol.setdefault(e.protocol, []).append(ref)
                elif e.nbma is not None:
                    by_dynamic_nbma.setdefault(e.nbma, []).append(ref)
    return by_protocol, by_dynamic_nbma


def nhs_clients(network: Network, device: Device, iface: Interface) -> list[TunnelRef]:
    """Other devices' tunnels that name this tunnel as NHS (by protocol address, or by NBMA for
    ``nhs dynamic nbma X``), in input order; an index shared by all calls keeps this linear."""
    by_protocol, by_dynamic_nbma = network.memo("facts.nhs_index", lambda: _nhs_index(network))
    candidates: list[TunnelRef] = []
    for address in iface.addresses():
        candidates.extend(by_protocol.get(address, ()))
    nbma = local_nbma(device, iface)
    if nbma is not None:
        candidates.extend(by_dynamic_nbma.get(nbma, ()))
    seen: set[tuple[str, int, str]] = set()
    found: list[TunnelRef] = []
    for ref in candidates:
        if ref.device.key != device.key and ref.key not in seen:
            seen.add(ref.key)
            found.append(ref)
    order = network.memo("facts.tunnel_order", lambda: {r.key: i for i, r in enumerate(network.tunnels)})
    return sorted(found, key=lambda r: order[r.key])


def acts_as_hub(network: Network, device: Device, iface: Interface) -> bool:
    """:func:`is_hub`, except that a tunnel which itself registers (a spoke) counts as a hub only
    when another device uses it as NHS.

    Network mode makes every static-map target a hub (rules.md §2.2); a spoke that another
    spoke maps statically (Phase 1 labs) is not a hub for the rules about hub duties
    (replicating multicast, redirects, bandwidth towards spokes).
    """
    if not is_hub(network, device, iface):
        return False
    if not is_spoke(network, device, iface):
        return True
    return bool(nhs_clients(network, device, iface))


def acting_hub_tunnels(ctx: DeviceContext) -> Iterator[Interface]:
    """The context device's DMVPN tunnels that act as hubs (:func:`acts_as_hub`), in file order."""
    return _tunnels_where(ctx, acts_as_hub)


# ----------------------------------------------------------------------- crypto


def protections(tunnels: Iterable[Interface]) -> Iterator[tuple[Interface, TunnelProtection]]:
    """(tunnel, its ``tunnel protection``) for each of ``tunnels`` that is protected."""
    for iface in tunnels:
        assert iface.tunnel is not None
        if iface.tunnel.protection is not None:
            yield iface, iface.tunnel.protection


def ike_profile_names(prot: TunnelProtection, ipsec: IpsecProfile | None) -> tuple[str | None, str | None]:
    """(IKEv2 profile, ISAKMP profile) a protection uses: an option on the ``tunnel protection`` line
    overrides the IPsec profile's ``set``."""
    ikev2 = prot.ikev2_profile or (ipsec.ikev2_profile if ipsec else None)
    isakmp = prot.isakmp_profile or (ipsec.isakmp_profile if ipsec else None)
    return ikev2, isakmp


def isakmp_profile_keyrings(crypto: Crypto, profile: IsakmpProfile | None) -> list[Keyring]:
    """The defined keyrings an ISAKMP profile names (``keyring X``), in its order."""
    if profile is None:
        return []
    return [r for name in profile.keyrings if (r := crypto.keyring(name)) is not None]


def ikev2_keyring_of(crypto: Crypto, profile: Ikev2Profile) -> Ikev2Keyring | None:
    """The IKEv2 keyring of a profile's ``keyring local``; None when unset or undefined."""
    return crypto.ikev2_keyring(profile.keyring_local) if profile.keyring_local else None


def fvrf_matches(match_fvrf: str | None, fvrf: str | None) -> bool:
    """An IKEv2 policy's / profile's ``match fvrf`` covers front-door VRF ``fvrf`` (unset: the global one)."""
    return match_fvrf in ("any", fvrf) if match_fvrf is not None else fvrf is None


def referenced_proposals(crypto: Crypto) -> set[str]:
    """Names of the IKEv2 proposals some ``crypto ikev2 policy`` lists."""
    return {name for policy in crypto.ikev2_policies for name in policy.proposals}


# ------------------------------------------------------------ parse failures


def unparsed(iface: Interface, command: str) -> bool:
    """A line starting with ``command`` (e.g. ``"ip nhrp map"``) is in the stanza but failed to parse.

    Rules about a *missing* command stay silent then: the parser already reported the broken
    line (DMV003/DMV004), and "missing" would be a false positive (templates, placeholders).
    """
    words = command.lower().split()
    return any(line.lower().split()[: len(words)] == words for line in iface.unparsed)
