"""Config discovery without -c: $SYNCD_CONFIG, ./syncd.yml, /config/syncd.yml, then Recyclarr,
then Configarr; the CLI names the file it picked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from syncd import cli
from syncd.config import discover
from syncd.errors import ConfigError


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}\n")
    return path


def found(cwd: Path, root: Path, env: dict[str, str] | None = None) -> discover.Discovered:
    return discover.discover(env=env or {}, cwd=cwd, root=root)


def test_discovery_order_from_first_to_last(cwd: Path, root: Path, tmp_path: Path) -> None:
    """Each candidate wins over all later ones; removing it reveals the next."""
    order = [
        touch(cwd / "syncd.yml"),
        touch(root / "syncd.yml"),
        touch(cwd / "recyclarr.yml"),
        touch(root / "configs" / "sonarr.yml").parent.parent,
        touch(root / "recyclarr.yml"),
        touch(cwd / "config.yml"),
        touch(cwd / "config" / "config.yml"),
        touch(root / "config.yml"),
    ]
    explicit = touch(tmp_path / "elsewhere.yml")
    assert found(cwd, root, {"SYNCD_CONFIG": str(explicit)}) == discover.Discovered(explicit, "$SYNCD_CONFIG")
    picked = []
    for path in order:
        picked.append(found(cwd, root).path)
        if path.is_dir():
            for child in (path / "configs").iterdir():
                child.unlink()
        else:
            path.unlink()
    assert picked == order
    with pytest.raises(ConfigError, match="none found"):
        found(cwd, root)


def test_a_recyclarr_folder_with_configs_is_read_whole(cwd: Path, root: Path) -> None:
    touch(cwd / "recyclarr.yml")
    touch(cwd / "configs" / "radarr.yml")
    result = found(cwd, root)
    assert result.path == cwd
    assert "Recyclarr config folder" in result.reason


def test_syncd_yaml_extension_and_configarr_location(cwd: Path, root: Path, tmp_path: Path) -> None:
    yaml_named = touch(root / "syncd.yaml")
    assert found(cwd, root).path == yaml_named
    (root / "syncd.yaml").unlink()
    configarr = touch(tmp_path / "app" / "config" / "config.yml")
    result = found(cwd, root, {"CONFIG_LOCATION": str(configarr)})
    assert (result.path, result.reason) == (configarr, "Configarr's $CONFIG_LOCATION")


def test_missing_syncd_config_is_an_error_naming_it(cwd: Path, root: Path, tmp_path: Path) -> None:
    touch(cwd / "syncd.yml")
    with pytest.raises(ConfigError, match=r"\$SYNCD_CONFIG names .*absent.yml, which does not exist"):
        found(cwd, root, {"SYNCD_CONFIG": str(tmp_path / "absent.yml")})


def test_nothing_found_lists_where_it_looked(cwd: Path, root: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        found(cwd, root)
    message = str(caught.value)
    assert "syncd config create" in message
    for place in (cwd / "syncd.yml", root / "syncd.yml", root / "recyclarr.yml", root / "config.yml"):
        assert str(place) in message


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_without_c_names_the_file_it_picked(
    cwd: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("SYNCD_CONFIG", raising=False)
    monkeypatch.delenv("CONFIG_LOCATION", raising=False)
    monkeypatch.setattr(discover, "CONFIG_ROOT", root)
    (root / "syncd.yml").write_text("sonarr: [not, a, mapping]\n")
    code, _, err = run("validate")
    assert code == 1
    assert f"Using the config {root / 'syncd.yml'} (syncd.yml in {root})." in err
    assert str(root / "syncd.yml") in err.splitlines()[-1]


def test_cli_without_c_and_no_config_fails_with_exit_1(
    cwd: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("SYNCD_CONFIG", raising=False)
    monkeypatch.delenv("CONFIG_LOCATION", raising=False)
    monkeypatch.setattr(discover, "CONFIG_ROOT", root)
    code, out, err = run("plan")
    assert (code, out) == (1, "")
    assert err.startswith("Error: no config given and none found")
