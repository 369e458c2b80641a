"""The package installs into a clean venv from a wheel built from exactly what the image's build
stage copies (there is no container engine on the build machines), and the installed `syncd`
works: --help, --version, `run --help`, and the built-in presets ship inside the package. The
venv is made the way the image's build stage makes /opt/venv (no pip of its own), so it also
shows that syncd runs with no pip, setuptools or wheel installed beside it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from syncd import __version__ as syncd_version
from tests.image import REPO, read_dockerfile

PRESETS = sorted(p.stem for p in (REPO / "profiles").glob("*.yml"))
PRESETS_SCRIPT = """
import json, syncd
from syncd.config.presets import available_presets, preset_path
names = available_presets()
print(json.dumps({"package": syncd.__file__, "presets": {n: str(preset_path(n)) for n in names}}))
"""


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args} exited {result.returncode}:\n{result.stderr}"
    return result.stdout


def _build_stage_sources() -> list[str]:
    build = read_dockerfile().stages[0]
    return [w for copy in build.all("COPY") for w in copy.words()[:-1] if not w.startswith("--")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("install")


@pytest.fixture(scope="module")
def wheel(workdir: Path) -> Path:
    """A wheel built from a copy of the Docker build context, not from the checkout."""
    src = workdir / "src"
    for source in _build_stage_sources():
        origin, target = REPO / source, src / source
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    wheels = workdir / "wheels"
    _ok(_run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, src, cwd=workdir))
    (built,) = wheels.glob("syncd-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(workdir: Path, wheel: Path) -> Path:
    """A clean venv (no system or project site-packages) with the wheel and its dependencies."""
    venv = workdir / "venv"
    _ok(_run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=workdir))
    python = venv / "bin" / "python"
    _ok(_run(sys.executable, "-m", "pip", "--python", python, "install", "-q", wheel, cwd=workdir))
    return venv


def test_wheel_ships_every_preset_and_the_type_marker(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {f"syncd_profiles/{name}.yml" for name in PRESETS} <= names
    assert "syncd/py.typed" in names


def test_installed_syncd_prints_help_and_its_version(venv: Path, workdir: Path) -> None:
    syncd = venv / "bin" / "syncd"
    help_text = _ok(_run(syncd, "--help", cwd=workdir))
    assert all(command in help_text for command in ("plan", "apply", "validate"))
    assert _ok(_run(syncd, "--version", cwd=workdir)).strip() == f"syncd {syncd_version}"


def test_installed_syncd_has_the_run_command(venv: Path, workdir: Path) -> None:
    assert "--config" in _ok(_run(venv / "bin" / "syncd", "run", "--help", cwd=workdir))


def test_presets_resolve_from_the_installed_package(venv: Path, workdir: Path) -> None:
    found = json.loads(_ok(_run(venv / "bin" / "python", "-c", PRESETS_SCRIPT, cwd=workdir)))
    assert Path(found["package"]).is_relative_to(venv)
    assert sorted(found["presets"]) == PRESETS
    for path in found["presets"].values():
        assert Path(path).is_relative_to(venv)
        assert Path(path).is_file()


NO_INSTALLERS_SCRIPT = """
import importlib.metadata, importlib.util, json
import syncd.app, syncd.cli, syncd.daemon.runtime  # every module the daemon loads
found = {name: importlib.util.find_spec(name) is not None for name in ("pip", "setuptools", "wheel")}
print(json.dumps({"found": found, "wheel_version": importlib.metadata.version("syncd")}))
"""


def test_syncd_runs_with_no_pip_setuptools_or_wheel_in_its_venv(venv: Path, workdir: Path) -> None:
    report = json.loads(_ok(_run(venv / "bin" / "python", "-I", "-c", NO_INSTALLERS_SCRIPT, cwd=workdir)))
    assert report["found"] == {"pip": False, "setuptools": False, "wheel": False}
    assert report["wheel_version"] == syncd_version
