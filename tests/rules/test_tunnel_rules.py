"""DMV1xx (tunnel / GRE): documentation examples and edge cases, linted for real."""

from __future__ import annotations

from functools import partial

import pytest
from rules_helpers import EIGRP_TUNNEL as EIGRP
from rules_helpers import (
    ERR,
    INFO,
    WAN,
    WARN,
    check_bad_example,
    check_good_examples,
    check_registered,
    hits,
    lint,
    tunnel_node,
)

from iosdmvpn.checks import Scope

# ------------------------------------------------------------------ catalogue

CATALOGUE = {
    "DMV101": ("tunnel-source-missing", ERR), "DMV102": ("tunnel-source-undefined", ERR),
    "DMV103": ("tunnel-source-unusable", ERR), "DMV104": ("tunnel-no-overlay-address", ERR),
    "DMV105": ("hub-not-multipoint", ERR), "DMV106": ("mgre-with-destination", INFO),
    "DMV107": ("spoke-p2p-gre", INFO), "DMV108": ("tunnel-bandwidth-default", INFO),
    "DMV109": ("ip-mtu-not-reduced", INFO), "DMV110": ("tcp-mss-not-clamped", INFO),
    "DMV111": ("ipv6-mtu-mss", INFO), "DMV112": ("gre-keepalive-on-dmvpn", WARN),
    "DMV113": ("shared-source-needs-unique-key", ERR), "DMV114": ("shared-source-protection-not-shared", ERR),
    "DMV115": ("fvrf-source-vrf-mismatch", ERR), "DMV116": ("ivrf-in-crypto-profile", WARN),
    "DMV117": ("transport-af-mismatch", ERR), "DMV118": ("hub-ip-redirects-on", INFO),
    "DMV119": ("dmvpn-unprotected", INFO),
}

# What each documented Bad example reports: (severity, line, text the line starts with).
BAD = {
    "DMV101": [(ERR, 2, "interface Tunnel0")],
    "DMV102": [(ERR, 6, "tunnel source GigabitEthernet0/9")],
    "DMV103": [(ERR, 7, "tunnel source GigabitEthernet0/1")],
    "DMV104": [(ERR, 4, "interface Tunnel0")],
    "DMV105": [(ERR, 9, "tunnel destination 198.51.100.2")],
    "DMV106": [(INFO, 8, "tunnel destination 203.0.113.1")],
    "DMV107": [(INFO, 10, "tunnel destination 203.0.113.1")],
    "DMV108": [(WARN, 4, "interface Tunnel0")],
    "DMV109": [(WARN, 4, "interface Tunnel0")],
    "DMV110": [(WARN, 7, "ip tcp adjust-mss 1460")],
    "DMV111": [(INFO, 4, "interface Tunnel0")],
    "DMV112": [(WARN, 6, "keepalive 5 10")],
    "DMV113": [(ERR, 8, "interface Tunnel1")],
    "DMV114": [(ERR, 9, "tunnel protection ipsec profile P")],
    "DMV115": [(ERR, 5, "interface Tunnel0")],
    "DMV116": [(WARN, 3, "vrf CORP")],
    "DMV117": [(ERR, 7, "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast"),
               (ERR, 8, "tunnel source GigabitEthernet0/0")],
    "DMV118": [(INFO, 4, "interface Tunnel0")],
    "DMV119": [(WARN, 4, "interface Tunnel0")],
}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_registered_as_catalogued(code: str) -> None:
    check_registered(code, *CATALOGUE[code], Scope.DEVICE)


@pytest.mark.parametrize("code", sorted(BAD))
def test_bad_example_reports_exactly_this(code: str) -> None:
    check_bad_example(code, BAD[code])


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_good_example_is_clean(code: str) -> None:
    check_good_examples(code)


# ------------------------------------------------------------------- fixtures

spoke = partial(tunnel_node, head="hostname spoke1\n")


# --------------------------------------------------------------------- source


def test_dmv101_silent_when_source_present() -> None:
    assert hits("DMV101", spoke("ip address 10.0.0.2 255.255.255.0", "tunnel source GigabitEthernet0/0",
                               "tunnel mode gre multipoint")) == []


def test_dmv101_ignores_non_dmvpn_tunnels() -> None:
    # A plain GRE tunnel without NHRP is not a DMVPN tunnel.
    assert hits("DMV101", spoke("ip address 10.9.9.1 255.255.255.252")) == []


