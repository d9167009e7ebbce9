"""Helpers shared by the rule tests: parse configs into a network, lint it, find lines, edit the seed.

Configs given as bare texts become devices ``dev0.cfg``, ``dev1.cfg``, ... (dedented). Every
helper that lints asserts that no rule crashed (DMV999).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from ipaddress import ip_address
from pathlib import Path

from iosdmvpn.checks import REGISTRY, Scope, run_rules
from iosdmvpn.checks.registry import DEVICE_SEPARATOR, Rule
from iosdmvpn.diagnostics import Diagnostic, Severity
from iosdmvpn.model.network import Network
from iosdmvpn.parse import parse_text

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-network"
SEED_FILES = ("hub.cfg", "spoke-a.cfg", "spoke-b.cfg")

SeedFinding = tuple[str, str, Severity, int]  # (file, code, severity, line)


# ------------------------------------------------------------------ parse and lint


def parse_network(sources: Iterable[tuple[str, str]], *, complete: bool = False,
                  nat: Mapping[str, str] | None = None, syntax_clean: bool = False) -> Network:
    """A network of ``(path, text)`` configs; each must give a device (``syntax_clean``: no DMV003/DMV004)."""
    devices = []
    for path, text in sources:
        result = parse_text(text, path)
        assert result.device is not None
        if syntax_clean:
            assert not [d for d in result.diagnostics if d.code in ("DMV003", "DMV004")], result.diagnostics
        devices.append(result.device)
    return Network(devices, complete=complete,
                   nat={ip_address(a): ip_address(b) for a, b in (nat or {}).items()})


def lint_network(network: Network, rules: Iterable[Rule]) -> list[Diagnostic]:
    """Run ``rules`` over ``network``, in the runner's order; none may crash (DMV999)."""
    found = run_rules(network, rules)
    assert not [d for d in found if d.code == "DMV999"], found
    return found


def dev_network(*texts: str, syntax_clean: bool = False) -> Network:
    """The configs, dedented, as devices ``dev0.cfg``, ``dev1.cfg``, ..."""
    return parse_network(((f"dev{n}.cfg", textwrap.dedent(text)) for n, text in enumerate(texts)),
                         syntax_clean=syntax_clean)


def lint(code: str, *texts: str, syntax_clean: bool = False) -> list[Diagnostic]:
    """Run one rule over the given configs (one device each), findings sorted by file and line."""
    rule = REGISTRY.get(code)
    assert rule is not None, code
    found = run_rules(dev_network(*texts, syntax_clean=syntax_clean), [rule])
    assert all(d.code == code for d in found), found  # never DMV999 (a crash)
    return sorted(found, key=lambda d: (d.span.path, d.span.line, d.span.column))


def hits(code: str, *texts: str, syntax_clean: bool = False) -> list[tuple[Severity, int]]:
    """(severity, line) of each finding of :func:`lint`."""
    return [(d.severity, d.span.line) for d in lint(code, *texts, syntax_clean=syntax_clean)]


def where(code: str, *texts: str, syntax_clean: bool = False) -> list[tuple[str, Severity, int]]:
    """(file, severity, line) of each finding of :func:`lint`."""
    return [(d.span.path, d.severity, d.span.line) for d in lint(code, *texts, syntax_clean=syntax_clean)]


# ------------------------------------------------------------------ configs

# The WAN interface of a spoke (lines 2-3 of :func:`tunnel_node` configs).
WAN = "interface GigabitEthernet0/0\n ip address 198.51.100.2 255.255.255.0\n"
# EIGRP AS 1 over the 10.0.0.0/24 tunnel subnet.
EIGRP_TUNNEL = "router eigrp 1\n network 10.0.0.0 0.0.0.255\n"


