"""Generate a large, deterministic Cisco IOS DMVPN hub running config for parser benchmarks.

The output imitates `show running-config` of an IOS 15.x box that is both a DMVPN
head-end and a big access switch. Tunnels, crypto and routing are a minority of the lines;
the bulk is the usual noise of a real device (access ports, ACLs, prefix-lists,
route-maps...). A DMVPN parser has to get through that noise quickly, so the noise is
what the benchmark mostly measures.

    python benchmarks/gen_hub_config.py --lines 100000 -o /tmp/hub-100k.cfg

The same --seed and --lines always give byte-identical output. The line mix per
section is printed to stderr (--quiet suppresses it).
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_LINES = 100_000
DEFAULT_SEED = 20240611

# Stats categories; the first group is what a DMVPN parser must model, the rest is bulk.
DMVPN_CATEGORIES = ("tunnel", "crypto", "routing", "static-route")
BULK_CATEGORIES = (
    *("access-port", "other-interface", "acl", "prefix-list", "route-map"),
    *("vlan", "qos", "pki", "banner", "global"),
)

# Address plan. Pools do not overlap, so a linter sees a plausible box, not collisions.
TUNNEL_POOL = ipaddress.IPv4Network("172.16.0.0/13")  # one /22 per DMVPN cloud
SVI_POOL = ipaddress.IPv4Network("172.24.0.0/13")  # one /24 per VLAN SVI
STATIC_POOL = ipaddress.IPv4Network("10.0.0.0/8")  # spoke LANs reached by static routes
IKEV2_PEER_POOL = ipaddress.IPv4Network("100.64.0.0/12")
BGP_PARTNER_POOL = ipaddress.IPv4Network("100.96.0.0/12")  # one /30 per external BGP peer
KEYRING_POOL = ipaddress.IPv4Network("198.18.0.0/16")  # RFC 2544 benchmarking range
ISAKMP_KEY_POOL = ipaddress.IPv4Network("198.19.0.0/16")
WAN_NETS = tuple(  # RFC 5737 documentation ranges on the NBMA side
    ipaddress.IPv4Network(n) for n in ("203.0.113.0/30", "198.51.100.0/30", "192.0.2.0/30")
)
# Type-6 (AES-encrypted) keys really use this alphabet, backslash included.
TYPE6_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz[\\]^_`"

# fmt: off
TCP_PORTS = ("www", "443", "22", "telnet", "smtp", "ftp", "domain", "3389", "8080", "1433", "445", "bgp")
UDP_PORTS = ("domain", "ntp", "snmp", "syslog", "bootps", "tftp", "isakmp", "non500-isakmp", "2055", "5060")
WORDS = (
    "CORE", "DC1", "DC2", "BRANCH", "USERS", "VOICE", "PRINTERS", "CAMERAS", "MGMT", "GUEST", "SERVERS",
    "PARTNER", "VENDOR", "LAB", "DMZ", "BACKUP", "WIFI", "OT", "SCADA", "HVAC",
)
SNMP_TRAPS = (
    "snmp authentication linkdown linkup coldstart warmstart", "flowmon", "tty", "eigrp", "ospf state-change",
    "ospf errors", "ospf retransmit", "ospf lsa", "license", "envmon", "ipsec cryptomap add",
    "ipsec cryptomap delete", "ipsec cryptomap attach", "ipsec cryptomap detach", "ipsec tunnel start",
    "ipsec tunnel stop", "ipsec too-many-sas", "isakmp policy add", "isakmp policy delete",
    "isakmp tunnel start", "isakmp tunnel stop", "ike policy add", "ike policy delete", "ike tunnel start",
    "ike tunnel stop", "bgp",
    "bgp cbgp2", "hsrp", "nhrp nhs", "nhrp nhc", "nhrp nhp", "nhrp quota-exceeded", "config-copy", "config",
    "config-ctid", "entity", "cpu threshold", "syslog", "port-security", "vtp", "vlancreate", "vlandelete",
    "stpx inconsistency root-inconsistency loop-inconsistency", "mac-notification change move threshold",
    "errdisable", "dhcp-snooping", "rf", "memory bufferpeak", "tunnel",
)
# fmt: on


@dataclass(frozen=True)
class Cloud:
    """One DMVPN cloud terminated on the hub (one mGRE tunnel interface)."""

    num: int
    net: ipaddress.IPv4Network
    proto: str  # overlay routing protocol: eigrp, ospf or bgp
    src: str
    fvrf: str | None
    ikev2: bool
    auth: str


@dataclass
class Section:
    """Lines of one config area, tagged with a stats category."""

    category: str
    lines: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def extend(self, lines: Iterable[str]) -> None:
        self.lines.extend(lines)

    def text(self, block: str) -> None:
        """Add a literal block; leading spaces are kept because they are IOS indentation.

        A line may end in `$` to protect trailing spaces that IOS really prints (editors
        and pre-commit hooks would strip them from the source otherwise).
        """
        for line in block.strip("\n").split("\n"):
            self.lines.append(line[:-1] if line.endswith("$") else line)


def _mask(net: ipaddress.IPv4Network) -> str:
    return str(net.netmask)


def _wildcard(net: ipaddress.IPv4Network) -> str:
    return str(net.hostmask)


def _nth_subnet(pool: ipaddress.IPv4Network, prefix: int, index: int) -> ipaddress.IPv4Network:
    # Arithmetic instead of pool.subnets(): walking 65k subnets per call would dominate run time.
    size = 1 << (32 - prefix)
    base = int(pool.network_address) + index * size
    if index < 0 or base + size > int(pool.broadcast_address) + 1:
        raise ValueError(f"subnet #{index} (/{prefix}) does not fit in {pool}")
    return ipaddress.IPv4Network((base, prefix))


def _host(net: ipaddress.IPv4Network, n: int) -> ipaddress.IPv4Address:
    return net.network_address + n


def _hexblob(rng: random.Random, nbytes: int) -> list[str]:
    """Certificate body as IOS prints it: 2-space indent, eight 4-byte groups per line."""
    # DER SEQUENCE header first, so the blob starts with the familiar "3082...".
    data = (b"\x30\x82" + (nbytes - 4).to_bytes(2, "big") + rng.randbytes(nbytes - 4)).hex().upper()
    groups = [data[i : i + 8] for i in range(0, len(data), 8)]
    return ["  " + " ".join(groups[i : i + 8]) for i in range(0, len(groups), 8)]


class HubGenerator:
    """Builds every section; item counts scale with the requested line total."""

    def __init__(self, target_lines: int, seed: int) -> None:
        self.target = target_lines
        self.rng = random.Random(seed)
        self.scale = target_lines / DEFAULT_LINES
        # At least 3 clouds so that the eigrp, ospf and bgp variants all appear.
        n_tunnels = min(500, max(3, round(48 * self.scale)))
        self.vlans = [100 + i for i in range(min(2000, max(8, round(240 * self.scale))))]
        self.vlan_range = f"{self.vlans[0]}-{self.vlans[-1]}"
        self.wan_ifs = [f"GigabitEthernet0/0/{i}" for i in range(len(WAN_NETS))]
        self.tunnels = [self._cloud(i) for i in range(n_tunnels)]
        # Generated names, so references (ACL -> object-group, route-map -> prefix-list) resolve.
        self.object_groups: list[str] = ["OG-MGMT-HOSTS"]
        self.prefix_lists: list[str] = ["PL-EIGRP-OUT"]

    def _cloud(self, i: int) -> Cloud:
        src = (i // 3) % len(self.wan_ifs)  # i // 3: every routing protocol gets every WAN link
        return Cloud(
            num=100 + i,
            net=_nth_subnet(TUNNEL_POOL, 22, i),
            proto=("eigrp", "ospf", "bgp")[i % 3],
            src=self.wan_ifs[src],
            fvrf="INET-2" if src == 2 else None,  # the third WAN link sits in a front-door VRF
            ikev2=i % 2 == 1,
            auth=f"NH{100 + i:04d}K",  # IOS limits the NHRP password to 8 characters
        )

    def _word(self) -> str:
        return self.rng.choice(WORDS)

    # ------------------------------------------------------------------ global
    def preamble(self) -> Section:
        s = Section("global")
        s.text(f"""
