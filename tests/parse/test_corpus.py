"""Every real config of ../shared/corpus parses, and no DMVPN line is left unrecognized.

``pytest -s -m corpus tests/parse/test_corpus.py`` prints the coverage per file; with
``-rA`` the summary test's table shows in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from parse_helpers import CORPUS

from iosdmvpn.parse import ParseResult, parse_devices

pytestmark = pytest.mark.corpus

FILES = sorted(CORPUS.glob("*.cfg"))
DMVPN_WORDS = re.compile(r"(?i)\b(nhrp|tunnel|crypto|isakmp|ikev2|ipsec|transform-set)\b")
DMVPN_KINDS = {"isakmp_policy", "isakmp_profile", "keyring", "tset", "ipsec_profile", "ikev2_proposal",
               "ikev2_policy", "ikev2_keyring", "ikev2_peer", "ikev2_profile"}

# Lines known to stay unrecognized, with the reason. Templates (DMV002) are exempt as a
# whole: their values are placeholders and the file is reported unusable.
KNOWN: dict[str, dict[int, str]] = {
    "009-rbannist-azure-spoke-csrseadqa101.cfg": dict.fromkeys(
        range(420, 424), "copy-paste sheet: '<?PIPD01?>' placeholders where the hub NBMA address goes"),
    "023-johnclarkson-ipv6-dmvpn-notes.cfg": {
        3: "lab notes: pasted router output '% NHRP-WARNING: ...'",
        95: "typo in the source: 'ipv6 address FE80::1/2 link-local'",
        96: "typo in the source: 'ipv6 address FC00:20:169:169::1/2/64'",
        107: "typo in the source: 'router-id 123.123.123.1/2/254'",
    },
    "030-nilitaanil-ph2-ospf-4routers.cfg": {49: "typo in the source: 'network ... exitarea 0'"},
    "064-juniorjavier-ikev2-ph3-markdown-guide.cfg": {
        283: "markdown guide: Linux 'ip addr add' in a host's code fence",
        289: "markdown guide: Linux 'ip addr add' in a host's code fence",
    },
}
# Markdown prose lines (headings, tables, quotes, lists, inline code) of guide files.
PROSE = re.compile(r"^\s*(#|\||>|- |\* |`)|`")
PROSE_FILES = {"064-juniorjavier-ikev2-ph3-markdown-guide.cfg"}


@dataclass
class Problem:
    line: int
    text: str
    why: str


@cache
def results(name: str) -> list[ParseResult]:
    return parse_devices(CORPUS / name)


def relevant_unrecognized(result: ParseResult) -> list[Problem]:
    """Unrecognized or rejected lines that matter to a DMVPN."""
    device = result.device
    if device is None:
        return []
    tunnels = [(i.span.line, i.span.end_line) for i in device.interfaces if i.name.startswith("Tunnel")]
    found: dict[int, Problem] = {}
    for u in device.unrecognized:
        in_tunnel = u.context == "if" and any(a <= u.span.line <= b for a, b in tunnels)
        if u.context in DMVPN_KINDS or in_tunnel or DMVPN_WORDS.search(u.text):
            found[u.span.line] = Problem(u.span.line, u.text, f"unrecognized ({u.context})")
    for d in result.diagnostics:
        if d.code in ("DMV003", "DMV004"):
            found.setdefault(d.span.line, Problem(d.span.line, d.message, d.code))
    return [found[k] for k in sorted(found)]


def coverage_row(name: str) -> str:
    rs = results(name)
    modelled = sum(r.device.coverage.modelled for r in rs if r.device is not None)
    ignored = sum(r.device.coverage.ignored for r in rs if r.device is not None)
    unrecognized = sum(r.device.coverage.unrecognized for r in rs if r.device is not None)
    codes = sorted({d.code for r in rs for d in r.diagnostics})
    return (f"{name[:48]:48} routers={len(rs)} modelled={modelled:4} ignored={ignored:4} "
            f"unrecognized={unrecognized:4} {' '.join(codes)}")


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 50, f"expected the shared corpus at {CORPUS}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_parses_and_dmvpn_lines_are_understood(path: Path) -> None:
    rs = results(path.name)
    print(coverage_row(path.name))
    assert rs
    templated = any(d.code == "DMV002" for r in rs for d in r.diagnostics)
    known = KNOWN.get(path.name, {})
    left = []
    for r in rs:
        for problem in relevant_unrecognized(r):
            if templated or problem.line in known:
                continue
            if path.name in PROSE_FILES and PROSE.search(problem.text):
                continue
            left.append(f"{problem.line}: {problem.text} [{problem.why}]")
    assert not left, "DMVPN lines not understood:\n" + "\n".join(left)
    # The known exceptions must still be real, or the list rots.
    for line in known:
        assert any(p.line == line for r in rs for p in relevant_unrecognized(r)), (path.name, line)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_usable_unless_template_or_not_a_config(path: Path) -> None:
    rs = results(path.name)
    codes = {d.code for r in rs for d in r.diagnostics}
    if codes & {"DMV002", "DMV007"}:
        assert not all(r.usable for r in rs)
    else:
        assert all(r.usable and r.device is not None for r in rs), codes


def test_corpus_coverage_summary() -> None:
    rows = [coverage_row(p.name) for p in FILES]
    print("\ncorpus coverage (modelled / ignored by design / unrecognized, all routers of a file):")
    print("\n".join(rows))
    total = [r.device.coverage for p in FILES for r in results(p.name) if r.device is not None]
    modelled, ignored, unrecognized = (sum(getattr(c, f) for c in total)
                                       for f in ("modelled", "ignored", "unrecognized"))
    print(f"TOTAL files={len(FILES)} modelled={modelled} ignored={ignored} unrecognized={unrecognized}")
    templates = sorted(p.name for p in FILES if any(d.code == "DMV002" for r in results(p.name)
                                                       for d in r.diagnostics))
    print("known exceptions: every line of the templates (DMV002, placeholders for values):")
    print("  " + ", ".join(templates))
    print("  and the markdown prose (headings, tables, quotes, inline code) of "
          + ", ".join(sorted(PROSE_FILES)))
    for name, lines in sorted(KNOWN.items()):
        for line, why in sorted(lines.items()):
            print(f"  {name}:{line}: {why}")
    assert modelled > ignored / 2
