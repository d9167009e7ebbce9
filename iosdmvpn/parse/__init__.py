"""Parse IOS / IOS-XE configuration text into a :class:`~iosdmvpn.model.Device`.

Three steps, each fast enough for a 100,000-line hub in a fraction of a second:

1. The structural pass (:mod:`.structure`, plain Python) splits the text into stanzas and
   tags every line *modelled*, *ignored by design* or *unrecognized*. Banners, certificate
   chains, comments, lost indentation and abbreviations are dealt with here. Ignored lines
   (the bulk of a large config: access ports, ACLs, route-maps) are only counted, without
   an object per line, and most are decided from their first word or two (memoised). On a
   large file, ``re`` steps over whole runs of such lines (an ACL's body, an access port's
   switchport and storm-control lines), and over runs of plainly modelled ones (``ip
   route`` after ``ip route``), with the outcome of the line-by-line loop: the patterns
   only match lines whose outcome is certain, learnt from the loop's own decisions.
2. What Lark sees. Lark (``grammars/ios.lark``, one start rule per stanza kind) is the one
   definition of the syntax of every modelled command, but it does not parse every
   modelled line: running it per line costs ~60 us (a whole-file tree 6.6 s). It parses
   one command per *shape* (:mod:`.shapes`: the stanza kind and the words, with every word
   that is not a keyword of the grammar replaced by a placeholder), and the resulting tree
   is replayed for every other command of the same shape: the 15,000 modelled lines of the
   100,000-line benchmark hub have 122 shapes. This gives exactly Lark's result for every line
   (the argument is in :mod:`.shapes`), with no second hand-written syntax for the bulk
   commands. A command that does not parse is always handed to Lark itself. The learnt
   shapes are also kept on disk, so a warm run imports neither Lark nor its tables.
3. The callbacks of :class:`~.transform.CommandTransformer` type and check the values
   (a bad address becomes DMV004 at its word), and :mod:`.build` folds the commands into
   the frozen pydantic model. The model is built with ordinary validation, not
   ``model_construct``: pydantic-core validates a node in about 1 us (10,000 nodes, 16 ms
   for the hub), little next to the rest, and the check stays (called on the validator,
   without ``BaseModel.__init__``'s keyword wrapper). ``defer_build`` was measured too:
   every class is needed for a parse, so it only moves the cost. The one exception is
   :class:`~iosdmvpn.source.Span`, made by :func:`~iosdmvpn.source.span_of` from a path
   and the positions the parser counted itself: validation has nothing to check there.

The cyclic garbage collector is paused during a parse (it would walk the growing heap
again and again: half the time of a large file), and the stanza tree's cycles are broken
afterwards so that the parser's temporary objects are freed at once, unless the caller
keeps them (:func:`keeping`): the CLI, which ends with ``os._exit``, need not free them.

Problems become diagnostics (codes DMV0xx), never exceptions. A file holding several
routers (several different top-level ``hostname`` lines, as in lab write-ups) is split by
:func:`parse_devices` into one result per router; :func:`parse_file` keeps the first router
and says so with DMV008.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iosdmvpn.diagnostics import Diagnostic, Severity, sort_diagnostics
from iosdmvpn.model import Coverage, Device
from iosdmvpn.parse.build import build_device
from iosdmvpn.parse.shapes import PLACEHOLDER, SyntaxProblem, Template, run_template, shape_cache
from iosdmvpn.parse.structure import DMVPN_WORDS, MODEL, Line, Structure, split_structure
from iosdmvpn.parse.transform import BadValue, CommandTransformer, LinePosition, Token, callbacks, token_class
from iosdmvpn.source import InputError, SourceFile, Span, decode_source, read_source, redact, span_of

# (name, severity, summary) of the diagnostics the parser itself emits.
PARSE_CODES: dict[str, tuple[str, Severity, str]] = {
    "DMV001": ("input-unreadable", Severity.ERROR,
               "The file cannot be read as a text configuration (missing, binary, not UTF-8)."),
    "DMV002": ("templated-config", Severity.ERROR,
               "The file is a template (Jinja2, Terraform, ERB), not a rendered configuration."),
    "DMV003": ("syntax-error", Severity.ERROR, "A DMVPN command is malformed or truncated."),
    "DMV004": ("invalid-value", Severity.ERROR,
               "A value (address, mask, number) is invalid or out of range."),
    "DMV005": ("unrecognized-command", Severity.INFO,
               "A DMVPN-looking line that the parser does not understand; it was not checked."),
    "DMV006": ("unterminated-block", Severity.WARNING,
               "A banner or certificate block never ends: the file looks truncated."),
    "DMV007": ("not-a-config", Severity.ERROR, "The file contains no IOS configuration commands."),
    "DMV008": ("several-devices", Severity.INFO,
               "The file holds the configurations of several routers; only the first one is checked."),
}

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
    return span_of(path, line.number, line.column, line.number, line.end_column)


def _run_commands(structure: Structure, path: str, out: list[Diagnostic]) -> None:
    """Give every modelled line its :class:`Cmd` (``line.result``), or a diagnostic.

    Lark parses each command shape once (:mod:`.shapes`); the callbacks of the
    transformer then run on the words of every command of that shape.
    """
    cache = shape_cache()
    transformer = CommandTransformer()
    calls = callbacks(transformer)
    default = transformer.__default__
    templates = cache.templates
    seen = cache.grammar.seen
    shape_word = cache.grammar.shape_word
    digits = cache.grammar.plain_digits
    # Shape key -> its template, and the template as one call: (callback, (word index, Token
    # class) pairs) for the common flat template (a rule over words only), else None
    # (run_template walks it).
    known: dict[str, tuple[Template, _FlatCall | None]] = {}
    new_str = str.__new__  # Token(word, type, index), with the class of (type, index) at hand
    position: LinePosition | None = None  # one for all the lines, moved from line to line
    for kind, line in structure.modelled:
        words = line.words
        # ShapeCache.key, inlined: this loop runs once per modelled line.
        key = kind + " " + " ".join([seen.get(w) or (PLACEHOLDER if w[:1] in digits else shape_word(w))
                                      for w in words])
        entry = known.get(key)
        if entry is None:
            template = templates.get(key)
            if template is None:
                learnt = cache.learn(kind, words, key)
                if isinstance(learnt, SyntaxProblem):
                    incomplete = ": the command is incomplete" if learnt.incomplete else ""
                    out.append(diagnostic(
                        "DMV003", f"cannot parse {redact(' '.join(words[:line.keywords + 1]))!r}{incomplete}",
                        _line_span(path, line)))
                    line.result = None
                    continue
                template = learnt
            if key in templates:
                entry = known[key] = (template, _flat_call(template, calls))
            else:
                entry = (template, None)  # a template for this command alone
        template, call = entry
        if position is None:
            position = transformer.position = LinePosition(path, line)
        else:
            position.move(line)
        try:
            if call is not None:
                fn, pairs = call
                line.result = fn([new_str(cls, words[i]) for i, cls in pairs])
            else:
                line.result = run_template(template.node, template.types, words, calls, default, Token)
        except BadValue as exc:
            span = position.token_span(exc.token) if exc.token is not None else position.span()
            out.append(diagnostic("DMV004", redact(exc.message) if _secretish(line) else exc.message, span))
            line.result = None
    cache.save()


# A flat template as one call: the callback, and (word index, Token class) per argument.
_FlatCall = tuple[Callable[[list[Any]], Any], tuple[tuple[int, type[Token]], ...]]


def _flat_call(template: Template, calls: dict[str, Callable[..., Any]]) -> _FlatCall | None:
    """For a template that is one rule over words (most are: ``ip route W W W``), what
    :func:`run_template` does with it: the callback, and the words' indexes and token classes."""
    rule, kids = template.node
    fn = calls.get(rule)
    if fn is None or not all(k.__class__ is int for k in kids):
        return None
    return fn, tuple((k, token_class(template.types[k] or "", k)) for k in kids)


