"""Pure: masking of secret values in anything that leaves the process (plans, logs, pages).

A key is sensitive when its name says so (`apiKey`, `password`, `token`, `secret`, ...).
Renderers and the JSON plan show `(sensitive value)` in its place, as Terraform does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "(sensitive value)"
_SENSITIVE_KEY = re.compile(r"(api[_-]?key|password|passwd|secret|token|private[_-]?key)", re.IGNORECASE)


def is_sensitive_key(key: str) -> bool:
    return bool(_SENSITIVE_KEY.search(key))


def mask(value: Any) -> Any:
    """A copy of `value` with every sensitive key's value replaced by the mask."""
    if isinstance(value, Mapping):
        return {
            k: MASK if is_sensitive_key(str(k)) and v not in (None, "") else mask(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask(v) for v in value]
    return value
