"""The shortcuts the parser takes for speed give the objects and output of the plain way."""

from __future__ import annotations

import gc
import io
import json
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest
from parse_helpers import CORPUS, REPO, model_spans
from pydantic import ValidationError

import iosdmvpn.parse as parse_module
from iosdmvpn.cli import main
from iosdmvpn.parse import keeping, parse_file, parse_text
from iosdmvpn.parse.structure import Structure
from iosdmvpn.parse.transform import Token, to_ipv4, to_ipv4_network, token_class
from iosdmvpn.report.json import render_parse
from iosdmvpn.source import Span, span_of

FILES = sorted(CORPUS.glob("*.cfg"))[:12] + sorted(REPO.glob("examples/*/*.cfg"))


# ------------------------------------------------------------------ spans


def test_span_of_is_the_validated_span() -> None:
    made = span_of("a.cfg", 3, 2, 4, 9)
    validated = Span(path="a.cfg", line=3, column=2, end_line=4, end_column=9)
    assert type(made) is Span
    assert made == validated and hash(made) == hash(validated)
    assert made.__dict__ == validated.__dict__
    assert list(made.__dict__) == list(validated.__dict__)
    assert made.model_fields_set == validated.model_fields_set
    assert made.__pydantic_extra__ == validated.__pydantic_extra__ is None
    assert made.__pydantic_private__ == validated.__pydantic_private__ is None
    assert made.model_dump_json() == validated.model_dump_json()
    assert repr(made) == repr(validated) and str(made) == str(validated)
    assert Span.of("a.cfg", 3, 2, 4, 9) == made
    with pytest.raises(ValidationError):
        made.line = 5  # type: ignore[misc]  # still frozen


def test_span_copies_do_not_share_a_changed_fields_set() -> None:
    made = span_of("a.cfg", 1, 1, 1, 2)
    other = span_of("b.cfg", 1, 1, 1, 2)
    copied = made.model_copy(update={"line": 7})
    assert copied.line == 7 and made.line == 1
    assert other.model_fields_set == made.model_fields_set == set(Span.model_fields)


def test_span_of_validates_what_is_not_plain() -> None:
    validated = Span(path="a.cfg", line=True, column=1, end_line=1, end_column=1)
    assert span_of("a.cfg", True, 1, 1, 1) == validated
    with pytest.raises(ValidationError):
        span_of(Path("a.cfg"), 1, 1, 1, 1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Span.whole_file(Path("a.cfg"))  # type: ignore[arg-type]


def test_model_spans_are_plain_spans() -> None:
    result = parse_file(REPO / "examples" / "seed-network" / "hub.cfg")
    assert result.device is not None
    found = model_spans(result.device)
    assert len(found) > 50
    for span in found:
        again = Span.model_validate(span.model_dump())
        assert span == again and span.model_fields_set == again.model_fields_set


# ------------------------------------------------------------------ tokens and values


def test_tokens_carry_type_and_index_in_their_class() -> None:
    token = Token("10.0.0.1", "WORD", 3)
    assert token == "10.0.0.1" and isinstance(token, str) and isinstance(token, Token)
    assert (token.type, token.word) == ("WORD", 3)
    assert type(token) is token_class("WORD", 3)
    assert type(str(token)) is str and type(" ".join([token])) is str
    other = Token("x", "NO", 0)
    assert (other.type, other.word) == ("NO", 0) and (token.type, token.word) == ("WORD", 3)
    with pytest.raises(AttributeError):
        token.type = "X"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["10.1.2.3", "0.0.0.0", "255.255.255.255", "010.1.1.1", "1.2.3.256", "1.2.3",
                                  "\uff11.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3"])
