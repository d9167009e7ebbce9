"""The structural pass: banners, certificate chains, comments, layout, prompts, coverage."""

from __future__ import annotations

import pytest
from parse_helpers import PATH, codes, device, only, parse, where

from iosdmvpn.parse import parse_text
from iosdmvpn.parse.structure import split_structure

TUNNEL = """\
interface Tunnel0
 ip address 10.0.0.1 255.255.255.0
 tunnel source GigabitEthernet0/0
 ip nhrp network-id 7
"""


def tunnel_ok(text: str) -> None:
    dev = device(text)
    tu = dev.interface("Tunnel0")
    assert tu is not None and tu.nhrp is not None
    assert str(tu.ipv4) == "10.0.0.1/24"
    assert tu.tunnel is not None and tu.tunnel.source_interface == "GigabitEthernet0/0"
    assert tu.nhrp.network_id == 7


# ------------------------------------------------------------------ banners


@pytest.mark.parametrize("delim", ["^C", "\x03", "#", "%", "$"])
def test_multiline_banner_with_command_like_text_is_skipped(delim: str) -> None:
    text = (f"banner motd {delim}\n"
            "interface Tunnel9\n"
            " ip address 10.9.9.9 255.255.255.0\n"
            f"  Authorized access only {delim}\n" + TUNNEL)
    tunnel_ok(text)
    dev = device(text)
    assert dev.interface("Tunnel9") is None
    assert dev.coverage.ignored == 4


def test_single_line_banners_in_any_form() -> None:
    text = ("banner motd ^CKeep out^C\n"
            "banner login #hello#\n"
            "banner exec \x03Welcome\x03\n" + TUNNEL)
    tunnel_ok(text)
    assert device(text).coverage.ignored == 3


def test_real_etx_banner_ends_mid_line_and_columns_after_it_stay_exact() -> None:
    text = "banner motd \x03\nhello\n\x03\n" + TUNNEL
    dev = device(text)
    assert dev.coverage.ignored == 3
    assert where(dev.interfaces[0].span)[:2] == (4, 1)


def test_unclosed_banner_is_dmv006_at_the_banner() -> None:
    result = parse("hostname R1\nbanner motd ^C\nnever closed\ninterface Tunnel0\n")
    diag = only(result, "DMV006")
    assert diag.severity.name == "WARNING"
    assert where(diag.span) == (2, 1, 2, 15)
    assert result.device is not None and result.device.hostname == "R1"


# ------------------------------------------------------------ certificates


def test_certificate_chain_hex_block_until_quit_is_skipped() -> None:
    text = ("crypto pki certificate chain TP-self-signed-1\n"
            " certificate self-signed 01\n"
            "  3082022B 30820194 A0030201 02020101 300D0609 2A864886 F70D0101 05050030\n"
            "  interface Tunnel5\n"
            "  \tquit\n" + TUNNEL)
    tunnel_ok(text)
    dev = device(text)
    assert dev.interface("Tunnel5") is None
    assert dev.coverage.ignored == 5


def test_unclosed_certificate_chain_is_dmv006() -> None:
    result = parse("crypto pki certificate chain TP\n certificate 01\n  3082022B 30820194\n")
    assert where(only(result, "DMV006").span)[:2] == (1, 1)


# --------------------------------------------------------------- comments


def test_comment_lines_and_trailing_comments() -> None:
    text = ("! a comment\n"
            "interface Tunnel0\n"
            " ip address 10.0.0.1 255.255.255.0    ! the tunnel address\n"
            " !indented comment\n"
            " tunnel source GigabitEthernet0/0 ! WAN\n"
            " ip nhrp network-id 7\n")
    tunnel_ok(text)
    tu = device(text).interfaces[0]
    # The span ends with the command, before the comment.
    assert where(tu.at("ipv4")) == (3, 2, 3, 35)


def test_bang_inside_a_word_is_data_not_a_comment() -> None:
    dev = device("crypto isakmp key Cisco!23 address 0.0.0.0\n")
    assert dev.crypto.isakmp_keys[0].key.get_secret_value() == "Cisco!23"


