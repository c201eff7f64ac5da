#!/usr/bin/env bash
# Brings the prodstack stack up or down on one Docker host with Compose v2 (`docker compose`,
# run by scripts/lib/compose.sh).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") <command> [options] [service]

  up            build what is missing (service jar, images, dev TLS certificate, secrets), start
                the stack and wait until every container is healthy; prints the URLs when done
  down          stop and remove the containers and networks (volumes only with --volumes)
  status        containers, their health, and the answer of https://localhost:\$HTTPS_PORT/health
  logs          recent logs of all services or of one [service] (--follow to stream)

  For programs that drive the stack themselves (the acceptance suite):
  prepare       what \`up\` does before starting anything (image source, offline set, secrets, TLS,
                api image); prints the stack variables as KEY=VALUE lines on stdout
  compose -- ARGS
                docker compose with this stack's project, files and variables
  wait-healthy  wait until every container of the project is healthy (one-shot jobs exited 0)
                and each --service has a container; exit 1 with their logs after --timeout

Options:
  --project NAME   compose project (default \$COMPOSE_PROJECT_NAME or prodstack)
  --monitoring     also run the monitoring overlay (Prometheus, Alertmanager, Grafana, exporters)
  --logging        also run the logging overlay (log store, shipper, retention; scripts/logs.sh
                   searches it); combines with --monitoring, which does not imply it
  --file FILE      one more compose file after the stack's (repeatable)
  --offline        use the offline images (deployment/images/offline.env, built by scripts/build-images.sh)
  --official       use the official images (needs a registry); default: probe a registry and choose
  --scale N        api replicas (default \$API_REPLICAS or 1)
  --no-build       use the jar and api image as they are (fails when the image is missing)
  --no-images      prepare: no image work at all (the caller checks the images)
  --service NAME   wait-healthy: this service must have a container (repeatable)
  --timeout S      seconds to wait for health (default 300)
  --volumes        with down: also delete the named volumes (the database!)
  --follow         with logs: stream
  --dry-run        print the commands that would change anything, run nothing
  -h, --help       this help

Environment: COMPOSE_PROJECT_NAME (prodstack), VERSION (1.0.0), API_IMAGE
(prodstack/api:\$VERSION), HTTP_PORT (80), HTTPS_PORT (443), IMAGE_SOURCE (auto|official|offline),
API_REPLICAS, PRODSTACK_LOGGING (true: as --logging), LOG_STORE_PORT (9200), LOG_RETENTION_DAYS (7),
and every image variable of deployment/.env.example.
USAGE
}

command=''
service=''
monitoring=false
logging=false
image_source="${IMAGE_SOURCE:-auto}"
scale=''
rebuild=build
timeout=300
volumes=false
follow=false
extra_files=()
wanted_services=()
compose_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        up|down|status|logs|prepare|compose|wait-healthy)
            [[ -z "$command" ]] || usage_error "only one command, got '$command' and '$1'"; command=$1 ;;
        --) [[ "$command" == compose ]] || usage_error "'--' belongs to the compose command"; shift; compose_args=("$@"); break ;;
        --project) [[ -n "${2:-}" ]] || usage_error "--project needs a name"; export COMPOSE_PROJECT_NAME=$2; shift ;;
        --monitoring) monitoring=true ;;
        --logging) logging=true ;;
        --file) [[ -r "${2:-}" ]] || usage_error "--file needs a readable compose file"; extra_files+=("$(realpath "$2")"); shift ;;
        --offline) image_source=offline ;;
        --official) image_source=official ;;
        --scale) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage_error "--scale needs a positive number"; scale=$2; shift ;;
        --no-build) rebuild=never ;;
        --no-images) rebuild=skip ;;
        --service) [[ -n "${2:-}" ]] || usage_error "--service needs a name"; wanted_services+=("$2"); shift ;;
        --timeout) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout needs seconds"; timeout=$2; shift ;;
        --volumes) volumes=true ;;
        --follow|-f) follow=true ;;
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        -*) usage_error "unknown option: $1" ;;
        *) [[ "$command" == logs && -z "$service" ]] || usage_error "unexpected argument: $1"; service=$1 ;;
    esac
    shift
done
[[ -n "$command" ]] || usage_error "a command is required"
[[ "$command" != compose || ${#compose_args[@]} -gt 0 ]] || usage_error "compose needs its arguments after '--'"

# `compose` (config, version) works without a reachable engine; everything else needs one.
if [[ "$command" == compose ]]; then compose_detect; else require_docker; fi
case "$command" in
    up|prepare) stack_defaults_with_images "$image_source" ;;
    *) stack_defaults ;;
esac
[[ -n "$scale" ]] && export API_REPLICAS=$scale
# The stack's files: explicit (--monitoring, --logging or PRODSTACK_LOGGING=true, --file), or for
# down/status/logs whatever runs.
[[ "${PRODSTACK_LOGGING:-false}" == true ]] && logging=true
if [[ "$monitoring" == true ]]; then
    use_monitoring
fi
if [[ "$logging" == true ]]; then
    use_logging
fi
if [[ "$monitoring" != true && "$logging" != true && ${#extra_files[@]} -eq 0 \
        && "$command" =~ ^(down|status|logs|compose|wait-healthy)$ ]]; then
    use_monitoring_if_running
fi
COMPOSE_EXTRA_FILES+=("${extra_files[@]}")

print_endpoints() {
    local url ca token_file
    url="$(stack_base_url)"
    ca="${TLS_DIR#"$PRODSTACK_ROOT"/}/ca.crt"
    token_file="${SECRETS_DIR#"$PRODSTACK_ROOT"/}/admin_token"
    cat >&2 <<EOF

  API          $url/            (HTTP on port $HTTP_PORT redirects here)
  Docs         $url/docs
  Health       $url/health
EOF
    if [[ -n "$(running_containers prometheus)" ]]; then
        cat >&2 <<EOF
  Prometheus   http://127.0.0.1:${PROMETHEUS_PORT:-9090}/
  Alertmanager http://127.0.0.1:${ALERTMANAGER_PORT:-9093}/
EOF
    fi
    if [[ -n "$(running_containers log-store)" ]]; then
        echo "  Logs         http://127.0.0.1:${LOG_STORE_PORT:-9200}/   (OpenSearch; search with scripts/logs.sh --help)" >&2
    fi
    if [[ -n "$(running_containers grafana)" ]]; then
        echo "  Grafana      http://127.0.0.1:${GRAFANA_PORT:-3000}/   (user admin, password in ${SECRETS_DIR#"$PRODSTACK_ROOT"/}/grafana_admin_password)" >&2
    fi
    cat >&2 <<EOF

  The certificate is signed by the development CA $ca:
    curl --cacert $ca $url/health
    curl --cacert $ca -X POST -H 'Content-Type: application/json' \\
         -d '{"username":"ada","email":"ada@example.com"}' $url/users
  Writes other than POST need the admin token:
    curl --cacert $ca -X DELETE -H "Authorization: Bearer \$(cat $token_file)" $url/users/1
  Validate: scripts/validate-deployment.sh $url     Tear down: scripts/stack.sh down [--volumes]

EOF
}

cmd_up() {
    local started up_args=(up -d --no-build --remove-orphans)
    started=$(now_s)
    require_cmd curl jq openssl
    prepare_stack "$rebuild"
    [[ -n "${API_REPLICAS:-}" ]] && up_args+=(--scale "api=$API_REPLICAS")

    step "starting project $COMPOSE_PROJECT_NAME with $(compose_name) (api replicas: ${API_REPLICAS:-1}, monitoring: $monitoring, logging: $logging)"
    start_stack "$timeout" "${up_args[@]}"
    [[ "$DRY_RUN" == true ]] && return 0
    ok "stack up and healthy in $(elapsed_since "$started") (image source: $IMAGE_SOURCE)"
    print_endpoints
}

cmd_down() {
    local args=(down --remove-orphans)
    [[ "$volumes" == true ]] && args+=(--volumes)
    if [[ "$volumes" == true ]]; then
        step "stopping project $COMPOSE_PROJECT_NAME with $(compose_name) and deleting its volumes"
    else
        step "stopping project $COMPOSE_PROJECT_NAME with $(compose_name) (volumes kept; --volumes deletes them)"
    fi
    run compose "${args[@]}"
    ok "stack removed"
}

cmd_status() {
    local ids
    mapfile -t ids < <(service_containers "")
    if [[ ${#ids[@]} -eq 0 ]]; then
        info "project $COMPOSE_PROJECT_NAME has no containers"
        return 0
    fi
    compose ps --all
    step "health"
    container_state "${ids[@]}" | sort | awk '{printf "    %-40s %s\n", $1, $2}' >&2
    if curl_stack -f "$(stack_base_url)/health" >/dev/null 2>&1; then
        ok "$(stack_base_url)/health: $(curl_stack "$(stack_base_url)/health")"
    else
        warn "$(stack_base_url)/health does not answer"
    fi
}

cmd_logs() {
    local args=(logs --tail "${LOG_LINES:-100}")
    [[ "$follow" == true ]] && args+=(--follow)
    [[ -n "$service" ]] && args+=("$service")
    compose "${args[@]}"
}

cmd_prepare() {
    prepare_stack "$rebuild"
    [[ "$DRY_RUN" == true ]] || print_stack_env
}

cmd_compose() {
    compose "${compose_args[@]}"
}

cmd_wait_healthy() {
    wait_stack_healthy "$timeout" "" "${wanted_services[@]}" \
        || die "project $COMPOSE_PROJECT_NAME is not healthy (scripts/stack.sh status --project $COMPOSE_PROJECT_NAME)"
}

"cmd_${command//-/_}"