def parse_text(text: str, path: str = "<string>") -> ParseResult:
    """Parse configuration text; never raises for bad input."""
    with _no_gc():
        return _parse_text(text, path)


@contextmanager
def _no_gc() -> Iterator[None]:
    # The parse allocates many small objects and frees few of them: the cyclic garbage
    # collector would walk the growing heap again and again (half the time on a large file).
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _parse_text(text: str, path: str, structure: Structure | None = None) -> ParseResult:
    diagnostics: list[Diagnostic] = []
    if structure is None:
        structure = split_structure(text, keep_ignored=False)
    source = SourceFile(path=path, text=text, _lines=structure.text_lines)
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

    _run_commands(structure, path, diagnostics)

    for line, kind in structure.unrecognized:
        if _dmvpn_relevant(line, kind):
            diagnostics.append(diagnostic(
                "DMV005", f"unrecognized command {redact(line.text())!r} (in {_KIND_NAMES.get(kind, kind)})",
                _line_span(path, line)))
    modelled = sum(1 for _, line in structure.modelled if line.result is not None)
    coverage = Coverage(modelled=modelled, ignored=structure.ignored,
                        unrecognized=len(structure.unrecognized) + len(structure.modelled) - modelled)
    if modelled == 0 and structure.ignored == structure.comments:
        diagnostics.append(diagnostic("DMV007", "no IOS configuration commands found in this file",
                                      Span.whole_file(path)))
    device = build_device(structure.root, path, coverage, structure.unrecognized)
    if not _keep(structure):
        _break_cycles(structure)
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


