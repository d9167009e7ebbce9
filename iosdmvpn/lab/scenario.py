"""Build a lab scenario from Cisco configurations: translate them, lay out the underlay, and
derive what the IOS design expects.

Host side only (imports the translator).  :func:`prepare` runs ``translate`` in memory
(stock IPsec: trap policies), writes each device's ``dmvpn.sh``, ``frr.conf``,
``nftables.nft`` and ``swanctl.conf`` into ``<workdir>/<hostname>/`` and returns the
:class:`~iosdmvpn.lab.spec.ScenarioSpec` plus notes about every liberty the lab took.

What comes from where:

* Underlay: the NBMA address of each tunnel's source interface (IOS address and prefix).
  Where IOS learns it (DHCP, PPP, dialer) the lab assigns one from 100.64.0.0/10 (a /24
  that no configuration uses).  The wan gateway is the IOS default route's next hop when it
  lies in the NBMA subnet, else a free address of the subnet (on-link for /31 and /32).
  Spokes keep their ``nhs ... nbma`` (the hub's static NBMA); nhrpd learns dynamic spoke
  addresses from registrations, so no configuration changes.
* Sites: every other addressed interface (``NodePlan.lans``) becomes a dummy with its IOS
  addresses; the ones whose prefix the routing design advertises are the site addresses
  (ping sources and targets, expected routes elsewhere).
* Expectations: a device learns the advertised prefixes of the devices it exchanges routes
  with over the cloud (hub <-> spoke directly, spoke <-> spoke through a common hub; hubs of
  one cloud do not peer with each other unless one registers with the other), pings their
  site addresses, and checks the routing protocol that runs over the tunnel.  Phase comes
  from :attr:`Cloud.phase`, IPsec from ``tunnel protection``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from iosdmvpn.diagnostics import Diagnostic
from iosdmvpn.lab.spec import (
    DeviceSpec,
    HubRef,
    LanAddress,
    RoutingProto,
    ScenarioSpec,
    Timeouts,
)
from iosdmvpn.model.device import Device
from iosdmvpn.model.network import Network, TunnelRef
from iosdmvpn.parse import ParseResult
from iosdmvpn.render.plan import NodePlan, Role, TunnelPlan

Igp = Literal["ospf", "bgp"]
LAB_TARGETS = ("iproute2", "frr", "strongswan", "nftables")
DEVICE_FILES = ("dmvpn.sh", "frr.conf", "nftables.nft", "swanctl.conf")
# RFC 6598 space for NBMA addresses IOS learns at run time (DHCP, PPP)
DYNAMIC_POOL = IPv4Network("100.64.0.0/10")
# RFC 2544 benchmarking space for gateways of /31 and /32 NBMA addresses (on-link)
GATEWAY_POOL = IPv4Network("198.18.0.0/15")
_NAME_OK = re.compile(r"[^a-z0-9-]+")

EIGRP_EXPLANATION = (
    "EIGRP runs over this DMVPN, and FRR 8.4 cannot run it there: eigrpd drops every packet "
    "whose source is outside the receiving interface's subnet, while nhrpd needs a /32 tunnel "
    "address, so no EIGRP adjacency can form.  Re-run with --igp ospf or --igp bgp to test the "
    "translation's re-expression of the routing intent."
)


class LabInputError(Exception):
    """The inputs cannot be used at all (exit code 2)."""


class DeviceInfo(BaseModel):
    """How the lab laid out one device and why (for reports)."""

    name: str  # lab name (netns suffix)
    hostname: str  # IOS hostname = translate's output folder
    source: str  # input file
    role: str
    nbma: str
    nbma_origin: str  # "ios" or "lab (<why>)"
    gateway: str
    tunnel: str
    phase: int
    protected: bool
    routing: list[str]
    site_addresses: list[str]
    expect_routes: list[str]
    ping_peers: list[str]


@dataclass
class Prepared:
    """One scenario ready to run, or the reasons it cannot be built (``refusal``)."""

    name: str
    paths: list[str]
    igp: Igp | None
    spec: ScenarioSpec | None = None
    refusal: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    devices: list[DeviceInfo] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def runnable(self) -> bool:
        return self.spec is not None and not self.refusal


def lab_name(text: str, taken: Iterable[str] = (), limit: int = 12) -> str:
    """A lab device/scenario name: ``[a-z][a-z0-9-]*``, at most ``limit`` chars, unique.

    Examples:
        >>> lab_name("MSK-CORE1"), lab_name("047-lileddie-hub-hq1-script"), lab_name("wan")
        ('msk-core1', 'r047-lileddi', 'wan-1')
    """
    base = _NAME_OK.sub("-", text.lower()).strip("-") or "r"
    if not base[0].isalpha():
        base = "r" + base
    base = base[:limit].rstrip("-")
    used = set(taken) | {"wan"}
    name, n = base, 1
    while name in used:
        suffix = f"-{n}"
        name = base[: limit - len(suffix)].rstrip("-") + suffix
        n += 1
    return name


def _loc(d: Diagnostic) -> str:
    return f"{d.span.path}:{d.span.line}: {d.code} {d.message}"


def refusal_reasons(blocking: Sequence[Diagnostic]) -> list[str]:
    """What the user reads when translation errors keep the lab from building the design."""
    out: list[str] = []
    if any(d.code == "DMV620" for d in blocking):
        out.append(EIGRP_EXPLANATION)
    out += [_loc(d) for d in blocking]
    return out


# ---------------------------------------------------------------------------- addressing


def _used_networks(devices: Iterable[Device]) -> list[IPv4Network]:
    nets: list[IPv4Network] = []
    for dev in devices:
        for iface in dev.interfaces:
            for a in (iface.ipv4, *iface.ipv4_secondary):
                if a is not None:
                    nets.append(a.network)
        for r in dev.routing.static_routes:
            if isinstance(r.next_hop, IPv4Address):
                nets.append(IPv4Network(r.next_hop))
    return nets


def _free_block(used: list[IPv4Network], pool: IPv4Network, prefix: int) -> IPv4Network:
    for block in pool.subnets(new_prefix=prefix):
        if not any(block.overlaps(n) for n in used):
            used.append(block)
            return block
    raise LabInputError(f"no free /{prefix} left in {pool} for the lab")


def _default_next_hops(device: Device) -> list[IPv4Address]:
    return [r.next_hop for r in device.routing.static_routes
            if r.prefix == IPv4Network("0.0.0.0/0") and r.vrf is None and isinstance(r.next_hop, IPv4Address)]


def _gateway(nbma: IPv4Interface, device: Device, taken: set[IPv4Address],
             used: list[IPv4Network]) -> IPv4Address:
    """The IOS default next hop in the NBMA subnet, else a free host of it, else on-link."""
    for hop in _default_next_hops(device):
        if hop in nbma.network and hop != nbma.ip and hop not in taken:
            return hop
    if nbma.network.prefixlen <= 30:
        hosts = list(nbma.network.hosts())
        # the ISP side of a /30 is its other host; in larger subnets prefer .1, then the last
        for cand in (hosts[0], hosts[-1], *hosts[1:-1]):
            if cand != nbma.ip and cand not in taken:
                return cand
    if nbma.network.prefixlen == 31:
        other = next(a for a in nbma.network if a != nbma.ip)
        if other not in taken:
            return other
    return _free_block(used, GATEWAY_POOL, 30)[1]


# ---------------------------------------------------------------------------- routing intent


def _runs(plan: NodePlan, t: TunnelPlan) -> list[RoutingProto]:
    """The routing protocols that run over the tunnel (what the routing check looks at)."""
    r = plan.routing
    if r.igp is not None:
        return [r.igp]
    out: list[RoutingProto] = []
    if r.ospf is not None and ((t.ospf is not None and t.ospf.area is not None)
                               or any(t.address in p for p, _ in r.ospf.networks)):
        out.append("ospf")
    if r.bgp is not None:
        over = any(t.subnet.overlaps(p) for p, _ in r.bgp.listen_ranges) or any(
            _ip_in(p.id, t.subnet) for p in r.bgp.peers)
        if over:
            out.append("bgp")
    return out


def _ip_in(text: str, net: IPv4Network) -> bool:
    try:
        return IPv4Address(text) in net
    except ValueError:
        return False


def _advertised(plan: NodePlan) -> list[IPv4Interface]:
    """LAN addresses whose prefix the routing design advertises over the DMVPN."""
    r = plan.routing
    lans = [(lan.ifname, a) for lan in plan.lans for a in lan.addresses]
    if r.igp is not None:
        intent = set(r.advertised)
        return [a for _, a in lans if a.network in intent]
    out: list[IPv4Interface] = []
    for ifname, a in lans:
        ok = False
        if r.ospf is not None:
            areas = {name for name, o in r.ospf.interfaces if o.area is not None}
            ok |= ifname in areas or any(a.ip in p for p, _ in r.ospf.networks)
            ok |= any(x.source == "connected" for x in r.ospf.redistribute)
        if r.bgp is not None:
            ok |= a.network in r.bgp.networks or any(x.source == "connected" for x in r.bgp.redistribute)
            ok |= any(a.network.subnet_of(g.prefix) for g in r.bgp.aggregates)
        if ok:
            out.append(a)
    return out


# ---------------------------------------------------------------------------- prepare


@dataclass
class _Node:
    plan: NodePlan
    device: Device
    ref: TunnelRef
    tunnel: TunnelPlan
    name: str
    nbma: IPv4Interface | None = None
    origin: str = "ios"
    gateway: IPv4Address | None = None
    routing: list[RoutingProto] = field(default_factory=list)
    sites: list[IPv4Interface] = field(default_factory=list)
    hubs: list[_Node] = field(default_factory=list)


def prepare(results: Sequence[ParseResult], *, name: str, workdir: Path, igp: Igp | None = None,
            paths: Sequence[str] = ()) -> Prepared:
    """Translate ``results`` (one network) and build the scenario in ``workdir``.

    Raises:
        LabInputError: An input is unusable (not a configuration, a template...).
    """
    from iosdmvpn.render import translate

    out = Prepared(name=name, paths=list(paths) or [r.path for r in results], igp=igp)
    unusable = [r.path for r in results if not r.usable]
    if unusable:
        raise LabInputError(f"not usable as configurations: {', '.join(unusable)}")
    if not results:
        raise LabInputError("no configuration given")
    tr = translate(results, LAB_TARGETS, ipsec_mode="stock", igp=igp)
    out.diagnostics = tr.diagnostics
    if tr.blocking:
        out.refusal = refusal_reasons(tr.blocking)
        return out
    devices = {r.device.name: r.device for r in results if r.device is not None}
    network = Network(list(devices.values()))
    nodes = _nodes(tr.plans, devices, network, out)
    if out.refusal:
        return out
    _layout(nodes, devices.values(), out)
    if out.refusal:
        return out
    _write_files(tr.files, [n.plan.hostname for n in nodes], workdir)
    specs = _device_specs(nodes, network, workdir, out)
    hello = max((n.tunnel.ospf.hello or 10 for n in nodes if n.tunnel.ospf is not None), default=10)
    # OSPF needs a few hellos (plus IKE first when protected); a BGP session whose first
    # connect fails (NHRP/IKE not ready yet) waits out bgpd's 120 s connect-retry timer
    routing = max(120.0, 4.0 * hello + 30.0, 180.0 if any("bgp" in n.routing for n in nodes) else 0.0)
    description = f"{len(nodes)} devices from {', '.join(n.plan.source_name for n in nodes)}" + (
        f", --igp {igp}" if igp else "")
    try:
        out.spec = ScenarioSpec(name=name, description=description, devices=specs,
                                timeouts=Timeouts(routing=routing))
    except ValidationError as exc:
        out.refusal.append(f"the lab cannot lay out this network: {exc.errors()[0]['msg']}")
    return out


def _nodes(plans: Sequence[NodePlan], devices: dict[str, Device], network: Network,
           out: Prepared) -> list[_Node]:
    nodes: list[_Node] = []
    taken: list[str] = []
    for plan in plans:
        device = devices.get(plan.hostname)
        if device is None:
            out.refusal.append(f"{plan.hostname}: no parsed device of that hostname")
            continue
        if len(plan.tunnels) != 1:
            out.refusal.append(f"{plan.hostname}: the lab builds one DMVPN tunnel per device; this one has "
                               f"{len(plan.tunnels)} ({', '.join(t.ios_name for t in plan.tunnels)})")
            continue
        t = plan.tunnels[0]
        ref = next((r for r in network.tunnels
                    if r.device is device and r.interface.name == t.ios_name), None)
        if ref is None:
            out.refusal.append(f"{plan.hostname}: tunnel {t.ios_name} not found in the parsed device")
            continue
        if not t.up:
            out.refusal.append(f"{plan.hostname}: {t.ios_name} is shut down in IOS")
            continue
        name = lab_name(plan.hostname, taken)
        taken.append(name)
        if name != plan.hostname.lower():
            out.notes.append(f"{plan.hostname} is called {name} in the lab (namespace dmvpn-{name})")
        nodes.append(_Node(plan=plan, device=device, ref=ref, tunnel=t, name=name))
    return nodes


def _layout(nodes: list[_Node], all_devices: Iterable[Device], out: Prepared) -> None:
    """NBMA addresses and gateways; dynamic ones from the lab pool."""
    used = _used_networks(all_devices)
    for n in nodes:
        local = n.ref.device.local_nbma(n.ref.interface)
        if isinstance(local, IPv4Address):
            src = n.device.source_interface(n.ref.interface)
            owner = src if src is not None and src.ipv4 is not None and src.ipv4.ip == local \
                else n.device.interface_with_address(local)
            n.nbma = owner.ipv4 if owner is not None and owner.ipv4 is not None and owner.ipv4.ip == local \
                else IPv4Interface(f"{local}/32")
        elif local == "dynamic":
            src = n.device.source_interface(n.ref.interface)
            how = src.ipv4_mode if src is not None and src.ipv4_mode in ("dhcp", "negotiated") else "dialer"
            block = _free_block(used, DYNAMIC_POOL, 24)
            n.nbma, n.gateway = IPv4Interface(f"{block[2]}/24"), block[1]
            n.origin = f"lab ({'DHCP' if how == 'dhcp' else 'PPP/dialer'} in IOS)"
            out.notes.append(f"{n.plan.hostname}: NBMA address is {how} in IOS; the lab assigns {n.nbma} "
                             f"(gateway {n.gateway})")
        else:
            out.refusal.append(f"{n.plan.hostname}: {n.tunnel.ios_name} has no IPv4 NBMA address the lab "
                               "can use")
    if out.refusal:
        return
    taken = {n.nbma.ip for n in nodes if n.nbma is not None}
    for n in nodes:
        assert n.nbma is not None
        if n.gateway is None:
            n.gateway = _gateway(n.nbma, n.device, taken, used)


def _write_files(files: dict[str, tuple[str, int]], hostnames: list[str], workdir: Path) -> None:
    for host in hostnames:
        folder = workdir / host
        folder.mkdir(parents=True, exist_ok=True)
        for fname in DEVICE_FILES:
            item = files.get(f"{host}/{fname}")
            if item is not None:
                text, mode = item
                path = folder / fname
                path.write_text(text)
                path.chmod(mode)


def _device_specs(nodes: list[_Node], network: Network, workdir: Path, out: Prepared) -> list[DeviceSpec]:
    by_ref = {n.ref: n for n in nodes}
    in_input = {n.device.path for n in nodes}
    for n in nodes:
        n.routing = _runs(n.plan, n.tunnel)
        lan_nets = [a.network for lan in n.plan.lans for a in lan.addresses]
        n.sites = [a for a in _advertised(n.plan) if a.network in lan_nets]
        for link in network.links(n.ref):
            if link.kind != "nhs":
                continue
            hub = by_ref.get(link.hub) if link.hub is not None else None
            if hub is None:
                where = link.nbma or link.nbma_fqdn or "?"
                held = link.hub is not None and link.hub.device.path in in_input
                out.notes.append(f"{n.plan.hostname}: NHS {link.protocol or 'dynamic'} (NBMA {where}) is "
                                 + ("not built by the lab" if held else "not in the input")
                                 + "; registration to it is not checked")
                continue
            if hub not in n.hubs:
                n.hubs.append(hub)
                assert hub.nbma is not None
                if link.nbma is not None and link.nbma != hub.nbma.ip:
                    out.notes.append(f"{n.plan.hostname}: NHS {link.protocol} is configured at NBMA "
                                     f"{link.nbma}, but {hub.plan.hostname} is at {hub.nbma.ip}")
    for n in nodes:
        if n.tunnel.role is Role.SPOKE and not n.hubs:
            out.refusal.append(f"{n.plan.hostname}: none of its NHSes is a device of the input")
    if out.refusal:
        return []

    def peers(a: _Node, b: _Node) -> bool:
        """a and b exchange routes over the cloud: directly, or (spokes) through a common hub."""
        if b in a.hubs or a in b.hubs:
            return bool(set(a.routing) & set(b.routing))
        common = [h for h in a.hubs if h in b.hubs]
        return any(set(a.routing) & set(h.routing) and set(b.routing) & set(h.routing) for h in common)

    specs: list[DeviceSpec] = []
    for n in nodes:
        assert n.nbma is not None and n.gateway is not None
        cloud = network.cloud_of(n.ref)
        phase = cloud.phase if cloud is not None and cloud.phase in (1, 2, 3) else 1
        partners = [m for m in nodes if m is not n and peers(n, m)]
        own = {a.network for lan in n.plan.lans for a in lan.addresses}
        expect = sorted({a.network for m in partners for a in m.sites} - own - {n.tunnel.subnet},
                        key=lambda p: (int(p.network_address), p.prefixlen))
        ping_peers = [m.name for m in partners if m.sites] if n.sites else []
        lan = [LanAddress(interface=lan.ifname, address=a, site=a in n.sites)
               for lan in n.plan.lans for a in lan.addresses]
        lan = [x for x in lan if not _hides_underlay(x.address, n, nodes, out)]
        specs.append(DeviceSpec(
            name=n.name, role="hub" if n.tunnel.role is Role.HUB else "spoke",
            directory=workdir / n.plan.hostname, underlay_interface=n.tunnel.underlay,
            nbma=n.nbma, gateway=n.gateway, lan=lan, tunnel_interface=n.tunnel.ifname,
            tunnel_address=n.tunnel.host_address,
            hubs=[HubRef(tunnel_address=h.tunnel.address, nbma_address=h.nbma.ip)  # type: ignore[union-attr]
                  for h in n.hubs],
            ping_peers=ping_peers, routing=n.routing, expect_routes=expect, phase=phase,
            protected=n.tunnel.protected,
        ))
        out.devices.append(DeviceInfo(
            name=n.name, hostname=n.plan.hostname, source=n.plan.source_name, role=specs[-1].role,
            nbma=str(n.nbma), nbma_origin=n.origin, gateway=str(n.gateway),
            tunnel=f"{n.tunnel.ifname} {n.tunnel.host_address}", phase=phase, protected=n.tunnel.protected,
            routing=list(n.routing), site_addresses=[str(a) for a in n.sites],
            expect_routes=[str(p) for p in expect], ping_peers=ping_peers))
        if phase == 2 and n.tunnel.role is Role.SPOKE and not n.tunnel.nhrp.shortcut:
            out.notes.append(f"{n.plan.hostname}: phase 2 design, but FRR 8.4 nhrpd only builds "
                             "spoke-to-spoke tunnels from NHRP shortcuts (ip nhrp shortcut, and a hub "
                             "sending redirects), which its frr.conf does not have: expect the shortcut "
                             "check to fail")
        if not n.routing:
            out.notes.append(f"{n.plan.hostname}: no routing protocol runs over the tunnel; no routes or "
                             "pings are expected")
    return specs


def _hides_underlay(addr: IPv4Interface, n: _Node, nodes: list[_Node], out: Prepared) -> bool:
    """A LAN subnet holding another device's NBMA would swallow the underlay traffic to it."""
    for m in nodes:
        if m is not n and m.nbma is not None and m.nbma.ip in addr.network:
            out.notes.append(f"{n.plan.hostname}: LAN {addr} holds {m.plan.hostname}'s NBMA address "
                             f"{m.nbma.ip}; left out of the lab")
            return True
    return False
