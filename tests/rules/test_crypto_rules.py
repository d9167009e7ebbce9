"""DMV3xx (crypto: IKEv1 / IKEv2 / IPsec): documentation examples and edge cases, linted for real."""

from __future__ import annotations

import textwrap

import pytest
from rules_helpers import (
    ERR,
    INFO,
    WARN,
    check_good_examples,
    check_registered,
    dev_network,
    example_devices,
    hits,
    line_of,
    lint,
)

from iosdmvpn.checks import REGISTRY, Scope, run_rules

CATALOGUE = {
    "DMV301": ("protection-profile-undefined", ERR), "DMV302": ("profile-transform-set-missing", ERR),
    "DMV303": ("transform-set-tunnel-mode", WARN), "DMV304": ("weak-ike-encryption", WARN),
    "DMV305": ("weak-ike-integrity", WARN), "DMV306": ("weak-dh-group", WARN),
    "DMV307": ("weak-esp-transform", WARN), "DMV308": ("wildcard-psk", INFO),
    "DMV309": ("ikev1-no-usable-policy", ERR), "DMV310": ("ikev2-profile-undefined", ERR),
    "DMV311": ("ikev2-profile-incomplete", ERR), "DMV312": ("no-psk-for-nhs-nbma", ERR),
    "DMV313": ("ikev2-proposal-unreferenced", WARN), "DMV314": ("no-dead-peer-detection", INFO),
    "DMV315": ("fvrf-crypto-not-vrf-aware", ERR), "DMV316": ("weak-crypto-refused-xe-17-11", ERR),
    "DMV317": ("psk-cleartext", INFO), "DMV318": ("crypto-reference-undefined", ERR),
}

# code -> [(severity, line in the Bad example, the command on that line)]
BAD = {
    "DMV301": [(ERR, 12, "tunnel protection ipsec profile DMVPN")],
    "DMV302": [(ERR, 4, "set transform-set TS1")],
    "DMV303": [(WARN, 4, "mode tunnel")],
    "DMV304": [(WARN, 4, "encr 3des")],
    "DMV305": [(WARN, 5, "hash md5")],
    "DMV306": [(WARN, 3, "crypto isakmp policy 10")],
    "DMV307": [(WARN, 3, "crypto ipsec transform-set TS esp-3des esp-md5-hmac")],
    "DMV308": [(INFO, 8, "crypto isakmp key cisco47 address 0.0.0.0")],
    "DMV309": [(ERR, 3, "crypto isakmp policy 10")],
    "DMV310": [(ERR, 7, "set ikev2-profile IKEV2-DMVPN")],
    "DMV311": [(ERR, 3, "crypto ikev2 profile P")],
    "DMV312": [(ERR, 21, "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast")],
    "DMV313": [(WARN, 3, "crypto ikev2 proposal PROP")],
    "DMV314": [(INFO, 24, "tunnel protection ipsec profile DMVPN")],
    "DMV315": [(ERR, 7, "crypto ikev2 profile X")],
    "DMV316": [(ERR, 5, "encr 3des"), (ERR, 6, "hash md5"), (ERR, 8, "group 2")],
    "DMV317": [(INFO, 3, "crypto isakmp key cisco123 address 0.0.0.0")],
    "DMV318": [(ERR, 7, "set isakmp-profile ISAKMP-DMVPN")],
}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_registered_as_catalogued(code: str) -> None:
    check_registered(code, *CATALOGUE[code], Scope.DEVICE)


@pytest.mark.parametrize("code", sorted(BAD))
def test_bad_example_fires_at_the_command(code: str) -> None:
    rule = REGISTRY.get(code)
    assert rule is not None
    (example,) = rule.examples("Bad")
    text = textwrap.dedent(example)
    found = lint(code, *example_devices(example))
    assert [(d.severity, d.span.line) for d in found] == [(s, n) for s, n, _ in BAD[code]]
    lines = text.splitlines()
    for d, (_, n, command) in zip(found, BAD[code], strict=True):
        assert lines[n - 1].strip() == command
        assert d.span.end_line == d.span.line  # one command, not a whole stanza


@pytest.mark.parametrize("code", sorted(BAD))
def test_good_example_is_silent(code: str) -> None:
    check_good_examples(code)


# --------------------------------------------------------------- shared configs

SPOKE_TUNNEL = """
interface GigabitEthernet0/0
 ip address {nbma} 255.255.255.0
!
interface Tunnel0
 ip address 10.0.0.{host} 255.255.255.0
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1 nbma {hub} multicast
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel protection ipsec profile {profile}
"""

