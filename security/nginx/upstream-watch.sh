#!/bin/sh
# Entrypoint of the edge proxy: keeps nginx's list of api replicas current by itself.
#
#   upstream-watch.sh nginx -g 'daemon off;'
#
# Open-source nginx 1.22 resolves the servers of an upstream block only when it starts or
# reloads (the `resolve` parameter came to open source in 1.27.3), and proxy_pass with a
# variable re-resolves but gives up the keep-alive pool. So this script resolves the api's
# name, writes one `server` line per address to the file nginx.conf includes, and then, every
# UPSTREAM_INTERVAL seconds, resolves again and on any change rewrites the file and reloads
# nginx gracefully (old workers finish their requests). nginx is exec'ed and stays PID 1, so
# the container's stop signal and exit code are nginx's own; the watcher runs beside it.
#
# Environment (defaults in brackets):
#   UPSTREAM_HOST      name to resolve [api]: compose answers one address per container; in
#                      Swarm `api` (endpoint_mode dnsrr) or `tasks.api` (vip) lists the tasks
#   UPSTREAM_PORT      the api's port [8000]
#   UPSTREAM_SERVER_PARAMS  parameters of each server line [max_fails=3 fail_timeout=10s]
#   UPSTREAM_INTERVAL  seconds between look-ups [2]
#   UPSTREAM_FILE      the file nginx.conf includes [/tmp/nginx-upstream/api.conf]
#   UPSTREAM_READY_PATH  asked of each address before it gets clients [/health]
#
# Compose's DNS lists a container as soon as it runs, before it has warmed up, and until it has
# exited (Swarm's lists only healthy tasks, and drops one 2 s before it is stopped). So an
# address whose api answers "starting" or "stopping" (SIGTERM received, still serving for its
# STOP_DELAY) at UPSTREAM_READY_PATH, or does not answer at all, is left out; one that answers
# anything else stays in (a 503 "unhealthy" during a Postgres outage still serves cached reads
# and the JSON error). Without curl, or when no address is ready, every address stays: 502s
# would gain nothing.
#
# POSIX sh (dash in both nginx images); needs getent, sort, tr, mkdir, mv, and curl for readiness. No name resolved
# yet (Swarm starts the proxy before the first api task is healthy) is not an error: a
# placeholder marked `down` lets nginx start and answer 502 JSON until a replica appears.
set -eu

host=${UPSTREAM_HOST:-api}
port=${UPSTREAM_PORT:-8000}
params=${UPSTREAM_SERVER_PARAMS:-max_fails=3 fail_timeout=10s}
interval=${UPSTREAM_INTERVAL:-2}
file=${UPSTREAM_FILE:-/tmp/nginx-upstream/api.conf}
ready_path=${UPSTREAM_READY_PATH:-/health}

log() { printf 'upstream-watch: %s\n' "$*" >&2; }

# The sorted IPv4 addresses of $host on one line, or nothing.
addresses() {
    getent ahostsv4 "$host" 2>/dev/null | while read -r address _; do echo "$address"; done \
        | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# The addresses of $1 whose api is past its warm-up (see above), or all of them.
ready() {
    command -v curl >/dev/null 2>&1 || { echo "$1"; return; }
    kept=''
    for address in $1; do
        body=$(curl -s --max-time 2 "http://$address:$port$ready_path" 2>/dev/null) || continue
        case $body in *'"status":"starting"'* | *'"status":"stopping"'*) continue ;; esac
        kept="$kept${kept:+ }$address"
    done
    echo "${kept:-$1}"
}

# Writes the upstream include for the addresses in $1 (atomically: nginx may be reloading).
write_upstream() {
    mkdir -p "$(dirname "$file")"
    {
        echo "# written by upstream-watch.sh: $host -> ${1:-<nothing>}"
        if [ -z "$1" ]; then
            echo "server 127.0.0.1:$port down;"
        else
            for address in $1; do
                echo "server $address:$port $params;"
            done
        fi
    } >"$file.tmp"
    mv "$file.tmp" "$file"
}

# Runs forever beside nginx. One empty answer may be a DNS hiccup: the set is emptied only
# when two looks in a row find nothing.
watch() {
    current=$1
    empty_once=false
    while :; do
        sleep "$interval"
        next=$(addresses) || next=''
        next=$(ready "$next")
        if [ -z "$next" ] && [ -n "$current" ] && [ "$empty_once" = false ]; then
            empty_once=true
            continue
        fi
        empty_once=false
        [ "$next" = "$current" ] && continue
        write_upstream "$next"
        if nginx -s reload 2>/dev/null; then
            log "$host: ${current:-<nothing>} -> ${next:-<nothing>}: nginx reloaded"
            current=$next
        else
            log "$host: ${next:-<nothing>}: nginx reload failed, retrying"
        fi
    done
}

[ $# -gt 0 ] || set -- nginx -g 'daemon off;'

initial=$(addresses) || initial=''
initial=$(ready "$initial")
write_upstream "$initial"
log "$host: ${initial:-<nothing yet>}"

# Only a long-running nginx gets a watcher; `nginx -t`, `nginx -v` and the like just run.
case " $* " in
    *"daemon off"*) watch "$initial" & ;;
esac
exec "$@"
