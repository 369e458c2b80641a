"""The chart's rendered syncd.yml wires the stack among the chart's own services (issue #8).

With default values, syncd.yml names every service by its in-cluster Service name and port and
links them in the config shape syncd reads: qBittorrent categories under /data/downloads,
Sonarr/Radarr download clients and Plex connections by reference, Prowlarr applications,
proxies and download client, Plex libraries. The values turn links off, change them, or add
the user's own; every secret stays an `!env` of the syncd Deployment.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from syncd import cli
from tests.chart.conftest import Render
from tests.chart.rendered import EnvTag, named, pod_environment, syncd_env, syncd_yml, syncd_yml_text


def _service_url(docs: list[dict[str, Any]], component: str) -> str:
    """http://<Service name>:<its port> of a rendered Service."""
    service = named(docs, "Service", component)
    return f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}"


def _api_keys_fetched(docs: list[dict[str, Any]]) -> set[str]:
    (secret,) = [
        d
        for d in docs
        if d["kind"] == "ExternalSecret" and d["spec"]["target"]["name"] == "application-api-keys"
    ]
    return {d["remoteRef"]["key"] for d in secret["spec"]["data"]}


QBT = {"target": "qbittorrent.main", "implementation": "QBittorrent", "name": "qBittorrent"}


def test_every_instance_is_reached_by_its_in_cluster_service(render: Render) -> None:
    docs = render({})
    config = syncd_yml(docs)
    for service in ("sonarr", "radarr", "prowlarr", "qbittorrent", "plex"):
        assert config[service]["main"]["base_url"] == _service_url(docs, service), service
    for app in ("sonarr", "radarr", "prowlarr"):
        assert config[app]["main"]["api_key"] == f"{app.upper()}_API_KEY"
        assert isinstance(config[app]["main"]["api_key"], EnvTag)


def test_qbittorrent_has_tv_movies_and_prowlarr_categories_under_downloads(render: Render) -> None:
    # qBittorrent WebUI API v2: a category's savePath applies to a torrent only under automatic
    # torrent management (preferences `auto_tmm_enabled`); `save_path` is the default save path.
    # Prowlarr's download client category gets its folder from the chart, not from Prowlarr's
    # save-time test (which would create it with no save path).
    main = syncd_yml(render({}))["qbittorrent"]["main"]
    assert main["categories"] == {
        "tv": "/data/downloads/tv",
        "movies": "/data/downloads/movies",
        "prowlarr": "/data/downloads/prowlarr",
    }
    assert main["preferences"]["auto_tmm_enabled"] is True
    assert main["preferences"]["save_path"] == "/data/downloads"
    assert main["preferences"]["current_network_interface"] == "protonwire0"
    assert "username" not in main and "password" not in main, "the image's subnet whitelist by default"


@pytest.mark.parametrize(
    ("app", "category_field", "category", "root"),
    [
        ("sonarr", "tvCategory", "tv", "/data/library/tvshows"),
        ("radarr", "movieCategory", "movies", "/data/library/movies"),
    ],
)
def test_sonarr_and_radarr_use_qbittorrent_with_their_category_and_connect_plex(
    render: Render, app: str, category_field: str, category: str, root: str
) -> None:
    # Sonarr/Radarr QBittorrentSettings: TvCategory / MovieCategory; PlexServer notification
    # settings UpdateLibrary. Host, port and token come from the referenced instance.
    config = syncd_yml(render({}))
    main = config[app]["main"]
    assert main["root_folders"] == [root]
    assert main["download_clients"] == [{**QBT, "fields": {category_field: category}}]
    assert category in config["qbittorrent"]["main"]["categories"]
    (plex,) = main["connections"]
    assert plex["implementation"] == "PlexServer" and plex["target"] == "plex.main"
    assert plex["fields"] == {"updateLibrary": True}
    assert plex["settings"]["onDownload"] is True and plex["settings"]["onUpgrade"] is True


