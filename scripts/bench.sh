#!/usr/bin/env bash
# Benchmark of the running stack: nginx's own limit, the api directly and the edge, side by
# side in interleaved rounds, on four workloads; then a replica started cold. Numbers, not a
# pass/fail test: figures swing with the machine, the ratios within one run do not.
set -euo pipefail
bench_home="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bench"
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/bench/cgroup.sh
source "$bench_home/cgroup.sh"
# shellcheck source=scripts/bench/measure.sh
source "$bench_home/measure.sh"
# shellcheck source=scripts/bench/target.sh
source "$bench_home/target.sh"
# shellcheck source=scripts/bench/exempt.sh
source "$bench_home/exempt.sh"
# shellcheck source=scripts/bench/seed.sh
source "$bench_home/seed.sh"
# shellcheck source=scripts/bench/cold.sh
source "$bench_home/cold.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/bench.sh [options]

Against the stack that `scripts/stack.sh up` started (same COMPOSE_PROJECT_NAME, HTTPS_PORT,
OPS_HTTPS_PORT and deployment/.env), from this host, with wrk:
  1. seeds N users (bench_seed_<n>, one INSERT ... SELECT generate_series; skipped when present)
     and reads each once through every api replica, so the cache holds the read set;
  2. lifts the edge's per-client rate limit with deployment/docker-compose.bench.yml when it
     exists (proxy only; restored at the end, also on failure);
  3. warms each workload up on the api, then runs ROUNDS rounds (from round 2 on, the read set's
     cache entries are dropped and read again first: filled together, they would expire
     together, mid-run); each round measures
       limit   nginx's own `return 200` over HTTPS (--limit-url)
       direct  the api on port 8000, by its container address (no port is published)
       edge    HTTPS through nginx to the api
     (limit and edge on the proxy's container address, the path of remote clients; --via)
     on the workloads get-user (cached GET /users/{id}, random seeded id), list-pages
     (GET /users?limit=50&after=..., walking the set), post-user (POST /users, unique names)
     and mixed (90 % get-user, 10 % post-user); direct and edge alternate which goes first;
  4. at the end of each round, restarts one api container (the read set's cache entries
     refreshed first) and measures start to healthy and its first 10 s, set against that
     round's steady rate (get-user, direct); the figures are the medians over the rounds, and
     the restarted replica is warmed up again before the next round;
  5. writes bench-results/<UTC time>/ (results.csv, meta.csv, chart.png, wrk logs), prints the
     table and ends with one line:
     bench: edge_vs_limit=.. edge_vs_direct=.. edge_p99_ms=.. mixed_errors=.. cold_first10s_vs_steady=..
            start_to_healthy_s=.. image_mb=.. rss_mb=.. api_cpu_us_get_user=.. api_cpu_us_list_pages=..
            api_cpu_us_post_user=.. api_cpu_us_mixed=..
     (api_cpu_us_*: the api's CPU microseconds per request on the api directly, from its cgroup)

Options:
  --rounds N          rounds (default 3)
  --duration S        seconds per wrk run (default 8)
  --warmup S          seconds of unrecorded load per workload before round 1 (default 5)
  --threads N         wrk threads (default 2)
  --connections N     wrk connections, kept alive (default 64)
  --users N           seeded users (default 10000)
  --quick             2 rounds of 3 s, 2 s warm-up (about 2 minutes)
  --via WHERE         container (default): limit and edge on the proxy's container address,
                      ports 8444 and 8443, as remote clients reach them (kernel NAT);
                      published: https://127.0.0.1:$OPS_HTTPS_PORT and :$HTTPS_PORT, through
                      Docker's user-space docker-proxy, as clients on this host's loopback
  --limit-url URL     nginx's limit (default <ops listener>/nginx-return-200, or /nginx-health
                      there when the former does not exist)
  --direct-url URL    the api (default http://<first api container's address>:8000)
  --edge-url URL      the edge (default: the edge listener of --via)
  --no-exempt         keep the rate limit (the strict default); 429s are counted as errors
  --no-cold           skip the cold replica (it restarts an api container)
  --out DIR           results directory (default bench-results/<UTC time>)
  --dry-run           find the stack and print what would run; change and measure nothing
  -h, --help          this help
Every request goes to loopback or to the project's own containers, for a fixed time.
USAGE
}

rounds=3 duration=8 warmup=5 users=10000 exempt=yes cold=yes
limit_url='' direct_url='' edge_url='' out='' via=container
BENCH_THREADS=2 BENCH_CONNECTIONS=64
positive() { [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage_error "$1 needs a positive number"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) positive "$1" "${2:-}"; rounds=$2; shift ;;
        --duration) positive "$1" "${2:-}"; duration=$2; shift ;;
        --warmup) [[ "${2:-}" =~ ^[0-9]+$ ]] || usage_error "--warmup needs seconds"; warmup=$2; shift ;;
        --threads) positive "$1" "${2:-}"; BENCH_THREADS=$2; shift ;;
        --connections) positive "$1" "${2:-}"; BENCH_CONNECTIONS=$2; shift ;;
        --users) positive "$1" "${2:-}"; users=$2; shift ;;
        --quick) rounds=2 duration=3 warmup=2 ;;
        --limit-url) limit_url="${2:?--limit-url needs a URL}"; shift ;;
        --direct-url) direct_url="${2:?--direct-url needs a URL}"; shift ;;
        --edge-url) edge_url="${2:?--edge-url needs a URL}"; shift ;;
        --via) via="${2:?--via needs container or published}"; shift ;;
        --no-exempt) exempt=no ;;
        --no-cold) cold=no ;;
        --out) out="${2:?--out needs a directory}"; shift ;;
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unexpected argument: $1" ;;
    esac
    shift
