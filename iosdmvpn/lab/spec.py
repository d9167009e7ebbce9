"""Lab spec: what the real-kernel lab builds and checks.

A *scenario* is one DMVPN cloud: a list of devices (hubs and spokes).  The lab gives
every device its own network namespace, connects each one by a veth pair to a shared
underlay router namespace ``wan`` and then runs the device's generated files in it.

Scenario JSON (``ScenarioSpec``)::

    {
      "name": "bgp-ipsec",                    # [a-z0-9-], used for work dirs
      "description": "hub + 2 spokes, iBGP, trap-mode IPsec",
      "devices": [ DEVICE, ... ],
      "checks": ["setup", "registration", "routing", "ping", "shortcut", "ipsec"],
                                              # optional, default: all of them
      "expect_failures": ["registration/spoke2->hub"],
                                              # optional fnmatch patterns over
                                              # "<check>/<subject>"; those checks must FAIL
      "timeouts": {"registration": 90, "routing": 120, "shortcut": 40, "ping_rounds": 4}
    }

DEVICE (``DeviceSpec``)::

    {
      "name": "spoke1",                       # [a-z][a-z0-9-]{0,11}; "wan" is reserved
      "role": "spoke",                        # "hub" | "spoke"
      "directory": "spoke1",                  # relative to the spec file (or absolute);
                                              # holds the generated files, see below
      "underlay_interface": "eth0",           # Linux name of the NBMA interface (default eth0)
      "nbma": "10.0.2.2/30",                  # NBMA address/prefix on that interface
      "gateway": "10.0.2.1",                  # wan-side address (default route); outside the
                                              # NBMA subnet it is reached on-link (/31, /32)
      "lan": [{"interface": "lan0", "address": "192.168.1.1/24", "site": true}],
                                              # dummy interfaces + addresses; "site" (default
                                              # true) addresses are ping sources/targets
      "ping_peers": ["hub", "spoke2"],        # optional: devices whose site addresses this
                                              # one pings (from its first site address);
                                              # default: every other device
      "tunnel_interface": "gre1",             # name dmvpn.sh gives the mGRE device
      "tunnel_address": "172.16.0.11/32",     # address dmvpn.sh puts on it
      "hubs": [{"tunnel_address": "172.16.0.1", "nbma_address": "10.0.1.2"}],
                                              # NHSes this device registers with
      "daemons": ["zebra", "staticd", "nhrpd", "bgpd"],
                                              # optional; always extended by what frr.conf
                                              # needs (router bgp -> bgpd, router ospf /
                                              # ip ospf -> ospfd, ip route -> staticd;
                                              # zebra and nhrpd always)
      "routing": ["bgp"],                     # routing checks to run: "bgp" and/or "ospf"
      "expect_routes": ["192.168.0.0/24", "192.168.2.0/24"],
                                              # prefixes that must be covered by a routing-protocol
                                              # (bgp/ospf/static/nhrp...) route in this device's RIB
      "phase": 3,                             # DMVPN phase 1/2/3; >= 2 adds the shortcut check
      "protected": true                       # IPsec expected: SAs up, no cleartext GRE on the wire
    }

Files in a device directory (fixed names, produced by ``translate``):

* ``dmvpn.sh`` (required): run as root with ``bash`` inside the device's namespace after the
  lab created the underlay interface (address, default route), the LAN dummies and set
  ``net.ipv4.ip_forward=1``.  It must create ``tunnel_interface`` with ``tunnel_address``
  and bring it up.  It must not start daemons.  cwd is a writable scratch dir; the env has
  ``DMVPN_DEVICE_DIR`` (its own directory, read-only in the VM) and ``DMVPN_DEVICE``.
* ``frr.conf`` (required): integrated FRR config, loaded with ``vtysh -f`` once the daemons run.
* ``nftables.nft`` (optional): loaded with ``nft -f`` in the namespace (NHRP redirect and
  multicast NFLOG rules live here; their groups must match ``nhrp nflog-group`` /
  ``nhrp multicast-nflog-group`` in frr.conf).
* ``swanctl.conf`` (optional, required when ``protected``): loaded with
  ``swanctl --load-all --file`` into a private charon.  The lab writes charon's own
  strongswan.conf (private vici socket, ``bypass-lan`` off, file log); an optional
  ``strongswan.conf`` next to swanctl.conf is included after it.

The request handed to the guest (``LabRequest``) is ``{"scenarios": [...], "keep": false}``.
"""

from __future__ import annotations

import fnmatch
import json
import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CheckName = Literal["setup", "registration", "routing", "ping", "shortcut", "ipsec"]
ALL_CHECKS: tuple[CheckName, ...] = ("setup", "registration", "routing", "ping", "shortcut", "ipsec")
Daemon = Literal["zebra", "staticd", "nhrpd", "bgpd", "ospfd"]
RoutingProto = Literal["bgp", "ospf"]

DEVICE_FILES = ("dmvpn.sh", "frr.conf")
OPTIONAL_FILES = ("nftables.nft", "swanctl.conf", "strongswan.conf")

# Linux IFNAMSIZ is 16 incl. NUL; '/' ':' and whitespace are rejected by the kernel/iproute2.
_IFNAME = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
# Device names become netns names and nft counter suffixes; keep them short and plain.
_DEVNAME = re.compile(r"^[a-z][a-z0-9-]{0,11}$")
_SCENARIO = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")


def _ifname(value: str) -> str:
    if not _IFNAME.match(value):
        raise ValueError(f"{value!r} is not a valid Linux interface name (1-15 chars of [A-Za-z0-9_.-])")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HubRef(_Model):
    """An NHS a device registers with."""

    tunnel_address: IPv4Address
    nbma_address: IPv4Address


