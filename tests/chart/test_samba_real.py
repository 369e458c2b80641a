"""The chart's Samba configuration passes Samba's own `testparm` (Debian samba-common-bin).

The chart renders sambacc's JSON (config.json); the container turns it into smb.conf the way
samba-in-kubernetes/sambacc does (sambacc/netcmd_loader.py template_config: the instance's
global options under [global], then one section per share with its options;
sambacc/config.py InstanceConfig.global_options adds "netbios name" from instance_name).
That smb.conf is what testparm checks here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.chart.conftest import Render

INSTANCE = "media"  # SAMBACC's SAMBA_CONTAINER_ID in the Deployment


def _smb_conf(config: dict[str, Any], instance: str) -> str:
    chosen = config["configs"][instance]
    lines = ["[global]"]
    for name in chosen.get("globals", []):
        lines += [f"\t{key} = {value}" for key, value in config["globals"][name]["options"].items()]
    if chosen.get("instance_name"):
        lines.append(f"\tnetbios name = {chosen['instance_name']}")
    for share in chosen.get("shares", []):
        lines += ["", f"[{share}]"]
        lines += [f"\t{key} = {value}" for key, value in config["shares"][share]["options"].items()]
    return "\n".join(lines) + "\n"


def _rendered(render: Render) -> tuple[dict[str, Any], dict[str, Any]]:
    docs = render({})
    (config_map,) = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-samba")]
    (deployment,) = [
        d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"].endswith("-samba")
    ]
    return json.loads(config_map["data"]["config.json"]), deployment


def test_the_container_selects_the_rendered_instance(render: Render) -> None:
    config, deployment = _rendered(render)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["SAMBA_CONTAINER_ID"] == INSTANCE and INSTANCE in config["configs"]


def test_rendered_samba_config_passes_testparm(render: Render, tmp_path: Path) -> None:
    testparm = shutil.which("testparm")
    if testparm is None:
        pytest.skip("testparm is not installed (Debian package samba-common-bin; .ci/run installs it)")
    config, _ = _rendered(render)
    smb_conf = tmp_path / "smb.conf"
    smb_conf.write_text(_smb_conf(config, INSTANCE), encoding="utf-8")
    result = subprocess.run(
        [testparm, "--suppress-prompt", str(smb_conf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Loaded services file OK." in result.stderr
    problems = [
        line
        for line in result.stderr.splitlines()
        if line.startswith(("Unknown parameter", "Ignoring unknown parameter", "ERROR", "WARNING"))
    ]
    assert problems == []
    # testparm's normalised view still has both shares at the paths under the one /data mount.
    sections = result.stdout.split("\n[")
    (library,) = [s for s in sections if s.startswith("library]")]
    (downloads,) = [s for s in sections if s.startswith("downloads]")]
    assert "\tpath = /data/library\n" in library and "\tpath = /data/downloads\n" in downloads


def test_testparm_would_catch_a_bad_option(tmp_path: Path) -> None:
    testparm = shutil.which("testparm")
    if testparm is None:
        pytest.skip("testparm is not installed (Debian package samba-common-bin)")
    smb_conf = tmp_path / "smb.conf"
    smb_conf.write_text("[global]\n\tno such option = yes\n", encoding="utf-8")
    result = subprocess.run(
        [testparm, "--suppress-prompt", str(smb_conf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Ignoring unknown parameter" in result.stderr or "Unknown parameter" in result.stderr
