#!/usr/bin/env bash
# Install the External Secrets Operator and create the Infisical "secret zero".
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() {
  cat <<'USAGE'
Usage: 05-install-external-secrets.sh --client-id ID --client-secret SECRET --environment ENV
                                      [--namespace NS] [--eso-version VERSION]

Installs the External Secrets Operator controllers and CRDs (Helm), then creates the
infisical-auth Secret (clientId, clientSecret, environment) in NS. The SecretStore and
ExternalSecrets come from the chart; the credentials never land in git. Safe to run again.
The client secret may also be given as INFISICAL_CLIENT_SECRET in the environment.

  --client-id ID          Infisical machine identity client ID (universal auth)
  --client-secret SECRET  its client secret
  --environment ENV       Infisical environment slug (dev, prod, ...)
  --namespace NS          namespace of the media stack (default: media-server)
  --eso-version VERSION   external-secrets chart version (default: latest)
  -h, --help              show this help
USAGE
}

client_id=""
client_secret="${INFISICAL_CLIENT_SECRET:-}"
environment=""
namespace="media-server"
eso_version=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --client-id) need_value "$@"; client_id="$2"; shift 2 ;;
    --client-secret) need_value "$@"; client_secret="$2"; shift 2 ;;
    --environment) need_value "$@"; environment="$2"; shift 2 ;;
    --namespace) need_value "$@"; namespace="$2"; shift 2 ;;
    --eso-version) need_value "$@"; eso_version="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[[ -n "$client_id" ]] || usage_error "--client-id is required"
[[ -n "$client_secret" ]] || usage_error "--client-secret is required"
[[ -n "$environment" ]] || usage_error "--environment is required"

require_cmd kubectl helm

log "installing the External Secrets Operator"
helm repo add external-secrets https://charts.external-secrets.io --force-update >/dev/null
version_args=()
if [[ -n "$eso_version" ]]; then
  version_args=(--version "$eso_version")
fi
helm upgrade --install external-secrets external-secrets/external-secrets \
  --namespace external-secrets --create-namespace \
  --set installCRDs=true --wait "${version_args[@]}"

log "ensuring namespace $namespace"
kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f -

log "writing $namespace/infisical-auth (values not shown)"
# Values go through a file descriptor, not the command line, so they stay out of `ps`.
kubectl -n "$namespace" create secret generic infisical-auth \
  --from-env-file=<(printf 'clientId=%s\nclientSecret=%s\nenvironment=%s\n' "$client_id" "$client_secret" "$environment") \
  --dry-run=client -o yaml | kubectl apply -f -
log "done"
