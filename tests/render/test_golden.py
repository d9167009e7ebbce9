"""Golden output trees: ``tests/golden/<scenario>/input`` translates to exactly ``expected/``.

Regenerate with ``pytest tests/render/test_golden.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import shutil

import pytest
from golden import CORPUS, Scenario, expected_tree, scenarios


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.name)
def test_golden(scenario: Scenario, update_golden: bool) -> None:
    if scenario.needs_corpus and not CORPUS.is_dir():
        pytest.skip("the shared corpus is not available")
    _, result = scenario.run()
    tree = expected_tree(result)
    expected = scenario.folder / "expected"
    if update_golden:
        shutil.rmtree(expected, ignore_errors=True)
        for rel, text in tree.items():
            path = expected / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return
    assert expected.is_dir(), f"no expected/ for {scenario.name}: run pytest --update-golden"
    have = {p.relative_to(expected).as_posix(): p.read_text(encoding="utf-8")
            for p in expected.rglob("*") if p.is_file()}
    assert sorted(have) == sorted(tree), "the set of generated files changed"
    for rel in sorted(tree):
        assert have[rel] == tree[rel], f"{scenario.name}/expected/{rel} differs (pytest --update-golden)"


def test_golden_is_deterministic() -> None:
    """Two runs give byte-identical files (no timestamps, no set ordering)."""
    for scenario in scenarios():
        if scenario.needs_corpus and not CORPUS.is_dir():
            continue
        _, first = scenario.run()
        _, second = scenario.run()
        assert first.files == second.files, scenario.name
