"""The chart's database SQL runs in a real PostgreSQL (Debian's `postgresql`).

A throwaway cluster is created with initdb/pg_ctl in a temporary folder, listening only on a
Unix socket. PostgreSQL refuses to run as root, so as root (CI) the server and psql run as the
`postgres` user the Debian package creates, through `runuser`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.chart.conftest import Render

PASSWORDS = {"SONARR_POSTGRES_PASSWORD": "sonarr-pw-1", "RADARR_POSTGRES_PASSWORD": "radarr-pw-1"}


def _bin_dir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    usable = [c for c in candidates if (c / "initdb").is_file() and int(c.parent.name) >= 15]
    return usable[-1] if usable else None


@dataclass(frozen=True)
class Cluster:
    bin_dir: Path
    socket_dir: Path
    port: int
    run_as: list[str]

    def psql(self, *args: str, env: dict[str, str] | None = None, sql: str | None = None) -> str:
        command = [
            *self.run_as,
            str(self.bin_dir / "psql"),
            "--no-psqlrc",
            "-X",
            "-h",
            str(self.socket_dir),
            "-p",
            str(self.port),
            "-U",
            "admin",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            *args,
        ]
        if sql is not None:
            command += ["-f", "-"]
        result = subprocess.run(
            command,
            input=sql,
            env={"PATH": "/usr/bin:/bin", **(env or {})},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL >= 15 is not installed (Debian package postgresql; .ci/run installs it)")
    run_as: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="syncd-pg-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root without runuser: PostgreSQL cannot run as root")
        run_as = [runuser, "-u", "postgres", "--"]
        shutil.chown(root, user="postgres", group="postgres")
    data, socket_dir = root / "data", root
    port = 54329
    try:

        def run(*command: str) -> None:
            result = subprocess.run(
                [*run_as, *command], capture_output=True, text=True, timeout=120, check=False
            )
            assert result.returncode == 0, result.stdout + result.stderr

        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "admin", "--auth=trust", "--no-sync")
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "server.log"),
            "-o",
            f"-c listen_addresses='' -k {socket_dir} -p {port} -c fsync=off",
            "-w",
            "-t",
            "60",
            "start",
        )
        yield Cluster(bin_dir, socket_dir, port, run_as)
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def _sql(render: Render, values: dict[str, Any]) -> str:
    """The SQL the chart's postgres-databases Job runs (its ConfigMap)."""
    (config_map,) = [
        d
        for d in render(values)
        if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-postgres-databases")
    ]
    return str(config_map["data"]["databases.sql"])


def _databases(cluster: Cluster) -> dict[str, str]:
    rows = cluster.psql(
        "-c",
        "SELECT d.datname, r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
        "WHERE d.datname NOT IN ('postgres', 'template0', 'template1') ORDER BY 1",
    )
    return dict(line.split("|") for line in rows.splitlines())


def _roles(cluster: Cluster) -> dict[str, str]:
    rows = cluster.psql(
        "-c",
        "SELECT rolname, rolcanlogin::text || rolsuper::text || (rolpassword IS NOT NULL)::text "
        "FROM pg_authid WHERE rolname IN ('sonarr', 'radarr') ORDER BY 1",
    )
    return dict(line.split("|") for line in rows.splitlines())


def test_rendered_sql_creates_each_apps_role_and_databases_and_is_idempotent(
    cluster: Cluster, render: Render
) -> None:
    # Sonarr alone first, as on a stack where Radarr is enabled later.
    cluster.psql(env=PASSWORDS, sql=_sql(render, {"radarr": {"enabled": False}}))
    assert _databases(cluster) == {"sonarr_logs": "sonarr", "sonarr_main": "sonarr"}

    for _ in range(2):  # every install and upgrade runs it again
        cluster.psql(env=PASSWORDS, sql=_sql(render, {}))
    assert _databases(cluster) == {
        "radarr_logs": "radarr",
        "radarr_main": "radarr",
        "sonarr_logs": "sonarr",
        "sonarr_main": "sonarr",
    }
    # Login roles with a password, not superusers.
    assert _roles(cluster) == {"radarr": "truefalsetrue", "sonarr": "truefalsetrue"}
    # The password set is the one from the environment (SCRAM verifier, never the plain text).
    verifier = cluster.psql("-c", "SELECT rolpassword FROM pg_authid WHERE rolname = 'sonarr'")
    assert verifier.startswith("SCRAM-SHA-256$") and PASSWORDS["SONARR_POSTGRES_PASSWORD"] not in verifier


def test_a_changed_password_is_applied_on_the_next_run(cluster: Cluster, render: Render) -> None:
    sql = _sql(render, {})
    cluster.psql(env=PASSWORDS, sql=sql)
    before = cluster.psql("-c", "SELECT rolpassword FROM pg_authid WHERE rolname = 'radarr'")
    cluster.psql(env={**PASSWORDS, "RADARR_POSTGRES_PASSWORD": "radarr-pw-2"}, sql=sql)
    after = cluster.psql("-c", "SELECT rolpassword FROM pg_authid WHERE rolname = 'radarr'")
    assert before != after


def test_the_sql_stops_without_an_apps_password(cluster: Cluster, render: Render) -> None:
    with pytest.raises(AssertionError, match="syntax error"):
        cluster.psql(env={"SONARR_POSTGRES_PASSWORD": "x"}, sql=_sql(render, {}))
