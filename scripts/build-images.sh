#!/usr/bin/env bash
# Builds the offline image set (deployment/images/) and the api image (deployment/Dockerfile).
# Every image is cached by content: a hash of its recipe folder, the base image id and the
# build arguments is stored in the image label dev.prodstack.recipe-hash, and an image whose
# label matches is not rebuilt. See deployment/images/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGES_DIR="$ROOT/deployment/images"
OFFLINE_ENV="$IMAGES_DIR/offline.env"
OFFICIAL_ENV="$IMAGES_DIR/official.env"
BASE_IMAGE="prodstack/debian:bookworm"
HASH_LABEL="dev.prodstack.recipe-hash"
JAR="service/target/prodstack-service.jar"
# Every recipe builds FROM the base only, so any of them can build at the same time as any
# other; jdk and runtime come first because the api image needs them.
RECIPES=(jdk runtime postgres redis nginx prometheus alertmanager
    postgres-exporter redis-exporter nginx-exporter blackbox-exporter node-exporter)

usage() {
    cat <<EOF
Usage: scripts/build-images.sh [options]

Builds, in this order and skipping whatever is up to date:
  base   $BASE_IMAGE: debootstrap --variant=minbase bookworm + docker import, slimmed
         by deployment/images/base/slim.sh (only if missing or made by another recipe)
  ${RECIPES[*]}
         the offline images of deployment/images/<name>/, tagged as in offline.env
  api    prodstack/api:\$VERSION from deployment/Dockerfile and $JAR
         (run "mvn -B package -pl service -am -DskipTests" first)

Options:
  --only NAME[,NAME...]  build only these (base, a recipe name, api); repeatable
  --skip-api             everything but the api image
  --official             only the api image, on the official bases of official.env
                         (eclipse-temurin:17-jdk, debian:bookworm-slim): needs a registry
  --jobs N               offline images built at the same time (default: \${BUILD_JOBS:-2})
  --dry-run              say what would be built, build nothing
  -h, --help             this text

Environment: VERSION (default: the root pom's version), REVISION, CREATED, SOURCE (OCI labels
of the api image; default: git HEAD, its commit time, the git remote), BUILD_JOBS.
EOF
}

die() {
    printf 'build-images: %s\n' "$*" >&2
    exit 1
}

log() {
    printf '%s\n' "$*"
}

# --- options -----------------------------------------------------------------------------

DRY_RUN=false
OFFICIAL=false
SKIP_API=false
JOBS="${BUILD_JOBS:-2}"
ONLY=()

while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --dry-run) DRY_RUN=true ;;
        --official) OFFICIAL=true ;;
        --skip-api) SKIP_API=true ;;
        --only)
            [ $# -ge 2 ] || die "--only needs a name (see --help)"
            IFS=',' read -r -a names <<< "$2"
            ONLY+=("${names[@]}")
            shift ;;
        --only=*) IFS=',' read -r -a names <<< "${1#--only=}"; ONLY+=("${names[@]}") ;;
        --jobs)
            [ $# -ge 2 ] || die "--jobs needs a number"
            JOBS="$2"
            shift ;;
        --jobs=*) JOBS="${1#--jobs=}" ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
done

[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs must be a positive number, not '$JOBS'"
for name in "${ONLY[@]}"; do
    case " base api ${RECIPES[*]} " in
        *" $name "*) ;;
        *) die "unknown image '$name' for --only; known: base ${RECIPES[*]} api" ;;
    esac
