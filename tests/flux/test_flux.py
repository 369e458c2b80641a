"""The Flux manifests in flux/ build with kustomize, use only current, valid APIs, and bootstrap."""

from __future__ import annotations

import re
import shutil
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
BOOTSTRAP_PATH = "flux/clusters/home"
# fluxcd/flux2 v2.9.4 pkg/manifestgen/install/options.go: Components (always installed) and
# the opt-in ComponentsExtra; API group -> the controller that serves it.
DEFAULT_COMPONENTS = {
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
}
CONTROLLER_OF_GROUP = {
    "source.toolkit.fluxcd.io": "source-controller",
    "kustomize.toolkit.fluxcd.io": "kustomize-controller",
    "helm.toolkit.fluxcd.io": "helm-controller",
    "image.toolkit.fluxcd.io": "image-reflector-controller",
}


def _kustomize(path: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [str(KUBECTL), "kustomize", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def _bootstrapped_cluster(root: Path) -> Path:
    """A copy of flux/clusters/home as Flux reconciles it after `flux bootstrap`.

    Adds flux-system/gotk-sync.yaml as fluxcd/flux2 v2.9.4 pkg/manifestgen/sync/sync.go writes it
    (gotk-components.yaml, the controllers themselves, is left out), then the kustomization.yaml
    kustomize-controller generates for a folder without one: every manifest, and every sub-folder
    that has its own kustomization.yaml (flux2 v2.9.4 pkg/manifestgen/kustomization Generate).
    """
    cluster = root / BOOTSTRAP_PATH
    shutil.copytree(REPO / BOOTSTRAP_PATH, cluster)
    flux_system = cluster / "flux-system"
    flux_system.mkdir()
    (flux_system / "gotk-sync.yaml").write_text(
        yaml.safe_dump_all(
            [
                {
                    "apiVersion": "source.toolkit.fluxcd.io/v1",
                    "kind": "GitRepository",
                    "metadata": {"name": "flux-system", "namespace": "flux-system"},
                    "spec": {
                        "interval": "1m0s",
                        "ref": {"branch": "main"},
                        "secretRef": {"name": "flux-system"},
                        "url": "ssh://git@github.com/me/syncd.git",
                    },
                },
                {
                    "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
                    "kind": "Kustomization",
                    "metadata": {"name": "flux-system", "namespace": "flux-system"},
                    "spec": {
                        "interval": "10m0s",
                        "path": f"./{BOOTSTRAP_PATH}",
                        "prune": True,
                        "sourceRef": {"kind": "GitRepository", "name": "flux-system"},
                    },
                },
            ]
        ),
        encoding="utf-8",
    )
    (flux_system / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [gotk-sync.yaml]\n",
        encoding="utf-8",
    )
    assert not (cluster / "kustomization.yaml").exists()
    resources = sorted(
        p.name for p in cluster.iterdir() if p.suffix == ".yaml" or (p / "kustomization.yaml").is_file()
    )
    (cluster / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources}
        ),
        encoding="utf-8",
    )
    return cluster


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    cluster = _bootstrapped_cluster(tmp_path_factory.mktemp("bootstrapped"))
    return {
        directory: _kustomize(cluster if directory == "clusters/home" else FLUX / directory)
        for directory in KUSTOMIZE_DIRS
    }


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


def test_flux_reconciles_the_cluster_folder_itself(built: dict[str, list[dict[str, Any]]]) -> None:
    kustomizations = {
        k["metadata"]["name"]: k["spec"] for k in _of_kind(built["clusters/home"], "Kustomization")
    }
    assert kustomizations["flux-system"]["path"] == f"./{BOOTSTRAP_PATH}"
    assert set(kustomizations) == {"flux-system", "infra-controllers", "infra-configs", "media-server"}
    # No hand-written kustomization.yaml may hide flux-system/ from that reconciliation.
    assert not (REPO / BOOTSTRAP_PATH / "kustomization.yaml").exists()
    assert not (REPO / BOOTSTRAP_PATH / "flux-system").exists(), "flux bootstrap writes flux-system/"


