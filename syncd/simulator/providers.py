"""Generic provider collections of the simulated *arr servers: download clients, notifications,
indexers, Prowlarr applications and indexer proxies all share this shape.

Owns what `ProviderControllerBase`, `ProviderResourceMapper`, `SchemaBuilder` and
`ProviderFactory` do, as pure state operations:
- a provider is `implementation`, `configContract`, `fields[]` (the settings class, flattened),
  `tags` and a few kind-specific top-level values (`enable`, `priority`, event flags ...);
- `/schema` lists one template per implementation with every field at its settings-class
  default;
- POST and PUT read the whole object: a field that is not sent takes the settings class's
  constructor default, a top-level value that is not sent takes its C# default (false, 0); a
  field whose privacy is `password` or `apiKey` is returned as `"********"`, and `"********"`
  sent back means "keep the stored value";
- names are required and unique case-insensitively ("Should be unique"); `implementation` and
  `configContract` are required; `fields` is required on POST;
- an enabled provider's settings are validated and its connection test runs on POST, and on a
  PUT that changes something (Sonarr/Radarr) or on every PUT (Prowlarr, which has no change
  detection); warnings refuse the save unless `forceSave=true`; an unchanged Sonarr/Radarr PUT
  writes nothing;
- `/test` validates and tests without saving, `/testall` tests every enabled provider.
The connection test itself (`Implementation.test`) may do I/O; the collection never calls it:
it hands back a `Staged` write whose test the HTTP layer runs without the server lock.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from syncd.simulator.rules import Failure, Rejection

Json = dict[str, Any]
MASK = "********"
Kind = Literal["str", "int", "int?", "bool", "float", "float?", "ints", "strs"]
Privacy = Literal["normal", "password", "apiKey", "userName"]
Test = Callable[[Json, Json], list[Failure]]
"""A connection test: given the settings and the top-level values, the failures it found."""


@dataclass(frozen=True)
class Option:
    """One entry of a select field (`SelectOption`)."""

    value: int
    name: str
    hint: str | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One property of a settings class, as `SchemaBuilder` exposes it."""

    name: str
    label: str
    kind: Kind = "str"
    default: Any = None
    type: str = "textbox"
    privacy: Privacy = "normal"
    advanced: bool = False
    help_text: str | None = None
    options: tuple[Option, ...] = ()
    options_action: str | None = None
    placeholder: str | None = None
    unit: str | None = None
    persisted: bool = True
    """False for `[JsonIgnore]` properties (the Plex server picker): never stored."""

    @property
    def secret(self) -> bool:
        return self.privacy in ("password", "apiKey")


@dataclass(frozen=True)
class Implementation:
    """One provider implementation (`QBittorrent`, `PlexServer`, `Sonarr` ...)."""

    implementation: str
    name: str
    config_contract: str
    fields: tuple[FieldSpec, ...]
    info_link: str
    validate: Callable[[Json], list[Failure]] = lambda settings: []
    test: Test | None = None
    traits: Json = field(default_factory=dict)
    """Read-only top-level values the server derives from the implementation (`protocol`,
    the `supportsOn...` flags)."""

    def defaults(self) -> Json:
        return {f.name: copy.deepcopy(f.default) for f in self.fields if f.persisted}


@dataclass(frozen=True)
class TopField:
    """A writable top-level property of a provider resource, with the value a fresh definition
    has (`template`); a body that omits it gets the C# type default."""

    name: str
    kind: Literal["bool", "int", "enum", "list"]
    template: Any
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderKind:
    """How one provider collection (`downloadclient`, `notification` ...) behaves."""

    resource: str
    implementations: tuple[Implementation, ...]
    top: tuple[TopField, ...] = ()
    enabled: Callable[[Json], bool] = lambda definition: bool(definition.get("enable"))
    validate_top: Callable[[Json], list[Failure]] = lambda definition: []
    change_detection: bool = True


@dataclass
class Staged:
    """A validated write waiting for its connection test (`test is None`: none needed)."""

    definition: Json
    test: Callable[[], list[Failure]] | None
    include_warnings: bool
    creating: bool


