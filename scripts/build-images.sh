#!/usr/bin/env bash
# Builds the offline image set (deployment/images/) and the api image (deployment/Dockerfile)
# from the package versions of deployment/images/versions.lock, and refreshes that lock.
# Every image is cached by content: a hash of its recipe, the base image id, the apt sources
# and the build arguments (its locked packages among them) is stored in the image label
# dev.prodstack.recipe-hash, and an image whose label matches is not rebuilt.
# See deployment/images/README.md.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
ROOT="$PRODSTACK_ROOT"
IMAGES_DIR="$ROOT/deployment/images"
# shellcheck source=deployment/images/lock.sh
source "$IMAGES_DIR/lock.sh"
# shellcheck source=deployment/images/refresh.sh
source "$IMAGES_DIR/refresh.sh"
BASE_IMAGE="prodstack/debian:bookworm"
HASH_LABEL="dev.prodstack.recipe-hash"
JAR="service/target/prodstack-service.jar"

usage() {
    cat <<EOF
Usage: scripts/build-images.sh [options]

Builds, in this order and skipping whatever is up to date:
  base   $BASE_IMAGE: debootstrap --variant=minbase bookworm + docker import, slimmed
         by base/slim.sh, its packages brought to the lock's versions by base/upgrade.sh
  ${RECIPES[*]}
         the offline images of deployment/images/<name>/ (the exporters: exporter/), tagged
         as in offline.env, installing exactly the package versions of versions.lock
  api    prodstack/api:\$VERSION from deployment/Dockerfile and $JAR
         (run "mvn -B package -pl service -am -DskipTests" first)
Packages come from the release, -updates and -security suites of the build machine's own
Debian mirror (deployment/images/debian-sources.sh reads it from the host's apt configuration).

Options:
  --refresh-lock         resolve the newest published versions of every image's packages,
                         rewrite versions.lock (and the tags of offline.env), print what
                         changed (image package: old -> new), then build what changed and
                         record the image ids; official digests where a registry answers
  --only NAME[,NAME...]  build only these (base, a recipe name, api); repeatable
  --skip-api             everything but the api image
  --official             only the api image, on the official bases of official.env
                         (eclipse-temurin:17-jdk, debian:bookworm-slim): needs a registry
  --rebootstrap          debootstrap the base again even if it exists
  --jobs N               offline images built at the same time (default: \${BUILD_JOBS:-2})
  --dry-run              say what would be built (with --refresh-lock: what would change)
  -h, --help             this text

Environment: VERSION (default: the root pom's version), REVISION, CREATED, SOURCE (OCI labels
of the api image; default: git HEAD, its commit time, the git remote), BUILD_JOBS,
DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR (instead of the host's mirrors).
EOF
}

# --- options -----------------------------------------------------------------------------

DRY_RUN=false
OFFICIAL=false
SKIP_API=false
REFRESH=false
REBOOTSTRAP=false
JOBS="${BUILD_JOBS:-2}"
ONLY=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --dry-run) DRY_RUN=true ;;
        --official) OFFICIAL=true ;;
        --skip-api) SKIP_API=true ;;
        --refresh-lock) REFRESH=true ;;
        --rebootstrap) REBOOTSTRAP=true ;;
        --only)
            [[ $# -ge 2 ]] || usage_error "--only needs a name"
            IFS=',' read -r -a names <<< "$2"
            ONLY+=("${names[@]}")
            shift ;;
        --only=*) IFS=',' read -r -a names <<< "${1#--only=}"; ONLY+=("${names[@]}") ;;
        --jobs)
            [[ $# -ge 2 ]] || usage_error "--jobs needs a number"
            JOBS="$2"
            shift ;;
        --jobs=*) JOBS="${1#--jobs=}" ;;
        *) usage_error "unknown option: $1" ;;
    esac
    shift
done

[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || usage_error "--jobs must be a positive number, not '$JOBS'"
for name in "${ONLY[@]}"; do
    case " base api ${RECIPES[*]} " in
        *" $name "*) ;;
        *) usage_error "unknown image '$name' for --only; known: base ${RECIPES[*]} api" ;;
    esac
