# shellcheck shell=bash
# The offline set's recipes and deployment/images/versions.lock, for scripts/build-images.sh
# and scripts/scan-images.sh. Source it after scripts/lib/common.sh (die) with IMAGES_DIR set.
#
# versions.lock holds one entry a line, "<image> <package> <version>", for the base and every
# recipe: the image's whole package set (dependencies included) as resolved by
# `scripts/build-images.sh --refresh-lock`, "<image> @image <id>" for the image that build
# produced, and "official <VAR> <name:tag> <digest or ->" for the official images.

# shellcheck disable=SC2034 # used by the scripts that source this file
LOCK_FILE="$IMAGES_DIR/versions.lock"
OFFLINE_ENV="$IMAGES_DIR/offline.env"
# shellcheck disable=SC2034
OFFICIAL_ENV="$IMAGES_DIR/official.env"
EXPORTER_TABLE="$IMAGES_DIR/exporter/exporters"
# Every recipe builds FROM the base only, so any of them can build at the same time as any
# other; jdk and runtime come first because the api image needs them. opensearch and rsyslog
# are the logging overlay's store and shipper (deployment/docker-compose.logging.yml).
# shellcheck disable=SC2034
RECIPES=(jdk runtime postgres redis nginx prometheus alertmanager
    postgres-exporter redis-exporter nginx-exporter blackbox-exporter node-exporter
    opensearch rsyslog)

is_exporter() { [[ "$1" == *-exporter ]]; }

# exporter_field NAME COLUMN: a column of exporter/exporters (2 package, 3 binary, 4 uid,
# 5 port, 6 health path, 7 what it is: the rest of the line).
exporter_field() {
    local value
    value="$(awk -v name="$1" -v col="$2" '$1 == name {
            if (col < 7) { print $col; exit }
            for (i = 7; i <= NF; i++) printf "%s%s", (i > 7 ? " " : ""), $i
            print ""
        }' "$EXPORTER_TABLE")"
    [[ -n "$value" ]] || die "$1 has no column $2 in ${EXPORTER_TABLE#"$IMAGES_DIR"/}"
    printf '%s' "$value"
}

recipe_dir() {
    if is_exporter "$1"; then printf '%s/exporter' "$IMAGES_DIR"; else printf '%s/%s' "$IMAGES_DIR" "$1"; fi
}

# recipe_packages NAME: the packages the recipe installs by name (its Dockerfile's ARG PACKAGES,
# after the exporter's own package); the first one gives the image its tag.
recipe_packages() {
    local packages
    packages="$(sed -n 's/^ARG PACKAGES="\(.*\)"$/\1/p' "$(recipe_dir "$1")/Dockerfile")"
    [[ -n "$packages" ]] || die "$(recipe_dir "$1")/Dockerfile has no ARG PACKAGES=\"...\""
    if is_exporter "$1"; then packages="$(exporter_field "$1" 2) $packages"; fi
    printf '%s' "$packages"
}

# env_value FILE VAR: VAR's value in an env file (KEY=value lines).
env_value() {
    local value
    value="$(sed -n "s/^$2=//p" "$1" | tail -n 1)"
    [[ -n "$value" ]] || die "$2 is not set in ${1#"$IMAGES_DIR"/}"
    printf '%s' "$value"
}

# image_var NAME: the offline.env variable naming the recipe's image (the logging overlay's
# by their role, since the official set fills them with other programs' images).
image_var() {
    case "$1" in
        runtime) printf 'RUNTIME_BASE_IMAGE' ;;
        opensearch) printf 'LOG_STORE_IMAGE' ;;
        rsyslog) printf 'LOG_SHIPPER_IMAGE' ;;
        *) printf '%s_IMAGE' "$1" | tr 'a-z-' 'A-Z_' ;;
    esac
}

image_of() { env_value "$OFFLINE_ENV" "$(image_var "$1")"; }

# locked NAME [LOCK]: the image's packages as pkg=version words (empty if not in the lock).
locked() {
    [[ -f "${2:-$LOCK_FILE}" ]] || return 0
    awk -v name="$1" '$1 == name && $2 !~ /^@/ { printf "%s%s=%s", sep, $2, $3; sep = " " }' "${2:-$LOCK_FILE}"
}

