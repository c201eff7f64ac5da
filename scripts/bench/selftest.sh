#!/usr/bin/env bash
# The benchmark's arithmetic and interface without a stack (a second or two): the summary of
# fixture/ must give the known medians, ratios and `bench:` line; the api's CPU per request must
# come out of a cgroup v1 (cpuacct.usage) and a v2 (cpu.stat) fixture; the chart must be drawn;
# bench.sh and report.sh must answer --help and refuse bad options with exit 2.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
    cat <<'USAGE'
Usage: scripts/bench/selftest.sh

Checks scripts/bench/report.sh on scripts/bench/fixture (2 rounds, one cold row; then three), the
CPU-per-request arithmetic of scripts/bench/measure.sh on the fixture's cgroup v1 and v2 trees, and
the option handling of scripts/bench.sh. Needs awk and gnuplot; starts no container.
USAGE
}
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    '') ;;
    *) usage_error "no arguments expected" ;;
esac
require_cmd awk gnuplot

failures=0
check() {
    local what=$1 expected=$2 actual=$3
    if [[ "$expected" == "$actual" ]]; then
        ok "$what"
    else
        warn "$what: expected [$expected], got [$actual]"
        failures=$(( failures + 1 ))
    fi
}

work="$(mktemp -d)"
add_cleanup "rm -rf '$work'"
cp "$here/fixture/results.csv" "$here/fixture/meta.csv" "$work/"
output="$("$here/report.sh" "$work" 2>/dev/null)"

# Round 1: edge 500 / limit 10000, round 2: 250 / 5000 -> 0.05 both; edge/direct 0.5 both;
# the warm-up row (rss 400) counts for RSS, not for the medians; cold 199.6 / median(1000, 500).
# The api's CPU per request: get-user direct median(120, 140), mixed direct median(150, 170); the
# fixture has no list-pages or post-user runs.
check "bench: line" \
    "bench: edge_vs_limit=0.05 edge_vs_direct=0.50 edge_p99_ms=350 mixed_errors=3 cold_first10s_vs_steady=0.27 start_to_healthy_s=13.4 image_mb=190 rss_mb=400 api_cpu_us_get_user=130 api_cpu_us_list_pages=na api_cpu_us_post_user=na api_cpu_us_mixed=160" \
    "$(tail -n 1 <<<"$output")"
check "bench: line is the last line and matches the documented format" 0 \
    "$(tail -n 1 <<<"$output" | grep -cvE '^bench: edge_vs_limit=[0-9]+\.[0-9]{2} edge_vs_direct=[0-9]+\.[0-9]{2} edge_p99_ms=[0-9]+ mixed_errors=[0-9]+ cold_first10s_vs_steady=[0-9]+\.[0-9]{2} start_to_healthy_s=[0-9]+\.[0-9] image_mb=[0-9]+ rss_mb=[0-9]+( api_cpu_us_[a-z_]+=([0-9]+|na)){4}$' || true)"
check "get-user rows: median api CPU per request, direct and edge" "130 250" \
    "$(awk '$1=="get-user" && $2=="direct" {d=$10} $1=="get-user" && $2=="edge" {e=$10} END {print d, e}' <<<"$output")"
check "get-user edge row: median req/s, p50, p99, errors, 429" "375 110.00 350.00 0 0" \
    "$(awk '$1=="get-user" && $2=="edge" {print $4, $5, $6, $7, $8}' <<<"$output")"
check "mixed edge errors by status" "  errors by status, mixed edge:  round 2: 503:2" \
    "$(grep 'errors by status' <<<"$output")"
check "summary.dat row for the chart" "get-user 750 500 1000 375 250 500 120 350" \
    "$(grep '^get-user' "$work/summary.dat")"
check "chart drawn as PNG" "PNG" "$(head -c 4 "$work/chart.png" | tail -c 3)"
check "bench.txt holds the line" "$(tail -n 1 <<<"$output")" "$(cat "$work/bench.txt")"

# Three restarts of the cold replica: each figure is the median (the middle row here), not the first or last.
mkdir "$work/three"
cp "$work/results.csv" "$work/meta.csv" "$work/three/"
cold_row="$(grep '^cold,' "$work/results.csv")"
for rps in 400.0 900.0; do echo "${cold_row/,199.6,/,$rps,}" >>"$work/three/results.csv"; done
sed -i 's/^start_to_healthy_s,13.4$/start_to_healthy_s,13.4\nstart_to_healthy_s,11.0\nstart_to_healthy_s,10.0/' "$work/three/meta.csv"
check "three cold restarts: medians of 199.6/400/900 req/s and 13.4/11.0/10.0 s" \
    "cold_first10s_vs_steady=0.53 start_to_healthy_s=11.0" \
    "$("$here/report.sh" "$work/three" 2>/dev/null | tail -n 1 | grep -oE 'cold_first10s_vs_steady=[^ ]+ start_to_healthy_s=[^ ]+')"

