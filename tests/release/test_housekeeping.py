"""One version source (syncd/__init__.py) that the package, the charts, the image tag default and
the Dockerfile agree with; the MIT LICENSE; a Keep a Changelog CHANGELOG; and a package
description that names only services syncd talks to."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

import syncd
from tests.image import read_dockerfile

REPO = Path(__file__).resolve().parents[2]
PYPROJECT: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CHANGELOG_SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
# Every service of the stack, and the syncd/live module that talks to it.
SERVICE_CLIENTS = {
    "sonarr": "servarr",
    "radarr": "servarr",
    "prowlarr": "prowlarr",
    "qbittorrent": "qbittorrent",
    "plex": "plex",
    "flaresolverr": "flaresolverr",
    "byparr": "byparr",
    "postgresql": "postgres",
    "samba": "samba",
}


def _yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _semver(text: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", text)
    assert match, f"{text!r} is not MAJOR.MINOR.PATCH"
    major, minor, patch = map(int, match.groups())
    return major, minor, patch


def _charts() -> list[Path]:
    return sorted(p.parent for p in REPO.glob("chart*/**/Chart.yaml"))


def test_the_version_lives_only_in_syncd_init() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project
    assert "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "syncd.__version__"}
    _semver(syncd.__version__)
    assert importlib.metadata.version("syncd") == syncd.__version__


def test_every_chart_app_version_is_the_package_version() -> None:
    charts = _charts()
    assert REPO / "chart" in charts
    versions = {str(c.relative_to(REPO)): str(_yaml(c / "Chart.yaml")["appVersion"]) for c in charts}
    assert versions == dict.fromkeys(versions, syncd.__version__)


def test_the_image_tag_defaults_are_the_package_version() -> None:
    stack = _yaml(REPO / "chart" / "values.yaml")["syncd"]["image"]
    assert str(stack["tag"]) == syncd.__version__
    standalone = _yaml(REPO / "charts" / "syncd" / "values.yaml")["image"]
    assert standalone["tag"] in ("", syncd.__version__), "an empty tag means the chart's appVersion"
    args = dict(a.arguments.partition("=")[::2] for a in read_dockerfile().final.all("ARG"))
    assert args["VERSION"] == syncd.__version__


def test_license_is_the_mit_license_the_package_declares() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} \S", text, re.MULTILINE)
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    labels = " ".join(label.arguments for label in read_dockerfile().final.all("LABEL"))
    assert 'org.opencontainers.image.licenses="MIT"' in labels


def test_changelog_follows_keep_a_changelog() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text
    releases = re.findall(r"^## \[([^\]]+)\](.*)$", text, re.MULTILINE)
    assert releases and releases[0][0] == "Unreleased"
    for name, rest in releases[1:]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", name), name
        assert re.fullmatch(r" - \d{4}-\d{2}-\d{2}", rest), f"{name} needs ' - YYYY-MM-DD'"
    sections = set(re.findall(r"^### (.+)$", text, re.MULTILINE))
    assert sections and sections <= CHANGELOG_SECTIONS
    released = [name for name, _ in releases[1:]]
    assert released == sorted(released, key=_semver, reverse=True)
    links = set(re.findall(r"^\[([^\]]+)\]: \S+$", text, re.MULTILINE))
    assert {name for name, _ in releases} <= links


def test_no_release_is_listed_beyond_the_package_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    for name in re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, re.MULTILINE):
        assert _semver(name) <= _semver(syncd.__version__), name


def test_description_names_only_services_syncd_has_a_client_for() -> None:
    description = PYPROJECT["project"]["description"].lower()
    named = {service for service in SERVICE_CLIENTS if service in description}
    assert {"sonarr", "radarr"} <= named
    missing = {s for s in named if not (REPO / "syncd" / "live" / f"{SERVICE_CLIENTS[s]}.py").is_file()}
    assert missing == set(), f"the description promises {sorted(missing)}, which syncd does not talk to"


def test_the_image_describes_itself_as_the_package_does() -> None:
    labels = " ".join(label.arguments for label in read_dockerfile().final.all("LABEL"))
    description = PYPROJECT["project"]["description"]
    assert f'org.opencontainers.image.description="{description}"' in labels
