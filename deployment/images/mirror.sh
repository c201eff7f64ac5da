# shellcheck shell=bash
# What the Debian mirror serves today, for scripts/build-images.sh: every run resolves the
# newest published version of each image's packages (deployment/images/resolve.sh, in a
# throw-away container of the base), prints how far the mirror moved on from versions.lock and
# stops before anything is built when it cannot go on. The lock is a floor and a record, never
# a list of versions to install: a mirror serves only the newest version of a package, so a
# build installs that one. Sourced by build-images.sh after lock.sh, cache.sh and bootstrap.sh
# (run_in_base); uses its WORK, LOG_DIR, BASE_IMAGE, SOURCES and CONTAINER and sets RESOLVED.

# The resolved package set of this run ("image package version" lines), read by resolved_of.
RESOLVED=''

# apt's package lists, kept on the build machine between runs (one folder per set of sources),
# so that a run with nothing new on the mirror fetches only the suites' Release files.
apt_lists_cache() {
    local dir
    dir="${PRODSTACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/prodstack}/apt-lists/$(sha256sum < "$SOURCES" | cut -c1-16)"
    mkdir -p "$dir/partial"
    printf '%s' "$dir"
}

# resolved_recipes: the recipes this run builds, and those the api image is assembled from when
# it builds the api (their versions are what it must carry).
resolved_recipes() {
    local name
    for name in "${RECIPES[@]}"; do
        if selected "$name" || { selected api && [[ "$name" == jdk || "$name" == runtime ]]; }; then printf '%s\n' "$name"; fi
    done
}

# resolve_mirror: RESOLVED from the mirror, the drift from versions.lock printed as
# "image package: locked -> built"; exits before building anything when a package is not
# published or only in an older version than the lock's (a rollback), or no mirror answers.
resolve_mirror() {
    local out="$WORK/resolve.out" name start=$SECONDS
    for name in $(resolved_recipes); do printf '%s %s\n' "$name" "$(recipe_packages "$name")"; done > "$WORK/recipes"
    if [[ -f "$LOCK_FILE" ]]; then cp "$LOCK_FILE" "$WORK/lock"; else : > "$WORK/lock"; fi
    step "resolving the newest published versions (package lists cached in $(apt_lists_cache))"
    if ! run_in_base "$BASE_IMAGE" resolve.sh "$WORK/recipes" "$WORK/lock" -- \
            -v "$(apt_lists_cache):/var/lib/apt/lists" > "$out" 2> "$LOG_DIR/resolve.log"; then
        # One line naming every cause: a package not published, no mirror answering.
        if grep -q '^E ' "$out"; then
            die "cannot build the offline set: $(awk '$1 == "E" { image = $2; $1 = $2 = ""; sub(/^ +/, "")
                print (image == "-" ? "" : image ": ") $0 }' "$out" | paste -sd ';' | sed 's/;/; /g') (log: $LOG_DIR/resolve.log)"
        fi
        fail_with_log "resolving the newest versions" "$LOG_DIR/resolve.log"
        exit 1
    fi
    docker rm -f "$CONTAINER" > /dev/null
    CONTAINER=''
    RESOLVED="$WORK/resolved"
    awk '$1 == "R" { print $2, $3, $4 }' "$out" > "$RESOLVED"
    for name in base $(resolved_recipes); do
        grep -q "^$name " "$RESOLVED" || die "resolving gave no packages for $name (log: $LOG_DIR/resolve.log)"
    done
    info "resolved in $(elapsed "$start"): $(wc -l < "$RESOLVED") packages"
    report_drift "$out"
}

# report_drift RESOLVE_OUTPUT: the lock's versions the mirror moved on from (built anyway) and
# those it went back from (nothing built).
report_drift() {
    local drift rollback
    drift="$(awk '$1 == "D" { printf "%s %s: %s -> %s\n", $2, $3, $4, ($5 == "-" ? "(not installed)" : $5) }' "$1" | LC_ALL=C sort)"
    rollback="$(awk '$1 == "B" { printf "%s %s: versions.lock has %s, the mirror serves only %s\n", $2, $3, $4, $5 }' "$1" | LC_ALL=C sort)"
    if [[ -n "$rollback" ]]; then
        printf '%s\n' "$rollback" | while read -r line; do warn "$line"; done
        die "the mirror serves older versions than versions.lock (a rollback): nothing was built; $(printf '%s\n' "$rollback" | head -n 1)"
    fi
    if [[ -n "$drift" ]]; then
        info "the mirror moved on from versions.lock; built with the newer versions (image package: locked -> built):"
        printf '%s\n' "$drift" | sed 's/^/    /' >&2
        info "$(printf '%s\n' "$drift" | wc -l) package(s) drifted; scripts/build-images.sh --refresh-lock writes the new versions into versions.lock"
    else
        ok "versions.lock is current: every locked version is the newest published"
    fi
}

# resolved_of NAME: the resolved packages of one image as pkg=version words (a recipe: what its
# install adds to the base).
resolved_of() {
    awk -v name="$1" '$1 == name { printf "%s%s=%s", sep, $2, $3; sep = " " }' "$RESOLVED"
}

# resolved_version NAME PACKAGE: the version the image gets of one package ('' if none).
resolved_version() {
    awk -v name="$1" -v pkg="$2" '$1 == name && $2 == pkg { print $3; exit }' "$RESOLVED"
}

# check_tags: each offline.env tag is what the recipe's first package is today (17 for
# postgresql-17 17.12, 1.26 for nginx 1.26.3): a new upstream version is a recipe change, made
# by hand, never a drift the build would follow silently.
check_tags() {
    local name image tag want bad=0
    for name in $(resolved_recipes); do
        image="$(image_of "$name")"
        tag="${image##*:}"
        want="$(resolved_tag "$name")"
        if [[ "$want" != "$tag" && "$want" != "$tag".* ]]; then
            warn "$image: the mirror serves ${want:-nothing} for ${name}'s $(first_package "$name"); offline.env tags it $tag"
            bad=1
        fi
    done
    [[ "$bad" == 0 ]] || die "offline.env's tags do not name what the mirror serves: update them (deployment/images/README.md, 'A new recipe')"
}

# resolved_tag NAME: the upstream version the recipe's image gets today (runtime: the release
# name; opensearch: OpenSearch's version from its pom.xml, not a Debian package's).
resolved_tag() {
    case "$1" in
        runtime) printf '%s' "$DEBIAN_RELEASE" ;;
        opensearch) sed -n 's:.*<opensearch.version>\(.*\)</opensearch.version>.*:\1:p' "$(recipe_dir opensearch)/pom.xml" ;;
        *) upstream "$(resolved_version "$1" "$(first_package "$1")")" ;;
    esac
}
