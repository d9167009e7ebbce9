"""The Cisco -> strongSwan algorithm tables of ``render/ipsec.py`` and its value syntax helpers.

Every Cisco keyword (transform-set transform, ISAKMP policy value, IKEv2 proposal value,
PFS group) is pinned to the strongSwan keyword of targets.md §3.4. The real charon check of
the same table is ``test_swanctl.py::test_every_mapped_keyword_loads_in_charon``.
"""

from __future__ import annotations

import pytest

from iosdmvpn.render import ipsec
from iosdmvpn.render.ipsec import decode_type7, psk_literal, swanctl_string

ESP = {
    "esp-des": "des", "esp-3des": "3des", "esp-aes": "aes128", "esp-aes 128": "aes128",
    "esp-aes 192": "aes192", "esp-aes 256": "aes256", "esp-gcm": "aes128gcm16",
    "esp-gcm 128": "aes128gcm16", "esp-gcm 192": "aes192gcm16", "esp-gcm 256": "aes256gcm16",
    "esp-gmac": "aes128gmac", "esp-gmac 128": "aes128gmac", "esp-gmac 192": "aes192gmac",
    "esp-gmac 256": "aes256gmac", "esp-null": "null",
}
ESP_HMAC = {"esp-md5-hmac": "md5", "esp-sha-hmac": "sha1", "esp-sha256-hmac": "sha256",
            "esp-sha384-hmac": "sha384", "esp-sha512-hmac": "sha512"}
GROUPS = {1: "modp768", 2: "modp1024", 5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096",
          19: "ecp256", 20: "ecp384", 21: "ecp521", 24: "modp2048s256"}
ISAKMP_ENC = {"des": "des", "3des": "3des", "aes": "aes128", "aes 128": "aes128", "aes 192": "aes192",
              "aes 256": "aes256"}
