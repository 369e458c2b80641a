"""`prowlarr:` and `plex:` instances in syncd's format: their keys, their kind sections (in
step with the registry), `delete:` per kind, and errors that name file:line."""

from __future__ import annotations

import pytest

from syncd.config.dialects.syncd import SERVARR_SECTIONS
from syncd.config.load import load_config
from syncd.config.model import PLEX_SECTIONS, PROWLARR_SECTIONS, RESOURCE_SECTIONS
from syncd.errors import ConfigError
from syncd.kinds import registry

from .helpers import Write

STACK = """\
syncd: 1
prowlarr:
  main:
    base_url: http://localhost:9696/
    api_key: prowlarr-key
    peer_url: http://prowlarr:9696
    tags: [flaresolverr]
    indexer_proxies:
      - {name: FlareSolverr, implementation: FlareSolverr, tags: [flaresolverr]}
    applications:
      - {name: Sonarr, implementation: Sonarr}
    delete:
      applications: true
      unmanaged_indexer_proxies: {enabled: true, ignore: [Mine]}
      max_deletes: 3
plex:
  main:
    base_url: http://plex:32400
    token: plex-token
    libraries:
      - {name: Movies, type: movie, path: /data/library/movies}
"""


@pytest.mark.parametrize(
    ("service", "sections"),
    [("prowlarr", PROWLARR_SECTIONS), ("plex", PLEX_SECTIONS), ("sonarr", SERVARR_SECTIONS)],
)
def test_each_service_takes_exactly_the_sections_of_its_kinds(
    service: str, sections: tuple[str, ...]
) -> None:
    # (Sonarr's TRaSH-backed kinds read typed sections, not resource entries.)
    generic = [k.section for k in registry.for_service(service) if k.section in RESOURCE_SECTIONS]
    assert sorted(sections) == sorted(generic)


def test_prowlarr_and_plex_instances_load_with_their_sections_and_origins(write: Write) -> None:
    path = write("syncd.yml", STACK)
    config = load_config(path, env={})
    (prowlarr,) = config.prowlarr
    assert prowlarr.address == "prowlarr.main"
    assert prowlarr.base_url == "http://localhost:9696"
    assert prowlarr.url_for_peers == "http://prowlarr:9696"
    assert prowlarr.api_key.get_secret_value() == "prowlarr-key"
    assert [e.value for e in prowlarr.resources["tags"]] == ["flaresolverr"]
    (proxy,) = prowlarr.resources["indexer_proxies"]
    assert str(proxy.origin) == f"{path}:9"
    assert prowlarr.delete.owned == ("applications",)
    assert prowlarr.delete.unmanaged == {"indexer_proxies": ("Mine",)}
    assert prowlarr.delete.max_deletes == 3
    (plex,) = config.plex
    assert plex.token is not None and plex.token.get_secret_value() == "plex-token"
    assert plex.url_for_peers == "http://plex:32400"
    assert config.addresses == ("prowlarr.main", "plex.main")
    assert {"prowlarr-key", "plex-token"} <= set(config.secret_values)


def test_a_plex_without_a_token_loads_and_has_none(write: Write) -> None:
    path = write("syncd.yml", "plex:\n  main:\n    base_url: http://plex:32400\n    token: ''\n")
    (plex,) = load_config(path, env={}).plex
    assert plex.token is None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("prowlarr:\n  main:\n    base_url: http://p:9696\n", 4, "needs 'api_key'"),
        ("prowlarr:\n  main:\n    base_url: x\n    api_key: k\n    root_folders: [/tv]\n", 6, "unknown key"),
        ("plex:\n  main:\n    base_url: x\n    peer_url: plex:32400\n", 5, "peer_url must be an http(s) URL"),
        (
            "plex:\n  main:\n    base_url: x\n    delete: {applications: true}\n",
            5,
            "unknown key 'applications'",
        ),
        ("sonarr:\n  main:\n    base_url: x\n    api_key: k\n    applications: []\n", 6, "unknown key"),
    ],
)
def test_a_bad_key_is_an_error_naming_file_and_line(write: Write, text: str, line: int, message: str) -> None:
    path = write("syncd.yml", "syncd: 1\n" + text)
    with pytest.raises(ConfigError) as failed:
        load_config(path, env={})
    assert message in str(failed.value)
    assert str(failed.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize(("env", "has_token"), [({}, False), ({"PLEX_TOKEN": "t0ken"}, True)])
def test_a_plex_token_from_an_optional_variable(write: Write, env: dict[str, str], has_token: bool) -> None:
    text = 'plex:\n  main:\n    base_url: http://plex:32400\n    token: !env_var PLEX_TOKEN ""\n'
    (plex,) = load_config(write("syncd.yml", text), env=env).plex
    assert (plex.token is not None) is has_token
