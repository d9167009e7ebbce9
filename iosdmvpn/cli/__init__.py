"""The ``iosdmvpn`` command: ``main(argv) -> int`` and one module per subcommand.

Subcommand module contract
--------------------------
Each subcommand is a module of this package (``lint``, ``parse``, ``rules``, and
``translate`` when ``iosdmvpn/cli/translate.py`` exists) with a ``HELP`` string (its line in
``iosdmvpn --help``) and two functions::

    def add_parser(
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    ) -> argparse.ArgumentParser:
        '''Create the subcommand's parser with ``subparsers.add_parser(NAME, ...)`` and return it.'''

    def run(args: argparse.Namespace) -> int:
        '''Carry the command out and return its exit code.'''

:func:`main` calls ``add_parser`` for the chosen subcommand (and for every one when none
is chosen, for ``--help``), binds ``run`` to the returned parser, and calls it. The rules a module follows:

* Import heavy modules (``iosdmvpn.api``, ``iosdmvpn.render``, jinja2, rich) inside
  ``run``, never at module level: every module is imported for every command, and
  ``iosdmvpn parse`` must start fast.
* Exit codes: 0 success, 1 findings (or, for a ``--check`` mode, differences), 2 a
  usage error or unusable input. Return them; never call ``sys.exit``.
* A user mistake raises :class:`iosdmvpn.api.UsageError` or
  :class:`iosdmvpn.config.SettingsError`; ``main`` prints ``iosdmvpn: error: ...`` and
  returns 2. Any other exception is reported as a one-line internal error (exit 2).
* Results go to standard output (or ``--output``), messages and progress to standard
  error. ``_common.add_settings_arguments`` / ``_common.settings_from_args`` give the
  ``--config`` / ``--isolated`` options and the settings they select.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from iosdmvpn import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

# In help order. `translate` is optional: it joins when its module exists.
SUBCOMMANDS = ("lint", "parse", "rules", "translate", "lab")

DESCRIPTION = """\
Lint Cisco IOS / IOS-XE DMVPN configurations, alone or as a network of hub and
spokes, and translate them to Linux (iproute2, systemd-networkd, FRR, strongSwan).
"""

EPILOG = """\
examples:
  iosdmvpn lint configs/                   lint every config under configs/ as one network
  iosdmvpn lint hub.cfg spoke1.cfg         lint a hub and a spoke together
  iosdmvpn lint --format sarif -o out.sarif configs/
  iosdmvpn parse hub.cfg                   show what the parser understood
  iosdmvpn rules                           list every rule; `iosdmvpn rules DMV101` explains one

exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error or unusable input.
Settings are read from [tool.iosdmvpn] in pyproject.toml or from iosdmvpn.toml.
"""


def _modules() -> list[ModuleType]:
    found = []
    for name in SUBCOMMANDS:
        full = f"{__name__}.{name}"
        if name == "translate" and importlib.util.find_spec(full) is None:
            continue
        found.append(importlib.import_module(full))
    return found


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every available subcommand.

    With ``only``, the other subcommands get a bare parser (their name and one-line help):
    defining every option of every command is a few ms of each run's start-up.
    """
    parser = argparse.ArgumentParser(
        prog="iosdmvpn", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"iosdmvpn {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in _modules():
        name = module.__name__.rsplit(".", 1)[-1]
        if only is None or name == only:
            sub = module.add_parser(subparsers)
        else:
            sub = subparsers.add_parser(name, help=module.HELP)
        sub.set_defaults(handler=module.run)
    return parser


def _exit_status(exc: SystemExit) -> int:
    if exc.code is None:
        return EXIT_OK
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return EXIT_ERROR


def _internal_error(exc: BaseException) -> int:
    from iosdmvpn.source import redact

    if os.environ.get("IOSDMVPN_TRACEBACK"):
        import traceback

        traceback.print_exception(exc)
    # One line, secrets masked (an exception may quote a configuration line).
    detail = redact(" ".join(f"{type(exc).__name__}: {exc}".split()))
    print(f"iosdmvpn: internal error: {detail}. This is a bug in iosdmvpn; please report it with the "
          "command you ran (set IOSDMVPN_TRACEBACK=1 to see the traceback).", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``iosdmvpn`` command line and return the exit code (never raises)."""
    # pydantic scans every installed distribution for plugins when the first model is
    # built; a CLI has no use for them and the scan costs startup time.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        parser = build_parser(words[0] if words and words[0] in SUBCOMMANDS else None)
        try:
            args = parser.parse_args(words)
        except SystemExit as exc:  # --help, --version and usage errors
            return _exit_status(exc)
        handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_usage(sys.stderr)
            print("iosdmvpn: error: a command is required (lint, parse, rules, ...); see iosdmvpn --help",
                  file=sys.stderr)
            return EXIT_ERROR
        return int(handler(args))
    except SystemExit as exc:
        return _exit_status(exc)
    except KeyboardInterrupt:
        print("iosdmvpn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`iosdmvpn lint | head`); silence the flush at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception as exc:  # the promise is: no traceback, ever
        from iosdmvpn.api import UsageError
        from iosdmvpn.config import SettingsError

        if isinstance(exc, UsageError | SettingsError):
            for line in str(exc).splitlines() or [type(exc).__name__]:
                print(f"iosdmvpn: error: {line}", file=sys.stderr)
            return EXIT_ERROR
        return _internal_error(exc)


def entry() -> None:
    """Console-script entry point: :func:`main`, then a fast exit.

    Linting a large network leaves hundreds of thousands of small objects; tearing them
    down one by one at interpreter exit costs more than parsing a small config. Output
    is flushed and nothing else is pending (files are written and closed by then), so
    the process ends without that teardown. Tests call :func:`main` and keep the
    normal exit.
    """
    import gc

    # The cyclic collector finds nothing to free in a run this short (linting 4,000 configs
    # peaks at the same memory without it), but walks every model node again and again
    # while they are built, and once more after each parse.
    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or EXIT_FINDINGS
    os._exit(code)


__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "build_parser", "entry", "main"]
