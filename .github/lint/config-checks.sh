#!/usr/bin/env bash
# The pipeline's lint job, runnable anywhere with Docker: shellcheck on every script, compose
# config for every file combination and env example, promtool / amtool / blackbox / nginx -t on
# the monitoring and edge configs, each in the image the stack runs it in. Exits 1 on any failure.
set -euo pipefail

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--images FILE] [--only LIST]

  shellcheck  shellcheck -x on every tracked bash script (the seed lesson's copies excepted)
  compose     compose config -q: {docker-compose.yml + override, + monitoring overlay, + logging overlay},
              and docker stack config of docker-compose.yml + swarm override, whose services must
              hold no key Swarm ignores (the main file holds only what both engines apply),
              x {deployment/.env.example, + env/staging, + env/production} with the image set
  prometheus  promtool check config (mounted as compose mounts it), check rules, test rules
  alertmanager amtool check-config
  blackbox    blackbox_exporter --config.check
  nginx       nginx -t on security/nginx/nginx.conf, as non-root on a read-only root, dev TLS

Options:
  --images FILE  image set whose images run the checks (default deployment/images/official.env;
                 deployment/images/offline.env on a machine without a registry)
  --only LIST    comma-separated subset of the checks above
  -h, --help     this help

Compose: Compose v2 (\`docker compose\`), checked by scripts/lib/compose.sh.
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
images="$root/deployment/images/official.env"
only='shellcheck,compose,prometheus,alertmanager,blackbox,nginx'
while [[ $# -gt 0 ]]; do
    case "$1" in
        --images) images=$(realpath "${2:?--images needs a file}"); shift ;;
        --only) only=${2:?--only needs a list}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) printf 'error unknown argument: %s\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
cd "$root"
# The scripts' compose check (scripts/lib/compose.sh): Compose v2 must answer.
# shellcheck source=scripts/lib/compose.sh
source "$root/scripts/lib/compose.sh"
[[ -r "$images" ]] || { printf 'error image set not found: %s\n' "$images" >&2; exit 1; }

failures=0
step() { printf '==> %s\n' "$*" >&2; }
pass() { printf ' ok %s\n' "$*" >&2; }
fail() { printf 'FAIL %s\n' "$*" >&2; failures=$((failures + 1)); }
wanted() { [[ ",$only," == *",$1,"* ]]; }
tmp="$(mktemp -d)"
run_args=()
trap 'rm -rf "$tmp"' EXIT

# The image a check runs in, by its variable in the image set (KEY=VALUE lines, no evaluation).
image() { sed -n "s/^$1=//p" "$images" | tail -n 1 | sed 's/^"\(.*\)"$/\1/'; }

# Runs one check: "ok <label>" or "FAIL <label>" with its output, indented.
check() {
    local label=$1 out line; shift
    if out="$("$@" 2>&1)"; then
        pass "$label"
    else
        fail "$label"
        while IFS= read -r line; do printf '      %s\n' "$line"; done <<<"$out" >&2
    fi
}

# One throw-away container of the image set's $1, with no network and no capabilities.
in_image() {
    local ref
    ref="$(image "$1")"; shift
    [[ -n "$ref" ]] || { echo "not set in $images"; return 1; }
    docker run --rm --network none --cap-drop ALL --security-opt no-new-privileges "$@" "$ref" \
        "${run_args[@]}"
}

# The Swarm stack as `docker stack deploy` reads it (no env file: the variables exported, in a
# subshell). It refuses Compose-only keys such as mem_limit or depends_on conditions by itself;
# the keys it only ignores (docker/cli's UnsupportedProperties, at deploy time a mere warning,
# and `tmpfs`, which it drops without one) would be promises Swarm does not keep.
swarm_ignored='build|cgroupns_mode|cgroup_parent|devices|domainname|external_links|ipc|links|mac_address|network_mode|pid|privileged|restart|security_opt|shm_size|userns_mode|tmpfs'
swarm_config() {
    (
        load_env_file "$1"
        docker stack config -c deployment/docker-compose.yml -c deployment/docker-compose.swarm.yml \
            >"$tmp/swarm.yml" || exit 1
        # Service keys sit at 4 spaces in the rendered file; nothing else at that depth has these names.
        if sed -n '/^services:/,/^[a-z]/p' "$tmp/swarm.yml" | grep -nE "^    ($swarm_ignored):"; then
            echo "keys docker stack deploy ignores: move them to docker-compose.override.yml"
            exit 1
        fi
    )
}

if wanted shellcheck; then
    step "shellcheck $(shellcheck --version | sed -n 's/^version: //p') on every tracked bash script"
    mapfile -t scripts < <(git ls-files | grep -v '^acceptance-tests/seed/\(scripts\|tests\)/' \
        | while read -r f; do [[ -f "$f" ]] && head -n 1 "$f" | grep -qE '^#!.*\b(ba)?sh\b' && echo "$f"; done)
    check "${#scripts[@]} scripts" shellcheck -x "${scripts[@]}"
fi

if wanted compose; then
    compose_detect
    step "$(compose_name) config -q, image set ${images#"$root"/}"
    # One merged env file per case (last line wins). Order = the scripts' precedence:
    # the official set < deployment/.env < image set < deployment/env/<environment>.env.
    for env in default staging production; do
        {
            cat deployment/images/official.env deployment/.env.example "$images"
            [[ "$env" == default ]] || cat "deployment/env/$env.env.example"
        } >"$tmp/$env.env"
        for files in docker-compose.yml,docker-compose.override.yml \
                docker-compose.yml,docker-compose.override.yml,docker-compose.monitoring.yml \
                docker-compose.yml,docker-compose.override.yml,docker-compose.logging.yml \
                docker-compose.yml,docker-compose.override.yml,docker-compose.monitoring.yml,docker-compose.logging.yml \
                docker-compose.yml,docker-compose.override.yml,docker-compose.monitoring.yml,docker-compose.logging.yml,docker-compose.bench.yml; do
            args=(--project-directory deployment --env-file "$tmp/$env.env")
            IFS=, read -ra list <<<"$files"
            for f in "${list[@]}"; do args+=(-f "deployment/$f"); done
            check "$files with the $env env" docker compose "${args[@]}" config -q
        done
        check "docker stack config: docker-compose.yml,docker-compose.swarm.yml with the $env env" \
            swarm_config "$tmp/$env.env"
    done
fi

if wanted prometheus; then
    step "promtool in $(image PROMETHEUS_IMAGE)"
    rules=(monitoring/prometheus/rules/*.yml)
    tests=(monitoring/prometheus/tests/*.yml)
    # Mounted where the monitoring overlay mounts them, so the config's own paths resolve.
    mounts=(-v "$root/monitoring/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"
        -v "$root/monitoring/prometheus/rules:/etc/prometheus/rules:ro"
        -v "$root/monitoring/prometheus/tests:/etc/prometheus/tests:ro" --entrypoint /bin/promtool)
    run_args=(check config /etc/prometheus/prometheus.yml)
    check "check config (${#rules[@]} rule files)" in_image PROMETHEUS_IMAGE "${mounts[@]}"
    run_args=(check rules "${rules[@]/#monitoring\/prometheus//etc/prometheus}")
    check "check rules" in_image PROMETHEUS_IMAGE "${mounts[@]}"
    # From tests/, so that their `../rules/*.yml` resolves.
    run_args=(test rules "${tests[@]#monitoring/prometheus/tests/}")
    check "test rules (${#tests[@]} files)" in_image PROMETHEUS_IMAGE "${mounts[@]}" -w /etc/prometheus/tests
fi

if wanted alertmanager; then
    step "amtool in $(image ALERTMANAGER_IMAGE)"
    run_args=(check-config /etc/alertmanager/alertmanager.yml)
    check "check-config" in_image ALERTMANAGER_IMAGE --entrypoint /bin/amtool \
        -v "$root/monitoring/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro"
fi

# Certificates where compose mounts them (blackbox's CA, nginx's server pair); any will do.
if wanted blackbox || wanted nginx; then
    check "development TLS for the checks" security/tls/make-dev-certs.sh "$tmp/tls"
    chmod -R a+rX "$tmp/tls"
fi

if wanted blackbox; then
    step "blackbox_exporter --config.check in $(image BLACKBOX_EXPORTER_IMAGE)"
    run_args=(--config.file=/etc/blackbox_exporter/config.yml --config.check)
    check "config check" in_image BLACKBOX_EXPORTER_IMAGE --entrypoint /bin/blackbox_exporter \
        -v "$root/monitoring/blackbox/blackbox.yml:/etc/blackbox_exporter/config.yml:ro" \
        -v "$tmp/tls/ca.crt:/etc/blackbox_exporter/tls/ca.crt:ro"
fi

if wanted nginx; then
    step "nginx -t in $(image NGINX_IMAGE), as user 101 on a read-only root"
    # The upstream list that upstream-watch.sh writes at run time, with one replica.
    mkdir -p "$tmp/upstream"
    echo 'server 127.0.0.1:8000;' > "$tmp/upstream/api.conf"
    run_args=(nginx -t -c /etc/nginx/nginx.conf)
    check "nginx -t" in_image NGINX_IMAGE --user 101:101 --read-only --tmpfs /tmp \
        -v "$root/security/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" -v "$tmp/tls:/etc/nginx/tls:ro" \
        -v "$root/security/nginx/limit-exempt.conf:/etc/nginx/limit-exempt.conf:ro" \
        -v "$tmp/upstream:/tmp/nginx-upstream:ro"
fi

if (( failures > 0 )); then
    printf 'error %d check(s) failed\n' "$failures" >&2
    exit 1
fi
printf ' ok every lint check passed\n' >&2