def test_bootstrap_installs_every_controller_the_tree_needs(built: dict[str, list[dict[str, Any]]]) -> None:
    script = (REPO / "scripts" / "setup" / "03-bootstrap-flux.sh").read_text(encoding="utf-8")
    (extra,) = re.findall(r"--components-extra=(\S+)", script)
    installed = DEFAULT_COMPONENTS | set(extra.split(","))
    assert f"--path={BOOTSTRAP_PATH}" in script
    groups = {
        doc["apiVersion"].split("/")[0]
        for docs in built.values()
        for doc in docs
        if "toolkit.fluxcd.io" in doc["apiVersion"]
    }
    assert "image.toolkit.fluxcd.io" in groups
    assert {CONTROLLER_OF_GROUP[group] for group in groups} <= installed
    # ImageUpdateAutomation is served by the image-automation-controller.
    assert "image-automation-controller" in installed


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
    assert release["metadata"]["namespace"] == "media-server"
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


def test_chart_and_automation_use_the_one_bootstrapped_repository(
    built: dict[str, list[dict[str, Any]]],
) -> None:
    docs = built["apps/media-server"]
    assert _of_kind(docs, "GitRepository") == [], "the repository is set once, by flux bootstrap"
    (release,) = _of_kind(docs, "HelmRelease")
    (automation,) = _of_kind(docs, "ImageUpdateAutomation")
    bootstrapped = {"kind": "GitRepository", "name": "flux-system", "namespace": "flux-system"}
    assert release["spec"]["chart"]["spec"]["sourceRef"] == bootstrapped
    assert automation["spec"]["sourceRef"] == bootstrapped
    assert (
        automation["spec"]["git"]["push"]["branch"] == automation["spec"]["git"]["checkout"]["ref"]["branch"]
    )
    (sync,) = [
        s for s in _of_kind(built["clusters/home"], "GitRepository") if s["metadata"]["name"] == "flux-system"
    ]
    assert sync["spec"]["secretRef"] == {"name": "flux-system"}


def test_infrastructure_charts_are_pinned(built: dict[str, list[dict[str, Any]]]) -> None:
    versions = {
        r["spec"]["chart"]["spec"]["chart"]: r["spec"]["chart"]["spec"]["version"]
        for r in _of_kind(built["infrastructure/controllers"], "HelmRelease")
    }
    assert versions == {
        "cert-manager": "v1.19.1",
        # The vendored ESO CRDs the chart is validated against are v2.9.0.
        "external-secrets": "2.9.0",
        "intel-device-plugins-operator": "0.36.0",
    }
    script = (REPO / "scripts" / "setup" / "05-install-external-secrets.sh").read_text(encoding="utf-8")
    assert f'eso_version="{versions["external-secrets"]}"' in script


def test_gpu_plugin_image_matches_the_operator_version(built: dict[str, list[dict[str, Any]]]) -> None:
    # intel/intel-device-plugins-for-kubernetes v0.36.0: pkg/controllers/reconciler.go sets
    # ImageMinVersion 0.36.0 and webhook_common.go validatePluginImage rejects older images,
    # so a 0.32.0 plugin under a floating operator fails infra-configs and everything after it.
    (operator,) = [
        r
        for r in _of_kind(built["infrastructure/controllers"], "HelmRelease")
        if r["spec"]["chart"]["spec"]["chart"] == "intel-device-plugins-operator"
    ]
    (plugin,) = _of_kind(built["infrastructure/configs"], "GpuDevicePlugin")
    image, tag = plugin["spec"]["image"].rsplit(":", 1)
    assert image == "intel/intel-gpu-plugin"
    assert tag == operator["spec"]["chart"]["spec"]["version"]


