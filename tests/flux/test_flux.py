"""The Flux manifests in flux/ build with kustomize and use only current, valid APIs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.chart.k8s_schemas import validate

REPO = Path(__file__).resolve().parents[2]
KUBECTL = Path(sys.executable).parent / "kubectl"
FLUX = REPO / "flux"
KUSTOMIZE_DIRS = [
    "clusters/home",
    "infrastructure/controllers",
    "infrastructure/configs",
    "apps/media-server",
]


def _build(directory: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [str(KUBECTL), "kustomize", str(FLUX / directory)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def built() -> dict[str, list[dict[str, Any]]]:
    return {directory: _build(directory) for directory in KUSTOMIZE_DIRS}


def _of_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


@pytest.mark.parametrize("directory", KUSTOMIZE_DIRS)
def test_every_built_object_validates(built: dict[str, list[dict[str, Any]]], directory: str) -> None:
    assert built[directory]
    for doc in built[directory]:
        validate(doc)


def test_every_kustomize_path_exists(built: dict[str, list[dict[str, Any]]]) -> None:
    for kustomization in _of_kind(built["clusters/home"], "Kustomization"):
        assert (REPO / kustomization["spec"]["path"]).is_dir(), kustomization["metadata"]["name"]


def test_apps_wait_for_infrastructure(built: dict[str, list[dict[str, Any]]]) -> None:
    kustomizations = {
        k["metadata"]["name"]: k["spec"] for k in _of_kind(built["clusters/home"], "Kustomization")
    }
    assert kustomizations["media-server"]["dependsOn"] == [{"name": "infra-configs"}]
    assert kustomizations["infra-configs"]["dependsOn"] == [{"name": "infra-controllers"}]
    assert "dependsOn" not in kustomizations["infra-controllers"]


def test_infrastructure_installs_eso_and_the_intel_gpu_plugin(built: dict[str, list[dict[str, Any]]]) -> None:
    charts = {
        r["spec"]["chart"]["spec"]["chart"]
        for r in _of_kind(built["infrastructure/controllers"], "HelmRelease")
    }
    assert {"external-secrets", "intel-device-plugins-operator"} <= charts
    (plugin,) = _of_kind(built["infrastructure/configs"], "GpuDevicePlugin")
    assert plugin["spec"]["sharedDevNum"] >= 1


def test_chart_release_follows_every_commit_and_reads_values_from_a_configmap(
    built: dict[str, list[dict[str, Any]]],
) -> None:
    docs = built["apps/media-server"]
    (release,) = _of_kind(docs, "HelmRelease")
    chart = release["spec"]["chart"]["spec"]
    assert chart["reconcileStrategy"] == "Revision"
    assert chart["chart"] == "./chart" and (REPO / "chart" / "Chart.yaml").is_file()
    (source,) = [
        s for s in _of_kind(docs, "GitRepository") if s["metadata"]["name"] == chart["sourceRef"]["name"]
    ]
    assert source["metadata"]["namespace"] == release["metadata"]["namespace"] == "media-server"
    (values_ref,) = release["spec"]["valuesFrom"]
    (config_map,) = [c for c in _of_kind(docs, "ConfigMap") if c["metadata"]["name"] == values_ref["name"]]
    site_values = yaml.safe_load(config_map["data"][values_ref["valuesKey"]])
    assert isinstance(site_values, dict)


def test_site_values_are_accepted_by_the_chart(built: dict[str, list[dict[str, Any]]]) -> None:
    helm_python = pytest.importorskip("helm_python")
    (config_map,) = _of_kind(built["apps/media-server"], "ConfigMap")
    values = yaml.safe_load(config_map["data"]["values.yaml"])
    report = helm_python.lint(REPO / "chart", values, strict=True)
    assert report["errors"] == []


def test_every_image_marker_has_a_policy_in_the_automation_namespace(
    built: dict[str, list[dict[str, Any]]],
) -> None:
    docs = built["apps/media-server"]
    policies = {p["metadata"]["name"] for p in _of_kind(docs, "ImagePolicy")}
    repositories = {r["metadata"]["name"] for r in _of_kind(docs, "ImageRepository")}
    (automation,) = _of_kind(docs, "ImageUpdateAutomation")
    namespace = automation["metadata"]["namespace"]
    markers = re.findall(
        r'\{"\$imagepolicy": "([^:"]+):([^:"]+):(?:name|tag|digest)"\}',
        (REPO / "chart" / "values.yaml").read_text(encoding="utf-8"),
    )
    assert markers
    assert {ns for ns, _ in markers} == {namespace}
    assert {name for _, name in markers} == policies == repositories
    assert automation["spec"]["update"] == {"path": "./chart", "strategy": "Setters"}
