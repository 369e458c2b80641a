#!/usr/bin/env bash
# Install the External Secrets Operator and create the Infisical "secret zero".
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() {
  cat <<'USAGE'
Usage: 05-install-external-secrets.sh --client-id ID --client-secret SECRET
                                      [--namespace NS] [--eso-version VERSION]
                                      [--helm-version VERSION] [--bin-dir DIR]

Installs the External Secrets Operator controllers and CRDs (Helm, the same chart and version
Flux manages in flux/infrastructure/controllers/external-secrets.yaml), then creates the
infisical-auth Secret (clientId, clientSecret) in NS. The SecretStore and ExternalSecrets
come from the chart, and the Infisical project, environment and folder are chart values
(secrets.externalSecrets.infisical.*), the one place they are set. The credentials never
land in git. Installs helm first when it is missing. Uses k3s's kubeconfig when no other is
set. Safe to run again. The client secret may also be given as INFISICAL_CLIENT_SECRET in
the environment.

  --client-id ID          Infisical machine identity client ID (universal auth)
  --client-secret SECRET  its client secret
  --namespace NS          namespace of the media stack (default: media-server)
  --eso-version VERSION   external-secrets chart version (default: 2.9.0, as Flux pins it)
  --helm-version VERSION  helm release to install if helm is missing (default: v3.19.0)
  --bin-dir DIR           where to install helm if missing (default: /usr/local/bin)
  -h, --help              show this help
USAGE
}

client_id=""
client_secret="${INFISICAL_CLIENT_SECRET:-}"
namespace="media-server"
eso_version="2.9.0"
helm_version="v3.19.0"
bin_dir="/usr/local/bin"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --client-id) need_value "$@"; client_id="$2"; shift 2 ;;
    --client-secret) need_value "$@"; client_secret="$2"; shift 2 ;;
    --environment) usage_error "--environment is gone: set secrets.externalSecrets.infisical.environmentSlug in the chart values" ;;
    --namespace) need_value "$@"; namespace="$2"; shift 2 ;;
    --eso-version) need_value "$@"; eso_version="$2"; shift 2 ;;
    --helm-version) need_value "$@"; helm_version="$2"; shift 2 ;;
    --bin-dir) need_value "$@"; bin_dir="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[[ -n "$client_id" ]] || usage_error "--client-id is required"
[[ -n "$client_secret" ]] || usage_error "--client-secret is required"

use_k3s_kubeconfig
require_cmd kubectl

if ! command -v helm >/dev/null 2>&1; then
  log "installing helm ${helm_version} into $bin_dir"
  curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 |
    DESIRED_VERSION="$helm_version" HELM_INSTALL_DIR="$bin_dir" USE_SUDO=false bash
  PATH="$bin_dir:$PATH"
fi
require_cmd helm

log "installing the External Secrets Operator $eso_version"
helm repo add external-secrets https://charts.external-secrets.io --force-update >/dev/null
helm upgrade --install external-secrets external-secrets/external-secrets \
  --namespace external-secrets --create-namespace \
  --set installCRDs=true --wait --version "$eso_version"

log "ensuring namespace $namespace"
kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f -

log "writing $namespace/infisical-auth (values not shown)"
# Values go through a file descriptor, not the command line, so they stay out of `ps`.
kubectl -n "$namespace" create secret generic infisical-auth \
  --from-env-file=<(printf 'clientId=%s\nclientSecret=%s\n' "$client_id" "$client_secret") \
  --dry-run=client -o yaml | kubectl apply -f -
log "done"
