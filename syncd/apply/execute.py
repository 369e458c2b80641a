"""What applying one instance produced (`ApplyResult`). Every instance, Sonarr/Radarr and
qBittorrent alike, is applied by the kinds engine (`syncd.apply.engine`).
"""

from __future__ import annotations

from dataclasses import dataclass

from syncd.domain.state import Ownership


@dataclass(frozen=True)
class ApplyResult:
    instance: str
    applied: tuple[str, ...]
    not_applied: tuple[str, ...]
    ownership: Ownership
    failed: str | None = None
    error: str | None = None
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.stopped
