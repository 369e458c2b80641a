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
