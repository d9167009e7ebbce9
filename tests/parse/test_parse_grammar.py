"""Every syntax variant of rules.md §4.2-§4.9 -> exact model values and exact spans."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network

import pytest
from parse_helpers import device, where

from iosdmvpn.model import Device, Interface, Nhrp
from iosdmvpn.model.interface import TunnelMode


def cmd_span(text: str, line: int) -> tuple[int, int, int, int]:
    """The span of the whole command on ``line``: first word to last word."""
    raw = text.splitlines()[line - 1]
    start = len(raw) - len(raw.lstrip()) + 1
    return line, start, line, len(raw.rstrip()) + 1


def tunnel(text: str, name: str = "Tunnel0") -> Interface:
    iface = device(text).interface(name)
    assert iface is not None
    return iface


def nhrp(text: str, family: int = 4) -> Nhrp:
    iface = tunnel("interface Tunnel0\n" + text)
    found = iface.nhrp if family == 4 else iface.nhrp6
    assert found is not None
    return found


# ============================================================== 4.2 interface / tunnel

IFACE = """\
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0 secondary
 ip address 10.0.1.1 255.255.255.0
 ipv6 address 2001:db8::1/64
 ipv6 address 2001:db8:1::/64 eui-64
 ipv6 address FE80::1 link-local
 ipv6 enable
 vrf forwarding BLUE
 tunnel source GigabitEthernet0/0
 tunnel destination hub.example.com
 tunnel mode gre multipoint ipv6
 tunnel key 4294967295
 tunnel vrf INET
 tunnel protection ipsec profile P1 ikev2-profile V2 shared isakmp-profile I1
 bandwidth inherit 1000
 delay 1000
 ip mtu 1400
 ipv6 mtu 1400
 ip tcp adjust-mss 1360
 ipv6 tcp adjust-mss 1340
 keepalive 10 3
 no ip redirects
 no ipv6 redirects
 if-state nhrp
 ipv6 nd ra mtu suppress
 shutdown
