"""The seed network (Cisco "DMVPN Hub and Spoke", 2004) against the DMV3xx/DMV4xx rules.

The seed itself must give no error from these rules; each broken variant applies one
textual mutation from the seed's own text (the crypto ipsec profile, ``set
transform-set``, ``mode transport``, ``no ip split-horizon eigrp 1``) and must add exactly
the expected findings (file, code, severity, line) when the three routers are linted
together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iosdmvpn.checks import REGISTRY, run_rules
from iosdmvpn.diagnostics import Severity
from iosdmvpn.model.network import Network
from iosdmvpn.parse import parse_text

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-network"
FILES = ("hub.cfg", "spoke-a.cfg", "spoke-b.cfg")
RULES = [r for r in REGISTRY if r.code.startswith(("DMV3", "DMV4"))]
ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

Finding = tuple[str, str, Severity, int]  # (file, code, severity, line)


def seed_texts() -> dict[str, str]:
    return {name: (SEED / name).read_text(encoding="utf-8") for name in FILES}


def lint(texts: dict[str, str], only: str | None = None) -> set[Finding]:
    names = [only] if only else list(texts)
    devices = []
    for name in names:
        result = parse_text(texts[name], name)
        assert result.device is not None
        devices.append(result.device)
    found = run_rules(Network(devices), RULES)
    assert not [d for d in found if d.code == "DMV999"], found
    return {(d.span.path, d.code, d.severity, d.span.line) for d in found}


def line_of(text: str, command: str) -> int:
    """1-based number of the only line whose stripped text is ``command``."""
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == command]
    assert len(numbers) == 1, (command, numbers)
    return numbers[0]


def remove_line(text: str, command: str) -> str:
    line_of(text, command)
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() != command)


def baseline(texts: dict[str, str]) -> set[Finding]:
    """What the seed itself gets: the wildcard key (DMV308) and its clear-text storage (DMV317), info only."""
    found: set[Finding] = set()
    for name, text in texts.items():
        key = line_of(text, "crypto isakmp key DMVPNkey address 0.0.0.0")
        found |= {(name, "DMV308", INFO, key), (name, "DMV317", INFO, key)}
    return found


def test_seed_crypto_and_routing_as_in_the_reference_design() -> None:
    texts = seed_texts()
    for text in texts.values():
        for command in ("crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac", "mode transport",
                        "crypto ipsec profile prof", "set transform-set ts",
                        "tunnel protection ipsec profile prof"):
            line_of(text, command)
    line_of(texts["hub.cfg"], "no ip split-horizon eigrp 1")


def test_seed_network_has_no_error_from_crypto_or_routing_rules() -> None:
    texts = seed_texts()
    found = lint(texts)
    assert not [f for f in found if f[2] >= WARN], found
    assert found == baseline(texts)


@pytest.mark.parametrize("name", FILES)
def test_each_seed_router_alone_has_no_error(name: str) -> None:
    texts = seed_texts()
    found = lint(texts, only=name)
    assert not [f for f in found if f[2] is ERR], found
    assert found == {f for f in baseline(texts) if f[0] == name}


def test_variant_without_the_crypto_ipsec_profile() -> None:
    texts = seed_texts()
    hub = remove_line(remove_line(texts["hub.cfg"], "crypto ipsec profile prof"), "set transform-set ts")
    texts["hub.cfg"] = hub
    protection = line_of(hub, "tunnel protection ipsec profile prof")
    expected = baseline(texts) | {("hub.cfg", "DMV301", ERR, protection)}
    assert lint(texts) == expected


def test_variant_without_set_transform_set() -> None:
    texts = seed_texts()
    hub = remove_line(texts["hub.cfg"], "set transform-set ts")
    texts["hub.cfg"] = hub
    expected = baseline(texts) | {("hub.cfg", "DMV302", WARN, line_of(hub, "crypto ipsec profile prof"))}
    assert lint(texts) == expected


def test_variant_with_tunnel_mode_transform_sets() -> None:
    texts = {name: text.replace(" mode transport\n", " mode tunnel\n") for name, text in seed_texts().items()}
    # No NAT in the seed (the hub's NBMA 172.17.0.1 is private too): a warning, not an error.
    expected = baseline(texts) | {(name, "DMV303", WARN, line_of(text, "mode tunnel"))
                                  for name, text in texts.items()}
    assert lint(texts) == expected


def test_variant_with_split_horizon_on_the_hub() -> None:
    texts = seed_texts()
    hub = remove_line(texts["hub.cfg"], "no ip split-horizon eigrp 1")
    texts["hub.cfg"] = hub
    expected = baseline(texts) | {("hub.cfg", "DMV401", ERR, line_of(hub, "interface Tunnel0"))}
    assert lint(texts) == expected
    # The hub linted alone is still a hub (mGRE, registers nowhere): the same error.
    assert ("hub.cfg", "DMV401", ERR, line_of(hub, "interface Tunnel0")) in lint(texts, only="hub.cfg")
