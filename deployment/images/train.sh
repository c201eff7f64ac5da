# shellcheck shell=bash
# The api image's AOT cache (JEP 483, with the method profiles of JEP 515), for
# scripts/build-images.sh: a training run of the very image being built (its JDK, its jar, its
# jvm.options) against a throw-away Postgres and Redis of the image set, driven by real requests
# from this machine: users written, read (misses, then hits), listed page by page, updated and
# deleted; health, metrics, docs and the error answers. The JVM writes the cache when it exits.
# Sourced by build-images.sh; uses its WORK and LOG_DIR; needs curl.

# train_api IMAGE OUT POSTGRES_IMAGE REDIS_IMAGE: OUT/app.aot from a training run of IMAGE.
train_api() {
    local image="$1" out="$2" postgres="$3" redis="$4" net="prodstack-train-$$-$RANDOM" ip started
    TRAIN_NET="$net"
    mkdir -p "$out" "$WORK/train-secrets"
    chmod 0777 "$out"
    printf 'training\n' > "$WORK/train-secrets/db_password"
    chmod 0444 "$WORK/train-secrets/db_password"
    docker network create "$net" > /dev/null
    # fsync off and data on tmpfs: the training measures the api, not the disk.
    docker run -d --name "$net-db" --network "$net" --network-alias db \
        --tmpfs /var/lib/postgresql/data:uid=999,gid=999,mode=0700 \
        -e POSTGRES_USER=prodstack -e POSTGRES_DB=prodstack -e POSTGRES_PASSWORD=training \
        "$postgres" postgres -c fsync=off -c synchronous_commit=off > /dev/null
    docker run -d --name "$net-cache" --network "$net" --network-alias cache \
        "$redis" redis-server --save '' --appendonly no > /dev/null
    wait_for 60 docker exec "$net-db" pg_isready -q -h 127.0.0.1 -U prodstack -d prodstack \
        || { docker logs "$net-db" 2>&1 | tail -n 20; return 1; }
    wait_for 30 docker exec "$net-cache" redis-cli ping || return 1
    local env=(-e DATABASE_URL=jdbc:postgresql://db:5432/prodstack -e DATABASE_USER=prodstack
        -e DATABASE_PASSWORD_FILE=/run/secrets/db_password -e REDIS_URL=redis://cache:6379
        -e ADMIN_TOKEN_FILE=/run/secrets/db_password -e STOP_DELAY=0s
        -v "$WORK/train-secrets:/run/secrets:ro")
    docker run --rm --network "$net" "${env[@]}" "$image" db migrate /app/config.yml > "$LOG_DIR/train-migrate.log" 2>&1 \
        || { tail -n 20 "$LOG_DIR/train-migrate.log" >&2; return 1; }
    # The image's own command line, with the cache written instead of read. More memory than the
    # stack gives a replica (512 MB): when the JVM exits, a child JVM assembles the cache beside it.
    docker run -d --name "$net-api" --network "$net" "${env[@]}" -v "$out:/aot" --memory 1536m \
        --entrypoint /opt/java/bin/java "$image" \
        @/app/jvm.options -XX:AOTCacheOutput=/aot/app.aot -jar /app/prodstack-service.jar server /app/config.yml > /dev/null
    ip="$(docker inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" "$net-api")"
    wait_for 120 curl -fsS -o /dev/null "http://$ip:8000/health" \
        || { docker logs "$net-api" 2>&1 | tail -n 30; return 1; }
    started=$SECONDS
    training_requests "http://$ip:8000" "$out"
    info "training requests done in $(elapsed "$started")"
    # SIGTERM: the JVM exits, then assembles the cache (a child JVM; seconds to a minute).
    docker stop -t 300 "$net-api" > /dev/null
    docker logs "$net-api" > "$LOG_DIR/train-api.log" 2>&1
    local status
    status="$(docker inspect -f '{{.State.ExitCode}} OOMKilled={{.State.OOMKilled}}' "$net-api")"
    if [[ ! -s "$out/app.aot" ]]; then
        grep -v 'Skipping' "$LOG_DIR/train-api.log" | tail -n 30 >&2
        warn "the training run wrote no AOT cache (exit $status; log: $LOG_DIR/train-api.log)"
        return 1
    fi
}

# The clean-up of a training run (build-images.sh's exit trap calls it too).
train_cleanup() {
    [[ -n "${TRAIN_NET:-}" ]] || return 0
    docker rm -f "$TRAIN_NET-api" "$TRAIN_NET-db" "$TRAIN_NET-cache" > /dev/null 2>&1 || true
    docker network rm "$TRAIN_NET" > /dev/null 2>&1 || true
    TRAIN_NET=''
}

# wait_for SECONDS COMMAND...: retries COMMAND every half second until it succeeds.
wait_for() {
    local until=$((SECONDS + $1))
    shift
    until "$@" > /dev/null 2>&1; do
        [[ $SECONDS -lt $until ]] || return 1
        sleep 0.5
    done
}

# training_requests URL DIR: the workload, as curl config files run with --parallel (one curl
# process per round). Three rounds, so the JIT sees each path many times.
training_requests() {
    local url="$1" dir="$2" round id token
    token="$(cat "$WORK/train-secrets/db_password")"
    for round in 1 2 3; do
        {
            for id in $(seq 1 300); do
                printf 'url = "%s/users"\nrequest = "POST"\nheader = "Content-Type: application/json"\n' "$url"
                printf 'data = "{\\"username\\":\\"train%s_%s\\",\\"email\\":\\"train%s_%s@example.com\\"}"\noutput = "/dev/null"\n' \
                    "$round" "$id" "$round" "$id"
            done
        } > "$dir/post.curl"
        curl -sS --no-progress-meter --parallel --parallel-max 8 -K "$dir/post.curl" || true
        {
            for id in $(seq 1 $((round * 300))); do
                printf 'url = "%s/users/%s"\noutput = "/dev/null"\n' "$url" "$id"
                printf 'url = "%s/users/%s"\noutput = "/dev/null"\n' "$url" "$id"
                printf 'url = "%s/users?limit=50&after=%s"\noutput = "/dev/null"\n' "$url" "$id"
            done
            for id in $(seq 1 100); do
                printf 'url = "%s/health"\noutput = "/dev/null"\n' "$url"
                printf 'url = "%s/users/%s"\nrequest = "PATCH"\nheader = "Content-Type: application/json"\nheader = "Authorization: Bearer %s"\ndata = "{\\"email\\":\\"patched%s_%s@example.com\\"}"\noutput = "/dev/null"\n' \
                    "$url" "$id" "$token" "$round" "$id"
                printf 'url = "%s/users/not-a-number"\noutput = "/dev/null"\n' "$url"
                printf 'url = "%s/users"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "{\\"username\\":\\"\\"}"\noutput = "/dev/null"\n' "$url"
                printf 'url = "%s/users/%s"\nrequest = "DELETE"\noutput = "/dev/null"\n' "$url" "$id"
            done
            printf 'url = "%s/%s"\noutput = "/dev/null"\n' "$url" "" "$url" metrics "$url" cache/stats "$url" openapi.json "$url" docs
        } > "$dir/read.curl"
        curl -sS --no-progress-meter --parallel --parallel-max 8 -K "$dir/read.curl" || true
    done
    rm -f "$dir/post.curl" "$dir/read.curl"
}
