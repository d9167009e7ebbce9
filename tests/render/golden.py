"""Golden scenarios: ``tests/golden/<name>/input`` -> ``expected`` (shared by several tests).

``input/`` holds the configurations (or ``corpus.txt``, names of files used in place from
``../shared/corpus``) and ``options.json`` (``igp``, ``ipsec``, ``targets``,
``interface_map``). ``expected/`` holds every rendered file plus ``translate.txt``: the
diagnostics, whether translation would be refused, and each file's mode.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from iosdmvpn.parse import ParseResult, parse_text
from iosdmvpn.render import TranslateResult, parse_targets, translate

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass
class Scenario:
    name: str
    folder: Path

    @property
    def inputs(self) -> list[Path]:
        listing = self.folder / "input" / "corpus.txt"
        if listing.exists():
            lines = listing.read_text().splitlines()
            names = [n.strip() for n in lines if n.strip() and not n.startswith("#")]
            return [CORPUS / n for n in names]
        return sorted(p for p in (self.folder / "input").iterdir() if p.suffix in (".cfg", ".ios"))

    @property
    def needs_corpus(self) -> bool:
        return (self.folder / "input" / "corpus.txt").exists()

    @property
    def options(self) -> dict[str, object]:
        path = self.folder / "input" / "options.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def run(self) -> tuple[list[ParseResult], TranslateResult]:
        opts = self.options
        results = [parse_relative(p) for p in self.inputs]
        result = translate(results, parse_targets(str(opts.get("targets", "all"))),
                           ipsec_mode=opts.get("ipsec", "stock"),  # type: ignore[arg-type]
                           igp=opts.get("igp"),  # type: ignore[arg-type]
                           interface_map=opts.get("interface_map", {}))  # type: ignore[arg-type]
        return results, result


def parse_relative(path: Path) -> ParseResult:
    """Parse under a path relative to the repository, so outputs naming their source are stable."""
    from iosdmvpn.source import decode_source

    shown = os.path.relpath(path, ROOT)
    return parse_text(decode_source(shown, path.read_bytes()).text, shown)


def scenarios() -> list[Scenario]:
    return [Scenario(p.name, p) for p in sorted(GOLDEN.iterdir()) if (p / "input").is_dir()]


def summary(result: TranslateResult) -> str:
    """``translate.txt``: what a reviewer needs besides the files themselves."""
    lines = [f"refused without --force: {'yes' if result.blocking else 'no'}", "", "diagnostics:"]
    for d in result.diagnostics:
        where = f"{Path(d.span.path).name}:{d.span.line}:{d.span.column}"
        lines.append(f"  {where} {d.severity} {d.code} {d.name}: {d.message}")
    lines += ["", "files:"]
    lines += [f"  {oct(mode)[2:]:>4} {rel}" for rel, (_, mode) in sorted(result.files.items())]
    return "\n".join(lines) + "\n"


def expected_tree(result: TranslateResult) -> dict[str, str]:
    tree = {rel: text for rel, (text, _) in result.files.items()}
    tree["translate.txt"] = summary(result)
    return tree
