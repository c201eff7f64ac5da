#!/usr/bin/env bash
# Validates a running prodstack deployment: the seed lesson's checks plus the edge's promises.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") [BASE_URL] [options]

BASE_URL defaults to https://localhost:\$HTTPS_PORT (443). Works against the api port itself
(e.g. http://localhost:8000, the seed's default) and against nginx; through nginx it checks that
/metrics is NOT public instead of reading it, and adds the edge checks.

Seed checks: /health healthy, /metrics, POST /users + GET /users/{id} + GET /users,
/cache/stats, average response time of 10 requests.
Edge checks (https BASE_URL): certificate trusted via the CA, TLS 1.2/1.3 accepted,
TLS 1.0/1.1 refused, HTTP -> HTTPS 301, security headers on success and error responses,
JSON error body, 429 beyond the rate-limit burst.
Host checks (local docker): every process of every stack container runs as a non-root uid.

Options:
  --cacert FILE     CA bundle for https (env CA_CERT; default deployment/tls/ca.crt when it exists)
  --http-url URL    plain-HTTP address for the redirect check (default http://<host>:\$HTTP_PORT)
  --project NAME    compose project / swarm stack whose containers are checked (default prodstack)
  --no-docker       skip the container checks (remote deployments)
  --max-avg-ms N    fail when the average response time exceeds N ms (default 200, the seed's KPI)
  -h, --help        this help

Ends with "N passed, N failed"; exits 1 when any check failed.
USAGE
}

base_url=''
http_url=''
check_docker=true
max_avg_ms="${MAX_AVG_MS:-200}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --cacert) [[ -n "${2:-}" ]] || usage_error "--cacert needs a file"; export CA_CERT=$2; shift ;;
        --http-url) [[ -n "${2:-}" ]] || usage_error "--http-url needs a URL"; http_url=$2; shift ;;
        --project) [[ -n "${2:-}" ]] || usage_error "--project needs a name"; export COMPOSE_PROJECT_NAME=$2; shift ;;
        --no-docker) check_docker=false ;;
        --max-avg-ms) [[ "${2:-}" =~ ^[0-9]+$ ]] || usage_error "--max-avg-ms needs a number"; max_avg_ms=$2; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) usage_error "unknown option: $1" ;;
        *) [[ -z "$base_url" ]] || usage_error "only one BASE_URL"; base_url=$1 ;;
    esac
    shift
done

require_cmd curl jq openssl awk
stack_defaults
if [[ -z "$base_url" ]]; then
    base_url="https://localhost"
    [[ "$HTTPS_PORT" == 443 ]] || base_url+=":$HTTPS_PORT"
