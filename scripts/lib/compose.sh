# shellcheck shell=bash
# The compose layer: the single place that chooses Compose v2 (`docker compose`) or v1
# (`docker-compose`), runs it with this stack's project, files and variables, and finds the
# project's containers by their compose labels (never by a v1- or v2-style name).
#
# Choice: PRODSTACK_COMPOSE=auto (default) takes v2 when `docker compose version` answers and
# falls back to v1; PRODSTACK_COMPOSE=v2 or v1 forces one. v1 has been end-of-life since 2023
# and Docker's packages, Docker Desktop and hosted CI runners ship only v2.
#
# Where the two differ, the layer uses what both understand, so nothing branches on the
# version below this choice:
#   - colour: `--ansi never` (v1 understands it since 1.28; `--no-ansi` is v1-only);
#   - `up --wait` is v2-only: the scripts wait themselves (health.sh), for both;
#   - `ps` lists stopped containers only with `--all` in v2 (v1 always does): pass `--all`;
#   - container names (`proj_api_1` vs `proj-api-1`): look containers up by label only;
#   - `config --services` ignores profiles in v1 but not in v2: callers name the services
#     they expect instead of asking compose (wait_stack_healthy).
[[ -n "${_PRODSTACK_COMPOSE_SH:-}" ]] && return 0
_PRODSTACK_COMPOSE_SH=1
# shellcheck source=scripts/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PRODSTACK_COMPOSE="${PRODSTACK_COMPOSE:-auto}"
COMPOSE_CMD=()
COMPOSE_KIND=''
COMPOSE_VERSION=''
# Extra compose files (the monitoring overlay, callers' overrides), after the main file and its override.
COMPOSE_EXTRA_FILES=()

_COMPOSE_V2_HOWTO="install Compose v2, the Docker CLI plugin: the docker-compose-plugin package from Docker's apt or rpm repository (Docker's docs: Manuals > Docker Compose > Install > Plugin)"

# The version a candidate reports, or nothing when it does not answer.
_compose_v2_version() { command -v docker >/dev/null 2>&1 && docker compose version --short 2>/dev/null; }
_compose_v1_version() { command -v docker-compose >/dev/null 2>&1 && docker-compose version --short 2>/dev/null; }

# Chooses the compose command once per script run and says which: "compose: docker compose (v2.x)".
compose_detect() {
    [[ -n "$COMPOSE_KIND" ]] && return 0
    local version=''
    case "$PRODSTACK_COMPOSE" in
        auto|v2|v1) ;;
        *) die "PRODSTACK_COMPOSE must be auto, v2 or v1, not '$PRODSTACK_COMPOSE'" ;;
    esac
    if [[ "$PRODSTACK_COMPOSE" != v1 ]] && version="$(_compose_v2_version)" && [[ -n "$version" ]]; then
        COMPOSE_KIND=v2 COMPOSE_CMD=(docker compose)
    elif [[ "$PRODSTACK_COMPOSE" != v2 ]] && version="$(_compose_v1_version)" && [[ -n "$version" ]]; then
        COMPOSE_KIND=v1 COMPOSE_CMD=(docker-compose)
    elif [[ "$PRODSTACK_COMPOSE" == v2 ]]; then
        die "PRODSTACK_COMPOSE=v2 but Compose v2 ('docker compose') does not answer: $_COMPOSE_V2_HOWTO"
    elif [[ "$PRODSTACK_COMPOSE" == v1 ]]; then
        die "PRODSTACK_COMPOSE=v1 but Compose v1 ('docker-compose') is not installed; unset PRODSTACK_COMPOSE to use Compose v2 ('docker compose')"
    else
        die "neither Compose v2 ('docker compose') nor Compose v1 ('docker-compose') is installed: $_COMPOSE_V2_HOWTO; v1 is only a fallback"
    fi
    COMPOSE_VERSION="${version#v}"
    # Nested scripts (deploy.sh runs backup-db.sh) take the same one without probing again.
    export PRODSTACK_COMPOSE=$COMPOSE_KIND
    info "compose: $(compose_name)"
}

