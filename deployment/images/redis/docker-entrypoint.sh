#!/bin/sh
# Entrypoint of prodstack/redis, modelled on the official redis image's: options or a .conf file
# as first argument mean redis-server; started as root it fixes /data ownership and drops to redis.
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
    set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

if [ "$1" = 'redis-server' ]; then
    # The official image builds redis with protected-mode off by default (isolation comes from
    # the container network); Debian's binary defaults to on. Supply the official default unless
    # the command line or the config file given first sets it.
    case "$*" in
        *--protected-mode*) ;;
        *)
            if [ "${2%.conf}" != "${2:-}" ] && [ -f "$2" ]; then
                if ! grep -Eqi '^[[:space:]]*protected-mode[[:space:]]' "$2"; then
                    conf="$2"
                    shift 2
                    set -- redis-server "$conf" --protected-mode no "$@"
                fi
            else
                shift
                set -- redis-server --protected-mode no "$@"
            fi
            ;;
    esac
    # Dump and AOF files readable by redis only, as in the official image.
    if [ "$(umask)" = '0022' ]; then
        umask 0077
    fi
fi

exec "$@"