fi
base_url="${base_url%/}"
[[ "$base_url" =~ ^(https?)://([^/:]+|\[[^]]+\])(:([0-9]+))?$ ]] \
    || die "BASE_URL must look like scheme://host[:port], got '$base_url'"
scheme="${BASH_REMATCH[1]}"
host="${BASH_REMATCH[2]}"
port="${BASH_REMATCH[4]:-$([[ "$scheme" == https ]] && echo 443 || echo 80)}"
if [[ "$scheme" == https ]]; then
    export CA_CERT="${CA_CERT:-$TLS_DIR/ca.crt}"
    [[ -r "$CA_CERT" ]] || warn "CA file $CA_CERT not readable: relying on the system trust store"
fi

n_passed=0
n_failed=0
pass() { n_passed=$((n_passed + 1)); printf '  \342\234\205 %s\n' "$*"; }
fail() { n_failed=$((n_failed + 1)); printf '  \342\235\214 %s\n' "$*"; }
section() { printf '\n%s\n' "$*"; }

# GET/POST helper: fills $status, $headers (lower-cased names) and $body.
request() {
    local out hdr_file
    hdr_file="$(mktemp)"
    out="$(curl_stack -D "$hdr_file" -w '\n%{http_code}' "$@" 2>/dev/null)" || out=$'\n000'
    status="${out##*$'\n'}"
    body="${out%$'\n'*}"
    headers="$(tr -d '\r' <"$hdr_file" | awk -F': ' 'NF>1 {printf "%s: %s\n", tolower($1), substr($0, length($1)+3)}')"
    rm -f "$hdr_file"
}
header() { awk -v name="$1" -F': ' 'tolower($1)==name {print substr($0, length($1)+3); exit}' <<<"$headers"; }

echo "Validating deployment at $base_url"

section "1. health"
request "$base_url/health"
health_status="$(jq -r '.status // empty' <<<"$body" 2>/dev/null || true)"
if [[ "$status" == 200 && "$health_status" == healthy ]] \
    && jq -e 'has("database") and has("cache")' <<<"$body" >/dev/null 2>&1; then
    pass "GET /health: 200, status healthy, database $(jq -r .database <<<"$body"), cache $(jq -r .cache <<<"$body")"
else
    fail "GET /health: status $status, body ${body:0:200}"
fi

# Through nginx /nginx-health exists; the api itself has no such path.
request "$base_url/nginx-health"
behind_proxy=false
[[ "$status" == 200 && "$body" == healthy* ]] && behind_proxy=true

section "2. metrics"
request "$base_url/metrics"
if [[ "$behind_proxy" == true ]]; then
    if [[ "$status" != 200 ]] && ! grep -q requests_total <<<"$body"; then
        pass "through nginx: /metrics is NOT exposed publicly (status $status), as intended"
    else
        fail "through nginx: /metrics is public (status $status)"
    fi
elif [[ "$status" == 200 ]] && grep -q requests_total <<<"$body"; then
    pass "direct api: /metrics answers with requests_total"
else
    fail "direct api: /metrics status $status"
fi

section "3. database operations"
suffix="$(date +%s)_$RANDOM"
request -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"validation_${suffix}\",\"email\":\"validation_${suffix}@test.com\"}" "$base_url/users"
user_id="$(jq -r '.id // empty' <<<"$body" 2>/dev/null || true)"
if [[ "$status" == 200 && -n "$user_id" ]]; then
    pass "POST /users: 200, id $user_id"
    request "$base_url/users/$user_id"
    if [[ "$status" == 200 && "$(jq -r .username <<<"$body")" == "validation_${suffix}" ]]; then
        pass "GET /users/$user_id: 200 (X-Cache: $(header x-cache))"
    else
        fail "GET /users/$user_id: status $status"
    fi
    request "$base_url/users/$user_id"
    if [[ "$(header x-cache)" == HIT ]]; then
        pass "second GET /users/$user_id served from the cache (X-Cache: HIT)"
    else
        fail "second GET /users/$user_id: X-Cache '$(header x-cache)', expected HIT"
    fi
else
    fail "POST /users: status $status, body ${body:0:200}"
fi
request "$base_url/users"
if [[ "$status" == 200 ]] && jq -e 'type == "array" and length > 0' <<<"$body" >/dev/null 2>&1; then
    pass "GET /users: 200, $(jq length <<<"$body") users"
else
    fail "GET /users: status $status"
fi

section "4. cache"
request "$base_url/cache/stats"
if [[ "$status" == 200 ]] && grep -q connected_clients <<<"$body"; then
    pass "GET /cache/stats: connected_clients present"
else
    fail "GET /cache/stats: status $status, body ${body:0:200}"
fi

section "5. performance"
times=()
for _ in $(seq 1 10); do
    times+=("$(curl_stack -o /dev/null -w '%{time_total}' "$base_url/health" 2>/dev/null || echo 99)")
done
avg_ms="$(printf '%s\n' "${times[@]}" | awk '{sum += $1} END {printf "%.0f", sum / NR * 1000}')"
if (( avg_ms <= max_avg_ms )); then
    pass "average response time of 10 GET /health: ${avg_ms} ms (limit ${max_avg_ms} ms)"
else
    fail "average response time of 10 GET /health: ${avg_ms} ms, over ${max_avg_ms} ms"
fi

if [[ "$scheme" == https ]]; then
    section "6. TLS"
    if curl_stack -o /dev/null "$base_url/health" 2>/dev/null; then
        pass "certificate verifies against ${CA_CERT:-the system trust store}"
    else
        fail "certificate does not verify against ${CA_CERT:-the system trust store}"
    fi
    # The client offers old versions only at security level 0 (OpenSSL 3 refuses them
    # otherwise), so a failed handshake below is the server's refusal, not the client's.
    tls_handshake() {
        openssl s_client -connect "$host:$port" -servername "$host" "$1" -cipher 'DEFAULT:@SECLEVEL=0' \
            </dev/null >/dev/null 2>&1
    }
    for version in tls1_2 tls1_3; do
        if tls_handshake "-$version"; then pass "${version/_/.} accepted"; else fail "${version/_/.} refused"; fi
    done
    for version in tls1 tls1_1; do
        if tls_handshake "-$version"; then fail "${version/_/.} accepted (must be refused)"; else pass "${version/_/.} refused"; fi
    done

    section "7. HTTP -> HTTPS"
    http_url="${http_url:-http://$host:$HTTP_PORT}"
    redirect="$(curl -sS -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}' "$http_url/health" 2>/dev/null || echo 000)"
    if [[ "$redirect" == "301 https://"* ]]; then
        pass "$http_url/health -> ${redirect#301 }"
    else
        fail "$http_url/health answered '$redirect', expected 301 to https"
    fi

    section "8. security headers"
    check_headers() {
        local what=$1 name missing=()
        for name in strict-transport-security x-frame-options x-content-type-options \
                content-security-policy referrer-policy x-request-id; do
            [[ -n "$(header "$name")" ]] || missing+=("$name")
        done
        [[ "$(header x-frame-options)" == DENY ]] || missing+=("x-frame-options=DENY")
        [[ "$(header x-content-type-options)" == nosniff ]] || missing+=("x-content-type-options=nosniff")
        if [[ ${#missing[@]} -eq 0 ]]; then
            pass "$what: HSTS, X-Frame-Options DENY, nosniff, CSP, Referrer-Policy, X-Request-ID"
        else
            fail "$what: missing or wrong: ${missing[*]}"
        fi
    }
    request "$base_url/"
    check_headers "GET / ($status)"
    request "$base_url/no-such-path-$suffix"
    check_headers "GET /no-such-path ($status)"
    if [[ "$status" == 404 ]] && jq -e 'has("code") and has("message") and has("request_id")' <<<"$body" >/dev/null 2>&1; then
        pass "404 has a JSON error body with code, message and request_id"
    else
        fail "404 error body is not the JSON error shape: status $status, body ${body:0:200}"
    fi

    if [[ "$behind_proxy" == true ]]; then
        section "9. rate limit"
        # 60 requests at once from one address: beyond the burst nginx answers 429.
        burst_urls=()
        # -o applies to one URL only, hence one per URL.
        for i in $(seq 1 60); do burst_urls+=(-o /dev/null "$base_url/?burst=$i"); done
        codes="$(curl_stack -w '%{http_code}\n' --parallel --parallel-max 60 \
            "${burst_urls[@]}" 2>/dev/null || true)"
        limited="$(grep -c '^429$' <<<"$codes" || true)"
        served="$(grep -c '^200$' <<<"$codes" || true)"
        if (( limited > 0 )); then
            pass "burst of 60: $served answered 200, $limited refused with 429"
        else
            fail "burst of 60: no 429 (codes: $(sort <<<"$codes" | uniq -c | tr -s ' \n' ' '))"
        fi
        # Let the bucket drain so that callers running more checks right after are not limited.
        sleep 3
    fi
fi

if [[ "$check_docker" == true && "$host" =~ ^(localhost|127\.0\.0\.1|\[::1\])$ ]] && docker info >/dev/null 2>&1; then
    section "10. containers run as non-root"
    mapfile -t ids < <(docker ps -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
    [[ ${#ids[@]} -gt 0 ]] || mapfile -t ids < <(docker ps -q --filter "label=com.docker.stack.namespace=$COMPOSE_PROJECT_NAME")
    if [[ ${#ids[@]} -eq 0 ]]; then
        fail "no running container of project/stack '$COMPOSE_PROJECT_NAME' found (use --project or --no-docker)"
    fi
    for id in "${ids[@]}"; do
        name="$(docker inspect --format '{{.Name}}' "$id" | sed 's#^/##')"
        # docker top sees every process, also in images without an `id` binary.
        uids="$(docker top "$id" -eo pid,uid | awk 'NR > 1 {print $2}' | sort -un | tr '\n' ' ')"
        exec_id="$(docker exec "$id" id 2>/dev/null || echo 'no id binary')"
        if [[ -n "$uids" && ! " $uids" =~ " 0 " ]]; then
            pass "$name: process uids ${uids% } ($exec_id)"
        else
            fail "$name: process uids '${uids% }' include root ($exec_id)"
        fi
    done
fi

echo
echo "$n_passed passed, $n_failed failed"
if (( n_failed > 0 )); then
    _PRODSTACK_DIED=1
    printf 'Deployment at %s is NOT valid\n' "$base_url" >&2
    exit 1
fi
echo "All validation checks passed: the deployment at $base_url is ready for production use"