# Set by `keeping`: where finished stanza trees go instead of being freed, and from what
# size of file on.
_KEEP: list[object] | None = None
_KEEP_MIN_LINES = 0


@contextmanager
def keeping(kept: list[object], min_lines: int = 0) -> Iterator[None]:
    """Within the block, the parser hands each stanza tree it is done with to ``kept``.

    Freeing the tree of a 100,000-line file (its lines, their words, the commands) takes
    about 15 ms, which a process that exits without freeing anything (the CLI ends with
    ``os._exit``) can spare by keeping the list alive to the end. Without this block the
    trees are freed as soon as their file is parsed. With ``min_lines``, only the trees of
    files of at least that many lines are kept: thousands of small files would hold on to
    hundreds of MB to save what freeing them costs anyway, bit by bit.
    """
    global _KEEP, _KEEP_MIN_LINES
    outer = _KEEP, _KEEP_MIN_LINES
    _KEEP, _KEEP_MIN_LINES = kept, min_lines
    try:
        yield
    finally:
        _KEEP, _KEEP_MIN_LINES = outer


def _keep(structure: Structure) -> bool:
    """Hand a finished tree to :func:`keeping`'s list; False when the caller must free it."""
    if _KEEP is None or len(structure.text_lines) < _KEEP_MIN_LINES:
        return False
    _KEEP.append(structure)
    return True


def _break_cycles(structure: Structure) -> None:
    # Stanza.parent makes the tree cyclic: without this, it and every line and command in
    # it would wait for the garbage collector (and slow its next pass) instead of going now.
    stack = [structure.root]
    while stack:
        stanza = stack.pop()
        stanza.parent = None
        stack.extend(stanza.children)


def parse_file(path: str | Path) -> ParseResult:
    """Read and parse one file; unreadable input gives a DMV001 diagnostic and no device.

    A file holding several routers gives the first one, with a DMV008 note (see
    :func:`parse_devices` for all of them).
    """
    results = parse_devices(path)
    first = results[0]
    if len(results) > 1:
        names = ", ".join(r.device.name for r in results if r.device is not None)
        first.diagnostics = sort_diagnostics([*first.diagnostics, diagnostic(
            "DMV008", f"this file holds {len(results)} router configurations ({names}); only the first is "
            "checked", Span.whole_file(first.path),
            help="split the file into one configuration per router")])
    return first


