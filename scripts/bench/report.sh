#!/usr/bin/env bash
# Summary table, chart and the `bench:` line of one benchmark run, from its results.csv and
# meta.csv. scripts/bench.sh calls it at the end; run it by hand to redraw an old run.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
    cat <<'USAGE'
Usage: scripts/bench/report.sh [--no-chart] DIR

Reads DIR/results.csv and DIR/meta.csv (written by scripts/bench.sh), prints the table of
medians over the rounds and the ratios, writes DIR/summary.dat and (unless --no-chart)
DIR/chart.png with gnuplot, and ends with the one-line `bench: ...` summary, also saved in
DIR/bench.txt.
USAGE
}

chart=true dir=''
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-chart) chart=false ;;
        -h|--help) usage; exit 0 ;;
        -*) usage_error "unknown option $1" ;;
        *) [[ -z "$dir" ]] || usage_error "one DIR only"; dir=$1 ;;
    esac
    shift
done
[[ -n "$dir" ]] || usage_error "DIR is required"
[[ -r "$dir/results.csv" && -r "$dir/meta.csv" ]] || die "$dir has no results.csv and meta.csv"

summary="$(awk -F, -v dat="$dir/summary.dat" -f "$here/report.awk" "$dir/meta.csv" "$dir/results.csv")"
printf '%s\n' "$summary" | grep -v '^bench: '
if [[ "$chart" == true ]]; then
    require_cmd gnuplot
    subtitle="$(awk -F, '$1=="started"{s=$2} $1=="rounds"{r=$2} $1=="seconds"{d=$2} $1=="threads"{t=$2} $1=="connections"{c=$2} $1=="exempt"{e=$2} $1=="via"{v=$2}
        END{printf "%s, %s interleaved rounds of %s s, wrk -t%s -c%s, rate limit lifted: %s, edge via %s", s, r, d, t, c, e, (v == "" ? "published" : v)}' "$dir/meta.csv")"
    footer="$(grep '^bench: ' <<<"$summary")"
    gnuplot -e "dat='$dir/summary.dat'; out='$dir/chart.png'; subtitle='$subtitle'; footer='$footer'" "$here/chart.gp" \
        || die "gnuplot failed to draw $dir/chart.png"
    info "chart: $dir/chart.png"
fi
grep '^bench: ' <<<"$summary" | tee "$dir/bench.txt"
