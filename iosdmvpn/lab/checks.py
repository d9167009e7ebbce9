"""The lab's checks, run against a built ``Topology``.

Each check polls until it passes or its timeout runs out (TCG makes every step slow, so
fixed sleeps would be either flaky or wasteful).  Subjects name what was checked, e.g.
``registration/spoke1->hub`` or ``ping/spoke1(192.168.1.1)->hub(192.168.0.1)``; a scenario's
``expect_failures`` patterns match those strings.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, ip_network
from typing import Any

from iosdmvpn.lab.frr import VtyError
from iosdmvpn.lab.results import CheckResult
from iosdmvpn.lab.spec import DeviceSpec
from iosdmvpn.lab.topology import Node, Topology
from iosdmvpn.lab.vici import ViciClient, ViciError

# after an unexpected failure later checks get this much time at most, so a broken
# scenario does not eat the CI budget waiting out every timeout
FAIL_FAST_TIMEOUT = 15.0
NON_PROTOCOL_ROUTES = {"kernel", "connected", "local"}
_PING_RE = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")


def nhrp_entries(data: Any) -> list[dict[str, str]]:
    """Rows of ``show ip nhrp cache|nhs|shortcut json`` with lower-cased keys."""
    rows = data.get("table", []) if isinstance(data, dict) else data
    out = []
    for row in rows or []:
        if isinstance(row, dict):
            out.append({str(k).lower(): str(v) for k, v in row.items()})
    return out


def _fmt_rows(rows: list[dict[str, str]]) -> str:
    keys = ("type", "protocol", "nbma", "prefix", "via")
    return "; ".join(" ".join(r[k] for k in keys if k in r) for r in rows) or "(empty)"


@dataclass
class Pending:
    subject: str
    probe: Callable[[], tuple[bool, str]]
    started: float
    done: bool = False
    detail: str = ""


class Checker:
    def __init__(
        self,
        topo: Topology,
        t0: float,
        log: Callable[[str], None],
        on_record: Callable[[CheckResult], None] | None = None,
    ) -> None:
        self.topo = topo
        self.spec = topo.scenario
        self.t0 = t0
        self.log = log
        self.on_record = on_record
        self.results: list[CheckResult] = []
        self.unexpected_failure = False

    # ---- bookkeeping -------------------------------------------------------------------
    def record(self, name: str, subject: str, passed: bool, detail: str, started: float) -> CheckResult:
        expected = not self.spec.expects_failure(name, subject)
        r = CheckResult(
            name=name,
            subject=subject,
            passed=passed,
            expected_pass=expected,
            detail=detail,
            started_s=round(started - self.t0, 2),
            duration_s=round(time.monotonic() - started, 2),
        )
        self.results.append(r)
        if not r.as_expected:
            self.unexpected_failure = True
        verdict = "PASS" if passed else "FAIL"
        note = "" if r.as_expected else " (UNEXPECTED)"
        self.log(f"  {verdict}{note} {name}/{subject}: {detail[:300]}")
        if self.on_record is not None:
            self.on_record(r)
        return r

    def _timeout(self, nominal: float) -> float:
        return min(nominal, FAIL_FAST_TIMEOUT) if self.unexpected_failure else nominal

    def poll(self, name: str, items: list[Pending], timeout: float, interval: float = 1.0) -> bool:
        """Re-run every pending probe until all pass or the (shared) deadline passes."""
        deadline = time.monotonic() + self._timeout(timeout)
        while True:
            for it in items:
                if it.done:
                    continue
                try:
                    ok, detail = it.probe()
                except (VtyError, ViciError, OSError, ValueError, KeyError) as exc:
                    ok, detail = False, f"error: {exc}"
                it.detail = detail
                if ok:
                    it.done = True
                    self.record(name, it.subject, True, detail, it.started)
            if all(it.done for it in items) or time.monotonic() >= deadline:
                break
            time.sleep(interval)
        for it in items:
            if not it.done:
                self.record(name, it.subject, False, f"timeout: {it.detail}", it.started)
        return all(it.done for it in items)

    def _passed(self, name: str, subject: str) -> bool | None:
        """Whether a check already recorded passed (None: not run)."""
        return next((r.passed for r in self.results if r.name == name and r.subject == subject), None)

    def node(self, d: DeviceSpec) -> Node:
        return self.topo.nodes[d.name]

    def hubs_of(self, d: DeviceSpec) -> list[DeviceSpec]:
        out = []
        for h in d.hubs:
            dev = self.spec.device_by_nbma(h.nbma_address)
            if dev is not None:
                out.append(dev)
        return out

    def clients_of(self, hub: DeviceSpec) -> list[DeviceSpec]:
        return [d for d in self.spec.devices if any(h.nbma_address == hub.nbma.ip for h in d.hubs)]

    # ---- (1) NHRP registration -----------------------------------------------------------
    def registration(self) -> bool:
        items = []
        now = time.monotonic()
        for d in self.spec.devices:
            for hub in self.hubs_of(d):
                items.append(Pending(f"{d.name}->{hub.name}", self._registered_probe(d, hub), now))
        return self.poll("registration", items, self.spec.timeouts.registration) if items else True

    def _registered_probe(self, client: DeviceSpec, hub: DeviceSpec) -> Callable[[], tuple[bool, str]]:
        def probe() -> tuple[bool, str]:
            rows = nhrp_entries(self.node(hub).frr.show_json("nhrpd", "show ip nhrp cache"))
            for r in rows:
                if r.get("protocol") == str(client.tunnel_address.ip) and r.get("type") == "dynamic":
                    nbma = r.get("nbma", "")
                    ok = nbma in ("", str(client.nbma.ip))
                    return ok, f"{hub.name} cache: dynamic {r.get('protocol')} nbma {nbma}"
            return False, f"{hub.name} cache: {_fmt_rows(rows)}"

        return probe

    # ---- (2) routing ----------------------------------------------------------------------
    def routing(self) -> bool:
        items = []
        now = time.monotonic()
        for d in self.spec.devices:
            peers = [p for p in self.hubs_of(d) + self.clients_of(d)]
            for proto in d.routing:
                expected = {str(p.tunnel_address.ip) for p in peers if proto in p.routing}
                probe = self._bgp_probe(d, expected) if proto == "bgp" else self._ospf_probe(d, expected)
                items.append(Pending(f"{d.name}:{proto}", probe, now))
            if d.expect_routes:
                items.append(Pending(f"{d.name}:routes", self._routes_probe(d), now))
        return self.poll("routing", items, self.spec.timeouts.routing) if items else True

    def _bgp_probe(self, d: DeviceSpec, expected: set[str]) -> Callable[[], tuple[bool, str]]:
        def probe() -> tuple[bool, str]:
            data = self.node(d).frr.show_json("bgpd", "show bgp ipv4 unicast summary")
            peers = (data.get("ipv4Unicast") or data).get("peers", {}) if isinstance(data, dict) else {}
            states = {ip: str(p.get("state", "?")) for ip, p in peers.items()}
            est = {ip for ip, st in states.items() if st == "Established"}
            missing = expected - est
            return not missing, f"established {sorted(est)}; missing {sorted(missing)}; states {states}"

        return probe

    def _ospf_probe(self, d: DeviceSpec, expected: set[str]) -> Callable[[], tuple[bool, str]]:
        def probe() -> tuple[bool, str]:
            data = self.node(d).frr.show_json("ospfd", "show ip ospf neighbor")
            full, seen = set(), {}
            for rid, entries in (data.get("neighbors") or {}).items():
                for e in entries if isinstance(entries, list) else [entries]:
                    addr = str(e.get("ifaceAddress") or e.get("address") or rid)
                    state = str(e.get("nbrState") or e.get("state") or "?")
                    seen[addr] = state
                    if state.startswith("Full"):
                        full.update({addr, str(rid)})
            missing = expected - full
            return not missing, f"full {sorted(full & expected)}; missing {sorted(missing)}; seen {seen}"

        return probe

    def _routes_probe(self, d: DeviceSpec) -> Callable[[], tuple[bool, str]]:
        def probe() -> tuple[bool, str]:
            rib = self.node(d).frr.show_json("zebra", "show ip route")
            have: list[tuple[IPv4Network, str]] = []
            for prefix, entries in rib.items():
                for e in entries:
                    if e.get("selected") and e.get("protocol") not in NON_PROTOCOL_ROUTES:
                        net = ip_network(prefix)
                        if isinstance(net, IPv4Network):
                            have.append((net, str(e.get("protocol"))))
            found, missing = [], []
            for want in d.expect_routes:
                cover = [
                    (n, p) for n, p in have if want.subnet_of(n) and (n.prefixlen > 0 or want.prefixlen == 0)
                ]
                if cover:
                    n, p = max(cover, key=lambda x: x[0].prefixlen)
                    found.append(f"{want} via {p} {n}")
                else:
                    missing.append(str(want))
            return not missing, f"missing {missing}; found {found}"

        return probe

    # ---- (4) ping ---------------------------------------------------------------------------
    def ping_pairs(self) -> list[tuple[DeviceSpec, IPv4Address, DeviceSpec, IPv4Address]]:
        """(source device, its first site address, peer, each of the peer's site addresses)."""
        pairs = []
        for a in self.spec.devices:
            if not a.site_addresses:
                continue
            src = a.site_addresses[0]
            peers = (
                [self.spec.device(n) for n in a.ping_peers]
                if a.ping_peers is not None
                else [b for b in self.spec.devices if b.name != a.name]
            )
            pairs += [(a, src, b, dst) for b in peers for dst in b.site_addresses]
        return pairs

    def ping(self) -> bool:
        ok = True
        for src_dev, src, dst_dev, dst in self.ping_pairs():
            subject = f"{src_dev.name}({src})->{dst_dev.name}({dst})"
            ok &= self._ping_pair(subject, src_dev, src, dst)
        return ok

    def ping_once(self, d: DeviceSpec, src: IPv4Address, dst: IPv4Address, count: int = 3) -> tuple[int, int]:
        cp = self.topo.sh(
            self.node(d).in_ns(
                ["ping", "-n", "-q", "-c", str(count), "-i", "0.3", "-W", "1", "-I", str(src), str(dst)]
            ),
            check=False,
            timeout=30,
        )
        m = _PING_RE.search(cp.stdout)
        return (int(m.group(1)), int(m.group(2))) if m else (count, 0)

    def _ping_pair(self, subject: str, d: DeviceSpec, src: IPv4Address, dst: IPv4Address) -> bool:
        started = time.monotonic()
        rounds = []
        # the first packets may die while an SA or an NHRP shortcut is being set up; a
        # pair passes once one whole round gets every reply
        n_rounds = self.spec.timeouts.ping_rounds if not self.unexpected_failure else 2
        for _ in range(max(1, n_rounds)):
            sent, got = self.ping_once(d, src, dst)
            rounds.append(f"{got}/{sent}")
            if got == sent:
                self.record("ping", subject, True, f"replies per round {rounds}", started)
                return True
            time.sleep(0.5)
        self.record("ping", subject, False, f"replies per round {rounds}", started)
        return False

    # ---- (5) phase 2/3 spoke-to-spoke shortcut ------------------------------------------------
    def shortcut_peers(self, a: DeviceSpec) -> list[DeviceSpec]:
        """Phase 2/3 spokes sharing a hub with spoke ``a`` (empty unless ``a`` is one too)."""
        if a.role != "spoke" or a.phase < 2:
            return []
        hubs = {h.name for h in self.hubs_of(a)}
        return [
            b
            for b in self.spec.devices
            if b.name != a.name
            and b.role == "spoke"
            and b.phase >= 2
            and hubs & {h.name for h in self.hubs_of(b)}
        ]

    def shortcut(self) -> bool:
        items = []
        now = time.monotonic()
        for a in self.spec.devices:
            for b in self.shortcut_peers(a):
                items.append(Pending(f"{a.name}->{b.name}", self._shortcut_probe(a, b), now))
        return self.poll("shortcut", items, self.spec.timeouts.shortcut, interval=0.5) if items else True

    def _shortcut_probe(self, a: DeviceSpec, b: DeviceSpec) -> Callable[[], tuple[bool, str]]:
        def probe() -> tuple[bool, str]:
            rows = nhrp_entries(self.node(a).frr.show_json("nhrpd", "show ip nhrp cache"))
            want_proto, want_nbma = str(b.tunnel_address.ip), str(b.nbma.ip)
            for r in rows:
                if (
                    r.get("protocol") == want_proto
                    and r.get("type") in ("dynamic", "cached")
                    and r.get("nbma", want_nbma) == want_nbma
                ):
                    return (
                        True,
                        f"{a.name} cache: {r.get('type')} {r.get('protocol')} nbma {r.get('nbma')}",
                    )
            # keep spoke-to-spoke traffic flowing so the hub sends a redirect / the spoke resolves
            # (tunnel addresses when a site has no LAN address the design advertises)
            src = a.site_addresses[0] if a.site_addresses else a.tunnel_address.ip
            dst = b.site_addresses[0] if b.site_addresses else b.tunnel_address.ip
            self.ping_once(a, src, dst, count=2)
            return False, f"{a.name} cache: {_fmt_rows(rows)}"

        return probe

    # ---- (3) IPsec -------------------------------------------------------------------------------
    def ipsec(self) -> bool:
        items = []
        now = time.monotonic()
        for d in self.spec.devices:
            if not d.protected:
                continue
            for p in self.hubs_of(d) + [c for c in self.clients_of(d) if c.protected]:
                items.append(Pending(f"{d.name}->{p.name}", self._sa_probe(d, p), now))
            # the shortcut's direct path must be protected by its own (dynamic) SA as well; a
            # shortcut that never formed already failed, so its SA is not waited for
            if "shortcut" in self.spec.checks:
                for b in self.shortcut_peers(d):
                    formed = self._passed("shortcut", f"{d.name}->{b.name}")
                    if b.protected and formed is not False:
                        items.append(Pending(f"{d.name}->{b.name}", self._sa_probe(d, b), now))
        ok = self.poll("ipsec", items, 30.0) if items else True
        started = time.monotonic()
        wire = self.topo.wire_counters()
        for d in self.spec.devices:
            w = wire[d.name]
            counts = (
                f"gre tx/rx {w.gre_tx}/{w.gre_rx}, esp tx/rx {w.esp_tx}/{w.esp_rx}, "
                f"ike tx/rx {w.ike_tx}/{w.ike_rx}"
            )
            if d.protected:
                passed = w.gre == 0 and w.esp > 0
                ok &= self.record("ipsec", f"{d.name}:cleartext", passed, counts, started).passed
        return ok

    def _sa_probe(self, d: DeviceSpec, peer: DeviceSpec) -> Callable[[], tuple[bool, str]]:
        def probe() -> tuple[bool, str]:
            with ViciClient(self.node(d).vici_socket) as vici:
                sas = vici.list_sas()
            summary = []
            for sa in sas:
                children = sa.get("child-sas") or {}
                installed = [
                    c for c in children.values() if isinstance(c, dict) and c.get("state") == "INSTALLED"
                ]
                summary.append(f"{sa.get('remote-host')}:{sa.get('state')}/{len(installed)} child")
                if (
                    sa.get("remote-host") == str(peer.nbma.ip)
                    and sa.get("state") == "ESTABLISHED"
                    and installed
                ):
                    c = installed[0]
                    return True, (
                        f"IKE {sa.get('name')} ESTABLISHED with {peer.nbma.ip}; CHILD {c.get('name')} "
                        f"{c.get('mode')} {c.get('protocol')} {c.get('encr-alg', '')}"
                    )
            return False, "SAs: " + (", ".join(summary) or "none")

        return probe
