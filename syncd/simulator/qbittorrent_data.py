"""The preferences a simulated qBittorrent 5.x starts with, as one plain table.

The realistic 5.x preference set of the reference data (`qbittorrent_preferences`), plus the
network-interface and WebUI-security keys every 5.x server also returns (defaults from
qBittorrent's `AppController::preferencesAction`: not bound to any interface, host-header
validation and CSRF protection on, 5 failed logins ban an IP for an hour). Copied into the
package so `syncd demo` and the tests need no reference files. `web_ui_password` is not here:
the server never returns it.
"""

from __future__ import annotations

from typing import Any, Final

DEFAULT_PREFERENCES: Final[dict[str, Any]] = {
    "locale": "en",
    "save_path": "/downloads/",
    "temp_path_enabled": False,
    "temp_path": "/downloads/temp/",
    "create_subfolder_enabled": True,
    "torrent_content_layout": "Original",
    "start_paused_enabled": False,
    "auto_tmm_enabled": False,
    "preallocate_all": False,
    "incomplete_files_ext": False,
    "listen_port": 6881,
    "upnp": True,
    "dht": True,
    "pex": True,
    "lsd": True,
    "encryption": 0,
    "anonymous_mode": False,
    "queueing_enabled": True,
    "max_active_downloads": 3,
    "max_active_torrents": 5,
    "max_active_uploads": 3,
    "dont_count_slow_torrents": False,
    "max_ratio_enabled": False,
    "max_ratio": -1,
    "max_ratio_act": 0,
    "max_seeding_time_enabled": False,
    "max_seeding_time": -1,
    "max_inactive_seeding_time_enabled": False,
    "max_inactive_seeding_time": -1,
    "dl_limit": 0,
    "up_limit": 0,
    "web_ui_address": "*",
    "web_ui_port": 8080,
    "web_ui_username": "admin",
    "bypass_local_auth": False,
    "bypass_auth_subnet_whitelist_enabled": False,
    "bypass_auth_subnet_whitelist": "",
    "web_ui_csrf_protection_enabled": True,
    "alternative_webui_enabled": False,
    # Not in the reference set; every 5.x server returns them.
    "current_network_interface": "",
    "current_interface_address": "",
    "current_interface_name": "",
    "max_connec": 500,
    "max_connec_per_torrent": 100,
    "web_ui_host_header_validation_enabled": True,
    "web_ui_domain_list": "*",
    "web_ui_max_auth_fail_count": 5,
    "web_ui_ban_duration": 3600,
    "web_ui_session_timeout": 3600,
}
