"""The generated ``swanctl.conf`` against a real strongSwan 5.9.8 charon.

Each test starts its own ``/usr/lib/ipsec/charon`` inside a network namespace the test
creates (private ``/run`` bind-mounted over the host's, its own VICI socket and
``strongswan.conf`` with only the plugins needed), loads the file with
``swanctl --load-all --file``, and reads back:

* ``swanctl --list-conns`` / ``--list-pols`` (the trap policy in ``stock`` mode, none in ``vici``);
* charon's own parse of every proposal, from its ``cfg`` log at level 2 (5.9.8's
  ``--list-conns`` does not print proposals). The expected strings are derived from the
  IOS model through an independent Cisco -> charon-name table (not the translator's);
* the secrets charon loaded.

End-to-end tests connect two namespaces with a veth pair and let a GRE packet hit the
stock-mode trap: IKE between the generated hub and spoke configurations must establish
(this kernel has no ESP, so installing the CHILD_SA fails afterwards; the IKE and ESP
proposals are still negotiated). Nothing leaves the namespaces; every charon is stopped
by PID.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic import SecretStr

from iosdmvpn.diagnostics import Severity
from iosdmvpn.model import Device, IpsecProfile, TransformSet
from iosdmvpn.model.network import Network, TunnelRef
from iosdmvpn.parse import parse_file, parse_text
from iosdmvpn.render.ipsec import IpsecMode, IpsecPlan, lower_ipsec, render_swanctl

pytestmark = pytest.mark.realtools

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed-network"
CORPUS = ROOT.parent / "shared" / "corpus"
CHARON = Path("/usr/lib/ipsec/charon")
# Only what parsing, PSK IKE and trap policies need (no stroke, no bypass-lan, no updown).
PLUGINS = ("random nonce openssl aes sha1 sha2 md5 hmac gcm gmp kdf pem pkcs1 x509 pubkey kernel-netlink "
           "socket-default vici")
_ids = itertools.count()

# ---------------------------------------------------------------- Cisco -> charon's own names (oracle)

GROUP = {1: "MODP_768", 2: "MODP_1024", 5: "MODP_1536", 14: "MODP_2048", 15: "MODP_3072", 16: "MODP_4096",
         19: "ECP_256", 20: "ECP_384", 21: "ECP_521", 24: "MODP_2048_256"}
V1_ENC = {"des": "DES_CBC", "3des": "3DES_CBC", "aes": "AES_CBC_128", "aes 128": "AES_CBC_128",
          "aes 192": "AES_CBC_192", "aes 256": "AES_CBC_256"}
HASH = {"md5": ("HMAC_MD5_96", "PRF_HMAC_MD5"), "sha": ("HMAC_SHA1_96", "PRF_HMAC_SHA1"),
        "sha1": ("HMAC_SHA1_96", "PRF_HMAC_SHA1"), "sha256": ("HMAC_SHA2_256_128", "PRF_HMAC_SHA2_256"),
        "sha384": ("HMAC_SHA2_384_192", "PRF_HMAC_SHA2_384"),
        "sha512": ("HMAC_SHA2_512_256", "PRF_HMAC_SHA2_512")}
V2_ENC = {"des": "DES_CBC", "3des": "3DES_CBC", "aes-cbc-128": "AES_CBC_128", "aes-cbc-192": "AES_CBC_192",
          "aes-cbc-256": "AES_CBC_256", "aes-gcm-128": "AES_GCM_16_128", "aes-gcm-192": "AES_GCM_16_192",
          "aes-gcm-256": "AES_GCM_16_256"}
ESP_ENC = {"esp-des": "DES_CBC", "esp-3des": "3DES_CBC", "esp-aes": "AES_CBC_128",
           "esp-aes 128": "AES_CBC_128", "esp-aes 192": "AES_CBC_192", "esp-aes 256": "AES_CBC_256",
           "esp-gcm": "AES_GCM_16_128",
           "esp-gcm 128": "AES_GCM_16_128", "esp-gcm 192": "AES_GCM_16_192", "esp-gcm 256": "AES_GCM_16_256",
           "esp-gmac": "NULL_AES_GMAC_128", "esp-gmac 128": "NULL_AES_GMAC_128",
           "esp-gmac 192": "NULL_AES_GMAC_192", "esp-gmac 256": "NULL_AES_GMAC_256", "esp-null": "NULL"}
ESP_INTEG = {"esp-md5-hmac": "HMAC_MD5_96", "esp-sha-hmac": "HMAC_SHA1_96",
             "esp-sha256-hmac": "HMAC_SHA2_256_128",
             "esp-sha384-hmac": "HMAC_SHA2_384_192", "esp-sha512-hmac": "HMAC_SHA2_512_256"}


def expected_ike(device: Device, profile: IpsecProfile) -> list[str]:
    """The IKE proposals the IOS configuration implies, in charon's spelling."""
    crypto = device.crypto
    if profile.ikev2_profile:
        out: list[str] = []
        for policy in crypto.ikev2_policies:
            for name in policy.proposals:
                p = crypto.ikev2_proposal(name)
                assert p is not None
                groups = [GROUP[g] for g in p.group]
                prfs = [HASH[x][1] for x in p.prf]
                cbc = [V2_ENC[e] for e in p.encryption if "gcm" not in e]
                gcm = [V2_ENC[e] for e in p.encryption if "gcm" in e]
                if cbc:
                    out.append("IKE:" + "/".join([*cbc, *(HASH[i][0] for i in p.integrity),
                                                  *(prfs or [HASH[i][1] for i in p.integrity]), *groups]))
                if gcm:
                    aead_prfs = prfs or [HASH[i][1] for i in p.integrity]
                    out.append("IKE:" + "/".join([*gcm, *aead_prfs, *groups]))
        return list(dict.fromkeys(out))
    out = []
    for pol in sorted(crypto.isakmp_policies, key=lambda p: p.priority):
        if pol.effective("authentication") != "pre-share":
            continue
        integ, prf = HASH[str(pol.effective("hash"))]
        enc, group = V1_ENC[str(pol.effective("encryption"))], GROUP[int(pol.effective("group"))]
        out.append(f"IKE:{enc}/{integ}/{prf}/{group}")
    return list(dict.fromkeys(out))