done
(( BENCH_CONNECTIONS >= BENCH_THREADS )) || usage_error "--connections must be at least --threads"

bench_started=$(now_s)
# Step messages carry the time since the start.
bstep() { step "[$(elapsed_since "$bench_started")] $*"; }

require_docker
require_cmd wrk curl awk
[[ "$DRY_RUN" == true ]] || require_cmd gnuplot
stack_defaults

bstep "finding project $COMPOSE_PROJECT_NAME (compose labels)"
bench_find_stack
bench_check_ports
# Before the URLs are probed: the recreated proxy may serve a limit URL the old one did not.
bench_exempt "$exempt"
bench_via "$via"
edge_url="${edge_url:-$BENCH_VIA_BASE}"
limit_url="${limit_url:-$(bench_default_limit_url)}"
direct_url="${direct_url:-$(bench_api_url "${BENCH_API_IDS[0]}")}"
bench_require_200 "$limit_url" "nginx's limit"
bench_require_200 "$direct_url/health" "the api (its address not routable from here? see --direct-url)"
bench_require_200 "$edge_url/health" "the edge"
info "api replicas: ${#BENCH_API_IDS[@]}; via $via; limit $limit_url; direct $direct_url; edge $edge_url"
[[ ${#BENCH_API_IDS[@]} -eq 1 ]] || warn "direct measures one replica, the edge all ${#BENCH_API_IDS[@]}: edge/direct is then not like for like"

BENCH_DIR="${out:-$PRODSTACK_ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}"
BENCH_LUA_DIR="$bench_home/lua"
BENCH_TAG="$(date +%s)r"
export BENCH_LUA_DIR BENCH_IDS_FILE="$BENCH_DIR/ids.txt"
run mkdir -p "$BENCH_DIR/runs"
add_cleanup bench_stop_sampler
if [[ "$DRY_RUN" != true ]]; then
    bench_csv_init "$BENCH_DIR/results.csv"
    image_bytes="$(docker image inspect -f '{{.Size}}' "$(docker inspect -f '{{.Image}}' "${BENCH_API_IDS[0]}")")"
    {
        printf 'started,%s\nproject,%s\nrounds,%s\nseconds,%s\nthreads,%s\nconnections,%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
            "$COMPOSE_PROJECT_NAME" "$rounds" "$duration" "$BENCH_THREADS" "$BENCH_CONNECTIONS"
        printf 'api_replicas,%s\nvia,%s\nlimit_url,%s\nexempt,%s\nimage_mb,%s\n' "${#BENCH_API_IDS[@]}" "$via" "$limit_url" \
            "$BENCH_EXEMPT" "$(( image_bytes / 1000000 ))"
    } >"$BENCH_DIR/meta.csv"
fi

bstep "read set: $users users"
bench_seed "$users" "$BENCH_IDS_FILE"
api_urls=()
for id in "${BENCH_API_IDS[@]}"; do api_urls+=("$(bench_api_url "$id")"); done
bench_warm "$BENCH_IDS_FILE" "${api_urls[@]}"

workloads=(get-user list-pages post-user mixed)

if (( warmup > 0 )); then
    bstep "warm-up: ${warmup}s of each workload on the api (recorded as round 'warmup', not in the figures)"
    for workload in "${workloads[@]}"; do measure warmup "$workload" direct "$direct_url" "$warmup"; done
fi

for (( round = 1; round <= rounds; round++ )); do
    bstep "round $round of $rounds: ${duration}s per run, wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS"
    (( round == 1 )) || bench_refresh "$BENCH_IDS_FILE" "$direct_url"
    measure "$round" limit limit "$limit_url" "$duration"
    for workload in "${workloads[@]}"; do
        # Alternating the order cancels a drift that would always favour the first target.
        if (( round % 2 )); then
            measure "$round" "$workload" direct "$direct_url" "$duration"
            measure "$round" "$workload" edge "$edge_url" "$duration"
        else
            measure "$round" "$workload" edge "$edge_url" "$duration"
            measure "$round" "$workload" direct "$direct_url" "$duration"
        fi
    done
    if [[ "$cold" == yes ]]; then
        # The cold replica against this round's steady rate, measured a minute before on the same
        # machine: a figure set against rounds of another minute swings with the machine's speed.
        bstep "round $round: cold replica (restarted, its first 10 s)"
        bench_cold 10 "$round"
        direct_url="$(bench_api_url "${BENCH_API_IDS[0]}")"
        if (( round < rounds && warmup > 0 )); then
            bstep "round $round: the restarted replica warmed ${warmup}s per workload before the next round (not recorded)"
            for workload in "${workloads[@]}"; do measure warmup "$workload" direct "$direct_url" "$warmup"; done
        fi
    fi
done

bench_exempt_restore
[[ "$DRY_RUN" == true ]] && { ok "dry run: nothing measured"; exit 0; }
bstep "results in ${BENCH_DIR#"$PRODSTACK_ROOT"/}"
"$bench_home/report.sh" "$BENCH_DIR"
