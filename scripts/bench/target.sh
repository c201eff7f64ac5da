# shellcheck shell=bash
# The stack under test, found by its compose labels (never by container name), and the three
# URLs the benchmark compares: nginx's own limit, the api directly, the edge.

# Sets BENCH_API_IDS (array), BENCH_PROXY_ID, BENCH_DB_ID and BENCH_CACHE_ID (empty when the
# stack has none) from the running project.
bench_find_stack() {
    mapfile -t BENCH_API_IDS < <(running_containers api)
    BENCH_PROXY_ID="$(running_containers proxy | head -n 1)"
    BENCH_DB_ID="$(running_containers db | head -n 1)"
    # shellcheck disable=SC2034  # read by bench_refresh (seed.sh)
    BENCH_CACHE_ID="$(running_containers cache | head -n 1)"
    [[ ${#BENCH_API_IDS[@]} -gt 0 && -n "$BENCH_PROXY_ID" && -n "$BENCH_DB_ID" ]] \
        || die "project $COMPOSE_PROJECT_NAME has no running api, proxy and db: start it with scripts/stack.sh up (with the same COMPOSE_PROJECT_NAME and ports)"
}

# The ports come from the same defaults and env files as stack.sh's; recreating the proxy with
# other ones (the rate-limit override does `up proxy`) would move the stack, so refuse.
bench_check_ports() {
    local port published
    for port in "8443:$HTTPS_PORT" "8444:${OPS_HTTPS_PORT:-9443}"; do
        published="$(docker port "$BENCH_PROXY_ID" "${port%%:*}/tcp" 2>/dev/null | head -n 1)"
        [[ "${published##*:}" == "${port#*:}" ]] \
            || die "the proxy publishes its port ${port%%:*} on '${published:-nothing}', not on ${port#*:}: run bench.sh with the environment stack.sh ran with (HTTPS_PORT, OPS_HTTPS_PORT)"
    done
}

# The address of container ID on its non-internal network. A Docker bridge is routable from
# its own host, so wrk on the host reaches a container without going through a published port.
bench_container_ip() {
    local id=$1 net ip
    while read -r net ip; do
        [[ -n "$ip" ]] || continue
        [[ "$(docker network inspect -f '{{.Internal}}' "$net")" == false ]] || continue
        echo "$ip"
        return 0
    done < <(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}}{{"\n"}}{{end}}' "$id")
    return 1
}

# http://<address>:8000 of an api container: no port is published, and the same wrk binary
# measures all three targets.
bench_api_url() {
    local ip
    ip="$(bench_container_ip "$1")" || die "api container ${1:0:12} has no address on a non-internal network: pass --direct-url"
    echo "http://$ip:8000"
}

# The proxy's listeners, on its container address (--via container, the default) or on the
# ports the host publishes (--via published). A client on another host reaches a published
# port through the kernel's NAT; a client on this host's loopback goes through docker-proxy,
# a user-space copy of every byte (Docker's userland-proxy), which costs this 2-core machine
# about a quarter of the edge's throughput. Measuring at the container address takes the path
# remote clients take, through the same nginx, TLS and upstream configuration.
# Sets BENCH_VIA_BASE (edge) and BENCH_VIA_OPS (ops listener) base URLs.
# shellcheck disable=SC2034 # BENCH_VIA_* are read by bench.sh
bench_via() {
    local via=$1 ip
    case "$via" in
        published)
            BENCH_VIA_BASE="https://127.0.0.1:$HTTPS_PORT"
            BENCH_VIA_OPS="https://127.0.0.1:${OPS_HTTPS_PORT:-9443}" ;;
        container)
            ip="$(bench_container_ip "$BENCH_PROXY_ID")" \
                || die "the proxy has no address on a non-internal network: use --via published"
            BENCH_PROXY_IP="$ip"
            BENCH_VIA_BASE="https://$ip:8443"
            BENCH_VIA_OPS="https://$ip:8444" ;;
        *) usage_error "--via is container or published, not '$via'" ;;
    esac
}

# curl_stack, except that a URL on the proxy's container address is checked against the
# certificate's `proxy` name (the certificate has no entry for a container address).
bench_curl() {
    local url=$1 hostport
    shift
    hostport="${url#https://}"
    hostport="${hostport%%/*}"
    if [[ -n "${BENCH_PROXY_IP:-}" && "${hostport%:*}" == "$BENCH_PROXY_IP" ]]; then
        curl_stack --connect-to "proxy:${hostport##*:}:$hostport" "$@" "https://proxy:${hostport##*:}${url#https://"$hostport"}"
    else
        curl_stack "$@" "$url"
    fi
}

# nginx's `return 200` on the ops listener (same nginx, TLS settings and headers as the edge):
# /nginx-return-200 where the config has it, else /nginx-health, which exists on every listener.
bench_default_limit_url() {
    local base=$BENCH_VIA_OPS path
    for path in /nginx-return-200 /nginx-health; do
        if [[ "$(bench_curl "$base$path" -o /dev/null -w '%{http_code}' 2>/dev/null)" == 200 ]]; then
            echo "$base$path"
            return 0
        fi
    done
    die "neither $base/nginx-return-200 nor $base/nginx-health answers 200: pass --limit-url"
}

# Fails unless URL answers 200 (with the dev CA for https).
bench_require_200() {
    local url=$1 what=$2 code
    code="$(bench_curl "$url" -o /dev/null -w '%{http_code}' 2>/dev/null)" || true
    [[ "$code" == 200 ]] || die "$what $url answers ${code:-nothing}, not 200"
}