done
if $OFFICIAL && { [[ ${#ONLY[@]} -gt 0 ]] || $REFRESH; }; then
    usage_error "--official builds the api image only; it does not combine with --only or --refresh-lock"
fi
if $REFRESH && [[ ${#ONLY[@]} -gt 0 ]]; then
    usage_error "--refresh-lock resolves the whole set; it does not combine with --only"
fi

# selected NAME: whether this run builds NAME.
selected() {
    if $OFFICIAL; then
        [[ "$1" == api ]]
        return
    fi
    if [[ ${#ONLY[@]} -gt 0 ]]; then
        case " ${ONLY[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac
    fi
    if [[ "$1" == api ]] && $SKIP_API; then
        return 1
    fi
    return 0
}

# --- helpers -----------------------------------------------------------------------------

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
image_hash() { docker image inspect -f "{{index .Config.Labels \"$HASH_LABEL\"}}" "$1" 2>/dev/null || true; }

# content_hash PATH... -- EXTRA...: sha256 over the files under each PATH (relative names,
# modes, contents) and the EXTRA strings (base image ids, sources, build arguments).
content_hash() {
    local path
    {
        while [[ $# -gt 0 && "$1" != -- ]]; do
            path="$1"
            shift
            if [[ -d "$path" ]]; then
                (cd "$path" && find . -type f -printf '%m %p\n' | LC_ALL=C sort \
                    && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
            else
                printf '%s\n' "${path#"$ROOT"/}"
                sha256sum < "$path"
            fi
        done
        [[ $# -gt 0 ]] && shift
        printf '%s\n' "$@"
    } | sha256sum | cut -d' ' -f1
}

elapsed() { printf '%ds' $(( SECONDS - $1 )); }

# fail_with_log STEP_LINE LOG: report a failed step with the end of its log; a locked version
# that the mirror no longer publishes gets the way out.
fail_with_log() {
    warn "$1 FAILED (full log: $2)"
    tail -n 25 "$2" | sed 's/^/    /' >&2
    if grep -q "E: Version '.*' for '.*' was not found" "$2"; then
        warn "a version of versions.lock is no longer published: run scripts/build-images.sh --refresh-lock"
    fi
}

# Scratch files go with the run; the logs stay when something failed (fail_with_log names them).
WORK="$(mktemp -d "${TMPDIR:-/tmp}/prodstack-build-images.XXXXXX")"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/prodstack-build-images-logs.XXXXXX")"
ROOTFS=''
CONTAINER=''
cleanup() {
    if [[ -n "$CONTAINER" ]]; then docker rm -f "$CONTAINER" > /dev/null 2>&1 || true; fi
    if [[ -n "$ROOTFS" ]]; then rm -rf "$ROOTFS"; fi
    rm -rf "$WORK"
    rmdir "$LOG_DIR" 2> /dev/null || true
}
add_cleanup cleanup

# The apt sources every image installs from, derived from this machine's configuration.
SOURCES="$WORK/debian.sources"
"$IMAGES_DIR/debian-sources.sh" > "$SOURCES" || die "cannot derive the Debian apt sources (see deployment/images/debian-sources.sh --help)"
RELEASE_MIRROR="$("$IMAGES_DIR/debian-sources.sh" --mirrors | awk '$1 == "release" { print $2 }')"

# --- base --------------------------------------------------------------------------------

STEP=0
TOTAL=0
BASE_CHANGES=false
BASE_PINNED=true

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

# --- recipes -----------------------------------------------------------------------------

SOURCE="${SOURCE:-$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || echo unknown)}"

# recipe_args NAME TAG: the build arguments of one offline image, one per line.
recipe_args() {
    local name="$1"
    printf '%s\n' "BASE_IMAGE=$BASE_IMAGE" "SOURCE=$SOURCE" "IMAGE_VERSION=$2" "LOCKED=$(locked "$name")"
    if is_exporter "$name"; then
        printf '%s\n' "TITLE=$name" "PACKAGE=$(exporter_field "$name" 2)" "BINARY=$(exporter_field "$name" 3)" \
            "USER_ID=$(exporter_field "$name" 4)" "PORT=$(exporter_field "$name" 5)" \
            "HEALTH_PATH=$(exporter_field "$name" 6)" \
            "DESCRIPTION=$(exporter_field "$name" 7) ${2%.*} (Debian bookworm), port $(exporter_field "$name" 5)"
    fi
}

# build_recipe STEP NAME: one offline image; prints one line; non-zero on failure.
build_recipe() {
    local step="$1" name="$2" dir image tag want line base_id hash start arg prepare
    local args=() build=()
    dir="$(recipe_dir "$name")"
    image="$(image_of "$name")"
    tag="${image##*:}"
    line="[$step/$TOTAL] $image ..."
    # The tag is the upstream version of the recipe's first package, as locked.
    want="$(locked_tag "$name")"
    if [[ -z "$(locked "$name")" ]]; then
        warn "$line FAILED: versions.lock has no packages for $name (scripts/build-images.sh --refresh-lock)"
        return 1
    fi
    if [[ "$want" != "$tag" ]]; then
        warn "$line FAILED: offline.env tags it $tag, versions.lock installs $want (scripts/build-images.sh --refresh-lock rewrites the tags)"
        return 1
    fi
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
    mapfile -t args < <(recipe_args "$name" "$tag")
    hash="$(content_hash "$dir" -- "$base_id" "${args[@]}")"
    if [[ "$(image_hash "$image")" == "$hash" ]]; then
        info "$line up to date"
        return 0
    fi
    if $DRY_RUN; then
        info "$line would build from ${dir#"$ROOT"/}"
        return 0
    fi
    for arg in "${args[@]}"; do build+=(--build-arg "$arg"); done
    if is_exporter "$name"; then build+=(--target "$name"); fi
    start=$SECONDS
    if ! docker build --force-rm "${build[@]}" --label "$HASH_LABEL=$hash" -t "$image" "$dir" \
            > "$LOG_DIR/$name.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/$name.log"
        return 1
    fi
    ok "$line built in $(elapsed "$start")"
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

# --- api ---------------------------------------------------------------------------------

project_version() {
    sed -n '0,/<artifactId>prodstack-parent<\/artifactId>/d; s:.*<version>\(.*\)</version>.*:\1:p' \
        "$ROOT/pom.xml" | head -n 1
}

# The api image from the jar Maven built on the host, on the offline bases (or the official
# ones with --official, where debian:bookworm-slim gets the runtime's locked busybox-static and tini).
build_api() {
    local version revision created env_file jdk runtime image line hash start arg pkg
    STEP=$((STEP + 1))
    version="${VERSION:-$(project_version)}"
    [[ -n "$version" ]] || die "cannot read the project version from pom.xml; set VERSION"
    image="prodstack/api:$version"
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
    for pkg in busybox-static tini; do
        arg="$(locked_version runtime "$pkg")"
        if [[ -n "$arg" ]]; then args+=(--build-arg "$(printf '%s_VERSION' "$pkg" | tr 'a-z-' 'A-Z_')=$arg"); fi
    done
    hash="$(content_hash "$ROOT/deployment/Dockerfile" "$ROOT/.dockerignore" "$ROOT/$JAR" \
        "$ROOT/service/config.yml" -- "$(image_id "$jdk")" "$(image_id "$runtime")" "${args[@]}")"
    if [[ "$(image_hash "$image")" == "$hash" ]]; then
        info "$line up to date"
        return
    fi
    if $DRY_RUN; then
        info "$line would build on $jdk + $runtime"
        return
    fi
    start=$SECONDS
    if ! docker build --force-rm -f "$ROOT/deployment/Dockerfile" "${args[@]}" --label "$HASH_LABEL=$hash" \
            -t "$image" "$ROOT" > "$LOG_DIR/api.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/api.log"
        exit 1
    fi
    ok "$line built in $(elapsed "$start")"
}

# --- main --------------------------------------------------------------------------------

require_cmd docker
docker info > /dev/null 2>&1 || die "the Docker engine is not reachable (is dockerd running?)"
if ! $OFFICIAL && ! $REFRESH && [[ ! -f "$LOCK_FILE" ]]; then
    die "deployment/images/versions.lock is missing: scripts/build-images.sh --refresh-lock creates it"
fi

started=$SECONDS
if $REFRESH; then
    refresh_lock
    if $DRY_RUN; then
        info "dry run: versions.lock unchanged, nothing built"
        exit 0
    fi
fi
for name in base "${RECIPES[@]}" api; do
    if selected "$name"; then TOTAL=$((TOTAL + 1)); fi
done
[[ "$TOTAL" -gt 0 ]] || die "nothing to build"
step "building ${TOTAL} image(s)"
if selected base; then build_base; fi
build_recipes
if $REFRESH; then record_ids; ok "recorded the image ids in versions.lock"; fi
if selected api; then build_api; fi
rm -rf "$LOG_DIR"
if $DRY_RUN; then
    info "dry run: nothing was built"
else
    ok "done in $(elapsed "$started"); use the offline set with: scripts/stack.sh up --offline"
fi
