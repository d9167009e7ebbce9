"""``iosdmvpn translate``: write Linux node configurations, one folder per device."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from iosdmvpn.cli._common import HelpFormatter, warn

if TYPE_CHECKING:
    from iosdmvpn.diagnostics import Diagnostic
    from iosdmvpn.parse import ParseResult
    from iosdmvpn.render import TranslateResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

DESCRIPTION = """\
Translate Cisco IOS DMVPN configurations into files for Linux nodes: multipoint GRE
(iproute2 script or systemd-networkd), FRR 8.4 (nhrpd + OSPF/BGP/static), nftables
(the NFLOG rules nhrpd needs, GRE protection) and strongSwan. All files of one run form
one network. Each device gets OUTDIR/<hostname>/ with a README.md that says how to
install the files and what was re-expressed or left out.
"""

EPILOG = """\
examples:
  iosdmvpn translate hub.cfg spoke1.cfg spoke2.cfg -o out/
  iosdmvpn translate configs/ -o out/ --target frr,nftables
  iosdmvpn translate configs/ -o out/ --igp bgp          EIGRP designs: re-express as iBGP
  iosdmvpn translate configs/ -o out/ --interface-map GigabitEthernet0/0=eth0 --interface-map Tunnel0=gre1
  iosdmvpn translate configs/ -o out/ --check            CI: exit 1 when out/ is stale

Writing is atomic: everything is rendered in memory and written to a temporary folder
next to OUTDIR, then renamed into place; each OUTDIR/<hostname>/ is replaced as a whole.
Output is deterministic (no timestamps); swanctl.conf is mode 0600.

exit codes: 0 written (or up to date with --check); 1 refused because of translation
errors (nothing written; --force writes anyway and still exits 1), or --check found
differences; 2 unusable input or a usage error.
"""


HELP = "write Linux (iproute2/networkd, FRR, nftables, strongSwan) configurations"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``translate``."""
    p = subparsers.add_parser("translate", help=HELP, description=DESCRIPTION, epilog=EPILOG,
                              formatter_class=HelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="configuration files or folders (one network)")
    p.add_argument("-o", "--output", "--out", dest="output", metavar="OUTDIR", type=Path, required=True,
                   help="output folder; each device gets OUTDIR/<hostname>/")
    p.add_argument("--target", default="all", metavar="TARGETS",
                   help="comma-separated: iproute2, networkd, frr, strongswan, nftables, or all (default: "
                        "all)")
    p.add_argument("--ipsec", choices=("stock", "vici"), default="stock",
                   help="stock: strongSwan trap policies, nhrpd does not drive IPsec (works with Debian's "
                        "strongSwan); vici: nhrpd 'tunnel protection vici profile' (needs a patched "
                        "strongSwan) (default: stock)")
    p.add_argument("--igp", choices=("ospf", "bgp"),
                   help="re-express the routing over the DMVPN as OSPF or iBGP (needed for EIGRP and RIP "
                        "designs, which FRR 8.4 cannot run over nhrpd)")
    p.add_argument("--interface-map", action="append", metavar="IOS=LINUX", default=[],
                   help="Linux name for an IOS interface (repeatable), e.g. GigabitEthernet0/0=eth0")
    p.add_argument("--force", action="store_true",
                   help="write the output even when translation errors make it incomplete (exit code stays "
                        "1)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when OUTDIR differs from what would be written")
    p.add_argument("--show-source", action=argparse.BooleanOptionalAction, default=True,
                   help="show the configuration lines of each diagnostic (default: on)")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return p


def _interface_map(values: list[str]) -> dict[str, str]:
    from iosdmvpn.api import UsageError
    from iosdmvpn.render.names import parse_interface_map

    pairs: dict[str, str] = {}
    for value in values:
        ios, sep, linux = value.partition("=")
        if not sep or not ios.strip() or not linux.strip():
            raise UsageError(f"--interface-map expects IOS=LINUX, got {value!r}")
        pairs[ios.strip()] = linux.strip()
    try:
        return parse_interface_map(pairs)
    except ValueError as exc:
        raise UsageError(f"--interface-map: {exc}") from None


def run(args: argparse.Namespace) -> int:
    """Parse, translate, report, and write (or check) the output tree."""
    from iosdmvpn import api
    from iosdmvpn.config import Settings
    from iosdmvpn.render import parse_targets, translate

    try:
        targets = parse_targets(args.target)
    except ValueError as exc:
        raise api.UsageError(f"--target: {exc}") from None
    interface_map = _interface_map(args.interface_map)
    outdir: Path = args.output
    if outdir.exists() and not outdir.is_dir():
        raise api.UsageError(f"{str(outdir)!r} exists and is not a folder")
    if "-" in args.paths:
        raise api.UsageError("translate reads files, not standard input")

    results = api.parse_paths(api.collect_files(args.paths, Settings()))
    result = translate(results, targets, ipsec_mode=args.ipsec, igp=args.igp, interface_map=interface_map)
    _report(result, results, sys.stdout, args)
    if result.unusable:
        print(f"iosdmvpn: {len(result.unusable)} input(s) could not be used; nothing was written",
              file=sys.stderr)
        return EXIT_ERROR
    blocked = bool(result.blocking)
    if args.check:
        changes = _differences(outdir, result)
        for line in changes:
            print(line)
        if changes:
            print(f"iosdmvpn: {outdir} is out of date ({len(changes)} difference(s))", file=sys.stderr)
        return EXIT_FINDINGS if changes or blocked else EXIT_OK
    if blocked and not args.force:
        print(f"iosdmvpn: refusing to write {outdir}: {len(result.blocking)} translation error(s) would make "
              "the output not do what the IOS configuration does (fix them, use --igp for EIGRP/RIP, "
              "or --force to write anyway)", file=sys.stderr)
        return EXIT_FINDINGS
    if not result.files:
        print("iosdmvpn: nothing to write", file=sys.stderr)
        return EXIT_FINDINGS if blocked else EXIT_OK
    try:
        write_tree(outdir, result.files, result.hostnames)
    except OSError as exc:
        raise api.UsageError(f"cannot write {str(outdir)!r}: {exc.strerror or exc}") from None
    if not args.quiet:
        hosts = ", ".join(result.hostnames)
        print(f"Wrote {len(result.files)} files for {hosts} into {outdir}", file=sys.stderr)
    return EXIT_FINDINGS if blocked else EXIT_OK


