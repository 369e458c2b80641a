"""Reading YAML: positions, duplicate keys, invalid YAML, and the !secret/!env/!env_var/!file tags."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from syncd.config import yamlfile
from syncd.config.yamlfile import (
    Secrets,
    Sensitive,
    YamlFloat,
    YamlInt,
    YamlList,
    YamlMap,
    read_yaml,
    show,
    source_text,
)
from syncd.errors import ConfigError

from .helpers import Write


def read(path: Path, env: dict[str, str] | None = None) -> YamlMap:
    env = env or {}
    data = read_yaml(path, env=env, secrets=Secrets.for_config(path, env))
    assert isinstance(data, YamlMap)
    return data


def test_mappings_and_lists_remember_file_and_line_of_each_key_and_item(write: Write) -> None:
    path = write("c.yml", "a: 1\nb:\n  - x\n  - y: 2\n")
    data = read(path)
    assert str(data.origin_of("b")) == f"{path}:2"
    items = data["b"]
    assert isinstance(items, YamlList)
    assert [o.line for o in items.item_origins] == [3, 4]
    assert items[1].origin.line == 4
    assert items[1].origin.file == str(path)


def test_duplicate_key_is_an_error_naming_file_and_line(write: Write) -> None:
    path = write("c.yml", "sonarr:\n  main: {}\n  main: {}\n")
    with pytest.raises(ConfigError, match=rf"{path}:3: duplicate key 'main' \(first written at line 2\)"):
        read(path)


def test_invalid_yaml_names_file_line_and_column(write: Write) -> None:
    path = write("c.yml", "a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(ConfigError, match=rf"{path}:3:\d+: invalid YAML"):
        read(path)


def test_invalid_yaml_is_worded_by_pyyaml_whichever_parser_read_the_file(write: Write) -> None:
    """libyaml reads the files when PyYAML has it, but its messages differ ("mapping values are
    not allowed in this context"): a file it rejects is reported as PyYAML's own parser words it."""
    path = write("c.yml", "a: 1\nb: c: d\n")
    with pytest.raises(ConfigError, match=rf"{path}:2:5: invalid YAML: mapping values are not allowed here$"):
        read(path)


def test_both_parsers_read_a_file_alike(write: Write) -> None:
    text = (
        "a: 1\nb:\n  - x\n  - {y: 2.50, z: [0123, ~, true, on, 1:30]}\nbase: &base\n  k: v\n"
        "merged:\n  <<: *base\n  m: 'quoted'\nfolded: >\n  one\n  two\nenv: !env_var HOME_X fallback\n"
    )
    path = write("c.yml", text)
    secrets = Secrets.for_config(path, {})

    def shape(value: object) -> object:
        if isinstance(value, YamlMap):
            items = sorted((k, shape(v), value.origin_of(k)) for k, v in value.items())
            return ("map", value.origin, items)
        if isinstance(value, YamlList):
            return ("list", value.origin, [shape(v) for v in value], value.item_origins)
        return (type(value).__name__, value, getattr(value, "source", None))

    fast = yamlfile._load(yamlfile._FAST_LOADER, text, path=path, env={}, secrets=secrets)
    pure = yamlfile._load(yamlfile._Loader, text, path=path, env={}, secrets=secrets)
    assert yamlfile._FAST_LOADER is not yamlfile._Loader or not yaml.__with_libyaml__
    assert shape(fast) == shape(pure)
    assert shape(read(path)) == shape(pure)


def test_unknown_tag_is_invalid_yaml_with_position(write: Write) -> None:
    path = write("c.yml", "a: !nope x\n")
    with pytest.raises(ConfigError, match=rf"{path}:1:\d+: invalid YAML"):
        read(path)


def test_secret_comes_from_secrets_file_beside_config(write: Write) -> None:
    write("secrets.yml", "sonarr_key: abc123\n")
    data = read(write("c.yml", "api_key: !secret sonarr_key\n"))
    assert data["api_key"] == "abc123"
    assert isinstance(data["api_key"], Sensitive)


def test_secrets_yaml_extension_is_read_too(write: Write) -> None:
    write("secrets.yaml", "k: v\n")
    assert read(write("c.yml", "x: !secret k\n"))["x"] == "v"


def test_missing_secret_names_file_and_line_but_no_secret_value(write: Write) -> None:
    write("secrets.yml", "other: topsecretvalue\n")
    path = write("c.yml", "a: 1\napi_key: !secret missing\n")
    with pytest.raises(ConfigError, match=rf"{path}:2: secret 'missing' is not defined") as err:
        read(path)
    assert "topsecretvalue" not in str(err.value)


def test_secrets_location_accepts_comma_list_and_globs_later_wins(write: Write, tmp_path: Path) -> None:
    write("s/a.yml", "k: from-a\nonly_a: a\n")
    write("s/b.yml", "k: from-b\n")
    write("extra.yml", "k: from-extra\n")
    path = write("conf/c.yml", "k: !secret k\na: !secret only_a\n")
    data = read(path, {"SECRETS_LOCATION": f"{tmp_path}/s/*.yml"})
    assert (data["k"], data["a"]) == ("from-b", "a")
    data = read(path, {"SECRETS_LOCATION": f"{tmp_path}/s/*.yml, {tmp_path}/extra.yml"})
    assert data["k"] == "from-extra"


def test_missing_named_secrets_file_is_an_error(write: Write, tmp_path: Path) -> None:
    path = write("c.yml", "k: !secret k\n")
    with pytest.raises(ConfigError, match="cannot read secrets file"):
        read(path, {"SECRETS_LOCATION": str(tmp_path / "absent.yml")})


def test_secrets_are_not_read_unless_a_secret_is_used(write: Write) -> None:
    write("secrets.yml", "this is: [not valid\n")
    assert read(write("c.yml", "a: 1\n"))["a"] == 1


def test_env_tag_reads_the_variable(write: Write) -> None:
    assert read(write("c.yml", "k: !env API_KEY\n"), {"API_KEY": "xyz"})["k"] == "xyz"


@pytest.mark.parametrize("env", [{}, {"API_KEY": ""}])
def test_env_tag_fails_when_unset_or_empty(write: Write, env: dict[str, str]) -> None:
    path = write("c.yml", "a: 1\nk: !env API_KEY\n")
    with pytest.raises(ConfigError, match=rf"{path}:2: environment variable 'API_KEY' is not set or empty"):
        read(path, env)


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("k: !env_var URL http://localhost:8989\n", {}, "http://localhost:8989"),
        ("k: !env_var URL http://localhost:8989\n", {"URL": "http://sonarr"}, "http://sonarr"),
        ("k: !env_var URL\n", {"URL": "http://sonarr"}, "http://sonarr"),
        ("k: !env_var URL\n", {"URL": ""}, None),
        ('k: !env_var TOKEN ""\n', {}, ""),
        ("k: !env_var TOKEN ''\n", {"TOKEN": "t0ken"}, "t0ken"),
    ],
)
def test_env_var_tag_uses_default_after_a_space(
    write: Write, text: str, env: dict[str, str], expected: str | None
) -> None:
    path = write("c.yml", text)
    if expected is None:
        with pytest.raises(
            ConfigError, match=rf"{path}:1: environment variable 'URL' is not set and has no default"
        ):
            read(path, env)
    else:
        assert read(path, env)["k"] == expected


