"""DMV4xx (routing over the DMVPN): documentation examples and edge cases, linted for real."""

from __future__ import annotations

from functools import partial

import pytest
import rules_helpers
from rules_helpers import ERR, INFO, WARN, check_good_examples, check_registered, example_devices, line_of

from iosdmvpn.checks import REGISTRY, Scope

DEV, NET = Scope.DEVICE, Scope.NETWORK

# Configs here must parse cleanly (no DMV003/DMV004): a broken line would hide what is tested.
lint = partial(rules_helpers.lint, syntax_clean=True)
hits = partial(rules_helpers.hits, syntax_clean=True)
where = partial(rules_helpers.where, syntax_clean=True)


CATALOGUE = {
    "DMV401": ("eigrp-hub-split-horizon", ERR, DEV), "DMV402": ("eigrp-phase2-next-hop-self", WARN, DEV),
    "DMV403": ("eigrp-phase2-hub-summarisation", WARN, DEV), "DMV404": ("ospf-p2p-on-mgre", ERR, DEV),
    "DMV405": ("ospf-phase2-p2mp", WARN, DEV), "DMV406": ("ospf-spoke-dr-eligible", WARN, DEV),
    "DMV407": ("ospf-hub-not-dr-eligible", ERR, DEV),
    "DMV408": ("bgp-listen-range-peer-group-invalid", ERR, DEV),
    "DMV409": ("bgp-listen-range-misses-tunnel", WARN, DEV),
    "DMV410": ("bgp-phase2-next-hop-self", WARN, DEV),
    "DMV411": ("ibgp-hub-not-route-reflector", WARN, DEV),
    "DMV412": ("ebgp-same-as-spokes-phase2", WARN, NET),
    "DMV413": ("ipv6-dmvpn-no-routing-protocol", WARN, DEV), "DMV414": ("recursive-routing-risk", WARN, DEV),
}

# code -> [(file, severity, line in the Bad example's device, the command on that line)]
BAD = {
    "DMV401": [("dev0.cfg", ERR, 6, "interface Tunnel0")],
    "DMV402": [("dev0.cfg", WARN, 6, "interface Tunnel0")],
    "DMV403": [("dev0.cfg", INFO, 11, "ip summary-address eigrp 1 192.168.0.0 255.255.0.0")],
    "DMV404": [("dev0.cfg", ERR, 10, "ip ospf 1 area 0")],
    "DMV405": [("dev0.cfg", INFO, 10, "ip ospf network point-to-multipoint")],
    "DMV406": [("dev0.cfg", WARN, 10, "ip ospf network broadcast")],
    "DMV407": [("dev0.cfg", ERR, 11, "ip ospf priority 0")],
    "DMV408": [("dev0.cfg", ERR, 11, "bgp listen range 10.0.0.0/24 peer-group SPOKES")],
    "DMV409": [("dev0.cfg", WARN, 14, "bgp listen range 10.1.0.0/24 peer-group SPOKES")],
    "DMV410": [("dev0.cfg", INFO, 20, "neighbor SPOKES next-hop-self all")],
    "DMV411": [("dev0.cfg", WARN, 16, "neighbor SPOKES remote-as 65000")],
    "DMV412": [("dev0.cfg", WARN, 16, "neighbor SPOKES remote-as 65001")],
    "DMV413": [("dev0.cfg", WARN, 8, "ipv6 nhrp network-id 1")],
    "DMV414": [("dev0.cfg", WARN, 15, "network 0.0.0.0 255.255.255.255 area 0")],
}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_registered_as_catalogued(code: str) -> None:
    check_registered(code, *CATALOGUE[code])


@pytest.mark.parametrize("code", sorted(BAD))
def test_bad_example_fires_at_the_command(code: str) -> None:
    rule = REGISTRY.get(code)
    assert rule is not None
    (example,) = rule.examples("Bad")
    devices = example_devices(example)
    found = lint(code, *devices)
    assert [(d.span.path, d.severity, d.span.line) for d in found] == [(f, s, n) for f, s, n, _ in BAD[code]]
    for d, (path, _, n, command) in zip(found, BAD[code], strict=True):
        lines = devices[int(path[3])].splitlines()
        assert lines[n - 1].strip() == command
        assert d.span.end_line == d.span.line


