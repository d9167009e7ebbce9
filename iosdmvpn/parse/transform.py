"""Command templates to typed :class:`Cmd` records (values checked here).

The callbacks of :class:`CommandTransformer` are named after the grammar rules; they get
the rule's children: :class:`Token` words (with their Lark terminal type and their index
in the command's words) and the results of nested rules. See :mod:`iosdmvpn.parse.shapes`
for how a Lark tree becomes such a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Interface,
    IPv6Network,
    ip_address,
)
from typing import TYPE_CHECKING, Any, cast

from iosdmvpn.model.interface import IPAddress
from iosdmvpn.model.names import canonical_interface
from iosdmvpn.source import Span, span_of

if TYPE_CHECKING:
    from iosdmvpn.parse.structure import Line


class Token(str):
    """One word of a command as Lark typed it: the text, the terminal type, the word's index.

    The type and the index are attributes of the token's class, a subclass made once per
    (type, index) pair (:func:`token_class`): a token is then a bare ``str`` object, made
    three times faster than one with a ``__dict__`` of its own (a large file has 50,000).
    """

    __slots__ = ()
    type: str
    word: int  # index in the command's words (not ``index``: that is a str method)

    def __new__(cls, value: str, type_: str, word: int) -> Token:
        return str.__new__(token_class(type_, word), value)


_TOKEN_CLASSES: dict[tuple[str, int], type[Token]] = {}


def token_class(type_: str, word: int) -> type[Token]:
    """The :class:`Token` subclass of the tokens of type ``type_`` at word ``word``."""
    cls = _TOKEN_CLASSES.get((type_, word))
    if cls is None:
        cls = _TOKEN_CLASSES[(type_, word)] = cast(
            "type[Token]", type("Token", (Token,), {"__slots__": (), "type": type_, "word": word}))
    return cls


class BadValue(Exception):
    """A value in a command is invalid (bad address, number out of range, ...)."""

    def __init__(self, message: str, token: Token | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.token = token


@dataclass(slots=True)
class Cmd:
    """One parsed command: its rule name, typed arguments and span."""

    name: str
    span: Span
    args: dict[str, Any] = field(default_factory=dict)


class LinePosition:
    """Maps the words of one command back to the original file."""

    __slots__ = ("_span", "line", "path")

    def __init__(self, path: str, line: Line) -> None:
        self.path = path
        self.line = line
        self._span: Span | None = None

    def move(self, line: Line) -> None:
        """Map the words of ``line`` from now on."""
        self.line = line
        self._span = None

    def span(self) -> Span:
        """The whole command."""
        if self._span is None:
            line = self.line
            self._span = span_of(self.path, line.number, line.column, line.number, line.end_column)
        return self._span

    def token_span(self, token: Token) -> Span:
        """The span of one word of the command."""
        line = self.line
        columns = line.columns
        index = token.word if 0 <= token.word < len(columns) else 0
        start = columns[index]
        return span_of(self.path, line.number, start, line.number, start + len(str(token)))


# ----------------------------------------------------------------- value parsers


def to_int(token: Token, low: int, high: int, what: str) -> int:
    """An integer in [low, high]."""
    try:
        value = int(str(token))
    except ValueError:
        raise BadValue(f"{what} must be a number, not {str(token)!r}", token) from None
    if not low <= value <= high:
        raise BadValue(f"{what} {value} is out of range {low}-{high}", token)
    return value


# A dotted quad as ipaddress accepts it (ASCII digits, no leading zero); the value check
# and anything else go to ipaddress itself, so the result is always ipaddress's.
_QUAD = re.compile(r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})")


def _ipv4_int(text: str) -> int | None:
    """The value of a dotted-quad IPv4 address, as :class:`IPv4Address` reads it (None: invalid)."""
    m = _QUAD.fullmatch(text)
    if m is not None:
        qa, qb, qc, qd = m.groups()
        a, b, c, d = int(qa), int(qb), int(qc), int(qd)  # not a generator: this runs per new address
        if a < 256 and b < 256 and c < 256 and d < 256:
            return (a << 24) | (b << 16) | (c << 8) | d
    try:
        return int(IPv4Address(text))
    except ValueError:
        return None


def _ipv4(text: str) -> IPv4Address | None:
    # Not memoised itself: what repeats (next hops, peers, masks) goes through _ip or _MASKS,
    # and the addresses that come here alone (route prefixes) are nearly all different.
    value = _ipv4_int(text)
    return None if value is None else IPv4Address(value)  # from an int: no re-parse


def to_ipv4(token: Token, what: str = "IPv4 address") -> IPv4Address:
    """A dotted-quad IPv4 address."""
    address = _ipv4(str(token))
    if address is None:
        raise BadValue(f"invalid {what} {str(token)!r}", token)
    return address


def to_ip(token: Token, what: str = "address") -> IPAddress:
    """An IPv4 or IPv6 address."""
    address = _ip(str(token))
    if address is None:
        raise BadValue(f"invalid {what} {str(token)!r}", token)
    return address


@lru_cache(maxsize=8192)
def _ip(text: str) -> IPAddress | None:
    if ":" not in text:
        return _ipv4(text)
    try:
        return ip_address(text)
    except ValueError:
        return None


def is_ip(text: str) -> bool:
    """True when ``text`` is an IPv4 or IPv6 address."""
    return _ip(text) is not None


def to_mask(token: Token) -> int:
    """A dotted netmask to a prefix length; rejects non-contiguous masks."""
    length = _MASKS.get(str(token))
    if length is not None:
        return length
    mask = to_ipv4(token, "netmask")
    bits = int(mask)
    inverted = ~bits & 0xFFFFFFFF
    if inverted & (inverted + 1):
        raise BadValue(f"invalid netmask {str(token)!r} (not contiguous)", token)
    return 32 - inverted.bit_length()


_MASKS = {str(IPv4Address((0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF)): n for n in range(33)}


def _ipv4_value(token: Token) -> int:
    """``int(to_ipv4(token))``, without making the address object."""
    value = _ipv4_int(str(token))
    if value is None:
        raise BadValue(f"invalid IPv4 address {str(token)!r}", token)
    return value


def to_ipv4_interface(addr: Token, mask: Token) -> IPv4Interface:
    """``A.B.C.D M.M.M.M`` to an interface address."""
    # An int, not the address object: ipaddress would format and re-parse the object.
    return IPv4Interface((_ipv4_value(addr), to_mask(mask)))


def to_ipv4_network(addr: Token, mask: Token) -> IPv4Network:
    """``A.B.C.D M.M.M.M`` to a network (host bits dropped)."""
    return IPv4Network((_ipv4_value(addr), to_mask(mask)), strict=False)


def to_prefix(token: Token) -> IPv4Network | IPv6Network:
    """``A.B.C.D/len`` or ``X:X::X/len`` (no length: a host route)."""
    text = str(token)
    try:
        if ":" in text:
            return IPv6Network(text, strict=False)
        return IPv4Network(text, strict=False)
    except ValueError:
        raise BadValue(f"invalid prefix {text!r}", token) from None


def to_ipv6_interface(token: Token) -> IPv6Interface:
    """``X:X::X/len``."""
    try:
        return IPv6Interface(str(token))
    except ValueError:
        raise BadValue(f"invalid IPv6 address {str(token)!r}", token) from None


def words(tokens: list[Any]) -> list[str]:
    """The string values of a list of tokens."""
    return [str(t) for t in tokens]


def _lower(tokens: list[Any]) -> list[str]:
    return [str(t).lower() for t in tokens]


def _nbma(token: Token) -> dict[str, Any]:
    text = str(token)
    if is_ip(text):
        return {"nbma": _ip(text)}
    if "." in text and not text[0].isdigit():
        return {"nbma_fqdn": text}
    raise BadValue(f"invalid NBMA address {text!r}", token)


# ------------------------------------------------------------------ transformer

_NO = "NO"


def _has_no(items: list[Any]) -> bool:
    return bool(items) and isinstance(items[0], Token) and items[0].type == _NO


def _strip_no(items: list[Any]) -> list[Any]:
    return items[1:] if _has_no(items) else items


class CommandTransformer:
    """Turns the tree of one command into a :class:`Cmd`.

    ``position`` is set per line by the caller; value errors raise :class:`BadValue`,
    which the caller turns into a diagnostic at the token's span.
    """

    position: LinePosition

    def __default__(self, data: str, children: list[Any]) -> Cmd:
        tokens = [c for c in children if isinstance(c, Token)]
        return Cmd(data, self.position.span(), {"words": words(tokens)})

    def _cmd(self, cmd_name: str, /, **args: Any) -> Cmd:
        return Cmd(cmd_name, self.position.span(), args)

    # ---- global
    def hostname(self, c: list[Token]) -> Cmd:
        return self._cmd("hostname", value=str(c[0]))

    def version(self, c: list[Token]) -> Cmd:
        parts = str(c[0]).split(".")
        try:
            return self._cmd("version", value=(int(parts[0]), int(parts[1]) if len(parts) > 1 else 0))
        except ValueError:
            return self._cmd("version", value=None)

    def interface_head(self, c: list[Token]) -> Cmd:
        ws = words(c)
        # "interface Tunnel 0", "int tun 0", "interface Gi0/0.10 point-to-point"
        name = ws[0] + ws[1] if len(ws) > 1 and ws[1][:1].isdigit() else ws[0]
        # Here and in ip_route and description, the Cmd is made without _cmd's keyword
        # arguments: they are most of the modelled lines of a large file.
        return Cmd("interface", self.position.span(), {"name": canonical_interface(name)})

    def router_eigrp_head(self, c: list[Token]) -> Cmd:
        value = str(c[0])
        if value.isdigit():
            return self._cmd("router_eigrp", asn=to_int(c[0], 1, 65535, "EIGRP AS"), name=None)
        return self._cmd("router_eigrp", asn=None, name=value)

    def ipv6_router_eigrp_head(self, c: list[Token]) -> Cmd:
        return self._cmd("router_eigrp", asn=to_int(c[0], 1, 65535, "EIGRP AS"), name=None, family=6)

    def router_ospf_head(self, c: list[Token]) -> Cmd:
        return self._cmd("router_ospf", process=to_int(c[0], 1, 65535, "OSPF process"),
                         vrf=str(c[-1]) if len(c) > 1 else None)

    def router_ospfv3_head(self, c: list[Token]) -> Cmd:
        return self._cmd("router_ospf", process=to_int(c[0], 1, 65535, "OSPF process"), vrf=None, family=6)

    ipv6_router_ospf_head = router_ospfv3_head

    def router_bgp_head(self, c: list[Token]) -> Cmd:
        text = str(c[0])
        if not all(p.isdigit() for p in text.split(".")) or text.count(".") > 1:
            raise BadValue(f"invalid BGP AS number {text!r}", c[0])
        return self._cmd("router_bgp", asn=text)

    def router_rip_head(self, c: list[Token]) -> Cmd:
        return self._cmd("router_rip")

    def ip_route(self, c: list[Token]) -> Cmd:
        ws = list(c)
        vrf = None
        if str(ws[0]).lower() == "vrf" and len(ws) > 1:
            vrf, ws = str(ws[1]), ws[2:]
        if len(ws) < 3:
            raise BadValue("ip route needs a prefix, a mask and a next hop or interface",
                           ws[-1] if ws else c[-1])
        prefix = to_ipv4_network(ws[0], ws[1])
        return Cmd("static_route", self.position.span(),
                   {"prefix": prefix, "vrf": vrf, **_route_target(ws[2:])})

    def ipv6_route(self, c: list[Token]) -> Cmd:
        ws = list(c)
        vrf = None
        if str(ws[0]).lower() == "vrf" and len(ws) > 1:
            vrf, ws = str(ws[1]), ws[2:]
        if len(ws) < 2:
            raise BadValue("ipv6 route needs a prefix and a next hop or interface", ws[-1] if ws else c[-1])
        return self._cmd("static_route", prefix=to_prefix(ws[0]), vrf=vrf, **_route_target(ws[1:]))

    def isakmp_policy_head(self, c: list[Token]) -> Cmd:
        return self._cmd("isakmp_policy", priority=to_int(c[0], 1, 65535, "ISAKMP policy priority"))

    def isakmp_profile_head(self, c: list[Token]) -> Cmd:
        return self._cmd("isakmp_profile", name=str(c[0]))

    def keyring_head(self, c: list[Token]) -> Cmd:
        return self._cmd("keyring", name=str(c[0]), vrf=str(c[1]) if len(c) > 1 else None)

    def tset_head(self, c: list[Token]) -> Cmd:
        ws = words(c[1:])
        transforms: list[str] = []
        for w in ws:
            if w.isdigit() and transforms:
                transforms[-1] += f" {w}"  # "esp-aes 256": the key length is its own token
            else:
                transforms.append(w.lower())
        return self._cmd("transform_set", name=str(c[0]), transforms=tuple(transforms))

    def ipsec_profile_head(self, c: list[Token]) -> Cmd:
        return self._cmd("ipsec_profile", name=str(c[0]))

    def ikev2_proposal_head(self, c: list[Token]) -> Cmd:
        return self._cmd("ikev2_proposal", name=str(c[0]))

    def ikev2_policy_head(self, c: list[Token]) -> Cmd:
        return self._cmd("ikev2_policy", name=str(c[0]))

    def ikev2_keyring_head(self, c: list[Token]) -> Cmd:
        return self._cmd("ikev2_keyring", name=str(c[0]))

    def ikev2_profile_head(self, c: list[Token]) -> Cmd:
        return self._cmd("ikev2_profile", name=str(c[0]))

    def trustpoint_head(self, c: list[Token]) -> Cmd:
        return self._cmd("trustpoint", name=str(c[0]))

    def isakmp_key(self, c: list[Token]) -> Cmd:
        return self._cmd("isakmp_key", **_psk(list(c), keyword_first=False))

    def isakmp_keepalive(self, c: list[Token]) -> Cmd:
        return self._cmd("isakmp_keepalive", **_dpd(list(c)))

    def isakmp_default_policy(self, c: list[Token]) -> Cmd:
        return self._cmd("isakmp_default_policy", enabled=False)

    def ikev2_dpd(self, c: list[Token]) -> Cmd:
        return self._cmd("ikev2_dpd", **_dpd(list(c)))

    def compliance_shield_disable(self, c: list[Token]) -> Cmd:
        return self._cmd("compliance_shield_disable")

    # ---- interface
    def ip_address(self, c: list[Token]) -> Cmd:
        first = str(c[0]).lower()
        if first in ("dhcp", "negotiated"):
            return self._cmd("ip_address_mode", mode=first)
        if "/" in str(c[0]):
            raise BadValue(f"IOS takes 'address mask', not a prefix ({str(c[0])!r})", c[0])
        if len(c) < 2:
            raise BadValue("ip address needs an address and a mask (or dhcp / negotiated)", c[0])
        secondary = len(c) > 2 and str(c[2]).lower() == "secondary"
        return self._cmd("ip_address", address=to_ipv4_interface(c[0], c[1]), secondary=secondary)

    def ip_unnumbered(self, c: list[Token]) -> Cmd:
        name = "".join(words(c))
        return self._cmd("ip_unnumbered", interface=canonical_interface(name))

    def no_ip_address(self, c: list[Token]) -> Cmd:
        return self._cmd("no_ip_address")

    def ipv6_address(self, c: list[Token]) -> Cmd:
        text = str(c[0])
        option = str(c[1]).lower() if len(c) > 1 else ""
        if option == "link-local":
            return self._cmd("ipv6_link_local", address=to_ip(c[0], "IPv6 link-local address"))
        if text.lower() in ("autoconfig", "dhcp"):
            return self._cmd("ipv6_enable")
        if "/" not in text:
            raise BadValue(f"IPv6 address {text!r} needs a /length", c[0])
        return self._cmd("ipv6_address", address=to_ipv6_interface(c[0]))

    def ipv6_enable(self, c: list[Token]) -> Cmd:
        return self._cmd("ipv6_enable")

    def vrf_forwarding(self, c: list[Token]) -> Cmd:
        return self._cmd("vrf", name=str(c[-1]))

    def description(self, c: list[Token]) -> Cmd:
        return Cmd("description", self.position.span(), {"text": " ".join(c)})  # join: a plain str

    def shutdown(self, c: list[Token]) -> Cmd:
        return self._cmd("shutdown", value=not _has_no(c))

    def bandwidth(self, c: list[Token]) -> Cmd:
        ws = list(c)
        if str(ws[0]).lower() in ("inherit", "receive", "qos-reference"):
            if len(ws) < 2:
                return self._cmd("ignored")
            ws = ws[1:]
        return self._cmd("bandwidth", value=to_int(ws[0], 1, 100_000_000, "bandwidth (kbit/s)"))

    def delay(self, c: list[Token]) -> Cmd:
        return self._cmd("delay", value=to_int(c[0], 1, 16_777_215, "delay"))

    def ip_mtu(self, c: list[Token]) -> Cmd:
        return self._cmd("ip_mtu", value=to_int(c[0], 68, 65535, "ip mtu"))

    def ipv6_mtu(self, c: list[Token]) -> Cmd:
        return self._cmd("ipv6_mtu", value=to_int(c[0], 1280, 65535, "ipv6 mtu"))

    def ip_tcp_mss(self, c: list[Token]) -> Cmd:
        return self._cmd("tcp_mss", value=to_int(c[0], 500, 1460, "ip tcp adjust-mss"))

    def ipv6_tcp_mss(self, c: list[Token]) -> Cmd:
        return self._cmd("ipv6_tcp_mss", value=to_int(c[0], 40, 1440, "ipv6 tcp adjust-mss"))

    def keepalive(self, c: list[Token]) -> Cmd:
        return self._cmd("keepalive", value=not _has_no(c))

    def ip_redirects(self, c: list[Token]) -> Cmd:
        return self._cmd("ip_redirects", value=not _has_no(c))

    def ipv6_redirects(self, c: list[Token]) -> Cmd:
        return self._cmd("ipv6_redirects", value=not _has_no(c))

    def crypto_map(self, c: list[Token]) -> Cmd:
        return self._cmd("crypto_map", name=str(c[0]))

    def tunnel_source(self, c: list[Token]) -> Cmd:
        text = "".join(words(c))
        if is_ip(text):
            return self._cmd("tunnel_source", address=_ip(text), interface=None)
        return self._cmd("tunnel_source", address=None, interface=canonical_interface(" ".join(words(c))))

    def tunnel_destination(self, c: list[Token]) -> Cmd:
        return self._cmd("tunnel_destination", value=str(c[0]))

    def tunnel_mode(self, c: list[Token]) -> Cmd:
        text = " ".join(_lower(list(c)))
        known = {"gre ip": "gre ip", "gre multipoint": "gre multipoint",
                 "gre multipoint ipv6": "gre multipoint ipv6", "gre ipv6": "gre ipv6",
                 "ipsec ipv4": "ipsec ipv4", "ipsec ipv6": "ipsec ipv6"}
        return self._cmd("tunnel_mode", value=known.get(text, "other"), text=text)

    def tunnel_key(self, c: list[Token]) -> Cmd:
        return self._cmd("tunnel_key", value=to_int(c[0], 0, 4294967295, "tunnel key"))

    def tunnel_vrf(self, c: list[Token]) -> Cmd:
        return self._cmd("tunnel_vrf", value=str(c[0]))

    def tunnel_protection(self, c: list[Any]) -> Cmd:
        args: dict[str, Any] = {"profile": None, "shared": False, "isakmp_profile": None,
                                "ikev2_profile": None, "psk": None}
        args["profile"] = str(c[0])
        for item in c[1:]:
            if isinstance(item, Token) and item.type == "SHARED":
                args["shared"] = True
            elif isinstance(item, tuple):
                args[item[0]] = item[1]
        return self._cmd("tunnel_protection", **args)

    def tunnel_protection_psk(self, c: list[Token]) -> Cmd:
        return self._cmd("tunnel_protection", profile=None, shared=False, isakmp_profile=None,
                         ikev2_profile=None, psk=str(c[0]))

    def prot_isakmp_profile(self, c: list[Token]) -> tuple[str, str]:
        return ("isakmp_profile", str(c[0]))

    def prot_ikev2_profile(self, c: list[Token]) -> tuple[str, str]:
        return ("ikev2_profile", str(c[0]))

    # NHRP: sub-command rules return Cmds named nhrp_*; ip_nhrp / ipv6_nhrp tag the family.
    def ip_nhrp(self, c: list[Any]) -> Cmd:
        cmd: Cmd = _strip_no(c)[0]
        cmd.args["family"] = 4
        return cmd

    def ipv6_nhrp(self, c: list[Any]) -> Cmd:
        cmd: Cmd = _strip_no(c)[0]
        cmd.args["family"] = 6
        return cmd

    def nhrp_network_id(self, c: list[Token]) -> Cmd:
        return self._cmd("nhrp_network_id", value=to_int(c[0], 1, 4294967295, "NHRP network-id"))

    def nhrp_authentication(self, c: list[Token]) -> Cmd:
        return self._cmd("nhrp_authentication", value=str(c[0]))

    def nhrp_holdtime(self, c: list[Token]) -> Cmd:
        return self._cmd("nhrp_holdtime", value=to_int(c[0], 1, 65535, "NHRP holdtime"))

    def nhrp_map(self, c: list[Any]) -> Cmd:
        if isinstance(c[0], Token) and c[0].type == "MULTICAST":
            target = str(c[1])
            if target.lower() == "dynamic":
                return self._cmd("nhrp_map_multicast_dynamic", value=True)
            return self._cmd("nhrp_map_multicast", nbma=to_ip(c[1], "NBMA address"))
        tokens = [x for x in c if isinstance(x, Token)]
        preference = next((x[1] for x in c if isinstance(x, tuple)), None)
        proto_text = str(tokens[0])
        prefix_length = None
        if "/" in proto_text:
            network = to_prefix(tokens[0])
            proto: IPAddress = ip_address(proto_text.split("/")[0])
            prefix_length = network.prefixlen
        else:
            proto = to_ip(tokens[0], "NHRP protocol address")
        if len(tokens) < 2:
            raise BadValue("ip nhrp map needs a protocol address and an NBMA address", tokens[0])
        nbma_token = tokens[-1]  # "map X MASK NBMA" (rare mask form) ends with the NBMA too
        if len(tokens) == 3:
            prefix_length = to_mask(tokens[1])
        return self._cmd("nhrp_map", protocol=proto, prefix_length=prefix_length, preference=preference,
                         **_nbma(nbma_token))

    def map_preference(self, c: list[Token]) -> tuple[str, int]:
        return ("preference", to_int(c[0], 0, 255, "preference"))

    def nhrp_nhs(self, c: list[Any]) -> Cmd:
        target = c[0]
        args: dict[str, Any] = {"protocol": None, "multicast": False, "priority": None, "cluster": None,
                                "nbma": None, "nbma_fqdn": None}
        text = str(target).lower()
        if text in ("cluster", "fallback"):
            return self._cmd("ignored")
        if text != "dynamic":
            args["protocol"] = to_ip(target, "NHS address")
        extra_words = []
        for item in c[1:]:
            if isinstance(item, Token) and item.type == "MULTICAST":
                args["multicast"] = True
            elif isinstance(item, tuple):
                args.update(item[1]) if item[0] == "nbma" else args.__setitem__(item[0], item[1])
            else:
                extra_words.append(item)
        if extra_words:
            # Legacy network form "ip nhrp nhs X <net> <mask>" serves only some destinations.
            args["networks"] = words(extra_words)
        return self._cmd("nhrp_nhs", **args)

    def nhs_nbma(self, c: list[Token]) -> tuple[str, dict[str, Any]]:
        return ("nbma", _nbma(c[0]))

    def nhs_priority(self, c: list[Token]) -> tuple[str, int]:
        return ("priority", to_int(c[0], 0, 255, "NHS priority"))

    def nhs_cluster(self, c: list[Token]) -> tuple[str, int]:
        return ("cluster", to_int(c[0], 0, 10, "NHS cluster"))

    def nhrp_redirect(self, c: list[Token]) -> Cmd:
        return self._cmd("nhrp_redirect", value=True)

    def nhrp_shortcut(self, c: list[Token]) -> Cmd:
        return self._cmd("nhrp_shortcut", value=True)

    def nhrp_registration(self, c: list[Token]) -> Cmd:
        ws = _lower(list(c))
        if ws[0] == "no-unique":
            return self._cmd("nhrp_no_unique", value=True)
        if ws[0] == "timeout" and len(c) > 1:
            return self._cmd("nhrp_registration_timeout",
                             value=to_int(c[1], 1, 65535, "NHRP registration timeout"))
        return self._cmd("ignored")

    def nhrp_map_multicast_dynamic_off(self, c: list[Token]) -> Cmd:
        return self._cmd("nhrp_map_multicast_dynamic", value=False)

    def nhrp_shortcut_off(self, c: list[Token]) -> Cmd:
        return self._cmd("nhrp_shortcut", value=False)

    def nhrp_redirect_off(self, c: list[Token]) -> Cmd:
        return self._cmd("nhrp_redirect", value=False)

    def ip_ospf(self, c: list[Token]) -> Cmd:
        return self._cmd("ospf_if", family=4, **_ospf_if(list(c)))

    def ipv6_ospf(self, c: list[Token]) -> Cmd:
        return self._cmd("ospf_if", family=6, **_ospf_if(list(c)))

    def ospfv3_if(self, c: list[Token]) -> Cmd:
        ws = list(c)
        # "ospfv3 1 ipv6 area 0" / "ospfv3 network point-to-multipoint"
        if str(ws[0]).isdigit() and len(ws) >= 4 and str(ws[1]).lower() == "ipv6":
            ws = [ws[0], *ws[2:]]
        return self._cmd("ospf_if", family=6, **_ospf_if(ws))

    def ip_eigrp_knob(self, c: list[Token]) -> Cmd:
        return self._eigrp_knob(c, 4)

    def ipv6_eigrp_knob(self, c: list[Token]) -> Cmd:
        return self._eigrp_knob(c, 6)

    def _eigrp_knob(self, c: list[Token], family: int) -> Cmd:
        negated = _has_no(c)
        items = _strip_no(c)
        knob = str(items[0]).lower()
        asn = to_int(items[1], 1, 65535, "EIGRP AS")
        rest = words(items[2:])
        value: Any = not negated
        if knob in ("hello-interval", "hold-time", "bandwidth-percent"):
            if not rest:
                raise BadValue(f"{knob} needs a value", items[-1])
            value = to_int(items[2], 1, 65535 if knob != "bandwidth-percent" else 999999, knob)
        elif knob == "summary-address":
            value = " ".join(rest)
        return self._cmd("eigrp_if", family=family, knob=knob, asn=asn, value=value, negated=negated)

    def ipv6_eigrp_enable(self, c: list[Token]) -> Cmd:
        return self._cmd("eigrp_if", family=6, knob="enable", asn=to_int(c[0], 1, 65535, "EIGRP AS"),
                         value=True, negated=False)

    # ---- ISAKMP policy / profile / keyring
    def policy_encryption(self, c: list[Token]) -> Cmd:
        return self._cmd("policy", field="encryption", value=" ".join(_lower(list(c))))

    def policy_hash(self, c: list[Token]) -> Cmd:
        return self._cmd("policy", field="hash", value=str(c[0]).lower())

    def policy_authentication(self, c: list[Token]) -> Cmd:
        return self._cmd("policy", field="authentication", value=str(c[0]).lower())

    def policy_group(self, c: list[Token]) -> Cmd:
        return self._cmd("policy", field="group", value=to_int(c[0], 1, 32, "DH group"))

    def policy_lifetime(self, c: list[Token]) -> Cmd:
        return self._cmd("policy", field="lifetime", value=to_int(c[0], 60, 86400, "lifetime"))

    def profile_vrf(self, c: list[Token]) -> Cmd:
        return self._cmd("profile_vrf", value=str(c[0]))

    def profile_keyring(self, c: list[Token]) -> Cmd:
        return self._cmd("profile_keyring", value=str(c[0]))

    def profile_match_identity(self, c: list[Token]) -> Cmd:
        return self._cmd("profile_match_identity", value=" ".join(words(c)))

    def profile_keepalive(self, c: list[Token]) -> Cmd:
        return self._cmd("profile_keepalive", value=to_int(c[0], 10, 3600, "keepalive"))

    def keyring_psk(self, c: list[Token]) -> Cmd:
        return self._cmd("keyring_psk", **_psk(list(c), keyword_first=True))

    # ---- IPsec
    def tset_mode(self, c: list[Token]) -> Cmd:
        mode = str(c[0]).lower()
        if mode not in ("tunnel", "transport"):
            raise BadValue(f"transform-set mode must be tunnel or transport, not {mode!r}", c[0])
        return self._cmd("tset_mode", value=mode)

    def set_transform_set(self, c: list[Token]) -> Cmd:
        return self._cmd("set_transform_set", value=tuple(words(c)))

    def set_isakmp_profile(self, c: list[Token]) -> Cmd:
        return self._cmd("set_isakmp_profile", value=str(c[0]))

    def set_ikev2_profile(self, c: list[Token]) -> Cmd:
        return self._cmd("set_ikev2_profile", value=str(c[0]))

    def set_pfs(self, c: list[Token]) -> Cmd:
        # IOS: bare "set pfs" is group 1
        return self._cmd("set_pfs", value=str(c[0]).lower() if c else "group1")

    def set_sa_lifetime(self, c: list[Token]) -> Cmd:
        unit = str(c[0]).lower()
        if str(c[1]).lower() == "disable":
            return self._cmd("ignored")
        if unit not in ("seconds", "kilobytes"):
            raise BadValue(f"lifetime unit must be seconds or kilobytes, not {unit!r}", c[0])
        return self._cmd("set_sa_lifetime", unit=unit, value=to_int(c[1], 1, 2**32 - 1, "lifetime"))

    # ---- IKEv2
    def proposal_encryption(self, c: list[Token]) -> Cmd:
        return self._cmd("proposal", field="encryption", value=tuple(_lower(list(c))))

    def proposal_integrity(self, c: list[Token]) -> Cmd:
        return self._cmd("proposal", field="integrity", value=tuple(_lower(list(c))))

    def proposal_prf(self, c: list[Token]) -> Cmd:
        return self._cmd("proposal", field="prf", value=tuple(_lower(list(c))))

    def proposal_group(self, c: list[Token]) -> Cmd:
        return self._cmd("proposal", field="group", value=tuple(to_int(t, 1, 32, "DH group") for t in c))

    def ikev2_policy_proposal(self, c: list[Token]) -> Cmd:
        return self._cmd("ikev2_policy_proposal", value=str(c[0]))

    def ikev2_policy_match(self, c: list[Token]) -> Cmd:
        return self._cmd("ikev2_policy_match", value=words(c))

    def peer_head(self, c: list[Token]) -> Cmd:
        return self._cmd("ikev2_peer", name=str(c[0]))

    def peer_address(self, c: list[Token]) -> Cmd:
        if "/" in str(c[0]):
            return self._cmd("peer_address", value=to_prefix(c[0]))
        if len(c) > 1:
            return self._cmd("peer_address", value=to_ipv4_network(c[0], c[1]))
        address = to_ip(c[0], "peer address")
        return self._cmd("peer_address", value=IPv4Network(address) if isinstance(address, IPv4Address)
                         else IPv6Network(address))

    def peer_hostname(self, c: list[Token]) -> Cmd:
        return self._cmd("peer_hostname", value=str(c[0]))

    def peer_identity(self, c: list[Token]) -> Cmd:
        return self._cmd("peer_identity", value=" ".join(words(c)))

    def peer_psk(self, c: list[Token]) -> Cmd:
        ws = words(c)
        side = None
        if ws[0].lower() in ("local", "remote"):
            side, ws = ws[0].lower(), ws[1:]
        if ws and ws[0] in ("0", "6", "7") and len(ws) > 1:
            return self._cmd("peer_psk", side=side, key=ws[1], encryption_type=int(ws[0]))
        if not ws:
            raise BadValue("pre-shared-key needs a key", c[-1])
        return self._cmd("peer_psk", side=side, key=ws[0], encryption_type=0)

    def v2_match(self, c: list[Token]) -> Cmd:
        return self._cmd("v2_match", value=words(c))

    def v2_identity_local(self, c: list[Token]) -> Cmd:
        return self._cmd("v2_identity_local", value=" ".join(words(c)))

    def v2_authentication(self, c: list[Token]) -> Cmd:
        ws = words(c)
        side = ws[0].lower()
        if side not in ("local", "remote") or len(ws) < 2:
            raise BadValue("authentication needs local|remote and a method", c[0])
        key = None
        encryption_type = 0
        if len(ws) >= 4 and ws[2].lower() == "key":
            key = ws[-1]
            if len(ws) >= 5 and ws[3] in ("0", "6", "7"):
                encryption_type = int(ws[3])
        return self._cmd("v2_authentication", side=side, method=ws[1].lower(), key=key,
                         encryption_type=encryption_type)

    def v2_keyring(self, c: list[Token]) -> Cmd:
        ws = words(c)
        if ws[0].lower() == "local" and len(ws) > 1:
            return self._cmd("v2_keyring", value=ws[1])
        return self._cmd("ignored")

    def v2_pki(self, c: list[Token]) -> Cmd:
        return self._cmd("v2_pki", value=str(c[0]))

    def v2_dpd(self, c: list[Token]) -> Cmd:
        return self._cmd("v2_dpd", **_dpd(list(c)))

    def v2_lifetime(self, c: list[Token]) -> Cmd:
        return self._cmd("v2_lifetime", value=to_int(c[0], 120, 86400, "IKEv2 lifetime"))

    def v2_ivrf(self, c: list[Token]) -> Cmd:
        return self._cmd("v2_ivrf", value=str(c[0]))

    def v2_virtual_template(self, c: list[Token]) -> Cmd:
        return self._cmd("v2_virtual_template", value=to_int(c[0], 0, 65535, "virtual-template"))

    # ---- routing
    def network(self, c: list[Token]) -> Cmd:
        address = to_ipv4(c[0], "network address")
        wildcard = None
        area = None
        rest = list(c[1:])
        if rest and "." in str(rest[0]):
            wildcard = to_ipv4(rest[0], "wildcard mask")
            rest = rest[1:]
        if rest:
            area = str(rest[-1])
        return self._cmd("network", address=address, wildcard=wildcard, area=area)

    def eigrp_stub(self, c: list[Token]) -> Cmd:
        return self._cmd("eigrp_stub", value=" ".join(_lower(list(c))))

    def passive_interface(self, c: list[Token]) -> Cmd:
        negated = _has_no(c)
        ws = words(_strip_no(c))
        if len(ws) == 1 and ws[0].lower() == "default":
            return self._cmd("passive_default", value=not negated)
        return self._cmd("passive_interface", interface=canonical_interface(" ".join(ws)), value=not negated)

    def eigrp_af_head(self, c: list[Token]) -> Cmd:
        return self._cmd("address_family", **_address_family(list(c)))

    bgp_af_head = eigrp_af_head

    def router_id(self, c: list[Token]) -> Cmd:
        return self._cmd("router_id", value=to_ipv4(c[-1], "router-id"))

    def af_interface_head(self, c: list[Token]) -> Cmd:
        ws = words(c)
        name = "default" if ws[0].lower() == "default" else canonical_interface(" ".join(ws))
        return self._cmd("af_interface", name=name)

    def eigrp_topology_head(self, c: list[Token]) -> Cmd:
        return self._cmd("ignored")

    def eigrp_redistribute(self, c: list[Token]) -> Cmd:
        return self._cmd("eigrp_redistribute", value=" ".join(words(c)))

    def afif_knob(self, c: list[Token]) -> Cmd:
        negated = _has_no(c)
        flag = str(_strip_no(c)[0]).lower()
        return self._cmd("afif", field=flag.replace("-", "_"), value=not negated)

    def afif_passive(self, c: list[Token]) -> Cmd:
        return self._cmd("afif", field="passive", value=not _has_no(c))

    def afif_summary(self, c: list[Token]) -> Cmd:
        return self._cmd("afif_summary", value=" ".join(words(c)))

    def afif_timer(self, c: list[Token]) -> Cmd:
        field_name = {"hello-interval": "hello", "hold-time": "hold",
                      "bandwidth-percent": "bandwidth_percent"}[str(c[0]).lower()]
        return self._cmd("afif", field=field_name, value=to_int(c[1], 1, 999999, str(c[0])))

    def bgp_listen_range(self, c: list[Token]) -> Cmd:
        return self._cmd("bgp_listen_range", prefix=to_prefix(c[0]), peer_group=str(c[1]))

    def bgp_listen_limit(self, c: list[Token]) -> Cmd:
        return self._cmd("bgp_listen_limit", value=to_int(c[0], 1, 10000, "bgp listen limit"))

    def bgp_router_id(self, c: list[Token]) -> Cmd:
        return self._cmd("router_id", value=to_ipv4(c[0], "router-id"))

    def neighbor(self, c: list[Token]) -> Cmd:
        negated = _has_no(c)
        items = _strip_no(c)
        target = str(items[0])
        rest = words(items[1:])
        return self._cmd("neighbor", id=target, words=rest, negated=negated,
                         is_address=is_ip(target))

    def bgp_network(self, c: list[Token]) -> Cmd:
        ws = list(c)
        if len(ws) >= 3 and str(ws[1]).lower() == "mask":
            return self._cmd("bgp_network", prefix=to_ipv4_network(ws[0], ws[2]))
        if "/" in str(ws[0]):
            return self._cmd("bgp_network", prefix=to_prefix(ws[0]))
        address = to_ipv4(ws[0], "network address")
        first = int(address) >> 24
        length = 8 if first < 128 else 16 if first < 192 else 24  # classful when no mask
        return self._cmd("bgp_network", prefix=IPv4Network((int(address), length), strict=False))

    def bgp_redistribute(self, c: list[Token]) -> Cmd:
        return self._cmd("bgp_redistribute", value=" ".join(words(c)))

    def bgp_aggregate(self, c: list[Token]) -> Cmd:
        return self._cmd("bgp_aggregate", value=" ".join(words(c)))

    def rip_version(self, c: list[Token]) -> Cmd:
        return self._cmd("rip_version", value=to_int(c[0], 1, 2, "RIP version"))


def _route_target(ws: list[Token]) -> dict[str, Any]:
    """The part of ``ip route`` after the prefix: next hop and/or interface, distance."""
    next_hop: IPAddress | None = None
    interface = None
    distance = None
    i = 0
    hop = _ip(str(ws[0])) if ws else None
    if ws and hop is None and not str(ws[0]).isdigit():
        candidate = str(ws[i])
        # "Gi 0/0", "Dialer 1": a bare type name takes the next word as its number.
        if i + 1 < len(ws) and _TYPE_NAME.match(candidate) and _IF_NUMBER.match(str(ws[i + 1])) \
                and not is_ip(str(ws[i + 1])):
            candidate += str(ws[i + 1])
            i += 1
        interface = canonical_interface(candidate)
        i += 1
        hop = _ip(str(ws[i])) if i < len(ws) else None
    if hop is not None:
        next_hop = hop
        i += 1
    if i < len(ws) and str(ws[i]).isdigit():
        distance = to_int(ws[i], 1, 255, "administrative distance")
    if next_hop is None and interface is None:
        raise BadValue("route needs a next hop or an interface", ws[0] if ws else None)
    return {"next_hop": next_hop, "interface": interface, "distance": distance}


_TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z-]*$")
_IF_NUMBER = re.compile(r"^\d+(?:/\d+)*(?:\.\d+)?(?::\d+)?$")


def _psk(ws: list[Token], keyword_first: bool) -> dict[str, Any]:
    """Pre-shared key lines.

    ``crypto isakmp key [0|6|7] KEY address A [M] | address ipv6 P | hostname H`` and, in
    a keyring, ``pre-shared-key address A [M] key [0|6] KEY | hostname H key KEY``.
    """
    text = words(ws)
    low = [w.lower() for w in text]
    out: dict[str, Any] = {"peer": None, "hostname": None, "encryption_type": 0}
    if keyword_first:
        if "key" not in low:
            raise BadValue("pre-shared-key needs 'key <secret>'", ws[-1])
        k = low.index("key")
        key_words = text[k + 1:]
        target = list(zip(text[:k], ws[:k], strict=True))
    else:
        if "address" in low:
            k = low.index("address")
        elif "hostname" in low:
            k = low.index("hostname")
        else:
            raise BadValue("crypto isakmp key needs 'address' or 'hostname'", ws[-1])
        key_words = text[:k]
        target = list(zip(text[k:], ws[k:], strict=True))
    if key_words and key_words[0] in ("0", "6", "7") and len(key_words) > 1:
        out["encryption_type"] = int(key_words[0])
        key_words = key_words[1:]
    if not key_words:
        raise BadValue("missing pre-shared key", ws[-1])
    out["key"] = key_words[0]
    if not target:
        raise BadValue("missing peer (address or hostname)", ws[-1])
    kind = target[0][0].lower()
    args = [t for t in target[1:] if t[0].lower() not in ("no-xauth",)]
    if kind == "hostname" and args:
        out["hostname"] = args[0][0]
    elif kind == "address" and args:
        if args[0][0].lower() == "ipv6" and len(args) > 1:
            out["peer"] = to_prefix(args[1][1])
        elif "/" in args[0][0]:
            out["peer"] = to_prefix(args[0][1])
        elif len(args) > 1 and is_ip(args[1][0]):
            out["peer"] = to_ipv4_network(args[0][1], args[1][1])
        else:
            address = to_ip(args[0][1], "peer address")
            if isinstance(address, IPv4Address):
                # From the int: the network of an address object is parsed again from its text.
                out["peer"] = IPv4Network("0.0.0.0/0") if int(address) == 0 else IPv4Network(int(address))
            else:
                out["peer"] = IPv6Network("::/0") if str(address) == "::" else IPv6Network(address)
    else:
        raise BadValue("missing peer (address or hostname)", ws[-1])
    return out


def _dpd(ws: list[Token]) -> dict[str, Any]:
    """``I [R] [periodic|on-demand]``."""
    interval = to_int(ws[0], 1, 3600, "DPD interval")
    retry = to_int(ws[1], 1, 3600, "DPD retry") if len(ws) > 1 and str(ws[1]).isdigit() else None
    mode = next((str(w).lower() for w in ws[1:] if not str(w).isdigit()), None)
    return {"interval": interval, "retry": retry, "mode": mode}


def _ospf_if(ws: list[Token]) -> dict[str, Any]:
    """Interface OSPF commands: ``P area A``, ``network T``, ``priority N``, timers."""
    low = [str(w).lower() for w in ws]
    if low[0].isdigit() and len(ws) >= 3 and low[1] == "area":
        return {"setting": "area", "process": to_int(ws[0], 1, 65535, "OSPF process"), "area": str(ws[2])}
    if low[0] == "network" and len(ws) > 1:
        return {"setting": "network_type", "value": " ".join(low[1:])}
    if low[0] == "priority" and len(ws) > 1:
        return {"setting": "priority", "value": to_int(ws[1], 0, 255, "OSPF priority")}
    if low[0] == "hello-interval" and len(ws) > 1:
        return {"setting": "hello", "value": to_int(ws[1], 1, 65535, "hello-interval")}
    if low[0] == "dead-interval" and len(ws) > 1:
        if low[1] == "minimal":
            return {"setting": "dead", "value": 1}
        return {"setting": "dead", "value": to_int(ws[1], 1, 65535, "dead-interval")}
    return {"setting": "other"}


def _address_family(ws: list[Token]) -> dict[str, Any]:
    """``address-family ipv4|ipv6 [unicast] [vrf V] [autonomous-system N]``."""
    low = [str(w).lower() for w in ws]
    family = 6 if low[0] == "ipv6" else 4
    vrf = str(ws[low.index("vrf") + 1]) if "vrf" in low and low.index("vrf") + 1 < len(ws) else None
    asn = None
    for key in ("autonomous-system", "as"):
        if key in low and low.index(key) + 1 < len(ws):
            asn = to_int(ws[low.index(key) + 1], 1, 65535, "EIGRP AS")
    return {"family": family, "afi": low[0], "safi": low[1] if len(low) > 1 and low[1] in (
        "unicast", "multicast", "vpnv4", "flowspec") else "unicast", "vrf": vrf, "asn": asn}


def callbacks(transformer: CommandTransformer) -> dict[str, Any]:
    """Rule name -> bound callback, for every public method of the transformer."""
    return {name: getattr(transformer, name) for name in dir(type(transformer))
            if not name.startswith("_") and callable(getattr(transformer, name))}