def test_prowlarr_gets_applications_proxies_with_tags_and_a_download_client(render: Render) -> None:
    docs = render({})
    main = syncd_yml(docs)["prowlarr"]["main"]
    assert [(a["implementation"], a["target"], a["settings"]) for a in main["applications"]] == [
        ("Sonarr", "sonarr.main", {"syncLevel": "fullSync"}),
        ("Radarr", "radarr.main", {"syncLevel": "fullSync"}),
    ]
    proxies = {p["name"]: p for p in main["indexer_proxies"]}
    assert set(proxies) == {"FlareSolverr", "Byparr"}
    # Byparr speaks FlareSolverr's API, so both are Prowlarr's FlareSolverr implementation.
    for name, component in (("FlareSolverr", "flaresolverr"), ("Byparr", "byparr")):
        proxy = proxies[name]
        assert proxy["implementation"] == "FlareSolverr"
        assert proxy["fields"]["host"] == _service_url(docs, component) + "/"
        (tag,) = proxy["tags"]
        assert tag in main["tags"]
    assert proxies["FlareSolverr"]["tags"] != proxies["Byparr"]["tags"]
    assert main["download_clients"] == [{**QBT, "fields": {"category": "prowlarr"}}]


def test_plex_has_movies_and_tv_libraries_and_a_token_from_the_secret(render: Render) -> None:
    docs = render({})
    main = syncd_yml(docs)["plex"]["main"]
    assert main["libraries"] == [
        {"name": "Movies", "type": "movie", "path": "/data/library/movies"},
        {"name": "TV Shows", "type": "show", "path": "/data/library/tvshows"},
    ]
    assert main["token"] == "PLEX_TOKEN" and isinstance(main["token"], EnvTag)
    # Optional, so the pod starts without it and syncd skips only the Plex kinds.
    assert syncd_env(docs)["PLEX_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": "application-api-keys",
        "key": "PLEX_TOKEN",
        "optional": True,
    }
    assert "api-keys/PLEX_TOKEN" in _api_keys_fetched(docs)


def test_every_env_tag_is_an_env_var_of_the_syncd_deployment(render: Render) -> None:
    for values in ({}, {"syncd": {"wiring": {"qbittorrent": {"credentials": True}}}}):
        docs = render(values)
        text = named(docs, "ConfigMap", "syncd")["data"]["syncd.yml"]
        tags = {line.split("!env ")[1].strip() for line in text.splitlines() if "!env " in line}
        assert tags and tags <= set(syncd_env(docs))