@pytest.mark.parametrize("code", sorted(BAD))
def test_good_example_is_silent(code: str) -> None:
    check_good_examples(code, syntax_clean=True)


# ---------------------------------------------------------------- building blocks

HUB = """
hostname hub
!
interface GigabitEthernet0/0
 ip address 203.0.113.1 255.255.255.0
!
interface GigabitEthernet0/1
 ip address 192.168.0.1 255.255.255.0
!
interface Tunnel0
 bandwidth 1000
 ip address 10.0.0.1 255.255.255.0
{knobs}
 ip nhrp network-id 1
 ip nhrp map multicast dynamic
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
!
{routing}
"""

SPOKE = """
hostname spoke{n}
!
interface GigabitEthernet0/0
 ip address 198.51.100.{n} 255.255.255.0
!
interface GigabitEthernet0/1
 ip address 192.168.{n}.1 255.255.255.0
!
interface Tunnel0
 bandwidth 1000
 ip address 10.0.0.{n} 255.255.255.0
{knobs}
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
!
{routing}
"""

EIGRP = "router eigrp 1\n network 10.0.0.0 0.0.0.255\n network 192.168.0.0 0.0.255.255\n"


def hub(knobs: str = "", routing: str = EIGRP) -> str:
    return HUB.format(knobs=knobs.rstrip("\n"), routing=routing)


def spoke(n: int, knobs: str = "", routing: str = EIGRP) -> str:
    return SPOKE.format(n=n, knobs=knobs.rstrip("\n"), routing=routing)


NAMED = """
router eigrp DMVPN
 address-family ipv4 unicast autonomous-system 1
{afif}
  topology base
{topology}
  exit-af-topology
  network 10.0.0.0 0.0.0.255
 exit-address-family
"""


def named(afif: str = "", topology: str = "") -> str:
    return NAMED.format(afif=afif.rstrip("\n"), topology=topology.rstrip("\n"))


# ------------------------------------------------------------------------- DMV401


def test_dmv401_classic_points_at_the_tunnel() -> None:
    text = hub()
    assert hits("DMV401", text) == [(ERR, line_of(text, "interface Tunnel0"))]
    assert hits("DMV401", hub(knobs=" no ip split-horizon eigrp 1")) == []


def test_dmv401_explicit_split_horizon_command_is_the_span() -> None:
    text = hub(knobs=" ip split-horizon eigrp 1")
    assert hits("DMV401", text) == [(ERR, line_of(text, "ip split-horizon eigrp 1"))]


def test_dmv401_other_as_knob_does_not_count() -> None:
    text = hub(knobs=" no ip split-horizon eigrp 2")
    assert hits("DMV401", text) == [(ERR, line_of(text, "interface Tunnel0"))]


def test_dmv401_summary_out_the_tunnel_is_enough() -> None:
    assert hits("DMV401", hub(knobs=" ip summary-address eigrp 1 0.0.0.0 0.0.0.0")) == []


def test_dmv401_null0_aggregate_covered_by_a_network_statement_is_a_warning() -> None:
    routing = EIGRP + " network 192.168.0.0 0.0.255.255\nip route 192.168.0.0 255.255.0.0 Null0\n"
    text = hub(routing=routing)
    (d,) = lint("DMV401", text)
    assert (d.severity, d.span.line) == (WARN, line_of(text, "interface Tunnel0"))
    assert "Null0" in d.message


def test_dmv401_redistributed_static_default_is_a_warning() -> None:
    routing = EIGRP + " redistribute static\nip route 0.0.0.0 0.0.0.0 203.0.113.254\n"
    assert hits("DMV401", hub(routing=routing)) == [(WARN, line_of(hub(), "interface Tunnel0"))]
    # A default with a next hop and no redistribution is not advertised.
    assert hits("DMV401", hub(routing=EIGRP + "ip route 0.0.0.0 0.0.0.0 203.0.113.254\n"))[0][0] == ERR


def test_dmv401_spokes_passive_tunnels_and_other_processes_are_silent() -> None:
    assert hits("DMV401", spoke(2)) == []
    assert hits("DMV401", hub(routing=EIGRP + " passive-interface Tunnel0\n")) == []
    assert hits("DMV401", hub(routing="router eigrp 1\n network 192.168.0.0\n")) == []


