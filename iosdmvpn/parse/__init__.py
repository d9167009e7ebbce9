"""Parse IOS / IOS-XE configuration text into a :class:`~iosdmvpn.model.Device`.

Three steps: the structural pass (:mod:`.structure`) splits the text into stanzas and
picks the modelled commands; Lark parses those, one batch per stanza kind; the
transformer and the builder turn the trees into the frozen model. Problems become
diagnostics (codes DMV0xx), never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lark import Token, Tree
from lark.exceptions import UnexpectedInput, VisitError

from iosdmvpn.diagnostics import Diagnostic, Severity, sort_diagnostics
from iosdmvpn.model import Coverage, Device
from iosdmvpn.parse.build import build_device
from iosdmvpn.parse.grammar import get_parser
from iosdmvpn.parse.structure import DMVPN_WORDS, Line, split_structure
from iosdmvpn.parse.transform import BadValue, CommandTransformer, LinePosition, transform_line
from iosdmvpn.source import InputError, SourceFile, Span, decode_source, read_source, redact

# (name, severity, summary) of the diagnostics the parser itself emits.
PARSE_CODES: dict[str, tuple[str, Severity, str]] = {
    "DMV001": ("input-unreadable", Severity.ERROR,
               "The file cannot be read as a text configuration (missing, binary, not UTF-8)."),
    "DMV002": ("templated-config", Severity.ERROR,
               "The file is a template (Jinja2, Terraform, ERB), not a rendered configuration."),
    "DMV003": ("syntax-error", Severity.ERROR, "A DMVPN command is malformed or truncated."),
    "DMV004": ("invalid-value", Severity.ERROR, "A value (address, mask, number) is invalid or out of range."),
    "DMV005": ("unrecognized-command", Severity.INFO,
               "A DMVPN-looking line that the parser does not understand; it was not checked."),
    "DMV006": ("unterminated-block", Severity.WARNING,
               "A banner or certificate block never ends: the file looks truncated."),
    "DMV007": ("not-a-config", Severity.ERROR, "The file contains no IOS configuration commands."),
}

# Lines per Lark call: bounds the re-parse work after a syntax error.
_CHUNK = 400


@dataclass
class ParseResult:
    """The device (None when the input is unusable) and the parser's diagnostics."""

    path: str
    device: Device | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: SourceFile | None = None

    @property
    def usable(self) -> bool:
        """False when the input cannot be linted or translated (exit code 2)."""
        return self.device is not None and not any(
            d.code in ("DMV001", "DMV002", "DMV007") for d in self.diagnostics
        )


def diagnostic(code: str, message: str, span: Span, help: str | None = None) -> Diagnostic:
    """A parser diagnostic with the code's registered name and severity."""
    name, severity, _ = PARSE_CODES[code]
    return Diagnostic(code=code, name=name, severity=severity, message=message, span=span, help=help)


def _line_span(path: str, line: Line) -> Span:
    return Span(path=path, line=line.number, column=line.columns[0], end_line=line.number,
                end_column=line.end_column)


def _position(path: str, line: Line) -> LinePosition:
    starts: list[int] = []
    col = 1
    for w in line.words:
        starts.append(col)
        col += len(w) + 1
    return LinePosition(path=path, number=line.number, columns=line.columns, starts=starts,
                        words=line.words, end_column=line.end_column)


def _parse_batch(kind: str, lines: list[Line], path: str, out: list[Diagnostic]) -> list[tuple[Line, Tree[Token]]]:
    """Parse the lines of one stanza kind; a line that does not parse becomes DMV003."""
    parser = get_parser()
    parsed: list[tuple[Line, Tree[Token]]] = []
    pending = [lines[i:i + _CHUNK] for i in range(0, len(lines), _CHUNK)]
    while pending:
        chunk = pending.pop()
        if not chunk:
            continue
        text = "\n".join(line.text() for line in chunk) + "\n"
        try:
            tree = parser.parse(text, start=kind)
        except UnexpectedInput as exc:
            bad = exc.line - 1 if isinstance(exc.line, int) and 0 < exc.line <= len(chunk) else len(chunk) - 1
            line = chunk[bad]
            out.append(diagnostic("DMV003", f"cannot parse {redact(' '.join(line.words[:line.keywords + 1]))!r}"
                                  f"{_expected(exc)}", _line_span(path, line)))
            line.result = None
            pending.extend([chunk[:bad], chunk[bad + 1:]])
            continue
        parsed.extend(zip(chunk, tree.children, strict=True))  # type: ignore[arg-type]
    return parsed


def _expected(exc: UnexpectedInput) -> str:
    if getattr(exc, "token", None) is not None and getattr(exc.token, "type", "") == "$END":
        return ": the command is incomplete"
    return ""


