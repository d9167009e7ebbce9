"""The Python API and the CLI's only entry into the pipeline: parse, lint, exit codes.

``lint`` runs the whole lint pipeline::

    paths --collect--> files --parse--> devices --Network--> rules --> diagnostics
          --suppressions--> --select/ignore/per-file-ignores--> --severity overrides--> sorted

Exit codes (:func:`exit_code`) follow ruff and sqlfluff: 0 nothing at or above
``fail-on``; 1 findings at or above it; 2 an input could not be used at all (missing,
binary, not UTF-8, a template, not a configuration) or the invocation was wrong.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, BinaryIO

from iosdmvpn.parse import ParseResult, parse_bytes, parse_devices, parse_file
from iosdmvpn.report.result import FileReport, LintResult

# Settings, suppressions and rules are imported where used: `iosdmvpn parse` needs none of
# them, and every module costs startup time.
if TYPE_CHECKING:
    from iosdmvpn.checks.registry import Registry
    from iosdmvpn.config import Settings
    from iosdmvpn.diagnostics import Diagnostic
    from iosdmvpn.model import Device
    from iosdmvpn.model.network import Network
    from iosdmvpn.report.codes import CodeInfo, CodeTable

__all__ = [
    "EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "FileReport", "LintResult", "UsageError", "catalog",
    "collect_files", "default_paths", "exit_code", "lint", "lint_parsed", "lint_sources", "parse_paths",
    "translate_codes",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

STDIN = "-"
STDIN_NAME = "<stdin>"
# Always configurations when found in a folder; .txt and extension-less files only when
# their first lines look like IOS (a README.txt is not a router).
CONFIG_SUFFIXES = (".cfg", ".ios", ".conf")
SNIFFED_SUFFIXES = (".txt", "")
_LOOKS_LIKE_IOS = re.compile(
    rb"^(?:hostname \S|interface \S|version \d|router (?:eigrp|ospf|bgp|rip)|crypto (?:isakmp|ipsec|ikev2) "
    rb"|Building configuration|Current configuration)",
    re.MULTILINE,
)
# Diagnostics that no setting can drop: the input was unusable or the tool broke.
UNIGNORABLE = frozenset({"DMV001", "DMV002", "DMV007", "DMV999"})

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, path)`` after each file is parsed."""


class UsageError(Exception):
    """The invocation cannot be carried out (exit code 2); the message says why."""


def _looks_like_config(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError:
        return False
    return b"\x00" not in head and _LOOKS_LIKE_IOS.search(head) is not None


def _display(path: str) -> str:
    """The path as shown to users: normalised, and relative when it lies under the working directory."""
    if path == STDIN:
        return path
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            return rel
    return os.path.normpath(path)


def collect_files(paths: Sequence[str], settings: Settings, *, force_exclude: bool = False) -> list[str]:
    """Expand folders into the configuration files they hold; deterministic (sorted) order.

    Files named explicitly are kept even when they do not exist (the parser reports
    them), unless ``force_exclude`` and they match ``exclude``. ``-`` is standard input.

    Raises:
        UsageError: A folder holds no configuration file.
    """
    found: dict[str, str] = {}  # identity -> display path

    def add(path: str) -> None:
        shown = _display(path)
        found.setdefault(shown if shown == STDIN else os.path.abspath(shown), shown)

    for given in paths:
        if given == STDIN:
            add(STDIN)
            continue
        if not os.path.isdir(given):
            if not (force_exclude and settings.excluded(given)):
                add(given)
            continue
        before = len(found)
        for folder, dirs, names in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not settings.excluded(os.path.join(folder, d)))
            for name in sorted(names):
                full = os.path.join(folder, name)
                suffix = os.path.splitext(name)[1].lower()
                if settings.excluded(full):
                    continue
                if suffix in CONFIG_SUFFIXES or (suffix in SNIFFED_SUFFIXES and _looks_like_config(full)):
                    add(full)
        if len(found) == before:
            kinds = ", ".join(f"*{s}" for s in (*CONFIG_SUFFIXES, ".txt"))
            raise UsageError(f"no configuration files ({kinds}, or IOS text without extension) in {given!r}")
    return sorted(found.values())


def _parse_one(path: str, stdin: BinaryIO | None, stdin_filename: str | None) -> ParseResult:
    if path == STDIN:
        data = (stdin or sys.stdin.buffer).read()
        return parse_bytes(data, stdin_filename or STDIN_NAME)
    return parse_file(path)


def parse_paths(paths: Sequence[str], *, stdin: BinaryIO | None = None,
                stdin_filename: str | None = None) -> list[ParseResult]:
    """Parse files as given (no folder expansion; a folder is an unusable input), duplicates dropped."""
    seen: dict[str, str] = {}
    for p in paths:
        shown = _display(p)
        seen.setdefault(shown if shown == STDIN else os.path.abspath(shown), shown)
    return [_parse_one(p, stdin, stdin_filename) for p in seen.values()]


@cache
def translate_codes() -> CodeTable:
    """The translation stage's codes (``iosdmvpn.render.codes.TRANSLATE_CODES``), if it is installed."""
    import importlib

    for module in ("iosdmvpn.render.codes", "iosdmvpn.render"):
        try:
            table: CodeTable | None = getattr(importlib.import_module(module), "TRANSLATE_CODES", None)
        except ImportError:
            continue
        if table is not None:
            return table
    return {}


def catalog(registry: Registry | None = None) -> list[CodeInfo]:
    """Every code the tool knows: rules, parser, meta and translation codes."""
    from iosdmvpn.checks import REGISTRY
    from iosdmvpn.report.codes import catalog as build

    return build(translate_codes(), registry or REGISTRY)


