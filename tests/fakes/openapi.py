"""Validates request bodies against the Sonarr/Radarr v3 and Prowlarr v1 OpenAPI specs (tests
only).

`OpenApiValidator` is a `request_validator` for `SimulatedServarr` and `SimulatedProwlarr`: called with the method,
the simulator's path template (`/api/v3/customformat/{id}`, the specs' own spelling) and the
parsed JSON body, it raises `RequestBodyMismatch` when the body does not match the
operation's `requestBody` schema.

Spec quirk allowed: every schema says `additionalProperties: false`, but the servers ignore
unknown JSON properties and the simulator deliberately returns an extra profile field that
clients must round-trip, so by default that keyword is dropped before validating.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Literal

from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPECS_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "openapi"
_SPEC_URI = "urn:syncd:openapi"


class RequestBodyMismatch(ValueError):
    """A request body that the OpenAPI spec does not allow."""


def _drop_closed_objects(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        for value in node.values():
            _drop_closed_objects(value)
    elif isinstance(node, list):
        for value in node:
            _drop_closed_objects(value)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class OpenApiValidator:
    """Request-body validator built from `sonarr-v3.json`, `radarr-v3.json` or `prowlarr-v1.json`."""

    def __init__(
        self, app: Literal["sonarr", "radarr", "prowlarr"], *, allow_unknown_properties: bool = True
    ) -> None:
        name = "prowlarr-v1.json" if app == "prowlarr" else f"{app}-v3.json"
        spec = json.loads((SPECS_DIR / name).read_text(encoding="utf-8"))
        if allow_unknown_properties:
            spec = copy.deepcopy(spec)
            _drop_closed_objects(spec["components"])
        self._paths: dict[str, Any] = spec["paths"]
        resource = Resource.from_contents(spec, default_specification=DRAFT4)
        self._registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)

    def __call__(self, method: str, path_template: str, body: Any) -> None:
        operation = self._paths.get(path_template, {}).get(method.lower())
        if operation is None:
            raise RequestBodyMismatch(f"{method} {path_template} is not an operation of the spec")
        content = (operation.get("requestBody") or {}).get("content", {})
        if "application/json" not in content:
            raise RequestBodyMismatch(f"{method} {path_template} takes no JSON body")
        pointer = _pointer(
            "paths", path_template, method.lower(), "requestBody", "content", "application/json", "schema"
        )
        validator = OAS30Validator({"$ref": f"{_SPEC_URI}#/{pointer}"}, registry=self._registry)
        error = best_match(validator.iter_errors(body))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "<body>"
            raise RequestBodyMismatch(f"{method} {path_template}: {where}: {error.message}")
