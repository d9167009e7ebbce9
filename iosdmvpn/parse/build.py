"""Assemble parsed commands into the frozen :class:`~iosdmvpn.model.Device`.

Each stanza kind has a small builder that folds its commands into keyword arguments
for the model class. Later commands override earlier ones, as on the router.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, SecretStr

from iosdmvpn.model import (
    Bgp,
    BgpListenRange,
    BgpNeighbor,
    BgpNetwork,
    Coverage,
    Crypto,
    Device,
    Dpd,
    Eigrp,
    EigrpAfInterface,
    Ikev2Keyring,
    Ikev2Peer,
    Ikev2Policy,
    Ikev2Profile,
    Ikev2Proposal,
    Interface,
    InterfaceEigrp,
    InterfaceOspf,
    IpsecProfile,
    IsakmpPolicy,
    IsakmpProfile,
    Keyring,
    MulticastMap,
    NetworkStatement,
    Nhrp,
    NhrpMap,
    NhsEntry,
    Ospf,
    PresharedKey,
    Rip,
    Routing,
    StaticRoute,
    TransformSet,
    Tunnel,
    TunnelMode,
    TunnelProtection,
    UnrecognizedLine,
)
from iosdmvpn.parse.structure import MODEL, Line, Stanza
from iosdmvpn.parse.transform import Cmd
from iosdmvpn.source import Span, redact, span_of


def _commands(stanza: Stanza) -> list[Cmd]:
    return [line.result for line in stanza.lines if isinstance(line.result, Cmd)]


def _header(stanza: Stanza) -> Cmd | None:
    if stanza.header is not None and isinstance(stanza.header.result, Cmd):
        return stanza.header.result
    return None


def _stanza_span(stanza: Stanza, path: str) -> Span:
    """From the header to the end of the stanza's last line (its own commands, ignored ones
    included, and the headers of its sub-stanzas)."""
    header = stanza.header
    assert header is not None
    return span_of(path, header.number, header.column, stanza.last_number, stanza.end_column)


class _Fields:
    """Keyword arguments for a model, with the span of the command that set each one."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.spans: dict[str, Span] = {}

    def set(self, name: str, value: Any, span: Span) -> None:
        self.values[name] = value
        self.spans[name] = span

    def append(self, name: str, value: Any, span: Span) -> None:
        self.values.setdefault(name, []).append(value)
        self.spans.setdefault(name, span)

    def build(self, cls: type[BaseModel], span: Span, **extra: Any) -> Any:
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in self.values.items()}
        if "span" in values or "spans" in values or "spans" in extra or not extra.keys().isdisjoint(values):
            return cls(span=span, spans=self.spans, **values, **extra)  # a keyword twice: TypeError
        return _validate(cls, {"span": span, "spans": self.spans, **values, **extra})


def _validate(cls: type[BaseModel], data: dict[str, Any]) -> Any:
    """``cls(**data)``: the same validation, without the keyword-argument wrapper of
    ``BaseModel.__init__`` (a large file builds 10,000 nodes)."""
    return cls.__pydantic_validator__.validate_python(data)


# ------------------------------------------------------------------ interfaces


def _nhrp_apply(f: _Fields, cmd: Cmd) -> None:
    a, s = cmd.args, cmd.span
    name = cmd.name
    if name == "nhrp_network_id":
        f.set("network_id", a["value"], s)
    elif name == "nhrp_authentication":
        f.set("authentication", SecretStr(a["value"]), s)
    elif name == "nhrp_holdtime":
        f.set("holdtime", a["value"], s)
    elif name == "nhrp_registration_timeout":
        f.set("registration_timeout", a["value"], s)
    elif name == "nhrp_no_unique":
        f.set("registration_no_unique", True, s)
    elif name == "nhrp_map":
        f.append("maps", NhrpMap(span=s, protocol=a["protocol"], prefix_length=a["prefix_length"],
                                 nbma=a.get("nbma"), nbma_fqdn=a.get("nbma_fqdn"),
                                 preference=a["preference"]), s)
    elif name == "nhrp_map_multicast":
        f.append("multicast_maps", MulticastMap(span=s, nbma=a["nbma"]), s)
    elif name == "nhrp_map_multicast_dynamic":
        f.set("multicast_dynamic", a["value"], s)
    elif name == "nhrp_nhs":
        f.append("nhs", NhsEntry(span=s, protocol=a["protocol"], nbma=a["nbma"], nbma_fqdn=a["nbma_fqdn"],
                                 multicast=a["multicast"], priority=a["priority"], cluster=a["cluster"]), s)
    elif name == "nhrp_redirect":
        f.set("redirect", a["value"], s)
    elif name == "nhrp_shortcut":
        f.set("shortcut", a["value"], s)


