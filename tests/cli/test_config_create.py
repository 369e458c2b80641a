"""`syncd config create`: a commented starter syncd.yml that loads and validates against the
shared guide snapshot, from the default presets, one preset, or a Recyclarr template."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from syncd import cli
from syncd.config.load import load_config
from syncd.config.model import Config, Dialect
from syncd.desired import resolve
from syncd.guides.catalog import load_catalogs
from syncd.guides.model import GuideSet
from syncd.guides.templates import TemplateIndex
from tests.shared import SHARED

TEMPLATES = SHARED / "recyclarr-templates"
ENV = {"SONARR_API_KEY": "s" * 32, "RADARR_API_KEY": "r" * 32}


@pytest.fixture(scope="module")
def guides() -> GuideSet:
    return load_catalogs(SHARED / "trash-guides")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def create(path: Path, *args: str) -> Config:
    code, out, err = run("config", "create", "--path", str(path), "--templates", str(TEMPLATES), *args)
    assert (code, err) == (0, ""), err
    assert f"Wrote {path}." in out
    return load_config(path, env=ENV, templates=TemplateIndex.load(TEMPLATES))


def assert_valid(config: Config, guides: GuideSet) -> None:
    errors = [d for d in resolve.validate(config, guides) if d.severity == "error"]
    assert errors == []


def test_default_starter_has_sonarr_and_radarr_and_validates(tmp_path: Path, guides: GuideSet) -> None:
    config = create(tmp_path / "syncd.yml")
    assert config.dialect is Dialect.SYNCD
    assert config.addresses == ("sonarr.main", "radarr.main")
    assert [i.base_url for i in config.instances] == ["http://sonarr:8989", "http://radarr:7878"]
    assert [i.api_key.get_secret_value() for i in config.instances] == ["s" * 32, "r" * 32]
    assert config.instances[0].quality_profiles  # the preset's profile came through
    assert_valid(config, guides)
    text = (tmp_path / "syncd.yml").read_text()
    assert "# How often `syncd run` syncs" in text
    assert "export SONARR_API_KEY=... RADARR_API_KEY=..." in text


@pytest.mark.parametrize("preset", ["sonarr-web-2160p", "radarr-uhd-bluray-web"])
def test_preset_starter_validates(preset: str, tmp_path: Path, guides: GuideSet) -> None:
    config = create(tmp_path / "syncd.yml", "--preset", preset)
    service = preset.split("-")[0]
    assert config.addresses == (f"{service}.main",)
    assert_valid(config, guides)
    assert f"- preset: {preset}" in (tmp_path / "syncd.yml").read_text()


@pytest.mark.parametrize("template", ["web-1080p-v4", "web-2160p-v4", "hd-bluray-web", "uhd-bluray-web"])
def test_template_starter_keeps_its_comments_and_validates(
    template: str, tmp_path: Path, guides: GuideSet
) -> None:
    config = create(tmp_path / "syncd.yml", "--template", template)
    assert config.dialect is Dialect.SYNCD
    (instance,) = config.instances
    assert instance.name == "main"
    assert instance.base_url in ("http://sonarr:8989", "http://radarr:7878")
    assert instance.custom_formats or instance.quality_profiles
    assert_valid(config, guides)
    text = (tmp_path / "syncd.yml").read_text()
    assert "Recyclarr Configuration Template" in text
    assert "Put your" not in text


def test_create_refuses_to_overwrite_and_names_unknown_choices(tmp_path: Path) -> None:
    target = tmp_path / "syncd.yml"
    target.write_text("keep me\n")
    code, _, err = run("config", "create", "--path", str(target))
    assert code == 1 and "already exists; pass --force" in err
    assert target.read_text() == "keep me\n"
    assert run("config", "create", "--path", str(target), "--force")[0] == 0
    code, _, err = run("config", "create", "--path", str(tmp_path / "b.yml"), "--preset", "nope")
    assert code == 1 and "unknown preset 'nope'; available presets: radarr-hd-bluray-web" in err
    code, _, err = run(
        "config",
        "create",
        "--path",
        str(tmp_path / "c.yml"),
        "--templates",
        str(TEMPLATES),
        "--template",
        "x",
    )
    assert code == 1 and "unknown template 'x'; known templates: hd-bluray-web" in err
    assert not (tmp_path / "b.yml").exists() and not (tmp_path / "c.yml").exists()
    code, _, err = run("config", "create", "--preset", "sonarr-web-1080p", "--template", "web-1080p-v4")
    assert code == 1 and "not allowed with argument" in err
