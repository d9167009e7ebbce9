"""The seed network (examples/seed-network) broken one way at a time: exact DMV5xx codes at exact lines.

The unbroken seed (hub, spoke-a, spoke-b: the 2004 reference design) yields no DMV5xx
finding at all. Each variant edits one or two lines of one device, and the network rules
must report exactly the expected codes, each at the edited line, with a related span on
the hub (or the other spoke) involved.
"""

from __future__ import annotations

import pytest
import rules_helpers
from rules_helpers import ERR, INFO, lint_network, parse_network

from iosdmvpn.checks import REGISTRY
from iosdmvpn.diagnostics import Diagnostic, Severity

Edit = tuple[str, str, str]  # (device, old line, new line)
# (code, severity, device, text of the line it points at, device of a related span)
Expected = tuple[str, Severity, str, str, str]


def seed_texts() -> dict[str, str]:
    """The seed configs by device name (hub, spoke-a, spoke-b)."""
    return {name.removesuffix(".cfg"): text for name, text in rules_helpers.seed_texts().items()}


def lint(texts: dict[str, str], complete: bool = False) -> list[Diagnostic]:
    net = parse_network(((f"{name}.cfg", text) for name, text in texts.items()), complete=complete)
    found = lint_network(net, [r for r in REGISTRY if r.code.startswith("DMV5")])
    return sorted(found, key=Diagnostic.sort_key)


def apply(edits: list[Edit]) -> dict[str, str]:
    texts = seed_texts()
    for name, old, new in edits:
        assert texts[name].count(f"\n{old}\n") == 1, (name, old)
        texts[name] = texts[name].replace(f"\n{old}\n", f"\n{new}\n")
    return texts


def line_of(text: str, line: str) -> int:
    return rules_helpers.line_of(text, line, exact=True)


VARIANTS: dict[str, tuple[list[Edit], bool, list[Expected]]] = {
    # The NHS and its static map now name 10.0.0.99, but the NBMA is still the hub's: certainly wrong.
    "nhs-address-and-map": (
        [("spoke-a", " ip nhrp map 10.0.0.1 172.17.0.1", " ip nhrp map 10.0.0.99 172.17.0.1"),
         ("spoke-a", " ip nhrp nhs 10.0.0.1", " ip nhrp nhs 10.0.0.99")],
        False,
        [("DMV505", ERR, "spoke-a", " ip nhrp nhs 10.0.0.99", "hub")]),
    # Only the NHS line changed: without an NBMA for 10.0.0.99 it is wrong only if the input is complete.
    "nhs-address-incomplete-input": (
        [("spoke-a", " ip nhrp nhs 10.0.0.1", " ip nhrp nhs 10.0.0.99")], False, []),
    "nhs-address-complete-input": (
        [("spoke-a", " ip nhrp nhs 10.0.0.1", " ip nhrp nhs 10.0.0.99")],
        True,
        [("DMV505", ERR, "spoke-a", " ip nhrp nhs 10.0.0.99", "hub")]),
    # spoke-a registers to spoke-b: a spoke, not a hub (complete input).
    "nhs-is-another-spoke": (
        [("spoke-a", " ip nhrp map 10.0.0.1 172.17.0.1", " ip nhrp map 10.0.0.12 172.16.2.1"),
         ("spoke-a", " ip nhrp nhs 10.0.0.1", " ip nhrp nhs 10.0.0.12")],
        True,
        [("DMV505", ERR, "spoke-a", " ip nhrp nhs 10.0.0.12", "spoke-b")]),
    # spoke-b's map for the hub (and its multicast map) use a wrong hub NBMA; EIGRP runs: error.
    "hub-nbma": (
        [("spoke-b", " ip nhrp map 10.0.0.1 172.17.0.1", " ip nhrp map 10.0.0.1 172.17.0.99"),
         ("spoke-b", " ip nhrp map multicast 172.17.0.1", " ip nhrp map multicast 172.17.0.99")],
        False,
        [("DMV504", ERR, "spoke-b", " ip nhrp map 10.0.0.1 172.17.0.99", "hub"),
         ("DMV506", ERR, "spoke-b", " ip nhrp map multicast 172.17.0.99", "hub")]),
    "tunnel-key": (
        [("spoke-b", " tunnel key 1", " tunnel key 2")],
        False,
        [("DMV502", ERR, "spoke-b", " tunnel key 2", "hub")]),
    # spoke-b copies spoke-a's tunnel address: the later one in the input is reported.
    "duplicate-tunnel-address": (
        [("spoke-b", " ip address 10.0.0.12 255.255.255.0", " ip address 10.0.0.11 255.255.255.0")],
        False,
        [("DMV507", ERR, "spoke-b", " ip address 10.0.0.11 255.255.255.0", "spoke-a")]),
    "nhrp-authentication": (
        [("spoke-b", " ip nhrp authentication nhrpkey", " ip nhrp authentication otherkey")],
        False,
        [("DMV503", ERR, "spoke-b", " ip nhrp authentication otherkey", "hub")]),
    "pre-shared-key": (
        [("spoke-b", "crypto isakmp key DMVPNkey address 0.0.0.0",
          "crypto isakmp key OTHERkey address 0.0.0.0")],
        False,
        [("DMV514", ERR, "spoke-b", "crypto isakmp key OTHERkey address 0.0.0.0", "hub")]),
    "isakmp-group": (
        [("spoke-b", " group 14", " group 19")],
        False,
        [("DMV512", ERR, "spoke-b", "crypto isakmp policy 10", "hub")]),
    "transform-set": (
        [("spoke-b", "crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac",
          "crypto ipsec transform-set ts esp-aes 128 esp-sha-hmac")],
        False,
        [("DMV513", ERR, "spoke-b", "crypto ipsec transform-set ts esp-aes 128 esp-sha-hmac", "hub")]),
    "no-protection": (
        [("spoke-b", " tunnel protection ipsec profile prof", "!")],
        False,
        [("DMV517", ERR, "spoke-b", "interface Tunnel0", "hub")]),
    "network-id": (
        [("spoke-a", " ip nhrp network-id 1", " ip nhrp network-id 2")],
        False,
        [("DMV501", INFO, "spoke-a", " ip nhrp network-id 2", "hub")]),
    "bandwidth": (
        [("spoke-a", " bandwidth 1000", " bandwidth 100")],
        False,
        [("DMV509", INFO, "spoke-a", " bandwidth 100", "hub")]),
}


def test_seed_network_is_clean() -> None:
    assert lint(seed_texts()) == []
    assert lint(seed_texts(), complete=True) == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_seed_variant(variant: str) -> None:
    edits, complete, expected = VARIANTS[variant]
    texts = apply(edits)
    found = lint(texts, complete=complete)
    got = [(d.code, d.severity, d.span.path, d.span.line) for d in found]
    want = [(code, sev, f"{dev}.cfg", line_of(texts[dev], line)) for code, sev, dev, line, _ in expected]
    assert got == want, [(d.code, d.span, d.message) for d in found]
    for d, (*_, related_dev) in zip(found, expected, strict=True):
        assert any(r.span.path == f"{related_dev}.cfg" for r in d.related), d.related
        assert "Key" not in d.message and "otherkey" not in d.message and "nhrpkey" not in d.message