def expected_esp(device: Device, profile: IpsecProfile) -> list[str]:
    """The ESP proposals of an IPsec profile, in charon's spelling."""
    pfs = GROUP[int(profile.pfs[5:])] if profile.pfs else None
    out: list[str] = []
    for name in profile.transform_sets:
        ts = device.crypto.transform_set(name)
        assert isinstance(ts, TransformSet)
        enc = [ESP_ENC[t] for t in ts.transforms if t in ESP_ENC]
        aead = "GCM" in enc[0] or "GMAC" in enc[0]
        integ = [] if aead else [ESP_INTEG[t] for t in ts.transforms if t in ESP_INTEG]
        out.append("ESP:" + "/".join([*enc, *integ, *([pfs] if pfs else []), "NO_EXT_SEQ"]))
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- namespaces and charon


def _can_run() -> None:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("network namespaces need root and iproute2")
    if not CHARON.exists() or shutil.which("swanctl") is None:
        pytest.skip("strongSwan (strongswan-charon, strongswan-swanctl) is not installed")


@dataclass
class Loaded:
    """One connection as charon parsed it (``cfg`` log, level 2)."""

    settings: dict[str, str] = field(default_factory=dict)
    children: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def proposals(self) -> list[str]:
        return self.settings["proposals"].split(", ")

    def esp(self, child: str) -> list[str]:
        return self.children[child]["proposals"].split(", ")


_LOG = re.compile(r"^(\d+)\[CFG\] (\s*)(.*)$")


