#!/bin/bash
# prodstack/rsyslog's entrypoint (under tini): rsyslogd in the foreground, busybox httpd on :2020,
# and every STATS_INTERVAL seconds the impstats counters rsyslogd wrote to
# /tmp/rsyslog-stats.json turned into Prometheus metrics at /api/v1/metrics/prometheus (the
# path fluent/fluent-bit serves its own on). /api/v1/health answers while rsyslogd runs. The container stops when rsyslogd or httpd does (the restart policy
# brings it back; the disk-assisted queue and imfile's positions are in /var/spool/rsyslog).
set -euo pipefail

conf="${RSYSLOG_CONF:-/etc/rsyslog.conf}"
interval="${STATS_INTERVAL:-10}"
stats=/tmp/rsyslog-stats.json
www=/tmp/www
metrics="$www/api/v1/metrics/prometheus"
health="$www/api/v1/health"
# The bounds in rsyslog.conf, exported as metrics so that alerts can compare with them.
queue_capacity="${LOG_QUEUE_CAPACITY:-20000}"
queue_disk_bytes="${LOG_QUEUE_DISK_BYTES:-536870912}"

[[ -n "${LOG_PROJECT:-}" || "$conf" != /etc/rsyslog.conf ]] || echo "log-shipper: LOG_PROJECT is not set: no container's lines match" >&2
mkdir -p "$www/api/v1/metrics"
: > "$stats"
: > "$metrics"