!
! Last configuration change at 09:14:27 UTC Tue Mar 12 2024 by netadmin
! NVRAM config last updated at 09:14:31 UTC Tue Mar 12 2024 by netadmin
!
version 15.5
service timestamps debug datetime msec localtime show-timezone
service timestamps log datetime msec localtime show-timezone
service password-encryption
service sequence-numbers
no platform punt-keepalive disable-kernel-core
!
hostname DMVPN-HUB-CORE-01
!
boot-start-marker
boot system flash bootflash:isr4400-universalk9.03.16.09.S.155-3.S9-ext.SPA.bin
boot-end-marker
!
!
vrf definition INET-2
 description Front-door VRF for the third ISP
 !
 address-family ipv4
 exit-address-family
!
vrf definition Mgmt-intf
 !
 address-family ipv4
 exit-address-family
 !
 address-family ipv6
 exit-address-family
!
logging buffered 512000 informational
no logging console
enable secret 5 $1$Xk9q$3vJ2mPZsD0yB1eRkXQe7h.
!
aaa new-model
!
!
aaa group server tacacs+ TACACS-GROUP
 server name TAC-1
 server name TAC-2
 ip vrf forwarding Mgmt-intf
 ip tacacs source-interface GigabitEthernet0
!
aaa authentication login default group TACACS-GROUP local
aaa authentication enable default group TACACS-GROUP enable
aaa authorization console
aaa authorization exec default group TACACS-GROUP local if-authenticated
aaa authorization commands 15 default group TACACS-GROUP local if-authenticated
aaa accounting exec default start-stop group TACACS-GROUP
aaa accounting commands 15 default start-stop group TACACS-GROUP
!
!
!
!
!
aaa session-id common
clock timezone UTC 0 0
!
!
!
!
!
ip dhcp snooping vlan {self.vlan_range}
ip dhcp snooping
no ip domain lookup
ip domain name corp.example.net
ip name-server 10.255.0.53 10.255.1.53
ip multicast-routing distributed
!
!
!
ip cef
no ipv6 cef
!
multilink bundle-name authenticated
!
!
!
""")
        return s

    def pki(self) -> Section:
        s = Section("pki")
        tp = "TP-self-signed-3416925412"
        s.text(f"""
crypto pki trustpoint {tp}
 enrollment selfsigned
 subject-name cn=IOS-Self-Signed-Certificate-3416925412
 revocation-check none
 rsakeypair {tp}
!
crypto pki trustpoint CORP-ISSUING-CA
 enrollment url http://10.255.0.80:80/certsrv/mscep/mscep.dll
 serial-number
 ip-address none
 subject-name CN=dmvpn-hub-core-01.corp.example.net,OU=Network,O=Example
 revocation-check none
 rsakeypair DMVPN-HUB-KEY 2048
!
!
crypto pki certificate chain {tp}
 certificate self-signed 01
