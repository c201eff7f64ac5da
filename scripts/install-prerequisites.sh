#!/usr/bin/env bash
# Everything the test command (mvn -B verify -Pacceptance) and scripts/stack.sh need on a Debian 12
# or 13 machine, installed from Debian's packages and started: the Docker engine with the real
# Compose v2 and buildx CLI plugins, debootstrap, a JDK and Maven, the local Postgres and Redis the
# service's integration tests use (with a test role of their own), Chromium, promtool/amtool, wrk,
# ShellCheck, testssl.sh, Node.js, and python3 with pytest and httpx for the seed lesson's checks. Idempotent:
# what is there already is kept. Run as root (or with sudo).
set -euo pipefail
# shellcheck source=scripts/lib/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
    cat <<EOF
Usage: scripts/install-prerequisites.sh [--dry-run]

  1. Debian packages (apt-get): docker.io debootstrap maven, a JDK (17 or newer), postgresql,
     redis-server, chromium, prometheus prometheus-alertmanager prometheus-blackbox-exporter,
     wrk gnuplot-nox shellcheck jq bc curl openssl, testssl.sh iproute2 (the acceptance suite's TLS
     scan and socket listing), python3-httpx python3-pytest
     python3-pytest-asyncio, nodejs npm (when npm is missing).
  2. Compose v2 and buildx as Docker CLI plugins: the docker-compose and docker-buildx packages
     of Debian 13 (trixie). On Debian 12 they come from the trixie suite of the mirror this
     machine already uses, pinned so that nothing else is taken from it: both are static Go
     binaries whose only dependency is libc6 >= 2.34 (Debian 12 has 2.36).
  3. The Docker engine started (systemd where it runs, dockerd in the background otherwise).
  4. Postgres and Redis started on 127.0.0.1:5432 and :6379; a role prodstack_test (LOGIN
     CREATEDB, a random password) and a database test, the credentials written to
     ~/.config/prodstack/test-database.properties (0600), where the service's tests find them.

Options:
  --dry-run   print what would be installed or changed, change nothing
  -h, --help  this text
EOF
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unknown option: $1" ;;
    esac
    shift
done

[[ -r /etc/os-release ]] || die "not a Debian machine (/etc/os-release missing)"
codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
case "$codename" in
    bookworm|trixie) ;;
    *) die "Debian 12 (bookworm) or 13 (trixie) expected, found '${codename:-unknown}'" ;;
esac
[[ "$(id -u)" == 0 ]] || die "run as root (or with sudo): it installs packages and starts services"
export DEBIAN_FRONTEND=noninteractive

step "Debian packages"
packages=(docker.io debootstrap ca-certificates curl openssl jq bc wrk gnuplot-nox shellcheck maven testssl.sh iproute2
    postgresql redis-server chromium prometheus prometheus-alertmanager prometheus-blackbox-exporter
    python3 python3-httpx python3-pytest python3-pytest-asyncio)
command -v javac > /dev/null || packages+=(default-jdk-headless)
command -v npm > /dev/null || packages+=(nodejs npm)
run apt-get update -qq
run apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null
ok "installed or present: ${packages[*]}"

step "Compose v2 and buildx (Debian 13's docker-compose and docker-buildx)"
if [[ "$codename" == bookworm ]]; then
    # The mirror of this machine's own bookworm entry, read from its apt configuration: trixie
    # is served by the same archives. Priority 100: only what is asked for by name comes from it.
    mirrors="$("$ROOT/deployment/images/debian-sources.sh" --mirrors)"
    release_uri="$(awk '$1 == "release" { print $2 }' <<< "$mirrors")"
    security_uri="$(awk '$1 == "security" { print $2 }' <<< "$mirrors")"
    if [[ "$DRY_RUN" == true ]]; then
        info "[dry-run] would add the trixie suites of $release_uri and $security_uri at priority 100"
    else
        cat > /etc/apt/sources.list.d/prodstack-trixie.sources <<EOF