def tunnel_node(*tunnel_lines: str, head: str, wan: str = WAN, tail: str = "") -> str:
    """``head`` (hostname, line 1) + WAN interface (lines 2-3) + Tunnel0 (header line 4, commands from 5)."""
    body = "".join(f" {line}\n" for line in tunnel_lines)
    return f"{head}{wan}interface Tunnel0\n{body}{tail}"


# ------------------------------------------------------------------ lines and examples


def line_of(text: str, command: str, *, exact: bool = False) -> int:
    """1-based number of the only line whose stripped text (``exact``: whole text) is ``command``."""
    if exact:
        numbers = [n for n, line in enumerate(text.splitlines(), 1) if line == command]
    else:
        lines = textwrap.dedent(text).splitlines()
        numbers = [n for n, line in enumerate(lines, 1) if line.strip() == command]
    assert len(numbers) == 1, (command, numbers)
    return numbers[0]


def replace_line(text: str, command: str, new: Sequence[str] = ()) -> str:
    """``text`` with its only line ``command`` (stripped) replaced by ``new`` lines at the same indent."""
    lines = text.splitlines(keepends=True)
    n = line_of(text, command) - 1
    indent = lines[n][: len(lines[n]) - len(lines[n].lstrip())]
    lines[n:n + 1] = [f"{indent}{line}\n" for line in new]
    return "".join(lines)


def example_devices(example: str) -> list[str]:
    """The configs of a documentation example, split at ``! --- next device ---``."""
    return textwrap.dedent(example).split(DEVICE_SEPARATOR)


# ------------------------------------------------------------------ the catalogue


def check_registered(code: str, name: str, severity: Severity, scope: Scope) -> None:
    """The rule is registered as catalogued, named after its function, and documented."""
    rule = REGISTRY.get(code)
    assert rule is not None
    assert (rule.name, rule.severity, rule.scope) == (name, severity, scope)
    assert rule.func.__name__ == name.replace("-", "_")
    assert rule.summary and rule.why
    assert rule.examples("Bad") and rule.examples("Good")


def check_bad_example(code: str, expected: list[tuple[Severity, int, str]]) -> None:
    """The Bad example reports exactly ``expected``: (severity, line, text the line starts with)."""
    rule = REGISTRY.get(code)
    assert rule is not None
    (example,) = rule.examples("Bad")
    found = lint(code, *example_devices(example))
    lines = textwrap.dedent(example).splitlines()
    got = [(d.severity, d.span.line, lines[d.span.line - 1].strip()) for d in found]
    assert [(s, n) for s, n, _ in got] == [(s, n) for s, n, _ in expected]
    for (_, _, text), (_, _, prefix) in zip(got, expected, strict=True):
        assert text.startswith(prefix)


def check_good_examples(code: str, syntax_clean: bool = False) -> None:
    """Every Good example of the rule is silent."""
    rule = REGISTRY.get(code)
    assert rule is not None
    for example in rule.examples("Good"):
        assert lint(code, *example_devices(example), syntax_clean=syntax_clean) == []


# ------------------------------------------------------------------ the seed network


def seed_texts() -> dict[str, str]:
    """The seed network's configs by file name (hub.cfg, spoke-a.cfg, spoke-b.cfg)."""
    return {name: (SEED / name).read_text(encoding="utf-8") for name in SEED_FILES}


def seed_without(file: str, *commands: str) -> dict[str, str]:
    """The seed network with ``commands`` (whole lines, stripped) removed from ``file``, in turn."""
    texts = seed_texts()
    for command in commands:
        texts[file] = replace_line(texts[file], command)
    return texts


def seed_findings(texts: Mapping[str, str], only: str | None = None, *,
                  rules: Iterable[Rule]) -> set[SeedFinding]:
    """(file, code, severity, line) of what ``rules`` find in the configs linted together, or ``only`` one."""
    names = [only] if only else list(texts)
    found = lint_network(parse_network((name, texts[name]) for name in names), rules)
    return {(d.span.path, d.code, d.severity, d.span.line) for d in found}
