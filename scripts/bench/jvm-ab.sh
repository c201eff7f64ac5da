#!/usr/bin/env bash
# Side by side, interleaved: how the api's JVM settings change a new replica's start and first
# seconds, and its steady cost. Each variant is an api image (and optional environment) started
# as an extra one-off container of a running stack (its networks, secrets, limits and read-only
# root, from `docker compose run`), measured, and removed; the variants alternate in every round.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
    cat <<'USAGE'
Usage: scripts/bench/jvm-ab.sh --ids FILE [options] NAME=IMAGE[,VAR=VALUE...] ...

Against the stack of COMPOSE_PROJECT_NAME (scripts/stack.sh up), for every round and every
variant NAME (order reversed every other round): a one-off api container of IMAGE with the
VAR=VALUE environment (JAVA_TOOL_OPTIONS=..., WARMUP_DURATION=0s, ...) is started; measured are
start to healthy (Docker's own health log), then cached GET /users/{id} with wrk for its first
--cold seconds after healthy and, after --settle seconds more, --steady seconds at the steady
rate, its CPU microseconds per request (cgroup) and largest RSS. Prints one row per run and the
medians per variant; every figure of one round was measured minutes apart at most.

Options:
  --ids FILE       seeded user ids, one per line (scripts/bench.sh writes bench-results/*/ids.txt)
  --rounds N       rounds (default 3)
  --cold S         seconds measured right after healthy (default 10)
  --settle S       unrecorded load between the cold and the steady part (default 20)
  --steady S       seconds of the steady part (default 10)
  --connections N  wrk connections (default 64; threads 2)
  --out FILE       also write the rows as CSV
  -h, --help       this help
USAGE
}

rounds=3 cold=10 settle=20 steady=10 conns=64 ids_file="" out=''
variants=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --ids) ids_file="${2:?}"; shift ;;
        --rounds) rounds="${2:?}"; shift ;;
        --cold) cold="${2:?}"; shift ;;
        --settle) settle="${2:?}"; shift ;;
        --steady) steady="${2:?}"; shift ;;
        --connections) conns="${2:?}"; shift ;;
        --out) out="${2:?}"; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) usage_error "unknown option: $1" ;;
        *=*) variants+=("$1") ;;
        *) usage_error "a variant is NAME=IMAGE[,VAR=VALUE...], not '$1'" ;;
    esac
    shift
done
[[ -r "$ids_file" ]] || usage_error "--ids FILE is required (seeded ids)"
[[ ${#variants[@]} -ge 1 ]] || usage_error "name at least one variant"
require_docker
require_cmd wrk curl awk
stack_defaults
# shellcheck source=scripts/bench/cgroup.sh
source "$here/cgroup.sh"

rows="$(mktemp)"
add_cleanup "rm -f '$rows'"
current=''
# shellcheck disable=SC2016 # expanded when the clean-up runs
add_cleanup '[[ -z "$current" ]] || docker rm -f "$current" > /dev/null 2>&1'

# wrk_rps URL SECONDS: "req/s p99_ms" of cached reads.
wrk_rps() {
    BENCH_LUA_DIR="$here/lua" BENCH_IDS_FILE="$ids_file" BENCH_RUN="ab$RANDOM" \
        wrk -t2 -c"$conns" -d"${2}s" --latency -s "$here/lua/get-user.lua" "$1" 2>&1 \
        | awk '/Requests\/sec/ { rps = $2 } /^ +99%/ { p = $2; if (p ~ /ms$/) { sub(/ms/, "", p) } else if (p ~ /us$/) { sub(/us/, "", p); p /= 1000 } else if (p ~ /s$/) { sub(/s/, "", p); p *= 1000 } }
            END { printf "%.0f %.1f\n", rps, p }'
}

# run_variant ROUND NAME IMAGE VAR=VALUE...: one start and its measurements, one row.
run_variant() {
    local round=$1 name=$2 image=$3 env_args=() id ip started healthy_s cold_rps steady_rps p99 cpu0 cpu1 rss requests
    shift 3
    for kv in "$@"; do env_args+=(-e "$kv"); done
    id="$(API_IMAGE="$image" compose run -d --no-deps "${env_args[@]}" api 2>/dev/null | tail -n 1)"
    current="$id"
    started="$(docker inspect -f '{{.State.StartedAt}}' "$id")"
    until [[ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" == healthy ]]; do
        [[ "$(docker inspect -f '{{.State.Running}}' "$id")" == true ]] || { docker logs "$id" | tail -n 20 >&2; die "$name exited"; }
        sleep 0.2
    done
    healthy_s="$(docker inspect -f '{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{.End.Format "2006-01-02T15:04:05.000000000Z07:00"}}{{"\n"}}{{end}}{{end}}' "$id" \
        | head -n 1 | xargs -I{} date -d {} +%s.%N | awk -v s0="$(date -d "$started" +%s.%N)" '{ printf "%.1f", $1 - s0 }')"
    ip="$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$id" | awk '{ print $1 }')"
    read -r cold_rps _ < <(wrk_rps "http://$ip:8000" "$cold")
    wrk_rps "http://$ip:8000" "$settle" > /dev/null
    read -r cpu0 _ < <(cg_sample "$id")
    read -r steady_rps p99 < <(wrk_rps "http://$ip:8000" "$steady")
    read -r cpu1 rss < <(cg_sample "$id")
    requests="$(awk -v r="$steady_rps" -v s="$steady" 'BEGIN { printf "%d", r * s }')"
    docker rm -f "$id" > /dev/null
    current='' # read by the clean-up
    : "$current"
    printf '%s,%s,%s,%s,%s,%s,%s,%s\n' "$round" "$name" "$healthy_s" "$cold_rps" "$steady_rps" "$p99" \
        "$(awk -v c="$((cpu1 - cpu0))" -v n="$requests" 'BEGIN { printf "%.0f", (n > 0 ? c / 1000 / n : 0) }')" \
        "$((rss / 1024))" | tee -a "$rows" | awk -F, '{ printf "    round %s %-14s healthy %5ss  first %ss %6s req/s  steady %6s req/s p99 %5s ms  %4s us/req  %4s MB\n", $1, $2, $3, c, $4, $5, $6, $7, $8 }' c="$cold" >&2
}

step "jvm A/B on project $COMPOSE_PROJECT_NAME: ${#variants[@]} variant(s), $rounds round(s)"
for (( round = 1; round <= rounds; round++ )); do
    order=("${variants[@]}")
    if (( round % 2 == 0 )); then
        order=()
        for (( i = ${#variants[@]} - 1; i >= 0; i-- )); do order+=("${variants[$i]}"); done
    fi
    for variant in "${order[@]}"; do
        name="${variant%%=*}"
        IFS=, read -r -a spec <<< "${variant#*=}"
        run_variant "$round" "$name" "${spec[@]}"
    done
done
[[ -z "$out" ]] || { echo "round,variant,start_to_healthy_s,cold_rps,steady_rps,steady_p99_ms,cpu_us_per_req,rss_mb"; cat "$rows"; } > "$out"
step "medians per variant (first ${cold}s / steady of the same start)"
awk -F, 'function med(l,  n, a, i, j, t) { n = split(l, a, " "); for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    !($2 in seen) { seen[$2] = 1; names[++n] = $2 }
    { h[$2] = h[$2] " " $3; c[$2] = c[$2] " " $4; s[$2] = s[$2] " " $5; r[$2] = r[$2] " " ($5 > 0 ? $4 / $5 : 0); p[$2] = p[$2] " " $6; u[$2] = u[$2] " " $7; m[$2] = m[$2] " " $8 }
    END { printf "%-14s %9s %9s %9s %11s %8s %7s %6s\n", "variant", "healthy s", "first r/s", "steady", "first/steady", "p99 ms", "us/req", "RSS MB"
        for (i = 1; i <= n; i++) { v = names[i]
            printf "%-14s %9.1f %9.0f %9.0f %11.2f %8.1f %7.0f %6.0f\n", v, med(h[v]), med(c[v]), med(s[v]), med(r[v]), med(p[v]), med(u[v]), med(m[v]) } }' "$rows"
