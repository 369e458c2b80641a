#!/usr/bin/env bash
# Shared helpers for the setup scripts: logging, failing, argument checks.
# Sourced, never run.

log() { printf '==> %s\n' "$*" >&2; }

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

usage_error() {
  printf 'error: %s (see --help)\n' "$*" >&2
  exit 2
}

require_cmd() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || die "required command not found: $cmd"
  done
}

# need_value FLAG VALUE: fail when a flag is missing its value.
need_value() {
  [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || usage_error "$1 needs a value"
}

# use_k3s_kubeconfig: with no KUBECONFIG and no ~/.kube/config, use the kubeconfig k3s writes
# (/etc/rancher/k3s/k3s.yaml, or $K3S_KUBECONFIG), so kubectl, helm and flux reach the cluster.
use_k3s_kubeconfig() {
  local k3s_config="${K3S_KUBECONFIG:-/etc/rancher/k3s/k3s.yaml}"
  if [[ -z "${KUBECONFIG:-}" && ! -f "${HOME:-/root}/.kube/config" ]]; then
    [[ -r "$k3s_config" ]] || die "no kubeconfig: set KUBECONFIG, or run as a user who can read $k3s_config"
    export KUBECONFIG="$k3s_config"
    log "using the k3s kubeconfig $k3s_config"
  fi
}
