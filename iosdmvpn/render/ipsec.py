"""Target ``strongswan``: the IOS crypto chain of a protected tunnel -> ``swanctl.conf``.

Contract (in the style of aerleon's generator patterns):

* **Input**: one DMVPN tunnel with ``tunnel protection ipsec profile P [shared]``. The chain
  followed is the one IOS uses: the IPsec profile's transform-sets, ``set pfs`` and
  ``set security-association lifetime``; then IKEv2 (``set ikev2-profile``: the proposals of
  the IKEv2 policies that match the tunnel, or the smart defaults; the keyring or inline
  keys; ``authentication``, ``match identity remote``, ``identity local``, ``dpd``,
  ``lifetime``) or IKEv1 (the ISAKMP policies with IOS defaults for omitted fields, or the
  default policies; keys from the ISAKMP profile's keyrings, else the keys of the tunnel's
  VRF table; ``crypto isakmp keepalive``).
* **Output**: one connection with one child per tunnel (:class:`IpsecPlan`), always ESP in
  transport mode with ``dynamic[gre]`` selectors (targets.md §3.1/§3.2), plus the ``ike-*``
  secrets the tunnel actually selects. ``stock`` (distribution strongSwan): the child is a
  wildcard trap policy (``start_action = trap``), nhrpd knows nothing about IPsec. ``vici``
  (strongSwan with the nhrpd patches, Alpine/VyOS): connection and child are named for
  nhrpd's ``tunnel protection vici profile <name>`` (:attr:`IpsecPlan.name`), nhrpd initiates.
* **Loss**: every mapping that changes behaviour is a DMV650-DMV699 diagnostic with the IOS
  span. Certificate authentication, encrypted (type 6) keys and chains with nothing usable
  left are refused: no plan, an error, never half a connection.
* **Secrets** never appear in diagnostics or comments. A key is written as a quoted and
  escaped string (strongSwan settings syntax), or as ``0x<hex>`` when quoting cannot keep
  it intact (control characters; a leading ``0x``/``0s`` that swanctl would decode).
* Covered by ``tests/render/test_swanctl.py`` (real charon) and ``tests/render/test_ipsec_*.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, ConfigDict, SecretStr

from iosdmvpn.diagnostics import Diagnostic, Related
from iosdmvpn.model import (
    Device,
    Dpd,
    Ikev2Policy,
    Ikev2Profile,
    Ikev2Proposal,
    Interface,
    IpsecProfile,
    IsakmpPolicy,
    IsakmpProfile,
    TransformSet,
    TunnelMode,
)
from iosdmvpn.model.base import IosNode
from iosdmvpn.model.network import Network, TunnelRef
from iosdmvpn.render.codes import diag
from iosdmvpn.render.names import show
from iosdmvpn.render.scan import covered_lines, unaccounted
from iosdmvpn.resources import data_dir
from iosdmvpn.source import Span, redact

IpsecMode = Literal["stock", "vici"]

# ------------------------------------------------------------------ mapping tables
# Keywords from strongSwan's proposal_keywords_static.txt (5.9.8); every row was loaded
# into charon 5.9.8 (targets.md §3.4, tests/render/test_swanctl.py).

DH_GROUPS: dict[int, str] = {
    1: "modp768", 2: "modp1024", 5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096",
    19: "ecp256", 20: "ecp384", 21: "ecp521", 24: "modp2048s256",
}
ISAKMP_ENCRYPTION: dict[str, str] = {
    "des": "des", "3des": "3des", "aes": "aes128", "aes 128": "aes128", "aes 192": "aes192",
    "aes 256": "aes256",
}
ISAKMP_HASH: dict[str, str] = {"md5": "md5", "sha": "sha1", "sha256": "sha256", "sha384": "sha384",
                               "sha512": "sha512"}
IKEV2_ENCRYPTION: dict[str, str] = {
    "des": "des", "3des": "3des", "aes-cbc-128": "aes128", "aes-cbc-192": "aes192", "aes-cbc-256": "aes256",
    "aes-gcm-128": "aes128gcm16", "aes-gcm-192": "aes192gcm16", "aes-gcm-256": "aes256gcm16",
}
IKEV2_AEAD = frozenset({"aes-gcm-128", "aes-gcm-192", "aes-gcm-256"})
IKEV2_INTEGRITY: dict[str, str] = {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "sha384": "sha384",
                                   "sha512": "sha512"}
IKEV2_PRF: dict[str, str] = {"md5": "prfmd5", "sha1": "prfsha1", "sha256": "prfsha256", "sha384": "prfsha384",
                             "sha512": "prfsha512"}
ESP_ENCRYPTION: dict[str, str] = {
    "esp-des": "des", "esp-3des": "3des",
    "esp-aes": "aes128", "esp-aes 128": "aes128", "esp-aes 192": "aes192", "esp-aes 256": "aes256",
    "esp-gcm": "aes128gcm16", "esp-gcm 128": "aes128gcm16", "esp-gcm 192": "aes192gcm16",
    "esp-gcm 256": "aes256gcm16",
    "esp-gmac": "aes128gmac", "esp-gmac 128": "aes128gmac", "esp-gmac 192": "aes192gmac",
    "esp-gmac 256": "aes256gmac",
    "esp-null": "null",
}
# AEAD transforms carry their own integrity (strongSwan refuses an HMAC next to them).
ESP_AEAD = frozenset(k for k in ESP_ENCRYPTION if k.startswith(("esp-gcm", "esp-gmac")))
ESP_INTEGRITY: dict[str, str] = {
    "esp-md5-hmac": "md5", "esp-sha-hmac": "sha1", "esp-sha256-hmac": "sha256",
    "esp-sha384-hmac": "sha384", "esp-sha512-hmac": "sha512",
}
# No strongSwan equivalent; the reason is part of the diagnostic.
ESP_UNSUPPORTED: dict[str, str] = {
    "esp-seal": "SEAL is not implemented by strongSwan or the Linux kernel",
    "ah-md5-hmac": "AH+ESP bundles are not supported by strongSwan",
    "ah-sha-hmac": "AH+ESP bundles are not supported by strongSwan",
    "ah-sha256-hmac": "AH+ESP bundles are not supported by strongSwan",
    "ah-sha384-hmac": "AH+ESP bundles are not supported by strongSwan",
    "ah-sha512-hmac": "AH+ESP bundles are not supported by strongSwan",
}
# IPComp is negotiated separately and a peer may decline it, so dropping LZS keeps the SA working.
ESP_DROPPED: dict[str, str] = {
    "comp-lzs": "strongSwan only offers IPComp with Deflate (ipcomp = yes), not LZS",
}

# IOS default protection suites, used when the configuration leaves them out (rules.md §2.5).
# The pre-shared-key half of the default ISAKMP policies 65507-65514 (classic IOS).
ISAKMP_DEFAULT_PSK_PROPOSALS = ("aes128-sha1-modp1536", "aes128-md5-modp1536", "3des-sha1-modp1024",
                                "3des-md5-modp1024")
IKEV2_DEFAULT_PROPOSAL_IOS = ("aes256-aes192-aes128-sha512-sha384-sha256-sha1-md5-modp1536-modp1024",)
IKEV2_DEFAULT_PROPOSAL_XE = ("aes256-sha512-sha384-ecp256-modp2048-ecp521-modp1536",)
DEFAULT_TRANSFORMS = (("esp-aes", "esp-sha-hmac"), ("esp-3des", "esp-sha-hmac"))

IPSEC_LIFETIME_SECONDS = 3600  # IOS ``set security-association lifetime`` defaults
IPSEC_LIFETIME_KILOBYTES = 4608000
IKE_LIFETIME_SECONDS = 86400
ISAKMP_KEEPALIVE_RETRY = 2  # IOS default retry interval; a peer is dead after 5 retries

_TYPE7_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"

# ------------------------------------------------------------------ the plan


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SwanctlChild(_Frozen):
    """``connections.<conn>.children.<name>``: the ESP SA protecting GRE."""

    name: str
    esp_proposals: tuple[str, ...]
    mode: Literal["transport"] = "transport"
    local_ts: str = "dynamic[gre]"
    remote_ts: str = "dynamic[gre]"
    rekey_time: int
    life_time: int
    rekey_bytes: int
    life_bytes: int
    start_action: Literal["trap", "none"]
    dpd_action: Literal["clear"] = "clear"
    close_action: Literal["none"] = "none"


class SwanctlConnection(_Frozen):
    """``connections.<name>``: the IKE side (version, proposals, lifetimes, DPD, auth)."""

    name: str
    comments: tuple[str, ...] = ()
    version: Literal[1, 2]
    local_addrs: str
    remote_addrs: str
    proposals: tuple[str, ...]
    rekey_time: int  # 0: off (IKEv1 re-authenticates instead)
    reauth_time: int  # 0: off (IKEv2 rekeys instead)
    over_time: int
    keyingtries: int
    dpd_delay: int | None = None
    dpd_timeout: int | None = None  # IKEv1 only
    mobike: bool | None = None  # IKEv2 only
    local_auth: Literal["psk"] = "psk"
    remote_auth: Literal["psk"] = "psk"
    local_id: str | None = None  # rendered value (quoted when needed); None: strongSwan's default (the IP)
    remote_id: str | None = None
    children: tuple[SwanctlChild, ...]


class SwanctlSecret(_Frozen):
    """``secrets.ike-<name>``: one pre-shared key and the identities that own it (none: any)."""

    name: str
    comment: str
    ids: tuple[str, ...]  # rendered values
    secret: SecretStr  # the rendered literal: a quoted, escaped string or 0x<hex>


class IpsecPlan(_Frozen):
    """The strongSwan side of one protected tunnel: what ``swanctl.conf`` gets for it."""

    name: str  # connection and child name; with ``vici`` nhrpd's ``tunnel protection vici profile``
    hostname: str
    source: str
    tunnel: str
    mode: IpsecMode
    connections: tuple[SwanctlConnection, ...]
    secrets: tuple[SwanctlSecret, ...]

    @property
    def vici_profile(self) -> str | None:
        """The profile nhrpd names in ``tunnel protection vici profile`` (``vici`` mode only)."""
        return self.name if self.mode == "vici" else None


# ------------------------------------------------------------------ value syntax

# Values swanctl reads unquoted without surprise (settings_lexer.l: no space, #, }, ", =).
_BARE = re.compile(r"^[A-Za-z0-9_.:/@%*+-]+$")
_SECTION = re.compile(r"[^A-Za-z0-9_-]")


def swanctl_string(value: str) -> str:
    """``value`` as a swanctl.conf value: bare when safe, else quoted and escaped.

    The settings lexer (strongSwan ``settings_lexer.l``) turns ``\\n``, ``\\r``, ``\\t`` into
    control characters and ``\\<c>`` into ``c`` inside double quotes, and drops raw CRs;
    a NUL cannot be represented (C strings), so it raises ValueError.

    Examples:
        >>> swanctl_string("198.51.100.1")
        '198.51.100.1'
        >>> print(swanctl_string('a"b}c'))
        "a\\"b}c"
    """
    if "\x00" in value:
        raise ValueError("a NUL character cannot be written to swanctl.conf")
    if value and _BARE.match(value):
        return value
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def psk_literal(key: str) -> str:
    """A pre-shared key as swanctl.conf writes it, so that charon loads exactly ``key``.

    swanctl decodes a value starting with ``0x`` (hex) or ``0s`` (base64) even when it is
    quoted (``load_creds.c``), and a key with control characters is safest as bytes, so
    those are written as ``0x`` plus the UTF-8 bytes in hex; everything else is quoted.

    Examples:
        >>> psk_literal("Cisco123")
        '"Cisco123"'
        >>> psk_literal("0xdead")
        '0x307864656164'
        >>> psk_literal('a"b')
        '"a\\\\"b"'
    """
    if key[:2].lower() in ("0x", "0s") or any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        return "0x" + key.encode("utf-8").hex()
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def decode_type7(text: str) -> str | None:
    """Reverse the IOS type 7 obfuscation (a fixed XOR table); None when ``text`` is not type 7.

    Examples:
        >>> decode_type7("0822455D0A16")
        'cisco'
        >>> decode_type7("xyz") is None
        True
    """
    if len(text) < 4 or len(text) % 2 or not text[:2].isdigit():
        return None
    seed = int(text[:2])
    try:
        data = bytes.fromhex(text[2:])
    except ValueError:
        return None
    if seed >= len(_TYPE7_XLAT):
        return None
    return "".join(chr(b ^ ord(_TYPE7_XLAT[(seed + i) % len(_TYPE7_XLAT)])) for i, b in enumerate(data))


def _comment(text: str) -> str:
    """Text for a ``#`` comment: one line, no braces (older strongSwan parsers stumble on them)."""
    return "".join("?" if ord(c) < 0x20 or ord(c) == 0x7F or c in "{}" else c for c in text)


