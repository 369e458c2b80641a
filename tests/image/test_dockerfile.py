"""The Dockerfile: hadolint-clean, and the image policy the chart relies on (multi-stage, pinned
bases, numeric non-root user, git, the metrics port, `syncd run`, writable paths on volumes)."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import helm_python
import pytest
import yaml

from syncd.config import discover
from tests.image import DOCKERFILE, REPO, Dockerfile, read_dockerfile

HADOLINT = Path(sys.executable).parent / "hadolint"


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return read_dockerfile()


@pytest.fixture(scope="module")
def syncd_deployment() -> dict[str, Any]:
    """The syncd Deployment as the chart renders it with default values (plus the required VPN endpoint)."""
    chart = helm_python.Chart.load(REPO / "chart")
    site = {"qbittorrent": {"vpn": {"networkPolicy": {"endpointCIDRs": ["45.128.134.194/32"]}}}}
    try:
        files = chart.render(site, name="media-server", namespace="media-server")
    finally:
        chart.close()
    docs = [doc for path, text in files.items() if path.endswith(".yaml") for doc in yaml.safe_load_all(text)]
    (deployment,) = [
        d for d in docs if d and d["kind"] == "Deployment" and d["metadata"]["name"].endswith("syncd")
    ]
    assert isinstance(deployment, dict)
    return deployment


def _hadolint(path: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [str(HADOLINT), "--format", "json", "--no-fail", "--disable-ignore-pragma", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=path.parent,
    )
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert isinstance(container, dict)
    return container


def test_hadolint_reports_no_findings() -> None:
    findings = _hadolint(DOCKERFILE)
    assert findings == [], "\n".join(f"line {f['line']}: {f['code']} {f['message']}" for f in findings)


def test_hadolint_flags_an_unpinned_apt_install(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM debian:bookworm\nRUN apt-get update && apt-get install -y git\n")
    assert "DL3008" in {f["code"] for f in _hadolint(bad)}


def test_image_is_built_in_a_separate_stage_and_copied_into_the_final_one(dockerfile: Dockerfile) -> None:
    assert len(dockerfile.stages) >= 2
    earlier = {s.name for s in dockerfile.stages[:-1] if s.name}
    sources = {
        word.removeprefix("--from=")
        for copy in dockerfile.final.all("COPY")
        for word in copy.words()
        if word.startswith("--from=")
    }
    assert sources and sources <= earlier


def test_base_images_are_pinned_by_tag_never_latest(dockerfile: Dockerfile) -> None:
    stage_names = {s.name for s in dockerfile.stages if s.name}
    bases = [s.base for s in dockerfile.stages if s.base not in stage_names]
    assert bases
    for base in bases:
        assert "$" not in base, f"unresolved base image {base}"
        name, _, digest = base.partition("@")
        tag = name.rpartition("/")[2].partition(":")[2]
        assert tag or digest, f"{base} is not pinned"
        assert tag != "latest", f"{base} uses latest"


def test_base_images_are_pinned_by_digest_and_keep_a_readable_tag(dockerfile: Dockerfile) -> None:
    stage_names = {s.name for s in dockerfile.stages if s.name}
    bases = {s.base for s in dockerfile.stages if s.base not in stage_names}
    assert bases
    for base in bases:
        name, _, digest = base.partition("@")
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), f"{base} is not pinned by a sha256 digest"
        assert name.rpartition("/")[2].partition(":")[2], f"{base} has no tag saying what the digest is"


def test_no_package_installer_reaches_the_runtime_stage(dockerfile: Dockerfile) -> None:
    """The venv is made without pip (the build stage's pip installs into it), and the runtime
    stage removes the pip, setuptools and wheel its base image ships."""
    (venv,) = [w for r in dockerfile.stages[0].all("RUN") for w in [r.words()] if "venv" in w]
    assert "--without-pip" in venv
    assert "--python" in venv
    removals = [r.words() for r in dockerfile.final.all("RUN") if "uninstall" in r.words()]
    assert len(removals) == 1
    words = removals[0]
    removed = words[words.index("uninstall") + 1 :]
    assert {"pip", "setuptools", "wheel"} <= set(
        removed[: removed.index("&&")] if "&&" in removed else removed
    )
    assert any(w.startswith("/usr/local/bin/pip") for w in words)


def test_final_stage_runs_as_the_numeric_non_root_user_of_the_chart(dockerfile: Dockerfile) -> None:
    user, _, group = dockerfile.final.last("USER").arguments.partition(":")
    assert user.isdigit() and group.isdigit(), "USER must be numeric so runAsNonRoot can verify it"
    assert int(user) != 0
    chart_global = yaml.safe_load((REPO / "chart" / "values.yaml").read_text())["global"]
    assert (int(user), int(group)) == (chart_global["uid"], chart_global["gid"])


def test_final_stage_exposes_the_port_the_chart_probes(
    dockerfile: Dockerfile, syncd_deployment: dict[str, Any]
) -> None:
    exposed = {word.partition("/")[0] for e in dockerfile.final.all("EXPOSE") for word in e.words()}
    (port,) = _container(syncd_deployment)["ports"]
    assert "9707" in exposed
    assert str(port["containerPort"]) in exposed


def test_default_command_runs_the_daemon_on_the_file_the_chart_names(
    dockerfile: Dockerfile, syncd_deployment: dict[str, Any], tmp_path: Path
) -> None:
    """The image runs `syncd run` and finds the config in /config; the chart names its file,
    which is the one the image would find there anyway."""
    command = dockerfile.final.last("ENTRYPOINT").exec_form() + dockerfile.final.last("CMD").exec_form()
    assert command == ["syncd", "run"]
    container = _container(syncd_deployment)
    assert container["command"] + container["args"][:1] == command
    flag, path = container["args"][1:]
    assert flag == "-c"
    config = PurePosixPath(path)
    assert config.parent == PurePosixPath(discover.CONFIG_ROOT.as_posix())
    root = tmp_path / "config"
    root.mkdir()
    (root / config.name).write_text("syncd: 1\n")
    assert discover.discover(env={}, cwd=tmp_path, root=root).path == root / config.name


def test_git_is_installed_in_the_final_stage_with_a_pinned_version(dockerfile: Dockerfile) -> None:
    installed = [
        word
        for run in dockerfile.final.all("RUN")
        if "apt-get install" in run.arguments
        for word in run.words()
        if word.startswith("git=")
    ]
    assert len(installed) == 1
    assert installed[0].removeprefix("git=")


def test_every_path_the_process_writes_is_on_a_writable_chart_volume(
    dockerfile: Dockerfile, syncd_deployment: dict[str, Any]
) -> None:
    container = _container(syncd_deployment)
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    writable = [PurePosixPath(m["mountPath"]) for m in container["volumeMounts"] if not m.get("readOnly")]
    env = dockerfile.final.env()
    written = {
        "HOME": env["HOME"],
        "GIT_CONFIG_GLOBAL": str(PurePosixPath(env["GIT_CONFIG_GLOBAL"]).parent),
        "SYNCD_STATE_DIR": env["SYNCD_STATE_DIR"],
        "WORKDIR": dockerfile.final.last("WORKDIR").arguments,
    }
    for what, path in written.items():
        assert any(PurePosixPath(path).is_relative_to(m) for m in writable), f"{what}={path} is read-only"
    chart_env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["SYNCD_STATE_DIR"] == chart_env["SYNCD_STATE_DIR"]


def test_python_never_writes_bytecode_at_runtime(dockerfile: Dockerfile) -> None:
    assert dockerfile.final.env()["PYTHONDONTWRITEBYTECODE"] == "1"


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, simplified: the last pattern matching the path or a parent of it wins."""
    parts = PurePosixPath(path).parts
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern.removeprefix("!").strip("/")
        if any(fnmatch.fnmatchcase(prefix, glob) for prefix in prefixes):
            ignored = not negated
    return ignored


def test_build_context_holds_what_the_build_stage_copies_and_nothing_heavy(dockerfile: Dockerfile) -> None:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    copied = [
        word
        for stage in dockerfile.stages[:-1]
        for copy in stage.all("COPY")
        for word in copy.words()[:-1]
        if not word.startswith("--")
    ]
    needed = [
        str(f.relative_to(REPO))
        for source in copied
        for f in ([REPO / source] if (REPO / source).is_file() else (REPO / source).rglob("*"))
        if f.is_file() and "__pycache__" not in f.parts
    ]
    assert "profiles/sonarr-web-1080p.yml" in needed
    assert [f for f in needed if _ignored(f, patterns)] == []
    heavy = [".git/HEAD", ".venv/bin/python", "tests/conftest.py", "chart/Chart.yaml", "flux/x.yaml"]
    heavy += [".mypy_cache/x.json", "syncd/__pycache__/cli.cpython-311.pyc", "bench/x.py"]
    assert [f for f in heavy if not _ignored(f, patterns)] == []
