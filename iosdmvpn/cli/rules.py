"""``iosdmvpn rules``: the table of every code, or one rule's documentation."""

from __future__ import annotations

import argparse
import json
import sys

from iosdmvpn.cli._common import HelpFormatter

DESCRIPTION = """\
List every code iosdmvpn can report: the lint rules (DMV1xx tunnel, DMV2xx NHRP,
DMV3xx crypto, DMV4xx routing, DMV5xx network-wide), the parser's codes (DMV0xx),
translation codes and the meta codes (DMV9xx). With a CODE (or rule name), show that
rule's documentation with its bad and good examples.
"""

WIDE = 120  # columns from which the rule list is a table

EPILOG = """\
examples:
  iosdmvpn rules
  iosdmvpn rules DMV101
  iosdmvpn rules tunnel-source-missing
  iosdmvpn rules --format json > rules.json
"""


HELP = "list the rules, or explain one"  # the one-line summary in `iosdmvpn --help`


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``rules``."""
    p = subparsers.add_parser("rules", help=HELP,
                              description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("code", nargs="?", metavar="CODE", help="a code (DMV101) or rule name to explain")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    return p


def run(args: argparse.Namespace) -> int:
    """Print the table or one rule; unknown codes are a usage error."""
    from iosdmvpn.api import UsageError, catalog
    from iosdmvpn.report.codes import CodeInfo

    codes = catalog()
    if args.code:
        wanted = args.code.strip()
        found = next((c for c in codes if c.code == wanted.upper() or c.name == wanted.lower()), None)
        if found is None:
            import difflib

            close = difflib.get_close_matches(wanted, [c.code for c in codes] + [c.name for c in codes], n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; `iosdmvpn rules` lists them"
            raise UsageError(f"unknown rule {wanted!r}{hint}")
        selected: list[CodeInfo] = [found]
    else:
        selected = codes

    if args.format == "json":
        json.dump([_as_json(c) for c in selected] if not args.code else _as_json(selected[0]),
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0

    from iosdmvpn.report.console import STYLES, make_console, styled

    console = make_console(sys.stdout)
    if args.code:
        from rich.markdown import Markdown

        console.print(Markdown(selected[0].markdown()))
        return 0
    from rich.text import Text

    def plain(text: str) -> str:  # docstrings use reST ``literals``
        return text.replace("``", "`")

    if console.width >= WIDE:
        from rich.table import Table

        table = Table(show_edge=False, header_style="bold", pad_edge=False)
        for column in ("Code", "Name", "Severity", "Scope", "Summary"):
            table.add_column(column, no_wrap=column != "Summary")
        for c in selected:
            table.add_row(c.code, c.name, styled(str(c.severity), STYLES[c.severity]),
                          c.scope or c.kind, plain(c.summary))
        console.print(table)
    else:
        from rich.padding import Padding

        # Narrow terminals and pipes: the summary on its own line reads better than a squeezed table.
        for c in selected:
            severity = styled(f"{c.severity!s:<7}", STYLES[c.severity])
            console.print(styled(c.code, "bold") + "  " + severity + f"  {c.name}  ({c.scope or c.kind})")
            console.print(Padding(Text(plain(c.summary)), (0, 0, 0, 8), expand=False), soft_wrap=False)
    kinds = {k: sum(1 for c in selected if c.kind == k) for k in ("rule", "parse", "translate", "meta")}
    console.print(f"{kinds['rule']} rules, {kinds['parse']} parser codes, {kinds['translate']} translation "
                  f"codes, {kinds['meta']} meta codes. `iosdmvpn rules CODE` explains one.")
    return 0


def _as_json(c: object) -> dict[str, object]:
    from iosdmvpn.report.codes import CodeInfo

    assert isinstance(c, CodeInfo)
    return {"code": c.code, "name": c.name, "severity": str(c.severity), "kind": c.kind,
            "scope": c.scope or None, "tags": list(c.tags), "summary": c.summary, "why": c.why or None,
            "examples": {"bad": c.rule.examples("Bad"), "good": c.rule.examples("Good")} if c.rule else None}
