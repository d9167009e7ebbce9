"""A device: one parsed configuration file."""

# No `from __future__ import annotations` here: pydantic would compile and evaluate each
# field annotation from its string at import, a few ms of every start-up over the model.

from functools import cached_property
from ipaddress import IPv4Network, IPv6Network

from pydantic import BaseModel, ConfigDict

from iosdmvpn.model.base import IosNode
from iosdmvpn.model.crypto import Crypto
from iosdmvpn.model.interface import Interface, IPAddress
from iosdmvpn.model.routing import Routing

# Addresses that are not reachable from the Internet (RFC 1918, RFC 6598 carrier-grade NAT,
# loopback, link-local, IPv6 ULA).
_NOT_PUBLIC = (IPv4Network("10.0.0.0/8"), IPv4Network("172.16.0.0/12"), IPv4Network("192.168.0.0/16"),
               IPv4Network("100.64.0.0/10"), IPv4Network("127.0.0.0/8"), IPv4Network("169.254.0.0/16"),
               IPv6Network("fc00::/7"), IPv6Network("fe80::/10"), IPv6Network("::1/128"))


class Coverage(BaseModel):
    """How much of a file the parser understood (Batfish-style honesty counts)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    modelled: int = 0
    ignored: int = 0
    unrecognized: int = 0

    @property
    def total(self) -> int:
        """All non-blank lines counted."""
        return self.modelled + self.ignored + self.unrecognized


class UnrecognizedLine(IosNode):
    """A line the parser kept but did not model, with the stanza it sits in."""

    text: str
    context: str


class Device(IosNode):
    """One router configuration."""

    path: str
    hostname: str | None = None
    version: tuple[int, int] | None = None
    interfaces: tuple[Interface, ...] = ()
    crypto: Crypto
    routing: Routing
    unrecognized: tuple[UnrecognizedLine, ...] = ()
    coverage: Coverage = Coverage()
    section: int = 0  # which router of a file holding several (0: the first or only one)

    @property
    def key(self) -> tuple[str, int]:
        """Identity of the device in a run: its file and its router section in that file."""
        return (self.path, self.section)

    @property
    def name(self) -> str:
        """The hostname, or the file name when the config has none."""
        if self.hostname:
            return self.hostname
        return self.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    @property
    def is_xe(self) -> bool:
        """IOS-XE 16/17 (``version 16.x`` and up); XE 3.x prints 15.x and counts as IOS."""
        return self.version is not None and self.version[0] >= 16

    @cached_property
    def _by_name(self) -> dict[str, Interface]:
        return {i.name: i for i in self.interfaces}

    def interface(self, name: str) -> Interface | None:
        """An interface by canonical name."""
        return self._by_name.get(name)

    # Cached: rules ask for these per tunnel and per cloud, and a hub may have thousands of
    # interfaces (the model is frozen, so the answer never changes).
    @cached_property
    def tunnels(self) -> tuple[Interface, ...]:
        """Tunnel interfaces, in file order."""
        return tuple(i for i in self.interfaces if i.tunnel is not None)

    @cached_property
    def dmvpn_tunnels(self) -> tuple[Interface, ...]:
        """Tunnels that are part of a DMVPN (NHRP or mGRE)."""
        return tuple(i for i in self.interfaces if i.is_dmvpn)

    def interface_with_address(self, address: IPAddress) -> Interface | None:
        """The interface owning ``address``, if any."""
        for i in self.interfaces:
            if address in i.addresses():
                return i
        return None

    def source_interface(self, tunnel: Interface) -> Interface | None:
        """The interface a tunnel is sourced from (by name, or the owner of the source address)."""
        if tunnel.tunnel is None:
            return None
        if tunnel.tunnel.source_interface:
            return self.interface(tunnel.tunnel.source_interface)
        if tunnel.tunnel.source_address is not None:
            return self.interface_with_address(tunnel.tunnel.source_address)
        return None

    def local_nbma(self, tunnel: Interface) -> IPAddress | str | None:
        """The tunnel's NBMA (outer) address; ``"dynamic"`` for DHCP/PPP/dialer sources.

        Follows rules.md ``local_nbma``: an explicit source address wins, then the
        source interface's primary address for the tunnel's transport family.
        """
        if tunnel.tunnel is None:
            return None
        if tunnel.tunnel.source_address is not None:
            return tunnel.tunnel.source_address
        src = self.source_interface(tunnel)
        if src is None:
            return None
        if src.ipv4_mode in ("dhcp", "negotiated") or src.name.startswith(
            ("Dialer", "Virtual-PPP", "Cellular")
        ):
            return "dynamic"
        if tunnel.tunnel.mode.ipv6_transport:
            return src.ipv6[0].ip if src.ipv6 else None
        return src.ipv4.ip if src.ipv4 is not None else None


def is_public(address: IPAddress) -> bool:
    """Not RFC 1918 / RFC 6598 / loopback / link-local / ULA (rules.md §2.1 ``public``).

    Deliberately the catalogue's list, not :attr:`ipaddress.IPv4Address.is_private`: that
    also counts the documentation ranges (RFC 5737, RFC 3849) as private, and examples
    use them to stand for Internet addresses.
    """
    return not any(address.version == net.version and address in net for net in _NOT_PUBLIC)