"""


def test_interface_and_tunnel_full_form() -> None:
    tu = tunnel(IFACE)
    assert tu.ipv4 == IPv4Interface("10.0.1.1/24") and tu.ipv4_mode == "static"
    assert tu.ipv4_secondary == (IPv4Interface("10.0.0.1/24"),)
    assert tu.ipv6 == (IPv6Interface("2001:db8::1/64"), IPv6Interface("2001:db8:1::/64"))
    assert tu.ipv6_link_local == IPv6Address("fe80::1") and tu.ipv6_enabled
    assert tu.vrf == "BLUE"
    t = tu.tunnel
    assert t is not None
    assert (t.source_interface, t.source_address, t.destination) == (
        "GigabitEthernet0/0", None, "hub.example.com")
    assert t.mode is TunnelMode.GRE_MULTIPOINT_IPV6 and t.mode_configured
    assert (t.key, t.vrf) == (4294967295, "INET")
    p = t.protection
    assert p is not None
    assert (p.profile, p.shared, p.isakmp_profile, p.ikev2_profile, p.psk) == ("P1", True, "I1", "V2", None)
    assert (tu.bandwidth, tu.delay, tu.ip_mtu, tu.ipv6_mtu, tu.tcp_mss, tu.ipv6_tcp_mss) == (
        1000, 1000, 1400, 1400, 1360, 1340)
    assert tu.keepalive and not tu.ip_redirects and not tu.ipv6_redirects and tu.shutdown
    assert tu.is_dmvpn and tu.is_mgre


def test_interface_field_spans_point_at_their_command() -> None:
    tu = tunnel(IFACE)
    assert tu.tunnel is not None
    assert where(tu.span) == (1, 1, 26, 10)
    assert where(tu.at("name")) == (1, 1, 1, 18)
    assert where(tu.at("ipv4")) == cmd_span(IFACE, 3)
    assert where(tu.at("ipv4_secondary")) == cmd_span(IFACE, 2)
    assert where(tu.at("vrf")) == cmd_span(IFACE, 8)
    assert where(tu.tunnel.at("source_interface")) == (9, 2, 9, 34)
    assert where(tu.tunnel.at("mode")) == cmd_span(IFACE, 11)
    assert where(tu.tunnel.at("key")) == cmd_span(IFACE, 12)
    assert tu.tunnel.protection is not None
    assert where(tu.tunnel.protection.span) == cmd_span(IFACE, 14)
    assert where(tu.at("shutdown")) == (26, 2, 26, 10)


@pytest.mark.parametrize(("line", "mode", "address", "unnumbered"), [
    ("ip address dhcp", "dhcp", None, None),
    ("ip address negotiated", "negotiated", None, None),
    ("ip unnumbered Loopback0", "unnumbered", None, "Loopback0"),
    ("ip unnumbered lo 0", "unnumbered", None, "Loopback0"),
    ("no ip address", "none", None, None),
    ("ip address 192.0.2.1 255.255.255.252", "static", IPv4Interface("192.0.2.1/30"), None),
])
def test_ipv4_address_forms(line: str, mode: str, address: IPv4Interface | None,
                            unnumbered: str | None) -> None:
    tu = tunnel(f"interface Tunnel0\n {line}\n")
    assert (tu.ipv4_mode, tu.ipv4, tu.unnumbered) == (mode, address, unnumbered)


@pytest.mark.parametrize(("line", "interface", "address"), [
    ("tunnel source GigabitEthernet0/0", "GigabitEthernet0/0", None),
    ("tunnel source eth 0/0", "Ethernet0/0", None),
    ("tunnel source serial 2/0", "Serial2/0", None),
    ("tunnel source Dialer1", "Dialer1", None),
    ("tunnel source 192.0.2.1", None, IPv4Address("192.0.2.1")),
    ("tunnel source 2001:db8::9", None, IPv6Address("2001:db8::9")),
])
def test_tunnel_source_forms(line: str, interface: str | None,
                             address: IPv4Address | IPv6Address | None) -> None:
    t = tunnel(f"interface Tunnel0\n {line}\n").tunnel
    assert t is not None and (t.source_interface, t.source_address) == (interface, address)


@pytest.mark.parametrize(("line", "mode"), [
    ("tunnel mode gre multipoint", TunnelMode.GRE_MULTIPOINT),
    ("tunnel mode gre multipoint ipv6", TunnelMode.GRE_MULTIPOINT_IPV6),
    ("tunnel mode gre ip", TunnelMode.GRE_IP),
    ("tunnel mode gre ipv6", TunnelMode.GRE_IPV6),
    ("tunnel mode ipsec ipv4", TunnelMode.IPSEC_IPV4),
    ("tunnel mode ipsec ipv6", TunnelMode.IPSEC_IPV6),
    ("tunnel mode vxlan", TunnelMode.OTHER),
])
def test_tunnel_modes(line: str, mode: TunnelMode) -> None:
    t = tunnel(f"interface Tunnel0\n {line}\n").tunnel
    assert t is not None and t.mode is mode and t.mode_configured


def test_tunnel_mode_absent_is_gre_ip_not_configured() -> None:
    t = tunnel("interface Tunnel0\n tunnel source Loopback0\n").tunnel
    assert t is not None and t.mode is TunnelMode.GRE_IP and not t.mode_configured


@pytest.mark.parametrize(("line", "profile", "shared", "isakmp", "ikev2"), [
    ("tunnel protection ipsec profile P", "P", False, None, None),
    ("tunnel protection ipsec profile P shared", "P", True, None, None),
    ("tunnel protection ipsec profile shared", "shared", False, None, None),
    ("tunnel protection ipsec profile P isakmp-profile IP", "P", False, "IP", None),
    ("tunnel protection ipsec profile P shared ikev2-profile V2", "P", True, None, "V2"),
    ("tunnel protection ipsec profile P ikev2-profile V2 SHARED", "P", True, None, "V2"),
])
def test_tunnel_protection_options_in_any_order(line: str, profile: str, shared: bool, isakmp: str | None,
                                                ikev2: str | None) -> None:
    t = tunnel(f"interface Tunnel0\n {line}\n").tunnel
    assert t is not None and t.protection is not None
    p = t.protection
    assert (p.profile, p.shared, p.isakmp_profile, p.ikev2_profile) == (profile, shared, isakmp, ikev2)


def test_tunnel_protection_psk_is_secret() -> None:
    t = tunnel("interface Tunnel0\n tunnel protection psk S3cr3tK3y\n").tunnel
    assert t is not None and t.protection is not None and t.protection.psk is not None
    assert t.protection.psk.get_secret_value() == "S3cr3tK3y"
    assert t.protection.profile is None


@pytest.mark.parametrize(("line", "value"), [
    ("bandwidth 100000", 100000), ("bandwidth inherit 2000", 2000), ("bandwidth receive 3000", 3000),
])
def test_bandwidth_forms(line: str, value: int) -> None:
    assert tunnel(f"interface Tunnel0\n {line}\n").bandwidth == value


def test_crypto_map_on_a_physical_interface() -> None:
    gi = tunnel("interface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.252\n crypto map CMAP\n",
                "GigabitEthernet0/0")
    assert gi.crypto_map == "CMAP" and gi.tunnel is None


def test_no_shutdown_and_redirects_are_explicit() -> None:
    tu = tunnel("interface Tunnel0\n shutdown\n no shutdown\n ip redirects\n")
    assert not tu.shutdown and tu.ip_redirects


# ============================================================================ 4.3 NHRP


def test_nhrp_scalar_settings() -> None:
    n = nhrp(" ip nhrp network-id 4294967295\n ip nhrp authentication DMVPNKEY\n ip nhrp holdtime 600\n"
             " ip nhrp registration timeout 60\n ip nhrp registration no-unique\n ip nhrp redirect\n"
             " ip nhrp shortcut\n")
    assert (n.network_id, n.holdtime, n.registration_timeout, n.registration_no_unique) == (
        4294967295, 600, 60, True)
    assert n.authentication is not None and n.authentication.get_secret_value() == "DMVPNKEY"
    assert n.redirect and n.shortcut is True and n.family == 4


def test_nhrp_static_maps_every_form() -> None:
    n = nhrp(" ip nhrp map 10.0.0.2 192.0.2.2\n"
             " ip nhrp map 10.0.0.3 2001:db8::3\n"
             " ip nhrp map 10.0.0.4 192.0.2.4 preference 10\n"
             " ip nhrp map 10.0.0.0 255.255.255.0 192.0.2.9\n"
             " ip nhrp map 10.0.0.5 hub.example.com\n")
    got = [(m.protocol, m.prefix_length, m.nbma, m.nbma_fqdn, m.preference) for m in n.maps]
    assert got == [
        (IPv4Address("10.0.0.2"), None, IPv4Address("192.0.2.2"), None, None),
        (IPv4Address("10.0.0.3"), None, IPv6Address("2001:db8::3"), None, None),
        (IPv4Address("10.0.0.4"), None, IPv4Address("192.0.2.4"), None, 10),
        (IPv4Address("10.0.0.0"), 24, IPv4Address("192.0.2.9"), None, None),
        (IPv4Address("10.0.0.5"), None, None, "hub.example.com", None),
    ]
    assert where(n.maps[2].span) == (4, 2, 4, 46)


def test_nhrp_multicast_maps_and_dynamic() -> None:
    n = nhrp(" ip nhrp map multicast 192.0.2.2\n ip nhrp map multicast 2001:db8::2\n"
             " ip nhrp map multicast dynamic\n")
    assert [m.nbma for m in n.multicast_maps] == [IPv4Address("192.0.2.2"), IPv6Address("2001:db8::2")]
    assert n.multicast_dynamic is True
    assert where(n.at("multicast_dynamic")) == (4, 2, 4, 31)


def test_no_map_multicast_dynamic_shortcut_redirect_are_explicit_false() -> None:
    n = nhrp(" ip nhrp network-id 1\n no ip nhrp map multicast dynamic\n no ip nhrp shortcut\n"
             " no ip nhrp redirect\n")
    assert (n.multicast_dynamic, n.shortcut, n.redirect) == (False, False, False)
    assert where(n.at("multicast_dynamic")) == (3, 2, 3, 34)


def test_nhs_every_form() -> None:
    n = nhrp(" ip nhrp map 10.0.0.1 192.0.2.1\n"
             " ip nhrp map multicast 192.0.2.1\n"
             " ip nhrp nhs 10.0.0.1\n"                                                  # legacy 3-line
             " ip nhrp nhs 10.0.0.5 nbma 192.0.2.5 multicast priority 3 cluster 2\n"    # consolidated
             " ip nhrp nhs 10.0.0.6 nbma hub.example.com\n"                             # FQDN
             " ip nhrp nhs 10.0.0.7 nbma 2001:db8::7\n"                                 # IPv6 NBMA
             " ip nhrp nhs 10.0.0.8 priority 4 cluster 1\n"                             # no nbma
             " ip nhrp nhs dynamic nbma 192.0.2.9 multicast\n"                          # dynamic
             " ip nhrp nhs 10.0.0.10 10.1.0.0 255.255.0.0\n"                            # network form
             " ip nhrp nhs cluster 1 max-connections 2\n"
             " ip nhrp nhs fallback 30\n")
    got = [(e.protocol, e.nbma, e.nbma_fqdn, e.multicast, e.priority, e.cluster) for e in n.nhs]
    assert got == [
        (IPv4Address("10.0.0.1"), None, None, False, None, None),
        (IPv4Address("10.0.0.5"), IPv4Address("192.0.2.5"), None, True, 3, 2),
        (IPv4Address("10.0.0.6"), None, "hub.example.com", False, None, None),
        (IPv4Address("10.0.0.7"), IPv6Address("2001:db8::7"), None, False, None, None),
        (IPv4Address("10.0.0.8"), None, None, False, 4, 1),
        (None, IPv4Address("192.0.2.9"), None, True, None, None),
        (IPv4Address("10.0.0.10"), None, None, False, None, None),
    ]
    assert n.nhs[5].dynamic
    # The legacy three lines resolve like "nhs X nbma Y multicast".
    assert n.nbma_for(IPv4Address("10.0.0.1")) == IPv4Address("192.0.2.1")
    assert where(n.nhs[1].span) == (5, 2, 5, 68)


@pytest.mark.parametrize("line", [
    "ip nhrp redirect timeout 10", "ip nhrp shortcut virtual-template 1", "ip nhrp registration delay 5",
    "ip nhrp registration req-def-map",
])
def test_phase3_and_registration_variants_parse(line: str) -> None:
    nhrp(f" ip nhrp network-id 1\n {line}\n")


@pytest.mark.parametrize("line", [
    "ip nhrp interest 101", "ip nhrp max-send 100 every 10", "ip nhrp cache non-authoritative",
    "ip nhrp server-only non-caching", "ip nhrp use 3", "ip nhrp record", "ip nhrp responder Loopback0",
    "ip nhrp trigger-svc 100 10", "ip nhrp send-routed", "ip nhrp summary-map 10.0.0.0/8",
    "ip nhrp attribute set ABC", "ip nhrp bfd", "nhrp group G1", "ip nhrp group G1",
    "nhrp map group G1 service-policy output PM", "ip nhrp map group G1 service-policy output PM",
    "nhrp route-watch", "nhrp event-publisher max-event-timeout 5",
])
def test_accept_and_store_variants_are_ignored_not_errors(line: str) -> None:
    dev = device(f"interface Tunnel0\n ip nhrp network-id 1\n {line}\n")
    assert dev.coverage.unrecognized == 0 and dev.coverage.ignored == 1


def test_ipv6_nhrp_with_and_without_length() -> None:
    n = nhrp(" ipv6 nhrp network-id 6\n"
             " ipv6 nhrp map 2001:db8::2/64 192.0.2.2\n"
             " ipv6 nhrp map 2001:DB8:3333:4::5 10.1.1.1 preference 5\n"
             " ipv6 nhrp map multicast dynamic\n"
             " ipv6 nhrp nhs 2001:db8::1 nbma 192.0.2.1 multicast\n"
             " ipv6 nhrp nhs 2001:db8::9 2001:db8:1::/48\n"
             " ipv6 nhrp redirect\n"
             " no ipv6 nhrp shortcut\n", family=6)
    assert n.family == 6 and n.network_id == 6
    assert [(m.protocol, m.prefix_length, m.nbma, m.preference) for m in n.maps] == [
        (IPv6Address("2001:db8::2"), 64, IPv4Address("192.0.2.2"), None),
        (IPv6Address("2001:db8:3333:4::5"), None, IPv4Address("10.1.1.1"), 5),
    ]
    assert n.multicast_dynamic is True and n.redirect and n.shortcut is False
    assert [(e.protocol, e.nbma, e.multicast) for e in n.nhs] == [
        (IPv6Address("2001:db8::1"), IPv4Address("192.0.2.1"), True),
        (IPv6Address("2001:db8::9"), None, False)]


def test_ip_and_ipv6_nhrp_are_kept_apart() -> None:
    tu = tunnel("interface Tunnel0\n ip nhrp network-id 4\n ipv6 nhrp network-id 6\n")
    assert tu.nhrp is not None and tu.nhrp6 is not None
    assert (tu.nhrp.network_id, tu.nhrp6.network_id) == (4, 6)
    assert tu.nhrp_families() == (tu.nhrp, tu.nhrp6)


# ========================================================================= 4.4 IKEv1

IKEV1 = """\
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
 lifetime 3600