def _ospf_apply(f: _Fields, cmd: Cmd) -> None:
    a = cmd.args
    setting = a["setting"]
    if setting == "area":
        f.set("process", a["process"], cmd.span)
        f.set("area", a["area"], cmd.span)
    elif setting != "other":
        f.set(setting, a["value"], cmd.span)


_EIGRP_KNOBS = {"split-horizon": "split_horizon", "next-hop-self": "next_hop_self", "hello-interval": "hello",
                "hold-time": "hold", "bandwidth-percent": "bandwidth_percent"}


def _build_interface(stanza: Stanza, path: str) -> Interface:
    header = _header(stanza)
    assert header is not None
    f = _Fields()
    tunnel = _Fields()
    protection: TunnelProtection | None = None
    # Per address family, made on first use (most interfaces have neither).
    nhrp: dict[int, _Fields] = {}
    ospf: dict[int, _Fields] = {}
    eigrp: dict[tuple[int, int], _Fields] = {}
    for cmd in _commands(stanza):
        a, s, n = cmd.args, cmd.span, cmd.name
        if n == "ip_address":
            if a["secondary"]:
                f.append("ipv4_secondary", a["address"], s)
            else:
                f.set("ipv4", a["address"], s)
                f.set("ipv4_mode", "static", s)
        elif n == "ip_address_mode":
            f.set("ipv4_mode", a["mode"], s)
            f.set("ipv4", None, s)
        elif n == "ip_unnumbered":
            f.set("ipv4_mode", "unnumbered", s)
            f.set("unnumbered", a["interface"], s)
        elif n == "no_ip_address":
            f.set("ipv4_mode", "none", s)
            f.set("ipv4", None, s)
        elif n == "ipv6_address":
            f.append("ipv6", a["address"], s)
        elif n == "ipv6_link_local":
            f.set("ipv6_link_local", a["address"], s)
        elif n == "ipv6_enable":
            f.set("ipv6_enabled", True, s)
        elif n == "vrf":
            f.set("vrf", a["name"], s)
        elif n == "description":
            f.set("description", a["text"], s)
        elif n in ("shutdown", "bandwidth", "delay", "ip_mtu", "ipv6_mtu", "tcp_mss", "ipv6_tcp_mss",
                   "keepalive", "ip_redirects", "ipv6_redirects"):
            f.set(n, a["value"], s)
        elif n == "crypto_map":
            f.set("crypto_map", a["name"], s)
        elif n == "tunnel_source":
            tunnel.set("source_interface", a["interface"], s)
            tunnel.set("source_address", a["address"], s)
        elif n == "tunnel_destination":
            tunnel.set("destination", a["value"], s)
        elif n == "tunnel_mode":
            tunnel.set("mode", TunnelMode(a["value"]), s)
            tunnel.set("mode_configured", True, s)
        elif n == "tunnel_key":
            tunnel.set("key", a["value"], s)
        elif n == "tunnel_vrf":
            tunnel.set("vrf", a["value"], s)
        elif n == "tunnel_protection":
            protection = TunnelProtection(
                span=s, profile=a["profile"], shared=a["shared"], isakmp_profile=a["isakmp_profile"],
                ikev2_profile=a["ikev2_profile"], psk=SecretStr(a["psk"]) if a["psk"] else None)
            tunnel.set("protection", protection, s)
        elif n.startswith("nhrp_"):
            _nhrp_apply(nhrp.get(a["family"]) or nhrp.setdefault(a["family"], _Fields()), cmd)
        elif n == "ospf_if":
            _ospf_apply(ospf.get(a["family"]) or ospf.setdefault(a["family"], _Fields()), cmd)
        elif n == "eigrp_if":
            e = eigrp.setdefault((a["family"], a["asn"]), _Fields())
            e.spans.setdefault("asn", s)
            knob = a["knob"]
            if knob == "summary-address":
                e.append("summaries", a["value"], s)
            elif knob == "enable":
                e.set("enabled", True, s)
            else:
                e.set(_EIGRP_KNOBS[knob], a["value"], s)
    span = _stanza_span(stanza, path)
    name = header.args["name"]
    # The header line itself: where findings about a missing interface command point.
    f.spans["name"] = header.span
    extra: dict[str, Any] = {}
    broken = tuple(redact(line.text()) for line in stanza.lines if line.tag == MODEL and line.result is None)
    if broken:
        extra["unparsed"] = broken
    if name.startswith("Tunnel"):
        extra["tunnel"] = tunnel.build(Tunnel, span)
    if nhrp:
        for family, key in ((4, "nhrp"), (6, "nhrp6")):
            fields = nhrp.get(family)
            if fields is not None and (fields.values or fields.spans):
                extra[key] = fields.build(Nhrp, span, family=family)
    if ospf:
        for family, key in ((4, "ospf"), (6, "ospf6")):
            fields = ospf.get(family)
            if fields is not None and fields.values:
                extra[key] = fields.build(InterfaceOspf, span)
    if eigrp:
        extra["eigrp"] = tuple(
            e.build(InterfaceEigrp, e.spans["asn"], family=fam, asn=asn)
            for (fam, asn), e in sorted(eigrp.items())
        )
    return f.build(Interface, span, name=name, **extra)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- crypto


