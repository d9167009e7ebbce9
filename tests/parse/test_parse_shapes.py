"""The shape cache gives exactly Lark's result for every command, and survives a bad cache file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parse_helpers import CORPUS, REPO

import iosdmvpn.parse as parse_module
from iosdmvpn.parse import parse_file
from iosdmvpn.parse.shapes import Grammar, ShapeCache, SyntaxProblem, Template, grammar_path


class LarkEveryLine(ShapeCache):
    """A cache that never keeps a template: every command goes through Lark itself."""

    def learn(self, kind: str, words: list[str], key: str | None) -> Template | SyntaxProblem:
        return super().learn(kind, words, None)


def grammar() -> Grammar:
    return Grammar(grammar_path().read_text(encoding="utf-8"))


FILES = sorted(CORPUS.glob("*.cfg")) + sorted((REPO / "examples" / "seed-network").glob("*.cfg"))


def dump(path: Path) -> str:
    result = parse_file(path)
    device = result.device.model_dump_json() if result.device is not None else "null"
    return device + "".join(d.model_dump_json() for d in result.diagnostics)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_cached_shapes_give_lark_per_line_results(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = LarkEveryLine(grammar(), persist=False)
    monkeypatch.setattr(parse_module, "shape_cache", lambda: slow)
    reference = dump(path)
    assert not slow.templates
    fast = ShapeCache(grammar(), persist=False)
    monkeypatch.setattr(parse_module, "shape_cache", lambda: fast)
    assert dump(path) == reference
    # Run twice: the second run replays every template it learnt in the first.
    learnt = len(fast.templates)
    assert dump(path) == reference
    assert len(fast.templates) == learnt


def test_shapes_are_kept_on_disk_and_spare_lark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOSDMVPN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("IOSDMVPN_NO_CACHE", raising=False)
    hub = REPO / "examples" / "seed-network" / "hub.cfg"
    first = ShapeCache(grammar())
    monkeypatch.setattr(parse_module, "shape_cache", lambda: first)
    reference = dump(hub)
    files = list(tmp_path.glob("shapes-*.json"))
    assert len(files) == 1 and first.templates
    second = ShapeCache(grammar())
    assert second.templates == first.templates
    monkeypatch.setattr(parse_module, "shape_cache", lambda: second)
    assert dump(hub) == reference
    assert second._parser is None  # every shape was known: Lark was not even loaded


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"format": 1, "shapes": []}',
                                     '{"format": 1, "shapes": {"g \\u0000": [1, 2]}}'])
def test_a_broken_cache_file_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        content: str) -> None:
    monkeypatch.setenv("IOSDMVPN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("IOSDMVPN_NO_CACHE", raising=False)
    probe = ShapeCache(grammar())
    assert probe._path is not None
    probe._path.write_text(content, encoding="utf-8")
    cache = ShapeCache(grammar())
    monkeypatch.setattr(parse_module, "shape_cache", lambda: cache)
    result = parse_file(REPO / "examples" / "seed-network" / "spoke-a.cfg")
    assert result.usable and result.device is not None and result.device.tunnels
    assert json.loads(cache._path.read_text(encoding="utf-8"))["format"] == 2  # type: ignore[union-attr]


def test_no_cache_env_turns_the_file_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOSDMVPN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("IOSDMVPN_NO_CACHE", "1")
    assert ShapeCache(grammar())._path is None


def test_keywords_keep_their_place_in_the_key_and_values_do_not() -> None:
    cache = ShapeCache(grammar(), persist=False)
    route = cache.key("g", ["ip", "route", "10.0.0.0", "255.0.0.0", "192.0.2.1"])
    assert route == cache.key("g", ["ip", "route", "10.9.0.0", "255.255.0.0", "Null0"])
    shared = cache.key("if", ["tunnel", "protection", "ipsec", "profile", "P", "shared"])
    assert shared != cache.key("if", ["tunnel", "protection", "ipsec", "profile", "P", "SHARED"])
    assert shared != cache.key("if", ["tunnel", "protection", "ipsec", "profile", "P", "X"])
    # A word that a keyword terminal could match the start of is never a placeholder.
    assert cache.grammar.keyword("split-horizonX")


def test_a_command_lark_rejects_is_never_cached() -> None:
    cache = ShapeCache(grammar(), persist=False)
    problem = cache.learn("if", ["ip", "nhrp"], cache.key("if", ["ip", "nhrp"]))
    assert isinstance(problem, SyntaxProblem) and not cache.templates


def test_no_home_directory_means_memory_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IOSDMVPN_CACHE_DIR", raising=False)
    monkeypatch.delenv("IOSDMVPN_NO_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    cache = ShapeCache(grammar())
    assert cache._path is None
    monkeypatch.setattr(parse_module, "shape_cache", lambda: cache)
    assert parse_file(REPO / "examples" / "seed-network" / "spoke-a.cfg").usable