crypto isakmp policy 20
 encryption 3des
crypto isakmp key 0 Cisco!23 address 0.0.0.0 0.0.0.0 no-xauth
crypto isakmp key KEY6 address ipv6 2001:db8::/32
crypto isakmp key HK hostname spoke1.example.com
crypto isakmp key 6 ENC address 192.0.2.7
crypto isakmp key WILD address 0.0.0.0
crypto isakmp keepalive 10 3 periodic
crypto isakmp nat keepalive 20
crypto isakmp invalid-spi-recovery
crypto isakmp identity hostname
crypto isakmp aggressive-mode disable
no crypto isakmp default policy
crypto keyring KR vrf INET
 local-address GigabitEthernet0/0
 pre-shared-key address 0.0.0.0 0.0.0.0 key 0 KRKEY
 pre-shared-key address ipv6 ::/0 key KR6
 pre-shared-key hostname h1 key HKEY
crypto isakmp profile IP1
 vrf BLUE
 keyring KR
 match identity address 0.0.0.0 INET
 match identity host h1.example.com
 match identity address ipv6 ::/0
 keepalive 10 retry 3
 self-identity address
 local-address Loopback0
"""


def test_isakmp_policies_with_and_without_fields() -> None:
    crypto = device(IKEV1).crypto
    p10, p20 = crypto.isakmp_policies
    assert (p10.priority, p10.encryption, p10.hash, p10.authentication, p10.group, p10.lifetime) == (
        10, "aes 256", "sha256", "pre-share", 14, 3600)
    assert (p20.encryption, p20.hash, p20.group) == ("3des", None, None)
    assert (p20.effective("hash"), p20.effective("group"), p20.effective("authentication")) == (
        "sha", 1, "rsa-sig")
    assert where(p10.span) == (1, 1, 6, 15)
    assert where(p10.at("group")) == (5, 2, 5, 10)


def test_isakmp_keys_every_form() -> None:
    crypto = device(IKEV1).crypto
    got = [(k.key.get_secret_value(), k.encryption_type, k.peer, k.hostname) for k in crypto.isakmp_keys]
    assert got == [
        ("Cisco!23", 0, IPv4Network("0.0.0.0/0"), None),
        ("KEY6", 0, IPv6Network("2001:db8::/32"), None),
        ("HK", 0, None, "spoke1.example.com"),
        ("ENC", 6, IPv4Network("192.0.2.7/32"), None),
        ("WILD", 0, IPv4Network("0.0.0.0/0"), None),
    ]
    assert where(crypto.isakmp_keys[0].span) == (9, 1, 9, 62)


def test_isakmp_globals() -> None:
    crypto = device(IKEV1).crypto
    assert crypto.isakmp_keepalive is not None
    keepalive = crypto.isakmp_keepalive
    assert (keepalive.interval, keepalive.retry, keepalive.mode) == (10, 3, "periodic")
    assert crypto.isakmp_default_policy is False


def test_keyring_and_isakmp_profile() -> None:
    crypto = device(IKEV1).crypto
    kr = crypto.keyring("KR")
    assert kr is not None and kr.vrf == "INET"
    assert [(k.peer, k.hostname, k.key.get_secret_value()) for k in kr.keys] == [
        (IPv4Network("0.0.0.0/0"), None, "KRKEY"), (IPv6Network("::/0"), None, "KR6"), (None, "h1", "HKEY")]
    prof = crypto.isakmp_profile("IP1")
    assert prof is not None
    assert (prof.vrf, prof.keyrings, prof.keepalive) == ("BLUE", ("KR",), 10)
    assert prof.match_identities == ("address 0.0.0.0 INET", "host h1.example.com", "address ipv6 ::/0")
    # The profile's keyring is resolvable, and the lookup is case-sensitive.
    assert crypto.keyring(prof.keyrings[0]) is kr and crypto.keyring("kr") is None


# ========================================================================== 4.5 IPsec

IPSEC = """\
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
 mode transport
