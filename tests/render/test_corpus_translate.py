"""Every corpus configuration translates without a traceback, in every routing mode.

Diagnostics are expected (the corpus is full of templates, typos and EIGRP designs); a
translator crash (DMV643) or an exception is not. ``pytest -s`` prints the DMV6xx codes
seen over the corpus.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from golden import CORPUS

from iosdmvpn.parse import parse_file
from iosdmvpn.render import translate

pytestmark = pytest.mark.corpus
FILES = sorted(CORPUS.glob("*.cfg")) if CORPUS.is_dir() else []
SEEN: Counter[str] = Counter()


@pytest.mark.skipif(not FILES, reason="the shared corpus is not available")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file_translates(path: Path) -> None:
    parsed = parse_file(path)
    for igp in (None, "ospf", "bgp"):
        for ipsec in ("stock", "vici"):
            result = translate([parsed], igp=igp, ipsec_mode=ipsec)  # type: ignore[arg-type]
            assert not [d for d in result.diagnostics if d.code == "DMV643"], path.name
            if igp is None and ipsec == "stock":
                SEEN.update(d.code for d in result.diagnostics if d.code.startswith("DMV6"))
            if not parsed.usable:
                assert not result.files and result.unusable == [str(path)]


@pytest.mark.skipif(not FILES, reason="the shared corpus is not available")
def test_corpus_groups_translate_together() -> None:
    """Files of one lab (``group=`` in SOURCES.tsv) translate as one network."""
    groups: dict[str, list[Path]] = {}
    for line in (CORPUS / "SOURCES.tsv").read_text().splitlines()[1:]:
        cells = line.split("\t")
        for note in cells[-1].split(";"):
            if note.strip().startswith("group="):
                groups.setdefault(note.strip()[6:], []).append(CORPUS / cells[0])
    assert groups
    for members in groups.values():
        parsed = [parse_file(p) for p in members if p.exists()]
        for igp in (None, "bgp"):
            result = translate(parsed, igp=igp)  # type: ignore[arg-type]
            assert not [d for d in result.diagnostics if d.code == "DMV643"]


def test_print_codes_seen() -> None:
    if SEEN:
        print("\nDMV6xx codes over the corpus (IOS routing, stock IPsec):")
        for code, count in sorted(SEEN.items()):
            print(f"  {code}: {count}")
