"""Semantic comparison of FRR configurations (generated file vs ``show running-config``).

Both sides become ``{context: {lines}}`` where a context is ``global``, an ``interface``
or ``router`` block, or an address family inside one. Comments, ``exit`` lines and
boilerplate FRR prints on its own are dropped, and so are lines that only restate a
default, which FRR never prints back.
"""

from __future__ import annotations

Blocks = dict[str, set[str]]

# Printed by FRR regardless of the configuration applied, or owned by vtysh itself.
_BOILERPLATE = ("frr version ", "frr defaults ", "hostname ", "service integrated-vtysh-config",
                "Building configuration", "Current configuration", "no ipv6 forwarding", "ip forwarding",
                "log ")
# Lines we emit on purpose although they equal FRR 8.4's defaults (explicit timers, policies).
_DEFAULTS = {"ip ospf hello-interval 10", "ip nhrp holdtime 7200"}


def blocks(text: str, *, generated: bool = False) -> Blocks:
    """The configuration as context -> set of normalised lines."""
    out: Blocks = {"global": set()}
    context, family = "global", None
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("!"):
            continue
        line = " ".join(stripped.split())
        top = not raw[0].isspace()
        if top:
            family = None
            if line in ("exit", "end"):
                context = "global"
                continue
            if line.startswith(("interface ", "router ")):
                context = line
                out.setdefault(context, set())
                continue
            context = "global"
            if not line.startswith(_BOILERPLATE):
                out["global"].add(line)
            continue
        if line == "exit-address-family":
            family = None
            continue
        if line.startswith("address-family "):
            family = line
            continue
        if generated and line in _DEFAULTS:
            continue
        key = context if family is None else f"{context} / {family}"
        out.setdefault(key, set()).add(line)
    return {k: v for k, v in out.items() if v}


def differences(generated: str, running: str) -> list[str]:
    """Human-readable differences; empty when FRR holds exactly what was generated."""
    want, have = blocks(generated, generated=True), blocks(running)
    lines: list[str] = []
    for context in sorted(set(want) | set(have)):
        for line in sorted(want.get(context, set()) - have.get(context, set())):
            lines.append(f"missing in FRR [{context}]: {line}")
        for line in sorted(have.get(context, set()) - want.get(context, set())):
            lines.append(f"unexpected in FRR [{context}]: {line}")
    return lines
