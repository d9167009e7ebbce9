"""Translation diagnostics: every lossy, re-expressed or refused mapping has a code here.

DMV601-DMV649 belong to the core translator (lowering, iproute2, networkd, FRR,
nftables); DMV650-DMV699 to the strongSwan translator (``render/ipsec.py``), which
appends its codes to :data:`TRANSLATE_CODES` at the end of this table.

Every ERROR here makes ``translate`` refuse to write output unless ``--force`` is given:
it means the output would not do what the IOS configuration does in a way that matters
(no tunnel, no routing, no protection).
"""

from __future__ import annotations

from iosdmvpn.diagnostics import Diagnostic, Related, Severity
from iosdmvpn.source import Span

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 - table shorthand

# code -> (name, severity, summary)
TRANSLATE_CODES: dict[str, tuple[str, Severity, str]] = {
    "DMV601": ("unsafe-name", E,
               "A hostname or name would be unsafe in a shell script, frr.conf or nftables file; it was "
               "refused."),
    "DMV602": ("tunnel-address-host-prefix", W,
               "The tunnel address becomes a /32 (nhrpd ignores other prefixes); the tunnel subnet is "
               "routed."),
    "DMV603": ("tunnel-not-translatable", E,
               "The tunnel's mode or transport has no nhrpd equivalent (nhrpd needs IPv4-over-IPv4 mGRE)."),
    "DMV604": ("tunnel-source-unresolved", E,
               "The tunnel source is missing, undefined or has no usable address: no NBMA binding."),
    "DMV605": ("p2p-tunnel-as-multipoint", W,
               "A point-to-point GRE tunnel running NHRP becomes a multipoint GRE device."),
    "DMV606": ("vrf-not-translated", W, "Tunnel VRFs (front-door or inside) are not translated."),
    "DMV607": ("nhrp-authentication-dropped", W,
               "FRR 8.4 nhrpd has no NHRP authentication; Cisco peers that require it will reject this "
               "node."),
    "DMV608": ("nhrp-holdtime-clamped", W, "The NHRP holdtime exceeds FRR's maximum of 65000 s."),
    "DMV609": ("nhs-option-dropped", W, "NHS priority, cluster and fallback have no FRR 8.4 equivalent."),
    "DMV610": ("nhs-without-nbma", E, "An NHS has no NBMA address (no nbma and no static map); FRR needs "
                                      "one."),
    "DMV611": ("nhrp-registration-timeout-dropped", W,
               "FRR has no registration timeout; it registers every holdtime/3."),
    "DMV612": ("tunnel-command-dropped", W, "An NHRP or tunnel command has no FRR 8.4 / Linux equivalent."),
    "DMV613": ("interface-setting-not-translated", I,
               "A setting of the tunnel interface is not carried over (metrics, keepalives, other "
               "features)."),
    "DMV614": ("nhrp-map-not-translatable", W, "A static NHRP map with a DNS name or prefix has no FRR "
                                               "form."),
    "DMV615": ("ipv6-overlay-not-translated", W, "IPv6 addresses and IPv6 NHRP on the tunnel are not "
                                                 "translated."),
    "DMV616": ("tunnel-shutdown", I, "The tunnel is shut down in IOS; the Linux device is created but left "
                                     "down."),
    "DMV617": ("dynamic-nbma", I,
               "The tunnel source has a dynamic address: the GRE device is bound to the interface, not an "
               "address."),
    "DMV618": ("interface-renamed", I,
               "An IOS interface is given a Linux name; rename it on the node or use --interface-map."),
    "DMV619": ("no-dmvpn-tunnel", E, "The configuration has no DMVPN tunnel that can be translated."),
    "DMV620": ("eigrp-not-translatable", E,
               "EIGRP over DMVPN cannot run on FRR 8.4; translate with --igp ospf or --igp bgp."),
    "DMV621": ("ospf-network-type-converted", W,
               "The OSPF network type of the tunnel is converted to one that works with /32 addresses."),
    "DMV622": ("ospf-not-translated", W,
               "An OSPF process or statement has no FRR form here (VRF, OSPFv3, second process, odd "
               "wildcard)."),
    "DMV623": ("routing-command-dropped", W, "A command inside a translated routing process is not carried "
                                             "over."),
    "DMV624": ("routing-not-translatable", E,
               "The routing protocol over the DMVPN (RIP) is not translated; use --igp ospf or --igp bgp."),
    "DMV625": ("routing-process-dropped", W, "A routing process that does not run over the DMVPN is not "
                                             "translated."),
    "DMV626": ("bgp-alternate-as", W, "FRR has no alternate-as; the peer-group accepts any external AS."),
    "DMV627": ("bgp-setting-dropped", W, "A BGP setting has no translation (address family, "
                                         "redistribution, ...)."),
    "DMV628": ("static-route-dropped", W, "A static route cannot be translated (VRF, unknown interface)."),
    "DMV629": ("igp-reexpressed", W,
               "The routing over the DMVPN was replaced by the --igp design; the README lists the intent "
               "kept."),
    "DMV630": ("reexpression-incomplete", W, "Part of the routing intent could not be re-expressed with "
                                             "--igp."),
    "DMV631": ("ipsec-trap-mode", I,
               "Stock strongSwan: nhrpd does not drive IPsec; trap policies protect GRE and nftables drops "
               "the rest."),
    "DMV632": ("ipsec-profile-undefined", E,
               "The tunnel's IPsec profile is not defined: the tunnel cannot be protected as IOS intends."),
    "DMV633": ("strongswan-unavailable", W, "No strongSwan translator is available: swanctl.conf was not "
                                            "written."),
    "DMV634": ("crypto-map-not-translated", W, "A crypto map on the tunnel source is not translated."),
    "DMV635": ("companion-target-missing", W,
               "frr.conf relies on firewall rules (NFLOG, GRE guard, MSS) but the nftables target was not "
               "selected."),
    "DMV636": ("duplicate-hostname", E, "Two configurations have the same hostname: their output would "
                                        "collide."),
    "DMV637": ("nhrp-not-enabled", E, "The tunnel has no ip nhrp network-id, so NHRP is not enabled on it."),
    "DMV638": ("tunnel-no-address", E, "The tunnel has no IPv4 address (none or unnumbered); nhrpd needs "
                                       "one."),
    "DMV639": ("interface-name-collision", E, "Two interfaces would get the same Linux name."),
    "DMV640": ("description-not-copied", I, "An interface description holds characters that are not copied."),
    "DMV641": ("secondary-address-dropped", W, "Secondary tunnel addresses are dropped (nhrpd uses one "
                                               "/32)."),
    "DMV642": ("interface-skipped", W, "An interface has no safe Linux name; it is left out of the routing "
                                       "config."),
    "DMV643": ("translation-internal-error", E, "The translator failed on this device; please report it."),
    "DMV644": ("phase2-as-shortcuts", W, "A DMVPN phase 2 cloud is translated with NHRP redirect on hubs and "
                                         "shortcut on spokes: nhrpd does not resolve spoke next hops on "
                                         "demand."),
    # ---- DMV650-DMV699: the strongSwan translator (render/ipsec.py)
    "DMV650": ("crypto-reference-undefined", E,
               "The tunnel's IKEv2/ISAKMP profile is undefined or unusable: no swanctl connection."),
    "DMV651": ("ipsec-tunnel-mode-rewritten", W,
               "A tunnel-mode transform-set becomes an ESP transport-mode child (GRE between NBMA ends)."),
    "DMV652": ("transform-not-translated", W,
               "A transform (AH, SEAL, LZS, unknown) or a transform-set has no strongSwan ESP form."),
    "DMV653": ("no-esp-proposal", E,
               "No transform-set of the IPsec profile maps to an ESP proposal: no swanctl connection."),
    "DMV654": ("ike-algorithm-not-translated", W,
               "An ISAKMP policy, IKEv2 proposal or PFS group has no strongSwan keyword; it is skipped."),
    "DMV655": ("no-ike-proposal", E,
               "No ISAKMP policy or IKEv2 proposal maps to strongSwan: no swanctl connection."),
    "DMV656": ("ios-crypto-default-assumed", W,
               "An omitted crypto setting was filled in with the (release-dependent) IOS default."),
    "DMV657": ("certificate-auth-not-translated", E,
               "Certificate, rsa-encr or EAP authentication is not translated: no swanctl connection."),
    "DMV658": ("auth-method-dropped", W,
               "An additional authentication method (a non-PSK policy or method) is not translated."),
    "DMV659": ("no-pre-shared-key", E,
               "Authentication is by pre-shared key but no usable key applies: no swanctl connection."),
    "DMV660": ("psk-unrecoverable", E,
               "A pre-shared key is stored encrypted (type 6) and cannot be recovered: no connection."),
    "DMV661": ("psk-type7-decoded", I, "A type 7 (reversibly obfuscated) pre-shared key was decoded."),
    "DMV662": ("psk-prefix-approximated", W,
               "A key for an address prefix has no strongSwan form: offered to every peer, or dropped."),
    "DMV663": ("psk-not-translated", W,
               "A pre-shared key (by hostname, asymmetric, or in an undefined keyring) is not translated."),
    "DMV664": ("psk-tied-to-local-address", I,
               "Two protected tunnels key a peer differently; each key is tied to its local address."),
    "DMV665": ("psk-hex-encoded", I, "A pre-shared key is written as 0x<hex> so swanctl reads it unchanged."),
    "DMV666": ("ipsec-vrf-not-translated", W,
               "A front-door or inside VRF of the crypto chain is not translated (swanctl has no VRF)."),
    "DMV667": ("psk-ambiguous", E,
               "Two protected tunnels key a peer differently and charon cannot tell the keys apart."),
    "DMV668": ("ike-identity-approximated", W,
               "An IKE identity (match identity, identity local) has no strongSwan form: widened/dropped."),
    "DMV669": ("ike-lifetime-merged", I,
               "ISAKMP policies with different lifetimes share one strongSwan connection lifetime."),
    "DMV670": ("protection-not-translatable", E,
               "The protection is not GRE over IPsec with an IPsec profile: no swanctl connection."),
    "DMV671": ("ikev2-proposal-unused", I,
               "An IKEv2 proposal no IKEv2 policy references is not used by IOS and is not translated."),
    "DMV672": ("ike-version-ambiguous", W, "Both an ISAKMP and an IKEv2 profile are set; IKEv2 is used."),
    "DMV673": ("ikev2-option-not-translated", W,
               "An IKEv2 profile option (virtual-template) has no strongSwan equivalent and is ignored."),
    "DMV674": ("crypto-command-not-translated", W,
               "A command of the crypto configuration a protected tunnel uses has no swanctl.conf form."),
}


def diag(code: str, message: str, span: Span, help: str | None = None,
         related: tuple[Related, ...] = ()) -> Diagnostic:
    """A translation diagnostic with the registered name and severity of ``code``."""
    name, severity, _ = TRANSLATE_CODES[code]
    return Diagnostic(code=code, name=name, severity=severity, message=message, span=span, help=help,
                      related=related)


def is_blocking(d: Diagnostic) -> bool:
    """An error-level translation diagnostic: translate refuses to write without --force."""
    return d.severity is Severity.ERROR and d.code in TRANSLATE_CODES
