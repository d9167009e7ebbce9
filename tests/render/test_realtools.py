"""The generated files against the real tools: FRR 8.4, nftables, bash and shellcheck.

* every ``frr.conf`` (golden scenarios, every corpus file in each routing mode, hostile
  inputs) passes ``vtysh -C -f``;
* every golden node's ``frr.conf`` is applied to live zebra/staticd/nhrpd/ospfd/bgpd in a
  network namespace the test creates (bridges stand in for GRE devices, which this
  kernel may lack), read back with ``show running-config`` and compared semantically;
* every ``nftables.nft`` passes ``nft -c -f`` inside a test namespace;
* every ``dmvpn.sh`` passes ``bash -n``, ``sh -n`` and ``shellcheck``.
"""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

import pytest
from frrsem import differences
from golden import CORPUS, scenarios
from hostile import hostile_results

from iosdmvpn.parse import parse_file
from iosdmvpn.render import TranslateResult, translate
from iosdmvpn.render.plan import NodePlan

pytestmark = pytest.mark.realtools


@cache
def _outputs() -> tuple[tuple[str, TranslateResult], ...]:
    """(label, result) for every scenario whose files the tools must accept."""
    out: list[tuple[str, TranslateResult]] = []
    for s in scenarios():
        if not s.needs_corpus or CORPUS.is_dir():
            out.append((f"golden/{s.name}", s.run()[1]))
    for path in sorted(CORPUS.glob("*.cfg")) if CORPUS.is_dir() else []:
        parsed = parse_file(path)
        for igp in (None, "ospf", "bgp"):
            out.append((f"corpus/{path.name}/{igp or 'ios'}", translate([parsed], igp=igp)))
    out.append(("hostile", translate(hostile_results())))
    out.append(("hostile/vici", translate(hostile_results(), ipsec_mode="vici", igp="bgp")))
    return tuple(out)


def _files(suffix: str) -> list[tuple[str, str, str]]:
    return [(label, rel, text) for label, result in _outputs()
            for rel, (text, _) in sorted(result.files.items()) if rel.endswith(suffix)]


def _write(folder: Path, items: list[tuple[str, str, str]]) -> list[tuple[str, Path]]:
    written = []
    for i, (label, rel, text) in enumerate(items):
        path = folder / f"{i:04d}-{Path(rel).name}"
        path.write_text(text, encoding="utf-8")
        os.chmod(path, 0o644)
        written.append((f"{label}:{rel}", path))
    return written


def test_every_frr_conf_passes_vtysh_dry_run(require_tool, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_tool("vtysh")
    items = _files("frr.conf")
    assert items
    failures = []
    for name, path in _write(tmp_path, items):
        cp = subprocess.run(["vtysh", "-C", "-f", str(path)], capture_output=True, text=True, timeout=60)
        if cp.returncode != 0 or "%" in cp.stdout + cp.stderr:
            failures.append(f"{name}: rc {cp.returncode}: {(cp.stdout + cp.stderr).strip()[:300]}")
    assert not failures, "\n".join(failures)


def test_every_nftables_file_passes_nft_check(require_tool, netns, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_tool("nft")
    items = _files("nftables.nft")
    assert items
    failures = []
    for name, path in _write(tmp_path, items):
        cp = netns.run(["nft", "-c", "-f", str(path)], check=False)
        if cp.returncode != 0:
            failures.append(f"{name}: {cp.stderr.strip()[:300]}")
    assert not failures, "\n".join(failures)


def test_nftables_loads_twice(require_tool, netns, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The create/delete/define idiom makes a reload replace the tables."""
    require_tool("nft")
    _, path = _write(tmp_path, _files("nftables.nft")[:1])[0]
    for _ in range(2):
        netns.run(["nft", "-f", str(path)])
    assert "iosdmvpn" in netns.run(["nft", "list", "tables"]).stdout


def test_every_script_passes_shells_and_shellcheck(require_tool, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_tool("shellcheck")
    items = _files("dmvpn.sh")
    assert items
    written = _write(tmp_path, items)
    for shell in ("bash", "sh"):
        for name, path in written:
            cp = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True)
            assert cp.returncode == 0, f"{shell} -n {name}: {cp.stderr}"
    cp = subprocess.run(["shellcheck", "-s", "sh", *[str(p) for _, p in written]], capture_output=True,
                        text=True, timeout=300)
    assert cp.returncode == 0, cp.stdout[:3000]


# ---------------------------------------------------------------------------- live FRR


def _live_nodes() -> list[tuple[str, NodePlan, str]]:
    nodes = []
    for s in scenarios():
        if s.needs_corpus and not CORPUS.is_dir():
            continue
        result = s.run()[1]
        for plan in result.plans:
            key = f"{plan.hostname}/frr.conf"
            if key in result.files:
                nodes.append((f"{s.name}/{plan.hostname}", plan, result.files[key][0]))
    return nodes


def _stand_ins(plan: NodePlan) -> dict[str, list[str]]:
    """Every interface frr.conf names, with the addresses the node would have."""
    wanted: dict[str, list[str]] = {}
    for row in plan.interfaces:
        wanted.setdefault(row.ifname, [])
    for t in plan.tunnels:
        wanted[t.ifname] = [str(t.host_address)]
        if t.underlay:
            wanted[t.underlay] = [f"{t.local}/24"] if t.local is not None else []
    for lan in plan.lans:
        wanted[lan.ifname] = [a.with_prefixlen for a in lan.addresses]
    if plan.routing.ospf is not None:
        for ifname, _ in plan.routing.ospf.interfaces:
            wanted.setdefault(ifname, [])
    for route in plan.routing.static:
        if route.ifname not in (None, "blackhole"):
            wanted.setdefault(str(route.ifname), [])
    return wanted


@pytest.mark.parametrize("label,plan,conf", _live_nodes(), ids=[n[0] for n in _live_nodes()])
def test_frr_conf_applies_to_live_daemons(label: str, plan: NodePlan, conf: str, netns,  # type: ignore[no-untyped-def]
                                          frr_factory, tmp_path: Path) -> None:
    for ifname, addresses in _stand_ins(plan).items():
        netns.add_stand_in(ifname, addresses)
    frr = frr_factory(netns, [d for d in plan.daemons if d != "zebra"])
    path = tmp_path / "frr.conf"
    path.write_text(conf, encoding="utf-8")
    os.chmod(tmp_path, 0o755)
    os.chmod(path, 0o644)
    applied = frr.apply(path)
    output = applied.stdout + applied.stderr
    assert applied.returncode == 0 and "%" not in output, f"{label}: vtysh -f said:\n{output}"
    running = frr.running_config()
    diff = differences(conf, running)
    assert not diff, f"{label}:\n" + "\n".join(diff) + "\n--- running-config:\n" + running