def test_dmv401_spoke_template_with_multicast_dynamic_and_redirect_is_not_a_hub() -> None:
    text = spoke(2, knobs=" ip nhrp map multicast dynamic\n ip nhrp redirect")
    assert hits("DMV401", text) == []


def test_dmv401_named_mode_inherits_from_af_interface_default() -> None:
    inherit = named(afif="  af-interface default\n   no split-horizon\n  exit-af-interface\n"
                         "  af-interface Tunnel0\n   no next-hop-self\n  exit-af-interface")
    assert hits("DMV401", hub(routing=inherit)) == []
    override = named(afif="  af-interface default\n   no split-horizon\n  exit-af-interface\n"
                          "  af-interface Tunnel0\n   split-horizon\n  exit-af-interface")
    text = hub(routing=override)
    assert hits("DMV401", text) == [(ERR, line_of(text, "split-horizon"))]


def test_dmv401_named_mode_points_at_the_af_interface_block() -> None:
    text = hub(routing=named(afif="  af-interface Tunnel0\n   no next-hop-self\n  exit-af-interface"))
    (d,) = lint("DMV401", text)
    assert (d.severity, d.span.line) == (ERR, line_of(text, "af-interface Tunnel0"))
    assert "af-interface Tunnel0" in (d.help or "") and "no split-horizon" in (d.help or "")
    bare = hub(routing=named())
    assert hits("DMV401", bare) == [(ERR, line_of(bare, "address-family ipv4 unicast autonomous-system 1"))]


def test_dmv401_named_mode_summary_and_topology_redistribution() -> None:
    summary = named(afif="  af-interface Tunnel0\n   summary-address 192.168.0.0 255.255.0.0\n"
                         "  exit-af-interface")
    assert hits("DMV401", hub(routing=summary)) == []
    redistributed = named(topology="   redistribute static") + "ip route 192.168.0.0 255.255.0.0 Null0\n"
    assert [s for s, _ in hits("DMV401", hub(routing=redistributed))] == [WARN]


def test_dmv401_ipv6_classic() -> None:
    text = hub(knobs=" no ip split-horizon eigrp 1\n ipv6 address 2001:DB8::1/64\n ipv6 eigrp 1",
               routing=EIGRP + "ipv6 router eigrp 1\n")
    (d,) = lint("DMV401", text)
    assert (d.severity, d.span.line) == (ERR, line_of(text, "interface Tunnel0"))
    assert "no ipv6 split-horizon eigrp 1" in (d.help or "")


# ------------------------------------------------------------------ DMV402-DMV403


def test_dmv402_single_hub_is_info_and_phase3_is_silent() -> None:
    text = hub(knobs=" no ip split-horizon eigrp 1")
    assert hits("DMV402", text) == [(INFO, line_of(text, "interface Tunnel0"))]
    assert hits("DMV402", hub(knobs=" no ip split-horizon eigrp 1\n ip nhrp redirect")) == []


def test_dmv402_network_phases() -> None:
    the_hub = hub(knobs=" no ip split-horizon eigrp 1")
    expected = [("dev0.cfg", WARN, line_of(the_hub, "interface Tunnel0"))]
    assert where("DMV402", the_hub, spoke(2), spoke(3)) == expected
    phase1 = spoke(2).replace("tunnel mode gre multipoint", "tunnel destination 203.0.113.1")
    assert where("DMV402", the_hub, phase1) == []


def test_dmv402_named_mode_no_next_hop_self_in_default_block() -> None:
    routing = named(afif="  af-interface default\n   no split-horizon\n   no next-hop-self\n"
                         "  exit-af-interface")
    assert hits("DMV402", hub(routing=routing)) == []


def test_dmv403_network_mode_counts_the_spoke_lans() -> None:
    knobs = " no ip split-horizon eigrp 1\n no ip next-hop-self eigrp 1\n"
    covering = hub(knobs=knobs + " ip summary-address eigrp 1 192.168.0.0 255.255.0.0")
    line = line_of(covering, "ip summary-address eigrp 1 192.168.0.0 255.255.0.0")
    (d,) = lint("DMV403", covering, spoke(2), spoke(3))
    assert (d.span.path, d.severity, d.span.line) == ("dev0.cfg", WARN, line)
    assert "192.168.2.0/24" in d.message and "192.168.3.0/24" in d.message
    # A summary covering none of the spokes' LANs does not hide them.
    elsewhere = hub(knobs=knobs + " ip summary-address eigrp 1 172.20.0.0 255.255.0.0")
    assert where("DMV403", elsewhere, spoke(2), spoke(3)) == []
    # Phase 3 allows summarisation.
    phase3 = hub(knobs=knobs + " ip nhrp redirect\n ip summary-address eigrp 1 192.168.0.0 255.255.0.0")
    assert where("DMV403", phase3, spoke(2), spoke(3)) == []


