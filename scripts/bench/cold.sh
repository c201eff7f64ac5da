# shellcheck shell=bash
# A replica started cold: one api container is stopped and started again (a new JVM on the
# same image, as a rolling update starts it). Measures container start to healthy (Docker's
# own timestamps: State.StartedAt and the end of the first passing healthcheck, which is what
# compose, deploy.sh and Swarm wait for), start to the first 200 on /health (polled every
# 0.25 s), and the cached-read throughput of its first seconds after healthy.

# bench_cold SECONDS ROUND: appends a `cold:ROUND` row to results.csv and start_to_* lines to
# meta.csv.
bench_cold() {
    local seconds=$1 round=$2 id=${BENCH_API_IDS[0]} url_before url started_ns deadline ready='' state
    local started_at healthy_s at passed='' reads
    url_before="$(bench_api_url "$id")"
    # The steady figure was measured on hits; so is this one (see bench_refresh).
    bench_refresh "$BENCH_IDS_FILE" "$url_before"
    step "cold replica: restarting api container ${id:0:12} (docker stop, docker start)"
    # Never leave the replica stopped, whatever happens next.
    add_cleanup "docker start $id >/dev/null 2>&1"
    run docker stop -t 30 "$id" >/dev/null
    started_ns=$(now_ns)
    run docker start "$id" >/dev/null
    [[ "$DRY_RUN" == true ]] && { measure "cold:$round" get-user direct "$url_before" "$seconds"; return 0; }
    url="$(bench_api_url "$id")"
    deadline=$(( $(now_s) + 180 ))
    while true; do
        state="$(container_state "$id" | awk '{print $2}')"
        [[ -n "$ready" ]] || ! curl -fsS --max-time 1 -o /dev/null "$url/health" 2>/dev/null \
            || ready="$(awk -v a="$started_ns" -v b="$(now_ns)" 'BEGIN{printf "%.1f", (b - a) / 1e9}')"
        [[ "$state" == healthy ]] && break
        case "$state" in unhealthy|exited*|dead) show_container_failure "$id"; die "the restarted api is $state" ;; esac
        (( $(now_s) < deadline )) || die "the restarted api is not healthy after 180 s"
        sleep 0.25
    done
    started_at="$(docker inspect -f '{{.State.StartedAt}}' "$id")"
    while read -r at; do
        if [[ -n "$at" ]]; then passed+="$(date -d "$at" +%s.%N) "; fi
    done < <(docker inspect -f '{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{.End.Format "2006-01-02T15:04:05.000000000Z07:00"}}{{"\n"}}{{end}}{{end}}' "$id")
    healthy_s="$(awk -v s0="$(date -d "$started_at" +%s.%N)" -v passed="$passed" \
        'BEGIN { n = split(passed, at, " "); for (i = 1; i <= n; i++) if (at[i] > s0) { printf "%.1f", at[i] - s0; exit } }')"
    [[ -n "$healthy_s" ]] || die "no passing healthcheck after StartedAt $started_at in docker inspect"
    ok "healthy ${healthy_s}s after container start (a 0.25 s poll saw /health answer after ${ready:-?}s); measuring its first ${seconds}s"
    measure "cold:$round" get-user direct "$url" "$seconds"
    # The new JVM's own counters: its first seconds' reads, hits or misses.
    reads="$(curl -fsS --max-time 2 "$url/cache/stats" 2>/dev/null | grep -o '"application":{[^}]*}' \
        | grep -o '"\(hits\|misses\)":[0-9]*' | tr -d '"' | paste -sd ' ' -)" || true
    info "the restarted replica's cache reads so far: ${reads:-unknown (no /cache/stats answer)}"
    printf 'start_to_healthy_s,%s\nstart_to_ready_s,%s\n' "$healthy_s" "${ready:-na}" >>"$BENCH_DIR/meta.csv"
    if [[ "$url" != "$url_before" ]]; then
        info "the replica's address changed ($url_before -> $url): reloading nginx so that it sees it"
        docker exec "$BENCH_PROXY_ID" nginx -s reload >/dev/null || warn "nginx -s reload failed"
    fi
}
