"""Host side of ``iosdmvpn lab``: prepare scenarios from configs, run them in one guest, report.

:func:`prepare_paths` parses and translates one network per call (see
:mod:`iosdmvpn.lab.scenario`); :func:`run_prepared` runs every runnable scenario in a
single guest (one VM boot) and returns a :class:`LabReport`, the model ``--format json``
prints.  Scenarios the lab refused (e.g. EIGRP without ``--igp``) are in the report with
their reasons and count as failed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from iosdmvpn.lab.environment import Capabilities
from iosdmvpn.lab.results import PROGRESS_MARKER, ProgressEvent, ScenarioResult
from iosdmvpn.lab.scenario import DeviceInfo, Igp, LabInputError, Prepared, lab_name, prepare
from iosdmvpn.lab.spec import LabRequest, ScenarioSpec
from iosdmvpn.lab.vm import OutputFn, VmMode, run_lab

Status = Literal["passed", "failed", "refused", "error"]


class ScenarioReport(BaseModel):
    """One network: what the lab built, and what each check saw."""

    name: str
    paths: list[str]
    igp: str | None = None
    status: Status
    reasons: list[str] = Field(default_factory=list)  # why refused / errors
    notes: list[str] = Field(default_factory=list)  # liberties the lab took (assigned NBMA, ...)
    devices: list[DeviceInfo] = Field(default_factory=list)
    result: ScenarioResult | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"


class LabReport(BaseModel):
    """Everything ``iosdmvpn lab`` found; ``passed`` is the exit status (0 / 1)."""

    passed: bool = False
    mode: str | None = None  # "vm" | "direct"; None when nothing ran
    guest_exit: int | None = None  # the guest's exit status (0: every scenario as expected)
    kernel: str | None = None
    boot_s: float | None = None  # VM launch -> guest start (host wall clock)
    wall_s: float | None = None  # whole guest run (host wall clock)
    error: str | None = None
    scenarios: list[ScenarioReport] = Field(default_factory=list)


def scenario_name(paths: Sequence[str], igp: str | None) -> str:
    """``seed-network-bgp`` from ``examples/seed-network --igp bgp``; files of one folder are
    named after it, a single file after itself."""
    first = Path(paths[0]) if paths else Path("lab")
    parents = {Path(p).resolve().parent for p in paths}
    if first.is_dir():
        stem = first.resolve().name
    elif len(paths) > 1 and len(parents) == 1:
        stem = parents.pop().name
    else:
        stem = first.stem
    return lab_name(f"{stem}-{igp}" if igp else stem, limit=40)


def prepare_paths(paths: Sequence[str], *, workdir: Path, igp: Igp | None = None,
                  name: str | None = None) -> Prepared:
    """Parse every configuration under ``paths`` (one network) and prepare its scenario.

    Raises:
        iosdmvpn.api.UsageError: A path holds no configuration.
        LabInputError: An input is not a usable configuration.
    """
    from iosdmvpn import api
    from iosdmvpn.config import Settings

    files = api.collect_files(list(paths), Settings())
    results = api.parse_paths(files)
    name = name or scenario_name(paths, igp)
    return prepare(results, name=name, workdir=workdir / name, igp=igp, paths=files)


def run_prepared(
    prepared: Sequence[Prepared],
    *,
    vm: VmMode = "auto",
    keep: bool = False,
    timeout: float = 1500.0,
    on_output: OutputFn | None = None,
    caps: Capabilities | None = None,
    extra: Sequence[ScenarioSpec] = (),
) -> LabReport:
    """Run every runnable scenario (and ``extra`` hand-written specs) in one guest; refused
    ones are reported as such.

    Raises:
        iosdmvpn.lab.vm.LabUnavailable: Neither this host nor the VM path can run the lab.
    """
    report = LabReport()
    reports: dict[str, ScenarioReport] = {}
    for p in prepared:
        reports[p.name] = ScenarioReport(
            name=p.name, paths=p.paths, igp=p.igp, status="refused" if not p.runnable else "error",
            reasons=list(p.refusal), notes=list(p.notes), devices=list(p.devices))
    for spec in extra:
        reports[spec.name] = ScenarioReport(name=spec.name, paths=[], status="error")
    runnable = [p.spec for p in prepared if p.runnable and p.spec is not None] + list(extra)
    if runnable:
        lab = run_lab(LabRequest(scenarios=runnable, keep=keep), vm=vm, timeout=timeout,
                      on_output=on_output, caps=caps)
        report.mode, report.guest_exit = lab.mode, lab.command.exit_code
        res = lab.result
        if res is None:
            tail = "\n".join((lab.command.stdout + lab.command.stderr)[-15:])
            report.error = (f"the lab guest produced no result (exit {lab.command.exit_code}"
                            f"{', timed out' if lab.command.timed_out else ''}); last output:\n{tail}")
        else:
            report.kernel, report.boot_s, report.wall_s = res.kernel, res.boot_s, res.wall_s
            for s in res.scenarios:
                r = reports[s.name]
                r.result = s
                r.status = "passed" if s.passed else "failed"
                r.reasons += s.errors
        for r in reports.values():
            if r.status == "error" and not r.reasons:
                r.reasons.append(report.error or "no result for this scenario")
    report.scenarios = list(reports.values())
    report.passed = (report.error is None and bool(report.scenarios)
                     and all(r.passed for r in report.scenarios))
    return report


def parse_progress(line: str) -> ProgressEvent | None:
    """The event of a guest progress line, else None."""
    at = line.find(PROGRESS_MARKER)
    if at < 0:
        return None
    try:
        return ProgressEvent.model_validate(json.loads(line[at + len(PROGRESS_MARKER):]))
    except (ValueError, TypeError):
        return None


class Workdir:
    """A temporary folder for the translated files (under /tmp, which the VM sees)."""

    def __init__(self, keep: bool = False) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="iosdmvpn-lab-"))
        self.keep = keep

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)


ProgressFn = Callable[[ProgressEvent], None]

__all__ = ["LabInputError", "LabReport", "ScenarioReport", "Workdir", "parse_progress", "prepare_paths",
           "run_prepared", "scenario_name"]
