"""The GitHub workflows: actionlint-clean (with shellcheck on the run: scripts), and the release
workflow builds the multi-arch image with the OCI labels and pushes it and every chart to GHCR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.image import read_dockerfile

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
RELEASE = WORKFLOWS / "release.yml"
BIN = Path(sys.executable).parent
OCI_LABELS = {"source", "url", "created", "version", "licenses", "revision"}


def _actionlint(*paths: Path) -> list[dict[str, Any]]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(BIN / "actionlint"), "-format", "{{json .}}", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    return findings


def _workflow(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    # YAML 1.1 reads the bare key `on` as true.
    loaded["on"] = loaded.pop(True, loaded.get("on"))
    return loaded


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _uses(workflow: dict[str, Any], action: str) -> dict[str, Any]:
    (step,) = [s for s in _steps(workflow) if s.get("uses", "").partition("@")[0] == action]
    return step


def test_every_workflow_passes_actionlint() -> None:
    workflows = sorted(WORKFLOWS.glob("*.y*ml"))
    assert RELEASE in workflows
    findings = _actionlint(*workflows)
    assert findings == [], "\n".join(f"{f['filepath']}:{f['line']}: {f['message']}" for f in findings)


def test_actionlint_catches_a_broken_workflow_and_a_shell_bug(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.nope }}\n      - run: cd $UNQUOTED\n",
        encoding="utf-8",
    )
    kinds = {f["kind"] for f in _actionlint(broken)}
    assert {"expression", "shellcheck"} <= kinds


def test_release_runs_on_version_tags_only() -> None:
    trigger = _workflow(RELEASE)["on"]
    assert list(trigger) == ["push"]
    assert trigger["push"] == {"tags": ["v*.*.*"]}


def test_release_checks_the_tag_against_the_one_version_source() -> None:
    scripts = " ".join(s.get("run", "") for s in _steps(_workflow(RELEASE)))
    assert "syncd/__init__.py" in scripts
    assert "exit 1" in scripts


def test_release_builds_both_architectures_and_pushes_to_ghcr() -> None:
    workflow = _workflow(RELEASE)
    build = _uses(workflow, "docker/build-push-action")["with"]
    assert set(build["platforms"].split(",")) == {"linux/amd64", "linux/arm64"}
    assert build["push"] is True
    assert _uses(workflow, "docker/login-action")["with"]["registry"] == "ghcr.io"
    assert _uses(workflow, "docker/setup-qemu-action")
    assert _uses(workflow, "docker/setup-buildx-action")
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["packages"] == "write"


def test_image_carries_every_oci_label_and_the_release_fills_each_one() -> None:
    final = read_dockerfile().final
    labels = {
        word.partition("=")[0].removeprefix("org.opencontainers.image."): word.partition("=")[2]
        for label in final.all("LABEL")
        for word in label.words()
    }
    assert set(labels) >= OCI_LABELS
    assert labels["licenses"] == "MIT"
    build_args = _uses(_workflow(RELEASE), "docker/build-push-action")["with"]["build-args"]
    passed = {line.partition("=")[0] for line in build_args.split()}
    used = {labels[key].strip("${}") for key in OCI_LABELS - {"licenses"}}
    declared = {a.arguments.partition("=")[0] for a in final.all("ARG")}
    assert used <= declared
    assert used <= passed, f"the release leaves {used - passed} at their local-build defaults"
    build = _uses(_workflow(RELEASE), "docker/build-push-action")["with"]
    assert "labels" not in build, "labels come from the Dockerfile alone, not a second list"


def test_release_pushes_every_chart_as_an_oci_artifact() -> None:
    charts = sorted(str(p.parent.relative_to(REPO)) for p in REPO.glob("chart*/**/Chart.yaml"))
    assert "chart" in charts
    (step,) = [s for s in _steps(_workflow(RELEASE)) if "helm push" in s.get("run", "")]
    script = step["run"]
    loop = next(line for line in script.splitlines() if line.strip().startswith("for chart in"))
    assert sorted(loop.split(" in ", 1)[1].removesuffix("; do").split()) == charts
    assert "helm package" in script
    assert step["env"]["CHARTS"] == "${{ steps.version.outputs.charts }}"
    (version,) = [s for s in _steps(_workflow(RELEASE)) if s.get("id") == "version"]
    assert "charts=oci://ghcr.io/" in version["run"]


@pytest.mark.parametrize("action", ["actions/checkout", "docker/build-push-action", "azure/setup-helm"])
def test_actions_are_pinned_to_a_version(action: str) -> None:
    ref = _uses(_workflow(RELEASE), action)["uses"].partition("@")[2]
    assert ref and ref not in {"main", "master", "latest"}


def test_release_checks_the_pushed_index_holds_both_architectures() -> None:
    steps = _steps(_workflow(RELEASE))
    names = [s.get("uses", s.get("name", "")) for s in steps]
    build = next(i for i, n in enumerate(names) if n.startswith("docker/build-push-action"))
    (check,) = [i for i, s in enumerate(steps) if "imagetools inspect" in s.get("run", "")]
    assert check > build
    assert "linux/amd64,linux/arm64" in steps[check]["run"]
