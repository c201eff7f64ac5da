# shellcheck shell=bash
# The stack's environment: repository paths, env files, stack defaults, secrets and dev TLS.
[[ -n "${_PRODSTACK_ENV_SH:-}" ]] && return 0
_PRODSTACK_ENV_SH=1
# shellcheck source=scripts/lib/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"

PRODSTACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEPLOY_DIR="$PRODSTACK_ROOT/deployment"
# The stack's files, read by compose.sh, images.sh and swarm.sh (hence the directive): the
# stack both engines run, what only Compose adds, what only Swarm adds, the monitoring overlay.
# shellcheck disable=SC2034
{
    COMPOSE_FILE_MAIN="$DEPLOY_DIR/docker-compose.yml"
    COMPOSE_FILE_OVERRIDE="$DEPLOY_DIR/docker-compose.override.yml"
    COMPOSE_FILE_SWARM="$DEPLOY_DIR/docker-compose.swarm.yml"
    COMPOSE_FILE_MONITORING="$DEPLOY_DIR/docker-compose.monitoring.yml"
    COMPOSE_FILE_LOGGING="$DEPLOY_DIR/docker-compose.logging.yml"
    OFFLINE_ENV_FILE="$DEPLOY_DIR/images/offline.env"
    OFFICIAL_ENV_FILE="$DEPLOY_DIR/images/official.env"
}
export PRODSTACK_ROOT DEPLOY_DIR

