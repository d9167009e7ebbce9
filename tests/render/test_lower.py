"""Lowering: the IOS -> Linux/FRR mapping decisions, each with its diagnostic."""

from __future__ import annotations

import re
import textwrap

import pytest

from iosdmvpn.diagnostics import Severity
from iosdmvpn.parse import parse_text
from iosdmvpn.render import TranslateResult, parse_targets, translate
from iosdmvpn.render.codes import TRANSLATE_CODES
from iosdmvpn.render.names import linux_ifname, tunnel_ifname
from iosdmvpn.render.plan import Role

HUB = """\
hostname hub
interface GigabitEthernet0/0
 ip address 198.51.100.1 255.255.255.0
interface GigabitEthernet0/1
 ip address 192.168.0.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 ip nhrp network-id 1
 ip nhrp map multicast dynamic
 ip nhrp redirect
 ip nhrp holdtime 300
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel key 7
{extra}
{routing}
"""
SPOKE = """\
hostname spoke1
interface GigabitEthernet0/0
 ip address 203.0.113.11 255.255.255.0
interface GigabitEthernet0/1
 ip address 192.168.1.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.11 255.255.255.0
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1 nbma 198.51.100.1 multicast
 ip nhrp shortcut
 ip nhrp registration no-unique
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel key 7
{extra}
{routing}
"""


def run(*configs: str, **options: object) -> TranslateResult:
    results = [parse_text(textwrap.dedent(c), f"dev{i}.cfg") for i, c in enumerate(configs)]
    return translate(results, **options)  # type: ignore[arg-type]


def codes(result: TranslateResult) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in result.diagnostics:
        out.setdefault(d.code, []).append(d.message)
    return out


def hub(extra: str = "", routing: str = "") -> str:
    return HUB.format(extra=extra, routing=routing)


def spoke(extra: str = "", routing: str = "") -> str:
    return SPOKE.format(extra=extra, routing=routing)