HUB_TUNNEL = """
interface GigabitEthernet0/0
 ip address {nbma} 255.255.255.0
!
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 ip nhrp network-id 1
 ip nhrp map multicast dynamic
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel protection ipsec profile {profile}
"""

IKEV1 = """
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key 6 KEYKEYKEY address 0.0.0.0
crypto isakmp keepalive 30 5
"""

IPSEC = """
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode {mode}
crypto ipsec profile DMVPN
 set transform-set TS
"""


TRANSPORT = IPSEC.format(mode="transport")
V2_IPSEC = TRANSPORT + " set ikev2-profile P\n"
IKEV2_KEYRING = """
crypto ikev2 keyring KR
 peer ANY
  address 0.0.0.0 0.0.0.0
  pre-shared-key 6 KEY
"""
IKEV2_PROFILE = """
crypto ikev2 profile P
 match identity remote address 0.0.0.0
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
"""


def spoke(crypto: str = IKEV1 + TRANSPORT, nbma: str = "198.51.100.2",
          hub: str = "203.0.113.1", host: int = 2, profile: str = "DMVPN", extra: str = "") -> str:
    tunnel = SPOKE_TUNNEL.format(nbma=nbma, hub=hub, host=host, profile=profile)
    return f"hostname spoke{host}\n{crypto}{tunnel}{extra}"


def hub(crypto: str = IKEV1 + TRANSPORT, nbma: str = "203.0.113.1",
        profile: str = "DMVPN", extra: str = "") -> str:
    return f"hostname hub\n{crypto}{HUB_TUNNEL.format(nbma=nbma, profile=profile)}{extra}"


# --------------------------------------------------------------------- DMV301-303


def test_dmv301_default_profile_of_smart_defaults_needs_no_definition() -> None:
    assert hits("DMV301", spoke(crypto="", profile="default")) == []


def test_dmv301_case_mismatch_is_named() -> None:
    (d,) = lint("DMV301", spoke(profile="dmvpn"))
    assert "did you mean 'DMVPN'" in d.message


def test_dmv302_one_of_two_transform_sets_undefined_is_a_warning() -> None:
    crypto = IKEV1 + TRANSPORT.replace("set transform-set TS", "set transform-set TS TS2")
    text = spoke(crypto=crypto)
    assert hits("DMV302", text) == [(WARN, line_of(text, "set transform-set TS TS2"))]


def test_dmv302_profile_without_transform_set_warns_at_its_header() -> None:
    crypto = IKEV1 + IPSEC.format(mode="transport").replace(" set transform-set TS\n", "")
    text = spoke(crypto=crypto)
    (d,) = lint("DMV302", text)
    assert (d.severity, d.span.line) == (WARN, line_of(text, "crypto ipsec profile DMVPN"))
    assert "default transform-sets" in d.message


def test_dmv302_ignores_profiles_no_dmvpn_tunnel_uses() -> None:
    crypto = IKEV1 + IPSEC.format(mode="transport") + "crypto ipsec profile UNUSED\n set transform-set NOPE\n"
    assert hits("DMV302", spoke(crypto=crypto)) == []


def test_dmv303_absent_mode_means_tunnel_mode() -> None:
    crypto = IKEV1 + "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n" \
                     "crypto ipsec profile DMVPN\n set transform-set TS\n"
    text = spoke(crypto=crypto)
    (d,) = lint("DMV303", text)
    header = line_of(text, "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac")
    assert (d.severity, d.span.line) == (WARN, header)
    assert "no 'mode' line" in d.message


def test_dmv303_a_transport_transform_set_in_the_profile_is_enough() -> None:
    crypto = IKEV1 + TRANSPORT.replace("set transform-set TS", "set transform-set T2 TS") + \
        "crypto ipsec transform-set T2 esp-gcm 256\n mode tunnel\n"
    assert hits("DMV303", spoke(crypto=crypto)) == []


def test_dmv303_spoke_behind_nat_is_an_error() -> None:
    text = spoke(crypto=IKEV1 + IPSEC.format(mode="tunnel"), nbma="192.168.1.2")
    (d,) = lint("DMV303", text)
    assert (d.severity, d.span.line) == (ERR, line_of(text, "mode tunnel"))
    assert "192.168.1.2" in d.message and "NAT" in d.message


