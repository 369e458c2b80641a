"""The config dialects syncd reads. Standard library only: the CLI builds its parser from it
before anything heavy is imported."""

from __future__ import annotations

from enum import StrEnum


class Dialect(StrEnum):
    SYNCD = "syncd"
    RECYCLARR = "recyclarr"
    CONFIGARR = "configarr"
