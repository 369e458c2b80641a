"""Render-level checks of what would stop the stack on k3s, or surprise an operator.

Each test names the upstream file and version whose behaviour it encodes, so the fact can be
re-checked when an image or controller is bumped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

from tests.chart.conftest import CHART, NAMESPACE, RELEASE, SITE, Render
from tests.chart.rendered import syncd_yml


def _named(docs: list[dict[str, Any]], kind: str, suffix: str) -> dict[str, Any]:
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == f"{RELEASE}-{suffix}"]
    return doc


def _pod(docs: list[dict[str, Any]], workload: str) -> dict[str, Any]:
    return dict(_named(docs, "Deployment", workload)["spec"]["template"]["spec"])


def _container(docs: list[dict[str, Any]], workload: str, name: str) -> dict[str, Any]:
    spec = _pod(docs, workload)
    (container,) = [c for c in [*spec.get("initContainers", []), *spec["containers"]] if c["name"] == name]
    return dict(container)


def test_qbittorrent_is_bound_to_the_interface_protonwire_creates(render: Render) -> None:
    # tprasadtp/protonvpn-docker 7.5.3 protonwire: `ip link show protonwire0 type wireguard`,
    # `wg show protonwire0 peers`; there is no wg0.
    docs = render({})
    preferences = syncd_yml(docs)["qbittorrent"]["main"]["preferences"]
    assert preferences["current_network_interface"] == "protonwire0"
    assert "protonwire" in _container(docs, "qbittorrent", "protonwire")["image"]
    rendered = "".join(str(d) for d in docs)
    assert "wg0" not in rendered
    # Nor may the docs, schema or values tell an operator otherwise.
    sources = [p for root in (CHART, CHART.parent / "docs") for p in root.rglob("*") if p.is_file()]
    assert [p.name for p in sources if "wg0" in p.read_text(encoding="utf-8")] == []


def test_the_interface_name_is_written_in_one_place() -> None:
    templates = [p for p in (CHART / "templates").rglob("*") if p.is_file()]
    naming = [p.name for p in templates if "protonwire0" in p.read_text(encoding="utf-8")]
    assert naming == ["_helpers.tpl"]


def test_vpn_pod_resolves_through_the_tunnel_by_default(render: Render) -> None:
    # protonwire 7.5.3 __resolvconf_up_hook writes `nameserver 10.2.0.1` into /etc/resolv.conf
    # unless SKIP_DNS_CONFIG is true; docs/help.md: this breaks `.cluster` names, which
    # qBittorrent does not need.
    env = {e["name"]: e.get("value") for e in _container(render({}), "qbittorrent", "protonwire")["env"]}
    assert env["SKIP_DNS_CONFIG"] == "0"
    keep = {"qbittorrent": {"vpn": {"keepClusterDns": True}}}
    env = {e["name"]: e.get("value") for e in _container(render(keep), "qbittorrent", "protonwire")["env"]}
    assert env["SKIP_DNS_CONFIG"] == "1"


def test_vpn_egress_reaches_only_the_configured_endpoint(render: Render) -> None:
    # The design keeps PROTONVPN_SERVER (45.128.134.194) in Infisical; WireGuard UDP 51820 may
    # go there and nowhere else.
    policy = _named(render({}), "NetworkPolicy", "qbittorrent")["spec"]
    udp = [rule for rule in policy["egress"] if {"protocol": "UDP", "port": 51820} in rule["ports"]]
    assert udp == [
        {"to": [{"ipBlock": {"cidr": "45.128.134.194/32"}}], "ports": [{"protocol": "UDP", "port": 51820}]}
    ]
    assert all(
        peer.get("ipBlock", {}).get("cidr") != "0.0.0.0/0"
        for rule in policy["egress"]
        if rule["ports"] != [{"protocol": "TCP", "port": 443}]
        for peer in rule["to"]
    )


def test_vpn_policy_without_an_endpoint_refuses_to_render(chart: helm_python.Chart) -> None:
    with pytest.raises(helm_python.HelmRenderError, match="endpointCIDRs is empty"):
        chart.render({}, name=RELEASE, namespace=NAMESPACE)
    chart.render(
        {"qbittorrent": {"vpn": {"networkPolicy": {"enabled": False}}}}, name=RELEASE, namespace=NAMESPACE
    )


def test_bootstrap_https_is_limited_to_the_listed_addresses(render: Render) -> None:
    # protonwire 7.5.3 protonvpn_fetch_metadata: curl https://protonwire-api.vercel.app/v1/server/...
    # before the tunnel exists, so some HTTPS is needed; the value narrows or removes it.
    narrowed = {"qbittorrent": {"vpn": {"networkPolicy": {"bootstrapHttpsCIDRs": ["76.76.21.0/24"]}}}}
    egress = _named(render(narrowed), "NetworkPolicy", "qbittorrent")["spec"]["egress"]
    https = [r for r in egress if r["ports"] == [{"protocol": "TCP", "port": 443}]]
    assert https == [
        {"to": [{"ipBlock": {"cidr": "76.76.21.0/24"}}], "ports": [{"protocol": "TCP", "port": 443}]}
    ]
    closed = {"qbittorrent": {"vpn": {"networkPolicy": {"bootstrapHttpsCIDRs": []}}}}
    egress = _named(render(closed), "NetworkPolicy", "qbittorrent")["spec"]["egress"]
    assert [r for r in egress if r["ports"] == [{"protocol": "TCP", "port": 443}]] == []


@pytest.mark.parametrize("workload", ["sonarr", "radarr", "qbittorrent", "plex", "samba"])
def test_one_data_mount_so_imports_are_hardlinks(render: Render, workload: str) -> None:
    # TRaSH-Guides/Guides includes/hardlinks/bad-path-suggestion.md: separate mounts lose
    # hardlinks and instant moves (link()/rename() across mounts fail with EXDEV).
    spec = _pod(render({}), workload)
    mounts = {m["mountPath"]: m for c in spec["containers"] for m in c["volumeMounts"]}
    assert "/data/library" not in mounts and "/data/downloads" not in mounts
    assert mounts["/data"]["name"] == "data"
    assert mounts["/data/config"]["readOnly"] is True and mounts["/data/backups"]["readOnly"] is True
    (volume,) = [v for v in spec["volumes"] if v["name"] == "data"]
    assert volume["hostPath"]["path"] == "/data"


def test_plex_sees_the_media_read_only(render: Render) -> None:
    (plex,) = _pod(render({}), "plex")["containers"]
    (data,) = [m for m in plex["volumeMounts"] if m["mountPath"] == "/data"]
    assert data["readOnly"] is True


def test_qbittorrent_saves_where_sonarr_and_radarr_look(render: Render) -> None:
    docs = render({})
    assert syncd_yml(docs)["qbittorrent"]["main"]["preferences"]["save_path"].startswith("/data/downloads")
    for app in ("sonarr", "radarr", "qbittorrent"):
        (container,) = _pod(docs, app)["containers"]
        assert any(m["mountPath"] == "/data" and not m.get("readOnly") for m in container["volumeMounts"]), (
            app
        )


def test_plex_node_port_keeps_client_addresses(render: Render) -> None:
    service = _named(render({}), "Service", "plex")["spec"]
    assert service["type"] == "NodePort"
    assert service["externalTrafficPolicy"] == "Local"
    assert service["ports"][0]["nodePort"] == 32400


def test_plex_on_the_host_network_has_no_node_port(render: Render) -> None:
    docs = render({"plex": {"hostNetwork": True}})
    service = _named(docs, "Service", "plex")["spec"]
    assert service["type"] == "ClusterIP"
    assert "nodePort" not in service["ports"][0] and "externalTrafficPolicy" not in service
    assert _pod(docs, "plex")["hostNetwork"] is True


def test_plex_advertise_url_is_a_value(render: Render) -> None:
    # home-operations/containers apps/plex/entrypoint.sh reads PLEX_ADVERTISE_URL.
    url = "http://192.168.1.10:32400"
    (plex,) = _pod(render({"plex": {"advertiseUrl": url}}), "plex")["containers"]
    assert {"name": "PLEX_ADVERTISE_URL", "value": url} in plex["env"]
    (plex,) = _pod(render({}), "plex")["containers"]
    assert "PLEX_ADVERTISE_URL" not in {e["name"] for e in plex["env"]}


def test_prowlarr_gets_the_designs_resolvers_as_dns_config(render: Render) -> None:
    # Design: Prowlarr "DNS: Custom DNS servers (9.9.9.9, 149.112.112.112)".
    spec = _pod(render({}), "prowlarr")
    assert spec["dnsConfig"] == {"nameservers": ["9.9.9.9", "149.112.112.112"]}
    assert spec.get("dnsPolicy", "ClusterFirst") == "ClusterFirst"
    assert "dnsConfig" not in _pod(render({"prowlarr": {"dnsConfig": {"nameservers": []}}}), "prowlarr")
    assert "dnsConfig" not in _pod(render({}), "sonarr")


def test_samba_claims_no_discovery_it_does_not_run(render: Render) -> None:
    # samba-in-kubernetes/samba-container (2026-08-01, 5dbfcea) images/server/Containerfile.fedora:
    # EXPOSE 445, ENTRYPOINT ["samba-container"], CMD ["run", "smbd"]: smbd only, no wsdd
    # (WS-Discovery is UDP 3702, not TCP) and no LLMNR responder, so nothing to publish or claim.
    (samba,) = _pod(render({}), "samba")["containers"]
    assert [(p["containerPort"], p["protocol"]) for p in samba["ports"]] == [(445, "TCP")]
    template = (CHART / "templates" / "samba" / "deployment.yaml").read_text(encoding="utf-8")
    assert "discovery works" not in template


def test_site_values_set_the_vpn_endpoint() -> None:
    site = yaml.safe_load((Path(CHART).parent / "flux" / "apps" / "media-server" / "values.yaml").read_text())
    assert (
        site["qbittorrent"]["vpn"]["networkPolicy"]["endpointCIDRs"]
        == SITE["qbittorrent"]["vpn"]["networkPolicy"]["endpointCIDRs"]
    )


def _database_job(docs: list[dict[str, Any]]) -> dict[str, Any]:
    (job,) = [d for d in docs if d["kind"] == "Job"]
    return job


def test_databases_are_created_by_a_job_that_reruns_when_an_app_is_enabled(render: Render) -> None:
    # The postgres image runs /docker-entrypoint-initdb.d only on an empty data directory
    # (docker-library/postgres docker-entrypoint.sh), so enabling Radarr later needs this Job.
    sonarr_only = _database_job(render({"radarr": {"enabled": False}}))
    both = _database_job(render({}))
    assert sonarr_only["metadata"]["name"] != both["metadata"]["name"]
    assert both["metadata"]["name"].startswith(f"{RELEASE}-postgres-databases-")
    assert both["spec"]["activeDeadlineSeconds"] <= 900 and both["spec"]["ttlSecondsAfterFinished"] > 0
    assert "helm.sh/hook" not in both["metadata"].get("annotations", {}), "a hook would block upgrades"
    (container,) = both["spec"]["template"]["spec"]["containers"]
    assert "psql --no-psqlrc -v ON_ERROR_STOP=1 -f /sql/databases.sql" in container["args"][0]
    sql = _named(render({}), "ConfigMap", "postgres-databases")["data"]["databases.sql"]
    wanted = {line.split()[2] for line in sql.splitlines() if line.startswith("\\getenv ")}
    passed = {e["valueFrom"]["secretKeyRef"]["key"] for e in container["env"] if "valueFrom" in e}
    assert wanted == {"SONARR_POSTGRES_PASSWORD", "RADARR_POSTGRES_PASSWORD"} and wanted <= passed


def test_each_app_logs_in_as_its_own_role(render: Render) -> None:
    docs = render({})
    for app in ("sonarr", "radarr"):
        (container,) = _pod(docs, app)["containers"]
        env = {e["name"]: e for e in container["env"]}
        prefix = app.upper()
        assert env[f"{prefix}__POSTGRES__USER"]["value"] == app
        assert (
            env[f"{prefix}__POSTGRES__PASSWORD"]["valueFrom"]["secretKeyRef"]["key"]
            == f"{prefix}_POSTGRES_PASSWORD"
        )


def test_no_database_job_without_an_app_that_needs_one(render: Render) -> None:
    assert [
        d for d in render({"sonarr": {"enabled": False}, "radarr": {"enabled": False}}) if d["kind"] == "Job"
    ] == []


ESCAPE_HATCH_APPS = (
    "plex",
    "sonarr",
    "prowlarr",
    "qbittorrent",
    "flaresolverr",
    "byparr",
    "postgres",
    "samba",
    "syncd",
)


@pytest.mark.parametrize("app", ESCAPE_HATCH_APPS)
def test_every_app_has_escape_hatches(render: Render, app: str) -> None:
    # bjw-s app-template's manner: work around an image without forking the chart.
    values = {
        app: {
            "env": {"EXTRA": "1", "FROM_SECRET": {"valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}},
            "securityContext": {"readOnlyRootFilesystem": False, "capabilities": {"add": ["CHOWN"]}},
            "podSecurityContext": {"supplementalGroups": [44]},
            "extraVolumes": [{"name": "extra", "emptyDir": {}}],
            "extraVolumeMounts": [{"name": "extra", "mountPath": "/extra"}],
        }
    }
    docs = render(values)
    spec = _pod(docs, app)
    (container,) = [c for c in spec["containers"] if c["name"] == app]
    env = container["env"]
    assert env[-2:] == [
        {"name": "EXTRA", "value": "1"},
        {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
    ]
    assert container["securityContext"]["readOnlyRootFilesystem"] is False
    assert container["securityContext"]["capabilities"]["add"] == ["CHOWN"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False, "merged, not replaced"
    assert spec["securityContext"]["supplementalGroups"] == [44]
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert {"name": "extra", "emptyDir": {}} in spec["volumes"]
    assert {"name": "extra", "mountPath": "/extra"} in container["volumeMounts"]


def test_an_extra_env_var_wins_over_the_charts_own(render: Render) -> None:
    (container,) = _pod(render({"byparr": {"env": {"PORT": "8191"}}}), "byparr")["containers"]
    values = [e.get("value") for e in container["env"] if e["name"] == "PORT"]
    assert values[-1] == "8191"  # the kubelet keeps the last of duplicate names


def test_the_vpn_pod_keeps_its_sysctls_under_a_pod_override(render: Render) -> None:
    spec = _pod(render({"qbittorrent": {"podSecurityContext": {"fsGroup": 2000}}}), "qbittorrent")
    assert spec["securityContext"]["fsGroup"] == 2000
    assert {s["name"] for s in spec["securityContext"]["sysctls"]} == {
        "net.ipv4.conf.all.rp_filter",
        "net.ipv6.conf.all.disable_ipv6",
    }


EXPOSED = {
    "ingress": {
        "enabled": True,
        "tlsSecretName": "home-tls",
        "hosts": {
            "sonarr": "sonarr.home.lan",
            "radarr": "radarr.home.lan",
            "prowlarr": "prowlarr.home.lan",
            "qbittorrent": "qbt.home.lan",
            "syncd": "syncd.home.lan",
        },
    }
}


def test_web_uis_are_reachable_through_the_k3s_ingress_controller(render: Render) -> None:
    # k3s ships Traefik as its IngressClass "traefik" (k3s manifests/traefik.yaml), so plain
    # networking.k8s.io/v1 Ingresses reach the UIs.
    docs = render(EXPOSED)
    ingresses = {
        d["metadata"]["name"].removeprefix(f"{RELEASE}-"): d["spec"] for d in docs if d["kind"] == "Ingress"
    }
    assert set(ingresses) == {"sonarr", "radarr", "prowlarr", "qbittorrent", "syncd"}
    services = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "Service"}
    for app, spec in ingresses.items():
        assert spec["ingressClassName"] == "traefik"
        (rule,) = spec["rules"]
        assert rule["host"] == EXPOSED["ingress"]["hosts"][app]
        backend = rule["http"]["paths"][0]["backend"]["service"]
        assert backend["port"] == {"name": "http"}
        assert "http" in {p["name"] for p in services[backend["name"]]["ports"]}
        assert spec["tls"] == [{"hosts": [rule["host"]], "secretName": "home-tls"}]
    assert [d for d in render({}) if d["kind"] == "Ingress"] == []
    only_sonarr = {"ingress": {"enabled": True, "hosts": {"sonarr": "s.lan"}}, "sonarr": {"enabled": True}}
    assert [d["metadata"]["name"] for d in render(only_sonarr) if d["kind"] == "Ingress"] == [
        f"{RELEASE}-sonarr"
    ]


def test_the_ingress_controller_may_reach_qbittorrent_only_when_it_is_exposed(render: Render) -> None:
    # Traefik's pods carry app.kubernetes.io/name=traefik (traefik helm chart labels) in kube-system.
    def sources(values: dict[str, Any]) -> list[dict[str, Any]]:
        policy = _named(render(values), "NetworkPolicy", "qbittorrent")["spec"]
        return [peer for rule in policy["ingress"] for peer in rule["from"]]

    controller = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "traefik"}},
    }
    assert controller in sources(EXPOSED)
    assert controller not in sources({})
    no_qbt = {"ingress": {"enabled": True, "hosts": {"sonarr": "s.lan"}}}
    assert controller not in sources(no_qbt)
