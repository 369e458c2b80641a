"""The `qbittorrent:` section of syncd's format: instances, credentials, preferences,
categories, `delete:` and the errors (each naming file:line) for what syncd cannot manage."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from syncd.config.load import load_config
from syncd.config.model import Config, Dialect
from syncd.errors import ConfigError


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> tuple[Path, Config]:
    path = tmp_path / "syncd.yml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path, load_config(path, env=env or {})


def test_a_qbittorrent_instance_with_credentials_and_preferences_is_read(tmp_path: Path) -> None:
    path, config = load(
        tmp_path,
        """
        syncd: 1
        qbittorrent:
          main:
            base_url: http://qbittorrent:8080/
            username: admin
            password: !env QBT_PASSWORD
            preferences:
              current_network_interface: wg0
              max_ratio: 1.5
              queueing_enabled: true
        """,
        env={"QBT_PASSWORD": "correct horse"},
    )
    (qbt,) = config.qbittorrent
    assert qbt.address == "qbittorrent.main"
    assert qbt.base_url == "http://qbittorrent:8080"
    assert qbt.username == "admin"
    assert qbt.password is not None and qbt.password.get_secret_value() == "correct horse"
    assert qbt.wanted == {"current_network_interface": "wg0", "max_ratio": 1.5, "queueing_enabled": True}
    assert [str(p.origin) for p in qbt.resources["preferences"]] == [f"{path}:{n}" for n in (8, 9, 10)]
    assert config.addresses == ("qbittorrent.main",)
    assert "correct horse" in config.secret_values


def test_categories_are_entries_at_their_lines_and_delete_sets_the_categories_rule(tmp_path: Path) -> None:
    path, config = load(
        tmp_path,
        """
        qbittorrent:
          main:
            base_url: http://qbittorrent:8080
            categories:
              tv: /data/downloads/tv
              movies: /data/downloads/movies/
            delete:
              unmanaged_categories: {enabled: true, ignore: [prowlarr]}
              max_deletes: 2
        """,
    )
    (qbt,) = config.qbittorrent
    entries = qbt.resources["categories"]
    assert [e.value for e in entries] == [
        {"name": "tv", "save_path": "/data/downloads/tv"},
        {"name": "movies", "save_path": "/data/downloads/movies/"},
    ]
    assert [str(e.origin) for e in entries] == [f"{path}:5", f"{path}:6"]
    assert "preferences" not in qbt.resources
    rule = qbt.delete.rule_for("categories")
    assert (rule.owned, rule.unmanaged, rule.ignore) == (True, True, ("prowlarr",))
    assert qbt.delete.max_deletes == 2


def test_without_credentials_no_login_is_configured(tmp_path: Path) -> None:
    _, config = load(
        tmp_path,
        """
        qbittorrent:
          main:
            base_url: http://qbittorrent:8080
            preferences: {current_network_interface: wg0}
        """,
    )
    (qbt,) = config.qbittorrent
    assert (qbt.username, qbt.password) == (None, None)
    assert config.dialect is Dialect.SYNCD


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("    base_url: http://q:8080\n    username: admin\n", 4, "both 'username' and 'password'"),
        ("    base_url: http://q:8080\n    port: 8080\n", 5, "unknown key 'port'"),
        ("    username: a\n    password: b\n", 4, "needs 'base_url'"),
        (
            "    base_url: http://q:8080\n    preferences:\n      web_ui_password: hunter22\n",
            6,
            "write-only",
        ),
        (
            "    base_url: http://q:8080\n    preferences:\n      current_interface_name: wg0\n",
            6,
            "read-only",
        ),
        ("    base_url: http://q:8080\n    preferences:\n      listen_port:\n", 6, "needs a value"),
        ("    base_url: http://q:8080\n    categories: [tv]\n", 5, "categories"),
        ("    base_url: http://q:8080\n    delete:\n      tags: true\n", 6, "unknown key 'tags'"),
        ("    base_url: http://q:8080\n    delete:\n      categories: yes-please\n", 6, "true or false"),
    ],
    ids=[
        "half-credentials",
        "unknown-key",
        "no-base-url",
        "password-preference",
        "read-only",
        "empty",
        "categories-list",
        "delete-unknown",
        "delete-not-bool",
    ],
)
def test_config_errors_name_file_and_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = tmp_path / "syncd.yml"
    path.write_text("syncd: 1\nqbittorrent:\n  main:\n" + body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert message in str(caught.value)
    assert "hunter22" not in str(caught.value)


def test_the_password_preference_error_says_how_to_set_the_password(tmp_path: Path) -> None:
    path = tmp_path / "syncd.yml"
    path.write_text(
        "qbittorrent:\n  main:\n    base_url: http://q:8080\n    preferences:\n      web_ui_password: x\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError, match=r"set the WebUI password in qBittorrent itself.*'username' and 'password'"
    ):
        load_config(path, env={})


def test_recyclarr_files_have_no_qbittorrent_section(tmp_path: Path) -> None:
    path = tmp_path / "recyclarr.yml"
    path.write_text("qbittorrent:\n  main:\n    base_url: http://q:8080\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'qbittorrent'"):
        load_config(path, env={}, dialect=Dialect.RECYCLARR)