class Charon:
    """A charon in one namespace: private /run, own VICI socket and strongswan.conf."""

    def __init__(self, ns: str, root: Path) -> None:
        self.ns = ns
        self.root = root
        self.socket = root / "charon.vici"
        self.conf = root / "strongswan.conf"
        self.log = root / "charon.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15) -> None:
        (self.root / "run").mkdir(parents=True)
        self.conf.write_text(textwrap.dedent(f"""\
            charon {{
              load_modular = no
              load = {PLUGINS}
              install_routes = no
              install_virtual_ip = no
              filelog {{
                main {{
                  path = {self.log}
                  default = 1
                  cfg = 2
                  ike = 1
                  flush_line = yes
                }}
              }}
              plugins {{
                vici {{
                  socket = unix://{self.socket}
                }}
              }}
            }}
            swanctl {{
              load = pem pkcs1 x509 revocation constraints pubkey openssl random
            }}
            """))
        with open(self.root / "charon.out", "wb") as out:
            # ip netns exec gives a private mount namespace: /run (pid file) stays per charon.
            # `ip netns exec` and `exec` keep the PID, so this is charon's own PID.
            self.proc = subprocess.Popen(
                ["ip", "netns", "exec", self.ns, "sh", "-c",
                 f"mount --bind {self.root / 'run'} /run && exec {CHARON}"],
                env={**os.environ, "STRONGSWAN_CONF": str(self.conf)}, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.socket.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"charon did not start: {(self.root / 'charon.out').read_text()}")
            time.sleep(0.05)

    def swanctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """swanctl talking to this charon only."""
        cp = subprocess.run(["swanctl", *args, "--uri", f"unix://{self.socket}"], text=True,
                            capture_output=True, env={**os.environ, "STRONGSWAN_CONF": str(self.conf)},
                            timeout=60)
        if check and cp.returncode != 0:
            raise AssertionError(f"swanctl {args} failed ({cp.returncode}):\n{cp.stdout}{cp.stderr}")
        return cp

    def load(self, text: str) -> subprocess.CompletedProcess[str]:
        """Write ``text`` as swanctl.conf (mode 0600, as translate writes it) and load everything."""
        folder = self.root / f"swanctl-{next(_ids)}"
        for sub in ("x509", "x509ca", "x509ocsp", "x509aa", "x509ac", "x509crl", "pubkey", "private", "rsa",
                    "ecdsa", "bliss", "pkcs8", "pkcs12"):
            (folder / sub).mkdir(parents=True)
        path = folder / "swanctl.conf"
        path.write_text(text, encoding="utf-8")
        os.chmod(path, 0o600)
        return self.swanctl("--load-all", "--noprompt", "--file", str(path), check=False)

    def loaded(self) -> dict[str, Loaded]:
        """Connections as charon parsed them, from its cfg log (the last load of each name wins)."""
        found: dict[str, Loaded] = {}
        state: dict[str, tuple[Loaded, str | None]] = {}  # per log thread: connection, child
        for line in self.log.read_text(errors="replace").splitlines():
            m = _LOG.match(line)
            if not m:
                continue
            thread, indent, body = m.group(1), len(m.group(2)), m.group(3)
            if indent == 1 and body.startswith("conn ") and body.endswith(":"):
                conn = Loaded()
                found[body[5:-1]] = conn
                state[thread] = (conn, None)
            elif indent == 2 and body.startswith("child ") and body.endswith(":") and thread in state:
                conn = state[thread][0]
                conn.children[body[6:-1]] = {}
                state[thread] = (conn, body[6:-1])
            elif " = " in body and thread in state:
                conn, child = state[thread]
                key, _, value = body.partition(" = ")
                if indent == 2:
                    conn.settings[key] = value
                    state[thread] = (conn, None)
                elif indent == 3 and child is not None:
                    conn.children[child][key] = value
            elif thread in state and not body.startswith(("  ", "class", "id")):
                state.pop(thread)
        return found

    def shared_keys(self) -> list[str]:
        """``loaded IKE shared key with id 'X' for: 'A', 'B'`` lines."""
        return re.findall(r"loaded IKE shared key with id (.*)", self.log.read_text(errors="replace"))

    def stop(self) -> None:
        """Stop charon by PID (SIGTERM, then SIGKILL)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def namespaces() -> Iterator[Callable[[], str]]:
    """``make()`` creates a network namespace (lo up); all are deleted after the test."""
    _can_run()
    made: list[str] = []

    def make() -> str:
        name = f"iosdmvpn-sw{os.getpid()}-{next(_ids)}"
        subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
        made.append(name)
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True, capture_output=True)
        return name

    try:
        yield make
    finally:
        for name in made:
            subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)


@pytest.fixture
def charons(namespaces: Callable[[], str]) -> Iterator[Callable[..., Charon]]:
    """``charons()`` starts a charon in a fresh namespace (or ``charons(ns)`` in a given one)."""
    # A short folder: the VICI socket path must fit in sun_path (108 bytes).
    base = Path(tempfile.mkdtemp(prefix="iosdmvpn-sw-"))
    started: list[Charon] = []

    def start(ns: str | None = None) -> Charon:
        charon = Charon(ns or namespaces(), base / f"c{len(started)}")
        started.append(charon)
        charon.start()
        return charon

    try:
        yield start
    finally:
        for charon in started:
            charon.stop()
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------- translation helpers


def plans_of(device: Device, mode: IpsecMode, network: Network | None = None) -> list[IpsecPlan]:
    net = network or Network([device])
    plans = []
    for iface in device.dmvpn_tunnels:
        if iface.tunnel is None or iface.tunnel.protection is None:
            continue
        plan, diags = lower_ipsec(device, TunnelRef(device, iface), net, mode)
        assert plan is not None, [d.message for d in diags]
        plans.append(plan)
    return plans


def profile_of(device: Device, plan: IpsecPlan) -> IpsecProfile:
    iface = device.interface(plan.tunnel)
    assert iface is not None and iface.tunnel is not None and iface.tunnel.protection is not None
    name = iface.tunnel.protection.profile
    assert name is not None
    profile = device.crypto.ipsec_profile(name)
    assert profile is not None
    return profile


def assert_loaded(charon: Charon, text: str, plans: Sequence[IpsecPlan]) -> dict[str, Loaded]:
    cp = charon.load(text)
    out = cp.stdout + cp.stderr
    assert cp.returncode == 0, out
    names = [c.name for p in plans for c in p.connections]
    assert f"successfully loaded {len(names)} connections, 0 unloaded" in out, out
    assert "failed" not in cp.stdout, out
    listed = charon.swanctl("--list-conns").stdout
    for name in names:
        assert re.search(rf"^{re.escape(name)}: IKEv[12]", listed, re.M), listed
    loaded = charon.loaded()
    assert set(names) <= set(loaded)
    return loaded


def check_device(charon: Charon, device: Device, mode: IpsecMode, network: Network | None = None) -> None:
    """Translate every protected tunnel, load the file, compare charon's proposals with the IOS config."""
    plans = plans_of(device, mode, network)
    assert plans
    text = render_swanctl(plans)
    loaded = assert_loaded(charon, text, plans)
    policies = charon.swanctl("--list-pols").stdout
    for plan in plans:
        conn = loaded[plan.name]
        profile = profile_of(device, plan)
        assert conn.settings["version"] == ("2" if profile.ikev2_profile else "1")
        assert conn.proposals == expected_ike(device, profile)
        child = conn.children[plan.name]
        assert conn.esp(plan.name) == expected_esp(device, profile)
        assert child["mode"] == "TRANSPORT"
        assert (child["local_ts"], child["remote_ts"]) == ("dynamic[gre]", "dynamic[gre]")
        assert child["start_action"] == ("trap" if mode == "stock" else "none")
        trap = f"{plan.name}/{plan.name}, TRANSPORT"
        if mode == "stock":
            assert trap in policies, policies
            block = policies[policies.index(trap):].split("\n")[1:3]
            assert [b.split()[-1] for b in block] in (
                ["0.0.0.0/0[gre]", "0.0.0.0/0[gre]"], ["::/0[gre]", "::/0[gre]"]), policies
        else:
            assert trap not in policies
    keys = charon.shared_keys()
    assert len(keys) == len({(s.ids, s.secret.get_secret_value()) for p in plans for s in p.secrets}), keys


