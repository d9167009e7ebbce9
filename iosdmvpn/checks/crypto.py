"""DMV3xx: crypto rules for DMVPN tunnel protection (IKEv1 / IKEv2 / IPsec), rules.md §3.3.

The chain a protected tunnel depends on is ``tunnel protection ipsec profile P`` →
``crypto ipsec profile P`` (transform-sets, ``set isakmp-profile`` / ``set ikev2-profile``,
PFS) → IKE (ISAKMP policies and keys, or the IKEv2 profile with its keyring, proposals
and policies). :func:`_uses` resolves that chain once per tunnel; the rules below read it.
Pre-shared keys are compared only through ``get_secret_value()`` and never printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from ipaddress import IPv4Address, IPv4Network, IPv6Network
from typing import Literal

from iosdmvpn.checks._spans import field_or, named_header
from iosdmvpn.checks.facts import (
    cloud_peers,
    fvrf_matches,
    ike_profile_names,
    ikev2_keyring_of,
    is_hub,
    is_spoke,
    isakmp_profile_keyrings,
    local_nbma,
    nhs_entry_nbma,
    protections,
    public,
    referenced_proposals,
    release_at_least,
    version_text,
)
from iosdmvpn.checks.registry import DeviceContext, Finding, rule
from iosdmvpn.diagnostics import Related, Severity
from iosdmvpn.model import (
    Crypto,
    Device,
    Ikev2Profile,
    Interface,
    IosNode,
    IpsecProfile,
    IsakmpPolicy,
    IsakmpProfile,
    Nhrp,
    PresharedKey,
    TransformSet,
    TunnelProtection,
)
from iosdmvpn.model.interface import IPAddress
from iosdmvpn.source import Span

# Keywords Cisco FN72510 deprecates: IOS-XE 17.11.1 and later refuse them unless
# ``crypto engine compliance shield disable`` is configured (and the router reloaded).
_FN72510_ENCRYPTION = frozenset({"des", "3des"})
_FN72510_HASH = frozenset({"md5"})
_FN72510_ISAKMP_GROUPS = frozenset({1, 2, 5})
_FN72510_IKEV2_GROUPS = frozenset({1, 2, 5, 24})
_FN72510_TRANSFORMS = frozenset({"ah-md5-hmac", "esp-gmac", "esp-des", "esp-3des", "esp-null",
                                 "esp-md5-hmac"})
_FN72510_PFS = frozenset({"group1", "group2", "group5", "group24"})
# Cisco Next Generation Cryptography: DH groups to avoid (768/1024/1536-bit MODP, 1024-bit/160 ECP).
_WEAK_ISAKMP_GROUPS = frozenset({1, 2, 5})
_WEAK_IKEV2_GROUPS = frozenset({1, 2, 5, 24})
_WEAK_PFS = frozenset({"group1", "group2", "group5", "group24"})
_WEAK_TRANSFORMS = _FN72510_TRANSFORMS
_SHA1_TRANSFORMS = frozenset({"esp-sha-hmac", "ah-sha-hmac"})
_SIGNATURE_AUTH = frozenset({"rsa-sig", "ecdsa-sig"})
# rules.md §2.1 ``public``: not RFC 1918 / RFC 6598 / loopback / link-local / ULA. Python's
# ``is_private`` also counts the documentation ranges (203.0.113.0/24 ...) as private, which
# would hide the catalogue's own NAT examples, hence this explicit list.
# ------------------------------------------------------------------ helpers


@dataclass(frozen=True)
class _Use:
    """One protected DMVPN tunnel and the crypto objects its protection resolves to."""

    iface: Interface
    prot: TunnelProtection
    profile: IpsecProfile | None  # None: undefined (DMV301) or ``tunnel protection psk``
    ikev2_name: str | None
    ikev2: Ikev2Profile | None
    isakmp_name: str | None
    isakmp: IsakmpProfile | None

    @property
    def ike_version(self) -> int:
        """2 when an IKEv2 profile is set (or ``tunnel protection psk``, IKEv2 smart defaults), else 1."""
        return 2 if self.ikev2_name is not None or self.prot.psk is not None else 1

    @property
    def fvrf(self) -> str | None:
        """The tunnel's front-door VRF (``tunnel vrf``), None for the global table."""
        assert self.iface.tunnel is not None
        return self.iface.tunnel.vrf


def _uses(device: Device) -> list[_Use]:
    """The protected DMVPN tunnels of a device, with the crypto objects they use."""
    crypto = device.crypto
    found: list[_Use] = []
    for iface, prot in protections(device.dmvpn_tunnels):
        profile = crypto.ipsec_profile(prot.profile) if prot.profile else None
        ikev2_name, isakmp_name = ike_profile_names(prot, profile)
        found.append(_Use(
            iface=iface, prot=prot, profile=profile, ikev2_name=ikev2_name,
            ikev2=crypto.ikev2_profile(ikev2_name) if ikev2_name else None,
            isakmp_name=isakmp_name, isakmp=crypto.isakmp_profile(isakmp_name) if isakmp_name else None,
        ))
    return found


def _dmvpn_profiles(device: Device) -> list[IpsecProfile]:
    """IPsec profiles used by a DMVPN tunnel, each once, in file order of first use."""
    seen: dict[str, IpsecProfile] = {}
    for use in _uses(device):
        if use.profile is not None:
            seen.setdefault(use.profile.name, use.profile)
    return list(seen.values())


def _dmvpn_transform_sets(device: Device) -> list[tuple[TransformSet, IpsecProfile]]:
    """Defined transform-sets of the DMVPN profiles, each once, with the first profile using it."""
    seen: dict[str, tuple[TransformSet, IpsecProfile]] = {}
    for profile in _dmvpn_profiles(device):
        for name in profile.transform_sets:
            ts = device.crypto.transform_set(name)
            if ts is not None:
                seen.setdefault(name, (ts, profile))
    return list(seen.values())


def _prot_span(iface: Interface) -> Span:
    assert iface.tunnel is not None
    return iface.tunnel.at("protection")


