# shellcheck shell=bash
# The api image (deployment/api/Dockerfile) from the jar Maven built on the host, with the AOT
# cache of a training run of it (train.sh), for scripts/build-images.sh. Sourced by
# build-images.sh after lock.sh, cache.sh, records.sh and train.sh; uses its ROOT, JAR, SOURCE,
# WORK, LOG_DIR, STEP, TOTAL, OFFICIAL, DRY_RUN and RESOLVED.

# The api image from the jar Maven built on the host, on the offline bases (or the official
# ones with --official). It is rebuilt when its content hash changed (the jar, the Dockerfile,
# the ids of the two images it is assembled from) or when a package it carries is behind the
# version its source image got from the mirror.
build_api() {
    local version revision created env_file jdk runtime image line hash start arg stale=''
    STEP=$((STEP + 1))
    version="${VERSION:-$(project_version)}"
    [[ -n "$version" ]] || die "cannot read the project version from pom.xml; set VERSION"
    image="${API_IMAGE:-prodstack/api:$version}"
    line="[$STEP/$TOTAL] $image ..."
    [[ -f "$ROOT/$JAR" ]] || die "$JAR is missing: run mvn -B package -pl service -am -DskipTests first"
    env_file="$OFFLINE_ENV"
    if $OFFICIAL; then env_file="$OFFICIAL_ENV"; fi
    jdk="$(env_value "$env_file" JDK_IMAGE)"
    runtime="$(env_value "$env_file" RUNTIME_BASE_IMAGE)"
    if ! $OFFICIAL && ! $DRY_RUN; then
        for arg in "$jdk" "$runtime"; do
            [[ -n "$(image_id "$arg")" ]] || die "$arg is missing: run scripts/build-images.sh --skip-api first"
        done
    fi
    # Commit and commit time, not the clock: an unchanged tree gives an unchanged image.
    revision="${REVISION:-$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)}"
    created="${CREATED:-$(git -C "$ROOT" log -1 --format=%cI 2>/dev/null || echo unknown)}"
    local args=(--build-arg "JDK_IMAGE=$jdk" --build-arg "RUNTIME_BASE_IMAGE=$runtime"
        --build-arg "VERSION=$version" --build-arg "REVISION=$revision"
        --build-arg "CREATED=$created" --build-arg "SOURCE=$SOURCE")
    hash="$(content_hash "$ROOT/deployment/api" "$ROOT/deployment/images/train.sh" "$ROOT/.dockerignore" \
        "$ROOT/$JAR" "$ROOT/service/config.yml" -- "$(image_id "$jdk")" "$(image_id "$runtime")" "${args[@]}")"
    if ! $OFFICIAL && [[ -n "$(image_id "$image")" && -n "$RESOLVED" ]]; then
        stale="$(stale_packages "$image" base jdk runtime | head -n 3 \
            | awk '{ printf "%s%s %s -> %s", sep, $1, $2, $3; sep = ", " }')"
    fi
    if [[ "$(image_hash "$image")" == "$hash" && -z "$stale" ]]; then
        info "$line up to date"
        return
    fi
    if $DRY_RUN; then
        info "$line would build on $jdk + $runtime${stale:+ (behind the mirror: $stale)}"
        return
    fi
    start=$SECONDS
    local untrained="prodstack-build/api-untrained:$$"
    if ! docker build --force-rm -f "$ROOT/deployment/api/Dockerfile" --target app "${args[@]}" \
            -t "$untrained" "$ROOT" > "$LOG_DIR/api.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/api.log"
        exit 1
    fi
    if ! train_api "$untrained" "$WORK/aot" "$(env_value "$env_file" POSTGRES_IMAGE)" \
            "$(env_value "$env_file" REDIS_IMAGE)" >> "$LOG_DIR/api.log" 2>&1; then
        train_cleanup
        docker rmi "$untrained" > /dev/null 2>&1 || true
        fail_with_log "$line" "$LOG_DIR/api.log"
        die "the training run that makes the AOT cache of $image failed (log: $LOG_DIR/api.log)"
    fi
    train_cleanup
    # The cache added in a layer of its own: the image the training ran, plus app.aot.
    printf 'FROM %s\nCOPY --chown=0:0 --chmod=0444 app.aot /app/app.aot\n' "$untrained" > "$WORK/aot/Dockerfile"
    if ! docker build --force-rm --label "$HASH_LABEL=$hash" -t "$image" "$WORK/aot" >> "$LOG_DIR/api.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/api.log"
        exit 1
    fi
    docker rmi "$untrained" > /dev/null 2>&1 || true
    ok "$line built in $(elapsed "$start"), AOT cache $(( $(stat -c %s "$WORK/aot/app.aot") / 1048576 )) MB${stale:+ (was behind the mirror: $stale)}"
}