# ---------------------------------------------------------------- tests: loading


@pytest.mark.parametrize("mode", ["stock", "vici"])
@pytest.mark.parametrize("name", ["hub", "spoke-a", "spoke-b"])
def test_seed_network_loads(charons: Callable[..., Charon], name: str, mode: IpsecMode) -> None:
    devices = {n: parse_file(SEED / f"{n}.cfg").device for n in ("hub", "spoke-a", "spoke-b")}
    device = devices[name]
    assert device is not None
    network = Network([d for d in devices.values() if d is not None])
    charon = charons()
    check_device(charon, device, mode, network)
    loaded = charon.loaded()["dmvpn-Tunnel0"]
    assert loaded.proposals == ["IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"]
    assert loaded.esp("dmvpn-Tunnel0") == ["ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ"]
    assert (loaded.settings["dpd_delay"], loaded.settings["dpd_timeout"]) == ("30", "25")
    assert loaded.settings["reauth_time"] == "77760" and loaded.settings["rekey_time"] == "0"
    child = loaded.children["dmvpn-Tunnel0"]
    assert (child["life_time"], child["rekey_time"], child["life_bytes"]) == ("3600", "3240", "4718592000")
    listed = charon.swanctl("--list-conns").stdout
    assert "dmvpn-Tunnel0: IKEv1, reauthentication every 77760s, dpd delay 30s" in listed, listed
    assert charon.shared_keys() == ["'ike-dmvpn-Tunnel0-1' for: '%any'"]


