#!/usr/bin/env bash
# Create the host folders the chart mounts, owned by the media user.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() {
  cat <<'USAGE'
Usage: 02-create-data-dirs.sh [--root DIR] [--uid UID] [--gid GID]

Creates <root>/library/{tvshows,movies}, <root>/downloads/{tv,movies,prowlarr}, <root>/backups/postgres
and <root>/config/{plex,sonarr,radarr,prowlarr,qbittorrent,postgres,samba,syncd}, owned by
UID:GID (fsGroup does not apply to hostPath volumes). The library folders are the chart's
default root folders and Plex library paths: Sonarr and Radarr refuse a root folder that does
not exist, so syncd's first sync needs them. Safe to run again.

  --root DIR   data root (default: /data)
  --uid UID    owner (default: 1000, the chart's global.uid)
  --gid GID    group (default: 1000, the chart's global.gid)
  -h, --help   show this help
USAGE
}

root="/data"
uid=1000
gid=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --root) need_value "$@"; root="$2"; shift 2 ;;
    --uid) need_value "$@"; uid="$2"; shift 2 ;;
    --gid) need_value "$@"; gid="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

dirs=("$root/library" "$root/library/tvshows" "$root/library/movies" "$root/downloads"
  "$root/downloads/tv" "$root/downloads/movies" "$root/downloads/prowlarr" "$root/backups/postgres")
for app in plex sonarr radarr prowlarr qbittorrent postgres samba syncd; do
  dirs+=("$root/config/$app")
done
mkdir -p "${dirs[@]}"
chown "$uid:$gid" "${dirs[@]}"
# PostgreSQL refuses a data directory other users can read.
chmod 0700 "$root/config/postgres"
log "created ${#dirs[@]} folders under $root owned by $uid:$gid"
