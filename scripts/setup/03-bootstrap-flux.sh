#!/usr/bin/env bash
# Install Flux and point it at this repository's flux/clusters/home.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() {
  cat <<'USAGE'
Usage: 03-bootstrap-flux.sh --repo-url URL [--branch BRANCH] [--flux-version VERSION]
                            [--ssh-key-file FILE --known-hosts-file FILE]

Installs the Flux controllers, creates the flux-system GitRepository for URL and applies
flux/clusters/home (infrastructure first, then the media-server app). Safe to run again
(everything is applied declaratively).

  --repo-url URL            git URL of this repository (ssh://... when using a deploy key)
  --branch BRANCH           branch to follow (default: main)
  --flux-version VERSION    Flux release (default: v2.9.4)
  --ssh-key-file FILE       deploy key with write access (image automation pushes tags)
  --known-hosts-file FILE   known_hosts for the git host (required with --ssh-key-file)
  -h, --help                show this help
USAGE
}

repo_url=""
branch="main"
flux_version="v2.9.4"
ssh_key_file=""
known_hosts_file=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repo-url) need_value "$@"; repo_url="$2"; shift 2 ;;
    --branch) need_value "$@"; branch="$2"; shift 2 ;;
    --flux-version) need_value "$@"; flux_version="$2"; shift 2 ;;
    --ssh-key-file) need_value "$@"; ssh_key_file="$2"; shift 2 ;;
    --known-hosts-file) need_value "$@"; known_hosts_file="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[[ -n "$repo_url" ]] || usage_error "--repo-url is required"
if [[ -n "$ssh_key_file" && -z "$known_hosts_file" ]]; then
  usage_error "--known-hosts-file is required with --ssh-key-file"
fi

require_cmd kubectl

log "installing Flux $flux_version"
kubectl apply --server-side -f "https://github.com/fluxcd/flux2/releases/download/$flux_version/install.yaml"
kubectl -n flux-system wait --for=condition=Available deployment --all --timeout=5m

secret_ref=""
if [[ -n "$ssh_key_file" ]]; then
  log "storing the deploy key in flux-system/flux-system"
  kubectl -n flux-system create secret generic flux-system \
    --from-file=identity="$ssh_key_file" --from-file=known_hosts="$known_hosts_file" \
    --dry-run=client -o yaml | kubectl apply -f -
  secret_ref=$'  secretRef:\n    name: flux-system'
fi

log "creating the flux-system GitRepository for $repo_url ($branch)"
kubectl apply -f - <<MANIFEST
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 5m
  url: $repo_url
  ref:
    branch: $branch
$secret_ref
MANIFEST

log "applying flux/clusters/home"
kubectl apply -k "$REPO_ROOT/flux/clusters/home"
log "done; watch with: kubectl -n flux-system get kustomizations -w"