def test_addresses_read_as_ipaddress_reads_them(text: str) -> None:
    try:
        expected: IPv4Address | None = IPv4Address(text)
    except ValueError:
        expected = None
    try:
        got: IPv4Address | None = to_ipv4(Token(text, "WORD", 2))
    except Exception:
        got = None
    assert got == expected
    mask = Token("255.255.0.0", "WORD", 3)
    try:
        network: IPv4Network | None = to_ipv4_network(Token(text, "WORD", 2), mask)
    except Exception:
        network = None
    assert network == (None if expected is None else IPv4Network((int(expected), 16), strict=False))


# ------------------------------------------------------------------ keeping trees


def test_keeping_hands_over_the_trees_and_changes_nothing() -> None:
    text = (REPO / "examples" / "seed-network" / "hub.cfg").read_text(encoding="utf-8")
    plain = parse_text(text, "hub.cfg")
    kept: list[object] = []
    with keeping(kept):
        held = parse_text(text, "hub.cfg")
    assert len(kept) == 1 and isinstance(kept[0], Structure)
    assert plain.device is not None and held.device is not None
    assert plain.device.model_dump_json() == held.device.model_dump_json()
    assert parse_module._KEEP is None
    parse_text(text, "hub.cfg")
    assert len(kept) == 1  # outside the block: freed as before


def test_keeping_nests() -> None:
    outer: list[object] = []
    inner: list[object] = []
    with keeping(outer):
        with keeping(inner):
            parse_text("hostname R1\n", "a.cfg")
        parse_text("hostname R2\n", "b.cfg")
    assert len(inner) == 1 and len(outer) == 1


def test_keeping_from_a_size_on_frees_small_trees() -> None:
    # The lint CLI keeps only large files' trees: a network of small files must not pile up.
    kept: list[object] = []
    small = "hostname R1\ninterface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n"
    routes = (f"ip route 192.168.{n // 256}.{n % 256} 255.255.255.255 Null0\n" for n in range(600))
    large = small + "".join(routes)
    with keeping(kept, min_lines=500):
        parse_text(small, "small.cfg")
        assert kept == []
        parse_text(large, "large.cfg")
    assert len(kept) == 1 and isinstance(kept[0], Structure) and len(kept[0].text_lines) > 500
    assert parse_module._KEEP_MIN_LINES == 0  # restored


# ------------------------------------------------------------------ JSON output


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_parse_json_bytes_path_is_the_text_path(path: Path) -> None:
    results = [parse_file(path)]
    text = io.StringIO()  # not a TextIOWrapper: devices go through model_dump_json()
    render_parse(results, text)
    raw = io.BytesIO()
    wrapper = io.TextIOWrapper(raw, encoding="utf-8", newline="")  # devices go as bytes to the buffer
    render_parse(results, wrapper)
    wrapper.flush()
    assert raw.getvalue() == text.getvalue().encode("utf-8")
    json.loads(text.getvalue())


def test_parse_json_other_encodings_go_through_the_text_layer() -> None:
    results = [parse_text("hostname R\u00e9\ninterface Tunnel0\n description caf\u00e9\n", "a.cfg")]
    reference = io.StringIO()
    render_parse(results, reference)
    for encoding in ("utf-8-sig", "latin-1", "utf-16"):
        raw = io.BytesIO()
        wrapper = io.TextIOWrapper(raw, encoding=encoding, newline="")
        render_parse(results, wrapper)
        wrapper.flush()
        assert raw.getvalue() == reference.getvalue().encode(encoding)
    raw = io.BytesIO()
    ascii_out = io.TextIOWrapper(raw, encoding="ascii", newline="")
    with pytest.raises(UnicodeEncodeError):
        render_parse(results, ascii_out)
        ascii_out.flush()


# ------------------------------------------------------------------ the CLI run


def test_cli_parse_leaves_the_collector_as_it_found_it(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "hub.cfg"
    config.write_text((REPO / "examples" / "seed-network" / "hub.cfg").read_text(encoding="utf-8"),
                      encoding="utf-8")
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert main(["parse", "--format", "json", str(config)]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    document = json.loads(capsys.readouterr().out)
    assert document["files"][0]["device"]["hostname"]
    assert parse_module._KEEP is None
