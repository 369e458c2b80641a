"""The human-readable status page at `/`: one table row per instance. Pure; every text escaped."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
    ".success{color:#186a3b}.failed{color:#a93226}.stopped,.skipped{color:#9a7d0a}"
)


def _text(value: Any) -> str:
    return escape("-" if value is None else str(value))


def _drift(instance: dict[str, Any]) -> str:
    recent = instance["recent_drift"]
    if not recent:
        return "none"
    items = "".join(f"<li>{_text(d['at'])} {_text(d['action'])} {_text(d['address'])}</li>" for d in recent)
    return f"{_text(instance['drift_total'])} total<ul>{items}</ul>"


def _row(instance: dict[str, Any]) -> str:
    result = instance["result"] or "never run"
    error = f"<br>{_text(instance['error'])}" if instance["error"] else ""
    plan = instance["plan"]
    return (
        "<tr>"
        f"<td>{_text(instance['address'])}</td>"
        f"<td>{_text(instance['last_sync_at'])}</td>"
        f'<td class="{escape(result)}">{_text(result)}{error}</td>'
        f"<td>{_text(instance['pending'])}</td>"
        f"<td>+{_text(plan['add'])} ~{_text(plan['change'])} -{_text(plan['destroy'])}</td>"
        f"<td>{_text(instance['last_success_at'])}</td>"
        f"<td>{_drift(instance)}</td>"
        "</tr>"
    )


def render(status: dict[str, Any]) -> str:
    """`status` is the `/status` document."""
    config = status["config"]
    rejected = config["rejected"]
    reload_line = (
        f'<p class="failed">Config change rejected at {_text(rejected["at"])}: {_text(rejected["error"])} '
        "(the last good config keeps running)</p>"
        if rejected
        else ""
    )
    cycle = status["cycle"]
    rows = "".join(_row(i) for i in status["instances"]) or '<tr><td colspan="7">no instances</td></tr>'
    return (
        '<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">'
        f"<title>syncd</title><style>{_STYLE}</style></head><body>"
        "<h1>syncd</h1>"
        f"<p>Config {_text(config['path'])} (loaded {_text(config['loaded_at'])}); "
        f"guides at {_text(status['guide_revision'])}; schedule {_text(status['schedule'])}; "
        f"next run {_text(status['next_run_at'])}.</p>{reload_line}"
        f"<p>Last run {_text(cycle['run_id'])}: {_text(cycle['result'])} "
        f"(finished {_text(cycle['finished_at'])}){' — running now' if cycle['running'] else ''}.</p>"
        "<table><tr><th>instance</th><th>last sync</th><th>result</th><th>pending changes</th>"
        "<th>last plan</th><th>last success</th><th>recent drift</th></tr>"
        f"{rows}</table></body></html>\n"
    )
