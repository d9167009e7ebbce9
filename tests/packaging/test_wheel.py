"""The wheel: builds, installs into a fresh venv with its runtime dependencies, and runs.

Slow (a build and a pip install from PyPI): ``pytest -m slow tests/packaging``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed-network"


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
        timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: hatchling is a dev dependency, so the build needs no download.
    done = run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, REPO, cwd=REPO)
    if done.returncode != 0:
        done = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", out, REPO,
                   cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = list(out.glob("iosdmvpn-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    done = run(sys.executable, "-m", "venv", root / "v", cwd=root)
    assert done.returncode == 0, done.stderr
    pip = root / "v" / "bin" / "pip"
    done = run(pip, "install", "-q", "--disable-pip-version-check", wheel, cwd=root, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "v"


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["IOSDMVPN_CACHE_DIR"] = str(home / "cache")
    return env


def test_data_holds_only_grammars_and_templates(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    data = [n for n in names if n.startswith("iosdmvpn/_data/")]
    assert "iosdmvpn/_data/grammars/ios.lark" in data
    assert any(n.startswith("iosdmvpn/_data/templates/") and n.endswith(".j2") for n in data)
    others = [n for n in data if not n.endswith((".lark", ".j2"))]
    assert not others, others
    # The code itself is there, and no test or checkout leftovers.
    assert "iosdmvpn/parse/shapes.py" in names and "iosdmvpn/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "grammars/", "templates/")) or "__pycache__" in n]


def test_cli_runs_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    cli = venv / "bin" / "iosdmvpn"
    version = run(cli, "--version", cwd=tmp_path, env=env)
    assert version.returncode == 0 and "0.1.0" in version.stdout + version.stderr
    # Twice: the first run learns the command shapes with Lark, the second replays them.
    for _ in range(2):
        parsed = run(cli, "parse", SEED / "hub.cfg", cwd=tmp_path, env=env)
        assert parsed.returncode == 0, parsed.stdout + parsed.stderr
        assert "Tunnel" in parsed.stdout and "Traceback" not in parsed.stderr
    assert list((tmp_path / "cache").glob("shapes-*.json"))
    as_json = run(cli, "parse", "--format", "json", SEED / "spoke-a.cfg", cwd=tmp_path, env=env)
    assert as_json.returncode == 0 and '"Tunnel' in as_json.stdout


def test_grammar_and_templates_come_from_inside_the_wheel(venv: Path, tmp_path: Path) -> None:
    code = ("import iosdmvpn, iosdmvpn.parse.shapes as s; from iosdmvpn.resources import data_dir;"
            "print(iosdmvpn.__file__); print(s.grammar_path()); print(data_dir('grammars')); "
            "print(data_dir('templates'))")
    done = run(venv / "bin" / "python", "-c", code, cwd=tmp_path, env=clean_env(tmp_path))
    assert done.returncode == 0, done.stderr
    package, grammar, grammars, templates = (Path(p) for p in done.stdout.split())
    site = package.parent
    assert str(site).startswith(str(venv)), site
    assert grammar == site / "_data" / "grammars" / "ios.lark" and grammar.is_file()
    assert grammars == site / "_data" / "grammars"
    assert templates == site / "_data" / "templates" and any(templates.rglob("*.j2"))
    assert not str(package).startswith(str(REPO))


def test_unusable_input_exits_2_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    done = run(venv / "bin" / "iosdmvpn", "parse", tmp_path / "missing.cfg", cwd=tmp_path,
               env=clean_env(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