crypto ipsec transform-set TS2 esp-gcm 256
 mode transport require
crypto ipsec transform-set TS3 ah-sha256-hmac esp-aes 128 comp-lzs
 mode tunnel
crypto ipsec transform-set TS4 esp-3des esp-md5-hmac
crypto ipsec profile P1
 set transform-set TS TS2 TS3
 set isakmp-profile IP1
 set pfs group14
 set security-association lifetime seconds 3600
 set security-association lifetime kilobytes disable
 set security-association idle-time 300
 set identity X
 responder-only
 description hub profile
crypto ipsec profile P2
 set ikev2-profile V2
 set pfs
 set security-association lifetime kilobytes 4608000
crypto ipsec security-association replay window-size 1024
crypto ipsec df-bit clear
crypto ipsec nat-transparency udp-encapsulation
crypto engine compliance shield disable
"""


def test_transform_sets_with_key_lengths_and_modes() -> None:
    crypto = device(IPSEC).crypto
    got = [(t.name, t.transforms, t.mode, t.effective_mode) for t in crypto.transform_sets]
    assert got == [
        ("TS", ("esp-aes 256", "esp-sha-hmac"), "transport", "transport"),
        ("TS2", ("esp-gcm 256",), "transport", "transport"),
        ("TS3", ("ah-sha256-hmac", "esp-aes 128", "comp-lzs"), "tunnel", "tunnel"),
        ("TS4", ("esp-3des", "esp-md5-hmac"), None, "tunnel"),
    ]
    assert where(crypto.transform_sets[0].span) == (1, 1, 2, 16)
    assert where(crypto.transform_sets[0].at("mode")) == (2, 2, 2, 16)


def test_ipsec_profiles_and_references() -> None:
    crypto = device(IPSEC).crypto
    p1, p2 = crypto.ipsec_profiles
    assert (p1.transform_sets, p1.isakmp_profile, p1.pfs, p1.lifetime_seconds, p1.lifetime_kilobytes) == (
        ("TS", "TS2", "TS3"), "IP1", "group14", 3600, None)
    assert (p2.ikev2_profile, p2.pfs, p2.lifetime_kilobytes) == ("V2", "group1", 4608000)  # bare "set pfs"
    # profile -> transform-set resolves, with the span of the referencing command.
    resolved = [crypto.transform_set(name) for name in p1.transform_sets]
    assert [t.name for t in resolved if t is not None] == ["TS", "TS2", "TS3"]
    assert where(p1.at("transform_sets")) == (9, 2, 9, 30)
    assert crypto.compliance_shield_disabled


# ========================================================================== 4.6 IKEv2

IKEV2 = """\
crypto ikev2 proposal PROP
 encryption aes-cbc-256 aes-cbc-128
 integrity sha512 sha256
 prf sha512
 group 19 14
