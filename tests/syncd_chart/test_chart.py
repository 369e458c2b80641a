"""The standalone syncd chart: it lints, every object passes the Kubernetes schemas, it runs the
user's own config (inline, or an existing ConfigMap or Secret) as it is, it hands the config every
variable and secret it reads, and the rendered config passes `syncd validate`."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

import syncd
from syncd import cli
from syncd.config import discover
from tests.chart.k8s_schemas import validate
from tests.image import read_dockerfile
from tests.shared import SHARED
from tests.syncd_chart.conftest import CHART, RELEASE, Render, example

EXAMPLES = ("syncd", "recyclarr", "configarr", "existing-configmap", "recyclarr-folder")
TAG = re.compile(r"!(env|env_var|secret)\s+([A-Za-z0-9_]+)")
INLINE: dict[str, Any] = {"config": {"inline": "syncd: 1\n"}}
VARIANTS: dict[str, dict[str, Any]] = {
    **{name: example(name) for name in EXAMPLES},
    "existing-secret": {"config": {"existingSecret": "my-config", "fileName": "config.yml"}},
    "no-persistence": {**INLINE, "persistence": {"enabled": False}},
    "extras": {
        **INLINE,
        "config": {"inline": "syncd: 1\n", "format": "syncd"},
        "image": {"digest": "sha256:" + "b" * 64},
        "serviceMonitor": {"enabled": True},
        "persistence": {"storageClass": "local-path", "size": "2Gi"},
        "imagePullSecrets": [{"name": "ghcr"}],
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "podAnnotations": {"example.com/team": "media"},
    },
}


def _of_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def _one(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (doc,) = _of_kind(docs, kind)
    return doc


def _container(docs: list[dict[str, Any]]) -> dict[str, Any]:
    (container,) = _one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert isinstance(container, dict)
    return container


def _volume(docs: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (volume,) = [
        v for v in _one(docs, "Deployment")["spec"]["template"]["spec"]["volumes"] if v["name"] == name
    ]
    assert isinstance(volume, dict)
    return volume


def _config_text(docs: list[dict[str, Any]], file_name: str) -> str:
    text = _one(docs, "ConfigMap")["data"][file_name]
    assert isinstance(text, str)
    return text


@pytest.mark.parametrize("values", VARIANTS.values(), ids=VARIANTS.keys())
def test_lint_reports_no_errors(values: dict[str, Any]) -> None:
    report = helm_python.lint(CHART, values, strict=True, kube_version="v1.29.0")
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("values", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_object_validates_against_the_kubernetes_schemas(
    render: Render, values: dict[str, Any]
) -> None:
    docs = render(values)
    assert {d["kind"] for d in docs} >= {"Deployment", "Service"}
    for doc in docs:
        validate(doc)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "set exactly one of config.inline"),
        (
            {"config": {"inline": "syncd: 1\n", "existingConfigMap": "mine"}},
            "set exactly one of config.inline",
        ),
        ({**INLINE, "apiKeys": {"keys": ["SONARR_API_KEY"]}}, "apiKeys.keys needs apiKeys.existingSecret"),
        ({"config": {"inline": "syncd: 1\n", "fileName": ""}}, "config.inline needs config.fileName"),
    ],
    ids=["no-config", "two-configs", "keys-without-secret", "inline-without-name"],
)
def test_a_missing_or_ambiguous_source_fails_the_render_with_a_reason(
    chart: helm_python.Chart, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(helm_python.HelmError, match=re.escape(message)):
        chart.render(values, name=RELEASE, namespace="media")


@pytest.mark.parametrize(
    "values",
    [
        {**INLINE, "bogus": 1},
        {"config": {"inline": "x", "fileName": "../etc/passwd"}},
        {**INLINE, "env": {"1X": "y"}},
    ],
    ids=["unknown-key", "file-name-escapes", "bad-env-name"],
)
def test_schema_rejects_bad_values(chart: helm_python.Chart, values: dict[str, Any]) -> None:
    with pytest.raises(helm_python.HelmValuesError):
        chart.render(values, name=RELEASE, namespace="media")


@pytest.mark.parametrize("name", ["syncd", "recyclarr", "configarr"])
def test_inline_config_is_mounted_verbatim_and_run(render: Render, name: str) -> None:
    values = example(name)
    docs = render(values)
    file_name = values["config"]["fileName"]
    assert _config_text(docs, file_name) == values["config"]["inline"]
    assert _container(docs)["args"] == ["run", "-c", f"/config/{file_name}"]
    sources = _volume(docs, "config")["projected"]["sources"]
    assert sources[0] == {"configMap": {"name": _one(docs, "ConfigMap")["metadata"]["name"]}}
    mount = next(m for m in _container(docs)["volumeMounts"] if m["name"] == "config")
    assert mount == {"name": "config", "mountPath": "/config", "readOnly": True}


def test_an_existing_configmap_or_secret_is_mounted_as_it_is(render: Render) -> None:
    docs = render(example("existing-configmap"))
    assert _of_kind(docs, "ConfigMap") == []
    assert _volume(docs, "config")["projected"]["sources"] == [{"configMap": {"name": "recyclarr-config"}}]
    assert _container(docs)["args"] == ["run", "-c", "/config/recyclarr.yml"]
    docs = render(VARIANTS["existing-secret"])
    assert _volume(docs, "config")["projected"]["sources"] == [{"secret": {"name": "my-config"}}]
    assert _container(docs)["args"] == ["run", "-c", "/config/config.yml"]


def test_the_secrets_file_lands_beside_the_config(render: Render) -> None:
    sources = _volume(render(example("recyclarr")), "config")["projected"]["sources"]
    assert sources[1] == {
        "secret": {"name": "recyclarr-secrets", "items": [{"key": "secrets.yml", "path": "secrets.yml"}]}
    }


def test_a_forced_format_is_passed_to_syncd(render: Render) -> None:
    assert _container(render(VARIANTS["extras"]))["args"] == [
        "run",
        "-c",
        "/config/syncd.yml",
        "--format",
        "syncd",
    ]


def _environment(container: dict[str, Any]) -> dict[str, str]:
    """The container's variables as the pod would see them, with a stand-in for each secret."""
    env: dict[str, str] = {}
    for entry in container["env"]:
        if "value" in entry:
            env[entry["name"]] = entry["value"]
        else:
            ref = entry["valueFrom"]["secretKeyRef"]
            env[entry["name"]] = f"{ref['name']}-{ref['key']}-0123456789abcdef".lower()
    return env


