"""``iosdmvpn parse``: show what the parser understood of each file."""

from __future__ import annotations

import argparse
import gc
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


HELP = "show what the parser understood of a configuration"  # the one-line summary in `iosdmvpn --help`


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``parse``."""
    p = subparsers.add_parser("parse", help=HELP,
                              description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE", help="configuration files; - reads standard input")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text: a readable summary; json: the full model with spans (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", type=Path,
                   help="write to FILE instead of standard output")
    p.add_argument("--stdin-filename", metavar="NAME", help="the name standard input is shown under")
    return p


# The last run's results and the parser's stanza trees, left for the process to drop.
# `iosdmvpn.cli.entry` ends with os._exit once the output is flushed, so they are never
# freed: freeing them one object at a time costs ~30 ms after a 100,000-line file, for
# nothing. A later run in the same process (tests call `main`) replaces them.
_LAST: list[object] = []


def run(args: argparse.Namespace) -> int:
    """Parse, print, and return 0 (or 2 when a file is unusable)."""
    from iosdmvpn.api import EXIT_ERROR, EXIT_OK, parse_paths
    from iosdmvpn.parse import keeping

    trees: list[object] = []
    collecting = gc.isenabled()
    # The parser pauses the cyclic collector while it works, but every object it makes
    # still counts towards the next collection, which would then walk all of them (~70 ms
    # after a 100,000-line file) to find nothing to free: they are the results, which live
    # to the end. Paused here too, the collector does not wake up inside the parser, and
    # the objects made so far are then frozen (moved out of the generations the collector
    # walks) before it resumes; they go back at the end of the run.
    gc.disable()
    try:
        with keeping(trees):
            results = parse_paths(args.files, stdin_filename=args.stdin_filename)
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    _LAST[:] = [results, trees]
    try:
        with output(args.output) as out:
            if args.format == "json":
                from iosdmvpn.report.json import render_parse

                render_parse(results, out)
            else:
                from iosdmvpn.report.summary import render

                render(results, out)
    finally:
        gc.unfreeze()
    return EXIT_OK if all(r.usable for r in results) else EXIT_ERROR
