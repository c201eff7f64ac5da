#!/usr/bin/env bash
# Offline vulnerability scan of the offline image set: for every image of the stack, the
# packages of which the configured Debian suites (release, -updates, -security of the build
# machine's mirror, as deployment/images/debian-sources.sh derives them) publish a newer
# version, security fixes first, plus the JDK and OpenSSL versions of each image. What an image
# holds is read from the image itself (its dpkg database, or the dpkg records a FROM scratch
# image keeps in /var/lib/dpkg/status.d/, deployment/images/records.sh); an image with no
# package record fails the scan. Fails when an image lacks a published security fix. Trivy does
# this job for the official images in the pipeline.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
IMAGES_DIR="$PRODSTACK_ROOT/deployment/images"
# shellcheck source=deployment/images/lock.sh
source "$IMAGES_DIR/lock.sh"
# shellcheck source=deployment/images/cache.sh
source "$IMAGES_DIR/cache.sh"
# shellcheck source=deployment/images/records.sh
source "$IMAGES_DIR/records.sh"
BASE_IMAGE="prodstack/debian:$DEBIAN_RELEASE"

usage() {
    cat <<EOF
Usage: scripts/scan-images.sh [options]

Scans the images of deployment/images/offline.env and prodstack/api:\$VERSION: reads each
image's package records, then compares them all, in one throw-away container of
$BASE_IMAGE, with the package lists of the configured suites. Prints one report line per
package with a newer version (image, package, installed, fixed, suite; the security suite
first), then each image's JDK and OpenSSL versions.

Exit status: 0 when no image lacks a security fix (newer versions from the updates suite are
reported, not fatal), 1 when one does or an image has no package record, 2 on wrong usage;
other failures exit non-zero with a message.

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

# The stack's images: the offline set and the api image built on it. Grafana has no offline
# image (official grafana/grafana, covered by the pipeline's Trivy scan).
if [[ ${#IMAGES[@]} -eq 0 ]]; then
    while IFS='=' read -r var value; do
        [[ "$var" =~ ^[A-Z_]+_IMAGE$ && "$value" == prodstack/* ]] && IMAGES+=("$value")
    done < "$OFFLINE_ENV"
    if $WITH_API; then
        # It runs in the stack: scanned like every other image, so it must be there.
        IMAGES+=("prodstack/api:${VERSION:-$(project_version)}")
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
mkdir -p "$WORK/stage"
"$IMAGES_DIR/debian-sources.sh" > "$WORK/stage/debian.sources" || die "cannot derive the Debian apt sources"
cp "$IMAGES_DIR/compare.sh" "$WORK/stage/"
[[ -n "$(image_id "$BASE_IMAGE")" ]] || die "$BASE_IMAGE is missing (scripts/build-images.sh builds it)"

step "reading the package records of ${#IMAGES[@]} image(s)"
: > "$WORK/stage/held"
for image in "${IMAGES[@]}"; do
    image_record "$image" > "$WORK/record" \
        || die "$image has no package record (no /var/lib/dpkg/status nor status.d/): nothing to scan is a failure, not a pass"
    awk -v image="$image" '{ print image, $1, $2 }' "$WORK/record" >> "$WORK/stage/held"
    info "$image: $(wc -l < "$WORK/record") packages"
done

step "comparing them with the package lists of the configured suites"
docker run --rm -u 0 --entrypoint /bin/sh -v "$WORK/stage:/tmp/prodstack" "$BASE_IMAGE" \
        /tmp/prodstack/compare.sh > "$WORK/compare.out" 2> "$WORK/compare.err" \
    || { tail -n 20 "$WORK/compare.err" >&2; die "comparing with the suites failed: $(tail -n 1 "$WORK/compare.err")"; }

# The security suite first: a fix published there is the one that fails the scan.
awk '$1 == "U" { print ($6 ~ /-security/ ? 0 : 1), $2, $3, $4, $5, $6 }' "$WORK/compare.out" > "$WORK/findings"
security="$(awk '$1 == 0' "$WORK/findings" | wc -l)"
updates="$(awk '$1 != 0' "$WORK/findings" | wc -l)"
{
    printf '%-40s %-28s %-28s %-28s %s\n' IMAGE PACKAGE INSTALLED FIXED SUITE
    LC_ALL=C sort -k1,1n -k2,2 -k3,3 "$WORK/findings" \
        | awk '{ printf "%-40s %-28s %-28s %-28s %s\n", $2, $3, $4, $5, $6 }'
    [[ -s "$WORK/findings" ]] || printf '(none: every package is at the newest version of the configured suites)\n'
    printf '\n%-40s %-34s %s\n' IMAGE JDK OPENSSL
    # From the same records: OpenJDK (the api's jlink runtime records the package it was made
    # from) and libssl.
    awk '{ image[$1] = 1 }
        $2 ~ /^openjdk-[0-9]+-jre-headless$/ { jdk[$1] = $3 }
        $2 ~ /^libssl3(t64)?$/ { ssl[$1] = $3 }
        END { for (i in image) printf "%-40s %-34s %s\n", i, (i in jdk ? jdk[i] : "-"), (i in ssl ? ssl[i] : "-") }' \
        "$WORK/stage/held" | LC_ALL=C sort
}
if [[ "$security" -gt 0 ]]; then
    die "$security package(s) lack a published security fix, $updates more have a newer version in the updates suite: scripts/build-images.sh rebuilds them"
fi
ok "no image lacks a security fix (${#IMAGES[@]} images; $updates newer version(s) in the updates suite only)"
