#!/usr/bin/env bash
# The benchmark's arithmetic and interface without a stack (a second or two): the summary of
# fixture/ must give the known medians, ratios and `bench:` line; the chart must be drawn;
# bench.sh and report.sh must answer --help and refuse bad options with exit 2.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
    cat <<'USAGE'
Usage: scripts/bench/selftest.sh

Checks scripts/bench/report.sh on scripts/bench/fixture (2 rounds, one cold row; then three) and the
option handling of scripts/bench.sh. Needs awk and gnuplot; starts no container.
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
check "bench: line" \
    "bench: edge_vs_limit=0.05 edge_vs_direct=0.50 edge_p99_ms=350 mixed_errors=3 cold_first10s_vs_steady=0.27 start_to_healthy_s=13.4 image_mb=190 rss_mb=400" \
    "$(tail -n 1 <<<"$output")"
check "bench: line is the last line and matches the documented format" 0 \
    "$(tail -n 1 <<<"$output" | grep -cvE '^bench: edge_vs_limit=[0-9]+\.[0-9]{2} edge_vs_direct=[0-9]+\.[0-9]{2} edge_p99_ms=[0-9]+ mixed_errors=[0-9]+ cold_first10s_vs_steady=[0-9]+\.[0-9]{2} start_to_healthy_s=[0-9]+\.[0-9] image_mb=[0-9]+ rss_mb=[0-9]+$' || true)"
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

check "bench.sh --help exits 0" 0 "$("$here/../bench.sh" --help >/dev/null 2>&1; echo $?)"
check "bench.sh refuses an unknown option with 2" 2 "$("$here/../bench.sh" --nope >/dev/null 2>&1; echo $?)"
check "bench.sh refuses --rounds 0 with 2" 2 "$("$here/../bench.sh" --rounds 0 >/dev/null 2>&1; echo $?)"
check "report.sh refuses a directory without results" 1 "$("$here/report.sh" "$work/none" >/dev/null 2>&1; echo $?)"

[[ $failures -eq 0 ]] || die "$failures check(s) failed"
ok "bench self-test passed"
