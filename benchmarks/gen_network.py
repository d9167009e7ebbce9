"""Generate a consistent DMVPN network (one hub, N spokes, one config file each) for benchmarks.

Every device is a `show running-config`-style IOS 15.x config, and together they form one
clean Phase 3 cloud:

* hub Tunnel0 10.0.0.1/16 (room for ~65k spokes), NBMA 192.0.2.2, `ip nhrp redirect`;
* spoke i: tunnel address unique in 10.0.0.0/16, NBMA unique in 198.18.0.0/15 (RFC 2544),
  LAN 10.x.y.0/24, `ip nhrp nhs 10.0.0.1 nbma 192.0.2.2 multicast`, `ip nhrp shortcut`;
* the same tunnel key, NHRP network-id and NHRP password everywhere; IKEv1 with one
  wildcard pre-shared key (so spoke-to-spoke shortcuts authenticate too), transport mode;
* iBGP AS 65000: the hub listens on the tunnel subnet (`bgp listen range`) with the spokes
  as route-reflector clients; each spoke peers with 10.0.0.1.

    python benchmarks/gen_network.py --spokes 2000 -o /tmp/net-2000

Output is deterministic for a given --seed and --spokes.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 20240611
MAX_SPOKES = 32_000  # one /30 per spoke in 198.18.0.0/15

TUNNEL_NET = ipaddress.IPv4Network("10.0.0.0/16")
HUB_TUNNEL = ipaddress.IPv4Address("10.0.0.1")
HUB_NBMA = ipaddress.IPv4Address("192.0.2.2")  # RFC 5737
HUB_GW = ipaddress.IPv4Address("192.0.2.1")
SPOKE_NBMA_POOL = ipaddress.IPv4Network("198.18.0.0/15")
LOOPBACK_NET = ipaddress.IPv4Network("172.16.0.0/12")
LAN_BASE = ipaddress.IPv4Address("10.1.0.0")  # spoke i gets the i-th /24 from here
ASN = 65000
TUNNEL_KEY = 100
NETWORK_ID = 100
NHRP_AUTH = "DMVPNnet"  # IOS keeps at most 8 characters
PSK = "Bench-DMVPN-Psk1"
HOLDTIME = 300


def _host_skip_edges(net: ipaddress.IPv4Network, k: int) -> ipaddress.IPv4Address:
    """k-th address of `net` that does not end in .0 or .255 (valid in a /16, but they look wrong)."""
    return net.network_address + (k // 254) * 256 + 1 + k % 254


@dataclass(frozen=True)
class Spoke:
    """Addresses of one spoke; index starts at 1."""

    index: int
    hostname: str
    tunnel: ipaddress.IPv4Address
    nbma: ipaddress.IPv4Address
    gateway: ipaddress.IPv4Address
    lan: ipaddress.IPv4Network
    loopback: ipaddress.IPv4Address
    wan_if: str
    lan_if: str
    spare_if: str
    version: str
    media: str  # physical-interface lines: ISR4k prints `negotiation auto`, ISR G2 duplex/speed


def plan_spokes(n: int, seed: int = DEFAULT_SEED) -> list[Spoke]:
    """Address plan for `n` spokes; raises ValueError when it does not fit."""
    if not 1 <= n <= MAX_SPOKES:
        raise ValueError(f"--spokes must be between 1 and {MAX_SPOKES}")
    rng = random.Random(seed)
    width = max(4, len(str(n)))
    spokes = []
    for i in range(1, n + 1):
        wan = SPOKE_NBMA_POOL.network_address + 4 * (i - 1)  # one /30: .1 gateway, .2 spoke
        # Two platform families, so interface naming varies as in a real estate.
        isr4k = rng.random() < 0.4
        ifs = [f"GigabitEthernet0/{'0/' if isr4k else ''}{port}" for port in range(3)]
        spokes.append(
            Spoke(
                index=i,
                hostname=f"SPOKE-{i:0{width}d}",
                tunnel=_host_skip_edges(TUNNEL_NET, i),  # k = 0 is the hub's 10.0.0.1
                nbma=wan + 2,
                gateway=wan + 1,
                lan=ipaddress.IPv4Network((int(LAN_BASE) + (i - 1) * 256, 24)),
                loopback=_host_skip_edges(LOOPBACK_NET, i),
                wan_if=ifs[0],
                lan_if=ifs[1],
                spare_if=ifs[2],
                version="15.5" if isr4k else rng.choice(("15.4", "15.6", "15.7", "15.9")),
                media=" negotiation auto" if isr4k else " duplex auto\n speed auto",
            )
        )
    return spokes


def _wrap(hostname: str, version: str, body: str) -> str:
    """Add the show-run preamble, common globals and trailer around a device body."""
    head = f"""!
