"""Fast unit tests of the lab runtime (no root, no VM)."""

from __future__ import annotations

import json
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from iosdmvpn.lab.checks import nhrp_entries
from iosdmvpn.lab.environment import LAB_TOOLS, VM_TOOLS, Capabilities
from iosdmvpn.lab.guest import parse_request
from iosdmvpn.lab.results import RESULT_MARKER, LabResult, ScenarioResult
from iosdmvpn.lab.spec import ScenarioSpec, load_scenario
from iosdmvpn.lab.topology import infer_daemons
from iosdmvpn.lab.vici import decode_message, encode_message
from iosdmvpn.lab.vm import choose_mode, parse_result, vng_command

FIXTURES = Path(__file__).parent / "fixtures"


def _raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name / "lab.json").read_text())
    return data


@pytest.mark.parametrize("name", ["bgp-ipsec", "ospf-p2mp", "bad-key"])
def test_fixture_specs_load_and_files_exist(name: str) -> None:
    spec = load_scenario(FIXTURES / name / "lab.json")
    for d in spec.devices:
        assert d.directory.is_absolute()
        for f in ("dmvpn.sh", "frr.conf"):
            assert d.has_file(f), f"{d.name}: {f}"
        if d.protected:
            assert d.has_file("swanctl.conf")
        assert f"{d.tunnel_interface}" in d.file("dmvpn.sh").read_text()


def test_overlapping_nbma_subnets_allowed_but_addresses_unique() -> None:
    # IOS routers on one shared segment: wan routes per host and proxies ARP
    raw = _raw("bgp-ipsec")
    raw["devices"][1]["nbma"] = "10.0.1.3/24"
    raw["devices"][1]["gateway"] = "10.0.1.1"
    ScenarioSpec.model_validate(raw)
    raw["devices"][1]["nbma"] = raw["devices"][0]["nbma"]
    with pytest.raises(ValidationError, match="unique"):
        ScenarioSpec.model_validate(raw)


def test_gateway_outside_the_subnet_is_onlink() -> None:
    raw = _raw("bgp-ipsec")
    raw["devices"][0]["gateway"] = "198.18.0.1"
    spec = ScenarioSpec.model_validate(raw)
    assert spec.devices[0].gateway_onlink and not spec.devices[1].gateway_onlink


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tunnel_interface", "Tunnel0/1", "interface name"),
        ("tunnel_interface", "a-very-long-tunnel-name", "interface name"),
        ("gateway", "10.0.2.2", "gateway"),
        ("name", "wan", "reserved|must match|not be"),
        ("hubs", [], "at least one hub"),
    ],
)
def test_device_validation(field: str, value: Any, message: str) -> None:
    raw = _raw("bgp-ipsec")
    raw["devices"][1][field] = value
    with pytest.raises(ValidationError, match=message):
        ScenarioSpec.model_validate(raw)


def test_unknown_hub_rejected() -> None:
    raw = _raw("bgp-ipsec")
    raw["devices"][1]["hubs"][0]["nbma_address"] = "10.9.9.9"
    with pytest.raises(ValidationError, match="hub NBMA"):
        ScenarioSpec.model_validate(raw)


def test_expect_failures_patterns() -> None:
    spec = load_scenario(FIXTURES / "bad-key" / "lab.json")
    assert spec.expects_failure("registration", "spoke2->hub")
    assert not spec.expects_failure("registration", "spoke1->hub")
    assert spec.device_by_nbma(IPv4Address("10.0.1.2")) is not None


def test_parse_request_accepts_scenario_list_and_request() -> None:
    raw = _raw("ospf-p2mp")
    base = FIXTURES / "ospf-p2mp"
    for form in (raw, [raw], {"scenarios": [raw], "keep": True}):
        req = parse_request(form, base)
        assert req.scenarios[0].devices[0].directory == (base / "hub").resolve()


def test_vici_roundtrip() -> None:
    msg = {"a": "1", "sec": {"k": "v", "inner": {"x": "y"}}, "lst": ["p", "q"], "z": "last"}
    assert decode_message(encode_message(msg)) == msg


def test_nhrp_entries_normalises_rows() -> None:
    data = {
        "attr": {"entriesCount": 1},
        "table": [{"Interface": "gre1", "Type": "dynamic", "Protocol": "1.1.1.1"}],
    }
    assert nhrp_entries(data) == [{"interface": "gre1", "type": "dynamic", "protocol": "1.1.1.1"}]
    assert nhrp_entries({"attr": {"entriesCount": 0}, "table": []}) == []