crypto ikev2 policy POL
 proposal PROP
 proposal PROP2
 match fvrf any
 match address local 192.0.2.1
crypto ikev2 keyring V2KR
 peer ANY
  address 0.0.0.0 0.0.0.0
  identity address 192.0.2.9
  pre-shared-key 6 PEERKEY
 peer SIDE
  address 2001:db8::/32
  hostname h2
  pre-shared-key local LOCALKEY
  pre-shared-key remote REMOTEKEY
crypto ikev2 profile V2
 match identity remote address 0.0.0.0
 match identity remote fqdn domain example.com
 match fvrf INET
 match address local interface GigabitEthernet0/0
 identity local fqdn hub.example.com
 authentication local pre-share key INLINEKEY
 authentication remote pre-share
 authentication remote rsa-sig
 keyring local V2KR
 pki trustpoint TP sign
 dpd 10 3 on-demand
 lifetime 3600
 nat keepalive 20
 ivrf BLUE
 virtual-template 1
crypto ikev2 dpd 10 2 periodic
crypto ikev2 nat keepalive 30
"""


def test_ikev2_proposal_and_policy() -> None:
    crypto = device(IKEV2).crypto
    prop = crypto.ikev2_proposal("PROP")
    assert prop is not None
    assert (prop.encryption, prop.integrity, prop.prf, prop.group) == (
        ("aes-cbc-256", "aes-cbc-128"), ("sha512", "sha256"), ("sha512",), (19, 14))
    pol = crypto.ikev2_policies[0]
    assert (pol.proposals, pol.match_fvrf, pol.match_address_local) == (
        ("PROP", "PROP2"), "any", ("192.0.2.1",))
    assert where(prop.at("group")) == (5, 2, 5, 13)


def test_ikev2_keyring_peers() -> None:
    kr = device(IKEV2).crypto.ikev2_keyring("V2KR")
    assert kr is not None
    any_peer, side = kr.peers
    assert (any_peer.name, any_peer.address, any_peer.identity) == ("ANY", IPv4Network("0.0.0.0/0"),
                                                                   "address 192.0.2.9")
    assert any_peer.psk is not None and any_peer.psk.get_secret_value() == "PEERKEY"
    assert (side.address, side.hostname, side.psk) == (IPv6Network("2001:db8::/32"), "h2", None)
    assert side.psk_local is not None and side.psk_local.get_secret_value() == "LOCALKEY"
    assert side.psk_remote is not None and side.psk_remote.get_secret_value() == "REMOTEKEY"
    assert where(any_peer.span) == (12, 2, 15, 27)


def test_ikev2_profile_and_globals() -> None:
    crypto = device(IKEV2).crypto
    p = crypto.ikev2_profile("V2")
    assert p is not None
    assert p.match_identity_remote == ("address 0.0.0.0", "fqdn domain example.com")
    assert (p.match_fvrf, p.match_address_local, p.identity_local) == (
        "INET", "interface GigabitEthernet0/0", "fqdn hub.example.com")
    assert (p.authentication_local, p.authentication_remote) == (("pre-share",), ("pre-share", "rsa-sig"))
    assert p.inline_psk_local is not None and p.inline_psk_local.get_secret_value() == "INLINEKEY"
    assert (p.keyring_local, p.trustpoints, p.lifetime, p.ivrf, p.virtual_template) == (
        "V2KR", ("TP",), 3600, "BLUE", 1)
    assert p.dpd is not None and (p.dpd.interval, p.dpd.retry, p.dpd.mode) == (10, 3, "on-demand")
    assert crypto.ikev2_keyring(p.keyring_local or "") is not None
    dpd = crypto.ikev2_dpd
    assert dpd is not None and (dpd.interval, dpd.mode) == (10, "periodic")


# ========================================================================== 4.7 EIGRP

EIGRP = """\
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 no ip split-horizon eigrp 100
 no ip next-hop-self eigrp 100
 ip summary-address eigrp 100 10.0.0.0 255.0.0.0 5 leak-map LM
 ip summary-address eigrp 100 10.0.0.0/8
 ip hello-interval eigrp 100 20
 ip hold-time eigrp 100 60
 ip bandwidth-percent eigrp 100 40
 ipv6 eigrp 200
 no ipv6 split-horizon eigrp 200
 no ipv6 next-hop-self eigrp 200
 ipv6 summary-address eigrp 200 2001:db8::/32