done
if $OFFICIAL && [ ${#ONLY[@]} -gt 0 ]; then
    die "--official builds the api image only; it does not combine with --only"
fi

# selected NAME: whether this run builds NAME.
selected() {
    if $OFFICIAL; then
        [ "$1" = api ]
        return
    fi
    if [ ${#ONLY[@]} -gt 0 ]; then
        case " ${ONLY[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac
    fi
    if [ "$1" = api ] && $SKIP_API; then
        return 1
    fi
    return 0
}

# --- helpers -----------------------------------------------------------------------------

# env_value FILE VAR: VAR's value in an env file (KEY=value lines).
env_value() {
    local value
    value="$(sed -n "s/^$2=//p" "$1" | tail -n 1)"
    [ -n "$value" ] || die "$2 is not set in ${1#"$ROOT"/}"
    printf '%s' "$value"
}

# image_of RECIPE: its name:tag from offline.env (runtime is RUNTIME_BASE_IMAGE, others
# NAME_IMAGE with - as _).
image_of() {
    local var
    if [ "$1" = runtime ]; then
        var=RUNTIME_BASE_IMAGE
    else
        var="$(printf '%s_IMAGE' "$1" | tr 'a-z-' 'A-Z_')"
    fi
    env_value "$OFFLINE_ENV" "$var"
}

image_id() {
    docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true
}

image_hash() {
    docker image inspect -f "{{index .Config.Labels \"$HASH_LABEL\"}}" "$1" 2>/dev/null || true
}

# content_hash PATH... -- EXTRA...: sha256 over the files under each PATH (relative names,
# modes, contents) and the EXTRA strings (base image ids, build arguments).
content_hash() {
    local path
    {
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
            path="$1"
            shift
            if [ -d "$path" ]; then
                (cd "$path" && find . -type f -printf '%m %p\n' | LC_ALL=C sort \
                    && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
            else
                printf '%s\n' "${path#"$ROOT"/}"
                sha256sum < "$path"
            fi
        done
        [ $# -gt 0 ] && shift
        printf '%s\n' "$@"
    } | sha256sum | cut -d' ' -f1
}

elapsed() {
    printf '%ds' $(( SECONDS - $1 ))
}

# --- steps -------------------------------------------------------------------------------

STEP=0
TOTAL=0
BASE_CHANGES=false
for name in base "${RECIPES[@]}" api; do
    if selected "$name"; then TOTAL=$((TOTAL + 1)); fi
done
[ "$TOTAL" -gt 0 ] || die "nothing to build"

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/prodstack-build-images.XXXXXX")"
ROOTFS=''
SLIM_CONTAINER=''
cleanup() {
    if [ -n "$SLIM_CONTAINER" ]; then docker rm -f "$SLIM_CONTAINER" > /dev/null 2>&1 || true; fi
    if [ -n "$ROOTFS" ]; then rm -rf "$ROOTFS"; fi
    rmdir "$LOG_DIR" 2> /dev/null || true
}
trap cleanup EXIT

# fail_with_log STEP_LINE LOG: report a failed step with the end of its log.
fail_with_log() {
    printf '%s FAILED (full log: %s)\n' "$1" "$2" >&2
    tail -n 25 "$2" | sed 's/^/    /' >&2
}

# The base: a debootstrap of bookworm (default mirror), imported, then slimmed like
# debian:bookworm-slim. An existing base that lacks our label (imported by hand) is slimmed
# in place instead of being bootstrapped again.
build_base() {
    local line hash existing start raw
    STEP=$((STEP + 1))
    line="[$STEP/$TOTAL] $BASE_IMAGE ..."
    hash="$(content_hash "$IMAGES_DIR/base")"
    existing="$(image_id "$BASE_IMAGE")"
    if [ -n "$existing" ] && [ "$(image_hash "$BASE_IMAGE")" = "$hash" ]; then
        log "$line up to date"
        return
    fi
    if $DRY_RUN; then
        if [ -n "$existing" ]; then log "$line would slim the existing image"
        else log "$line would debootstrap bookworm and import it"; fi
        BASE_CHANGES=true
        return
    fi
    start=$SECONDS
    raw="$BASE_IMAGE"
    if [ -z "$existing" ]; then
        [ "$(id -u)" = 0 ] || die "debootstrap needs root: run as root (or sudo) to create $BASE_IMAGE"
        command -v debootstrap > /dev/null || die "debootstrap is missing: apt-get install debootstrap"
        ROOTFS="$(mktemp -d /var/tmp/prodstack-base.XXXXXX)"
        raw="prodstack/debian:bookworm-raw"
        if ! { debootstrap --variant=minbase bookworm "$ROOTFS/rootfs" \
                && tar -C "$ROOTFS/rootfs" -c . | docker import - "$raw"; } > "$LOG_DIR/base.log" 2>&1; then
            fail_with_log "$line" "$LOG_DIR/base.log"
            exit 1
        fi
        rm -rf "$ROOTFS"
        ROOTFS=''
    fi
    SLIM_CONTAINER="prodstack-base-slim-$$"
    if ! { docker run -i --name "$SLIM_CONTAINER" --network none "$raw" /bin/sh -s \
                < "$IMAGES_DIR/base/slim.sh" \
            && docker export "$SLIM_CONTAINER" | docker import \
                --change 'CMD ["bash"]' \
                --change "LABEL $HASH_LABEL=$hash" \
                --change 'LABEL org.opencontainers.image.title=prodstack/debian org.opencontainers.image.version=bookworm' \
                --change 'LABEL org.opencontainers.image.description="Debian bookworm minbase (debootstrap), slimmed like debian:bookworm-slim"' \
                - "$BASE_IMAGE"; } >> "$LOG_DIR/base.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/base.log"
        exit 1
    fi
    docker rm "$SLIM_CONTAINER" > /dev/null
    SLIM_CONTAINER=''
    # The unslimmed image, now untagged (or the raw tag), is not needed any more.
    if [ "$raw" != "$BASE_IMAGE" ]; then docker rmi "$raw" > /dev/null 2>&1 || true; fi
    if [ -n "$existing" ]; then docker rmi "$existing" > /dev/null 2>&1 || true; fi
    if [ -z "$existing" ]; then log "$line bootstrapped in $(elapsed "$start")"
    else log "$line slimmed in $(elapsed "$start")"; fi
}

SOURCE="${SOURCE:-$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || echo unknown)}"

# build_recipe STEP NAME: one offline image; prints one line; non-zero on failure.
build_recipe() {
    local step="$1" name="$2" dir="$IMAGES_DIR/$2" image tag line declared base_id hash start
    image="$(image_of "$name")"
    tag="${image##*:}"
    line="[$step/$TOTAL] $image ..."
    # The tag in offline.env must be what the recipe installs.
    declared="$(sed -n 's/.*org\.opencontainers\.image\.version="\([^"]*\)".*/\1/p' "$dir/Dockerfile")"
    if [ "$declared" != "$tag" ]; then
        printf '%s FAILED: offline.env tags it %s, its Dockerfile labels version %s\n' \
            "$line" "$tag" "$declared" >&2
        return 1
    fi
    base_id="$(image_id "$BASE_IMAGE")"
    if $BASE_CHANGES || { [ -z "$base_id" ] && $DRY_RUN; }; then
        log "$line would build (on the new base)"
        return 0
    fi
    if [ -z "$base_id" ]; then
        printf '%s FAILED: %s is missing (scripts/build-images.sh --only base)\n' "$line" "$BASE_IMAGE" >&2
        return 1
    fi
    hash="$(content_hash "$dir" -- "$base_id" "SOURCE=$SOURCE")"
    if [ "$(image_hash "$image")" = "$hash" ]; then
        log "$line up to date"
        return 0
    fi
    if $DRY_RUN; then
        log "$line would build from deployment/images/$name"
        return 0
    fi
    start=$SECONDS
    if ! docker build --force-rm --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "SOURCE=$SOURCE" \
            --label "$HASH_LABEL=$hash" -t "$image" "$dir" > "$LOG_DIR/$name.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/$name.log"
        return 1
    fi
    log "$line built in $(elapsed "$start")"
}

# The offline images, JOBS at a time; each prints its own line when done.
build_recipes() {
    local name running=0 failed=0
    for name in "${RECIPES[@]}"; do
        selected "$name" || continue
        STEP=$((STEP + 1))
        if $DRY_RUN; then
            build_recipe "$STEP" "$name" || failed=1
            continue
        fi
        if [ "$running" -ge "$JOBS" ]; then
            wait -n || failed=1
            running=$((running - 1))
        fi
        build_recipe "$STEP" "$name" &
        running=$((running + 1))
    done
    while [ "$running" -gt 0 ]; do
        wait -n || failed=1
        running=$((running - 1))
    done
    [ "$failed" = 0 ] || die "some images failed to build; logs in $LOG_DIR"
}

project_version() {
    sed -n '0,/<artifactId>prodstack-parent<\/artifactId>/d; s:.*<version>\(.*\)</version>.*:\1:p' \
        "$ROOT/pom.xml" | head -n 1
}

# The api image from the jar Maven built on the host, on the offline bases (or the official
# ones with --official).
build_api() {
    local version revision created env_file jdk runtime image line hash start arg
    STEP=$((STEP + 1))
    version="${VERSION:-$(project_version)}"
    [ -n "$version" ] || die "cannot read the project version from pom.xml; set VERSION"
    image="prodstack/api:$version"
    line="[$STEP/$TOTAL] $image ..."
    [ -f "$ROOT/$JAR" ] || die "$JAR is missing: run mvn -B package -pl service -am -DskipTests first"
    env_file="$OFFLINE_ENV"
    if $OFFICIAL; then env_file="$OFFICIAL_ENV"; fi
    jdk="$(env_value "$env_file" JDK_IMAGE)"
    runtime="$(env_value "$env_file" RUNTIME_BASE_IMAGE)"
    if ! $OFFICIAL && ! $DRY_RUN; then
        for arg in "$jdk" "$runtime"; do
            [ -n "$(image_id "$arg")" ] || die "$arg is missing: run scripts/build-images.sh --skip-api first"
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
    if [ "$(image_hash "$image")" = "$hash" ]; then
        log "$line up to date"
        return
    fi
    if $DRY_RUN; then
        log "$line would build on $jdk + $runtime"
        return
    fi
    start=$SECONDS
    if ! docker build --force-rm -f "$ROOT/deployment/Dockerfile" "${args[@]}" --label "$HASH_LABEL=$hash" \
            -t "$image" "$ROOT" > "$LOG_DIR/api.log" 2>&1; then
        fail_with_log "$line" "$LOG_DIR/api.log"
        exit 1
    fi
    log "$line built in $(elapsed "$start")"
}

# --- main --------------------------------------------------------------------------------

command -v docker > /dev/null || die "docker is not installed"
docker info > /dev/null 2>&1 || die "the Docker engine is not reachable (is dockerd running?)"

started=$SECONDS
if selected base; then build_base; fi
build_recipes
if selected api; then build_api; fi
rm -rf "$LOG_DIR"
if $DRY_RUN; then
    log "dry run: nothing was built"
else
    log "done in $(elapsed "$started"); use the offline set with: docker-compose --env-file deployment/images/offline.env ..."
fi
