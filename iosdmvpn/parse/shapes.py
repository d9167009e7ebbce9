"""Lark once per command *shape*: the parse of one command reused for every command like it.

A command's shape is its stanza kind (the Lark start rule) and its words, where every word
that the grammar could lex as something other than a plain ``WORD`` (a keyword, in any
case; anything a keyword terminal could match the start of) is kept as is and every other
word becomes a placeholder. ``ip route 10.0.0.0 255.0.0.0 192.0.2.1`` and
``ip route 10.9.0.0 255.255.0.0 Null0`` have one shape.

Why that is exact: the contextual lexer types a word from the parser state and the word's
text; the state after a token depends only on the types of the tokens before it. Two
commands of one shape therefore lex to the same types, token for token, provided that a
placeholder word is always one whole ``WORD`` token. That holds in a state where ``WORD`` is
acceptable (``WORD`` is ``\\S+``, the widest terminal, and keywords only retype a word they
equal entirely), and the template of a shape is only kept after checking, on the first
command of that shape, that Lark lexed every word as one token and every placeholder as a
``WORD``. A command that does not parse is never cached: each such command goes to Lark.

Templates are plain data (rule names, token types, word indexes): they are kept in memory
and, to spare a cold process the import of Lark and the load of its tables, in a JSON file
in the user's cache directory, keyed by a hash of the grammar text and Lark's version
(``IOSDMVPN_CACHE_DIR`` moves it; ``IOSDMVPN_NO_CACHE=1`` turns the file off).
"""

from __future__ import annotations

import bisect
import json
import os
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lark import Lark

# Bump when the template encoding changes.
_FORMAT = 2
# Shapes kept on disk, at most: a real config has a few hundred; the cap keeps the file
# (read by every run) small when odd or fuzzed input shows up.
_DISK_CAP = 5_000
PLACEHOLDER = "\x00"  # a word that is not a keyword, in a shape key
_SEEN_CAP = 200_000

# A template node: [rule, [child, ...]] where a child is a word index (a token) or a node.
Node = list[Any]


@dataclass(frozen=True)
class Template:
    """The Lark tree of one command shape, with word indexes in place of tokens."""

    node: Node
    types: tuple[str | None, ...]  # Lark terminal type of each word (None: a filtered keyword)


@dataclass
class SyntaxProblem:
    """A command Lark rejects: what to tell the user."""

    incomplete: bool  # the command ends too early ("expected more")