# Exports KEY=VALUE lines of a dotenv file (comments, blanks and `export ` prefixes allowed,
# one pair of surrounding quotes stripped; nothing is evaluated). A variable that is already
# set keeps its value: files are loaded from the most to the least specific, so the first
# writer wins. Precedence: the caller's environment > deployment/env/<env>.env (deploy.sh) >
# the offline set (offline.env) > deployment/.env > the official set (official.env) > built-in
# defaults.
load_env_file() {
    local file=$1 line key value
    [[ -r "$file" ]] || die "env file not found or unreadable: $file"
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line%$'\r'}"
        [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
        line="${line#export }"
        [[ "$line" == *=* ]] || die "$file: not a KEY=VALUE line: $line"
        key="${line%%=*}"
        value="${line#*=}"
        [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "$file: invalid variable name: $key"
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        [[ -n "${!key+x}" ]] || export "$key=$value"
    done <"$file"
}

# Defaults every compose invocation needs (the compose file requires API_IMAGE), after the
# operator's deployment/.env, which compose would read too.
stack_defaults() {
    [[ -f "$DEPLOY_DIR/.env" ]] && load_env_file "$DEPLOY_DIR/.env"
    # The compose files name no image themselves: the official set fills what nothing set before.
    load_env_file "$OFFICIAL_ENV_FILE"
    export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-prodstack}"
    export VERSION="${VERSION:-1.0.0}"
    export API_IMAGE="${API_IMAGE:-prodstack/api:$VERSION}"
    export HTTP_PORT="${HTTP_PORT:-80}"
    export HTTPS_PORT="${HTTPS_PORT:-443}"
    # Relative directories are relative to deployment/, as in the compose file.
    SECRETS_DIR="${SECRETS_DIR:-secrets}"
    TLS_DIR="${TLS_DIR:-tls}"
    [[ "$SECRETS_DIR" == /* ]] || SECRETS_DIR="$DEPLOY_DIR/$SECRETS_DIR"
    [[ "$TLS_DIR" == /* ]] || TLS_DIR="$DEPLOY_DIR/$TLS_DIR"
    # Canonical paths: compose hashes the mount sources, and "./tls" vs "tls" would recreate nginx.
    SECRETS_DIR="$(realpath -m "$SECRETS_DIR")"
    TLS_DIR="$(realpath -m "$TLS_DIR")"
    export SECRETS_DIR TLS_DIR
}

# The variables that decide what compose runs, as KEY=VALUE lines on stdout: what
# `stack.sh prepare` hands to callers that start the stack themselves (the acceptance suite).
print_stack_env() {
    local name
    while read -r name; do
        case "$name" in
            COMPOSE_PROJECT_NAME|COMPOSE_PROFILES|PRODSTACK_LOGGING|VERSION|IMAGE_SOURCE|SECRETS_DIR|TLS_DIR|*_IMAGE)
                printf '%s=%s\n' "$name" "${!name}" ;;
        esac
    done < <(compgen -e | sort)
}

# Random secret files: a 0700 directory holding 0444 files. Compose bind-mounts `file:`
# secrets with the host file's owner and mode (outside Swarm), so the file
# must be readable by the containers' non-root uids (999, 10001, ...); the 0700 directory
# keeps other host users out.
ensure_secrets() {
    local dir=$SECRETS_DIR name created=()
    run mkdir -p "$dir"
    run chmod 0700 "$dir"
    for name in db_password db_api_password db_monitor_password cache_password admin_token grafana_admin_password; do
        if [[ ! -s "$dir/$name" ]]; then
            if [[ "$DRY_RUN" == true ]]; then
                info "[dry-run] would create $dir/$name (32 random bytes, base64)"
            else
                ( umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/$name" )
            fi
            created+=("$name")
        fi
        run chmod 0444 "$dir/$name"
    done
    write_cache_acl "$dir"
    if [[ ${#created[@]} -gt 0 ]]; then
        ok "created secrets: ${created[*]} in ${dir#"$PRODSTACK_ROOT"/}"
    else
        ok "secrets present in ${dir#"$PRODSTACK_ROOT"/}"
    fi
}

# Redis' users (redis-server --aclfile): deployment/redis/users.acl with cache_password's SHA-256 in
# place of @PASSWORD_SHA256@, written anew on every run, so the two never disagree (the chart does the
# same in an init container). `default` (no password: the healthcheck, redis_exporter) may read server
# state and no key; `prodstack` (the api, and an operator with its password) may GET, SETEX and DEL its
# own keys, and look at their TTL, and nothing else: no other key, no KEYS, SCAN, FLUSH*, CONFIG,
# DEBUG, EVAL, MODULE, ACL.
write_cache_acl() {
    local dir=$1 hash
    [[ "$DRY_RUN" == true ]] && { info "[dry-run] would write $dir/cache_users.acl"; return 0; }
    hash="$(tr -d '\n' < "$dir/cache_password" | sha256sum | cut -d' ' -f1)"
    ( umask 022
      sed "s/@PASSWORD_SHA256@/$hash/" "$PRODSTACK_ROOT/deployment/redis/users.acl" > "$dir/cache_users.acl.new" )
    grep -q "#$hash " "$dir/cache_users.acl.new" || die "deployment/redis/users.acl has no @PASSWORD_SHA256@"
    mv "$dir/cache_users.acl.new" "$dir/cache_users.acl"
    chmod 0444 "$dir/cache_users.acl"
}

# Dev TLS material (CA + server pair for localhost) from security/tls/make-dev-certs.sh.
ensure_tls() {
    local dir=$TLS_DIR maker="$PRODSTACK_ROOT/security/tls/make-dev-certs.sh"
    if [[ -s "$dir/server.crt" && -s "$dir/server.key" ]]; then
        ok "TLS certificate present in ${dir#"$PRODSTACK_ROOT"/}"
    else
        [[ -r "$maker" ]] || die "no certificate in $dir and $maker is missing"
        step "creating a development CA and server certificate in ${dir#"$PRODSTACK_ROOT"/}"
        run bash "$maker" "$dir"
    fi
    # nginx runs as a non-root uid and reads server.key itself, so the key is readable by
    # everyone (make-dev-certs.sh); the directory keeps other host users away from it.
    [[ -d "$dir" ]] && run chmod 0700 "$dir"
    return 0
}
