"""In-config suppressions written in IOS comment syntax, and the meta diagnostics about them.

Two directives, each on a ``!`` comment line (indentation is free)::

    ! iosdmvpn: disable=DMV209,DMV210
    interface Tunnel0
     ...
    ! iosdmvpn: disable-file=DMV211

``disable=`` covers the *next command line*; when that line opens a stanza
(``interface``, ``router``, ``crypto ...``) it covers the whole stanza, sub-modes
included. ``disable-file=`` covers the whole file. A directive may also trail a command
after white space (``tunnel key 7 ! iosdmvpn: disable=DMV502``): it then covers that
line (and its stanza). Codes are separated by commas; a rule name
(``nhs-nbma-conflict``) or ``all`` may stand for a code. Anything after the list,
separated by white space, is a free-text reason.

Directives are found by scanning the raw lines, independently of the grammar, so a
directive works on any line the parser keeps. Stanza extents come from the parser's own
structural pass, so flat (unindented) files behave like indented ones.

A directive code that suppressed nothing is reported as ``DMV901 unused-suppression``;
a code that names no known rule as ``DMV902 invalid-suppression`` (ruff's RUF100 and
sqlfluff's unused-noqa warning are the model). Codes of another stage (translation)
are accepted and left alone: ``lint`` cannot tell whether they are used.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from iosdmvpn.diagnostics import Diagnostic, Severity
from iosdmvpn.source import Span

# (name, severity, summary) of the diagnostics about the lint run itself, in the shape
# of iosdmvpn.parse.PARSE_CODES, so `iosdmvpn rules` and SARIF list them.
META_CODES: dict[str, tuple[str, Severity, str]] = {
    "DMV901": ("unused-suppression", Severity.WARNING,
               "An `! iosdmvpn: disable=...` directive names a code that was not reported where it applies."),
    "DMV902": ("invalid-suppression", Severity.WARNING,
               "An `! iosdmvpn:` directive is malformed or names an unknown code."),
    # Emitted by iosdmvpn.checks.runner when a rule raises; listed so it has a SARIF rule.
    "DMV999": ("internal-error", Severity.ERROR,
               "A rule crashed on this input; its findings are missing. Please report it."),
}

# Diagnostics that say the input is unusable or the tool broke, and the directives' own
# diagnostics: no comment can hide them (settings `ignore` still can, except the first four).
UNSUPPRESSIBLE = frozenset({"DMV001", "DMV002", "DMV007", "DMV999", "DMV901", "DMV902"})

_DIRECTIVE = re.compile(r"!+\s*iosdmvpn\s*:(?P<body>.*)$", re.IGNORECASE)
_ACTION = re.compile(r"\s*(?P<action>[A-Za-z-]+)\s*(?P<eq>=?)\s*(?P<rest>.*)$")
_ITEM = re.compile(r"[A-Za-z0-9_-]+")
_ACTIONS = ("disable", "disable-file")


@dataclass(frozen=True)
class DirectiveCode:
    """One code of a directive, with the exact place it is written (for DMV901/DMV902)."""

    text: str  # as written
    code: str | None  # resolved code; None when unknown
    span: Span


@dataclass
class Directive:
    """One ``! iosdmvpn:`` comment: what it disables and over which lines."""

    path: str
    line: int
    file_wide: bool
    codes: list[DirectiveCode]
    first: int = 0  # covered line range, inclusive (0/0: nothing follows)
    last: int = 0
    all_codes: bool = False
    used: set[str] = field(default_factory=set)

    def covers(self, diagnostic: Diagnostic) -> bool:
        """Whether this directive hides ``diagnostic``."""
        if diagnostic.span.path != self.path or diagnostic.code in UNSUPPRESSIBLE:
            return False
        if not self.file_wide and not self.first <= diagnostic.span.line <= self.last:
            return False
        return self.all_codes or any(c.code == diagnostic.code for c in self.codes)


@dataclass
class Scan:
    """The directives of one file and the problems found while reading them."""

    directives: list[Directive] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def meta_diagnostic(code: str, message: str, span: Span, help: str | None = None) -> Diagnostic:
    """A diagnostic with the registered name and severity of a meta code."""
    name, severity, _ = META_CODES[code]
    return Diagnostic(code=code, name=name, severity=severity, message=message, span=span, help=help)


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" \t"))


def _is_command(raw: str) -> bool:
    stripped = raw.strip()
    return bool(stripped) and not stripped.startswith("!")


def _indent_extent(lines: list[str], start: int) -> int:
    """Last line (1-based) of the block opened at ``start``, by indentation."""
    own = _indent(lines[start - 1])
    last = start
    for number in range(start + 1, len(lines) + 1):
        raw = lines[number - 1]
        if not raw.strip():
            continue
        # A `!` at the header's own indentation closes the stanza, as in `show running-config`.
        if _indent(raw) <= own:
            break
        last = number
    return last


def _structure_extents(text: str) -> dict[int, int]:
    """Header line -> last line of its stanza, as the parser's structural pass sees them."""
    from iosdmvpn.parse.structure import Stanza, split_structure

    extents: dict[int, int] = {}

    def walk(stanza: Stanza) -> int:
        last = stanza.header.number if stanza.header is not None else 0
        for line in stanza.lines:
            last = max(last, line.number)
        for child in stanza.children:
            last = max(last, walk(child))
        if stanza.header is not None:
            extents[stanza.header.number] = last
        return last

    walk(split_structure(text).root)
    return extents