def _psk_model(a: dict[str, Any], span: Span) -> PresharedKey:
    return PresharedKey(span=span, key=SecretStr(a["key"]), encryption_type=a["encryption_type"],
                        peer=a["peer"], hostname=a["hostname"])


class _CryptoBuilder:
    def __init__(self) -> None:
        self.f = _Fields()

    def add(self, field: str, item: Any) -> None:
        self.f.append(field, item, item.span)

    def isakmp_policy(self, stanza: Stanza, head: Cmd, path: str) -> None:
        f = _Fields()
        for cmd in _commands(stanza):
            if cmd.name == "policy":
                f.set(cmd.args["field"], cmd.args["value"], cmd.span)
        self.add("isakmp_policies", f.build(IsakmpPolicy, _stanza_span(stanza, path),
                                            priority=head.args["priority"]))

    def isakmp_profile(self, stanza: Stanza, head: Cmd, path: str) -> None:
        f = _Fields()
        for cmd in _commands(stanza):
            a, s = cmd.args, cmd.span
            if cmd.name == "profile_vrf":
                f.set("vrf", a["value"], s)
            elif cmd.name == "profile_keyring":
                f.append("keyrings", a["value"], s)
            elif cmd.name == "profile_match_identity":
                f.append("match_identities", a["value"], s)
            elif cmd.name == "profile_keepalive":
                f.set("keepalive", a["value"], s)
        self.add("isakmp_profiles",
                 f.build(IsakmpProfile, _stanza_span(stanza, path), name=head.args["name"]))

    def keyring(self, stanza: Stanza, head: Cmd, path: str) -> None:
        keys = tuple(_psk_model(c.args, c.span) for c in _commands(stanza) if c.name == "keyring_psk")
        self.add("keyrings", Keyring(span=_stanza_span(stanza, path), name=head.args["name"],
                                     vrf=head.args["vrf"], keys=keys))

    def tset(self, stanza: Stanza, head: Cmd, path: str) -> None:
        f = _Fields()
        for cmd in _commands(stanza):
            if cmd.name == "tset_mode":
                f.set("mode", cmd.args["value"], cmd.span)
        self.add("transform_sets", f.build(TransformSet, _stanza_span(stanza, path), name=head.args["name"],
                                           transforms=head.args["transforms"]))

    def ipsec_profile(self, stanza: Stanza, head: Cmd, path: str) -> None:
        f = _Fields()
        for cmd in _commands(stanza):
            a, s = cmd.args, cmd.span
            if cmd.name == "set_transform_set":
                f.set("transform_sets", a["value"], s)
            elif cmd.name == "set_isakmp_profile":
                f.set("isakmp_profile", a["value"], s)
            elif cmd.name == "set_ikev2_profile":
                f.set("ikev2_profile", a["value"], s)
            elif cmd.name == "set_pfs":
                f.set("pfs", a["value"], s)
            elif cmd.name == "set_sa_lifetime":
                f.set(f"lifetime_{a['unit']}", a["value"], s)
        self.add("ipsec_profiles", f.build(IpsecProfile, _stanza_span(stanza, path), name=head.args["name"]))

    def ikev2_proposal(self, stanza: Stanza, head: Cmd, path: str) -> None:
        f = _Fields()
        for cmd in _commands(stanza):
            if cmd.name == "proposal":
                f.set(cmd.args["field"], cmd.args["value"], cmd.span)
        self.add("ikev2_proposals",
                 f.build(Ikev2Proposal, _stanza_span(stanza, path), name=head.args["name"]))

    def ikev2_policy(self, stanza: Stanza, head: Cmd, path: str) -> None:
        f = _Fields()
        for cmd in _commands(stanza):
            a, s = cmd.args, cmd.span
            if cmd.name == "ikev2_policy_proposal":
                f.append("proposals", a["value"], s)
            elif cmd.name == "ikev2_policy_match":
                ws = a["value"]
                if ws[0].lower() == "fvrf" and len(ws) > 1:
                    f.set("match_fvrf", ws[1], s)
                elif ws[0].lower() == "address" and len(ws) > 2:
                    f.append("match_address_local", ws[-1], s)
        self.add("ikev2_policies", f.build(Ikev2Policy, _stanza_span(stanza, path), name=head.args["name"]))

    def ikev2_keyring(self, stanza: Stanza, head: Cmd, path: str) -> None:
        peers = []
        for child in stanza.children:
            peer_head = _header(child)
            if peer_head is None or child.kind != "ikev2_peer":
                continue
            f = _Fields()
            for cmd in _commands(child):
                a, s = cmd.args, cmd.span
                if cmd.name == "peer_address":
                    f.set("address", a["value"], s)
                elif cmd.name == "peer_hostname":
                    f.set("hostname", a["value"], s)
                elif cmd.name == "peer_identity":
                    f.set("identity", a["value"], s)
                elif cmd.name == "peer_psk":
                    key = {None: "psk", "local": "psk_local", "remote": "psk_remote"}[a["side"]]
                    f.set(key, SecretStr(a["key"]), s)
                    if a["encryption_type"]:  # an encrypted key cannot be compared with a clear one
                        f.set("psk_encryption_type", a["encryption_type"], s)
            peers.append(f.build(Ikev2Peer, _stanza_span(child, path), name=peer_head.args["name"]))
        self.add("ikev2_keyrings", Ikev2Keyring(span=_stanza_span(stanza, path), name=head.args["name"],
                                                peers=tuple(peers)))

    def ikev2_profile(self, stanza: Stanza, head: Cmd, path: str) -> None:
        f = _Fields()
        for cmd in _commands(stanza):
            a, s, n = cmd.args, cmd.span, cmd.name
            if n == "v2_match":
                ws = a["value"]
                kind = ws[0].lower()
                if kind == "identity" and len(ws) > 2:
                    f.append("match_identity_remote", " ".join(ws[2:]), s)
                elif kind == "fvrf" and len(ws) > 1:
                    f.set("match_fvrf", ws[1], s)
                elif kind == "address" and len(ws) > 2:
                    f.set("match_address_local", " ".join(ws[2:]), s)
            elif n == "v2_identity_local":
                f.set("identity_local", a["value"], s)
            elif n == "v2_authentication":
                f.append(f"authentication_{a['side']}", a["method"], s)
                if a["key"] is not None:
                    f.set(f"inline_psk_{a['side']}", SecretStr(a["key"]), s)
                    if a.get("encryption_type"):  # an encrypted key cannot be compared with a clear one
                        f.set("inline_psk_encryption_type", a["encryption_type"], s)
            elif n == "v2_keyring":
                f.set("keyring_local", a["value"], s)
            elif n == "v2_pki":
                f.append("trustpoints", a["value"], s)
            elif n == "v2_dpd":
                f.set("dpd", Dpd(span=s, **a), s)
            elif n == "v2_lifetime":
                f.set("lifetime", a["value"], s)
            elif n == "v2_ivrf":
                f.set("ivrf", a["value"], s)
            elif n == "v2_virtual_template":
                f.set("virtual_template", a["value"], s)
        self.add("ikev2_profiles", f.build(Ikev2Profile, _stanza_span(stanza, path), name=head.args["name"]))

    def global_command(self, cmd: Cmd) -> None:
        a, s = cmd.args, cmd.span
        if cmd.name == "isakmp_key":
            self.f.append("isakmp_keys", _psk_model(a, s), s)
        elif cmd.name == "isakmp_keepalive":
            self.f.set("isakmp_keepalive", Dpd(span=s, **a), s)
        elif cmd.name == "ikev2_dpd":
            self.f.set("ikev2_dpd", Dpd(span=s, **a), s)
        elif cmd.name == "isakmp_default_policy":
            self.f.set("isakmp_default_policy", a["enabled"], s)
        elif cmd.name == "compliance_shield_disable":
            self.f.set("compliance_shield_disabled", True, s)

    def build(self, span: Span) -> Crypto:
        return self.f.build(Crypto, span)  # type: ignore[no-any-return]


