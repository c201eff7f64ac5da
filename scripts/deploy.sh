#!/usr/bin/env bash
# Deploys one api version to an environment with a rolling update, a health gate and rollback.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") <staging|production> <version> [options]

  1. reads deployment/env/<environment>.env (copy it from the .example beside it)
  2. uses the image prodstack/api:<version>, building it from the current jar when it is absent
  3. production: backs the database up first (scripts/backup-db.sh); a failed backup stops here
  4. first deploy: starts the whole stack. Otherwise, a rolling update of the api:
     runs the migrations with the new image, starts as many new replicas as are running,
     waits for their healthchecks and for nginx to list them, then stops and removes the old replicas
  5. health gate: https://localhost:\$HTTPS_PORT/health through nginx must report "healthy"
     and the new version within --timeout seconds
  6. when a step after 3 fails, rolls back to the image that was running before (recorded
     from docker inspect) the same way, and exits 1. Migrations are not undone: they must stay
     compatible with the previous version (expand/contract); the production backup is the
     way back from a bad one (scripts/restore-db.sh).

Options:
  --timeout S   health gate and per-step wait in seconds (default \$HEALTH_TIMEOUT or 180)
  --no-backup   production only: skip the backup (not recommended)
  --dry-run     print the plan and the commands, change nothing
  -h, --help    this help
USAGE
}

environment=''
version=''
backup=true
timeout=''
while [[ $# -gt 0 ]]; do
    case "$1" in
        --timeout) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout needs seconds"; timeout=$2; shift ;;
        --no-backup) backup=false ;;
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        -*) usage_error "unknown option: $1" ;;
        *)
            if [[ -z "$environment" ]]; then environment=$1
            elif [[ -z "$version" ]]; then version=$1
            else usage_error "unexpected argument: $1"
            fi
            ;;
    esac
    shift