# impstats' JSON lines ({ "name": "store queue", "origin": "core.queue", "size": 3, ... }) to
# the Prometheus text format; the last value of each counter wins.
to_prometheus() {
    awk -v now="$(date +%s)" -v capacity="$queue_capacity" -v disk="$queue_disk_bytes" '
        function family(name, type, help) { types[name] = type; helps[name] = help }
        function put(name, labels, value) { values[name "{" labels "}"] = value; seen[name] = 1 }
        function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
        BEGIN {
            family("rsyslog_queue_size", "gauge", "Messages in the queue now (memory and disk).")
            family("rsyslog_queue_max_size", "gauge", "Most messages the queue held since rsyslogd started.")
            family("rsyslog_queue_enqueued_total", "counter", "Messages put into the queue.")
            family("rsyslog_queue_full_total", "counter", "Times the queue was full.")
            family("rsyslog_queue_discarded_full_total", "counter", "Messages dropped because the queue stayed full.")
            family("rsyslog_queue_discarded_nf_total", "counter", "Messages dropped at the queue discard mark.")
            family("rsyslog_queue_capacity", "gauge", "Messages the in-memory queue holds before it spools to disk (rsyslog.conf).")
            family("rsyslog_queue_disk_capacity_bytes", "gauge", "Bytes the disk part of the queue may use (rsyslog.conf).")
            family("rsyslog_action_processed_total", "counter", "Messages an action processed.")
            family("rsyslog_action_failed_total", "counter", "Messages an action failed on.")
            family("rsyslog_action_suspended_total", "counter", "Times an action was suspended (its target unreachable).")
            family("rsyslog_action_resumed_total", "counter", "Times a suspended action resumed.")
            family("rsyslog_omelasticsearch_submitted_total", "counter", "Documents submitted to the log store.")
            family("rsyslog_omelasticsearch_failed_http_total", "counter", "Documents whose bulk request failed at the HTTP level.")
            family("rsyslog_omelasticsearch_failed_httprequests_total", "counter", "Bulk requests that failed at the HTTP level.")
            family("rsyslog_omelasticsearch_failed_check_conn_total", "counter", "Failed checks of the connection to the log store.")
            family("rsyslog_omelasticsearch_failed_es_total", "counter", "Documents the log store rejected.")
            family("rsyslog_imfile_submitted_total", "counter", "Lines read from the container log files.")
            family("rsyslog_stats_timestamp_seconds", "gauge", "When these counters were last converted (Unix time).")
            family("rsyslog_up", "gauge", "1 while rsyslogd runs.")
            put("rsyslog_up", "", 1)
            put("rsyslog_stats_timestamp_seconds", "", now)
            put("rsyslog_queue_capacity", "queue=\"store\"", capacity)
            put("rsyslog_queue_disk_capacity_bytes", "queue=\"store\"", disk)
            imfile = 0; have_imfile = 0
        }
        {
            line = $0
            sub(/^[^{]*/, "", line)
            if (!match(line, /"name": *"[^"]*"/)) next
            name = substr(line, RSTART, RLENGTH); sub(/^"name": *"/, "", name); sub(/"$/, "", name)
            origin = ""
            if (match(line, /"origin": *"[^"]*"/)) { origin = substr(line, RSTART, RLENGTH); sub(/^"origin": *"/, "", origin); sub(/"$/, "", origin) }
            delete kv
            rest = line
            while (match(rest, /"[A-Za-z0-9_.]+": *[0-9]+/)) {
                pair = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH)
                key = pair; sub(/^"/, "", key); sub(/".*$/, "", key)
                value = pair; sub(/^.*: */, "", value)
                kv[key] = value
            }
            if (origin == "core.queue") {
                # "store queue" and its disk part "store queue[DA]" are one queue for the alerts.
                q = name; sub(/ queue(\[DA\])?$/, "", q); part = (name ~ /\[DA\]$/) ? "disk" : "memory"
                labels = "queue=\"" esc(q) "\",part=\"" part "\""
                put("rsyslog_queue_size", labels, kv["size"])
                put("rsyslog_queue_max_size", labels, kv["maxqsize"])
                put("rsyslog_queue_enqueued_total", labels, kv["enqueued"])
                put("rsyslog_queue_full_total", labels, kv["full"])
                put("rsyslog_queue_discarded_full_total", labels, kv["discarded.full"])
                put("rsyslog_queue_discarded_nf_total", labels, kv["discarded.nf"])
            } else if (origin == "core.action") {
                labels = "action=\"" esc(name) "\""
                put("rsyslog_action_processed_total", labels, kv["processed"])
                put("rsyslog_action_failed_total", labels, kv["failed"])
                put("rsyslog_action_suspended_total", labels, kv["suspended"])
                put("rsyslog_action_resumed_total", labels, kv["resumed"])
            } else if (origin == "omelasticsearch") {
                put("rsyslog_omelasticsearch_submitted_total", "", kv["submitted"])
                put("rsyslog_omelasticsearch_failed_http_total", "", kv["failed.http"])
                put("rsyslog_omelasticsearch_failed_httprequests_total", "", kv["failed.httprequests"])
                put("rsyslog_omelasticsearch_failed_check_conn_total", "", kv["failed.checkConn"])
                put("rsyslog_omelasticsearch_failed_es_total", "", kv["failed.es"])
            } else if (origin == "imfile") {
                # One object per file (per container): summed, not one series per container id.
                files[name] = kv["submitted"] + 0; have_imfile = 1
            }
        }
        END {
            if (have_imfile) { for (f in files) imfile += files[f]; put("rsyslog_imfile_submitted_total", "", imfile) }
            for (f in types) {
                if (!(f in seen)) continue
                printf "# HELP %s %s\n# TYPE %s %s\n", f, helps[f], f, types[f]
                for (k in values) {
                    split(k, parts, "{")
                    if (parts[1] != f) continue
                    series = k; sub(/\{\}$/, "", series)
                    v = values[k]; if (v == "") v = 0
                    print series, v
                }
            }
        }'
}

rsyslogd -n -f "$conf" -i /tmp/rsyslogd.pid &
rsyslog_pid=$!
busybox httpd -f -p 2020 -h "$www" &
httpd_pid=$!
trap 'kill -TERM "$rsyslog_pid" "$httpd_pid" 2> /dev/null; wait "$rsyslog_pid" || true; exit 0' TERM INT

# Healthy as soon as rsyslogd is up (its first counters follow within STATS_INTERVAL).
sleep 1
kill -0 "$rsyslog_pid" 2> /dev/null || { echo "log-shipper: rsyslogd did not start" >&2; exit 1; }
echo ok > "$health"

# imfile reports each file it has ever seen once per interval: the last interval's view is the
# last occurrence of every name, so the file is converted whole and then emptied.
snapshot=/tmp/rsyslog-stats.snapshot
while true; do
    sleep "$interval" &
    wait $! || true
    kill -0 "$rsyslog_pid" 2> /dev/null || { echo "log-shipper: rsyslogd exited" >&2; rm -f "$health"; exit 1; }
    kill -0 "$httpd_pid" 2> /dev/null || { echo "log-shipper: httpd exited" >&2; exit 1; }
    cp "$stats" "$snapshot"
    : > "$stats"
    if [[ -s "$snapshot" ]]; then
        to_prometheus < "$snapshot" > "$metrics.tmp" && mv "$metrics.tmp" "$metrics"
        echo ok > "$health"
    fi
done