# --------------------------------------------------------------------- routing


def _eigrp_af(stanza: Stanza, base: dict[str, Any], path: str) -> Eigrp:
    f = _Fields()
    afifs = []
    for cmd in _commands(stanza):
        _eigrp_process_cmd(f, cmd)
    for child in stanza.children:
        if child.kind == "eigrp_topo":  # named mode: "topology base" holds the redistribution
            for cmd in _commands(child):
                _eigrp_process_cmd(f, cmd)
    for child in stanza.children:
        child_head = _header(child)
        if child.kind != "eigrp_afif" or child_head is None:
            continue
        af = _Fields()
        for cmd in _commands(child):
            if cmd.name == "afif":
                af.set(cmd.args["field"], cmd.args["value"], cmd.span)
            elif cmd.name == "afif_summary":
                af.append("summaries", cmd.args["value"], cmd.span)
        afifs.append(af.build(EigrpAfInterface, _stanza_span(child, path), interface=child_head.args["name"]))
    return f.build(Eigrp, _stanza_span(stanza, path), af_interfaces=tuple(afifs), **base)  # type: ignore[no-any-return]


def _eigrp_process_cmd(f: _Fields, cmd: Cmd) -> None:
    a, s = cmd.args, cmd.span
    if cmd.name == "network":
        f.append("networks", NetworkStatement(span=s, address=a["address"], wildcard=a["wildcard"],
                                              area=a["area"]), s)
    elif cmd.name == "eigrp_stub":
        f.set("stub", a["value"], s)
    elif cmd.name == "eigrp_redistribute":
        f.append("redistribute", a["value"], s)
    elif cmd.name == "passive_default":
        f.set("passive_default", a["value"], s)
    elif cmd.name == "passive_interface":
        f.append("passive_interfaces" if a["value"] else "active_interfaces", a["interface"], s)


