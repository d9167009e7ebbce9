"""DMV674: crypto commands a protected tunnel depends on but swanctl.conf cannot carry are reported
at their line, never dropped in silence; equivalent defaults and unrelated crypto stay quiet."""

from __future__ import annotations

from pathlib import Path

from iosdmvpn.parse import parse_devices, parse_file, parse_text_devices
from iosdmvpn.render import translate

HUB = """\
hostname hub
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key Hub-Secret-1 address 0.0.0.0
crypto isakmp nat keepalive 20
crypto isakmp aggressive-mode disable
crypto isakmp invalid-spi-recovery
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 mode transport
crypto ipsec profile P
 set transform-set TS
 set security-association idle-time 600
crypto ipsec profile UNUSED
 set transform-set TS
 set security-association idle-time 900
interface GigabitEthernet0/0
 ip address 198.51.100.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 ip nhrp network-id 1
 ip nhrp map multicast dynamic
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
 tunnel key 1
 tunnel protection ipsec profile P
router ospf 1
 network 10.0.0.0 0.0.0.255 area 0
"""


def _dmv674(text: str) -> list[tuple[int, str]]:
    result = translate(parse_text_devices(text, "hub.cfg"), targets=("strongswan",))
    return [(d.span.line, d.message) for d in result.diagnostics if d.code == "DMV674"]


def _line(text: str, command: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == command)


def test_untranslated_crypto_commands_point_at_their_lines() -> None:
    found = _dmv674(HUB)
    assert [line for line, _ in found] == [
        _line(HUB, "crypto isakmp nat keepalive 20"),
        _line(HUB, "crypto isakmp invalid-spi-recovery"),
        _line(HUB, "set security-association idle-time 600"),
    ]
    assert "'set security-association idle-time 600' has no swanctl.conf equivalent" in found[2][1]


def test_equivalent_defaults_unused_profiles_and_modelled_lines_are_quiet() -> None:
    messages = " ".join(message for _, message in _dmv674(HUB))
    assert "aggressive-mode" not in messages  # strongSwan's default is the same
    assert "idle-time 900" not in messages  # profile UNUSED protects nothing
    assert "policy 10" not in messages and "Hub-Secret-1" not in messages and "isakmp key" not in messages


def test_an_unprotected_tunnel_reports_no_crypto_line() -> None:
    assert _dmv674(HUB.replace(" tunnel protection ipsec profile P\n", "")) == []


def test_other_routers_of_the_same_file_are_not_blamed() -> None:
    other = ("!\nhostname spoke\ncrypto isakmp keepalive 10 3\ncrypto isakmp nat keepalive 30\n"
             "interface GigabitEthernet0/0\n ip address 203.0.113.2 255.255.255.0\n")
    found = _dmv674(HUB + other)
    assert all("30" not in message for _, message in found)
    assert len(found) == 3


def test_other_routers_stay_quiet_when_each_carries_the_whole_file(tmp_path: Path) -> None:
    # parse_devices (the CLI's path) gives every router of a file the whole file's text.
    other = "!\nhostname spoke\ncrypto isakmp nat keepalive 30\n"
    path = tmp_path / "lab.cfg"
    path.write_text(HUB + other)
    result = translate(parse_devices(path), targets=("strongswan",))
    found = [d.message for d in result.diagnostics if d.code == "DMV674"]
    assert len(found) == 3 and not any("30" in m for m in found)


def test_a_first_router_parsed_alone_does_not_blame_the_next(tmp_path: Path) -> None:
    # parse_file keeps the first router of a lab-notes file, with the whole file as its text.
    path = tmp_path / "lab.cfg"
    path.write_text(HUB + "!\nhostname spoke\ncrypto isakmp nat keepalive 30\n")
    result = translate([parse_file(path)], targets=("strongswan",))
    found = [d.message for d in result.diagnostics if d.code == "DMV674"]
    assert len(found) == 3 and not any("30" in m for m in found)
