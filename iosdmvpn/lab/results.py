"""Result models the guest prints as JSON (one line after ``RESULT_MARKER``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

RESULT_MARKER = "@@IOSDMVPN-LAB-RESULT@@"
START_MARKER = "@@IOSDMVPN-LAB-GUEST-START@@"
# machine-readable progress lines (stderr), one ProgressEvent JSON each, for live displays
PROGRESS_MARKER = "@@IOSDMVPN-LAB-PROGRESS@@"


class CheckResult(BaseModel):
    name: str
    subject: str
    passed: bool
    expected_pass: bool = True
    detail: str = ""
    started_s: float = 0.0  # seconds since the scenario started
    duration_s: float = 0.0

    @property
    def as_expected(self) -> bool:
        return self.passed == self.expected_pass


class WireCounters(BaseModel):
    """Packets seen by the wan router on one device's link (tx = sent by the device)."""

    gre_tx: int = 0
    gre_rx: int = 0
    esp_tx: int = 0
    esp_rx: int = 0
    ike_tx: int = 0
    ike_rx: int = 0

    @property
    def gre(self) -> int:
        return self.gre_tx + self.gre_rx

    @property
    def esp(self) -> int:
        return self.esp_tx + self.esp_rx


class ScenarioTimings(BaseModel):
    setup_s: float = 0.0  # namespaces, dmvpn.sh, nft, charon
    daemons_s: float = 0.0  # FRR daemons started and configured
    convergence_s: float | None = None  # daemons up -> registration + routing checks passed
    checks_s: float = 0.0
    teardown_s: float = 0.0
    total_s: float = 0.0


class ScenarioResult(BaseModel):
    name: str
    passed: bool = False  # every check came out as expected
    checks: list[CheckResult] = Field(default_factory=list)
    timings: ScenarioTimings = Field(default_factory=ScenarioTimings)
    wire: dict[str, WireCounters] = Field(default_factory=dict)
    errors: list[str] = Field(default_factory=list)
    logs: dict[str, str] = Field(default_factory=dict)  # tails of daemon logs when something failed

    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.as_expected]

    def check(self, name: str, subject: str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name and c.subject == subject), None)


class LabResult(BaseModel):
    mode: str = ""  # "vm" or "direct"
    kernel: str = ""
    guest_uptime_at_start_s: float | None = None
    boot_s: float | None = None  # host wall time from VM launch to guest start (filled by the host)
    wall_s: float | None = None  # host wall time of the whole run (filled by the host)
    scenarios: list[ScenarioResult] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.scenarios) and all(s.passed for s in self.scenarios)

    def scenario(self, name: str) -> ScenarioResult:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(name)


class ProgressEvent(BaseModel):
    """What the guest is doing: a scenario starts or ends, a stage starts, a check finished."""

    kind: Literal["scenario", "stage", "check", "done"]
    scenario: str = ""
    stage: str = ""
    check: CheckResult | None = None
    passed: bool | None = None
    detail: str = ""


# The VM's console loses the tail of very long lines (seen at ~32 KiB), so the result goes
# out in numbered chunks: "<RESULT_MARKER> i/n <text>".
RESULT_CHUNK = 2000
_CHUNK = re.compile(r"^(\d+)/(\d+) (.*)$", re.S)


def result_lines(result: LabResult) -> list[str]:
    text = result.model_dump_json()
    parts = [text[i : i + RESULT_CHUNK] for i in range(0, len(text), RESULT_CHUNK)] or [""]
    return [f"{RESULT_MARKER} {i + 1}/{len(parts)} {part}" for i, part in enumerate(parts)]


def parse_result_lines(lines: Sequence[str]) -> LabResult | None:
    """The last complete result in ``lines`` (chunked, or one ``<marker> <json>`` line)."""
    chunks: dict[int, str] = {}
    total = 0
    found: str | None = None
    for line in lines:
        if not line.startswith(RESULT_MARKER):
            continue
        rest = line[len(RESULT_MARKER) :].lstrip(" ")
        m = _CHUNK.match(rest)
        if m is None:
            found = rest.strip()
            continue
        i, n = int(m.group(1)), int(m.group(2))
        if i == 1:
            chunks, total = {}, n
        chunks[i] = m.group(3)
        if total and len(chunks) == total and all(k in chunks for k in range(1, total + 1)):
            found = "".join(chunks[k] for k in range(1, total + 1))
    return LabResult.model_validate_json(found) if found is not None else None
