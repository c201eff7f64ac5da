# shellcheck shell=bash
# What an image holds, read from the image itself: the packages its dpkg database lists, or in
# an image without dpkg (the api image, FROM scratch) the per-package records it keeps in
# /var/lib/dpkg/status.d/, as distroless images do (Trivy and other scanners read them too).
# Used by scripts/build-images.sh (is a cached image still what the mirror serves? what did the
# run build?) and scripts/scan-images.sh. Needs WORK (a scratch directory) and image_id.

# image_record IMAGE: "package version" of every installed package, sorted; cached by image id
# for the run. Fails when the image has no package record at all: a scan that reads nothing
# must not pass.
image_record() {
    local image="$1" id file container dir
    id="$(image_id "$image")"
    [[ -n "$id" ]] || return 1
    file="$WORK/records/${id#sha256:}"
    if [[ ! -f "$file" ]]; then
        mkdir -p "$WORK/records"
        dir="$(mktemp -d "$WORK/records/cp.XXXXXX")"
        container="$(docker create "$image" 2> /dev/null)" || return 1
        docker cp "$container:/var/lib/dpkg/status" "$dir/status" > /dev/null 2>&1 || true
        docker cp "$container:/var/lib/dpkg/status.d" "$dir/status.d" > /dev/null 2>&1 || true
        docker rm "$container" > /dev/null
        # dpkg stanzas: Package, Status (only "install ok installed" counts), Version; the
        # status.d files may end without the blank line between stanzas.
        find "$dir" -type f -exec cat {} + 2> /dev/null | awk '
            function flush() { if (pkg != "" && ver != "" && (status == "" || status ~ / installed$/)) print pkg, ver
                pkg = ""; ver = ""; status = "" }
            /^Package: / { flush(); pkg = $2 } /^Version: / { ver = $2 } /^Status: / { status = $0 }
            /^$/ { flush() } END { flush() }' | LC_ALL=C sort -u > "$file.tmp"
        rm -rf "$dir"
        mv "$file.tmp" "$file"
    fi
    [[ -s "$file" ]] || return 1
    cat "$file"
}

# stale_packages IMAGE NAME...: "package held wanted" for each package that the resolved set of
# the NAMEs (the image's recipe and what it is built on) gives another version than the image
# holds; with --all also each resolved package the image lacks. Nothing: the image is current.
stale_packages() {
    local all=false image names held
    if [[ "$1" == --all ]]; then all=true; shift; fi
    image="$1"
    shift
    names=" $* "
    # Its own file: the recipes' builds run side by side.
    held="$(mktemp "$WORK/held.XXXXXX")"
    image_record "$image" > "$held" || { echo "(no-package-record) - -"; return 0; }
    awk -v names="$names" -v all="$all" '
        FILENAME == ARGV[1] { if (index(names, " " $1 " ")) want[$2] = $3; next }
        { held[$1] = $2 }
        END {
            for (p in want) {
                if (p in held) { if (held[p] != want[p]) print p, held[p], want[p] }
                else if (all == "true") print p, "-", want[p]
            }
        }' "$RESOLVED" "$held" | LC_ALL=C sort
    rm -f "$held"
}

# write_record FILE: what every image of the set on this machine holds, in versions.lock's line
# format: the base's every package, each recipe's packages beyond the base, the api image's.
write_record() {
    local file="$1" name image base_record="$WORK/base.record"
    image_record "$BASE_IMAGE" > "$base_record" || return 0
    {
        sed -n '/^#/p' "$LOCK_FILE" 2> /dev/null
        awk '{ print "base", $1, $2 }' "$base_record"
        for name in "${RECIPES[@]}" api; do
            image="$(record_image "$name")"
            [[ -n "$(image_id "$image")" ]] || continue
            image_record "$image" | awk -v name="$name" 'NR == FNR { base[$1] = $2; next }
                name == "api" || base[$1] != $2 { print name, $1, $2 }' "$base_record" -
        done
        awk '$1 == "official"' "$LOCK_FILE" 2> /dev/null
    } > "$file.tmp"
    mv "$file.tmp" "$file"
}

# record_image NAME: the image a lock name stands for (api: the api image of this version).
record_image() {
    case "$1" in
        base) printf '%s' "$BASE_IMAGE" ;;
        api) printf '%s' "${API_IMAGE:-prodstack/api:${VERSION:-$(project_version)}}" ;;
        *) image_of "$1" ;;
    esac
}