def test_file_tag_reads_trimmed_contents_relative_to_the_yaml_file(write: Write) -> None:
    write("conf/keys/api.txt", "\n  key-from-file \n\n")
    assert read(write("conf/c.yml", "k: !file keys/api.txt\n"))["k"] == "key-from-file"


def test_file_tag_missing_file_names_file_and_line(write: Write) -> None:
    path = write("c.yml", "a: 1\n\nk: !file nope.txt\n")
    with pytest.raises(ConfigError, match=rf"{path}:3: !file .*nope.txt"):
        read(path)


def test_tag_without_a_name_is_an_error(write: Write) -> None:
    path = write("c.yml", "k: !secret\n")
    with pytest.raises(ConfigError, match=rf"{path}:1: !secret needs a name"):
        read(path)


def test_show_hides_values_that_came_from_tags() -> None:
    assert show(Sensitive("hunter2")) == "(sensitive value)"
    assert show("plain") == "'plain'"


def test_unreadable_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        read(tmp_path / "absent.yml")


def test_only_true_and_false_are_booleans_as_in_yaml_1_2(write: Write) -> None:
    data = read(write("c.yml", "on: yes\nno: off\nt: true\nf: False\n"))
    assert data == {"on": "yes", "no": "off", "t": True, "f": False}


