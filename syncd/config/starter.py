"""The text of a starter `syncd.yml`, for `syncd config create` (pure: the caller reads and writes).

Three starters: the default (Sonarr WEB-1080p and Radarr HD Bluray + WEB presets), one preset,
or a Recyclarr config template. A template is Recyclarr's own file with its comments kept: the
placeholder URL and API key become the service's usual in-cluster URL and an `!env` tag, the
instance is named `main`, and a syncd header goes on top (syncd's format takes Recyclarr's
instance keys, so the rest reads as written).
"""

from __future__ import annotations

import re

from syncd.errors import ConfigError

SERVICE_URLS = {"sonarr": "http://sonarr:8989", "radarr": "http://radarr:7878"}
DEFAULT_PRESETS = (("sonarr", "sonarr-web-1080p"), ("radarr", "radarr-hd-bluray-web"))

_HEADER = """\
# syncd configuration, written by `syncd {command}`.
# Every key is described in docs/configuration.md. Next steps:
#   export {keys}
#   syncd validate      # checks this file against the TRaSH Guides, offline
#   syncd plan          # shows what would change on the servers (writes nothing)
#   syncd apply         # makes those changes
syncd: 1

# Where guide checkouts and ownership state live (default: .syncd beside this file).
# state_dir: state

# How often `syncd run` syncs: an interval (30m, 1h, 1d) or standard cron, e.g. "0 3 * * *".
schedule:
  interval: 1h
"""

_INSTANCE = """
{service}:
  main:                             # this instance's address is {service}.main
    base_url: {url}    # the URL syncd reaches {title} at
    api_key: !env {key_var}    # {title}: Settings > General > API Key; keep it out of this file
    include:
      - preset: {preset}
    # Anything written here wins over the preset. For example, score more custom formats:
    # custom_formats:
    #   - trash_ids:
    #       - 32b367365729d530ca1c124a0b180c64   # `syncd list custom-formats --service {service}`
    #     assign_scores_to:
    #       - name: <profile name>              # `syncd list quality-profiles --service {service}`
"""


def key_variable(service: str) -> str:
    return f"{service.upper()}_API_KEY"


def from_presets(presets: tuple[tuple[str, str], ...], *, command: str) -> str:
    """A syncd file with one `main` instance per `(service, preset)`."""
    keys = " ".join(f"{key_variable(service)}=..." for service, _ in presets)
    parts = [_HEADER.format(command=command, keys=keys)]
    for service, preset in presets:
        parts.append(
            _INSTANCE.format(
                service=service,
                title=service.capitalize(),
                url=SERVICE_URLS[service],
                key_var=key_variable(service),
                preset=preset,
            )
        )
    return "".join(parts)


_INSTANCE_LINE = re.compile(r"^(?P<service>sonarr|radarr):\n {2}[\w.-]+:$", re.MULTILINE)
_URL_LINE = re.compile(r"^(?P<indent> +)base_url: Put your \w+ URL here$", re.MULTILINE)
_KEY_LINE = re.compile(r"^(?P<indent> +)api_key: Put your API key here$", re.MULTILINE)


def from_template(template_id: str, text: str, *, command: str) -> str:
    """A syncd file from a Recyclarr template's text (`ConfigError` if it has an unusual shape)."""
    found = _INSTANCE_LINE.search(text)
    if found is None or not _URL_LINE.search(text) or not _KEY_LINE.search(text):
        raise ConfigError(
            f"template {template_id!r} does not have Recyclarr's placeholder instance "
            "(base_url/api_key 'Put your ... here'); copy it by hand"
        )
    service = found["service"]
    body = _INSTANCE_LINE.sub(lambda m: f"{m['service']}:\n  main:", text, count=1)
    body = _URL_LINE.sub(lambda m: f"{m['indent']}base_url: {SERVICE_URLS[service]}", body)
    body = _KEY_LINE.sub(lambda m: f"{m['indent']}api_key: !env {key_variable(service)}", body)
    header = _HEADER.format(command=command, keys=f"{key_variable(service)}=...")
    return f"{header}\n# From the Recyclarr config template {template_id!r} ({service}):\n\n{body}"