def test_code_table_is_well_formed() -> None:
    for code, (name, severity, summary) in TRANSLATE_CODES.items():
        assert re.fullmatch(r"DMV6\d\d", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert isinstance(severity, Severity) and summary.endswith(".")
    ours = [c for c in TRANSLATE_CODES if int(c[3:]) < 650]
    assert ours == sorted(ours) and all(601 <= int(c[3:]) <= 649 for c in ours)
    names = [n for n, _, _ in TRANSLATE_CODES.values()]
    assert len(names) == len(set(names))


def test_names() -> None:
    assert tunnel_ifname("Tunnel0") == "gre-tunnel0"
    assert tunnel_ifname("Tunnel123456") == "gre123456"
    assert linux_ifname("GigabitEthernet0/0/1.100") == "gi0-0-1.100"
    assert linux_ifname("Tunnel0;x") is None
    long_names = ("TenGigabitEthernet1/0/48.4094", "Loopback2147483647")
    assert all(len(linux_ifname(n) or "") <= 15 for n in long_names)


def test_hub_and_spoke_basics() -> None:
    result = run(hub(), spoke())
    plans = {p.hostname: p for p in result.plans}
    h, s = plans["hub"].tunnels[0], plans["spoke1"].tunnels[0]
    assert (h.role, s.role) == (Role.HUB, Role.SPOKE)
    assert str(h.host_address) == "10.0.0.1/32" and str(h.subnet) == "10.0.0.0/24"
    assert [(str(r.prefix), r.via) for r in h.routes] == [("10.0.0.0/24", None)]
    assert [str(r.via) for r in s.routes] == ["10.0.0.1"]
    assert h.nhrp.redirect and s.nhrp.shortcut and s.nhrp.registration_no_unique
    assert [str(m) for m in s.nhrp.multicast_nbma] == ["198.51.100.1"]
    assert plans["hub"].firewall.redirect_ifnames == ("gre-tunnel0",)
    assert "DMV602" in codes(result)
    frr = result.files["hub/frr.conf"][0]
    assert "nhrp nflog-group 1" in frr and " ip nhrp redirect" in frr and "tunnel protection" not in frr
    assert " ip nhrp nhs 10.0.0.1 nbma 198.51.100.1" in result.files["spoke1/frr.conf"][0]
    script = result.files["spoke1/dmvpn.sh"][0]
    assert "ip link add gre-tunnel0 type gre key 7 ttl 64 local 203.0.113.11 dev gi0-0" in script
    assert "remote" not in script
    assert "ip route replace 10.0.0.0/24 via 10.0.0.1 dev gre-tunnel0 onlink" in script


def test_legacy_nhs_takes_nbma_from_static_map_and_missing_map_is_an_error() -> None:
    legacy = spoke().replace(" ip nhrp nhs 10.0.0.1 nbma 198.51.100.1 multicast",
                             " ip nhrp map 10.0.0.1 198.51.100.1\n ip nhrp nhs 10.0.0.1\n ip nhrp nhs "
                             "10.0.0.2")
    result = run(legacy)
    frr = result.files["spoke1/frr.conf"][0]
    assert " ip nhrp nhs 10.0.0.1 nbma 198.51.100.1" in frr and " ip nhrp map 10.0.0.1" not in frr
    assert "DMV610" in codes(result) and result.blocking


@pytest.mark.parametrize("line,code", [
    (" ip nhrp authentication secret", "DMV607"),
    (" ip nhrp holdtime 65535", "DMV608"),
    (" ip nhrp registration timeout 60", "DMV611"),
    (" ip nhrp server-only", "DMV612"),
    (" ip nhrp responder Loopback0", "DMV612"),
    (" tunnel vrf INET", "DMV606"),
    (" ip pim sparse-mode", "DMV613"),
    (" keepalive 10 3", "DMV613"),
    (" ipv6 address 2001:db8::1/64", "DMV615"),
    (" shutdown", "DMV616"),
])
def test_lossy_tunnel_lines_are_reported(line: str, code: str) -> None:
    result = run(hub(extra=line))
    assert code in codes(result), codes(result)
    found = [d for d in result.diagnostics if d.code == code]
    assert found[0].span.line > 5  # points into the tunnel stanza, not the file start


def test_holdtime_clamp_and_secret_not_shown() -> None:
    result = run(hub(extra=" ip nhrp holdtime 65535\n ip nhrp authentication s3cr3tKey"))
    assert " ip nhrp holdtime 65000" in result.files["hub/frr.conf"][0]
    assert all("s3cr3tKey" not in text for text, _ in result.files.values())
    assert all("s3cr3tKey" not in d.message for d in result.diagnostics)


def test_p2p_tunnel_becomes_multipoint() -> None:
    p2p = spoke().replace(" tunnel mode gre multipoint", " tunnel destination 198.51.100.1")
    result = run(p2p)
    assert "DMV605" in codes(result)
    assert "remote" not in result.files["spoke1/dmvpn.sh"][0]


@pytest.mark.parametrize("config,code", [
    (hub().replace(" tunnel source GigabitEthernet0/0\n", ""), "DMV604"),
    (hub().replace(" tunnel source GigabitEthernet0/0", " tunnel source GigabitEthernet0/9"), "DMV604"),
    (hub().replace(" ip nhrp network-id 1\n", ""), "DMV637"),
    (hub().replace(" ip address 10.0.0.1 255.255.255.0\n", ""), "DMV638"),
    (hub(extra=" tunnel protection ipsec profile MISSING"), "DMV632"),
    ("hostname lonely\ninterface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n", "DMV619"),
])
def test_meaningless_translations_are_blocking(config: str, code: str) -> None:
    result = run(config)
    assert code in codes(result), codes(result)
    assert any(d.code == code and d.severity is Severity.ERROR for d in result.diagnostics)
    assert result.blocking


def test_eigrp_is_an_error_at_the_router_line() -> None:
    routing = "router eigrp 100\n network 10.0.0.0 0.0.0.255\n network 192.168.0.0\n"
    result = run(hub(routing=routing))
    [d] = [d for d in result.diagnostics if d.code == "DMV620"]
    assert d.severity is Severity.ERROR and d.span.line == hub(routing=routing).splitlines().index(
        "router eigrp 100") + 1
    assert "/32" in d.message and "split-horizon" in d.message and "--igp" in (d.help or "")
    assert "eigrp" not in result.files["hub/frr.conf"][0]


def test_eigrp_on_lan_only_is_a_warning() -> None:
    result = run(hub(routing="router eigrp 5\n network 192.168.0.0\n"))
    assert "DMV625" in codes(result) and "DMV620" not in codes(result)


def test_ospf_network_types_are_converted() -> None:
    routing = "router ospf 1\n network 10.0.0.0 0.0.0.255 area 0\n network 192.168.0.0 0.0.0.255 area 0\n"
    result = run(hub(extra=" ip ospf network broadcast\n ip ospf priority 255", routing=routing),
                 spoke(extra=" ip ospf network broadcast\n ip ospf priority 0", routing=routing.replace(
                     "192.168.0.0", "192.168.1.0")))
    hub_frr, spoke_frr = result.files["hub/frr.conf"][0], result.files["spoke1/frr.conf"][0]
    assert " ip ospf network point-to-multipoint" in hub_frr
    assert " ip ospf network point-to-point dmvpn" in spoke_frr
    assert " ip ospf hello-interval 10" in hub_frr and " ip ospf dead-interval 40" in hub_frr
    assert " network 10.0.0.0/24 area 0" in hub_frr and "router ospf\n" in hub_frr
    assert len(codes(result)["DMV621"]) == 2
    assert "nhrp multicast-nflog-group 2" in hub_frr and "nhrp multicast-nflog-group 2" in spoke_frr
    nft = result.files["hub/nftables.nft"][0]
    assert 'oifname "gre-tunnel0" ip daddr 224.0.0.0/4 counter log group 2' in nft


def test_ospf_p2mp_keeps_cisco_timers_and_p2p_spoke_needs_no_warning() -> None:
    routing = "router ospf 1\n network 10.0.0.0 0.0.0.255 area 0\n"
    result = run(hub(extra=" ip ospf network point-to-multipoint", routing=routing),
                 spoke(extra=" ip ospf network point-to-point", routing=routing))
    assert " ip ospf hello-interval 30" in result.files["hub/frr.conf"][0]
    assert "DMV621" not in codes(result)


def test_ospf_redistribute_and_dropped_lines() -> None:
    routing = ("router ospf 1\n network 10.0.0.0 0.0.0.255 area 0\n redistribute connected subnets\n"
               " redistribute static metric 20 metric-type 1 route-map X\n default-information originate "
               "always\n"
               " area 1 stub\n")
    result = run(hub(routing=routing))
    frr = result.files["hub/frr.conf"][0]
    assert " redistribute connected\n" in frr and " redistribute static metric 20 metric-type 1" in frr
    assert " default-information originate always" in frr
    messages = " ".join(codes(result)["DMV623"])
    assert "route-map" in messages and "area 1 stub" in messages


def test_bgp_translation() -> None:
    routing = """router bgp 65000
 bgp listen range 10.0.0.0/24 peer-group SPOKES
 bgp listen limit 200
 neighbor SPOKES peer-group
 neighbor SPOKES remote-as 65001 alternate-as 65002
 neighbor 192.0.2.9 remote-as 64999
 neighbor 192.0.2.9 timers 5 15
 address-family ipv4
  network 192.168.0.0 mask 255.255.255.0
  aggregate-address 192.168.0.0 255.255.0.0 summary-only
  redistribute connected
  neighbor SPOKES route-reflector-client
  neighbor SPOKES next-hop-self
"""
    result = run(hub(routing=routing))
    frr = result.files["hub/frr.conf"][0]
    assert frr.index("neighbor SPOKES peer-group") < frr.index("bgp listen range 10.0.0.0/24 peer-group "
                                                               "SPOKES")
    assert " neighbor SPOKES remote-as external" in frr and " neighbor SPOKES disable-connected-check" in frr
    assert " neighbor 192.0.2.9 disable-connected-check" not in frr
    assert " bgp listen limit 200" in frr and "  aggregate-address 192.168.0.0/16 summary-only" in frr
    assert "  neighbor SPOKES next-hop-self\n" in frr and "  redistribute connected" in frr
    assert "DMV626" in codes(result) and any("timers" in m for m in codes(result)["DMV623"])


def test_static_routes() -> None:
    routing = ("ip route 0.0.0.0 0.0.0.0 198.51.100.254\nip route 192.168.0.0 255.255.0.0 Null0\n"
               "ip route 172.16.0.0 255.255.0.0 Tunnel0 10.0.0.2 5\nip route vrf X 10.9.0.0 255.255.0.0 "
               "192.0.2.1\n")
    frr = (result := run(hub(routing=routing))).files["hub/frr.conf"][0]
    assert "ip route 0.0.0.0/0 198.51.100.254" in frr and "ip route 192.168.0.0/16 blackhole" in frr
    assert "ip route 172.16.0.0/16 10.0.0.2 gre-tunnel0 5" in frr
    assert "DMV628" in codes(result)


@pytest.mark.parametrize("igp", ["ospf", "bgp"])
def test_igp_reexpresses_eigrp(igp: str) -> None:
    routing = "router eigrp 1\n network 10.0.0.0 0.0.0.255\n network 192.168.{n}.0\n"
    result = run(hub(extra=" no ip split-horizon eigrp 1", routing=routing.format(n=0)),
                 spoke(routing=routing.format(n=1)), igp=igp)
    assert not result.blocking
    assert "DMV620" not in codes(result) and len(codes(result)["DMV629"]) == 2
    plans = {p.hostname: p for p in result.plans}
    assert [str(p) for p in plans["hub"].routing.advertised] == ["192.168.0.0/24"]
    hub_frr, spoke_frr = result.files["hub/frr.conf"][0], result.files["spoke1/frr.conf"][0]
    readme = result.files["spoke1/README.md"][0]
    assert f"re-expressed** with `--igp {igp}`" in readme and "learns: 192.168.0.0/24" in readme
    if igp == "ospf":
        assert " ip ospf network point-to-multipoint" in hub_frr and " ip ospf network point-to-point dmvpn" \
            in spoke_frr
        assert "interface gi0-1\n ip ospf area 0\n ip ospf passive" in hub_frr
    else:
        assert " bgp listen range 10.0.0.0/24 peer-group SPOKES" in hub_frr
        assert "  neighbor SPOKES route-reflector-client" in hub_frr
        assert "  neighbor SPOKES next-hop-self force" in hub_frr  # phase 3 hub (redirect)
        assert " neighbor 10.0.0.1 remote-as internal" in spoke_frr
        assert "  network 192.168.1.0/24" in spoke_frr


def test_vici_mode_names_the_profile_and_stock_mode_omits_it() -> None:
    config = hub(extra=" tunnel protection ipsec profile P") + (
        "crypto isakmp policy 10\n encr aes 256\n hash sha256\n authentication pre-share\n group 14\n"
        "crypto isakmp key k address 0.0.0.0\ncrypto ipsec transform-set T esp-aes 256 esp-sha256-hmac\n"
        " mode transport\ncrypto ipsec profile P\n set transform-set T\n")
    stock, vici = run(config), run(config, ipsec_mode="vici")
    assert "tunnel protection" not in stock.files["hub/frr.conf"][0] and "DMV631" in codes(stock)
    assert " tunnel protection vici profile dmvpn-" in vici.files["hub/frr.conf"][0]
    nft = stock.files["hub/nftables.nft"][0]
    assert "ip protocol gre ip saddr 198.51.100.1 rt ipsec missing counter drop" in nft
    assert "ip protocol gre ip daddr 198.51.100.1 meta ipsec missing counter drop" in nft


def test_companion_target_missing() -> None:
    result = run(hub(), targets=parse_targets("frr"))
    assert "DMV635" in codes(result)
    assert sorted(result.files) == ["hub/README.md", "hub/frr.conf"]


def test_interface_collision_and_map() -> None:
    result = run(hub(), interface_map={"GigabitEthernet0/1": "gi0-0"})
    assert "DMV639" in codes(result)
    result = run(hub(), interface_map={"Tunnel0": "gre1", "GigabitEthernet0/0": "eth0"})
    script = result.files["hub/dmvpn.sh"][0]
    assert "ip link add gre1 type gre key 7 ttl 64 local 198.51.100.1 dev eth0" in script


def test_duplicate_hostnames() -> None:
    result = run(hub(), hub())
    assert "DMV636" in codes(result) and len(result.plans) == 1