locked_version() {
    [[ -f "$LOCK_FILE" ]] || return 0
    awk -v name="$1" -v pkg="$2" '$1 == name && $2 == pkg { print $3 }' "$LOCK_FILE"
}

# upstream VERSION: a Debian version without epoch, revision and +/~ suffixes (5:7.0.15-1~deb12u10
# -> 7.0.15, 17.0.21.1+2-1~deb12u1 -> 17.0.21.1, 2.42.0+ds-5+deb12u1 -> 2.42.0): the image tag.
upstream() {
    local version="$1"
    [[ "$version" == *:* ]] && version="${version#*:}"
    [[ "$version" == *-* ]] && version="${version%-*}"
    version="${version%%+*}"
    printf '%s' "${version%%~*}"
}

# recipe_prepare NAME: the recipe's prepare.sh, if it has one (files its Dockerfile COPYs that
# are not in the repository: opensearch's jars from Maven Central), or nothing.
recipe_prepare() {
    local script
    script="$(recipe_dir "$1")/prepare.sh"
    if [[ -f "$script" ]]; then printf '%s' "$script"; fi
}

# locked_tag NAME: the tag the lock gives the image (runtime is always "bookworm"; opensearch is
# OpenSearch's version from its pom.xml, not a Debian package's).
locked_tag() {
    local main version
    if [[ "$1" == runtime ]]; then printf 'bookworm'; return; fi
    if [[ "$1" == opensearch ]]; then
        sed -n 's:.*<opensearch.version>\(.*\)</opensearch.version>.*:\1:p' "$(recipe_dir opensearch)/pom.xml"
        return
    fi
    main="$(recipe_packages "$1")"
    main="${main%% *}"
    version="$(locked_version "$1" "$main")"
    [[ -n "$version" ]] || return 0
    upstream "$version"
}

# lock_changes OLD NEW: "image package: old -> new" for every difference of two lock files
# (package entries only); nothing when they agree.
lock_changes() {
    awk '/^#/ || NF < 3 || $2 ~ /^@/ || $1 == "official" { next }
        FILENAME == ARGV[1] { old[$1 " " $2] = $3; next }
        { new[$1 " " $2] = $3 }
        END {
            for (k in new) if (!(k in old)) print k ": (none) -> " new[k]
                           else if (old[k] != new[k]) print k ": " old[k] " -> " new[k]
            for (k in old) if (!(k in new)) print k ": " old[k] " -> (removed)"
        }' "$1" "$2" | LC_ALL=C sort
}

# set_lock_entry FILE IMAGE KEY VALUE...: replaces (or appends) the "IMAGE KEY ..." line.
set_lock_entry() {
    local file="$1" image="$2" key="$3" tmp
    shift 3
    tmp="$(mktemp "$file.XXXXXX")"
    awk -v image="$image" -v key="$key" -v line="$image $key $*" '
        $1 == image && $2 == key { if (!done) print line; done = 1; next }
        { print }
        END { if (!done) print line }' "$file" > "$tmp"
    cat "$tmp" > "$file"
    rm -f "$tmp"
}

# sort_lock FILE: the header, the image entries sorted by image and key, the official entries
# in official.env's order; a refresh that changes nothing leaves the file as it was.
sort_lock() {
    local tmp
    tmp="$(mktemp "$1.XXXXXX")"
    {
        sed -n '/^#/p' "$1"
        awk '!/^#/ && NF && $1 != "official"' "$1" | LC_ALL=C sort -k1,1 -k2,2 -u
        awk '$1 == "official"' "$1"
    } > "$tmp"
    cat "$tmp" > "$1"
    rm -f "$tmp"
}

# set_env_value FILE VAR VALUE: rewrites VAR=... in an env file.
set_env_value() {
    local tmp
    tmp="$(mktemp "$1.XXXXXX")"
    awk -v var="$2" -v value="$3" 'index($0, var "=") == 1 { print var "=" value; next } { print }' "$1" > "$tmp"
    cat "$tmp" > "$1"
    rm -f "$tmp"
}
