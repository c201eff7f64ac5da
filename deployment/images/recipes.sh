# shellcheck shell=bash
# The offline images of deployment/images/<name>/ (the exporters: exporter/, one stage each),
# for scripts/build-images.sh: build arguments from the resolved versions (mirror.sh) and
# exporter/exporters, JOBS builds at a time. The recipe list is lock.sh's RECIPES: a new recipe
# is a directory and one word there. Sourced by build-images.sh after lock.sh, cache.sh,
# records.sh and mirror.sh; uses its BASE_IMAGE, SOURCE, LOG_DIR, STEP, TOTAL, JOBS, DRY_RUN,
# BASE_CHANGES and selected.

# recipe_args NAME VERSION: the build arguments of one offline image, one per line ("--label
# KEY=VALUE" for its OCI labels, which every recipe shares and so no Dockerfile repeats).
recipe_args() {
    local name="$1" image
    image="$(image_of "$name")"
    printf '%s\n' "BASE_IMAGE=$BASE_IMAGE" "LOCKED=$(resolved_of "$name")" \
        "--label org.opencontainers.image.title=${image%:*}" \
        "--label org.opencontainers.image.version=$2" \
        "--label org.opencontainers.image.source=$SOURCE" \
        "--label org.opencontainers.image.base.name=$BASE_IMAGE"
    if is_exporter "$name"; then
        printf '%s\n' "IMAGE_VERSION=$2" "PACKAGE=$(exporter_field "$name" 2)" "BINARY=$(exporter_field "$name" 3)" \
            "USER_ID=$(exporter_field "$name" 4)" "PORT=$(exporter_field "$name" 5)" \
            "HEALTH_PATH=$(exporter_field "$name" 6)" \
            "DESCRIPTION=$(exporter_field "$name" 7) (Debian), port $(exporter_field "$name" 5)"
    fi
}

# build_recipe STEP NAME: one offline image; prints one line; non-zero on failure. It is up to
# date when its content hash (recipe, base, build arguments with the resolved versions) is the
# one it was built with and it holds every resolved version: an image cached on this machine
# that lacks a version the mirror published since is rebuilt, whoever built it.
build_recipe() {
    local step="$1" name="$2" dir image line base_id hash start arg prepare stale=''
    local args=() build=()
    dir="$(recipe_dir "$name")"
    image="$(image_of "$name")"
    line="[$step/$TOTAL] $image ..."
    base_id="$(image_id "$BASE_IMAGE")"
    if $BASE_CHANGES || { [[ -z "$base_id" ]] && $DRY_RUN; }; then
        info "$line would build (on the new base)"
        return 0
    fi
    if [[ -z "$base_id" ]]; then
        warn "$line FAILED: $BASE_IMAGE is missing (scripts/build-images.sh --only base)"
        return 1
    fi
    # A recipe's prepare.sh puts into its folder what the Dockerfile copies from outside the
    # repository (lock.sh, recipe_prepare); it runs before the hash, which covers the result.
    prepare="$(recipe_prepare "$name")"
    if [[ -n "$prepare" ]] && ! $DRY_RUN && ! bash "$prepare" > "$LOG_DIR/$name.prepare.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/$name.prepare.log"
        return 1
    fi
    mapfile -t args < <(recipe_args "$name" "$(resolved_tag "$name")")
    hash="$(content_hash "$dir" -- "$base_id" "${args[@]}")"
    if [[ -n "$(image_id "$image")" ]]; then
        stale="$(stale_packages --all "$image" base "$name" | head -n 3 \
            | awk '{ printf "%s%s %s -> %s", sep, $1, $2, $3; sep = ", " }')"
    fi
    if [[ "$(image_hash "$image")" == "$hash" && -z "$stale" ]]; then
        info "$line up to date"
        return 0
    fi
    if $DRY_RUN; then
        info "$line would build from ${dir#"$ROOT"/}${stale:+ (behind the mirror: $stale)}"
        return 0
    fi
    for arg in "${args[@]}"; do
        if [[ "$arg" == "--label "* ]]; then build+=(--label "${arg#--label }"); else build+=(--build-arg "$arg"); fi
    done
    if is_exporter "$name"; then build+=(--target "$name"); fi
    start=$SECONDS
    if ! docker build --force-rm "${build[@]}" --label "$HASH_LABEL=$hash" -t "$image" "$dir" \
            > "$LOG_DIR/$name.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/$name.log"
        return 1
    fi
    ok "$line built in $(elapsed "$start")${stale:+ (was behind the mirror: $stale)}"
}

# The offline images, JOBS at a time; each prints its own line when done.
build_recipes() {
    local name running=0 status=0
    for name in "${RECIPES[@]}"; do
        selected "$name" || continue
        STEP=$((STEP + 1))
        if $DRY_RUN; then
            build_recipe "$STEP" "$name" || status=1
            continue
        fi
        if [[ "$running" -ge "$JOBS" ]]; then
            wait -n || status=1
            running=$((running - 1))
        fi
        build_recipe "$STEP" "$name" &
        running=$((running + 1))
    done
    while [[ "$running" -gt 0 ]]; do
        wait -n || status=1
        running=$((running - 1))
    done
    [[ "$status" == 0 ]] || die "some images failed to build; logs in $LOG_DIR"
}
