# shellcheck shell=bash
# One wrk run of one workload against one target, with the api's CPU and RSS and nginx's CPU
# taken over the same seconds; appends one row to $BENCH_DIR/results.csv and keeps wrk's own
# output in $BENCH_DIR/runs/. Needs cgroup.sh and the BENCH_* variables set by bench.sh.
# api_cpu_us_per_req: the api containers' CPU time (cgroup) over the run divided by its requests
# (na for nginx's own limit, which the api does not serve).

BENCH_CSV_HEADER='round,workload,target,url,seconds,requests,ok_rps,p50_ms,p99_ms,non2xx,socket_errors,errors,status_429,api_cpu_pct,api_rss_mb,proxy_cpu_pct,error_codes,api_cpu_us_per_req'
BENCH_RUN_SEQ=0
BENCH_SAMPLER_PID=''

bench_csv_init() { echo "$BENCH_CSV_HEADER" >"$1"; }

# Stops the RSS sampler of a run in progress (also the EXIT clean-up).
bench_stop_sampler() {
    [[ -n "$BENCH_SAMPLER_PID" ]] || return 0
    kill "$BENCH_SAMPLER_PID" 2>/dev/null || true
    wait "$BENCH_SAMPLER_PID" 2>/dev/null || true
    BENCH_SAMPLER_PID=''
}

# Sum of the CPU nanoseconds used so far by the given containers.
_bench_cpu_ns() {
    local id cpu total=0
    for id in "$@"; do
        read -r cpu _ < <(cg_sample "$id")
        total=$(( total + cpu ))
    done
    echo "$total"
}

# Writes the largest RSS (KiB) of any one of the given containers seen so far to $1, every
# second; ends by itself when the benchmark ($$ in this subshell) is gone.
_bench_rss_sampler() {
    local out=$1 max=0 id rss
    shift
    while kill -0 "$$" 2>/dev/null; do
        for id in "$@"; do
            read -r _ rss < <(cg_sample "$id")
            (( rss > max )) && max=$rss
        done
        echo "$max" >"$out"
        sleep 1
    done
}

# bench_row ROUND WORKLOAD TARGET URL WALL_NS API_CPU_NS PROXY_CPU_NS RSS_KIB, with wrk's
# `bench-result` line on stdin: the results.csv row of one run (the self-test feeds it a fixture).
bench_row() {
    awk -v round="$1" -v workload="$2" -v target="$3" -v url="$4" -v wall="$5" -v api="$6" -v px="$7" -v rss="$8" '
        { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
        END {
            secs = v["duration_us"] / 1e6
            errors = v["non2xx"] + v["socket"]
            us_per_req = (target == "limit" || v["requests"] + 0 == 0) ? "na" : sprintf("%.0f", api / 1000 / v["requests"])
            printf "%s,%s,%s,%s,%.2f,%d,%.1f,%.2f,%.2f,%d,%d,%d,%s,%.1f,%.1f,%.1f,%s,%s\n",
                round, workload, target, url, secs, v["requests"], (v["requests"] - v["non2xx"]) / secs,
                v["p50_us"] / 1000, v["p99_us"] / 1000, v["non2xx"], v["socket"], errors, v["status_429"],
                api * 100 / wall, rss / 1024, px * 100 / wall, v["codes"], us_per_req
        }'
}

# measure ROUND WORKLOAD TARGET URL SECONDS
# WORKLOAD names scripts/bench/lua/<workload>.lua. Error responses are counted by status
# (error_codes, e.g. 429:12/503:3) on the api and the edge; not on nginx's `return 200`, which
# answers nothing else and whose rate the Lua callback would lower.
measure() {
    local round=$1 workload=$2 target=$3 url=$4 seconds=$5 count=1
    local log="$BENCH_DIR/runs/$round-$workload-$target.txt" rss_file="$BENCH_DIR/runs/.rss"
    local -a cmd=(wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "${seconds}s" --timeout 5s
        -s "$BENCH_LUA_DIR/$workload.lua" "$url")
    if [[ "$DRY_RUN" == true ]]; then
        info "[dry-run] $(quote_cmd "${cmd[@]}")"
        return 0
    fi
    [[ "$target" != limit ]] || count=0
    BENCH_RUN_SEQ=$(( BENCH_RUN_SEQ + 1 ))
    local t0 t1 api0 api1 px0=0 px1=0 row
    echo 0 >"$rss_file"
    _bench_rss_sampler "$rss_file" "${BENCH_API_IDS[@]}" &
    BENCH_SAMPLER_PID=$!
    t0=$(now_ns)
    api0=$(_bench_cpu_ns "${BENCH_API_IDS[@]}")
    [[ -n "$BENCH_PROXY_ID" ]] && px0=$(_bench_cpu_ns "$BENCH_PROXY_ID")
    if ! BENCH_RUN="${BENCH_TAG}${BENCH_RUN_SEQ}" BENCH_COUNT_STATUS=$count "${cmd[@]}" >"$log" 2>&1; then
        bench_stop_sampler
        die "wrk failed ($workload on $target, $url): $(tail -n 3 "$log" | tr '\n' ' ')"
    fi
    api1=$(_bench_cpu_ns "${BENCH_API_IDS[@]}")
    [[ -n "$BENCH_PROXY_ID" ]] && px1=$(_bench_cpu_ns "$BENCH_PROXY_ID")
    t1=$(now_ns)
    bench_stop_sampler
    grep -q '^bench-result ' "$log" || die "wrk printed no result line ($workload on $target); see $log"
    row=$(grep '^bench-result ' "$log" | bench_row "$round" "$workload" "$target" "$url" $(( t1 - t0 )) \
        $(( api1 - api0 )) $(( px1 - px0 )) "$(<"$rss_file")")
    echo "$row" >>"$BENCH_DIR/results.csv"
    awk -F, '{printf "    %-7s %-10s %-6s %9s req/s  p50 %7s ms  p99 %8s ms  errors %s (%s)  api %s%% CPU %s us/req %s MB  nginx %s%% CPU\n",
        $1, $2, $3, $7, $8, $9, $12, $17, $14, $18, $15, $16}' <<<"$row" >&2
}