def _section_name(text: str) -> str:
    # Section names may not hold . , : { } = " # or white space (strongswan.conf(5)).
    return _SECTION.sub("-", text)


def _kb_bytes(kilobytes: int) -> int:
    return kilobytes * 1024


def _soft(hard: int) -> int:
    """90 % of a hard limit: IOS rekeys shortly before expiry, strongSwan wants soft < hard."""
    return max(1, hard * 9 // 10)


# ------------------------------------------------------------------ lowering helpers


@dataclass
class _Key:
    """A pre-shared key a tunnel may select, before it becomes a secret."""

    peer: IPv4Network | IPv6Network | None
    identities: tuple[str, ...]  # rendered ids other than the address (IKEv2 ``identity``)
    value: str | None  # None: not recoverable (type 6) or missing
    what: str  # "crypto isakmp key for 0.0.0.0/0" - never the key
    span: Span
    hostname: str | None = None
    asymmetric: bool = False
    encryption_type: int = 0


@dataclass
class _Ctx:
    """The state of one ``lower_ipsec`` call: where diagnostics go and what they point at."""

    device: Device
    iface: Interface
    mode: IpsecMode
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unrecoverable: bool = False  # a selected key is encrypted (DMV660)

    def add(self, code: str, message: str, span: Span, help: str | None = None,
            related: tuple[Related, ...] = ()) -> None:
        self.diagnostics.append(diag(code, message, span, help=help, related=related))

    @property
    def label(self) -> str:
        return f"{show(self.device.name)} {show(self.iface.name)}"


def _prot_span(iface: Interface) -> Span:
    assert iface.tunnel is not None
    return iface.tunnel.at("protection")


def _default_transform_set(span: Span) -> TransformSet:
    return TransformSet(span=span, name="default", transforms=DEFAULT_TRANSFORMS[0], mode="transport")


def _esp_proposal(ctx: _Ctx, ts: TransformSet, pfs: str | None) -> str | None:
    """One transform-set as one ESP proposal, or None (with a diagnostic) when it has none."""
    ciphers: list[str] = []
    integrity: list[str] = []
    for transform in ts.transforms:
        word = transform.lower()
        if word in ESP_ENCRYPTION:
            ciphers.append(word)
        elif word in ESP_INTEGRITY:
            integrity.append(word)
        elif word in ESP_DROPPED:
            ctx.add("DMV652", f"transform-set {show(ts.name)}: {word} is dropped: {ESP_DROPPED[word]}",
                    ts.span, help="IOS negotiates IPComp optionally, so the SA still comes up, uncompressed")
        else:
            reason = ESP_UNSUPPORTED.get(word.split()[0], "it is not a known IOS transform")
            ctx.add("DMV652", f"transform-set {show(ts.name)} is not used: {show(word)}: {reason}", ts.span,
                    help="use ESP transforms only, e.g. esp-aes 256 esp-sha256-hmac or esp-gcm 256")
            return None
    if len(ciphers) > 1 or len(integrity) > 1:
        ctx.add("DMV652", f"transform-set {show(ts.name)} is not used: it lists more than one ESP "
                          "encryption or integrity transform", ts.span)
        return None
    parts: list[str] = []
    if ciphers:
        parts.append(ESP_ENCRYPTION[ciphers[0]])
        if ciphers[0] in ESP_AEAD and integrity:
            ctx.add("DMV652", f"transform-set {show(ts.name)}: {integrity[0]} is dropped next to the "
                              f"combined-mode {ciphers[0]} (it authenticates by itself)", ts.span)
            integrity = []
        elif ciphers[0] == "esp-null" and not integrity:
            ctx.add("DMV652", f"transform-set {show(ts.name)} is not used: esp-null without an integrity "
                              "transform protects nothing", ts.span)
            return None
    elif integrity:
        parts.append("null")  # ESP authentication only
    else:
        ctx.add("DMV652", f"transform-set {show(ts.name)} is not used: it has no ESP transform", ts.span)
        return None
    parts.extend(ESP_INTEGRITY[i] for i in integrity)
    if pfs is not None:
        parts.append(pfs)
    if ts.effective_mode != "transport":
        where = ts.at("mode") if ts.mode is not None else ts.span
        ctx.add("DMV651", f"transform-set {show(ts.name)} uses tunnel mode"
                          f"{'' if ts.mode else ' (the IOS default)'}; the translation uses transport mode",
                where, help="DMVPN protects GRE between the NBMA addresses, which transport mode covers; "
                            "NAT traversal needs it. Add 'mode transport' to the transform-set to match")
    return "-".join(parts)


def _pfs_group(ctx: _Ctx, profile: IpsecProfile) -> str | None:
    if profile.pfs is None:
        return None
    m = re.fullmatch(r"group(\d+)", profile.pfs)
    group = DH_GROUPS.get(int(m.group(1))) if m else None
    if group is None:
        ctx.add(
            "DMV654", f"ipsec profile {show(profile.name)}: 'set pfs {show(profile.pfs)}' has no strongSwan "
                      "DH group; the child SA is negotiated without PFS and the IOS peer will refuse it",
            profile.at("pfs"))
    return group


def _esp_proposals(ctx: _Ctx, profile: IpsecProfile) -> tuple[str, ...]:
    crypto = ctx.device.crypto
    pfs = _pfs_group(ctx, profile)
    sets: list[TransformSet] = []
    if not profile.transform_sets:
        ctx.add("DMV656", f"ipsec profile {show(profile.name)} names no transform-set: the IOS default "
                          "transform-sets (esp-aes esp-sha-hmac, esp-3des esp-sha-hmac) are assumed; they "
                          "are release-dependent", profile.span,
                help="set the transform-set explicitly on both sides")
        for transforms in DEFAULT_TRANSFORMS:
            sets.append(TransformSet(span=profile.span, name="default", transforms=transforms,
                                     mode="transport"))
    for name in profile.transform_sets:
        ts = crypto.transform_set(name)
        if ts is None and name == "default":
            ts = _default_transform_set(profile.at("transform_sets"))
            ctx.add("DMV656", "transform-set 'default' (IKEv2 smart defaults) is assumed to be "
                              "esp-aes esp-sha-hmac", profile.at("transform_sets"))
        if ts is None:
            ctx.add("DMV652", f"ipsec profile {show(profile.name)} names transform-set {show(name)!r}, which "
                              "is not defined; it is skipped", profile.at("transform_sets"))
            continue
        sets.append(ts)
    proposals: list[str] = []
    for ts in sets:
        proposal = _esp_proposal(ctx, ts, pfs)
        if proposal is not None and proposal not in proposals:
            proposals.append(proposal)
    if not proposals:
        ctx.add("DMV653", f"{ctx.label}: no transform-set of ipsec profile {show(profile.name)} can be "
                          "expressed as a strongSwan ESP proposal; no connection is written", profile.span)
    return tuple(proposals)


def _lifetimes(profile: IpsecProfile) -> dict[str, int]:
    seconds = profile.lifetime_seconds or IPSEC_LIFETIME_SECONDS
    life_bytes = _kb_bytes(profile.lifetime_kilobytes or IPSEC_LIFETIME_KILOBYTES)
    return {"life_time": seconds, "rekey_time": _soft(seconds), "life_bytes": life_bytes,
            "rekey_bytes": _soft(life_bytes)}


# ---- identities


def _is_host(net: IPv4Network | IPv6Network) -> bool:
    return net.prefixlen == net.max_prefixlen


def _address_identity(words: list[str]) -> tuple[IPv4Network | IPv6Network | None, bool]:
    """``address A [M] [vrf]`` / ``address ipv6 P`` -> (network, parsed)."""
    try:
        if len(words) >= 3 and words[1].lower() == "ipv6":
            return ip_network(words[2], strict=False), True
        if "/" in words[1]:
            return ip_network(words[1], strict=False), True
        address = ip_address(words[1])
        if len(words) >= 3 and re.fullmatch(r"\d+\.\d+\.\d+\.\d+", words[2]):
            return ip_network(f"{address}/{words[2]}", strict=False), True
        if str(address) in ("0.0.0.0", "::"):
            return ip_network(f"{address}/0"), True
        return ip_network(address), True
    except ValueError:
        return None, False


def _identity(text: str) -> tuple[str | None, str | None]:
    """An IOS identity (``match identity remote`` / ``identity local`` / keyring ``identity``).

    Returns (rendered swanctl id or None for "any", problem or None).
    """
    words = text.split()
    if not words:
        return None, "empty identity"
    kind = words[0].lower()
    if kind == "any":
        return None, None
    if kind == "address" and len(words) >= 2:
        net, ok = _address_identity(words)
        if not ok or net is None:
            return None, f"identity {show(text)!r} is not an address"
        if net.prefixlen == 0:
            return None, None
        if _is_host(net):
            return swanctl_string(str(net.network_address)), None
        return None, f"identity {show(text)!r} matches a prefix, which a strongSwan identity cannot express"
    domain = len(words) >= 3 and words[1].lower() == "domain"
    value = words[-1]
    # strongSwan matches a leading '*' as a wildcard: IOS "domain D" matches any name ending in D.
    prefix = {"fqdn": "fqdn:*." if domain else "fqdn:", "host": "fqdn:*." if domain else "fqdn:",
              "email": "email:*@" if domain else "email:", "user": "email:*@" if domain else "email:",
              "key-id": "keyid:"}.get(kind)
    if prefix is None or len(words) < 2:
        return None, f"identity {show(text)!r} has no strongSwan form"
    try:
        return swanctl_string(prefix + value), None
    except ValueError:
        return None, f"identity {show(text)!r} cannot be written to swanctl.conf"


def _remote_id(ctx: _Ctx, entries: Sequence[str], span: Span, owner: str) -> str | None:
    """``match identity`` statements -> one ``remote.id`` (strongSwan takes one per round)."""
    ids: list[str | None] = []
    for entry in entries:
        rendered, problem = _identity(entry)
        if problem is not None:
            ctx.add("DMV668", f"{owner}: {problem}; the remote identity is not restricted (%any)", span)
            return None
        ids.append(rendered)
    if not ids or any(i is None for i in ids):
        return None
    if len(set(ids)) > 1:
        ctx.add(
            "DMV668", f"{owner} matches {len(ids)} remote identities; strongSwan takes one, so the remote "
                      "identity is not restricted (%any)", span)
        return None
    return ids[0]


# ---- keys


def _key_value(ctx: _Ctx, key: _Key) -> str | None:
    """The clear-text key, decoding type 7; type 6 (and unknown types) cannot be recovered."""
    if key.value is None:
        return None
    if key.encryption_type == 0:
        return key.value
    if key.encryption_type == 7:
        clear = decode_type7(key.value)
        if clear is not None:
            ctx.add("DMV661", f"{key.what}: the type 7 key was decoded (type 7 is reversible obfuscation)",
                    key.span, help="type 7 protects nothing; the key is in clear in swanctl.conf (mode 0600)")
            return clear
    ctx.unrecoverable = True
    ctx.add("DMV660", f"{key.what} is stored encrypted (type {key.encryption_type}) and cannot be recovered "
                      "from the configuration; no connection is written", key.span,
            help="translate from a configuration that holds the key in clear (type 0), or add the secret to "
                 "swanctl.conf by hand")
    return None


def _ikev1_keys(ctx: _Ctx, isakmp: IsakmpProfile | None) -> list[_Key]:
    crypto = ctx.device.crypto
    assert ctx.iface.tunnel is not None
    fvrf = ctx.iface.tunnel.vrf
    if isakmp is not None and isakmp.keyrings:
        rings = []
        for name in isakmp.keyrings:
            ring = crypto.keyring(name)
            if ring is None:
                ctx.add(
                    "DMV663",
                    f"isakmp profile {show(isakmp.name)} names keyring {show(name)!r}, which is not "
                    "defined; it provides no key", isakmp.at("keyrings"))
            else:
                rings.append(ring)
    else:
        rings = [r for r in crypto.keyrings if (r.vrf or None) == fvrf]
    found: list[_Key] = []
    if fvrf is None and (isakmp is None or not isakmp.keyrings):
        # ``crypto isakmp key`` lives in the global table only.
        for k in crypto.isakmp_keys:
            found.append(_Key(peer=k.peer, identities=(), value=k.key.get_secret_value(),
                              what=f"crypto isakmp key for {k.peer or show(k.hostname or '?')}", span=k.span,
                              hostname=k.hostname, encryption_type=k.encryption_type))
    for ring in rings:
        for k in ring.keys:
            found.append(_Key(peer=k.peer, identities=(), value=k.key.get_secret_value(),
                              what=f"keyring {show(ring.name)} key for {k.peer or show(k.hostname or '?')}",
                              span=k.span, hostname=k.hostname, encryption_type=k.encryption_type))
    return found


def _ikev2_keys(ctx: _Ctx, profile: Ikev2Profile) -> list[_Key]:
    crypto = ctx.device.crypto
    inline_local, inline_remote = profile.inline_psk_local, profile.inline_psk_remote
    if inline_local is not None or inline_remote is not None:
        # An inline key in the profile applies to every peer and takes precedence over the keyring.
        inline = {s.get_secret_value() for s in (inline_local, inline_remote) if s is not None}
        span = profile.at("inline_psk_local" if inline_local is not None else "inline_psk_remote")
        return [_Key(peer=IPv4Network("0.0.0.0/0"), identities=(), value=min(inline),
                     what=f"ikev2 profile {show(profile.name)} inline key", span=span,
                     asymmetric=len(inline) > 1 or None in (inline_local, inline_remote),
                     encryption_type=profile.inline_psk_encryption_type)]
    if profile.keyring_local is None:
        return []
    ring = crypto.ikev2_keyring(profile.keyring_local)
    if ring is None:
        ctx.add(
            "DMV663", f"ikev2 profile {show(profile.name)} names keyring {show(profile.keyring_local)!r}, "
                      "which is not defined; it provides no key", profile.at("keyring_local"))
        return []
    found: list[_Key] = []
    for peer in ring.peers:
        local, remote = peer.psk_local, peer.psk_remote
        values = [s.get_secret_value() for s in (peer.psk, local, remote) if s is not None]
        asymmetric = peer.psk is None and (local is None or remote is None
                                           or local.get_secret_value() != remote.get_secret_value())
        identities: tuple[str, ...] = ()
        if peer.identity is not None:
            rendered, problem = _identity(peer.identity)
            if problem is None and rendered is not None:
                identities = (rendered,)
        found.append(_Key(peer=peer.address, identities=identities, value=values[0] if values else None,
                          what=f"ikev2 keyring {show(ring.name)} peer {show(peer.name)}", span=peer.span,
                          hostname=peer.hostname,
                          asymmetric=asymmetric and bool(values), encryption_type=peer.psk_encryption_type))
    return found


@dataclass
class _Secret:
    ids: tuple[str, ...]
    value: str
    what: str
    span: Span


def _secrets(ctx: _Ctx, keys: list[_Key]) -> list[_Secret]:
    """Keys -> secrets: host peers own their key, 0.0.0.0/0 is the wildcard, the rest is approximated."""
    by_ids: dict[tuple[str, ...], _Secret] = {}
    broad: list[tuple[_Key, str]] = []
    for key in keys:
        if key.value is None:
            continue
        if key.peer is None and not key.identities:
            how = f"by hostname {show(key.hostname)!r}" if key.hostname else "by neither address nor identity"
            ctx.add("DMV663", f"{key.what} is keyed {how}; strongSwan selects pre-shared keys by address or "
                              "identity, so it is not translated", key.span,
                    help="key the peer by address, or by an 'identity fqdn' the peer really sends")
            continue
        if key.asymmetric:
            ctx.add("DMV663", f"{key.what} uses different local and remote keys; strongSwan uses one key per "
                              "peer, so it is not translated", key.span,
                    help="use 'pre-shared-key <key>' for both directions")
            continue
        value = _key_value(ctx, key)
        if value is None:
            continue
        if key.peer is None or key.peer.prefixlen == 0:
            ids: tuple[str, ...] = key.identities
        elif _is_host(key.peer):
            ids = (swanctl_string(str(key.peer.network_address)), *key.identities)
        else:
            broad.append((key, value))
            continue
        if ids in by_ids:
            continue  # IOS uses the first (most specific) match; a repeat adds nothing
        by_ids[ids] = _Secret(ids=ids, value=value, what=key.what, span=key.span)
    for key, value in broad:
        if () in by_ids:
            ctx.add("DMV662", f"{key.what} covers the prefix {key.peer}; strongSwan cannot key a prefix, and "
                              f"the key offered to any peer ({by_ids[()].what}) serves them instead",
                    key.span, help="key each peer by address, or use one key for every peer")
            continue
        by_ids[()] = _Secret(ids=(), value=value, what=key.what, span=key.span)
        ctx.add(
            "DMV662", f"{key.what} covers the prefix {key.peer}; strongSwan cannot key a prefix, so this key "
                      "is offered to every peer", key.span,
            help="key each peer by address (a host address), or by 0.0.0.0 if any peer may use it")
    return list(by_ids.values())


# ---- IKE


def _isakmp_policy_proposal(ctx: _Ctx, policy: IsakmpPolicy) -> str | None:
    enc = str(policy.effective("encryption"))
    hsh = str(policy.effective("hash"))
    group = int(policy.effective("group"))
    parts = [ISAKMP_ENCRYPTION.get(enc), ISAKMP_HASH.get(hsh), DH_GROUPS.get(group)]
    if None in parts:
        bad = [w for w, p in ((enc, parts[0]), (hsh, parts[1]), (f"group {group}", parts[2])) if p is None]
        ctx.add(
            "DMV654", f"isakmp policy {policy.priority}: {', '.join(show(b) for b in bad)} has no strongSwan "
                      "keyword; the policy is not offered", policy.span)
        return None
    fields: tuple[Literal["encryption", "hash", "group"], ...] = ("encryption", "hash", "group")
    omitted = [f for f in fields if getattr(policy, f) is None]
    if omitted:
        ctx.add(
            "DMV656", f"isakmp policy {policy.priority} leaves out {', '.join(omitted)}: the IOS defaults "
                      f"({', '.join(f'{f} {policy.effective(f)}' for f in omitted)}) are used",
            policy.span, help="write every field of the policy; defaults differ between releases")
    return "-".join(p for p in parts if p is not None)


def _ikev1(ctx: _Ctx, isakmp: IsakmpProfile | None) -> dict[str, Any] | None:
    crypto = ctx.device.crypto
    policies = sorted(crypto.isakmp_policies, key=lambda p: p.priority)
    proposals: list[str] = []
    lifetime = IKE_LIFETIME_SECONDS
    span = _prot_span(ctx.iface)
    if not policies:
        if not crypto.isakmp_default_policy:
            ctx.add(
                "DMV655", f"{ctx.label}: IKEv1 has no ISAKMP policy ('no crypto isakmp default policy' and "
                          "none configured); no connection is written", crypto.at("isakmp_default_policy"))
            return None
        ctx.add("DMV656", f"{ctx.label}: no ISAKMP policy is configured; the pre-shared-key half of the IOS "
                          "default policies (65508-65514: AES-128/3DES, SHA/MD5, group 5/2) is offered",
                span, help="configure an explicit 'crypto isakmp policy' on both sides")
        proposals.extend(ISAKMP_DEFAULT_PSK_PROPOSALS)
    else:
        psk = [p for p in policies if p.effective("authentication") == "pre-share"]
        for p in policies:
            if p in psk:
                continue
            method = str(p.effective("authentication"))
            implied = " (the IOS default)" if p.authentication is None else ""
            if psk:
                ctx.add("DMV658", f"isakmp policy {p.priority} authenticates with {show(method)}{implied}; "
                                  "certificates are not translated, so it is not offered",
                        p.at("authentication"))
        if not psk:
            methods = sorted({str(p.effective("authentication")) for p in policies})
            implicit = any(p.authentication is None for p in policies)
            ctx.add(
                "DMV657",
                f"{ctx.label}: every ISAKMP policy authenticates with {', '.join(methods)}"
                f"{' (authentication left out: IOS default rsa-sig)' if implicit else ''}"
                "; certificate (or rsa-encr) authentication is not translated: no connection is "
                "written", policies[0].span,
                help="install the certificates, keys and CA under /etc/swanctl (x509/, private/, x509ca/) "
                "and write local.auth/remote.auth = pubkey with local.certs by hand; or use "
                "'authentication pre-share'")
            return None
        for p in psk:
            proposal = _isakmp_policy_proposal(ctx, p)
            if proposal is not None and proposal not in proposals:
                proposals.append(proposal)
        if not proposals:
            ctx.add(
                "DMV655", f"{ctx.label}: no ISAKMP policy can be expressed as a strongSwan IKE proposal; no "
                          "connection is written", psk[0].span)
            return None
        lifetimes = {int(p.effective("lifetime")) for p in psk}
        lifetime = int(psk[0].effective("lifetime"))
        if len(lifetimes) > 1:
            ctx.add("DMV669", f"the pre-share ISAKMP policies have different lifetimes "
                              f"({', '.join(str(x) for x in sorted(lifetimes))} s); strongSwan has one per "
                              f"connection: {lifetime} s (policy {psk[0].priority}) is used", psk[0].span)
    keepalive: Dpd | None = crypto.isakmp_keepalive
    dpd_delay: int | None = keepalive.interval if keepalive else None
    dpd_timeout: int | None = None
    if keepalive is not None:
        dpd_timeout = 5 * (keepalive.retry or ISAKMP_KEEPALIVE_RETRY)
    if isakmp is not None and isakmp.keepalive is not None:
        dpd_delay, dpd_timeout = isakmp.keepalive, 5 * ISAKMP_KEEPALIVE_RETRY
    remote_id = None
    if isakmp is not None:
        remote_id = _remote_id(ctx, [m for m in isakmp.match_identities if m.split()[0].lower() != "group"],
                               isakmp.at("match_identities"), f"isakmp profile {show(isakmp.name)}")
        if any(m.split()[0].lower() == "group" for m in isakmp.match_identities):
            ctx.add("DMV668", f"isakmp profile {show(isakmp.name)}: 'match identity group' (Easy VPN) is not "
                              "translated", isakmp.at("match_identities"))
    return {
        "version": 1, "proposals": tuple(proposals),
        # IKEv1 has no IKE rekeying: strongSwan re-authenticates, 10 % before IOS's hard limit.
        "rekey_time": 0, "reauth_time": _soft(lifetime), "over_time": lifetime - _soft(lifetime),
        "dpd_delay": dpd_delay, "dpd_timeout": dpd_timeout, "mobike": None,
        "local_id": None, "remote_id": remote_id,
    }


def _ikev2_proposal(ctx: _Ctx, proposal: Ikev2Proposal) -> list[str]:
    """One IKEv2 proposal -> one strongSwan proposal (two when it mixes AEAD and CBC ciphers)."""
    bad = [w for w in proposal.encryption if w not in IKEV2_ENCRYPTION]
    bad += [w for w in proposal.integrity if w not in IKEV2_INTEGRITY]
    bad += [w for w in proposal.prf if w not in IKEV2_PRF]
    bad += [f"group {g}" for g in proposal.group if g not in DH_GROUPS]
    if bad:
        ctx.add("DMV654", f"ikev2 proposal {show(proposal.name)}: {', '.join(show(b) for b in bad)} has no "
                          "strongSwan keyword; the proposal is not offered", proposal.span)
        return []
    if not proposal.encryption or not proposal.group:
        ctx.add("DMV654", f"ikev2 proposal {show(proposal.name)} is incomplete (encryption and group are "
                          "required); it is not offered", proposal.span)
        return []
    groups = [DH_GROUPS[g] for g in proposal.group]
    prfs = [IKEV2_PRF[p] for p in proposal.prf]
    out: list[str] = []
    cbc = [IKEV2_ENCRYPTION[e] for e in proposal.encryption if e not in IKEV2_AEAD]
    aead = [IKEV2_ENCRYPTION[e] for e in proposal.encryption if e in IKEV2_AEAD]
    if cbc:
        if not proposal.integrity:
            ctx.add(
                "DMV654", f"ikev2 proposal {show(proposal.name)}: CBC encryption without integrity is not "
                          "offered", proposal.span)
        else:
            out.append("-".join([*cbc, *(IKEV2_INTEGRITY[i] for i in proposal.integrity), *prfs, *groups]))
    if aead:
        # strongSwan cannot derive a PRF from an AEAD cipher (targets.md §3.4).
        aead_prfs = prfs or [IKEV2_PRF[i] for i in proposal.integrity]
        if not aead_prfs:
            ctx.add("DMV654", f"ikev2 proposal {show(proposal.name)}: AES-GCM needs a 'prf'; the GCM part is "
                              "not offered", proposal.span)
        else:
            out.append("-".join([*aead, *aead_prfs, *groups]))
    return out


def _ikev2_policies(ctx: _Ctx, local: IPv4Address | IPv6Address | None) -> list[Ikev2Policy]:
    """The IKEv2 policies IOS would apply to this tunnel (front-door VRF and local address)."""
    assert ctx.iface.tunnel is not None
    fvrf = ctx.iface.tunnel.vrf
    found: list[Ikev2Policy] = []
    for policy in ctx.device.crypto.ikev2_policies:
        if policy.match_fvrf not in (None, "any") and policy.match_fvrf != fvrf:
            continue
        if policy.match_fvrf is None and fvrf is not None:
            continue
        addresses = [a for a in policy.match_address_local if a not in ("0.0.0.0", "::")]
        if addresses and (local is None or str(local) not in addresses):
            continue
        found.append(policy)
    # IOS prefers a policy matching the local address over a catch-all.
    return sorted(found, key=lambda p: 0 if [a for a in p.match_address_local if a not in ("0.0.0.0", "::")]
                  else 1)


def _ikev2_proposals(ctx: _Ctx, local: IPv4Address | IPv6Address | None) -> tuple[str, ...]:
    crypto = ctx.device.crypto
    span = _prot_span(ctx.iface)
    policies = _ikev2_policies(ctx, local)
    names: list[str] = [n for p in policies for n in p.proposals]
    referenced = {n for p in crypto.ikev2_policies for n in p.proposals}
    for proposal in crypto.ikev2_proposals:
        if proposal.name not in referenced:
            ctx.add(
                "DMV671", f"ikev2 proposal {show(proposal.name)} is not referenced by any ikev2 policy, so "
                          "IOS does not use it; it is not translated", proposal.span,
                help="list it in a 'crypto ikev2 policy' ('proposal NAME')")
    default = IKEV2_DEFAULT_PROPOSAL_XE if ctx.device.is_xe else IKEV2_DEFAULT_PROPOSAL_IOS
    if not names:
        why = ("no ikev2 policy matches the tunnel" if crypto.ikev2_policies
               else "no ikev2 policy is configured")
        ctx.add("DMV656", f"{ctx.label}: {why}; the IOS smart-default proposal is offered "
                          f"({'IOS-XE 17' if ctx.device.is_xe else 'IOS 15'} form, release-dependent)", span,
                help="configure 'crypto ikev2 proposal' and a 'crypto ikev2 policy' naming it")
        return default
    proposals: list[str] = []
    for name in names:
        configured = crypto.ikev2_proposal(name)
        if configured is None:
            if name == "default":
                found: Iterable[str] = default
            else:
                owner = next(p for p in policies if name in p.proposals)
                ctx.add(
                    "DMV654", f"ikev2 policy {show(owner.name)} names proposal {show(name)!r}, which is not "
                              "defined; it is skipped", owner.at("proposals"))
                continue
        else:
            found = _ikev2_proposal(ctx, configured)
        proposals.extend(p for p in found if p not in proposals)
    if not proposals:
        ctx.add("DMV655", f"{ctx.label}: no IKEv2 proposal can be expressed in strongSwan; no connection is "
                          "written", span)
    return tuple(proposals)


def _ikev2(ctx: _Ctx, profile: Ikev2Profile, local: IPv4Address | IPv6Address | None,
           ) -> dict[str, Any] | None:
    crypto = ctx.device.crypto
    for side, methods in (("local", profile.authentication_local), ("remote", profile.authentication_remote)):
        if not methods:
            ctx.add(
                "DMV650", f"ikev2 profile {show(profile.name)} has no 'authentication {side}'; IOS cannot "
                          "use it and no connection is written", profile.span)
            return None
        if "pre-share" not in methods:
            points = ", ".join(show(t) for t in profile.trustpoints)
            tp = f" (trustpoint {points})" if points else ""
            ctx.add(
                "DMV657",
                f"ikev2 profile {show(profile.name)}: 'authentication {side} "
                f"{' '.join(show(m) for m in methods)}'{tp}: certificate and EAP authentication are "
                "not translated (certificates, private keys and CA trust would be needed): no "
                "connection is written", profile.at(f"authentication_{side}"),
                help="install the certificates, keys and CA under /etc/swanctl (x509/, private/, x509ca/) "
                "and write local.auth/remote.auth = pubkey with local.certs by hand; or use "
                "'authentication local|remote pre-share'")
            return None
        others = [m for m in methods if m != "pre-share"]
        if others:
            ctx.add("DMV658", f"ikev2 profile {show(profile.name)}: 'authentication {side} "
                              f"{' '.join(show(m) for m in others)}' is not translated; only pre-share is",
                    profile.at(f"authentication_{side}"))
    proposals = _ikev2_proposals(ctx, local)
    if not proposals:
        return None
    lifetime = profile.lifetime or IKE_LIFETIME_SECONDS
    dpd = profile.dpd or crypto.ikev2_dpd
    local_id = None
    if profile.identity_local is not None:
        rendered, problem = _identity(profile.identity_local)
        if problem is not None or profile.identity_local.split()[0].lower() == "dn":
            ctx.add(
                "DMV668",
                f"ikev2 profile {show(profile.name)}: 'identity local {show(profile.identity_local)}'"
                " is not translated; the local IP address is sent", profile.at("identity_local"))
        else:
            local_id = rendered
    if profile.virtual_template is not None:
        ctx.add(
            "DMV673", f"ikev2 profile {show(profile.name)}: 'virtual-template {profile.virtual_template}' "
                      "(FlexVPN virtual access) is not translated; the GRE tunnel is protected as configured",
            profile.at("virtual_template"))
    if profile.ivrf is not None:
        ctx.add(
            "DMV666", f"ikev2 profile {show(profile.name)}: 'ivrf {show(profile.ivrf)}' is not translated",
            profile.at("ivrf"))
    return {
        "version": 2, "proposals": proposals,
        "rekey_time": _soft(lifetime), "reauth_time": 0, "over_time": lifetime - _soft(lifetime),
        "dpd_delay": dpd.interval if dpd else None, "dpd_timeout": None, "mobike": False,
        "local_id": local_id,
        "remote_id": _remote_id(ctx, profile.match_identity_remote, profile.at("match_identity_remote"),
                                f"ikev2 profile {show(profile.name)}"),
    }


# ------------------------------------------------------------------ the chain


@dataclass
class _Chain:
    """What a protected tunnel resolves to, before any strongSwan value is chosen."""

    profile: IpsecProfile
    ikev2: Ikev2Profile | None
    isakmp: IsakmpProfile | None


def _resolve(ctx: _Ctx) -> _Chain | None:
    assert ctx.iface.tunnel is not None
    prot = ctx.iface.tunnel.protection
    assert prot is not None and prot.profile is not None
    crypto = ctx.device.crypto
    profile = crypto.ipsec_profile(prot.profile)
    if profile is None:
        if prot.profile != "default":
            return None  # the caller reports DMV632 for an undefined profile
        # IKEv2 smart defaults: the default IPsec profile uses transform-set and IKEv2 profile "default".
        profile = IpsecProfile(span=prot.span, name="default", transform_sets=("default",),
                               ikev2_profile="default")
        ctx.add("DMV656", "ipsec profile 'default' is not configured: the IKEv2 smart default (transform-set "
                          "default, ikev2-profile default) is assumed", prot.span)
    # An option on the ``tunnel protection`` line overrides the profile's ``set``.
    ikev2_name = prot.ikev2_profile or profile.ikev2_profile
    isakmp_name = prot.isakmp_profile or profile.isakmp_profile
    ikev2 = crypto.ikev2_profile(ikev2_name) if ikev2_name else None
    isakmp = crypto.isakmp_profile(isakmp_name) if isakmp_name else None
    if ikev2_name and ikev2 is None:
        ctx.add("DMV650", f"{ctx.label}: ikev2 profile {show(ikev2_name)!r} is not defined; no connection is "
                          "written", profile.at("ikev2_profile") if not prot.ikev2_profile else prot.span)
        return None
    if isakmp_name and isakmp is None and not ikev2_name:
        ctx.add(
            "DMV650", f"{ctx.label}: isakmp profile {show(isakmp_name)!r} is not defined; no connection is "
                      "written", profile.at("isakmp_profile") if not prot.isakmp_profile else prot.span)
        return None
    if ikev2_name and isakmp_name:
        ctx.add(
            "DMV672", f"ipsec profile {show(profile.name)} sets both an isakmp-profile and an ikev2-profile; "
                      "IKEv2 is used and the isakmp-profile ignored", profile.span)
        isakmp = None
    return _Chain(profile=profile, ikev2=ikev2, isakmp=isakmp)


def _front_door(ctx: _Ctx, chain: _Chain) -> None:
    """VRF settings: charon has no VRF option, so every one is reported, never silently dropped."""
    assert ctx.iface.tunnel is not None
    tunnel = ctx.iface.tunnel
    if tunnel.vrf is not None:
        ctx.add(
            "DMV666", f"{ctx.label}: front-door VRF {show(tunnel.vrf)!r} ('tunnel vrf') is not translated: "
                      "swanctl has no VRF setting, so IKE and ESP use the main routing table",
            tunnel.at("vrf"), help="run charon (and the GRE device's underlay) in the network namespace or "
                                   "VRF that holds the NBMA interface")
    if chain.isakmp is not None and chain.isakmp.vrf is not None:
        ctx.add("DMV666", f"isakmp profile {show(chain.isakmp.name)}: 'vrf {show(chain.isakmp.vrf)}' (inside "
                          "VRF) is not translated", chain.isakmp.at("vrf"))


def _local_address(ctx: _Ctx) -> IPv4Address | IPv6Address | None:
    nbma = ctx.device.local_nbma(ctx.iface)
    return nbma if isinstance(nbma, IPv4Address | IPv6Address) else None


def _remote_address(ctx: _Ctx) -> IPv4Address | IPv6Address | None:
    """A point-to-point GRE tunnel's fixed ``tunnel destination`` (mGRE has none)."""
    assert ctx.iface.tunnel is not None
    tunnel = ctx.iface.tunnel
    if tunnel.mode.multipoint or tunnel.destination is None:
        return None
    try:
        return ip_address(tunnel.destination)
    except ValueError:
        return None


def _plan_secrets(ctx: _Ctx, chain: _Chain) -> list[_Secret] | None:
    """The secrets the tunnel selects, or None (with an error) when the tunnel must not be written."""
    if chain.ikev2 is not None:
        keys = _ikev2_keys(ctx, chain.ikev2)
        source = f"ikev2 profile {show(chain.ikev2.name)}"
    else:
        keys = _ikev1_keys(ctx, chain.isakmp)
        source = f"isakmp profile {show(chain.isakmp.name)}" if chain.isakmp else "the ISAKMP keys"
    secrets = _secrets(ctx, keys)
    if ctx.unrecoverable:
        return None  # DMV660 already reported: a missing key would fail some peers silently
    if not secrets:
        assert ctx.iface.tunnel is not None
        where = f" (front-door VRF {show(ctx.iface.tunnel.vrf)})" if ctx.iface.tunnel.vrf else ""
        ctx.add(
            "DMV659", f"{ctx.label}: authentication is by pre-shared key but {source}{where} provides no key "
                      "that can be translated; no connection is written", _prot_span(ctx.iface),
            help="configure a key for the peers' addresses (crypto isakmp key / keyring / ikev2 keyring)")
        return None
    return secrets


def _owned_secrets(ctx: _Ctx, secrets: list[_Secret], local: IPv4Address | IPv6Address | None,
                   others: dict[tuple[str, ...], set[tuple[str, str | None]]], conn: str,
                   ) -> tuple[SwanctlSecret, ...]:
    """Secrets with owners; a key another tunnel of the node uses differently gets the local address too.

    charon picks a pre-shared key by the best match of its owners against (local id, remote
    id), and the local id defaults to the local address: owning a key by both the peer and
    the local address keeps two clouds with different keys apart (``mem_cred.c``).
    """
    out: list[SwanctlSecret] = []
    for i, s in enumerate(secrets, start=1):
        ids = s.ids
        clash = {(v, other) for v, other in others.get(s.ids, set()) if v != s.value}
        if clash:
            what = "any peer" if not s.ids else f"peer {s.ids[0]}"
            if local is not None and all(other not in (None, str(local)) for _, other in clash):
                ids = (*s.ids, swanctl_string(str(local)))
                ctx.add(
                    "DMV664", f"{ctx.label}: another protected tunnel of this node has a different key for "
                              f"{what}; this key is tied to the local address {local} so charon can tell "
                              "them apart", s.span)
            else:
                ctx.add(
                    "DMV667", f"{ctx.label}: another protected tunnel of this node has a different key for "
                              f"{what} from the same (or a dynamic) local address: charon cannot tell the "
                              "keys apart and may pick the wrong one", s.span,
                    help="use the same key on both clouds, or different static tunnel sources")
        literal = psk_literal(s.value)
        if literal.startswith("0x"):
            ctx.add(
                "DMV665", f"{s.what}: the key is written in hex (0x...) so that swanctl reads it unchanged "
                          "(it starts with 0x/0s or holds control characters)", s.span)
        out.append(SwanctlSecret(name=f"ike-{conn}-{i}", comment=_comment(s.what), ids=ids,
                                 secret=SecretStr(literal)))
    return tuple(out)


def _device_keys(device: Device, ref: TunnelRef, mode: IpsecMode,
                 ) -> dict[tuple[str, ...], set[tuple[str, str | None]]]:
    """(key, local address) by owner ids for the node's *other* protected tunnels (diagnostics discarded)."""
    found: dict[tuple[str, ...], set[tuple[str, str | None]]] = {}
    for iface in device.dmvpn_tunnels:
        if iface.name == ref.interface.name or iface.tunnel is None or iface.tunnel.protection is None:
            continue
        if iface.tunnel.protection.profile is None:
            continue
        ctx = _Ctx(device=device, iface=iface, mode=mode)
        chain = _resolve(ctx)
        if chain is None:
            continue
        local = _local_address(ctx)
        keys = _ikev2_keys(ctx, chain.ikev2) if chain.ikev2 else _ikev1_keys(ctx, chain.isakmp)
        for s in _secrets(ctx, keys):
            found.setdefault(s.ids, set()).add((s.value, str(local) if local is not None else None))
    return found


# ------------------------------------------------------------------ public API


def lower_ipsec(device: Device, tunnel_ref: TunnelRef, network: Network, mode: IpsecMode = "stock",
                ) -> tuple[IpsecPlan | None, list[Diagnostic]]:
    """The strongSwan plan of one protected tunnel, and the diagnostics of its translation.

    Returns ``(None, diagnostics)`` when the tunnel is not protected, or when the chain
    cannot be translated faithfully (certificates, unrecoverable keys, nothing usable):
    the diagnostics then hold an error saying why. An undefined IPsec profile returns
    ``(None, [])``: the caller reports it (DMV632). ``network`` is accepted for symmetry with
    the other lowerings; the crypto chain is per device.
    """
    del network  # the crypto chain is resolved per device
    iface = tunnel_ref.interface
    ctx = _Ctx(device=device, iface=iface, mode=mode)
    tunnel = iface.tunnel
    if tunnel is None or tunnel.protection is None:
        return None, []
    prot = tunnel.protection
    if prot.profile is None:
        ctx.add(
            "DMV670", f"{ctx.label}: 'tunnel protection psk' (IKEv2 smart-default PSK) is not translated; no "
                      "connection is written", prot.span, help="use an ipsec profile with an ikev2 profile")
        return None, ctx.diagnostics
    if tunnel.mode in (TunnelMode.IPSEC_IPV4, TunnelMode.IPSEC_IPV6, TunnelMode.OTHER):
        ctx.add("DMV670", f"{ctx.label}: 'tunnel mode {tunnel.mode.value}' is not GRE: the IPsec translation "
                          "covers GRE over IPsec only; no connection is written", tunnel.at("mode"))
        return None, ctx.diagnostics
    chain = _resolve(ctx)
    if chain is None:
        return None, ctx.diagnostics
    _front_door(ctx, chain)
    local = _local_address(ctx)
    name = _section_name(f"dmvpn-{iface.name}")
    ike = _ikev2(ctx, chain.ikev2, local) if chain.ikev2 is not None else _ikev1(ctx, chain.isakmp)
    esp = _esp_proposals(ctx, chain.profile)
    secrets = _plan_secrets(ctx, chain) if ike is not None else None
    if ike is None or not esp or secrets is None:
        return None, ctx.diagnostics
    owned = _owned_secrets(ctx, secrets, local, _device_keys(device, tunnel_ref, mode), name)

    v6 = tunnel.mode.ipv6_transport
    remote = _remote_address(ctx)
    child = SwanctlChild(
        name=name, esp_proposals=esp, **_lifetimes(chain.profile),
        # stock: a wildcard trap catches GRE to any new peer; vici: nhrpd initiates (targets.md §3.1/3.2).
        start_action="trap" if mode == "stock" else "none",
    )
    comments = (
        _comment(f"{device.name} {iface.name}: tunnel protection ipsec profile {chain.profile.name}"
                 f"{' shared' if prot.shared else ''} (IKEv{ike['version']})"),
        "stock strongSwan: trap policy for all GRE, nhrpd does not drive IPsec" if mode == "stock" else
        f"patched strongSwan: nhrpd 'tunnel protection vici profile {name}' initiates",
    )
    conn = SwanctlConnection(
        name=name, comments=comments,
        local_addrs=str(local) if local is not None else ("%any6" if v6 else "%any"),
        remote_addrs=str(remote) if remote is not None else ("%any6" if v6 else "%any"),
        # stock: a failed trap-triggered IKE_SA is dropped and the next GRE packet retries;
        # vici: nhrpd expects charon to keep trying (VyOS, targets.md §3.1).
        keyingtries=1 if mode == "stock" else 0,
        children=(child,), **ike,
    )
    # The file name only, as the other targets' headers: output must not depend on the checkout path.
    source = _comment(device.path.replace("\\", "/").rsplit("/", 1)[-1])
    plan = IpsecPlan(name=name, hostname=_comment(device.name), source=source,
                     tunnel=iface.name, mode=mode, connections=(conn,), secrets=owned)
    return plan, ctx.diagnostics


# Global crypto one-liners strongSwan already behaves like: nothing is lost.
_EQUIVALENT_GLOBALS = ("crypto isakmp aggressive-mode disable",)


def untranslated_crypto_lines(device: Device, refs: Sequence[TunnelRef], lines: list[str],
                              rows: tuple[int, int]) -> list[Diagnostic]:
    """DMV674 for each crypto command the swanctl translation of ``refs`` draws on but cannot carry.

    The parser keeps only what the translation or the rules use: the other commands inside
    the crypto stanzas a protected tunnel depends on (``set security-association idle-time``,
    ``responder-only``, ...) and the global ``crypto isakmp``/``crypto ikev2`` one-liners
    (``nat keepalive``, ``identity``, ...) would otherwise vanish without a word. ``rows``:
    the device's first and last line in ``lines`` (a file may hold several routers).
    """
    crypto = device.crypto
    nodes: dict[int, IosNode] = {}
    ikev1 = ikev2 = False
    for ref in refs:
        prot = ref.interface.tunnel.protection if ref.interface.tunnel is not None else None
        profile = crypto.ipsec_profile(prot.profile) if prot is not None and prot.profile else None
        if prot is None or profile is None:
            continue
        chain: list[IosNode | None] = [profile, *map(crypto.transform_set, profile.transform_sets)]
        v2_name = prot.ikev2_profile or profile.ikev2_profile
        if v2_name:
            ikev2 = True
            v2 = crypto.ikev2_profile(v2_name)
            chain += [v2, crypto.ikev2_keyring(v2.keyring_local) if v2 and v2.keyring_local else None]
        else:
            ikev1 = True
            v1 = crypto.isakmp_profile(prot.isakmp_profile or profile.isakmp_profile or "")
            chain += [v1, *(crypto.keyring(n) for n in (v1.keyrings if v1 else ()))]
        nodes.update((id(n), n) for n in chain if n is not None)
    if ikev1:
        nodes.update((id(p), p) for p in crypto.isakmp_policies)
    if ikev2:
        nodes.update((id(p), p) for p in (*crypto.ikev2_proposals, *crypto.ikev2_policies))
    found: dict[int, tuple[Span, str]] = {}
    for node in nodes.values():
        found.update((span.line, (span, text)) for span, text in unaccounted(node, lines))
    if nodes:
        covered = covered_lines(crypto)
        families = ("crypto isakmp ", "crypto ikev2 ") if ikev1 and ikev2 else \
            ("crypto isakmp ",) if ikev1 else ("crypto ikev2 ",)
        first, last = rows
        for number in range(first, min(last, len(lines)) + 1):
            raw = lines[number - 1]
            if raw[:1] != "c" or number in covered or not raw.lower().startswith(families):
                continue
            text = " ".join(raw.split())
            if text.lower() in _EQUIVALENT_GLOBALS or (number < len(lines) and lines[number][:1] in " \t"):
                continue  # a stanza header: its body is scanned above when the tunnel uses it
            found[number] = (Span(path=device.path, line=number, column=1, end_line=number,
                                  end_column=len(raw.rstrip()) + 1), text)
    return [diag("DMV674", f"{show(redact(text))!r} has no swanctl.conf equivalent; it is not translated",
                 span) for _, (span, text) in sorted(found.items())]


@cache
def _environment() -> Environment:
    # Not the shared environment: its finalize refuses quotes and backslashes, which a
    # quoted, escaped pre-shared key legitimately holds. Ours refuses what could break a line.
    return Environment(loader=FileSystemLoader(data_dir("templates")), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False,
                       finalize=_finalize)


class UnsafeSwanctlValue(RuntimeError):
    """A value about to be printed into swanctl.conf could start a new line or section."""


def _finalize(value: Any) -> Any:
    if isinstance(value, str) and re.search(r"[\x00-\x1f\x7f]", value):
        raise UnsafeSwanctlValue(f"refusing to render a value with control characters: {value!r}")
    return value


def render_swanctl(plans: Sequence[IpsecPlan]) -> str:
    """``swanctl.conf`` for one node: the connections and secrets of its plans, in order.

    A secret two plans share (same owners and key) is written once.
    """
    connections = [c for p in plans for c in p.connections]
    names = [c.name for c in connections]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate connection names in swanctl plans: {names}")
    secrets: list[SwanctlSecret] = []
    seen: set[tuple[tuple[str, ...], str]] = set()
    for p in plans:
        for s in p.secrets:
            key = (s.ids, s.secret.get_secret_value())
            if key not in seen:
                seen.add(key)
                secrets.append(s)
    first = plans[0] if plans else None
    return _environment().get_template("strongswan/swanctl.conf.j2").render(
        hostname=first.hostname if first else "", source=first.source if first else "",
        connections=connections, secrets=secrets,
    )
