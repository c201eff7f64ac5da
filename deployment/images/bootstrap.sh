# shellcheck shell=bash
# The base image of the offline set, prodstack/debian:bookworm, for scripts/build-images.sh:
# debootstrap, import, slim, upgrade to the lock. Sourced by build-images.sh after lock.sh and
# cache.sh; uses its BASE_IMAGE, IMAGES_DIR, SOURCES, RELEASE_MIRROR, WORK and LOG_DIR, the run's
# STEP, TOTAL, DRY_RUN and REBOOTSTRAP, and sets CONTAINER, ROOTFS (for its cleanup) and
# BASE_CHANGES (for the recipes' dry run); BASE_PINNED false (refresh.sh) unpins its packages.

# run_in_base IMAGE "SCRIPT..." FILE...: runs the deployment/images/SCRIPTs one after the other
# as root in a new container of IMAGE, with them, the FILEs and the sources in /tmp/prodstack;
# the stopped container stays in $CONTAINER (for an export).
run_in_base() {
    local image="$1" scripts="$2" script file paths=()
    shift 2
    rm -rf "$WORK/stage"
    mkdir -p "$WORK/stage"
    cp "$SOURCES" "$WORK/stage/"
    for script in $scripts; do
        cp "$IMAGES_DIR/$script" "$WORK/stage/"
        paths+=("/tmp/prodstack/${script##*/}")
    done
    for file in "$@"; do cp "$file" "$WORK/stage/"; done
    CONTAINER="prodstack-build-images-$$-$RANDOM"
    # shellcheck disable=SC2016 # expanded by the container's shell
    docker create --name "$CONTAINER" -u 0 "$image" /bin/sh -c 'set -e; for s in "$@"; do sh "$s"; done' \
        sh "${paths[@]}" > /dev/null
    docker cp "$WORK/stage/." "$CONTAINER:/tmp/prodstack"
    docker start -a "$CONTAINER"
}

# The base: a debootstrap of bookworm from the host's mirror, imported, slimmed like
# debian:bookworm-slim, pointed at the three suites and brought to the lock's versions. An
# existing base whose hash differs (new lock, new recipe) is updated in place, not bootstrapped.
build_base() {
    local line hash existing start raw
    STEP=$((STEP + 1))
    line="[$STEP/$TOTAL] $BASE_IMAGE ..."
    # Unpinned (only when --refresh-lock finds no base to resolve in), every package goes to the
    # newest published version.
    if $BASE_PINNED; then locked base > "$WORK/locked"; else : > "$WORK/locked"; fi
    hash="$(content_hash "$IMAGES_DIR/base" -- "$(cat "$SOURCES")" "$(cat "$WORK/locked")")"
    existing="$(image_id "$BASE_IMAGE")"
    if [[ -n "$existing" ]] && ! $REBOOTSTRAP && [[ "$(image_hash "$BASE_IMAGE")" == "$hash" ]]; then
        info "$line up to date"
        return
    fi
    if $DRY_RUN; then
        BASE_CHANGES=true
        if [[ -n "$existing" ]] && ! $REBOOTSTRAP; then info "$line would update the existing image"
        else info "$line would debootstrap bookworm and import it"; fi
        return
    fi
    start=$SECONDS
    raw="$BASE_IMAGE"
    if [[ -z "$existing" ]] || $REBOOTSTRAP; then
        [[ "$(id -u)" == 0 ]] || die "debootstrap needs root: run as root (or sudo) to create $BASE_IMAGE"
        require_cmd debootstrap
        ROOTFS="$(mktemp -d /var/tmp/prodstack-base.XXXXXX)"
        raw="prodstack/debian:bookworm-raw"
        if ! { debootstrap --variant=minbase bookworm "$ROOTFS/rootfs" "$RELEASE_MIRROR" \
                && tar -C "$ROOTFS/rootfs" -c . | docker import - "$raw"; } > "$LOG_DIR/base.log" 2>&1; then
            fail_with_log "$line" "$LOG_DIR/base.log"
            exit 1
        fi
        rm -rf "$ROOTFS"
        ROOTFS=''
    fi
    # Exported and imported again, so nothing slim.sh removes stays in a layer.
    if ! { run_in_base "$raw" "base/slim.sh base/upgrade.sh" "$WORK/locked" \
            && docker export "$CONTAINER" | docker import \
                --change 'CMD ["bash"]' \
                --change "LABEL $HASH_LABEL=$hash" \
                --change 'LABEL org.opencontainers.image.title=prodstack/debian org.opencontainers.image.version=bookworm' \
                --change 'LABEL org.opencontainers.image.description="Debian bookworm minbase (debootstrap), slimmed like debian:bookworm-slim, with the updates and security suites"' \
                - "$BASE_IMAGE"; } >> "$LOG_DIR/base.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/base.log"
        exit 1
    fi
    docker rm -f "$CONTAINER" > /dev/null
    CONTAINER=''
    # The raw import is ours; the previous base stays for whatever was built on it.
    if [[ "$raw" != "$BASE_IMAGE" ]]; then docker rmi "$raw" > /dev/null 2>&1 || true; fi
    if [[ "$raw" != "$BASE_IMAGE" ]]; then ok "$line bootstrapped in $(elapsed "$start")"
    else ok "$line updated in $(elapsed "$start")"; fi
}
