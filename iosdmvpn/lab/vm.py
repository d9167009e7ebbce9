"""Run the lab guest in a QEMU VM (virtme-ng over the host root) or directly on the host.

The VM boots Debian's ``linux-image-amd64`` under TCG (``--disable-kvm``: the nested "KVM"
on this kind of machine cannot run a stock kernel).  virtme-ng shares the host root
read-only over 9p with tmpfs overlays on /etc, /tmp, /var..., so the guest sees this repo,
the same Python with pydantic, FRR and strongSwan, and everything it writes stays in the
VM.  The guest's stdout/stderr come back over virtio-serial and are streamed line by line.

``--vm`` semantics: ``never`` runs the guest as a subprocess on the host (needs root and
a kernel with GRE/dummy/veth/XFRM); ``always`` boots the VM; ``auto`` runs directly when
the host can, else boots the VM.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from iosdmvpn.lab.environment import Capabilities, detect, find_guest_kernel
from iosdmvpn.lab.results import START_MARKER, LabResult, parse_result_lines
from iosdmvpn.lab.spec import LabRequest

VmMode = Literal["auto", "always", "never"]
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MEMORY = "1G"  # 512M worked for 12 daemons; headroom for several scenarios in one boot
DEFAULT_CPUS = 2

OutputFn = Callable[[str, str], None]  # (stream name, line)


class LabUnavailable(RuntimeError):
    """Neither the host kernel nor the VM path can run the lab here."""


@dataclass
class CommandRun:
    exit_code: int
    wall_s: float
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    timed_out: bool = False
    first_output_s: float | None = None  # host seconds until the START_MARKER line (boot time)


def _stream(
    argv: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    timeout: float,
    on_output: OutputFn | None,
) -> CommandRun:
    t0 = time.monotonic()
    run = CommandRun(exit_code=-1, wall_s=0.0)
    # own session so a timeout can take down vng + qemu together (by our process group only)
    proc = subprocess.Popen(
        list(argv),
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )

    def pump(stream: str, pipe: object, sink: list[str]) -> None:
        assert hasattr(pipe, "readline")
        for raw in iter(pipe.readline, b""):
            line = raw.decode(errors="replace").rstrip("\r\n")
            if run.first_output_s is None and START_MARKER in line:
                run.first_output_s = round(time.monotonic() - t0, 2)
            sink.append(line)
            if on_output is not None:
                on_output(stream, line)

    threads = [
        threading.Thread(target=pump, args=("stdout", proc.stdout, run.stdout), daemon=True),
        threading.Thread(target=pump, args=("stderr", proc.stderr, run.stderr), daemon=True),
    ]
    for t in threads:
        t.start()
    def stop() -> None:
        # SIGTERM first: a direct-mode guest tears its namespaces down on it
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=20)
                break
            except subprocess.TimeoutExpired:
                continue

    try:
        run.exit_code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.timed_out = True
        stop()
        run.exit_code = proc.returncode if proc.returncode is not None else -9
    except BaseException:  # Ctrl-C: never leave a VM (or a direct guest) behind
        stop()
        raise
    for t in threads:
        t.join(timeout=10)
    run.wall_s = round(time.monotonic() - t0, 2)
    return run


def vng_command(
    vng: str,
    guest_argv: Sequence[str],
    *,
    kernel: Path,
    env: dict[str, str],
    cwd: Path,
    memory: str = DEFAULT_MEMORY,
    cpus: int = DEFAULT_CPUS,
) -> list[str]:
    """The vng invocation that runs ``guest_argv`` as root in the VM, cwd and env applied."""
    env_part = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    inner = f"cd {shlex.quote(str(cwd))} && exec env {env_part} {shlex.join(guest_argv)}"
    # TCG by default; IOSDMVPN_LAB_KVM=1 lets a host with a real KVM skip emulation
    accel = [] if os.environ.get("IOSDMVPN_LAB_KVM") == "1" else ["--disable-kvm"]
    return [vng, "-r", str(kernel), *accel, "--cpus", str(cpus), "--memory", memory, "--", inner]


def run_in_vm(
    guest_argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path = REPO_ROOT,
    timeout: float = 1500.0,
    on_output: OutputFn | None = None,
    caps: Capabilities | None = None,
    memory: str = DEFAULT_MEMORY,
    cpus: int = DEFAULT_CPUS,
) -> CommandRun:
    """Boot the VM, run ``guest_argv`` in it, stream its output; returns its exit code."""
    caps = caps or detect(probe_kernel=False)
    vng = caps.tools.get("vng")
    kernel = caps.guest_kernel or find_guest_kernel()
    if not vng or kernel is None or not caps.can_run_vm:
        cmds = "; ".join(caps.install_commands(vm=True)) or "(see python3 -m iosdmvpn.lab env)"
        raise LabUnavailable(f"cannot boot the lab VM; install: {cmds}")
    host_env = dict(os.environ)
    # vng calls virtme-run etc. from its own bin dir
    host_env["PATH"] = str(Path(vng).parent) + os.pathsep + host_env.get("PATH", "")
    argv = vng_command(vng, guest_argv, kernel=kernel, env=env or {}, cwd=cwd, memory=memory, cpus=cpus)
    return _stream(argv, env=host_env, cwd=Path(tempfile.gettempdir()), timeout=timeout, on_output=on_output)


def guest_env() -> dict[str, str]:
    return {
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",  # the root is read-only in the VM
        "PYTHONUNBUFFERED": "1",
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LC_ALL": "C.UTF-8",
    }


def direct_problems(caps: Capabilities) -> str:
    """Why the lab cannot run directly on this host, and what to do about it."""
    why = []
    if not caps.is_root:
        why.append("it must run as root")
    missing = [f for f, ok in caps.kernel_features.items() if not ok]
    if missing:
        why.append(f"this kernel ({caps.kernel_release}) lacks {', '.join(missing)}")
    cmds = caps.install_commands(vm=False)
    if cmds:
        why.append("tools are missing; install: " + " && ".join(cmds))
    hint = "" if missing == [] else "; --vm auto or --vm always runs it in a QEMU VM instead"
    return "--vm never, but the lab cannot run directly here: " + "; ".join(why or ["unknown"]) + hint


def choose_mode(vm: VmMode, caps: Capabilities) -> Literal["vm", "direct"]:
    if vm == "never":
        return "direct"
    if vm == "always":
        return "vm"
    return "direct" if caps.can_run_direct else "vm"


def parse_result(stdout: Sequence[str]) -> LabResult | None:
    return parse_result_lines(stdout)


@dataclass
class LabRun:
    mode: Literal["vm", "direct"]
    command: CommandRun
    result: LabResult | None

    @property
    def passed(self) -> bool:
        return self.command.exit_code == 0 and self.result is not None and self.result.passed


def run_lab(
    request: LabRequest,
    *,
    vm: VmMode = "auto",
    timeout: float = 1500.0,
    on_output: OutputFn | None = None,
    caps: Capabilities | None = None,
) -> LabRun:
    """Run every scenario of ``request`` in one guest (one VM boot)."""
    caps = caps or detect()
    mode = choose_mode(vm, caps)
    if mode == "direct" and not caps.can_run_direct:
        raise LabUnavailable(direct_problems(caps))
    # the guest sees the host /tmp as the lower layer of its /tmp overlay
    with tempfile.NamedTemporaryFile("w", prefix="iosdmvpn-lab-", suffix=".json", delete=False) as fh:
        fh.write(json.dumps(request.model_dump(mode="json")))
        req_path = Path(fh.name)
    try:
        env = guest_env()
        env["IOSDMVPN_LAB_MODE"] = mode
        guest_argv = [sys.executable, "-m", "iosdmvpn.lab.guest", str(req_path)]
        if mode == "vm":
            cmd = run_in_vm(guest_argv, env=env, timeout=timeout, on_output=on_output, caps=caps)
        else:
            denv = dict(os.environ, **{k: v for k, v in env.items() if k != "PATH"})
            denv["PATH"] = env["PATH"] + os.pathsep + os.environ.get("PATH", "")
            cmd = _stream(guest_argv, env=denv, cwd=REPO_ROOT, timeout=timeout, on_output=on_output)
    finally:
        req_path.unlink(missing_ok=True)
    result = parse_result(cmd.stdout)
    if result is not None:
        result.wall_s = cmd.wall_s
        result.boot_s = cmd.first_output_s if mode == "vm" else 0.0
    return LabRun(mode=mode, command=cmd, result=result)