class LanAddress(_Model):
    interface: str = "lan0"
    address: IPv4Interface
    site: bool = True  # a LAN address the design makes reachable: ping source/target

    _check_if = field_validator("interface")(_ifname)


class DeviceSpec(_Model):
    name: str
    role: Literal["hub", "spoke"]
    directory: Path
    underlay_interface: str = "eth0"
    nbma: IPv4Interface
    gateway: IPv4Address
    lan: list[LanAddress] = Field(default_factory=list)
    tunnel_interface: str = "gre1"
    tunnel_address: IPv4Interface
    hubs: list[HubRef] = Field(default_factory=list)
    ping_peers: list[str] | None = None
    daemons: list[Daemon] | None = None
    routing: list[RoutingProto] = Field(default_factory=list)
    expect_routes: list[IPv4Network] = Field(default_factory=list)
    phase: Literal[1, 2, 3] = 1
    protected: bool = False

    _check_ifs = field_validator("underlay_interface", "tunnel_interface")(_ifname)

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _DEVNAME.match(value) or value == "wan":
            raise ValueError(f"device name {value!r} must match [a-z][a-z0-9-]{{0,11}} and not be 'wan'")
        return value

    @model_validator(mode="after")
    def _check_addressing(self) -> DeviceSpec:
        if self.gateway == self.nbma.ip:
            raise ValueError(f"{self.name}: gateway {self.gateway} must differ from the NBMA address")
        if self.role == "spoke" and not self.hubs:
            raise ValueError(f"{self.name}: a spoke needs at least one hub")
        names = [self.underlay_interface, self.tunnel_interface]
        if len(set(names)) != len(names) or {a.interface for a in self.lan} & set(names):
            raise ValueError(f"{self.name}: underlay, tunnel and LAN interface names must differ")
        return self

    @property
    def lan_interfaces(self) -> list[str]:
        return sorted({a.interface for a in self.lan})

    @property
    def site_addresses(self) -> list[IPv4Address]:
        return [a.address.ip for a in self.lan if a.site]

    @property
    def gateway_onlink(self) -> bool:
        """The gateway lies outside the NBMA subnet: reached by an on-link host route."""
        return self.gateway not in self.nbma.network

    def file(self, name: str) -> Path:
        return self.directory / name

    def has_file(self, name: str) -> bool:
        return self.file(name).is_file()


class Timeouts(_Model):
    """Seconds (TCG is slow: each FRR daemon needs several seconds to come up)."""

    daemon_start: float = 90.0
    registration: float = 90.0
    routing: float = 120.0
    shortcut: float = 40.0
    ping_rounds: int = 4


class ScenarioSpec(_Model):
    name: str
    description: str = ""
    devices: list[DeviceSpec]
    checks: list[CheckName] = Field(default_factory=lambda: list(ALL_CHECKS))
    expect_failures: list[str] = Field(default_factory=list)
    timeouts: Timeouts = Field(default_factory=Timeouts)

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _SCENARIO.match(value):
            raise ValueError(f"scenario name {value!r} must match [a-z0-9][a-z0-9-]*")
        return value

    @model_validator(mode="after")
    def _check_devices(self) -> ScenarioSpec:
        names = [d.name for d in self.devices]
        if len(set(names)) != len(names):
            raise ValueError("device names must be unique")
        # NBMA subnets may overlap (IOS routers sharing one segment): wan routes per host
        # address and answers ARP for the others (proxy_arp), so only the addresses must differ
        nbma_list = [d.nbma.ip for d in self.devices]
        if len(set(nbma_list)) != len(nbma_list):
            raise ValueError("NBMA addresses must be unique")
        nbma_ips = set(nbma_list)
        for d in self.devices:
            if d.gateway in nbma_ips:
                raise ValueError(f"{d.name}: gateway {d.gateway} is another device's NBMA address")
            for peer in d.ping_peers or []:
                if peer not in names or peer == d.name:
                    raise ValueError(f"{d.name}: ping peer {peer!r} is not another device of the scenario")
        for d in self.devices:
            for h in d.hubs:
                if h.nbma_address not in nbma_ips:
                    raise ValueError(f"{d.name}: hub NBMA {h.nbma_address} is not any device's NBMA address")
        return self

    def device(self, name: str) -> DeviceSpec:
        for d in self.devices:
            if d.name == name:
                return d
        raise KeyError(name)

    def device_by_nbma(self, nbma: IPv4Address) -> DeviceSpec | None:
        return next((d for d in self.devices if d.nbma.ip == nbma), None)

    def expects_failure(self, check: str, subject: str) -> bool:
        key = f"{check}/{subject}"
        return any(fnmatch.fnmatchcase(key, pat) for pat in self.expect_failures)

    def resolved(self, base: Path) -> ScenarioSpec:
        """Directories made absolute against ``base`` (the guest may run with another cwd)."""
        devices = [d.model_copy(update={"directory": (base / d.directory).resolve()}) for d in self.devices]
        return self.model_copy(update={"devices": devices})


class LabRequest(_Model):
    scenarios: list[ScenarioSpec]
    keep: bool = False
    workdir: Path = Path("/tmp/iosdmvpn-lab")


def load_scenario(path: Path | str) -> ScenarioSpec:
    """Read one scenario JSON file; device directories are relative to the file."""
    p = Path(path)
    spec = ScenarioSpec.model_validate(json.loads(p.read_text()))
    return spec.resolved(p.parent)
