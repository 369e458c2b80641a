"""structlog set-up: readable console lines on a TTY, JSON lines otherwise, and a processor
that masks secrets in every event, whatever the caller bound.

Values bound with `structlog.contextvars` (the daemon binds a `run_id` per sync) appear on
every line. Named stdlib loggers (apscheduler's) can be routed through the same renderer so
the daemon's output stays one format. The set-up applies once structlog is loaded, which for
a one-shot command is at its first line logged (`syncd.logger`).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import MutableMapping, Sequence
from typing import Any, TextIO

from syncd import logger
from syncd.plan.sensitive import mask


def redact_secrets(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Mask values of sensitive keys (api_key, password, token, ...) anywhere in the event."""
    masked: MutableMapping[str, Any] = mask(dict(event))
    return masked


LEVELS = ("debug", "info", "warning", "error")


def configure_logging(
    *,
    level: str = "info",
    stream: TextIO | None = None,
    json: bool | None = None,
    stdlib_loggers: Sequence[str] = (),
) -> None:
    """Configure structlog once it is loaded (`syncd.logger`: the first line logged loads it);
    `stdlib_loggers` are routed to the same stream at WARNING or above, and need structlog now."""
    configure = functools.partial(
        _configure, level=level, stream=stream, json=json, stdlib_loggers=stdlib_loggers
    )
    if stdlib_loggers:
        logger.structlog_module()
    logger.when_loaded(configure, level=logger.LEVELS[level])


def _configure(
    *, level: str, stream: TextIO | None, json: bool | None, stdlib_loggers: Sequence[str]
) -> None:
    import logging  # here, not at the top: the CLI reads LEVELS before it knows it will log

    import structlog

    target = stream or sys.stderr
    numeric = logging.getLevelNamesMapping()[level.upper()]
    use_json = json if json is not None else not target.isatty()
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if use_json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            *([structlog.processors.format_exc_info] if use_json else []),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=target),
        cache_logger_on_first_use=False,
    )
    for name in stdlib_loggers:
        handler = logging.StreamHandler(target)
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                foreign_pre_chain=[
                    structlog.stdlib.add_log_level,
                    structlog.stdlib.add_logger_name,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    redact_secrets,
                ],
                processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            )
        )
        routed = logging.getLogger(name)
        routed.handlers = [handler]
        routed.propagate = False
        routed.setLevel(max(numeric, logging.WARNING))