router eigrp 100
 network 10.0.0.0 0.0.0.255
 network 172.16.0.0
 no auto-summary
 eigrp stub connected summary
 passive-interface Gi0/1
 eigrp router-id 1.1.1.1
ipv6 router eigrp 200
 passive-interface default
 no passive-interface Tunnel0
router eigrp NAMED
 address-family ipv4 unicast autonomous-system 300
  af-interface default
   passive-interface
  exit-af-interface
  af-interface Tunnel0
   no split-horizon
   no next-hop-self no-ecmp-mode
   summary-address 10.0.0.0 255.0.0.0
   summary-address 10.0.0.0/8
   no passive-interface
   bandwidth-percent 50
   hello-interval 10
   hold-time 30
  exit-af-interface
  topology base
  exit-af-topology
  network 10.0.0.0 0.0.0.255
  eigrp stub
 exit-address-family
 address-family ipv6 unicast autonomous-system 301
 exit-address-family
"""


def test_classic_eigrp_interface_knobs() -> None:
    tu = tunnel(EIGRP)
    v4, v6 = tu.eigrp
    assert (v4.family, v4.asn, v4.split_horizon, v4.next_hop_self) == (4, 100, False, False)
    assert (v4.hello, v4.hold, v4.bandwidth_percent) == (20, 60, 40)
    assert v4.summaries == ("10.0.0.0 255.0.0.0 5 leak-map LM", "10.0.0.0/8")
    assert (v6.family, v6.asn, v6.enabled, v6.split_horizon, v6.next_hop_self, v6.summaries) == (
        6, 200, True, False, False, ("2001:db8::/32",))
    assert tu.eigrp_for(100) is v4
    assert where(v4.at("split_horizon")) == (3, 2, 3, 31)


def test_classic_and_named_eigrp_processes() -> None:
    classic, v6, named4, named6 = device(EIGRP).routing.eigrp
    assert (classic.style, classic.asn, classic.stub, classic.passive_interfaces) == (
        "classic", 100, "connected summary", ("GigabitEthernet0/1",))
    assert [(n.address, n.wildcard) for n in classic.networks] == [
        (IPv4Address("10.0.0.0"), IPv4Address("0.0.0.255")), (IPv4Address("172.16.0.0"), None)]
    assert classic.networks[1].covers(IPv4Address("172.16.9.9"))  # classful
    assert (v6.family, v6.passive_default, v6.active_interfaces) == (6, True, ("Tunnel0",))
    assert not v6.is_passive("Tunnel0") and v6.is_passive("Tunnel1")
    assert (named4.style, named4.name, named4.asn, named4.family, named4.stub) == (
        "named", "NAMED", 300, 4, "")
    assert (named6.asn, named6.family) == (301, 6)


def test_named_eigrp_af_interface_inherits_default() -> None:
    named = device(EIGRP).routing.eigrp[2]
    tu = named.af_interface("Tunnel0")
    assert tu is not None
    assert (tu.split_horizon, tu.next_hop_self, tu.passive, tu.bandwidth_percent, tu.hello, tu.hold) == (
        False, False, False, 50, 10, 30)
    assert tu.summaries == ("10.0.0.0 255.0.0.0", "10.0.0.0/8")
    other = named.af_interface("Tunnel9")
    assert other is not None and other.interface == "default" and other.passive is True
    assert named.is_passive("Tunnel9") and not named.is_passive("Tunnel0")
    assert where(tu.span) == (29, 3, 37, 16)


# ===================================================================== 4.8 OSPF

OSPF = """\
interface Tunnel0
 ip ospf 1 area 0
 ip ospf network point-to-multipoint non-broadcast
 ip ospf priority 0
 ip ospf hello-interval 30
 ip ospf dead-interval 120