def _build_eigrp(stanza: Stanza, head: Cmd, path: str) -> list[Eigrp]:
    instances = []
    name, asn = head.args["name"], head.args["asn"]
    family = head.args.get("family", 4)
    if asn is not None:
        f = _Fields()
        for cmd in _commands(stanza):
            _eigrp_process_cmd(f, cmd)
        instances.append(f.build(Eigrp, _stanza_span(stanza, path), style="classic", asn=asn, family=family))
    for child in stanza.children:
        child_head = _header(child)
        if child.kind != "eigrp_af" or child_head is None:
            continue
        af = child_head.args
        inst = _eigrp_af(child, {"style": "named" if name else "classic", "name": name,
                                 "asn": af["asn"] if af["asn"] is not None else asn,
                                 "family": af["family"], "vrf": af["vrf"]}, path)
        instances.append(inst)
    return instances


def _build_ospf(stanza: Stanza, head: Cmd, path: str) -> Ospf:
    f = _Fields()
    for cmd in _commands(stanza):
        a, s = cmd.args, cmd.span
        if cmd.name == "network":
            f.append("networks", NetworkStatement(span=s, address=a["address"], wildcard=a["wildcard"],
                                                  area=a["area"]), s)
        elif cmd.name == "passive_default":
            f.set("passive_default", a["value"], s)
        elif cmd.name == "passive_interface":
            f.append("passive_interfaces" if a["value"] else "active_interfaces", a["interface"], s)
        elif cmd.name == "router_id":
            f.set("router_id", a["value"], s)
    return f.build(Ospf, _stanza_span(stanza, path), process=head.args["process"],  # type: ignore[no-any-return]
                   vrf=head.args.get("vrf"), family=head.args.get("family", 4))


