"""DMV2xx (NHRP): documentation examples and edge cases, linted for real."""

from __future__ import annotations

from functools import partial

import pytest
from rules_helpers import EIGRP_TUNNEL as EIGRP
from rules_helpers import (
    ERR,
    INFO,
    WARN,
    check_bad_example,
    check_good_examples,
    check_registered,
    hits,
    lint,
    tunnel_node,
)

from iosdmvpn.checks import Scope

CATALOGUE = {
    "DMV201": ("nhrp-not-enabled", ERR), "DMV202": ("hub-no-multicast-dynamic", ERR),
    "DMV203": ("spoke-no-nhs", ERR), "DMV204": ("nhs-without-nbma", ERR),
    "DMV205": ("spoke-no-multicast-map", ERR), "DMV206": ("multicast-map-not-nhs", WARN),
    "DMV207": ("nhs-outside-tunnel-subnet", ERR), "DMV208": ("nhs-is-self", ERR),
    "DMV209": ("nhs-nbma-conflict", WARN), "DMV210": ("nhrp-auth-too-long", WARN),
    "DMV211": ("nhrp-auth-missing", INFO), "DMV212": ("nhrp-holdtime-default", INFO),
    "DMV213": ("dynamic-nbma-without-no-unique", WARN), "DMV214": ("registration-timeout-vs-holdtime", WARN),
    "DMV215": ("static-map-outside-subnet", WARN), "DMV216": ("ipv6-link-local-not-manual", WARN),
}

