# shellcheck shell=bash
# The per-client rate limit during the benchmark. deployment/docker-compose.bench.yml, when this
# checkout has it, recreates only the proxy with the benchmark's exemption list; the EXIT
# clean-up recreates it without, so the stack is left exactly as strict as it was, also when
# the benchmark fails or is interrupted.

BENCH_OVERRIDE="$DEPLOY_DIR/docker-compose.bench.yml"
BENCH_EXEMPT=no

# The images of the running stack, so that `up proxy` keeps the set stack.sh chose (offline or
# official) instead of the compose file's defaults.
_bench_pin_images() {
    NGINX_IMAGE="$(docker inspect -f '{{.Config.Image}}' "$BENCH_PROXY_ID")"
    API_IMAGE="$(docker inspect -f '{{.Config.Image}}' "${BENCH_API_IDS[0]}")"
    export NGINX_IMAGE API_IMAGE
}

# Recreates the proxy with the project's files plus the given ones; waits until it is healthy.
_bench_proxy_up() {
    local -a saved=("${COMPOSE_EXTRA_FILES[@]}")
    COMPOSE_EXTRA_FILES+=("$@")
    run compose up -d --no-deps proxy >&2 || die "docker-compose up proxy failed"
    COMPOSE_EXTRA_FILES=("${saved[@]}")
    [[ "$DRY_RUN" == true ]] && return 0
    BENCH_PROXY_ID="$(running_containers proxy | head -n 1)"
    if [[ -z "$BENCH_PROXY_ID" ]] || ! wait_containers_healthy 90 "$BENCH_PROXY_ID"; then
        die "the proxy did not become healthy again; see scripts/stack.sh logs proxy"
    fi
    wait_http_healthy "$(stack_base_url)" 60 || die "the edge does not answer /health after recreating the proxy"
}

# want: yes (apply the override when it exists) or no (--no-exempt).
bench_exempt() {
    local want=$1
    if [[ "$want" == no ]]; then
        warn "--no-exempt: the edge keeps its per-client rate limit; its 429s are counted as errors"
        return 0
    fi
    if [[ ! -r "$BENCH_OVERRIDE" ]]; then
        warn "no ${BENCH_OVERRIDE#"$PRODSTACK_ROOT"/} in this checkout: the edge keeps its rate limit; its 429s are counted as errors"
        return 0
    fi
    step "lifting the rate limit for this host's clients (${BENCH_OVERRIDE#"$PRODSTACK_ROOT"/}, proxy only)"
    _bench_pin_images
    use_monitoring_if_running
    add_cleanup "bench_exempt_restore"
    _bench_proxy_up "$BENCH_OVERRIDE"
    BENCH_EXEMPT=yes
    ok "proxy recreated with the exemption; it is restored when the benchmark ends"
}

bench_exempt_restore() {
    [[ "$BENCH_EXEMPT" == yes ]] || return 0
    step "restoring the proxy's strict rate limit (up -d proxy without the override)"
    _bench_proxy_up
    BENCH_EXEMPT=restored
    ok "proxy back to the production configuration"
}
