"""The catalogue of every code the tool can emit: rules, parser, meta and translation codes.

``iosdmvpn rules``, SARIF's ``driver.rules`` and suppression checking all read it, so a
code is described the same way everywhere.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from iosdmvpn.checks import REGISTRY, Rule
from iosdmvpn.checks.registry import Registry
from iosdmvpn.diagnostics import Severity
from iosdmvpn.parse import PARSE_CODES
from iosdmvpn.suppress import META_CODES

Kind = Literal["rule", "parse", "meta", "translate"]
CodeTable = Mapping[str, tuple[str, Severity, str]]


@dataclass(frozen=True)
class CodeInfo:
    """One code and its documentation."""

    code: str
    name: str
    severity: Severity
    kind: Kind
    summary: str
    why: str = ""
    scope: str = ""
    tags: tuple[str, ...] = ()
    rule: Rule | None = None

    def markdown(self) -> str:
        """The full documentation as Markdown (a rule's docstring, else its summary)."""
        head = f"# {self.code} `{self.name}`\n\n"
        facts = f"*{self.severity}* · {self.kind}" + (f" · {self.scope} scope" if self.scope else "")
        if self.tags:
            facts += " · tags: " + ", ".join(self.tags)
        if self.rule is None:
            return head + facts + "\n\n" + self.summary + "\n"
        body = self.rule.doc.strip().split("\n", 1)
        rest = textwrap.dedent(body[1]) if len(body) > 1 else ""
        return head + facts + "\n\n" + body[0].strip() + "\n\n" + rest.strip() + "\n"


def catalog(translate: CodeTable | None = None, registry: Registry = REGISTRY) -> list[CodeInfo]:
    """Every known code, sorted by code."""
    out: list[CodeInfo] = [
        CodeInfo(r.code, r.name, r.severity, "rule", r.summary, r.why, str(r.scope), r.tags, r)
        for r in registry
    ]
    tables: list[tuple[Kind, CodeTable]] = [("parse", PARSE_CODES), ("meta", META_CODES)]
    if translate:
        tables.append(("translate", translate))
    seen = {c.code for c in out}
    for kind, table in tables:
        for code, (name, severity, summary) in table.items():
            if code not in seen:
                seen.add(code)
                out.append(CodeInfo(code, name, severity, kind, summary))
    return sorted(out, key=lambda c: c.code)


def code_names(translate: CodeTable | None = None, registry: Registry = REGISTRY) -> dict[str, str]:
    """Every known code -> its name: :func:`catalog` without the documentation, which is
    read from the rules' docstrings (a lint run needs only the names)."""
    out = {r.code: r.name for r in registry}
    for table in (PARSE_CODES, META_CODES, translate or {}):
        for code, (name, _, _) in table.items():
            out.setdefault(code, name)
    return out


def resolver(codes: Iterable[CodeInfo] | Mapping[str, str]) -> dict[str, str]:
    """Code and rule name -> code, for suppressions and settings (from :func:`catalog` or
    :func:`code_names`)."""
    pairs = codes.items() if isinstance(codes, Mapping) else ((c.code, c.name) for c in codes)
    out: dict[str, str] = {}
    for code, name in pairs:
        out[code] = code
        out[name] = code
    return out
