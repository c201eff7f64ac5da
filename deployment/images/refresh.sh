# shellcheck shell=bash
# --refresh-lock of scripts/build-images.sh: after the build, the record of what the images hold
# (versions.built, written by every build) becomes versions.lock, and the official images are
# pinned by digest where a registry answers. Sourced by build-images.sh after lock.sh and
# records.sh; uses its WORK and DRY_RUN.

# registry_digest REF: the manifest (list) digest of an image in its registry, where a tool
# and a registry answer; nothing otherwise.
registry_digest() {
    local out=''
    if docker buildx version > /dev/null 2>&1; then
        out="$(timeout 30 docker buildx imagetools inspect --format '{{.Manifest.Digest}}' "$1" 2>/dev/null || true)"
    fi
    if [[ "$out" != *sha256:* ]] && command -v skopeo > /dev/null; then
        out="$(timeout 30 skopeo inspect --format '{{.Digest}}' "docker://$1" 2>/dev/null || true)"
    fi
    # Only a digest: whatever else a tool prints (a registry's error page) is not one.
    grep -o -m 1 'sha256:[0-9a-f]\{64\}' <<< "$out" || true
}

# official_entries: "official VAR name:tag digest" for every image of official.env, the digest
# from a registry where one answers, else the one the lock recorded (or "-"). No digest is guessed.
official_entries() {
    local var value ref digest resolved=0 total=0
    while IFS='=' read -r var value; do
        [[ "$var" =~ ^[A-Z_]+_IMAGE$ ]] || continue
        total=$((total + 1))
        ref="${value%@*}"
        digest="$(registry_digest "$ref")"
        if [[ "$digest" == sha256:* ]]; then
            resolved=$((resolved + 1))
        else
            digest="$(awk -v var="$var" -v ref="$ref" '$1 == "official" && $2 == var && $3 == ref { print $4 }' "$LOCK_FILE" 2> /dev/null)"
        fi
        printf 'official %s %s %s\n' "$var" "$ref" "${digest:--}"
    done < "$OFFICIAL_ENV"
    info "official images: $resolved of $total digests resolved from a registry"
}

# refresh_lock: versions.lock := the record of this build (header kept), official.env's images
# pinned by the digests found; prints what changed.
refresh_lock() {
    local new="$WORK/versions.lock" var ref digest
    {
        sed -n '/^#/p' "$LOCK_FILE" 2> /dev/null
        awk '!/^#/ && NF' "$RECORD_FILE" | LC_ALL=C sort -k1,1 -k2,2
        official_entries
    } > "$new"
    if cmp -s "$new" "$LOCK_FILE"; then
        ok "versions.lock is what the images hold: nothing to write"
        return
    fi
    info "versions.lock changes (image package: old -> new):"
    awk '/^#/ || NF < 3 || $1 == "official" { next }
        FILENAME == ARGV[1] { old[$1 " " $2] = $3; next }
        { new[$1 " " $2] = $3 }
        END {
            for (k in new) if (!(k in old)) print k ": (none) -> " new[k]
                           else if (old[k] != new[k]) print k ": " old[k] " -> " new[k]
            for (k in old) if (!(k in new)) print k ": " old[k] " -> (removed)"
        }' "$LOCK_FILE" "$new" | LC_ALL=C sort | sed 's/^/    /' >&2
    cat "$new" > "$LOCK_FILE"
    while read -r var ref digest; do
        if [[ "$digest" == sha256:* ]]; then ref="$ref@$digest"; fi
        set_env_value "$OFFICIAL_ENV" "$var" "$ref"
    done < <(awk '$1 == "official" { print $2, $3, $4 }' "$LOCK_FILE")
    ok "wrote deployment/images/versions.lock: commit it"
}