# Tags each policy must pick, and tags it must never pick: moving aliases (home-operations
# .github/workflows/app-builder.yaml tags {{version}}, {{major}}.{{minor}}, {{major}} besides the
# raw four-part version) and the next major version.
POLICY_TAGS: dict[str, tuple[list[str], list[str]]] = {
    "plex": (["1.41.5.9522", "1.42.1.10060"], ["1.41.5", "1.41", "1", "2.0.0.1"]),
    "sonarr": (["4.0.14.2938", "4.0.15.2940"], ["4.0.14", "4", "5.0.0.3000"]),
    "radarr": (["5.20.1.9773", "5.28.0.10205"], ["5.20.1", "5", "6.4.1.10545"]),
    "prowlarr": (["1.35.1.5034", "1.37.0.5076"], ["1.35.1", "1.35", "2.6.1.5509"]),
    "qbittorrent": (["5.0.4", "5.2.3"], ["5", "5.0", "6.0.0"]),
    "byparr": (["3.0.0", "3.1.2"], ["3", "3.0", "4.0.0", "v3.0.0"]),
    "flaresolverr": (["v3.3.19", "v3.5.0"], ["v4.0.0", "3.3.19"]),
    "protonwire": (["7.5.3"], ["7", "8.0.0"]),
    "syncd": (["0.1.0", "0.2.0"], ["1.0.0", "0"]),
}


def _semver(tag: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in tag.split("."))
    return major, minor, patch


def _admits(policy: dict[str, Any], tag: str) -> bool:
    """Whether an ImagePolicy v1 would consider `tag` (filterTags, then the policy's range)."""
    spec = policy["spec"]
    value = tag
    if "filterTags" in spec:
        match = re.match(spec["filterTags"]["pattern"], tag)
        if match is None:
            return False
        extract = spec["filterTags"].get("extract")
        if extract:
            value = match.group(extract.removeprefix("$"))
    semver = spec["policy"].get("semver")
    if semver is None:
        return True
    low, high = (part.removeprefix(">=").removeprefix("<") for part in semver["range"].split())
    return _semver(low) <= _semver(value) < _semver(high)


@pytest.mark.parametrize("name", sorted(POLICY_TAGS))
def test_image_policies_stay_within_a_major_and_skip_moving_aliases(
    built: dict[str, list[dict[str, Any]]], name: str
) -> None:
    (policy,) = [
        p for p in _of_kind(built["apps/media-server"], "ImagePolicy") if p["metadata"]["name"] == name
    ]
    admitted, refused = POLICY_TAGS[name]
    assert [tag for tag in admitted if not _admits(policy, tag)] == []
    assert [tag for tag in refused if _admits(policy, tag)] == []
    values = yaml.safe_load((REPO / "chart" / "values.yaml").read_text(encoding="utf-8"))
    images = {k: v.get("image") for k, v in values.items() if isinstance(v, dict)}
    images["protonwire"] = values["qbittorrent"]["vpn"]["image"]
    assert _admits(policy, images[name]["tag"]), "the chart's own tag must be inside its policy"


def test_one_failing_pod_cannot_block_or_roll_back_the_release(
    built: dict[str, list[dict[str, Any]]],
) -> None:
    # helm-controller v2 (HelmRelease spec.install/upgrade.disableWait): without it Helm waits for
    # every workload, so one crash-looping pod times out each upgrade and remediation rolls back.
    (release,) = _of_kind(built["apps/media-server"], "HelmRelease")
    assert release["spec"]["install"]["disableWait"] is True
    assert release["spec"]["upgrade"]["disableWait"] is True


def test_every_setup_script_the_tree_names_exists() -> None:
    # A comment once sent operators to scripts/setup/04-bootstrap-flux.sh, which never existed.
    texts = [
        p.read_text(encoding="utf-8")
        for root in (REPO / "flux", REPO / "chart")
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".md", ".txt", ".tpl", ".json")
    ]
    named = {m for text in texts for m in re.findall(r"scripts/setup/[\w.-]+\.sh", text)}
    assert named, "the tree should point operators at the setup scripts"
    assert sorted(n for n in named if not (REPO / n).is_file()) == []
