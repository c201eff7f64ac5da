#!/usr/bin/env bash
# Restores a backup-db.sh dump into the running compose `db` container, then empties the cache.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") <file.dump> --yes-i-am-sure [--dry-run]

Replaces the contents of database prodstack with the dump:
  1. verifies <file>.sha256 (written by backup-db.sh) and that pg_restore can read the archive
  2. pg_restore --clean --if-exists --no-owner --single-transaction inside the db container
     (all or nothing: a failure leaves the database as it was), the dump's grants included
  3. the migrate job before and after: the api's role exists for the dump's grants, and an
     older dump's schema and grants are brought up to this version
  4. restarts the cache container: Redis keeps no data on disk, so the restart empties it and
     no entry cached from the replaced data survives (FLUSHDB/FLUSHALL are disabled in redis.conf)
The api keeps running; its requests wait on the restore's locks for its duration.

  --yes-i-am-sure   required: the current data is overwritten
  --dry-run         verify the file and print the commands, change nothing
  -h, --help        this help

Environment: COMPOSE_PROJECT_NAME (default prodstack) selects the stack.
USAGE
}

file=''
confirmed=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --yes-i-am-sure) confirmed=true ;;
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        -*) usage_error "unknown option: $1" ;;
        *) [[ -z "$file" ]] || usage_error "only one file, got '$file' and '$1'"; file=$1 ;;
    esac
    shift
done
[[ -n "$file" ]] || usage_error "the dump file is required"
[[ "$confirmed" == true || "$DRY_RUN" == true ]] \
    || usage_error "refusing to overwrite the database without --yes-i-am-sure"

require_docker
require_cmd sha256sum
stack_defaults
[[ -f "$file" && -r "$file" ]] || die "no such readable file: $file"
[[ -f "$file.sha256" ]] || die "checksum file missing: $file.sha256 (refusing an unverified dump)"
[[ -n "$(running_containers db)" ]] || die "the db container of project $COMPOSE_PROJECT_NAME is not running (scripts/stack.sh up)"

step "verifying $(basename "$file") against $(basename "$file").sha256"
expected="$(awk 'NR==1 {print $1}' "$file.sha256")"
actual="$(sha256sum "$file" | cut -d' ' -f1)"
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "$file.sha256 holds no SHA-256"
[[ "$actual" == "$expected" ]] || die "checksum mismatch: file $actual, expected $expected (corrupt or altered dump)"
ok "sha256 $actual"
compose exec -T db pg_restore --list <"$file" >/dev/null || die "pg_restore cannot read $file"
ok "archive readable by pg_restore"

# Before: the api's role must exist for the dump's grants to it (a cluster made anew after a volume
# loss has none). After: an older dump's schema and grants brought up to this version.
migrate() {
    step "the migrate job ($1)"
    run compose run --rm --no-deps -T migrate > /dev/null || die "the migrate job failed ($1)"
    ok "schema current, api role provisioned"
}
migrate "before the restore: the api's role"

step "restoring into database prodstack of project $COMPOSE_PROJECT_NAME"
# The dump's grants come back with it: the api's role keeps its access within the same transaction.
restore=(compose exec -T db pg_restore -U prodstack -d prodstack --clean --if-exists --no-owner
    --single-transaction --exit-on-error)
if [[ "$DRY_RUN" == true ]]; then
    run "${restore[@]}"
else
    started=$(now_s)
    "${restore[@]}" <"$file" || die "pg_restore failed; the single transaction was rolled back, the database is unchanged"
    ok "database restored in $(elapsed_since "$started")"
fi

migrate "after the restore: the dump's schema and grants brought current"

if [[ -n "$(running_containers cache)" ]]; then
    step "emptying the cache (restarting the cache container)"
    run compose restart cache
    if [[ "$DRY_RUN" != true ]]; then
        mapfile -t cache_ids < <(service_containers cache)
        wait_containers_healthy 60 "${cache_ids[@]}" || die "the cache did not come back healthy after its restart"
        ok "cache empty and healthy"
    fi
else
    info "no running cache container: nothing to empty"
fi
ok "restore complete"