BAD = {
    "DMV201": [(ERR, 4, "interface Tunnel0")],
    "DMV202": [(ERR, 5, "interface Tunnel0")],
    "DMV203": [(ERR, 4, "interface Tunnel0")],
    "DMV204": [(ERR, 8, "ip nhrp nhs 10.0.0.1")],
    "DMV205": [(ERR, 4, "interface Tunnel0")],
    "DMV206": [(WARN, 6, "ip nhrp map multicast 203.0.113.10")],
    "DMV207": [(ERR, 7, "ip nhrp nhs 10.0.1.1 nbma 203.0.113.1 multicast")],
    "DMV208": [(ERR, 7, "ip nhrp nhs 10.0.0.2 nbma 203.0.113.1")],
    "DMV209": [(WARN, 8, "ip nhrp nhs 10.0.0.1 nbma 198.51.100.1")],
    "DMV210": [(WARN, 6, "ip nhrp authentication")],
    "DMV211": [(INFO, 4, "interface Tunnel0")],
    "DMV212": [(INFO, 4, "interface Tunnel0")],
    "DMV213": [(WARN, 4, "interface Tunnel0")],
    "DMV214": [(WARN, 9, "ip nhrp registration timeout 300")],
    "DMV215": [(WARN, 6, "ip nhrp map 10.0.1.1 203.0.113.1")],
    "DMV216": [(WARN, 4, "interface Tunnel1"), (WARN, 10, "interface Tunnel2")],
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

HUB_WAN = "interface GigabitEthernet0/0\n ip address 203.0.113.1 255.255.255.0\n"
node = partial(tunnel_node, head="hostname r\n")


def hub(*extra: str, version: str | None = "15.4", tail: str = EIGRP) -> str:
    head = "hostname hub\n" + (f"version {version}\n" if version else "")
    return node("ip address 10.0.0.1 255.255.255.0", "ip nhrp network-id 1", *extra,
                "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint", head=head, wan=HUB_WAN,
                tail=tail)


# hub(): with a version line the header is on line 5 and commands start on line 6.
HUB_HEADER = 5


# --------------------------------------------------------------- DMV201


def test_dmv201_ipv6_network_id_default_on_xe() -> None:
    lines = ["ipv6 address 2001:DB8::2/64", "ipv6 nhrp nhs 2001:DB8::1 nbma 203.0.113.1 multicast",
             "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint"]
    assert hits("DMV201", node(*lines, head="hostname r\nversion 16.9\n")) == [(INFO, 5)]
    assert hits("DMV201", node(*lines, head="hostname r\nversion 15.4\n")) == [(ERR, 5)]
    assert hits("DMV201", node(*lines, head="hostname r\nversion 16.2\n")) == [(ERR, 5)]


def test_dmv201_ipv4_is_an_error_on_xe_too() -> None:
    lines = ["ip address 10.0.0.2 255.255.255.0", "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast",
             "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint"]
    assert hits("DMV201", node(*lines, head="hostname r\nversion 17.9\n")) == [(ERR, 5)]


# --------------------------------------------------------------- DMV202


def test_dmv202_classic_ios_absent_line() -> None:
    assert hits("DMV202", hub()) == [(ERR, HUB_HEADER)]
    assert hits("DMV202", hub(version=None)) == [(ERR, 4)]  # unknown release: classic reading
    assert hits("DMV202", hub(tail="")) == [(INFO, HUB_HEADER)]  # no IGP that needs multicast
    assert hits("DMV202", hub("ip nhrp map multicast dynamic")) == []


def test_dmv202_ios_xe_default_on() -> None:
    found = lint("DMV202", hub(version="17.3"))
    assert [(d.severity, d.span.line) for d in found] == [(INFO, HUB_HEADER)]
    assert "default" in found[0].message


def test_dmv202_explicit_no_is_reported_at_the_no_line() -> None:
    # IOS-XE prints "no ip nhrp map multicast dynamic" when the default-on command is disabled.
    assert hits("DMV202", hub("no ip nhrp map multicast dynamic", version="17.9")) == [(ERR, 8)]
    assert hits("DMV202", hub("no ip nhrp map multicast dynamic", version="17.9", tail="")) == [(INFO, 8)]


def test_dmv202_ipv6() -> None:
    v6 = ["ipv6 address 2001:DB8::1/64", "ipv6 nhrp network-id 1", "ipv6 ospf 1 area 0",
          "ip nhrp map multicast dynamic"]
    ospf6 = "ipv6 router ospf 1\n"
    # classic IOS: absent ipv6 line with OSPFv3 (point-to-point) on the tunnel is an error
    assert hits("DMV202", hub(*v6, tail=ospf6)) == [(ERR, HUB_HEADER)]
    # IOS-XE: documented default-on from 16.3, silent
    assert hits("DMV202", hub(*v6, version="16.9", tail=ospf6)) == []
    assert hits("DMV202", hub(*v6, "ipv6 nhrp map multicast dynamic", tail=ospf6)) == []


def test_dmv202_igp_kinds() -> None:
    ospf = "router ospf 1\n network 10.0.0.0 0.0.0.255 area 0\n"
    assert hits("DMV202", hub(tail=ospf)) == [(ERR, HUB_HEADER)]  # default type point-to-point
    nbma = hub("ip ospf network non-broadcast", tail=ospf)
    assert hits("DMV202", nbma) == [(INFO, HUB_HEADER)]  # unicast hellos
    assert hits("DMV202", hub("ip ospf network point-to-multipoint", tail=ospf)) == [(ERR, HUB_HEADER)]
    assert hits("DMV202", hub(tail="router rip\n network 10.0.0.0\n")) == [(ERR, HUB_HEADER)]
    bgp = "router bgp 65000\n neighbor 10.0.0.2 remote-as 65000\n"
    assert hits("DMV202", hub(tail=bgp)) == [(INFO, HUB_HEADER)]
    passive = EIGRP + " passive-interface Tunnel0\n"
    assert hits("DMV202", hub(tail=passive)) == [(INFO, HUB_HEADER)]


def test_dmv202_spokes_are_not_hubs() -> None:
    # IOS-XE templates put "map multicast dynamic" and "redirect" everywhere; spokes that
    # register are never hubs in device mode, so nothing is reported on them.
    spoke = node("ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1",
                 "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast", "tunnel source GigabitEthernet0/0",
                 "tunnel mode gre multipoint", tail=EIGRP)
    assert hits("DMV202", spoke) == []


def test_dmv202_spoke_mapped_statically_by_another_spoke_is_not_a_hub() -> None:
    # Network mode makes every static-map target a "hub"; a spoke only another spoke maps is not.
    spoke_a = node("ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1",
                   "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast", "ip nhrp map 10.0.0.3 198.51.100.3",
                   "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint", tail=EIGRP)
    spoke_b = node("ip address 10.0.0.3 255.255.255.0", "ip nhrp network-id 1",
                   "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast", "tunnel source GigabitEthernet0/0",
                   "tunnel mode gre multipoint", tail=EIGRP,
                   wan="interface GigabitEthernet0/0\n ip address 198.51.100.3 255.255.255.0\n")
    found = lint("DMV202", hub(), spoke_a, spoke_b)
    assert [(d.span.path, d.severity) for d in found] == [("dev0.cfg", ERR)]


# --------------------------------------------------------------- DMV203


def test_dmv203_network_form_spoke_without_any_nhs() -> None:
    spoke = node("ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1",
                 "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint", tail=EIGRP)
    registered = node("ip address 10.0.0.3 255.255.255.0", "ip nhrp network-id 1",
                      "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast", "tunnel source GigabitEthernet0/0",
                      "tunnel mode gre multipoint")
    found = lint("DMV203", hub("ip nhrp map multicast dynamic"), spoke, registered)
    assert [(d.span.path, d.severity, d.span.line) for d in found] == [("dev1.cfg", ERR, 4)]
    # alone it looks like a hub (mGRE registering nowhere): nothing to say
    assert hits("DMV203", spoke) == []


def test_dmv203_second_hub_with_hub_commands_is_left_alone() -> None:
    hub2 = hub("ip nhrp map multicast dynamic").replace("10.0.0.1 255", "10.0.0.5 255")
    registered = node("ip address 10.0.0.3 255.255.255.0", "ip nhrp network-id 1",
                      "ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast", "tunnel source GigabitEthernet0/0",
                      "tunnel mode gre multipoint")
    assert hits("DMV203", hub("ip nhrp map multicast dynamic"), hub2, registered) == []


def test_dmv203_nhs_dynamic_counts() -> None:
    cfg = node("ip address 10.0.0.2 255.255.255.0", "ip nhrp map 10.0.0.1 203.0.113.1",
               "ip nhrp map multicast 203.0.113.1", "ip nhrp network-id 1",
               "ip nhrp nhs dynamic nbma 203.0.113.1 multicast", "tunnel source GigabitEthernet0/0",
               "tunnel mode gre multipoint")
    assert hits("DMV203", cfg) == []


# ----------------------------------------------------- DMV204 / 205 / 206

LEGACY = ["ip nhrp map 10.0.0.1 203.0.113.1", "ip nhrp map multicast 203.0.113.1", "ip nhrp nhs 10.0.0.1"]
CONSOLIDATED = ["ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast"]


def spoke_with(*nhrp: str, tail: str = EIGRP) -> str:
    return node("ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1", *nhrp,
                "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint", tail=tail)


@pytest.mark.parametrize("form", [LEGACY, CONSOLIDATED, ["ip nhrp nhs dynamic nbma 203.0.113.1 multicast"]],
                         ids=["legacy-3-line", "nhs-nbma-multicast", "nhs-dynamic"])
@pytest.mark.parametrize("code", ["DMV203", "DMV204", "DMV205", "DMV206", "DMV207", "DMV208", "DMV209"])
def test_equivalent_nhs_forms_are_clean(form: list[str], code: str) -> None:
    assert hits(code, spoke_with(*form)) == []


def test_dual_hub_spoke_is_clean() -> None:
    dual = ["ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast",
            "ip nhrp nhs 10.0.0.5 nbma 203.0.113.5 multicast"]
    legacy_dual = ["ip nhrp map 10.0.0.1 203.0.113.1", "ip nhrp map multicast 203.0.113.1",
                   "ip nhrp map 10.0.0.5 203.0.113.5", "ip nhrp map multicast 203.0.113.5",
                   "ip nhrp nhs 10.0.0.1", "ip nhrp nhs 10.0.0.5"]
    for form in (dual, legacy_dual):
        for code in ("DMV203", "DMV204", "DMV205", "DMV206", "DMV209", "DMV215"):
            assert hits(code, spoke_with(*form)) == [], code


def test_dmv204_second_hub_unmapped_and_broken_map_line() -> None:
    cfg = spoke_with("ip nhrp map 10.0.0.1 203.0.113.1", "ip nhrp map multicast 203.0.113.1",
                     "ip nhrp nhs 10.0.0.1", "ip nhrp nhs 10.0.0.5 priority 2")
    assert hits("DMV204", cfg) == [(ERR, 10)]
    # the map exists but its NBMA is a placeholder: the parser reports it, DMV204 stays silent
    broken = spoke_with("ip nhrp map 10.0.0.1 <?HUB?>", "ip nhrp nhs 10.0.0.1")
    assert hits("DMV204", broken) == []


def test_dmv204_ipv6() -> None:
    cfg = node("ipv6 address 2001:DB8::2/64", "ipv6 nhrp network-id 1", "ipv6 nhrp nhs 2001:DB8::1",
               "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint")
    assert hits("DMV204", cfg) == [(ERR, 7)]
    mapped = cfg.replace(" ipv6 nhrp nhs", " ipv6 nhrp map 2001:DB8::1/128 203.0.113.1\n ipv6 nhrp nhs")
    assert hits("DMV204", mapped) == []


def test_dmv205_map_multicast_dynamic_on_a_spoke_does_not_count() -> None:
    cfg = spoke_with("ip nhrp map 10.0.0.1 203.0.113.1", "ip nhrp map multicast dynamic",
                     "ip nhrp nhs 10.0.0.1")
    assert hits("DMV205", cfg) == [(ERR, 4)]


def test_dmv205_without_igp_is_info_and_p2p_spokes_are_skipped() -> None:
    cfg = spoke_with("ip nhrp nhs 10.0.0.1 nbma 203.0.113.1", tail="")
    assert hits("DMV205", cfg) == [(INFO, 4)]
    p2p = cfg.replace("tunnel mode gre multipoint", "tunnel destination 203.0.113.1")
    assert hits("DMV205", p2p) == []


def test_dmv205_ipv6() -> None:
    cfg = node("ipv6 address 2001:DB8::2/64", "ipv6 nhrp network-id 1",
               "ipv6 nhrp nhs 2001:DB8::1 nbma 203.0.113.1", "ipv6 eigrp 1",
               "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint", tail="ipv6 router eigrp 1\n")
    found = lint("DMV205", cfg)
    assert [(d.severity, d.span.line) for d in found] == [(ERR, 4)]
    assert "ipv6 nhrp map multicast" in found[0].message


def test_dmv206_fqdn_nhs_is_not_judged() -> None:
    cfg = spoke_with("ip nhrp nhs 10.0.0.1 nbma hub.example.net", "ip nhrp map multicast 203.0.113.10")
    assert hits("DMV206", cfg) == []


# ------------------------------------------------------- DMV207 / 208 / 209


def test_dmv207_ipv6_link_local_nhs_is_on_link() -> None:
    cfg = node("ipv6 address 2001:DB8::2/64", "ipv6 nhrp network-id 1",
               "ipv6 nhrp nhs FE80::1 nbma 203.0.113.1", "ipv6 nhrp nhs 2001:DB8:1::1 nbma 203.0.113.1",
               "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint")
    assert hits("DMV207", cfg) == [(ERR, 8)]


def test_dmv207_unnumbered_is_not_judged() -> None:
    cfg = node("ip unnumbered GigabitEthernet0/0", "ip nhrp network-id 1",
               "ip nhrp nhs 10.0.1.1 nbma 203.0.113.1", "tunnel source GigabitEthernet0/0",
               "tunnel mode gre multipoint")
    assert hits("DMV207", cfg) == []


def test_dmv209_preference_distinguishes_dual_nbma_maps() -> None:
    pref = spoke_with("ip nhrp map 10.0.0.1 203.0.113.1 preference 10",
                      "ip nhrp map 10.0.0.1 192.0.2.1 preference 20", "ip nhrp nhs 10.0.0.1",
                      "ip nhrp map multicast 203.0.113.1")
    assert hits("DMV209", pref) == []
    no_pref = pref.replace(" preference 10", "").replace(" preference 20", "")
    assert hits("DMV209", no_pref) == [(WARN, 8)]


# ------------------------------------------------------- authentication


def test_dmv210_never_prints_the_secret() -> None:
    cfg = spoke_with("ip nhrp authentication Sup3rS3cretKey", *CONSOLIDATED)
    found = lint("DMV210", cfg)
    assert [(d.severity, d.span.line) for d in found] == [(WARN, 7)]
    assert "Sup3rS3cretKey" not in found[0].message and "Sup3rS3c" not in found[0].message
    assert hits("DMV210", spoke_with("ip nhrp authentication 8chars!!", *CONSOLIDATED)) == []


def test_dmv211_per_family() -> None:
    cfg = node("ip address 10.0.0.2 255.255.255.0", "ip nhrp authentication DMVPN1", "ip nhrp network-id 1",
               "ipv6 address 2001:DB8::2/64", "ipv6 nhrp network-id 1", "tunnel source GigabitEthernet0/0",
               "tunnel mode gre multipoint")
    found = lint("DMV211", cfg)
    assert len(found) == 1 and "ipv6 nhrp authentication" in found[0].message
    assert "DMVPN1" not in found[0].message


# ----------------------------------------------------------- registration


def test_dmv212_levels_and_hubs() -> None:
    assert hits("DMV212", spoke_with(*CONSOLIDATED, "ip nhrp holdtime 600")) == []
    assert hits("DMV212", spoke_with(*CONSOLIDATED, "ip nhrp holdtime 7200")) == [(INFO, 8)]
    assert hits("DMV212", hub("ip nhrp map multicast dynamic")) == []  # hubs take lifetimes from spokes


def test_dmv213_dynamic_sources() -> None:
    dhcp = "interface GigabitEthernet0/0\n ip address dhcp\n"
    cfg = node("ip address 10.0.0.2 255.255.255.0", "ip nhrp network-id 1", *CONSOLIDATED,
               "tunnel source GigabitEthernet0/0", "tunnel mode gre multipoint", wan=dhcp)
    assert hits("DMV213", cfg) == [(WARN, 4)]
    assert hits("DMV213", cfg.replace(" tunnel mode", " ip nhrp registration no-unique\n tunnel mode")) == []
    assert hits("DMV213", spoke_with(*CONSOLIDATED)) == []  # static NBMA


def test_dmv214_against_the_default_holdtime() -> None:
    assert hits("DMV214", spoke_with(*CONSOLIDATED, "ip nhrp registration timeout 7200")) == [(WARN, 8)]
    assert hits("DMV214", spoke_with(*CONSOLIDATED, "ip nhrp registration timeout 60")) == []


def test_dmv215_ipv6_prefix_map() -> None:
    cfg = node("ipv6 address 2001:DB8::2/64", "ipv6 nhrp network-id 1",
               "ipv6 nhrp map 2001:DB8:9::1/128 203.0.113.1", "tunnel source GigabitEthernet0/0",
               "tunnel mode gre multipoint")
    assert hits("DMV215", cfg) == [(WARN, 7)]


def test_dmv216_single_ipv6_tunnel_is_fine() -> None:
    cfg = node("ipv6 address 2001:DB8::2/64", "ipv6 nhrp network-id 1", "tunnel source GigabitEthernet0/0",
               "tunnel mode gre multipoint")
    assert hits("DMV216", cfg) == []
