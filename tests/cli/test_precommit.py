"""The hooks of .pre-commit-hooks.yaml, run by the real `pre-commit try-repo` (slow).

The hook repository is a fresh git repository holding a copy of this checkout's package
files, so the test sees the working tree as it is (committed or not). pre-commit builds
its own virtualenv from it, which needs the package index the first time (cached in a
per-session PRE_COMMIT_HOME).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from iosdmvpn.api import exit_code, lint
from iosdmvpn.config import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed-network"
HOOKS = ("iosdmvpn-lint", "iosdmvpn-lint-network")
GIT = ("git", "-c", "user.name=iosdmvpn-test", "-c", "user.email=test@example.invalid",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main")


def _git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True)


def _commit_all(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "snapshot")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pre-commit") is None or shutil.which("git") is None:
        pytest.skip("pre-commit and git are needed")
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", "*.actual")
    for name in ("iosdmvpn", "grammars", "templates"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, repo / name, ignore=ignore)
        else:  # the wheel force-includes both folders; an empty one builds
            (repo / name).mkdir()
            (repo / name / ".keep").write_text("")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    _git(repo, "init", "-q")
    _commit_all(repo)
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    repo = tmp_path / "configs"
    shutil.copytree(SEED, repo)
    (repo / "README.md").write_text("DMVPN configurations\n")
    _git(repo, "init", "-q")
    _commit_all(repo)
    return repo


def _try(hook_repo: Path, home: Path, configs: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_", "IOSDMVPN"))}
    env.update(PRE_COMMIT_HOME=str(home), NO_COLOR="1")
    command = ["pre-commit", "try-repo", str(hook_repo), hook, "--all-files", "--color", "never"]
    return subprocess.run(command, cwd=configs, env=env, capture_output=True, text=True, timeout=900,
                          check=False)


def test_manifest_names_real_options() -> None:
    yaml = pytest.importorskip("yaml")  # comes with pre-commit
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == list(HOOKS)
    by_id = {h["id"]: h for h in hooks}
    assert by_id["iosdmvpn-lint-network"]["pass_filenames"] is False
    assert "--no-network" in by_id["iosdmvpn-lint"]["entry"]
    from iosdmvpn.cli import build_parser

    for hook in hooks:
        argv = hook["entry"].split()[1:]
        assert argv[0] == "lint"
        build_parser().parse_args(argv)  # every option exists


@pytest.mark.parametrize("hook", HOOKS)
def test_hooks_pass_on_good_configs_and_fail_on_a_broken_hub(hook_repo: Path, pre_commit_home: Path,
                                                             configs: Path, hook: str) -> None:
    assert exit_code(lint([str(configs)], Settings())) == 0, "the seed network must lint clean"
    good = _try(hook_repo, pre_commit_home, configs, hook)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    hub = configs / "hub.cfg"
    hub.write_text("".join(x for x in hub.read_text().splitlines(keepends=True)
                           if "tunnel source" not in x))
    _commit_all(configs)
    if exit_code(lint([str(configs)], Settings())) != 1:
        pytest.skip("no registered rule reports a hub without `tunnel source` yet")
    bad = _try(hook_repo, pre_commit_home, configs, hook)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "hub.cfg:" in bad.stdout and "error DMV" in bad.stdout


@pytest.mark.parametrize("hook", HOOKS)
def test_hooks_fail_on_unusable_input(hook_repo: Path, pre_commit_home: Path, configs: Path,
                                      hook: str) -> None:
    (configs / "spoke-c.cfg").write_text("hostname {{ name }}\ninterface Tunnel0\n tunnel source Gi0/0\n")
    _commit_all(configs)
    run = _try(hook_repo, pre_commit_home, configs, hook)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "exit code: 2" in run.stdout
    assert "DMV002 templated-config" in run.stdout
