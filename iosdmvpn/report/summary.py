"""What the parser understood, for ``iosdmvpn parse --format text`` (JSON: :mod:`.json`).

The text summary shows, per device: hostname and version; the tunnels with their role,
transport, NHRP and the crypto chain (tunnel -> IPsec profile -> transform-sets and IKE
profile or policies), other interfaces in one line each; routing; and how many lines were
modelled, ignored by design or not recognised. Secrets are never printed: the model holds
them as ``SecretStr`` and the summary only says that one is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from iosdmvpn.model import Device, Interface, Nhrp
from iosdmvpn.model.crypto import Crypto, IpsecProfile
from iosdmvpn.model.network import Network, TunnelRef
from iosdmvpn.parse import ParseResult
from iosdmvpn.report.styled import STYLES, Node, Styled, colour_console

MISSING = "bold red"


def _join(items: Sequence[object], sep: str = ", ") -> str:
    return sep.join(str(i) for i in items)


def _address(i: Interface) -> str:
    parts = []
    if i.ipv4 is not None:
        parts.append(str(i.ipv4.with_prefixlen))
    elif i.ipv4_mode in ("dhcp", "negotiated"):
        parts.append(f"ip {i.ipv4_mode}")
    elif i.ipv4_mode == "unnumbered":
        parts.append(f"unnumbered {i.unnumbered}")
    parts += [str(a.with_prefixlen) for a in i.ipv6]
    return " ".join(parts) or "no address"


def _nhrp(n: Nhrp) -> Styled:
    family = "NHRP" if n.family == 4 else "NHRPv6"
    bits = [f"network-id {n.network_id}" if n.network_id is not None else "no network-id"]
    if n.authentication is not None:
        bits.append("authentication set")
    if n.holdtime is not None:
        bits.append(f"holdtime {n.holdtime}")
    if n.multicast_dynamic:
        bits.append("map multicast dynamic")
    if n.redirect:
        bits.append("redirect")
    if n.shortcut:
        bits.append("shortcut")
    if n.registration_no_unique:
        bits.append("registration no-unique")
    text = Styled(f"{family}: ", "bold") + _join(bits)
    for e in n.nhs:
        target = "dynamic" if e.protocol is None else str(e.protocol)
        nbma = e.nbma or e.nbma_fqdn or (n.nbma_for(e.protocol) if e.protocol is not None else None)
        text += f"; NHS {target}" + (f" nbma {nbma}" if nbma else "") + (" multicast" if e.multicast else "")
    for m in n.maps:
        text += f"; map {m.protocol} -> {m.nbma or m.nbma_fqdn}"
    for mm in n.multicast_maps:
        text += f"; multicast -> {mm.nbma}"
    return text


def _crypto_chain(crypto: Crypto, profile: IpsecProfile | None, name: str) -> Styled:
    text = Styled("crypto: ", "bold") + f"ipsec profile {name}"
    if profile is None:
        return text + Styled(" (undefined)", MISSING)
    for ts_name in profile.transform_sets or ():
        ts = crypto.transform_set(ts_name)
        text += f" -> transform-set {ts_name}"
        text += (f" [{_join(ts.transforms, ' ')}, {ts.effective_mode}]" if ts is not None
                 else Styled(" (undefined)", MISSING))
    if not profile.transform_sets:
        text += " -> default transform-sets"
    if profile.ikev2_profile:
        p2 = crypto.ikev2_profile(profile.ikev2_profile)
        text += f" -> IKEv2 profile {profile.ikev2_profile}"
        if p2 is None:
            text += Styled(" (undefined)", MISSING)
        else:
            text += f" [auth {_join(p2.authentication_local, '/') or '?'}"
            text += f", keyring {p2.keyring_local}]" if p2.keyring_local else "]"
    else:
        if profile.isakmp_profile:
            ip = crypto.isakmp_profile(profile.isakmp_profile)
            text += f" -> ISAKMP profile {profile.isakmp_profile}"
            if ip is None:
                text += Styled(" (undefined)", MISSING)
        policies = [f"{p.priority}: {p.effective('encryption')}/{p.effective('hash')}/"
                    f"{p.effective('authentication')}/group {p.effective('group')}"
                    for p in crypto.isakmp_policies]
        text += " -> IKEv1 " + (f"policies {_join(policies, '; ')}" if policies else "default policies")
        keys = [str(k.peer or k.hostname) for k in crypto.isakmp_keys]
        if keys:
            text += f"; pre-shared keys for {_join(keys)}"
    if profile.pfs:
        text += f"; pfs {profile.pfs}"
    return text


def _tunnel(device: Device, network: Network, i: Interface) -> Node:
    ref = TunnelRef(device, i)
    role = ("hub" if network.is_hub(ref) else "spoke" if network.is_spoke(ref) else "") if i.is_dmvpn else ""
    head = Styled(i.name, "bold") + f"  {_address(i)}"
    if role:
        head += Styled(f"  ({role})", "cyan")
    node = Node(head)
    t = i.tunnel
    assert t is not None  # only called for tunnels
    source = t.source_interface or (str(t.source_address) if t.source_address else None)
    line = Styled("tunnel: ", "bold") + f"mode {t.mode.value}"
    line += f", source {source}" if source else Styled(", no source", MISSING)
    nbma = device.local_nbma(i)
    if nbma is not None and t.source_interface:
        line += f" ({nbma})"
    if t.destination:
        line += f", destination {t.destination}"
    if t.key is not None:
        line += f", key {t.key}"
    if t.vrf:
        line += f", vrf {t.vrf}"
    node.add(line)
    for n in i.nhrp_families():
        node.add(_nhrp(n))
    if t.protection is not None and t.protection.profile:
        node.add(_crypto_chain(device.crypto, device.crypto.ipsec_profile(t.protection.profile),
                               t.protection.profile) + (" (shared)" if t.protection.shared else ""))
    elif t.protection is not None:
        node.add(Styled("crypto: ", "bold") + "tunnel protection psk")
    elif i.is_dmvpn:
        node.add(Styled("crypto: ", "bold") + Styled("none (unprotected)", "yellow"))
    ip = [f"mtu {i.ip_mtu}" if i.ip_mtu else "", f"adjust-mss {i.tcp_mss}" if i.tcp_mss else "",
          f"bandwidth {i.bandwidth}" if i.bandwidth else "", f"vrf {i.vrf}" if i.vrf else "",
          "shutdown" if i.shutdown else ""]
    if any(ip):
        node.add(Styled("ip: ", "bold") + _join([x for x in ip if x]))
    return node


def _routing(device: Device) -> Node | None:
    r = device.routing
    node = Node(Styled("Routing", "bold"))
    for e in r.eigrp:
        nets = [f"{s.address}" + (f"/{s.wildcard}" if s.wildcard else "") for s in e.networks]
        label = f"EIGRP {e.asn}" + (f" (named {e.name})" if e.name else "")
        label += "" if e.family == 4 else " IPv6"
        label += f": networks {_join(nets)}" if nets else ""
        node.add(label + (f"; stub {e.stub}".rstrip() if e.stub is not None else ""))
    for o in r.ospf:
        nets = [f"{s.address}/{s.wildcard} area {s.area}" for s in o.networks]
        label = f"OSPF{'v3' if o.family == 6 else ''} {o.process}"
        node.add(label + (f": networks {_join(nets)}" if nets else ""))
    if r.bgp is not None:
        b = r.bgp
        bits = [f"neighbor {n.id} remote-as {n.remote_as}" for n in b.neighbors if n.remote_as]
        bits += [f"listen range {lr.prefix} peer-group {lr.peer_group}" for lr in b.listen_ranges]
        node.add(f"BGP {b.asn}" + (f": {_join(bits, '; ')}" if bits else ""))
    if r.rip is not None:
        node.add("RIP" + (f" version {r.rip.version}" if r.rip.version else ""))
    for s in r.static_routes:
        via = s.next_hop or s.interface
        node.add(f"static {s.prefix}" + (f" via {via}" if via else "") + (f" vrf {s.vrf}" if s.vrf else ""))
    return node if node.children else None


def device_tree(result: ParseResult) -> Node:
    """The summary of one parsed file."""
    device = result.device
    title = Styled(result.path, "bold")
    if device is None:
        return Node(title + Styled("  (unusable)", MISSING))
    version = ""
    if device.version:
        version = f"IOS{'-XE' if device.is_xe else ''} {device.version[0]}.{device.version[1]}"
    title += Styled(f"  {device.name}", "bold green") + (f"  {version}" if version else "")
    if not result.usable:
        title += Styled("  (unusable)", MISSING)
    tree = Node(title)
    network = Network(devices=[device])
    tunnels = [i for i in device.interfaces if i.tunnel is not None]
    others = [i for i in device.interfaces if i.tunnel is None]
    if tunnels:
        node = tree.add(Styled("Tunnels", "bold"))
        for i in tunnels:
            node.add(_tunnel(device, network, i))
    if others:
        node = tree.add(Styled("Interfaces", "bold"))
        for i in others:
            extra = [x for x in (f"vrf {i.vrf}" if i.vrf else "", "shutdown" if i.shutdown else "",
                                 f"crypto map {i.crypto_map}" if i.crypto_map else "") if x]
            line = Styled(i.name, "bold") + f"  {_address(i)}"
            node.add(line + (f"  ({_join(extra)})" if extra else ""))
    routing = _routing(device)
    if routing is not None:
        tree.add(routing)
    c = device.coverage
    tree.add(Styled("Coverage: ", "bold") + f"{c.modelled} modelled, {c.ignored} ignored, "
             f"{c.unrecognized} unrecognized (of {c.total} lines)")
    return tree


def render(results: Sequence[ParseResult], out: TextIO, *, color: bool | None = None) -> None:
    """The text summary of every file, each followed by its parse diagnostics.

    On a terminal the trees are rich's, in colour, wrapped inside their guides at the
    terminal's width; elsewhere the same lines are written plain and never wrapped.
    """
    console = colour_console(out, color)
    for n, result in enumerate(results):
        tree = device_tree(result)
        notes = [Styled(f"  {d.span.path}:{d.span.line}:{d.span.column}: ")
                 + Styled(str(d.severity), STYLES[d.severity]) + f" {d.code} {d.name}: {d.message}"
                 for d in result.diagnostics]
        if console is None:
            lines = ([""] if n else []) + tree.plain_lines() + [note.plain for note in notes]
            out.write("".join(line + "\n" for line in lines))
            continue
        if n:
            console.print()
        console.print(tree.to_rich(), soft_wrap=False)
        for note in notes:
            console.print(note.to_rich())