def _corpus_files() -> list[str]:
    if not (CORPUS / "SOURCES.tsv").exists():
        return []
    rows = csv.DictReader((CORPUS / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t")
    skip = ("MULTI-DEVICE", "TEMPLATE", "MARKDOWN", "BROKEN/NOTES")
    return [r["file"] for r in rows if r["ike"] in ("v1", "v2") and not any(s in r["notes"] for s in skip)]


@pytest.mark.corpus
@pytest.mark.parametrize("mode", ["stock", "vici"])
@pytest.mark.parametrize("name", _corpus_files() or ["(no corpus)"])
def test_corpus_loads(charons: Callable[..., Charon], name: str, mode: IpsecMode) -> None:
    if not (CORPUS / name).exists():
        pytest.skip("the shared corpus is not available")
    device = parse_file(CORPUS / name).device
    assert device is not None
    check_device(charons(), device, mode)


KEYWORDS_V1 = """\
hostname all-v1
interface GigabitEthernet0/0
 ip address 198.51.100.1 255.255.255.0
crypto isakmp key all-keywords address 0.0.0.0
"""


def _every_keyword_device() -> Device:
    """One IKEv1 device whose policies, transform-sets and PFS groups use every mapped Cisco keyword."""
    encs, hashes, groups = list(V1_ENC), ["md5", "sha", "sha256", "sha384", "sha512"], list(GROUP)
    text = KEYWORDS_V1
    for i in range(max(len(encs), len(hashes), len(groups))):
        text += (f"crypto isakmp policy {10 + i}\n encr {encs[i % len(encs)]}\n"
                 f" hash {hashes[i % len(hashes)]}\n authentication pre-share\n"
                 f" group {groups[i % len(groups)]}\n")
    integs = list(ESP_INTEG)
    sets = []
    for i, enc in enumerate(ESP_ENC):
        name = f"T{i}"
        aead = enc.startswith(("esp-gcm", "esp-gmac"))
        text += f"crypto ipsec transform-set {name} {enc}{'' if aead else ' ' + integs[i % len(integs)]}\n"
        text += " mode transport\n"
        sets.append(name)
    for i, group in enumerate(groups):
        text += f"crypto ipsec profile P{i}\n set transform-set {' '.join(sets[:6] if i % 2 else sets[6:])}\n"
        text += f" set pfs group{group}\n"
        text += (f"interface Tunnel{i}\n ip address 10.{i}.0.1 255.255.255.0\n ip nhrp network-id {i + 1}\n"
                 f" tunnel source GigabitEthernet0/0\n tunnel mode gre multipoint\n tunnel key {i + 1}\n"
                 f" tunnel protection ipsec profile P{i} shared\n")
    result = parse_text(text, "all-v1.cfg")
    assert result.device is not None and not result.diagnostics, result.diagnostics
    return result.device


def _every_keyword_v2_device() -> Device:
    text = KEYWORDS_V1.replace("all-v1", "all-v2")
    text = text.replace("crypto isakmp key all-keywords address 0.0.0.0\n", "")
    text += textwrap.dedent(f"""\
        crypto ikev2 proposal ALL
         encryption {' '.join(V2_ENC)}
         integrity md5 sha1 sha256 sha384 sha512
         prf md5 sha1 sha256 sha384 sha512
         group {' '.join(str(g) for g in GROUP)}
        crypto ikev2 proposal DERIVED
         encryption aes-cbc-256
         integrity sha512 sha1
         group 21
        crypto ikev2 policy POL
         proposal ALL
         proposal DERIVED
        crypto ikev2 keyring KR
         peer ANY
          address 0.0.0.0 0.0.0.0
          pre-shared-key all-keywords
        crypto ikev2 profile IKP
         match identity remote any
         authentication local pre-share
         authentication remote pre-share
         keyring local KR
        crypto ipsec transform-set TS esp-gcm 256
         mode transport
        crypto ipsec profile P
         set transform-set TS
         set ikev2-profile IKP
        interface Tunnel0
         ip address 10.0.0.1 255.255.255.0
         ip nhrp network-id 1
         tunnel source GigabitEthernet0/0
         tunnel mode gre multipoint
         tunnel protection ipsec profile P
        """)
    result = parse_text(text, "all-v2.cfg")
    assert result.device is not None and not result.diagnostics, result.diagnostics
    return result.device


@pytest.mark.parametrize("build", [_every_keyword_device, _every_keyword_v2_device], ids=["ikev1", "ikev2"])
def test_every_mapped_keyword_loads_in_charon(charons: Callable[..., Charon],
                                              build: Callable[[], Device]) -> None:
    device = build()
    check_device(charons(), device, "stock")


def test_two_clouds_with_different_keys(charons: Callable[..., Charon]) -> None:
    device = parse_text(textwrap.dedent("""\
        hostname dual
        interface GigabitEthernet0/0
         ip address 198.51.100.1 255.255.255.0
        interface GigabitEthernet0/1
         ip address 192.0.2.1 255.255.255.0
        crypto isakmp policy 10
         encr aes 256
         hash sha256
         authentication pre-share
         group 14
        crypto keyring A
         pre-shared-key address 0.0.0.0 0.0.0.0 key Key-A
        crypto keyring B vrf B
         pre-shared-key address 0.0.0.0 0.0.0.0 key Key-B
        crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
         mode transport
        crypto ipsec profile P
         set transform-set TS
        interface Tunnel0
         ip address 10.0.0.1 255.255.255.0
         ip nhrp network-id 1
         tunnel source GigabitEthernet0/0
         tunnel mode gre multipoint
         tunnel protection ipsec profile P
        interface Tunnel1
         ip address 10.1.0.1 255.255.255.0
         ip nhrp network-id 2
         tunnel source GigabitEthernet0/1
         tunnel mode gre multipoint
         tunnel vrf B
         tunnel protection ipsec profile P
        """), "dual.cfg").device
    assert device is not None
    charon = charons()
    check_device(charon, device, "stock")
    assert sorted(charon.shared_keys()) == ["'ike-dmvpn-Tunnel0-1' for: '198.51.100.1'",
                                            "'ike-dmvpn-Tunnel1-1' for: '192.0.2.1'"]


# ---------------------------------------------------------------- tests: hostile keys and names

HOSTILE_KEYS = [
    'quo"te',
    "back\\slash\\",
    "brace}{close",
    "$(reboot)`id`;x",
    "hash#comment",
    'x" }\nconnections { evil { remote_addrs = 192.0.2.66 } }\nsecrets { ike-evil { secret = "y',
    "new\nline",
    "cr\rlf",
    "tab\tkey",
    "0xdeadbeef",
    "0sQUJD",
    "p\u00e4ssw\u00f6rd",
    "=",
    " leading and trailing ",
]


def _device_with_key(key: str) -> Device:
    base = parse_file(SEED / "hub.cfg").device
    assert base is not None
    hostile = base.crypto.isakmp_keys[0].model_copy(update={"key": SecretStr(key)})
    return base.model_copy(update={"crypto": base.crypto.model_copy(update={"isakmp_keys": (hostile,)})})


def _translate(device: Device, mode: IpsecMode = "stock") -> tuple[IpsecPlan, str]:
    iface = device.interface("Tunnel0")
    assert iface is not None
    plan, diags = lower_ipsec(device, TunnelRef(device, iface), Network([device]), mode)
    assert plan is not None, diags
    assert all(d.severity < Severity.ERROR for d in diags)
    return plan, render_swanctl([plan])


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=lambda k: repr(k)[:24])
def test_hostile_psk_loads_without_injection(charons: Callable[..., Charon], key: str) -> None:
    device = _device_with_key(key)
    plan, text = _translate(device)
    charon = charons()
    assert_loaded(charon, text, [plan])
    assert set(charon.loaded()) == {"dmvpn-Tunnel0"}
    assert charon.shared_keys() == ["'ike-dmvpn-Tunnel0-1' for: '%any'"]
    assert "evil" not in text


def test_hostile_psk_from_ios_text(charons: Callable[..., Charon]) -> None:
    text = (SEED / "hub.cfg").read_text().replace("crypto isakmp key DMVPNkey address 0.0.0.0",
                                                  'crypto isakmp key a"b}{$(x)#\\c address 0.0.0.0')
    device = parse_text(text, "hub.cfg").device
    assert device is not None
    assert device.crypto.isakmp_keys[0].key.get_secret_value() == 'a"b}{$(x)#\\c'
    plan, conf = _translate(device)
    assert 'secret = "a\\"b}{$(x)#\\\\c"' in conf
    assert_loaded(charons(), conf, [plan])


# ---------------------------------------------------------------- tests: end to end (IKE between two charons)


@dataclass
class Pair:
    """Two namespaces joined by a veth pair, each with one address and a host route to the other."""

    hub: Charon
    spoke: Charon
    hub_ip: str
    spoke_ip: str


@pytest.fixture
def pair(namespaces: Callable[[], str], charons: Callable[..., Charon]) -> Callable[[str, str], Pair]:
    def make(hub_ip: str, spoke_ip: str) -> Pair:
        a, b = namespaces(), namespaces()
        run = ["ip", "-n", a, "link", "add", "swh", "type", "veth", "peer", "name", "sws", "netns", b]
        subprocess.run(run, check=True, capture_output=True)
        for ns, dev, mine, other in ((a, "swh", hub_ip, spoke_ip), (b, "sws", spoke_ip, hub_ip)):
            for args in (["addr", "add", f"{mine}/32", "dev", dev], ["link", "set", dev, "up"],
                         ["route", "add", f"{other}/32", "dev", dev]):
                subprocess.run(["ip", "-n", ns, *args], check=True, capture_output=True)
        return Pair(hub=charons(a), spoke=charons(b), hub_ip=hub_ip, spoke_ip=spoke_ip)

    return make


def _send_gre(ns: str, destination: str) -> None:
    """One GRE packet from inside ``ns``: the stock-mode trap turns it into an IKE initiation."""
    code = ("import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)\n"
            f"try:\n    s.sendto(b'\\x00\\x00\\x08\\x00' + bytes(20), ({destination!r}, 0))\n"
            "except OSError:\n    pass\n")
    subprocess.run(["ip", "netns", "exec", ns, "python3", "-c", code], check=True, capture_output=True,
                   timeout=30)


def _wait_established(charon: Charon, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = charon.log.read_text(errors="replace")
        if re.search(r"IKE_SA \S+ established", log):
            return log
        # IKEv1 main mode reports a wrong PSK as a HASH mismatch, IKEv2 as AUTHENTICATION_FAILED.
        if "HASH does not match" in log or "AUTHENTICATION_FAILED" in log:
            break
        time.sleep(0.2)
    raise AssertionError(f"no IKE_SA established:\n{charon.log.read_text(errors='replace')[-4000:]}")


def _e2e(pair: Pair, hub_text: str, spoke_text: str) -> tuple[str, str]:
    for charon, text in ((pair.hub, hub_text), (pair.spoke, spoke_text)):
        cp = charon.load(text)
        assert cp.returncode == 0, cp.stdout + cp.stderr
    _send_gre(pair.spoke.ns, pair.hub_ip)
    spoke_log = _wait_established(pair.spoke)
    hub_log = _wait_established(pair.hub)
    return hub_log, spoke_log


E2E_KEYS = ['quo"te', "back\\slash\\", "brace}{close", "$(reboot)`id`;x", "hash#comment", HOSTILE_KEYS[5],
            "new\nline", "0xdeadbeef", "p\u00e4ssw\u00f6rd", " leading and trailing "]


@pytest.mark.parametrize("key", E2E_KEYS, ids=lambda k: repr(k)[:24])
def test_hostile_psk_authenticates_byte_for_byte(pair: Callable[[str, str], Pair], key: str) -> None:
    """The hub's escaped key equals the spoke's key given as independent hex bytes."""
    p = pair("172.17.0.1", "172.16.2.1")
    _, hub_text = _translate(_device_with_key(key))
    spoke = parse_file(SEED / "spoke-b.cfg").device
    assert spoke is not None
    _, spoke_text = _translate(spoke)
    spoke_text = re.sub(r"secret = .*", "secret = 0x" + key.encode().hex(), spoke_text)
    hub_log, spoke_log = _e2e(p, hub_text, spoke_text)
    for log in (hub_log, spoke_log):
        assert "HASH does not match" not in log and "AUTHENTICATION_FAILED" not in log


@pytest.mark.parametrize("mode", ["stock"])
def test_seed_hub_and_spoke_establish_ikev1(pair: Callable[[str, str], Pair], mode: IpsecMode) -> None:
    p = pair("172.17.0.1", "172.16.2.1")
    devices = [parse_file(SEED / f"{n}.cfg").device for n in ("hub", "spoke-b")]
    assert all(d is not None for d in devices)
    network = Network([d for d in devices if d is not None])
    hub, spoke = (render_swanctl(plans_of(d, mode, network)) for d in devices if d is not None)
    hub_log, spoke_log = _e2e(p, hub, spoke)
    assert "creating acquire job for policy 172.16.2.1/32[gre] === 172.17.0.1/32[gre]" in spoke_log
    for log in (hub_log, spoke_log):
        assert "selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048" in log
    # Quick Mode ran too: the ESP proposal was agreed (installing it needs kernel ESP support).
    assert "selected proposal: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ" in spoke_log + hub_log


def test_corpus_ikev2_hub_and_spoke_establish(pair: Callable[[str, str], Pair]) -> None:
    hub_path = CORPUS / "072-wmateusz-bgp-rr-dualhub-hub1.cfg"
    spoke_path = CORPUS / "073-wmateusz-bgp-rr-dualhub-spoke1.cfg"
    if not hub_path.exists() or not spoke_path.exists():
        pytest.skip("the shared corpus is not available")
    devices = [parse_file(hub_path).device, parse_file(spoke_path).device]
    assert all(d is not None for d in devices)
    network = Network([d for d in devices if d is not None])
    hub, spoke = (render_swanctl(plans_of(d, "stock", network)) for d in devices if d is not None)
    p = pair("100.64.2.2", "100.64.4.2")
    hub_log, spoke_log = _e2e(p, hub, spoke)
    assert "authentication of '100.64.4.2' with pre-shared key successful" in hub_log
    assert "authentication of '100.64.2.2' with pre-shared key successful" in spoke_log
    assert "selected proposal: ESP:AES_CBC_256/HMAC_SHA1_96/NO_EXT_SEQ" in hub_log