done
[[ "$environment" =~ ^(staging|production)$ ]] || usage_error "environment must be 'staging' or 'production', got '${environment}'"
# A Docker tag: letters, digits, '.', '_', '-', at most 128 characters, no leading '.' or '-'.
[[ "$version" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage_error "version must be a valid image tag (e.g. 1.2.0), got '${version}'"

env_file="$DEPLOY_DIR/env/$environment.env"
[[ -f "$env_file" ]] || die "environment file $env_file not found: cp $env_file.example $env_file and review it"
for file in "$COMPOSE_FILE_MAIN" "$COMPOSE_FILE_OVERRIDE"; do
    [[ -r "$file" ]] || die "compose file $file not found"
done

require_docker
require_cmd curl jq openssl
started=$(now_s)
if [[ "$DRY_RUN" == true ]]; then
    step "deploying version $version to $environment (dry run: nothing will be changed)"
else
    step "deploying version $version to $environment"
fi
info "compose files: ${COMPOSE_FILE_MAIN#"$PRODSTACK_ROOT"/} + ${COMPOSE_FILE_OVERRIDE##*/}"
info "env file:     ${env_file#"$PRODSTACK_ROOT"/}"
export VERSION=$version
load_env_file "$env_file"
# The version decides the image; API_IMAGE_REPOSITORY (env file) only its repository.
export API_IMAGE="${API_IMAGE_REPOSITORY:-prodstack/api}:$version"
stack_defaults_with_images "${IMAGE_SOURCE:-auto}"
# New replicas must join with the overlay's settings too (Prometheus finds them by alias).
use_monitoring_if_running
timeout="${timeout:-${HEALTH_TIMEOUT:-180}}"
info "project $COMPOSE_PROJECT_NAME, ports $HTTP_PORT/$HTTPS_PORT, image $API_IMAGE"

# A version tag is immutable: an existing image is deployed as it is, never rebuilt.
if image_exists "$API_IMAGE"; then
    prepare_stack never
else
    info "$API_IMAGE does not exist yet: building it from the current sources"
    prepare_stack build
fi

mapfile -t old_ids < <(running_containers api)

# First deploy: nothing to roll, bring the whole stack up.
if [[ ${#old_ids[@]} -eq 0 ]]; then
    step "no api running in project $COMPOSE_PROJECT_NAME: first deploy, starting the whole stack"
    up_args=(up -d --no-build --remove-orphans)
    [[ -n "${API_REPLICAS:-}" ]] && up_args+=(--scale "api=$API_REPLICAS")
    start_stack "$timeout" "${up_args[@]}"
    [[ "$DRY_RUN" == true ]] || ok "version $version deployed to $environment in $(elapsed_since "$started")"
    exit 0
fi

previous_image="$(docker inspect --format '{{.Config.Image}}' "${old_ids[0]}")"
previous_version="$(docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "${old_ids[0]}" \
    | sed -n 's/^APP_VERSION=//p')"
replicas="${API_REPLICAS:-${#old_ids[@]}}"
info "running now: $previous_image (version ${previous_version:-unknown}, ${#old_ids[@]} replicas); target $replicas replicas"

# nginx follows the replicas by itself (security/nginx/upstream-watch.sh resolves `api` every 2 s
# and lists only replicas past their warm-up): wait until every proxy's upstream list holds these
# containers, so that old replicas retire only once nginx already sends to the new ones.
wait_proxy_lists() {
    [[ "$DRY_RUN" == true ]] && return 0
    local id proxy list address missing started
    started=$(now_s)
    while :; do
        missing=0
        for proxy in $(running_containers proxy); do
            list="$(docker exec "$proxy" cat /tmp/nginx-upstream/api.conf 2>/dev/null || true)"
            for id in "$@"; do
                address="$(docker inspect --format \
                    "{{with index .NetworkSettings.Networks \"${COMPOSE_PROJECT_NAME}_frontend\"}}{{.IPAddress}}{{end}}" "$id")"
                [[ -n "$address" && "$list" == *"server $address:8000 "* ]] || missing=$((missing + 1))
            done
        done
        if [[ $missing -eq 0 ]]; then
            ok "nginx lists the new replicas (after $(elapsed_since "$started"))"
            return 0
        fi
        (( $(now_s) - started < 30 )) || { warn "nginx does not list $missing new replica address(es) after 30 s"; return 1; }
        sleep 1
    done
}

# Stops replicas gracefully (SIGTERM: the api stops accepting and drains in-flight requests
# for SHUTDOWN_GRACE_PERIOD; nginx retries refused connections on another replica, and its
# watcher drops the addresses within 2 s), then removes them.
retire_containers() {
    [[ $# -gt 0 ]] || return 0
    run docker stop --time 30 "$@" >/dev/null
    run docker rm "$@" >/dev/null
}

remove_containers() {
    [[ $# -gt 0 ]] || return 0
    run docker rm -f "$@" >/dev/null
}

# Starts $2 replicas of image $1 beside the running ones, waits for their healthchecks, then
# retires the others. On failure the new replicas are removed and the old ones keep serving.
rolling_update() {
    local image=$1 count=$2 target_version=$3 current new_ids id
    local -a before
    export API_IMAGE=$image VERSION=$target_version
    mapfile -t before < <(running_containers api)
    step "starting $count api replica(s) of $image beside the ${#before[@]} running ($(compose_name))"
    run compose up -d --no-deps --no-recreate --scale "api=$(( ${#before[@]} + count ))" api
    [[ "$DRY_RUN" == true ]] && return 0
    new_ids=()
    for id in $(running_containers api); do
        current=" ${before[*]} "
        [[ "$current" == *" $id "* ]] || new_ids+=("$id")
    done
    [[ ${#new_ids[@]} -gt 0 ]] || { warn "$(compose_name) started no new api container"; return 1; }
    step "waiting up to ${timeout}s for the new replicas' healthchecks"
    if ! wait_containers_healthy "$timeout" "${new_ids[@]}"; then
        warn "new replicas unhealthy: removing them, the previous ones keep serving"
        remove_containers "${new_ids[@]}"
        return 1
    fi
    ok "new replicas healthy: $(for id in "${new_ids[@]}"; do printf '%s ' "${id:0:12}"; done)"
    step "waiting for nginx to list the new replicas, then retiring ${#before[@]} old one(s)"
    wait_proxy_lists "${new_ids[@]}" || warn "retiring the old replicas anyway: nginx retries on the new ones"
    retire_containers "${before[@]}"
}

health_gate() {
    step "health gate: $(stack_base_url)/health must be healthy and report version $1 within ${timeout}s"
    [[ "$DRY_RUN" == true ]] && return 0
    wait_http_healthy "$(stack_base_url)" "$timeout" "$1"
}

# Before the switch the old replicas never stopped: confirm they still serve, and fail.
abort_unswitched() {
    warn "$1"
    if health_gate "${previous_version:-}"; then
        die "deployment of $version to $environment failed before the switch; $previous_image is still serving"
    fi
    die "deployment of $version to $environment failed and $previous_image does not answer healthy: intervene (scripts/stack.sh status)"
}

# After the switch: roll the previous image back in the same way.
rollback() {
    warn "$1"
    step "rolling back to $previous_image"
    if rolling_update "$previous_image" "$replicas" "${previous_version:-$version}" \
        && health_gate "${previous_version:-}"; then
        die "deployment of $version to $environment failed; rolled back to $previous_image, which is healthy"
    fi
    die "deployment of $version to $environment failed AND the rollback to $previous_image is unhealthy: intervene (scripts/stack.sh status)"
}

if [[ "$previous_image" == "$API_IMAGE" ]] && [[ "$(docker inspect --format '{{.Image}}' "${old_ids[0]}")" == "$(docker image inspect --format '{{.Id}}' "$API_IMAGE")" ]]; then
    step "$API_IMAGE is already running"
    if [[ "${#old_ids[@]}" != "$replicas" ]]; then
        step "scaling the api from ${#old_ids[@]} to $replicas replicas"
        run compose up -d --no-deps --no-recreate --scale "api=$replicas" api
        mapfile -t scaled_ids < <(running_containers api)
        [[ "$DRY_RUN" == true ]] || wait_containers_healthy "$timeout" "${scaled_ids[@]}" || die "scaled replicas are not healthy"
        wait_proxy_lists "${scaled_ids[@]}" || true
    fi
else
    if [[ "$environment" == production && "$backup" == true ]]; then
        step "backing up the database before touching production"
        run "$PRODSTACK_ROOT/scripts/backup-db.sh" >/dev/null || die "backup failed: deployment aborted, nothing changed"
    fi
    step "running the database migrations with $API_IMAGE"
    migrate_log="$(mktemp)"
    add_cleanup "rm -f '$migrate_log'"
    if ! run compose run --rm -T --no-deps migrate >"$migrate_log" 2>&1; then
        tail -n 40 "$migrate_log" | sed 's/^/      /' >&2
        abort_unswitched "the migrations failed"
    fi
    # Liquibase's own summary lines are the plain-text ones (the app logs JSON; compose's own
    # progress is "[+] ..." and indented resource lines).
    grep -v -e '^{' -e '^\[+\]' -e '^ *\(Container\|Network\|Volume\) ' -e '^[[:space:]]*$' "$migrate_log" | sed 's/^/    /' >&2 || true
    ok "migrations applied"
    rolling_update "$API_IMAGE" "$replicas" "$version" || abort_unswitched "the new replicas did not become healthy"
fi
health_gate "$version" || rollback "the health gate failed for version $version"

# The proxy is not part of a version deploy; only when its own configuration differs from
# the running container (another nginx image, certificate path...) is it recreated, which
# interrupts traffic for a few seconds with a single proxy, so say so.
proxy_id="$(running_containers proxy | head -n 1)"
if [[ -n "$proxy_id" && "$DRY_RUN" != true ]] \
    && [[ "$(compose config --hash=proxy 2>/dev/null | awk '{print $2}')" != "$(docker inspect --format '{{index .Config.Labels "com.docker.compose.config-hash"}}' "$proxy_id")" ]]; then
    warn "the proxy's configuration changed: recreating nginx (a few seconds without the edge)"
    run compose up -d --no-deps proxy || die "recreating the proxy failed"
fi
[[ "$DRY_RUN" == true ]] && { ok "dry run complete: nothing was changed"; exit 0; }
ok "version $version deployed to $environment in $(elapsed_since "$started") ($replicas api replicas)"