# ------------------------------------------------------------------- layout


def test_crlf_gives_the_same_model_as_lf() -> None:
    lf = parse(TUNNEL)
    crlf = parse_text(TUNNEL.replace("\n", "\r\n"), PATH)
    assert lf.device is not None and crlf.device is not None
    assert lf.device.model_dump_json() == crlf.device.model_dump_json()


def test_tabs_indent_sub_commands() -> None:
    tunnel_ok(TUNNEL.replace("\n ", "\n\t"))


def test_unindented_file_uses_mode_keywords() -> None:
    text = ("hostname R1\n"
            "interface Tunnel0\n"
            "ip address 10.0.0.1 255.255.255.0\n"
            "tunnel source GigabitEthernet0/0\n"
            "ip nhrp network-id 7\n"
            "router eigrp 10\n"
            "network 10.0.0.0 0.0.0.255\n"
            "crypto isakmp policy 10\n"
            "encr aes 256\n"
            "interface GigabitEthernet0/0\n"
            "ip address 192.0.2.1 255.255.255.252\n")
    tunnel_ok(text)
    dev = device(text)
    assert dev.hostname == "R1"
    assert str(dev.routing.eigrp[0].networks[0].address) == "10.0.0.0"
    assert dev.crypto.isakmp_policies[0].encryption == "aes 256"
    assert str(dev.interface("GigabitEthernet0/0").ipv4) == "192.0.2.1/30"  # type: ignore[union-attr]


def test_oddly_indented_crypto_block_as_in_corpus_015() -> None:
    # Two spaces before the header and the same two before its commands, under nothing.
    text = ("interface gi0/0\n"
            " ip address 203.0.113.17 255.255.255.252        ! ISP\n"
            " no shutdown\n"
            "!\n"
            "  crypto isakmp policy 10\n"
            "  encryption aes 256\n"
            "  hash sha\n"
            "  authentication pre-share\n"
            "  group 14\n"
            "  exit\n"
            "!\n"
            "  crypto isakmp key cisco123 address 0.0.0.0\n")
    dev = device(text)
    policy = dev.crypto.isakmp_policies[0]
    assert (policy.priority, policy.encryption, policy.hash, policy.authentication, policy.group) == (
        10, "aes 256", "sha", "pre-share", 14)
    assert str(dev.interface("GigabitEthernet0/0").ipv4) == "203.0.113.17/30"  # type: ignore[union-attr]
    assert dev.crypto.isakmp_keys[0].peer is not None


def test_end_exit_and_preamble_are_ignored() -> None:
    text = ("Building configuration...\n"
            "\n"
            "Current configuration : 1234 bytes\n"
            "!\n" + TUNNEL + " exit\n" + "end\n")
    tunnel_ok(text)
    assert device(text).coverage.ignored == 5  # preamble x2, "!", "exit", "end"


def test_exit_closes_a_sub_mode_in_a_script() -> None:
    text = ("conf t\n"
            "router eigrp NAMED\n"
            " address-family ipv4 unicast autonomous-system 10\n"
            "  af-interface Tunnel0\n"
            "   no split-horizon\n"
            "  exit-af-interface\n"
            "  network 10.0.0.0 0.0.0.255\n"
            " exit-address-family\n")
    eigrp = device(text).routing.eigrp[0]
    assert eigrp.af_interfaces[0].split_horizon is False
    assert str(eigrp.networks[0].address) == "10.0.0.0"


def test_cli_prompts_in_a_study_guide_keep_the_command() -> None:
    text = ("R1#configure terminal\n"
            "R1(config)#interface Tunnel0\n"
            "R1(config-if)#ip address 10.0.0.1 255.255.255.0\n"
            "R1(config-if)#tunnel source GigabitEthernet0/0\n"
            "R1(config-if)# ip nhrp network-id 7\n"
            "R1(config-if)#ip nhrp redirect\n")
    dev = device(text)
    tu = dev.interface("Tunnel0")
    assert tu is not None and tu.nhrp is not None and tu.nhrp.redirect
    # Spans point at the command, after the prompt.
    assert where(tu.at("ipv4")) == (3, 15, 3, 48)
    assert where(tu.nhrp.at("network_id")) == (5, 16, 5, 36)


