"""Talking to Sonarr/Radarr over HTTP (I/O edge): fetching live state and writing changes,
with every httpx error translated into `syncd.errors.ApiError`."""
