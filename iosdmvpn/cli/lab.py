"""``iosdmvpn lab``: build the translated network on a real Linux kernel and check it works."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from iosdmvpn.cli._common import HelpFormatter

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status

    from iosdmvpn.lab.runner import LabReport, ScenarioReport

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2

DESCRIPTION = """\
Translate the given network (IPsec in stock mode: strongSwan trap policies) and build it
on a real Linux kernel: one network namespace per device, an underlay namespace routing
between their NBMA addresses (the tunnel sources' IOS addresses; DHCP/dialer ones are
assigned by the lab), each device's other interfaces as dummy interfaces with their IOS
addresses, FRR per device and strongSwan where IOS protects the tunnel. Then it checks
what the IOS design implies:

  1. registration  every spoke is in each of its hubs' NHRP cache
  2. routing       adjacencies / BGP sessions up; every site's LAN prefixes learned
  3. ipsec         SAs up between protected peers; no cleartext GRE crossed the underlay
  4. ping          every site's LAN address reaches the other sites' LAN addresses
  5. shortcut      phase 2/3: a direct spoke-to-spoke NHRP entry after spoke-to-spoke traffic

Everything is torn down at the end (daemons stopped by PID) unless --keep. Runs directly
when this kernel has GRE, XFRM and dummy support and the tools are installed, otherwise
inside a QEMU VM (virtme-ng, Debian's kernel; about 30-50 s to boot without KVM).
"""

EPILOG = """\
examples:
  iosdmvpn lab examples/seed-phase3-bgp/
  iosdmvpn lab examples/seed-network/ --igp ospf     EIGRP designs: test the --igp re-expression
  iosdmvpn lab hub.cfg spoke1.cfg spoke2.cfg --format json > lab.json
  python3 -m iosdmvpn.lab env                        what is installed, what is missing

EIGRP cannot run over nhrpd with FRR 8.4: an EIGRP design fails with the reason; re-run
it with --igp ospf or --igp bgp.

exit codes: 0 every expectation held; 1 a check failed or the lab cannot build the design
(e.g. EIGRP without --igp); 2 unusable input, a usage error, or the lab cannot run here
(the message says what to install).
"""


HELP = "build the translated network in namespaces and check it works"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``lab``."""
    p = subparsers.add_parser("lab", help=HELP,
                              description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="configuration files or folders (one network)")
    p.add_argument("--igp", choices=("ospf", "bgp"),
                   help="re-express the routing over the DMVPN as OSPF or iBGP (what translate --igp does)")
    p.add_argument("--vm", choices=("auto", "always", "never"), default="auto",
                   help="auto: run directly when this kernel can, else in a QEMU VM; always: in the VM; "
                        "never: directly (needs root) (default: auto)")
    p.add_argument("--keep", action="store_true",
                   help="leave namespaces and daemons running (direct mode; a VM powers off anyway) and "
                        "keep the translated files")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="results as a table or as JSON on standard output (default: text)")
    p.add_argument("--timeout", type=float, default=1500.0, metavar="SECONDS",
                   help="give up after this long (default: 1500)")
    p.add_argument("-v", "--verbose", action="store_true", help="also show the guest's log on standard error")
    return p


