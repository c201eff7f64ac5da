# shellcheck shell=bash
# The read set: at least N users named bench_seed_<n>, inserted by one INSERT ... SELECT
# generate_series in the db container's psql (under a second, where N POSTs through the api
# would take minutes and, through the edge, meet the rate limit; the table's CHECK and UNIQUE
# constraints still apply). Idempotent: existing bench_seed_ users are kept and counted.
# Then every id is read once from each api replica, so the cache holds the whole set.

_bench_psql() {
    docker exec -i "$BENCH_DB_ID" psql -X -q -t -A -v ON_ERROR_STOP=1 -U prodstack -d prodstack -c "$1"
}

# bench_seed N IDS_FILE: makes sure N seeded users exist and writes their ids, one a line.
bench_seed() {
    local want=$1 ids_file=$2 have pattern="'^bench_seed_[0-9]+\$'"
    have="$(_bench_psql "SELECT count(*) FROM users WHERE username ~ $pattern")" \
        || die "cannot query the users table in the db container (is the migration done?)"
    if (( have >= want )); then
        ok "seeded set present: $have users named bench_seed_<n>"
    else
        step "seeding $want users (INSERT ... SELECT generate_series via psql in the db container; $have present)"
        run _bench_psql "INSERT INTO users (username, email)
            SELECT 'bench_seed_' || g, 'bench_seed_' || g || '@bench.example' FROM generate_series(1, $want) AS g
            ON CONFLICT DO NOTHING; ANALYZE users;" || die "seeding failed"
    fi
    [[ "$DRY_RUN" == true ]] && return 0
    _bench_psql "SELECT id FROM users WHERE username ~ $pattern ORDER BY id LIMIT $want" >"$ids_file"
    have="$(wc -l <"$ids_file")"
    (( have >= want )) || die "only $have seeded users after seeding, wanted $want"
}

# bench_warm IDS_FILE URL...: GET /users/<id> for every id on every api replica (curl, 16 in
# parallel on kept-alive connections). A cold replica may refuse the first burst (503 while
# its database pool opens): those ids are read once more, one at a time; then every answer
# must be 200.
bench_warm() {
    local ids_file=$1 url config answers failed
    shift
    [[ "$DRY_RUN" == true ]] && { info "[dry-run] would GET every seeded id once on: $*"; return 0; }
    config="$BENCH_DIR/runs/.warm.curl"
    for url in "$@"; do
        awk -v base="$url" '{printf "url = \"%s/users/%s\"\noutput = \"/dev/null\"\n", base, $1}' "$ids_file" >"$config"
        answers="$(curl -sS --no-progress-meter --parallel --parallel-max 16 --max-time 30 -K "$config" \
            -w '%{http_code} %{url_effective}\n')" || true
        failed="$(awk '$1 != 200 {print "url = \"" $2 "\"\noutput = \"/dev/null\""}' <<<"$answers")"
        if [[ -n "$failed" ]]; then
            info "$(grep -c '^url' <<<"$failed") ids not read on the first pass ($(awk '$1 != 200 {print $1}' <<<"$answers" | sort | uniq -c | tr -s ' \n' ' ')); reading them again"
            sleep 1
            answers="$(curl -sS --no-progress-meter --max-time 30 -K - -w '%{http_code} %{url_effective}\n' <<<"$failed")" || true
            failed="$(awk '$1 != 200' <<<"$answers")"
            [[ -z "$failed" ]] || die "warming through $url: $(wc -l <<<"$failed") ids still not 200, e.g. $(head -n 1 <<<"$failed")"
        fi
        ok "cache warm: $(wc -l <"$ids_file") ids read through $url"
    done
    rm -f "$config"
}

# bench_refresh IDS_FILE URL: the read set's cache entries dropped in the cache container and
# read again through URL, so that each lives a whole TTL from now. Entries filled together
# also expire together, within the api's tenth of jitter (a hit does not extend a TTL: it
# bounds how long a missed invalidation lasts): without this, the set filled before round 1
# expires 270-300 s later, in the last round or the cold replica's samples, and those would
# measure Postgres misses, not hits.
bench_refresh() {
    local ids_file=$1 url=$2 prefix
    [[ "$DRY_RUN" == true ]] && { info "[dry-run] would drop and read again the read set's cache entries through $url"; return 0; }
    [[ -n "$BENCH_CACHE_ID" ]] || { warn "no cache container found: the read set's cache entries are not refreshed"; return 0; }
    # The prefix of service/config.yml (cache.keyPrefix, the same in the image).
    prefix="$(awk -F'"' '/^ *keyPrefix:/ {print $2; exit}' "$PRODSTACK_ROOT/service/config.yml")"
    [[ -n "$prefix" ]] || die "no cache.keyPrefix in service/config.yml"
    awk -v p="$prefix" '{print "UNLINK " p $1}' "$ids_file" \
        | REDISCLI_AUTH="$(cat "$SECRETS_DIR/cache_password")" docker exec -i -e REDISCLI_AUTH "$BENCH_CACHE_ID" \
            redis-cli -h 127.0.0.1 --user prodstack >/dev/null \
        || die "could not drop the read set's entries in the cache container"
    bench_warm "$ids_file" "$url"
}
