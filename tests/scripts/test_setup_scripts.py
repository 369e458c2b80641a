"""The setup scripts: shellcheck-clean, --help, argument checks, idempotence, recorded tool calls."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SETUP = REPO / "scripts" / "setup"
SCRIPTS = sorted(p.name for p in SETUP.glob("[0-9]*.sh"))
SHELLCHECK = Path(sys.executable).parent / "shellcheck"

# Each stub appends one line "<tool> <args...>" to $CALLS (and the KUBECONFIG it saw to
# $CALLS.kubeconfig); `kubectl apply -f -` also appends its stdin, `kubectl create ...
# --from-env-file=F` the file, and `curl` prints a fake installer that logs its environment.
STUB = r"""#!/usr/bin/env bash
set -euo pipefail
tool="$(basename "$0")"
printf '%s %s\n' "$tool" "$*" >>"$CALLS"
printf '%s %s\n' "$tool" "${KUBECONFIG:-}" >>"$CALLS.kubeconfig"
case "$tool $*" in
  "kubectl apply -f -"* | "kubectl -n "*" apply -f -"*) sed 's/^/  stdin: /' >>"$CALLS" ;;
  "curl "*) printf 'echo "installer $* FLUX_VERSION=${FLUX_VERSION:-} DESIRED_VERSION=${DESIRED_VERSION:-}" >>"$CALLS"\n' ;;
esac
for arg in "$@"; do
  case "$arg" in
    --from-env-file=*) sed 's/^/  env-file: /' "${arg#--from-env-file=}" >>"$CALLS" ;;
  esac
done
if [[ " $* " == *" --dry-run=client -o yaml "* ]]; then
  printf 'kind: Rendered\n'
fi
"""


@pytest.fixture
def tools(tmp_path: Path) -> dict[str, str]:
    """PATH with stub kubectl/helm/curl/flux that record their calls in $CALLS."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("kubectl", "helm", "curl", "flux"):
        stub = bin_dir / name
        stub.write_text(STUB, encoding="utf-8")
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    calls = tmp_path / "calls.log"
    calls.touch()
    kubeconfig = tmp_path / "k3s.yaml"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n", encoding="utf-8")
    return {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "CALLS": str(calls),
        "HOME": str(tmp_path),
        "K3S_KUBECONFIG": str(kubeconfig),
    }


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SETUP / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def _calls(env: dict[str, str]) -> list[str]:
    return Path(env["CALLS"]).read_text(encoding="utf-8").splitlines()


def _kubeconfigs(env: dict[str, str]) -> set[str]:
    path = Path(env["CALLS"] + ".kubeconfig")
    return set(path.read_text(encoding="utf-8").splitlines()) if path.exists() else set()


def _without(env: dict[str, str], tool: str) -> dict[str, str]:
    """The same stubs, minus `tool`."""
    (Path(env["PATH"].split(":")[0]) / tool).unlink()
    return env


def test_scripts_are_shellcheck_clean() -> None:
    result = subprocess.run(
        [str(SHELLCHECK), "-x", *[str(SETUP / s) for s in SCRIPTS], str(SETUP / "lib.sh")],
        capture_output=True,
        text=True,
        check=False,
        cwd=SETUP,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("script", SCRIPTS)
def test_scripts_are_strict_and_executable(script: str) -> None:
    path = SETUP / script
    assert os.access(path, os.X_OK)
    assert "set -euo pipefail" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_prints_usage_and_runs_nothing(script: str, tools: dict[str, str]) -> None:
    result = _run(script, "--help", env=tools)
    assert result.returncode == 0
    assert result.stdout.startswith(f"Usage: {script}")
    assert _calls(tools) == []


@pytest.mark.parametrize("script", SCRIPTS)
def test_unknown_arguments_are_refused(script: str, tools: dict[str, str]) -> None:
    result = _run(script, "--bogus", env=tools)
    assert result.returncode == 2
    assert "unknown argument: --bogus" in result.stderr
    assert _calls(tools) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--client-secret", "s"],
        ["--client-id", "i"],
        ["--client-id", "--client-secret", "s"],
        ["--client-id", "i", "--client-secret", "s", "--environment", "dev"],
    ],
)
def test_external_secrets_script_requires_all_credentials(args: list[str], tools: dict[str, str]) -> None:
    result = _run("05-install-external-secrets.sh", *args, env=tools)
    assert result.returncode == 2
    assert _calls(tools) == []


