#!/usr/bin/env bash
# Install k3s with the kubelet settings the media-server chart needs.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() {
  cat <<'USAGE'
Usage: 01-install-k3s.sh [--k3s-version VERSION] [--config-dir DIR] [--no-nonroot-devices]

Writes the k3s config (kubelet allowed-unsafe-sysctls for the protonwire sidecar,
nonroot-devices for the Intel GPU) and installs k3s with the official installer.
Safe to run again: k3s is only (re)installed when it is missing or the config changed.

  --k3s-version VERSION   k3s release to install (default: the installer's stable channel)
  --config-dir DIR        k3s config directory (default: /etc/rancher/k3s)
  --no-nonroot-devices    do not set nonroot-devices (then set plex.supplementalGroups)
  -h, --help              show this help
USAGE
}

k3s_version=""
config_dir="/etc/rancher/k3s"
nonroot_devices=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --k3s-version) need_value "$@"; k3s_version="$2"; shift 2 ;;
    --config-dir) need_value "$@"; config_dir="$2"; shift 2 ;;
    --no-nonroot-devices) nonroot_devices=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

require_cmd curl

config_file="$config_dir/config.yaml"
desired="$(
  cat <<CONFIG
# Managed by scripts/setup/01-install-k3s.sh
write-kubeconfig-mode: "0600"
kubelet-arg:
  # protonwire needs these sysctls on the qBittorrent pod; they are "unsafe" to the kubelet.
  - "allowed-unsafe-sysctls=net.ipv4.conf.all.rp_filter,net.ipv6.conf.all.disable_ipv6"
CONFIG
  if [[ "$nonroot_devices" == true ]]; then
    printf '%s\n' '# Devices from device plugins are owned by the pod user (no supplementalGroups for /dev/dri).' 'nonroot-devices: true'
  fi
)"

changed=true
if [[ -f "$config_file" ]] && [[ "$(cat "$config_file")" == "$desired" ]]; then
  changed=false
fi
if [[ "$changed" == true ]]; then
  log "writing $config_file"
  mkdir -p "$config_dir"
  printf '%s\n' "$desired" >"$config_file"
fi

if command -v k3s >/dev/null 2>&1 && [[ "$changed" == false ]]; then
  log "k3s is installed and its config is unchanged; nothing to do"
  exit 0
fi

log "installing k3s ${k3s_version:-(stable)}"
curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION="$k3s_version" sh -s - server
log "done; kubeconfig at /etc/rancher/k3s/k3s.yaml"