""")
        # The `quit` terminator is indented unlike anything else in the file (as on real boxes).
        s.extend(_hexblob(self.rng, 820))
        s.add("        quit", "crypto pki certificate chain CORP-ISSUING-CA")
        s.add(" certificate 6100000A4C8D3E2F1B000000000A")
        s.extend(_hexblob(self.rng, 1450))
        s.add("        quit", " certificate ca 1F3C6A2D9E0B44A1B5E2C7D8F9A01B2C")
        s.extend(_hexblob(self.rng, 1100))
        s.add(
            "        quit",
            "!",
            "license udi pid ISR4451-X/K9 sn FDO21451H8Q",
            "license boot level appxk9",
            "!",
        )
        return s

    def switching_globals(self) -> Section:
        s = Section("global")
        s.text(f"""
spanning-tree mode rapid-pvst
spanning-tree portfast bpduguard default
spanning-tree extend system-id
spanning-tree vlan {self.vlan_range} priority 8192
!
username netadmin privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
username breakglass privilege 15 secret 5 $1$u8Qz$Hq0cJ2m8h9rQkWcY3vN1a/
!
redundancy
 mode sso
!
!
vtp domain CORP
vtp mode transparent
!
""")
        return s

    def vlan_defs(self) -> Section:
        # VLANs show up in the running config only because VTP is transparent.
        s = Section("vlan")
        for v in self.vlans:
            s.add(f"vlan {v}", f" name {self._word()}-{v}", "!")
        s.add("vlan 999", " name BLACKHOLE", "!")
        return s

    def object_group_defs(self, budget: int) -> Section:
        s = Section("acl")
        s.text("""
object-group network OG-MGMT-HOSTS
 description NOC jump hosts
 host 10.255.0.10
 host 10.255.0.11
!
""")
        rng = self.rng
        while len(s.lines) < budget:
            name = f"OG-{self._word()}-{len(self.object_groups):03d}"
            self.object_groups.append(name)
            s.add(f"object-group network {name}", f" description {self._word()} hosts")
            for _ in range(rng.randint(4, 30)):
                a, b = rng.randint(0, 254), rng.randint(0, 255)
                if rng.random() < 0.6:
                    s.add(f" host 10.{a}.{b}.{rng.randint(1, 254)}")
                else:
                    s.add(f" 10.{a}.{b}.0 255.255.255.0")
            s.add("!")
        return s

    def qos(self) -> Section:
        s = Section("qos")
        classes = {"VOICE": "ef", "VIDEO": "af41", "CRITICAL-DATA": "af31", "SCAVENGER": "cs1"}
        classes |= {"NETWORK-CONTROL": "cs6", "TRANSACTIONAL": "af21"}
        for name, dscp in classes.items():
            s.add(f"class-map match-any {name}", f" match dscp {dscp}")
        s.add("!", "policy-map WAN-EDGE-OUT")
        for name, pct in zip(classes, (10, 20, 25, 1, 5, 15), strict=True):
            s.add(f" class {name}", f"  bandwidth remaining percent {pct}")
        s.text("""
 class class-default
  fair-queue
  random-detect dscp-based
policy-map WAN-SHAPE-1G
 class class-default
  shape average 1000000000
   service-policy WAN-EDGE-OUT
policy-map ACCESS-IN
 class VOICE
  set dscp ef
 class class-default
  set dscp default
!
""")
        return s

    # ------------------------------------------------------------------ crypto
    def crypto(self) -> Section:
        s = Section("crypto")
        rng = self.rng
        # IKEv2 first: IOS prints it before IKEv1. Trailing spaces below are IOS's own.
        s.text("""
crypto ikev2 proposal IKEV2-PROP-AES256-SHA256 $
 encryption aes-cbc-256
 integrity sha256
 group 14
!
crypto ikev2 proposal IKEV2-PROP-AES256-SHA512 $
 encryption aes-cbc-256
 integrity sha512
 group 19
!
crypto ikev2 proposal IKEV2-PROP-AES128-SHA1 $
 encryption aes-cbc-128
 integrity sha1
 group 5
!
crypto ikev2 proposal IKEV2-PROP-AES-GCM-256 $
 encryption aes-gcm-256
 prf sha384
 group 20
!
crypto ikev2 policy IKEV2-POLICY $
 match fvrf any
 proposal IKEV2-PROP-AES256-SHA256
 proposal IKEV2-PROP-AES256-SHA512
 proposal IKEV2-PROP-AES128-SHA1
!
crypto ikev2 policy IKEV2-POLICY-GCM $
 match fvrf any
 proposal IKEV2-PROP-AES-GCM-256
!
crypto ikev2 keyring IKEV2-KEYRING-SPOKES
""")
        for p in range(max(4, round(300 * self.scale))):
            key = f"{rng.getrandbits(48):012x}"
            s.add(f" peer SITE-{p:05d}", f"  address {_host(IKEV2_PEER_POOL, p + 1)}")
            s.add(f"  pre-shared-key local {key}", f"  pre-shared-key remote {key}", " !")
        s.text("""
 peer ANY-SPOKE
  address 0.0.0.0 0.0.0.0
  pre-shared-key local Ikev2W1ldcard!
  pre-shared-key remote Ikev2W1ldcard!
 !
!
""")
        for name, fvrf in (("IKEV2-PROFILE-DMVPN", "any"), ("IKEV2-PROFILE-INET2", "INET-2")):
            s.text(f"""
crypto ikev2 profile {name}
 match fvrf {fvrf}
 match identity remote address 0.0.0.0 $
 authentication remote pre-share
 authentication local pre-share
 keyring local IKEV2-KEYRING-SPOKES
 dpd 20 5 on-demand