def test_external_secrets_script_installs_eso_and_creates_the_auth_secret(tools: dict[str, str]) -> None:
    args = ["--client-id", "id-123", "--client-secret", "s3cr3t-value"]
    result = _run("05-install-external-secrets.sh", *args, env=tools)
    assert result.returncode == 0, result.stderr
    calls = _calls(tools)
    helm = [c for c in calls if c.startswith("helm upgrade")]
    assert helm == [
        "helm upgrade --install external-secrets external-secrets/external-secrets "
        "--namespace external-secrets --create-namespace --set installCRDs=true --wait --version 2.9.0"
    ]
    assert "kubectl create namespace media-server --dry-run=client -o yaml" in calls
    (create,) = [c for c in calls if "create secret generic infisical-auth" in c]
    assert create.startswith("kubectl -n media-server create secret generic infisical-auth --from-env-file=")
    assert "s3cr3t-value" not in create
    # The environment is a chart value (secrets.externalSecrets.infisical.environmentSlug) only.
    assert [c for c in calls if c.startswith("  env-file:")] == [
        "  env-file: clientId=id-123",
        "  env-file: clientSecret=s3cr3t-value",
    ]
    assert "s3cr3t-value" not in result.stdout + result.stderr
    assert _kubeconfigs(tools) == {f"kubectl {tools['K3S_KUBECONFIG']}", f"helm {tools['K3S_KUBECONFIG']}"}


def test_external_secrets_script_points_at_the_chart_value_for_the_environment(tools: dict[str, str]) -> None:
    args = ["--client-id", "i", "--client-secret", "s", "--environment", "prod"]
    result = _run("05-install-external-secrets.sh", *args, env=tools)
    assert result.returncode == 2
    assert "secrets.externalSecrets.infisical.environmentSlug" in result.stderr


def test_external_secrets_script_installs_helm_when_missing(tools: dict[str, str], tmp_path: Path) -> None:
    env = _without(tools, "helm")
    bin_dir = tmp_path / "helm-bin"
    args = [
        "--client-id",
        "i",
        "--client-secret",
        "s",
        "--bin-dir",
        str(bin_dir),
        "--helm-version",
        "v3.19.0",
    ]
    result = _run("05-install-external-secrets.sh", *args, env=env)
    # The stub installer installs nothing, so the script stops right after it, clearly.
    assert result.returncode == 1
    assert "required command not found: helm" in result.stderr
    calls = _calls(env)
    assert "curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3" in calls
    assert "installer  FLUX_VERSION= DESIRED_VERSION=v3.19.0" in calls


