"""The daemon's keys in syncd's format: `mode` and `notify` (level, Apprise URLs as secrets)."""

from __future__ import annotations

import pytest

from syncd.config.load import load_config
from syncd.config.model import Mode, NotifyLevel
from syncd.errors import ConfigError

from .helpers import Write

INSTANCE = "sonarr:\n  main:\n    base_url: http://127.0.0.1:8989\n    api_key: k\n"


def test_mode_and_notify_are_read_and_the_urls_are_secret(write: Write) -> None:
    path = write(
        "syncd.yml",
        "mode: plan\nnotify:\n  level: all\n  urls:\n    - !env NTFY_URL\n    - json://127.0.0.1:9/x\n"
        + INSTANCE,
    )
    config = load_config(path, env={"NTFY_URL": "ntfys://token@ntfy.sh/syncd"})
    assert config.mode is Mode.PLAN
    assert config.notify.level is NotifyLevel.ALL
    assert [u.get_secret_value() for u in config.notify.urls] == [
        "ntfys://token@ntfy.sh/syncd",
        "json://127.0.0.1:9/x",
    ]
    assert "ntfys://token@ntfy.sh/syncd" in config.secret_values
    assert "token" not in repr(config.notify)


def test_defaults_apply_and_notify_changes(write: Write) -> None:
    config = load_config(write("syncd.yml", "syncd: 1\n" + INSTANCE), env={})
    assert config.mode is Mode.APPLY
    assert config.notify.urls == ()
    assert config.notify.level is NotifyLevel.CHANGES


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mode: dry-run\n", "syncd.yml:2: mode must be one of 'apply', 'plan', got 'dry-run'"),
        (
            "notify:\n  level: loud\n",
            "syncd.yml:3: level must be one of 'errors', 'changes', 'all', got 'loud'",
        ),
        ("notify:\n  url: x\n", "syncd.yml:3: unknown key 'url' in notify"),
        ("notify:\n  urls: ['']\n", "syncd.yml:3: notify.urls has an empty entry"),
    ],
)
def test_bad_daemon_keys_name_file_and_line(write: Write, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(write("syncd.yml", "syncd: 1\n" + text + INSTANCE), env={})
    assert message in str(error.value)


def test_environment_gives_any_format_a_mode_and_notifications(write: Write) -> None:
    recyclarr = write("recyclarr.yml", INSTANCE)
    env = {
        "SYNCD_MODE": "plan",
        "SYNCD_NOTIFY_URLS": "json://127.0.0.1:9/a, ntfys://ntfy.sh/b",
        "SYNCD_NOTIFY_LEVEL": "errors",
    }
    config = load_config(recyclarr, env=env)
    assert config.mode is Mode.PLAN
    assert [u.get_secret_value() for u in config.notify.urls] == ["json://127.0.0.1:9/a", "ntfys://ntfy.sh/b"]
    assert config.notify.level is NotifyLevel.ERRORS
    with pytest.raises(ConfigError, match="SYNCD_NOTIFY_LEVEL must be one of"):
        load_config(recyclarr, env={"SYNCD_NOTIFY_LEVEL": "loud"})
    with pytest.raises(ConfigError, match="SYNCD_MODE must be 'apply' or 'plan', got 'dry'"):
        load_config(recyclarr, env={"SYNCD_MODE": "dry"})