# ------------------------------------------------------------------ DMV404-DMV407

OSPF_HUB = hub(knobs="{ospf}", routing="router ospf 1\n").replace("{", "{{").replace("}", "}}") \
    .replace("{{ospf}}", "{ospf}")
OSPF_SPOKE = spoke(2, knobs="{ospf}", routing="router ospf 1\n").replace("{", "{{").replace("}", "}}") \
    .replace("{{ospf}}", "{ospf}")


def test_dmv404_roles_and_enabling_commands() -> None:
    the_hub = OSPF_HUB.format(ospf=" ip ospf 1 area 0")
    assert hits("DMV404", the_hub) == [(ERR, line_of(the_hub, "ip ospf 1 area 0"))]
    the_spoke = OSPF_SPOKE.format(ospf=" ip ospf 1 area 0")
    assert hits("DMV404", the_spoke) == [(WARN, line_of(the_spoke, "ip ospf 1 area 0"))]
    explicit = OSPF_HUB.format(ospf=" ip ospf network point-to-point\n ip ospf 1 area 0")
    assert hits("DMV404", explicit) == [(ERR, line_of(explicit, "ip ospf network point-to-point"))]
    by_network = hub(routing="router ospf 1\n network 10.0.0.0 0.0.0.255 area 0\n")
    assert hits("DMV404", by_network) == [(ERR, line_of(by_network, "network 10.0.0.0 0.0.0.255 area 0"))]
    for kind in ("broadcast", "non-broadcast", "point-to-multipoint", "point-to-multipoint non-broadcast"):
        assert hits("DMV404", OSPF_HUB.format(ospf=f" ip ospf network {kind}\n ip ospf 1 area 0")) == [], kind


def test_dmv404_ospfv3() -> None:
    text = OSPF_HUB.format(ospf=" ipv6 address 2001:DB8::1/64\n ospfv3 1 ipv6 area 0")
    assert hits("DMV404", text) == [(ERR, line_of(text, "ospfv3 1 ipv6 area 0"))]
    fixed = OSPF_HUB.format(ospf=" ipv6 address 2001:DB8::1/64\n ospfv3 network point-to-multipoint\n"
                                 " ospfv3 1 ipv6 area 0")
    assert hits("DMV404", fixed) == []


def test_dmv405_network_phase2_fires_on_hub_and_spokes() -> None:
    p2mp = " ip ospf network point-to-multipoint\n ip ospf 1 area 0"
    the_hub, the_spoke = OSPF_HUB.format(ospf=p2mp), OSPF_SPOKE.format(ospf=p2mp)
    line = line_of(the_hub, "ip ospf network point-to-multipoint")
    assert where("DMV405", the_hub, the_spoke) == [("dev0.cfg", WARN, line), ("dev1.cfg", WARN, line)]
    phase3 = OSPF_HUB.format(ospf=p2mp + "\n ip nhrp redirect")
    assert where("DMV405", phase3, the_spoke) == []


def test_dmv405_single_spoke_with_shortcut_is_phase3() -> None:
    p2mp = " ip ospf network point-to-multipoint\n ip ospf 1 area 0"
    assert hits("DMV405", OSPF_SPOKE.format(ospf=p2mp + "\n ip nhrp shortcut")) == []
    assert [s for s, _ in hits("DMV405", OSPF_SPOKE.format(ospf=p2mp))] == [INFO]


def test_dmv406_non_broadcast_and_hubs() -> None:
    nbma = OSPF_SPOKE.format(ospf=" ip ospf network non-broadcast\n ip ospf priority 5\n ip ospf 1 area 0")
    assert hits("DMV406", nbma) == [(WARN, line_of(nbma, "ip ospf priority 5"))]
    assert hits("DMV406", OSPF_HUB.format(ospf=" ip ospf network broadcast\n ip ospf 1 area 0")) == []