def test_qbittorrent_credentials_come_from_the_secret_when_asked(render: Render) -> None:
    docs = render({"syncd": {"wiring": {"qbittorrent": {"credentials": True}}}})
    main = syncd_yml(docs)["qbittorrent"]["main"]
    assert (main["username"], main["password"]) == ("QBITTORRENT_USERNAME", "QBITTORRENT_PASSWORD")
    env = syncd_env(docs)
    assert env["QBITTORRENT_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "application-api-keys"
    assert {"api-keys/QBITTORRENT_USERNAME", "api-keys/QBITTORRENT_PASSWORD"} <= _api_keys_fetched(docs)
    assert "QBITTORRENT_PASSWORD" not in syncd_env(render({}))


def test_values_change_categories_root_folders_and_links(render: Render) -> None:
    values = {
        "syncd": {
            "wiring": {
                "qbittorrent": {"categories": {"tv": None, "series": "/data/downloads/series"}},
                "sonarr": {"category": "series", "rootFolders": ["/data/library/tv", "/data/library/anime"]},
                "radarr": {"category": "", "plexConnection": False},
                "prowlarr": {
                    "applications": False,
                    "byparr": {"enabled": False},
                    "downloadClientCategory": "",
                },
                "plex": {"libraries": [{"name": "Films", "type": "movie", "path": "/data/library/movies"}]},
            }
        }
    }
    config = syncd_yml(render(values))
    assert config["qbittorrent"]["main"]["categories"] == {
        "movies": "/data/downloads/movies",
        "series": "/data/downloads/series",
    }, "no Prowlarr category without its download client"
    sonarr, radarr, prowlarr = (config[a]["main"] for a in ("sonarr", "radarr", "prowlarr"))
    assert sonarr["root_folders"] == ["/data/library/tv", "/data/library/anime"]
    assert sonarr["download_clients"][0]["fields"] == {"tvCategory": "series"}
    assert "download_clients" not in radarr and "connections" not in radarr
    assert "applications" not in prowlarr and "download_clients" not in prowlarr
    assert [p["name"] for p in prowlarr["indexer_proxies"]] == ["FlareSolverr"]
    assert prowlarr["tags"] == ["flaresolverr"]
    assert [lib["name"] for lib in config["plex"]["main"]["libraries"]] == ["Films"]


def test_a_link_exists_only_while_both_ends_are_enabled(render: Render) -> None:
    config = syncd_yml(render({"qbittorrent": {"enabled": False}, "plex": {"enabled": False}}))
    assert "qbittorrent" not in config and "plex" not in config
    for app in ("sonarr", "radarr", "prowlarr"):
        assert "download_clients" not in config[app]["main"], app
        assert "connections" not in config[app]["main"], app
    config = syncd_yml(render({"radarr": {"enabled": False}, "flaresolverr": {"enabled": False}}))
    assert [a["target"] for a in config["prowlarr"]["main"]["applications"]] == ["sonarr.main"]
    assert [p["name"] for p in config["prowlarr"]["main"]["indexer_proxies"]] == ["Byparr"]
    docs = render({"syncd": {"wiring": {"plex": {"enabled": False}}}})
    assert "plex" not in syncd_yml(docs) and "PLEX_TOKEN" not in syncd_env(docs)
    assert "api-keys/PLEX_TOKEN" not in _api_keys_fetched(docs)
    assert "connections" not in syncd_yml(docs)["sonarr"]["main"]


def test_users_add_their_own_wiring_over_the_generated_file(render: Render) -> None:
    own: dict[str, Any] = {
        "sonarr": {
            "main": {
                "delay_profiles": [{"default": True, "preferred_protocol": "torrent"}],
                "remote_path_mappings": [
                    {"host": "seedbox", "remote_path": "/dl/", "local_path": "/data/downloads/"}
                ],
            }
        },
        "qbittorrent": {"main": {"preferences": {"max_ratio": 2}}},
        "radarr": {
            "main": {"root_folders": ["/data/library/films"]},
            "uhd": {"base_url": "http://radarr-4k:7878", "api_key": "!env RADARR_UHD_KEY"},
        },
    }
    values = {"syncd": {"config": own}}
    config = syncd_yml(render(values))
    sonarr = config["sonarr"]["main"]
    assert sonarr["delay_profiles"] == own["sonarr"]["main"]["delay_profiles"]
    assert sonarr["download_clients"][0]["target"] == "qbittorrent.main", "maps merge"
    assert config["radarr"]["main"]["root_folders"] == ["/data/library/films"], "lists replace"
    assert config["qbittorrent"]["main"]["preferences"]["max_ratio"] == 2
    assert config["qbittorrent"]["main"]["preferences"]["save_path"] == "/data/downloads"
    uhd_key = config["radarr"]["uhd"]["api_key"]
    assert uhd_key == "RADARR_UHD_KEY" and isinstance(uhd_key, EnvTag)


def test_no_secret_value_reaches_the_config_map(render: Render) -> None:
    docs = render({"syncd": {"wiring": {"qbittorrent": {"credentials": True}}}})
    text = named(docs, "ConfigMap", "syncd")["data"]["syncd.yml"]
    for line in text.splitlines():
        key = line.strip().split(":")[0]
        if key in ("api_key", "token", "password", "username"):
            assert line.split(":", 1)[1].strip().startswith(("!env ", "!env_var ")), line


def _validate(
    docs: list[dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    guides_url: str,
    unset: tuple[str, ...] = (),
) -> tuple[int, str, str]:
    """The real `syncd validate` on the rendered syncd.yml, in the pod's environment less the
    `unset` variables: its exit code, stdout and stderr."""
    path = tmp_path / "syncd.yml"
    path.write_text(syncd_yml_text(docs), encoding="utf-8")
    for key, value in pod_environment(docs).items():
        if key in unset:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("SYNCD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SYNCD_TRASH_GUIDES_URL", guides_url)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["validate", "-c", str(path)], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# What `syncd validate` accepts today: Sonarr/Radarr root folders, presets and their qBittorrent
# download clients by reference, qBittorrent preferences. Prowlarr and Plex instances and
# qBittorrent categories are read once their kinds land (they are the rest of the default).
VALIDATED = {
    "default": {},
    "servarr-wiring": {
        "prowlarr": {"enabled": False},
        "syncd": {"wiring": {"qbittorrent": {"categories": None}, "plex": {"enabled": False}}},
    },
    "servarr-wiring-with-credentials": {
        "prowlarr": {"enabled": False},
        "syncd": {
            "wiring": {
                "qbittorrent": {"categories": None, "credentials": True},
                "plex": {"enabled": False},
            }
        },
    },
}


@pytest.mark.parametrize("values", VALIDATED.values(), ids=VALIDATED.keys())
def test_the_rendered_wiring_passes_syncd_validate(
    render: Render,
    values: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    guides_url: str,
) -> None:
    """The rendered syncd.yml with the pod's environment through the real `syncd validate`:
    references (`target: qbittorrent.main`) resolve, every kind accepts its entries."""
    docs = render(values)
    assert syncd_yml(docs)["sonarr"]["main"]["download_clients"][0]["target"] == "qbittorrent.main"
    code, out, err = _validate(docs, tmp_path, monkeypatch, guides_url)
    assert code == 0, err
    assert "syncd format" in out


def test_an_unset_plex_token_leaves_the_rest_of_the_default_wiring_valid(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guides_url: str
) -> None:
    """PLEX_TOKEN is an optional key of the Secret (Plex is claimed after install): while it is
    unset the rendered default still loads (`!env_var PLEX_TOKEN ""`), and the Sonarr and Radarr
    Plex connections are skipped with a warning that says why (the plan skips Plex itself)."""
    docs = render({})
    assert "PLEX_TOKEN" in pod_environment(docs)
    code, out, err = _validate(docs, tmp_path, monkeypatch, guides_url, unset=("PLEX_TOKEN",))
    assert code == 0, err
    skipped = [line for line in out.splitlines() if "warning: connections: skipped" in line]
    assert len(skipped) == 2 and all("plex.main has no token" in line for line in skipped), out


def test_syncd_validate_can_fail_on_the_rendered_wiring(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guides_url: str
) -> None:
    """The check above can fail: a reference to an instance the file lacks is refused."""
    values = {**VALIDATED["servarr-wiring"], "qbittorrent": {"enabled": False}}
    values["syncd"] = {
        **values["syncd"],
        "config": {
            "sonarr": {
                "main": {
                    "download_clients": [
                        {"name": "q", "implementation": "QBittorrent", "target": "qbittorrent.main"}
                    ]
                }
            }
        },
    }
    code, _, err = _validate(render(values), tmp_path, monkeypatch, guides_url)
    assert code == 1
    assert "qbittorrent.main" in err


@pytest.mark.parametrize(
    ("qbittorrent", "expected"),
    [
        (
            {},
            {
                "tv": "/data/downloads/tv",
                "movies": "/data/downloads/movies",
                "grabs": "/data/downloads/grabs",
            },
        ),
        (
            {"categories": {"grabs": "/data/torrents/grabs"}},
            {"tv": "/data/downloads/tv", "movies": "/data/downloads/movies", "grabs": "/data/torrents/grabs"},
        ),
        ({"categories": None}, None),
    ],
)
def test_prowlarrs_category_follows_its_download_client_unless_the_values_name_it(
    render: Render, qbittorrent: dict[str, Any], expected: dict[str, str] | None
) -> None:
    values = {
        "syncd": {"wiring": {"qbittorrent": qbittorrent, "prowlarr": {"downloadClientCategory": "grabs"}}}
    }
    main = syncd_yml(render(values))["qbittorrent"]["main"]
    assert main.get("categories") == expected