# ---------------------------------------------------------------------------- reporting


def _report(result: TranslateResult, results: list[ParseResult], out: TextIO,
            args: argparse.Namespace) -> None:
    from iosdmvpn.diagnostics import Severity

    shown = [d for d in result.diagnostics if not args.quiet or d.severity is Severity.ERROR]
    sources = {r.path: r.source for r in results if r.source is not None}
    try:
        from iosdmvpn.report.text import write_diagnostics
    except ImportError:  # the report package is optional for translate
        for d in shown:
            print(_plain(d), file=out)
    else:
        write_diagnostics(shown, sources, out, show_source=args.show_source)
    if not args.quiet:
        counts = {s: sum(1 for d in result.diagnostics if d.severity is s) for s in Severity}
        parts = [f"{n} {s}{'s' if n != 1 else ''}" for s, n in sorted(counts.items(), reverse=True) if n]
        print(f"Translation: {', '.join(parts) or 'no diagnostics'} for {len(results)} file(s).", file=out)


def _plain(d: Diagnostic) -> str:
    return f"{d.span.path}:{d.span.line}:{d.span.column}: {d.severity} {d.code} {d.name}: {d.message}"


# ---------------------------------------------------------------------------- writing


def _write_files(root: Path, files: dict[str, tuple[str, int]]) -> None:
    for rel, (text, mode) in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create with the final mode (no window where a secret file is world-readable).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            os.fchmod(f.fileno(), mode)  # umask may have narrowed the mode given to open()
    for folder, dirs, _ in os.walk(root):
        for d in dirs:
            os.chmod(os.path.join(folder, d), 0o755)


def write_tree(outdir: Path, files: dict[str, tuple[str, int]], hostnames: list[str]) -> None:
    """Write ``files`` (``<hostname>/<path>``) under ``outdir`` atomically per host folder.

    Everything is written to a temporary folder beside ``outdir`` first. A new ``outdir``
    is then renamed into place in one step; in an existing one, each host folder is
    swapped in by rename, and every swap is undone if one fails.
    """
    outdir = Path(os.path.abspath(outdir))
    outdir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tmp-", dir=outdir.parent))
    try:
        _write_files(tmp, files)
        if not outdir.exists():
            os.chmod(tmp, 0o755)
            os.rename(tmp, outdir)
            return
        moved: list[tuple[Path, Path | None]] = []  # (dest, old copy)
        try:
            for host in hostnames:
                dest = outdir / host
                old = None
                if dest.exists() or dest.is_symlink():
                    old = tmp / f".old-{host}"
                    os.rename(dest, old)
                moved.append((dest, old))
                os.rename(tmp / host, dest)
        except OSError:
            for dest, old in reversed(moved):
                if dest.exists() and old is not None:
                    shutil.rmtree(dest, ignore_errors=True)
                if old is not None and old.exists():
                    os.rename(old, dest)
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _read_tree(root: Path) -> dict[str, tuple[bytes, int]]:
    found: dict[str, tuple[bytes, int]] = {}
    if not root.is_dir():
        return found
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mode & 0o777)
    return found


def _differences(outdir: Path, result: TranslateResult) -> list[str]:
    """What writing would change under ``outdir`` (only in the translated hosts' folders)."""
    lines: list[str] = []
    for host in result.hostnames:
        have = _read_tree(outdir / host)
        want = {rel.split("/", 1)[1]: (text.encode("utf-8"), mode)
                for rel, (text, mode) in result.files.items() if rel.split("/", 1)[0] == host}
        for rel in sorted(set(have) | set(want)):
            if rel not in have:
                lines.append(f"missing: {host}/{rel}")
            elif rel not in want:
                lines.append(f"extra: {host}/{rel}")
            elif have[rel][0] != want[rel][0]:
                lines.append(f"changed: {host}/{rel}")
            elif have[rel][1] != want[rel][1]:
                lines.append(f"mode {oct(have[rel][1])} != {oct(want[rel][1])}: {host}/{rel}")
    return lines


__all__ = ["add_parser", "run", "write_tree"]
if __name__ == "__main__":  # pragma: no cover
    warn("run as: iosdmvpn translate")