def test_keyword_abbreviations_and_case() -> None:
    text = ("INT TUN 0\n"
            " IP ADD 10.0.0.1 255.255.255.0\n"
            " tunnel destin 192.0.2.9\n"
            "crypto isakmp pol 10\n"
            " encr 3des\n"
            " auth pre-share\n"
            "router eig NAMED\n"
            " address-family ipv4 unicast as 2\n")
    dev = device(text)
    tu = dev.interface("Tunnel0")
    assert tu is not None and str(tu.ipv4) == "10.0.0.1/24"
    assert tu.tunnel is not None and tu.tunnel.destination == "192.0.2.9"
    assert dev.crypto.isakmp_policies[0].encryption == "3des"
    assert dev.crypto.isakmp_policies[0].authentication == "pre-share"
    assert (dev.routing.eigrp[0].name, dev.routing.eigrp[0].asn) == ("NAMED", 2)


# ------------------------------------------------------- coverage, unknowns


def test_coverage_counts_every_non_blank_line_once() -> None:
    text = ("hostname R1\n"                         # modelled
            "!\n"                                   # ignored
            "service timestamps debug uptime\n"     # ignored (known IOS)
            "frobnicate the router\n"               # unrecognized
            "interface Tunnel0\n"                   # modelled (a header is a command)
            " ip address 10.0.0.1 255.255.255.0\n"  # modelled
            " ip pim sparse-mode\n"                 # ignored
            " ip nhrp frobnicate\n"                 # modelled, does not parse: unrecognized
            " tunnel flux-capacitor on\n"           # unrecognized
            "\n"
            "ip access-list extended X\n"           # ignored stanza
            " permit ip any any\n")                 # ignored
    result = parse(text)
    assert result.device is not None
    cov = result.device.coverage
    assert (cov.modelled, cov.ignored, cov.unrecognized) == (3, 5, 3)
    assert cov.total == 12 - 1  # the blank line is not counted
    assert codes(result) == ["DMV003", "DMV005"]  # an unknown non-DMVPN line is only counted


def test_unknown_lines_are_kept_with_their_spans_and_context() -> None:
    result = parse("hostname R1\nfrobnicate the router\ninterface Tunnel0\n tunnel flux-capacitor on\n")
    assert result.device is not None
    kept = [(u.text, u.context, where(u.span)) for u in result.device.unrecognized]
    assert kept == [("frobnicate the router", "g", (2, 1, 2, 22)),
                    ("tunnel flux-capacitor on", "if", (4, 2, 4, 26))]
    # Only the DMVPN-looking one is worth a diagnostic.
    diag = only(result, "DMV005")
    assert where(diag.span) == (4, 2, 4, 26)
    assert diag.severity.name == "INFO"


def test_keep_ignored_keeps_ignored_lines_in_their_stanza() -> None:
    text = "interface Gi0/1\n switchport mode access\n description x\n spanning-tree portfast\n"
    lean = split_structure(text, keep_ignored=False)
    full = split_structure(text)  # the default, for callers that walk Stanza.lines
    assert [line.number for line in lean.root.children[0].lines] == [3]
    assert [line.number for line in full.root.children[0].lines] == [2, 3, 4]
    assert lean.ignored == full.ignored == 2
    assert lean.root.children[0].last_number == full.root.children[0].last_number == 4


def test_stanza_span_runs_to_its_last_line_ignored_ones_included() -> None:
    dev = device("interface Gi0/1\n description x\n switchport mode access\n!\nhostname R1\n")
    assert where(dev.interfaces[0].span) == (1, 1, 3, 24)
