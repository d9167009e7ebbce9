"""The network: every device given in one run, grouped into DMVPN clouds.

Clouds are derived from the configs themselves (rules.md 2.4): tunnels in the same
tunnel subnet, and tunnels linked by a spoke's NHS or static map pointing at another
tunnel's address, are one cloud (union-find, linear in the number of tunnels). Roles
follow rules.md 2.2: a tunnel that registers to an NHS (or carries a spoke-style static
map) is a spoke; an mGRE tunnel that registers nowhere is a hub; in a network, a tunnel
other tunnels point at is a hub too (hierarchical hubs are both).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network

from iosdmvpn.model.device import Device
from iosdmvpn.model.interface import Interface, IPAddress, Nhrp


@dataclass(frozen=True)
class TunnelRef:
    """One DMVPN tunnel interface of one device."""

    device: Device
    interface: Interface

    @property
    def key(self) -> tuple[str, str]:
        """Stable identity: (file path, interface name)."""
        return (self.device.path, self.interface.name)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TunnelRef) and other.key == self.key

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


def _spoke_evidence(n: Nhrp) -> bool:
    if n.nhs:
        return True
    mcast = {m.nbma for m in n.multicast_maps}
    return any(m.nbma in mcast for m in n.maps) and n.multicast_dynamic is not True


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
    """The devices of one run and the clouds between them."""

    devices: list[Device]

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
    def pointed_at(self) -> set[TunnelRef]:
        """Tunnels that some other device's tunnel uses as NHS or static-map target."""
        found: set[TunnelRef] = set()
        for ref in self.tunnels:
            for address in ref.nhs_addresses():
                for target in self.by_address.get(address, ()):
                    if target.device.path != ref.device.path:
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
                if target.device.path != ref.device.path:
                    yield address, target