class Grammar:
    """The grammar text and what the shape keys need from it, read without importing Lark."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Literal keywords, lower-cased: a word equal to one of them keeps its place in a key.
        self.literals = frozenset(m.group(1).lower() for m in re.finditer(r'"((?:[^"\\]|\\.)*)"i?', text))
        # Words starting like a literal of a named terminal (``EIGRP_KNOB: "split-horizon" | ...``)
        # are kept too: such a terminal may match the start of a longer word.
        prefixes: set[str] = set()
        self.cacheable = True
        terminal: str | None = None
        for raw in text.splitlines():
            code = raw.split("//")[0]
            m = re.match(r"([A-Z_][A-Z0-9_]*)(?:\.\d+)?\s*:(.*)$", code)
            if m is not None:
                terminal, body = m.group(1), m.group(2)
            elif terminal is not None and code.strip().startswith("|"):
                body = code  # a continuation line of the terminal above
            else:
                terminal = None
                continue
            if terminal in ("WORD", "_NL"):
                continue
            if "/" in body:
                self.cacheable = False  # an unforeseen regex terminal: no shape cache at all
            prefixes.update(s.lower() for s in re.findall(r'"((?:[^"\\]|\\.)*)"', body))
        self.prefixes = tuple(sorted(prefixes))
        # Digits no keyword starts with: a word starting with one is a placeholder, no lookup
        # needed (addresses and numbers, most of the distinct words of a large file).
        self.plain_digits = frozenset(
            d for d in "0123456789" if not any(k.startswith(d) for k in (*self.literals, *self.prefixes)))
        # Names the cache file of this grammar. Two checksums, not a cryptographic hash: hashlib
        # (OpenSSL) would cost more start-up than the whole cache saves on a small file.
        data = text.encode("utf-8")
        self.digest = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
        self.seen: dict[str, str] = {}  # word -> its form in a shape key

    def keyword(self, word: str) -> bool:
        """Whether ``word`` may lex as something other than a plain WORD."""
        low = word.lower()
        return low in self.literals or low.startswith(self.prefixes)

    def shape_word(self, word: str) -> str:
        """``word`` itself when it may be a keyword, else the placeholder (memoised)."""
        hit = self.seen.get(word)
        if hit is None:
            hit = word if self.keyword(word) else PLACEHOLDER
            if len(self.seen) < _SEEN_CAP:
                self.seen[word] = hit
        return hit


def _lark_version() -> str:
    # Read, not imported: importing Lark is what a warm cache saves.
    spec = find_spec("lark")
    if spec is None or spec.origin is None:
        return "none"
    try:
        head = Path(spec.origin).read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    m = re.search(r"__version__\s*(?::\s*str)?\s*=\s*['\"]([^'\"]+)", head)
    return m.group(1) if m else "unknown"


def _cache_dir() -> Path | None:
    if os.environ.get("IOSDMVPN_NO_CACHE"):
        return None
    base = os.environ.get("IOSDMVPN_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(xdg) if xdg else Path.home() / ".cache"
    except (RuntimeError, KeyError):  # no home directory (a bare container user): memory only
        return None
    return root / "iosdmvpn"


class ShapeCache:
    """Command shape -> :class:`Template`, learnt from Lark and kept across runs."""

    def __init__(self, grammar: Grammar, persist: bool = True) -> None:
        self.grammar = grammar
        self.templates: dict[str, Template] = {}
        self._parser: Lark | None = None
        self._new = 0
        self._path: Path | None = None
        if persist and grammar.cacheable:
            folder = _cache_dir()
            if folder is not None:
                self._path = folder / f"shapes-{_FORMAT}-{grammar.digest}-{_lark_version()}.json"
                self._load()

    # ------------------------------------------------------------------ keys

    def key(self, kind: str, words: list[str]) -> str:
        """The shape of one command of stanza kind ``kind``."""
        seen = self.grammar.seen
        shape_word = self.grammar.shape_word
        digits = self.grammar.plain_digits
        return kind + " " + " ".join([seen.get(w) or (PLACEHOLDER if w[:1] in digits else shape_word(w))
                                      for w in words])

    # ------------------------------------------------------------------ learning

    def parser(self) -> Lark:
        """The Lark parser, loaded on the first unknown shape."""
        if self._parser is None:
            from iosdmvpn.parse.grammar import get_parser

            self._parser = get_parser()
        return self._parser

    def learn(self, kind: str, words: list[str], key: str | None) -> Template | SyntaxProblem:
        """Parse one command with Lark; keep its template when the shape is cacheable."""
        from lark.exceptions import UnexpectedInput

        text = " ".join(words) + "\n"
        starts = []
        pos = 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        index_of = {start: i for i, start in enumerate(starts)}
        interactive = self.parser().parse_interactive(text, start=kind)
        lexed = []
        try:
            for token in interactive.iter_parse():
                lexed.append(token)
            tree: Any = interactive.feed_eof()  # type: ignore[no-untyped-call]
        except UnexpectedInput as exc:
            bad = getattr(exc, "token", None)
            return SyntaxProblem(incomplete=bad is not None and getattr(bad, "type", "") == "$END")
        types: list[str | None] = [None] * len(words)
        real = [t for t in lexed if t.type != "_NL"]
        whole = len(real) == len(words) and len(tree.children) == 1
        for t in real:
            i = index_of.get(t.start_pos) if isinstance(t.start_pos, int) else None
            if i is None or str(t) != words[i]:
                whole = False
                break
            types[i] = t.type
        keyword = self.grammar.keyword
        # A placeholder must be a whole WORD token for the template to fit every command of the shape.
        if whole and any(not keyword(w) and types[i] != "WORD" for i, w in enumerate(words)):
            whole = False
        node = _encode(tree.children[0], words, starts) if tree.children else ["?", []]
        if _literal_tokens(node):
            whole = False
        template = Template(node=node, types=tuple(types))
        if whole and key is not None and self.grammar.cacheable:
            self.templates[key] = template
            self._new += 1
        # Otherwise the template is still right for this very command, built from its own parse.
        return template

    # ------------------------------------------------------------------ disk

    def _load(self) -> None:
        assert self._path is not None
        try:
            with open(self._path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return
        shapes = data.get("shapes")
        if not isinstance(shapes, dict):
            return
        for key, value in shapes.items():
            if isinstance(key, str) and isinstance(value, list) and len(value) == 2 \
                    and isinstance(value[0], list) and isinstance(value[1], list):
                self.templates[key] = Template(node=value[0], types=tuple(value[1]))

    def save(self) -> None:
        """Write the shapes learnt in this run (best effort: a read-only home is fine)."""
        if self._path is None or not self._new or len(self.templates) > _DISK_CAP:
            return
        self._new = 0
        data = {"format": _FORMAT, "shapes": {k: [t.node, list(t.types)] for k, t in self.templates.items()}}
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            import tempfile

            fd, tmp = tempfile.mkstemp(prefix=".shapes-", dir=self._path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.replace(tmp, self._path)
            _forget_old(self._path)
        except OSError:
            return


def _forget_old(current: Path) -> None:
    """Delete the files of other grammars (older releases) unused for 30 days."""
    import time

    limit = time.time() - 30 * 86400
    for other in current.parent.glob("shapes-*.json"):
        try:
            if other != current and other.stat().st_mtime < limit:
                other.unlink()
        except OSError:
            continue


def _encode(tree: Any, words: list[str], starts: list[int]) -> Node:
    """A Lark tree as a template node.

    A token that is one whole word becomes its word index; any other token (never seen
    with this grammar) stays literal as ``["=", type, text, word index]``.
    """
    from lark import Token as LarkToken

    children: list[Any] = []
    for child in tree.children:
        if isinstance(child, LarkToken):
            pos = child.start_pos if isinstance(child.start_pos, int) else 0
            i = max(0, bisect.bisect_right(starts, pos) - 1)
            if starts and starts[i] == pos and words[i] == str(child):
                children.append(i)
            else:
                children.append(["=", child.type, str(child), i])
        else:
            children.append(_encode(child, words, starts))
    return [str(tree.data), children]


def _literal_tokens(node: Node) -> bool:
    return any(isinstance(k, list) and (k[:1] == ["="] or _literal_tokens(k)) for k in node[1])


def evaluate(template: Template, words: list[str], calls: dict[str, Callable[..., Any]],
             default: Callable[[str, list[Any]], Any], token: Callable[[str, str, int], Any]) -> Any:
    """Run the callbacks of a template bottom-up on the words of one command."""
    return run_template(template.node, template.types, words, calls, default, token)


def run_template(node: Node, types: tuple[str | None, ...], words: list[str],
                 calls: dict[str, Callable[..., Any]], default: Callable[[str, list[Any]], Any],
                 token: Callable[[str, str, int], Any]) -> Any:
    """:func:`evaluate` on a template's parts (the parser's hot loop calls it directly)."""
    rule, kids = node
    args = [token(words[k], types[k] or "", k) if k.__class__ is int
            else token(k[2], k[1], k[3]) if k[0] == "="
            else run_template(k, types, words, calls, default, token)
            for k in kids]
    fn = calls.get(rule)
    return fn(args) if fn is not None else default(rule, args)


_CACHE: ShapeCache | None = None


def grammar_path() -> Path:
    """``ios.lark``: inside the installed package (``iosdmvpn/_data``), else in the checkout.

    The same places as :func:`iosdmvpn.resources.data_dir`, found without importing
    ``importlib.resources`` (a tenth of a small run's start-up).
    """
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_data" / "grammars" / "ios.lark"
    if packaged.is_file():
        return packaged
    return package.parent / "grammars" / "ios.lark"


def shape_cache() -> ShapeCache:
    """The process-wide shape cache."""
    global _CACHE
    if _CACHE is None:
        _CACHE = ShapeCache(Grammar(grammar_path().read_text(encoding="utf-8")))
    return _CACHE