ISAKMP_HASH = {"md5": "md5", "sha": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
V2_ENC = {"des": "des", "3des": "3des", "aes-cbc-128": "aes128", "aes-cbc-192": "aes192",
          "aes-cbc-256": "aes256", "aes-gcm-128": "aes128gcm16", "aes-gcm-192": "aes192gcm16",
          "aes-gcm-256": "aes256gcm16"}
V2_INTEG = {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
V2_PRF = {"md5": "prfmd5", "sha1": "prfsha1", "sha256": "prfsha256", "sha384": "prfsha384",
          "sha512": "prfsha512"}


@pytest.mark.parametrize(("cisco", "strongswan"), sorted(ESP.items()))
def test_esp_encryption(cisco: str, strongswan: str) -> None:
    assert ipsec.ESP_ENCRYPTION[cisco] == strongswan


@pytest.mark.parametrize(("cisco", "strongswan"), sorted(ESP_HMAC.items()))
def test_esp_integrity(cisco: str, strongswan: str) -> None:
    assert ipsec.ESP_INTEGRITY[cisco] == strongswan


@pytest.mark.parametrize("cisco", ["esp-seal", "ah-md5-hmac", "ah-sha-hmac", "ah-sha256-hmac",
                                   "ah-sha384-hmac", "ah-sha512-hmac"])
def test_unsupported_transforms_have_a_reason(cisco: str) -> None:
    assert ipsec.ESP_UNSUPPORTED.get(cisco)
    assert cisco not in ipsec.ESP_ENCRYPTION and cisco not in ipsec.ESP_INTEGRITY


def test_comp_lzs_is_dropped_not_fatal() -> None:
    assert "comp-lzs" in ipsec.ESP_DROPPED


def test_aead_transforms_are_exactly_gcm_and_gmac() -> None:
    assert {k for k in ESP if k.startswith(("esp-gcm", "esp-gmac"))} == ipsec.ESP_AEAD


@pytest.mark.parametrize(("group", "strongswan"), sorted(GROUPS.items()))
def test_dh_groups(group: int, strongswan: str) -> None:
    assert ipsec.DH_GROUPS[group] == strongswan


def test_group14_is_not_a_keyword() -> None:
    # targets.md §3.4: charon rejects "group14"; only modpNNNN / ecpNNN are keywords.
    assert all(not v.startswith("group") for v in ipsec.DH_GROUPS.values())


@pytest.mark.parametrize(("cisco", "strongswan"), sorted(ISAKMP_ENC.items()))
def test_isakmp_encryption(cisco: str, strongswan: str) -> None:
    assert ipsec.ISAKMP_ENCRYPTION[cisco] == strongswan


@pytest.mark.parametrize(("cisco", "strongswan"), sorted(ISAKMP_HASH.items()))
def test_isakmp_hash(cisco: str, strongswan: str) -> None:
    assert ipsec.ISAKMP_HASH[cisco] == strongswan


@pytest.mark.parametrize(("cisco", "strongswan"), sorted(V2_ENC.items()))
def test_ikev2_encryption(cisco: str, strongswan: str) -> None:
    assert ipsec.IKEV2_ENCRYPTION[cisco] == strongswan
    assert (cisco in ipsec.IKEV2_AEAD) == ("gcm" in cisco)


@pytest.mark.parametrize(("cisco", "strongswan"), sorted(V2_INTEG.items()))
def test_ikev2_integrity(cisco: str, strongswan: str) -> None:
    assert ipsec.IKEV2_INTEGRITY[cisco] == strongswan


@pytest.mark.parametrize(("cisco", "strongswan"), sorted(V2_PRF.items()))
def test_ikev2_prf(cisco: str, strongswan: str) -> None:
    assert ipsec.IKEV2_PRF[cisco] == strongswan


def test_tables_have_no_extra_keywords() -> None:
    assert set(ipsec.ESP_ENCRYPTION) == set(ESP)
    assert set(ipsec.ESP_INTEGRITY) == set(ESP_HMAC)
    assert set(ipsec.DH_GROUPS) == set(GROUPS)
    assert set(ipsec.ISAKMP_ENCRYPTION) == set(ISAKMP_ENC)
    assert set(ipsec.ISAKMP_HASH) == set(ISAKMP_HASH)
    assert set(ipsec.IKEV2_ENCRYPTION) == set(V2_ENC)
    assert set(ipsec.IKEV2_INTEGRITY) == set(V2_INTEG)
    assert set(ipsec.IKEV2_PRF) == set(V2_PRF)


# ---------------------------------------------------------------- value syntax


@pytest.mark.parametrize(("value", "rendered"), [
    ("198.51.100.1", "198.51.100.1"),
    ("2001:db8::1", "2001:db8::1"),
    ("fqdn:*.example.com", "fqdn:*.example.com"),
    ("email:*@example.com", "email:*@example.com"),
    ("", '""'),
    ("has space", '"has space"'),
    ('q"uote', '"q\\"uote"'),
    ("back\\slash", '"back\\\\slash"'),
    ("brace}{", '"brace}{"'),
    ("hash#x", '"hash#x"'),
    ("eq=x", '"eq=x"'),
    ("line\nbreak", '"line\\nbreak"'),
    ("cr\rx", '"cr\\rx"'),
    ("tab\tx", '"tab\\tx"'),
])
def test_swanctl_string(value: str, rendered: str) -> None:
    assert swanctl_string(value) == rendered
    assert "\n" not in rendered and "\r" not in rendered


def test_swanctl_string_refuses_nul() -> None:
    with pytest.raises(ValueError):
        swanctl_string("a\x00b")


@pytest.mark.parametrize(("key", "literal"), [
    ("Cisco123", '"Cisco123"'),
    ('a"b', '"a\\"b"'),
    ("a\\b", '"a\\\\b"'),
    ("}{$(reboot)`id`;#", '"}{$(reboot)`id`;#"'),
    ("p\u00e4ss", '"p\u00e4ss"'),
    ("0xdead", "0x" + b"0xdead".hex()),
    ("0Sabc", "0x" + b"0Sabc".hex()),
    ("two\nlines", "0x" + b"two\nlines".hex()),
    ("cr\r", "0x" + b"cr\r".hex()),
    ("nul\x00", "0x" + b"nul\x00".hex()),
    ("tab\t", "0x" + b"tab\t".hex()),
])
def test_psk_literal(key: str, literal: str) -> None:
    assert psk_literal(key) == literal
    # A literal is one line and never ends the quoted string early.
    assert "\n" not in literal and "\r" not in literal
    if literal.startswith('"'):
        inner = literal[1:-1]
        assert '"' not in inner.replace('\\\\', "").replace('\\"', "")


@pytest.mark.parametrize(("encoded", "clear"), [
    ("0822455D0A16", "cisco"),
    ("094F471A1A0A", "cisco"),
    ("02050D480809", "cisco"),
])
def test_decode_type7(encoded: str, clear: str) -> None:
    assert decode_type7(encoded) == clear


@pytest.mark.parametrize("text", ["", "0", "xx1234", "0822455D0A1", "08ZZ", "99AABB"])
def test_decode_type7_rejects_garbage(text: str) -> None:
    assert decode_type7(text) is None
