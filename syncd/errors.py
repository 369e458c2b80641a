"""The one exception tree of syncd.

Every error syncd raises on purpose is a `SyncdError`; the CLI is the single place that turns
them into a message and an exit code. Third-party exceptions (httpx, git, yaml, pydantic) are
translated where they arise and chained with `raise ... from exc`.

    SyncdError
    ├── ConfigError            bad config file: names the file and line
    ├── GuideError             guide repository unusable (no fetch and no cached copy, bad JSON)
    ├── ValidationFailed       offline validation found problems (carries every diagnostic)
    ├── ApiError               a server answered badly or not at all (names the instance)
    │   ├── ApiConnectError    unreachable, refused, dropped        (transient)
    │   ├── ApiTimeoutError    no answer in time (a write: after sending) (transient)
    │   ├── ApiAuthError       401/403: wrong API key
    │   ├── ApiRejectedError   400/409/422: the server refused the body (its messages attached)
    │   ├── ApiNotFoundError   404
    │   └── ApiServerError     5xx and 429                          (transient)
    ├── PlanError              the plan cannot be applied (stale saved plan, errored plan)
    └── ApplyError             writes failed part-way; carries what was and was not applied
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class SyncdError(Exception):
    """Base of every error syncd raises on purpose."""


class ConfigError(SyncdError):
    """The configuration cannot be loaded. The message names the file and line."""


class GuideError(SyncdError):
    """The guide data cannot be obtained or parsed."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem found while validating config against the guides.

    `location` is `file:line` where known, else the config path in YAML terms.
    """

    location: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


class ValidationFailed(SyncdError):
    """Offline validation found at least one error."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class ApiError(SyncdError):
    """A server call failed. `instance` is the address prefix, e.g. `sonarr.main`."""

    transient = False

    def __init__(self, message: str, *, instance: str = "", status: int | None = None) -> None:
        self.instance = instance
        self.status = status
        # The message without the instance prefix, for places that already name the instance.
        self.detail = message
        super().__init__(f"{instance}: {message}" if instance else message)


class ApiConnectError(ApiError):
    """The server could not be reached (refused, DNS, timeout)."""

    transient = True


class ApiTimeoutError(ApiError):
    """The server took the request but did not answer in time; a write may have been applied."""

    transient = True


class ApiAuthError(ApiError):
    """The server refused the API key (401/403)."""


class ApiRejectedError(ApiError):
    """The server refused a request body (400/409/422); `messages` are its validation errors."""

    def __init__(
        self, message: str, *, instance: str = "", status: int | None = None, messages: Sequence[str] = ()
    ) -> None:
        self.messages = tuple(messages)
        detail = "; ".join(self.messages)
        super().__init__(f"{message}: {detail}" if detail else message, instance=instance, status=status)


class ApiNotFoundError(ApiError):
    """The resource or endpoint does not exist (404)."""


class ApiServerError(ApiError):
    """The server failed (5xx) or asked us to slow down (429)."""

    transient = True

    def __init__(
        self, message: str, *, instance: str = "", status: int | None = None, retry_after: float | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, instance=instance, status=status)


class PlanError(SyncdError):
    """A plan cannot be applied: it errored, or the live state changed since it was made."""


class ApplyError(SyncdError):
    """Applying stopped at a failed write. `applied` and `not_applied` hold change addresses."""

    def __init__(self, message: str, *, applied: Sequence[str], not_applied: Sequence[str]) -> None:
        self.applied = tuple(applied)
        self.not_applied = tuple(not_applied)
        super().__init__(message)
