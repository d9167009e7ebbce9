"""The network: every device given in one run, grouped into DMVPN clouds.

Clouds are derived from the configs themselves (rules.md 2.4): tunnels in the same
tunnel subnet, and tunnels linked by a spoke's NHS or static map, are one cloud
(union-find, linear in the number of tunnels). A spoke's NHS or map is linked to a hub
by its protocol address (the hub's tunnel address) or, when no tunnel holds that
address, by its NBMA address (the hub's tunnel source). Roles follow rules.md 2.2: a
tunnel that registers to an NHS (or carries a spoke-style static map) is a spoke; an
mGRE tunnel that registers nowhere is a hub; in a network, a tunnel other tunnels point
at is a hub too (hierarchical hubs are both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Any, Literal, TypeVar, cast

from iosdmvpn.model.device import Device
from iosdmvpn.model.interface import Interface, IPAddress, Nhrp
from iosdmvpn.source import Span

Nbma = IPAddress | Literal["dynamic"]
T = TypeVar("T")


@dataclass(frozen=True)
class TunnelRef:
    """One DMVPN tunnel interface of one device."""

    device: Device
    interface: Interface
    # Computed once: refs are hashed hundreds of thousands of times in a large network.
    _key: tuple[str, int, str] = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (*self.device.key, self.interface.name)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_hash", hash(key))

    @property
    def key(self) -> tuple[str, int, str]:
        """Stable identity: (file path, router section in the file, interface name)."""
        return self._key

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TunnelRef) and other._key == self._key

    @property
    def label(self) -> str:
        """``hostname Tunnel0`` for messages."""
        return f"{self.device.name} {self.interface.name}"

    def subnets(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The tunnel's IPv4 and global IPv6 subnets."""
        nets: list[IPv4Network | IPv6Network] = []
        if self.interface.ipv4 is not None:
            nets.append(self.interface.ipv4.network)
        nets.extend(i.network for i in self.interface.ipv6)
        return tuple(nets)

    def registers(self) -> bool:
        """True when the tunnel registers to a next-hop server (or has a spoke-style static map)."""
        return any(_spoke_evidence(n) for n in self.interface.nhrp_families()) or (
            not self.interface.is_mgre
            and self.interface.tunnel is not None
            and self.interface.tunnel.destination is not None
            and any(n.network_id is not None for n in self.interface.nhrp_families())
        )

    def nhs_addresses(self) -> tuple[IPAddress, ...]:
        """Protocol addresses this tunnel points at (NHS entries and static maps)."""
        found: list[IPAddress] = []
        for n in self.interface.nhrp_families():
            found.extend(e.protocol for e in n.nhs if e.protocol is not None)
            found.extend(m.protocol for m in n.maps)
        return tuple(dict.fromkeys(found))

    def local_nbma(self) -> Nbma | None:
        """The tunnel's own NBMA address (rules.md ``local_nbma``); ``"dynamic"`` for DHCP/PPP."""
        value = self.device.local_nbma(self.interface)
        if value is None or isinstance(value, IPv4Address | IPv6Address):
            return value
        return "dynamic"


def _spoke_evidence(n: Nhrp) -> bool:
    if n.nhs:
        return True
    mcast = {m.nbma for m in n.multicast_maps}
    return any(m.nbma in mcast for m in n.maps) and n.multicast_dynamic is not True


@dataclass(frozen=True)
class NhsLink:
    """One NHS entry or static map of a tunnel, and the hub tunnel in the input it reaches.

    ``hub`` is found by the protocol address (``matched == "address"``) or, when no other
    device's tunnel holds that address, by the NBMA address (``matched == "nbma"``): the
    tunnel of another device whose tunnel source is that NBMA. ``candidates`` lists every
    hub-like tunnel owning the NBMA, also when they are too many to pick one.
    """

    tunnel: TunnelRef
    nhrp: Nhrp
    kind: Literal["nhs", "map"]
    protocol: IPAddress | None  # None: ``nhs dynamic``
    nbma: IPAddress | None
    nbma_fqdn: str | None
    span: Span  # the NHS line (or the map line)
    nbma_span: Span | None  # where the NBMA is written (NHS line or static map)
    hub: TunnelRef | None = None
    matched: Literal["address", "nbma"] | None = None
    candidates: tuple[TunnelRef, ...] = ()

    @property
    def family(self) -> int:
        """4 for ``ip nhrp``, 6 for ``ipv6 nhrp``."""
        return self.nhrp.family


