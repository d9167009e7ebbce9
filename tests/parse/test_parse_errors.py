"""Bad input: diagnostics at exact spans, never a traceback; names; secrets stay secret."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from parse_helpers import CORPUS, PATH, codes, device, only, parse, token_at, where

from iosdmvpn.model import canonical_interface
from iosdmvpn.parse import parse_bytes, parse_file, parse_text

# =========================================================================== names


@pytest.mark.parametrize(("typed", "canonical"), [
    ("Tunnel0", "Tunnel0"), ("tunnel0", "Tunnel0"), ("Tunnel 0", "Tunnel0"), ("Tu0", "Tunnel0"),
    ("tun 0", "Tunnel0"), ("Gi0/0", "GigabitEthernet0/0"), ("Gig0/0/1", "GigabitEthernet0/0/1"),
    ("GigabitEthernet0/0.100", "GigabitEthernet0/0.100"), ("gi0/0.100", "GigabitEthernet0/0.100"),
    ("Te1/1", "TenGigabitEthernet1/1"), ("Fa0/1", "FastEthernet0/1"), ("Eth 0/0", "Ethernet0/0"),
    ("e0/0", "Ethernet0/0"), ("Se2/0", "Serial2/0"), ("serial 2/0", "Serial2/0"), ("Lo0", "Loopback0"),
    ("Di1", "Dialer1"), ("Po1", "Port-channel1"), ("Vl10", "Vlan10"), ("Cellular0/2/0", "Cellular0/2/0"),
    ("Virtual-PPP1", "Virtual-PPP1"), ("Null0", "Null0"), ("Frob0", "Frob0"),
])
def test_interface_names_are_normalised(typed: str, canonical: str) -> None:
    assert canonical_interface(typed) == canonical


@pytest.mark.parametrize("header", ["interface Tunnel0", "interface Tu0", "interface tunnel 0", "int tun 0",
                                    "INTERFACE TUNNEL0"])
def test_tunnel_header_spellings_are_one_interface(header: str) -> None:
    dev = device(f"{header}\n tunnel source eth 0/0\n"
                 "interface Ethernet0/0\n ip address 192.0.2.1 255.255.255.0\n")
    tu = dev.interface("Tunnel0")
    assert tu is not None and tu.tunnel is not None
    # The source is resolvable to the interface stanza, with both spans.
    source = dev.source_interface(tu)
    assert source is not None and source.name == "Ethernet0/0"
    assert where(tu.tunnel.at("source_interface")) == (2, 2, 2, 23)
    assert where(source.span)[:2] == (3, 1)
    assert str(dev.local_nbma(tu)) == "192.0.2.1"


def test_tunnel_source_by_address_resolves_to_its_owner() -> None:
    dev = device("interface Tunnel0\n tunnel source 192.0.2.1\n"
                 "interface Gi0/0\n ip address 192.0.2.1 255.255.255.0\n")
    tu = dev.interface("Tunnel0")
    assert tu is not None
    source = dev.source_interface(tu)
    assert source is not None and source.name == "GigabitEthernet0/0"


# ===================================================================== bad values

BAD_VALUES = [
    # (line under "interface Tunnel0", the bad word, what the message says)
    ("ip address 10.0.0.300 255.255.255.0", "10.0.0.300", "invalid IPv4 address"),
    ("ip address 10.0.0.1 255.0.255.0", "255.0.255.0", "not contiguous"),
    ("ip address 10.0.0.1 255.255.255.256", "255.255.255.256", "invalid netmask"),
    ("ip address 10.0.0.1/24", "10.0.0.1/24", "not a prefix"),
    ("tunnel key 4294967296", "4294967296", "out of range"),
    ("tunnel key abc", "abc", "must be a number"),
    ("ip nhrp network-id 0", "0", "out of range"),
    ("ip nhrp holdtime 70000", "70000", "out of range"),
    ("ip nhrp nhs 10.0.0.1 nbma 192.0.2.1 priority 256", "256", "out of range"),
    ("ip nhrp nhs 10.0.0.1 nbma 192.0.2.1 cluster 11", "11", "out of range"),
    ("ip nhrp nhs 10.0.0.999", "10.0.0.999", "invalid NHS address"),
    ("ip nhrp map 10.0.0.2 192.0.2.999", "192.0.2.999", "invalid NBMA"),
    ("ip mtu 20", "20", "out of range"),
    ("ip tcp adjust-mss 9000", "9000", "out of range"),
    ("no ip split-horizon eigrp 70000", "70000", "out of range"),
]


@pytest.mark.parametrize(("line", "word", "says"), BAD_VALUES)
def test_bad_value_is_dmv004_at_the_word(line: str, word: str, says: str) -> None:
    text = f"interface Tunnel0\n {line}\n tunnel source Loopback0\n"
    result = parse(text)
    diag = only(result, "DMV004")
    assert says in diag.message
    assert where(diag.span) == token_at(text, 2, word)
    assert diag.severity.name == "ERROR"
    # The rest of the stanza is still modelled, and the bad line is counted unrecognized.
    assert result.device is not None
    tu = result.device.interface("Tunnel0")
    assert tu is not None and tu.tunnel is not None and tu.tunnel.source_interface == "Loopback0"
    assert result.device.coverage.unrecognized == 1


@pytest.mark.parametrize(("text", "line", "word"), [
    ("ip route 10.0.0.0 255.255.0.255 192.0.2.1\n", 1, "255.255.0.255"),
    ("crypto isakmp policy 99999\n", 1, "99999"),
    ("router bgp 65000\n bgp listen range 10.0.0.0/33 peer-group G\n", 2, "10.0.0.0/33"),
    ("router ospf 1\n network 10.0.0.0 0.0.0.x area 0\n", 2, "0.0.0.x"),
    ("crypto ikev2 proposal P\n group 99\n", 2, "99"),
    ("crypto ipsec transform-set T esp-aes\n mode sideways\n", 2, "sideways"),
])
def test_bad_values_elsewhere(text: str, line: int, word: str) -> None:
    diag = only(parse(text), "DMV004")
    assert where(diag.span) == token_at(text, line, word)


@pytest.mark.parametrize(("line", "head"), [
    ("ip nhrp", "ip nhrp"),
    ("ip nhrp map", "ip nhrp map"),
    ("ip nhrp nhs", "ip nhrp nhs"),
    ("tunnel protection ipsec profile", "tunnel protection"),
    ("tunnel protection ipsec", "tunnel protection"),
    ("ip nhrp map multicast", "ip nhrp map"),
    ("tunnel key", "tunnel key"),
])
def test_truncated_command_is_dmv003_on_its_line(line: str, head: str) -> None:
    result = parse(f"interface Tunnel0\n {line}\n")
    diag = only(result, "DMV003")
    assert where(diag.span) == (2, 2, 2, 2 + len(line))
    assert diag.message.startswith(f"cannot parse '{head}")
    assert result.usable  # a broken command is a finding, not an unusable file


def test_truncated_stanza_at_end_of_file() -> None:
    result = parse("interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n tunnel protection ipsec pro")
    assert codes(result) == ["DMV003"]
    assert result.device is not None and result.device.interface("Tunnel0") is not None


# ====================================================================== templates


@pytest.mark.parametrize("text", [
    "interface Tunnel{{ tunnel_id }}\n ip address {{ ip }} 255.255.255.0\n",
    "{% for t in tunnels %}\ninterface Tunnel0\n{% endfor %}\n",
    "interface Tunnel0\n ip address ${tunnel_ip} 255.255.255.0\n",
    "hostname <%= @name %>\n",
    "{# a comment #}\nhostname R1\n",
])
def test_templated_config_is_dmv002_and_unusable(text: str) -> None:
    result = parse(text)
    diag = only(result, "DMV002")
    assert "template" in diag.message and diag.help is not None
    assert not result.usable


def test_corpus_template_is_dmv002() -> None:
    result = parse_file(CORPUS / "010-timojuhani-dmvpn-hub-j2.cfg")
    assert "DMV002" in codes(result) and not result.usable


# ==================================================================== unusable files


def test_missing_file(tmp_path: Path) -> None:
    result = parse_file(tmp_path / "nope.cfg")
    assert codes(result) == ["DMV001"] and "no such file" in result.diagnostics[0].message
    assert result.device is None and not result.usable


def test_directory(tmp_path: Path) -> None:
    result = parse_file(tmp_path)
    assert codes(result) == ["DMV001"] and "directory" in result.diagnostics[0].message
    assert not result.usable


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "fw.bin"
    path.write_bytes(b"\x7fELF\x00\x00\x01hostname R1\n")
    result = parse_file(path)
    assert codes(result) == ["DMV001"] and "binary" in result.diagnostics[0].message
    assert not result.usable


def test_non_utf8_file_points_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.cfg"
    path.write_bytes(b"hostname R1\ndescription caf\xe9\n")
    result = parse_file(path)
    diag = only(result, "DMV001")
    assert "not UTF-8" in diag.message and (diag.span.line, diag.span.column) == (2, 16)
    assert not result.usable


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.cfg"
    path.write_text("hostname R1\n")
    path.chmod(0)
    assert codes(parse_file(path)) == ["DMV001"]


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.cfg"
    path.write_bytes(b"\xef\xbb\xbfhostname R1\n")
    result = parse_file(path)
    assert result.usable and result.device is not None and result.device.hostname == "R1"


@pytest.mark.parametrize("text", ["", "\n\n  \n", "! only comments\n!\n", "just some prose here\n"])
def test_no_configuration_is_dmv007(text: str) -> None:
    result = parse_text(text, PATH)
    assert "DMV007" in codes(result) and not result.usable


def test_parse_bytes_decodes_or_reports() -> None:
    assert parse_bytes(b"hostname R1\n", "-").usable
    bad = parse_bytes(b"\xff\xfe\x00h", "-")
    assert codes(bad) == ["DMV001"] and not bad.usable


# ========================================================================== secrets

SECRETS = {
    "crypto isakmp key 0 Sup3rS3cret! address 0.0.0.0": "Sup3rS3cret!",
    "crypto keyring KR\n pre-shared-key address 0.0.0.0 0.0.0.0 key KeyRingPSK1": "KeyRingPSK1",
    "crypto ikev2 keyring K\n peer P\n  address 0.0.0.0 0.0.0.0\n  pre-shared-key Ikev2PeerPSK":
        "Ikev2PeerPSK",
    "crypto ikev2 profile V\n authentication local pre-share key InlineV2PSK": "InlineV2PSK",
    "interface Tunnel0\n ip nhrp authentication NhrpAuth": "NhrpAuth",
    "interface Tunnel0\n tunnel protection psk TunnelPSK9": "TunnelPSK9",
}


@pytest.mark.parametrize(("text", "secret"), SECRETS.items())
def test_secrets_never_in_repr_json_or_diagnostics(text: str, secret: str) -> None:
    result = parse(text + "\n")
    assert result.device is not None
    assert secret not in repr(result.device)
    assert secret not in str(result.device)
    assert secret not in result.device.model_dump_json()
    assert secret not in repr(result.device.model_dump())
    for diag in result.diagnostics:
        assert secret not in diag.model_dump_json()


@pytest.mark.parametrize("text", [
    "crypto isakmp key 0 BadKeyValue1 address 10.0.0.999",            # DMV004 on a key line
    "interface Tunnel0\n ip nhrp authentication",                       # DMV003
    "crypto keyring KR\n pre-shared-key address 10.0.0.999 key SecretXyz2",
    "interface Tunnel0\n tunnel protection psk TunPsk3 extra",         # DMV003 on a psk line
    "crypto ikev2 keyring K\n peer P\n  pre-shared-key local",
])
def test_secrets_never_in_error_messages(text: str) -> None:
    result = parse(text + "\n")
    assert result.diagnostics
    for secret in ("BadKeyValue1", "SecretXyz2", "TunPsk3"):
        for diag in result.diagnostics:
            assert secret not in diag.model_dump_json()
        if result.device is not None:
            assert secret not in result.device.model_dump_json()
