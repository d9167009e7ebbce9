"""The structural pass: split IOS text into stanzas and pick the lines Lark must see.

Real configurations are not tidy: banners with any delimiter, certificate hex blocks,
``!`` comments (also trailing ones in hand-written files), CRLF, tabs, lost or odd
indentation, keyword abbreviations and mixed case. This pass deals with all of that in
plain Python, which is fast, and decides for every line whether it is *modelled* (sent
to the Lark grammar of its stanza kind), *ignored by design* (known IOS that does not
matter to a DMVPN) or *unrecognized*. Nesting follows the indentation where the file
has it, and falls back to IOS's own mode keywords where it does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Tags of a vocabulary entry.
MODEL = "m"  # parsed by the grammar of the stanza kind
IGNORE = "i"  # known, deliberately not modelled
# "s:<kind>" opens a stanza whose children are parsed as <kind> (header modelled);
# "S:<kind>" opens a stanza whose children are ignored by design (header not modelled);
# "x" leaves the innermost sub-mode.

_GLOBAL = {
    "hostname": MODEL, "version": MODEL,
    "interface": "s:if",
    "router eigrp": "s:eigrp", "router ospf": "s:ospf", "router ospfv3": "s:ospf6",
    "router bgp": "s:bgp", "router rip": "s:rip",
    "ipv6 router ospf": "s:ospf6", "ipv6 router eigrp": "s:eigrp",
    "ip route": MODEL, "ipv6 route": MODEL,
    "crypto isakmp policy": "s:isakmp_policy", "crypto isakmp profile": "s:isakmp_profile",
    "crypto keyring": "s:keyring", "crypto ipsec transform-set": "s:tset",
    "crypto ipsec profile": "s:ipsec_profile", "crypto ikev2 proposal": "s:ikev2_proposal",
    "crypto ikev2 policy": "s:ikev2_policy", "crypto ikev2 keyring": "s:ikev2_keyring",
    "crypto ikev2 profile": "s:ikev2_profile", "crypto pki trustpoint": "s:trustpoint",
    "crypto isakmp key": MODEL, "crypto isakmp keepalive": MODEL,
    "no crypto isakmp default policy": MODEL, "crypto ikev2 dpd": MODEL,
    # Sub-mode stanzas that do not matter to a DMVPN.
    "line": "S:", "ip access-list": "S:", "ipv6 access-list": "S:", "route-map": "S:",
    "policy-map": "S:", "class-map": "S:", "vrf definition": "S:", "ip vrf": "S:",
    "key chain": "S:", "ip dhcp pool": "S:", "ipv6 dhcp pool": "S:", "control-plane": "S:",
    "zone security": "S:", "zone-pair": "S:", "parameter-map": "S:", "ip sla": "S:", "track": "S:",
    "object-group": "S:", "archive": "S:", "redundancy": "S:", "flow exporter": "S:",
    "flow monitor": "S:", "flow record": "S:", "voice": "S:", "dial-peer": "S:",
    "aaa group": "S:", "event manager": "S:", "call-home": "S:", "vlan": "S:", "template": "S:",
    "crypto pki server": "S:", "crypto isakmp client": "S:", "crypto ikev2 authorization": "S:",
    "crypto ikev2 client": "S:", "crypto map": "S:", "crypto dynamic-map": "S:", "router": "S:",
    "spanning-tree mst": "S:", "ip http": IGNORE, "license": "S:", "utd": "S:", "app-hosting": "S:",
    "multilink": IGNORE, "platform": IGNORE, "monitor": "S:", "mpls": IGNORE, "l2vpn": "S:",
    "bridge-domain": "S:", "ip nat": IGNORE, "ip inspect": IGNORE, "netconf-yang": IGNORE,
    "restconf": IGNORE, "telemetry": "S:", "segment-routing": "S:", "ipv6 router": "S:",
    "ip explicit-path": "S:", "sdwan": "S:", "system": "S:", "snmp-server": IGNORE,
    # Exits.
    "exit": "x", "end": IGNORE, "quit": IGNORE,
}
# Global first words known to IOS and irrelevant to a DMVPN.
_GLOBAL_IGNORED_WORDS = (
    "service no enable username aaa boot logging clock ip ipv6 ntp spanning-tree vtp errdisable "
    "memory-size cdp lldp login alias access-list mac diagnostic subscriber file scheduler crypto "
    "configure write do hw-module power transceiver process-max-time security wsma inventory "
    "tftp-server ftp-server vlan secure card controller mode virtual-service banner privilege "
    "exception default port-channel device-tracking table-map qos mls udld vstack stackwise "
    "authentication dot1x switch ptp srr-queue identity rmon dialer-list dialer chat-script "
    "memory cts sampler vxlan nat64 avc performance-monitor wlan ap power-supply console "
    "resource-policy warm-reboot bfd-template bfd key password xconnect pseudowire-class epm "
    "fhrp vrrp route-tag call dns show copy reload interface router"
).split()

_INTERFACE = {
    "ip address": MODEL, "ip unnumbered": MODEL, "no ip address": MODEL,
    "ipv6 address": MODEL, "ipv6 enable": MODEL,
    "vrf forwarding": MODEL, "ip vrf forwarding": MODEL, "description": MODEL,
    "shutdown": MODEL, "no shutdown": MODEL, "bandwidth": MODEL, "delay": MODEL,
    "ip mtu": MODEL, "ipv6 mtu": MODEL, "ip tcp adjust-mss": MODEL, "ipv6 tcp adjust-mss": MODEL,
    "keepalive": MODEL, "no keepalive": MODEL,
    "ip redirects": MODEL, "no ip redirects": MODEL, "ipv6 redirects": MODEL, "no ipv6 redirects": MODEL,
    "crypto map": MODEL,
    "tunnel source": MODEL, "tunnel destination": MODEL, "tunnel mode": MODEL, "tunnel key": MODEL,
    "tunnel vrf": MODEL, "tunnel protection": MODEL,
    "ip ospf": MODEL, "ipv6 ospf": MODEL, "ospfv3": MODEL,
    "ip split-horizon eigrp": MODEL, "no ip split-horizon eigrp": MODEL,
    "ip next-hop-self eigrp": MODEL, "no ip next-hop-self eigrp": MODEL,
    "ip summary-address eigrp": MODEL, "ip hello-interval eigrp": MODEL, "ip hold-time eigrp": MODEL,
    "ip bandwidth-percent eigrp": MODEL,
    "ipv6 split-horizon eigrp": MODEL, "no ipv6 split-horizon eigrp": MODEL,
    "ipv6 next-hop-self eigrp": MODEL, "no ipv6 next-hop-self eigrp": MODEL,
    "ipv6 summary-address eigrp": MODEL, "ipv6 hello-interval eigrp": MODEL,
    "ipv6 hold-time eigrp": MODEL, "ipv6 bandwidth-percent eigrp": MODEL, "ipv6 eigrp": MODEL,
    "ip nhrp": MODEL, "ipv6 nhrp": MODEL, "no ip nhrp": IGNORE, "no ipv6 nhrp": IGNORE,
    "no ip nhrp map multicast dynamic": MODEL, "no ip nhrp shortcut": MODEL, "no ip nhrp redirect": MODEL,
    "no ipv6 nhrp map multicast dynamic": MODEL, "no ipv6 nhrp shortcut": MODEL,
    "no ipv6 nhrp redirect": MODEL,
    # Accepted, stored as unmodelled commands of the interface (rules.md 4.3 "accept and store").
    "ip nhrp interest": IGNORE, "ip nhrp max-send": IGNORE, "ip nhrp cache": IGNORE,
    "ip nhrp server-only": IGNORE, "ip nhrp use": IGNORE, "ip nhrp record": IGNORE,
    "ip nhrp responder": IGNORE, "ip nhrp trigger-svc": IGNORE, "ip nhrp send-routed": IGNORE,
    "ip nhrp summary-map": IGNORE, "ip nhrp attribute": IGNORE, "ip nhrp bfd": IGNORE,
    "ip nhrp group": IGNORE, "ip nhrp map group": IGNORE, "nhrp": IGNORE, "if-state nhrp": IGNORE,
    "ip nhrp event-publisher": IGNORE, "ip nhrp path": IGNORE,
    "ipv6 nd": IGNORE, "tunnel path-mtu-discovery": IGNORE, "tunnel ttl": IGNORE,
    "tunnel bandwidth": IGNORE, "tunnel tos": IGNORE, "tunnel route-via": IGNORE,
    "tunnel mpls": IGNORE, "tunnel udlr": IGNORE, "tunnel rbscp": IGNORE,
    "ip pim": IGNORE, "ip nat": IGNORE, "ip virtual-reassembly": IGNORE,
    "ip virtual-reassembly-out": IGNORE, "ip flow": IGNORE, "ip access-group": IGNORE,
    "ip helper-address": IGNORE, "ip proxy-arp": IGNORE, "no ip proxy-arp": IGNORE,
    "ip unreachables": IGNORE, "no ip unreachables": IGNORE, "ip verify": IGNORE, "ip policy": IGNORE,
    "ip igmp": IGNORE, "ip route-cache": IGNORE, "no ip route-cache": IGNORE,
    "ip directed-broadcast": IGNORE, "ip dhcp": IGNORE, "ip nbar": IGNORE, "ip inspect": IGNORE,
    "ip wccp": IGNORE, "ip accounting": IGNORE, "ip rip": IGNORE, "ip sla": IGNORE,
    "ip mroute-cache": IGNORE, "no ip mroute-cache": IGNORE, "ip ips": IGNORE,
    "ipv6 nat": IGNORE, "ipv6 pim": IGNORE, "ipv6 traffic-filter": IGNORE, "ipv6 dhcp": IGNORE,
    "ipv6 unreachables": IGNORE, "no ipv6 unreachables": IGNORE, "ipv6 rip": IGNORE,
    "ipv6 virtual-reassembly": IGNORE, "ipv6 verify": IGNORE, "ipv6 flow": IGNORE,
    "ipv6 mld": IGNORE, "ipv6 policy": IGNORE,
}
_INTERFACE_IGNORED_WORDS = (
    "switchport speed duplex negotiation media-type cdp spanning-tree load-interval service-policy "
    "zone-member encapsulation pppoe pppoe-client dialer ppp mtu standby vrrp glbp channel-group "
    "storm-control power mls no mac hold-queue carrier-delay lldp logging snmp arp priority-queue "
    "srr-queue macro authentication dot1x mab udld macsec lacp bfd clock qos auto trust "
    "device-tracking access-session nameif security-level platform vlan-range isis mpls cts "
    "flow source destination ip ipv6 tunnel peer shape fair-queue traffic-shape frame-relay "
    "physical-layer dsl atm pvc vpdn tx-ring-limit full-duplex half-duplex random-detect "
    "keepalive ospfv3 crypto xconnect rewrite service bridge-group member pos framing crc "
    "scrambling network-clock transport cable vlan ethernet lisp nat66 wrr-queue "
    "channel-protocol small-frame mode zone-member bandwidth delay"
).split()

_SUBMODES: dict[str, dict[str, str]] = {
    "isakmp_policy": {"encryption": MODEL, "hash": MODEL, "authentication": MODEL, "group": MODEL,
                      "lifetime": MODEL},
    "isakmp_profile": {"vrf": MODEL, "keyring": MODEL, "match identity": MODEL, "keepalive": MODEL,
                       "self-identity": IGNORE, "local-address": IGNORE, "initiate": IGNORE,
                       "description": IGNORE, "ca": IGNORE, "qos-group": IGNORE, "isakmp": IGNORE,
                       "client": IGNORE, "accounting": IGNORE, "virtual-template": IGNORE,
                       "match certificate": IGNORE},
    "keyring": {"pre-shared-key": MODEL, "local-address": IGNORE, "description": IGNORE,
                "rsa-pubkey": IGNORE},
    "tset": {"mode": MODEL},
    "ipsec_profile": {"set transform-set": MODEL, "set isakmp-profile": MODEL, "set ikev2-profile": MODEL,
                      "set pfs": MODEL, "set security-association lifetime": MODEL,
                      "set security-association": IGNORE, "set identity": IGNORE,
                      "set security-policy": IGNORE, "responder-only": IGNORE, "description": IGNORE,
                      "set reverse-route": IGNORE, "set mixed-mode": IGNORE, "set": IGNORE},
    "ikev2_proposal": {"encryption": MODEL, "integrity": MODEL, "prf": MODEL, "group": MODEL},
    "ikev2_policy": {"proposal": MODEL, "match": MODEL, "description": IGNORE},
    "ikev2_keyring": {"peer": "s:ikev2_peer", "exit-peer": IGNORE, "description": IGNORE},
    "ikev2_peer": {"exit-peer": "x", "address": MODEL, "hostname": MODEL, "identity": MODEL, "pre-shared-key": MODEL,
                   "description": IGNORE},
    "ikev2_profile": {"match": MODEL, "identity local": MODEL, "authentication": MODEL, "keyring": MODEL,
                      "pki trustpoint": MODEL, "dpd": MODEL, "lifetime": MODEL, "ivrf": MODEL,
                      "virtual-template": MODEL, "description": IGNORE, "nat": IGNORE,
                      "aaa": IGNORE, "config-exchange": IGNORE, "redirect": IGNORE, "shutdown": IGNORE},
    "trustpoint": {},
    "eigrp": {"exit-address-family": IGNORE, "network": MODEL, "eigrp stub": MODEL, "passive-interface": MODEL,
              "no passive-interface": MODEL, "address-family": "s:eigrp_af", "eigrp router-id": MODEL,
              "router-id": MODEL, "no auto-summary": IGNORE, "auto-summary": IGNORE,
              "redistribute": IGNORE, "distribute-list": IGNORE, "metric": IGNORE, "variance": IGNORE,
              "maximum-paths": IGNORE, "eigrp log-neighbor-changes": IGNORE, "default-metric": IGNORE,
              "distance": IGNORE, "offset-list": IGNORE, "timers": IGNORE, "no eigrp": IGNORE,
              "eigrp": IGNORE, "neighbor": IGNORE, "traffic-share": IGNORE, "shutdown": IGNORE,
              "default-information": IGNORE, "summary-metric": IGNORE, "no": IGNORE},
    "eigrp_af": {"exit-af-interface": IGNORE, "exit-af-topology": IGNORE, "network": MODEL, "eigrp stub": MODEL, "af-interface": "s:eigrp_afif",
                 "topology": "s:eigrp_topo", "eigrp router-id": MODEL, "exit-address-family": "x",
                 "eigrp": IGNORE, "neighbor": IGNORE, "metric": IGNORE, "shutdown": IGNORE,
                 "no": IGNORE, "maximum-prefix": IGNORE, "timers": IGNORE},
    "eigrp_afif": {"split-horizon": MODEL, "no split-horizon": MODEL, "next-hop-self": MODEL,
                   "no next-hop-self": MODEL, "passive-interface": MODEL, "no passive-interface": MODEL,
                   "summary-address": MODEL, "hello-interval": MODEL, "hold-time": MODEL,
                   "bandwidth-percent": MODEL, "exit-af-interface": "x", "authentication": IGNORE,
                   "bfd": IGNORE, "dampening-change": IGNORE, "dampening-interval": IGNORE,
                   "shutdown": IGNORE, "stub-site": IGNORE, "no": IGNORE},
    "eigrp_topo": {"exit-af-topology": "x", "redistribute": IGNORE, "variance": IGNORE,
                   "maximum-paths": IGNORE, "no": IGNORE, "distance": IGNORE, "distribute-list": IGNORE,
                   "auto-summary": IGNORE, "summary-metric": IGNORE, "timers": IGNORE, "metric": IGNORE,
                   "offset-list": IGNORE, "default-metric": IGNORE, "traffic-share": IGNORE,
                   "snmp": IGNORE, "default-information": IGNORE, "fast-reroute": IGNORE},
    "ospf": {"network": MODEL, "passive-interface": MODEL, "no passive-interface": MODEL,
             "router-id": MODEL, "log-adjacency-changes": IGNORE, "redistribute": IGNORE,
             "default-information": IGNORE, "area": IGNORE, "auto-cost": IGNORE, "distance": IGNORE,
             "timers": IGNORE, "max-metric": IGNORE, "summary-address": IGNORE, "no": IGNORE,
             "distribute-list": IGNORE, "maximum-paths": IGNORE, "bfd": IGNORE, "ispf": IGNORE,
             "capability": IGNORE, "compatible": IGNORE, "nsf": IGNORE, "prefix-suppression": IGNORE,
             "default-metric": IGNORE},
    "ospf6": {"passive-interface": MODEL, "no passive-interface": MODEL, "router-id": MODEL,
              "address-family": "S:", "exit-address-family": "x", "log-adjacency-changes": IGNORE,
              "redistribute": IGNORE, "area": IGNORE, "default-information": IGNORE, "no": IGNORE,
              "auto-cost": IGNORE, "distance": IGNORE, "timers": IGNORE, "maximum-paths": IGNORE},
    "bgp": {"exit-address-family": IGNORE, "bgp listen range": MODEL, "bgp listen limit": MODEL, "bgp router-id": MODEL,
            "neighbor": MODEL, "no neighbor": MODEL, "address-family": "s:bgp_af", "network": MODEL,
            "redistribute": MODEL, "aggregate-address": MODEL, "bgp": IGNORE, "no bgp": IGNORE,
            "timers": IGNORE, "no": IGNORE, "distance": IGNORE, "maximum-paths": IGNORE,
            "synchronization": IGNORE, "auto-summary": IGNORE, "template": IGNORE,
            "default-information": IGNORE, "table-map": IGNORE, "distribute-list": IGNORE},
    "bgp_af": {"neighbor": MODEL, "no neighbor": MODEL, "network": MODEL, "redistribute": MODEL,
               "aggregate-address": MODEL, "exit-address-family": "x", "bgp": IGNORE, "no": IGNORE,
               "maximum-paths": IGNORE, "distance": IGNORE, "synchronization": IGNORE,
               "auto-summary": IGNORE, "default-information": IGNORE, "table-map": IGNORE,
               "exit": "x"},
    "rip": {"network": MODEL, "version": MODEL, "no auto-summary": IGNORE, "auto-summary": IGNORE,
            "passive-interface": IGNORE, "redistribute": IGNORE, "default-information": IGNORE,
            "no": IGNORE, "timers": IGNORE, "distribute-list": IGNORE, "offset-list": IGNORE,
            "distance": IGNORE, "neighbor": IGNORE, "default-metric": IGNORE, "maximum-paths": IGNORE,
            "address-family": IGNORE, "exit-address-family": IGNORE},
}
# IOS keyword abbreviations typed by hand that are not unique prefixes in our vocabulary
# (IOS resolves them against its full command set, which we do not carry).
_ALIASES = {"int": "interface", "net": "network", "encr": "encryption", "auth": "authentication",
            "hostn": "hostname", "ro": "router", "add": "address", "no": "no"}

# DMVPN-looking lines: an unrecognized one of these is worth a diagnostic.
DMVPN_WORDS = frozenset({"nhrp", "tunnel", "crypto", "isakmp", "ikev2", "ipsec", "transform-set"})


class _Trie:
    """Keyword paths of one stanza kind, with IOS-style unique-prefix abbreviation."""

    __slots__ = ("children", "tag")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.tag: str | None = None

    @classmethod
    def build(cls, vocabulary: dict[str, str]) -> _Trie:
        root = cls()
        for path, tag in vocabulary.items():
            node = root
            for word in path.split():
                node = node.children.setdefault(word, cls())
            node.tag = tag
        return root

    def match(self, words: list[str]) -> tuple[str | None, list[str]]:
        """Longest vocabulary path at the start of ``words``: (tag, spelt-out keywords)."""
        node = self
        spelt: list[str] = []
        best: tuple[str | None, list[str]] = (None, [])
        for word in words:
            low = word.lower()
            nxt = node.children.get(low)
            if nxt is None:
                alias = _ALIASES.get(low)
                if alias is not None and alias in node.children:
                    low, nxt = alias, node.children[alias]
                elif len(low) >= 3:
                    hits = [k for k in node.children if k.startswith(low)]
                    if len(hits) == 1:
                        low, nxt = hits[0], node.children[hits[0]]
            if nxt is None:
                break
            node = nxt
            spelt.append(low)
            if node.tag is not None:
                best = (node.tag, list(spelt))
        return best


# "exit" leaves any sub-mode (scripts written for the CLI end every block with it).
_TRIES: dict[str, _Trie] = {"g": _Trie.build(_GLOBAL), "if": _Trie.build({"exit": "x", **_INTERFACE})}
_TRIES.update({kind: _Trie.build({"exit": "x", **vocab}) for kind, vocab in _SUBMODES.items()})
_IGNORED_FIRST_WORDS: dict[str, frozenset[str]] = {
    "g": frozenset(_GLOBAL_IGNORED_WORDS),
    "if": frozenset(_INTERFACE_IGNORED_WORDS),
}

# Column 0 starts a new stanza only for these top-level modes; anything else at the
# stanza's own indentation in an unindented file is taken as a child.
_PREAMBLE = re.compile(
    r"^(Building configuration|Current configuration|Last configuration change|NVRAM config last|"
    r"! Last configuration|! NVRAM|Configuration last)",
)
_TEMPLATE = re.compile(r"\{\{|\{%|\$\{|<%=|\{#")
_PROMPT = re.compile(r"^[A-Za-z0-9_.-]+(\([a-z0-9-]+\))?#\s*")


@dataclass
class Line:
    """One command line: its words with their original 1-based columns."""

    number: int
    indent: int
    words: list[str]
    columns: list[int]
    end_column: int
    keywords: int = 0  # how many leading words are spelt-out keywords
    tag: str | None = None
    result: object = None

    def text(self) -> str:
        """The command as a normalised single-spaced string."""
        return " ".join(self.words)


@dataclass
class Stanza:
    """A mode block: its header line and the lines and sub-stanzas under it."""

    kind: str  # "g", "if", "eigrp", ... or "" for ignored stanzas
    header: Line | None
    indent: int
    lines: list[Line] = field(default_factory=list)
    children: list[Stanza] = field(default_factory=list)
    parent: Stanza | None = None


@dataclass
class Structure:
    """What the structural pass found in one file."""

    root: Stanza
    modelled: list[tuple[str, Line]] = field(default_factory=list)
    ignored: int = 0
    unrecognized: list[tuple[Line, str]] = field(default_factory=list)  # (line, stanza kind)
    template_lines: list[Line] = field(default_factory=list)
    unterminated: list[tuple[Line, str]] = field(default_factory=list)  # (opening line, what)


_WORDS = re.compile(r"\S+")


def _split(number: int, raw: str) -> Line | None:
    stripped = raw.lstrip(" \t")
    indent = len(raw) - len(stripped)
    # A trailing comment: "!" after white space (hand-written configs); "!" inside a
    # word (a key such as "Cisco!23") is data.
    cut = re.search(r"[ \t]!", raw)
    body = raw[: cut.start()] if cut and cut.start() >= indent else raw
    words: list[str] = []
    columns: list[int] = []
    end = 1
    for m in _WORDS.finditer(body):
        words.append(m.group())
        columns.append(m.start() + 1)
        end = m.end() + 1
    if not words:
        return None
    return Line(number=number, indent=indent, words=words, columns=columns, end_column=end)


def _banner_delimiter(line: Line) -> tuple[str, bool] | None:
    """For ``banner <kind> <delim>...``: the delimiter and whether the banner ends on this line."""
    if len(line.words) < 2:
        return None
    rest_words = line.words[2:] if len(line.words) > 2 else []
    if not rest_words:
        # "banner motd" alone: IOS asks interactively; a second word may itself be the delimiter.
        first = line.words[1]
        if first.lower() in ("motd", "login", "exec", "incoming", "slip-ppp", "prompt-timeout", "config-save"):
            return None
        delim = "^C" if first.startswith("^C") else first[0]
        return delim, first.count(delim) >= 2 if len(first) > len(delim) else False
    text = " ".join(rest_words)
    delim = "^C" if text.startswith("^C") else text[0]
    return delim, text[len(delim):].find(delim) >= 0


def split_structure(text: str) -> Structure:
    """Split a configuration into stanzas and classify every line."""
    root = Stanza(kind="g", header=None, indent=-1)
    result = Structure(root=root)
    stack: list[Stanza] = [root]
    raw_lines = text.splitlines()
    # Files with no indented command at all are "flat": children follow their header at
    # column 0 and the mode keywords alone decide where a stanza ends.
    flat = not any(r[:1] in (" ", "\t") and r.strip() and not r.lstrip().startswith("!") for r in raw_lines)
    banner: tuple[str, Line] | None = None
    cert_chain: Line | None = None

    for number, raw in enumerate(raw_lines, start=1):
        raw = raw.replace("\x03", "^C") if "\x03" in raw else raw
        if banner is not None:
            result.ignored += 1
            if banner[0] in raw:
                banner = None
            continue
        line = _split(number, raw)
        if line is None:
            continue
        first = line.words[0]
        if cert_chain is not None:
            result.ignored += 1
            if first.lower() == "quit":
                cert_chain = None
            continue
        if first.startswith("!"):
            result.ignored += 1
            if line.indent == 0 and not flat:
                del stack[1:]
            elif line.indent == 0 and first == "!" and len(stack) > 1 and stack[-1].kind == "":
                del stack[1:]
            continue
        if _TEMPLATE.search(raw):
            result.template_lines.append(line)
        if line.indent == 0 and _PREAMBLE.match(raw):
            result.ignored += 1
            continue
        prompt = _PROMPT.match(raw.lstrip()) if "#" in first else None
        if prompt and len(line.words) > 1 and prompt.end() <= len(raw.lstrip()):
            # "R1(config-if)#ip nhrp redirect" in a study guide: keep the command.
            offset = len(line.words[0]) if first.endswith("#") else 0
            if offset:
                line.words, line.columns = line.words[1:], line.columns[1:]
            else:
                cut = first.index("#") + 1
                line.words[0] = first[cut:]
                line.columns[0] += cut
        low = line.words[0].lower()
        if low == "banner":
            found = _banner_delimiter(line)
            result.ignored += 1
            if found and not found[1]:
                banner = (found[0], line)
            continue
        if low == "crypto" and [w.lower() for w in line.words[1:4]] == ["pki", "certificate", "chain"]:
            result.ignored += 1
            cert_chain = line
            continue
        if low in ("end", "exit") and len(line.words) == 1 and len(stack) == 1:
            result.ignored += 1
            continue
        _place(line, stack, result, flat)

    if banner is not None:
        result.unterminated.append((banner[1], f"banner never closed by its delimiter {banner[0]!r}"))
    if cert_chain is not None:
        result.unterminated.append((cert_chain, "certificate chain never closed by 'quit'"))
    return result


def _peek(kind: str, line: Line) -> tuple[str | None, int]:
    """Tag of ``line`` in stanza kind ``kind`` without changing it, and how sure we are.

    Strength 2: a vocabulary path matched; 1: only the first word is known IOS; 0: unknown.
    """
    trie = _TRIES.get(kind)
    if trie is None:
        return None, 0
    tag, _ = trie.match(line.words)
    if tag is not None:
        return tag, 2
    if line.words[0].lower() in _IGNORED_FIRST_WORDS.get(kind, ()):
        return IGNORE, 1
    return None, 0


def _classify(kind: str, line: Line) -> str | None:
    """Tag a line for stanza kind ``kind``, spelling out its keywords; None if unknown."""
    trie = _TRIES.get(kind)
    if trie is None:
        return None
    tag, spelt = trie.match(line.words)
    if tag is None:
        return IGNORE if line.words[0].lower() in _IGNORED_FIRST_WORDS.get(kind, ()) else None
    line.words[: len(spelt)] = spelt
    line.keywords = len(spelt)
    return tag


def _open(line: Line, tag: str, parent: Stanza, result: Structure) -> Stanza:
    kind = tag[2:]
    stanza = Stanza(kind=kind if tag.startswith("s:") else "", header=line, indent=line.indent,
                    parent=parent)
    parent.children.append(stanza)
    if tag.startswith("s:"):
        result.modelled.append((parent.kind, line))
        line.tag = tag
    else:
        result.ignored += 1
    return stanza


def _belongs_to_top(line: Line, top: Stanza, global_strength: int, flat: bool, depth: int) -> bool:
    """Whether ``line`` is a command of the innermost open stanza ``top``."""
    if not flat and line.indent > top.indent:
        return True
    if top.kind == "":
        return flat and global_strength == 0
    _, strength = _peek(top.kind, line)
    if strength == 2:
        # Oddly indented or flat text: a command of this mode stays here unless IOS also
        # knows it globally and the layout says global.
        return global_strength < 2 or flat
    if strength == 1:
        return flat and global_strength < 2
    # Unknown everywhere: in a flat file it most likely belongs to the open stanza.
    return flat and global_strength == 0 and depth == 2


def _place(line: Line, stack: list[Stanza], result: Structure, flat: bool) -> None:
    """Put one command line into the stanza tree."""
    global_tag, global_strength = _peek("g", line)
    # A top-level mode command always starts a new top-level stanza, whatever its
    # indentation (hand-written files indent "crypto isakmp policy" under nothing).
    top_knows = len(stack) > 1 and bool(stack[-1].kind) and _peek(stack[-1].kind, line)[1] == 2
    if global_tag is not None and global_tag[0] in "sS" and global_strength == 2 and not top_knows:
        del stack[1:]
        _classify("g", line)
        stack.append(_open(line, global_tag, stack[0], result))
        return
    while len(stack) > 1 and not _belongs_to_top(line, stack[-1], global_strength, flat, len(stack)):
        stack.pop()
    top = stack[-1]
    if top.kind == "":
        result.ignored += 1
        return
    tag = _classify(top.kind, line)
    if tag is None:
        top.lines.append(line)
        result.unrecognized.append((line, top.kind))
    elif tag == "x":
        result.ignored += 1
        if len(stack) > 1:
            stack.pop()
    elif tag[0] in "sS":
        stack.append(_open(line, tag, top, result))
    else:
        line.tag = tag
        top.lines.append(line)
        if tag == MODEL:
            result.modelled.append((top.kind, line))
        else:
            result.ignored += 1