def test_dmv102_ip_form_is_a_warning() -> None:
    cfg = spoke("ip address 10.0.0.2 255.255.255.0", "tunnel source 192.0.2.77", "tunnel mode gre multipoint")
    assert hits("DMV102", cfg) == [(WARN, 6)]


def test_dmv102_ip_form_silent_with_dynamic_wan() -> None:
    wan = "interface GigabitEthernet0/0\n ip address dhcp\n"
    cfg = spoke("ip address 10.0.0.2 255.255.255.0", "tunnel source 192.0.2.77", "tunnel mode gre multipoint",
                wan=wan)
    assert hits("DMV102", cfg) == []


def test_dmv102_fragment_is_a_warning() -> None:
    # Only the tunnel is published: its source interface lives in the part not shown.
    cfg = "interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n tunnel source Loopback0\n" \
          " tunnel mode gre multipoint\n"
    assert hits("DMV102", cfg) == [(WARN, 3)]


def test_dmv102_name_normalisation() -> None:
    cfg = spoke("ip address 10.0.0.2 255.255.255.0", "tunnel source gi0/0", "tunnel mode gre multipoint")
    assert hits("DMV102", cfg) == []


def test_dmv103_no_address_and_dynamic() -> None:
    bare = "interface GigabitEthernet0/0\n no ip address\n"
    cfg = spoke("ip address 10.0.0.2 255.255.255.0", "tunnel source GigabitEthernet0/0",
                "tunnel mode gre multipoint", wan=bare)
    assert hits("DMV103", cfg) == [(ERR, 6)]
    dhcp = "interface GigabitEthernet0/0\n ip address dhcp\n"
    assert hits("DMV103", cfg.replace(bare, dhcp)) == []


def test_dmv103_ipv6_transport_needs_ipv6_source() -> None:
    cfg = spoke("ipv6 address 2001:DB8::2/64", "tunnel source GigabitEthernet0/0",
                "tunnel mode gre multipoint ipv6")
    assert hits("DMV103", cfg) == [(ERR, 6)]
    wan6 = WAN + " ipv6 address 2001:DB8:FFFF::2/64\n"
    assert hits("DMV103", cfg.replace(WAN, wan6)) == []


# -------------------------------------------------------------------- overlay


def test_dmv104_unnumbered_is_warning_at_the_unnumbered_line() -> None:
    cfg = spoke("ip unnumbered GigabitEthernet0/0", "ip nhrp network-id 1",
                "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast", "tunnel source GigabitEthernet0/0",
                "tunnel mode gre multipoint")
    assert hits("DMV104", cfg) == [(WARN, 5)]


def test_dmv104_ipv6_nhrp_needs_global_address() -> None:
    cfg = spoke("ipv6 address FE80::2 link-local", "ipv6 nhrp network-id 1",
                "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint")
    assert hits("DMV104", cfg) == [(ERR, 4)]
    assert hits("DMV104", cfg.replace(" ipv6 nhrp network-id 1\n",
                                      " ipv6 address 2001:DB8::2/64\n ipv6 nhrp network-id 1\n")) == []


def test_dmv104_silent_when_the_address_line_is_broken() -> None:
    # A template placeholder: the parser reports the line (DMV004); "missing" would be false.
    cfg = spoke("ip address {{ tunnel_ip }} 255.255.255.0", "ip nhrp network-id 1",
                "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint")
    assert hits("DMV104", cfg) == []


# ---------------------------------------------------------------- GRE shape


def test_dmv105_network_form_two_spokes_use_a_p2p_hub() -> None:
    hub = ("hostname hub\ninterface GigabitEthernet0/0\n ip address 203.0.113.1 255.255.255.0\n"
           "interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n ip nhrp network-id 1\n"
           " tunnel source GigabitEthernet0/0\n tunnel destination 198.51.100.2\n")
    spokes = [spoke(f"ip address 10.0.0.{n} 255.255.255.0", "ip nhrp network-id 1",
                    "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast", "tunnel source GigabitEthernet0/0",
                    "tunnel mode gre multipoint", head=f"hostname spoke{n}\n") for n in (2, 3)]
    found = lint("DMV105", hub, *spokes)
    assert [(d.span.path, d.severity, d.span.line) for d in found] == [("dev0.cfg", ERR, 8)]
    assert "NHS of 2 spokes" in found[0].message
    # Alone, a p2p tunnel without hub commands is not judged.
    assert hits("DMV105", hub) == []