# Neighbor sub-commands that are flags on the model.
_NEIGHBOR_FLAGS = {"route-reflector-client": "route_reflector_client", "next-hop-self": "next_hop_self",
                   "default-originate": "default_originate", "allowas-in": "allowas_in",
                   "as-override": "as_override", "shutdown": "shutdown"}


def _build_bgp(stanza: Stanza, head: Cmd, path: str) -> Bgp:
    f = _Fields()
    neighbors: dict[str, _Fields] = {}
    families: list[str] = []

    def neighbor_cmd(cmd: Cmd, family: str | None) -> None:
        a, s = cmd.args, cmd.span
        n = neighbors.get(a["id"])
        if n is None:
            n = neighbors[a["id"]] = _Fields()
            n.spans["id"] = s
        ws = a["words"]
        key = ws[0].lower() if ws else ""
        value = not a["negated"]
        if key == "peer-group" and len(ws) == 1:
            n.set("is_peer_group", True, s)
        elif key == "peer-group" and len(ws) > 1:
            n.set("peer_group", ws[1], s)
        elif key == "remote-as" and len(ws) > 1:
            n.set("remote_as", ws[1], s)
            if "alternate-as" in [w.lower() for w in ws]:
                i = [w.lower() for w in ws].index("alternate-as")
                n.set("alternate_as", tuple(ws[i + 1:]), s)
        elif key == "alternate-as":
            n.set("alternate_as", tuple(ws[1:]), s)
        elif key == "update-source" and len(ws) > 1:
            n.set("update_source", ws[1], s)
        elif key == "next-hop-self" and value and [w.lower() for w in ws[1:2]] == ["all"]:
            n.set("next_hop_self", True, s)
            n.set("next_hop_self_all", True, s)
        elif key in _NEIGHBOR_FLAGS:
            n.set(_NEIGHBOR_FLAGS[key], value, s)
        elif key == "activate" and family:
            n.values.setdefault("activated_families", []).append(family)
            n.spans.setdefault("activated_families", s)

    def common(cmd: Cmd, family: str) -> None:
        a, s = cmd.args, cmd.span
        if cmd.name == "bgp_network":
            f.append("networks", BgpNetwork(span=s, prefix=a["prefix"], family=family), s)
        elif cmd.name == "bgp_redistribute":
            f.append("redistribute", a["value"], s)
        elif cmd.name == "bgp_aggregate":
            f.append("aggregates", a["value"], s)

    for cmd in _commands(stanza):
        a, s = cmd.args, cmd.span
        if cmd.name == "bgp_listen_range":
            f.append("listen_ranges",
                     BgpListenRange(span=s, prefix=a["prefix"], peer_group=a["peer_group"]), s)
        elif cmd.name == "bgp_listen_limit":
            f.set("listen_limit", a["value"], s)
        elif cmd.name == "router_id":
            f.set("router_id", a["value"], s)
        elif cmd.name == "neighbor":
            neighbor_cmd(cmd, None)
        else:
            common(cmd, "ipv4")
    for child in stanza.children:
        child_head = _header(child)
        if child.kind != "bgp_af" or child_head is None:
            continue
        af = child_head.args
        family = af["afi"] + (f" vrf {af['vrf']}" if af["vrf"] else "")
        families.append(family)
        for cmd in _commands(child):
            if cmd.name == "neighbor":
                neighbor_cmd(cmd, family)
            else:
                common(cmd, family)
    built = tuple(n.build(BgpNeighbor, n.spans["id"], id=key) for key, n in neighbors.items())
    return f.build(Bgp, _stanza_span(stanza, path), asn=head.args["asn"], neighbors=built,  # type: ignore[no-any-return]
                   families=tuple(families))


