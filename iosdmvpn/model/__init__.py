"""The typed model of a Cisco DMVPN configuration (frozen pydantic, every node with its span)."""

from __future__ import annotations

from iosdmvpn.model.base import IosNode
from iosdmvpn.model.crypto import (
    Crypto,
    Dpd,
    Ikev2Keyring,
    Ikev2Peer,
    Ikev2Policy,
    Ikev2Profile,
    Ikev2Proposal,
    IpsecProfile,
    IsakmpPolicy,
    IsakmpProfile,
    Keyring,
    PresharedKey,
    TransformSet,
)
from iosdmvpn.model.device import Coverage, Device, UnrecognizedLine, is_public
from iosdmvpn.model.interface import (
    Interface,
    InterfaceEigrp,
    InterfaceOspf,
    IPAddress,
    IPNetwork,
    MulticastMap,
    Nhrp,
    NhrpMap,
    NhsEntry,
    Tunnel,
    TunnelMode,
    TunnelProtection,
)
from iosdmvpn.model.names import canonical_interface
from iosdmvpn.model.routing import (
    Bgp,
    BgpListenRange,
    BgpNeighbor,
    BgpNetwork,
    Eigrp,
    EigrpAfInterface,
    NetworkStatement,
    Ospf,
    Rip,
    Routing,
    StaticRoute,
)

__all__ = [
    "Bgp", "BgpListenRange", "BgpNeighbor", "BgpNetwork", "Coverage", "Crypto", "Device", "Dpd",
    "Eigrp", "EigrpAfInterface", "IPAddress", "IPNetwork", "Ikev2Keyring", "Ikev2Peer",
    "Ikev2Policy", "Ikev2Profile", "Ikev2Proposal", "Interface", "InterfaceEigrp", "InterfaceOspf",
    "IosNode", "IpsecProfile", "IsakmpPolicy", "IsakmpProfile", "Keyring", "MulticastMap",
    "NetworkStatement", "Nhrp", "NhrpMap", "NhsEntry", "Ospf", "PresharedKey", "Rip", "Routing",
    "StaticRoute", "TransformSet", "Tunnel", "TunnelMode", "TunnelProtection", "UnrecognizedLine",
    "canonical_interface", "is_public",
]