@dataclass
class Cloud:
    """One DMVPN cloud: tunnels that reach each other through NHRP."""

    tunnels: list[TunnelRef]
    hubs: list[TunnelRef] = field(default_factory=list)
    spokes: list[TunnelRef] = field(default_factory=list)

    @property
    def phase(self) -> int | None:
        """1, 2 or 3 per rules.md 2.3; None when the cloud has no spoke to judge by."""
        if any(h.interface.nhrp is not None and h.interface.nhrp.redirect for h in self.hubs) or any(
            h.interface.nhrp6 is not None and h.interface.nhrp6.redirect for h in self.hubs
        ):
            return 3
        if not self.spokes:
            return None
        if all(not s.interface.is_mgre for s in self.spokes):
            return 1
        return 2

    @property
    def label(self) -> str:
        """A short name: the hubs' tunnel addresses, else the first tunnel."""
        ref = (self.hubs or self.tunnels)[0]
        return ref.label


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class Network:
    """The devices of one run and the clouds between them.

    ``complete`` declares that every hub of every cloud is in the input, so a spoke
    pointing at an address no hub holds is an error (DMV505). ``nat`` maps a private NBMA
    address to the public address it is statically translated to (rules.md 2.4).
    """

    devices: list[Device]
    complete: bool = False
    nat: Mapping[IPAddress, IPAddress] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A fact several rules derive from the whole network, computed once per run under ``key``."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    @property
    def single_device(self) -> bool:
        """True when only one config was given: phase-dependent rules soften (rules.md 2.3)."""
        return len(self.devices) <= 1

    @cached_property
    def tunnels(self) -> list[TunnelRef]:
        """Every DMVPN tunnel of every device, in input order."""
        return [TunnelRef(d, i) for d in self.devices for i in d.dmvpn_tunnels]

    @cached_property
    def by_address(self) -> dict[IPAddress, list[TunnelRef]]:
        """Tunnel (overlay) address -> the tunnels holding it."""
        index: dict[IPAddress, list[TunnelRef]] = {}
        for ref in self.tunnels:
            for address in ref.interface.addresses():
                index.setdefault(address, []).append(ref)
        return index

    @cached_property
    def _nbma(self) -> dict[TunnelRef, Nbma | None]:
        return {ref: ref.local_nbma() for ref in self.tunnels}

    def local_nbma(self, ref: TunnelRef) -> Nbma | None:
        """The tunnel's own NBMA address (cached; rules.md ``local_nbma``)."""
        if ref in self._nbma:
            return self._nbma[ref]
        return ref.local_nbma()

    def public_nbma(self, ref: TunnelRef) -> Nbma | None:
        """The NBMA address peers reach the tunnel at: the static-NAT address when one is declared."""
        local = self.local_nbma(ref)
        if local is None or local == "dynamic":
            return local
        return self.nat.get(local, local)

    @cached_property
    def by_nbma(self) -> dict[IPAddress, list[TunnelRef]]:
        """Static NBMA address (local, and the static-NAT public one) -> the tunnels sourced there."""
        index: dict[IPAddress, list[TunnelRef]] = {}
        for ref in self.tunnels:
            local = self.local_nbma(ref)
            if local is None or local == "dynamic":
                continue
            index.setdefault(local, []).append(ref)
            public = self.nat.get(local)
            if public is not None and public != local:
                index.setdefault(public, []).append(ref)
        return index

    @cached_property
    def pointed_at(self) -> set[TunnelRef]:
        """Tunnels that some other device's tunnel uses as NHS or static-map target."""
        found: set[TunnelRef] = set()
        for ref in self.tunnels:
            for address in ref.nhs_addresses():
                for target in self.by_address.get(address, ()):
                    if target.device.key != ref.device.key:
                        found.add(target)
        return found

    def is_spoke(self, ref: TunnelRef) -> bool:
        """The tunnel registers to an NHS (rules.md 2.2 device form)."""
        return ref.registers()

    def is_hub(self, ref: TunnelRef) -> bool:
        """mGRE and registering nowhere, or (network) pointed at by another device's tunnel."""
        if ref in self.pointed_at:
            return True
        return ref.interface.is_mgre and not ref.registers()

    def _resolve(self, ref: TunnelRef, protocol: IPAddress | None, nbma: IPAddress | None
                 ) -> tuple[TunnelRef | None, Literal["address", "nbma"] | None, tuple[TunnelRef, ...]]:
        """The hub a (protocol, NBMA) pair of ``ref`` reaches: by tunnel address, else by NBMA."""
        path = ref.device.key
        candidates: tuple[TunnelRef, ...] = ()
        if nbma is not None:
            candidates = tuple(t for t in self.by_nbma.get(nbma, ())
                               if t.device.key != path and self.is_hub(t))
        if protocol is not None:
            holders = [t for t in self.by_address.get(protocol, ()) if t.device.key != path]
            if holders:
                # Two holders means a duplicate address (DMV507): prefer the one at the NBMA used.
                best = next((t for t in holders if t in candidates), None)
                best = best or next((t for t in holders if self.is_hub(t)), holders[0])
                return best, "address", candidates
        if not candidates:
            return None, None, ()
        if len(candidates) == 1:
            return candidates[0], "nbma", candidates
        # Several tunnels share the hub's source: GRE demultiplexes them by tunnel key.
        key = ref.interface.tunnel.key if ref.interface.tunnel is not None else None
        same_key = [t for t in candidates if t.interface.tunnel is not None and t.interface.tunnel.key == key]
        if len(same_key) == 1:
            return same_key[0], "nbma", candidates
        return None, None, candidates

    @cached_property
    def _links(self) -> dict[TunnelRef, tuple[NhsLink, ...]]:
        out: dict[TunnelRef, tuple[NhsLink, ...]] = {}
        for ref in self.tunnels:
            links: list[NhsLink] = []
            for n in ref.interface.nhrp_families():
                nhs_protocols = {e.protocol for e in n.nhs if e.protocol is not None}
                for e in n.nhs:
                    nbma, nbma_span = e.nbma, e.span if e.nbma is not None else None
                    if nbma is None and e.protocol is not None:
                        m = next((m for m in n.maps if m.protocol == e.protocol and m.nbma is not None), None)
                        if m is not None:
                            nbma, nbma_span = m.nbma, m.span
                    fqdn = e.nbma_fqdn or (next((m.nbma_fqdn for m in n.maps if m.protocol == e.protocol
                                                 and m.nbma_fqdn), None) if e.protocol is not None else None)
                    hub, matched, cands = self._resolve(ref, e.protocol, nbma)
                    links.append(NhsLink(ref, n, "nhs", e.protocol, nbma, fqdn, e.span, nbma_span,
                                         hub, matched, cands))
                for m in n.maps:
                    if m.protocol in nhs_protocols:
                        continue
                    hub, matched, cands = self._resolve(ref, m.protocol, m.nbma)
                    links.append(NhsLink(ref, n, "map", m.protocol, m.nbma, m.nbma_fqdn, m.span,
                                         m.span if m.nbma is not None else None, hub, matched, cands))
            out[ref] = tuple(links)
        return out

    def links(self, ref: TunnelRef) -> tuple[NhsLink, ...]:
        """The tunnel's NHS entries and static maps (NHS first), each with the hub it reaches."""
        return self._links.get(ref, ())

    @cached_property
    def _clients(self) -> dict[TunnelRef, list[TunnelRef]]:
        index: dict[TunnelRef, list[TunnelRef]] = {}
        for ref in self.tunnels:
            for hub in dict.fromkeys(link.hub for link in self.links(ref) if link.kind == "nhs" and link.hub):
                index.setdefault(hub, []).append(ref)
        return index

    def nhs_clients(self, ref: TunnelRef) -> list[TunnelRef]:
        """Other devices' tunnels whose NHS entries reach ``ref`` (by tunnel address or NBMA)."""
        return self._clients.get(ref, [])

    def linked_hubs(self, ref: TunnelRef) -> list[TunnelRef]:
        """The distinct hub tunnels in the input that ``ref`` registers to or maps (address or NBMA)."""
        return list(dict.fromkeys(link.hub for link in self.links(ref) if link.hub is not None))

    @cached_property
    def clouds(self) -> list[Cloud]:
        """Union-find over subnets and NHS links; clouds in input order of their first tunnel."""
        refs = self.tunnels
        uf = _UnionFind(len(refs))
        position = {ref: i for i, ref in enumerate(refs)}
        first_in_subnet: dict[IPv4Network | IPv6Network, int] = {}
        for i, ref in enumerate(refs):
            for net in ref.subnets():
                if net.prefixlen >= 32 and net.version == 4:
                    continue  # /32 tunnel addresses say nothing about the cloud
                j = first_in_subnet.setdefault(net, i)
                uf.union(i, j)
            for address in ref.nhs_addresses():
                for target in self.by_address.get(address, ()):
                    uf.union(i, position[target])
            for link in self.links(ref):
                if link.hub is not None:
                    uf.union(i, position[link.hub])
        groups: dict[int, list[TunnelRef]] = {}
        for i, ref in enumerate(refs):
            groups.setdefault(uf.find(i), []).append(ref)
        clouds = []
        for members in groups.values():
            cloud = Cloud(tunnels=members)
            cloud.hubs = [r for r in members if self.is_hub(r)]
            cloud.spokes = [r for r in members if self.is_spoke(r)]
            clouds.append(cloud)
        return clouds

    @cached_property
    def _cloud_index(self) -> dict[TunnelRef, Cloud]:
        return {ref: cloud for cloud in self.clouds for ref in cloud.tunnels}

    def cloud_of(self, ref: TunnelRef) -> Cloud | None:
        """The cloud holding a tunnel."""
        return self._cloud_index.get(ref)

    def hubs_for(self, ref: TunnelRef) -> Iterator[tuple[IPAddress, TunnelRef]]:
        """(NHS address, hub tunnel) for each NHS of ``ref`` that is a tunnel in the input."""
        for address in ref.nhs_addresses():
            for target in self.by_address.get(address, ()):
                if target.device.key != ref.device.key:
                    yield address, target
