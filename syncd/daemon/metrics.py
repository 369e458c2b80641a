"""Prometheus metrics of the daemon, in a registry of their own (not the global default).

Labels carry instance addresses (`sonarr.main`), resource types and actions, never a secret.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest

DURATION_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.runs = Counter(
            "syncd_sync_runs",
            "Sync cycles by result (success, partial, failed, stopped, skipped).",
            ["result"],
            registry=self.registry,
        )
        self.instance_runs = Counter(
            "syncd_instance_sync_runs",
            "Per-instance sync results (success, failed, stopped).",
            ["instance", "result"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "syncd_sync_duration_seconds",
            "Duration of a whole sync cycle (guides, plan, apply).",
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.changes = Counter(
            "syncd_changes_applied",
            "Changes written to the servers.",
            ["instance", "type", "action"],
            registry=self.registry,
        )
        self.drift = Counter(
            "syncd_drift_detected",
            "Changes made by hand on a server and reverted (see docs: drift).",
            ["instance", "type"],
            registry=self.registry,
        )
        self.last_success = Gauge(
            "syncd_last_success_timestamp_seconds",
            "Unix time of the instance's last successful sync.",
            ["instance"],
            registry=self.registry,
        )
        self.reloads = Counter(
            "syncd_config_reloads",
            "Config changes seen on disk, by result (accepted, rejected).",
            ["result"],
            registry=self.registry,
        )
        self.pending = Gauge(
            "syncd_pending_changes",
            "Planned changes the last sync did not apply (all of them in plan-only mode).",
            ["instance"],
            registry=self.registry,
        )
        self.deletes_refused = Gauge(
            "syncd_deletes_refused",
            "1 while the instance's plan deletes more than the delete bound and is not applied.",
            ["instance"],
            registry=self.registry,
        )
        self.plan_only = Gauge(
            "syncd_plan_only",
            "1 while the daemon only plans (mode: plan or --plan-only) and never writes.",
            registry=self.registry,
        )
        self.notifications = Counter(
            "syncd_notifications",
            "Notifications by result (sent, failed).",
            ["result"],
            registry=self.registry,
        )
        self.guide_fallback = Gauge(
            "syncd_guide_fallback",
            "1 while the newest guide revision has broken files and the last good one is used.",
            registry=self.registry,
        )
        self.guide = Info(
            "syncd_guide_revision",
            "Revision of the TRaSH Guides checkout last synced.",
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