def test_numbers_remember_their_source_text(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("ids: [00000000000000000000000000000001, 12e45, 0x1f]\n")
    data = read_yaml(path, env={}, secrets=Secrets(()))
    assert [source_text(v) for v in data["ids"]] == ["00000000000000000000000000000001", "12e45", "0x1f"]
    assert data["ids"][0] == 1


def test_plain_values_follow_the_yaml_1_2_core_schema(write: Write) -> None:
    path = write(
        "c.yml",
        "time: 1:30\n"
        "octal_looking: 017\n"
        "octal: 0o17\n"
        "hex: 0x1F\n"
        "date: 2024-01-01\n"
        "stamp: 2024-01-01T10:00:00Z\n"
        "underscored: 1_000\n"
        "negative: -12\n"
        "float: 1.5\n"
        "exponent: 1e3\n"
        "inf: -.inf\n"
        "tilde: ~\n"
        "empty:\n"
        "word_null: Null\n"
        "yes_no: [yes, no, on, off, y, n]\n"
        "equals: =\n",
    )
    data = read(path)
    assert data["time"] == "1:30"
    assert data["octal_looking"] == 17
    assert data["octal"] == 15
    assert data["hex"] == 31
    assert data["date"] == "2024-01-01"
    assert data["stamp"] == "2024-01-01T10:00:00Z"
    assert data["underscored"] == "1_000"
    assert data["negative"] == -12
    assert data["float"] == 1.5
    assert data["exponent"] == 1000.0
    assert data["inf"] == float("-inf")
    assert data["tilde"] is None and data["empty"] is None and data["word_null"] is None
    assert data["yes_no"] == ["yes", "no", "on", "off", "y", "n"]
    assert data["equals"] == "="
    assert [type(data[k]) for k in ("time", "octal_looking", "float")] == [str, YamlInt, YamlFloat]


def test_core_schema_keeps_line_numbers_and_tags_working(write: Write, tmp_path: Path) -> None:
    write("secrets.yml", "key: 0123\nport: 1:30\n")
    (tmp_path / "token.txt").write_text("t0k3n\n")
    path = write(
        "c.yml",
        "a: 2024-01-01\nb:\n  - !secret key\n  - !secret port\n  - !env_var HOME_DIR 017\n  - !file token.txt\n",
    )
    data = read(path, {"HOME_DIR": ""})
    assert data["b"] == ["0123", "1:30", "017", "t0k3n"]
    assert [o.line for o in data["b"].item_origins] == [3, 4, 5, 6]
    assert str(data.origin_of("b")) == f"{path}:2"


def test_explicit_number_tags_must_hold_numbers(write: Write) -> None:
    data = read(write("c.yml", "a: !!int '017'\nb: !!float 2\n"))
    assert data == {"a": 17, "b": 2.0}
    with pytest.raises(ConfigError, match=r"c.yml:1: '1:30' is not an integer"):
        read(write("c.yml", "a: !!int 1:30\n"))
