"""Hostile names and texts never inject anything: they are refused with a diagnostic or dropped.

The same outputs also go through the real tools in ``test_realtools.py``.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest
from hostile import PAYLOADS, VARIANTS, hostile_results

from iosdmvpn.cli import main
from iosdmvpn.render import translate
from iosdmvpn.render.env import UnsafeValue
from iosdmvpn.render.frr import render_node
from iosdmvpn.render.plan import NhrpSettings, NodePlan, Role, TunnelPlan


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return translate(hostile_results(), ipsec_mode="vici")


def _codes_for(result, variant: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {d.code for d in result.diagnostics if d.span.path == f"hostile-{variant}.cfg"}


def test_no_payload_reaches_any_config_file(result) -> None:  # type: ignore[no-untyped-def]
    assert result.files
    for rel, (text, _) in result.files.items():
        if rel.endswith("README.md"):
            # Documentation may name what was refused, but never carries shell syntax.
            assert "$(" not in text and "`reboot`" not in text and "{evil}" not in text, rel
            continue
        if rel.endswith("swanctl.conf"):
            # The strongSwan translator echoes IOS names in '#' comments only (no shell reads it).
            for line in text.splitlines():
                if any(p in line for p in PAYLOADS):
                    assert line.strip().startswith("#"), f"{rel}: {line!r}"
            continue
        for payload in PAYLOADS:
            assert payload not in text, f"{payload!r} leaked into {rel}"


def test_no_control_characters_anywhere(result) -> None:  # type: ignore[no-untyped-def]
    for rel, (text, _) in result.files.items():
        assert all(c == "\n" or " " <= c <= "~" for c in text), rel


@pytest.mark.parametrize("variant", ["hostname", "hostname-quotes", "hostname-braces"])
def test_unsafe_hostname_refuses_the_device(result, variant: str) -> None:  # type: ignore[no-untyped-def]
    assert "DMV601" in _codes_for(result, variant)
    hostile = VARIANTS[variant]["hostname"]
    assert not any(rel.startswith(hostile) for rel in result.files)
    assert result.blocking


@pytest.mark.parametrize("variant", ["tunnel-name", "source-name"])
def test_unsafe_interface_names_refuse_the_tunnel(result, variant: str) -> None:  # type: ignore[no-untyped-def]
    codes = _codes_for(result, variant)
    assert {"DMV601", "DMV619"} <= codes
    host = VARIANTS[variant]["hostname"]
    assert not any(rel.startswith(f"{host}/") for rel in result.files)


def test_unsafe_description_is_replaced(result) -> None:  # type: ignore[no-untyped-def]
    assert "DMV640" in _codes_for(result, "description")
    frr = result.files["spoke5/frr.conf"][0]
    assert " description DMVPN spoke (from Cisco interface Tunnel0)" in frr


def test_unsafe_profile_name_never_reaches_frr(result) -> None:  # type: ignore[no-untyped-def]
    frr = result.files["spoke6/frr.conf"][0]
    # The name comes from the strongSwan plan (or the safe fallback), never from the IOS profile name.
    assert "tunnel protection vici profile dmvpn-Tunnel0" in frr or \
        "tunnel protection vici profile dmvpn-gre-tunnel0" in frr
    assert "evil" not in frr and "reboot" not in frr


def test_unsafe_lan_peer_group_area_are_dropped(result) -> None:  # type: ignore[no-untyped-def]
    assert {"DMV642", "DMV627", "DMV628"} <= _codes_for(result, "lan-name")
    assert "DMV627" in _codes_for(result, "peer-group")
    assert "DMV622" in _codes_for(result, "area")
    assert "spoke10/frr.conf" in result.files and "spoke11/frr.conf" in result.files


def test_unsafe_nbma_name_is_dropped(result) -> None:  # type: ignore[no-untyped-def]
    assert "DMV601" in _codes_for(result, "clean-hub")
    assert "evil.example" not in result.files["hub/frr.conf"][0]


def test_finalize_guard_stops_a_lowering_bug() -> None:
    """Even if lowering let a bad string through, the template environment refuses it."""
    tunnel = TunnelPlan(ios_name="Tunnel0", ifname="gre-tunnel0", role=Role.HUB, description='x"; reboot',
                        underlay="eth0", address=IPv4Address("10.0.0.1"), subnet=IPv4Network("10.0.0.0/24"),
                        nhrp=NhrpSettings(network_id=1))
    plan = NodePlan(hostname="hub", source_name="hub.cfg", role=Role.HUB, tunnels=(tunnel,))
    with pytest.raises(UnsafeValue):
        render_node(plan)


@pytest.mark.parametrize("mapping", ["Tunnel0=gre$(reboot)", "Tunnel0=a;b", "Tunnel0=averyveryverylongname",
                                     "Tunnel0", "=eth0"])
def test_unsafe_interface_map_is_a_usage_error(mapping: str, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "hub.cfg"
    config.write_text("hostname hub\n")
    code = main(["translate", str(config), "-o", str(tmp_path / "out"), "--interface-map", mapping])
    assert code == 2
    assert "--interface-map" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