def _hint(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for a near miss: names are case-sensitive on IOS."""
    pool = list(candidates)
    folded = [c for c in pool if c.lower() == name.lower()]
    close = folded or get_close_matches(name, pool, n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}? names are case-sensitive)" if close else ""


def _undefined(where: str, command: str, what: str, name: str, known: Iterable[str], span: Span,
               define: str, consequence: str = "") -> Finding:
    """``<where>: <command> names <what> that is not defined`` (with a near-miss hint), and the fix."""
    return Finding(f"{where}: {command} names {what} that is not defined{_hint(name, known)}{consequence}",
                   span, help=f"define {define}, or fix the name")


def _undefined_ike_profiles(crypto: Crypto, tunnels: Iterable[Interface],
                            kind: Literal["ikev2", "isakmp"]) -> Iterator[Finding]:
    """``set <kind>-profile X`` in an IPsec profile, or ``<kind>-profile X`` on a ``tunnel protection``
    line, naming an IKEv2 / ISAKMP profile that is not defined."""
    lookup: Callable[[str], IosNode | None]
    if kind == "ikev2":
        lookup, what, consequence = crypto.ikev2_profile, "an IKEv2 profile", "; IKEv2 cannot negotiate"
        names = [p.name for p in crypto.ikev2_profiles]
    else:
        lookup, what, consequence = crypto.isakmp_profile, "an ISAKMP profile", ""
        names = [p.name for p in crypto.isakmp_profiles]
    field = f"{kind}_profile"
    for profile in crypto.ipsec_profiles:
        name: str | None = getattr(profile, field)
        if name is not None and lookup(name) is None:
            yield _undefined(f"crypto ipsec profile {profile.name}", f"'set {kind}-profile {name}'", what,
                             name, names, profile.at(field), f"'crypto {kind} profile {name}'", consequence)
    for iface, prot in protections(tunnels):
        name = getattr(prot, field)
        if name and lookup(name) is None:
            yield _undefined(iface.name, f"'{kind}-profile {name}' on the tunnel protection line", what, name,
                             names, prot.span, f"'crypto {kind} profile {name}'")


def _nhs_nbmas(nhrp: Nhrp) -> list[tuple[IPAddress, Span]]:
    """The NBMA address of each next-hop server (``nbma`` on the NHS line, else a static map)."""
    found: list[tuple[IPAddress, Span]] = []
    for entry in nhrp.nhs:
        nbma = nhs_entry_nbma(nhrp, entry)
        if nbma is not None:
            found.append((nbma, entry.span))
    return found


def _all_keys(crypto: Crypto) -> list[PresharedKey]:
    return [*crypto.isakmp_keys, *(k for ring in crypto.keyrings for k in ring.keys)]


def _ikev1_psk_auth(crypto: Crypto) -> bool:
    """IKEv1 authenticates by pre-shared key (a ``pre-share`` policy, or the default policies with keys)."""
    if not crypto.isakmp_policies:
        # The default IKE policies include AES-128/SHA/pre-share/group 5 (rules.md §2.5).
        return crypto.isakmp_default_policy and bool(_all_keys(crypto))
    auths = {p.effective("authentication") for p in crypto.isakmp_policies}
    if "pre-share" not in auths:
        return False
    # With certificates configured as well, a missing key need not break the peering.
    return not (auths & _SIGNATURE_AUTH and crypto.trustpoints)


def _ikev2_psk(profile: Ikev2Profile) -> bool:
    return "pre-share" in profile.authentication_local or "pre-share" in profile.authentication_remote


def _is_wildcard(net: IPv4Network | IPv6Network | None) -> bool:
    return net is not None and net.prefixlen == 0


def _nat_reasons(ctx: DeviceContext, iface: Interface) -> list[str]:
    """Why NAT traversal is in play on this tunnel: a spoke with a private NBMA facing a public hub."""
    reasons: list[str] = []
    device, network = ctx.device, ctx.network
    if is_spoke(network, device, iface):
        mine = local_nbma(device, iface)
        if isinstance(mine, IPv4Address) and not public(mine):
            for nhrp in iface.nhrp_families():
                for nbma, _ in _nhs_nbmas(nhrp):
                    if isinstance(nbma, IPv4Address) and public(nbma):
                        reasons.append(f"this spoke's NBMA {mine} is private while its hub {nbma} is public")
                        break
    if not ctx.single and is_hub(network, device, iface):
        for spoke in cloud_peers(network, device, iface, "spokes"):
            theirs = local_nbma(spoke.device, spoke.interface)
            if not isinstance(theirs, IPv4Address) or public(theirs):
                continue
            for address in iface.addresses():
                for nhrp in spoke.interface.nhrp_families():
                    seen = nhrp.nbma_for(address)
                    if isinstance(seen, IPv4Address) and public(seen):
                        reasons.append(f"spoke {spoke.label} has the private NBMA {theirs} and reaches "
                                       f"this hub at the public {seen}")
    return list(dict.fromkeys(reasons))


# ------------------------------------------------------------------- DMV301


@rule("DMV301", "protection-profile-undefined", Severity.ERROR, tags=("crypto", "ipsec"))
def protection_profile_undefined(ctx: DeviceContext) -> Iterator[Finding]:
    """``tunnel protection`` names an IPsec profile that is not defined.

    P2004: "The profile must be applied on the tunnel" — and it must exist. IOS accepts
    ``tunnel protection ipsec profile P`` for an undefined ``P``, but no IPsec SA can be
    negotiated, so the protected tunnel carries no traffic (NHRP registration included).
    Profile names are case-sensitive. The ``default`` profile of IKEv2 smart defaults is
    built in and needs no definition.

    **Bad**

    ```ios
    hostname spoke1
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    !
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    crypto = ctx.device.crypto
    names = [p.name for p in crypto.ipsec_profiles]
    for iface, prot in protections(ctx.device.tunnels):
        if prot.profile is None or prot.profile == "default":
            continue
        if crypto.ipsec_profile(prot.profile) is None:
            yield _undefined(iface.name, f"'tunnel protection ipsec profile {prot.profile}'",
                             "an IPsec profile", prot.profile, names, prot.span,
                             f"'crypto ipsec profile {prot.profile}' with 'set transform-set ...'",
                             "; no IPsec SA can be built, so the tunnel passes no traffic")


# ------------------------------------------------------------------- DMV302


@rule("DMV302", "profile-transform-set-missing", Severity.ERROR, tags=("crypto", "ipsec"))
def profile_transform_set_missing(ctx: DeviceContext) -> Iterator[Finding]:
    """The DMVPN's IPsec profile names no transform-set, or only undefined ones.

    P2004's profile is ``crypto ipsec profile prof ⏎ set transform-set ts``: the
    transform-set says how ESP protects the GRE packets. When every name in
    ``set transform-set`` is undefined no IPsec SA can be proposed (error); when only some
    are undefined the others still work (warning). A profile without ``set transform-set``
    falls back to the release's default transform-sets, which differ between releases and
    may not match the peers (warning).

    **Bad**

    ```ios
    hostname hub
    !
    crypto ipsec profile DMVPN
     set transform-set TS1
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto ipsec transform-set TS1 esp-aes 256 esp-sha256-hmac
     mode transport
    !
    crypto ipsec profile DMVPN
     set transform-set TS1
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    crypto = ctx.device.crypto
    names = [t.name for t in crypto.transform_sets]
    for profile in _dmvpn_profiles(ctx.device):
        if not profile.transform_sets:
            yield Finding(
                f"crypto ipsec profile {profile.name} has no 'set transform-set': IOS falls back to its "
                "default transform-sets, which depend on the release and may match no peer",
                named_header(profile, f"crypto ipsec profile {profile.name}"),
                severity=Severity.WARNING,
                help="add 'set transform-set <name>' naming a transform-set defined on every node",
            )
            continue
        missing = [n for n in profile.transform_sets if crypto.transform_set(n) is None]
        if not missing:
            continue
        hints = "".join(_hint(n, names) for n in missing)
        listed = ", ".join(missing)
        if len(missing) == len(profile.transform_sets):
            yield Finding(
                f"crypto ipsec profile {profile.name}: transform-set {listed} is not defined{hints}; the "
                "profile has no transform to propose, so no IPsec SA can be built",
                profile.at("transform_sets"),
                help=f"define 'crypto ipsec transform-set {missing[0]} esp-aes 256 esp-sha256-hmac' with "
                     "'mode transport', or fix the name",
            )
        else:
            yield Finding(
                f"crypto ipsec profile {profile.name}: transform-set {listed} is not defined{hints} (the "
                "other transform-sets of the profile still work)",
                profile.at("transform_sets"),
                severity=Severity.WARNING,
            )


# ------------------------------------------------------------------- DMV303


@rule("DMV303", "transform-set-tunnel-mode", Severity.WARNING, tags=("crypto", "ipsec", "nat"))
def transform_set_tunnel_mode(ctx: DeviceContext) -> Iterator[Finding]:
    """The DMVPN's transform-sets all use IPsec tunnel mode instead of transport mode.

    P2004 configures ``mode transport`` in its transform-set, and Cisco's DMVPN design
    guide recommends it: GRE already adds the outer header, so tunnel mode only adds 20
    more bytes per packet. Without NAT, tunnel mode still works (and a ``mode transport``
    peer accepts it), hence a warning. It is an error when NAT traversal is in play — a
    spoke with a private NBMA talking to a public hub (known from this config, or from the
    hub's spokes when the network is linted together): NAT-Transparency-aware DMVPN needs
    transport mode, otherwise the hub registers the spoke's private address. When ``mode``
    is absent, IOS uses tunnel mode.

    **Bad**

    ```ios
    hostname spoke1
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode tunnel
    !
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    !
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    device = ctx.device
    reported: dict[str, tuple[TransformSet, list[str]]] = {}
    for use in _uses(device):
        if use.profile is None:
            continue
        found = (device.crypto.transform_set(n) for n in use.profile.transform_sets)
        sets = [t for t in found if t is not None]
        # A transport-mode transform-set in the profile can be negotiated: nothing to report.
        if not sets or any(t.effective_mode == "transport" for t in sets):
            continue
        reasons = _nat_reasons(ctx, use.iface)
        for ts in sets:
            entry = reported.setdefault(ts.name, (ts, []))
            entry[1].extend(r for r in reasons if r not in entry[1])
    for ts, reasons in reported.values():
        how = "'mode tunnel'" if ts.mode == "tunnel" else "no 'mode' line (IOS uses tunnel mode)"
        span = ts.at("mode") if ts.mode is not None else \
            named_header(ts, f"crypto ipsec transform-set {ts.name}")
        if reasons:
            yield Finding(
                f"transform-set {ts.name} has {how} and NAT traversal is in play ({'; '.join(reasons)}): "
                "NAT-Transparency-aware DMVPN needs 'mode transport', otherwise the hub registers the "
                "spoke's private address",
                span, severity=Severity.ERROR, help="'mode transport' in the transform-set on every node",
            )
        else:
            yield Finding(
                f"transform-set {ts.name} has {how}: DMVPN recommends 'mode transport' (GRE already adds the "
                "outer header; tunnel mode costs 20 bytes per packet and breaks behind NAT)",
                span, help="'mode transport' in the transform-set on every node",
            )


# ------------------------------------------------------------- DMV304-DMV307


def _policy_field_span(policy: IsakmpPolicy, field: str) -> Span:
    return field_or(policy, field, lambda: named_header(policy, f"crypto isakmp policy {policy.priority}"))


@rule("DMV304", "weak-ike-encryption", Severity.WARNING, tags=("crypto", "ike", "strength"))
def weak_ike_encryption(ctx: DeviceContext) -> Iterator[Finding]:
    """IKE encrypts with DES or 3DES (also when an ISAKMP policy leaves ``encryption`` out).

    Cisco's Next Generation Cryptography guidance lists DES as "avoid" and 3DES as legacy;
    an ISAKMP policy without an ``encryption`` line uses DES, the IOS default protection
    suite. IOS-XE 17.11 and later refuse both outright (DMV316).

    **Bad**

    ```ios
    hostname hub
    !
    crypto isakmp policy 10
     encr 3des
     hash sha256
     authentication pre-share
     group 14
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```
    """
    crypto = ctx.device.crypto
    for policy in crypto.isakmp_policies:
        enc = str(policy.effective("encryption")).split()[0]
        if enc in ("des", "3des"):
            how = f"'encryption {policy.encryption}'" if policy.encryption else \
                "no 'encryption' line (IOS uses the default DES)"
            yield Finding(
                f"crypto isakmp policy {policy.priority} has {how}: {enc.upper()} is too weak for IKE",
                _policy_field_span(policy, "encryption"),
                help="'encryption aes 256' (IKEv2: 'encryption aes-gcm-256' or 'aes-cbc-256')",
            )
    for proposal in crypto.ikev2_proposals:
        weak = [e for e in proposal.encryption if e in ("des", "3des")]
        if weak:
            yield Finding(
                f"crypto ikev2 proposal {proposal.name} offers {', '.join(w.upper() for w in weak)} "
                "encryption, which is too weak for IKE",
                proposal.at("encryption"), help="'encryption aes-gcm-256' or 'aes-cbc-256'",
            )


@rule("DMV305", "weak-ike-integrity", Severity.WARNING, tags=("crypto", "ike", "strength"))
def weak_ike_integrity(ctx: DeviceContext) -> Iterator[Finding]:
    """IKE integrity uses MD5 (warning) or SHA-1 (info, also the default of an ISAKMP policy).

    Cisco's Next Generation Cryptography guidance lists MD5 as "avoid" and HMAC-SHA-1 as
    merely acceptable. An ISAKMP policy without a ``hash`` line uses SHA-1. IOS-XE 17.11
    and later refuse MD5 outright (DMV316).

    **Bad**

    ```ios
    hostname hub
    !
    crypto isakmp policy 10
     encr aes 256
     hash md5
     authentication pre-share
     group 14
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```
    """
    crypto = ctx.device.crypto
    for policy in crypto.isakmp_policies:
        hash_ = str(policy.effective("hash"))
        if hash_ == "md5":
            yield Finding(f"crypto isakmp policy {policy.priority} has 'hash md5': MD5 is broken for "
                          "integrity", _policy_field_span(policy, "hash"),
                          help="'hash sha256' (or sha384/sha512)")
        elif hash_ == "sha":
            how = "'hash sha'" if policy.hash else "no 'hash' line (IOS uses the default SHA-1)"
            yield Finding(f"crypto isakmp policy {policy.priority} has {how}: SHA-1 is only acceptable; "
                          "prefer SHA-2", _policy_field_span(policy, "hash"), severity=Severity.INFO,
                          help="'hash sha256' (or sha384/sha512)")
    for proposal in crypto.ikev2_proposals:
        if "md5" in proposal.integrity:
            yield Finding(f"crypto ikev2 proposal {proposal.name} offers 'integrity md5': MD5 is broken for "
                          "integrity", proposal.at("integrity"), help="'integrity sha256' (or higher)")
        elif "sha1" in proposal.integrity:
            yield Finding(f"crypto ikev2 proposal {proposal.name} offers 'integrity sha1': SHA-1 is only "
                          "acceptable; prefer SHA-2", proposal.at("integrity"), severity=Severity.INFO,
                          help="'integrity sha256' (or higher)")


@rule("DMV306", "weak-dh-group", Severity.WARNING, tags=("crypto", "ike", "strength"))
def weak_dh_group(ctx: DeviceContext) -> Iterator[Finding]:
    """IKE or PFS uses a weak Diffie-Hellman group (1, 2, 5 or 24; group 1 by default).

    Groups 1, 2 and 5 (768-, 1024- and 1536-bit MODP) and group 24 (2048-bit MODP with a
    224-bit subgroup) are on Cisco's "avoid" list; an ISAKMP policy without a ``group`` line
    uses group 1. IOS-XE 17.11 and later refuse them outright (DMV316). Applies to ISAKMP
    policies, IKEv2 proposals and ``set pfs`` in IPsec profiles.

    **Bad**

    ```ios
    hostname hub
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```
    """
    crypto = ctx.device.crypto
    for policy in crypto.isakmp_policies:
        group = policy.effective("group")
        if group in _WEAK_ISAKMP_GROUPS:
            how = f"'group {group}'" if policy.group is not None else "no 'group' line (IOS uses DH group 1)"
            yield Finding(f"crypto isakmp policy {policy.priority} has {how}: DH group {group} is too weak",
                          _policy_field_span(policy, "group"), help="'group 14' at least, or 19/20/21")
    for proposal in crypto.ikev2_proposals:
        weak = [g for g in proposal.group if g in _WEAK_IKEV2_GROUPS]
        if weak:
            groups = ", ".join(map(str, weak))
            yield Finding(f"crypto ikev2 proposal {proposal.name} offers DH group {groups}, which is too "
                          "weak", proposal.at("group"), help="'group 19 20' (or 14 at least)")
    for profile in crypto.ipsec_profiles:
        if profile.pfs in _WEAK_PFS:
            yield Finding(f"crypto ipsec profile {profile.name} has 'set pfs {profile.pfs}': this DH group "
                          "is too weak for perfect forward secrecy", profile.at("pfs"),
                          help="'set pfs group14' (or group19/group20)")


@rule("DMV307", "weak-esp-transform", Severity.WARNING, tags=("crypto", "ipsec", "strength"))
def weak_esp_transform(ctx: DeviceContext) -> Iterator[Finding]:
    """A transform-set used by the DMVPN protects data with a weak or null transform.

    ``esp-des``, ``esp-3des``, ``esp-md5-hmac``, ``ah-md5-hmac``, ``esp-null`` and
    ``esp-gmac`` (integrity only, no encryption) are weak or do not encrypt: warning, and
    IOS-XE 17.11 refuses them (DMV316). ``esp-sha-hmac`` (HMAC-SHA-1) is still acceptable
    but should give way to SHA-2 or GCM: info.

    **Bad**

    ```ios
    hostname hub
    !
    crypto ipsec transform-set TS esp-3des esp-md5-hmac
     mode transport
    !
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto ipsec transform-set TS esp-gcm 256
     mode transport
    !
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    for ts, _ in _dmvpn_transform_sets(ctx.device):
        kinds = [t.split()[0] for t in ts.transforms]
        weak = [k for k in kinds if k in _WEAK_TRANSFORMS]
        span = named_header(ts, f"crypto ipsec transform-set {ts.name} {' '.join(ts.transforms)}")
        if weak:
            yield Finding(f"transform-set {ts.name} uses {', '.join(weak)}: weak or no protection for the "
                          "DMVPN's data", span, help="'esp-gcm 256', or 'esp-aes 256 esp-sha256-hmac'")
        elif any(k in _SHA1_TRANSFORMS for k in kinds):
            yield Finding(f"transform-set {ts.name} uses HMAC-SHA-1 (esp-sha-hmac): acceptable, but prefer "
                          "SHA-2 or GCM", span, severity=Severity.INFO,
                          help="'esp-aes 256 esp-sha256-hmac' or 'esp-gcm 256'")


# ------------------------------------------------------------------- DMV308


@rule("DMV308", "wildcard-psk", Severity.INFO, tags=("crypto", "psk"))
def wildcard_psk(ctx: DeviceContext) -> Iterator[Finding]:
    """The DMVPN authenticates with a wildcard pre-shared key (one key for every peer).

    A key for ``address 0.0.0.0`` means every spoke holds the key that authenticates every
    other node: one compromised spoke exposes the whole DMVPN (Cisco Security Manager:
    "could compromise security"). Cisco also documents the wildcard key on spokes as the
    way to key PSK-based spoke-to-spoke tunnels, and nearly every PSK DMVPN uses one, so
    this is info (rules.md §6 item 2); certificates avoid the problem. Reported once per
    device, on a key the DMVPN's IKE actually selects (global table or F-VRF keyring for
    IKEv1, the IKEv2 profile's keyring for IKEv2).

    **Bad**

    ```ios
    hostname hub
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key cisco47 address 0.0.0.0
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto pki trustpoint CA
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication rsa-sig
     group 14
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     ip nhrp map multicast dynamic
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    crypto = ctx.device.crypto
    for use in _uses(ctx.device):
        spans: list[Span] = []
        if use.ike_version == 1:
            spans = [k.span for k in _ikev1_candidate_keys(crypto, use) if _is_wildcard(k.peer)]
        elif use.ikev2 is not None:
            ring = ikev2_keyring_of(crypto, use.ikev2)
            for peer in ring.peers if ring is not None else ():
                if _is_wildcard(peer.address) and (peer.psk or peer.psk_local or peer.psk_remote):
                    spans.append(peer.at("address"))
        if spans:
            yield Finding(
                "the DMVPN authenticates with a pre-shared key for any address (0.0.0.0): every node holds "
                "the key that authenticates every other, so one compromised spoke exposes the whole DMVPN",
                spans[0], help="certificates (authentication rsa-sig with a trustpoint); with pre-shared "
                               "keys, a strong type 6 key (DMV317)")
            return


def _ikev1_candidate_keys(crypto: Crypto, use: _Use) -> list[PresharedKey]:
    """Keys IKEv1 can select for this tunnel: the ISAKMP profile's keyrings, else its VRF's table."""
    if use.isakmp is not None and use.isakmp.keyrings:
        return [k for r in isakmp_profile_keyrings(crypto, use.isakmp) for k in r.keys]
    keys = [k for r in crypto.keyrings if (r.vrf or None) == use.fvrf for k in r.keys]
    if use.fvrf is None:
        keys = [*crypto.isakmp_keys, *keys]  # ``crypto isakmp key`` lives in the global table only
    return keys


# ------------------------------------------------------------------- DMV309


@rule("DMV309", "ikev1-no-usable-policy", Severity.ERROR, tags=("crypto", "ikev1"))
def ikev1_no_usable_policy(ctx: DeviceContext) -> Iterator[Finding]:
    """IKEv1 has no ISAKMP policy that can authenticate with the credentials configured.

    The DMVPN guide requires an IKE policy. Errors: the router has only pre-shared keys
    (no trustpoint) but no policy says ``authentication pre-share`` (a policy without that
    line uses rsa-sig); every policy is ``pre-share`` but there is no key and no trustpoint;
    or no policy is configured and ``no crypto isakmp default policy`` removed the defaults.
    With no policy configured at all IOS offers its default IKE policies (priority 65507
    up, including AES-128/SHA/pre-share/group 5): they negotiate, but depend on the release
    and use group 5 or weaker, so that case is info (rules.md §6 item 9).

    **Bad**

    ```ios
    hostname spoke1
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     group 14
    crypto isakmp key K address 0.0.0.0
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key K address 0.0.0.0
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    uses = [u for u in _uses(ctx.device) if u.ike_version == 1 and u.prot.profile is not None]
    if not uses:
        return
    crypto = ctx.device.crypto
    keys = _all_keys(crypto)
    policies = crypto.isakmp_policies
    first_prot = _prot_span(uses[0].iface)
    if not policies:
        if not crypto.isakmp_default_policy:
            yield Finding("no 'crypto isakmp policy' is configured and 'no crypto isakmp default policy' "
                          "removed the default IKE policies: IKEv1 for the DMVPN cannot negotiate",
                          crypto.at("isakmp_default_policy"),
                          help="configure 'crypto isakmp policy 10' (encr aes 256, hash sha256, "
                               "authentication pre-share, group 14)")
        else:
            yield Finding(f"{uses[0].iface.name} uses IKEv1 but no 'crypto isakmp policy' is configured: IOS "
                          "falls back to its default IKE policies (release-dependent, DH group 5 or weaker)",
                          first_prot, severity=Severity.INFO,
                          help="configure an explicit 'crypto isakmp policy' on every node")
        return
    auths = [str(p.effective("authentication")) for p in policies]
    if keys and not crypto.trustpoints and "pre-share" not in auths:
        policy = policies[0]
        yield Finding(
            "the router authenticates IKEv1 only by pre-shared key, but no ISAKMP policy has 'authentication "
            f"pre-share' (a policy without it uses rsa-sig): policy {policy.priority} "
            f"authenticates by {auths[0]}, so IKE fails",
            _policy_field_span(policy, "authentication"),
            help="'authentication pre-share' in the ISAKMP policy (or certificates with a trustpoint)")
    elif all(a == "pre-share" for a in auths) and not keys and not crypto.trustpoints \
            and not any(u.isakmp is not None and u.isakmp.keyrings for u in uses):
        policy = policies[0]
        yield Finding(
            "every ISAKMP policy authenticates by pre-shared key, but the router has no pre-shared key "
            "('crypto isakmp key' or 'crypto keyring'): IKEv1 for the DMVPN cannot authenticate",
            _policy_field_span(policy, "authentication"),
            help="add 'crypto isakmp key <key> address <peer>' (or a keyring) covering the peers")


# ------------------------------------------------------------- DMV310-DMV311


@rule("DMV310", "ikev2-profile-undefined", Severity.ERROR, tags=("crypto", "ikev2"))
def ikev2_profile_undefined(ctx: DeviceContext) -> Iterator[Finding]:
    """An IPsec profile or ``tunnel protection`` names an IKEv2 profile that is not defined.

    ``set ikev2-profile X`` (or ``tunnel protection … ikev2-profile X``) selects IKEv2 with
    the identities, authentication and keyring of profile X. With X undefined the IKE SA
    cannot be negotiated and the tunnel stays down. Names are case-sensitive.

    **Bad**

    ```ios
    hostname spoke1
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key 6 KEY
    crypto ikev2 profile IKEV2-DMVPN
     match identity remote address 0.0.0.0
     authentication remote pre-share
     authentication local pre-share
     keyring local KR
     dpd 30 5 on-demand
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile IKEV2-DMVPN
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    yield from _undefined_ike_profiles(ctx.device.crypto, ctx.device.tunnels, "ikev2")


@rule("DMV311", "ikev2-profile-incomplete", Severity.ERROR, tags=("crypto", "ikev2"))
def ikev2_profile_incomplete(ctx: DeviceContext) -> Iterator[Finding]:
    """The DMVPN's IKEv2 profile lacks a remote match, an authentication method or its credentials.

    An IKEv2 profile needs ``match identity remote …`` (or it matches no peer),
    ``authentication local`` and ``authentication remote``, and the credentials those
    methods use: a ``keyring local`` that exists (or inline ``pre-share key``) for
    pre-shared keys, a ``pki trustpoint`` for rsa-sig / ecdsa-sig. Any gap makes IKE_AUTH
    fail.

    **Bad**

    ```ios
    hostname spoke1
    !
    crypto ikev2 profile P
     match identity remote address 0.0.0.0
     authentication local pre-share
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile P
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    crypto ikev2 keyring KR
     peer HUB
      address 203.0.113.1
      pre-shared-key 6 KEY
    crypto ikev2 profile P
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set ikev2-profile P
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    crypto = ctx.device.crypto
    done: set[str] = set()
    for use in _uses(ctx.device):
        profile = use.ikev2
        if profile is None or profile.name in done:
            continue
        done.add(profile.name)
        header = named_header(profile, f"crypto ikev2 profile {profile.name}")
        gaps: list[str] = []
        if not profile.match_identity_remote:
            gaps.append("no 'match identity remote' (the profile matches no peer)")
        if not profile.authentication_local:
            gaps.append("no 'authentication local'")
        if not profile.authentication_remote:
            gaps.append("no 'authentication remote'")
        for side, methods, inline in (("local", profile.authentication_local, profile.inline_psk_local),
                                      ("remote", profile.authentication_remote, profile.inline_psk_remote)):
            if "pre-share" in methods and profile.keyring_local is None and inline is None:
                gaps.append(f"'authentication {side} pre-share' without 'keyring local' or an inline key")
        signatures = sorted({*profile.authentication_local, *profile.authentication_remote} & _SIGNATURE_AUTH)
        if signatures and not profile.trustpoints:
            gaps.append(f"'{signatures[0]}' without 'pki trustpoint'")
        if gaps:
            yield Finding(f"crypto ikev2 profile {profile.name} used by {use.iface.name} is incomplete: "
                          f"{'; '.join(dict.fromkeys(gaps))}; IKE_AUTH fails", header,
                          help="'match identity remote address 0.0.0.0', 'authentication local pre-share', "
                               "'authentication remote pre-share', 'keyring local <keyring>'")
        if profile.keyring_local is not None and crypto.ikev2_keyring(profile.keyring_local) is None:
            ring = profile.keyring_local
            yield _undefined(f"crypto ikev2 profile {profile.name}", f"'keyring local {ring}'",
                             "an IKEv2 keyring", ring, [k.name for k in crypto.ikev2_keyrings],
                             profile.at("keyring_local"), f"'crypto ikev2 keyring {ring}'")


# ------------------------------------------------------------------- DMV312


@rule("DMV312", "no-psk-for-nhs-nbma", Severity.ERROR, tags=("crypto", "psk"))
def no_psk_for_nhs_nbma(ctx: DeviceContext) -> Iterator[Finding]:
    """A spoke authenticating by pre-shared key has no key covering its hub's NBMA address.

    The spoke starts IKE towards the NBMA address of each NHS. IKEv1 picks the key by the
    peer address from the keyrings of the tunnel's F-VRF (or of its ISAKMP profile) — the
    global ``crypto isakmp key`` table serves the global table only; IKEv2 picks the keyring
    peer of the IKEv2 profile by address (or hostname / identity). If no key covers the
    hub's NBMA the spoke never registers. Keys by hostname or identity are assumed to match.

    **Bad**

    ```ios
    hostname spoke1
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key K address 198.51.100.1
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key K address 203.0.113.1
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    device, crypto = ctx.device, ctx.device.crypto
    for use in _uses(device):
        if not is_spoke(ctx.network, device, use.iface):
            continue
        where = f"VRF {use.fvrf}" if use.fvrf else "the global table"
        if use.ike_version == 1:
            if not _ikev1_psk_auth(crypto) or not _all_keys(crypto):
                continue  # certificates, or no key at all (DMV309)
            if use.fvrf and not any(r.vrf == use.fvrf for r in crypto.keyrings) and use.isakmp is None:
                continue  # no keyring in the F-VRF at all: DMV315
            keys = _ikev1_candidate_keys(crypto, use)
            if any(k.hostname is not None for k in keys):
                continue  # matched by identity, not address: cannot be judged from the config
            nets = [k.peer for k in keys if k.peer is not None]
            source = f"pre-shared key in {where}" if use.isakmp is None or not use.isakmp.keyrings else \
                f"pre-shared key in the keyrings of ISAKMP profile {use.isakmp.name}"
        elif use.ikev2 is not None and _ikev2_psk(use.ikev2):
            profile = use.ikev2
            if profile.inline_psk_local is not None or profile.keyring_local is None:
                continue  # inline key (any peer), or no keyring at all (DMV311)
            ring = ikev2_keyring_of(crypto, profile)
            if ring is None or any(p.hostname or p.identity for p in ring.peers if p.address is None):
                continue
            nets = [p.address for p in ring.peers if p.address is not None]
            source = f"peer in IKEv2 keyring {ring.name}"
        else:
            continue
        for nhrp in use.iface.nhrp_families():
            for nbma, span in _nhs_nbmas(nhrp):
                if not any(nbma.version == n.version and nbma in n for n in nets):
                    yield Finding(
                        f"{use.iface.name}: no {source} covers the NBMA address {nbma} of this next-hop "
                        "server, so IKE to the hub cannot authenticate and the spoke never registers",
                        span, help=f"a key whose address/mask covers {nbma} (and, for spoke-to-spoke "
                                   "tunnels, the other spokes)")


# ------------------------------------------------------------------- DMV313


@rule("DMV313", "ikev2-proposal-unreferenced", Severity.WARNING, tags=("crypto", "ikev2"))
def ikev2_proposal_unreferenced(ctx: DeviceContext) -> Iterator[Finding]:
    """An IKEv2 proposal is not listed by any IKEv2 policy, so IKEv2 never uses it.

    Cisco's FlexVPN guide: "Manually configured IKEv2 proposals must be linked with an
    IKEv2 policy; otherwise, the proposals are not used in the negotiation." IKEv2 then
    runs with the ``default`` policy and proposal of smart defaults, whose algorithms
    differ by release (rules.md §2.5), not with what the proposal says.

    **Bad**

    ```ios
    hostname hub
    !
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto ikev2 proposal PROP
     encryption aes-cbc-256
     integrity sha256
     group 14
    crypto ikev2 policy POL
     proposal PROP
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```
    """
    crypto = ctx.device.crypto
    referenced = referenced_proposals(crypto)
    for proposal in crypto.ikev2_proposals:
        if proposal.name not in referenced:
            yield Finding(f"crypto ikev2 proposal {proposal.name} is not listed by any 'crypto ikev2 "
                          "policy': IKEv2 ignores it and negotiates with the default proposal instead",
                          named_header(proposal, f"crypto ikev2 proposal {proposal.name}"),
                          help=f"'crypto ikev2 policy <name>' with 'proposal {proposal.name}'")


# ------------------------------------------------------------------- DMV314


@rule("DMV314", "no-dead-peer-detection", Severity.INFO, tags=("crypto", "dpd"))
def no_dead_peer_detection(ctx: DeviceContext) -> Iterator[Finding]:
    """A spoke runs IKE without dead-peer detection.

    Cisco's DMVPN design guide recommends DPD on spokes: without it a spoke keeps IPsec SAs
    to a hub that rebooted or failed over until they expire, and the tunnel black-holes
    traffic meanwhile. IKEv1: ``crypto isakmp keepalive`` (or ``keepalive`` in the ISAKMP
    profile); IKEv2: ``dpd`` in the IKEv2 profile or ``crypto ikev2 dpd``.

    **Bad**

    ```ios
    hostname spoke1
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key K address 0.0.0.0
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key K address 0.0.0.0
    crypto isakmp keepalive 30 5
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet0/0
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    crypto = ctx.device.crypto
    for use in _uses(ctx.device):
        if not is_spoke(ctx.network, ctx.device, use.iface):
            continue
        if use.ike_version == 1:
            if crypto.isakmp_keepalive is not None or (use.isakmp is not None and use.isakmp.keepalive):
                continue
            fix = "'crypto isakmp keepalive 30 5' (or 'keepalive 30 retry 5' in the ISAKMP profile)"
            what = "IKEv1 without 'crypto isakmp keepalive'"
        else:
            if use.ikev2 is None or use.ikev2.dpd is not None or crypto.ikev2_dpd is not None:
                continue  # undefined profile: DMV310
            fix = f"'dpd 30 5 on-demand' in crypto ikev2 profile {use.ikev2.name}"
            what = f"IKEv2 profile {use.ikev2.name} without 'dpd'"
        yield Finding(f"{use.iface.name}: spoke runs {what}: after a hub failure the spoke keeps stale IPsec "
                      "SAs and black-holes traffic until they expire", _prot_span(use.iface), help=fix)


# ------------------------------------------------------------------- DMV315


@rule("DMV315", "fvrf-crypto-not-vrf-aware", Severity.ERROR, tags=("crypto", "vrf"))
def fvrf_crypto_not_vrf_aware(ctx: DeviceContext) -> Iterator[Finding]:
    """A front-door-VRF tunnel is protected by IKE that only looks in the global table.

    With ``tunnel vrf V`` IKE runs in V. IKEv1 pre-shared keys must then come from
    ``crypto keyring K vrf V`` (``crypto isakmp key`` serves the global table only); an
    IKEv2 profile must say ``match fvrf V`` or ``match fvrf any`` (without it the profile
    matches global-table peers only). Otherwise no key / no profile is found and IKE fails.

    **Bad**

    ```ios
    hostname spoke1
    !
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key 6 KEY
    crypto ikev2 profile X
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile P
     set transform-set TS
     set ikev2-profile X
    !
    interface GigabitEthernet0/0
     vrf forwarding INET
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel vrf INET
     tunnel protection ipsec profile P
    ```

    **Good**

    ```ios
    hostname spoke1
    !
    crypto ikev2 keyring KR
     peer ANY
      address 0.0.0.0 0.0.0.0
      pre-shared-key 6 KEY
    crypto ikev2 profile X
     match fvrf INET
     match identity remote address 0.0.0.0
     authentication local pre-share
     authentication remote pre-share
     keyring local KR
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile P
     set transform-set TS
     set ikev2-profile X
    !
    interface GigabitEthernet0/0
     vrf forwarding INET
     ip address 198.51.100.2 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.2 255.255.255.0
     ip nhrp network-id 1
     ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
     tunnel source GigabitEthernet0/0
     tunnel mode gre multipoint
     tunnel vrf INET
     tunnel protection ipsec profile P
    ```
    """
    crypto = ctx.device.crypto
    for use in _uses(ctx.device):
        vrf = use.fvrf
        if vrf is None:
            continue
        assert use.iface.tunnel is not None
        if use.ike_version == 1:
            if not _ikev1_psk_auth(crypto) or any(r.vrf == vrf for r in crypto.keyrings):
                continue
            yield Finding(f"{use.iface.name} runs IKE in front-door VRF {vrf}, but no 'crypto keyring <name> "
                          f"vrf {vrf}' holds a pre-shared key for it ('crypto isakmp key' serves the global "
                          "table only): IKE finds no key", use.iface.tunnel.at("vrf"),
                          help=f"'crypto keyring KR vrf {vrf}' with 'pre-shared-key address 0.0.0.0 0.0.0.0 "
                               "key ...'")
        elif use.ikev2 is not None and not fvrf_matches(use.ikev2.match_fvrf, vrf):
            profile = use.ikev2
            now = f"'match fvrf {profile.match_fvrf}'" if profile.match_fvrf else "no 'match fvrf'"
            span = profile.at("match_fvrf") if profile.match_fvrf else \
                named_header(profile, f"crypto ikev2 profile {profile.name}")
            yield Finding(f"crypto ikev2 profile {profile.name} has {now}, but {use.iface.name} runs IKE in "
                          f"front-door VRF {vrf}: the profile never matches its peers", span,
                          help=f"'match fvrf {vrf}' (or 'match fvrf any') in crypto ikev2 profile "
                               f"{profile.name}")


# ------------------------------------------------------------------- DMV316


@rule("DMV316", "weak-crypto-refused-xe-17-11", Severity.ERROR, tags=("crypto", "strength", "upgrade"))
def weak_crypto_refused_xe_17_11(ctx: DeviceContext) -> Iterator[Finding]:
    """IOS-XE 17.11 or later refuses a weak algorithm the DMVPN's crypto relies on.

    Cisco Field Notice FN72510: from IOS-XE 17.11.1 weak algorithms "are no longer allowed
    by default … Otherwise, IPsec tunnel negotiation will fail": ISAKMP ``encryption
    des|3des``, ``hash md5``, ``group 1|2|5``; IKEv2 ``encryption des|3des``,
    ``integrity md5``, ``group 1|2|5|24``; transforms ``ah-md5-hmac``, ``esp-gmac``,
    ``esp-des``, ``esp-3des``, ``esp-null``, ``esp-md5-hmac``; weak ``set pfs`` groups (the
    field notice copy read was cut after ``set pfs {grou``; groups 1, 2, 5 and 24 are
    assumed, as for IKEv2). Only explicitly configured keywords count, and only on a
    device whose ``version`` says XE ≥ 17.11 and that lacks
    ``crypto engine compliance shield disable`` (the override, effective after a reload).

    **Bad**

    ```ios
    version 17.12
    hostname hub
    !
    crypto isakmp policy 10
     encr 3des
     hash md5
     authentication pre-share
     group 2
    crypto isakmp key K address 0.0.0.0
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet1
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     tunnel source GigabitEthernet1
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```

    **Good**

    ```ios
    version 17.12
    hostname hub
    !
    crypto isakmp policy 10
     encr aes 256
     hash sha256
     authentication pre-share
     group 14
    crypto isakmp key K address 0.0.0.0
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
    !
    interface GigabitEthernet1
     ip address 203.0.113.1 255.255.255.0
    !
    interface Tunnel0
     ip address 10.0.0.1 255.255.255.0
     ip nhrp network-id 1
     tunnel source GigabitEthernet1
     tunnel mode gre multipoint
     tunnel protection ipsec profile DMVPN
    ```
    """
    device = ctx.device
    crypto = device.crypto
    if not device.is_xe or not release_at_least(device, 17, 11):
        return
    if crypto.compliance_shield_disabled:
        return
    uses = _uses(device)
    if not uses:
        return
    release = version_text(device)
    why = (f"{release} refuses it (Cisco FN72510) unless 'crypto engine compliance shield disable' is "
           "configured, so IPsec negotiation fails")
    fix = "replace it with a strong algorithm (DMV304-DMV307); not recommended: " \
          "'crypto engine compliance shield disable' and a reload"
    if any(u.ike_version == 1 for u in uses):
        for policy in crypto.isakmp_policies:
            head = f"crypto isakmp policy {policy.priority}"
            if policy.encryption is not None and policy.encryption.split()[0] in _FN72510_ENCRYPTION:
                yield Finding(f"{head}: 'encryption {policy.encryption}': {why}", policy.at("encryption"),
                              help=fix)
            if policy.hash in _FN72510_HASH:
                yield Finding(f"{head}: 'hash {policy.hash}': {why}", policy.at("hash"), help=fix)
            if policy.group in _FN72510_ISAKMP_GROUPS:
                yield Finding(f"{head}: 'group {policy.group}': {why}", policy.at("group"), help=fix)
    if any(u.ike_version == 2 for u in uses):
        referenced = referenced_proposals(crypto)
        for proposal in crypto.ikev2_proposals:
            if proposal.name not in referenced:
                continue  # not used (DMV313)
            head = f"crypto ikev2 proposal {proposal.name}"
            for field, values, bad in (("encryption", proposal.encryption, _FN72510_ENCRYPTION),
                                       ("integrity", proposal.integrity, _FN72510_HASH)):
                hits = [v for v in values if v in bad]
                if hits:
                    yield Finding(f"{head}: '{field} {' '.join(hits)}': {why}", proposal.at(field), help=fix)
            groups = [g for g in proposal.group if g in _FN72510_IKEV2_GROUPS]
            if groups:
                yield Finding(f"{head}: 'group {' '.join(map(str, groups))}': {why}", proposal.at("group"),
                              help=fix)
    for ts, _ in _dmvpn_transform_sets(device):
        hits = [t for t in ts.transforms if t.split()[0] in _FN72510_TRANSFORMS]
        if hits:
            header = named_header(ts, f"crypto ipsec transform-set {ts.name} {' '.join(ts.transforms)}")
            yield Finding(f"transform-set {ts.name}: '{' '.join(hits)}': {why}", header, help=fix)
    for profile in _dmvpn_profiles(device):
        if profile.pfs in _FN72510_PFS:
            yield Finding(f"crypto ipsec profile {profile.name}: 'set pfs {profile.pfs}': {why}",
                          profile.at("pfs"), help=fix)


# ------------------------------------------------------------------- DMV317


@rule("DMV317", "psk-cleartext", Severity.INFO, tags=("crypto", "psk"))
def psk_cleartext(ctx: DeviceContext) -> Iterator[Finding]:
    """Pre-shared keys are stored in clear text (type 0) in the configuration.

    Anyone who reads the configuration (backups, tickets, this linter's input) learns the
    key. Cisco's resilient-infrastructure guidance moves stored secrets, pre-shared keys
    included, to type 6 (AES): ``key config-key password-encrypt`` with ``password
    encryption aes``. Reported once per device, at the first clear-text key, with the
    others as related locations; the keys themselves are never shown.

    **Bad**

    ```ios
    hostname hub
    !
    crypto isakmp key cisco123 address 0.0.0.0
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto isakmp key 6 FLgBaJHXdYY_AcHZZMgQ_RhTDJXHUBAAB address 0.0.0.0
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```
    """
    crypto = ctx.device.crypto
    spans: list[Span] = [k.span for k in _all_keys(crypto) if k.encryption_type == 0]
    for ring in crypto.ikev2_keyrings:
        for peer in ring.peers:
            has_key = peer.psk is not None or peer.psk_local is not None or peer.psk_remote is not None
            if has_key and peer.psk_encryption_type == 0:
                fields = [f for f in ("psk", "psk_local", "psk_remote") if f in peer.spans]
                spans.append(peer.spans[fields[0]] if fields else peer.span)
    for profile in crypto.ikev2_profiles:
        inline = [f for f in ("inline_psk_local", "inline_psk_remote") if getattr(profile, f) is not None]
        if inline and profile.inline_psk_encryption_type == 0:
            spans.append(profile.at(inline[0]))
    for _iface, prot in protections(ctx.device.tunnels):
        if prot.psk is not None:
            spans.append(prot.span)
    if spans:
        spans.sort(key=lambda s: (s.line, s.column))
        count = f"{len(spans)} pre-shared keys are" if len(spans) > 1 else "a pre-shared key is"
        yield Finding(f"{count} stored in clear text (type 0): anyone who reads this configuration can "
                      "use it", spans[0],
                      related=tuple(Related(span=s, message="another clear-text pre-shared key")
                                    for s in spans[1:]),
                      help="'key config-key password-encrypt' and 'password encryption aes' store them as "
                           "type 6")


# ------------------------------------------------------------------- DMV318


@rule("DMV318", "crypto-reference-undefined", Severity.ERROR, tags=("crypto",))
def crypto_reference_undefined(ctx: DeviceContext) -> Iterator[Finding]:
    """A crypto object refers to an ISAKMP profile, keyring or IKEv2 proposal that is not defined.

    ``set isakmp-profile X`` in an IPsec profile (or on the ``tunnel protection`` line),
    ``keyring K`` in an ISAKMP profile and ``proposal P`` in an IKEv2 policy must name
    defined objects; otherwise the identities, keys or algorithms they should provide are
    missing and IKE fails. Names are case-sensitive.

    **Bad**

    ```ios
    hostname hub
    !
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set isakmp-profile ISAKMP-DMVPN
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```

    **Good**

    ```ios
    hostname hub
    !
    crypto keyring KR
     pre-shared-key address 0.0.0.0 0.0.0.0 key 6 KEY
    crypto isakmp profile ISAKMP-DMVPN
     keyring KR
     match identity address 0.0.0.0
    crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
     mode transport
    crypto ipsec profile DMVPN
     set transform-set TS
     set isakmp-profile ISAKMP-DMVPN
    !
    interface GigabitEthernet0/0
     ip address 203.0.113.1 255.255.255.0
    ```
    """
    crypto = ctx.device.crypto
    yield from _undefined_ike_profiles(crypto, ctx.device.tunnels, "isakmp")
    ring_names = [k.name for k in crypto.keyrings]
    for isakmp in crypto.isakmp_profiles:
        for ring in isakmp.keyrings:
            if crypto.keyring(ring) is None:
                yield _undefined(f"crypto isakmp profile {isakmp.name}", f"'keyring {ring}'", "a keyring",
                                 ring, ring_names, isakmp.at("keyrings"), f"'crypto keyring {ring}'")
    proposal_names = [p.name for p in crypto.ikev2_proposals]
    for policy in crypto.ikev2_policies:
        for name in policy.proposals:
            if crypto.ikev2_proposal(name) is None:
                yield _undefined(f"crypto ikev2 policy {policy.name}", f"'proposal {name}'",
                                 "an IKEv2 proposal", name, proposal_names, policy.at("proposals"),
                                 f"'crypto ikev2 proposal {name}'")
