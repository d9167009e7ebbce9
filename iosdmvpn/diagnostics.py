"""The diagnostic: the one currency of parse errors, lint findings and translation losses."""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel, ConfigDict

from iosdmvpn.source import Span


class Severity(IntEnum):
    """How bad a finding is; ordered so ``>=`` compares thresholds."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read ``error``, ``warning`` or ``info`` (any case)."""
        return cls[text.strip().upper()]


class Related(BaseModel):
    """Another place involved in a finding (for example the hub a spoke points at)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span
    message: str


class Diagnostic(BaseModel):
    """One finding shown to the user, with its location and the places related to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    help: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: file, line, column, code, message."""
        return (self.span.path, self.span.line, self.span.column, self.code, self.message)


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sort and drop exact duplicates (two stages can report the same fact)."""
    unique = {(d.sort_key(), d.name, d.severity, d.related): d for d in diagnostics}
    return sorted(unique.values(), key=Diagnostic.sort_key)
