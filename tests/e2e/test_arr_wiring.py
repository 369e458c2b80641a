"""The Sonarr/Radarr wiring kinds through the CLI against the simulators (bodies checked against
the OpenAPI specs): remote path mappings across the server's trailing slash, delay profiles
that keep the default's order, the download-client settings singleton, and the Plex connection
whose save-time test really reaches a simulated Plex."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from syncd.simulator import SimulatedServarr
from syncd.simulator.delayprofiles import INT_MAX
from syncd.simulator.network import Network
from syncd.simulator.plex import SimulatedPlex
from tests.e2e.conftest import Result, run, writes
from tests.fakes.openapi import OpenApiValidator
from tests.shared import RADARR_KEY, SONARR_KEY

PLEX_TOKEN = "plex-t0ken-never-shown"


def write_config(tmp_path: Path, server: SimulatedServarr, body: str) -> str:
    """A syncd.yml with one instance of `server`'s app; `body` is that instance's keys."""
    service = server.app
    key = "SONARR_KEY" if service == "sonarr" else "RADARR_KEY"
    path = tmp_path / "syncd.yml"
    path.write_text(
        f"syncd: 1\n{service}:\n  main:\n    base_url: {server.url}\n    api_key: !env {key}\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )
    return str(path)


def apply_twice(config: str, server: SimulatedServarr) -> Result:
    """Apply, then check that a plan shows nothing and a second apply writes nothing."""
    first = run("apply", "-c", config)
    assert first.code == 0, first.err + first.out
    server.requests.clear()
    again = run("plan", "-c", config)
    assert "No changes." in again.out, again.out
    assert run("apply", "-c", config).code == 0
    assert writes(server) == []
    return first


def line_of(config: str, text: str) -> int:
    return next(n for n, line in enumerate(Path(config).read_text().splitlines(), 1) if text in line)


# ------------------------------------------------------------ remote path mappings


def test_a_mapping_converges_across_the_servers_trailing_slash(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(
        tmp_path,
        sonarr,
        """
        remote_path_mappings:
          - {host: qbittorrent, remote_path: /downloads, local_path: /data/downloads}
        """,
    )
    apply_twice(config, sonarr)
    (row,) = sonarr.state.remote_path_mappings.rows.values()
    assert (row["remotePath"], row["localPath"]) == ("/downloads/", "/data/downloads/")
    # A mapping saved by a PUT keeps its paths as sent: still the same mapping.
    row.update(remotePath="/downloads", localPath="/data/downloads")
    assert "No changes." in run("plan", "-c", config).out


def test_a_changed_local_path_is_an_update_sent_as_a_directory(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    entry = "  - {host: qbittorrent, remote_path: /downloads/, local_path: /data/downloads/}\n"
    config = write_config(tmp_path, sonarr, "remote_path_mappings:\n" + entry)
    apply_twice(config, sonarr)
    Path(config).write_text(Path(config).read_text().replace("/data/downloads/}", "/data/downloads/tv}"))
    sonarr.requests.clear()
    changed = run("apply", "-c", config)
    assert changed.code == 0, changed.err + changed.out
    (put,) = [r for r in sonarr.requests if r.method != "GET"]
    assert (put.method, put.json["localPath"], put.json["remotePath"]) == (
        "PUT",
        "/data/downloads/tv/",
        "/downloads/",
    )
    assert "No changes." in run("plan", "-c", config).out


def test_a_local_path_the_server_lacks_fails_with_its_message(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(
        tmp_path,
        sonarr,
        """
        remote_path_mappings:
          - {host: qbittorrent, remote_path: /downloads, local_path: /mnt/nowhere}
        """,
    )
    result = run("apply", "-c", config)
    assert result.code != 0
    assert "Path '/mnt/nowhere/' does not exist" in result.out + result.err
    assert sonarr.state.remote_path_mappings.rows == {}


def test_a_mapping_without_a_host_is_a_config_error_at_its_line(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(
        tmp_path,
        sonarr,
        """
        remote_path_mappings:
          - {remote_path: /downloads, local_path: /data/downloads}
        """,
    )
    result = run("plan", "-c", config)
    assert result.code != 0
    assert f"syncd.yml:{line_of(config, 'remote_path: /downloads')}" in result.out + result.err
    assert "host" in result.out + result.err
    assert writes(sonarr) == []


# ------------------------------------------------------------------ delay profiles


DELAY_PROFILES = """
tags: [anime]
delay_profiles:
  - {default: true, preferred_protocol: torrent, usenet_delay: 0, torrent_delay: 5}
  - {tags: [anime], preferred_protocol: usenet, usenet_delay: 60}