@pytest.mark.parametrize("name", ["syncd", "recyclarr", "configarr"])
def test_every_variable_and_secret_the_config_reads_is_provided(render: Render, name: str) -> None:
    values = example(name)
    docs = render(values)
    wanted = TAG.findall(_config_text(docs, values["config"]["fileName"]))
    assert wanted
    env = _environment(_container(docs))
    assert {n for tag, n in wanted if tag != "secret"} <= set(env)
    if any(tag == "secret" for tag, _ in wanted):
        assert len(_volume(docs, "config")["projected"]["sources"]) == 2


def _recyclarr_template_as_is() -> dict[str, Any]:
    """A real Recyclarr v8 template with only its two placeholders filled in, as a user would."""
    text = (SHARED / "recyclarr-templates-v8-branch" / "sonarr/templates/web-1080p.yml").read_text()
    text = text.replace("Put your Sonarr URL here", "!env_var SONARR_URL").replace(
        "Put your API key here", "!env_var SONARR_API_KEY"
    )
    return {
        "config": {"fileName": "recyclarr.yml", "inline": text},
        "apiKeys": {"existingSecret": "keys", "keys": ["SONARR_API_KEY"]},
        "env": {"SONARR_URL": "http://sonarr.media.svc.cluster.local:8989"},
    }


VALIDATED = {
    **{name: (example(name), dialect) for name, dialect in [("syncd", "syncd"), ("recyclarr", "recyclarr")]},
    "configarr": (example("configarr"), "configarr"),
    "recyclarr-template-as-is": (_recyclarr_template_as_is(), "recyclarr"),
}


@pytest.mark.parametrize(("values", "dialect"), VALIDATED.values(), ids=VALIDATED.keys())
def test_rendered_config_passes_syncd_validate(
    render: Render,
    values: dict[str, Any],
    dialect: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    guides_url: str,
    templates_url: str,
) -> None:
    """The files the pod would see in /config, the variables it would get, and `syncd validate`."""
    docs = render(values)
    file_name = values["config"]["fileName"]
    text = _config_text(docs, file_name)
    (tmp_path / file_name).write_text(text, encoding="utf-8")
    secrets = sorted({n for tag, n in TAG.findall(text) if tag == "secret"})
    if secrets:
        (tmp_path / "secrets.yml").write_text("".join(f"{n}: {n}-0123456789abcdef\n" for n in secrets))
    for key, value in _environment(_container(docs)).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SYNCD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", guides_url)
    monkeypatch.setenv("SYNCD_TEMPLATES_URL", templates_url)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["validate", "-c", str(tmp_path / file_name)], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert f"{dialect} format" in out.getvalue()


def test_validate_fails_when_a_variable_the_config_reads_is_missing(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guides_url: str
) -> None:
    """The check above can fail: without the Secret's variable the same file is refused."""
    values = example("syncd")
    path = tmp_path / "syncd.yml"
    path.write_text(_config_text(render(values), "syncd.yml"), encoding="utf-8")
    env = _environment(_container(render(values)))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("RADARR_API_KEY")
    monkeypatch.setenv("SYNCD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", guides_url)
    err = io.StringIO()
    assert cli.main(["validate", "-c", str(path)], stdout=io.StringIO(), stderr=err) == 1
    assert "RADARR_API_KEY" in err.getvalue()


def test_image_defaults_to_the_app_version_and_a_digest_pins_it(render: Render) -> None:
    assert _container(render(INLINE))["image"] == f"ghcr.io/syncd-project/syncd:{syncd.__version__}"
    digest = "sha256:" + "b" * 64
    assert _container(render(VARIANTS["extras"]))["image"].endswith(f":{syncd.__version__}@{digest}")


