"""Credentials out of URLs before they are shown: in CLI errors, the `--json` plan, logs and
the daemon's pages.

A base URL may carry `user:password@` or an API key in its query (`?apikey=...`). `redact_url`
keeps everything else, so the address stays recognisable; `url_secrets` lists the values to
scrub from any other text (a server or library echoing the URL back).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

REDACTED = "[redacted]"
_SECRET_PARAM = re.compile(r"(api[_-]?key|password|passwd|pass|secret|token|auth|key)", re.IGNORECASE)


def redact_url(url: str) -> str:
    """`url` with its user:password and secret query values replaced by `[redacted]`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        query = "&".join(
            f"{quote(key, safe='')}={REDACTED if _SECRET_PARAM.search(key) else quote(value, safe='')}"
            for key, value in parse_qsl(query, keep_blank_values=True)
        )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def url_secrets(url: str) -> tuple[str, ...]:
    """The secret parts of `url` (user:password, the password, secret query values), raw and quoted."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return (url,)
    found: list[str] = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        found += [userinfo, userinfo.partition(":")[2]]
    found += [
        value
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if value and _SECRET_PARAM.search(key)
    ]
    expanded = {s for secret in found if secret for s in (secret, unquote(secret), quote(secret, safe=""))}
    # Longest first, so a password is not half-replaced by a shorter secret inside it.
    return tuple(sorted(expanded, key=len, reverse=True))


def scrub(text: str, secrets: tuple[str, ...] | list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text
