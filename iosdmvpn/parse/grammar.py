"""The Lark parser for the modelled commands, built once per process."""

from __future__ import annotations

from functools import cache

from lark import Lark

from iosdmvpn.resources import data_dir

# One start rule per stanza kind (see grammars/ios.lark).
START_RULES = (
    "g", "if", "isakmp_policy", "isakmp_profile", "keyring", "tset", "ipsec_profile", "ikev2_proposal",
    "ikev2_policy", "ikev2_keyring", "ikev2_peer", "ikev2_profile", "eigrp", "eigrp_af", "eigrp_afif",
    "ospf", "ospf6", "bgp", "bgp_af", "rip", "eigrp_topo",
)


@cache
def get_parser() -> Lark:
    """The LALR parser (contextual lexer), cached on disk by Lark between runs."""
    path = data_dir("grammars") / "ios.lark"
    return Lark(
        path.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        start=list(START_RULES),
        propagate_positions=True,
        maybe_placeholders=False,
        # cache=True keys the cache file on the grammar text and options and keeps it in the
        # temp directory, never inside site-packages.
        cache=True,
    )
