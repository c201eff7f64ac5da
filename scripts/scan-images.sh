#!/usr/bin/env bash
# Offline vulnerability scan of the offline image set: for every image of the stack, the
# packages for which the configured Debian suites (release, -updates, -security of the build
# machine's mirror, as deployment/images/debian-sources.sh derives them) hold a newer version,
# security fixes first, plus the JDK and OpenSSL versions of each image. Fails when an image
# lacks a published security fix. Trivy does this job for the official images in the pipeline.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
IMAGES_DIR="$PRODSTACK_ROOT/deployment/images"
# shellcheck source=deployment/images/lock.sh
source "$IMAGES_DIR/lock.sh"

usage() {
    cat <<EOF
Usage: scripts/scan-images.sh [options]

Scans the images of deployment/images/offline.env and prodstack/api:\$VERSION (when built):
each runs once, as root in a throw-away container, "apt list --upgradable" against package
lists fetched once from the configured suites. Prints one report line per package with a
newer version (image, package, installed, fixed, suite; the security suite first), then each
image's JDK and OpenSSL (libssl3) versions.

Exit status: 0 when no image lacks a security fix (newer versions from the updates suite are
reported, not fatal), 1 when one does, 2 on wrong usage; other failures exit non-zero with
a message.

Options:
  --image REF   scan REF instead of the stack's images (repeatable; any Debian-based image)
  --no-api      leave the api image out
  --dry-run     list the images that would be scanned, run nothing
  -h, --help    this text

Environment: VERSION (the api image's tag; default: the root pom's version),
DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR (see deployment/images/debian-sources.sh --help).
EOF
}

IMAGES=()
WITH_API=true
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --dry-run) DRY_RUN=true ;;
        --no-api) WITH_API=false ;;
        --image)
            [[ $# -ge 2 ]] || usage_error "--image needs an image reference"
            IMAGES+=("$2")
            shift ;;
        --image=*) IMAGES+=("${1#--image=}") ;;
        *) usage_error "unknown option: $1" ;;
    esac
    shift
done

project_version() {
    sed -n '0,/<artifactId>prodstack-parent<\/artifactId>/d; s:.*<version>\(.*\)</version>.*:\1:p' \
        "$PRODSTACK_ROOT/pom.xml" | head -n 1
}

# The stack's images: the offline set and the api image built on it. Grafana has no offline
# image (official grafana/grafana, covered by the pipeline's Trivy scan).
if [[ ${#IMAGES[@]} -eq 0 ]]; then
    while IFS='=' read -r var value; do
        [[ "$var" =~ ^[A-Z_]+_IMAGE$ && "$value" == prodstack/* ]] && IMAGES+=("$value")
    done < "$OFFLINE_ENV"
    if $WITH_API; then
        api="prodstack/api:${VERSION:-$(project_version)}"
        if docker image inspect "$api" > /dev/null 2>&1; then
            IMAGES+=("$api")
        else
            # Its packages are prodstack/runtime's and its Java prodstack/jdk's, both scanned.
            warn "$api is not built: not scanned (scripts/build-images.sh builds it)"
        fi
    fi
fi

if [[ "$DRY_RUN" == true ]]; then
    printf '    [dry-run] would scan %s\n' "${IMAGES[@]}" >&2
    exit 0
fi
require_cmd docker
docker info > /dev/null 2>&1 || die "the Docker engine is not reachable (is dockerd running?)"
for image in "${IMAGES[@]}"; do
    docker image inspect "$image" > /dev/null 2>&1 || die "$image is missing (scripts/build-images.sh builds the offline set)"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/prodstack-scan-images.XXXXXX")"
add_cleanup "rm -rf '$WORK'"
mkdir -p "$WORK/sources" "$WORK/lists/partial"
"$IMAGES_DIR/debian-sources.sh" > "$WORK/sources/debian.sources" || die "cannot derive the Debian apt sources"
: > "$WORK/none.list"
cp "$IMAGES_DIR/scan-in-image.sh" "$WORK/"

# apt inside a container reads only the configured suites, whatever the image's own sources.
APT_OPTS="-o Dir::Etc::SourceList=/run/prodstack-scan/none.list -o Dir::Etc::SourceParts=/run/prodstack-scan/sources"

# in_image IMAGE LISTS_MODE SCRIPT: runs SCRIPT (sh) as root in a throw-away container of IMAGE.
in_image() {
    docker run --rm -u 0 --entrypoint /bin/sh \
        -v "$WORK:/run/prodstack-scan:ro" -v "$WORK/lists:/var/lib/apt/lists:$2" \
        "$1" -c "$3"
}

step "fetching the package lists of the configured suites"
in_image "${IMAGES[0]}" rw "apt-get -qq $APT_OPTS update" > "$WORK/update.log" 2>&1 \
    || { tail -n 20 "$WORK/update.log" >&2; die "apt-get update failed in ${IMAGES[0]}"; }

step "scanning ${#IMAGES[@]} image(s)"
: > "$WORK/findings"
: > "$WORK/versions"
for image in "${IMAGES[@]}"; do
    in_image "$image" ro "sh /run/prodstack-scan/scan-in-image.sh $APT_OPTS" > "$WORK/scan.out" 2> "$WORK/scan.err" \
        || { cat "$WORK/scan.err" >&2; die "scanning $image failed"; }
    # The security suite first: a fix published there is the one that fails the scan.
    awk -v image="$image" '$1 == "U" {
            suite = ($5 ~ /-security/) ? "security" : "updates"
            if ($5 !~ /-security|-updates/) suite = "release"
            print (suite == "security" ? 0 : 1), image, $2, $3, $4, $5
        }' "$WORK/scan.out" >> "$WORK/findings"
    printf '%s %s %s\n' "$image" "$(awk '$1 == "J" { print $2 }' "$WORK/scan.out")" \
        "$(awk '$1 == "S" { print $2 }' "$WORK/scan.out")" >> "$WORK/versions"
done

security="$(awk '$1 == 0' "$WORK/findings" | wc -l)"
updates="$(awk '$1 != 0' "$WORK/findings" | wc -l)"
{
    printf '%-40s %-28s %-28s %-28s %s\n' IMAGE PACKAGE INSTALLED FIXED SUITE
    LC_ALL=C sort -k1,1n -k2,2 -k3,3 "$WORK/findings" \
        | awk '{ printf "%-40s %-28s %-28s %-28s %s\n", $2, $3, $4, $5, $6 }'
    [[ -s "$WORK/findings" ]] || printf '(none: every package is at the newest version of the configured suites)\n'
    printf '\n%-40s %-34s %s\n' IMAGE JDK OPENSSL
    awk '{ printf "%-40s %-34s %s\n", $1, $2, $3 }' "$WORK/versions"
}
if [[ "$security" -gt 0 ]]; then
    die "$security package(s) lack a published security fix, $updates more have a newer version in the updates suite: scripts/build-images.sh --refresh-lock"
fi
ok "no image lacks a security fix (${#IMAGES[@]} images; $updates newer version(s) in the updates suite only)"
