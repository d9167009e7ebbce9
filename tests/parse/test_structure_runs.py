"""The runs of bulk lines that ``re`` steps over give exactly the line-by-line result.

On a large file, :func:`split_structure` skips the bodies of ignored stanzas and the
ignored commands of interfaces (and other stanzas) with patterns instead of its loop. These
tests run both ways on the same text (the runs forced on for any size, and off) and compare
everything the pass produces.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parse_helpers import CORPUS, REPO

from iosdmvpn.parse import parse_text
from iosdmvpn.parse import structure as structure_module
from iosdmvpn.parse.structure import Line, Stanza, Structure, split_structure

SOURCES = sorted(CORPUS.glob("*.cfg")) + sorted(REPO.glob("examples/*/*.cfg"))
TEXTS = [p.read_text(encoding="utf-8", errors="replace") for p in SOURCES]


def _line(line: Line | None) -> object:
    if line is None:
        return None
    return (line.number, line.indent, list(line.words), line.body, line.end_column, line.keywords, line.tag,
            line.column)


def _stanza(stanza: Stanza) -> object:
    return (stanza.kind, stanza.indent, _line(stanza.header), [_line(x) for x in stanza.lines],
            stanza.last_number, stanza.last_body, stanza.end_column, [_stanza(c) for c in stanza.children])


def dump(result: Structure) -> object:
    return (_stanza(result.root), [(kind, _line(line)) for kind, line in result.modelled], result.ignored,
            result.comments, [(_line(line), kind) for line, kind in result.unrecognized],
            [_line(line) for line in result.template_lines],
            [(_line(line), what) for line, what in result.unterminated])


def both_ways(text: str, keep_ignored: bool = False) -> tuple[object, object]:
    """(line by line, with runs) for ``text``."""
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(structure_module, "_SKIP_MIN_LINES", 10**9)
        slow = dump(split_structure(text, keep_ignored=keep_ignored))
        mp.setattr(structure_module, "_SKIP_MIN_LINES", 0)
        fast = dump(split_structure(text, keep_ignored=keep_ignored))
    finally:
        mp.undo()
    return slow, fast


def same(text: str) -> None:
    for keep in (False, True):
        slow, fast = both_ways(text, keep)
        assert fast == slow


@pytest.fixture(autouse=True)
def _fresh_runs() -> Iterator[None]:
    # The learnt runs are per process; a test starts from none, so that a run is both
    # learnt and used within it, and leaves the process as it found it.
    # The memos of decisions too: a run learns a word when the loop first decides it. And
    # a run's pattern takes in each new word at once (not only every _RUN_AGE lines), from
    # the first line on.
    with pytest.MonkeyPatch.context() as mp:
        for name in ("_RUNS", "_DECIDED", "_DECIDED_2", "_DECIDED_3"):
            mp.setattr(structure_module, name, {})
        mp.setattr(structure_module, "_RUN_AGE", 0)
        mp.setattr(structure_module, "_RUN_USES", 0)
        mp.setattr(structure_module, "_RUN_MISSES", 0)
        yield


# ------------------------------------------------------------------ examples

ACL = "ip access-list extended BULK\n permit ip any any\n deny   tcp any any eq 23\n remark text\n"
ACCESS_PORT = ("interface GigabitEthernet1/0/{n}\n description port {n}\n switchport access vlan 10\n"
               " switchport mode access\n ip arp inspection limit rate 100\n ip dhcp snooping limit rate 15\n"
               " spanning-tree portfast\n storm-control action trap\n no ip proxy-arp\n")
TUNNEL = ("interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n tunnel source GigabitEthernet0/0\n"
          " ip nhrp network-id 7\n")


def bulk(*middle: str) -> str:
    """Two access ports and an ACL, then ``middle``, then more of the same, then a tunnel."""
    ports = "".join(ACCESS_PORT.format(n=n) + "!\n" for n in range(3))
    return "hostname R1\n" + ports + ACL + "".join(middle) + ACL + ports + "!\n" + TUNNEL


@pytest.mark.parametrize("inside", [
    " interface Tunnel5\n ip address 10.5.5.5 255.255.255.0\n",  # a top-level mode, indented
    "  int tun 7\n",  # abbreviated, odd indentation
    " Interface Tunnel8\n",
    " ro eigrp 1\n network 10.0.0.0\n",  # an alias
    " crypto isakmp policy 10\n encr aes\n",
    " ip vrf X\n",
    " banner motd ^C\n interface Tunnel9\n^C\n",  # a banner inside a body
    " crypto pki certificate chain TP\n  certificate 01\n  quit\n",
    " R1(config)#interface Tunnel3\n",  # a prompt
    " R1#\n",
    " \u00a0interface Tunnel4\n",  # a Unicode space before the word
    " interface\u00a0Tunnel4\n",
    " inter\u00e9face x\n",
    "\n   \n\t\n",  # blank lines
    " ! a comment\n !\n",
    " permit ip any any ! trailing\n",
    "!\n",
    " switchport mode access ! trailing\n",
    " ip arp inspection trust\n",
    " IP ARP inspection trust\n",
    " ip\tarp\tinspection\n",
    " ip arp\n",  # the head of a run, and nothing after it
    " no ip proxy-arp\n no ip redirects\n",
    " end\n exit\n",
    "end\n",
    "exit\n",
    "  description x\n",
    "ip prefix-list P seq 5 permit 10.0.0.0/8\nip prefix-list P seq 10 deny 0.0.0.0/0 le 32\n",
    "Building configuration...\nCurrent configuration : 100 bytes\n",
])
def test_a_line_inside_a_run_is_taken_as_the_loop_takes_it(inside: str) -> None:
    # Right after a run's head line, in an ACL body, in an interface, and at the top level.
    same(bulk(inside))
    same(bulk(" permit ip any any\n", inside))
    same(bulk(ACCESS_PORT.format(n=9), inside))
    same(bulk(ACCESS_PORT.format(n=9).rstrip("\n") + "\n" + inside.lstrip(" ")))


@pytest.mark.parametrize("variant", ["crlf", "cr", "formfeed", "nel", "ls", "no-final-newline", "tabs", "etx",
                                     "template", "flat", "deep"])
def test_layouts(variant: str) -> None:
    text = bulk()
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    elif variant == "cr":
        text = text.replace("\n", "\r", 3)
    elif variant == "formfeed":
        text = text.replace(" permit", "\x0c permit", 1)
    elif variant == "nel":
        text = text.replace(" switchport", "\x85 switchport", 2)
    elif variant == "ls":
        text = text.replace(" switchport", " switchport\u2028", 2)
    elif variant == "no-final-newline":
        text = text.rstrip("\n")
    elif variant == "tabs":
        text = text.replace("\n ", "\n\t")
    elif variant == "etx":
        text = text.replace(" remark text", " remark \x03", 1)
    elif variant == "template":
        text = text.replace(" remark text", " remark {{ x }}", 1)
    elif variant == "flat":
        text = "\n".join(line.lstrip() for line in text.splitlines())
    elif variant == "deep":
        text = "\n".join((" " + line) if line.startswith(" ") else line for line in text.splitlines())
    same(text)


def test_runs_are_used_on_a_large_file_and_give_the_same_model() -> None:
    text = bulk(*[ACCESS_PORT.format(n=n) + "!\n" + ACL for n in range(400)])
    assert len(text.splitlines()) > structure_module._SKIP_MIN_LINES
    calls: list[int] = []
    original = structure_module.islice

    def counting(iterable: Iterator[str], start: int, stop: int) -> Iterator[str]:
        calls.append(start)
        return original(iterable, start, stop)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(structure_module, "islice", counting)
        fast = parse_text(text, "big.cfg")
    assert sum(calls) > len(text.splitlines()) // 2  # most lines were skipped in runs
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(structure_module, "_SKIP_MIN_LINES", 10**9)
        slow = parse_text(text, "big.cfg")
    assert fast.device is not None and slow.device is not None
    assert fast.device.model_dump_json() == slow.device.model_dump_json()
    assert fast.diagnostics == slow.diagnostics


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_real_configs(index: int) -> None:
    same(TEXTS[index])


# ------------------------------------------------------------------ properties

LINES = [line for text in TEXTS for line in text.splitlines()] + [
    "interface Tunnel0", "int tun 0", "ro eigrp 1", "ip access-list extended X", "route-map R permit 10",
    "object-group network N", "line vty 0 4", "crypto isakmp policy 1", "banner motd ^C", "^C",
    "crypto pki certificate chain T", "quit", "R1(config-if)#ip nhrp redirect", "end", "exit", "!",
    "switchport mode access", "ip arp inspection trust", "ip dhcp snooping trust", "no ip proxy-arp",
    "permit ip any any", "exit-address-family", "address-family ipv4", "{{ x }}", "\x03",
]
INDENTS = ["", "", " ", " ", "  ", "\t", "   ", " \u00a0", "\u3000"]
ENDS = ["\n"] * 12 + ["\r\n", "\r", "\x0b", "\u2028"]


@st.composite
def configs(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=60))
    crlf = draw(st.booleans()) and draw(st.booleans())
    out = []
    for line in lines:
        indent = draw(st.sampled_from(INDENTS))
        end = "\r\n" if crlf else draw(st.sampled_from(ENDS))
        if draw(st.integers(0, 9)) == 0:  # a random case, a random byte
            line = line.upper() if draw(st.booleans()) else line + draw(st.text(max_size=3))
        out.append(indent + line.lstrip() + end)
    return "".join(out)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_any_mix_of_real_lines(text: str) -> None:
    same(text)


HEADERS = ["interface GigabitEthernet0/{n}", "interface Tunnel{n}", "ip access-list extended A{n}",
           "route-map RM permit {n}", "object-group network OG{n}", "line vty 0 {n}", "router bgp 6500{n}",
           "router eigrp {n}", "crypto keyring K{n}", "crypto ikev2 keyring K{n}", "vlan {n}"]
BODY = ["switchport access vlan 10", "switchport mode access", "ip arp inspection limit rate 100",
        "ip dhcp snooping limit rate 15", "spanning-tree portfast", "storm-control action trap",
        "authentication port-control auto", "no ip proxy-arp", "ip pim sparse-mode", "description text",
        "permit ip any any", "deny   tcp any any eq 23", "remark a remark", "host 10.0.0.1",
        "match ip address X", "set local-preference 200", "neighbor 10.0.0.2 remote-as 65001",
        "bgp log-neighbor-changes", "network 10.0.0.0", "pre-shared-key address 0.0.0.0 key k",
        "peer P", "address 10.0.0.9", "name USERS", "ip nhrp network-id 1", "shutdown", "!", ""]


@st.composite
def stanza_configs(draw: st.DrawFn) -> str:
    out = []
    for n in range(draw(st.integers(1, 12))):
        out.append(draw(st.sampled_from(HEADERS)).format(n=n) + "\n")
        for _ in range(draw(st.integers(0, 10))):
            if draw(st.integers(0, 7)) == 0:  # something else: any line, any indent, any line end
                line = draw(st.sampled_from(INDENTS)) + draw(st.sampled_from(LINES)).lstrip()
                out.append(line + draw(st.sampled_from(ENDS)))
            else:
                indent = draw(st.sampled_from([" ", " ", "  ", "\t"]))
                out.append(indent + draw(st.sampled_from(BODY)) + "\n")
        if draw(st.booleans()):
            out.append("!\n")
    return "".join(out)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stanza_configs())
def test_any_mix_of_stanzas(text: str) -> None:
    same(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(TEXTS))), st.integers(min_value=0, max_value=10**6), st.sampled_from(LINES),
       st.sampled_from(INDENTS))
def test_a_real_config_with_one_line_inserted(index: int, where: int, line: str, indent: str) -> None:
    lines = TEXTS[index].splitlines(keepends=True)
    at = where % (len(lines) + 1)
    same("".join(lines[:at]) + indent + line + "\n" + "".join(lines[at:]))
