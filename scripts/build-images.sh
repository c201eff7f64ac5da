#!/usr/bin/env bash
# Builds the offline image set (deployment/images/) and the api image (deployment/api/Dockerfile)
# with the newest package versions the Debian mirror publishes, never older ones than
# deployment/images/versions.lock names, and records what each image holds. Every image is
# cached by content (deployment/images/cache.sh) and rebuilt when its recipe, base or build
# arguments changed or the mirror published a newer version of one of its packages. This file
# holds the options and the order of the run; the steps are deployment/images/mirror.sh (what
# the mirror serves), bootstrap.sh (the base), recipes.sh (the offline images), api.sh (the api
# image), records.sh (what an image holds) and refresh.sh (--refresh-lock).
# See deployment/images/README.md.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
ROOT="$PRODSTACK_ROOT"
IMAGES_DIR="$ROOT/deployment/images"
# shellcheck source=deployment/images/lock.sh
source "$IMAGES_DIR/lock.sh"
# shellcheck source=deployment/images/cache.sh
source "$IMAGES_DIR/cache.sh"
# shellcheck source=deployment/images/records.sh
source "$IMAGES_DIR/records.sh"
# shellcheck source=deployment/images/mirror.sh
source "$IMAGES_DIR/mirror.sh"
# shellcheck source=deployment/images/bootstrap.sh
source "$IMAGES_DIR/bootstrap.sh"
# shellcheck source=deployment/images/recipes.sh
source "$IMAGES_DIR/recipes.sh"
# shellcheck source=deployment/images/train.sh
source "$IMAGES_DIR/train.sh"
# shellcheck source=deployment/images/api.sh
source "$IMAGES_DIR/api.sh"
# shellcheck source=deployment/images/refresh.sh
source "$IMAGES_DIR/refresh.sh"
BASE_IMAGE="prodstack/debian:$DEBIAN_RELEASE"
JAR="service/target/prodstack-service.jar"

usage() {
    cat <<EOF
Usage: scripts/build-images.sh [options]

Builds, in this order and skipping whatever is up to date:
  base   $BASE_IMAGE: debootstrap --variant=minbase $DEBIAN_RELEASE + docker import, slimmed
         by base/slim.sh, its packages upgraded by base/upgrade.sh
  ${RECIPES[*]}
         the offline images of deployment/images/<name>/ (the exporters: exporter/), tagged
         as in offline.env
  api    prodstack/api:\$VERSION from deployment/api/Dockerfile and $JAR
         (run "mvn -B package -pl service -am -DskipTests" first)
Every package is the newest version the release, -updates and -security suites of the build
machine's own Debian mirror publish (deployment/images/debian-sources.sh reads it from the
host's apt configuration). Each run first reads the mirror's package lists (cached between
runs) and prints where it moved on from versions.lock ("image package: locked -> built"); it
stops before building anything when a package is not published, only an older version than the
lock's is served (a rollback), or no mirror answers. An image is rebuilt when its recipe, base
or build arguments changed or it lacks a version the mirror published since it was built.
What the images hold is written to deployment/images/versions.built (git-ignored).

Options:
  --refresh-lock         build, then write what the images hold into versions.lock (print
                         what changed: image package: old -> new) and pin official.env's
                         images by digest where a registry answers; commit the result
  --only NAME[,NAME...]  build only these (base, a recipe name, api); repeatable
  --skip-api             everything but the api image
  --official             only the api image, on the official bases of official.env
                         (JDK_IMAGE, RUNTIME_BASE_IMAGE there): needs a registry
  --rebootstrap          debootstrap the base again even if it exists
  --jobs N               offline images built at the same time (default: \${BUILD_JOBS:-2})
  --dry-run              read the mirror and say what would be built; build nothing
  -h, --help             this text

Environment: VERSION (default: the root pom's version), REVISION, CREATED, SOURCE (OCI labels
of the api image; default: git HEAD, its commit time, the git remote), BUILD_JOBS,
DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR (instead of the host's mirrors), PRODSTACK_CACHE_DIR
(the package lists' cache; default ~/.cache/prodstack).
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
if $REFRESH && { [[ ${#ONLY[@]} -gt 0 ]] || $DRY_RUN; }; then
    usage_error "--refresh-lock records the whole set as built; it does not combine with --only or --dry-run"
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

# --- run state ---------------------------------------------------------------------------

# Scratch files go with the run; the logs stay when something failed (fail_with_log names them).
WORK="$(mktemp -d "${TMPDIR:-/tmp}/prodstack-build-images.XXXXXX")"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/prodstack-build-images-logs.XXXXXX")"
ROOTFS=''
CONTAINER=''
cleanup() {
    train_cleanup
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

# "[STEP/TOTAL]" of each image's line; whether the base changes (a dry run then says the recipes
# would build).
STEP=0
TOTAL=0
BASE_CHANGES=false

# The OCI source label of every image.
SOURCE="${SOURCE:-$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || echo unknown)}"

# --- main --------------------------------------------------------------------------------

require_cmd docker
docker info > /dev/null 2>&1 || die "the Docker engine is not reachable (is dockerd running?)"
check_lock
# Before any image is built: a run that would end on the missing jar fails at its start.
if selected api && ! $DRY_RUN; then
    [[ -f "$ROOT/$JAR" ]] || die "$JAR is missing: run mvn -B package -pl service -am -DskipTests first (or --skip-api)"
fi

started=$SECONDS
for name in "${RECIPES[@]}" api; do
    if selected "$name"; then TOTAL=$((TOTAL + 1)); fi
done
# Every offline image stands on the base: it is brought up to date whatever else is selected.
if ! $OFFICIAL; then TOTAL=$((TOTAL + 1)); fi
[[ "$TOTAL" -gt 0 ]] || die "nothing to build"
# The api image on the official bases needs nothing of the offline set.
if ! $OFFICIAL; then
    ensure_base
    resolve_mirror
    check_tags
fi
step "building ${TOTAL} image(s)"
if ! $OFFICIAL; then build_base; fi
build_recipes
if selected api; then build_api; fi
if ! $DRY_RUN; then
    write_record "$RECORD_FILE"
    if $REFRESH; then refresh_lock; fi
fi
rm -rf "$LOG_DIR"
if $DRY_RUN; then
    info "dry run: nothing was built"
else
    ok "done in $(elapsed "$started"); use the offline set with: scripts/stack.sh up --offline"
fi
