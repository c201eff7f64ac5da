# shellcheck shell=bash
# Shared helpers for the prodstack operator scripts. Source it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# Callers use `set -euo pipefail`; every helper here fails with a message, never silently.

# Repository layout -----------------------------------------------------------------------
PRODSTACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEPLOY_DIR="$PRODSTACK_ROOT/deployment"
COMPOSE_FILE_MAIN="$DEPLOY_DIR/docker-compose.yml"
COMPOSE_FILE_MONITORING="$DEPLOY_DIR/docker-compose.monitoring.yml"
OFFLINE_ENV_FILE="$DEPLOY_DIR/images/offline.env"
OFFICIAL_ENV_FILE="$DEPLOY_DIR/images/official.env"
export PRODSTACK_ROOT DEPLOY_DIR

# Set by the scripts' option parsers; read by run().
DRY_RUN="${DRY_RUN:-false}"
# Extra compose files (the monitoring overlay), appended by use_monitoring().
COMPOSE_EXTRA_FILES=()

# Messages --------------------------------------------------------------------------------
if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
    _c_step=$'\033[1;34m' _c_ok=$'\033[1;32m' _c_warn=$'\033[1;33m' _c_err=$'\033[1;31m' _c_off=$'\033[0m'
else
    _c_step='' _c_ok='' _c_warn='' _c_err='' _c_off=''
fi

