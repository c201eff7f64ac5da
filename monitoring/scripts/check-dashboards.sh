#!/usr/bin/env bash
# Runs every query of every Grafana dashboard against a live Prometheus and prints, per panel
# query, how many series it returns: after a short burst of traffic through the stack, every
# panel should show data. Needs curl and jq only; changes nothing.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
    cat <<EOF
Usage: ${0##*/} [--url URL] [--dashboards DIR] [--require-data] [--quiet]

Queries a live Prometheus with the expression of every panel of every dashboard JSON file and
prints one line per query: dashboard, panel title, refId and the number of series returned.
Grafana variables are replaced as the dashboards would resolve them for "All":
\$__rate_interval and \$__interval -> RATE_INTERVAL (default 1m), \$__range -> 1h, any other
\$var -> .* (every variable here is a regex-matched label with an "All" value of .*).

Options:
  --url URL          Prometheus base URL (default: \$PROMETHEUS_URL or http://127.0.0.1:9090)
  --dashboards DIR   directory of dashboard JSON files (default: monitoring/grafana/dashboards)
  --require-data     exit 1 when a query returns no series (default: only errors fail)
  --quiet            print only problems and the summary
  -h, --help         this help

Exit status: 0 all queries accepted (and non-empty with --require-data), 1 otherwise,
2 on a usage error or a missing tool.
EOF
}

url=${PROMETHEUS_URL:-http://127.0.0.1:9090}
dashboards_dir="$script_dir/../grafana/dashboards"
rate_interval=${RATE_INTERVAL:-1m}
require_data=false
quiet=false

while [[ $# -gt 0 ]]; do
    case "$1" in
        --url) [[ $# -ge 2 ]] || { echo "error: --url needs a value" >&2; exit 2; }; url=$2; shift ;;
        --dashboards) [[ $# -ge 2 ]] || { echo "error: --dashboards needs a value" >&2; exit 2; }; dashboards_dir=$2; shift ;;
        --require-data) require_data=true ;;
        --quiet) quiet=true ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

for tool in curl jq; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is required (apt-get install $tool)" >&2; exit 2; }
done
[[ -d "$dashboards_dir" ]] || { echo "error: no dashboard directory at $dashboards_dir" >&2; exit 2; }
url=${url%/}

if ! curl -fsS --max-time 5 "$url/-/ready" >/dev/null; then
    echo "error: Prometheus at $url is not ready" >&2
    exit 1
fi

# One TSV line per query: dashboard title, panel title, refId, expression with variables
# substituted. Row panels may nest their panels when collapsed, hence the recursion.
panel_queries() {
    jq -r --arg ri "$rate_interval" '
        .title as $dashboard
        | [.panels[]? | recurse(.panels[]?)]
        | .[]
        | select(.type != "row")
        | .title as $panel
        | .targets[]?
        | select(.expr != null and .expr != "")
        | [$dashboard, $panel, .refId,
           (.expr
            | gsub("\\$__rate_interval|\\$\\{__rate_interval\\}|\\$__interval|\\$\\{__interval\\}"; $ri)
            | gsub("\\$__range|\\$\\{__range\\}"; "1h")
            | gsub("\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?"; ".*"))]
        | @tsv' "$1"
}

queries=0 failed=0 empty=0
shopt -s nullglob
files=("$dashboards_dir"/*.json)
[[ ${#files[@]} -gt 0 ]] || { echo "error: no dashboard JSON in $dashboards_dir" >&2; exit 2; }

for file in "${files[@]}"; do
    while IFS=$'\t' read -r dashboard panel ref expr; do
        queries=$((queries + 1))
        if ! answer=$(curl -sS --max-time 15 --data-urlencode "query=$expr" "$url/api/v1/query"); then
            printf 'FAIL   %s | %s | %s: no answer from %s\n' "$dashboard" "$panel" "$ref" "$url"
            failed=$((failed + 1))
            continue
        fi
        status=$(jq -r '.status // "error"' <<<"$answer" 2>/dev/null || echo unreadable)
        if [[ "$status" != success ]]; then
            printf 'FAIL   %s | %s | %s: %s\n' "$dashboard" "$panel" "$ref" "$(jq -r '.error // "unreadable answer"' <<<"$answer" 2>/dev/null || echo "not JSON")"
            failed=$((failed + 1))
            continue
        fi
        series=$(jq -r 'if .data.resultType == "vector" or .data.resultType == "matrix" then (.data.result | length) else 1 end' <<<"$answer")
        if [[ "$series" -eq 0 ]]; then
            empty=$((empty + 1))
            printf 'EMPTY  %s | %s | %s: %s\n' "$dashboard" "$panel" "$ref" "$expr"
        elif [[ "$quiet" == false ]]; then
            printf 'OK     %s | %s | %s: %s series\n' "$dashboard" "$panel" "$ref" "$series"
        fi
    done < <(panel_queries "$file")
done

printf '%d queries in %d dashboards: %d failed, %d empty\n' "$queries" "${#files[@]}" "$failed" "$empty"
if [[ "$failed" -gt 0 ]] || { [[ "$require_data" == true ]] && [[ "$empty" -gt 0 ]]; }; then
    exit 1
fi