interface Tunnel1
 ip ospf network broadcast
 ip ospf dead-interval minimal hello-multiplier 4
 ipv6 ospf 2 area 0
 ipv6 ospf network point-to-multipoint
interface Tunnel2
 ospfv3 3 ipv6 area 1
 ospfv3 network point-to-point
 ospfv3 priority 5
router ospf 1 vrf BLUE
 router-id 1.1.1.1
 network 10.0.0.0 0.0.0.255 area 0
 passive-interface default
 no passive-interface Tunnel0
router ospfv3 5
 router-id 2.2.2.2
ipv6 router ospf 6
 passive-interface Loopback0
"""


def test_ospf_interface_settings() -> None:
    dev = device(OSPF)
    t0, t1, t2 = (dev.interface(f"Tunnel{i}") for i in range(3))
    assert t0 is not None and t0.ospf is not None
    assert (t0.ospf.process, t0.ospf.area, t0.ospf.network_type, t0.ospf.priority, t0.ospf.hello,
            t0.ospf.dead) == (1, "0", "point-to-multipoint non-broadcast", 0, 30, 120)
    assert t1 is not None and t1.ospf is not None and t1.ospf6 is not None
    assert (t1.ospf.network_type, t1.ospf.dead) == ("broadcast", 1)
    assert (t1.ospf6.process, t1.ospf6.area, t1.ospf6.network_type) == (2, "0", "point-to-multipoint")
    assert t2 is not None and t2.ospf6 is not None
    assert (t2.ospf6.process, t2.ospf6.area, t2.ospf6.network_type, t2.ospf6.priority) == (
        3, "1", "point-to-point", 5)
    assert where(t0.ospf.at("priority")) == (4, 2, 4, 20)


def test_ospf_processes() -> None:
    v4, v3, v6 = device(OSPF).routing.ospf
    assert (v4.process, v4.family, v4.vrf, v4.router_id, v4.passive_default, v4.active_interfaces) == (
        1, 4, "BLUE", IPv4Address("1.1.1.1"), True, ("Tunnel0",))
    assert [(n.address, n.wildcard, n.area) for n in v4.networks] == [
        (IPv4Address("10.0.0.0"), IPv4Address("0.0.0.255"), "0")]
    assert (v3.process, v3.family, v3.router_id) == (5, 6, IPv4Address("2.2.2.2"))
    assert (v6.process, v6.family, v6.passive_interfaces) == (6, 6, ("Loopback0",))


# ====================================================================== 4.9 BGP

BGP = """\
router bgp 65000
 bgp router-id 1.1.1.1
 bgp listen range 10.0.0.0/24 peer-group SPOKES
 bgp listen limit 200
 neighbor SPOKES peer-group
 neighbor SPOKES remote-as 65000 alternate-as 65001 65002
 neighbor 192.0.2.1 remote-as 65100
 neighbor 192.0.2.1 peer-group SPOKES
 neighbor 192.0.2.1 update-source Loopback0
 address-family ipv4
  neighbor SPOKES activate
  neighbor SPOKES route-reflector-client
  neighbor SPOKES next-hop-self all
  neighbor SPOKES next-hop-unchanged
  neighbor SPOKES default-originate
  neighbor SPOKES allowas-in 2
  neighbor SPOKES as-override
  neighbor SPOKES remove-private-as
  network 10.1.0.0 mask 255.255.0.0
 exit-address-family
 address-family ipv6 unicast
  neighbor SPOKES activate
 exit-address-family
 address-family ipv4 vrf BLUE
 exit-address-family