"""


def test_the_default_profile_is_updated_in_place_and_keeps_its_order(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr, DELAY_PROFILES)
    run("plan", "-c", config)
    sonarr.requests.clear()
    first = run("apply", "-c", config)
    assert first.code == 0, first.err + first.out
    puts = [r for r in sonarr.requests if r.method == "PUT" and r.path.startswith("/api/v3/delayprofile/")]
    assert [p.path for p in puts] == ["/api/v3/delayprofile/1"]
    assert puts[0].json["tags"] == [] and puts[0].json["order"] == INT_MAX
    rows = sonarr.state.delay_profiles.rows
    default = rows[1]
    assert (default["order"], default["preferredProtocol"], default["torrentDelay"]) == (
        INT_MAX,
        "torrent",
        5,
    )
    (anime,) = [row for row in rows.values() if row["id"] != 1]
    (tag,) = sonarr.state.tags.list_all()
    assert anime["tags"] == [tag["id"]] and anime["usenetDelay"] == 60
    assert anime["order"] < default["order"]  # the tagged profile still outranks the default
    sonarr.requests.clear()
    assert "No changes." in run("plan", "-c", config).out
    assert run("apply", "-c", config).code == 0
    assert writes(sonarr) == []


def test_a_tagged_profile_keeps_the_order_the_user_gave_it(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    config = write_config(tmp_path, sonarr, DELAY_PROFILES)
    assert run("apply", "-c", config).code == 0
    (anime,) = [row for row in sonarr.state.delay_profiles.rows.values() if row["id"] != 1]
    anime["order"] = 7  # reordered by hand in the UI
    Path(config).write_text(Path(config).read_text().replace("usenet_delay: 60", "usenet_delay: 90"))
    assert run("apply", "-c", config).code == 0
    assert (anime["id"], sonarr.state.delay_profiles.rows[anime["id"]]["order"]) == (anime["id"], 7)
    assert sonarr.state.delay_profiles.rows[anime["id"]]["usenetDelay"] == 90


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{usenet_delay: 5}", "needs tags"),
        ("{default: true, tags: [anime]}", "has no tags"),
        ("{tags: [anime], usenet_delay: -1}", "greater than or equal to 0"),
        ("{tags: [anime], order: 3}", "order"),
    ],
)
def test_a_bad_delay_profile_is_a_config_error_at_its_line(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, entry: str, message: str
) -> None:
    config = write_config(tmp_path, sonarr, f"tags: [anime]\ndelay_profiles:\n  - {entry}\n")
    result = run("plan", "-c", config)
    assert result.code != 0
    text = result.out + result.err
    assert f"syncd.yml:{line_of(config, entry)}" in text and message in text, text


def test_two_profiles_may_not_share_a_tag(env: Path, tmp_path: Path, sonarr: SimulatedServarr) -> None:
    config = write_config(
        tmp_path,
        sonarr,
        "tags: [anime, kids]\ndelay_profiles:\n  - {tags: [anime]}\n  - {tags: [kids, anime]}\n",
    )
    result = run("plan", "-c", config)
    assert result.code != 0
    assert f"syncd.yml:{line_of(config, 'kids, anime')}" in result.out + result.err
    assert "already belong" in result.out + result.err


# -------------------------------------------------------- download client settings


def test_the_settings_are_put_whole_from_the_live_object(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    sonarr.state.download_client_config["downloadClientWorkingFolders"] = "_UNPACK_|_FAILED_|_TMP_"
    config = write_config(tmp_path, sonarr, "download_client_config:\n  autoRedownloadFailed: false\n")
    apply_twice(config, sonarr)
    assert sonarr.state.download_client_config == {
        "downloadClientWorkingFolders": "_UNPACK_|_FAILED_|_TMP_",
        "enableCompletedDownloadHandling": True,
        "autoRedownloadFailed": False,
        "autoRedownloadFailedFromInteractiveSearch": True,
    }


def test_radarr_has_its_own_settings(env: Path, tmp_path: Path, radarr: SimulatedServarr) -> None:
    config = write_config(tmp_path, radarr, "download_client_config: {checkForFinishedDownloadInterval: 2}\n")
    apply_twice(config, radarr)
    assert radarr.state.download_client_config["checkForFinishedDownloadInterval"] == 2


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("checkForFinishedDownloadInterval: 2", "unknown setting 'checkForFinishedDownloadInterval'"),
        ("enableCompletedDownloadHandling: 'yes'", "must be bool"),
    ],
)
def test_a_bad_setting_names_its_line_and_nothing_is_written(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr, setting: str, message: str
) -> None:
    config = write_config(
        tmp_path,
        sonarr,
        f"tags: [anime]\ndownload_client_config:\n  autoRedownloadFailed: false\n  {setting}\n",
    )
    result = run("apply", "-c", config)
    assert result.code != 0
    text = result.out + result.err
    assert f"syncd.yml:{line_of(config, setting)}" in text and message in text, text
    assert writes(sonarr) == []


# ------------------------------------------------------------------ Plex connection


@pytest.fixture
def plex() -> Iterator[SimulatedPlex]:
    with SimulatedPlex(token=PLEX_TOKEN) as server:
        yield server


@pytest.fixture
def wired_sonarr(plex: SimulatedPlex) -> Iterator[SimulatedServarr]:
    """A Sonarr that reaches the simulated Plex as `plex:32400`, as in the cluster."""
    network = Network()
    network.alias("plex", 32400, plex.url)
    with SimulatedServarr(
        "sonarr", api_key=SONARR_KEY, request_validator=OpenApiValidator("sonarr"), network=network
    ) as server:
        yield server


def add_tv_library(plex: SimulatedPlex) -> None:
    answer = httpx.post(
        f"{plex.url}/library/sections",
        params={
            "name": "TV Shows",
            "type": "show",
            "location": "/data/library/tvshows",
            "X-Plex-Token": PLEX_TOKEN,
        },
    )
    assert answer.status_code in (200, 201), answer.text


def plex_config(tmp_path: Path, sonarr: SimulatedServarr, settings: str) -> str:
    return write_config(
        tmp_path,
        sonarr,
        f"""
        connections:
          - name: Plex
            implementation: PlexServer
            fields: {{host: plex, port: 32400, authToken: !env PLEX_TOKEN, updateLibrary: true}}
            settings: {settings}
        """,
    )


def test_the_plex_connection_is_created_tested_and_converges(
    env: Path,
    tmp_path: Path,
    wired_sonarr: SimulatedServarr,
    plex: SimulatedPlex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLEX_TOKEN", PLEX_TOKEN)
    add_tv_library(plex)
    config = plex_config(
        tmp_path, wired_sonarr, "{onDownload: true, onUpgrade: true, onRename: true, onSeriesDelete: true}"
    )
    first = apply_twice(config, wired_sonarr)
    (row,) = wired_sonarr.state.notifications.rows.values()
    assert row["settings"]["authToken"] == PLEX_TOKEN and row["onSeriesDelete"] is True
    assert any(r.path == "/library/sections" and r.method == "GET" for r in plex.requests)
    assert PLEX_TOKEN not in first.out + first.err


def test_a_failed_plex_test_reports_the_servers_message_and_stops_the_instance(
    env: Path,
    tmp_path: Path,
    wired_sonarr: SimulatedServarr,
    plex: SimulatedPlex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLEX_TOKEN", PLEX_TOKEN)
    config = plex_config(tmp_path, wired_sonarr, "{onDownload: true}")
    Path(config).write_text(
        Path(config).read_text() + "    download_client_config: {autoRedownloadFailed: false}\n"
    )
    result = run("apply", "-c", config)
    assert result.code != 0
    assert "At least one TV library is required" in result.out + result.err
    assert wired_sonarr.state.notifications.rows == {}
    assert PLEX_TOKEN not in result.out + result.err


def test_an_event_plex_does_not_offer_is_an_error_naming_the_entry(
    env: Path,
    tmp_path: Path,
    wired_sonarr: SimulatedServarr,
    plex: SimulatedPlex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLEX_TOKEN", PLEX_TOKEN)
    add_tv_library(plex)
    config = plex_config(tmp_path, wired_sonarr, "{onDownload: true, onGrab: true}")
    assert run("plan", "-c", config).code != 0  # known before anything is sent
    result = run("apply", "-c", config)
    assert result.code != 0
    text = result.out + result.err
    assert "does not offer onGrab" in text and "onDownload" in text, text
    assert f"syncd.yml:{line_of(config, '- name: Plex')}" in text
    assert wired_sonarr.state.notifications.rows == {}


def test_a_connection_has_no_enable(env: Path, tmp_path: Path, sonarr: SimulatedServarr) -> None:
    config = write_config(
        tmp_path,
        sonarr,
        "connections:\n  - {name: Plex, implementation: PlexServer, enable: true, fields: {host: plex}}\n",
    )
    result = run("plan", "-c", config)
    assert result.code != 0
    assert "has no `enable`" in result.out + result.err


def test_radarrs_plex_connection_needs_a_movie_library_and_takes_radarrs_events(
    env: Path, tmp_path: Path, plex: SimulatedPlex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEX_TOKEN", PLEX_TOKEN)
    network = Network()
    network.alias("plex", 32400, plex.url)
    with SimulatedServarr(
        "radarr", api_key=RADARR_KEY, request_validator=OpenApiValidator("radarr"), network=network
    ) as radarr:
        config = plex_config(tmp_path, radarr, "{onDownload: true, onUpgrade: true, onMovieDelete: true}")
        add_tv_library(plex)  # a TV library is not enough for Radarr
        failed = run("apply", "-c", config)
        assert failed.code != 0 and "At least one Movie library is required" in failed.out + failed.err
        answer = httpx.post(
            f"{plex.url}/library/sections",
            params={
                "name": "Movies",
                "type": "movie",
                "location": "/data/library/movies",
                "X-Plex-Token": PLEX_TOKEN,
            },
        )
        assert answer.status_code in (200, 201), answer.text
        apply_twice(config, radarr)
        (row,) = radarr.state.notifications.rows.values()
        assert row["onMovieDelete"] is True and row["onDownload"] is True


def test_a_setting_this_servers_version_lacks_fails_the_plan(
    env: Path, tmp_path: Path, sonarr: SimulatedServarr
) -> None:
    del sonarr.state.download_client_config["autoRedownloadFailedFromInteractiveSearch"]  # an older Sonarr
    setting = "autoRedownloadFailedFromInteractiveSearch: false"
    config = write_config(tmp_path, sonarr, f"download_client_config:\n  {setting}\n")
    result = run("apply", "-c", config)
    assert result.code != 0
    text = result.out + result.err
    assert "this server has no autoRedownloadFailedFromInteractiveSearch" in text, text
    assert f"syncd.yml:{line_of(config, setting)}" in text
    assert writes(sonarr) == []