!
""")
        s.add("crypto ikev2 dpd 20 5 on-demand", "crypto ikev2 nat keepalive 20", "!", "!")

        # IKEv1 keyring entries print with a 2-space indent on real boxes.
        n_keyring = max(2, round(200 * self.scale))
        for kr, vrf in (("KR-DMVPN-GLOBAL", ""), ("KR-DMVPN-INET2", " vrf INET-2")):
            s.add(f"crypto keyring {kr}{vrf}", f"  description IKEv1 spoke keys{vrf}")
            for k in range(n_keyring):
                s.add(f"  pre-shared-key address {_host(KEYRING_POOL, k + 1)} key {rng.getrandbits(40):010x}")
            s.add("  pre-shared-key address 0.0.0.0 0.0.0.0 key DmvpnW1ldcard")
        s.add("!")
        policies = [("aes 256", "sha256", 14), ("aes 256", "sha", 5), ("aes", "sha", 2), ("3des", "md5", 2)]
        policies += [("aes 256", "sha384", 19), ("aes 192", "sha256", 15), ("aes 256", "sha512", 21)]
        for n, (enc, hsh, grp) in enumerate(policies, start=1):
            s.add(f"crypto isakmp policy {n * 10}", f" encr {enc}")
            if hsh != "sha":  # IOS omits the default hash
                s.add(f" hash {hsh}")
            s.add(" authentication pre-share", f" group {grp}")
            s.add(f" lifetime {rng.choice((3600, 14400, 28800, 86400))}")
        for k in range(max(4, round(600 * self.scale))):
            if k % 5 == 0:
                key = "6 " + "".join(rng.choice(TYPE6_ALPHABET) for _ in range(32))
            else:
                key = f"{rng.getrandbits(40):010x}"
            # IOS pads the address with trailing spaces (where the omitted mask would go).
            s.add(f"crypto isakmp key {key} address {_host(ISAKMP_KEY_POOL, k + 1)}        ")
        s.text("""
crypto isakmp key DmvpnW1ldcard address 0.0.0.0        $
crypto isakmp invalid-spi-recovery
crypto isakmp keepalive 10 3 periodic
crypto isakmp nat keepalive 20
crypto isakmp profile ISAKMP-PROF-INET2
   vrf INET-2
   keyring KR-DMVPN-INET2
   match identity address 0.0.0.0 INET-2
   keepalive 10 retry 3
!
!
""")
        transforms = ["TS-AES256-SHA256", "TS-AES256-SHA", "TS-GCM256", "TS-AES128-SHA"]
        specs = [
            "esp-aes 256 esp-sha256-hmac",
            "esp-aes 256 esp-sha-hmac",
            "esp-gcm 256",
            "esp-aes esp-sha-hmac",
        ]
        for name, spec in zip(transforms, specs, strict=True):
            s.add(f"crypto ipsec transform-set {name} {spec} ", " mode transport")
        s.add("crypto ipsec security-association replay window-size 1024", "crypto ipsec df-bit clear", "!")
        for t in self.tunnels:
            s.add(f"crypto ipsec profile DMVPN-PROF-{t.num}")
            s.add(f" set security-association lifetime seconds {rng.choice((3600, 7200))}")
            s.add(f" set transform-set {transforms[t.num % 3]} {transforms[3]} ")
            if t.ikev2:
                s.add(" set ikev2-profile " + ("IKEV2-PROFILE-INET2" if t.fvrf else "IKEV2-PROFILE-DMVPN"))
            elif t.fvrf:
                s.add(" set isakmp-profile ISAKMP-PROF-INET2")
            s.add(" set pfs group14", "!")
        s.add("!", "!")
        return s

    # ------------------------------------------------------------------ interfaces
    def virtual_interfaces(self) -> Section:
        s = Section("other-interface")
        s.text("""
interface Loopback0
 description ROUTER-ID
 ip address 192.168.255.1 255.255.255.255
!
interface Loopback10
 description MGMT-SOURCE
 ip address 192.168.255.10 255.255.255.255
!
""")
        for pc in range(1, 5):
            s.add(
                f"interface Port-channel{pc}",
                f" description UPLINK-DIST-{pc}",
                " switchport trunk native vlan 999",
            )
            s.add(f" switchport trunk allowed vlan {self.vlan_range}", " switchport mode trunk")
            s.add(" ip dhcp snooping trust", "!")
        return s

    def tunnel_interfaces(self) -> Section:
        s = Section("tunnel")
        rng = self.rng
        # Several mGRE tunnels on one source interface need `shared` protection.
        per_src = Counter(t.src for t in self.tunnels)
        for t in self.tunnels:
            s.add(
                f"interface Tunnel{t.num}", f" description DMVPN-CLOUD-{t.num} {t.proto.upper()} via {t.src}"
            )
            s.add(f" bandwidth {rng.choice((100000, 200000, 500000, 1000000))}")
            s.add(f" ip address {_host(t.net, 1)} {_mask(t.net)}", " no ip redirects", " ip mtu 1400")
            if t.proto == "eigrp":
                s.add(" ip hello-interval eigrp 100 20", " ip hold-time eigrp 100 60")
                s.add(" no ip next-hop-self eigrp 100", " no ip split-horizon eigrp 100")
            s.add(
                " ip pim sparse-mode", f" ip nhrp authentication {t.auth}", " ip nhrp map multicast dynamic"
            )
            s.add(f" ip nhrp network-id {t.num}", f" ip nhrp holdtime {rng.choice((300, 600, 900))}")
            s.add(" ip nhrp redirect", " ip tcp adjust-mss 1360")
            if t.proto == "ospf":
                s.add(
                    " ip ospf network point-to-multipoint", " ip ospf hello-interval 10", " ip ospf 1 area 0"
                )
            s.add(" delay 1000")
            if t.fvrf:
                s.add(f" tunnel vrf {t.fvrf}")
            s.add(f" tunnel source {t.src}", " tunnel mode gre multipoint", f" tunnel key {t.num}")
            shared = " shared" if per_src[t.src] > 1 else ""
            s.add(f" tunnel protection ipsec profile DMVPN-PROF-{t.num}{shared}", "!")
        return s

    def wan_interfaces(self) -> Section:
        s = Section("other-interface")
        for i, (name, net) in enumerate(zip(self.wan_ifs, WAN_NETS, strict=True)):
            s.add(f"interface {name}", f" description WAN-ISP-{i + 1} CKT-ID {self.rng.getrandbits(32):08X}")
            if i == 2:
                s.add(" vrf forwarding INET-2")
            s.add(f" ip address {_host(net, 2)} {_mask(net)}", " ip access-group ACL-WAN-IN in")
            s.add(" no ip redirects", " no ip unreachables", " no ip proxy-arp", " ip virtual-reassembly in")
            s.add(" negotiation auto", " service-policy output WAN-SHAPE-1G", "!")
        s.text("""