def test_dmv105_mgre_hub_is_fine_and_defaulted_xe_line_does_not_count() -> None:
    # "not defaulted": IOS-XE's implicit map multicast dynamic is no evidence.
    cfg = ("hostname r\nversion 17.9\n" + WAN + "interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n"
           " ip nhrp network-id 1\n tunnel source GigabitEthernet0/0\n tunnel destination 203.0.113.1\n")
    assert hits("DMV105", cfg) == []


HUB_P3 = """\
hostname hub
interface GigabitEthernet0/0
 ip address 203.0.113.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 ip nhrp map multicast dynamic
 ip nhrp network-id 1
 ip nhrp redirect
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
"""

P2P_SPOKE = spoke("ip address 10.0.0.2 255.255.255.0", "ip nhrp map 10.0.0.1 203.0.113.1",
                  "ip nhrp network-id 1", "ip nhrp nhs 10.0.0.1", "tunnel source GigabitEthernet0/0",
                  "tunnel destination 203.0.113.1")


def test_dmv107_warning_when_the_hub_wants_spoke_to_spoke() -> None:
    found = lint("DMV107", HUB_P3, P2P_SPOKE)
    assert [(d.span.path, d.severity, d.span.line) for d in found] == [("dev1.cfg", WARN, 10)]
    assert "redirect" in found[0].message


def test_dmv107_stays_info_for_a_phase1_hub_and_when_alone() -> None:
    phase1_hub = HUB_P3.replace(" ip nhrp redirect\n", "")
    assert [(d.span.path, d.severity) for d in lint("DMV107", phase1_hub, P2P_SPOKE)] == [("dev1.cfg", INFO)]
    assert hits("DMV107", P2P_SPOKE) == [(INFO, 10)]  # the hub is not visible: reduced severity


def test_dmv107_needs_a_spoke() -> None:
    # Plain point-to-point GRE with no NHRP at all is not a DMVPN spoke.
    assert hits("DMV107", spoke("ip address 10.9.9.1 255.255.255.252", "tunnel source GigabitEthernet0/0",
                                "tunnel destination 203.0.113.9")) == []


# ------------------------------------------------------------------ bandwidth

SPOKE_EIGRP = spoke("ip address 10.0.0.2 255.255.255.0", "ip nhrp map multicast 203.0.113.1",
                    "ip nhrp network-id 1", "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1",
                    "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint", tail=EIGRP)


def test_dmv108_spoke_on_15x_is_info_unknown_release_is_warning() -> None:
    def release(version: str) -> str:
        return SPOKE_EIGRP.replace("hostname spoke1\n", f"hostname spoke1\nversion {version}\n")

    assert hits("DMV108", release("15.4")) == [(INFO, 5)]
    assert hits("DMV108", SPOKE_EIGRP) == [(WARN, 4)]  # no version line: may be 9 kbit/s
    assert hits("DMV108", release("12.4")) == [(WARN, 5)]


def test_dmv108_spoke_with_lowered_eigrp_share_is_warning() -> None:
    cfg = SPOKE_EIGRP.replace("hostname spoke1\n", "hostname spoke1\nversion 15.4\n").replace(
        " tunnel mode gre multipoint\n", " tunnel mode gre multipoint\n ip bandwidth-percent eigrp 1 25\n")
    found = lint("DMV108", cfg)
    assert [(d.severity, d.span.line) for d in found] == [(WARN, 5)]
    assert "below 50" in found[0].message


def test_dmv108_named_eigrp_and_network_0_0_0_0() -> None:
    named = ("router eigrp CORP\n address-family ipv4 unicast autonomous-system 1\n"
             "  af-interface default\n   bandwidth-percent 25\n  exit-af-interface\n  network 0.0.0.0\n")
    cfg = SPOKE_EIGRP.replace(EIGRP, named).replace("hostname spoke1\n", "hostname spoke1\nversion 15.7\n")
    assert hits("DMV108", cfg) == [(WARN, 5)]
    classic_all = SPOKE_EIGRP.replace(EIGRP, "router eigrp 1\n network 0.0.0.0\n")
    assert hits("DMV108", classic_all) == [(WARN, 4)]  # "network 0.0.0.0" covers every interface


