"""Custom-format specification implementations the simulated servers know.

Owns, per app, which `implementation` names exist, which fields each one stores (with type,
label and default), how a request's `fields` list is read into stored values (unknown field
names dropped, missing ones reset to the default, values coerced like SchemaBuilder does), the
per-implementation validators, and how a stored spec is rendered the way the real server
answers (`implementationName`, `infoLink`, `fields` as a list of field descriptions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from syncd.simulator.rules import Failure, Rejection

App = Literal["sonarr", "radarr"]
FieldType = Literal["textbox", "select", "checkbox", "number"]


@dataclass(frozen=True)
class FieldDef:
    """One stored setting of a specification implementation."""

    name: str
    label: str
    type: FieldType
    help_text: str | None = None
    unit: str | None = None

    @property
    def default(self) -> Any:
        return {"textbox": "", "select": 0, "checkbox": False, "number": 0}[self.type]


@dataclass(frozen=True)
class Implementation:
    """A specification class: its display name, ordering and fields."""

    name: str
    display: str
    fields: tuple[FieldDef, ...]
    regex: bool = False


_REGEX = FieldDef("value", "Regular Expression", "textbox", "Custom Format RegEx is Case Insensitive")


def _select(label: str) -> tuple[FieldDef, ...]:
    return (FieldDef("value", label, "select"),)


_COMMON: tuple[Implementation, ...] = (
    Implementation("ReleaseTitleSpecification", "Release Title", (_REGEX,), regex=True),
    Implementation(
        "LanguageSpecification",
        "Language",
        (
            FieldDef("value", "Language", "select"),
            FieldDef(
                "exceptLanguage",
                "Except Language",
                "checkbox",
                "Matches if any language other than the selected language is present",
            ),
        ),
    ),
    Implementation("IndexerFlagSpecification", "Indexer Flag", _select("Flag")),
    Implementation("SourceSpecification", "Source", _select("Source")),
    Implementation("ResolutionSpecification", "Resolution", _select("Resolution")),
    Implementation("ReleaseGroupSpecification", "Release Group", (_REGEX,), regex=True),
    Implementation(
        "SizeSpecification",
        "Size",
        (
            FieldDef("min", "Minimum Size", "number", "Release must be greater than this size", "GB"),
            FieldDef(
                "max", "Maximum Size", "number", "Release must be less than or equal to this size", "GB"
            ),
        ),
    ),
)

_SONARR_ONLY: tuple[Implementation, ...] = (
    Implementation("ReleaseTypeSpecification", "Release Type", _select("Release Type")),
)

_RADARR_ONLY: tuple[Implementation, ...] = (
    Implementation("EditionSpecification", "Edition", (_REGEX,), regex=True),
    Implementation("QualityModifierSpecification", "Quality Modifier", _select("Quality Modifier")),
    Implementation(
        "YearSpecification",
        "Year",
        (FieldDef("min", "Minimum Year", "number"), FieldDef("max", "Maximum Year", "number")),
    ),
)


def implementations(app: App) -> dict[str, Implementation]:
    """The specification implementations of `app`, by implementation name."""
    extra = _SONARR_ONLY if app == "sonarr" else _RADARR_ONLY
    return {impl.name: impl for impl in (*_COMMON, *extra)}


def _coerce(field: FieldDef, value: Any, where: str) -> Any:
    """Convert a request value to the field's stored type, as the server's schema reader does."""
    if value is None:
        return field.default
    try:
        if field.type == "textbox":
            return value if isinstance(value, str) else str(value)
        if field.type == "checkbox":
            if isinstance(value, bool):
                return value
            raise ValueError(value)
        if field.type == "select":
            if isinstance(value, bool | float):
                raise ValueError(value)
            return int(value)
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(value)
        return int(number) if number.is_integer() else number
    except (TypeError, ValueError):
        raise Rejection.of(
            Failure(where, f"'{value}' is not a valid value for field '{field.name}'", value)
        ) from None


def read_spec(app: App, spec: Any, index: int) -> dict[str, Any]:
    """Turn one request specification into its stored form `{name, implementation, negate,
    required, fields: {name: value}}`. Raises `Rejection` for unknown implementations or a
    `fields` that is not a list of `{name, value}`."""
    where = f"Specifications[{index}]"
    if not isinstance(spec, dict):
        raise Rejection.of(Failure(where, "Specification must be an object", spec))
    impl_name = spec.get("implementation")
    impl = implementations(app).get(impl_name) if isinstance(impl_name, str) else None
    if impl is None:
        raise Rejection.of(
            Failure(
                f"{where}.Implementation",
                f"{impl_name} is not a valid specification implementation",
                impl_name,
            )
        )
    raw_fields = spec.get("fields")
    if raw_fields is None:
        raw_fields = []
    if not isinstance(raw_fields, list) or not all(isinstance(f, dict) for f in raw_fields):
        raise Rejection.of(
            Failure(f"{where}.Fields", "The JSON value could not be converted to List<Field>", raw_fields)
        )
    sent = {f.get("name"): f.get("value") for f in raw_fields}
    values = {
        fd.name: _coerce(fd, sent.get(fd.name), f"{where}.Fields.{fd.name}")
        if fd.name in sent
        else fd.default
        for fd in impl.fields
    }
    return {
        "name": spec.get("name"),
        "implementation": impl.name,
        "negate": spec.get("negate") is True,
        "required": spec.get("required") is True,
        "fields": values,
    }


def validate_spec(app: App, spec: dict[str, Any], language_ids: set[int]) -> list[Failure]:
    """The implementation's own validator for one stored specification."""
    impl = implementations(app)[spec["implementation"]]
    values = spec["fields"]
    failures: list[Failure] = []
    if impl.regex and not values["value"]:
        failures.append(Failure("Value", "Regex Pattern must not be empty", values["value"]))
    if impl.name == "LanguageSpecification" and values["value"] not in language_ids:
        failures.append(
            Failure("Value", f"Invalid Language condition value: {values['value']}", values["value"])
        )
    if impl.name == "IndexerFlagSpecification" and values["value"] == 0:
        failures.append(Failure("Value", "'Value' must not be equal to '0'.", 0))
    if impl.name in ("SizeSpecification", "YearSpecification"):
        low, high = values["min"], values["max"]
        if low < 0:
            failures.append(Failure("Min", "'Min' must be greater than or equal to '0'.", low))
        if impl.name == "SizeSpecification" and high <= low:
            failures.append(Failure("Max", f"'Max' must be greater than '{low}'.", high))
        if impl.name == "YearSpecification" and high < low:
            failures.append(Failure("Max", f"'Max' must be greater than or equal to '{low}'.", high))
    return failures


def render_spec(app: App, spec: dict[str, Any]) -> dict[str, Any]:
    """The stored specification as the server's GET answers it."""
    impl = implementations(app)[spec["implementation"]]
    fields: list[dict[str, Any]] = []
    for order, fd in enumerate(impl.fields):
        field: dict[str, Any] = {"order": order, "name": fd.name, "label": fd.label}
        if fd.unit is not None:
            field["unit"] = fd.unit
        if fd.help_text is not None:
            field["helpText"] = fd.help_text
        field.update(
            {
                "value": spec["fields"][fd.name],
                "type": fd.type,
                "advanced": False,
                "privacy": "normal",
                "isFloat": fd.type == "number" and impl.name == "SizeSpecification",
            }
        )
        fields.append(field)
    return {
        "name": spec["name"],
        "implementation": impl.name,
        "implementationName": impl.display,
        "infoLink": f"https://wiki.servarr.com/{app}/settings#custom-formats-2",
        "negate": spec["negate"],
        "required": spec["required"],
        "fields": fields,
    }
