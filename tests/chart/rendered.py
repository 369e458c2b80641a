"""Reading what the media-server chart rendered: the syncd.yml in syncd's ConfigMap, with its
`!env NAME` and `!env_var NAME default` tags kept as `EnvTag` (the variable's name) so tests can tell a tag from a string,
and the environment of the syncd container that reads it."""

from __future__ import annotations

from typing import Any

import yaml

from tests.chart.conftest import RELEASE


class EnvTag(str):
    """The variable name behind a `!env NAME` tag."""


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!env", lambda loader, node: EnvTag(loader.construct_scalar(node)))  # type: ignore[arg-type]
_Loader.add_constructor(
    "!env_var",
    lambda loader, node: EnvTag(str(loader.construct_scalar(node)).partition(" ")[0]),  # type: ignore[arg-type]
)


def named(docs: list[dict[str, Any]], kind: str, suffix: str) -> dict[str, Any]:
    """The one rendered `kind` named <release>-<suffix>."""
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == f"{RELEASE}-{suffix}"]
    return doc


def syncd_yml_text(docs: list[dict[str, Any]]) -> str:
    return str(named(docs, "ConfigMap", "syncd")["data"]["syncd.yml"])


def syncd_yml(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The rendered syncd.yml, parsed."""
    loaded = yaml.load(syncd_yml_text(docs), Loader=_Loader)
    assert isinstance(loaded, dict)
    return loaded


def syncd_env(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The syncd container's `env` entries, by name."""
    (container,) = named(docs, "Deployment", "syncd")["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e for e in container["env"]}


def pod_environment(docs: list[dict[str, Any]]) -> dict[str, str]:
    """The syncd container's variables as the pod would see them, a stand-in for each secret."""
    env: dict[str, str] = {}
    for name, entry in syncd_env(docs).items():
        if "value" in entry:
            env[name] = entry["value"]
        else:
            ref = entry["valueFrom"]["secretKeyRef"]
            env[name] = f"{ref['name']}-{ref['key']}-0123456789abcdef".lower()
    return env