! Last configuration change at 10:02:11 UTC Mon Apr 8 2024 by netadmin
!
version {version}
service timestamps debug datetime msec
service timestamps log datetime msec
service password-encryption
!
hostname {hostname}
!
boot-start-marker
boot-end-marker
!
!
enable secret 5 $1$hJ3k$0mDqS9iYf3tZbH8bE4o2v/
!
no aaa new-model
!
!
!
ip domain name corp.example.net
ip cef
no ipv6 cef
!
multilink bundle-name authenticated
!
!
username netadmin privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
!
redundancy
!
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
 lifetime 28800
crypto isakmp key {PSK} address 0.0.0.0        $
crypto isakmp keepalive 10 3 periodic
!
!
crypto ipsec transform-set TS-DMVPN esp-aes 256 esp-sha256-hmac $
 mode transport
!
crypto ipsec profile DMVPN-PROF
 set transform-set TS-DMVPN $
!
!
"""
    tail = f"""!
control-plane
!
banner motd ^C
*** {hostname}: authorised access only ***
^C
!
line con 0
 exec-timeout 15 0
 logging synchronous
line aux 0
line vty 0 4
 exec-timeout 15 0
 login local
 transport input ssh
!
ntp server 10.255.0.123
!
end
"""
    # A trailing `$` protects trailing spaces that IOS prints (editors would strip them from the source).
    text = "".join(line.removesuffix("$") + "\n" for line in (head + body + tail).splitlines())
    return f"Building configuration...\n\n\nCurrent configuration : {len(text)} bytes\n" + text


def _tunnel_common() -> str:
    return f""" no ip redirects
 ip mtu 1400
 ip nhrp authentication {NHRP_AUTH}
"""


def hub_config(n_spokes: int) -> str:
    """Hub: mGRE Tunnel0 with dynamic multicast and redirect, BGP listen range on the tunnel subnet."""
    mask = TUNNEL_NET.netmask
    body = f"""interface Loopback0
 ip address {_host_skip_edges(LOOPBACK_NET, 0)} 255.255.255.255
!
interface Tunnel0
 description DMVPN hub, cloud {NETWORK_ID}
 bandwidth 1000000
 ip address {HUB_TUNNEL} {mask}
{_tunnel_common()} ip nhrp map multicast dynamic
 ip nhrp network-id {NETWORK_ID}
 ip nhrp holdtime {HOLDTIME}
 ip nhrp redirect
 ip tcp adjust-mss 1360
 tunnel source GigabitEthernet0/0/0
 tunnel mode gre multipoint
 tunnel key {TUNNEL_KEY}
 tunnel protection ipsec profile DMVPN-PROF
!
interface GigabitEthernet0/0/0
 description WAN
 ip address {HUB_NBMA} 255.255.255.252
 negotiation auto
!
interface GigabitEthernet0/0/1
 description DC-LAN
 ip address 10.255.0.1 255.255.255.0
 negotiation auto
!
interface GigabitEthernet0/0/2
 no ip address
 shutdown
 negotiation auto
!
router bgp {ASN}
 bgp router-id {_host_skip_edges(LOOPBACK_NET, 0)}
 bgp log-neighbor-changes
 bgp listen range {TUNNEL_NET} peer-group SPOKES
 bgp listen limit {max(100, n_spokes)}
 neighbor SPOKES peer-group
 neighbor SPOKES remote-as {ASN}
 neighbor SPOKES timers 20 60
 !
 address-family ipv4
  network 10.255.0.0 mask 255.255.255.0
  aggregate-address 10.0.0.0 255.0.0.0 summary-only
  neighbor SPOKES activate
  neighbor SPOKES route-reflector-client
  neighbor SPOKES next-hop-self all
 exit-address-family
