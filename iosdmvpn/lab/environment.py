"""What this machine can do for the lab: kernel features and installed tools.

The lab needs a kernel with GRE, dummy, veth and XFRM/ESP, plus iproute2, nftables, FRR and
strongSwan.  When the host kernel lacks any of those (common in containers and micro-VMs),
the lab boots Debian's ``linux-image-amd64`` under QEMU with virtme-ng instead, which adds
qemu, busybox-static (for vng's initramfs), file (vng checks busybox with it) and vng itself
to the list.

``python3 -m iosdmvpn.lab env`` prints the report below.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SBIN_DIRS = ("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin")
DEFAULT_VNG = Path("/opt/virtme-ng/bin/vng")
APT_PREFIX = "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends"


@dataclass(frozen=True)
class Tool:
    name: str
    candidates: tuple[str, ...]  # command names (looked up on PATH + sbin dirs) or absolute paths
    package: str  # Debian package, or "pip:<name>"
    vm_only: bool = False


LAB_TOOLS: tuple[Tool, ...] = (
    Tool("ip", ("ip",), "iproute2"),
    Tool("nft", ("nft",), "nftables"),
    Tool("ping", ("ping",), "iputils-ping"),
    Tool("vtysh", ("vtysh",), "frr"),
    Tool("zebra", ("/usr/lib/frr/zebra",), "frr"),
    Tool("staticd", ("/usr/lib/frr/staticd",), "frr"),
    Tool("nhrpd", ("/usr/lib/frr/nhrpd",), "frr"),
    Tool("bgpd", ("/usr/lib/frr/bgpd",), "frr"),
    Tool("ospfd", ("/usr/lib/frr/ospfd",), "frr"),
    Tool("swanctl", ("swanctl",), "strongswan-swanctl"),
    Tool("charon", ("/usr/lib/ipsec/charon", "/usr/libexec/ipsec/charon"), "strongswan-charon"),
)
VM_TOOLS: tuple[Tool, ...] = (
    Tool("qemu-system-x86_64", ("qemu-system-x86_64",), "qemu-system-x86", vm_only=True),
    Tool("busybox", ("busybox",), "busybox-static", vm_only=True),
    Tool("file", ("file",), "file", vm_only=True),  # virtme-ng checks that busybox is static with it
    Tool("vng", ("vng",), "pip:virtme-ng", vm_only=True),
)
KERNEL_PACKAGE = "linux-image-amd64"
KERNEL_FEATURES = ("netns", "veth", "gre", "dummy", "xfrm")


def find_tool(tool: Tool) -> str | None:
    for cand in tool.candidates:
        if cand.startswith("/"):
            if os.access(cand, os.X_OK):
                return cand
            continue
        if tool.name == "vng":
            env = os.environ.get("IOSDMVPN_VNG")
            if env and os.access(env, os.X_OK):
                return env
        path = os.environ.get("PATH", "") + os.pathsep + os.pathsep.join(SBIN_DIRS)
        found = shutil.which(cand, path=path)
        if found:
            return found
        if tool.name == "vng" and os.access(DEFAULT_VNG, os.X_OK):
            return str(DEFAULT_VNG)
    return None


def find_guest_kernel() -> Path | None:
    """Newest /boot/vmlinuz-* that has its modules installed (the guest loads them from the host root)."""

    def version_key(p: str) -> list[int]:
        return [int(x) for x in re.findall(r"\d+", p)]

    for image in sorted(glob.glob("/boot/vmlinuz-*"), key=version_key, reverse=True):
        release = image.removeprefix("/boot/vmlinuz-")
        if Path("/lib/modules", release, "modules.dep").exists():
            return Path(image)
    return None


def _run(argv: list[str], timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


def probe_kernel_features(ip: str = "ip") -> dict[str, bool]:
    """Try each feature for real in a throw-away namespace (module autoload included)."""
    feats = dict.fromkeys(KERNEL_FEATURES, False)
    ns = f"iosdmvpn-probe-{os.getpid()}"
    if _run([ip, "netns", "add", ns]).returncode != 0:
        return feats
    feats["netns"] = True
    try:
        attempts = {
            "veth": [ip, "-n", ns, "link", "add", "pv0", "type", "veth", "peer", "name", "pv1"],
            "gre": [ip, "-n", ns, "link", "add", "pg0", "type", "gre", "key", "1", "local", "192.0.2.1"],
            "dummy": [ip, "-n", ns, "link", "add", "pd0", "type", "dummy"],
            # an ESP transport state with AES-GCM is what the trap-mode IPsec fixtures negotiate
            "xfrm": [ip, "-n", ns, "xfrm", "state", "add", "src", "192.0.2.1", "dst", "192.0.2.2",
                     "proto", "esp", "spi", "0x100", "mode", "transport", "aead", "rfc4106(gcm(aes))",
                     "0x" + "11" * 36, "128"],
        }  # fmt: skip
        for feat, argv in attempts.items():
            feats[feat] = _run(argv).returncode == 0
    finally:
        _run([ip, "netns", "del", ns])
    return feats


@dataclass
class Capabilities:
    is_root: bool
    kernel_release: str
    kernel_features: dict[str, bool]
    tools: dict[str, str | None]
    guest_kernel: Path | None
    notes: list[str] = field(default_factory=list)

    @property
    def host_kernel_ok(self) -> bool:
        return all(self.kernel_features.get(f, False) for f in KERNEL_FEATURES)

    def missing_tools(self, vm: bool) -> list[Tool]:
        tools = LAB_TOOLS + (VM_TOOLS if vm else ())
        return [t for t in tools if not self.tools.get(t.name)]

    @property
    def can_run_direct(self) -> bool:
        return self.is_root and self.host_kernel_ok and not self.missing_tools(vm=False)

    @property
    def can_run_vm(self) -> bool:
        return self.guest_kernel is not None and not self.missing_tools(vm=True)

    def missing_packages(self, vm: bool) -> tuple[list[str], list[str]]:
        """(Debian packages, pip packages) that would fill the gaps."""
        apt: list[str] = []
        pip: list[str] = []
        for t in self.missing_tools(vm):
            bucket, name = (pip, t.package[4:]) if t.package.startswith("pip:") else (apt, t.package)
            if name not in bucket:
                bucket.append(name)
        if vm and self.guest_kernel is None:
            apt.append(KERNEL_PACKAGE)
        return apt, pip

    def install_commands(self, vm: bool) -> list[str]:
        apt, pip = self.missing_packages(vm)
        cmds = []
        if apt:
            cmds.append(f"{APT_PREFIX} {' '.join(apt)}")
        if pip:
            cmds.append(f"python3 -m venv /opt/virtme-ng && /opt/virtme-ng/bin/pip install {' '.join(pip)}")
        return cmds

    def report(self) -> str:
        lines = [
            f"root: {self.is_root}",
            f"host kernel {self.kernel_release}: "
            + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in self.kernel_features.items()),
            f"guest kernel image: {self.guest_kernel or 'none'}",
        ]
        for name, path in self.tools.items():
            lines.append(f"  {name:20s} {path or 'MISSING'}")
        lines.append(f"can run directly on the host: {self.can_run_direct}")
        lines.append(f"can run in a QEMU VM:         {self.can_run_vm}")
        need_vm = not self.host_kernel_ok
        cmds = self.install_commands(vm=need_vm)
        if cmds:
            lines.append("missing; install with:")
            lines.extend(f"  {c}" for c in cmds)
        lines.extend(self.notes)
        return "\n".join(lines)


def detect(probe_kernel: bool = True) -> Capabilities:
    tools = {t.name: find_tool(t) for t in LAB_TOOLS + VM_TOOLS}
    is_root = os.geteuid() == 0
    notes: list[str] = []
    if probe_kernel and is_root and tools["ip"]:
        feats = probe_kernel_features(tools["ip"])
    else:
        feats = dict.fromkeys(KERNEL_FEATURES, False)
        notes.append("kernel features not probed (needs root and iproute2); assuming the VM is needed")
    if os.path.exists("/dev/kvm"):
        notes.append(
            "/dev/kvm exists, but the lab uses TCG (--disable-kvm): the nested 'KVM' of this kind of"
            " machine cannot run a stock kernel"
        )
    return Capabilities(
        is_root=is_root,
        kernel_release=os.uname().release,
        kernel_features=feats,
        tools=tools,
        guest_kernel=find_guest_kernel(),
        notes=notes,
    )
