# shellcheck shell=bash
# --refresh-lock of scripts/build-images.sh: resolves the newest published versions of every
# image's packages, rewrites versions.lock and the tags of offline.env, prints what changed,
# pins the official images by digest where a registry answers, and records the image ids
# after the build. Sourced by build-images.sh after lock.sh; uses its run_in_base, build_base
# and the WORK, LOG_DIR, BASE_IMAGE, CONTAINER, DRY_RUN and BASE_* variables.

# resolve_lock OUT: the newest versions of every image's packages, from the configured suites,
# resolved in a throw-away container of the base (deployment/images/resolve.sh), written as a
# new lock (the old header and official entries kept) to OUT.
resolve_lock() {
    local out="$1" name
    for name in "${RECIPES[@]}"; do printf '%s %s\n' "$name" "$(recipe_packages "$name")"; done > "$WORK/recipes"
    if ! run_in_base "$BASE_IMAGE" resolve.sh "$WORK/recipes" > "$WORK/resolved" 2> "$WORK/resolve.log"; then
        cp "$WORK/resolve.log" "$LOG_DIR/"
        fail_with_log "resolving the newest versions" "$LOG_DIR/resolve.log"
        exit 1
    fi
    docker rm -f "$CONTAINER" > /dev/null
    CONTAINER=''
    {
        if [[ -f "$LOCK_FILE" ]]; then sed -n '/^#/p' "$LOCK_FILE"; fi
        { cat "$WORK/resolved"; if [[ -f "$LOCK_FILE" ]]; then awk '$2 == "@image"' "$LOCK_FILE"; fi; } \
            | LC_ALL=C sort -k1,1 -k2,2 -u
        if [[ -f "$LOCK_FILE" ]]; then awk '$1 == "official"' "$LOCK_FILE"; fi
    } > "$out"
    for name in base "${RECIPES[@]}"; do
        if ! grep -q "^$name " "$WORK/resolved"; then
            cp "$WORK/resolve.log" "$LOG_DIR/"
            die "resolving gave no packages for $name (log: $LOG_DIR/resolve.log)"
        fi
    done
}

# registry_digest REF: the manifest (list) digest of an image in its registry, where a tool
# and a registry answer; nothing otherwise.
registry_digest() {
    if docker buildx version > /dev/null 2>&1; then
        timeout 30 docker buildx imagetools inspect --format '{{.Manifest.Digest}}' "$1" 2>/dev/null && return
    fi
    if command -v skopeo > /dev/null; then
        timeout 30 skopeo inspect --format '{{.Digest}}' "docker://$1" 2>/dev/null && return
    fi
    return 0
}

# refresh_official LOCK: the digest of every official image's tag, into the lock and
# official.env (name:tag@digest); a tag no registry answers for keeps its recorded digest.
refresh_official() {
    local lock="$1" var value ref digest resolved=0 total=0
    while IFS='=' read -r var value; do
        [[ "$var" =~ ^[A-Z_]+_IMAGE$ ]] || continue
        total=$((total + 1))
        ref="${value%@*}"
        digest="$(registry_digest "$ref")"
        if [[ "$digest" == sha256:* ]]; then
            resolved=$((resolved + 1))
        else
            digest="$(awk -v var="$var" '$1 == "official" && $2 == var { print $4 }' "$lock")"
            digest="${digest:--}"
        fi
        set_lock_entry "$lock" official "$var" "$ref" "$digest"
    done < "$OFFICIAL_ENV"
    info "official images: $resolved of $total digests resolved from a registry"
}

# write_official_env LOCK: official.env's image lines from the lock (digest next to the tag).
write_official_env() {
    local var ref digest
    while read -r var ref digest; do
        if [[ "$digest" == sha256:* ]]; then ref="$ref@$digest"; fi
        set_env_value "$OFFICIAL_ENV" "$var" "$ref"
    done < <(awk '$1 == "official" { print $2, $3, $4 }' "$1")
}

# shellcheck disable=SC2034 # build-images.sh state, read by its build_base
refresh_lock() {
    local new="$WORK/versions.lock" changes name image tag want
    step "resolving the newest versions from the configured suites"
    if [[ -z "$(image_id "$BASE_IMAGE")" ]]; then
        BASE_PINNED=false
        TOTAL=1
        build_base
        BASE_PINNED=true
        BASE_CHANGES=false
        STEP=0
    fi
    local start=$SECONDS
    resolve_lock "$new"
    info "resolved in $(elapsed "$start")"
    $DRY_RUN || refresh_official "$new"
    if [[ -f "$LOCK_FILE" ]]; then changes="$(lock_changes "$LOCK_FILE" "$new")"
    else changes="$(lock_changes /dev/null "$new")"; fi
    if [[ -z "$changes" ]]; then
        ok "versions.lock is current: no newer version published"
    else
        info "changes (image package: old -> new):"
        printf '%s\n' "$changes" | sed 's/^/    /' >&2
    fi
    if $DRY_RUN; then return; fi
    # The ids of the images built from the old entries go stale with them.
    awk 'NR == FNR { if ($2 !~ /^@/) changed[$1] = 1; next }
        $2 == "@image" && ($1 in changed) { next } { print }' \
        <(printf '%s\n' "$changes" | tr -d ':') "$new" > "$WORK/ids" && cat "$WORK/ids" > "$new"
    cat "$new" > "$LOCK_FILE"
    write_official_env "$LOCK_FILE"
    for name in "${RECIPES[@]}"; do
        image="$(image_of "$name")"
        tag="${image##*:}"
        want="$(locked_tag "$name")"
        if [[ "$tag" != "$want" ]]; then
            set_env_value "$OFFLINE_ENV" "$(image_var "$name")" "${image%:*}:$want"
            info "offline.env: ${image%:*} $tag -> $want"
        fi
    done
    ok "wrote deployment/images/versions.lock"
}

# record_ids: the id of every image the lock describes, after the build.
record_ids() {
    local name image id
    for name in base "${RECIPES[@]}"; do
        if [[ "$name" == base ]]; then image="$BASE_IMAGE"; else image="$(image_of "$name")"; fi
        id="$(image_id "$image")"
        if [[ -n "$id" ]]; then set_lock_entry "$LOCK_FILE" "$name" @image "$id"; fi
    done
    sort_lock "$LOCK_FILE"
}

