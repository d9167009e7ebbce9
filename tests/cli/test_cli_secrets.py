"""No output format ever shows a key, a password or an NHRP authentication string."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import Run

pytestmark = pytest.mark.usefixtures("fake_rules")

Cli = Callable[..., Run]

SECRETS = ("IsakmpS3cret", "KeyringS3cret", "Ikev2LocalS3cret", "Ikev2RemoteS3cret", "nhrpS3cr",
           "EnableS3cret", "UserS3cret", "SnmpS3cret")

CONFIG = """\
hostname vault
enable secret 5 EnableS3cret
username admin password 0 UserS3cret
snmp-server community SnmpS3cret RO
crypto isakmp policy 10
 encryption aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key IsakmpS3cret address 0.0.0.0
crypto keyring KR
 pre-shared-key address 0.0.0.0 0.0.0.0 key KeyringS3cret
crypto ikev2 keyring IKR
 peer ANY
  address 0.0.0.0 0.0.0.0
  pre-shared-key local Ikev2LocalS3cret
  pre-shared-key remote Ikev2RemoteS3cret
crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac
 mode transport
crypto ipsec profile prof
 set transform-set ts
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.0
interface Tunnel0
 ip address 10.0.0.2 255.255.255.0
 ip nhrp authentication nhrpS3cr
 ip nhrp network-id 1
 ip nhrp nhs 10.0.0.1 nbma 203.0.113.1 multicast
 tunnel mode gre multipoint
 tunnel protection ipsec profile prof
"""


@pytest.fixture
def vault(workdir: Path) -> Path:
    path = workdir / "vault.cfg"
    path.write_text(CONFIG)
    return path


def _assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_lint_outputs(cli: Cli, vault: Path, fmt: str) -> None:
    # All rules (real ones point at key lines too) plus the fakes: DMV890 (the tunnel has
    # no source) and DMV891, whose code frame is the `ip nhrp authentication` line.
    run = cli("lint", "--format", fmt, "--select", "ALL", vault)
    assert "DMV891" in run.out
    _assert_clean(run.out + run.err)
    if fmt == "text":
        assert "ip nhrp authentication ********" in run.out


def test_lint_statistics_and_no_source(cli: Cli, vault: Path) -> None:
    _assert_clean(cli("lint", "--statistics", vault).out)
    _assert_clean(cli("lint", "--no-show-source", vault).out)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_parse_outputs(cli: Cli, vault: Path, fmt: str) -> None:
    run = cli("parse", "--format", fmt, vault)
    assert run.code == 0
    _assert_clean(run.out + run.err)


def test_suppression_diagnostics_on_secret_lines(cli: Cli, vault: Path) -> None:
    line = "crypto isakmp key IsakmpS3cret address 0.0.0.0"
    vault.write_text(CONFIG.replace(line, line + " ! iosdmvpn: disable=DMV8x"))
    run = cli("lint", "--select", "DMV9", vault)
    assert "DMV902" in run.out
    _assert_clean(run.out)
