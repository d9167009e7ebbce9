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
from itertools import islice

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
    # "crypto key generate rsa ...": without it, "key" would abbreviate "keyring".
    "crypto key": IGNORE,
    "no crypto isakmp default policy": MODEL, "crypto ikev2 dpd": MODEL,
    "crypto engine compliance shield disable": MODEL,
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
_GLOBAL_IGNORED_WORDS = (  # noqa: SIM905 - a word list reads best as text
    "service no enable username aaa boot logging clock ip ipv6 ntp spanning-tree vtp errdisable "
    "memory-size cdp lldp login alias access-list mac diagnostic subscriber file scheduler crypto "
    "configure write do hw-module power transceiver process-max-time security wsma inventory "
    "tftp-server ftp-server vlan secure card controller mode virtual-service banner privilege "
    "exception default port-channel device-tracking table-map qos mls udld vstack stackwise "
    "authentication dot1x switch ptp srr-queue identity rmon dialer-list dialer chat-script "
    "memory cts sampler vxlan nat64 avc performance-monitor wlan ap power-supply console "
    "resource-policy warm-reboot bfd-template bfd key password xconnect pseudowire-class epm "
    "fhrp vrrp route-tag call dns show copy reload interface router "
    # Exec commands that study guides and lab scripts mix in.
    "clear debug undebug ping traceroute terminal"
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
    "tunnel mpls": IGNORE, "tunnel udlr": IGNORE, "tunnel rbscp": IGNORE, "tunnel checksum": IGNORE,
    "tunnel sequence-datagrams": IGNORE, "tunnel vxlan": IGNORE, "tunnel 6rd": IGNORE,
    "tunnel dst-port": IGNORE, "tunnel src-port": IGNORE, "tunnel endpoint": IGNORE,
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
_INTERFACE_IGNORED_WORDS = (  # noqa: SIM905
    "switchport speed duplex negotiation media-type cdp spanning-tree load-interval service-policy "
    "zone-member encapsulation pppoe pppoe-client dialer ppp mtu standby vrrp glbp channel-group "
    "storm-control power mls no mac hold-queue carrier-delay lldp logging snmp arp priority-queue "
    "srr-queue macro authentication dot1x mab udld macsec lacp bfd clock qos auto trust "
    "device-tracking access-session nameif security-level platform vlan-range isis mpls cts "
    "flow source destination ip ipv6 peer shape fair-queue traffic-shape frame-relay "
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
    "ikev2_peer": {"exit-peer": "x", "address": MODEL, "hostname": MODEL, "identity": MODEL,
                   "pre-shared-key": MODEL,
                   "description": IGNORE},
    "ikev2_profile": {"match": MODEL, "identity local": MODEL, "authentication": MODEL, "keyring": MODEL,
                      "pki trustpoint": MODEL, "dpd": MODEL, "lifetime": MODEL, "ivrf": MODEL,
                      "virtual-template": MODEL, "description": IGNORE, "nat": IGNORE,
                      "aaa": IGNORE, "config-exchange": IGNORE, "redirect": IGNORE, "shutdown": IGNORE},
    "trustpoint": {},
    "eigrp": {"exit-address-family": IGNORE, "network": MODEL, "eigrp stub": MODEL,
              "passive-interface": MODEL,
              "no passive-interface": MODEL, "address-family": "s:eigrp_af", "eigrp router-id": MODEL,
              "router-id": MODEL, "no auto-summary": IGNORE, "auto-summary": IGNORE,
              "redistribute": MODEL, "distribute-list": IGNORE, "metric": IGNORE, "variance": IGNORE,
              "maximum-paths": IGNORE, "eigrp log-neighbor-changes": IGNORE, "default-metric": IGNORE,
              "distance": IGNORE, "offset-list": IGNORE, "timers": IGNORE, "no eigrp": IGNORE,
              "eigrp": IGNORE, "neighbor": IGNORE, "traffic-share": IGNORE, "shutdown": IGNORE,
              "default-information": IGNORE, "summary-metric": IGNORE, "no": IGNORE},
    "eigrp_af": {"exit-af-interface": IGNORE, "exit-af-topology": IGNORE, "network": MODEL,
                 "eigrp stub": MODEL, "af-interface": "s:eigrp_afif",
                 "topology": "s:eigrp_topo", "eigrp router-id": MODEL, "exit-address-family": "x",
                 "eigrp": IGNORE, "neighbor": IGNORE, "metric": IGNORE, "shutdown": IGNORE,
                 "no": IGNORE, "maximum-prefix": IGNORE, "timers": IGNORE, "redistribute": MODEL},
    "eigrp_afif": {"split-horizon": MODEL, "no split-horizon": MODEL, "next-hop-self": MODEL,
                   "no next-hop-self": MODEL, "passive-interface": MODEL, "no passive-interface": MODEL,
                   "summary-address": MODEL, "hello-interval": MODEL, "hold-time": MODEL,
                   "bandwidth-percent": MODEL, "exit-af-interface": "x", "authentication": IGNORE,
                   "bfd": IGNORE, "dampening-change": IGNORE, "dampening-interval": IGNORE,
                   "shutdown": IGNORE, "stub-site": IGNORE, "no": IGNORE},
    "eigrp_topo": {"exit-af-topology": "x", "redistribute": MODEL, "variance": IGNORE,
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
    "bgp": {"exit-address-family": IGNORE, "bgp listen range": MODEL, "bgp listen limit": MODEL,
            "bgp router-id": MODEL,
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


# A trie node's memo of raw words already resolved (exact, alias or abbreviation) is
# capped: value words (addresses, names) reach the few nodes that have children too.
_MEMO_CAP = 4096
_MISS = object()


class _Trie:
    """Keyword paths of one stanza kind, with IOS-style unique-prefix abbreviation."""

    __slots__ = ("children", "initials", "memo", "tag")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.tag: str | None = None
        # raw word -> (child, spelt-out keyword) or None; saves the lower() and the
        # prefix scan on the next identical word.
        self.memo: dict[str, tuple[_Trie, str] | None] = {}
        self.initials: frozenset[str] = frozenset()

    @classmethod
    def build(cls, vocabulary: dict[str, str]) -> _Trie:
        root = cls()
        for path, tag in vocabulary.items():
            node = root
            for word in path.split():
                node = node.children.setdefault(word, cls())
            node.tag = tag
        root.index()
        return root

    def index(self) -> None:
        """Record the first letters of the keywords and aliases that can follow each node."""
        self.initials = frozenset(k[:1] for k in self.children) | frozenset(
            a[:1] for a, full in _ALIASES.items() if full in self.children)
        for child in self.children.values():
            child.index()

    def step(self, word: str) -> tuple[_Trie, str] | None:
        """The child for ``word`` (exact, alias, or unique prefix of 3+ letters)."""
        hit = self.memo.get(word, _MISS)
        if hit is not _MISS:
            return hit  # type: ignore[return-value]
        low = word.lower()
        if low[:1] not in self.initials:
            return None  # no keyword here starts like this (addresses, numbers, names)
        nxt = self.children.get(low)
        if nxt is None:
            alias = _ALIASES.get(low)
            if alias is not None and alias in self.children:
                low, nxt = alias, self.children[alias]
            elif len(low) >= 3:
                hits = [k for k in self.children if k.startswith(low)]
                if len(hits) == 1:
                    low, nxt = hits[0], self.children[hits[0]]
        found = (nxt, low) if nxt is not None else None
        if len(self.memo) < _MEMO_CAP:
            self.memo[word] = found
        return found

    def match(self, words: list[str]) -> tuple[str | None, list[str]]:
        """Longest vocabulary path at the start of ``words``: (tag, spelt-out keywords)."""
        node = self
        spelt: list[str] = []
        tag: str | None = None
        n = 0
        for word in words:
            if not node.children:
                break
            found = node.step(word)
            if found is None:
                break
            node = found[0]
            spelt.append(found[1])
            if node.tag is not None:
                tag, n = node.tag, len(spelt)
        return tag, spelt[:n]


# "exit" leaves any sub-mode (scripts written for the CLI end every block with it).
_TRIES: dict[str, _Trie] = {"g": _Trie.build(_GLOBAL), "if": _Trie.build({"exit": "x", **_INTERFACE})}
_TRIES.update({kind: _Trie.build({"exit": "x", **vocab}) for kind, vocab in _SUBMODES.items()})
_IGNORED_FIRST_WORDS: dict[str, frozenset[str]] = {
    "g": frozenset(_GLOBAL_IGNORED_WORDS),
    "if": frozenset(_INTERFACE_IGNORED_WORDS),
}
_NO_WORDS: frozenset[str] = frozenset()

_PREAMBLE = re.compile(
    r"^(Building configuration|Current configuration|Last configuration change|NVRAM config last|"
    r"! Last configuration|! NVRAM|Configuration last)",
)
_TEMPLATE = re.compile(r"\{\{|\{%|\$\{|<%=|\{#")
_PROMPT = re.compile(r"^[A-Za-z0-9_.-]+(\([a-z0-9-]+\))?#\s*")
# A trailing comment: "!" after white space (hand-written configs); "!" inside a word (a
# key such as "Cisco!23") is data.
_COMMENT = re.compile(r"[ \t]!")
_BANNER_KINDS = frozenset({"motd", "login", "exec", "incoming", "slip-ppp", "prompt-timeout", "config-save"})


class Line:
    """One command line: its words with their original 1-based columns.

    Only lines that matter get a ``Line`` (modelled, unrecognized, stanza headers):
    the many ignored lines of a large file are counted, never materialised.
    """

    __slots__ = ("_columns", "body", "end_column", "indent", "keywords", "number", "result", "tag", "words")

    def __init__(self, number: int, indent: int, words: list[str], body: str,
                 columns: list[int] | None = None, end_column: int | None = None) -> None:
        self.number = number
        self.indent = indent
        self.words = words
        self.body = body  # the raw line without its trailing comment
        self._columns = columns
        self.end_column = end_column if end_column is not None else len(body.rstrip()) + 1
        self.keywords = 0  # how many leading words are spelt-out keywords
        self.tag: str | None = None
        self.result: object = None

    @property
    def columns(self) -> list[int]:
        """The 1-based column of each word in the original line (computed on first use)."""
        if self._columns is None:
            body = self.body
            pos = 0
            cols: list[int] = []
            for w in body.split():
                pos = body.find(w, pos)
                cols.append(pos + 1)
                pos += len(w)
            self._columns = cols
        return self._columns

    @columns.setter
    def columns(self, value: list[int]) -> None:
        self._columns = value

    @property
    def column(self) -> int:
        """Column of the first word."""
        if self._columns is not None:
            return self._columns[0]
        body = self.body
        return len(body) - len(body.lstrip()) + 1

    def text(self) -> str:
        """The command as a normalised single-spaced string."""
        return " ".join(self.words)

    def __repr__(self) -> str:
        return f"Line({self.number}, {self.text()!r})"


@dataclass
class Stanza:
    """A mode block: its header line and the lines and sub-stanzas under it."""

    kind: str  # "g", "if", "eigrp", ... or "" for ignored stanzas
    header: Line | None
    indent: int
    lines: list[Line] = field(default_factory=list)
    children: list[Stanza] = field(default_factory=list)
    parent: Stanza | None = None
    # The last line of the stanza itself (its own commands, ignored ones included, and
    # the headers of its sub-stanzas): where the stanza's span ends.
    last_number: int = 0
    last_body: str = ""

    @property
    def end_column(self) -> int:
        """End column (exclusive) of the stanza's last line."""
        return len(self.last_body.rstrip()) + 1


@dataclass
class Structure:
    """What the structural pass found in one file."""

    root: Stanza
    modelled: list[tuple[str, Line]] = field(default_factory=list)
    ignored: int = 0
    comments: int = 0  # of the ignored lines, "!" comments and the "Building configuration" preamble
    unrecognized: list[tuple[Line, str]] = field(default_factory=list)  # (line, stanza kind)
    template_lines: list[Line] = field(default_factory=list)
    unterminated: list[tuple[Line, str]] = field(default_factory=list)  # (opening line, what)
    text_lines: list[str] = field(default_factory=list)  # text.splitlines(), for code frames later


def _banner_delimiter(words: list[str]) -> tuple[str, bool] | None:
    """For ``banner <kind> <delim>...``: the delimiter and whether the banner ends on this line."""
    if len(words) < 2:
        return None
    rest_words = words[2:] if len(words) > 2 else []
    if not rest_words:
        # "banner motd" alone: IOS asks interactively; a second word may itself be the delimiter.
        first = words[1]
        if first.lower() in _BANNER_KINDS:
            return None
        delim = "^C" if first.startswith("^C") else first[0]
        return delim, first.count(delim) >= 2 if len(first) > len(delim) else False
    text = " ".join(rest_words)
    delim = "^C" if text.startswith("^C") else text[0]
    return delim, text[len(delim):].find(delim) >= 0


def _is_flat(raw_lines: list[str]) -> bool:
    """Files with no indented command at all: children follow their header at column 0 and
    the mode keywords alone decide where a stanza ends."""
    for r in raw_lines:
        if r[:1] in (" ", "\t"):
            s = r.strip()
            if s and not s.startswith("!"):
                return False
    return True


class _Pass:
    """The state of one structural pass (kept in locals of :meth:`run` on the hot path)."""

    def __init__(self, keep_ignored: bool) -> None:
        self.root = Stanza(kind="g", header=None, indent=-1)
        self.result = Structure(root=self.root)
        self.stack: list[Stanza] = [self.root]
        self.keep_ignored = keep_ignored
        self.flat = False

    def place(self, number: int, indent: int, words: list[str], body: str, line: Line | None) -> None:
        """Put one command line into the stanza tree (identical rules for every layout)."""
        stack = self.stack
        flat = self.flat
        g_tag, g_spelt = _TRIES["g"].match(words)
        if g_tag is not None:
            g_strength = 2
        elif words[0].lower() in _IGNORED_FIRST_WORDS["g"]:
            g_tag, g_strength = IGNORE, 1
        else:
            g_strength = 0
        top = stack[-1]
        matches: dict[str, tuple[str | None, list[str]]] = {}
        m: tuple[str | None, list[str]] | None
        # A top-level mode command always starts a new top-level stanza, whatever its
        # indentation (hand-written files indent "crypto isakmp policy" under nothing),
        # unless the open sub-mode has a command of the same name ("crypto map").
        if g_tag is not None and g_strength == 2 and g_tag[0] in "sS":
            top_knows = False
            if len(stack) > 1 and top.kind:
                trie = _TRIES.get(top.kind)
                if trie is not None:
                    m = matches[top.kind] = trie.match(words)
                    # An abbreviation in the open mode ("router" for "router-id") does not
                    # beat a global mode command spelt out in full ("router rip").
                    top_knows = m[0] is not None and (
                        _spelt_out(m[1], words) or not _spelt_out(g_spelt, words))
            if not top_knows:
                del stack[1:]
                if line is None:
                    line = Line(number, indent, words, body)
                line.words[: len(g_spelt)] = g_spelt
                line.keywords = len(g_spelt)
                stack.append(self.open(line, g_tag, stack[0]))
                return
        while len(stack) > 1:
            top = stack[-1]
            if not flat and indent > top.indent:
                break
            if top.kind == "":
                belongs = flat and g_strength == 0
            else:
                m = matches.get(top.kind)
                if m is None:
                    trie = _TRIES.get(top.kind)
                    m = trie.match(words) if trie is not None else (None, [])
                    matches[top.kind] = m
                if m[0] is not None:
                    # Oddly indented or flat text: a command of this mode stays here unless
                    # IOS also knows it globally and the layout says global.
                    belongs = g_strength < 2 or flat
                elif words[0].lower() in _IGNORED_FIRST_WORDS.get(top.kind, _NO_WORDS):
                    belongs = flat and g_strength < 2
                else:
                    # Unknown everywhere: in a flat file it most likely belongs to the open stanza.
                    belongs = flat and g_strength == 0 and len(stack) == 2
            if belongs:
                break
            stack.pop()
        top = stack[-1]
        result = self.result
        if top.kind == "":
            result.ignored += 1
            return
        kind = top.kind
        m = matches.get(kind)
        if m is None:
            if kind == "g":
                m = (g_tag if g_strength == 2 else None, g_spelt)
            else:
                trie = _TRIES.get(kind)
                m = trie.match(words) if trie is not None else (None, [])
        tag, spelt = m
        if tag is None:
            tag = IGNORE if words[0].lower() in _IGNORED_FIRST_WORDS.get(kind, _NO_WORDS) else None
            spelt = []
        if tag is None:
            if line is None:
                line = Line(number, indent, words, body)
            top.lines.append(line)
            top.last_number, top.last_body = number, body
            result.unrecognized.append((line, kind))
        elif tag == "x":
            result.ignored += 1
            if len(stack) > 1:
                stack.pop()
        elif tag[0] in "sS":
            if line is None:
                line = Line(number, indent, words, body)
            line.words[: len(spelt)] = spelt
            line.keywords = len(spelt)
            stack.append(self.open(line, tag, top))
        elif tag == MODEL:
            if line is None:
                line = Line(number, indent, words, body)
            line.words[: len(spelt)] = spelt
            line.keywords = len(spelt)
            line.tag = tag
            top.lines.append(line)
            top.last_number, top.last_body = number, body
            result.modelled.append((kind, line))
        else:
            # Ignored by design: counted, and it still extends the stanza's span.
            if self.keep_ignored:
                if line is None:
                    line = Line(number, indent, words, body)
                line.words[: len(spelt)] = spelt
                line.keywords = len(spelt)
                line.tag = tag
                top.lines.append(line)
            top.last_number, top.last_body = number, body
            result.ignored += 1

    def open(self, line: Line, tag: str, parent: Stanza) -> Stanza:
        kind = tag[2:]
        modelled = tag.startswith("s:")
        # Positional (kind, header, indent, lines, children, parent, last_number, last_body):
        # a large file opens thousands.
        stanza = Stanza(kind if modelled else "", line, line.indent, [], [], parent, line.number, line.body)
        parent.children.append(stanza)
        parent.last_number, parent.last_body = line.number, line.body
        if modelled:
            self.result.modelled.append((parent.kind, line))
            line.tag = tag
        else:
            self.result.ignored += 1
        return stanza


def split_structure(text: str, *, keep_ignored: bool = True) -> Structure:
    """Split a configuration into stanzas and classify every line.

    Args:
        text: The configuration.
        keep_ignored: Also keep the ignored-by-design commands of modelled stanzas in
            ``Stanza.lines`` (as :class:`Line` objects), as callers that walk the lines
            expect. The parser passes False: it needs only ``Stanza.last_number``, and
            most lines of a large file are such commands.
    """
    state = _Pass(keep_ignored)
    result = state.result
    stack = state.stack
    raw_lines = result.text_lines = text.splitlines()
    flat = state.flat = _is_flat(raw_lines)
    # Whole-text checks spare a scan of every line for rare features.
    keep_ignored = state.keep_ignored
    has_etx = "\x03" in text
    has_template = ("{" in text or "<%=" in text) and _TEMPLATE.search(text) is not None
    # The text the runs of bulk lines are skipped in (see _skip_text), or None.
    scan = None if flat or has_etx or has_template else _skip_text(text, raw_lines)
    it = iter(raw_lines)
    at = off = 0  # a line index and the offset in `scan` where that line starts
    banner: tuple[str, Line] | None = None
    cert_chain: Line | None = None
    place = state.place
    g_step = _TRIES["g"].step
    decided = _DECIDED
    decided_2 = _DECIDED_2
    decided_3 = _DECIDED_3
    modelled = result.modelled
    unrecognized = result.unrecognized
    comment = _COMMENT.search
    ignored = comments = 0  # counted locally on the hot path, added to the result at the end

    number = 0
    # Set after a line when a run of bulk lines may start at the next one (scan is not None):
    # the _Run of the open stanza, or _BODY in the body of an ignored stanza.
    pending: _Run | None = None
    for raw in it:
        number += 1
        if pending is not None and scan is not None:
            if at != number - 1:
                off += sum(map(len, raw_lines[at:number - 1])) + number - 1 - at
                at = number - 1
            if pending is _BODY:
                # Up to the next line at column 0, or to a line the loop must see itself.
                stop = _body_stop().search(scan, off - 1)
                end = stop.start() + 1 if stop is not None else len(scan)
                skipped = scan.count("\n", off, end) if end > off else 0
                if skipped:
                    marks = _BLANK_OR_COMMENT.findall(scan, off - 1, end)
                    blank = marks.count("\n")
                    ignored += skipped - blank
                    comments += len(marks) - blank
            else:
                # Ignored commands and modelled ones with a plain head, in any order.
                top = stack[-1]
                kind = top.kind
                ignoring = pending.pattern
                modelling = pending.model
                end = off
                index = number - 1  # the index of the line at `end`
                while True:
                    if ignoring is not None:
                        run_end = ignoring.match(scan, end).end()  # type: ignore[union-attr]  # matches ""
                        if run_end > end:
                            count = scan.count("\n", end, run_end)
                            ignored += count
                            index += count
                            end = run_end
                    model = modelling.match(scan, end) if modelling is not None else None
                    if model is None:
                        break
                    head = model.lastindex or 0
                    keywords = pending.spelt[head]
                    model_raw = raw_lines[index]
                    index += 1
                    model_line = Line(index, model.start(head) - end, model_raw.split(), model_raw)
                    end = model.end()
                    model_line.words[: len(keywords)] = keywords
                    model_line.keywords = len(keywords)
                    model_line.tag = MODEL
                    top.lines.append(model_line)
                    modelled.append((kind, model_line))
                skipped = index - (number - 1)
                if skipped:
                    top.last_number, top.last_body = index, _body(raw_lines[index - 1])
            pending = None
            if skipped:
                number += skipped - 1
                if skipped > 1:
                    next(islice(it, skipped - 1, skipped - 1), None)
                at, off = number, end
                continue
        if has_etx and "\x03" in raw:
            raw = raw.replace("\x03", "^C")
        if banner is not None:
            ignored += 1
            if banner[0] in raw:
                banner = None
            continue
        if raw[:1] == "!" and not flat and cert_chain is None:
            # A "!" line at column 0 (a separator, mostly), as the comment case below takes it.
            ignored += 1
            comments += 1
            del stack[1:]
            continue
        indent = len(raw) - len(raw.lstrip(" \t"))
        body = raw
        if "!" in raw:
            cut = comment(raw)
            if cut is not None and cut.start() >= indent:
                body = raw[: cut.start()]
        words = body.split()
        if not words:
            continue
        first = words[0]
        if cert_chain is not None:
            ignored += 1
            if first.lower() == "quit":
                cert_chain = None
            continue
        if first[0] == "!":
            ignored += 1
            comments += 1
            if indent == 0 and (not flat or (first == "!" and len(stack) > 1 and stack[-1].kind == "")):
                del stack[1:]
            continue
        line: Line | None = None
        if has_template and _TEMPLATE.search(raw):
            line = Line(number, indent, words, body)
            result.template_lines.append(line)
        if indent == 0 and first[0] in "BCLN" and _PREAMBLE.match(raw):  # "!" lines are done above
            ignored += 1
            comments += 1
            continue
        if "#" in first:
            stripped = raw.lstrip()
            prompt = _PROMPT.match(stripped)
            if prompt and len(words) > 1 and prompt.end() <= len(stripped):
                # "R1(config-if)#ip nhrp redirect" in a study guide: keep the command.
                if line is None:
                    line = Line(number, indent, words, body)
                if first.endswith("#"):
                    line.words, line.columns = words[1:], line.columns[1:]
                else:
                    cut_at = first.index("#") + 1
                    columns = line.columns
                    words[0] = first[cut_at:]
                    columns[0] += cut_at
                words = line.words
                first = words[0]
        if first[0] in "bBcCeE":  # only banner, crypto, end and exit need a closer look
            low = first.lower()
            if low == "banner":
                found = _banner_delimiter(words)
                ignored += 1
                if found and not found[1]:
                    banner = (found[0], line or Line(number, indent, words, body))
                continue
            if low == "crypto" and len(words) > 3 and words[1].lower() == "pki" \
                    and words[2].lower() == "certificate" and words[3].lower() == "chain":
                ignored += 1
                cert_chain = line or Line(number, indent, words, body)
                continue
            if len(words) == 1 and len(stack) == 1 and low in ("end", "exit"):
                ignored += 1
                continue
        top = stack[-1]
        if not flat and indent > top.indent and line is None:
            kind = top.kind
            if kind == "":
                # The body of an ignored stanza (ACLs, route-maps, ...): ignored unless the
                # line opens a new top-level mode, which only a global-trie path can do.
                found_g = g_step(first)
                if found_g is None or not _can_open(found_g[0]):
                    ignored += 1
                    if scan is not None and top.indent == 0:
                        pending = _BODY
                    continue
            else:
                # A sub-command of a modelled stanza that its first word or two alone
                # classify (switchport, storm-control, description, ip address, ...).
                by_first = decided.get(kind)
                if by_first is None:
                    by_first = decided[kind] = {}
                fast = by_first.get(first)
                if fast is None:
                    fast = by_first[first] = _decide(kind, words[:1])
                    _learn_run(kind, fast, words[:1])
                if fast is _DEEPER and len(words) > 1:
                    key2 = (kind, first, words[1])
                    fast = decided_2.get(key2)
                    if fast is None:
                        fast = _decide(kind, words[:2])
                        if len(decided_2) < _MEMO_CAP * 4:
                            decided_2[key2] = fast
                            _learn_run(kind, fast, words[:2])
                    if fast is _DEEPER and len(words) > 2:
                        key3 = (kind, first, words[1], words[2])
                        fast = decided_3.get(key3)
                        if fast is None:
                            fast = _decide(kind, words[:3])
                            if len(decided_3) < _MEMO_CAP * 4:
                                decided_3[key3] = fast
                                _learn_run(kind, fast, words[:3])
                if fast.__class__ is tuple:
                    tag, spelt = fast
                    if tag == IGNORE:
                        if not keep_ignored:
                            ignored += 1
                            top.last_number, top.last_body = number, body
                            # The ignored commands that follow may be a run: in a stanza at
                            # column 0, or at the top level (the root's indent is -1).
                            if scan is not None and top.indent <= 0:
                                pending = _pending_run(kind, number)
                            continue
                    else:
                        line = Line(number, indent, words, body)
                        top.lines.append(line)
                        top.last_number, top.last_body = number, body
                        if tag == MODEL:
                            words[: len(spelt)] = spelt
                            line.keywords = len(spelt)
                            line.tag = MODEL
                            modelled.append((kind, line))
                            # An interface's description, say, and then its ignored commands;
                            # at the top level, "ip route" after "ip route".
                            if scan is not None and top.indent <= 0 and not keep_ignored:
                                pending = _pending_run(kind, number)
                        else:
                            unrecognized.append((line, kind))
                        continue
                elif fast.__class__ is _Open:
                    # What _Pass.place does with a top-level mode command when only the
                    # top level is open (kind "g" is the root's).
                    line = Line(number, indent, words, body)
                    spelt = fast.spelt
                    words[: len(spelt)] = spelt
                    line.keywords = len(spelt)
                    stack.append(state.open(line, fast.tag, top))
                    if scan is not None and indent == 0:
                        if fast.tag[0] == "S":
                            pending = _BODY  # an ACL, a route-map, ...: its body
                        elif not keep_ignored:
                            pending = _pending_run(fast.tag[2:], number, False)  # an interface, ...
                    continue
        place(number, indent, words, body, line)

    result.ignored += ignored
    result.comments += comments
    if banner is not None:
        result.unterminated.append((banner[1], f"banner never closed by its delimiter {banner[0]!r}"))
    if cert_chain is not None:
        result.unterminated.append((cert_chain, "certificate chain never closed by 'quit'"))
    return result


def _spelt_out(spelt: list[str], words: list[str]) -> bool:
    """Whether the matched keywords were typed in full (no abbreviation or alias)."""
    return all(k == w.lower() for k, w in zip(spelt, words, strict=False))


def _opens(node: _Trie) -> bool:
    return bool(node.tag and node.tag[0] in "sS") or any(_opens(c) for c in node.children.values())


_OPENERS: dict[int, bool] = {}


def _can_open(node: _Trie) -> bool:
    """Whether any path through ``node`` opens a stanza (memoised per node)."""
    key = id(node)
    hit = _OPENERS.get(key)
    if hit is None:
        hit = _OPENERS[key] = _opens(node)
    return hit


# (kind, first word[, second word[, third word]]) -> how a line starting so, indented under a stanza
# of that kind, is classified whatever follows: (tag, spelt-out keywords) with tag
# IGNORE, MODEL or "" (unrecognized); _DEEPER when more words are needed; _SLOW when
# only the full rules of _Pass.place can tell (a mode command, an exit, a global opener);
# _Open when the line opens a stanza (only at the top level, kind "g").
_DEEPER = object()
_SLOW = object()


class _Open:
    """A top-level line that opens a stanza, as :meth:`_Pass.place` opens it."""

    __slots__ = ("spelt", "tag")

    def __init__(self, tag: str, spelt: list[str]) -> None:
        self.tag = tag
        self.spelt = spelt

_DECIDED: dict[str, dict[str, object]] = {}  # kind -> first word -> outcome
_DECIDED_2: dict[tuple[str, str, str], object] = {}  # (kind, first word, second word) -> outcome
_DECIDED_3: dict[tuple[str, str, str, str], object] = {}  # (kind, first three words) -> outcome


def _walk(trie: _Trie, words: list[str]) -> tuple[str | None, list[str], bool]:
    """(deepest tag on the path of ``words``, its spelt keywords, whether more words could change it)."""
    node = trie
    tag: str | None = None
    spelt: list[str] = []
    path: list[str] = []
    for word in words:
        if not node.children:
            return tag, spelt, False
        found = node.step(word)
        if found is None:
            return tag, spelt, False
        node = found[0]
        path.append(found[1])
        if node.tag is not None:
            tag, spelt = node.tag, list(path)
    return tag, spelt, bool(node.children)


def _decide(kind: str, words: list[str]) -> object:
    """See :data:`_DECIDED`: the same outcome as :meth:`_Pass.place` for an indented sub-command."""
    trie = _TRIES.get(kind)
    if trie is None:
        return _SLOW
    g_tag, _, g_more = _walk(_TRIES["g"], words)
    k_tag, k_spelt, k_more = _walk(trie, words)
    if g_more or k_more:
        return _DEEPER
    if g_tag is not None and g_tag[0] in "sS":
        # At the top level (kind "g": nothing else is open) such a line opens its stanza.
        return _Open(g_tag, k_spelt) if kind == "g" else _SLOW
    if k_tag is None:
        return (IGNORE, ()) if words[0].lower() in _IGNORED_FIRST_WORDS.get(kind, _NO_WORDS) else ("", ())
    if k_tag in (IGNORE, MODEL):
        return k_tag, tuple(k_spelt)
    return _SLOW


# ------------------------------------------------------------ runs of bulk lines, in C
#
# Most lines of a large file are the bodies of ignored stanzas (ACLs, route-maps,
# object-groups) and the ignored commands of interfaces (switchport, storm-control, ...).
# The loop of split_structure decides each of them from its first word or two; on a large
# file, ``re`` steps over a whole run of them at once, with the same outcome. A pattern
# only ever matches lines whose outcome is certain: anything else (a word that could open
# a mode, a CLI prompt, a banner, a character outside printable ASCII next to the first
# word, ...) ends the run, and the loop takes that line as usual. The skipped lines are
# only counted; the last one of an interface run also ends the stanza's span, as in the
# loop. The line numbers stay exact because ``_skip_text`` is only used when its lines are
# exactly those of ``str.splitlines``.

# Below this many lines the patterns (compiled on first use) are not worth it.
_SKIP_MIN_LINES = 2000


def _skip_text(text: str, raw_lines: list[str]) -> str | None:
    """``text`` with "\\n" line ends and a final "\\n", when its lines are ``raw_lines``; else None.

    ``str.splitlines`` also breaks at "\\r", "\\v", "\\f", "\\x1c"-"\\x1e", "\\x85", U+2028 and
    U+2029: a text with any of them (a CRLF pair aside) has more lines than "\\n"s.
    """
    if len(raw_lines) < _SKIP_MIN_LINES:
        return None
    scan = text.replace("\r\n", "\n") if "\r" in text else text
    if not scan.endswith("\n"):
        scan += "\n"
    return scan if scan.count("\n") == len(raw_lines) else None


# In the body of an ignored stanza (from the "\n" before a line): a blank line ("\n") or a
# "!" comment ("!").
_BLANK_OR_COMMENT = re.compile(r"\n[ \t]*+(?=([!\n]))")
_STOP: re.Pattern[str] | None = None


def _body_stop() -> re.Pattern[str]:
    """Where the run of lines of an ignored stanza's body ends (the "\\n" before the line).

    At a line that starts at column 0, or whose first word the loop must look at: one that
    may open a mode (a superset: any word that starts like a global keyword that can, as
    an abbreviation has three letters at least, or an alias of one), ``banner``, ``crypto``,
    a CLI prompt (``#``), or a first word touching a character outside printable ASCII
    (``str.split`` also splits at Unicode spaces, and ``str.lower`` is not ASCII-only).
    """
    global _STOP
    if _STOP is None:
        root = _TRIES["g"]
        starts = {"ban", "cry"}
        starts.update(key[:3] for key, child in root.children.items() if _can_open(child))
        starts.update(alias for alias, full in _ALIASES.items()
                      if full in root.children and _can_open(root.children[full]))
        # The last alternative: the first word holds a "#" or a character outside printable
        # ASCII, or such a character ends it (instead of a space, a tab or the line end).
        _STOP = re.compile(r"\n(?:(?=[^ \t\n])|[ \t]++(?:(?:" + "|".join(sorted(map(re.escape, starts)))
                           + r")|[\x21\x22\x24-\x7e]*+[^\x21\x22\x24-\x7e \t\n]))", re.IGNORECASE | re.ASCII)
    return _STOP


def _body(raw: str) -> str:
    """The line without its trailing comment (as the loop of split_structure cuts it)."""
    if "!" in raw:
        cut = _COMMENT.search(raw)
        if cut is not None and cut.start() >= len(raw) - len(raw.lstrip(" \t")):
            return raw[: cut.start()]
    return raw


# A first word, or a second one, that a run may hold: printable ASCII (so that re's
# case-insensitive match is str.lower's), not a comment, not a CLI prompt.
_RUN_WORD = re.compile(r"[\x22-\x7e][\x21-\x7e]*")
_RUN_CAP = 512
_RUN_AGE = 500  # lines between two compiles of a run's pattern, at least
_RUN_MISSES = 16  # and lines of its kind the loop took itself meanwhile
# No pattern for a kind before a run could have started this often: a kind of small stanzas
# (most crypto ones) is not worth the compiles.
_RUN_USES = 256
# First words the loop looks at before their stanza's rules: banners, certificate chains,
# "end" and "exit" at the top level, the "Building configuration..." preamble.
_NOT_IN_RUNS = frozenset({"banner", "crypto", "end", "exit", "building", "current", "last", "nvram",
                          "configuration"})


class _Run:
    """The commands of one stanza kind that a run may hold, learnt from the loop.

    Heads: the first words (``switchport``), or first two or three (``ip arp``, ``ip dhcp
    snooping``), that :func:`_decide` classified whatever follows. A line that starts with
    an IGNORE head (in any case, words apart by spaces or tabs) and then a space, a tab or
    the line end is ignored, as in the loop; :attr:`pattern` steps over a run of them. A
    line that starts so with a MODEL head (``description``, ``ip route``) and holds no "!"
    (so no comment to cut) is modelled, as in the loop; :attr:`model` matches one of them,
    with one group per head: the number of the group that matched indexes :attr:`spelt`.
    """

    __slots__ = ("built", "built_at", "heads", "indent", "misses", "model", "model_heads", "pattern", "spelt",
                 "uses")

    def __init__(self, indent: str) -> None:
        self.indent = indent  # the pattern of a line's indentation
        self.heads: set[tuple[str, ...]] = set()
        self.model_heads: dict[tuple[str, ...], tuple[str, ...]] = {}  # head -> spelt-out keywords
        self.pattern: re.Pattern[str] | None = None
        self.model: re.Pattern[str] | None = None
        self.spelt: list[tuple[str, ...]] = []  # group number of a head in ``model`` -> its keywords
        self.built = (0, 0)  # the numbers of heads when the patterns were compiled
        self.built_at = 0  # and the line number then
        self.uses = 0  # how many times a run could have started (see _pending_run)
        self.misses = 0  # lines of this kind the loop took itself since the last compile

    def learn(self, words: list[str], outcome: tuple[str, tuple[str, ...]]) -> None:
        if len(self.heads) + len(self.model_heads) >= _RUN_CAP:
            return
        first = words[0].lower()
        # The loop looks at these first words before their stanza's rules; "crypto" only
        # for "crypto pki certificate chain".
        if first in _NOT_IN_RUNS and not (first == "crypto" and len(words) > 1 and words[1].lower() != "pki"):
            return
        if all(_RUN_WORD.fullmatch(w) and "#" not in w for w in words):
            head = tuple(w.lower() for w in words)
            if outcome[0] == IGNORE:
                self.heads.add(head)
            elif outcome[0] == MODEL:
                self.model_heads[head] = outcome[1]

    def stale(self, number: int) -> bool:
        """Whether to compile again at line ``number``: new heads have come, and either there
        is no pattern yet, or it is a while since the last compile and lines that a new
        head may cover went the slow way meanwhile (a compile costs about as much as 300
        lines; new heads come with each new kind of line, many at first)."""
        return (len(self.heads), len(self.model_heads)) != self.built and (
            (self.pattern is None and self.model is None)
            or (number - self.built_at >= _RUN_AGE and self.misses >= _RUN_MISSES))

    def compile(self, number: int) -> None:
        ignore_count, model_count = self.built
        self.built = (len(self.heads), len(self.model_heads))
        self.built_at = number
        self.misses = 0
        if len(self.heads) != ignore_count:
            heads = _sequence_pattern(self.heads)
            self.pattern = re.compile(r"(?:" + self.indent + heads + r"(?![^ \t\n])[^\n]*+\n)*+",
                                      re.IGNORECASE | re.ASCII) if heads else None
        if len(self.model_heads) != model_count:
            ordered = sorted(self.model_heads)
            self.spelt = [(), *(self.model_heads[head] for head in ordered)]
            groups = "|".join("(" + r"[ \t]++".join(map(re.escape, head)) + ")" for head in ordered)
            self.model = re.compile(self.indent + "(?:" + groups + r")(?![^ \t\n])[^\n!]*+\n",
                                    re.IGNORECASE | re.ASCII)


def _sequence_pattern(heads: set[tuple[str, ...]]) -> str:
    """A pattern for word sequences, factored by their first word (words apart by blanks)."""
    by_first: dict[str, set[tuple[str, ...]]] = {}
    for head in heads:
        if head:
            by_first.setdefault(head[0], set()).add(head[1:])
    branches = []
    for first, rests in sorted(by_first.items()):
        rest = _sequence_pattern(rests)
        if not rest:
            branches.append(re.escape(first))
        elif () in rests:
            # A shorter head already decides: the longer ones add nothing.
            branches.append(re.escape(first))
        else:
            branches.append(re.escape(first) + r"[ \t]++" + rest)
    if not branches:
        return ""
    return "(?:" + "|".join(branches) + ")"


_RUNS: dict[str, _Run] = {}
_BODY = _Run("")  # not a run of a stanza kind: the body of an ignored stanza (see _body_stop)


def _pending_run(kind: str, number: int, missed: bool = True) -> _Run | None:
    """The run of ``kind`` to try at the line after ``number``, if it has a pattern.

    ``missed``: line ``number`` is a line of ``kind`` the loop took itself (not a header).
    """
    run = _RUNS.get(kind)
    if run is None:
        return None
    run.uses += 1
    run.misses += missed
    if run.uses < _RUN_USES:
        return None
    if (len(run.heads), len(run.model_heads)) != run.built and run.stale(number):
        run.compile(number)
    return run if run.pattern is not None or run.model is not None else None


def _learn_run(kind: str, outcome: object, words: list[str]) -> None:
    """Record a head (first words) that :func:`_decide` classified IGNORE or MODEL whatever follows."""
    if outcome.__class__ is tuple and outcome[0] in (IGNORE, MODEL):
        run = _RUNS.get(kind)
        if run is None:
            # Under a stanza (at column 0) a command is indented; at the top level, any line.
            run = _RUNS[kind] = _Run(r"[ \t]*+" if kind == "g" else r"[ \t]++")
        run.learn(words, outcome)
