"""Build one scenario's namespaces and start each device's files and daemons in them.

Layout (per scenario, all names prefixed ``dmvpn-``)::

    dmvpn-<device> --veth <underlay_interface> === w-<device>-- dmvpn-wan (ip_forward, counters)

Each device gets a private work dir ``<workdir>/<scenario>/<device>/`` with ``run/`` (bound
over /run for that device's daemons, so FRR and charon keep their default socket and pid
paths apart per node), ``log/`` and scratch space.  The work dir must not live under /run,
or the bind mount would hide it from the daemons.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from iosdmvpn.lab.environment import SBIN_DIRS
from iosdmvpn.lab.frr import FrrNode, VtyError, vty_session
from iosdmvpn.lab.results import WireCounters
from iosdmvpn.lab.spec import DeviceSpec, ScenarioSpec

NS_PREFIX = "dmvpn-"
WAN_NS = NS_PREFIX + "wan"
FRR_DIR = Path("/usr/lib/frr")
CHARON_CANDIDATES = (Path("/usr/lib/ipsec/charon"), Path("/usr/libexec/ipsec/charon"))
# loaded up front so failures show in the log instead of as odd netlink errors later
MODULES = ("veth", "dummy", "ip_gre", "xfrm_user", "esp4", "xfrm4_tunnel", "nf_tables", "nfnetlink_log")
# frr.conf keywords -> daemon that owns them (used when the spec does not list daemons)
_DAEMON_HINTS = {"bgpd": ("router bgp",), "ospfd": ("router ospf", "ip ospf"), "staticd": ("ip route",)}
_DAEMON_ORDER = ("zebra", "staticd", "bgpd", "ospfd", "nhrpd")
_COMM = {"charon": "charon"}  # /proc/<pid>/comm of each daemon (defaults to its own name)

Log = Callable[[str], None]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    parts = env.get("PATH", "").split(os.pathsep)
    env["PATH"] = os.pathsep.join(parts + [d for d in SBIN_DIRS if d not in parts])
    return env


def disable_core_dumps() -> None:
    """nhrpd 8.4 aborts on SIGTERM; daemons inherit this limit, so no core files are left behind.
    (Set once in the guest process: preexec_fn is unsafe with the start-up threads.)"""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def infer_daemons(frr_conf: str) -> list[str]:
    lines = [ln.strip() for ln in frr_conf.splitlines()]
    wanted = {"zebra", "nhrpd"}
    for daemon, hints in _DAEMON_HINTS.items():
        if any(ln.startswith(h) for ln in lines for h in hints):
            wanted.add(daemon)
    return [d for d in _DAEMON_ORDER if d in wanted]


@dataclass
class Node:
    spec: DeviceSpec
    index: int
    workdir: Path
    pids: dict[str, int] = field(default_factory=dict)
    charon: subprocess.Popen[bytes] | None = None
    daemons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def ns(self) -> str:
        return NS_PREFIX + self.spec.name

    @property
    def wan_if(self) -> str:
        return f"w-{self.spec.name}"

    @property
    def run_dir(self) -> Path:
        return self.workdir / "run"

    @property
    def log_dir(self) -> Path:
        return self.workdir / "log"

    @property
    def vici_socket(self) -> Path:
        return self.run_dir / "charon.vici"

    @property
    def frr(self) -> FrrNode:
        return FrrNode(self.run_dir)

    def in_ns(self, argv: Sequence[str], private_run: bool = False) -> list[str]:
        """argv run inside the node's netns; with private_run, /run is the node's own dir."""
        if not private_run:
            return ["ip", "netns", "exec", self.ns, *argv]
        # `ip netns exec` already gives each invocation its own mount namespace, so the bind
        # mount is private to this process tree.
        script = 'mount --bind "$0" /run && exec "$@"'
        return ["ip", "netns", "exec", self.ns, "sh", "-c", script, str(self.run_dir), *argv]


class StepError(RuntimeError):
    pass


class Topology:
    def __init__(self, scenario: ScenarioSpec, workroot: Path, log: Log) -> None:
        self.scenario = scenario
        self.root = workroot / scenario.name
        self.log = log
        self.nodes = {d.name: Node(d, i, self.root / d.name) for i, d in enumerate(scenario.devices)}
        self.env = _env()

    # ---- command helpers -------------------------------------------------------------
    def sh(
        self,
        argv: Sequence[str],
        *,
        check: bool = True,
        timeout: float = 60.0,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        try:
            cp = subprocess.run(
                list(argv),
                input=stdin,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env or self.env,
                cwd=cwd,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise StepError(f"timeout after {timeout}s: {' '.join(argv)}") from exc
        if check and cp.returncode != 0:
            raise StepError(
                f"{' '.join(argv)} -> rc {cp.returncode}: {(cp.stderr or cp.stdout).strip()[-500:]}"
            )
        return cp

    # ---- lifecycle -------------------------------------------------------------------
    def cleanup_stale(self) -> None:
        """Remove namespaces left by an earlier run with the same device names."""
        existing = set(self.sh(["ip", "netns", "list"], check=False).stdout.split())
        for ns in [WAN_NS, *(n.ns for n in self.nodes.values())]:
            if ns in existing:
                self.sh(["ip", "netns", "del", ns], check=False)

    def load_modules(self) -> list[str]:
        failed = []
        for mod in MODULES:
            if self.sh(["modprobe", mod], check=False).returncode != 0:
                failed.append(mod)
        return failed

    def build_underlay(self) -> None:
        self.cleanup_stale()
        if self.root.exists():
            self.sh(["rm", "-rf", str(self.root)])
        self.sh(["ip", "netns", "add", WAN_NS])
        self.sh(["ip", "-n", WAN_NS, "link", "set", "lo", "up"])
        self.sh(["ip", "netns", "exec", WAN_NS, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
        self.sh(["ip", "netns", "exec", WAN_NS, "sysctl", "-qw", "net.ipv4.conf.all.send_redirects=0"])
        for node in self.nodes.values():
            self._build_node(node)
        self._install_wire_counters()

    def _build_node(self, node: Node) -> None:
        d, ns = node.spec, node.ns
        for sub in ("run/frr", "log", "scratch", "swanctl"):
            (node.workdir / sub).mkdir(parents=True, exist_ok=True)
        self.sh(["ip", "netns", "add", ns])
        self.sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        for key in (
            "net.ipv4.ip_forward=1",
            "net.ipv4.conf.all.rp_filter=0",
            "net.ipv4.conf.default.rp_filter=0",
        ):
            self.sh(["ip", "netns", "exec", ns, "sysctl", "-qw", key])
        self.sh(["ip", "link", "add", node.wan_if, "netns", WAN_NS, "type", "veth",
                 "peer", "name", d.underlay_interface, "netns", ns])  # fmt: skip
        # wan side: the gateway as a /32 and a host route to the device, plus proxy ARP, so
        # devices whose IOS NBMA subnets overlap (one shared segment) still reach each other
        self.sh(["ip", "-n", WAN_NS, "addr", "add", f"{d.gateway}/32", "dev", node.wan_if])
        self.sh(["ip", "netns", "exec", WAN_NS, "sysctl", "-qw", f"net.ipv4.conf.{node.wan_if}.proxy_arp=1"])
        self.sh(["ip", "-n", WAN_NS, "link", "set", node.wan_if, "up"])
        self.sh(["ip", "-n", WAN_NS, "route", "add", f"{d.nbma.ip}/32", "dev", node.wan_if])
        self.sh(["ip", "-n", ns, "addr", "add", str(d.nbma), "dev", d.underlay_interface])
        self.sh(["ip", "-n", ns, "link", "set", d.underlay_interface, "up"])
        if d.gateway_onlink:
            self.sh(["ip", "-n", ns, "route", "add", f"{d.gateway}/32", "dev", d.underlay_interface])
        self.sh(["ip", "-n", ns, "route", "add", "default", "via", str(d.gateway)])
        for ifname in d.lan_interfaces:
            self.sh(["ip", "-n", ns, "link", "add", ifname, "type", "dummy"])
            self.sh(["ip", "-n", ns, "link", "set", ifname, "up"])
        for lan in d.lan:
            self.sh(["ip", "-n", ns, "addr", "add", str(lan.address), "dev", lan.interface])

    def _install_wire_counters(self) -> None:
        # named counters per device link on the wan router: what really crosses the "internet"
        counters, rules = [], []
        for node in self.nodes.values():
            i = node.index
            for kind, match in (
                ("gre", "ip protocol gre"),
                ("esp", "ip protocol esp"),
                ("ike", "udp dport { 500, 4500 }"),
            ):
                for direction, ifmatch in (("tx", "iifname"), ("rx", "oifname")):
                    cname = f"{kind}_{direction}_{i}"
                    counters.append(f"  counter {cname} {{ }}")
                    rules.append(f'    {ifmatch} "{node.wan_if}" {match} counter name "{cname}"')
        ruleset = "\n".join(
            ["table ip iosdmvpn_lab {", *counters, "  chain forward {",
             "    type filter hook forward priority filter; policy accept;", *rules, "  }", "}", ""]
        )  # fmt: skip
        self.sh(["ip", "netns", "exec", WAN_NS, "nft", "-f", "-"], stdin=ruleset)

    def wire_counters(self) -> dict[str, WireCounters]:
        cp = self.sh(
            ["ip", "netns", "exec", WAN_NS, "nft", "-j", "list", "counters", "table", "ip", "iosdmvpn_lab"]
        )
        values: dict[str, int] = {}
        for obj in json.loads(cp.stdout).get("nftables", []):
            c = obj.get("counter")
            if c:
                values[c["name"]] = int(c.get("packets", 0))
        out = {}
        for node in self.nodes.values():
            i = node.index
            out[node.name] = WireCounters(
                **{
                    f"{k}_{dr}": values.get(f"{k}_{dr}_{i}", 0)
                    for k in ("gre", "esp", "ike")
                    for dr in ("tx", "rx")
                }
            )
        return out

    # ---- per-device files ------------------------------------------------------------
    def run_dmvpn_sh(self, node: Node) -> str:
        d = node.spec
        env = dict(self.env, DMVPN_DEVICE_DIR=str(d.directory), DMVPN_DEVICE=d.name)
        cp = self.sh(
            node.in_ns(["bash", str(d.file("dmvpn.sh"))]), check=False, env=env, cwd=node.workdir / "scratch"
        )
        (node.log_dir / "dmvpn.sh.log").write_text(cp.stdout + cp.stderr)
        if cp.returncode != 0:
            raise StepError(f"dmvpn.sh rc {cp.returncode}: {(cp.stderr or cp.stdout).strip()[-500:]}")
        addrs = self.sh(["ip", "-n", node.ns, "-j", "addr", "show", "dev", d.tunnel_interface], check=False)
        if addrs.returncode != 0:
            raise StepError(f"dmvpn.sh did not create {d.tunnel_interface}: {addrs.stderr.strip()}")
        info = json.loads(addrs.stdout or "[]")
        have = {
            f"{a['local']}/{a['prefixlen']}"
            for i in info
            for a in i.get("addr_info", [])
            if a.get("family") == "inet"
        }
        if str(d.tunnel_address) not in have:
            raise StepError(f"{d.tunnel_interface} has {sorted(have)}, expected {d.tunnel_address}")
        flags = info[0].get("flags", []) if info else []
        if "UP" not in flags:
            raise StepError(f"{d.tunnel_interface} is not up (flags {flags})")
        return f"{d.tunnel_interface} {info[0].get('link_type', '?')} {d.tunnel_address} up"

    def load_nftables(self, node: Node) -> str:
        f = node.spec.file("nftables.nft")
        if not f.is_file():
            return "no nftables.nft"
        self.sh(node.in_ns(["nft", "-f", str(f)]))
        return "nftables.nft loaded"

    def _strongswan_conf(self, node: Node) -> Path:
        extra = node.spec.file("strongswan.conf")
        include = f"include {extra}\n" if extra.is_file() else ""
        text = (
            "# generated by iosdmvpn.lab: one charon per namespace, paths private to this node\n"
            "charon {\n"
            "  install_routes = no\n"
            "  plugins {\n"
            "    vici {\n      socket = unix:///run/charon.vici\n    }\n"
            # bypass-lan exempts every local subnet from IPsec, which would let GRE between
            # directly connected NBMA peers leave unencrypted
            "    bypass-lan {\n      load = no\n    }\n"
            "  }\n"
            "  filelog {\n    lab {\n"
            f"      path = {node.log_dir}/charon.log\n"
            "      time_format = %T\n      default = 1\n      ike = 1\n      flush_line = yes\n"
            "    }\n  }\n"
            "}\n"
            # swanctl only needs these; the default list warns about a dozen absent plugins
            "swanctl {\n  load = pem pkcs1 x509 revocation constraints pubkey openssl random\n}\n" + include
        )
        path = node.workdir / "strongswan.conf"
        path.write_text(text)
        return path

    def start_charon(self, node: Node, timeout: float = 45.0) -> str:
        conf = node.spec.file("swanctl.conf")
        if not conf.is_file():
            if node.spec.protected:
                raise StepError("protected device without swanctl.conf")
            return "no swanctl.conf"
        charon = next((c for c in CHARON_CANDIDATES if c.exists()), None)
        if charon is None:
            raise StepError("charon binary not found (install strongswan-charon)")
        env = dict(self.env, STRONGSWAN_CONF=str(self._strongswan_conf(node)),
                   SWANCTL_DIR=str(node.workdir / "swanctl"))  # fmt: skip
        with open(node.log_dir / "charon.out", "wb") as out:
            node.charon = subprocess.Popen(
                node.in_ns([str(charon)], private_run=True),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        # `ip netns exec` and `sh -c ... exec` keep the PID, so this is charon's own PID
        node.pids["charon"] = node.charon.pid
        deadline = time.monotonic() + timeout
        while not node.vici_socket.exists():
            if node.charon.poll() is not None:
                raise StepError(f"charon exited with {node.charon.returncode}")
            if time.monotonic() > deadline:
                raise StepError(f"charon vici socket not up after {timeout}s")
            time.sleep(0.2)
        cp = self.sh(
            [
                "swanctl",
                "--load-all",
                "--noprompt",
                "--file",
                str(conf),
                "--uri",
                f"unix://{node.vici_socket}",
            ],
            env=env,
            check=False,
        )
        (node.log_dir / "swanctl-load.log").write_text(cp.stdout + cp.stderr)
        if cp.returncode != 0:
            raise StepError(
                f"swanctl --load-all rc {cp.returncode}: {(cp.stderr or cp.stdout).strip()[-500:]}"
            )
        loaded = [ln.strip() for ln in cp.stdout.splitlines() if "loaded" in ln or "successfully" in ln]
        return "; ".join(loaded[-3:]) or "swanctl.conf loaded"

    def start_frr(self, node: Node, timeout: float = 90.0) -> str:
        conf = node.spec.file("frr.conf")
        # union with what frr.conf needs: vtysh -f silently skips commands of daemons that
        # are not running, so a short daemons list would drop config without any error
        daemons = sorted(
            {"zebra", *(node.spec.daemons or []), *infer_daemons(conf.read_text())}, key=_DAEMON_ORDER.index
        )
        node.daemons = daemons
        frr_uid, frr_gid = pwd.getpwnam("frr").pw_uid, grp.getgrnam("frr").gr_gid
        for p in (node.run_dir / "frr", node.log_dir):
            os.chown(p, frr_uid, frr_gid)
        deadline = time.monotonic() + timeout
        for daemon in daemons:
            argv = [str(FRR_DIR / daemon), "-d", "-f", "/dev/null", "-i", f"/run/frr/{daemon}.pid",
                    "--log", f"file:{node.log_dir}/{daemon}.log"]  # fmt: skip
            # -d returns once the daemon finished its startup; stdout must not be a pipe we wait on
            started = subprocess.run(
                node.in_ns(argv, private_run=True),
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=timeout,
                check=False,
            )
            if started.returncode != 0:
                err = started.stderr.decode(errors="replace")[-300:]
                raise StepError(f"{daemon} failed to start (rc {started.returncode}): {err}")
            pidfile = node.run_dir / "frr" / f"{daemon}.pid"
            while not (pidfile.exists() and (node.run_dir / "frr" / f"{daemon}.vty").exists()):
                if time.monotonic() > deadline:
                    raise StepError(f"{daemon} did not create its pid file / vty socket")
                time.sleep(0.1)
            node.pids[daemon] = int(pidfile.read_text().split()[0])
            if daemon == "zebra":
                while not (node.run_dir / "frr" / "zserv.api").exists():
                    if time.monotonic() > deadline:
                        raise StepError("zebra did not create zserv.api")
                    time.sleep(0.1)
        cp = self.sh(
            ["vtysh", "--vty_socket", str(node.run_dir / "frr"), "-f", str(conf)], check=False, timeout=120
        )
        (node.log_dir / "vtysh-load.log").write_text(cp.stdout + cp.stderr)
        if cp.returncode != 0:
            raise StepError(f"vtysh -f frr.conf rc {cp.returncode}: {(cp.stdout + cp.stderr).strip()[-500:]}")
        if "nhrpd" in daemons:
            try:
                vty_session(node.run_dir / "frr" / "nhrpd.vty", ["enable", "debug nhrp common"])
            except VtyError as exc:
                self.log(f"{node.name}: cannot enable nhrp debug: {exc}")
        return "started " + ",".join(f"{d}[{node.pids[d]}]" for d in daemons)

    # ---- teardown --------------------------------------------------------------------
    def stop_daemons(self, grace: float = 5.0) -> None:
        victims: list[tuple[Node, str, int]] = []
        for node in self.nodes.values():
            for daemon, pid in node.pids.items():
                if _comm(pid) == _COMM.get(daemon, daemon):  # guard against a recycled PID
                    victims.append((node, daemon, pid))
        for _, _, pid in victims:
            _kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for node, daemon, pid in victims:
            while _comm(pid) == _COMM.get(daemon, daemon) and time.monotonic() < deadline:
                if node.charon is not None and daemon == "charon":
                    node.charon.poll()
                time.sleep(0.1)
            if _comm(pid) == _COMM.get(daemon, daemon):
                _kill(pid, signal.SIGKILL)
        for node in self.nodes.values():
            if node.charon is not None:
                try:
                    node.charon.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    self.log(f"{node.name}: charon {node.charon.pid} did not exit")
            node.pids.clear()

    def teardown(self) -> None:
        self.stop_daemons()
        for ns in [*(n.ns for n in self.nodes.values()), WAN_NS]:
            self.sh(["ip", "netns", "del", ns], check=False)

    def log_tails(self, lines: int = 25) -> dict[str, str]:
        tails = {}
        for node in self.nodes.values():
            for f in sorted(node.log_dir.glob("*")):
                try:
                    text = f.read_text(errors="replace").splitlines()
                except OSError:
                    continue
                if text:
                    tails[f"{node.name}/{f.name}"] = "\n".join(text[-lines:])
            tails[f"{node.name}/kernel"] = self.kernel_state(node)
        return tails

    def kernel_state(self, node: Node) -> str:
        """The node's tunnel neighbours (NBMA bindings nhrpd installed), routes and tunnel link:
        what a failed check needs to tell an NHRP problem from a routing one."""
        tunnel = node.spec.tunnel_interface
        out = []
        for argv in (["neigh", "show", "dev", tunnel], ["route", "show"],
                     ["-d", "link", "show", "dev", tunnel]):
            try:
                cp = self.sh(["ip", "-n", node.ns, *argv], check=False, timeout=10)
                shown = (cp.stdout + cp.stderr).strip()
            except StepError as exc:
                shown = str(exc)
            out.append(f"$ ip {' '.join(argv)}\n{shown}")
        return "\n".join(out)


def _comm(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def _kill(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def run_parallel(items: Sequence[Node], fn: Callable[[Node], str]) -> dict[str, str | Exception]:
    """Run fn per node in threads (TCG: daemon start-up is CPU bound but mostly waits)."""
    results: dict[str, str | Exception] = {}
    lock = threading.Lock()

    def work(node: Node) -> None:
        try:
            out: str | Exception = fn(node)
        except Exception as exc:  # reported per node
            out = exc
        with lock:
            results[node.name] = out

    threads = [threading.Thread(target=work, args=(n,)) for n in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