# "docker compose (v2.29.1)" or "docker-compose (v1.29.2)", for progress lines.
compose_name() {
    compose_detect
    printf '%s (v%s)' "${COMPOSE_CMD[*]}" "$COMPOSE_VERSION"
}

# The engine and a compose command, checked before a script changes anything.
require_docker() {
    require_cmd docker
    docker info >/dev/null 2>&1 || die "the Docker engine is not reachable (is dockerd running, are you in the docker group?)"
    compose_detect
}

# The chosen compose with the project name and files of this stack: the main file, what only
# Compose adds to it (start order, pid limits, bind-mounted configs), then the extra files.
compose() {
    compose_detect
    local args=(-p "$COMPOSE_PROJECT_NAME" --project-directory "$DEPLOY_DIR" -f "$COMPOSE_FILE_MAIN"
        -f "$COMPOSE_FILE_OVERRIDE") file
    log_colored || args=(--ansi never "${args[@]}")
    for file in "${COMPOSE_EXTRA_FILES[@]}"; do args+=(-f "$file"); done
    "${COMPOSE_CMD[@]}" "${args[@]}" "$@"
}

use_monitoring() {
    [[ -r "$COMPOSE_FILE_MONITORING" ]] || die "monitoring overlay missing: $COMPOSE_FILE_MONITORING"
    _add_compose_file "$COMPOSE_FILE_MONITORING"
}

# The logging overlay (store, shipper, retention). PRODSTACK_LOGGING=true, exported here, makes
# every later stack.sh command of the same caller include it too (stack.sh prepare prints it).
use_logging() {
    [[ -r "$COMPOSE_FILE_LOGGING" ]] || die "logging overlay missing: $COMPOSE_FILE_LOGGING"
    _add_compose_file "$COMPOSE_FILE_LOGGING"
    export PRODSTACK_LOGGING=true
}

# uses_compose_file FILE: whether FILE is among the extra files.
uses_compose_file() { [[ " ${COMPOSE_EXTRA_FILES[*]} " == *" $1 "* ]]; }
_add_compose_file() { uses_compose_file "$1" || COMPOSE_EXTRA_FILES+=("$1"); }

# Adds the overlays whose services have containers in the project (the monitoring overlay for
# any service outside the core file and the logging overlay's, the logging overlay for log-*),
# so that down/status/logs also see those containers.
use_monitoring_if_running() {
    [[ -r "$COMPOSE_FILE_MONITORING" ]] || return 0
    local service
    while read -r service; do
        case "$service" in
            proxy|api|migrate|db|cache|'') ;;
            log-store|log-shipper|log-retention)
                [[ -r "$COMPOSE_FILE_LOGGING" ]] && _add_compose_file "$COMPOSE_FILE_LOGGING"
                ;;
            *)
                _add_compose_file "$COMPOSE_FILE_MONITORING"
                # So that a Grafana container, if any, is part of the project for down/ps/logs.
                export COMPOSE_PROFILES=grafana
                ;;
        esac
    done < <(docker ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
        --format '{{.Label "com.docker.compose.service"}}')
    # The monitoring file first, as `up --monitoring --logging` orders them.
    if uses_compose_file "$COMPOSE_FILE_MONITORING" && uses_compose_file "$COMPOSE_FILE_LOGGING" \
            && [[ "${COMPOSE_EXTRA_FILES[0]}" == "$COMPOSE_FILE_LOGGING" ]]; then
        COMPOSE_EXTRA_FILES=("$COMPOSE_FILE_MONITORING" "$COMPOSE_FILE_LOGGING")
    fi
    return 0
}

# Container ids of one service ('' = the whole project), running or not / running only.
service_containers() { _project_ps "$1" -a; }
running_containers() { _project_ps "$1" --filter status=running; }
_project_ps() {
    local service=$1; shift
    local filters=(--filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
    [[ -n "$service" ]] && filters+=(--filter "label=com.docker.compose.service=$service")
    docker ps -q --no-trunc "${filters[@]}" "$@"
}

# Name of one of the project's named volumes (compose names it <project>_<volume> in v1 and v2
# alike, but the label is what says so).
project_volume() {
    docker volume ls -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
        --filter "label=com.docker.compose.volume=$1"
}
