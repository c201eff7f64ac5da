#!/usr/bin/env bash
# Searches the log store of the logging overlay (deployment/docker-compose.logging.yml) and
# prints a timeline across containers: what nginx, every api replica and the rest wrote.
set -euo pipefail
# shellcheck source=scripts/lib/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"
# shellcheck source=scripts/lib/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--request-id ID] [--since DURATION] [--status CODE|Nxx] [--service NAME]...
                [--container NAME] [--grep TEXT] [--limit N] [--json]

Prints the matching log lines of every container, oldest first, one line each:
  <UTC time>  <container>  <METHOD path -> status duration> | <level logger: message>  [request_id]
Filters combine (AND); --service may be repeated (OR between them).

  --request-id ID   lines of one request: nginx's access line and the api's app and access lines
  --since D         only the last D: 30s, 10m, 2h, 1d (default: no limit)
  --status S        an HTTP status (503) or a class (5xx, 4xx): access lines only
  --service NAME    a compose service: proxy, api, db, cache, migrate, prometheus, log-shipper, ...
  --container NAME  one container (replica), e.g. prodstack-api-2 or prodstack_api_2
  --grep TEXT       full-text match on the message
  --limit N         at most the newest N lines (default 200); a note says how many matched
  --json            the documents as JSON lines instead of the timeline
  -h, --help        this help

Environment: LOG_STORE_URL (default http://127.0.0.1:\$LOG_STORE_PORT), LOG_STORE_PORT (9200, the
store's loopback port; deployment/.env is read). Needs curl and jq. Lines are searchable about a
second or two after they were written (the shipper's flush and the store's refresh).
USAGE
}

request_id=''
since=''
status=''
container=''
text=''
limit=200
json=false
services=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --request-id) [[ -n "${2:-}" ]] || usage_error "--request-id needs an id"; request_id=$2; shift ;;
        --since) [[ "${2:-}" =~ ^[1-9][0-9]*[smhd]$ ]] || usage_error "--since needs a duration like 30s, 10m, 2h or 1d"; since=$2; shift ;;
        --status) [[ "${2:-}" =~ ^[1-5]([0-9][0-9]|xx)$ ]] || usage_error "--status needs a code (503) or a class (5xx)"; status=$2; shift ;;
        --service) [[ -n "${2:-}" ]] || usage_error "--service needs a name"; services+=("$2"); shift ;;
        --container) [[ -n "${2:-}" ]] || usage_error "--container needs a name"; container=$2; shift ;;
        --grep) [[ -n "${2:-}" ]] || usage_error "--grep needs a text"; text=$2; shift ;;
        --limit) [[ "${2:-}" =~ ^[1-9][0-9]*$ && "${2:-}" -le 10000 ]] || usage_error "--limit needs a number from 1 to 10000"; limit=$2; shift ;;
        --json) json=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unexpected argument: $1" ;;
    esac
    shift
done
require_cmd curl jq
[[ -f "$DEPLOY_DIR/.env" ]] && load_env_file "$DEPLOY_DIR/.env"
store="${LOG_STORE_URL:-http://127.0.0.1:${LOG_STORE_PORT:-9200}}"

# The query, built by jq from the options (no string pasting into JSON).
query="$(jq -n \
    --arg request_id "$request_id" --arg since "$since" --arg status "$status" \
    --arg container "$container" --arg text "$text" --argjson size "$limit" \
    --args '
    def status_filter:
        if $status | endswith("xx") then
            ($status[0:1] | tonumber * 100) as $low
            | {range: {status: {gte: $low, lte: ($low + 99)}}}
        else {term: {status: ($status | tonumber)}} end;
    {
        size: $size,
        track_total_hits: true,
        sort: [{"@timestamp": {order: "desc"}}],
        query: {bool: {filter: (
            [ (if $request_id != "" then {term: {request_id: $request_id}} else empty end),
              (if $since != "" then {range: {"@timestamp": {gte: ("now-" + $since)}}} else empty end),
              (if $status != "" then status_filter else empty end),
              (if $container != "" then {term: {container: $container}} else empty end),
              (if $text != "" then {match: {message: $text}} else empty end),
              (if ($ARGS.positional | length) > 0 then {terms: {service: $ARGS.positional}} else empty end)
            ])}}
    }' "${services[@]}")"

response="$(curl -sS --max-time 30 -H 'Content-Type: application/json' --data-binary "$query" \
    "$store/prodstack-logs-*/_search?ignore_unavailable=true&allow_no_indices=true" 2>&1)" \
    || die "the log store at $store does not answer: $response (is the logging overlay up? scripts/stack.sh up --logging)"
if jq -e '.error' <<< "$response" > /dev/null 2>&1; then
    die "the log store refused the search: $(jq -c '.error.root_cause // .error' <<< "$response")"
fi

total="$(jq '.hits.total.value' <<< "$response")"
shown="$(jq '.hits.hits | length' <<< "$response")"
if [[ "$json" == true ]]; then
    jq -c '.hits.hits | reverse | .[]._source' <<< "$response"
else
    # Oldest first. Access lines (nginx, the api) as "METHOD path -> status duration"; the rest
    # as "level logger: message" (the logger's last name); then the request id, if any.
    jq -r '
        def pad($n): tostring | if length < $n then . + (" " * ($n - length)) else . end;
        def ms: if . == null then "" else " \(.)ms" end;
        .hits.hits | reverse | .[]._source
        | [ (.["@timestamp"] | sub("T"; " ") | .[0:23] | pad(23)),
            ((.container // .service // "-") | pad(28)),
            ( if .method and (.status != null) then
                  "\(.method) \(.path // .uri // "?") -> \(.status)\(.duration_ms | ms)"
                  + (if (.upstream_addr // "") != "" then "  via \(.upstream_addr) (\(.upstream_status // "?"))" else "" end)
              else
                  ([.level, ((.logger // "") | split(".") | last | select(. != ""))] | map(select(. != null)) | join(" "))
                  as $who
                  | (if $who != "" then $who + ": " else "" end) + ((.message // "") | gsub("\n"; " | "))
              end ),
            (if (.request_id // "") != "" then "  [\(.request_id)]" else "" end)
          ] | join("  ")' <<< "$response"
fi
if [[ "$total" -gt "$shown" ]]; then
    info "$shown of $total matching lines shown (the newest); narrow the search or raise --limit"
elif [[ "$total" -eq 0 ]]; then
    info "no matching line in $store (prodstack-logs-*)"
fi