!
ip forward-protocol nd
no ip http server
no ip http secure-server
!
ip route 0.0.0.0 0.0.0.0 {HUB_GW} name DEFAULT-ISP
ip ssh version 2
!
"""
    return _wrap("HUB-01", "15.5", body)


def spoke_config(s: Spoke) -> str:
    """Spoke: mGRE Tunnel0 registering with the hub (NHS + NBMA + multicast), BGP to the hub."""
    body = f"""interface Loopback0
 ip address {s.loopback} 255.255.255.255
!
interface Tunnel0
 description DMVPN spoke to HUB-01
 bandwidth 10000
 ip address {s.tunnel} {TUNNEL_NET.netmask}
{_tunnel_common()} ip nhrp network-id {NETWORK_ID}
 ip nhrp holdtime {HOLDTIME}
 ip nhrp nhs {HUB_TUNNEL} nbma {HUB_NBMA} multicast
 ip nhrp shortcut
 ip tcp adjust-mss 1360
 tunnel source {s.wan_if}
 tunnel mode gre multipoint
 tunnel key {TUNNEL_KEY}
 tunnel protection ipsec profile DMVPN-PROF
!
interface {s.wan_if}
 description WAN
 ip address {s.nbma} 255.255.255.252
{s.media}
!
interface {s.lan_if}
 description LAN
 ip address {s.lan.network_address + 1} {s.lan.netmask}
{s.media}
!
interface {s.spare_if}
 no ip address
 shutdown
{s.media}
!
router bgp {ASN}
 bgp router-id {s.loopback}
 bgp log-neighbor-changes
 neighbor {HUB_TUNNEL} remote-as {ASN}
 neighbor {HUB_TUNNEL} description HUB-01
 neighbor {HUB_TUNNEL} timers 20 60
 !
 address-family ipv4
  network {s.loopback} mask 255.255.255.255
  network {s.lan.network_address} mask {s.lan.netmask}
  neighbor {HUB_TUNNEL} activate
 exit-address-family
!
ip forward-protocol nd
no ip http server
no ip http secure-server
!
ip route 0.0.0.0 0.0.0.0 {s.gateway} name DEFAULT-ISP
ip ssh version 2
!
"""
    return _wrap(s.hostname, s.version, body)


def write_network(
    out: Path, n_spokes: int, seed: int = DEFAULT_SEED, ext: str = ".cfg", force: bool = False
) -> int:
    """Write hub + spokes into `out`; return the total number of lines written."""
    spokes = plan_spokes(n_spokes, seed)
    out.mkdir(parents=True, exist_ok=True)
    ours = sorted([*out.glob(f"hub{ext}"), *out.glob(f"spoke-*{ext}")])
    if any(out.iterdir()):
        # Stale spokes from a bigger earlier run would silently change the network.
        if not force:
            raise FileExistsError(f"{out} is not empty (use --force to replace hub/spoke files)")
        for p in ours:
            p.unlink()
    total = 0
    for name, text in [("hub", hub_config(n_spokes))] + [
        (s.hostname.lower(), spoke_config(s)) for s in spokes
    ]:
        (out / f"{name}{ext}").write_text(text, encoding="ascii")
        total += text.count("\n")
    return total


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description="Generate a consistent DMVPN network: one hub and N spokes.")
    ap.add_argument("--spokes", type=int, default=2000, help="number of spokes (%(default)s)")
    ap.add_argument("-o", "--output", type=Path, required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (%(default)s)")
    ap.add_argument("--ext", default=".cfg", help="file extension (%(default)s)")
    ap.add_argument("--force", action="store_true", help="replace hub/spoke files already in the directory")
    args = ap.parse_args(argv)
    try:
        lines = write_network(args.output, args.spokes, args.seed, args.ext, args.force)
    except (ValueError, FileExistsError) as exc:
        ap.error(str(exc))
    print(f"wrote hub + {args.spokes} spokes ({lines} lines) to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
