#!/bin/sh
# scripts/scan-images.sh's comparison: runs as root in a throw-away container of the base, with
# /tmp/prodstack/debian.sources (the configured suites) and /tmp/prodstack/held ("image package
# version": what each scanned image holds, read from the image's own dpkg records). Prints
# "U image package held newest suite" for every package of which the suites publish a newer
# version (suite: the archive that serves the newest, e.g. trixie-security).
set -eu
export DEBIAN_FRONTEND=noninteractive
in=/tmp/prodstack

rm -f /etc/apt/sources.list
install -m 0644 "$in/debian.sources" /etc/apt/sources.list.d/debian.sources
if ! apt-get update -q > "$in/update.log" 2>&1 \
        || grep -q '^[WE]: \(Failed to fetch\|Some index files failed\)' "$in/update.log"; then
    cat "$in/update.log" >&2
    echo "no answer from the Debian mirror: $(grep -m 1 '^[WE]: ' "$in/update.log" | cut -c4-200)" >&2
    exit 1
fi

# The newest published version of every package held, and the suite serving it: from
# apt-cache policy's candidate and the first archive line below it in the version table.
awk '{ print $2 }' "$in/held" | sort -u | xargs apt-cache policy 2> /dev/null | awk '
    /^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1); cand = ""; want = 0; next }
    /^  Candidate: / { cand = $2; next }
    cand != "" && ($1 == cand || ($1 == "***" && $2 == cand)) { want = 1; next }
    want && /^ +[0-9]+ / {
        if ($2 ~ /^\//) next
        suite = $3; sub(/\/.*/, "", suite); print pkg, cand, suite; want = 0; cand = ""
    }
    ' > "$in/newest"

awk 'NR == FNR { newest[$1] = $2; suite[$1] = $3; next }
    ($2 in newest) && newest[$2] != $3 { print $1, $2, $3, newest[$2], suite[$2] }' "$in/newest" "$in/held" |
while read -r image package held newest suite; do
    if dpkg --compare-versions "$newest" gt "$held"; then
        echo "U $image $package $held $newest $suite"
    fi
done
