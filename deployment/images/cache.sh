# shellcheck shell=bash
# Content-addressed caching of the images scripts/build-images.sh builds, and its failure
# report. An image's hash covers its recipe, base image ids, apt sources and build arguments; it
# is stored in the image label $HASH_LABEL, and an image whose label matches is not rebuilt.
# Sourced by build-images.sh after scripts/lib/common.sh (warn); uses its ROOT.

HASH_LABEL="dev.prodstack.recipe-hash"

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