def parse_text(text: str, path: str = "<string>") -> ParseResult:
    """Parse configuration text; never raises for bad input."""
    source = SourceFile(path=path, text=text)
    diagnostics: list[Diagnostic] = []
    structure = split_structure(text)
    if structure.template_lines:
        first = structure.template_lines[0]
        diagnostics.append(diagnostic(
            "DMV002",
            f"this is a template, not a configuration: {len(structure.template_lines)} line(s) hold template "
            "expressions such as '{{ ... }}' or '{% ... %}'",
            _line_span(path, first),
            help="render the template first (for example with ansible or jinja2) and lint the result",
        ))
    for line, what in structure.unterminated:
        diagnostics.append(diagnostic("DMV006", what, _line_span(path, line)))

    by_kind: dict[str, list[Line]] = {}
    for kind, line in structure.modelled:
        by_kind.setdefault(kind, []).append(line)
    transformer = CommandTransformer()
    for kind, lines in by_kind.items():
        for line, tree in _parse_batch(kind, lines, path, diagnostics):
            position = _position(path, line)
            try:
                line.result = transform_line(transformer, tree, position)
            except VisitError as exc:
                orig = exc.orig_exc
                if not isinstance(orig, BadValue):
                    raise
                span = position.token_span(orig.token) if orig.token is not None else position.span()
                diagnostics.append(diagnostic("DMV004", redact(orig.message) if _secretish(line) else orig.message,
                                              span))
                line.result = None

    for line, kind in structure.unrecognized:
        if _dmvpn_relevant(line, kind):
            diagnostics.append(diagnostic(
                "DMV005", f"unrecognized command {redact(line.text())!r} (in {_KIND_NAMES.get(kind, kind)})",
                _line_span(path, line)))
    modelled = sum(1 for _, line in structure.modelled if line.result is not None)
    coverage = Coverage(modelled=modelled, ignored=structure.ignored,
                        unrecognized=len(structure.unrecognized) + len(structure.modelled) - modelled)
    if modelled == 0 and structure.ignored == 0:
        diagnostics.append(diagnostic("DMV007", "no IOS configuration commands found in this file",
                                      Span.whole_file(path)))
    device = build_device(structure.root, path, coverage, structure.unrecognized)
    return ParseResult(path=path, device=device, diagnostics=sort_diagnostics(diagnostics), source=source)


_KIND_NAMES = {"g": "global configuration", "if": "interface", "isakmp_policy": "crypto isakmp policy",
               "isakmp_profile": "crypto isakmp profile", "keyring": "crypto keyring",
               "tset": "crypto ipsec transform-set", "ipsec_profile": "crypto ipsec profile",
               "ikev2_proposal": "crypto ikev2 proposal", "ikev2_policy": "crypto ikev2 policy",
               "ikev2_keyring": "crypto ikev2 keyring", "ikev2_peer": "crypto ikev2 keyring peer",
               "ikev2_profile": "crypto ikev2 profile", "eigrp": "router eigrp",
               "eigrp_af": "EIGRP address-family", "eigrp_afif": "EIGRP af-interface", "ospf": "router ospf",
               "ospf6": "router ospfv3", "bgp": "router bgp", "bgp_af": "BGP address-family",
               "rip": "router rip"}
# Stanza kinds whose every unknown line matters to the DMVPN.
_DMVPN_KINDS = frozenset({"isakmp_policy", "isakmp_profile", "keyring", "tset", "ipsec_profile",
                          "ikev2_proposal", "ikev2_policy", "ikev2_keyring", "ikev2_peer", "ikev2_profile"})


def _dmvpn_relevant(line: Line, kind: str) -> bool:
    head = [w.lower() for w in line.words[:3]]
    return kind in _DMVPN_KINDS or any(w in DMVPN_WORDS for w in head)


def _secretish(line: Line) -> bool:
    return redact(line.text()) != line.text()


def parse_file(path: str | Path) -> ParseResult:
    """Read and parse one file; unreadable input gives a DMV001 diagnostic and no device."""
    shown = str(path)
    try:
        source = read_source(path)
    except InputError as exc:
        span = Span(path=shown, line=exc.line, column=exc.column, end_line=exc.line, end_column=exc.column)
        return ParseResult(path=shown, device=None, diagnostics=[diagnostic("DMV001", exc.message, span)])
    result = parse_text(source.text, shown)
    result.source = source
    return result


def parse_bytes(data: bytes, path: str) -> ParseResult:
    """Parse raw bytes (for standard input)."""
    try:
        source = decode_source(path, data)
    except InputError as exc:
        span = Span(path=path, line=exc.line, column=exc.column, end_line=exc.line, end_column=exc.column)
        return ParseResult(path=path, device=None, diagnostics=[diagnostic("DMV001", exc.message, span)])
    return parse_text(source.text, path)


__all__ = ["PARSE_CODES", "ParseResult", "parse_bytes", "parse_file", "parse_text"]
