"""Shared test options and real-tool helpers.

* ``--update-golden`` rewrites the ``expected/`` trees of ``tests/golden/`` (review the diff).
* Real-tool fixtures for tests marked ``realtools``: ``require_tool`` (skip when a tool is
  missing), ``netns`` (a throwaway network namespace, deleted afterwards) and
  ``frr_factory`` (FRR daemons started inside such a namespace with their own ``-N``
  pathspace, pid files and vty sockets, stopped by PID). Nothing is ever sent outside
  the namespaces the tests create.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

FRR_DIR = Path("/usr/lib/frr")
_counter = itertools.count()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*/expected from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run should rewrite golden files instead of comparing them."""
    return bool(request.config.getoption("--update-golden"))


# ---------------------------------------------------------------------------- tools


def have_tool(name: str) -> bool:
    """The executable is on PATH (or is an FRR daemon in /usr/lib/frr)."""
    return shutil.which(name) is not None or (FRR_DIR / name).exists()


@pytest.fixture
def require_tool() -> Callable[[str], None]:
    """``require_tool("vtysh")`` skips the test when the tool is missing."""

    def check(name: str) -> None:
        if not have_tool(name):
            pytest.skip(f"{name} is not installed")

    return check


def _can_netns() -> bool:
    return os.geteuid() == 0 and shutil.which("ip") is not None


# ---------------------------------------------------------------------------- network namespaces


class NetNS:
    """A network namespace owned by one test; links are created only inside it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, argv: Sequence[str], *, check: bool = True, input: str | None = None,
            timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` inside the namespace."""
        return subprocess.run(["ip", "netns", "exec", self.name, *argv], check=check, text=True,
                              capture_output=True, input=input, timeout=timeout)

    def ip(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``ip -n NS ARGS``."""
        return subprocess.run(["ip", "-n", self.name, *args], check=check, text=True, capture_output=True,
                              timeout=30)

    def add_stand_in(self, ifname: str, addresses: Sequence[str] = ()) -> None:
        """A bridge named like the interface (this kernel may lack gre/dummy), up, with addresses."""
        self.ip("link", "add", ifname, "type", "bridge")
        for address in addresses:
            self.ip("addr", "add", address, "dev", ifname)
        self.ip("link", "set", ifname, "up")


@pytest.fixture
def netns() -> Iterator[NetNS]:
    """A fresh network namespace (root only), deleted after the test."""
    if not _can_netns():
        pytest.skip("network namespaces need root and iproute2")
    name = f"iosdmvpn-t{os.getpid()}-{next(_counter)}"
    subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
    ns = NetNS(name)
    try:
        ns.ip("link", "set", "lo", "up")
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)


# ---------------------------------------------------------------------------- FRR


def _no_core() -> None:
    # nhrpd 8.4 aborts on SIGTERM; keep core files out of the test folders.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class FrrInstance:
    """FRR daemons of one namespace: private pathspace, pid files and vty sockets under ``root``."""

    def __init__(self, ns: NetNS, root: Path, daemons: Sequence[str]) -> None:
        self.ns = ns
        self.root = root
        self.daemons = ["zebra", *[d for d in daemons if d != "zebra"]]
        self.pathspace = ns.name
        self.pids: dict[str, int] = {}

    def start(self, timeout: float = 20) -> None:
        """Start zebra, then the other daemons, and wait for every vty socket."""
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root, "frr", "frr")
        os.chmod(self.root, 0o755)
        empty = self.root / "empty.conf"
        empty.write_text("")
        shutil.chown(empty, "frr", "frr")
        for daemon in self.daemons:
            argv = [str(FRR_DIR / daemon), "-d", "-N", self.pathspace, "-f", str(empty),
                    "-i", str(self.root / f"{daemon}.pid"), "--vty_socket", str(self.root),
                    "-z", str(self.root / "zserv.api"), "--log", f"file:{self.root / daemon}.log"]
            subprocess.run(["ip", "netns", "exec", self.ns.name, *argv], check=True, capture_output=True,
                           text=True, preexec_fn=_no_core, timeout=timeout)
            wanted = [self.root / f"{daemon}.vty", self.root / f"{daemon}.pid"]
            if daemon == "zebra":
                wanted.append(self.root / "zserv.api")
            deadline = time.monotonic() + timeout
            while not all(p.exists() for p in wanted):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{daemon} did not start: {self.log(daemon)}")
                time.sleep(0.05)
            self.pids[daemon] = int((self.root / f"{daemon}.pid").read_text().strip())

    def log(self, daemon: str) -> str:
        path = self.root / f"{daemon}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def vtysh(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        """vtysh talking to this instance's daemons only."""
        return subprocess.run(["vtysh", "--vty_socket", str(self.root), *args], text=True,
                              capture_output=True, check=check, timeout=60)

    def apply(self, config: Path) -> subprocess.CompletedProcess[str]:
        """Apply a config file to the running daemons (``vtysh -f``)."""
        return self.vtysh("-f", str(config))

    def running_config(self) -> str:
        """``show running-config`` of all daemons."""
        return self.vtysh("-c", "show running-config", check=True).stdout

    def stop(self) -> None:
        """Stop every daemon by PID (SIGTERM, then SIGKILL) and remove the pathspace folder."""
        for pid in reversed(list(self.pids.values())):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for pid in self.pids.values():
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            if Path(f"/proc/{pid}").exists():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.pids.clear()
        shutil.rmtree(Path("/var/run/frr") / self.pathspace, ignore_errors=True)


@pytest.fixture
def frr_factory() -> Iterator[Callable[[NetNS, Sequence[str]], FrrInstance]]:
    """``frr_factory(ns, ["nhrpd", "bgpd"])`` starts zebra + those daemons in ``ns``; all stopped "
                                        "afterwards."""
    for tool in ("vtysh", "zebra"):
        if not have_tool(tool):
            pytest.skip(f"{tool} is not installed")
    # Not under pytest's tmp_path: the daemons run as user frr and must reach the folder.
    base = Path(tempfile.mkdtemp(prefix="iosdmvpn-frr-"))
    os.chmod(base, 0o755)
    started: list[FrrInstance] = []

    def make(ns: NetNS, daemons: Sequence[str]) -> FrrInstance:
        instance = FrrInstance(ns, base / ns.name, daemons)
        started.append(instance)
        instance.start()
        return instance

    try:
        yield make
    finally:
        for instance in started:
            instance.stop()
        shutil.rmtree(base, ignore_errors=True)