def test_the_pod_matches_the_image(render: Render) -> None:
    """The image's user, port and default command are the chart's; its writable paths are volumes."""
    final = read_dockerfile().final
    docs = render(INLINE)
    container = _container(docs)
    pod = _one(docs, "Deployment")["spec"]["template"]["spec"]
    user, _, group = final.last("USER").arguments.partition(":")
    assert (pod["securityContext"]["runAsUser"], pod["securityContext"]["runAsGroup"]) == (
        int(user),
        int(group),
    )
    # The image's own command, with the file named: the chart never relies on what /config holds.
    assert container["command"] + container["args"] == (
        final.last("ENTRYPOINT").exec_form() + final.last("CMD").exec_form() + ["-c", "/config/syncd.yml"]
    )
    assert str(container["ports"][0]["containerPort"]) in final.last("EXPOSE").arguments
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    writable = {m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")}
    assert writable == {final.env()["SYNCD_STATE_DIR"], final.env()["HOME"]}
    assert {e["name"]: e.get("value") for e in container["env"]}["SYNCD_STATE_DIR"] == "/state"


def test_state_is_kept_on_a_claim_the_uninstall_leaves_alone(render: Render) -> None:
    docs = render(INLINE)
    pvc = _one(docs, "PersistentVolumeClaim")
    assert pvc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert _volume(docs, "state")["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]
    docs = render(example("existing-configmap"))
    assert _of_kind(docs, "PersistentVolumeClaim") == []
    assert _volume(docs, "state")["persistentVolumeClaim"]["claimName"] == "syncd-state"
    assert _volume(render(VARIANTS["no-persistence"]), "state") == {"name": "state", "emptyDir": {}}


def test_one_pod_at_a_time_holds_the_state(render: Render) -> None:
    deployment = _one(render(INLINE), "Deployment")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}


def test_readme_documents_every_value() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    readme = (CHART / "README.md").read_text(encoding="utf-8")
    leaves: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and node and path not in ("resources", "podSecurityContext"):
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else key)
        else:
            leaves.append(path)

    walk(values, "")
    assert [leaf for leaf in leaves if f"| `{leaf}` |" not in readme] == []


def test_readme_names_every_example() -> None:
    readme = (CHART / "README.md").read_text(encoding="utf-8")
    assert [e for e in EXAMPLES if f"examples/{e}.yaml" not in readme] == []
    assert sorted(p.stem for p in (CHART / "examples").glob("*.yaml")) == sorted(EXAMPLES)


@pytest.mark.parametrize("values", VARIANTS.values(), ids=VARIANTS.keys())
def test_the_container_is_locked_down_and_probed(render: Render, values: dict[str, Any]) -> None:
    docs = render(values)
    container = _container(docs)
    pod = _one(docs, "Deployment")["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    ctx = container["securityContext"]
    assert ctx["allowPrivilegeEscalation"] is False
    assert ctx["capabilities"]["drop"] == ["ALL"]
    assert ctx["seccompProfile"]["type"] == "RuntimeDefault"
    assert container["resources"]["limits"]["memory"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"


def _filled(template: str, service: str) -> str:
    """A Recyclarr v8 template from the shared snapshot with its placeholders filled in."""
    text = (SHARED / "recyclarr-templates-v8-branch" / template).read_text()
    upper = service.upper()
    return text.replace(
        f"Put your {service.capitalize()} URL here", f"http://{service}.media.svc:8989"
    ).replace("Put your API key here", f"!env_var {upper}_API_KEY")


def test_a_recyclarr_folder_is_laid_out_by_items_and_found_without_a_file_name(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guides_url: str
) -> None:
    """The ConfigMap's keys land where `items` puts them; syncd, given no -c, finds the folder
    and reads it whole, as Recyclarr would."""
    values = example("recyclarr-folder")
    docs = render(values)
    assert _container(docs)["args"] == ["run"]
    (source,) = _volume(docs, "config")["projected"]["sources"]
    assert source == {"configMap": {"name": "recyclarr-folder", "items": values["config"]["items"]}}
    keys = {
        "recyclarr.yml": _filled("sonarr/templates/web-1080p.yml", "sonarr"),
        "radarr.yml": _filled("radarr/templates/hd-bluray-web.yml", "radarr"),
    }
    root = tmp_path / "config"
    for item in source["configMap"]["items"]:
        (root / item["path"]).parent.mkdir(parents=True, exist_ok=True)
        (root / item["path"]).write_text(keys[item["key"]], encoding="utf-8")
    found = discover.discover(env={}, cwd=tmp_path, root=root)
    assert found.path == root
    for key, value in _environment(_container(docs)).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SYNCD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", guides_url)
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["validate", "-c", str(found.path)], stdout=out, stderr=err) == 0, err.getvalue()
    assert "2 instances, recyclarr format" in out.getvalue()