def run(args: argparse.Namespace) -> int:
    """Prepare, run, report."""
    from iosdmvpn import api
    from iosdmvpn.lab.runner import LabInputError, Workdir, prepare_paths, run_prepared
    from iosdmvpn.lab.vm import LabUnavailable

    if "-" in args.paths:
        raise api.UsageError("lab reads files, not standard input")
    if args.timeout <= 0:
        raise api.UsageError("--timeout must be positive")
    progress = Progress(verbose=args.verbose)
    with Workdir(keep=args.keep) as workdir:
        try:
            prepared = prepare_paths(args.paths, workdir=workdir, igp=args.igp)
        except LabInputError as exc:
            raise api.UsageError(str(exc)) from None
        progress.prepared(prepared.name, prepared.notes, prepared.refusal)
        if args.keep and args.vm != "never":
            progress.note("--keep: namespaces and daemons stay only when the lab runs directly on this "
                          "host (--vm never); a VM powers off at the end")
        try:
            if prepared.runnable:
                with progress:
                    report = run_prepared([prepared], vm=args.vm, keep=args.keep, timeout=args.timeout,
                                          on_output=progress.on_output)
            else:  # refused (e.g. EIGRP without --igp): nothing to boot
                report = run_prepared([prepared])
        except LabUnavailable as exc:
            print(f"iosdmvpn: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if args.keep:
            progress.note(f"translated files kept in {workdir / prepared.name}")
    if args.format == "json":
        print(report.model_dump_json(indent=2))
    else:
        print_report(report)
    return EXIT_OK if report.passed else EXIT_FAILED


# ---------------------------------------------------------------------------- live progress


class Progress:
    """Live progress on standard error from the guest's progress lines (thread-safe)."""

    def __init__(self, verbose: bool = False) -> None:
        from rich.console import Console

        self.console: Console = Console(stderr=True, highlight=False)
        self.verbose = verbose
        self.lock = threading.Lock()
        self.status: Status | None = None
        self.t0 = time.monotonic()
        self.booted = False
        self.boot_noted = False
        self.scenario = ""
        self.counts = [0, 0]  # passed, failed

    def __enter__(self) -> Progress:
        self.t0 = time.monotonic()
        if self.console.is_terminal:
            self.status = self.console.status(_Ticking("starting the lab (a VM boot takes 25-50 s)", self.t0),
                                              spinner="dots")
            self.status.start()
        else:
            self.console.print("lab: starting (a VM boot takes 25-50 s)")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def note(self, text: str) -> None:
        self.console.print(f"[dim]lab:[/] {text}", markup=True, soft_wrap=True)

    def prepared(self, name: str, notes: list[str], refusal: list[str]) -> None:
        for n in notes:
            self.note(n)
        if refusal:
            self.console.print(f"[bold red]lab: {name}: cannot build this design[/]")

    def _update(self, text: str) -> None:
        if self.status is not None:
            self.status.update(_Ticking(text, self.t0))
        else:
            self.console.print(f"lab: {text} ({time.monotonic() - self.t0:.0f} s)", markup=False)

    def on_output(self, stream: str, line: str) -> None:
        from iosdmvpn.lab.results import RESULT_MARKER, START_MARKER
        from iosdmvpn.lab.runner import parse_progress

        with self.lock:
            if START_MARKER in line:
                self.booted = True
                self.console.print(f"[dim]lab:[/] guest up after {time.monotonic() - self.t0:.1f} s")
                if self.status is not None:
                    self._update("guest started")
                return
            if line.startswith(RESULT_MARKER):
                return
            event = parse_progress(line)
            if event is None:
                if self.verbose:
                    self.console.print(line, markup=False, style="dim")
                elif not self.booted and not self.boot_noted:
                    self.boot_noted = True
                    self._update("booting the lab VM (QEMU without KVM: 25-50 s)")
                return
            self._event(event)

    def _event(self, event: Any) -> None:
        if event.kind == "scenario":
            self.scenario = event.scenario
            self.console.print(f"[bold]scenario {event.scenario}[/] {event.detail}", soft_wrap=True)
        elif event.kind == "stage":
            self._update(f"{event.scenario}: {event.stage}")
        elif event.kind == "check" and event.check is not None:
            c = event.check
            ok = c.passed == c.expected_pass
            self.counts[0 if ok else 1] += 1
            mark = "[green]ok[/]" if ok else "[bold red]FAIL[/]"
            extra = "" if ok else f" [red]{_short(c.detail, 160)}[/]"
            self.console.print(f"  {mark} {c.name} {c.subject} [dim]{c.duration_s:.1f} s[/]{extra}",
                               markup=True, highlight=False)
        elif event.kind == "done":
            verdict = "[green]passed[/]" if event.passed else "[bold red]failed[/]"
            self.console.print(f"[bold]scenario {event.scenario}[/] {verdict}"
                               + (f": {event.detail}" if event.detail else ""))


class _Ticking:
    """Status text whose elapsed time is computed at each refresh (rich calls __rich__)."""

    def __init__(self, text: str, t0: float) -> None:
        self.text, self.t0 = text, t0

    def __rich__(self) -> str:
        return f"{self.text} [dim]({time.monotonic() - self.t0:.0f} s)[/]"


# ---------------------------------------------------------------------------- results


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def print_report(report: LabReport) -> None:
    """The results as rich tables on standard output."""
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = 160  # logs and pipes: do not fold the tables at 80 columns
    if report.mode is not None:
        boot = f", VM boot {report.boot_s} s" if report.mode == "vm" else ""
        console.print(f"lab: {report.mode} mode, kernel {report.kernel}{boot}, wall {report.wall_s} s")
    if report.error:
        console.print(f"[bold red]error:[/] {report.error}", markup=True)
    for s in report.scenarios:
        _print_scenario(console, s)
    n_ok = sum(s.passed for s in report.scenarios)
    verdict = "[bold green]PASSED[/]" if report.passed else "[bold red]FAILED[/]"
    console.print(f"{verdict}: {n_ok} of {len(report.scenarios)} scenario(s) met every expectation")


def _print_scenario(console: Console, s: ScenarioReport) -> None:
    from rich.table import Table

    igp = f" (--igp {s.igp})" if s.igp else ""
    style = "bold green" if s.status == "passed" else "bold red"
    console.print()
    label = "NOT BUILT" if s.status == "refused" else s.status.upper()
    console.print(f"[bold]{s.name}[/]{igp}: [{style}]{label}[/]", markup=True)
    for reason in s.reasons:
        console.print(f"  {reason}", markup=False, soft_wrap=True)
    if s.devices:
        t = Table(title="devices", title_justify="left", show_edge=False)
        for col in ("device", "role", "NBMA", "tunnel", "phase", "IPsec", "routing", "expects"):
            t.add_column(col)
        for d in s.devices:
            nbma = d.nbma if d.nbma_origin == "ios" else f"{d.nbma} {d.nbma_origin}"
            t.add_row(d.name, d.role, nbma, d.tunnel, str(d.phase), "yes" if d.protected else "no",
                      ",".join(d.routing) or "-", ", ".join(d.expect_routes) or "-")
        console.print(t)
    for note in s.notes:
        console.print(f"  note: {note}", markup=False, style="dim", soft_wrap=True)
    r = s.result
    if r is None:
        return
    t = Table(title="checks", title_justify="left", show_edge=False)
    for col in ("check", "subject", "result", "s", "what the lab saw"):
        t.add_column(col, no_wrap=col != "what the lab saw")
    for c in r.checks:
        ok = c.passed == c.expected_pass
        verdict = ("pass" if c.passed else "fail (expected)") if ok else "FAIL"
        t.add_row(c.name, c.subject, f"[{'green' if ok else 'bold red'}]{verdict}[/]", f"{c.duration_s:.1f}",
                  _short(c.detail, 110))
    console.print(t)
    tm = r.timings
    console.print(f"  timings: setup {tm.setup_s} s, daemons {tm.daemons_s} s, convergence "
                  f"{tm.convergence_s if tm.convergence_s is not None else '-'} s, checks {tm.checks_s} s, "
                  f"total {tm.total_s} s", markup=False)
    gre = {name: w for name, w in r.wire.items()}
    if gre:
        counts = "; ".join(f"{n} gre {w.gre} esp {w.esp}" for n, w in gre.items())
        console.print(f"  underlay packets: {counts}", markup=False)
    for log, tail in r.logs.items() if not s.passed else ():
        console.print(f"  --- {log} (last lines)", markup=False, style="dim")
        console.print(tail, markup=False, style="dim")