def test_dmv407_network_mode_with_a_dr_eligible_spoke_is_a_warning() -> None:
    the_hub = OSPF_HUB.format(ospf=" ip ospf network broadcast\n ip ospf priority 0\n ip ospf 1 area 0")
    eligible = OSPF_SPOKE.format(ospf=" ip ospf network broadcast\n ip ospf 1 area 0")
    quiet = OSPF_SPOKE.format(ospf=" ip ospf network broadcast\n ip ospf priority 0\n ip ospf 1 area 0")
    line = line_of(the_hub, "ip ospf priority 0")
    assert where("DMV407", the_hub, quiet) == [("dev0.cfg", ERR, line)]
    (d,) = lint("DMV407", the_hub, eligible)
    assert (d.span.path, d.severity, d.span.line) == ("dev0.cfg", WARN, line)
    assert [r.span.path for r in d.related] == ["dev1.cfg"]


# ------------------------------------------------------------------ DMV408-DMV412

BGP_HUB = hub(routing="{bgp}").replace("{", "{{").replace("}", "}}").replace("{{bgp}}", "{bgp}")


def test_dmv408_peer_group_without_remote_as_and_alternate_as() -> None:
    no_as = BGP_HUB.format(bgp="router bgp 65000\n bgp listen range 10.0.0.0/24 peer-group SPOKES\n"
                               " neighbor SPOKES peer-group\n")
    (d,) = lint("DMV408", no_as)
    line = line_of(no_as, "bgp listen range 10.0.0.0/24 peer-group SPOKES")
    assert (d.severity, d.span.line) == (ERR, line)
    assert "remote-as" in d.message
    alternate = no_as + " neighbor SPOKES remote-as 65001 alternate-as 65002\n"
    assert hits("DMV408", alternate) == []


def test_dmv409_static_neighbours_and_igp_tunnels_are_fine() -> None:
    misses = "router bgp 65000\n bgp listen range 10.1.0.0/24 peer-group S\n neighbor S peer-group\n" \
             " neighbor S remote-as 65000\n"
    assert hits("DMV409", BGP_HUB.format(bgp=misses + " neighbor 10.0.0.2 remote-as 65000\n")) == []
    assert hits("DMV409", BGP_HUB.format(bgp=misses + EIGRP)) == []
    assert len(hits("DMV409", BGP_HUB.format(bgp=misses))) == 1


RR = ("router bgp 65000\n bgp listen range 10.0.0.0/24 peer-group SPOKES\n neighbor SPOKES peer-group\n"
      " neighbor SPOKES remote-as 65000\n address-family ipv4\n  neighbor SPOKES activate\n"
      "  neighbor SPOKES route-reflector-client\n")


def test_dmv410_plain_next_hop_self_on_a_route_reflector_leaves_reflected_routes() -> None:
    assert hits("DMV410", BGP_HUB.format(bgp=RR + "  neighbor SPOKES next-hop-self\n")) == []


def test_dmv410_network_phase2_is_a_warning() -> None:
    the_hub = BGP_HUB.format(bgp=RR + "  neighbor SPOKES next-hop-self all\n")
    line = line_of(the_hub, "neighbor SPOKES next-hop-self all")
    spoke_bgp = "router bgp 65000\n neighbor 10.0.0.1 remote-as 65000\n"
    assert where("DMV410", the_hub, spoke(2, routing=spoke_bgp)) == [("dev0.cfg", WARN, line)]
    non_rr = BGP_HUB.format(bgp=RR.replace("  neighbor SPOKES route-reflector-client\n", "")
                            + "  neighbor SPOKES next-hop-self\n")
    assert hits("DMV410", non_rr) == [(INFO, line_of(non_rr, "neighbor SPOKES next-hop-self"))]


