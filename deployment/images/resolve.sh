#!/bin/sh
# What the offline set would install today, for every run of scripts/build-images.sh. Runs as
# root in a throw-away container of the base, with its inputs in /tmp/prodstack: debian.sources
# (the configured suites), recipes ("name package..." lines) and lock (versions.lock: the floor).
# /var/lib/apt/lists is the build machine's cache of the package lists, kept between runs.
# Prints one line per fact (build-images.sh reads them, deployment/images/resolved.sh):
#   R IMAGE PACKAGE VERSION    the version the image gets: for the base every package after an
#                              upgrade to the newest published versions, for a recipe every
#                              package its install adds (dependencies included)
#   D IMAGE PACKAGE LOCKED NEW the mirror moved on from the lock's version (NEW "-": not installed)
#   B IMAGE PACKAGE LOCKED NEW only an older version than the lock's is served (a rollback)
#   E IMAGE MESSAGE            it cannot be built (a package not published, no mirror answering)
set -eu
export DEBIAN_FRONTEND=noninteractive
in=/tmp/prodstack
out="$in/resolved"

rm -f /etc/apt/sources.list
install -m 0644 "$in/debian.sources" /etc/apt/sources.list.d/debian.sources
# The slim base keeps no binary package cache, so each apt call would parse the lists again
# (3 s each); this throw-away container keeps one, where docker-clean does not remove it.
printf 'Dir::Cache::pkgcache "/tmp/pkgcache.bin";\nDir::Cache::srcpkgcache "/tmp/srcpkgcache.bin";\n' \
    > /etc/apt/apt.conf.d/zz-resolve-cache

# apt-get update keeps the old lists and only warns when a mirror does not answer: that would
# resolve against an archive of the past, so a failed fetch ends the run.
if ! apt-get update -q > "$in/update.log" 2>&1 \
        || grep -q '^[WE]: \(Failed to fetch\|Some index files failed\)' "$in/update.log"; then
    cat "$in/update.log" >&2
    echo "E - no answer from the Debian mirror: $(grep -m 1 '^[WE]: ' "$in/update.log" | cut -c4-200)"
    exit 1
fi
apt-get dist-upgrade -y -qq > /dev/null
dpkg-query -W -f 'R base ${Package} ${Version}\n' > "$out"

# One simulated install per recipe (about 2 s of dependency resolution each), two at a time.
simulate() {
    name="$1"
    shift
    if apt-get install -s --no-install-recommends "$@" > "$in/$name.sim" 2> "$in/$name.err"; then
        sed -n "s/^Inst \([^ ]*\) \(\[[^]]*\] \)\{0,1\}(\([^ ]*\) .*/R $name \1 \3/p" "$in/$name.sim" > "$in/$name.out"
    else
        cat "$in/$name.err" >&2
        echo "E $name cannot be installed from the configured suites: $(grep -m 1 '^E: ' "$in/$name.err" | cut -c4-200)" > "$in/$name.out"
    fi
}
running=0
while read -r name packages; do
    # shellcheck disable=SC2086 # a list of package names
    simulate "$name" $packages &
    running=$((running + 1))
    if [ "$running" -ge 2 ]; then wait; running=0; fi
done < "$in/recipes"
wait
while read -r name packages; do cat "$in/$name.out"; done < "$in/recipes" >> "$out"
if grep -q '^E ' "$out"; then grep '^E ' "$out"; exit 1; fi
cat "$out"

# The lock is a floor: each locked package must be served at its version or a newer one. A
# recipe's package may come with the base instead (dependencies move between the two), and the
# api image's come from the images it is assembled from (jdk, runtime).
awk 'FILENAME == ARGV[1] { got[$2 " " $3] = $4; resolved[$2] = 1; next }
    /^#/ || NF < 3 || $1 == "official" { next }
    # Only the images this run resolved (--only); the api is assembled from jdk and runtime.
    !($1 in resolved) && !($1 == "api" && ("jdk" in resolved)) { next }
    {
        new = got[$1 " " $2]
        if (new == "") new = got["base " $2]
        if (new == "" && $1 == "api") new = got["jdk " $2]
        if (new == "" && $1 == "api") new = got["runtime " $2]
        if (new != $3) print $1, $2, $3, (new == "" ? "-" : new)
    }' "$out" "$in/lock" |
while read -r image package locked new; do
    if [ "$new" = - ] || dpkg --compare-versions "$new" gt "$locked"; then
        echo "D $image $package $locked $new"
    else
        echo "B $image $package $locked $new"
    fi
done