def test_dmv303_hub_with_a_natted_spoke_is_an_error_in_network_mode() -> None:
    crypto = IKEV1 + IPSEC.format(mode="tunnel")
    the_hub = hub(crypto=crypto)
    natted = spoke(crypto=IKEV1 + IPSEC.format(mode="transport"), nbma="192.168.1.2")
    assert hits("DMV303", the_hub) == [(WARN, line_of(the_hub, "mode tunnel"))]
    found = lint("DMV303", the_hub, natted)
    expected = [("dev0.cfg", ERR, line_of(the_hub, "mode tunnel"))]
    assert [(d.span.path, d.severity, d.span.line) for d in found] == expected
    assert "spoke2 Tunnel0" in found[0].message


# --------------------------------------------------------------------- DMV304-307


def test_isakmp_policy_with_fields_omitted_uses_the_ios_defaults() -> None:
    text = "hostname r1\ncrypto isakmp policy 20\n authentication pre-share\n"
    header = line_of(text, "crypto isakmp policy 20")
    assert hits("DMV304", text) == [(WARN, header)]  # DES
    assert hits("DMV305", text) == [(INFO, header)]  # SHA-1
    assert hits("DMV306", text) == [(WARN, header)]  # group 1
    (d,) = lint("DMV304", text)
    assert "default DES" in d.message


def test_ikev2_proposal_weak_algorithms() -> None:
    text = ("hostname r1\ncrypto ikev2 proposal P\n encryption aes-cbc-256 3des\n integrity sha256 sha1\n"
            " group 14 24\ncrypto ikev2 policy POL\n proposal P\n")
    assert hits("DMV304", text) == [(WARN, line_of(text, "encryption aes-cbc-256 3des"))]
    assert hits("DMV305", text) == [(INFO, line_of(text, "integrity sha256 sha1"))]
    assert hits("DMV306", text) == [(WARN, line_of(text, "group 14 24"))]
    md5 = text.replace("sha256 sha1", "md5")
    assert hits("DMV305", md5) == [(WARN, line_of(text, "integrity sha256 sha1"))]


def test_ikev2_smart_defaults_raise_no_strength_or_proposal_finding() -> None:
    # No proposal and no policy: IKEv2 smart defaults; nothing configured is weak or unused.
    crypto = IKEV2_KEYRING + IKEV2_PROFILE + " dpd 30 5 on-demand\n" + V2_IPSEC
    text = spoke(crypto=crypto)
    for code in ("DMV304", "DMV305", "DMV306", "DMV309", "DMV311", "DMV313", "DMV314", "DMV316"):
        assert hits(code, text) == [], code


def test_dmv306_pfs_group() -> None:
    crypto = IKEV1 + TRANSPORT + " set pfs group2\n"
    text = spoke(crypto=crypto)
    assert hits("DMV306", text) == [(WARN, line_of(text, "set pfs group2"))]
    assert hits("DMV306", text.replace("group2", "group14")) == []


def test_dmv307_sha1_hmac_is_info_and_unused_transform_sets_are_ignored() -> None:
    crypto = IKEV1 + TRANSPORT.replace("esp-sha256-hmac", "esp-sha-hmac") + \
        "crypto ipsec transform-set OLD esp-des esp-md5-hmac\n"
    text = spoke(crypto=crypto)
    header = line_of(text, "crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac")
    assert hits("DMV307", text) == [(INFO, header)]


# --------------------------------------------------------------------- DMV308-309


def test_dmv308_fvrf_keyring_wildcard_and_per_peer_keys() -> None:
    fvrf_tunnel = SPOKE_TUNNEL.format(nbma="198.51.100.2", hub="203.0.113.1", host=2, profile="DMVPN") \
        .replace(" tunnel mode gre multipoint\n", " tunnel mode gre multipoint\n tunnel vrf INET\n")
    ring = "crypto keyring KR vrf INET\n pre-shared-key address 0.0.0.0 0.0.0.0 key 6 KEY\n"
    policy = IKEV1.replace("crypto isakmp key 6 KEYKEYKEY address 0.0.0.0\n", "")
    text = "hostname s\n" + policy + ring + TRANSPORT + fvrf_tunnel
    assert hits("DMV308", text) == [(INFO, line_of(text, "pre-shared-key address 0.0.0.0 0.0.0.0 key 6 KEY"))]
    per_peer = text.replace("address 0.0.0.0 0.0.0.0 key", "address 203.0.113.1 255.255.255.255 key")
    assert hits("DMV308", per_peer) == []


