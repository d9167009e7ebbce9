"""A file holding several routers is linted router by router, as one network."""

from __future__ import annotations

from pathlib import Path

from iosdmvpn.api import lint
from iosdmvpn.config import Settings

TWO_ROUTERS = """\
hostname HUB
interface GigabitEthernet0/0
 ip address 203.0.113.1 255.255.255.0
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 ip nhrp network-id 1
 ip nhrp map multicast dynamic
 tunnel source GigabitEthernet0/0
 tunnel mode gre multipoint
!
hostname SPOKE
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.0
interface Tunnel0
 ip address 10.0.0.2 255.255.255.0
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1 nbma 203.0.113.9 multicast
 tunnel mode gre multipoint
"""


def test_each_router_of_a_file_is_linted(tmp_path: Path) -> None:
    config = tmp_path / "lab.cfg"
    config.write_text(TWO_ROUTERS)
    result = lint([str(config)], Settings())
    assert [f.hostname for f in result.files] == ["HUB", "SPOKE"]
    assert result.file_count == 1
    by_code = {(d.code, d.span.line) for d in result.diagnostics}
    # The spoke (second router) has no tunnel source: reported at its own Tunnel0 header.
    assert ("DMV101", 14) in by_code
    # Cross-router: the spoke's NBMA for the hub is not the hub's tunnel source address.
    assert ("DMV504", 17) in by_code
    assert not any(d.code == "DMV999" for d in result.diagnostics)
