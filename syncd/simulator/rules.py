"""The validation rules the real Sonarr v4 / Radarr v5 servers enforce, as pure functions.

Owns the error shapes (`Failure`, the FluentValidation-style item of a 400 array, and
`Rejection`, the exception carrying an HTTP status and body) and the validators for quality
profiles (stored form), quality definitions and the naming / media-management singletons.
Messages are the servers' own (QualityProfileController, QualityItemsValidator,
QualityCutoffValidator, QualityDefinitionController, config controllers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CF_SET_MESSAGE = "All Custom Formats and no extra ones need to be present inside your Profile! Try refreshing your browser."


@dataclass(frozen=True)
class Failure:
    """One validation failure, serialized like the servers' FluentValidation output."""

    property_name: str
    message: str
    attempted_value: Any = None
    warning: bool = False
    """A warning (`NzbDroneValidationFailure.IsWarning`) refuses a save unless `forceSave`."""
    detail: str | None = None
    """The `detailedDescription` a provider test adds to explain its failure."""

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "propertyName": self.property_name,
            "errorMessage": self.message,
            "attemptedValue": self.attempted_value,
            "severity": "warning" if self.warning else "error",
            "errorCode": "",
        }
        if self.warning:
            body["isWarning"] = True
        if self.detail is not None:
            body["detailedDescription"] = self.detail
        return body


