"""Command line: parses arguments, calls the use cases in `syncd.app`, picks a renderer,
and is the single place that turns `SyncdError`s into messages and exit codes.

Exit codes follow Terraform: 0 success (no changes), 1 error, 2 success with changes
(`plan --detailed-exitcode` only). A bad command line is an error (1), never argparse's 2,
which a script reading `--detailed-exitcode` would take for "changes".

Start-up is part of every command's latency, so this module imports only the standard library
at the top: each command function imports what it needs (`plan` never loads the scheduler, the
HTTP server or the simulator; `--help` and `--version` load nothing of syncd's core). Keep new
commands to the same pattern: imports inside the command function.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from syncd import __version__
from syncd.config.dialect import Dialect
from syncd.logs import LEVELS

if TYPE_CHECKING:
    from syncd import app
    from syncd.config.model import GuideSource
    from syncd.plan.model import Plan
    from syncd.terminal import Terminal

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2

GUIDE_LISTS = ("custom-formats", "quality-profiles", "score-sets", "naming", "cf-groups")
LIST_KINDS = (*GUIDE_LISTS, "presets", "templates")
CONFIG_COMMANDS = ("plan", "apply", "run", "validate")


class UsageError(Exception):
    """A command line argparse rejected, with the usage of the (sub)command it was for."""

    def __init__(self, usage: str, message: str) -> None:
        super().__init__(message)
        self.usage = usage
        self.message = message


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised (and so exit 1 through `main`), not exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.format_usage(), f"{self.prog}: error: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="syncd", description="Plan and apply TRaSH Guides settings to Sonarr and Radarr.")
    parser.add_argument("--version", action="version", version=f"syncd {__version__}")
    parser.add_argument(
        "--log-level",
        type=str.lower,
        choices=LEVELS,
        default=None,
        help="debug, info, warning or error (default: $SYNCD_LOG_LEVEL, else info for run, warning otherwise)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_config(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-c",
            "--config",
            type=Path,
            default=None,
            help="a syncd, Recyclarr or Configarr YAML file, or a Recyclarr config folder "
            "(default: $SYNCD_CONFIG, ./syncd.yml, /config/syncd.yml, then a Recyclarr or Configarr config)",
        )
        sub.add_argument(
            "--format",
            choices=[d.value for d in Dialect],
            default=None,
            help="config dialect (default: detected from the file)",
        )

    def with_colour(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--no-color", action="store_true", help="plain output even on a terminal (also: $NO_COLOR)"
        )

    plan = commands.add_parser("plan", help="show what apply would change (never writes)")
    with_config(plan)
    with_colour(plan)
    plan.add_argument("--instance", action="append", default=[], help="only this instance (repeatable)")
    plan.add_argument("--json", action="store_true", help="print the versioned JSON plan")
    plan.add_argument("--detail", action="store_true", help="show every attribute of created objects")
    plan.add_argument("--out", type=Path, help="save the plan for `syncd apply PLANFILE`")
    plan.add_argument(
        "--detailed-exitcode", action="store_true", help="exit 0 when converged, 2 when there are changes"
    )
    many_deletes = "plan deletes beyond the safety threshold (more than 5, or a third of a kind)"
    plan.add_argument("--allow-many-deletes", action="store_true", help=f"allow a {many_deletes}")

    apply = commands.add_parser(
        "apply", help="apply the changes (a saved plan is refused if live state moved)"
    )
    with_config(apply)
    with_colour(apply)
    apply.add_argument(
        "--auto-approve",
        action="store_true",
        help="never ask before deleting (apply off a terminal never asks)",
    )
    apply.add_argument("--instance", action="append", default=[], help="only this instance (repeatable)")
    apply.add_argument("planfile", nargs="?", type=Path, help="a plan saved with `syncd plan --out`")
    apply.add_argument("--detail", action="store_true", help="show every attribute of created objects")
    apply.add_argument("--allow-many-deletes", action="store_true", help=f"apply a {many_deletes}")
    apply.add_argument(
        "--lock-timeout",
        type=float,
        default=60.0,
        help="seconds to wait while a `syncd run` daemon (or another apply) holds the state lock (default 60)",
    )

    run = commands.add_parser(
        "run", help="the daemon: sync now and on the config's schedule, serve health, metrics and status"
    )
    with_config(run)
    run.add_argument(
        "--host", default=os.environ.get("SYNCD_HOST", "0.0.0.0"), help="listen address (default 0.0.0.0)"
    )
    run.add_argument(
        "--port",
        type=int,
        default=os.environ.get("SYNCD_PORT", "9707"),
        help="port of /healthz, /readyz, /metrics, /status and / (default $SYNCD_PORT or 9707)",
    )
    run.add_argument(
        "--grace-period",
        type=float,
        default=os.environ.get("SYNCD_GRACE_PERIOD", "25"),
        help="seconds a running sync gets to stop between writes after SIGTERM (default 25)",
    )
    run.add_argument(
        "--reload-interval",
        type=float,
        default=5.0,
        help="seconds between checks of the config file for changes (default 5)",
    )
    run.add_argument(
        "--lock-timeout",
        type=float,
        default=60.0,
        help="seconds a sync waits for a manual apply holding the state lock before skipping (default 60)",
    )

    run.add_argument(
        "--plan-only",
        action="store_true",
        help="plan on schedule and report in /status, /metrics and notifications; never write (as `mode: plan`)",
    )

    validate = commands.add_parser("validate", help="check config against the guides, offline")
    with_config(validate)
    with_colour(validate)

    show = commands.add_parser("show", help="show a plan saved with `syncd plan --out` (reads no server)")
    show.add_argument("planfile", type=Path, help="the saved plan")
    show.add_argument("--json", action="store_true", help="print the versioned JSON plan")
    show.add_argument("--detail", action="store_true", help="show every attribute of created objects")
    with_colour(show)

    def with_guides(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-c",
            "--config",
            type=Path,
            default=None,
            help="take the guide sources and state dir from this config",
        )
        sub.add_argument("--guides", help="TRaSH Guides: a local checkout folder or a git URL")
        sub.add_argument("--templates", help="Recyclarr config templates: a local folder or a git URL")

    listing = commands.add_parser(
        "list",
        help="what the guides offer: custom formats, profiles, score sets, naming, groups, presets, templates",
    )
    listing.add_argument("what", choices=LIST_KINDS, metavar="{" + ",".join(LIST_KINDS) + "}")
    listing.add_argument("--service", choices=("sonarr", "radarr"), help="required for the guide lists")
    listing.add_argument(
        "--includes",
        action="store_true",
        help="templates: list the include templates (`include: - template: ID`)",
    )
    with_guides(listing)
    with_colour(listing)

    config = commands.add_parser("config", help="write a starter config")
    config_commands = config.add_subparsers(dest="config_command", required=True, metavar="COMMAND")
    create = config_commands.add_parser("create", help="write a commented starter syncd.yml")
    starting = create.add_mutually_exclusive_group()
    starting.add_argument("--preset", help="start from this preset (`syncd list presets`)")
    starting.add_argument("--template", help="start from this Recyclarr template (`syncd list templates`)")
    create.add_argument(
        "-o", "--path", type=Path, default=Path("syncd.yml"), help="where to write (default ./syncd.yml)"
    )
    create.add_argument("--force", action="store_true", help="overwrite an existing file")
    with_guides(create)

    demo = commands.add_parser("demo", help="plan and apply against simulated Sonarr and Radarr servers")
    demo.add_argument(
        "--guides", help="TRaSH Guides: a git URL or a local folder (default: the public repository)"
    )
    demo.add_argument("--workdir", type=Path, help="keep the demo's config and state here")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        err.write(exc.usage + exc.message + "\n")
        return EXIT_ERROR
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    level = args.log_level or os.environ.get("SYNCD_LOG_LEVEL", "").lower()
    if level and level not in LEVELS:
        print(f"Error: SYNCD_LOG_LEVEL={level!r} is not one of {', '.join(LEVELS)}", file=err)
        return EXIT_ERROR
    from syncd.lean_imports import collection_paused, loading_for_good, skip_unused_extras

    with loading_for_good():
        skip_unused_extras()
        import asyncio

        from syncd import app
        from syncd.errors import SyncdError, ValidationFailed
        from syncd.logs import configure_logging

    daemon = args.command == "run"
    configure_logging(
        level=level or ("info" if daemon else "warning"),
        stream=err,
        stdlib_loggers=("apscheduler",) if daemon else (),
    )
    from syncd.terminal import Terminal

    term = Terminal(
        out, err, stdin or sys.stdin, env=os.environ, no_color=bool(getattr(args, "no_color", False))
    )
    settings = app.Settings(
        dialect=Dialect(args.format) if getattr(args, "format", None) else None,
        allow_many_deletes=getattr(args, "allow_many_deletes", False),
    )
    # One-shot commands run without garbage collection (see `syncd.lean_imports`); the daemon collects.
    with contextlib.nullcontext() if daemon else collection_paused():
        try:
            if args.command in CONFIG_COMMANDS and args.config is None:
                args.config = _discover_config(err)
            if args.command == "plan":
                return asyncio.run(_plan(args, settings, term))
            if args.command == "apply":
                return _locked_apply(args, settings, term)
            if args.command == "run":
                return _run(args, settings)
            if args.command == "validate":
                return asyncio.run(_validate(args, settings, term))
            if args.command == "show":
                return _show(args, term)
            if args.command == "list":
                return _list(args, settings, term)
            if args.command == "config":
                return _config_create(args, settings, out)
            from syncd import demo  # the simulator is only loaded for the demo

            return demo.run(guides=args.guides, workdir=args.workdir, out=out)
        except ValidationFailed as exc:
            for diagnostic in exc.diagnostics:
                print(str(diagnostic), file=err)
            return EXIT_ERROR
        except SyncdError as exc:
            print(f"Error: {exc}", file=err)
            return EXIT_ERROR


async def _planned(
    args: argparse.Namespace, settings: app.Settings, term: Terminal, names: Sequence[str]
) -> app.PlanOutcome:
    """Config, guides and live state read (with a spinner on a terminal), and the plan made;
    the guides are checked while the servers are read (`app.prepare_and_plan`)."""
    import asyncio

    from syncd import app

    with term.progress("Reading the config ..."):
        config = await asyncio.to_thread(app.load_config, args.config, settings)
    count = len(names) or len(config.addresses)
    servers = f"{count} server{'s' if count != 1 else ''}"
    with term.progress(f"Fetching the TRaSH Guides, reading {servers} and planning ..."):
        return await app.prepare_and_plan(config, settings, instances=names)


async def _plan(args: argparse.Namespace, settings: app.Settings, term: Terminal) -> int:
    from syncd.plan import saved as saved_plan
    from syncd.render import json as json_render

    plan = (await _planned(args, settings, term, args.instance)).plan
    if args.json:
        term.out.write(json_render.render(plan))
    else:
        term.write(_human(plan, detail=args.detail))
    if args.out:
        args.out.write_text(saved_plan.dump(plan), encoding="utf-8")
        if not args.json:
            term.out.write(
                f"\nSaved the plan to {args.out}; apply it with: syncd apply -c {args.config} {args.out}\n"
            )
    if plan.errored:
        return EXIT_ERROR
    if args.detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK


def _discover_config(err: TextIO) -> Path:
    """The config found without `-c`, named on stderr so the user knows which file is in use."""
    from syncd.config import discover

    found = discover.discover(env=os.environ, cwd=Path.cwd())
    print(f"Using the config {found.path} ({found.reason}).", file=err, flush=True)
    return found.path


def _run(args: argparse.Namespace, settings: app.Settings) -> int:
    from syncd.daemon import runtime  # the scheduler and HTTP server load only for the daemon

    options = runtime.Options(
        config_path=args.config,
        host=args.host,
        port=args.port,
        grace_seconds=args.grace_period,
        reload_seconds=args.reload_interval,
        lock_timeout=args.lock_timeout,
        plan_only=args.plan_only,
    )
    return runtime.run(options, settings)


def _locked_apply(args: argparse.Namespace, settings: app.Settings, term: Terminal) -> int:
    """Apply while holding the state-dir lock, so a `syncd run` daemon never races this run."""
    from syncd import app
    from syncd.state.lock import StateLock, hold, lock_path

    lock = StateLock(lock_path(app.state_dir(args.config, settings)), holder="syncd apply")

    def waiting(holder: str) -> None:
        print(
            f"Waiting up to {args.lock_timeout:g}s for the lock {lock.path}, held by {holder} ...",
            file=term.err,
            flush=True,
        )

    import asyncio

    with hold(lock, timeout=args.lock_timeout, on_wait=waiting):
        return asyncio.run(_apply(args, settings, term))


async def _apply(args: argparse.Namespace, settings: app.Settings, term: Terminal) -> int:
    from syncd import app
    from syncd.errors import SyncdError
    from syncd.plan import saved as saved_plan
    from syncd.render import human as human_render

    saved: Plan | None = None
    if args.planfile:
        try:
            text = args.planfile.read_text(encoding="utf-8")
        except OSError as exc:
            raise SyncdError(f"{args.planfile}: not a syncd plan file ({exc})") from exc
        saved = saved_plan.load(text, source=str(args.planfile))
    names = args.instance or ([i.instance for i in saved.instances] if saved else [])
    outcome = await _planned(args, settings, term, names)
    if saved is not None:
        app.check_saved_plan(saved, outcome)
    plan = outcome.plan
    term.write(_human(plan, detail=args.detail))
    if not plan.has_changes and not plan.errored:
        return EXIT_OK
    destroy = plan.summary().destroy
    if destroy and term.interactive and not args.auto_approve:
        question = (
            f"Do you want to perform these actions? {destroy} object{'s' if destroy != 1 else ''} "
            "will be destroyed."
        )
        if not term.confirm(question):
            term.write("Apply cancelled; nothing was written.\n")
            return EXIT_ERROR
    with term.progress("Applying ..."):
        result = await app.apply_plan(outcome, settings)
    for instance, problems in result.skipped:
        print(
            f"Error: {instance}: the plan has errors; nothing was written to it:\n{problems}", file=term.err
        )
    lines = ["\n"] if result.results else []
    for done in result.results:
        summary = human_render.applied_summary(plan, done.instance, done.applied)
        count = len(done.applied)
        if done.ok:
            lines.append(f"{done.instance}: applied {count} change{'s' if count != 1 else ''} ({summary}).\n")
        else:
            lines.append(
                f"{done.instance}: FAILED at {done.failed}: {done.error}\n"
                f"  applied {count} ({summary}), not applied {len(done.not_applied)}: "
                f"{', '.join(done.not_applied) or '-'}\n"
            )
    if not result.ok:
        if any(not r.ok for r in result.results):
            lines.append("Apply did not complete; the next run continues from where this one stopped.\n")
        term.write("".join(lines))
        return EXIT_ERROR
    term.write("".join([*lines, "Apply complete.\n"]))
    return EXIT_OK


async def _validate(args: argparse.Namespace, settings: app.Settings, term: Terminal) -> int:
    from syncd import app
    from syncd.errors import ValidationFailed

    out = term.out
    with term.progress("Reading the config and fetching the TRaSH Guides ..."):
        prepared = await app.prepare(args.config, settings)
    diagnostics = app.validate(prepared)
    for diagnostic in diagnostics:
        if diagnostic.severity != "error":
            out.write(f"{diagnostic}\n")
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise ValidationFailed(errors)
    count = len(prepared.config.addresses)
    out.write(
        f"{args.config}: valid ({count} instance{'s' if count != 1 else ''}, {prepared.config.dialect.value} format)\n"
    )
    return EXIT_OK


def _human(plan: Plan, *, detail: bool) -> str:
    """The plan as text; a compact one says how to see the created objects in full."""
    from syncd.plan.model import Action
    from syncd.render import human as human_render

    text = human_render.render(plan, detail=detail)
    if not detail and any(c.action is Action.CREATE for c in plan.changes):
        text += "\nCreated objects are shown one per line; --detail shows all their attributes.\n"
    return text


def _show(args: argparse.Namespace, term: Terminal) -> int:
    """Like `terraform show PLANFILE`: the saved plan as text or JSON, without reading a server."""
    from syncd.errors import SyncdError
    from syncd.plan import saved as saved_plan
    from syncd.render import json as json_render

    try:
        text = args.planfile.read_text(encoding="utf-8")
    except OSError as exc:
        raise SyncdError(f"{args.planfile}: cannot read the plan file: {exc.strerror}") from exc
    plan = saved_plan.load(text, source=str(args.planfile))
    if args.json:
        term.out.write(json_render.render(plan))
    else:
        term.write(_human(plan, detail=args.detail))
    return EXIT_OK


def _guide_source(value: str | None, configured: GuideSource) -> GuideSource | Path:
    """`--guides`/`--templates`: an existing folder is read as it is, anything else is a git URL."""
    if value is None:
        return configured
    return Path(value) if Path(value).is_dir() else configured.model_copy(update={"url": value})


def _list(args: argparse.Namespace, settings: app.Settings, term: Terminal) -> int:
    from syncd import app
    from syncd.config import presets
    from syncd.errors import SyncdError
    from syncd.render import catalog as render

    out = term.out

    if args.what == "presets":
        out.write(
            render.presets([(name, presets.describe_preset(name)) for name in presets.available_presets()])
        )
        return EXIT_OK
    where = app.guide_settings(args.config, settings)
    if args.what == "templates":
        with term.progress("Fetching the Recyclarr config templates ..."):
            index = app.read_templates(_guide_source(args.templates, where.guides.templates), where.state_dir)
        known = index.includes if args.includes else index.templates
        ids = [key for key in known if args.service in (None, key[0])]
        out.write(render.templates(ids, includes=args.includes))
        return EXIT_OK
    if args.service is None:
        raise SyncdError(f"`syncd list {args.what}` needs --service sonarr or --service radarr")
    with term.progress("Fetching the TRaSH Guides ..."):
        catalog = app.read_guides(_guide_source(args.guides, where.guides.trash), where.state_dir)
    show = {
        "custom-formats": render.custom_formats,
        "quality-profiles": render.quality_profiles,
        "score-sets": render.score_sets,
        "naming": render.naming,
        "cf-groups": render.cf_groups,
    }[args.what]
    out.write(show(catalog.for_service(args.service)))
    return EXIT_OK


def _config_create(args: argparse.Namespace, settings: app.Settings, out: TextIO) -> int:
    from syncd import app
    from syncd.config import presets, starter
    from syncd.errors import SyncdError

    target: Path = args.path
    if target.exists() and not args.force:
        raise SyncdError(f"{target} already exists; pass --force to overwrite it")
    command = "config create" + (f" --preset {args.preset}" if args.preset else "")
    if args.template:
        where = app.guide_settings(args.config, settings)
        index = app.read_templates(_guide_source(args.templates, where.guides.templates), where.state_dir)
        found = [(service, path) for (service, tid), path in index.templates.items() if tid == args.template]
        if not found:
            known = ", ".join(sorted(tid for _, tid in index.templates))
            raise SyncdError(f"unknown template {args.template!r}; known templates: {known}")
        text = starter.from_template(
            args.template,
            found[0][1].read_text(encoding="utf-8"),
            command=f"config create --template {args.template}",
        )
    elif args.preset:
        presets.preset_path(args.preset)  # an unknown name is an error listing the known ones
        text = starter.from_presets(((presets.preset_service(args.preset), args.preset),), command=command)
    else:
        text = starter.from_presets(starter.DEFAULT_PRESETS, command=command)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SyncdError(f"{target}: cannot write: {exc.strerror}") from exc
    out.write(f"Wrote {target}. Set the API key variables it names, then run: syncd validate -c {target}\n")
    return EXIT_OK
