"""Fast tests of how ``iosdmvpn lab`` builds scenarios from configurations (no VM, no root)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from iosdmvpn.cli import main
from iosdmvpn.lab.runner import LabReport, prepare_paths, run_prepared, scenario_name
from iosdmvpn.lab.scenario import EIGRP_EXPLANATION, Prepared, lab_name
from iosdmvpn.lab.spec import DeviceSpec, ScenarioSpec

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed-network"
PHASE3_BGP = REPO / "examples" / "seed-phase3-bgp"
OSPF = REPO / "examples" / "seed-ospf"
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def _spec(p: Prepared) -> ScenarioSpec:
    assert p.spec is not None, p.refusal
    return p.spec


def _dev(spec: ScenarioSpec, name: str) -> DeviceSpec:
    return spec.device(name)


def test_eigrp_design_is_refused_with_the_reason(workdir: Path) -> None:
    p = prepare_paths([str(SEED)], workdir=workdir)
    assert p.spec is None and not p.runnable
    assert p.refusal[0] == EIGRP_EXPLANATION
    assert any("DMV620" in r for r in p.refusal[1:])
    report = run_prepared([p])  # nothing runnable: no VM is booted
    assert not report.passed and report.mode is None
    assert report.scenarios[0].status == "refused"


@pytest.mark.parametrize("igp", ["ospf", "bgp"])
def test_seed_with_igp_layout(workdir: Path, igp: str) -> None:
    p = prepare_paths([str(SEED)], workdir=workdir, igp=igp)  # type: ignore[arg-type]
    spec = _spec(p)
    assert p.name == f"seed-network-{igp}"
    hub, a, b = (_dev(spec, n) for n in ("hub", "spoke-a", "spoke-b"))
    # tunnel sources keep their IOS addresses; the IOS default route's next hop is the gateway
    assert hub.nbma == IPv4Interface("172.17.0.1/24") and hub.gateway == IPv4Address("172.17.0.254")
    assert b.nbma == IPv4Interface("172.16.2.1/24") and b.gateway == IPv4Address("172.16.2.254")
    # DHCP in IOS: the lab assigns an address from 100.64.0.0/10
    assert a.nbma.ip in IPv4Network("100.64.0.0/10") and not a.gateway_onlink
    assert any("spoke-a" in n and "dhcp" in n for n in p.notes)
    # spokes still register with the hub's static NBMA
    for s in (a, b):
        assert s.role == "spoke" and [h.nbma_address for h in s.hubs] == [IPv4Address("172.17.0.1")]
        assert s.protected and s.phase == 2 and s.routing == [igp]
    assert hub.role == "hub" and hub.hubs == []
    # LANs: every other interface is a dummy; the advertised ones are sites
    assert {str(x.address): x.site for x in hub.lan} == {"192.168.100.1/32": False, "192.168.0.1/24": True}
    assert [str(r) for r in hub.expect_routes] == ["192.168.1.0/24", "192.168.2.0/24"]
    assert [str(r) for r in a.expect_routes] == ["192.168.0.0/24", "192.168.2.0/24"]
    assert sorted(a.ping_peers or []) == ["hub", "spoke-b"]
    assert hub.underlay_interface == "gi0-0" and hub.tunnel_interface == "gre-tunnel0"
    assert str(hub.tunnel_address) == "10.0.0.1/32"
    # the translated files are where the spec says
    for d in spec.devices:
        assert d.has_file("dmvpn.sh") and d.has_file("frr.conf") and d.has_file("swanctl.conf")
        assert d.has_file("nftables.nft")
        assert f"router {igp}" in d.file("frr.conf").read_text()
    # and the request survives a JSON round trip (what the guest reads)
    assert ScenarioSpec.model_validate(json.loads(spec.model_dump_json())) == spec


def test_phase3_bgp_example(workdir: Path) -> None:
    spec = _spec(prepare_paths([str(PHASE3_BGP)], workdir=workdir))
    for d in spec.devices:
        assert d.phase == 3 and d.routing == ["bgp"] and d.protected
    assert "ip nhrp redirect" in _dev(spec, "hub").file("frr.conf").read_text()
    assert "ip nhrp shortcut" in _dev(spec, "spoke-b").file("frr.conf").read_text()


def test_ospf_example_waits_for_its_hellos(workdir: Path) -> None:
    spec = _spec(prepare_paths([str(OSPF)], workdir=workdir))
    assert all(d.routing == ["ospf"] and d.phase == 3 for d in spec.devices)
    assert spec.timeouts.routing >= 120
    nft = _dev(spec, "spoke-a").file("nftables.nft").read_text()
    assert "224.0.0.0/4" in nft and "log group 2" in nft  # OSPF over nhrpd's multicast NFLOG path


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
def test_corpus_dual_hub_ospf_group(workdir: Path) -> None:
    files = [str(next(CORPUS.glob(f"{n}-*"))) for n in ("027", "082", "028")]
    p = prepare_paths(files, workdir=workdir)
    spec = _spec(p)
    spoke = _dev(spec, "spb-core1")
    assert sorted(str(h.tunnel_address) for h in spoke.hubs) == ["10.1.1.1", "10.1.1.2"]
    assert spoke.gateway == IPv4Address("11.21.10.1")  # the other host of the /30
    # hubs do not peer with each other: each expects the spoke's prefixes only
    hub1 = _dev(spec, "msk-core1")
    assert {str(r) for r in hub1.expect_routes} == {"10.20.11.0/30", "10.20.15.21/32", "10.20.21.0/30"}
    assert hub1.ping_peers == ["spb-core1"]
    # OSPF p2mp with hello 30: the routing timeout grows with it
    assert spec.timeouts.routing >= 150


def test_shared_segment_and_duplicate_gateways_are_allowed() -> None:
    # three routers on one /24 (the hitesh-dualhub group): same gateway, overlapping subnets
    base = {"role": "hub", "directory": "x", "tunnel_address": "172.16.0.1/32", "gateway": "10.0.100.254"}
    devices = [dict(base, name=f"r{i}", nbma=f"10.0.100.{i}/24", tunnel_address=f"172.16.0.{i}/32")
               for i in (1, 2, 3)]
    spec = ScenarioSpec.model_validate({"name": "seg", "devices": devices})
    assert len(spec.devices) == 3


def test_lab_names() -> None:
    assert lab_name("SPOKE1") == "spoke1"
    assert lab_name("047-lileddie-hub-hq1-script") == "r047-lileddi"
    assert lab_name("hub", ["hub"]) == "hub-1"
    assert lab_name("wan") == "wan-1"
    assert len(lab_name("x" * 40)) == 12
    assert scenario_name([str(SEED)], "bgp") == "seed-network-bgp"
    files = sorted(str(f) for f in SEED.glob("*.cfg"))
    assert scenario_name(files, None) == "seed-network"
    assert scenario_name(files[:1], None) == "hub"


def test_cli_eigrp_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", str(SEED), "--format", "json"]) == 1
    out = capsys.readouterr().out
    report = LabReport.model_validate_json(out)
    assert report.scenarios[0].status == "refused"
    assert "FRR 8.4" in report.scenarios[0].reasons[0] and "--igp ospf" in report.scenarios[0].reasons[0]


def test_cli_text_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", str(SEED)]) == 1
    out = capsys.readouterr().out
    assert "EIGRP" in out and "--igp bgp" in out and "Traceback" not in out


def test_cli_unusable_input_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.cfg"
    bad.write_text("{{ hostname }}\n{% for x in y %}\n")
    assert main(["lab", str(bad)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert main(["lab", str(tmp_path / "missing.cfg")]) == 2


def test_cli_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from iosdmvpn.lab import vm
    from iosdmvpn.lab.environment import KERNEL_FEATURES, LAB_TOOLS, VM_TOOLS, Capabilities

    bare = Capabilities(is_root=True, kernel_release="x",
                        kernel_features=dict.fromkeys(KERNEL_FEATURES, False),
                        tools={t.name: None for t in LAB_TOOLS + VM_TOOLS}, guest_kernel=None)
    monkeypatch.setattr(vm, "detect", lambda probe_kernel=True: bare)
    assert main(["lab", str(PHASE3_BGP)]) == 2
    err = capsys.readouterr().err
    assert "apt-get install" in err and "qemu-system-x86" in err and "frr" in err and "virtme-ng" in err
    assert "Traceback" not in err
    assert main(["lab", str(PHASE3_BGP), "--vm", "never"]) == 2
    err = capsys.readouterr().err
    assert "lacks" in err and "gre" in err and "--vm auto" in err
