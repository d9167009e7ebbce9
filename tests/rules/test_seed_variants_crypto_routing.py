"""The seed network (Cisco "DMVPN Hub and Spoke", 2004) against the DMV3xx/DMV4xx rules.

The seed itself must give no error from these rules; each broken variant applies one
textual mutation from the seed's own text (the crypto ipsec profile, ``set
transform-set``, ``mode transport``, ``no ip split-horizon eigrp 1``) and must add exactly
the expected findings (file, code, severity, line) when the three routers are linted
together.
"""

from __future__ import annotations

from functools import partial

import pytest
from rules_helpers import ERR, INFO, WARN, SeedFinding, line_of, seed_findings, seed_texts, seed_without
from rules_helpers import SEED_FILES as FILES

from iosdmvpn.checks import REGISTRY

RULES = [r for r in REGISTRY if r.code.startswith(("DMV3", "DMV4"))]
lint = partial(seed_findings, rules=RULES)


def baseline(texts: dict[str, str]) -> set[SeedFinding]:
    """What the seed itself gets: the wildcard key (DMV308) and its clear-text storage (DMV317), info only."""
    found: set[SeedFinding] = set()
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
    texts = seed_without("hub.cfg", "crypto ipsec profile prof", "set transform-set ts")
    hub = texts["hub.cfg"]
    protection = line_of(hub, "tunnel protection ipsec profile prof")
    expected = baseline(texts) | {("hub.cfg", "DMV301", ERR, protection)}
    assert lint(texts) == expected


def test_variant_without_set_transform_set() -> None:
    texts = seed_without("hub.cfg", "set transform-set ts")
    hub = texts["hub.cfg"]
    expected = baseline(texts) | {("hub.cfg", "DMV302", WARN, line_of(hub, "crypto ipsec profile prof"))}
    assert lint(texts) == expected


def test_variant_with_tunnel_mode_transform_sets() -> None:
    texts = {name: text.replace(" mode transport\n", " mode tunnel\n") for name, text in seed_texts().items()}
    # No NAT in the seed (the hub's NBMA 172.17.0.1 is private too): a warning, not an error.
    expected = baseline(texts) | {(name, "DMV303", WARN, line_of(text, "mode tunnel"))
                                  for name, text in texts.items()}
    assert lint(texts) == expected


def test_variant_with_split_horizon_on_the_hub() -> None:
    texts = seed_without("hub.cfg", "no ip split-horizon eigrp 1")
    hub = texts["hub.cfg"]
    expected = baseline(texts) | {("hub.cfg", "DMV401", ERR, line_of(hub, "interface Tunnel0"))}
    assert lint(texts) == expected
    # The hub linted alone is still a hub (mGRE, registers nowhere): the same error.
    assert ("hub.cfg", "DMV401", ERR, line_of(hub, "interface Tunnel0")) in lint(texts, only="hub.cfg")
