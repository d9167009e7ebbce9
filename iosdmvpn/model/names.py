"""Canonical interface names, so ``Tu0``, ``tunnel 0`` and ``Tunnel0`` are one interface."""

from __future__ import annotations

import re

# Full IOS type names, lower-case key -> canonical spelling.
_TYPES = (
    "GigabitEthernet", "TenGigabitEthernet", "FortyGigabitEthernet", "HundredGigE",
    "TwentyFiveGigE", "FastEthernet", "Ethernet", "Serial", "Tunnel", "Loopback", "Dialer",
    "Port-channel", "Vlan", "Cellular", "Virtual-PPP", "Virtual-Template", "Virtual-Access",
    "BDI", "Null", "Multilink", "ATM", "NVI", "Async", "Wlan-GigabitEthernet", "AppGigabitEthernet",
    "Embedded-Service-Engine", "Bundle-Ether", "mgmt", "Management", "VirtualPortGroup", "LISP",
)
# Abbreviations in common use that are not simple prefixes, or that must win over a longer
# prefix match (``e`` is Ethernet, ``te`` TenGigabitEthernet).
_ALIASES = {
    "gi": "GigabitEthernet", "gig": "GigabitEthernet", "ge": "GigabitEthernet",
    "te": "TenGigabitEthernet", "ten": "TenGigabitEthernet", "tengig": "TenGigabitEthernet",
    "fo": "FortyGigabitEthernet", "hu": "HundredGigE", "twe": "TwentyFiveGigE",
    "fa": "FastEthernet", "e": "Ethernet", "et": "Ethernet", "eth": "Ethernet",
    "se": "Serial", "ser": "Serial", "s": "Serial", "tu": "Tunnel", "tun": "Tunnel",
    "lo": "Loopback", "di": "Dialer", "po": "Port-channel", "vl": "Vlan", "ce": "Cellular",
    "vp": "Virtual-PPP", "vt": "Virtual-Template", "va": "Virtual-Access", "nu": "Null",
    "mu": "Multilink", "at": "ATM",
}
_BY_LOWER = {t.lower(): t for t in _TYPES}
_NAME = re.compile(r"^([A-Za-z][A-Za-z-]*?)-?\s*(\d[\d/:.]*)$")


def canonical_interface(name: str) -> str:
    """Return the canonical spelling of an interface name; unknown types are kept as typed.

    Examples:
        >>> canonical_interface("Tu0")
        'Tunnel0'
        >>> canonical_interface("gi0/0.100")
        'GigabitEthernet0/0.100'
        >>> canonical_interface("tunnel 10")
        'Tunnel10'
        >>> canonical_interface("eth 0/0")
        'Ethernet0/0'
    """
    compact = name.strip()
    m = _NAME.match(compact)
    if not m:
        return compact
    kind, number = m.group(1), m.group(2)
    low = kind.lower()
    full = _BY_LOWER.get(low) or _ALIASES.get(low)
    if full is None:
        matches = [t for t in _TYPES if t.lower().startswith(low)]
        full = matches[0] if len(matches) == 1 else kind
    return f"{full}{number}"


def is_tunnel(name: str) -> bool:
    """True for ``Tunnel<N>`` interfaces (canonical names)."""
    return name.startswith("Tunnel")