interface GigabitEthernet0
 vrf forwarding Mgmt-intf
 ip address 192.168.254.10 255.255.255.0
 negotiation auto
!
""")
        return s

    def _access_port(self, name: str) -> list[str]:
        rng = self.rng
        vlan = rng.choice(self.vlans)
        out = [f"interface {name}"]
        kind = rng.random()
        if kind < 0.10:  # unused port, parked in the black-hole VLAN
            out += [" description UNUSED", " switchport access vlan 999", " switchport mode access"]
            out += [" shutdown", " spanning-tree portfast", " spanning-tree bpduguard enable"]
        elif kind < 0.16:  # access point or downstream switch
            out += [f" description AP-{self._word()}-{rng.randint(1, 999):03d}"]
            out += [f" switchport trunk native vlan {vlan}"]
            out += [
                f" switchport trunk allowed vlan {vlan},{rng.choice(self.vlans)},{rng.choice(self.vlans)}"
            ]
            out += [
                " switchport mode trunk",
                " switchport nonegotiate",
                " storm-control broadcast level 5.00",
            ]
            out += [" spanning-tree portfast trunk", " ip dhcp snooping trust"]
        else:  # user port, with or without 802.1X
            room = f"{rng.choice('ABCDEFGH')}{rng.randint(1, 9)}.{rng.randint(100, 450)}"
            out += [f" description USER {self._word()} RM {room} JACK {rng.randint(1, 96):02d}"]
            out += [f" switchport access vlan {vlan}", " switchport mode access"]
            if rng.random() < 0.7:
                out += [f" switchport voice vlan {vlan + 1000}"]
            if rng.random() < 0.5:
                out += [" switchport port-security maximum 3", " switchport port-security"]
                out += [
                    " switchport port-security aging time 2",
                    " switchport port-security violation restrict",
                ]
                out += [" switchport port-security aging type inactivity"]
            out += [" ip arp inspection limit rate 100"]
            if rng.random() < 0.6:
                out += [
                    " authentication event fail action next-method",
                    " authentication host-mode multi-auth",
                ]
                out += [" authentication order dot1x mab", " authentication priority dot1x mab"]
                out += [" authentication port-control auto", " authentication periodic"]
                out += [" authentication timer reauthenticate server", " mab", " dot1x pae authenticator"]
                out += [" dot1x timeout tx-period 10"]
            out += [" storm-control broadcast level pps 1k", " storm-control action trap"]
            out += [" spanning-tree portfast", " spanning-tree bpduguard enable"]
            out += [" service-policy input ACCESS-IN", " ip dhcp snooping limit rate 15"]
        out.append("!")
        return out

    def access_ports(self, budget: int) -> Section:
        s = Section("access-port")
        n = 0
        while True:
            switch, rest = divmod(n, 4 * 48)  # 4 line cards of 48 ports per chassis
            card, port = divmod(rest, 48)
            block = self._access_port(f"GigabitEthernet{switch + 1}/{card}/{port + 1}")
            if len(s.lines) + len(block) > budget:
                break
            s.extend(block)
            n += 1
        # Pad with the `!` runs IOS is full of, so that the file has exactly --lines lines.
        s.extend(["!"] * (budget - len(s.lines)))
        return s

    def svis(self) -> Section:
        s = Section("other-interface")
        for i, v in enumerate(self.vlans):
            net = _nth_subnet(SVI_POOL, 24, i)
            s.add(f"interface Vlan{v}", f" description SVI {self._word()}-{v}")
            s.add(f" ip address {_host(net, 1)} {_mask(net)}")
            s.add(" ip helper-address 10.255.0.67", " ip helper-address 10.255.1.67")
            s.add(" no ip redirects", " no ip proxy-arp", " ip pim sparse-mode", " standby version 2")
            s.add(
                f" standby {v} ip {_host(net, 254)}",
                f" standby {v} priority 110",
                f" standby {v} preempt",
                "!",
            )
        return s

    # ------------------------------------------------------------------ routing
    def routing(self) -> Section:
        s = Section("routing")
        rng = self.rng
        by_proto: dict[str, list[Cloud]] = {"eigrp": [], "ospf": [], "bgp": []}
        for t in self.tunnels:
            by_proto[t.proto].append(t)

        s.add("router eigrp 100", " distribute-list prefix PL-EIGRP-OUT out")
        s.extend(f" network {t.net.network_address} {_wildcard(t.net)}" for t in by_proto["eigrp"])
        s.add(" network 192.168.255.1 0.0.0.0")
        s.add(" redistribute static metric 100000 100 255 1 1400 route-map RM-STATIC-TO-EIGRP")
        s.add(" passive-interface default")
        s.extend(f" no passive-interface Tunnel{t.num}" for t in by_proto["eigrp"])
        s.add(" eigrp router-id 192.168.255.1", "!")

        s.add("router ospf 1", " router-id 192.168.255.1", " auto-cost reference-bandwidth 100000")
        s.add(" area 10 stub no-summary", " timers throttle spf 50 200 5000", " passive-interface default")
        s.extend(f" no passive-interface Tunnel{t.num}" for t in by_proto["ospf"])
        for i in range(len(self.vlans) // 4):
            net = _nth_subnet(SVI_POOL, 24, i)
            s.add(f" network {net.network_address} {_wildcard(net)} area 10")
        s.add(" default-information originate always metric 10", "!")

        s.add("router bgp 65000", " bgp router-id 192.168.255.1", " bgp log-neighbor-changes")
        s.extend(f" bgp listen range {t.net} peer-group SPOKES-T{t.num}" for t in by_proto["bgp"])
        s.add(" bgp listen limit 2000", " no bgp default ipv4-unicast")
        for t in by_proto["bgp"]:
            pg = f"SPOKES-T{t.num}"
            s.add(f" neighbor {pg} peer-group", f" neighbor {pg} remote-as 65000")
            s.add(
                f" neighbor {pg} description DMVPN cloud {t.num}",
                f" neighbor {pg} update-source Tunnel{t.num}",
            )
            s.add(f" neighbor {pg} timers 20 60")
        s.add(" neighbor EXTERNAL peer-group", " neighbor EXTERNAL password 7 0822455D0A16")
        s.add(" neighbor EXTERNAL timers 10 30")
        partners = [_host(BGP_PARTNER_POOL, 4 * e + 1) for e in range(max(2, round(120 * self.scale)))]
        for e, peer in enumerate(partners):
            s.add(f" neighbor {peer} remote-as {64600 + e % 300}", f" neighbor {peer} peer-group EXTERNAL")
            s.add(f" neighbor {peer} description PARTNER-{e:04d}")
        s.add(" !", " address-family ipv4")
        for i in range(0, min(64, len(self.vlans)), 4):
            net = _nth_subnet(SVI_POOL, 24, i)
            s.add(f"  network {net.network_address} mask {_mask(net)}")
        s.add("  aggregate-address 10.0.0.0 255.0.0.0 summary-only")
        s.add("  redistribute static route-map RM-STATIC-TO-BGP")
        for t in by_proto["bgp"]:
            pg = f"SPOKES-T{t.num}"
            s.add(f"  neighbor {pg} activate", f"  neighbor {pg} route-reflector-client")
            s.add(f"  neighbor {pg} next-hop-self all", f"  neighbor {pg} soft-reconfiguration inbound")
            s.add(f"  neighbor {pg} route-map RM-SPOKES-IN in")
        s.add(
            "  neighbor EXTERNAL route-map RM-PARTNER-IN in",
            "  neighbor EXTERNAL route-map RM-PARTNER-OUT out",
        )
        for peer in partners:
            s.add(
                f"  neighbor {peer} activate",
                f"  neighbor {peer} prefix-list PL-PARTNER-{rng.randint(0, 9)} in",
            )
        s.add("  maximum-paths ibgp 4", " exit-address-family", "!")
        s.add("ip forward-protocol nd", "no ip http server", "no ip http secure-server")
        s.add("ip tacacs source-interface Loopback10", "!")
        return s

    def static_routes(self) -> Section:
        s = Section("static-route")
        rng = self.rng
        s.add("ip route 0.0.0.0 0.0.0.0 203.0.113.1 name DEFAULT-ISP1")
        s.add("ip route 0.0.0.0 0.0.0.0 198.51.100.1 250 name DEFAULT-ISP2-BACKUP")
        for i in range(max(10, round(4000 * self.scale))):
            net = _nth_subnet(STATIC_POOL, 24, i % 65000)
            prefix = f"{net.network_address} {_mask(net)}"
            t = self.tunnels[i % len(self.tunnels)]
            nh = _host(t.net, 2 + (i // len(self.tunnels)) % 1000)  # a spoke's tunnel address
            r = rng.random()
            if r < 0.80:
                s.add(f"ip route {prefix} {nh} name SITE-{i:05d}")
            elif r < 0.90:
                s.add(f"ip route {prefix} Tunnel{t.num} {nh} tag {rng.randint(100, 999)}")
            else:
                s.add(f"ip route {prefix} Null0 254 name BLACKHOLE-{i:05d}")
        s.add("ip route vrf INET-2 0.0.0.0 0.0.0.0 192.0.2.1 name DEFAULT-ISP3")
        s.add("ip route vrf Mgmt-intf 0.0.0.0 0.0.0.0 192.168.254.1")
        s.add("ip ssh version 2", "ip ssh time-out 60", "ip scp server enable", "!")
        return s

    # ------------------------------------------------------------------ filters
    def _acl_addr(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.20:
            return "any"
        if r < 0.50:
            return f"host 10.{rng.randint(0, 254)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if r < 0.58:
            return f"object-group {rng.choice(self.object_groups)}"
        plen = rng.choice((16, 20, 22, 24, 26, 28))
        net = ipaddress.IPv4Network(f"10.{rng.randint(0, 254)}.{rng.randint(0, 255)}.0/{plen}", strict=False)
        return f"{net.network_address} {_wildcard(net)}"

    def _ace(self) -> str:
        rng = self.rng
        if rng.random() < 0.04:
            return f" remark {self._word()} change CHG{rng.randint(10000, 99999)}"
        action = "deny  " if rng.random() < 0.12 else "permit"  # IOS pads "deny" to the width of "permit"
        proto = rng.choices(("tcp", "udp", "ip", "icmp", "esp", "gre", "ahp"), (50, 25, 12, 8, 2, 2, 1))[0]
        line = f" {action} {proto} {self._acl_addr()}"
        if proto in ("tcp", "udp") and rng.random() < 0.15:
            line += f" range {rng.randint(1024, 20000)} 65535"
        line += f" {self._acl_addr()}"
        if proto == "tcp":
            r = rng.random()
            if r < 0.7:
                line += f" eq {rng.choice(TCP_PORTS)}"
            elif r < 0.85:
                line += f" range {rng.randint(1, 9000)} {rng.randint(9001, 65535)}"
            else:
                line += " established"
        elif proto == "udp":
            line += f" eq {rng.choice(UDP_PORTS)}"
        elif proto == "icmp":
            line += rng.choice(("", " echo", " echo-reply", " time-exceeded", " unreachable"))
        if rng.random() < 0.07:
            line += " log"
        return line

    def acls(self, budget: int) -> Section:
        s = Section("acl")
        s.text("""
