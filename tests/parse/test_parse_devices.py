"""Files holding several routers: one result per router, the first one from parse_file."""

from __future__ import annotations

from pathlib import Path

from parse_helpers import CORPUS

from iosdmvpn.parse import device_sections, parse_devices, parse_file, parse_text_devices

LAB = """\
R1:
enable
conf t
hostname R1
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 tunnel mode gre multipoint
ip route 0.0.0.0 0.0.0.0 192.0.2.2
end
-----
R2:
enable
conf t
service timestamps debug uptime
hostname R2
interface Tunnel0
 ip address 10.0.0.2 255.255.255.0
 ip nhrp nhs 10.0.0.1 nbma 192.0.2.1
end
"""


def test_sections_start_above_the_hostname_after_the_previous_end() -> None:
    assert device_sections(LAB) == [(1, 9), (10, 19)]


def test_one_result_per_router_with_file_line_numbers() -> None:
    r1, r2 = parse_text_devices(LAB, "lab.txt")
    assert r1.device is not None and r2.device is not None
    assert (r1.device.hostname, r2.device.hostname) == ("R1", "R2")
    assert str(r1.device.interfaces[0].ipv4) == "10.0.0.1/24"
    tu2 = r2.device.interface("Tunnel0")
    assert tu2 is not None and tu2.nhrp is not None and str(tu2.nhrp.nhs[0].nbma) == "192.0.2.1"
    # Spans stay those of the whole file.
    assert tu2.span.line == 16 and tu2.span.path == "lab.txt"
    assert len(r1.device.routing.static_routes) == 1 and not r2.device.routing.static_routes
    # Each router's coverage counts its own lines only ("R2:" is counted with R2).
    assert r1.device.coverage.total + r2.device.coverage.total == 19


def test_single_router_and_a_repeated_hostname_stay_one_device() -> None:
    assert len(parse_text_devices("hostname R1\ninterface Tunnel0\n", "x")) == 1
    again = "hostname R1\ninterface Tunnel0\n ip address 10.0.0.1 255.255.255.0\nhostname R1\n"
    assert len(parse_text_devices(again, "x")) == 1


def test_parse_file_keeps_the_first_router_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "lab.txt"
    path.write_text(LAB, encoding="utf-8")
    result = parse_file(path)
    assert result.device is not None and result.device.hostname == "R1"
    notes = [d for d in result.diagnostics if d.code == "DMV008"]
    assert len(notes) == 1 and notes[0].severity.name == "INFO" and "R1, R2" in notes[0].message
    assert result.usable and result.source is not None


def test_corpus_lab_files_split_per_router() -> None:
    for name, hosts in [("029-nilitaanil-ph2-rip-4routers.cfg",
                         ["HUB_PERROKADA", "SPOKE_1", "SPOKE_2", "SPOKE_3"]),
                        ("030-nilitaanil-ph2-ospf-4routers.cfg", ["HUB", "SPOKE_1", "SPOKE_2", "SPOKE_3"]),
                        ("019-jordy513-ikev2-ph3-ospf-3routers.cfg", ["R1", "R2", "R3"])]:
        results = parse_devices(CORPUS / name)
        assert [r.device.hostname for r in results if r.device is not None] == hosts, name
        for r in results:
            assert r.device is not None and len(r.device.tunnels) == 1, (name, r.device)
    # RIP under each router of 029, once the routers are apart.
    assert all(r.device is not None and r.device.routing.rip is not None
               for r in parse_devices(CORPUS / "029-nilitaanil-ph2-rip-4routers.cfg"))


def test_unusable_file_gives_one_result(tmp_path: Path) -> None:
    results = parse_devices(tmp_path / "missing.cfg")
    assert len(results) == 1 and not results[0].usable
