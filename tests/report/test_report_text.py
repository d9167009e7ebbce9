"""The text report: header line, code frames, related frames, help, summary, colour, redaction."""

from __future__ import annotations

import io

import pytest
from rich.text import Text

from iosdmvpn.diagnostics import Diagnostic, Related, Severity
from iosdmvpn.report import text
from iosdmvpn.report.result import LintResult
from iosdmvpn.source import SourceFile, Span

CONFIG = """\
hostname r1
interface Tunnel0
 description lab
 ip nhrp authentication S3cretKey
 ip nhrp network-id 1
 tunnel key 7
!
"""


def _render(d: Diagnostic, **kw: object) -> str:
    lines = text.render_diagnostic(d, {"r1.cfg": SourceFile("r1.cfg", CONFIG)}, **kw)  # type: ignore[arg-type]
    out = io.StringIO()
    console = text.make_console(out)
    for line in lines:
        console.print(line)
    return out.getvalue()


def _diag(line: int, col: int, end: int, **kw: object) -> Diagnostic:
    span = Span(path="r1.cfg", line=line, column=col, end_line=line, end_column=end)
    return Diagnostic(code="DMV890", name="fake", severity=Severity.WARNING, message="msg", span=span,
                      **kw)  # type: ignore[arg-type]


def test_frame_with_stanza_header_and_carets() -> None:
    out = _render(_diag(6, 2, 14, help="do this"))
    assert out == (
        "r1.cfg:6:2: warning DMV890 fake: msg\n"
        "  |\n"
        "2 | interface Tunnel0\n"
        ". |\n"
        "4 |  ip nhrp authentication ********\n"
        "5 |  ip nhrp network-id 1\n"
        "6 |  tunnel key 7\n"
        "  |  ^^^^^^^^^^^^\n"
        "7 | !\n"
        "   = help: do this\n"
    )


def test_carets_follow_the_redacted_line() -> None:
    # The span is the word after the secret: the mask is shorter than the key.
    out = _render(_diag(4, 2, 34))
    assert "4 |  ip nhrp authentication ********\n  |  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n" in out
    assert "S3cretKey" not in out
    # A span ending inside the secret still covers the whole mask; one on the key alone too.
    assert "  |  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n" in _render(_diag(4, 2, 30))
    assert "  | " + " " * 24 + "^" * 8 + "\n" in _render(_diag(4, 25, 34))


def test_related_and_no_source() -> None:
    rel = Related(span=Span(path="r1.cfg", line=2, column=1, end_line=2, end_column=18), message="the tunnel")
    out = _render(_diag(6, 2, 14, related=(rel,)))
    assert "   = note: r1.cfg:2:1: the tunnel\n" in out
    assert "     2 | interface Tunnel0\n" in out
    bare = _render(_diag(6, 2, 14, related=(rel,)), show_source=False)
    assert bare == "r1.cfg:6:2: warning DMV890 fake: msg\n   = note: r1.cfg:2:1: the tunnel\n"


def _related_on(lines: range, path: str = "r1.cfg") -> tuple[Related, ...]:
    return tuple(Related(span=Span(path=path, line=n, column=1, end_line=n, end_column=2), message=f"see {n}")
                 for n in lines)


def test_related_notes_past_the_limit_are_counted_with_their_lines() -> None:
    d = _diag(6, 2, 14, related=_related_on(range(1, 8)))
    out = _render(d, show_source=False)
    drawn = [line for line in out.splitlines() if line.startswith("   = note: r1.cfg:")]
    assert [line.split(":")[2] for line in drawn] == ["1", "2", "3"]
    assert out.splitlines()[-1] == ("   = note: and 4 more at lines 4, 5, 6, 7 "
                                    "(--max-related 0 shows them all)")
    everything = _render(d, show_source=False, max_related=0)
    assert everything.count("   = note: r1.cfg:") == 7 and "more at" not in everything


def test_hidden_related_notes_list_at_most_eight_places_and_name_other_files() -> None:
    many = _render(_diag(6, 2, 14, related=_related_on(range(1, 14)) + _related_on(range(2, 3), "hub.cfg")),
                   show_source=False, max_related=1)
    assert many.splitlines()[-1] == ("   = note: and 13 more at r1.cfg:2, r1.cfg:3, r1.cfg:4, r1.cfg:5, "
                                     "r1.cfg:6, r1.cfg:7, r1.cfg:8, r1.cfg:9, ... "
                                     "(--max-related 0 shows them all)")
    one = _render(_diag(6, 2, 14, related=_related_on(range(1, 3))), show_source=False, max_related=1)
    assert one.splitlines()[-1] == "   = note: and 1 more at line 2 (--max-related 0 shows them all)"


def test_multi_line_span_is_marked_not_underlined() -> None:
    span = Span(path="r1.cfg", line=2, column=1, end_line=6, end_column=14)
    d = Diagnostic(code="DMV890", name="fake", severity=Severity.ERROR, message="msg", span=span)
    out = _render(d)
    assert "2 > interface Tunnel0\n" in out and "6 >  tunnel key 7\n" in out
    assert "^" not in out and ". |" in out


def test_colour_only_on_a_terminal(result: LintResult, monkeypatch: pytest.MonkeyPatch) -> None:
    # rich prints no colour at all, even when forced, to TERM=dumb or with NO_COLOR set.
    for name in ("TERM", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    plain = io.StringIO()
    text.render(result, plain)
    assert "\x1b[" not in plain.getvalue()
    forced = io.StringIO()
    text.render(result, forced, color=True)
    assert "\x1b[" in forced.getvalue()


def test_summary(result: LintResult) -> None:
    out = io.StringIO()
    text.render(result, out, show_source=False)
    assert out.getvalue().splitlines()[-1] == "Found 1 error, 3 warnings, 2 info in 3 files (fail-on: error)."


def test_diagnostics_outside_the_file_do_not_crash() -> None:
    assert _render(_diag(99, 1, 2)) == "r1.cfg:99:1: warning DMV890 fake: msg\n"
    empty = text.render_diagnostic(_diag(1, 1, 1), {"r1.cfg": SourceFile("r1.cfg", "")})
    assert len(empty) == 1


def test_uncoloured_output_is_what_rich_prints(result: LintResult) -> None:
    # Without colour the report skips rich's print; the bytes must not change.
    fast = io.StringIO()
    text.render(result, fast)
    console_out = io.StringIO()
    console = text.make_console(console_out)
    for d in result.diagnostics:
        console.print(Text("\n").join(text.render_diagnostic(d, result.sources)))
        console.print()
    console.print(text.summary(result))
    assert fast.getvalue() == console_out.getvalue()
    assert fast.getvalue().count("\n") > 20


def test_control_characters_are_stripped_as_rich_strips_them() -> None:
    # A banner's ETX or a stray BEL in a message must not reach a terminal or a log.
    d = _diag(6, 2, 14, help="ring\x07 the\x08 bell")
    rich_out = io.StringIO()
    text.make_console(rich_out).print(Text("\n").join(text.render_diagnostic(d, {})))
    fast = io.StringIO()
    text.write_diagnostics([d], {}, fast, color=False)
    assert fast.getvalue() == rich_out.getvalue() + "\n"  # a blank line closes each finding
    assert "\x07" not in fast.getvalue() and "\x08" not in fast.getvalue()