# Added by scripts/install-prerequisites.sh: Debian 13's Compose v2 and buildx plugins.
Types: deb
URIs: $release_uri
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_uri
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        for suite in trixie trixie-updates trixie-security; do
            printf 'Package: *\nPin: release n=%s\nPin-Priority: 100\n\n' "$suite"
        done > /etc/apt/preferences.d/prodstack-trixie
        apt-get update -qq
    fi
    run apt-get install -y -qq --no-install-recommends docker-compose/trixie docker-buildx/trixie > /dev/null
else
    run apt-get install -y -qq --no-install-recommends docker-compose docker-buildx > /dev/null
fi

step "the Docker engine"
if ! docker info > /dev/null 2>&1; then
    if [[ -d /run/systemd/system ]]; then
        run systemctl enable --now docker
    else
        run mkdir -p /var/log/prodstack
        if [[ "$DRY_RUN" != true ]]; then nohup dockerd > /var/log/prodstack/dockerd.log 2>&1 & fi
    fi
    for _ in $(seq 1 60); do [[ "$DRY_RUN" == true ]] || docker info > /dev/null 2>&1 && break; sleep 1; done
fi
if [[ "$DRY_RUN" != true ]]; then
    docker info > /dev/null 2>&1 || die "the Docker engine did not start (see /var/log/prodstack/dockerd.log)"
    version="$(docker compose version --short 2>/dev/null)" || die "docker compose does not answer after the install"
    [[ "$version" =~ ^v?2 ]] || die "docker compose answers '$version', not Compose v2"
    ok "$(docker info --format 'engine {{.ServerVersion}}'), compose $version, buildx $(docker buildx version | awk '{ print $2 }')"
fi

step "Postgres and Redis for the service's integration tests"
if [[ "$DRY_RUN" != true ]]; then
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        cluster="$(pg_lsclusters -h | awk 'NR == 1 { print $1 }')"
        [[ -n "$cluster" ]] || die "no Postgres cluster (pg_lsclusters is empty)"
        pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
    fi
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -h 127.0.0.1 -p 5432 > /dev/null || die "Postgres does not answer on 127.0.0.1:5432"
    if ! redis-cli -h 127.0.0.1 -p 6379 ping > /dev/null 2>&1; then
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
    fi
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping > /dev/null 2>&1 && break; sleep 1; done
    redis-cli -h 127.0.0.1 -p 6379 ping > /dev/null || die "Redis does not answer on 127.0.0.1:6379"

    # A role of the tests' own rather than a trust rule: Debian asks a password on TCP, and a test
    # machine should keep asking. Its password changes with every run of this script.
    credentials="${HOME}/.config/prodstack/test-database.properties"
    password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')"
    psql_admin() { runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
    if psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'prodstack_test'" | grep -q 1; then
        psql_admin -c "ALTER ROLE prodstack_test WITH LOGIN CREATEDB PASSWORD '$password'"
    else
        psql_admin -c "CREATE ROLE prodstack_test WITH LOGIN CREATEDB PASSWORD '$password'"
    fi
    psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
        || psql_admin -c "CREATE DATABASE test OWNER prodstack_test"
    mkdir -p "$(dirname "$credentials")"
    ( umask 077; printf '# Written by scripts/install-prerequisites.sh for the service tests.\nuser=prodstack_test\npassword=%s\n' \
        "$password" > "$credentials" )
    PGPASSWORD="$password" psql -h 127.0.0.1 -U prodstack_test -d test -tAc 'SELECT 1' > /dev/null \
        || die "the role prodstack_test cannot log in over TCP on 127.0.0.1 (pg_hba.conf?)"
    ok "Postgres $(pg_lsclusters -h | awk 'NR == 1 { print $1 }') (role prodstack_test, credentials in ${credentials/#$HOME/\~}), Redis $(redis-cli -h 127.0.0.1 info server | sed -n 's/^redis_version:\(.*\)\r$/\1/p')"
else
    info "[dry-run] would start Postgres and Redis and (re)create the role prodstack_test"
fi
ok "prerequisites ready: scripts/stack.sh up, then mvn -B verify -Pacceptance"
