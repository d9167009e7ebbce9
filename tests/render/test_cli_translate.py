"""``iosdmvpn translate``: exit codes, refusal, --force, --check, atomic and deterministic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from iosdmvpn.cli import main
from iosdmvpn.cli.translate import write_tree

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-network"


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_eigrp_seed_is_refused_and_nothing_written(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["translate", str(SEED), "-o", str(out), "--no-show-source"]) == 1
    captured = capsys.readouterr()
    assert "DMV620" in captured.out and "eigrpd drops every packet" in captured.out
    assert "refusing to write" in captured.err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")]


def test_force_writes_but_still_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["translate", str(SEED), "-o", str(out), "--force", "-q"]) == 1
    assert (out / "hub" / "frr.conf").exists()
    assert "router eigrp" not in (out / "hub" / "frr.conf").read_text()


@pytest.mark.parametrize("igp", ["ospf", "bgp"])
def test_igp_translation_succeeds(igp: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["translate", str(SEED), "-o", str(out), "--igp", igp, "-q"]) == 0
    hosts = sorted(p.name for p in out.iterdir())
    assert hosts == ["hub", "spoke-a", "spoke-b"]
    frr = (out / "spoke-a" / "frr.conf").read_text()
    assert ("router ospf" in frr) == (igp == "ospf") and ("router bgp" in frr) == (igp == "bgp")
    assert f"re-expressed** with `--igp {igp}`" in (out / "hub" / "README.md").read_text()
    script = out / "hub" / "dmvpn.sh"
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "hub" / "frr.conf").stat().st_mode) == 0o644


def test_output_is_byte_for_byte_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["translate", str(SEED), "-o", str(a), "--igp", "bgp", "-q"]) == 0
    assert main(["translate", str(SEED / "spoke-b.cfg"), str(SEED / "hub.cfg"), str(SEED / "spoke-a.cfg"),
                 "-o", str(b), "--igp", "bgp", "-q"]) == 0
    assert _tree(a) == _tree(b)


def test_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["translate", str(SEED), "-o", str(out), "--igp", "ospf", "-q"]
    assert main([*args, "--check"]) == 1  # nothing written yet
    assert not out.exists()
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    (out / "hub" / "frr.conf").write_text("stale\n")
    (out / "spoke-a" / "extra.txt").write_text("x\n")
    capsys.readouterr()
    assert main([*args, "--check"]) == 1
    text = capsys.readouterr().out
    assert "changed: hub/frr.conf" in text and "extra: spoke-a/extra.txt" in text
    assert main(args) == 0  # rewriting replaces each host folder as a whole
    assert not (out / "spoke-a" / "extra.txt").exists()
    assert main([*args, "--check"]) == 0


def test_unrelated_folders_in_outdir_survive(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "keep-me").mkdir(parents=True)
    (out / "keep-me" / "notes").write_text("mine\n")
    assert main(["translate", str(SEED), "-o", str(out), "--igp", "bgp", "-q"]) == 0
    assert (out / "keep-me" / "notes").read_text() == "mine\n"


def test_unusable_input_exits_2(tmp_path: Path) -> None:
    template = tmp_path / "t.cfg"
    template.write_text("hostname {{ name }}\ninterface Tunnel0\n ip nhrp network-id 1\n")
    out = tmp_path / "out"
    args = ["translate", str(template), str(SEED / "hub.cfg"), "-o", str(out), "--igp", "bgp", "-q"]
    assert main(args) == 2
    assert not out.exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert main(["translate", str(SEED), "-o", str(tmp_path / "o"), "--target", "frr,bogus"]) == 2
    afile = tmp_path / "file"
    afile.write_text("")
    assert main(["translate", str(SEED), "-o", str(afile)]) == 2


def test_target_selection(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["translate", str(SEED), "-o", str(out), "--igp", "bgp", "--target", "frr", "-q"]) == 0
    assert sorted(p.name for p in (out / "hub").iterdir()) == ["README.md", "frr.conf"]


def test_interface_map(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["translate", str(SEED), "-o", str(out), "--igp", "bgp", "-q",
                 "--interface-map", "Gi0/0=eth0", "--interface-map", "Tunnel0=gre1"]) == 0
    script = (out / "hub" / "dmvpn.sh").read_text()
    assert "ip link add gre1 type gre key 1 ttl 64 local 172.17.0.1 dev eth0" in script


def test_write_tree_modes_and_atomicity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    files = {"h/secret.conf": ("psk\n", 0o600), "h/run.sh": ("#!/bin/sh\n", 0o755),
             "h/a/b.txt": ("b\n", 0o644)}
    old_umask = os.umask(0o077)
    try:
        write_tree(out, files, ["h"])
    finally:
        os.umask(old_umask)
    assert {k: v[1] for k, v in _tree(out).items()} == {"h/secret.conf": 0o600, "h/run.sh": 0o755,
                                                        "h/a/b.txt": 0o644}
    # A failure while swapping host folders leaves the previous output in place.
    real_rename = os.rename
    calls = []

    def failing_rename(src: object, dst: object) -> None:
        calls.append((src, dst))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_rename(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(OSError):
        write_tree(out, {"h/secret.conf": ("new\n", 0o600)}, ["h"])
    monkeypatch.setattr(os, "rename", real_rename)
    assert (out / "h" / "secret.conf").read_text() == "psk\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
