"""`iosdmvpn parse`: the readable summary and the JSON model."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import Run

Cli = Callable[..., Run]


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the tree wraps at the console width


def test_text_summary(cli: Cli, seed: Path) -> None:
    run = cli("parse", "net/hub.cfg", "net/spoke-a.cfg")
    assert run.code == 0
    out = run.out
    assert "net/hub.cfg  hub  IOS 15.4" in out
    assert "Tunnel0  10.0.0.1/24  (hub)" in out
    assert "tunnel: mode gre multipoint, source GigabitEthernet0/0 (172.17.0.1), key 1" in out
    assert "NHRP: network-id 1, authentication set, holdtime 3600, map multicast dynamic" in out
    assert "crypto: ipsec profile prof -> transform-set ts [esp-aes 256 esp-sha256-hmac, transport]" in out
    assert "-> IKEv1 policies 10: aes 256/sha256/pre-share/group 14" in out
    assert "EIGRP 1: networks 10.0.0.0/0.0.0.255, 192.168.0.0" in out
    assert "static 0.0.0.0/0 via 172.17.0.254" in out
    assert "Coverage: " in out and "modelled" in out and "unrecognized" in out
    assert "Tunnel0  10.0.0.11/24  (spoke)" in out
    assert "NHS 10.0.0.1 nbma 172.17.0.1" in out
    assert "GigabitEthernet0/0  ip dhcp" in out


def test_undefined_references_are_flagged(cli: Cli, seed: Path) -> None:
    hub = seed / "hub.cfg"
    hub.write_text(hub.read_text().replace(" set transform-set ts", " set transform-set missing"))
    assert "transform-set missing (undefined)" in cli("parse", "net/hub.cfg").out


def test_json_model(cli: Cli, seed: Path) -> None:
    run = cli("parse", "--format", "json", "net/hub.cfg")
    assert run.code == 0
    doc = json.loads(run.out)
    assert doc["version"] == 1
    (f,) = doc["files"]
    assert f["path"] == "net/hub.cfg" and f["usable"] is True
    device = f["device"]
    assert device["hostname"] == "hub"
    assert device["coverage"]["modelled"] > 0
    tunnel = next(i for i in device["interfaces"] if i["name"] == "Tunnel0")
    assert tunnel["span"]["path"] == "net/hub.cfg" and tunnel["span"]["line"] == 41
    assert tunnel["nhrp"]["authentication"] == "**********"
    assert device["crypto"]["isakmp_keys"][0]["key"] == "**********"


def test_output_option(cli: Cli, seed: Path, workdir: Path) -> None:
    assert cli("parse", "--format", "json", "-o", "m.json", "net/hub.cfg").out == ""
    assert json.loads((workdir / "m.json").read_text())["files"][0]["device"]["hostname"] == "hub"


def test_parse_diagnostics_are_shown(cli: Cli, workdir: Path) -> None:
    (workdir / "r.cfg").write_text("hostname r\ninterface Tunnel0\n ip address 10.0.0.300 255.255.255.0\n")
    run = cli("parse", "r.cfg")
    assert run.code == 0
    assert "r.cfg:3:" in run.out and "DMV004 invalid-value" in run.out
