# shellcheck shell=bash
# The compose layer: runs Compose v2 (`docker compose`, the Docker CLI plugin) with this stack's
# project, files and variables, and finds the project's containers by their compose labels.
# Compose v1 (`docker-compose`, end of life since 2023) is not supported: the files use keys
# only v2 validates (deploy.resources.limits.pids, ...), and `docker compose config` is the
# check the files must pass.
[[ -n "${_PRODSTACK_COMPOSE_SH:-}" ]] && return 0
_PRODSTACK_COMPOSE_SH=1
# shellcheck source=scripts/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

COMPOSE_VERSION=''
# Extra compose files (the monitoring overlay, callers' overrides), after the main file and its override.
COMPOSE_EXTRA_FILES=()

_COMPOSE_V2_HOWTO="install Compose v2, the Docker CLI plugin: on Debian 13 and Ubuntu 24.04 'apt-get install docker-compose'; on Debian 12 the same package from Debian 13 (a static binary needing only libc6 >= 2.34: add the trixie suite and 'apt-get install docker-compose/trixie', as scripts/install-prerequisites.sh does); elsewhere Docker's docker-compose-plugin package"

# Checks once per script run that Compose v2 answers, and says which: "compose: docker compose (v2.26.1)".
compose_detect() {
    [[ -n "$COMPOSE_VERSION" ]] && return 0
    local version
    version="$(docker compose version --short 2>/dev/null)" || version=''
    [[ "$version" =~ ^v?[2-9] ]] || die "Compose v2 ('docker compose') does not answer${version:+ (it says \"$version\")}: $_COMPOSE_V2_HOWTO"
    COMPOSE_VERSION="${version#v}"
    info "compose: $(compose_name)"
}

# "docker compose (v2.26.1)", for progress lines.
compose_name() {
    compose_detect
    printf 'docker compose (v%s)' "$COMPOSE_VERSION"
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
    docker compose "${args[@]}" "$@"
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

# Container ids of one service ('' = every service of the project), running or not / running only.
# Only the services' containers: a helper that carries the project's label so that `down` removes
# it (upgrade-db.sh's, left "created" when the upgrade was killed) is not the stack's to wait for.
service_containers() { _project_ps "$1" -a; }
running_containers() { _project_ps "$1" --filter status=running; }
_project_ps() {
    local service=$1; shift
    local filters=(--filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
    if [[ -n "$service" ]]; then
        filters+=(--filter "label=com.docker.compose.service=$service")
    else
        filters+=(--filter "label=com.docker.compose.service")
    fi
    docker ps -q --no-trunc "${filters[@]}" "$@"
}

# Name of one of the project's named volumes (compose names it <project>_<volume>, but the label
# is what says so).
project_volume() {
    docker volume ls -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
        --filter "label=com.docker.compose.volume=$1"
}
