#!/usr/bin/env bash
# Benchmark: cached GET /users/{id} with wrk, printing requests/s, p50, p99 and the server's RSS.
# Numbers, not a pass/fail test: run it on a quiet machine and compare runs.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/bench.sh [options] BASE_URL

Creates one user at BASE_URL (POST /users), reads it once to fill the cache, then runs
  wrk -t THREADS -c CONNECTIONS -d DURATION --latency BASE_URL/users/<id>
and prints requests/s, p50, p99, non-2xx responses, and the server's resident memory.
Also measures BASE_URL/nginx-health when --edge is given (nginx's own figure, same settings).

Options:
  --threads N        wrk threads (default 2)
  --connections N    open connections (default 64)
  --duration D       wrk duration (default 20s)
  --pid PID          report the RSS of this local process (the jar run by hand)
  --container NAME   report the memory of this container (docker stats)
  --edge             also benchmark BASE_URL/nginx-health
  --cacert FILE      CA for https (default deployment/tls/ca.crt when it exists)
  -h, --help         this help
Traffic goes only to BASE_URL: point it at loopback or the stack's own containers.
USAGE
}

threads=2 connections=64 duration=20s pid='' container='' edge=false base=''
cacert="$DEPLOY_DIR/tls/ca.crt"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) threads="${2:?}"; shift 2 ;;
        --connections) connections="${2:?}"; shift 2 ;;
        --duration) duration="${2:?}"; shift 2 ;;
        --pid) pid="${2:?}"; shift 2 ;;
        --container) container="${2:?}"; shift 2 ;;
        --edge) edge=true; shift ;;
        --cacert) cacert="${2:?}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage_error "unknown option $1" ;;
        *) [[ -z "$base" ]] || usage_error "one BASE_URL only"; base="${1%/}"; shift ;;
    esac
done
[[ -n "$base" ]] || usage_error "BASE_URL is required"
require_cmd wrk curl jq

curl_opts=(-fsS --max-time 10)
[[ "$base" == https://* && -f "$cacert" ]] && curl_opts+=(--cacert "$cacert")

step "creating the benchmark user at $base"
name="bench_$(date +%s)_$$"
id=$(curl "${curl_opts[@]}" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$name\",\"email\":\"$name@example.com\"}" "$base/users" | jq -r '.id')
[[ "$id" =~ ^[0-9]+$ ]] || die "POST /users did not return an id"
cache=$(curl "${curl_opts[@]}" -o /dev/null -D - "$base/users/$id" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache"{print $2}')
info "user $id, first read X-Cache: ${cache:-none}"

# wrk's --latency table: "50%" and "99%" lines; Requests/sec and Non-2xx lines as printed.
bench() {
    local url="$1" out
    out=$(wrk -t "$threads" -c "$connections" -d "$duration" --latency "$url")
    printf '%s\n' "$out" | awk -v url="$url" '
        /Requests\/sec/ {rps=$2}
        $1=="50%" {p50=$2}
        $1=="99%" {p99=$2}
        /Non-2xx/ {non2xx=$NF}
        /requests in/ {total=$1}
        END {printf "%s: %s req/s, p50 %s, p99 %s, %s requests, non-2xx %s\n", url, rps, p50, p99, total, (non2xx==""?0:non2xx)}'
}

step "wrk -t$threads -c$connections -d$duration (cached GET /users/$id)"
bench "$base/users/$id"
if [[ "$edge" == true ]]; then
    step "wrk -t$threads -c$connections -d$duration (nginx's own /nginx-health)"
    bench "$base/nginx-health"
fi

if [[ -n "$pid" ]]; then
    printf 'RSS of pid %s: %s MiB\n' "$pid" "$(( $(awk '/VmRSS/{print $2}' "/proc/$pid/status") / 1024 ))"
fi
if [[ -n "$container" ]]; then
    docker stats --no-stream --format 'memory of {{.Name}}: {{.MemUsage}} ({{.MemPerc}})' "$container"
fi
