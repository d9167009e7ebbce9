"""Source files and spans: the positions every later stage reports against.

Positions are 1-based, end exclusive (the convention of Lark and SARIF).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

# A config larger than this is not a router config; refuse instead of exhausting memory.
MAX_FILE_BYTES = 64 * 1024 * 1024


class Span(BaseModel):
    """A half-open range in one file: 1-based line and column, end exclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def whole_file(cls, path: str) -> Span:
        """A span for findings about a file as a whole (its first line)."""
        return cls.of(path, 1, 1, 1, 1)

    @classmethod
    def of(cls, path: str, line: int, column: int, end_line: int, end_column: int) -> Span:
        """``Span(path=path, line=line, ...)``, by :func:`span_of` (positional, and faster)."""
        if cls is Span:
            return span_of(path, line, column, end_line, end_column)
        return cls(path=path, line=line, column=column, end_line=end_line, end_column=end_column)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


_ALL_FIELDS = {"path", "line", "column", "end_line", "end_column"}  # a Span's fields (see span_of)
# BaseModel's slots, set directly (a frozen model's __setattr__ refuses).
_new = object.__new__
_set_dict = object.__setattr__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def span_of(path: str, line: int, column: int, end_line: int, end_column: int) -> Span:
    """``Span(path=path, line=line, ...)``, built without the validator when the values are
    already what it checks for (a ``str`` and four ``int``).

    The parser makes one span per command and stanza (20,000 for a 100,000-line file)
    from a path it was given as ``str`` and positions it counted itself: there is nothing
    for validation to convert or reject, and it costs three times as much. The object is
    the one validation gives: the same ``__dict__``, all five fields set, no extra or
    private values (what ``model_construct`` sets, minus its defaults handling, which a
    model whose fields are all given does not need). Any other input is validated.

    The fields-set is one set shared by these spans: a frozen model's is only read
    (``model_copy`` copies it before adding to it), and it holds every field already.
    """
    if path.__class__ is str and line.__class__ is int and column.__class__ is int \
            and end_line.__class__ is int and end_column.__class__ is int:
        span = _new(Span)
        _set_dict(span, "__dict__", {"path": path, "line": line, "column": column, "end_line": end_line,
                                     "end_column": end_column})
        _set_fields_set(span, _ALL_FIELDS)
        _set_extra(span, None)
        _set_private(span, None)
        return span
    return Span(path=path, line=line, column=column, end_line=end_line, end_column=end_column)


class InputError(Exception):
    """The input cannot be used at all (missing, unreadable, binary, not UTF-8)."""

    def __init__(self, path: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class SourceFile:
    """The text of one input file, with its lines for code frames."""

    path: str
    text: str
    # text.splitlines(), computed once: the parser has it already, and a report or a
    # translation needs it again (7 ms for a 100,000-line file).
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def lines(self) -> list[str]:
        """The file's lines without their line terminators (do not modify the list)."""
        if self._lines is None:
            object.__setattr__(self, "_lines", self.text.splitlines())
        assert self._lines is not None
        return self._lines


def _describe_binary(data: bytes) -> str | None:
    if b"\x00" in data[:8192]:
        return "binary file (NUL bytes): not a text configuration"
    return None


def read_source(path: str | Path) -> SourceFile:
    """Read a configuration file as text, or raise :class:`InputError` saying why not."""
    shown = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(shown, "is a directory, not a configuration file")
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(shown, f"file is {size} bytes; configurations over {MAX_FILE_BYTES} are refused")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except PermissionError:
        raise InputError(shown, "permission denied") from None
    except OSError as exc:
        raise InputError(shown, f"cannot be read: {exc.strerror or exc}") from None
    return decode_source(shown, data)


def decode_source(path: str, data: bytes) -> SourceFile:
    """Decode bytes as UTF-8 text (a BOM is dropped), or raise :class:`InputError`."""
    binary = _describe_binary(data)
    if binary:
        raise InputError(path, binary)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            path,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, column {column}); "
            "re-export the configuration as UTF-8",
            line,
            column,
        ) from None
    return SourceFile(path=path, text=text)


# Command words after which the next word is a secret, as IOS prints them. The optional
# encryption-type digit (0, 6, 7) is kept readable; everything after it is masked.
_SECRET_PATTERNS = (
    re.compile(r"(?i)(\bcrypto\s+isakmp\s+key\s+(?:[067]\s+)?)(\S+)"),
    re.compile(r"(?i)(\bpre-shared-key(?:\s+(?:local|remote))?\s+(?:address\s+\S+(?:\s+\S+)?\s+|hostname\s+\S+\s+)?"
               r"(?:key\s+)?(?:[067]\s+)?)(\S+)"),
    re.compile(r"(?i)(\bnhrp\s+authentication\s+)(\S+)"),
    re.compile(r"(?i)(\bpre-share\s+key\s+(?:[067]\s+)?)(\S+)"),
    re.compile(r"(?i)(\btunnel\s+protection\s+psk\s+)(\S+)"),
    re.compile(r"(?i)(\b(?:password|secret)\s+(?:[0-9]\s+)?)(\S+)"),
    re.compile(r"(?i)(\bsnmp-server\s+community\s+)(\S+)"),
    re.compile(r"(?i)(\bkey-string\s+(?:[067]\s+)?)(\S+)"),
)
MASK = "********"


def redact(line: str) -> str:
    """Mask every secret value (keys, passwords, NHRP authentication) in a config line.

    Examples:
        >>> redact("crypto isakmp key 0 s3cret address 0.0.0.0")
        'crypto isakmp key 0 ******** address 0.0.0.0'
        >>> redact(" ip nhrp authentication DMVPN")
        ' ip nhrp authentication ********'
    """
    for pattern in _SECRET_PATTERNS:
        line = pattern.sub(lambda m: m.group(1) + MASK, line)
    return line
