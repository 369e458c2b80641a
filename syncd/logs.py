"""structlog set-up: readable console lines on a TTY, JSON lines otherwise, and a processor
that masks secrets in every event, whatever the caller bound."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from syncd.plan.sensitive import mask


def redact_secrets(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Mask values of sensitive keys (api_key, password, token, ...) anywhere in the event."""
    masked: MutableMapping[str, Any] = mask(dict(event))
    return masked


def configure_logging(*, level: str = "info", stream: TextIO | None = None, json: bool | None = None) -> None:
    target = stream or sys.stderr
    use_json = json if json is not None else not target.isatty()
    renderer: Any = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=structlog.PrintLoggerFactory(file=target),
        cache_logger_on_first_use=False,
    )