def scan(path: str, text: str, resolve: Mapping[str, str], foreign: Collection[str] = ()) -> Scan:
    """Find the directives of one file.

    Args:
        path: The file's path, as used in diagnostic spans.
        text: The file's text.
        resolve: Every code and rule name this run knows -> its code.
        foreign: Codes of other stages (translation): accepted, never reported as unused.

    Returns:
        The directives with their line ranges, and DMV902 diagnostics for bad ones.
    """
    result = Scan()
    if "iosdmvpn" not in text.lower():
        return result  # the common case: no directive at all
    lines = text.splitlines()
    extents: dict[int, int] | None = None
    for number, raw in enumerate(lines, start=1):
        found = _find_directive(raw)
        if found is None:
            continue
        trailing, body_at, body = found
        directive = _parse(path, number, body_at, body, resolve, foreign, result.problems)
        if directive is None:
            continue
        if not directive.file_wide:
            target = number if trailing else next(
                (n for n in range(number + 1, len(lines) + 1) if _is_command(lines[n - 1])), 0)
            if target:
                if extents is None:
                    extents = _structure_extents(text)
                directive.first = target
                directive.last = max(_indent_extent(lines, target), extents.get(target, target))
        result.directives.append(directive)
    return result


def _find_directive(raw: str) -> tuple[bool, int, str] | None:
    """(trailing?, 0-based column of the body, body) of a directive on this line, if any."""
    stripped = raw.lstrip(" \t")
    if stripped.startswith("!"):
        m = _DIRECTIVE.match(stripped)
        if m is None:
            return None
        offset = len(raw) - len(stripped)
        return False, offset + m.start("body"), m.group("body")
    # A trailing comment needs white space before `!`: `Cisco!23` is a key, not a comment.
    m = re.search(r"[ \t](!+\s*iosdmvpn\s*:(?P<body>.*))$", raw, re.IGNORECASE)
    if m is None:
        return None
    return True, m.start("body"), m.group("body")


