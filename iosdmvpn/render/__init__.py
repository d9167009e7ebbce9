"""``translate``: parsed Cisco DMVPN configurations -> files for Linux nodes.

Pipeline: :func:`~iosdmvpn.render.lower.lower` builds one target-neutral
:class:`~iosdmvpn.render.plan.NodePlan` per device (with DMV6xx diagnostics for every
lossy step), then each target module renders the plan through its templates. Output
paths are ``<hostname>/<file>``; nothing is written here (the CLI writes atomically).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from iosdmvpn.diagnostics import Diagnostic, sort_diagnostics
from iosdmvpn.render.codes import TRANSLATE_CODES, diag, is_blocking
from iosdmvpn.source import Span

if TYPE_CHECKING:  # the renderers load jinja2 and templates: only `translate` needs them
    from ipaddress import IPv4Network

    from iosdmvpn.parse import ParseResult
    from iosdmvpn.render.lower import Lowered
    from iosdmvpn.render.plan import NodePlan

TARGETS: tuple[str, ...] = ("iproute2", "networkd", "frr", "strongswan", "nftables")
Files = dict[str, tuple[str, int]]


@dataclass
class TranslateResult:
    """Rendered files (``relpath -> (text, mode)``), every diagnostic, and the plans."""

    files: Files
    diagnostics: list[Diagnostic]
    plans: list[NodePlan] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[Diagnostic]:
        """Errors that make the translation not do what the IOS config does."""
        return [d for d in self.diagnostics if is_blocking(d)]

    @property
    def hostnames(self) -> list[str]:
        """The output folders, in input order."""
        return [p.hostname for p in self.plans]


def parse_targets(text: str) -> tuple[str, ...]:
    """``"frr,nftables"`` or ``"all"`` -> the targets, in canonical order; ValueError on unknown ones."""
    wanted = {t.strip().lower() for t in text.split(",") if t.strip()}
    if not wanted or "all" in wanted:
        return TARGETS
    unknown = sorted(wanted - set(TARGETS))
    if unknown:
        raise ValueError(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)} or all")
    return tuple(t for t in TARGETS if t in wanted)


def _learned(plans: Sequence[NodePlan]) -> dict[str, list[IPv4Network]]:
    """Per node, what the other nodes sharing one of its tunnel subnets advertise (--igp)."""
    out: dict[str, list[IPv4Network]] = {}
    for plan in plans:
        subnets = {t.subnet for t in plan.tunnels}
        found: set[IPv4Network] = set()
        for other in plans:
            if other is not plan and subnets & {t.subnet for t in other.tunnels}:
                found.update(other.routing.advertised)
        out[plan.hostname] = sorted(found - set(plan.routing.advertised))
    return out


def _render_node(plan: NodePlan, targets: Sequence[str], ipsec_plans: list[Any],
                 diagnostics: Iterable[Diagnostic], learns: list[IPv4Network]) -> Files:
    from iosdmvpn.render import frr, iproute2, networkd, nftables, readme, strongswan

    files: Files = {}
    if "iproute2" in targets:
        files.update(iproute2.render_node(plan))
    if "networkd" in targets:
        files.update(networkd.render_node(plan))
    if "frr" in targets:
        files.update(frr.render_node(plan))
    if "nftables" in targets:
        files.update(nftables.render_node(plan))
    if "strongswan" in targets:
        files.update(strongswan.render_node(plan, ipsec_plans))
    files.update(readme.render_node(plan, list(files), list(diagnostics), learns, targets))
    return {f"{plan.hostname}/{name}": value for name, value in files.items()}


def translate(results: Sequence[ParseResult], targets: Iterable[str] = TARGETS,
              ipsec_mode: Literal["stock", "vici"] = "stock", igp: Literal["ospf", "bgp"] | None = None,
              interface_map: Mapping[str, str] | None = None) -> TranslateResult:
    """Translate every usable configuration of ``results`` (one network) for ``targets``.

    Unusable inputs (unreadable, templates, not configurations) are skipped and listed in
    :attr:`TranslateResult.unusable`; their parse diagnostics are kept. The result holds the
    files of every device that could be translated; :attr:`TranslateResult.blocking` says
    whether the caller should refuse to write them.
    """
    from iosdmvpn.render.env import UnsafeValue
    from iosdmvpn.render.lower import Options, lower
    from iosdmvpn.render.names import show

    chosen = tuple(t for t in TARGETS if t in set(targets))
    options = Options(targets=frozenset(chosen), ipsec_mode=ipsec_mode, igp=igp,
                      interface_map=dict(interface_map or {}))
    lowered: Lowered = lower(results, options)
    diagnostics = [d for r in results for d in r.diagnostics] + lowered.diagnostics
    learned = _learned(lowered.plans)
    files: Files = {}
    plans: list[NodePlan] = []
    for plan in lowered.plans:
        path = next((r.path for r in results if r.device is not None and safe_name(r) == plan.hostname), "")
        own = [d for d in lowered.diagnostics if d.span.path == path]
        try:
            rendered = _render_node(plan, chosen, lowered.ipsec.get(plan.hostname, []), own,
                                    learned.get(plan.hostname, []))
        except UnsafeValue as exc:
            message = f"{plan.hostname}: output refused, a value would be unsafe ({show(str(exc))})"
            diagnostics.append(diag("DMV601", message, Span.whole_file(path or plan.source_name)))
            continue
        files.update(rendered)
        plans.append(plan)
    unusable = [r.path for r in results if not r.usable]
    return TranslateResult(files=dict(sorted(files.items())), diagnostics=sort_diagnostics(diagnostics),
                           plans=plans, unusable=unusable)


def safe_name(result: ParseResult) -> str | None:
    """The hostname a usable result's output folder gets (None when unusable)."""
    return result.device.name if result.device is not None else None


__all__ = ["TARGETS", "TRANSLATE_CODES", "TranslateResult", "parse_targets", "translate"]
