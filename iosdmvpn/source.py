"""Source files and spans: the positions every later stage reports against.

Positions are 1-based, end exclusive (the convention of Lark and SARIF).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
        return cls(path=path, line=1, column=1, end_line=1, end_column=1)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


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

    @property
    def lines(self) -> list[str]:
        """The file's lines without their line terminators."""
        return self.text.splitlines()


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
