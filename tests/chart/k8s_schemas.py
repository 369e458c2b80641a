"""Offline validation of Kubernetes objects: built-in kinds and the vendored CRDs.

Owns the allow-list of apiVersions the repository may use, the loading of CRD
openAPIV3Schemas from ../shared/fixtures/crds, and one `validate` entry point.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import kubernetes_validate
import yaml

REPO = Path(__file__).resolve().parents[2]
CRD_DIR = REPO / ".." / "shared" / "fixtures" / "crds"
KUBE_VERSION = "1.29.0"

BUILTIN_API_VERSIONS = frozenset({"v1", "apps/v1", "batch/v1", "networking.k8s.io/v1"})
CRD_API_VERSIONS = frozenset(
    {
        "external-secrets.io/v1",
        "helm.toolkit.fluxcd.io/v2",
        "source.toolkit.fluxcd.io/v1",
        "kustomize.toolkit.fluxcd.io/v1",
        "image.toolkit.fluxcd.io/v1",
        "deviceplugin.intel.com/v1",
    }
)
# ServiceMonitor is opt-in and its CRD is not vendored; only its shape is checked.
UNVALIDATED_API_VERSIONS = frozenset({"monitoring.coreos.com/v1"})
ALLOWED_API_VERSIONS = BUILTIN_API_VERSIONS | CRD_API_VERSIONS | UNVALIDATED_API_VERSIONS


def _strict(schema: Any) -> Any:
    """Reject unknown fields the way the API server prunes them (kubeconform -strict)."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: _strict(value) for key, value in schema.items()}
    if (
        "properties" in strict
        and "additionalProperties" not in strict
        and not strict.get("x-kubernetes-preserve-unknown-fields")
    ):
        strict["additionalProperties"] = False
    return strict


@cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """Map (apiVersion, kind) to the served version's openAPIV3Schema."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(CRD_DIR.glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            for version in spec["versions"]:
                if version.get("served"):
                    key = (f"{spec['group']}/{version['name']}", spec["names"]["kind"])
                    schemas[key] = _strict(version["schema"]["openAPIV3Schema"])
    return schemas


def validate(doc: dict[str, Any]) -> None:
    """Raise if `doc` uses a non-allow-listed apiVersion or breaks its schema."""
    api_version, kind = doc["apiVersion"], doc["kind"]
    if api_version not in ALLOWED_API_VERSIONS:
        raise AssertionError(f"{kind} uses apiVersion {api_version}, not allow-listed")
    if api_version in BUILTIN_API_VERSIONS:
        kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
    elif api_version in CRD_API_VERSIONS:
        schema = crd_schemas().get((api_version, kind))
        if schema is None:
            raise AssertionError(f"no vendored CRD schema for {api_version} {kind}")
        jsonschema.Draft7Validator(schema).validate(doc)
    else:
        assert doc["metadata"]["name"] and doc["spec"], f"{kind} has no name or spec"