ip access-list standard ACL-SNMP
 permit 10.255.0.0 0.0.1.255
 deny   any log
ip access-list standard ACL-VTY
 permit 10.255.0.0 0.0.1.255
 permit 192.168.254.0 0.0.0.255
 deny   any log
ip access-list extended ACL-WAN-IN
 permit udp any any eq isakmp
 permit udp any any eq non500-isakmp
 permit esp any any
 permit gre any any
 permit icmp any any echo-reply
 permit tcp any any established
 deny   ip any any log
""")
        i = 0
        while len(s.lines) < budget:
            s.add(f"ip access-list extended ACL-{self._word()}-{i:03d}")
            s.extend(self._ace() for _ in range(self.rng.randint(40, 600)))
            s.add(" deny   ip any any log")
            i += 1
        s.add("!")
        return s

    def prefix_list_defs(self, budget: int) -> Section:
        s = Section("prefix-list")
        rng = self.rng
        s.add("ip prefix-list PL-EIGRP-OUT seq 5 permit 0.0.0.0/0")
        s.add("ip prefix-list PL-EIGRP-OUT seq 10 permit 10.0.0.0/8 le 24")
        s.extend(f"ip prefix-list PL-PARTNER-{p} seq 5 permit 100.{64 + p}.0.0/16 le 24" for p in range(10))
        while len(s.lines) < budget:
            name = f"PL-{self._word()}-{len(self.prefix_lists):03d}"
            self.prefix_lists.append(name)
            s.add(f"ip prefix-list {name} description {self._word()} prefixes")
            for seq in range(5, 5 * rng.randint(20, 300), 5):
                plen = rng.choice((16, 20, 22, 24))
                net = ipaddress.IPv4Network(
                    f"10.{rng.randint(0, 254)}.{rng.randint(0, 255)}.0/{plen}", strict=False
                )
                action = "deny" if rng.random() < 0.05 else "permit"
                tail = rng.choice(("", "", f" le {min(32, plen + 8)}", f" ge {plen + 1} le 32"))
                s.add(f"ip prefix-list {name} seq {seq} {action} {net}{tail}")
        s.text("""