def parse_devices(path: str | Path) -> list[ParseResult]:
    """Read and parse one file into one result per router it holds (at least one)."""
    shown = str(path)
    try:
        source = read_source(path)
    except InputError as exc:
        return [_unreadable(shown, exc)]
    results = parse_text_devices(source.text, shown)
    if len(results) > 1:  # each router parsed its own section: frames show the whole file
        for result in results:
            result.source = source
    return results


def parse_bytes(data: bytes, path: str) -> ParseResult:
    """Parse raw bytes (for standard input)."""
    try:
        source = decode_source(path, data)
    except InputError as exc:
        return _unreadable(path, exc)
    return parse_text(source.text, path)


def _unreadable(path: str, exc: InputError) -> ParseResult:
    """The result for input that cannot be used at all: no device, one DMV001."""
    span = Span(path=path, line=exc.line, column=exc.column, end_line=exc.line, end_column=exc.column)
    return ParseResult(path=path, device=None, diagnostics=[diagnostic("DMV001", exc.message, span)])


def parse_text_devices(text: str, path: str = "<string>") -> list[ParseResult]:
    """Parse text that may hold several routers: one :class:`ParseResult` per router.

    A router starts at its ``hostname`` line, or earlier: the comments, separators,
    labels and ignored global lines just above it (``R2:``, ``-----``, ``enable``,
    ``service ...``) go with it, up to the previous router's last modelled line, indented
    line or ``end``. Line numbers and spans stay those of the whole file.
    """
    with _no_gc():
        structure = split_structure(text, keep_ignored=False)
        if not _several_routers(structure):
            return [_parse_text(text, path, structure)]  # one router: its structure is done
        raw = structure.text_lines
        bounds = _sections(structure, raw)
        if not _keep(structure):
            _break_cycles(structure)  # only the section bounds were needed
        results = []
        for index, (start, end) in enumerate(bounds):
            # Blank lines keep the numbering of the whole file.
            section = "\n" * (start - 1) + "\n".join(raw[start - 1:end]) + "\n"
            result = _parse_text(section, path)
            if result.device is not None:
                result.device = result.device.model_copy(update={"section": index})
            results.append(result)
        return results


def device_sections(text: str) -> list[tuple[int, int]]:
    """(first, last) line numbers (1-based, inclusive) of each router in ``text``."""
    return _sections(split_structure(text, keep_ignored=False), text.splitlines())


def _hostnames(structure: Structure) -> list[Line]:
    return [line for line in structure.root.lines if line.tag == MODEL and line.words[0] == "hostname"]


def _several_routers(structure: Structure) -> bool:
    return len({tuple(h.words[1:2]) for h in _hostnames(structure)}) > 1


def _sections(structure: Structure, raw: list[str]) -> list[tuple[int, int]]:
    if not _several_routers(structure):
        return [(1, len(raw))]
    hostnames = _hostnames(structure)
    anchors = {line.number for _, line in structure.modelled}
    # An unknown global line ("R2:", "Spoke -1") is a label; one inside a stanza is not.
    anchors.update(line.number for line, kind in structure.unrecognized if kind != "g")
    anchors.update(child.header.number for child in structure.root.children if child.header is not None)
    starts = [1]
    previous = hostnames[0]
    for host in hostnames[1:]:
        if host.words[1:2] == previous.words[1:2]:
            continue  # the same name again: a rename or a repeated paste, one router
        start = host.number
        while start - 1 > previous.number:
            above = raw[start - 2]
            stripped = above.strip()
            if (start - 1) in anchors or stripped.lower() == "end" or (
                    above[:1] in (" ", "\t") and stripped and not stripped.startswith("!")):
                break
            start -= 1
        starts.append(start)
        previous = host
    return [(s, (starts[i + 1] - 1 if i + 1 < len(starts) else len(raw))) for i, s in enumerate(starts)]


__all__ = ["PARSE_CODES", "ParseResult", "device_sections", "keeping", "parse_bytes", "parse_devices",
           "parse_file", "parse_text", "parse_text_devices"]