def _type_default(top: TopField) -> Any:
    if top.kind == "bool":
        return False
    if top.kind == "int":
        return 0
    if top.kind == "list":
        return []
    return top.values[0]


def _unconvertible(name: str, value: Any) -> Rejection:
    return Rejection.of(Failure(name, f"The JSON value could not be converted for '{name}'.", value))


def _convert(spec: FieldSpec, value: Any) -> Any:
    """`SchemaBuilder`'s value converters: numbers may come as strings, null numbers are 0."""
    if spec.kind in ("int", "int?", "float", "float?"):
        if value is None or (isinstance(value, str) and not value.strip()):
            return {"int": 0, "float": 0.0}.get(spec.kind)
        if isinstance(value, bool):
            raise _unconvertible(spec.name, value)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise _unconvertible(spec.name, value) from None
        return number if spec.kind.startswith("float") else int(number)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise _unconvertible(spec.name, value)
        return value
    if spec.kind in ("ints", "strs"):
        if value is None:
            return []
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list):
            raise _unconvertible(spec.name, value)
        try:
            return [int(i) for i in items] if spec.kind == "ints" else [str(i).strip() for i in items]
        except (TypeError, ValueError):
            raise _unconvertible(spec.name, value) from None
    if value is not None and not isinstance(value, str):
        raise _unconvertible(spec.name, value)
    return value


def verify(failures: Iterable[Failure], include_warnings: bool) -> None:
    """`VerifyValidationResult`: errors always refuse; warnings too unless forced."""
    failures = list(failures)
    errors = [f for f in failures if not f.warning]
    if include_warnings and failures:
        raise Rejection.of(*failures)
    if errors:
        raise Rejection.of(*errors)


