# shellcheck shell=bash
# The api image (deployment/Dockerfile) from the jar Maven built on the host, for
# scripts/build-images.sh. Sourced by build-images.sh after lock.sh, cache.sh and records.sh;
# uses its ROOT, JAR, SOURCE, LOG_DIR, STEP, TOTAL, OFFICIAL, DRY_RUN and RESOLVED.

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
    hash="$(content_hash "$ROOT/deployment/Dockerfile" "$ROOT/.dockerignore" "$ROOT/$JAR" \
        "$ROOT/service/config.yml" -- "$(image_id "$jdk")" "$(image_id "$runtime")" "${args[@]}")"
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
    if ! docker build --force-rm -f "$ROOT/deployment/Dockerfile" "${args[@]}" --label "$HASH_LABEL=$hash" \
            -t "$image" "$ROOT" > "$LOG_DIR/api.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/api.log"
        exit 1
    fi
    ok "$line built in $(elapsed "$start")${stale:+ (was behind the mirror: $stale)}"
}