def test_dmv308_ikev2_keyring_wildcard() -> None:
    text = spoke(crypto=IKEV2_KEYRING + IKEV2_PROFILE + V2_IPSEC)
    assert hits("DMV308", text) == [(INFO, line_of(text, "address 0.0.0.0 0.0.0.0"))]


def test_dmv309_no_policy_is_info_because_of_the_default_ike_policies() -> None:
    crypto = "crypto isakmp key 6 KEY address 0.0.0.0\n" + TRANSPORT
    text = spoke(crypto=crypto)
    assert hits("DMV309", text) == [(INFO, line_of(text, "tunnel protection ipsec profile DMVPN"))]


def test_dmv309_no_policy_and_no_default_policy_is_an_error() -> None:
    crypto = "no crypto isakmp default policy\ncrypto isakmp key 6 KEY address 0.0.0.0\n" + TRANSPORT
    text = spoke(crypto=crypto)
    assert hits("DMV309", text) == [(ERR, line_of(text, "no crypto isakmp default policy"))]


def test_dmv309_pre_share_policies_without_any_key() -> None:
    crypto = IKEV1.replace("crypto isakmp key 6 KEYKEYKEY address 0.0.0.0\n", "") + TRANSPORT
    text = spoke(crypto=crypto)
    assert hits("DMV309", text) == [(ERR, line_of(text, "authentication pre-share"))]


def test_dmv309_silent_for_ikev2_and_for_certificates() -> None:
    certificates = IKEV1.replace("authentication pre-share", "authentication rsa-sig") \
        .replace("crypto isakmp key 6 KEYKEYKEY address 0.0.0.0\n", "crypto pki trustpoint CA\n")
    assert hits("DMV309", spoke(crypto=certificates + TRANSPORT)) == []
    ikev2 = V2_IPSEC + "crypto ikev2 profile P\n"
    assert hits("DMV309", spoke(crypto=ikev2)) == []


# --------------------------------------------------------------------- DMV310-313


def test_dmv310_tunnel_protection_option() -> None:
    text = spoke(profile="DMVPN ikev2-profile NOPE")
    line = line_of(text, "tunnel protection ipsec profile DMVPN ikev2-profile NOPE")
    assert hits("DMV310", text) == [(ERR, line)]


def test_dmv311_signature_without_trustpoint_and_undefined_keyring() -> None:
    crypto = IKEV2_PROFILE.replace("local pre-share", "local rsa-sig").replace("KR", "KR2") + V2_IPSEC
    text = spoke(crypto=crypto)
    found = lint("DMV311", text)
    assert [(d.severity, d.span.line) for d in found] == [
        (ERR, line_of(text, "crypto ikev2 profile P")), (ERR, line_of(text, "keyring local KR2"))]
    assert "'rsa-sig' without 'pki trustpoint'" in found[0].message


def test_dmv311_inline_keys_replace_the_keyring() -> None:
    crypto = IKEV2_PROFILE.replace("local pre-share", "local pre-share key 6 LOCALKEY") \
        .replace("remote pre-share", "remote pre-share key 6 REMOTEKEY").replace(" keyring local KR\n", "") \
        + V2_IPSEC
    assert hits("DMV311", spoke(crypto=crypto)) == []


def test_dmv312_ikev2_keyring_not_covering_the_hub() -> None:
    crypto = IKEV2_KEYRING.replace("0.0.0.0 0.0.0.0", "192.0.2.0 255.255.255.0") + IKEV2_PROFILE + V2_IPSEC
    text = spoke(crypto=crypto)
    assert hits("DMV312", text) == [(ERR, line_of(text, "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast"))]
    assert hits("DMV312", text.replace("192.0.2.0 255.255.255.0", "203.0.113.0 255.255.255.0")) == []


def test_dmv312_fvrf_keyring_and_hubs() -> None:
    policy = IKEV1.replace("crypto isakmp key 6 KEYKEYKEY address 0.0.0.0\n",
                           "crypto isakmp key 6 KEY address 203.0.113.1\n")
    vrf_tunnel = SPOKE_TUNNEL.format(nbma="198.51.100.2", hub="203.0.113.1", host=2, profile="DMVPN") \
        .replace(" tunnel mode gre multipoint\n", " tunnel mode gre multipoint\n tunnel vrf INET\n")
    ring = "crypto keyring KR vrf INET\n pre-shared-key address 192.0.2.1 key 6 KEY\n"
    text = "hostname s\n" + policy + ring + TRANSPORT + vrf_tunnel
    # The global key covers the hub but serves the global table only; the INET keyring does not cover it.
    assert hits("DMV312", text) == [(ERR, line_of(text, "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast"))]
    assert "VRF INET" in lint("DMV312", text)[0].message
    assert hits("DMV312", hub(crypto=policy + TRANSPORT)) == []


