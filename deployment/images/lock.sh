# shellcheck shell=bash
# The offline set's recipes and deployment/images/versions.lock, for scripts/build-images.sh
# and scripts/scan-images.sh. Source it after scripts/lib/common.sh (die) with IMAGES_DIR set.
#
# versions.lock holds one entry a line, "<image> <package> <version>": what each image of the
# set held when the lock was last written (scripts/build-images.sh --refresh-lock): the base's
# every package, each recipe's packages beyond the base, the api image's; and "official <VAR>
# <name:tag> <digest or ->" for the official images. A build installs the newest published
# version of every package (a Debian mirror serves no other) and fails only when that is older
# than the lock's: the lock is a record and a floor, not a list of versions to fetch.

# The Debian release every offline image is built from (debian-sources.sh reads it too).
export DEBIAN_RELEASE="${DEBIAN_RELEASE:-trixie}"
# shellcheck disable=SC2034 # used by the scripts that source this file
LOCK_FILE="$IMAGES_DIR/versions.lock"
# What the images on this machine hold after its last build, in the lock's format (git-ignored).
# shellcheck disable=SC2034
RECORD_FILE="$IMAGES_DIR/versions.built"
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

first_package() { local packages; packages="$(recipe_packages "$1")"; printf '%s' "${packages%% *}"; }

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

project_version() {
    sed -n '0,/<artifactId>prodstack-parent<\/artifactId>/d; s:.*<version>\(.*\)</version>.*:\1:p' \
        "$IMAGES_DIR/../../pom.xml" | head -n 1
}

# upstream VERSION: a Debian version without epoch, revision and +/~ suffixes (5:7.0.15-1~deb12u10
# -> 7.0.15, 17.0.21.1+2-1~deb12u1 -> 17.0.21.1, 2.42.0+ds-5+deb12u1 -> 2.42.0).
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

# check_lock: every line of versions.lock is a comment, "<image> <package> <version>" for an
# image of the set, or an "official" entry; anything else stops the run, naming the line.
check_lock() {
    [[ -f "$LOCK_FILE" ]] || return 0
    local bad
    bad="$(awk -v names=" base api ${RECIPES[*]} " '
        /^#/ || /^[[:space:]]*$/ { next }
        $1 == "official" { if (NF == 4 && $2 ~ /^[A-Z_]+_IMAGE$/) next }
        $1 != "official" && NF == 3 && index(names, " " $1 " ") && $2 ~ /^[a-z0-9][a-z0-9+.-]*$/ \
            && $3 ~ /^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$/ { next }
        { printf "line %d: \"%s\"", NR, $0; exit }' "$LOCK_FILE")"
    [[ -z "$bad" ]] || die "deployment/images/versions.lock $bad is not \"<image> <package> <version>\" for an image of the set (base api ${RECIPES[*]}); fix or restore it (git checkout deployment/images/versions.lock)"
}

# set_env_value FILE VAR VALUE: rewrites VAR=... in an env file.
set_env_value() {
    local tmp
    tmp="$(mktemp "$1.XXXXXX")"
    awk -v var="$2" -v value="$3" 'index($0, var "=") == 1 { print var "=" value; next } { print }' "$1" > "$tmp"
    cat "$tmp" > "$1"
    rm -f "$tmp"
}
