"""Collecting diagnostics while resolving one instance.

`Diagnostics` is a small append-only list that names each problem's config location
(`file:line`) and prefixes the instance address, so `syncd validate` can print them as-is.
"""

from __future__ import annotations

from syncd.config.model import Origin
from syncd.errors import Diagnostic


class Diagnostics:
    def __init__(self, address: str) -> None:
        self._address = address
        self.items: list[Diagnostic] = []

    def error(self, origin: Origin, message: str) -> None:
        self._add(origin, message, "error")

    def warning(self, origin: Origin, message: str) -> None:
        self._add(origin, message, "warning")

    def _add(self, origin: Origin, message: str, severity: str) -> None:
        self.items.append(Diagnostic(str(origin), f"{self._address}: {message}", severity))
