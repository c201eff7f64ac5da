# shellcheck shell=bash
# The one health-wait implementation: the project's containers healthy (found by compose
# labels, judged by their own healthchecks) and the stack's /health over HTTPS. The
# acceptance suite uses it too, through `scripts/stack.sh wait-healthy`.
[[ -n "${_PRODSTACK_HEALTH_SH:-}" ]] && return 0
_PRODSTACK_HEALTH_SH=1
# shellcheck source=scripts/lib/compose.sh
source "$(dirname "${BASH_SOURCE[0]}")/compose.sh"

# One-shot jobs: they must exit 0, and nothing waits for them to be healthy.
ONE_SHOT_SERVICES=(migrate)

_is_one_shot() { [[ " ${ONE_SHOT_SERVICES[*]} " == *" $1 "* ]]; }

# "<name> <state> <service>" where state is healthy/unhealthy/starting, running (no
# healthcheck), exited(<code>), created, ... One line per container id given.
container_state() {
    docker inspect --format \
        '{{.Name}} {{if eq .State.Status "running"}}{{if .State.Health}}{{.State.Health.Status}}{{else}}running{{end}}{{else if eq .State.Status "exited"}}exited({{.State.ExitCode}}){{else}}{{.State.Status}}{{end}} {{index .Config.Labels "com.docker.compose.service"}}' \
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
# healthcheck; one-shot jobs must have exited 0) and each service named after the first two
# arguments has a container. Prints one line per state change.
# $2 may name the pid of a background `compose up`: the wait then also covers the containers
# it has yet to create, and ends early when it fails.
# Returns 1 on timeout or failure after printing the culprits' last logs.
wait_stack_healthy() {
    local timeout=${1:-300} up_pid=${2:-} start ids name state service all_ok up_failed=false
    shift 2 || shift $#
    local -a want_services=("$@") not_ok failed
    local -A seen=() present=()
    start=$(now_s)
    step "waiting up to ${timeout}s for every container of project $COMPOSE_PROJECT_NAME to be healthy"
    while true; do
        mapfile -t ids < <(service_containers "")
        not_ok=() failed=() present=()
        if [[ ${#ids[@]} -gt 0 ]]; then
            while read -r name state service; do
                [[ -n "$service" ]] && present[$service]=1
                if [[ "${seen[$name]:-}" != "$state" ]]; then
                    printf '    [%4ss] %-36s %s\n' "$(( $(now_s) - start ))" "$name" "$state" >&2
                    seen[$name]=$state
                fi
                if _is_one_shot "$service"; then
                    # A failed one-shot job never recovers; the others have restart policies.
                    [[ "$state" == 'exited(0)' ]] && continue
                    [[ "$state" == exited* ]] && failed+=("$name")
                    not_ok+=("$name")
                elif [[ "$state" != healthy && "$state" != running ]]; then
                    not_ok+=("$name")
                fi
            done < <(container_state "${ids[@]}")
        fi
        for service in "${want_services[@]}"; do
            [[ -n "${present[$service]:-}" ]] || not_ok+=("$service(no container)")
        done
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
            warn "$(compose_name) up failed, or a one-shot job failed, after $(elapsed_since "$start")"
            _report_not_ok "${failed[@]}" "${not_ok[@]}"
            return 1
        fi
        if (( $(now_s) - start >= timeout )); then
            warn "timed out after ${timeout}s; not healthy: ${not_ok[*]}"
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
        [[ -n "$name" && -z "${done_names[$name]:-}" && "$name" != *'(no container)' ]] || continue
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

# compose <up args> in the background while wait_stack_healthy shows progress (`up` itself
# blocks silently on the health conditions), then the /health gate through nginx.
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
        warn "$(compose_name) output:"
        sed 's/^/      /' "$up_log" >&2
        die "the stack did not become healthy; inspect with: scripts/stack.sh status / logs <service>"
    fi
    step "checking $(stack_base_url)/health through nginx"
    wait_http_healthy "$(stack_base_url)" 60 || die "nginx does not serve a healthy /health at $(stack_base_url)"
}

stack_base_url() {
    if [[ "$HTTPS_PORT" == 443 ]]; then echo "https://localhost"; else echo "https://localhost:$HTTPS_PORT"; fi
}

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
