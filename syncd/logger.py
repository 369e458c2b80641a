"""The logger handle every module keeps, with structlog imported at the first line logged.

`get_logger(name)` returns a `Logger` whose methods (`info`, `warning`, ...) are structlog's,
looked up on each call (as structlog's own lazy proxy does, so `structlog.testing.capture_logs`
and a later `configure` apply). structlog itself is imported only when something is logged: a
converged `syncd plan` logs nothing, and importing structlog (which loads all its submodules:
`dev`, `stdlib`, `processors` ...) is a few percent of such a run.

`when_loaded(configure, level)` runs the CLI's logging set-up (`syncd.logs.configure_logging`)
at once if structlog is already imported, else right after the first import; until then, a
line below `level` (a plan's debug lines at the default `warning`) is dropped without loading
structlog, as the filtering logger it configures would drop it. structlog is imported with rich
marked absent (see `syncd.lean_imports`): `structlog.dev` would otherwise load rich for
tracebacks syncd does not draw.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

# The logging methods' levels (the stdlib's numbers, which structlog uses too).
LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "exception": 40, "critical": 50}

_pending: list[Callable[[], None]] = []
_pending_level = 0


def when_loaded(configure: Callable[[], None], level: int = 0) -> None:
    """Run `configure` now if structlog is imported, else right after it is (the last one
    given wins); until then, drop lines below `level`."""
    global _pending_level
    _pending.clear()
    if "structlog" in sys.modules:
        configure()
    else:
        _pending.append(configure)
        _pending_level = level


def structlog_module() -> ModuleType:
    """structlog, imported (without rich) and configured on first use."""
    loaded = sys.modules.get("structlog")
    if loaded is not None:
        return loaded
    hide_rich = "rich" not in sys.modules
    if hide_rich:
        sys.modules["rich"] = None  # type: ignore[assignment]
    try:
        import structlog
    finally:
        if hide_rich:
            del sys.modules["rich"]
    while _pending:
        _pending.pop()()
    return structlog


class Logger:
    """A module's logger: structlog's bound logger of that name, fetched on each call."""

    __slots__ = ("_name",)

    def __init__(self, name: str | None) -> None:
        self._name = name

    def __getattr__(self, method: str) -> Any:
        if _pending and LEVELS.get(method, _pending_level) < _pending_level:
            return _dropped
        return getattr(structlog_module().get_logger(self._name), method)


def _dropped(*_args: Any, **_fields: Any) -> None:
    """A line below the configured level, logged before structlog was needed."""


def get_logger(name: str | None = None) -> Logger:
    return Logger(name)
