# shellcheck shell=bash
# The base image of the offline set, prodstack/debian:$DEBIAN_RELEASE, for
# scripts/build-images.sh: debootstrap, import, slim, upgrade to the newest published versions.
# Sourced by build-images.sh after lock.sh, cache.sh and records.sh; uses its BASE_IMAGE,
# IMAGES_DIR, SOURCES, RELEASE_MIRROR, WORK, LOG_DIR, RESOLVED, STEP, TOTAL, DRY_RUN and
# REBOOTSTRAP, and sets CONTAINER and ROOTFS (for its cleanup) and BASE_CHANGES (for the
# recipes' dry run).

# run_in_base IMAGE "SCRIPT..." FILE... [-- DOCKER_ARG...]: runs the deployment/images/SCRIPTs one
# after the other as root in a new container of IMAGE, with them, the FILEs and the sources in
# /tmp/prodstack; the stopped container stays in $CONTAINER (for an export).
run_in_base() {
    local image="$1" scripts="$2" script paths=() docker_args=()
    shift 2
    rm -rf "$WORK/stage"
    mkdir -p "$WORK/stage"
    cp "$SOURCES" "$WORK/stage/"
    for script in $scripts; do
        cp "$IMAGES_DIR/$script" "$WORK/stage/"
        paths+=("/tmp/prodstack/${script##*/}")
    done
    while [[ $# -gt 0 ]]; do
        if [[ "$1" == -- ]]; then shift; docker_args=("$@"); break; fi
        cp "$1" "$WORK/stage/"
        shift
    done
    CONTAINER="prodstack-build-images-$$-$RANDOM"
    # shellcheck disable=SC2016 # expanded by the container's shell
    docker create --name "$CONTAINER" -u 0 "${docker_args[@]}" "$image" \
        /bin/sh -c 'set -e; for s in "$@"; do sh "$s"; done' sh "${paths[@]}" > /dev/null
    docker cp "$WORK/stage/." "$CONTAINER:/tmp/prodstack"
    docker start -a "$CONTAINER"
}

base_hash() { content_hash "$IMAGES_DIR/base" -- "$(cat "$SOURCES")"; }

# ensure_base: a base to resolve in. When there is none (or with --rebootstrap): debootstrap
# --variant=minbase from the host's mirror, imported, slimmed like debian:$DEBIAN_RELEASE-slim,
# pointed at the three suites and upgraded to the newest published versions.
ensure_base() {
    local start raw line="[base] $BASE_IMAGE ..."
    if [[ -n "$(image_id "$BASE_IMAGE")" ]] && ! $REBOOTSTRAP; then return 0; fi
    if $DRY_RUN; then
        info "$line would debootstrap $DEBIAN_RELEASE and import it; nothing more can be said without it"
        exit 0
    fi
    [[ "$(id -u)" == 0 ]] || die "debootstrap needs root: run as root (or sudo) to create $BASE_IMAGE"
    require_cmd debootstrap
    start=$SECONDS
    ROOTFS="$(mktemp -d /var/tmp/prodstack-base.XXXXXX)"
    raw="prodstack/debian:$DEBIAN_RELEASE-raw"
    if ! { debootstrap --variant=minbase "$DEBIAN_RELEASE" "$ROOTFS/rootfs" "$RELEASE_MIRROR" \
            && tar -C "$ROOTFS/rootfs" -c . | docker import - "$raw"; } > "$LOG_DIR/base.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/base.log"
        exit 1
    fi
    rm -rf "$ROOTFS"
    ROOTFS=''
    : > "$WORK/locked"
    import_base "$raw" "$line" || exit 1
    docker rmi "$raw" > /dev/null 2>&1 || true
    ok "$line bootstrapped in $(elapsed "$start")"
}

# import_base FROM LINE: slim.sh and upgrade.sh (to $WORK/locked, or the newest versions when it
# is empty) in a container of FROM, exported and imported again as the base, so that nothing
# slim.sh removes stays in a layer. The previous base stays for whatever was built on it.
import_base() {
    if ! { run_in_base "$1" "base/slim.sh base/upgrade.sh" "$WORK/locked" "$IMAGES_DIR/base/install-packages" \
            && docker export "$CONTAINER" | docker import \
                --change 'CMD ["bash"]' \
                --change "LABEL $HASH_LABEL=$(base_hash)" \
                --change "LABEL org.opencontainers.image.title=prodstack/debian org.opencontainers.image.version=$DEBIAN_RELEASE" \
                --change "LABEL org.opencontainers.image.description=\"Debian $DEBIAN_RELEASE minbase (debootstrap), slimmed like debian:$DEBIAN_RELEASE-slim, with the updates and security suites\"" \
                - "$BASE_IMAGE"; } >> "$LOG_DIR/base.log" 2>&1; then
        fail_with_log "$2" "$LOG_DIR/base.log"
        return 1
    fi
    docker rm -f "$CONTAINER" > /dev/null
    CONTAINER=''
}

# build_base: the base brought to the resolved versions, in place, when its recipe or sources
# changed or the mirror published a newer version of one of its packages.
build_base() {
    local line stale start
    STEP=$((STEP + 1))
    line="[$STEP/$TOTAL] $BASE_IMAGE ..."
    stale="$(stale_packages --all "$BASE_IMAGE" base)"
    if [[ "$(image_hash "$BASE_IMAGE")" == "$(base_hash)" && -z "$stale" ]]; then
        info "$line up to date"
        return
    fi
    if $DRY_RUN; then
        # shellcheck disable=SC2034 # build-images.sh state, read by recipes.sh
        BASE_CHANGES=true
        info "$line would be updated in place ($(printf '%s\n' "$stale" | grep -c . || true) package(s) behind the mirror)"
        return
    fi
    start=$SECONDS
    resolved_of base | tr ' ' '\n' > "$WORK/locked"
    import_base "$BASE_IMAGE" "$line" || exit 1
    ok "$line updated in $(elapsed "$start")${stale:+ ($(printf '%s\n' "$stale" | wc -l) package(s) were behind the mirror)}"
}
