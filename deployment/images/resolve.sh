#!/bin/sh
# Resolves the newest versions of the offline set, for scripts/build-images.sh --refresh-lock.
# Runs as root inside a throw-away container of the base, with /tmp/prodstack/debian.sources
# and /tmp/prodstack/recipes ("name package..." lines). Prints versions.lock lines: for the
# base, every package after an upgrade to the newest published versions; for each recipe,
# every package that `apt-get install --no-install-recommends` of its packages would add
# (dependencies included), so the lock pins each image's whole package set.
set -eu
export DEBIAN_FRONTEND=noninteractive
in=/tmp/prodstack

rm -f /etc/apt/sources.list
install -m 0644 "$in/debian.sources" /etc/apt/sources.list.d/debian.sources
apt-get update -qq >&2
apt-get dist-upgrade -y -qq >&2
dpkg-query -W -f 'base ${Package} ${Version}\n'
while read -r name packages; do
    # shellcheck disable=SC2086 # a list of package names
    apt-get install -s --no-install-recommends $packages \
        | sed -n "s/^Inst \([^ ]*\) \(\[[^]]*\] \)\{0,1\}(\([^ ]*\) .*/$name \1 \3/p"
done < "$in/recipes"