def test_dmv312_legacy_static_map_gives_the_nbma() -> None:
    text = spoke(crypto=IKEV1.replace("address 0.0.0.0", "address 192.0.2.1") + TRANSPORT)
    legacy = " ip nhrp map 10.0.0.1 203.0.113.1\n ip nhrp map multicast 203.0.113.1\n ip nhrp nhs 10.0.0.1\n"
    text = text.replace(" ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast\n", legacy)
    assert hits("DMV312", text) == [(ERR, line_of(text, "ip nhrp nhs 10.0.0.1"))]


def test_dmv313_referenced_proposal_is_fine() -> None:
    text = ("hostname r\ncrypto ikev2 proposal A\n encryption aes-gcm-256\n"
            "crypto ikev2 proposal B\n encryption aes-gcm-256\ncrypto ikev2 policy POL\n proposal A\n")
    assert hits("DMV313", text) == [(WARN, line_of(text, "crypto ikev2 proposal B"))]


# --------------------------------------------------------------------- DMV314-315


def test_dmv314_isakmp_profile_keepalive_and_hubs() -> None:
    crypto = IKEV1.replace("crypto isakmp keepalive 30 5\n", "") + \
        "crypto keyring KR\n pre-shared-key address 0.0.0.0 0.0.0.0 key 6 KEY\n" \
        "crypto isakmp profile IP\n keyring KR\n match identity address 0.0.0.0\n keepalive 30 retry 5\n" + \
        TRANSPORT + " set isakmp-profile IP\n"
    assert hits("DMV314", spoke(crypto=crypto)) == []
    no_keepalive = crypto.replace(" keepalive 30 retry 5\n", "")
    text = spoke(crypto=no_keepalive)
    assert hits("DMV314", text) == [(INFO, line_of(text, "tunnel protection ipsec profile DMVPN"))]
    assert hits("DMV314", hub(crypto=no_keepalive)) == []  # DPD is recommended on spokes


def test_dmv314_ikev2_global_dpd() -> None:
    crypto = "crypto ikev2 dpd 30 5 on-demand\n" + IKEV2_KEYRING + IKEV2_PROFILE + V2_IPSEC
    assert hits("DMV314", spoke(crypto=crypto)) == []
    text = spoke(crypto=crypto.replace("crypto ikev2 dpd 30 5 on-demand\n", ""))
    assert hits("DMV314", text) == [(INFO, line_of(text, "tunnel protection ipsec profile DMVPN"))]


def test_dmv315_ikev1_global_key_in_front_door_vrf() -> None:
    vrf_tunnel = SPOKE_TUNNEL.format(nbma="198.51.100.2", hub="203.0.113.1", host=2, profile="DMVPN") \
        .replace(" tunnel mode gre multipoint\n", " tunnel mode gre multipoint\n tunnel vrf INET\n")
    text = "hostname s\n" + IKEV1 + TRANSPORT + vrf_tunnel
    assert hits("DMV315", text) == [(ERR, line_of(text, "tunnel vrf INET"))]
    fixed = text.replace("crypto isakmp keepalive", "crypto keyring KR vrf INET\n"
                         " pre-shared-key address 0.0.0.0 0.0.0.0 key 6 KEY\ncrypto isakmp keepalive")
    assert hits("DMV315", fixed) == []


def test_dmv315_match_fvrf_any() -> None:
    rule = REGISTRY.get("DMV315")
    assert rule is not None
    (bad,) = rule.examples("Bad")
    bad = textwrap.dedent(bad)
    assert hits("DMV315", bad.replace("authentication local", "match fvrf any\n authentication local")) == []
    other = bad.replace("authentication local", "match fvrf OTHER\n authentication local")
    assert hits("DMV315", other) == [(ERR, line_of(other, "match fvrf OTHER"))]


# ------------------------------------------------------------------------- DMV316


