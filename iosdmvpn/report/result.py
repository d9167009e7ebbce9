"""What a lint run produced: the data every output format renders.

It lives in the report layer (not in :mod:`iosdmvpn.api`, which builds it) so the
formatters need nothing from the layers above them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iosdmvpn.diagnostics import Diagnostic, Severity
from iosdmvpn.model import Coverage
from iosdmvpn.source import SourceFile

if TYPE_CHECKING:
    from iosdmvpn.config import Settings


@dataclass(frozen=True)
class FileReport:
    """One input file: whether it could be used, and what the parser made of it."""

    path: str
    usable: bool
    hostname: str | None = None
    coverage: Coverage | None = None
    source: SourceFile | None = field(default=None, repr=False)


@dataclass
class LintResult:
    """Files, sorted diagnostics (after settings and suppressions) and run facts."""

    files: list[FileReport]
    diagnostics: list[Diagnostic]
    settings: Settings
    suppressed: int = 0

    @property
    def sources(self) -> dict[str, SourceFile]:
        """Path -> text, for code frames."""
        return {f.path: f.source for f in self.files if f.source is not None}

    @property
    def file_count(self) -> int:
        """Distinct files linted (a file may hold several routers, each with its report)."""
        return len({f.path for f in self.files})

    @property
    def unusable(self) -> list[FileReport]:
        """Files that could not be linted at all."""
        return [f for f in self.files if not f.usable]

    def counts(self) -> dict[Severity, int]:
        """How many diagnostics of each severity, every severity present as a key."""
        found = Counter(d.severity for d in self.diagnostics)
        return {s: found.get(s, 0) for s in sorted(Severity, reverse=True)}

    def statistics(self) -> list[tuple[str, str, Severity, int]]:
        """(code, name, highest severity, count) per code, most frequent first."""
        per: dict[str, tuple[str, Severity, int]] = {}
        for d in self.diagnostics:
            name, sev, n = per.get(d.code, (d.name, d.severity, 0))
            per[d.code] = (name, max(sev, d.severity), n + 1)
        return sorted(((c, n, s, k) for c, (n, s, k) in per.items()), key=lambda t: (-t[3], t[0]))