# All messages go to stderr so that stdout stays usable for data (paths, ids).
step() { printf '%s==>%s %s\n' "$_c_step" "$_c_off" "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
ok()   { printf '%s ok%s %s\n' "$_c_ok" "$_c_off" "$*" >&2; }
warn() { printf '%swarn%s %s\n' "$_c_warn" "$_c_off" "$*" >&2; }

die()  { _PRODSTACK_DIED=1; printf '%serror%s %s\n' "$_c_err" "$_c_off" "$*" >&2; exit 1; }
# Wrong usage: message and a pointer to --help on stderr, exit 2.
usage_error() {
    _PRODSTACK_DIED=1
    printf '%serror%s %s (see %s --help)\n' "$_c_err" "$_c_off" "$*" "$(basename "$0")" >&2
    exit 2
}

# Every failure ends with a message: `set -e` exits on a failing command, the ERR trap
# remembers which one, and the EXIT trap reports it unless die() already explained.
# Scripts register their own clean-up with add_cleanup instead of replacing the EXIT trap.
_PRODSTACK_DIED=''
_PRODSTACK_LAST_ERR=''
_PRODSTACK_CLEANUP=()
add_cleanup() { _PRODSTACK_CLEANUP+=("$1"); }
_prodstack_on_exit() {
    local status=$? cmd
    for cmd in "${_PRODSTACK_CLEANUP[@]}"; do eval "$cmd" || true; done
    if [[ $status -ne 0 && -z "$_PRODSTACK_DIED" ]]; then
        printf '%serror%s %s failed (exit %s)%s\n' "$_c_err" "$_c_off" "$(basename "$0")" "$status" \
            "${_PRODSTACK_LAST_ERR:+: $_PRODSTACK_LAST_ERR}" >&2
    fi
    exit "$status"
}
set -o errtrace
trap '_PRODSTACK_LAST_ERR="line $LINENO: $BASH_COMMAND"' ERR
trap _prodstack_on_exit EXIT

# Runs a command, or only prints it under --dry-run. Use for everything that changes state.
run() {
    if [[ "$DRY_RUN" == true ]]; then
        printf '    [dry-run] %s\n' "$(quote_cmd "$@")" >&2
        return 0
    fi
    "$@"
}

quote_cmd() {
    local out='' arg
    for arg in "$@"; do out+="$(printf '%q' "$arg") "; done
    printf '%s' "${out% }"
}

require_cmd() {
    local cmd
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is required but not installed"
    done
}

require_docker() {
    require_cmd docker docker-compose
    docker info >/dev/null 2>&1 || die "the Docker engine is not reachable (is dockerd running, are you in the docker group?)"
}

# Whole seconds since the epoch, and a duration printer for step timings.
now_s() { date +%s; }
elapsed_since() { printf '%ss' "$(( $(now_s) - $1 ))"; }

# Environment -----------------------------------------------------------------------------

# Exports KEY=VALUE lines of a dotenv file (comments, blanks and `export ` prefixes allowed,
# one pair of surrounding quotes stripped; nothing is evaluated). A variable that is already
# set keeps its value: files are loaded from the most to the least specific, so the first
# writer wins. Precedence: the caller's environment > deployment/env/<env>.env (deploy.sh) >
# the image set (offline.env / official.env) > deployment/.env > built-in defaults.
load_env_file() {
    local file=$1 line key value
    [[ -r "$file" ]] || die "env file not found or unreadable: $file"
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line%$'\r'}"
        [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
        line="${line#export }"
        [[ "$line" == *=* ]] || die "$file: not a KEY=VALUE line: $line"
        key="${line%%=*}"
        value="${line#*=}"
        [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "$file: invalid variable name: $key"
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        [[ -n "${!key+x}" ]] || export "$key=$value"
    done <"$file"
}

# For commands that start containers: the image set (auto|official|offline) is selected
# before deployment/.env is read, so that its names beat the .env file's.
stack_defaults_with_images() {
    select_image_source "$1"
    stack_defaults
}

# Defaults every compose invocation needs (the compose file requires API_IMAGE), after the
# operator's deployment/.env, which docker-compose would read too.
stack_defaults() {
    [[ -f "$DEPLOY_DIR/.env" ]] && load_env_file "$DEPLOY_DIR/.env"
    export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-prodstack}"
    export VERSION="${VERSION:-1.0.0}"
    export API_IMAGE="${API_IMAGE:-prodstack/api:$VERSION}"
    export HTTP_PORT="${HTTP_PORT:-80}"
    export HTTPS_PORT="${HTTPS_PORT:-443}"
    # Relative directories are relative to deployment/, as in the compose file.
    SECRETS_DIR="${SECRETS_DIR:-secrets}"
    TLS_DIR="${TLS_DIR:-tls}"
    [[ "$SECRETS_DIR" == /* ]] || SECRETS_DIR="$DEPLOY_DIR/$SECRETS_DIR"
    [[ "$TLS_DIR" == /* ]] || TLS_DIR="$DEPLOY_DIR/$TLS_DIR"
    # Canonical paths: compose hashes the mount sources, and "./tls" vs "tls" would recreate nginx.
    SECRETS_DIR="$(realpath -m "$SECRETS_DIR")"
    TLS_DIR="$(realpath -m "$TLS_DIR")"
    export SECRETS_DIR TLS_DIR
}

# Image source ----------------------------------------------------------------------------

# True when a container registry answers: pulls one tiny official image with a short timeout.
registry_reachable() {
    local probe="${REGISTRY_PROBE_IMAGE:-hello-world:latest}"
    timeout "${REGISTRY_PROBE_TIMEOUT:-15}" docker pull -q "$probe" >/dev/null 2>&1
}

# Chooses official or offline images (auto = official when a registry answers) and exports
# the image variables accordingly. Sets IMAGE_SOURCE to the outcome and says which.
select_image_source() {
    local wanted="${1:-${IMAGE_SOURCE:-auto}}"
    case "$wanted" in
        auto)
            step "probing for a container registry (docker pull ${REGISTRY_PROBE_IMAGE:-hello-world:latest}, ${REGISTRY_PROBE_TIMEOUT:-15}s timeout)"
            if registry_reachable; then
                wanted=official
                info "a registry answered: using the official images"
            else
                wanted=offline
                info "no registry answered: using the offline images built from Debian packages"
            fi
            ;;
        official|offline) ;;
        *) die "image source must be auto, official or offline, not '$wanted'" ;;
    esac
    if [[ "$wanted" == offline ]]; then
        [[ -r "$OFFLINE_ENV_FILE" ]] || die "offline image list missing: $OFFLINE_ENV_FILE"
        load_env_file "$OFFLINE_ENV_FILE"
    elif [[ -r "$OFFICIAL_ENV_FILE" ]]; then
        # The compose defaults, loaded so that no offline name from deployment/.env survives.
        load_env_file "$OFFICIAL_ENV_FILE"
    fi
    export IMAGE_SOURCE="$wanted"
    ok "image source: $IMAGE_SOURCE"
}

# Compose ---------------------------------------------------------------------------------

use_monitoring() {
    [[ -r "$COMPOSE_FILE_MONITORING" ]] || die "monitoring overlay missing: $COMPOSE_FILE_MONITORING"
    COMPOSE_EXTRA_FILES=("$COMPOSE_FILE_MONITORING")
}

# Grafana sits in the overlay's `grafana` profile: the offline set has no Grafana image
# (no Debian package), so it runs only when its image can be had. Call after
# select_image_source.
select_grafana_profile() {
    if [[ "$IMAGE_SOURCE" == official ]] || image_exists "${GRAFANA_IMAGE:-grafana/grafana:11.3.0}"; then
        export COMPOSE_PROFILES=grafana
        info "Grafana: ${GRAFANA_IMAGE:-grafana/grafana:11.3.0}"
    else
        info "Grafana: skipped, no image ${GRAFANA_IMAGE:-grafana/grafana:11.3.0} in the $IMAGE_SOURCE set"
    fi
}

# Adds the monitoring overlay when containers of services outside the core file exist, so
# that down/status/logs also see the monitoring containers.
use_monitoring_if_running() {
    [[ -r "$COMPOSE_FILE_MONITORING" ]] || return 0
    local service
    while read -r service; do
        case "$service" in
            proxy|api|migrate|db|cache|'') ;;
            *)
                COMPOSE_EXTRA_FILES=("$COMPOSE_FILE_MONITORING")
                # So that a Grafana container, if any, is part of the project for down/ps/logs.
                export COMPOSE_PROFILES=grafana
                return 0
                ;;
        esac
    done < <(docker ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
        --format '{{.Label "com.docker.compose.service"}}')
}

# docker-compose with the project name and files of this stack.
compose() {
    local args=(-p "$COMPOSE_PROJECT_NAME" --project-directory "$DEPLOY_DIR" -f "$COMPOSE_FILE_MAIN") file
    for file in "${COMPOSE_EXTRA_FILES[@]}"; do args+=(-f "$file"); done
    docker-compose "${args[@]}" "$@"
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

# "<name> <state>" where state is healthy/unhealthy/starting, running (no healthcheck),
# exited(<code>), created, ... One line per container id given.
container_state() {
    docker inspect --format \
        '{{.Name}} {{if eq .State.Status "running"}}{{if .State.Health}}{{.State.Health.Status}}{{else}}running{{end}}{{else if eq .State.Status "exited"}}exited({{.State.ExitCode}}){{else}}{{.State.Status}}{{end}}' \
        "$@" 2>/dev/null | sed 's#^/##'
}

# Prints the last log lines and the last healthcheck output of a container.
show_container_failure() {
    local id=$1 name
    name="$(docker inspect --format '{{.Name}}' "$id" 2>/dev/null | sed 's#^/##')" || name=$id
    warn "last log lines of $name:"
    docker logs --tail "${FAILURE_LOG_LINES:-40}" "$id" 2>&1 | sed 's/^/      /' >&2 || true
    docker inspect --format '{{if .State.Health}}{{range .State.Health.Log}}{{.Output}}{{end}}{{end}}' "$id" 2>/dev/null \
        | tail -n 5 | sed 's/^/      health: /' >&2 || true
}

# Waits until every container of the project is healthy (or running when it has no
# healthcheck; one-shot jobs must have exited 0). Prints one line per state change.
# $2 may name the pid of a background `docker-compose up`: the wait then also covers the
# containers it has yet to create, and ends early when it fails.
# Returns 1 on timeout or failure after printing the culprits' last logs.
wait_stack_healthy() {
    local timeout=${1:-300} up_pid=${2:-} start ids name state all_ok up_failed=false
    local -A seen=()
    local -a not_ok failed
    start=$(now_s)
    step "waiting up to ${timeout}s for every container to be healthy"
    while true; do
        mapfile -t ids < <(service_containers "")
        not_ok=() failed=()
        if [[ ${#ids[@]} -gt 0 ]]; then
            while read -r name state; do
                if [[ "${seen[$name]:-}" != "$state" ]]; then
                    printf '    [%4ss] %-36s %s\n' "$(( $(now_s) - start ))" "$name" "$state" >&2
                    seen[$name]=$state
                fi
                case "$state" in
                    healthy|running|'exited(0)') ;;
                    *) not_ok+=("$name") ;;
                esac
                # A failed one-shot job never recovers; other containers have restart policies.
                [[ "$name" == *migrate* && "$state" == exited* && "$state" != 'exited(0)' ]] && failed+=("$name")
            done < <(container_state "${ids[@]}")
        fi
        if [[ -n "$up_pid" ]] && ! kill -0 "$up_pid" 2>/dev/null; then
            wait "$up_pid" || up_failed=true
            up_pid=''
        fi
        all_ok=false
        [[ ${#ids[@]} -gt 0 && ${#not_ok[@]} -eq 0 && -z "$up_pid" && "$up_failed" == false ]] && all_ok=true
        if [[ "$all_ok" == true ]]; then
            ok "all ${#ids[@]} containers healthy after $(elapsed_since "$start")"
            return 0
        fi
        # While `up` runs it is the judge (a listed failure may be a previous run's container
        # that it is about to replace); afterwards a failed one-shot job is final.
        if [[ "$up_failed" == true || ( -z "$up_pid" && ${#failed[@]} -gt 0 ) ]]; then
            warn "docker-compose up failed after $(elapsed_since "$start")"
            _report_not_ok "${failed[@]}" "${not_ok[@]}"
            return 1
        fi
        if (( $(now_s) - start >= timeout )); then
            warn "timed out after ${timeout}s"
            _report_not_ok "${not_ok[@]}"
            return 1
        fi
        sleep 2
    done
}

_report_not_ok() {
    local name
    local -A done_names=()
    for name in "$@"; do
        [[ -n "$name" && -z "${done_names[$name]:-}" ]] || continue
        done_names[$name]=1
        warn "$name is not healthy"
        show_container_failure "$name"
    done
}

# Waits for specific containers (ids) to report healthy; used by the rolling deploy.
wait_containers_healthy() {
    local timeout=$1; shift
    local deadline state pending id
    deadline=$(( $(now_s) + timeout ))
    while true; do
        pending=()
        for id in "$@"; do
            state="$(container_state "$id" | awk '{print $2}')"
            case "$state" in
                healthy) ;;
                unhealthy|restarting|exited*|dead|'') warn "container ${id:0:12} is $state"; show_container_failure "$id"; return 1 ;;
                *) pending+=("$id") ;;
            esac
        done
        [[ ${#pending[@]} -eq 0 ]] && return 0
        if (( $(now_s) >= deadline )); then
            for id in "${pending[@]}"; do show_container_failure "$id"; done
            return 1
        fi
        sleep 2
    done
}

# Preparation of a fresh checkout -----------------------------------------------------------

# Random secret files: a 0700 directory holding 0444 files. docker-compose v1 bind-mounts
# `file:` secrets with the host file's owner and mode, so the file must be readable by the
# containers' non-root uids (999, 10001, ...); the 0700 directory keeps other host users out.
ensure_secrets() {
    local dir=$SECRETS_DIR name created=()
    run mkdir -p "$dir"
    run chmod 0700 "$dir"
    for name in db_password admin_token grafana_admin_password; do
        if [[ ! -s "$dir/$name" ]]; then
            if [[ "$DRY_RUN" == true ]]; then
                info "[dry-run] would create $dir/$name (32 random bytes, base64)"
            else
                ( umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/$name" )
            fi
            created+=("$name")
        fi
        run chmod 0444 "$dir/$name"
    done
    if [[ ${#created[@]} -gt 0 ]]; then
        ok "created secrets: ${created[*]} in ${dir#"$PRODSTACK_ROOT"/}"
    else
        ok "secrets present in ${dir#"$PRODSTACK_ROOT"/}"
    fi
}

# Dev TLS material (CA + server pair for localhost) from security/tls/make-dev-certs.sh.
ensure_tls() {
    local dir=$TLS_DIR maker="$PRODSTACK_ROOT/security/tls/make-dev-certs.sh"
    if [[ -s "$dir/server.crt" && -s "$dir/server.key" ]]; then
        ok "TLS certificate present in ${dir#"$PRODSTACK_ROOT"/}"
    else
        [[ -r "$maker" ]] || die "no certificate in $dir and $maker is missing"
        step "creating a development CA and server certificate in ${dir#"$PRODSTACK_ROOT"/}"
        run bash "$maker" "$dir"
    fi
    # nginx runs as a non-root uid and reads server.key itself, so the key is readable by
    # everyone (make-dev-certs.sh); the directory keeps other host users away from it.
    [[ -d "$dir" ]] && run chmod 0700 "$dir"
    return 0
}

# Newest modification time (epoch seconds) below the given paths.
newest_mtime() {
    find "$@" -type f -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1 | cut -d. -f1
}

# Builds service/target/prodstack-service.jar when missing or older than its sources.
ensure_jar() {
    local jar="$PRODSTACK_ROOT/service/target/prodstack-service.jar" src_time jar_time
    src_time="$(newest_mtime "$PRODSTACK_ROOT/service/src" "$PRODSTACK_ROOT/service/pom.xml" "$PRODSTACK_ROOT/service/config.yml" "$PRODSTACK_ROOT/pom.xml")"
    if [[ -f "$jar" ]]; then
        jar_time="$(stat -c %Y "$jar")"
        if (( ${src_time:-0} <= jar_time )); then
            ok "service jar up to date (${jar#"$PRODSTACK_ROOT"/})"
            return 0
        fi
        step "service jar older than its sources: rebuilding with Maven"
    else
        step "service jar missing: building it with Maven"
    fi
    require_cmd mvn java
    # maven.test.skip: not even compiled, the image needs the main classes only.
    local mvn_args=(-B -q -pl service -am package -Dmaven.test.skip=true -Dstyle.color=never)
    # Offline when the local repository already holds the dependencies (second run onwards).
    [[ "${MAVEN_OFFLINE:-auto}" == true ]] && mvn_args=(-o "${mvn_args[@]}")
    (cd "$PRODSTACK_ROOT" && run mvn "${mvn_args[@]}") || die "Maven build of the service failed"
    [[ "$DRY_RUN" == true || -f "$jar" ]] || die "Maven finished but $jar is missing"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Builds the api image $API_IMAGE (docker-compose build api) when it is missing, older than
# the jar, or always with force=true. The Dockerfile copies the host-built jar and downloads
# nothing.
ensure_current_api_image() {
    local force=${1:-false} jar="$PRODSTACK_ROOT/service/target/prodstack-service.jar" created
    if [[ "$force" == never ]]; then
        image_exists "$API_IMAGE" || die "api image $API_IMAGE is missing"
        ok "api image $API_IMAGE present (used as it is)"
        return 0
    fi
    ensure_jar
    if [[ "$force" != true ]] && image_exists "$API_IMAGE"; then
        created="$(date -d "$(docker image inspect --format '{{.Created}}' "$API_IMAGE")" +%s)"
        if [[ -f "$jar" ]] && (( $(stat -c %Y "$jar") > created )); then
            info "the jar is newer than $API_IMAGE: rebuilding"
        else
            ok "api image $API_IMAGE present"
            return 0
        fi
    fi
    step "building the api image $API_IMAGE (base images from the $IMAGE_SOURCE set)"
    REVISION="$(git -C "$PRODSTACK_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
    CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    export REVISION CREATED
    run compose build api || die "building $API_IMAGE failed"
}

# Image references the selected set must provide before `up` (monitoring ones when the
# overlay is in use).
required_images() {
    printf '%s\n' "${POSTGRES_IMAGE:-postgres:15.10-bookworm}" "${REDIS_IMAGE:-redis:7.0.15-bookworm}" \
        "${NGINX_IMAGE:-nginx:1.27.3}" "${RUNTIME_BASE_IMAGE:-}" "${JDK_IMAGE:-}"
    # Grafana is optional (select_grafana_profile).
    if [[ ${#COMPOSE_EXTRA_FILES[@]} -gt 0 ]]; then
        printf '%s\n' "${PROMETHEUS_IMAGE:-}" "${ALERTMANAGER_IMAGE:-}" \
            "${POSTGRES_EXPORTER_IMAGE:-}" "${REDIS_EXPORTER_IMAGE:-}" \
            "${NGINX_EXPORTER_IMAGE:-}" "${BLACKBOX_EXPORTER_IMAGE:-}" "${NODE_EXPORTER_IMAGE:-}"
    fi
}

# Offline: the Debian-built set comes from scripts/build-images.sh (cached by content, so a
# second run is quick); the api image is built separately from the freshly packaged jar.
ensure_offline_images() {
    local image missing=()
    while read -r image; do
        [[ -n "$image" ]] || continue
        image_exists "$image" || missing+=("$image")
    done < <(required_images)
    if [[ ${#missing[@]} -eq 0 ]]; then
        ok "offline images present"
        return 0
    fi
    step "building the offline images (missing: ${missing[*]})"
    run "$PRODSTACK_ROOT/scripts/build-images.sh" --skip-api || die "scripts/build-images.sh failed"
    [[ "$DRY_RUN" == true ]] && return 0
    missing=()
    while read -r image; do
        [[ -n "$image" ]] || continue
        image_exists "$image" || missing+=("$image")
    done < <(required_images)
    [[ ${#missing[@]} -eq 0 ]] || die "still missing after scripts/build-images.sh: ${missing[*]} (not in the offline set?)"
}

# Everything `up` needs on a fresh checkout, once stack_defaults_with_images chose the images:
# the image set, secrets, TLS, the api image. rebuild: true (always), false (when missing or
# older than the jar), never.
prepare_stack() {
    local rebuild=${1:-false}
    [[ -n "${IMAGE_SOURCE:-}" ]] || die "internal: stack_defaults_with_images must run before prepare_stack"
    [[ "$IMAGE_SOURCE" == offline ]] && ensure_offline_images
    [[ ${#COMPOSE_EXTRA_FILES[@]} -gt 0 ]] && select_grafana_profile
    ensure_secrets
    ensure_tls
    ensure_current_api_image "$rebuild"
}

# docker-compose <up args> in the background while wait_stack_healthy shows progress (`up`
# itself blocks silently on the health conditions), then the /health gate through nginx.
start_stack() {
    local timeout=$1; shift
    local up_log up_pid
    if [[ "$DRY_RUN" == true ]]; then
        run compose "$@"
        return 0
    fi
    up_log="$(mktemp)"
    add_cleanup "rm -f '$up_log'"
    compose "$@" >"$up_log" 2>&1 &
    up_pid=$!
    # Never leave a detached `up` behind when this script fails or is interrupted.
    add_cleanup "kill $up_pid 2>/dev/null"
    if ! wait_stack_healthy "$timeout" "$up_pid"; then
        warn "docker-compose output:"
        sed 's/^/      /' "$up_log" >&2
        die "the stack did not become healthy; inspect with: scripts/stack.sh status / logs <service>"
    fi
    step "checking $(stack_base_url)/health through nginx"
    wait_http_healthy "$(stack_base_url)" 60 || die "nginx does not serve a healthy /health at $(stack_base_url)"
}

stack_base_url() {
    if [[ "$HTTPS_PORT" == 443 ]]; then echo "https://localhost"; else echo "https://localhost:$HTTPS_PORT"; fi
}

# HTTP ------------------------------------------------------------------------------------

# curl with the dev CA when the URL is https and the CA file exists (CA_CERT overrides).
curl_stack() {
    local args=(-sS --max-time "${CURL_MAX_TIME:-10}")
    local ca="${CA_CERT:-$TLS_DIR/ca.crt}"
    [[ -r "$ca" ]] && args+=(--cacert "$ca")
    curl "${args[@]}" "$@"
}

# Polls URL/health until it answers 200 with "status":"healthy" (and, when given, the
# expected version) or the timeout passes.
wait_http_healthy() {
    local url=$1 timeout=${2:-120} want_version=${3:-} deadline body
    deadline=$(( $(now_s) + timeout ))
    while (( $(now_s) < deadline )); do
        if body="$(curl_stack -f "$url/health" 2>/dev/null)" \
            && [[ "$(jq -r '.status // empty' <<<"$body" 2>/dev/null)" == healthy ]]; then
            if [[ -z "$want_version" || "$(jq -r '.version // empty' <<<"$body")" == "$want_version" ]]; then
                return 0
            fi
        fi
        sleep 2
    done
    warn "last answer from $url/health: ${body:-<none>}"
    return 1
}