logging trap informational
logging source-interface Loopback10
logging host 10.255.0.14
logging host 10.255.1.14
access-list 10 permit 10.255.0.0 0.0.1.255
access-list 10 deny   any log
access-list 199 permit ip 10.0.0.0 0.255.255.255 any
access-list 199 deny   ip any any
!
""")
        return s

    def route_maps(self, budget: int) -> Section:
        s = Section("route-map")
        rng = self.rng
        for name in (
            "RM-STATIC-TO-EIGRP",
            "RM-STATIC-TO-BGP",
            "RM-SPOKES-IN",
            "RM-PARTNER-IN",
            "RM-PARTNER-OUT",
        ):
            s.add(
                f"route-map {name} permit 10",
                " match ip address prefix-list PL-EIGRP-OUT",
                " set tag 100",
                "!",
            )
        i = 0
        while len(s.lines) < budget:
            name = f"RM-{self._word()}-{i:03d}"
            for seq in range(10, 10 * rng.randint(2, 12), 10):
                s.add(f"route-map {name} {'deny' if rng.random() < 0.1 else 'permit'} {seq}")
                s.add(f" description {self._word()} policy")
                s.add(f" match ip address prefix-list {rng.choice(self.prefix_lists)}")
                sets = (
                    f" set local-preference {rng.randint(50, 300)}",
                    f" set community 65000:{rng.randint(1, 999)} additive",
                    f" set metric {rng.randint(0, 5000)}",
                    " set as-path prepend 65000 65000",
                    " set origin igp",
                )
                s.add(rng.choice(sets), "!")
            i += 1
        return s

    # ------------------------------------------------------------------ tail
    def snmp_and_mgmt(self) -> Section:
        s = Section("global")
        s.text("""
snmp-server community 7 0822455D0A1654 RO ACL-SNMP
snmp-server trap-source Loopback10
snmp-server location DC1 ROW 4 RACK 12
snmp-server contact noc@corp.example.net
snmp-server ifindex persist
""")
        s.extend(f"snmp-server enable traps {t}" for t in SNMP_TRAPS)
        s.text("""
snmp-server host 10.255.0.162 version 2c 0822455D0A1654 $
snmp-server host 10.255.1.162 version 2c 0822455D0A1654 $
!
tacacs server TAC-1
 address ipv4 10.255.0.49
 key 7 045802150C2E1D1C5A
