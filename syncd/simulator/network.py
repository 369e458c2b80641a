"""How the simulated servers reach each other: in-cluster service names (`qbittorrent:8080`,
`http://sonarr:8989`) mapped onto the loopback servers that play them; any other address is
dialled as given, so a test can point a provider at a closed port.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


class Network:
    """A name table the simulated servers consult before they connect anywhere."""

    def __init__(self) -> None:
        self._aliases: dict[tuple[str, int], str] = {}

    def alias(self, host: str, port: int, url: str) -> None:
        """Let `host:port` reach the server listening at `url` (`http://127.0.0.1:<port>`)."""
        self._aliases[(host.lower(), port)] = urlsplit(url).netloc

    def base_url(self, *, ssl: bool, host: str, port: int, url_base: str | None = None) -> str:
        """`HttpRequestBuilder(useSsl, host, port, urlBase)` as the servers build it."""
        netloc = self._aliases.get((host.lower(), port), f"{host}:{port}")
        base = (url_base or "").strip()
        if base and not base.startswith("/"):
            base = "/" + base
        return f"{'https' if ssl else 'http'}://{netloc}{base.rstrip('/')}"

    def url(self, url: str) -> str:
        """A full URL with its host:port replaced when an alias names it."""
        parts = urlsplit(url)
        default = 443 if parts.scheme == "https" else 80
        key = ((parts.hostname or "").lower(), parts.port or default)
        if key not in self._aliases:
            return url
        return urlunsplit((parts.scheme, self._aliases[key], parts.path, parts.query, parts.fragment))