class Rejection(Exception):
    """The request is refused: `status` and JSON `body` are what the server answers."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body

    @classmethod
    def of(cls, *failures: Failure) -> Rejection:
        """A 400 with the array of validation failures."""
        return cls(400, [f.to_json() for f in failures])

    @classmethod
    def message(cls, status: int, text: str) -> Rejection:
        """A non-validation error (`{"message": ...}`), e.g. not found or in use."""
        return cls(status, {"message": text})


def raise_failures(failures: list[Failure]) -> None:
    """Raise a 400 `Rejection` when `failures` is not empty."""
    if failures:
        raise Rejection.of(*failures)


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


def _item_failures(items: list[dict[str, Any]], all_qualities: set[int]) -> list[Failure]:
    """QualityItemsValidator plus the all-qualities rule, on stored items."""
    if not items:
        return [Failure("Items", "'Items' must not be empty.", items)]
    checks: list[tuple[bool, str]] = [
        (not any(i["allowed"] for i in items), "Must contain at least one allowed quality"),
        (
            any(not _blank(i["name"]) and i["quality"] is not None for i in items),
            "Individual qualities should not be named",
        ),
        (
            any(not _blank(i["name"]) and len(i["items"]) <= 1 for i in items),
            "Groups must contain multiple qualities",
        ),
        (any(i["quality"] is None and i["id"] == 0 for i in items), "Groups must have an ID"),
        (
            any(n > 1 for n in Counter(i["id"] for i in items if i["id"] > 0).values()),
            "Groups must have a unique ID",
        ),
        (any(i["quality"] is None and _blank(i["name"]) for i in items), "Groups must have a name"),
    ]
    failures = [Failure("Items", message) for bad, message in checks if bad]
    used = [
        q
        for i in items
        for q in ([i["quality"]] if i["quality"] is not None else [c["quality"] for c in i["items"]])
    ]
    if len(used) != len(set(used)):
        failures.append(Failure("Items", "Qualities can only be used once"))
    if not all_qualities <= set(used):
        failures.append(Failure("Items", "Must contain all qualities"))
    return failures


def profile_failures(
    profile: Mapping[str, Any], all_qualities: set[int], format_ids: set[int]
) -> list[Failure]:
    """Every rule QualityProfileController applies to a POST/PUT body (stored form)."""
    failures: list[Failure] = []
    if _blank(profile["name"]):
        failures.append(Failure("Name", "'Name' must not be empty.", profile["name"]))
    items: list[dict[str, Any]] = profile["items"]
    cutoff = profile["cutoff"]
    matches = [i for i in items if (i["quality"] is None and i["id"] == cutoff) or i["quality"] == cutoff]
    if len(matches) != 1 or not matches[0]["allowed"]:
        failures.append(Failure("Cutoff", "Cutoff must be an allowed quality or group", cutoff))
    failures.extend(_item_failures(items, all_qualities))
    sent_ids = [f["format"] for f in profile["formatItems"]]
    if set(sent_ids) != format_ids or len(sent_ids) != len(set(sent_ids)):
        failures.append(Failure("FormatItems", CF_SET_MESSAGE, profile["formatItems"]))
    if profile["minUpgradeFormatScore"] < 1:
        failures.append(
            Failure(
                "MinUpgradeFormatScore",
                "'Min Upgrade Format Score' must be greater than or equal to '1'.",
                profile["minUpgradeFormatScore"],
            )
        )
    scores = [f["score"] for f in profile["formatItems"]]
    min_score = profile["minFormatScore"]
    if sum(s for s in scores if s > 0) < min_score and max(scores, default=0) < min_score:
        failures.append(Failure("", "Minimum Custom Format Score can never be satisfied", min_score))
    return failures


def definition_failures(definition: Mapping[str, Any], limit: int) -> list[Failure]:
    """`0 <= minSize <= preferredSize <= maxSize <= limit`, None meaning unlimited."""
    failures: list[Failure] = []
    low = definition["minSize"] if definition["minSize"] is not None else 0
    preferred, high = definition["preferredSize"], definition["maxSize"]
    if low < 0:
        failures.append(Failure("MinSize", "'Min Size' must be greater than or equal to '0'.", low))
    if low > limit:
        failures.append(Failure("MinSize", f"'Min Size' must be less than or equal to '{limit}'.", low))
    for name, label, value in (("PreferredSize", "Preferred Size", preferred), ("MaxSize", "Max Size", high)):
        if value is None:
            continue
        if value < low:
            failures.append(Failure(name, f"'{label}' must be greater than or equal to '{low}'.", value))
        if value > limit:
            failures.append(Failure(name, f"'{label}' must be less than or equal to '{limit}'.", value))
    if preferred is not None and high is not None and high < preferred:
        failures.append(
            Failure("MaxSize", f"'Max Size' must be greater than or equal to '{preferred}'.", high)
        )
    return failures


def config_type_failures(
    body: Mapping[str, Any], kinds: Mapping[str, type | tuple[str, ...]]
) -> list[Failure]:
    """JSON-conversion errors for singleton config bodies: each known property must have its
    declared type (`bool`, `int`, `str`) or be one of the enum's values. `null` passes."""
    failures: list[Failure] = []
    for name, kind in kinds.items():
        value = body.get(name)
        if value is None:
            continue
        if isinstance(kind, tuple):
            ok = value in kind
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, kind)
        if not ok:
            failures.append(Failure(name, f"The JSON value could not be converted for '{name}'.", value))
    return failures


def media_management_failures(config: Mapping[str, Any]) -> list[Failure]:
    """MediaManagementConfigController rules."""
    failures: list[Failure] = []
    if config["recycleBinCleanupDays"] < 0:
        failures.append(
            Failure(
                "RecycleBinCleanupDays",
                "'Recycle Bin Cleanup Days' must be greater than or equal to '0'.",
                config["recycleBinCleanupDays"],
            )
        )
    if config["minimumFreeSpaceWhenImporting"] < 100:
        failures.append(
            Failure(
                "MinimumFreeSpaceWhenImporting",
                "'Minimum Free Space When Importing' must be greater than or equal to '100'.",
                config["minimumFreeSpaceWhenImporting"],
            )
        )
    return failures


def naming_failures(config: Mapping[str, Any], rename_key: str, format_keys: Iterable[str]) -> list[Failure]:
    """NamingConfigController: with renaming on, the file formats must not be empty."""
    if not config[rename_key]:
        return []
    return [
        Failure(key, f"'{key}' must not be empty.", config[key]) for key in format_keys if _blank(config[key])
    ]
