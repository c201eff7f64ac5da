#!/usr/bin/env bash
# The Kubernetes path's part of a CI run (.ci/run, and the workflow's kubernetes job): installs the
# pinned tools (npm ci of tools/package-lock.json, helm out of its layer) and validates the chart
# offline. Needs node >= 20, npm and python3; no cluster, no Docker.
set -euo pipefail

usage() {
    cat <<USAGE
Usage: $(basename "$0")

  scripts/kubernetes.sh tools, then scripts/kubernetes.sh validate (helm lint, schemas, policy,
  the links of the chart's files/, the chart tests with the deliberate violations).
USAGE
}
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    '') ;;
    *) printf 'error unknown argument: %s\n' "$1" >&2; usage >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/scripts/kubernetes.sh" tools
"$root/scripts/kubernetes.sh" validate