WEAK_XE = """
version {version}
hostname hub
{shield}
crypto ikev2 proposal P
 encryption aes-cbc-256
 integrity sha256
 group 24
crypto ikev2 policy POL
 proposal P
crypto ikev2 profile IP
 match identity remote address 0.0.0.0
crypto ipsec transform-set TS esp-3des esp-sha-hmac
 mode transport
crypto ipsec profile DMVPN
 set transform-set TS
 set ikev2-profile IP
 set pfs group5
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
"""


def test_dmv316_ikev2_transform_and_pfs_on_17_11() -> None:
    text = WEAK_XE.format(version="17.11", shield="")
    transform_set = line_of(text, "crypto ipsec transform-set TS esp-3des esp-sha-hmac")
    assert hits("DMV316", text) == [(ERR, line_of(text, "group 24")), (ERR, transform_set),
                                    (ERR, line_of(text, "set pfs group5"))]


@pytest.mark.parametrize("version", ["17.9", "16.12", "15.9"])
def test_dmv316_only_from_xe_17_11(version: str) -> None:
    assert hits("DMV316", WEAK_XE.format(version=version, shield="")) == []


def test_dmv316_compliance_shield_disable_is_the_override() -> None:
    shield = "crypto engine compliance shield disable"
    assert hits("DMV316", WEAK_XE.format(version="17.12", shield=shield)) == []


def test_dmv316_counts_only_explicit_keywords() -> None:
    # Omitted ISAKMP fields default to DES / group 1 (DMV304 / DMV306), but no deprecated keyword is typed.
    text = ("version 17.12\nhostname hub\ncrypto isakmp policy 10\n authentication pre-share\n"
            "crypto isakmp key 6 KEY address 0.0.0.0\n" + TRANSPORT
            + HUB_TUNNEL.format(nbma="203.0.113.1", profile="DMVPN"))
    assert hits("DMV316", text) == []


# --------------------------------------------------------------------- DMV317-318


def test_dmv317_one_finding_with_the_other_keys_related_and_no_secret_shown() -> None:
    text = ("hostname hub\ncrypto isakmp key S3cretA address 192.0.2.1\n"
            "crypto isakmp key 6 ENCRYPTED address 192.0.2.2\n"
            "crypto keyring KR\n pre-shared-key address 192.0.2.3 key S3cretB\n"
            "crypto ikev2 keyring K2\n peer P\n  address 192.0.2.4\n  pre-shared-key S3cretC\n"
            " peer Q\n  address 192.0.2.5\n  pre-shared-key 6 ENCRYPTED2\n")
    (d,) = lint("DMV317", text)
    assert (d.severity, d.span.line) == (INFO, line_of(text, "crypto isakmp key S3cretA address 192.0.2.1"))
    assert [r.span.line for r in d.related] == [line_of(text, "pre-shared-key address 192.0.2.3 key S3cretB"),
                                                line_of(text, "pre-shared-key S3cretC")]
    assert "3 pre-shared keys" in d.message
    assert "S3cret" not in d.message + (d.help or "") + "".join(r.message for r in d.related)


def test_dmv318_keyring_and_proposal_references() -> None:
    text = ("hostname r\ncrypto isakmp profile IP\n keyring MISSING\ncrypto keyring missing\n"
            "crypto ikev2 policy POL\n proposal NOPE\n")
    found = lint("DMV318", text)
    assert [(d.severity, d.span.line) for d in found] == [(ERR, line_of(text, "keyring MISSING")),
                                                          (ERR, line_of(text, "proposal NOPE"))]
    assert "did you mean 'missing'" in found[0].message


def test_no_crypto_rule_prints_a_secret() -> None:
    secret = "Zq7SecretPSK"
    crypto = (f"crypto isakmp policy 10\n hash md5\ncrypto isakmp key {secret} address 192.0.2.9\n"
              f"crypto keyring KR vrf INET\n pre-shared-key address 0.0.0.0 0.0.0.0 key {secret}\n"
              f"crypto ikev2 keyring K2\n peer P\n  address 0.0.0.0 0.0.0.0\n  pre-shared-key {secret}\n"
              "crypto ipsec transform-set TS esp-des\ncrypto ipsec profile DMVPN\n set transform-set TS\n")
    text = "version 17.12\n" + spoke(crypto=crypto)
    rules = [r for r in REGISTRY if r.code.startswith("DMV3")]
    found = run_rules(dev_network(text), rules)
    assert found and not [d for d in found if d.code == "DMV999"]
    for d in found:
        assert secret not in d.message + (d.help or "") + "".join(r.message for r in d.related), d.code