def test_dmv411_default_aggregate_ebgp_and_hub_peers() -> None:
    ibgp = ("router bgp 65000\n bgp listen range 10.0.0.0/24 peer-group SPOKES\n"
            " neighbor SPOKES peer-group\n neighbor SPOKES remote-as 65000\n")
    assert len(hits("DMV411", BGP_HUB.format(bgp=ibgp))) == 1
    default = ibgp + " address-family ipv4\n  neighbor SPOKES default-originate\n"
    assert hits("DMV411", BGP_HUB.format(bgp=default)) == []
    aggregate = ibgp + " aggregate-address 192.168.0.0 255.255.0.0 summary-only\n"
    assert hits("DMV411", BGP_HUB.format(bgp=aggregate)) == []
    assert hits("DMV411", BGP_HUB.format(bgp=ibgp.replace("remote-as 65000", "remote-as 65001"))) == []
    # Dual hub (corpus 072): spokes come in through the RR listen range; the static peer is the other hub.
    dual = RR + " neighbor 10.0.0.254 remote-as 65000\n"
    assert hits("DMV411", BGP_HUB.format(bgp=dual)) == []
    static_spoke = "router bgp 65000\n neighbor 10.0.0.2 remote-as 65000\n"
    text = BGP_HUB.format(bgp=static_spoke)
    assert hits("DMV411", text) == [(WARN, line_of(text, "neighbor 10.0.0.2 remote-as 65000"))]


def _dmv412_devices(hub_extra: str = "", spoke_extra: str = "", phase3: bool = False) -> list[str]:
    rule = REGISTRY.get("DMV412")
    assert rule is not None
    (bad,) = rule.examples("Bad")
    hub_text, *spokes = example_devices(bad)
    if phase3:
        hub_text = hub_text.replace(" ip nhrp map multicast dynamic\n", " ip nhrp map multicast dynamic\n"
                                    " ip nhrp redirect\n")
    return [hub_text + hub_extra, *(s + spoke_extra for s in spokes)]


def test_dmv412_as_override_allowas_in_and_phase3() -> None:
    assert len(lint("DMV412", *_dmv412_devices())) == 1
    override = " address-family ipv4\n  neighbor SPOKES as-override\n"
    assert lint("DMV412", *_dmv412_devices(hub_extra=override)) == []
    assert lint("DMV412", *_dmv412_devices(phase3=True)) == []
    one_spoke = _dmv412_devices()[:2]
    assert lint("DMV412", *one_spoke) == []


# ------------------------------------------------------------------ DMV413-DMV414

V6_SPOKE = """
hostname spoke1
!
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.0
!
interface Tunnel0
 ipv6 address 2001:DB8::2/64
{extra}
 ipv6 nhrp network-id 1
 ipv6 nhrp nhs 2001:DB8::1 nbma 203.0.113.1 multicast
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
!
{routing}
"""


def test_dmv413_ospfv3_named_eigrp_and_bgp_count() -> None:
    assert len(hits("DMV413", V6_SPOKE.format(extra="", routing=""))) == 1
    ospfv3 = V6_SPOKE.format(extra=" ospfv3 1 ipv6 area 0", routing="router ospfv3 1\n")
    assert hits("DMV413", ospfv3) == []
    named_v6 = "router eigrp N\n address-family ipv6 unicast autonomous-system 1\n exit-address-family\n"
    assert hits("DMV413", V6_SPOKE.format(extra="", routing=named_v6)) == []
    bgp = "router bgp 65000\n neighbor 2001:DB8::1 remote-as 65000\n address-family ipv6\n" \
          "  neighbor 2001:DB8::1 activate\n"
    assert hits("DMV413", V6_SPOKE.format(extra="", routing=bgp)) == []


def test_dmv414_eigrp_dhcp_source_and_front_door_vrf() -> None:
    eigrp_all = spoke(2, routing="router eigrp 1\n network 0.0.0.0\n")
    assert hits("DMV414", eigrp_all) == [(WARN, line_of(eigrp_all, "network 0.0.0.0"))]
    dhcp = spoke(2, routing="router ospf 1\n network 0.0.0.0 255.255.255.255 area 0\n") \
        .replace("ip address 198.51.100.2 255.255.255.0", "ip address dhcp")
    assert hits("DMV414", dhcp) == [(WARN, line_of(dhcp, "network 0.0.0.0 255.255.255.255 area 0"))]
    fvrf = eigrp_all.replace(" ip address 198.51.100.2 255.255.255.0", " vrf forwarding INET\n"
                             " ip address 198.51.100.2 255.255.255.0") \
        .replace(" tunnel mode gre multipoint", " tunnel mode gre multipoint\n tunnel vrf INET")
    assert hits("DMV414", fvrf) == []  # corpus 037/038: the WAN is in a front-door VRF
    assert hits("DMV414", spoke(2)) == []