def test_external_secrets_script_keeps_an_explicit_kubeconfig(tools: dict[str, str], tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.touch()
    env = {**tools, "KUBECONFIG": str(own), "K3S_KUBECONFIG": str(tmp_path / "absent.yaml")}
    assert (
        _run("05-install-external-secrets.sh", "--client-id", "i", "--client-secret", "s", env=env).returncode
        == 0
    )
    assert _kubeconfigs(env) == {f"kubectl {own}", f"helm {own}"}


def test_scripts_fail_clearly_without_any_kubeconfig(tools: dict[str, str], tmp_path: Path) -> None:
    env = {**tools, "K3S_KUBECONFIG": str(tmp_path / "absent.yaml")}
    result = _run("05-install-external-secrets.sh", "--client-id", "i", "--client-secret", "s", env=env)
    assert result.returncode == 1
    assert "no kubeconfig" in result.stderr
    assert _calls(env) == []


def test_external_secrets_script_is_idempotent(tools: dict[str, str]) -> None:
    args = ["--client-id", "i", "--client-secret", "s", "--eso-version", "2.8.0"]
    assert _run("05-install-external-secrets.sh", *args, env=tools).returncode == 0
    first = _calls(tools)
    assert any(c.endswith("--wait --version 2.8.0") for c in first)
    assert _run("05-install-external-secrets.sh", *args, env=tools).returncode == 0
    assert sorted(_calls(tools)) == sorted(first + first)  # pipelines log in either order


def test_k3s_install_allows_the_vpn_sysctls_and_skips_when_unchanged(
    tools: dict[str, str], tmp_path: Path
) -> None:
    config_dir = tmp_path / "k3s"
    args = ["--config-dir", str(config_dir), "--k3s-version", "v1.33.1+k3s1"]
    assert _run("01-install-k3s.sh", *args, env=tools).returncode == 0
    config = (config_dir / "config.yaml").read_text(encoding="utf-8")
    assert "allowed-unsafe-sysctls=net.ipv4.conf.all.rp_filter,net.ipv6.conf.all.disable_ipv6" in config
    assert "nonroot-devices: true" in config
    assert _calls(tools) == [
        "curl -sfL https://get.k3s.io",
        "installer server FLUX_VERSION= DESIRED_VERSION=",
    ]
    # Now k3s "exists" and the config is unchanged: a second run installs nothing.
    k3s = Path(tools["PATH"].split(":")[0]) / "k3s"
    k3s.write_text("#!/bin/sh\n", encoding="utf-8")
    k3s.chmod(0o755)
    assert _run("01-install-k3s.sh", *args, env=tools).returncode == 0
    assert len(_calls(tools)) == 2
    assert _run("01-install-k3s.sh", *args, "--no-nonroot-devices", env=tools).returncode == 0
    assert len(_calls(tools)) == 4


def test_data_dirs_are_created_for_every_app(tools: dict[str, str], tmp_path: Path) -> None:
    root = tmp_path / "data"
    ids = ["--uid", str(os.getuid()), "--gid", str(os.getgid())]
    for _ in range(2):
        assert _run("02-create-data-dirs.sh", "--root", str(root), *ids, env=tools).returncode == 0
    expected = {"plex", "sonarr", "radarr", "prowlarr", "qbittorrent", "postgres", "samba", "syncd"}
    assert {p.name for p in (root / "config").iterdir()} == expected
    assert (root / "library").is_dir() and (root / "backups" / "postgres").is_dir()
    # The chart's default wiring (syncd.wiring): Sonarr/Radarr root folders and Plex libraries
    # must exist (Sonarr/Sonarr src/Sonarr.Api.V3/RootFolders/RootFolderController.cs validates
    # the path with PathExistsValidator and FolderWritableValidator),
    # and qBittorrent's category save paths.
    for folder in (
        "library/tvshows",
        "library/movies",
        "downloads/tv",
        "downloads/movies",
        "downloads/prowlarr",
    ):
        assert (root / folder).is_dir(), folder
    assert stat.S_IMODE((root / "config" / "postgres").stat().st_mode) == 0o700


def _bootstrap_args(tmp_path: Path) -> list[str]:
    key = tmp_path / "id"
    key.write_text("key", encoding="utf-8")
    return ["--repo-url", "ssh://git@github.com/me/syncd.git", "--ssh-key-file", str(key)]


def test_flux_bootstrap_reconciles_the_cluster_from_the_users_repository(
    tools: dict[str, str], tmp_path: Path
) -> None:
    args = _bootstrap_args(tmp_path)
    result = _run("03-bootstrap-flux.sh", *args, env=tools)
    assert result.returncode == 0, result.stderr
    # fluxcd/flux2 v2.9.4 cmd/flux/bootstrap.go --components-extra: without the image
    # controllers the Image* kinds do not exist and the app Kustomization fails its dry-run.
    assert _calls(tools) == [
        "flux bootstrap git --url=ssh://git@github.com/me/syncd.git --branch=main "
        f"--private-key-file={args[-1]} --path=flux/clusters/home --version=v2.9.4 "
        "--components-extra=image-reflector-controller,image-automation-controller --silent"
    ]
    assert _kubeconfigs(tools) == {f"flux {tools['K3S_KUBECONFIG']}"}
    assert _run("03-bootstrap-flux.sh", *args, env=tools).returncode == 0
    assert len(_calls(tools)) == 2


def test_flux_bootstrap_installs_the_cli_when_missing(tools: dict[str, str], tmp_path: Path) -> None:
    env = _without(tools, "flux")
    result = _run(
        "03-bootstrap-flux.sh", *_bootstrap_args(tmp_path), "--bin-dir", str(tmp_path / "b"), env=env
    )
    assert result.returncode == 1
    assert "required command not found: flux" in result.stderr
    assert _calls(env) == [
        "curl -s https://fluxcd.io/install.sh",
        f"installer {tmp_path / 'b'} FLUX_VERSION=2.9.4 DESIRED_VERSION=",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--repo-url is required"),
        (["--repo-url", "ssh://git@github.com/me/syncd.git"], "--ssh-key-file is required"),
        (["--repo-url", "https://github.com/me/syncd.git", "--ssh-key-file", "k"], "must be an ssh:// URL"),
    ],
)
def test_flux_bootstrap_requires_a_writable_repository(
    tools: dict[str, str], args: list[str], message: str
) -> None:
    result = _run("03-bootstrap-flux.sh", *args, env=tools)
    assert result.returncode == 2
    assert message in result.stderr
    assert _calls(tools) == []
