#!/bin/bash
# The log store's housekeeping, in a container of the store's own image (curl and bash are in
# prodstack/opensearch and in opensearchproject/opensearch alike):
#   1. once the store answers: the index template prodstack-logs (index-template.json: one
#      shard, no replica on a single node, the field types of the log contract);
#   2. every LOG_RETENTION_INTERVAL seconds (default 3600): deletes each daily index
#      prodstack-logs-YYYY.MM.DD whose day is more than LOG_RETENTION_DAYS days (default 7)
#      before today (UTC): with 7, on 2026-12-09 the indices up to 2026-12-01 go and
#      2026-12-02 .. 2026-12-09 stay. Indices of any other name are never touched.
# OpenSearch's index management plugin (ISM) would do 2. itself, but prodstack/opensearch has
# no plugins; this loop works with both images. /tmp/log-retention.ok (the health check) holds
# the time of the last complete pass.
set -euo pipefail

url="${LOG_STORE_URL:-http://log-store:9200}"
days="${LOG_RETENTION_DAYS:-7}"
interval="${LOG_RETENTION_INTERVAL:-3600}"
prefix=prodstack-logs-
template="${LOG_INDEX_TEMPLATE:-/etc/prodstack-logging/index-template.json}"
[[ "$days" =~ ^[0-9]+$ && "$days" -ge 1 ]] || { echo "log-retention: LOG_RETENTION_DAYS must be a whole number of days >= 1, not '$days'" >&2; exit 2; }
[[ "$interval" =~ ^[1-9][0-9]*$ ]] || { echo "log-retention: LOG_RETENTION_INTERVAL must be seconds, not '$interval'" >&2; exit 2; }

say() { printf '%s log-retention: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
store() { curl -fsS --max-time 30 "$@"; }

# expired DAY: whether the index of DAY (YYYY.MM.DD) is past the retention.
cutoff() { date -u -d "today - $days days" +%Y.%m.%d; }

one_pass() {
    local index day oldest deleted=0 kept=0
    store -X PUT -H 'Content-Type: application/json' --data-binary "@$template" \
        "$url/_index_template/prodstack-logs" > /dev/null
    oldest="$(cutoff)"
    while read -r index; do
        [[ -n "$index" ]] || continue
        day="${index#"$prefix"}"
        [[ "$day" =~ ^[0-9]{4}\.[0-9]{2}\.[0-9]{2}$ ]] || continue
        if [[ "$day" < "$oldest" ]]; then
            store -X DELETE "$url/$index" > /dev/null
            say "deleted $index (older than $days days: before $oldest)"
            deleted=$((deleted + 1))
        else
            kept=$((kept + 1))
        fi
    done < <(store "$url/_cat/indices/$prefix*?h=index&expand_wildcards=all")
    say "pass done: $kept daily indices kept, $deleted deleted (retention $days days, next pass in ${interval}s)"
    date +%s > /tmp/log-retention.ok
}

trap 'exit 0' TERM INT
say "store $url, retention $days days, a pass every ${interval}s"
until store "$url/_cluster/health?wait_for_status=yellow&timeout=10s" > /dev/null 2>&1; do
    sleep 2 & wait $!
done
while true; do
    if ! one_pass; then
        say "pass failed (store unreachable?); again in 10s"
        sleep 10 & wait $!
        continue
    fi
    sleep "$interval" & wait $!
done