def test_infer_daemons() -> None:
    conf = (FIXTURES / "bgp-ipsec" / "hub" / "frr.conf").read_text()
    assert infer_daemons(conf) == ["zebra", "bgpd", "nhrpd"]
    conf = (FIXTURES / "ospf-p2mp" / "spoke1" / "frr.conf").read_text()
    assert infer_daemons(conf) == ["zebra", "ospfd", "nhrpd"]
    assert infer_daemons("ip route 10.0.0.0/8 blackhole\n") == ["zebra", "staticd", "nhrpd"]


def _caps(kernel_ok: bool, tools_present: bool) -> Capabilities:
    tools = {t.name: (f"/x/{t.name}" if tools_present else None) for t in LAB_TOOLS + VM_TOOLS}
    return Capabilities(
        is_root=True,
        kernel_release="test",
        kernel_features=dict.fromkeys(("netns", "veth", "gre", "dummy", "xfrm"), kernel_ok),
        tools=tools,
        guest_kernel=Path("/boot/vmlinuz-test") if tools_present else None,
    )


def test_vm_mode_selection() -> None:
    assert choose_mode("auto", _caps(True, True)) == "direct"
    assert choose_mode("auto", _caps(False, True)) == "vm"
    assert choose_mode("never", _caps(False, True)) == "direct"
    assert choose_mode("always", _caps(True, True)) == "vm"


def test_missing_packages_and_apt_line() -> None:
    caps = _caps(False, False)
    apt, pip = caps.missing_packages(vm=True)
    for pkg in (
        "frr",
        "nftables",
        "strongswan-swanctl",
        "qemu-system-x86",
        "busybox-static",
        "file",
        "linux-image-amd64",
    ):
        assert pkg in apt
    assert pip == ["virtme-ng"]
    cmds = caps.install_commands(vm=True)
    assert cmds[0].startswith("DEBIAN_FRONTEND=noninteractive apt-get install -y")
    assert "virtme-ng" in cmds[1]
    assert "apt-get install" in caps.report()


def test_vng_command_runs_guest_with_env() -> None:
    argv = vng_command(
        "/opt/vng", ["/usr/bin/python3", "-m", "iosdmvpn.lab.guest", "/tmp/r.json"],
        kernel=Path("/boot/vmlinuz-x"), env={"PYTHONPATH": "/repo dir"}, cwd=Path("/repo dir"),
    )  # fmt: skip
    assert argv[:4] == ["/opt/vng", "-r", "/boot/vmlinuz-x", "--disable-kvm"]
    assert argv[-1].startswith("cd '/repo dir' && exec env PYTHONPATH='/repo dir' /usr/bin/python3 -m")


def test_parse_result_from_stdout() -> None:
    res = LabResult(mode="vm", scenarios=[ScenarioResult(name="x", passed=True)])
    lines = ["noise", RESULT_MARKER + " " + res.model_dump_json(), ""]
    parsed = parse_result(lines)
    assert parsed is not None and parsed.passed and parsed.scenario("x").passed
    assert parse_result(["nothing"]) is None


def test_big_results_travel_in_chunks() -> None:
    from iosdmvpn.lab.results import RESULT_CHUNK, result_lines

    big = ScenarioResult(name="x", passed=False, logs={"hub/nhrpd.log": "y" * (20 * RESULT_CHUNK)})
    res = LabResult(mode="vm", scenarios=[big])
    lines = result_lines(res)
    assert len(lines) > 10 and all(len(x) < RESULT_CHUNK + 60 for x in lines)
    parsed = parse_result(["noise", *lines[:3], "interleaved guest log", *lines[3:]])
    assert parsed is not None and parsed.scenario("x").logs == big.logs
    assert parse_result(lines[:-1]) is None  # an incomplete result is no result


def test_progress_lines_parse() -> None:
    from iosdmvpn.lab.results import PROGRESS_MARKER, CheckResult, ProgressEvent
    from iosdmvpn.lab.runner import parse_progress

    check = CheckResult(name="ping", subject="a->b", passed=True)
    ev = ProgressEvent(kind="check", scenario="s", check=check)
    line = PROGRESS_MARKER + " " + ev.model_dump_json(exclude_none=True)
    assert parse_progress(line) == ev
    assert parse_progress("[ 1.0] plain log line") is None
    assert parse_progress(PROGRESS_MARKER + " {broken") is None