class ProviderCollection:
    """The stored providers of one kind, with the controller's read, write and test rules."""

    def __init__(
        self,
        kind: ProviderKind,
        next_id: Callable[[], int],
        after_save: Callable[[Json, bool], Callable[[], Any] | None] | None = None,
    ) -> None:
        self.kind = kind
        self.rows: dict[int, Json] = {}
        self.tests_run = 0
        """How many connection tests this collection started (Prowlarr's PUT side effect)."""
        self._implementations = {impl.implementation: impl for impl in kind.implementations}
        self._next_id = next_id
        self._after_save = after_save

    # ------------------------------------------------------------ reading

    def implementation(self, definition: Json) -> Implementation:
        return self._implementations[definition["implementation"]]

    def _render_fields(self, impl: Implementation, settings: Json) -> list[Json]:
        rendered: list[Json] = []
        for order, spec in enumerate(impl.fields):
            value = settings.get(spec.name) if spec.persisted else None
            if spec.secret and value not in (None, ""):
                value = MASK
            item: Json = {
                "order": order,
                "name": spec.name,
                "label": spec.label,
                "unit": spec.unit,
                "helpText": spec.help_text,
                "value": copy.deepcopy(value),
                "type": spec.type,
                "advanced": spec.advanced,
                "selectOptionsProviderAction": spec.options_action,
                "privacy": spec.privacy,
                "placeholder": spec.placeholder,
                "isFloat": spec.kind.startswith("float"),
            }
            if spec.options:
                item["selectOptions"] = [
                    {
                        "value": o.value,
                        "name": o.name,
                        "order": o.value,
                        **({"hint": o.hint} if o.hint else {}),
                    }
                    for o in spec.options
                ]
            rendered.append({key: value for key, value in item.items() if value is not None})
        return rendered

    def render(self, definition: Json) -> Json:
        """The resource as GET returns it: secrets masked, nulls left out (`WhenWritingNull`)."""
        impl = self.implementation(definition)
        resource: Json = {
            "id": definition["id"],
            "name": definition["name"],
            "fields": self._render_fields(impl, definition["settings"]),
            "implementationName": impl.name,
            "implementation": impl.implementation,
            "configContract": impl.config_contract,
            "infoLink": impl.info_link,
            "tags": copy.deepcopy(definition["tags"]),
        }
        for top in self.kind.top:
            resource[top.name] = definition[top.name]
        resource.update(copy.deepcopy(impl.traits))
        return {key: value for key, value in resource.items() if value is not None}

    def find(self, provider_id: int) -> Json:
        try:
            return self.rows[provider_id]
        except KeyError:
            raise Rejection.message(404, "NotFound") from None

    def list_all(self) -> list[Json]:
        ordered = sorted(self.rows.values(), key=lambda d: (str(d["name"]).casefold(), d["id"]))
        return [self.render(definition) for definition in ordered]

    def get(self, provider_id: int) -> Json:
        return self.render(self.find(provider_id))

    def schema(self) -> list[Json]:
        """`GET /schema`: one template per implementation, every field at its default."""
        templates: list[Json] = []
        for impl in sorted(self.kind.implementations, key=lambda i: i.name.casefold()):
            template = self.render(
                {
                    "id": 0,
                    "name": "",
                    "implementation": impl.implementation,
                    "tags": [],
                    "settings": impl.defaults(),
                    **{top.name: top.template for top in self.kind.top},
                }
            )
            template["presets"] = []
            templates.append(template)
        return templates

    # ------------------------------------------------------------ writing

    def _resource_failures(self, body: Json, own_id: int, creating: bool) -> list[Failure]:
        failures: list[Failure] = []
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            failures.append(Failure("Name", "'Name' must not be empty.", name))
        elif any(
            str(d["name"]).casefold() == name.casefold() and d["id"] != own_id for d in self.rows.values()
        ):
            failures.append(Failure("Name", "Should be unique", name))
        for key, label in (("implementation", "Implementation"), ("configContract", "Config Contract")):
            value = body.get(key)
            if not isinstance(value, str) or not value.strip():
                failures.append(Failure(label.replace(" ", ""), f"'{label}' must not be empty.", value))
        if creating and body.get("fields") is None:
            failures.append(Failure("Fields", "'Fields' must not be empty.", None))
        return failures

    def _read(self, body: Any, own_id: int, existing: Json | None, creating: bool) -> Json:
        """`ToModel`: a new definition from the body alone (and stored secrets on `"********"`)."""
        if not isinstance(body, dict):
            raise Rejection.of(Failure("", "A JSON object is required.", body))
        failures = self._resource_failures(body, own_id, creating)
        if failures:
            raise Rejection.of(*failures)
        impl = self._implementations.get(body["implementation"])
        if impl is None or impl.config_contract != body["configContract"]:
            raise Rejection.of(
                Failure(
                    "Implementation",
                    f"Unknown implementation '{body['implementation']}'",
                    body["implementation"],
                )
            )
        sent = body.get("fields") or []
        if not isinstance(sent, list) or not all(isinstance(f, dict) for f in sent):
            raise _unconvertible("fields", sent)
        by_name = {f.get("name"): f for f in sent}
        settings = impl.defaults()
        for spec in impl.fields:
            if not spec.persisted or spec.name not in by_name:
                continue
            value = by_name[spec.name].get("value")
            if spec.secret and value == MASK and existing is not None:
                settings[spec.name] = copy.deepcopy(existing["settings"].get(spec.name))
            else:
                settings[spec.name] = _convert(spec, value)
        tags = body.get("tags")
        if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, int) for t in tags)):
            raise _unconvertible("tags", tags)
        definition: Json = {
            "id": own_id,
            "name": body["name"],
            "implementation": impl.implementation,
            "tags": None if tags is None else sorted(set(tags)),
            "settings": settings,
        }
        for top in self.kind.top:
            value = body.get(top.name, _type_default(top))
            if top.kind == "bool" and not isinstance(value, bool):
                raise _unconvertible(top.name, value)
            if top.kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
                raise _unconvertible(top.name, value)
            if top.kind == "enum" and value not in top.values:
                raise _unconvertible(top.name, value)
            if top.kind == "list":
                value = [] if value is None else value
                if not isinstance(value, list):
                    raise _unconvertible(top.name, value)
            definition[top.name] = copy.deepcopy(value)
        raise_top = self.kind.validate_top(definition)
        if raise_top:
            raise Rejection.of(*raise_top)
        return definition

    def _stage(
        self, definition: Json, *, force: bool, creating: bool, force_validate: bool = False
    ) -> Staged:
        impl = self.implementation(definition)
        enabled = self.kind.enabled(definition)
        if enabled or force_validate:
            verify(impl.validate(definition["settings"]), include_warnings=not force)
        test = None
        if enabled and impl.test is not None and not (force and not creating):
            test = self._test_of(impl, definition)
        return Staged(definition, test, include_warnings=not force, creating=creating)

    def _test_of(self, impl: Implementation, definition: Json) -> Callable[[], list[Failure]]:
        assert impl.test is not None
        self.tests_run += 1
        settings = copy.deepcopy(definition["settings"])
        top = {key: copy.deepcopy(value) for key, value in definition.items() if key != "settings"}
        run = impl.test
        return lambda: run(settings, top)

    def stage_create(self, body: Any, *, force_save: bool) -> Staged:
        definition = self._read(body, 0, None, creating=True)
        return self._stage(definition, force=force_save, creating=True)

    def stage_update(self, provider_id: int, body: Any, *, force_save: bool) -> Staged | None:
        """The staged write, or None when Sonarr/Radarr see no change and write nothing."""
        existing = self.find(provider_id)
        definition = self._read(body, provider_id, existing, creating=False)
        if self.kind.change_detection and definition == existing:
            impl = self.implementation(definition)
            if self.kind.enabled(definition):
                verify(impl.validate(definition["settings"]), include_warnings=not force_save)
            return None
        staged = self._stage(definition, force=force_save, creating=False)
        if force_save:
            staged.test = None
        return staged

    def commit(self, staged: Staged, failures: list[Failure]) -> Json:
        """Store the staged write once its test (if any) passed; the stored resource."""
        verify(failures, staged.include_warnings)
        definition = staged.definition
        if staged.creating:
            definition["id"] = self._next_id()
        elif definition["id"] not in self.rows:
            raise Rejection.message(404, "NotFound")
        self.rows[definition["id"]] = definition
        return self.render(definition)

    def after_save(self, provider_id: int, creating: bool) -> Callable[[], Any] | None:
        """The work a save sets off on other servers (Prowlarr's indexer sync), to run unlocked."""
        if self._after_save is None or provider_id not in self.rows:
            return None
        return self._after_save(self.rows[provider_id], creating)

    def delete(self, provider_id: int) -> None:
        self.rows.pop(provider_id, None)

    def stage_test(self, body: Any, *, force_test: bool) -> Staged:
        """`POST /test`: validated (warnings unless forced) and tested, never saved."""
        provider_id = body.get("id", 0) if isinstance(body, dict) else 0
        existing = self.rows.get(provider_id) if isinstance(provider_id, int) and provider_id > 0 else None
        definition = self._read(body, provider_id if existing else 0, existing, creating=False)
        impl = self.implementation(definition)
        verify(impl.validate(definition["settings"]), include_warnings=not force_test)
        test = self._test_of(impl, definition) if impl.test is not None else None
        return Staged(definition, test, include_warnings=True, creating=False)

    def testall(self) -> list[tuple[int, Callable[[], list[Failure]]]]:
        """`POST /testall`: the tests of every enabled provider whose settings are valid."""
        tests: list[tuple[int, Callable[[], list[Failure]]]] = []
        for definition in self.rows.values():
            impl = self.implementation(definition)
            if not self.kind.enabled(definition) or any(
                not f.warning for f in impl.validate(definition["settings"])
            ):
                continue
            if impl.test is not None:
                tests.append((definition["id"], self._test_of(impl, definition)))
        return tests

    def using_tag(self, tag_id: int) -> bool:
        return any(tag_id in (d["tags"] or []) for d in self.rows.values())
