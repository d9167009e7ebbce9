"""The seed network (Cisco "DMVPN Hub and Spoke", 2004) and one broken variant per seed rule.

Each variant applies one textual mutation to ``examples/seed-network`` and asserts that the
DMV1xx/DMV2xx rules report exactly the expected findings (file, code, severity, line) when
the three routers are linted together.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pytest
from rules_helpers import ERR, INFO, WARN, line_of, replace_line, seed_findings, seed_texts
from rules_helpers import SEED_FILES as FILES

from iosdmvpn.checks import REGISTRY
from iosdmvpn.diagnostics import Severity

RULES = [r for r in REGISTRY if r.code.startswith(("DMV1", "DMV2"))]
lint = partial(seed_findings, rules=RULES)


def test_seed_files_are_the_reference_design() -> None:
    texts = seed_texts()
    assert "ip nhrp map multicast dynamic" in texts["hub.cfg"]
    for spoke in ("spoke-a.cfg", "spoke-b.cfg"):
        for command in ("ip nhrp map 10.0.0.1 172.17.0.1", "ip nhrp map multicast 172.17.0.1",
                        "ip nhrp nhs 10.0.0.1", "bandwidth 1000", "tunnel mode gre multipoint"):
            line_of(texts[spoke], command)


def test_seed_network_has_no_error_or_warning() -> None:
    texts = seed_texts()
    together = lint(texts)
    assert not {f for f in together if f[2] >= WARN}, together
    for name in FILES:  # also linted alone
        alone = lint(texts, only=name)
        assert not {f for f in alone if f[2] == ERR}, alone


@dataclass(frozen=True)
class Variant:
    """Replace ``old`` (a whole line, stripped) by ``new`` lines in ``file``."""

    id: str
    file: str
    old: str
    new: tuple[str, ...]
    # (code, severity, command whose line is reported, or None for the Tunnel0 header)
    expected: tuple[tuple[str, Severity, str | None], ...]

    def apply(self, texts: dict[str, str]) -> dict[str, str]:
        return {**texts, self.file: replace_line(texts[self.file], self.old, self.new)}


VARIANTS = [
    # P2004: "This is not the default: ip nhrp map multicast dynamic" (hub, IOS 15.4, EIGRP on the tunnel)
    Variant("hub-no-multicast-dynamic", "hub.cfg", "ip nhrp map multicast dynamic", (),
            (("DMV202", ERR, None),)),
    # P2004: spokes must declare the hub as NHS to register
    Variant("spoke-no-nhs", "spoke-a.cfg", "ip nhrp nhs 10.0.0.1", (), (("DMV203", ERR, None),)),
    # P2004: the static map of the hub's tunnel address to its NBMA address
    Variant("spoke-no-static-map", "spoke-b.cfg", "ip nhrp map 10.0.0.1 172.17.0.1", (),
            (("DMV204", ERR, "ip nhrp nhs 10.0.0.1"),)),
    # P2004: "Multicast traffic must be sent to the hub" (EIGRP hellos)
    Variant("spoke-no-multicast-map", "spoke-b.cfg", "ip nhrp map multicast 172.17.0.1", (),
            (("DMV205", ERR, None),)),
    # multicast mapped to an address that is not the hub's NBMA
    Variant("spoke-multicast-map-typo", "spoke-b.cfg", "ip nhrp map multicast 172.17.0.1",
            ("ip nhrp map multicast 172.17.0.99",), (("DMV206", WARN, "ip nhrp map multicast 172.17.0.99"),)),
    # P2004: bandwidth left at its default under EIGRP: "crucial in the hub to spoke direction"
    Variant("hub-bandwidth-default", "hub.cfg", "bandwidth 1000", (), (("DMV108", WARN, None),)),
    # on a 15.4 spoke (100 kbit/s default, one EIGRP neighbour) it is only info
    Variant("spoke-bandwidth-default", "spoke-b.cfg", "bandwidth 1000", (), (("DMV108", INFO, None),)),
    # P2004: "point-to-point GRE interfaces prevent spoke to spoke direct tunneling"; the hub's
    # "no ip next-hop-self eigrp 1" shows spoke-to-spoke intent, so it is a warning
    Variant("spoke-p2p-gre", "spoke-a.cfg", "tunnel mode gre multipoint", ("tunnel destination 172.17.0.1",),
            (("DMV107", WARN, "tunnel destination 172.17.0.1"),)),
    # P2004: "GRE is insecure; ideally, it must be protected" (private NBMA: info)
    Variant("spoke-unprotected", "spoke-b.cfg", "tunnel protection ipsec profile prof", (),
            (("DMV119", INFO, None),)),
    # P2004: spokes with dynamic addresses use "ip nhrp registration no-unique"
    Variant("dynamic-spoke-unique", "spoke-a.cfg", "ip nhrp registration no-unique", (),
            (("DMV213", WARN, None),)),
    # P2004: "In DMVPN, the hub must have a point to mGRE"
    Variant("hub-p2p-gre", "hub.cfg", "tunnel mode gre multipoint", ("tunnel destination 172.16.2.1",),
            (("DMV105", ERR, "tunnel destination 172.16.2.1"),)),
    # IOS-XE: the absent hub line is default-on there, so the same mutation is only info
    Variant("xe-hub-no-multicast-dynamic", "hub.cfg", "ip nhrp map multicast dynamic", (),
            (("DMV202", INFO, None),)),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_seed_variant(variant: Variant) -> None:
    texts = variant.apply(seed_texts())
    if variant.id.startswith("xe-"):
        texts[variant.file] = texts[variant.file].replace("version 15.4", "version 17.3")
    text = texts[variant.file]
    header = line_of(text, "interface Tunnel0")
    expected = {(variant.file, code, severity, line_of(text, cmd) if cmd else header)
                for code, severity, cmd in variant.expected}
    assert lint(texts) == expected


def test_spoke_p2p_gre_alone_is_info() -> None:
    variant = next(v for v in VARIANTS if v.id == "spoke-p2p-gre")
    texts = variant.apply(seed_texts())
    line = line_of(texts["spoke-a.cfg"], "tunnel destination 172.17.0.1")
    assert lint(texts, only="spoke-a.cfg") == {("spoke-a.cfg", "DMV107", INFO, line)}
