"""Safe names for generated files: hostnames, Linux interface names, FRR words.

Every string that reaches a shell script, ``frr.conf`` or an nftables file passes one of
the strict patterns below or is refused. Values are never escaped or quoted into shape:
a name that does not match is reported (DMV601) and left out, so nothing a config
carries (newlines, ``$(...)``, quotes, braces, semicolons) can inject a command.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from iosdmvpn.model.names import canonical_interface

# Directory name and FRR ``hostname WORD``: IOS hostnames are letters, digits and hyphens.
HOSTNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
# Linux IFNAMSIZ is 16 including the NUL; no "/", no whitespace. Stricter than the kernel
# so the name is also a plain FRR interface word and an nftables string without escaping.
IFNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,14}$")
# FRR WORD tokens we emit from IOS values (peer-group names, profile names).
WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
# NBMA given as a DNS name (``nbma FQDN``): RFC 1123 labels only.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
FQDN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
# OSPF area: a number or a dotted quad (checked for range by ospf_area()).
_AREA = re.compile(r"^(\d{1,10})$|^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
# BGP AS number: asplain, or asdot which FRR 8.4 does not read (converted to asplain).
_ASN = re.compile(r"^(\d{1,10})(?:\.(\d{1,5}))?$")
# Text we are willing to copy into a comment or description: no shell, FRR or nft syntax.
_SAFE_TEXT = re.compile(r"^[A-Za-z0-9 _.,:/+=@%()\[\]<>*#-]{0,200}$")

# IOS interface type -> short Linux prefix. Tunnels get their own scheme (tunnel_ifname).
_SHORT = {
    "GigabitEthernet": "gi", "TenGigabitEthernet": "te", "FortyGigabitEthernet": "fo",
    "HundredGigE": "hu", "TwentyFiveGigE": "twe", "FastEthernet": "fa", "Ethernet": "e",
    "Serial": "se", "Loopback": "loop", "Dialer": "dialer", "Port-channel": "po", "Vlan": "vlan",
    "Cellular": "cell", "Virtual-PPP": "vppp", "Virtual-Template": "vt", "BDI": "bdi",
    "Multilink": "mu", "ATM": "atm", "Wlan-GigabitEthernet": "wlgi", "AppGigabitEthernet": "appgi",
    "Bundle-Ether": "be", "Management": "mgmt", "mgmt": "mgmt", "VirtualPortGroup": "vpg",
}
_IOS_NAME = re.compile(r"^([A-Za-z][A-Za-z-]*?)(\d+(?:[/:]\d+)*(?:\.\d+)?)$")


def safe_hostname(name: str) -> str | None:
    """The hostname when it is safe as a directory name and FRR word, else None.

    Examples:
        >>> safe_hostname("spoke-a")
        'spoke-a'
        >>> safe_hostname("hub$(reboot)") is None
        True
    """
    return name if HOSTNAME.match(name) else None


def safe_word(value: str) -> str | None:
    """``value`` when it is a plain FRR word (peer-group or profile name), else None."""
    return value if WORD.match(value) else None


def safe_fqdn(value: str) -> str | None:
    """``value`` when it is a DNS name made of RFC 1123 labels, else None."""
    return value if FQDN.match(value) else None


def safe_text(value: str) -> str | None:
    """``value`` when it may be copied into a comment or FRR description verbatim, else None."""
    return value if _SAFE_TEXT.match(value) else None


def show(value: str, limit: int = 80) -> str:
    """A config fragment for a message: unsafe characters become ``?``, long text is cut.

    Messages end up in terminals and the generated README, so they never carry control
    characters or shell syntax copied from the input.

    Examples:
        >>> show("tunnel protection ipsec profile x;rm -rf /")
        'tunnel protection ipsec profile x?rm -rf /'
    """
    cleaned = "".join(c if re.match(r"[A-Za-z0-9 _.,:/+=@%()\[\]<>*#!-]", c) else "?" for c in value)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


def ospf_area(value: str) -> str | None:
    """The area as FRR accepts it (number or dotted quad), else None.

    Examples:
        >>> ospf_area("0"), ospf_area("0.0.0.1"), ospf_area("4294967296")
        ('0', '0.0.0.1', None)
    """
    m = _AREA.match(value.strip())
    if not m:
        return None
    if m.group(1) is not None:
        return value.strip() if int(m.group(1)) <= 0xFFFFFFFF else None
    return value.strip() if all(int(m.group(i)) <= 255 for i in range(2, 6)) else None


def asn(value: str) -> int | None:
    """An AS number as asplain (FRR 8.4 has no asdot), else None.

    Examples:
        >>> asn("65000"), asn("1.10"), asn("65000;")
        (65000, 65546, None)
    """
    m = _ASN.match(value.strip())
    if not m:
        return None
    if m.group(2) is None:
        number = int(m.group(1))
    else:
        high, low = int(m.group(1)), int(m.group(2))
        if high > 0xFFFF or low > 0xFFFF:
            return None
        number = high * 65536 + low
    return number if 1 <= number <= 0xFFFFFFFF else None


def tunnel_ifname(ios_name: str) -> str | None:
    """The Linux GRE device name for an IOS tunnel: ``Tunnel0`` -> ``gre-tunnel0``.

    Long tunnel numbers fall back to ``gre<N>`` so the name stays within 15 bytes.

    Examples:
        >>> tunnel_ifname("Tunnel0"), tunnel_ifname("Tunnel2147483647")
        ('gre-tunnel0', 'gre2147483647')
    """
    m = re.match(r"^Tunnel(\d{1,10})$", ios_name)
    if not m:
        return None
    number = str(int(m.group(1)))
    name = f"gre-tunnel{number}"
    return name if len(name) <= 15 else f"gre{number}"


def linux_ifname(ios_name: str) -> str | None:
    """A deterministic Linux name for an IOS interface, or None when none is safe.

    ``GigabitEthernet0/1`` -> ``gi0-1``, ``GigabitEthernet0/0.100`` -> ``gi0-0.100``
    (the Linux VLAN naming style), ``Loopback0`` -> ``loop0``. The real device on the
    Linux node is usually called something else (``eth0``): the README lists the
    mapping, and ``--interface-map`` replaces it.

    Examples:
        >>> linux_ifname("GigabitEthernet0/1"), linux_ifname("Loopback0"), linux_ifname("Tunnel5")
        ('gi0-1', 'loop0', 'gre-tunnel5')
        >>> linux_ifname("Foo$(x)") is None
        True
    """
    if ios_name.startswith("Tunnel"):
        return tunnel_ifname(ios_name)
    m = _IOS_NAME.match(ios_name)
    if not m:
        return None
    kind, number = m.group(1), m.group(2)
    prefix = _SHORT.get(kind) or re.sub(r"[^a-z]", "", kind.lower())[:4]
    name = prefix + number.replace("/", "-").replace(":", "-")
    return name if IFNAME.match(name) else None


def parse_interface_map(pairs: Mapping[str, str]) -> dict[str, str]:
    """Validate user overrides ``IOS-name -> Linux-name``; raise ValueError on a bad one."""
    out: dict[str, str] = {}
    for ios, linux in pairs.items():
        if not IFNAME.match(linux):
            raise ValueError(f"{show(linux)!r} is not a usable Linux interface name "
                             "(letters, digits, '.', '_', '-', at most 15 characters)")
        out[canonical_interface(ios)] = linux
    targets = list(out.values())
    dupes = sorted({t for t in targets if targets.count(t) > 1})
    if dupes:
        raise ValueError(f"several IOS interfaces are mapped to {', '.join(dupes)}")
    return out