"""


def test_bgp_listen_ranges_and_peer_groups() -> None:
    bgp = device(BGP).routing.bgp
    assert bgp is not None
    assert (bgp.asn, bgp.router_id, bgp.listen_limit) == ("65000", IPv4Address("1.1.1.1"), 200)
    assert [(r.prefix, r.peer_group) for r in bgp.listen_ranges] == [(IPv4Network("10.0.0.0/24"), "SPOKES")]
    group = bgp.neighbor("SPOKES")
    assert group is not None
    assert (group.is_peer_group, group.remote_as, group.alternate_as) == (True, "65000", ("65001", "65002"))
    assert (group.route_reflector_client, group.next_hop_self, group.default_originate, group.allowas_in,
            group.as_override) == (True, True, True, True, True)
    assert group.activated_families == ("ipv4", "ipv6")
    peer = bgp.neighbor("192.0.2.1")
    assert peer is not None
    assert (peer.remote_as, peer.peer_group, peer.update_source) == ("65100", "SPOKES", "Loopback0")
    assert bgp.effective(peer).route_reflector_client
    assert bgp.families == ("ipv4", "ipv6", "ipv4 vrf BLUE")
    assert [(n.prefix, n.family) for n in bgp.networks] == [(IPv4Network("10.1.0.0/16"), "ipv4")]
    assert where(bgp.listen_ranges[0].span) == (3, 2, 3, 48)
    assert where(bgp.span) == (1, 1, 24, 30)  # to its last sub-stanza header


# ================================================================= static routes


def test_static_routes() -> None:
    dev: Device = device("ip route 0.0.0.0 0.0.0.0 192.0.2.1\n"
                         "ip route vrf INET 0.0.0.0 0.0.0.0 GigabitEthernet0/0 192.0.2.1 250\n"
                         "ip route 10.9.0.0 255.255.0.0 Null0\n"
                         "ip route 10.8.0.0 255.255.0.0 Gi 0/0\n"
                         "ipv6 route ::/0 2001:db8::1\n"
                         "ipv6 route vrf X 2001:db8:5::/48 Tunnel0\n")
    got = [(r.prefix, r.next_hop, r.interface, r.vrf, r.distance) for r in dev.routing.static_routes]
    assert got == [
        (IPv4Network("0.0.0.0/0"), IPv4Address("192.0.2.1"), None, None, None),
        (IPv4Network("0.0.0.0/0"), IPv4Address("192.0.2.1"), "GigabitEthernet0/0", "INET", 250),
        (IPv4Network("10.9.0.0/16"), None, "Null0", None, None),
        (IPv4Network("10.8.0.0/16"), None, "GigabitEthernet0/0", None, None),
        (IPv6Network("::/0"), IPv6Address("2001:db8::1"), None, None, None),
        (IPv6Network("2001:db8:5::/48"), None, "Tunnel0", "X", None),
    ]
    assert where(dev.routing.static_routes[1].span) == (2, 1, 2, 67)


def test_hostname_and_version() -> None:
    dev = device("version 17.9\nhostname HUB-1\n")
    assert (dev.hostname, dev.version, dev.is_xe, dev.name) == ("HUB-1", (17, 9), True, "HUB-1")
    assert where(dev.at("hostname")) == (2, 1, 2, 15)
