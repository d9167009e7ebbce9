"""IKEv1 (ISAKMP), IKEv2 and IPsec configuration."""

# No `from __future__ import annotations` here: pydantic would compile and evaluate each
# field annotation from its string at import, a few ms of every start-up over the model.

from ipaddress import IPv4Network, IPv6Network
from typing import Literal

from pydantic import SecretStr

from iosdmvpn.model.base import IosNode

# IOS's values for a field an ISAKMP policy leaves out (Cisco "Default protection suite").
ISAKMP_DEFAULTS: dict[str, str | int] = {
    "encryption": "des", "hash": "sha", "authentication": "rsa-sig", "group": 1, "lifetime": 86400,
}


class IsakmpPolicy(IosNode):
    """``crypto isakmp policy N``; fields left out stay None (see :meth:`effective`)."""

    priority: int
    encryption: str | None = None  # "aes 256", "3des", ...
    hash: str | None = None
    authentication: str | None = None
    group: int | None = None
    lifetime: int | None = None

    def effective(self, field: Literal["encryption", "hash", "authentication", "group", "lifetime"]
                  ) -> str | int:
        """The value IOS uses: the configured one, else the IOS default."""
        value = getattr(self, field)
        return value if value is not None else ISAKMP_DEFAULTS[field]


class PresharedKey(IosNode):
    """A pre-shared key for a peer address/prefix or hostname (global, keyring or IKEv2 peer)."""

    key: SecretStr
    encryption_type: int = 0  # 0 clear, 6/7 encrypted
    peer: IPv4Network | IPv6Network | None = None
    hostname: str | None = None


class Keyring(IosNode):
    """``crypto keyring NAME [vrf V]``."""

    name: str
    vrf: str | None = None
    keys: tuple[PresharedKey, ...] = ()


class IsakmpProfile(IosNode):
    """``crypto isakmp profile NAME``."""

    name: str
    vrf: str | None = None
    keyrings: tuple[str, ...] = ()
    match_identities: tuple[str, ...] = ()
    keepalive: int | None = None


class TransformSet(IosNode):
    """``crypto ipsec transform-set NAME t1 [t2 [t3]]`` with its ``mode``."""

    name: str
    transforms: tuple[str, ...]  # "esp-aes 256", "esp-sha-hmac"
    mode: Literal["tunnel", "transport"] | None = None  # None: line absent, IOS uses tunnel

    @property
    def effective_mode(self) -> str:
        """The mode IOS uses (tunnel when not configured)."""
        return self.mode or "tunnel"


class IpsecProfile(IosNode):
    """``crypto ipsec profile NAME``."""

    name: str
    transform_sets: tuple[str, ...] = ()
    isakmp_profile: str | None = None
    ikev2_profile: str | None = None
    pfs: str | None = None  # "group14"
    lifetime_seconds: int | None = None
    lifetime_kilobytes: int | None = None


class Ikev2Proposal(IosNode):
    """``crypto ikev2 proposal NAME``."""

    name: str
    encryption: tuple[str, ...] = ()
    integrity: tuple[str, ...] = ()
    prf: tuple[str, ...] = ()
    group: tuple[int, ...] = ()


class Ikev2Policy(IosNode):
    """``crypto ikev2 policy NAME``."""

    name: str
    proposals: tuple[str, ...] = ()
    match_fvrf: str | None = None
    match_address_local: tuple[str, ...] = ()


class Ikev2Peer(IosNode):
    """A ``peer`` block of an IKEv2 keyring."""

    name: str
    address: IPv4Network | IPv6Network | None = None
    hostname: str | None = None
    identity: str | None = None
    psk: SecretStr | None = None
    psk_local: SecretStr | None = None
    psk_remote: SecretStr | None = None
    psk_encryption_type: int = 0  # highest type among the peer's keys: 0 clear, 6/7 encrypted


class Ikev2Keyring(IosNode):
    """``crypto ikev2 keyring NAME``."""

    name: str
    peers: tuple[Ikev2Peer, ...] = ()


class Dpd(IosNode):
    """Dead-peer detection: ``dpd I R on-demand|periodic`` or ``crypto isakmp keepalive I R``."""

    interval: int
    retry: int | None = None
    mode: str | None = None


class Ikev2Profile(IosNode):
    """``crypto ikev2 profile NAME``."""

    name: str
    match_identity_remote: tuple[str, ...] = ()  # "address 0.0.0.0", "fqdn domain x", "any"
    match_fvrf: str | None = None
    match_address_local: str | None = None
    identity_local: str | None = None
    authentication_local: tuple[str, ...] = ()  # "pre-share", "rsa-sig"
    authentication_remote: tuple[str, ...] = ()
    inline_psk_local: SecretStr | None = None
    inline_psk_remote: SecretStr | None = None
    inline_psk_encryption_type: int = 0  # highest type among the inline keys: 0 clear, 6/7 encrypted
    keyring_local: str | None = None
    trustpoints: tuple[str, ...] = ()
    dpd: Dpd | None = None
    lifetime: int | None = None
    ivrf: str | None = None
    virtual_template: int | None = None


class Crypto(IosNode):
    """Every crypto object of a device, by name."""

    isakmp_policies: tuple[IsakmpPolicy, ...] = ()
    isakmp_keys: tuple[PresharedKey, ...] = ()
    isakmp_keepalive: Dpd | None = None
    isakmp_default_policy: bool = True  # False after ``no crypto isakmp default policy``
    keyrings: tuple[Keyring, ...] = ()
    isakmp_profiles: tuple[IsakmpProfile, ...] = ()
    transform_sets: tuple[TransformSet, ...] = ()
    ipsec_profiles: tuple[IpsecProfile, ...] = ()
    ikev2_proposals: tuple[Ikev2Proposal, ...] = ()
    ikev2_policies: tuple[Ikev2Policy, ...] = ()
    ikev2_keyrings: tuple[Ikev2Keyring, ...] = ()
    ikev2_profiles: tuple[Ikev2Profile, ...] = ()
    ikev2_dpd: Dpd | None = None
    trustpoints: tuple[str, ...] = ()
    # ``crypto engine compliance shield disable``: IOS-XE 17.11+ accepts weak algorithms again (FN72510).
    compliance_shield_disabled: bool = False

    def transform_set(self, name: str) -> TransformSet | None:
        """Look up a transform-set by its (case-sensitive) name."""
        return next((t for t in self.transform_sets if t.name == name), None)

    def ipsec_profile(self, name: str) -> IpsecProfile | None:
        """Look up an IPsec profile by name."""
        return next((p for p in self.ipsec_profiles if p.name == name), None)

    def isakmp_profile(self, name: str) -> IsakmpProfile | None:
        """Look up an ISAKMP profile by name."""
        return next((p for p in self.isakmp_profiles if p.name == name), None)

    def keyring(self, name: str) -> Keyring | None:
        """Look up an ISAKMP keyring by name."""
        return next((k for k in self.keyrings if k.name == name), None)

    def ikev2_profile(self, name: str) -> Ikev2Profile | None:
        """Look up an IKEv2 profile by name."""
        return next((p for p in self.ikev2_profiles if p.name == name), None)

    def ikev2_keyring(self, name: str) -> Ikev2Keyring | None:
        """Look up an IKEv2 keyring by name."""
        return next((k for k in self.ikev2_keyrings if k.name == name), None)

    def ikev2_proposal(self, name: str) -> Ikev2Proposal | None:
        """Look up an IKEv2 proposal by name."""
        return next((p for p in self.ikev2_proposals if p.name == name), None)