def _network(devices: list[Device], settings: Settings) -> Network:
    from iosdmvpn.model.network import Network

    # `complete` (every hub is in the input) sharpens rules such as DMV505; `nat` tells the
    # NBMA checks which public address a private one is translated to.
    return Network(devices=devices, complete=settings.complete_network, nat=dict(settings.nat))


def lint(paths: Sequence[str] | None = None, settings: Settings | None = None, *,
         force_exclude: bool = False, stdin: BinaryIO | None = None, stdin_filename: str | None = None,
         progress: Progress | None = None, registry: Registry | None = None) -> LintResult:
    """Lint configuration files (folders expanded, ``-`` for standard input).

    Args:
        paths: Files and folders; None or empty lints the settings' ``paths``.
        settings: The settings; None discovers them from the working directory.
        force_exclude: Apply ``exclude`` to files named explicitly too (pre-commit).
        stdin: Where ``-`` reads from (default: the process's standard input).
        stdin_filename: The name ``-`` is reported under (and matched by per-file-ignores).
        progress: Called after each file is parsed.
        registry: The rules to run (default: every registered rule).

    Returns:
        Every file with its usability and the filtered, sorted diagnostics.

    Raises:
        UsageError: Nothing to lint.
        iosdmvpn.config.SettingsError: Invalid settings.
    """
    from iosdmvpn.config import load_settings

    settings = settings or load_settings()
    if not paths:
        paths = default_paths(settings)
    files = collect_files(paths, settings, force_exclude=force_exclude)
    results: list[ParseResult] = []
    for i, path in enumerate(files, start=1):
        # A file holding several routers (lab notes, study guides) is linted router by router.
        results.extend(parse_devices(path) if path != STDIN else [_parse_one(path, stdin, stdin_filename)])
        if progress is not None:
            progress(i, len(files), path)
    return lint_parsed(results, settings, registry=registry)


def lint_sources(sources: Sequence[tuple[str, str | bytes]], settings: Settings | None = None, *,
                 registry: Registry | None = None) -> LintResult:
    """Lint in-memory configurations given as ``(path, text)`` pairs (editors, tests)."""
    from iosdmvpn.config import Settings
    from iosdmvpn.parse import parse_text

    results = [parse_bytes(text, path) if isinstance(text, bytes) else parse_text(text, path)
               for path, text in sorted(sources, key=lambda s: s[0])]
    return lint_parsed(results, settings or Settings(), registry=registry)


def lint_parsed(results: Sequence[ParseResult], settings: Settings, *,
                registry: Registry | None = None) -> LintResult:
    """Lint already-parsed files: network, rules, suppressions, settings, sorting."""
    from iosdmvpn import suppress
    from iosdmvpn.checks import REGISTRY, run_rules
    from iosdmvpn.config import check_codes
    from iosdmvpn.diagnostics import sort_diagnostics
    from iosdmvpn.report.codes import code_names

    registry = registry or REGISTRY
    names = code_names(translate_codes(), registry)
    check_codes(settings, names)

    ordered = sorted(results, key=lambda r: r.path)
    usable = [r for r in ordered if r.usable and r.device is not None]
    devices = [r.device for r in usable if r.device is not None]
    raw: list[Diagnostic] = [d for r in ordered for d in r.diagnostics]
    if devices:
        groups = [devices] if settings.network else [[d] for d in devices]
        for group in groups:
            raw.extend(run_rules(_network(group, settings), list(registry), registry=registry))

    # Suppressions are matched against every raw finding, before select/ignore, so a
    # directive for a deselected rule is not wrongly reported as unused.
    resolve = suppress_resolver(names)
    foreign = frozenset(translate_codes())
    # One scan per file, however many routers it holds.
    sources = {r.path: r.source for r in usable if r.source is not None}
    scans = [suppress.scan(path, source.text, resolve, foreign) for path, source in sources.items()]
    kept, suppressed = suppress.apply(raw, scans)
    kept += [p for s in scans for p in s.problems] + suppress.unused(scans, names)

    final: list[Diagnostic] = []
    for d in kept:
        if d.code not in UNIGNORABLE and (
            not settings.enabled(d.code, d.name) or settings.ignored_in(d.span.path, d.code, d.name)
        ):
            continue
        severity = settings.severity_for(d.code, d.name, d.severity)
        final.append(d if severity == d.severity else d.model_copy(update={"severity": severity}))

    reports = [
        FileReport(path=r.path, usable=r.usable, hostname=r.device.hostname if r.device else None,
                   coverage=r.device.coverage if r.device else None, source=r.source)
        for r in ordered
    ]
    return LintResult(files=reports, diagnostics=sort_diagnostics(final), settings=settings,
                      suppressed=suppressed)


def suppress_resolver(codes: Sequence[CodeInfo] | Mapping[str, str]) -> dict[str, str]:
    """Code or rule name -> code, as accepted in ``! iosdmvpn: disable=`` directives (from
    :func:`catalog`, or a code -> name mapping)."""
    from iosdmvpn.report.codes import resolver

    return resolver(codes)


def exit_code(result: LintResult, *, exit_zero: bool = False) -> int:
    """0 clean, 1 findings at or above ``fail-on`` (unless ``exit_zero``), 2 unusable input."""
    if result.unusable:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_OK
    threshold = result.settings.fail_on_severity
    return EXIT_FINDINGS if any(d.severity >= threshold for d in result.diagnostics) else EXIT_OK


def default_paths(settings: Settings) -> list[str]:
    """The settings' ``paths``, relative to the working directory (what a bare ``lint`` lints)."""
    return [os.path.relpath(settings.root / p) for p in settings.paths]