def test_dmv108_without_eigrp_is_info_and_bandwidth_silences() -> None:
    cfg = SPOKE_EIGRP.replace(EIGRP, "")
    assert hits("DMV108", cfg) == [(INFO, 4)]
    with_bandwidth = SPOKE_EIGRP.replace("interface Tunnel0\n", "interface Tunnel0\n bandwidth 1000\n")
    assert hits("DMV108", with_bandwidth) == []


# ----------------------------------------------------------------- MTU / MSS


def test_dmv109_levels() -> None:
    base = ["ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1", "tunnel source GigabitEthernet0/0",
            "tunnel mode gre multipoint"]
    assert hits("DMV109", spoke(*base)) == [(INFO, 4)]
    assert hits("DMV109", spoke(*base, "ip mtu 1400")) == []
    assert hits("DMV109", spoke(*base, "ip mtu 1500", "tunnel protection ipsec profile P")) == [(WARN, 9)]


def test_dmv110_missing_mss_is_info() -> None:
    base = ["ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1", "tunnel source GigabitEthernet0/0",
            "tunnel mode gre multipoint"]
    assert hits("DMV110", spoke(*base)) == [(INFO, 4)]
    assert hits("DMV110", spoke(*base, "ip mtu 1400", "ip tcp adjust-mss 1360")) == []


def test_dmv109_dmv110_skip_ipv6_only_tunnels() -> None:
    cfg = spoke("ipv6 address 2001:DB8::2/64", "ipv6 nhrp network-id 1", "tunnel source GigabitEthernet0/0",
                "tunnel mode gre multipoint")
    assert hits("DMV109", cfg) == [] and hits("DMV110", cfg) == []


def test_dmv111_protected_and_mss() -> None:
    base = ["ipv6 address 2001:DB8::2/64", "ipv6 nhrp network-id 1", "tunnel source GigabitEthernet0/0",
            "tunnel mode gre multipoint"]
    assert hits("DMV111", spoke(*base, "tunnel protection ipsec profile P")) == [(WARN, 4)]
    assert hits("DMV111", spoke(*base, "ipv6 mtu 1400", "ipv6 tcp adjust-mss 1400")) == [(WARN, 10)]
    assert hits("DMV111", spoke(*base, "ipv6 mtu 1400", "ipv6 tcp adjust-mss 1340")) == []


# -------------------------------------------------------------- shared source

TWO = """\
hostname hub
interface GigabitEthernet0/0
 ip address 203.0.113.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 tunnel source {src0}
 tunnel mode {mode0}
{extra0}interface Tunnel1
 ip address 10.0.1.1 255.255.255.0
 tunnel source {src1}
 tunnel mode {mode1}
{extra1}"""


def two(src0: str = "GigabitEthernet0/0", src1: str = "GigabitEthernet0/0", mode0: str = "gre multipoint",
        mode1: str = "gre multipoint", extra0: str = "", extra1: str = "") -> str:
    return TWO.format(src0=src0, src1=src1, mode0=mode0, mode1=mode1, extra0=extra0, extra1=extra1)


def test_dmv113_same_key_and_mixed_p2p() -> None:
    # at Tunnel1's "tunnel key 5"
    assert hits("DMV113", two(extra0=" tunnel key 5\n", extra1=" tunnel key 5\n")) == [(ERR, 13)]
    # one p2p + one mGRE, no keys: still ambiguous (no key to point at: Tunnel1's header)
    found = hits("DMV113", two(mode1="gre ip", extra1=" tunnel destination 198.51.100.9\n"))
    assert found == [(ERR, 8)]


def test_dmv113_same_source_given_as_address() -> None:
    # "tunnel source 203.0.113.1" is the same source as GigabitEthernet0/0.
    assert hits("DMV113", two(src1="203.0.113.1")) == [(ERR, 8)]


def test_dmv113_silent_cases() -> None:
    assert hits("DMV113", two(extra0=" tunnel key 1\n", extra1=" tunnel key 2\n")) == []
    assert hits("DMV113", two(extra1=" tunnel vrf INET\n")) == []  # different front-door VRF
    assert hits("DMV113", two(mode0="gre ip", mode1="gre ip", extra0=" tunnel destination 198.51.100.8\n",
                              extra1=" tunnel destination 198.51.100.9\n")) == []  # only p2p
    assert hits("DMV113", two(extra1=" shutdown\n")) == []


