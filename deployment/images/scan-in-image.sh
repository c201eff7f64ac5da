#!/bin/sh
# One image's part of scripts/scan-images.sh: runs as root in a throw-away container of the
# image, with apt reading only the configured suites (the apt options are the arguments) from
# package lists fetched beforehand. Prints "U package installed fixed suite" for every package
# with a newer version, "J <java version or ->" and "S <libssl3 version or ->".
set -eu

apt list --upgradable "$@" 2>/dev/null \
    | sed -n 's|^\([^/]*\)/\([^ ]*\) \([^ ]*\) [^ ]* \[upgradable from: \([^]]*\)\]|U \1 \4 \3 \2|p'

java=-
for release in "${JAVA_HOME:-/nonexistent}/release" /opt/java/release /opt/java/openjdk/release; do
    if [ -f "$release" ]; then
        # A jlink runtime has JAVA_VERSION only; a full JDK also JAVA_RUNTIME_VERSION.
        java="$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$release")"
        [ -n "$java" ] || java="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$release")"
        [ -n "$java" ] || java=-
        break
    fi
done
echo "J $java"

# A jlink runtime (the api image) is no package: it is compared with OpenJDK 17 of the suites.
if [ "$java" != - ] && ! dpkg-query -W openjdk-17-jre-headless > /dev/null 2>&1; then
    fixed="$(apt-cache "$@" policy openjdk-17-jre-headless | sed -n 's/^ *Candidate: //p')"
    suite="$(apt-cache "$@" madison openjdk-17-jre-headless | awk -v v="$fixed" '$3 == v { print $6; exit }')"
    if [ -n "$fixed" ] && [ "$fixed" != "(none)" ] && dpkg --compare-versions "$java" lt "${fixed%%+*}"; then
        echo "U java-runtime(jlink) $java $fixed ${suite%%/*}"
    fi
fi

echo "S $(dpkg-query -W -f '${Version}' libssl3 2>/dev/null || echo -)"
