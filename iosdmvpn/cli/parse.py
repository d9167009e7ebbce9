"""``iosdmvpn parse``: show what the parser understood of each file."""

from __future__ import annotations

import argparse
from pathlib import Path

from iosdmvpn.cli._common import HelpFormatter, output

DESCRIPTION = """\
Parse configurations and show the model: per device its hostname and version, tunnels
with NHRP and the crypto chain (tunnel -> IPsec profile -> transform-sets / IKE),
routing, and how many lines were modelled, ignored by design or not recognised. Use it
to check what `lint` and `translate` will see. Secrets are always masked.
"""

EPILOG = """\
examples:
  iosdmvpn parse hub.cfg
  iosdmvpn parse --format json hub.cfg spoke1.cfg > model.json
  ssh router 'show running-config' | iosdmvpn parse -

exit codes: 0 every file parsed (parse diagnostics are shown, not fatal),
2 a file could not be used (missing, a folder, binary, not UTF-8, a template).
"""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``parse``."""
    p = subparsers.add_parser("parse", help="show what the parser understood of a configuration",
                              description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="configuration files; - reads standard input")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text: a readable summary; json: the full model with spans (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", type=Path,
                   help="write to FILE instead of standard output")
    p.add_argument("--stdin-filename", metavar="NAME", help="the name standard input is shown under")
    return p


def run(args: argparse.Namespace) -> int:
    """Parse, print, and return 0 (or 2 when a file is unusable)."""
    from iosdmvpn.api import EXIT_ERROR, EXIT_OK, parse_paths

    results = parse_paths(args.files, stdin_filename=args.stdin_filename)
    with output(args.output) as out:
        if args.format == "json":
            from iosdmvpn.report.json import render_parse

            render_parse(results, out)
        else:
            from iosdmvpn.report.summary import render

            render(results, out)
    return EXIT_OK if all(r.usable for r in results) else EXIT_ERROR