def test_dmv114_profile_mismatch_and_ip_source() -> None:
    keys = (" tunnel key 1\n tunnel protection ipsec profile A shared\n",
            " tunnel key 2\n tunnel protection ipsec profile B shared\n")
    assert hits("DMV114", two(extra0=keys[0], extra1=keys[1])) == [(ERR, 15)]  # Tunnel1's protection
    keys_same = (keys[0], keys[1].replace("profile B", "profile A"))
    # Tunnel1 gives its source as the address of GigabitEthernet0/0 (line 12)
    assert hits("DMV114", two(src1="203.0.113.1", extra0=keys_same[0], extra1=keys_same[1])) == [(WARN, 12)]
    assert hits("DMV114", two(extra0=keys_same[0], extra1=keys_same[1])) == []


def test_dmv114_needs_two_protected_tunnels() -> None:
    assert hits("DMV114", two(extra0=" tunnel key 1\n tunnel protection ipsec profile A\n",
                              extra1=" tunnel key 2\n")) == []


# ------------------------------------------------------------------------ VRF


def test_dmv115_tunnel_vrf_without_source_vrf() -> None:
    cfg = spoke("ip address 10.0.0.2 255.255.255.0", "tunnel source GigabitEthernet0/0",
                "tunnel mode gre multipoint", "tunnel vrf INET")
    assert hits("DMV115", cfg) == [(ERR, 8)]


def test_dmv116_ikev2_ivrf() -> None:
    cfg = ("hostname hub\ncrypto ikev2 profile IKE\n match identity remote address 0.0.0.0\n ivrf CORP\n"
           "crypto ipsec profile DMVPN\n set ikev2-profile IKE\n" + WAN
           + "interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n tunnel source GigabitEthernet0/0\n"
             " tunnel mode gre multipoint\n tunnel protection ipsec profile DMVPN\n")
    assert hits("DMV116", cfg) == [(WARN, 4)]


# ------------------------------------------------------------------ transport


def test_dmv117_ipv6_nbma_on_ipv4_transport() -> None:
    cfg = spoke("ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1",
                "ip nhrp nhs 10.0.0.1 nbma 2001:DB8:FFFF::1 multicast", "tunnel source GigabitEthernet0/0",
                "tunnel mode gre multipoint")
    assert hits("DMV117", cfg) == [(ERR, 7)]


def test_dmv117_consistent_ipv6_transport() -> None:
    wan6 = WAN + " ipv6 address 2001:DB8:FFFF::2/64\n"
    cfg = spoke("ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1",
                "ip nhrp nhs 10.0.0.1 nbma 2001:DB8:FFFF::1 multicast", "tunnel source GigabitEthernet0/0",
                "tunnel mode gre multipoint ipv6", wan=wan6)
    assert hits("DMV117", cfg) == []


# ------------------------------------------------------------------- hygiene


def test_dmv118_only_hubs() -> None:
    assert hits("DMV118", SPOKE_EIGRP) == []
    ipv6_hub = HUB_P3.replace(" ip nhrp redirect\n", " no ip redirects\n ipv6 address 2001:DB8::1/64\n"
                              " ipv6 nhrp network-id 1\n ipv6 nhrp map multicast dynamic\n")
    found = lint("DMV118", ipv6_hub)
    assert [(d.severity, d.span.line) for d in found] == [(INFO, 4)]
    assert "ICMPv6" in found[0].message


def test_dmv119_public_dynamic_and_crypto_map() -> None:
    base = ["ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1",
            "ip nhrp nhs 10.0.0.1 nbma 32.19.86.9 multicast", "tunnel source GigabitEthernet0/0",
            "tunnel mode gre multipoint"]
    public = "interface GigabitEthernet0/0\n ip address 32.19.86.2 255.255.255.252\n"
    assert hits("DMV119", spoke(*base, wan=public)) == [(WARN, 4)]
    dhcp = "interface GigabitEthernet0/0\n ip address dhcp\n"
    assert hits("DMV119", spoke(*base, wan=dhcp)) == [(WARN, 4)]
    cmap = public + " crypto map VPN\n"
    assert hits("DMV119", spoke(*base, wan=cmap)) == []
    assert hits("DMV119", spoke(*base, "tunnel protection ipsec profile P", wan=public)) == []
