#!/usr/bin/env bash
# Prints the deb822 apt sources every offline image installs from: the release, -updates and
# -security suites of the Debian mirror the build machine itself uses. The mirror is read at
# build time from the host's apt configuration (sources.list, sources.list.d/*.list and
# *.sources), or else taken from debootstrap's own default, so that no mirror is written into
# the repository. Used by scripts/build-images.sh (written into the base image) and by
# scripts/scan-images.sh (the suites an image is checked against).
set -euo pipefail

# The release is the one of lock.sh, the one place that names it.
# shellcheck disable=SC2016 # a sed pattern, not an expansion
RELEASE="${DEBIAN_RELEASE:-$(sed -n 's/^export DEBIAN_RELEASE="${DEBIAN_RELEASE:-\(.*\)}"$/\1/p' "$(dirname "${BASH_SOURCE[0]}")/lock.sh")}"
APT_ETC="${APT_ETC:-/etc/apt}"

usage() {
    cat <<EOF
Usage: deployment/images/debian-sources.sh [--mirrors]

Prints a deb822 sources file for Debian $RELEASE: Suites $RELEASE $RELEASE-updates from the
mirror that serves $RELEASE, and $RELEASE-security from the one that serves $RELEASE-security,
as configured in $APT_ETC (one-line and deb822 files; disabled stanzas are skipped).
Without a $RELEASE entry there, debootstrap's default mirror is used and the security
archive is assumed next to it (<mirror>-security), as Debian lays its archives out.

Options:
  --mirrors   print only "release <uri>" and "security <uri>"
  -h, --help  this text

Environment: DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR (override what is found),
DEBIAN_RELEASE ($RELEASE), APT_ETC ($APT_ETC).
EOF
}

MIRRORS_ONLY=false
case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    --mirrors) MIRRORS_ONLY=true ;;
    '') ;;
    *) printf 'debian-sources: unknown option %s (see --help)\n' "$1" >&2; exit 2 ;;
esac

# host_sources: "suite uri" for every enabled deb entry of the host, from both file formats.
host_sources() {
    local file
    for file in "$APT_ETC/sources.list" "$APT_ETC"/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        # deb [options] uri suite component...
        awk '$1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                print $(i + 1), $i
            }' "$file"
    done
    for file in "$APT_ETC"/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        awk 'function flush(   n, s, u, suites, uris) {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no") {
                    n = split(suitelist, suites, /[ \t]+/)
                    split(urilist, uris, /[ \t]+/)
                    for (s = 1; s <= n; s++) if (suites[s] != "") for (u in uris) if (uris[u] != "") print suites[s], uris[u]
                }
                types = ""; suitelist = ""; urilist = ""; enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            { key = tolower($1); sub(/:$/, "", key); value = $0; sub(/^[^:]*:[ \t]*/, "", value) }
            key == "types" { types = value }
            key == "uris" { urilist = value }
            key == "suites" { suitelist = value }
            key == "enabled" { enabled = tolower(value) }
            END { flush() }' "$file"
    done
}

# first_uri SUITE: the first host URI serving SUITE.
first_uri() {
    # No early exit: host_sources would die of SIGPIPE under pipefail.
    host_sources | awk -v suite="$1" '$1 == suite && !found { print $2; found = 1 }'
}

release_uri="${DEBIAN_MIRROR:-$(first_uri "$RELEASE")}"
if [ -z "$release_uri" ]; then
    debootstrap_bin="$(command -v debootstrap || true)"
    if [ -n "$debootstrap_bin" ]; then
        release_uri="$(sed -n 's/^DEF_MIRROR="\(.*\)"$/\1/p' "$debootstrap_bin" | head -n 1)"
    fi
fi
if [ -z "$release_uri" ]; then
    printf 'debian-sources: no %s mirror in %s and no debootstrap default: set DEBIAN_MIRROR\n' \
        "$RELEASE" "$APT_ETC" >&2
    exit 1
fi
release_uri="${release_uri%/}"
security_uri="${DEBIAN_SECURITY_MIRROR:-$(first_uri "$RELEASE-security")}"
security_uri="${security_uri:-$release_uri-security}"
security_uri="${security_uri%/}"

if $MIRRORS_ONLY; then
    printf 'release %s\nsecurity %s\n' "$release_uri" "$security_uri"
    exit 0
fi

cat <<EOF
# Written at build time by deployment/images/debian-sources.sh from the build machine's apt
# configuration: the release, updates and security suites of the same mirrors.
Types: deb
URIs: $release_uri
Suites: $RELEASE $RELEASE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_uri
Suites: $RELEASE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