def _parse(path: str, number: int, body_at: int, body: str, resolve: Mapping[str, str],
           foreign: Collection[str], problems: list[Diagnostic]) -> Directive | None:
    def span(start: int, end: int) -> Span:  # 0-based columns into the raw line
        return Span(path=path, line=number, column=start + 1, end_line=number, end_column=max(end, start) + 1)

    whole = span(body_at, body_at + len(body.rstrip()))
    m = _ACTION.match(body)
    action = m.group("action").lower() if m else ""
    if m is None or action not in _ACTIONS or not m.group("eq"):
        problems.append(meta_diagnostic(
            "DMV902", f"malformed suppression {body.strip()!r}", whole,
            help="write `! iosdmvpn: disable=CODE[,CODE]` (next command or stanza) "
                 "or `! iosdmvpn: disable-file=CODE[,CODE]`"))
        return None
    rest_at = body_at + m.start("rest")
    rest = m.group("rest")
    directive = Directive(path=path, line=number, file_wide=action == "disable-file", codes=[])
    pos = 0
    while True:
        item = _ITEM.match(rest, pos)
        if item is None:
            problems.append(meta_diagnostic("DMV902", f"expected a code after {action}=",
                                            span(rest_at + pos, rest_at + pos + 1),
                                            help="for example `! iosdmvpn: disable=DMV209`"))
            return None
        text = item.group()
        where = span(rest_at + item.start(), rest_at + item.end())
        code = resolve.get(text.upper()) or resolve.get(text.lower())
        if text.lower() == "all":
            directive.all_codes = True
            directive.codes.append(DirectiveCode(text, "all", where))
        elif code is None:
            problems.append(meta_diagnostic("DMV902", f"unknown code {text!r} in suppression", where,
                                            help="`iosdmvpn rules` lists every code"))
        elif code in UNSUPPRESSIBLE:
            hint = "turn it off with `ignore` in the settings" if code in ("DMV901", "DMV902") else None
            problems.append(meta_diagnostic("DMV902", f"{code} cannot be suppressed by a comment", where,
                                            help=hint))
        elif code not in foreign:
            directive.codes.append(DirectiveCode(text, code, where))
        pos = item.end()
        sep = re.compile(r"\s*,\s*").match(rest, pos)
        if sep is None:
            break
        pos = sep.end()
    # Whatever follows the list after white space is a reason; glued text is a typo.
    tail = rest[pos:]
    if tail and not tail[0].isspace():
        problems.append(meta_diagnostic("DMV902", f"unexpected {tail.split()[0]!r} after the codes",
                                        span(rest_at + pos, rest_at + len(rest.rstrip())),
                                        help="separate codes with commas, and a reason with a space"))
    return directive if directive.codes else None


def apply(diagnostics: Iterable[Diagnostic], scans: Iterable[Scan]) -> tuple[list[Diagnostic], int]:
    """Drop the diagnostics some directive covers and mark those directives used.

    Returns:
        The diagnostics left, and how many were suppressed.
    """
    directives = [d for s in scans for d in s.directives]
    by_path: dict[str, list[Directive]] = {}
    for d in directives:
        by_path.setdefault(d.path, []).append(d)
    kept: list[Diagnostic] = []
    suppressed = 0
    for diagnostic in diagnostics:
        hit = False
        for directive in by_path.get(diagnostic.span.path, ()):
            if directive.covers(diagnostic):
                # Every covering directive counts as used, so overlapping ones are not flagged.
                directive.used.add("all" if directive.all_codes else diagnostic.code)
                hit = True
        if hit:
            suppressed += 1
        else:
            kept.append(diagnostic)
    return kept, suppressed


def unused(scans: Iterable[Scan], names: Mapping[str, str]) -> list[Diagnostic]:
    """DMV901 for every directive code that suppressed nothing.

    Args:
        scans: The scans after :func:`apply`.
        names: Code -> rule name, for the messages.
    """
    out: list[Diagnostic] = []
    for s in scans:
        for directive in s.directives:
            for c in directive.codes:
                key = c.code or ""
                if key in directive.used:
                    continue
                what = "all" if key == "all" else f"{key} ({names.get(key, '?')})"
                where = "this file" if directive.file_wide else (
                    f"lines {directive.first}-{directive.last}" if directive.last > directive.first
                    else f"line {directive.first}" if directive.first else "any command (none follows)")
                out.append(meta_diagnostic(
                    "DMV901", f"unused suppression: {what} is not reported in {where}", c.span,
                    help="remove the code from the directive (or the whole directive)"))
    return out