# The cold replica of each round against that round's steady get-user rate: 500/1000 in round 1,
# 400/500 in round 2, median 0.65 (the old way, 450 against the median steady 750, gives 0.60).
mkdir "$work/per-round"
cp "$work/meta.csv" "$work/per-round/"
grep -v '^cold,' "$work/results.csv" >"$work/per-round/results.csv"
for pair in 1:500.0 2:400.0; do
    row="${cold_row/cold,*get-user,direct,/cold:${pair%%:*},get-user,direct,}"
    echo "${row/,199.6,/,${pair#*:},}" >>"$work/per-round/results.csv"
done
per_round="$("$here/report.sh" --no-chart "$work/per-round" 2>/dev/null)"
check "cold against the steady rate of its own round, median over rounds" \
    "cold_first10s_vs_steady=0.65" "$(tail -n 1 <<<"$per_round" | grep -oE 'cold_first10s_vs_steady=[^ ]+')"
check "each target printed beside its figure" "mixed_errors 3.00 <= 0 NOT MET|image_mb 190.00 <= 150 NOT MET" \
    "$(grep -E '^  (mixed_errors|image_mb) ' <<<"$per_round" | awk '{ printf "%s%s %s %s %s %s %s", sep, $1, $2, $3, $4, $5, $6; sep = "|" }')"

# Results written before the CPU-per-request column existed: the figures are "na", nothing breaks.
mkdir "$work/old"
cut -d, -f1-17 "$work/results.csv" >"$work/old/results.csv"
cp "$work/meta.csv" "$work/old/"
check "results without api_cpu_us_per_req: the bench: line says na" \
    "api_cpu_us_get_user=na api_cpu_us_list_pages=na api_cpu_us_post_user=na api_cpu_us_mixed=na" \
    "$("$here/report.sh" --no-chart "$work/old" 2>/dev/null | tail -n 1 | grep -oE 'api_cpu_us_get_user=.*')"

# The api's CPU per request from its container's cgroup: two samples around a run, the difference
# over the run's requests. cgroup v1 (this host's Docker): cpuacct.usage in ns; v2: cpu.stat usage_usec.
# shellcheck source=scripts/bench/cgroup.sh
source "$here/cgroup.sh"
# shellcheck source=scripts/bench/measure.sh
source "$here/measure.sh"
result_line='bench-result requests=10000 duration_us=8000000 non2xx=0 socket=0 p50_us=5000 p99_us=20000 status_429=0 codes=none'
for version in v1 v2; do
    cp -r "$here/fixture/cgroup-$version" "$work/cgroup-$version"
    export BENCH_CGROUP_ROOT="$work/cgroup-$version" BENCH_PROC_ROOT="$here/fixture/proc"
    _bench_cg_dir=()
    read -r cpu0 rss < <(cg_sample c0ffee)
    # 2.5 s of CPU over the run: 250 us for each of its 10,000 requests, 31.2 % of its 8 s.
    if [[ $version == v1 ]]; then
        echo $(( 123456789000 + 2500000000 )) >"$work/cgroup-v1/cpuacct/docker/c0ffee/cpuacct.usage"
    else
        sed -i 's/^usage_usec .*/usage_usec 3500000/' "$work/cgroup-v2/system.slice/docker-c0ffee.scope/cpu.stat"
    fi
    read -r cpu1 _ < <(cg_sample c0ffee)
    check "cgroup $version: CPU ns over the run, RSS KiB" "2500000000 204800" "$(( cpu1 - cpu0 )) $rss"
    check "cgroup $version: the row's api CPU % and us/req" "31.2 250" \
        "$(bench_row 1 get-user direct http://api:8000 8000000000 $(( cpu1 - cpu0 )) 0 "$rss" <<<"$result_line" | awk -F, '{print $14, $18}')"
done
check "nginx's own limit has no api CPU per request" "na" \
    "$(bench_row 1 limit limit https://proxy:8444/ 8000000000 1000 0 0 <<<"$result_line" | awk -F, '{print $18}')"
unset BENCH_CGROUP_ROOT BENCH_PROC_ROOT

check "bench.sh --help exits 0" 0 "$("$here/../bench.sh" --help >/dev/null 2>&1; echo $?)"
check "bench.sh refuses an unknown option with 2" 2 "$("$here/../bench.sh" --nope >/dev/null 2>&1; echo $?)"
check "bench.sh refuses --rounds 0 with 2" 2 "$("$here/../bench.sh" --rounds 0 >/dev/null 2>&1; echo $?)"
check "report.sh refuses a directory without results" 1 "$("$here/report.sh" "$work/none" >/dev/null 2>&1; echo $?)"

[[ $failures -eq 0 ]] || die "$failures check(s) failed"
ok "bench self-test passed"
