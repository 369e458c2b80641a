"""Behaviour of the media-server Helm chart, rendered offline with real Helm."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import helm_python
import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from tests.chart.conftest import CHART, Render, deep_merge, with_site
from tests.chart.k8s_schemas import validate
from tests.chart.rendered import EnvTag, syncd_yml

SERVICES = (
    "plex",
    "sonarr",
    "radarr",
    "prowlarr",
    "qbittorrent",
    "flaresolverr",
    "byparr",
    "postgres",
    "samba",
)
ONLY_SYNCD: dict[str, Any] = {name: {"enabled": False} for name in SERVICES}
NO_VPN: dict[str, Any] = {"qbittorrent": {"vpn": {"enabled": False}}}
PVCS: dict[str, Any] = {
    "storage": {"data": {"existingClaim": "media"}},
    **{
        app: {"config": {"existingClaim": f"{app}-config"}}
        for app in ("plex", "sonarr", "radarr", "prowlarr", "qbittorrent", "samba")
    },
    "postgres": {"data": {"existingClaim": "pg-data"}, "backup": {"target": {"existingClaim": "pg-backups"}}},
    "syncd": {"state": {"existingClaim": "syncd-state"}},
}
EXISTING_SECRETS: dict[str, Any] = {"secrets": {"externalSecrets": {"enabled": False}}}
EXTRAS: dict[str, Any] = {
    "plex": {
        "claimToken": True,
        "hostNetwork": True,
        "supplementalGroups": [44],
        "image": {"digest": "sha256:" + "a" * 64},
    },
    "syncd": {
        "serviceMonitor": {"enabled": True},
        "schedule": {"cron": "0 * * * *"},
        "mode": "plan",
        "notify": {"level": "all", "urls": [{"key": "NTFY_URL"}, {"key": "url", "secretName": "discord"}]},
        "wiring": {"qbittorrent": {"credentials": True}},
        "config": {"sonarr": {"main": {"tags": ["anime"]}}},
    },
    "qbittorrent": {"vpn": {"networkPolicy": {"endpointCIDRs": ["45.128.134.194/32"]}}},
}
VALUE_SETS = {
    "defaults": {},
    "only-syncd": ONLY_SYNCD,
    "no-vpn": NO_VPN,
    "pvcs": PVCS,
    "existing-secrets": EXISTING_SECRETS,
    "extras": EXTRAS,
}


def _of_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def _named(docs: list[dict[str, Any]], kind: str, suffix: str) -> dict[str, Any]:
    (doc,) = [d for d in _of_kind(docs, kind) if d["metadata"]["name"].endswith(f"-{suffix}")]
    return doc


def _pod_spec(doc: dict[str, Any]) -> dict[str, Any]:
    if doc["kind"] == "CronJob":
        return dict(doc["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    return dict(doc["spec"]["template"]["spec"])


def _pod_template(doc: dict[str, Any]) -> dict[str, Any]:
    if doc["kind"] == "CronJob":
        return dict(doc["spec"]["jobTemplate"]["spec"]["template"])
    return dict(doc["spec"]["template"])


def _workloads(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] in ("Deployment", "CronJob")]


def _containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(spec.get("initContainers", [])) + list(spec["containers"])


def _env_names(container: dict[str, Any]) -> list[str]:
    return [e["name"] for e in container.get("env", [])]


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_lint_reports_no_errors(values: dict[str, Any]) -> None:
    report = helm_python.lint(CHART, with_site(values), strict=True, kube_version="v1.29.0")
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_object_validates_against_kubernetes_and_crd_schemas(
    render: Render, values: dict[str, Any]
) -> None:
    docs = render(values)
    assert docs
    for doc in docs:
        validate(doc)


@pytest.mark.parametrize(
    "api_version",
    ["external-secrets.io/v1beta1", "helm.toolkit.fluxcd.io/v2beta1", "policy/v1beta1"],
)
def test_removed_api_versions_are_refused(api_version: str) -> None:
    with pytest.raises(AssertionError, match="not allow-listed"):
        validate({"apiVersion": api_version, "kind": "ExternalSecret", "metadata": {"name": "x"}, "spec": {}})


def test_crd_validation_rejects_unknown_fields(render: Render) -> None:
    (rendered,) = [d for d in render({}) if d["kind"] == "SecretStore"]
    store = copy.deepcopy(rendered)
    validate(store)
    store["spec"]["provider"]["infisical"]["bogus"] = 1
    with pytest.raises(jsonschema.ValidationError, match="bogus"):
        validate(store)


def test_schema_rejects_unknown_keys(chart: helm_python.Chart) -> None:
    with pytest.raises(helm_python.HelmValuesError, match="bogus"):
        chart.render({"sonarr": {"bogus": 1}}, name="media-server", namespace="media-server")


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_container_has_resources_probes_and_security_context(
    render: Render, values: dict[str, Any]
) -> None:
    for workload in _workloads(render(values)):
        for container in _containers(_pod_spec(workload)):
            where = f"{workload['metadata']['name']}/{container['name']}"
            assert container["resources"]["requests"], where
            assert container["resources"]["limits"]["memory"], where
            ctx = container["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False, where
            assert ctx["capabilities"]["drop"] == ["ALL"], where
            assert ctx["seccompProfile"]["type"] == "RuntimeDefault", where
            if workload["kind"] == "Deployment":
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    assert probe in container, f"{where} lacks {probe}"


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_only_protonwire_and_samba_run_as_root(render: Render, values: dict[str, Any]) -> None:
    for workload in _workloads(render(values)):
        spec = _pod_spec(workload)
        for container in _containers(spec):
            runs_as_root = container["securityContext"].get("runAsUser") == 0
            assert runs_as_root == (container["name"] in ("protonwire", "samba")), container["name"]
            if not runs_as_root:
                non_root = container["securityContext"].get(
                    "runAsNonRoot", spec["securityContext"].get("runAsNonRoot")
                )
                assert non_root is True, container["name"]


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_only_protonwire_has_net_admin(render: Render, values: dict[str, Any]) -> None:
    with_net_admin = [
        container["name"]
        for workload in _workloads(render(values))
        for container in _containers(_pod_spec(workload))
        if "NET_ADMIN" in container["securityContext"]["capabilities"].get("add", [])
    ]
    vpn_on = "protonwire" in {
        c["name"] for w in _workloads(render(values)) for c in _containers(_pod_spec(w))
    }
    assert with_net_admin == (["protonwire"] if vpn_on else [])


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_pod_disables_service_links_and_rolls_on_config_change(
    render: Render, values: dict[str, Any]
) -> None:
    for workload in _workloads(render(values)):
        assert _pod_spec(workload)["enableServiceLinks"] is False
        assert "checksum/values" in _pod_template(workload)["metadata"]["annotations"]


def test_qbittorrent_starts_only_after_the_protonwire_native_sidecar(render: Render) -> None:
    spec = _pod_spec(_named(render({}), "Deployment", "qbittorrent"))
    (sidecar,) = spec["initContainers"]
    assert sidecar["name"] == "protonwire"
    assert sidecar["restartPolicy"] == "Always"
    assert "protonwire" in sidecar["startupProbe"]["exec"]["command"]
    env = {e["name"]: e for e in sidecar["env"]}
    assert env["KILL_SWITCH"]["value"] == "1"
    assert env["SKIP_DNS_CONFIG"]["value"] == "0"
    assert env["WIREGUARD_PRIVATE_KEY"]["valueFrom"]["secretKeyRef"] == {
        "name": "protonvpn-credentials",
        "key": "PROTONVPN_PRIVATE_KEY",
    }
    assert [c["name"] for c in spec["containers"]] == ["qbittorrent"]
    sysctls = {s["name"]: s["value"] for s in spec["securityContext"]["sysctls"]}
    assert sysctls == {"net.ipv4.conf.all.rp_filter": "2", "net.ipv6.conf.all.disable_ipv6": "1"}


def test_qbittorrent_network_policy_allows_only_the_tunnel_out_and_the_apps_in(render: Render) -> None:
    docs = render(EXTRAS)
    pod_labels = _pod_template(_named(docs, "Deployment", "qbittorrent"))["metadata"]["labels"]
    policy = _named(docs, "NetworkPolicy", "qbittorrent")["spec"]
    assert policy["podSelector"]["matchLabels"] == pod_labels
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    sources = {
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
        for peer in policy["ingress"][0]["from"]
    }
    assert sources == {"sonarr", "radarr", "prowlarr", "syncd"}
    assert policy["ingress"][0]["ports"] == [{"protocol": "TCP", "port": 8080}]
    tunnel = policy["egress"][0]
    assert tunnel["to"] == [{"ipBlock": {"cidr": "45.128.134.194/32"}}]
    assert tunnel["ports"] == [{"protocol": "UDP", "port": 51820}]


def test_without_vpn_there_is_no_sidecar_policy_or_vpn_secret(render: Render) -> None:
    docs = render(NO_VPN)
    spec = _pod_spec(_named(docs, "Deployment", "qbittorrent"))
    assert "initContainers" not in spec
    assert "sysctls" not in spec["securityContext"]
    assert _of_kind(docs, "NetworkPolicy") == []
    assert all(
        es["spec"]["target"]["name"] != "protonvpn-credentials" for es in _of_kind(docs, "ExternalSecret")
    )


@pytest.mark.parametrize("app", ["sonarr", "radarr"])
def test_servarr_env_uses_the_double_underscore_names(render: Render, app: str) -> None:
    (container,) = _pod_spec(_named(render({}), "Deployment", app))["containers"]
    names = _env_names(container)
    prefix = app.upper()
    expected = {
        f"{prefix}__POSTGRES__{key}" for key in ("HOST", "PORT", "USER", "PASSWORD", "MAINDB", "LOGDB")
    }
    assert expected | {f"{prefix}__AUTH__APIKEY"} <= set(names)
    assert [n for n in names if re.search(r"__POSTGRES_[A-Z]|__API_KEY", n)] == []
    env = {e["name"]: e for e in container["env"]}
    assert env[f"{prefix}__AUTH__APIKEY"]["valueFrom"]["secretKeyRef"]["key"] == f"{prefix}_API_KEY"


def test_prowlarr_api_key_is_pre_seeded_from_the_secret(render: Render) -> None:
    (container,) = _pod_spec(_named(render({}), "Deployment", "prowlarr"))["containers"]
    assert "PROWLARR__AUTH__APIKEY" in _env_names(container)


def test_pvc_values_replace_every_host_path(render: Render) -> None:
    default_host_paths = [
        v for w in _workloads(render({})) for v in _pod_spec(w)["volumes"] if "hostPath" in v
    ]
    assert default_host_paths
    for workload in _workloads(render(PVCS)):
        volumes = _pod_spec(workload)["volumes"]
        assert [v["name"] for v in volumes if "hostPath" in v] == [], workload["metadata"]["name"]
    claims = {
        v["persistentVolumeClaim"]["claimName"]
        for w in _workloads(render(PVCS))
        for v in _pod_spec(w)["volumes"]
        if "persistentVolumeClaim" in v
    }
    assert {"media", "pg-data", "pg-backups", "syncd-state", "plex-config"} <= claims


def test_external_secrets_follow_the_infisical_layout(render: Render) -> None:
    docs = render({})
    (store,) = _of_kind(docs, "SecretStore")
    infisical = store["spec"]["provider"]["infisical"]
    assert infisical["auth"]["universalAuthCredentials"]["clientId"] == {
        "name": "infisical-auth",
        "key": "clientId",
    }
    assert infisical["secretsScope"]["secretsPath"] == "/media-server"
    remote = {
        es["spec"]["target"]["name"]: sorted(d["remoteRef"]["key"] for d in es["spec"]["data"])
        for es in _of_kind(docs, "ExternalSecret")
    }
    assert remote == {
        "postgres-credentials": [
            "database/POSTGRES_DB",
            "database/POSTGRES_PASSWORD",
            "database/POSTGRES_USER",
            "database/RADARR_POSTGRES_PASSWORD",
            "database/SONARR_POSTGRES_PASSWORD",
        ],
        "protonvpn-credentials": ["vpn/PROTONVPN_PRIVATE_KEY", "vpn/PROTONVPN_SERVER"],
        "application-api-keys": [
            "api-keys/PLEX_TOKEN",
            "api-keys/PROWLARR_API_KEY",
            "api-keys/RADARR_API_KEY",
            "api-keys/SONARR_API_KEY",
        ],
        "samba-credentials": ["samba/SAMBA_PASSWORD", "samba/SAMBA_USER", "samba/SAMBA_WORKGROUP"],
    }


def test_existing_secrets_replace_external_secrets(render: Render) -> None:
    docs = render(
        {**EXISTING_SECRETS, "secrets": {**EXISTING_SECRETS["secrets"], "names": {"postgres": "my-pg"}}}
    )
    assert _of_kind(docs, "SecretStore") == [] and _of_kind(docs, "ExternalSecret") == []
    refs = {
        e["valueFrom"]["secretKeyRef"]["name"]
        for w in _workloads(docs)
        for c in _containers(_pod_spec(w))
        for e in c.get("env", [])
        if "valueFrom" in e
    }
    assert refs == {"my-pg", "protonvpn-credentials", "application-api-keys"}


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_no_secret_objects_are_rendered(render: Render, values: dict[str, Any]) -> None:
    assert _of_kind(render(values), "Secret") == []


def test_templates_and_defaults_hold_no_secret_data() -> None:
    sources = [*sorted((CHART / "templates").rglob("*")), CHART / "values.yaml"]
    for path in (p for p in sources if p.is_file()):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(stringData|kind:\s*Secret)\s*:?\s*$", text, re.MULTILINE), path
        assert not re.search(
            r"(?i)(password|apikey|api_key|private_key|token)\s*:\s*['\"]?[A-Za-z0-9+/=]{8,}", text
        ), path


def test_everything_off_but_syncd_renders_only_syncd(render: Render) -> None:
    docs = render(ONLY_SYNCD)
    components = {d["metadata"]["labels"]["app.kubernetes.io/component"] for d in docs}
    assert components == {"syncd", "external-secrets"}
    config = syncd_yml(docs)
    assert "sonarr" not in config and "radarr" not in config


def test_postgres_readiness_uses_pg_isready(render: Render) -> None:
    (container,) = _pod_spec(_named(render({}), "Deployment", "postgres"))["containers"]
    assert "pg_isready" in " ".join(container["readinessProbe"]["exec"]["command"])
    assert all(m["mountPath"] != "/docker-entrypoint-initdb.d" for m in container["volumeMounts"])


def test_backup_cronjob_dumps_every_database_and_prunes_old_dumps(render: Render) -> None:
    job = _named(render({"postgres": {"backup": {"retentionDays": 7}}}), "CronJob", "postgres-backup")
    (container,) = _pod_spec(job)["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["DATABASES"] == "sonarr_main sonarr_logs radarr_main radarr_logs"
    assert env["RETENTION_DAYS"] == "7"
    script = container["args"][0]
    assert "pg_dump" in script and '-mtime "+${RETENTION_DAYS}" -delete' in script


def test_plex_gets_the_intel_gpu_from_the_device_plugin_on_node_port_32400(render: Render) -> None:
    docs = render({})
    spec = _pod_spec(_named(docs, "Deployment", "plex"))
    (container,) = spec["containers"]
    assert container["resources"]["limits"]["gpu.intel.com/i915"] == 1
    assert all("/dev/dri" not in v.get("hostPath", {}).get("path", "") for v in spec["volumes"])
    assert {"name": "transcode", "emptyDir": {"sizeLimit": "20Gi"}} in spec["volumes"]
    (port,) = _named(docs, "Service", "plex")["spec"]["ports"]
    assert port["nodePort"] == 32400


def test_byparr_is_probed_over_tcp_on_39001(render: Render) -> None:
    (container,) = _pod_spec(_named(render({}), "Deployment", "byparr"))["containers"]
    assert container["ports"][0]["containerPort"] == 39001
    assert all("tcpSocket" in container[p] for p in ("startupProbe", "livenessProbe", "readinessProbe"))


def test_syncd_runs_one_recreated_replica_with_probes_and_read_only_root(render: Render) -> None:
    deployment = _named(render({}), "Deployment", "syncd")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    (container,) = _pod_spec(deployment)["containers"]
    assert container["args"] == ["run", "-c", "/config/syncd.yml"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"name": "SYNCD_STATE_DIR", "value": "/state"} in container["env"]


def test_syncd_config_targets_each_enabled_app_with_keys_from_the_environment(render: Render) -> None:
    docs = render({"radarr": {"enabled": False}, "syncd": {"sonarrPresets": ["sonarr-web-2160p"]}})
    config = syncd_yml(docs)
    assert "radarr" not in config
    main = config["sonarr"]["main"]
    assert main["base_url"] == "http://media-server-sonarr:8989"
    assert main["api_key"] == EnvTag("SONARR_API_KEY") and isinstance(main["api_key"], EnvTag)
    assert main["include"] == [{"preset": "sonarr-web-2160p"}]
    (container,) = _pod_spec(_named(docs, "Deployment", "syncd"))["containers"]
    assert "SONARR_API_KEY" in _env_names(container) and "RADARR_API_KEY" not in _env_names(container)


def test_syncd_mode_and_notify_reach_syncd_yml(render: Render) -> None:
    # Issue #10 left these out: the chart's values never reached the rendered syncd.yml.
    default = syncd_yml(render({}))
    assert default["mode"] == "apply" and default["notify"] == {"level": "changes"}
    config = syncd_yml(render(EXTRAS))
    assert config["mode"] == "plan"
    assert config["notify"]["level"] == "all"
    urls = config["notify"]["urls"]
    assert urls == ["SYNCD_NOTIFY_URL_0", "SYNCD_NOTIFY_URL_1"] and all(isinstance(u, EnvTag) for u in urls)
    (container,) = _pod_spec(_named(render(EXTRAS), "Deployment", "syncd"))["containers"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
    assert refs["SYNCD_NOTIFY_URL_0"] == {"name": "application-api-keys", "key": "NTFY_URL"}
    assert refs["SYNCD_NOTIFY_URL_1"] == {"name": "discord", "key": "url"}
    (keys,) = [
        es
        for es in _of_kind(render(EXTRAS), "ExternalSecret")
        if es["spec"]["target"]["name"] == "application-api-keys"
    ]
    fetched = {d["remoteRef"]["key"] for d in keys["spec"]["data"]}
    assert "api-keys/NTFY_URL" in fetched and "api-keys/url" not in fetched


def test_syncd_pod_rolls_when_its_config_changes(render: Render) -> None:
    def checksum(values: dict[str, Any]) -> str:
        return str(
            _pod_template(_named(render(values), "Deployment", "syncd"))["metadata"]["annotations"][
                "checksum/config"
            ]
        )

    assert checksum({}) != checksum({"syncd": {"radarrPresets": ["radarr-uhd-bluray-web"]}})


def test_syncd_metrics_service_monitor_is_opt_in(render: Render) -> None:
    assert _of_kind(render({}), "ServiceMonitor") == []
    (monitor,) = _of_kind(render(EXTRAS), "ServiceMonitor")
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"


QBT_PREFERENCES: dict[str, Any] = {"syncd": {"qbittorrent": {"preferences": {"max_ratio": 2, "dht": False}}}}


def test_syncd_binds_qbittorrent_to_the_vpn_interface_and_saves_under_data(render: Render) -> None:
    config = syncd_yml(render({}))
    assert config["qbittorrent"] == {
        "main": {
            "base_url": "http://media-server-qbittorrent:8080",
            "preferences": {
                "current_network_interface": "protonwire0",
                "save_path": "/data/downloads",
                "auto_tmm_enabled": True,
            },
            "categories": {
                "tv": "/data/downloads/tv",
                "movies": "/data/downloads/movies",
                "prowlarr": "/data/downloads/prowlarr",
            },
        }
    }
    override = {"syncd": {"qbittorrent": {"preferences": {"current_network_interface": "eth0"}}}}
    assert syncd_yml(render(override))["qbittorrent"]["main"]["preferences"] == {
        "current_network_interface": "protonwire0",
        "save_path": "/data/downloads",
        "auto_tmm_enabled": True,
    }


def test_syncd_does_not_bind_qbittorrent_without_the_vpn(render: Render) -> None:
    preferences = syncd_yml(render(NO_VPN))["qbittorrent"]["main"]["preferences"]
    assert preferences == {"save_path": "/data/downloads", "auto_tmm_enabled": True}
    config = syncd_yml(render({**NO_VPN, **QBT_PREFERENCES}))
    assert config["qbittorrent"]["main"]["preferences"] == {
        "max_ratio": 2,
        "dht": False,
        "save_path": "/data/downloads",
        "auto_tmm_enabled": True,
    }
    custom = {
        **NO_VPN,
        "syncd": {
            "qbittorrent": {"preferences": {"save_path": "/data/downloads/torrents"}},
            "wiring": {"qbittorrent": {"autoTorrentManagement": False}},
        },
    }
    assert syncd_yml(render(custom))["qbittorrent"]["main"]["preferences"] == {
        "save_path": "/data/downloads/torrents"
    }
    assert "qbittorrent" not in syncd_yml(render({"qbittorrent": {"enabled": False}}))


def test_schema_refuses_the_write_only_qbittorrent_password(chart: helm_python.Chart) -> None:
    with pytest.raises(helm_python.HelmValuesError, match="web_ui_password"):
        chart.render(
            {"syncd": {"qbittorrent": {"preferences": {"web_ui_password": "hunter22"}}}},
            name="media-server",
            namespace="media-server",
        )


# The generated syncd.yml minus what needs kinds other lanes are still landing (Prowlarr and Plex
# instances, qBittorrent categories): Sonarr/Radarr root folders and their qBittorrent download
# clients by `target: qbittorrent.main` already load. tests/chart/test_wiring.py runs
# `syncd validate` on the whole default wiring.
UNWIRED: dict[str, Any] = {
    "prowlarr": {"enabled": False},
    "syncd": {"wiring": {"qbittorrent": {"categories": None}, "plex": {"enabled": False}}},
}


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"syncd": {"schedule": {"cron": "0 * * * *"}, "sonarrPresets": ["sonarr-web-2160p"]}},
        ONLY_SYNCD,
        QBT_PREFERENCES,
        {"syncd": {"mode": "plan", "notify": {"level": "errors", "urls": [{"key": "NTFY_URL"}]}}},
    ],
    ids=["unwired", "cron-and-2160p", "only-syncd", "qbittorrent-preferences", "plan-and-notify"],
)
def test_rendered_syncd_config_without_the_new_wiring_loads_in_syncd(
    render: Render, values: dict[str, Any], tmp_path: Path
) -> None:
    load = pytest.importorskip("syncd.config.load")
    path = tmp_path / "syncd.yml"
    rendered = render(deep_merge(UNWIRED, values))
    path.write_text(_named(rendered, "ConfigMap", "syncd")["data"]["syncd.yml"], encoding="utf-8")
    env = {"SONARR_API_KEY": "0" * 32, "RADARR_API_KEY": "1" * 32, "SYNCD_NOTIFY_URL_0": "ntfys://ntfy.sh/t"}
    config = load.load_config(path, env=env)
    wanted = values.get("syncd", {}).get("qbittorrent", {}).get("preferences", {})
    expected = (
        {}
        if values is ONLY_SYNCD
        else {
            "save_path": "/data/downloads",
            "auto_tmm_enabled": True,
            **wanted,
            "current_network_interface": "protonwire0",
        }
    )
    assert {q.address: q.wanted for q in config.qbittorrent} == (
        {"qbittorrent.main": expected} if expected else {}
    )
    syncd = values.get("syncd", {})
    assert config.mode.value == syncd.get("mode", "apply")
    assert config.notify.level.value == syncd.get("notify", {}).get("level", "changes")
    assert len(config.notify.urls) == len(syncd.get("notify", {}).get("urls", []))


def test_every_image_in_values_carries_flux_image_automation_markers() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    text = (CHART / "values.yaml").read_text(encoding="utf-8")
    images: list[str] = []

    def walk(node: Any, name: str) -> None:
        if isinstance(node, dict):
            if set(node) == {"repository", "tag", "digest"}:
                images.append(name)
            for key, child in node.items():
                walk(child, "protonwire" if key == "vpn" else name if key == "image" else key)

    walk(values, "")
    assert len(images) == 11
    for name in images:
        for field in ("name", "tag", "digest"):
            assert f'# {{"$imagepolicy": "media-server:{name}:{field}"}}' in text, (name, field)


def test_readme_documents_every_value() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    readme = (CHART / "README.md").read_text(encoding="utf-8")
    leaves: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and node and not path.endswith(("requests", "limits")):
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else key)
        else:
            leaves.append(path)

    walk(values, "")
    assert [leaf for leaf in leaves if f"| `{leaf}` |" not in readme] == []


def test_readme_says_what_each_toggle_deploys() -> None:
    readme = (CHART / "README.md").read_text(encoding="utf-8")
    toggles = re.findall(r"^\| `([\w.]+\.enabled)` \| `[^`]*` \| (.+) \|$", readme, re.MULTILINE)
    assert len(toggles) >= 15
    assert [key for key, text in toggles if text == "Deploy this component."] == []
    descriptions = [text for _, text in toggles]
    assert len(set(descriptions)) == len(descriptions), "each toggle says what it deploys"
