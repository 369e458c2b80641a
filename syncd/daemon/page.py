"""The status page at `/`: what an operator opens to see how syncd is doing. Pure; every text
is escaped; no script and no external asset, readable on a phone, refreshed every 30 seconds.

Rendered from the `/status` document and the current time alone, so the page never says more
than `/status` does. Results are shown as what they are: the outcome of the last sync and its
age ("success · last sync 4 min ago"); syncd does not contact the servers between syncs, and
the page says so, with the daemon's readiness beside it.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

REFRESH_SECONDS = 30
OVERDUE_SECONDS = 120  # a next run this far in the past means the scheduler is not keeping up

_STYLE = """
:root{color-scheme:light dark;--fg:#1d2125;--muted:#5b646d;--bg:#f6f7f9;--card:#fff;--line:#d9dde2;
--ok:#1b7a3d;--bad:#b3261e;--warn:#8a6100;--info:#2457a6}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#9aa3ad;--bg:#15181b;--card:#1e2226;
--line:#363c43;--ok:#5fc27e;--bad:#ff8a80;--warn:#e0b34d;--info:#8ab4f8}}
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:var(--fg);
background:var(--bg)}
main{max-width:64rem;margin:0 auto;padding:.6rem}
code{overflow-wrap:anywhere}
h1{font-size:1.4rem;margin:.2rem 0 .6rem}h2{font-size:1.1rem;margin:0;overflow-wrap:anywhere}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.8rem 1rem;
margin:.8rem 0}
.head{display:flex;flex-wrap:wrap;gap:.4rem .8rem;align-items:baseline;justify-content:space-between}
.badge{display:inline-block;border-radius:1rem;padding:.05rem .6rem;font-size:.85rem;font-weight:600;
border:1px solid currentColor;white-space:nowrap}
.success,.planned,.ready{color:var(--ok)}.failed,.partial,.notready{color:var(--bad)}
.stopped,.skipped,.never,.running,.plan{color:var(--warn)}
.muted{color:var(--muted)}.facts{margin:.3rem 0;padding:0;list-style:none}.facts li{margin:.15rem 0}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font:.8rem/1.35 ui-monospace,Menlo,Consolas,monospace;
background:var(--bg);border:1px solid var(--line);border-radius:.3rem;padding:.5rem;margin:.4rem 0;
max-height:32rem;overflow:auto}
pre.error{color:var(--bad)}p.label{margin:.5rem 0 0}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
ul.changes{margin:.3rem 0;padding-left:1.2rem;overflow-wrap:anywhere;font-size:.9rem}
a{color:var(--info)}footer{font-size:.9rem;margin:1rem 0 2rem}
"""


def ago(moment: str | None, now: datetime) -> str:
    """`4 min ago` / `in 56 min` for an ISO timestamp from `/status`; `never` for None."""
    if moment is None:
        return "never"
    seconds = (datetime.fromisoformat(moment) - now).total_seconds()
    future = seconds > 0
    size = abs(seconds)
    if size < 10:
        return "just now" if not future else "in a few seconds"
    for limit, unit, label in ((60, 1, "s"), (3600, 60, "min"), (86400, 3600, "h")):
        if size < limit:
            amount = f"{int(size // unit)} {label}"
            return f"in {amount}" if future else f"{amount} ago"
    days = int(size // 86400)
    amount = f"{days} day{'s' if days != 1 else ''}"
    return f"in {amount}" if future else f"{amount} ago"


def _text(value: Any) -> str:
    return escape("-" if value is None else str(value))


def _when(moment: str | None, now: datetime) -> str:
    """A relative time with the exact UTC time as its tooltip."""
    if moment is None:
        return "never"
    return f'<time datetime="{escape(moment)}" title="{escape(moment)}">{escape(ago(moment, now))}</time>'


def _badge(kind: str, label: str) -> str:
    return f'<span class="badge {escape(kind)}">{escape(label)}</span>'


def _changes(changes: list[dict[str, Any]]) -> str:
    symbols = {"create": "+", "update": "~", "delete": "-"}
    items = "".join(
        f"<li>{escape(symbols.get(c['action'], '?'))} {_text(c['address'])}</li>" for c in changes
    )
    return f'<ul class="changes">{items}</ul>'


def _instance(instance: dict[str, Any], now: datetime) -> str:
    result = instance["result"]
    badge = _badge(result or "never", result or "not synced yet")
    head = (
        f'<div class="head"><h2>{_text(instance["address"])}</h2>'
        f'<span>{badge} <span class="muted">last sync {_when(instance["last_sync_at"], now)}</span></span>'
        "</div>"
    )
    plan = instance["plan"]
    facts = [
        f"Last successful sync {_when(instance['last_success_at'], now)}",
        f"Last plan: +{_text(plan['add'])} ~{_text(plan['change'])} -{_text(plan['destroy'])}; "
        f"applied {_text(instance['applied'])}; pending {_text(instance['pending'])}",
        f"Drift found: {_text(instance['drift_total'])} since start",
    ]
    parts = [head, '<ul class="facts">', *(f"<li>{f}</li>" for f in facts), "</ul>"]
    if instance["error"]:
        parts.append(
            f'<p class="label failed">Last error:</p><pre class="error">{_text(instance["error"])}</pre>'
        )
    if instance.get("warnings"):
        items = "".join(f"<li>{_text(w)}</li>" for w in instance["warnings"])
        parts.append(f'<p class="label">Warnings of the last plan:</p><ul class="facts">{items}</ul>')
    if instance["applied_changes"]:
        count = len(instance["applied_changes"])
        parts.append(
            f"<details><summary>{count} change{'s' if count != 1 else ''} applied by the last sync</summary>"
            f"{_changes(instance['applied_changes'])}</details>"
        )
    if instance["pending_plan"]:
        parts.append(
            f"<details><summary>{_text(instance['pending'])} pending change"
            f"{'s' if instance['pending'] != 1 else ''} (the plan)</summary>"
            f"<pre>{_text(instance['pending_plan'])}</pre></details>"
        )
    if instance["recent_drift"]:
        items = "".join(
            f"<li>{_when(d['at'], now)}: {_text(d['action'])} {_text(d['address'])}</li>"
            for d in instance["recent_drift"]
        )
        parts.append(
            f"<details open><summary>Recent drift (changed on the server by hand)</summary>"
            f'<ul class="changes">{items}</ul></details>'
        )
    return f'<section class="card instance">{"".join(parts)}</section>'


def _overview(status: dict[str, Any], now: datetime) -> str:
    cycle = status["cycle"]
    ready = status["ready"]
    mode = status["mode"]
    badges = [
        _badge("ready", "ready") if ready["ok"] else _badge("notready", "not ready"),
        _badge("plan", "plan-only: never writes") if mode == "plan" else _badge("success", "applies changes"),
    ]
    if cycle["running"]:
        last = f"A sync is running now (run {_text(cycle['run_id'])}, started {_when(cycle['started_at'], now)})."
    elif cycle["result"] is None:
        last = "No sync has finished yet."
    else:
        took = f", took {cycle['duration_seconds']} s" if cycle["duration_seconds"] is not None else ""
        error = f": {_text(cycle['error'])}" if cycle["error"] else ""
        last = (
            f"Last sync {_badge(cycle['result'], cycle['result'])} {_when(cycle['finished_at'], now)} "
            f"(run {_text(cycle['run_id'])}{took}){error}."
        )
    revision = status["guide_revision"]
    guides = (
        f"TRaSH Guides at <code>{_text(revision[:12])}</code>, committed {_when(status['guide_date'], now)}."
        if revision
        else "TRaSH Guides not fetched yet."
    )
    config = status["config"]
    next_run = status["next_run_at"]
    overdue = (
        next_run is not None
        and not cycle["running"]
        and (now - datetime.fromisoformat(next_run)).total_seconds() > OVERDUE_SECONDS
    )
    items = [
        last,
        f"Next sync {_when(next_run, now)}{' — overdue' if overdue else ''} "
        f"(schedule: {_text(status['schedule'])}).",
        guides,
        f"Config <code>{_text(config['path'])}</code>, loaded {_when(config['loaded_at'], now)}.",
    ]
    reasons = "".join(f'<li class="failed">Not ready: {_text(r)}</li>' for r in ready["reasons"])
    rejected = config["rejected"]
    if rejected:
        reasons += (
            f'<li class="failed">The config change seen {_when(rejected["at"], now)} was rejected; the last '
            f'good config keeps running:<pre class="error">{_text(rejected["error"])}</pre></li>'
        )
    return (
        f'<section class="card"><div class="head"><h1>syncd</h1><span>{" ".join(badges)}</span></div>'
        f'<ul class="facts">{"".join(f"<li>{i}</li>" for i in items)}{reasons}</ul>'
        '<p class="muted">Each result below is the outcome of the last sync, with its age: syncd does '
        "not contact the servers between syncs.</p></section>"
    )


def render(status: dict[str, Any], *, now: datetime) -> str:
    """`status` is the `/status` document; `now` the time the page is rendered at."""
    instances = "".join(_instance(i, now) for i in status["instances"]) or (
        '<section class="card"><p>No instances are configured.</p></section>'
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
        f"<title>syncd</title><style>{_STYLE}</style></head><body><main>"
        f"{_overview(status, now)}{instances}"
        '<footer class="muted"><a href="/status">/status</a> (JSON) · <a href="/metrics">/metrics</a> '
        '· <a href="/readyz">/readyz</a> · <a href="/healthz">/healthz</a> · '
        f"rendered {escape(now.isoformat(timespec='seconds'))}, refreshes every {REFRESH_SECONDS} s"
        "</footer></main></body></html>\n"
    )
