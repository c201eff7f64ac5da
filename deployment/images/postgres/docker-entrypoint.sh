#!/usr/bin/env bash
# Entrypoint of prodstack/postgres, modelled on the official postgres image's docker-entrypoint.sh
# so that compose files work unchanged with either image: same variables (POSTGRES_USER,
# POSTGRES_PASSWORD[_FILE], POSTGRES_DB, POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR,
# POSTGRES_HOST_AUTH_METHOD, PGDATA), same first-run steps (initdb, a socket-only temporary
# server for /docker-entrypoint-initdb.d, then exec postgres) and the same messages.
# Differences: the image already runs as postgres (uid 999); started as root it fixes ownership
# and drops to postgres with setpriv (util-linux) where the official image uses gosu.
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR from the environment, or from the file named by VAR_FILE
# (a Docker secret), never both.
file_env() {
    local var="$1" file_var="${1}_FILE" default="${2:-}" value
    if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
        printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$file_var"
        exit 1
    fi
    value="$default"
    if [ -n "${!var:-}" ]; then
        value="${!var}"
    elif [ -n "${!file_var:-}" ]; then
        value="$(< "${!file_var}")"
    fi
    export "$var"="$value"
    unset "$file_var"
}

# Arguments that only print something must not initialise a database.
wants_help() {
    local arg
    for arg; do
        case "$arg" in
            -'?'|--help|--describe-config|-V|--version) return 0 ;;
        esac
    done
    return 1
}

setup_env() {
    file_env POSTGRES_PASSWORD
    file_env POSTGRES_USER 'postgres'
    file_env POSTGRES_DB "$POSTGRES_USER"
    file_env POSTGRES_INITDB_ARGS
    : "${POSTGRES_HOST_AUTH_METHOD:=}"
    DATABASE_ALREADY_EXISTS=
    if [ -s "$PGDATA/PG_VERSION" ]; then
        DATABASE_ALREADY_EXISTS=true
    fi
}

create_db_directories() {
    mkdir -p "$PGDATA"
    # Fails harmlessly when PGDATA belongs to another user; initdb then says why.
    chmod 00700 "$PGDATA" || :
    mkdir -p /var/run/postgresql || :
    chmod 03775 /var/run/postgresql || :
    if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
        mkdir -p "$POSTGRES_INITDB_WALDIR"
        chmod 700 "$POSTGRES_INITDB_WALDIR" || :
    fi
    if [ "$(id -u)" = '0' ]; then
        find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
        find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
        if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
            find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
        fi
    fi
}

verify_minimum_env() {
    if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
        cat >&2 <<'EOM'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value
       for the superuser, or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections
       without a password (not recommended).
EOM
        exit 1
    fi
    if [ "$POSTGRES_HOST_AUTH_METHOD" = 'trust' ]; then
        echo >&2 'WARNING: POSTGRES_HOST_AUTH_METHOD=trust: every host may connect without a password.'
    fi
}

init_database_dir() {
    # initdb looks the running uid up in /etc/passwd; an arbitrary `--user` has no entry there,
    # so give it one through nss_wrapper for initdb only (as the official image does).
    local nss_passwd='' nss_group=''
    if ! getent passwd "$(id -u)" > /dev/null 2>&1; then
        nss_passwd="$(mktemp)"
        nss_group="$(mktemp)"
        printf 'postgres:x:%s:%s:PostgreSQL:%s:/bin/false\n' "$(id -u)" "$(id -g)" "$PGDATA" > "$nss_passwd"
        printf 'postgres:x:%s:\n' "$(id -g)" > "$nss_group"
        export LD_PRELOAD=libnss_wrapper.so NSS_WRAPPER_PASSWD="$nss_passwd" NSS_WRAPPER_GROUP="$nss_group"
    fi
    if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
        set -- --waldir "$POSTGRES_INITDB_WALDIR" "$@"
    fi
    # eval: POSTGRES_INITDB_ARGS may quote values, as with the official image.
    eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"' "$@"'
    if [ -n "$nss_passwd" ]; then
        rm -f "$nss_passwd" "$nss_group"
        unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
    fi
}

# Host connections authenticate with the server's password_encryption (scram-sha-256) unless
# POSTGRES_HOST_AUTH_METHOD says otherwise; local socket connections keep initdb's default.
setup_hba_conf() {
    if [ "${1:-}" = 'postgres' ]; then
        shift
    fi
    if [ -z "$POSTGRES_HOST_AUTH_METHOD" ]; then
        POSTGRES_HOST_AUTH_METHOD="$(postgres -C password_encryption "$@")"
    fi
    printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"
}

# psql against the temporary server: stop at the first error, no ~/.psqlrc.
process_sql() {
    local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
    if [ -n "$POSTGRES_DB" ]; then
        query_runner+=(--dbname "$POSTGRES_DB")
    fi
    PGHOST='' PGHOSTADDR='' "${query_runner[@]}" "$@"
}

temp_server_start() {
    if [ "${1:-}" = 'postgres' ]; then
        shift
    fi
    # Socket only: nothing outside the container (nor a healthcheck on 127.0.0.1) sees the
    # database before its init scripts have run.
    set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
    PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

temp_server_stop() {
    PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

setup_db() {
    if [ "$POSTGRES_DB" = 'postgres' ]; then
        return
    fi
    # process_sql connects to POSTGRES_DB, which does not exist yet: blank it for these two.
    local db="$POSTGRES_DB" exists
    exists="$(POSTGRES_DB='' process_sql --dbname postgres --set db="$db" --tuples-only \
        <<< "SELECT 1 FROM pg_database WHERE datname = :'db' ;")"
    if [ -z "$exists" ]; then
        POSTGRES_DB='' process_sql --dbname postgres --set db="$db" <<< 'CREATE DATABASE :"db" ;'
        echo
    fi
}

process_init_files() {
    local f
    echo
    for f; do
        case "$f" in
            *.sh)
                if [ -x "$f" ]; then
                    printf '%s: running %s\n' "$0" "$f"
                    "$f"
                else
                    printf '%s: sourcing %s\n' "$0" "$f"
                    # shellcheck disable=SC1090
                    . "$f"
                fi
                ;;
            *.sql) printf '%s: running %s\n' "$0" "$f"; process_sql -f "$f"; echo ;;
            *.sql.gz) printf '%s: running %s\n' "$0" "$f"; gunzip -c "$f" | process_sql; echo ;;
            *) printf '%s: ignoring %s\n' "$0" "$f" ;;
        esac
        echo
    done
}

main() {
    # `docker run prodstack/postgres -c shared_buffers=256MB` means postgres with those flags.
    if [ "${1:0:1}" = '-' ]; then
        set -- postgres "$@"
    fi

    if [ "$1" = 'postgres' ] && ! wants_help "$@"; then
        setup_env
        create_db_directories
        if [ "$(id -u)" = '0' ]; then
            exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
        fi

        if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
            verify_minimum_env
            # A clear error now beats a failed init half-way if the directory is unreadable.
            ls /docker-entrypoint-initdb.d/ > /dev/null
            init_database_dir
            setup_hba_conf "$@"
            # Init scripts may need the password when local auth is not trust.
            export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
            temp_server_start "$@"
            setup_db
            shopt -s nullglob
            process_init_files /docker-entrypoint-initdb.d/*
            shopt -u nullglob
            temp_server_stop
            unset PGPASSWORD
            echo
            echo 'PostgreSQL init process complete; ready for start up.'
            echo
        else
            echo
            echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
            echo
        fi
    fi

    exec "$@"
}

main "$@"
