"""Properties of the parser on arbitrary text and on mutated real configs.

Never an exception; every span inside the text; the same input always gives the same
model and diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parse_helpers import CORPUS, REPO, model_spans

import iosdmvpn.parse as parse_module
from iosdmvpn.parse import ParseResult, parse_bytes, parse_text, parse_text_devices
from iosdmvpn.parse.shapes import Grammar, ShapeCache, grammar_path
from iosdmvpn.source import Span

SOURCES = sorted(CORPUS.glob("*.cfg")) + sorted((REPO / "examples" / "seed-network").glob("*.cfg"))
TEXTS = [p.read_text(encoding="utf-8", errors="replace") for p in SOURCES]

# Words the grammar cares about, so random text reaches the interesting paths.
VOCAB = ["interface", "Tunnel0", "int", "tun", "0", "ip", "ipv6", "nhrp", "nhs", "map", "multicast",
         "dynamic", "nbma", "priority", "cluster", "network-id", "authentication", "address", "10.0.0.1",
         "255.255.255.0", "192.0.2.1", "2001:db8::1/64", "tunnel", "source", "mode", "gre", "multipoint",
         "protection", "ipsec", "profile", "shared", "crypto", "isakmp", "ikev2", "policy", "key",
         "keyring", "peer", "pre-shared-key", "transform-set", "esp-aes", "256", "router", "eigrp",
         "ospf", "bgp", "neighbor", "remote-as", "address-family", "af-interface", "no", "exit", "end",
         "!", "banner", "motd", "^C", "\x03", "#", "hostname", "R1", "{{", "}}", "quit", "certificate",
         "chain", "pki", "route", "listen", "range", "split-horizon", "redirect", "shortcut", "set",
         "pfs", "group14", "99999999999", "-1", "a.b.c.d"]


@pytest.fixture(scope="module", autouse=True)
def _private_shape_cache() -> Iterator[None]:
    # Random shapes must not end up in the user's cache file.
    cache = ShapeCache(Grammar(grammar_path().read_text(encoding="utf-8")), persist=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parse_module, "shape_cache", lambda: cache)
        yield


line_text = st.lists(st.sampled_from(VOCAB) | st.text(max_size=6), max_size=8).map(" ".join)
indented = st.tuples(st.sampled_from(["", " ", "  ", "\t", "   "]), line_text).map("".join)
config_text = st.lists(indented, max_size=30).map("\n".join)


def spans_of(result: ParseResult) -> list[Span]:
    found = [d.span for d in result.diagnostics]
    if result.device is not None:
        found += model_spans(result.device)
    return found


def check(text: str) -> None:
    first = parse_text(text, "p.cfg")
    lines = text.splitlines()
    for span in spans_of(first):
        assert span.path == "p.cfg"
        assert 1 <= span.line <= max(1, len(lines)), span
        assert span.line <= span.end_line <= max(1, len(lines)), span
        assert span.column >= 1 and span.end_column >= 1, span
        if span.line == span.end_line and lines:
            assert span.column <= span.end_column <= len(lines[span.line - 1].replace("\x03", "^C")) + 1, (
                span, lines[span.line - 1])
    again = parse_text(text, "p.cfg")
    assert dump(first) == dump(again)
    for result in parse_text_devices(text, "p.cfg"):
        assert result.path == "p.cfg"


def dump(result: ParseResult) -> str:
    model = result.device.model_dump_json() if result.device is not None else "null"
    return model + "".join(d.model_dump_json() for d in result.diagnostics)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config_text)
def test_arbitrary_config_like_text(text: str) -> None:
    check(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_text(text: str) -> None:
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    result = parse_bytes(data, "stdin")
    assert result.usable == (result.device is not None and not any(
        d.code in ("DMV001", "DMV002", "DMV007") for d in result.diagnostics))


OPS = ["delete", "duplicate", "truncate", "flip", "indent", "dedent", "swap", "insert"]
MUTATIONS = st.lists(st.tuples(st.sampled_from(OPS), st.integers(min_value=0, max_value=10**6),
                               st.integers(min_value=0, max_value=255), line_text),
                     min_size=1, max_size=12)


def mutate(text: str, ops: list[tuple[str, int, int, str]]) -> str:
    lines = text.splitlines(keepends=True)
    for op, where, byte, extra in ops:
        if not lines:
            lines = [extra + "\n"]
        i = where % len(lines)
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "truncate":
            lines[i] = line[: where % (len(line) + 1)]
        elif op == "flip" and line:
            k = where % len(line)
            lines[i] = line[:k] + chr(byte) + line[k + 1:]
        elif op == "indent":
            lines[i] = " " * (1 + byte % 4) + line
        elif op == "dedent":
            lines[i] = line.lstrip()
        elif op == "swap":
            j = byte % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, extra + "\n")
    return "".join(lines)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(TEXTS))), MUTATIONS)
def test_mutated_corpus_files(index: int, ops: list[tuple[str, int, int, str]]) -> None:
    check(mutate(TEXTS[index], ops))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(len(TEXTS))), st.integers(min_value=0, max_value=10**6))
def test_corpus_files_cut_anywhere(index: int, cut: int) -> None:
    text = TEXTS[index]
    check(text[: cut % (len(text) + 1)])


def test_sources_found() -> None:
    assert len(SOURCES) > 50 and all(isinstance(p, Path) for p in SOURCES)
