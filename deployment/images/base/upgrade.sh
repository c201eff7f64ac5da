#!/bin/sh
# Points the base at the release, -updates and -security suites and brings its packages to the
# versions this run of scripts/build-images.sh resolved (the newest published ones). Runs inside
# a throw-away container after slim.sh, with its inputs in /tmp/prodstack: debian.sources
# (deployment/images/debian-sources.sh, generated from the build machine's apt configuration)
# and locked (pkg=version words; empty for a new base, which goes to the newest versions).
set -eu
export DEBIAN_FRONTEND=noninteractive
in=/tmp/prodstack

# debootstrap wrote a one-line sources.list for the release suite only.
rm -f /etc/apt/sources.list
install -m 0644 "$in/debian.sources" /etc/apt/sources.list.d/debian.sources
apt-get update
if [ -s "$in/locked" ]; then
    # shellcheck disable=SC2046 # one word per pkg=version
    apt-get install -y --allow-downgrades $(cat "$in/locked")
else
    apt-get dist-upgrade -y
fi
apt-get clean
rm -rf /var/lib/apt/lists/* "$in"
find /var/log -type f -delete
