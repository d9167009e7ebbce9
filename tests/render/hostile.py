"""Hostile configurations: names and texts carrying shell, FRR and nftables syntax.

Shared by ``test_hostile.py`` (nothing injected, or refused with a diagnostic) and
``test_realtools.py`` (whatever is written still passes the real tools).
"""

from __future__ import annotations

from iosdmvpn.parse import ParseResult, parse_text

# Strings that would change the meaning of a shell script, frr.conf or nftables file.
PAYLOADS = ("reboot", "rm -rf", "{evil}", "\";", "';", "evil.example")

_BASE = """\
hostname {hostname}
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key k3y address 0.0.0.0
crypto ipsec transform-set {tset} esp-aes 256 esp-sha256-hmac
 mode transport
crypto ipsec profile {profile}
 set transform-set {tset}
!
interface {wan}
 description WAN "$(reboot)"; {{evil}} `reboot`
 ip address 198.51.100.{host} 255.255.255.0
!
interface {lan}
 description {description}
 ip address 192.168.{host}.1 255.255.255.0
!
interface {tunnel}
 description {description}
 ip address 10.0.0.{host} 255.255.255.0
 ip nhrp network-id 1
 ip nhrp holdtime 300
{nhrp}
 tunnel source {source}
 tunnel mode gre multipoint
 tunnel key 7
 tunnel protection ipsec profile {profile}
!
router bgp 65000
 bgp listen range 10.0.0.0/24 peer-group {group}
 neighbor {group} peer-group
 neighbor {group} remote-as 65000
 neighbor 10.0.0.1 remote-as 65000
 neighbor 10.0.0.1 update-source {lan}
 address-family ipv4
  network 192.168.{host}.0 mask 255.255.255.0
  neighbor {group} route-reflector-client
!
router ospf 1
 network 192.168.{host}.0 0.0.0.255 area {area}
 passive-interface {lan}
!
ip route 172.16.{host}.0 255.255.255.0 {lan}
end
"""

_HUB_NHRP = " ip nhrp map multicast dynamic\n ip nhrp redirect\n ip nhrp nhs dynamic nbma evil.example;reboot"
_SPOKE_NHRP = " ip nhrp nhs 10.0.0.1 nbma 198.51.100.1 multicast\n ip nhrp shortcut"

# Each variant puts hostile text in one or more places; names that cannot be made safe
# must be refused with DMV601 (or a nearby code), the rest must be dropped or replaced.
VARIANTS: dict[str, dict[str, str]] = {
    "clean-hub": {"hostname": "hub", "host": "1", "nhrp": _HUB_NHRP},
    "hostname": {"hostname": "spoke$(reboot)", "host": "2", "nhrp": _SPOKE_NHRP},
    "hostname-quotes": {"hostname": "sp\";reboot;'x", "host": "3", "nhrp": _SPOKE_NHRP},
    "hostname-braces": {"hostname": "sp{evil}", "host": "4", "nhrp": _SPOKE_NHRP},
    "description": {"hostname": "spoke5", "host": "5", "nhrp": _SPOKE_NHRP,
                    "description": "x\"; reboot; {evil} $(reboot) `reboot` 'q'"},
    "profile": {"hostname": "spoke6", "host": "6", "nhrp": _SPOKE_NHRP, "profile": "p\";{evil};$(reboot)",
                "tset": "t';reboot"},
    "tunnel-name": {"hostname": "spoke7", "host": "7", "nhrp": _SPOKE_NHRP, "tunnel": "Tunnel0$(reboot)"},
    "source-name": {"hostname": "spoke8", "host": "8", "nhrp": _SPOKE_NHRP,
                    "wan": "GigabitEthernet0/0;reboot", "source": "GigabitEthernet0/0;reboot"},
    "lan-name": {"hostname": "spoke9", "host": "9", "nhrp": _SPOKE_NHRP, "lan": "GigabitEthernet0/1{evil}"},
    "peer-group": {"hostname": "spoke10", "host": "10", "nhrp": _SPOKE_NHRP, "group": "SP\";reboot"},
    "area": {"hostname": "spoke11", "host": "11", "nhrp": _SPOKE_NHRP, "area": "0;reboot"},
}
_DEFAULTS = {"tset": "ts", "profile": "prof", "wan": "GigabitEthernet0/0", "lan": "GigabitEthernet0/1",
             "tunnel": "Tunnel0", "source": "GigabitEthernet0/0", "group": "SPOKES", "area": "0",
             "description": "plain text"}


def hostile_text(name: str) -> str:
    values = {**_DEFAULTS, **VARIANTS[name]}
    return _BASE.format(**values)


def hostile_results() -> list[ParseResult]:
    """One parsed config per variant (one network: the clean hub and hostile spokes)."""
    return [parse_text(hostile_text(name), f"hostile-{name}.cfg") for name in VARIANTS]
