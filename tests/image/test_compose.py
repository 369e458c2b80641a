"""The Docker Compose example in docs/standalone.md: Compose itself (Debian's docker-compose)
renders and validates it; it runs this image the way the Dockerfile expects (user, read-only
root with /state and /tmp writable, the port, `syncd run`); it gives the config every variable
the config reads; and `syncd validate` accepts the config next to it."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

import syncd
from syncd import cli
from syncd.config import discover
from tests.image import REPO, Dockerfile, read_dockerfile

DOC = REPO / "docs" / "standalone.md"
FILE_BLOCK = re.compile(r"^<!-- file: (\S+) -->\n```\w*\n(.*?)^```$", re.MULTILINE | re.DOTALL)
ENV_TAG = re.compile(r"!env(?:_var)?\s+([A-Za-z0-9_]+)")


def documented_files() -> dict[str, str]:
    """Every `<!-- file: PATH -->` code block of the doc, by path."""
    return dict(FILE_BLOCK.findall(DOC.read_text(encoding="utf-8")))


def _compose_config(folder: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: .ci/run installs Debian's docker-compose"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return subprocess.run(
        [binary, "--project-directory", str(folder), "-f", str(folder / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The doc's files written out as the reader would."""
    folder = tmp_path_factory.mktemp("compose")
    for name, text in documented_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def service(folder: Path) -> dict[str, Any]:
    result = _compose_config(folder)
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)
    (only,) = rendered["services"].values()
    assert isinstance(only, dict)
    return only


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return read_dockerfile()


def test_the_doc_holds_the_compose_file_its_config_and_env() -> None:
    assert set(documented_files()) == {"compose.yaml", "config/syncd.yml", ".env"}


def test_compose_rejects_a_broken_file(folder: Path, tmp_path: Path) -> None:
    """The validation can fail: a key Compose does not know is refused."""
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "compose.yaml").read_text().replace("    restart:", "    restrat:")
    (tmp_path / "compose.yaml").write_text(text)
    result = _compose_config(tmp_path)
    assert result.returncode != 0
    assert "restrat" in result.stderr


def test_api_keys_come_from_env_not_from_the_compose_file(folder: Path, tmp_path: Path) -> None:
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    (tmp_path / ".env").unlink()
    result = _compose_config(tmp_path)
    assert result.returncode != 0
    assert "set SONARR_API_KEY in .env" in result.stderr


def test_runs_this_release_of_the_image_as_its_user_with_syncd_run(
    service: dict[str, Any], dockerfile: Dockerfile
) -> None:
    assert service["image"] == f"ghcr.io/syncd-project/syncd:{syncd.__version__}"
    assert service["user"] == dockerfile.final.last("USER").arguments
    assert "command" not in service, "the image's own `syncd run` is the one to run"
    command = dockerfile.final.last("ENTRYPOINT").exec_form() + dockerfile.final.last("CMD").exec_form()
    assert command == ["syncd", "run"]


def test_syncd_finds_the_config_where_compose_mounts_it(service: dict[str, Any], folder: Path) -> None:
    """`run` and `plan` without -c pick the file the example puts in ./config (mounted at /config)."""
    (mount,) = [v for v in service["volumes"] if v.split(":")[1] == "/config"]
    assert PurePosixPath(mount.split(":")[1]) == PurePosixPath(discover.CONFIG_ROOT.as_posix())
    source = Path(mount.split(":")[0])
    found = discover.discover(env={}, cwd=folder / "state", root=source)
    assert found.path == folder / "config" / "syncd.yml"


def test_every_image_reference_in_the_doc_is_this_release() -> None:
    references = re.findall(r"ghcr\.io/syncd-project/syncd:(\S+)", DOC.read_text(encoding="utf-8"))
    assert references
    assert set(references) == {syncd.__version__}


def test_read_only_root_with_state_and_tmp_writable(service: dict[str, Any], dockerfile: Dockerfile) -> None:
    assert service["read_only"] is True
    mounts = {PurePosixPath(v.split(":")[1]): v.rsplit(":", 1)[1] for v in service["volumes"]}
    writable = {path for path, mode in mounts.items() if mode == "rw"} | {
        PurePosixPath(t) for t in service["tmpfs"]
    }
    env = dockerfile.final.env()
    for what in ("HOME", "SYNCD_STATE_DIR"):
        assert any(PurePosixPath(env[what]).is_relative_to(w) for w in writable), f"{what} is not writable"
    assert mounts[PurePosixPath("/config")] == "ro"
    assert service["cap_drop"] == ["ALL"]


def test_publishes_the_port_the_image_serves(service: dict[str, Any], dockerfile: Dockerfile) -> None:
    (port,) = service["ports"]
    assert str(port["target"]) in dockerfile.final.last("EXPOSE").arguments
    assert "9707" in " ".join(service["healthcheck"]["test"])


def test_every_variable_the_config_reads_is_set(service: dict[str, Any]) -> None:
    wanted = set(ENV_TAG.findall(documented_files()["config/syncd.yml"]))
    assert wanted
    assert wanted <= set(service["environment"])


def test_the_config_passes_syncd_validate(
    service: dict[str, Any], folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guides_url: str
) -> None:
    for key, value in service["environment"].items():
        monkeypatch.setenv(key, str(value))
    monkeypatch.setenv("SYNCD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", guides_url)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["validate", "-c", str(folder / "config" / "syncd.yml")], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert "2 instances, syncd format" in out.getvalue()
