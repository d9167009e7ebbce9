"""GitHub workflow commands: escaping as the Actions toolkit does, one group per file."""

from __future__ import annotations

import io

from iosdmvpn.diagnostics import Diagnostic, Related, Severity
from iosdmvpn.report import github
from iosdmvpn.report.result import LintResult
from iosdmvpn.source import Span


def test_escaping() -> None:
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotation_properties_are_escaped() -> None:
    span = Span(path="odd:dir,x/r1.cfg", line=3, column=2, end_line=3, end_column=9)
    d = Diagnostic(code="DMV890", name="fake-tunnel-source", severity=Severity.INFO,
                   message="50% of it: broken,\nreally", span=span,
                   related=(Related(span=span, message="see: here"),), help="fix it")
    line = github.annotation(d)
    assert line.startswith("::notice file=odd%3Adir%2Cx/r1.cfg,line=3,col=2,endLine=3,endColumn=9,"
                           "title=DMV890 fake-tunnel-source::")
    assert line.endswith("::50%25 of it: broken,%0Areally"
                         "%0Arelated: odd:dir,x/r1.cfg:3:2: see: here%0Ahelp: fix it")
    assert "\n" not in line


def test_groups(result: LintResult) -> None:
    out = io.StringIO()
    github.render(result, out)
    lines = out.getvalue().splitlines()
    groups = [x for x in lines if x.startswith("::group::")]
    assert groups == ["::group::net/hub.cfg", "::group::net/spoke-a.cfg", "::group::net/spoke-b.cfg"]
    assert lines.count("::endgroup::") == 3
    assert sum(x.startswith("::error ") for x in lines) == 1
    assert sum(x.startswith("::warning ") for x in lines) == 3
    assert lines[-1].startswith("iosdmvpn: 3 files")