def _build_rip(stanza: Stanza, path: str) -> Rip:
    f = _Fields()
    for cmd in _commands(stanza):
        a, s = cmd.args, cmd.span
        if cmd.name == "network":
            f.append("networks", NetworkStatement(span=s, address=a["address"], wildcard=a["wildcard"]), s)
        elif cmd.name == "rip_version":
            f.set("version", a["value"], s)
    return f.build(Rip, _stanza_span(stanza, path))  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- device


def build_device(root: Stanza, path: str, coverage: Coverage,
                 unrecognized: list[tuple[Line, str]]) -> Device:
    """Build the device model from the stanza tree whose lines carry their :class:`Cmd`."""
    file_span = Span.whole_file(path)
    device = _Fields()
    crypto = _CryptoBuilder()
    routing = _Fields()
    interfaces: dict[str, Interface] = {}
    trustpoints: list[str] = []
    for cmd in _commands(root):
        a, s = cmd.args, cmd.span
        if cmd.name == "hostname":
            device.set("hostname", a["value"], s)
        elif cmd.name == "version":
            device.set("version", a["value"], s)
        elif cmd.name == "static_route":
            route = StaticRoute(span=s, **a) if "span" in a else _validate(StaticRoute, {"span": s, **a})
            routing.append("static_routes", route, s)
        else:
            crypto.global_command(cmd)
    builders: dict[str, Callable[[Stanza, Cmd, str], None]] = {
        "isakmp_policy": crypto.isakmp_policy, "isakmp_profile": crypto.isakmp_profile,
        "keyring": crypto.keyring, "tset": crypto.tset, "ipsec_profile": crypto.ipsec_profile,
        "ikev2_proposal": crypto.ikev2_proposal, "ikev2_policy": crypto.ikev2_policy,
        "ikev2_keyring": crypto.ikev2_keyring, "ikev2_profile": crypto.ikev2_profile,
    }
    # IOS merges a repeated `interface X` stanza into the first one (scripts often come back
    # to an interface to add tunnel or NHRP lines), so its commands join the first stanza's.
    first_stanza: dict[str, Stanza] = {}
    heads = [(stanza, head) for stanza in root.children if (head := _header(stanza)) is not None]
    for stanza, head in heads:
        if stanza.kind != "if":
            continue
        first = first_stanza.setdefault(head.args["name"], stanza)
        if first is not stanza:
            first.lines.extend(stanza.lines)
    for stanza, head in heads:
        if stanza.kind == "if":
            if first_stanza.get(head.args["name"]) is stanza:
                iface = _build_interface(stanza, path)
                interfaces[iface.name] = iface
        elif stanza.kind in builders:
            builders[stanza.kind](stanza, head, path)
        elif stanza.kind == "trustpoint":
            trustpoints.append(head.args["name"])
        elif stanza.kind == "eigrp":
            for inst in _build_eigrp(stanza, head, path):
                routing.append("eigrp", inst, inst.span)
        elif stanza.kind in ("ospf", "ospf6"):
            ospf = _build_ospf(stanza, head, path)
            routing.append("ospf", ospf, ospf.span)
        elif stanza.kind == "bgp":
            routing.set("bgp", _build_bgp(stanza, head, path), _stanza_span(stanza, path))
        elif stanza.kind == "rip":
            routing.set("rip", _build_rip(stanza, path), _stanza_span(stanza, path))
    if trustpoints:
        crypto.f.values["trustpoints"] = trustpoints
    kept = tuple(
        UnrecognizedLine(span=span_of(path, line.number, line.column, line.number, line.end_column),
                         text=redact(line.text()), context=kind)
        for line, kind in unrecognized
    )
    return device.build(  # type: ignore[no-any-return]
        Device, file_span, path=path, interfaces=tuple(interfaces.values()), crypto=crypto.build(file_span),
        routing=routing.build(Routing, file_span), unrecognized=kept, coverage=coverage,
    )