tacacs server TAC-2
 address ipv4 10.255.1.49
 key 7 045802150C2E1D1C5A
!
!
!
control-plane
!
!
""")
        return s

    def banners(self) -> Section:
        # Multi-line ^C banners, with indented and keyword-looking lines inside, as real ones have.
        s = Section("banner")
        rule = "*" * 72
        s.text(f"""
banner exec ^C
{rule}
*  DMVPN-HUB-CORE-01  --  change freeze in effect every Friday.        *
{rule}^C
banner login ^C
{rule}
*                         AUTHORIZED ACCESS ONLY                       *
*  This system is the property of Example Corp. Unauthorised access   *
*  is prohibited and will be prosecuted. All activity is logged.      *
{rule}
   Contact: noc@corp.example.net / +1 555 0100
    interface changes require a CHG ticket
^C
banner motd ^C DMVPN hub - maintenance window Sun 02:00-04:00 UTC ^C
!
""")
        return s

    def lines_and_ntp(self) -> Section:
        s = Section("global")
        s.text("""
line con 0
 exec-timeout 15 0
 logging synchronous
 stopbits 1
line aux 0
 no exec
 transport output none
 stopbits 1
line vty 0 4
 access-class ACL-VTY in vrf-also
 exec-timeout 15 0
 logging synchronous
 transport preferred none
 transport input ssh
line vty 5 15
 access-class ACL-VTY in vrf-also
 exec-timeout 15 0
 logging synchronous
 transport preferred none
 transport input ssh
!
ntp authentication-key 1 md5 0822455D0A16 7
ntp authenticate
ntp trusted-key 1
ntp source Loopback10
ntp server 10.255.0.123 key 1 prefer
ntp server 10.255.1.123 key 1
!
!
!
end
""")
        return s

    # ------------------------------------------------------------------ assembly
    def build(self) -> tuple[list[str], Counter[str]]:
        preamble, pki, sw, vlan = self.preamble(), self.pki(), self.switching_globals(), self.vlan_defs()
        qos, crypto, virt, tun = (
            self.qos(),
            self.crypto(),
            self.virtual_interfaces(),
            self.tunnel_interfaces(),
        )
        wan, svi, routing, static = self.wan_interfaces(), self.svis(), self.routing(), self.static_routes()
        snmp, banner, tail = self.snmp_and_mgmt(), self.banners(), self.lines_and_ntp()
        fixed = [
            preamble,
            pki,
            sw,
            vlan,
            qos,
            crypto,
            virt,
            tun,
            wan,
            svi,
            routing,
            static,
            snmp,
            banner,
            tail,
        ]
        header_len = 4  # "Building configuration..." up to "Current configuration : N bytes"
        bulk = max(0, self.target - header_len - sum(len(x.lines) for x in fixed))
        # Split of the bulk: roughly what a large campus/WAN core carries. Order matters:
        # object-groups and prefix-lists must exist before ACLs and route-maps name them.
        og = self.object_group_defs(int(bulk * 0.03))
        acl = self.acls(int(bulk * 0.24))
        pl = self.prefix_list_defs(int(bulk * 0.07))
        rm = self.route_maps(int(bulk * 0.05))
        ports = self.access_ports(bulk - sum(len(x.lines) for x in (og, acl, pl, rm)))
        # Assemble in the order `show running-config` prints things.
        ordered = [preamble, pki, sw, vlan, og, qos, crypto, virt, tun, wan, ports, svi]
        ordered += [routing, static, acl, pl, rm, snmp, banner, tail]
        body = [line for sec in ordered for line in sec.lines]
        size = sum(len(line) + 1 for line in body)
        header = ["Building configuration...", "", "", f"Current configuration : {size} bytes"]
        counts: Counter[str] = Counter({"global": len(header)})
        for sec in ordered:
            counts[sec.category] += len(sec.lines)
        return header + body, counts


def render_stats(counts: Counter[str], total: int) -> str:
    """Format the per-category line mix as a small table."""
    dmvpn = sum(counts[c] for c in DMVPN_CATEGORIES)
    out = [f"total lines: {total}"]
    for title, cats, sub in (
        ("DMVPN-relevant", DMVPN_CATEGORIES, dmvpn),
        ("bulk", BULK_CATEGORIES, total - dmvpn),
    ):
        out.append(f"{title:16s} {sub:8d}  ({100 * sub / total:5.1f}%)")
        out.extend(f"  {c:14s} {counts[c]:8d}  ({100 * counts[c] / total:5.1f}%)" for c in cats)
    return "\n".join(out)


def generate(lines: int = DEFAULT_LINES, seed: int = DEFAULT_SEED) -> tuple[str, Counter[str]]:
    """Return the config text (newline-terminated) and its per-category line counts."""
    if lines < 2000:
        raise ValueError("--lines must be at least 2000 (the fixed sections alone need about 1700)")
    body, counts = HubGenerator(lines, seed).build()
    return "\n".join(body) + "\n", counts


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description="Generate a large, deterministic Cisco IOS DMVPN hub config.")
    ap.add_argument("--lines", type=int, default=DEFAULT_LINES, help="approximate line count (%(default)s)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (%(default)s)")
    ap.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    ap.add_argument("-q", "--quiet", action="store_true", help="do not print the line mix to stderr")
    args = ap.parse_args(argv)
    try:
        text, counts = generate(args.lines, args.seed)
    except ValueError as exc:
        ap.error(str(exc))
    if args.output:
        args.output.write_text(text, encoding="ascii")
    else:
        sys.stdout.write(text)
    if not args.quiet:
        print(render_stats(counts, text.count("\n")), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
