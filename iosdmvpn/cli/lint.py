"""``iosdmvpn lint``: check configurations, alone or as one network."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iosdmvpn.cli._common import (
    HelpFormatter,
    add_settings_arguments,
    output,
    settings_from_args,
    split_codes,
)

if TYPE_CHECKING:
    from iosdmvpn.api import LintResult, Progress

DESCRIPTION = """\
Lint Cisco IOS DMVPN configurations. Folders are searched for *.cfg, *.ios, *.conf
and, when they look like IOS, *.txt and extension-less files. All files of one run form
one network, so hub-to-spoke agreement (keys, NBMA addresses, crypto) is checked too;
--no-network checks each file on its own. With no PATH, the `paths` of the settings
are linted (default: the working directory).
"""

EPILOG = """\
examples:
  iosdmvpn lint configs/
  iosdmvpn lint hub.cfg spoke-*.cfg --select DMV2 --ignore DMV211
  iosdmvpn lint --fail-on warning configs/        fail on warnings too
  iosdmvpn lint --format json -o lint.json configs/
  iosdmvpn lint --format sarif -o iosdmvpn.sarif configs/   (GitHub code scanning)
  cat hub.cfg | iosdmvpn lint --stdin-filename hub.cfg -
  iosdmvpn lint --statistics configs/              count findings per rule

suppressions (IOS comments):
  ! iosdmvpn: disable=DMV209,DMV210     the next command, or the whole stanza it opens
  ! iosdmvpn: disable-file=DMV211       the whole file

exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 unusable input (missing, binary, not UTF-8, a template) or a usage error.
"""

PROGRESS_MIN_FILES = 10
_KEPT: list[object] = []  # the parser's stanza trees of the last run (see run)
KEEP_TREES_FROM_LINES = 5_000


HELP = "check configurations for DMVPN mistakes"  # the one-line summary in `iosdmvpn --help`


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``lint``."""
    p = subparsers.add_parser("lint", help=HELP,
                              description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders to lint; - reads standard input")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=("auto", "text", "json", "sarif", "github"), default="auto",
                     help="report format; auto is github under GitHub Actions, else text (default: auto)")
    out.add_argument("-o", "--output", metavar="FILE", type=Path, help="write the report to FILE")
    out.add_argument("--show-source", action=argparse.BooleanOptionalAction, default=True,
                     help="show the configuration lines of each finding (text format; default: on)")
    out.add_argument("--max-related", type=int, default=3, metavar="N",
                     help="related locations drawn per finding, the rest counted (text format; "
                          "0 draws all; default: 3)")
    out.add_argument("--statistics", action="store_true",
                     help="print the number of findings per rule instead of the findings")
    sel = p.add_argument_group("rule selection")
    sel.add_argument("--select", action="append", metavar="CODES",
                     help="only these codes, prefixes (DMV2), rule names or ALL; replaces the settings")
    sel.add_argument("--ignore", action="append", metavar="CODES",
                     help="skip these codes, prefixes or rule names; added to the settings")
    sel.add_argument("--fail-on", choices=("error", "warning", "info"),
                     help="lowest severity that makes the exit code 1 (default: error)")
    sel.add_argument("--exit-zero", action="store_true",
                     help="exit 0 even when findings are reported (2 still means unusable input)")
    net = p.add_argument_group("network")
    net.add_argument("--network", action=argparse.BooleanOptionalAction, default=None,
                     help="lint all files as one network (default), or each file alone")
    net.add_argument("--complete-network", action=argparse.BooleanOptionalAction, default=None,
                     help="declare that every hub of the network is among the files")
    files = p.add_argument_group("files")
    files.add_argument("--force-exclude", action="store_true",
                       help="apply the `exclude` setting to files named on the command line too")
    files.add_argument("--stdin-filename", metavar="NAME",
                       help="the name standard input is reported under (and matched by per-file-ignores)")
    add_settings_arguments(p)
    return p


def _progress(enabled: bool) -> tuple[Progress | None, list[Any]]:
    """A progress callback drawing a rich bar on stderr once there are many files."""
    if not enabled:
        return None, []
    holder: list[Any] = []

    def update(done: int, total: int, path: str) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        if not holder:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            bar = Progress(TextColumn("linting"), BarColumn(), MofNCompleteColumn(),
                           TextColumn("{task.description}"), console=Console(stderr=True), transient=True)
            bar.start()
            holder.extend([bar, bar.add_task("", total=total)])
        bar, task = holder
        bar.update(task, completed=done, description=os.path.basename(path))
        if done >= total:
            bar.stop()

    return update, holder


def run(args: argparse.Namespace) -> int:
    """Lint, report, and return the exit code."""
    from iosdmvpn import api
    from iosdmvpn.config import SettingsError
    from iosdmvpn.report import resolve_format

    settings = settings_from_args(args)
    changes: dict[str, Any] = {"fail_on": args.fail_on, "network": args.network,
                               "complete_network": args.complete_network}
    select = split_codes(args.select)
    ignore = split_codes(args.ignore)
    if select is not None:
        changes["select"] = select
    if ignore is not None:
        changes["ignore"] = [*settings.ignore, *ignore]
    settings = settings.override(**changes)
    fmt = resolve_format(args.format)
    if args.statistics and fmt not in ("text", "json"):
        raise api.UsageError("--statistics works with --format text or json")

    from iosdmvpn.parse import keeping

    callback, holder = _progress(sys.stderr.isatty())
    try:
        # The stanza trees of large files are kept to the end, not freed file by file: the
        # process exits without freeing anything (see cli.entry), and freeing a
        # 100,000-line file's tree alone costs about 15 ms.
        _KEPT.clear()  # tests call main() again and again in one process
        with keeping(_KEPT, min_lines=KEEP_TREES_FROM_LINES):
            result = api.lint(args.paths, settings, force_exclude=args.force_exclude,
                              stdin_filename=args.stdin_filename, progress=callback)
    except SettingsError as exc:
        raise api.UsageError(str(exc)) from None
    finally:
        if holder:
            holder[0].stop()
    with output(args.output) as out:
        _report(fmt, result, out, args)
    return api.exit_code(result, exit_zero=args.exit_zero)


def _report(fmt: str, result: LintResult, out: Any, args: argparse.Namespace) -> None:
    if fmt == "json":
        from iosdmvpn.report import json as json_report

        json_report.render(result, out, statistics=args.statistics)
    elif fmt == "sarif":
        from iosdmvpn import api
        from iosdmvpn.report import sarif

        sarif.render(result, out, api.catalog())
    elif fmt == "github":
        from iosdmvpn.report import github

        github.render(result, out)
    else:
        from iosdmvpn.report import text

        text.render(result, out, show_source=args.show_source, statistics=args.statistics,
                    max_related=args.max_related)
