#!/usr/bin/env bash
# Bootstrap Flux from your fork of this repository, with the image-automation controllers.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() {
  cat <<'USAGE'
Usage: 03-bootstrap-flux.sh --repo-url URL --ssh-key-file FILE [--branch BRANCH]
                            [--flux-version VERSION] [--bin-dir DIR]

Runs `flux bootstrap git` against URL (your fork of this repository): it installs the Flux
controllers including image-reflector-controller and image-automation-controller (without
them the ImageRepository/ImagePolicy/ImageUpdateAutomation kinds do not exist and the app
Kustomization fails), commits flux/clusters/home/flux-system/ to your repository and makes
Flux reconcile flux/clusters/home from it. That one repository is where Flux reads the chart
and values and where image automation pushes tag bumps. Installs the flux CLI first when it
is missing. Uses k3s's kubeconfig when no other is set. Safe to run again.

  --repo-url URL            ssh:// URL of your repository (image automation pushes to it)
  --ssh-key-file FILE       private deploy key with write access to it
  --branch BRANCH           branch to follow and push to (default: main)
  --flux-version VERSION    Flux release of the CLI and controllers (default: v2.9.4)
  --bin-dir DIR             where to install the flux CLI if missing (default: /usr/local/bin)
  -h, --help                show this help
USAGE
}

repo_url=""
ssh_key_file=""
branch="main"
flux_version="v2.9.4"
bin_dir="/usr/local/bin"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repo-url) need_value "$@"; repo_url="$2"; shift 2 ;;
    --ssh-key-file) need_value "$@"; ssh_key_file="$2"; shift 2 ;;
    --branch) need_value "$@"; branch="$2"; shift 2 ;;
    --flux-version) need_value "$@"; flux_version="$2"; shift 2 ;;
    --bin-dir) need_value "$@"; bin_dir="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[[ -n "$repo_url" ]] || usage_error "--repo-url is required"
[[ -n "$ssh_key_file" ]] || usage_error "--ssh-key-file is required (image automation pushes with it)"
[[ "$repo_url" == ssh://* ]] || usage_error "--repo-url must be an ssh:// URL (the deploy key authenticates it)"
[[ -r "$ssh_key_file" ]] || die "cannot read $ssh_key_file"

use_k3s_kubeconfig
require_cmd kubectl

if ! command -v flux >/dev/null 2>&1; then
  log "installing the flux CLI ${flux_version} into $bin_dir"
  curl -s https://fluxcd.io/install.sh | FLUX_VERSION="${flux_version#v}" bash -s "$bin_dir"
  PATH="$bin_dir:$PATH"
fi
require_cmd flux

log "bootstrapping Flux ${flux_version} from $repo_url ($branch)"
flux bootstrap git \
  --url="$repo_url" \
  --branch="$branch" \
  --private-key-file="$ssh_key_file" \
  --path=flux/clusters/home \
  --version="$flux_version" \
  --components-extra=image-reflector-controller,image-automation-controller \
  --silent
log "done; watch with: flux get kustomizations --watch"
