#!/usr/bin/env bash
# End-to-end proof that backup-db.sh + restore-db.sh bring back exactly the same rows after
# the database volume is lost.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--users N] [--down] [stack.sh up options, e.g. --offline]

  1. starts the stack when it is not running (scripts/stack.sh up <options>)
  2. creates N users (default 5) through nginx over HTTPS
  3. fingerprints table ${TABLE:-users}: row count and md5 of all rows ordered by id
  4. scripts/backup-db.sh into a temporary directory
  5. checks that restore-db.sh refuses without --yes-i-am-sure and refuses a tampered dump
  6. DESTROYS the database: stack down, deletes the project's pgdata volume (found by its
     compose labels), stack up
     (a fresh, migrated, empty database)
  7. scripts/restore-db.sh <dump> --yes-i-am-sure
  8. the fingerprint must equal step 3's; a restored user is served through the api
Ends with "N passed, N failed"; exits 1 when any check failed. The stack stays up unless --down.

Environment: COMPOSE_PROJECT_NAME (prodstack), HTTPS_PORT (443), TABLE (users).
USAGE
}

users=5
down_after=false
up_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --users) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage_error "--users needs a positive number"; users=$2; shift ;;
        --down) down_after=true ;;
        -h|--help) usage; exit 0 ;;
        --dry-run) usage_error "this test has no dry run: it destroys and restores the database" ;;
        *) up_args+=("$1") ;;
    esac
    shift
done

require_docker
require_cmd curl jq sha256sum
stack_defaults
table="${TABLE:-users}"
[[ "$table" =~ ^[a-z_][a-z0-9_]*$ ]] || die "TABLE must be a plain table name"
scripts="$PRODSTACK_ROOT/scripts"
url="$(stack_base_url)"

n_passed=0
n_failed=0
check() {
    local what=$1; shift
    if "$@"; then
        n_passed=$((n_passed + 1)); ok "$what"
    else
        n_failed=$((n_failed + 1)); warn "FAILED: $what"
    fi
}

# True when the command fails (its output hidden).
fails() { ! "$@" >/dev/null 2>&1; }

psql_value() {
    compose exec -T db psql -U prodstack -d prodstack -v ON_ERROR_STOP=1 -tAc "$1"
}

# "<rows> <md5 of every row as text, in id order>"
fingerprint() {
    psql_value "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), '-') FROM $table t"
}

stack_healthy() {
    curl_stack -f "$url/health" 2>/dev/null | jq -e '.status == "healthy"' >/dev/null 2>&1
}

work="$(mktemp -d)"
add_cleanup "rm -rf '$work'"

step "1. stack"
if stack_healthy; then
    ok "stack $COMPOSE_PROJECT_NAME is up at $url"
else
    "$scripts/stack.sh" up "${up_args[@]}"
fi

step "2. creating $users users through $url"
run_id="$(date +%s)_$RANDOM"
created_ids=()
for i in $(seq 1 "$users"); do
    body="$(curl_stack -f -X POST -H 'Content-Type: application/json' \
        -d "{\"username\":\"restore_${run_id}_$i\",\"email\":\"restore_${run_id}_$i@example.com\"}" "$url/users")" \
        || die "POST /users failed"
    created_ids+=("$(jq -r .id <<<"$body")")
done
ok "created ids ${created_ids[*]}"

step "3. fingerprint before the backup"
before="$(fingerprint)"
info "rows ${before%% *}, md5 ${before#* }"
check "the table holds at least the $users new rows" test "${before%% *}" -ge "$users"

step "4. backup"
dump="$("$scripts/backup-db.sh" --dir "$work" --keep 0 --keep-days 0)"
check "backup file and checksum exist" test -s "$dump" -a -s "$dump.sha256"
info "dump $(basename "$dump"), sha256 $(cut -d' ' -f1 "$dump.sha256")"

step "5. restore-db.sh refuses what it must"
check "refuses without --yes-i-am-sure" fails "$scripts/restore-db.sh" "$dump"
tampered="$work/tampered.dump"
cp "$dump" "$tampered"
cp "$dump.sha256" "$tampered.sha256"
sed -i "s/$(basename "$dump")/tampered.dump/" "$tampered.sha256"
printf 'X' | dd of="$tampered" bs=1 seek=100 conv=notrunc status=none
check "refuses a dump whose checksum does not match" \
    fails "$scripts/restore-db.sh" "$tampered" --yes-i-am-sure
check "the refused restore left the data untouched" test "$(fingerprint)" == "$before"

pgdata="$(project_volume pgdata)"
[[ -n "$pgdata" ]] || die "project $COMPOSE_PROJECT_NAME has no pgdata volume"
step "6. losing the database: stack down, volume $pgdata deleted, stack up"
use_monitoring_if_running
replicas="$(running_containers api | wc -l)"
compose down --remove-orphans
docker volume rm "$pgdata" >/dev/null
check "the database volume is gone" fails docker volume inspect "$pgdata"
monitoring_args=()
[[ ${#COMPOSE_EXTRA_FILES[@]} -gt 0 ]] && monitoring_args=(--monitoring)
"$scripts/stack.sh" up "${up_args[@]}" "${monitoring_args[@]}" --scale "$(( replicas > 0 ? replicas : 1 ))"
empty="$(fingerprint)"
info "fresh database: rows ${empty%% *}"
check "the fresh database is empty" test "${empty%% *}" == 0

step "7. restore"
"$scripts/restore-db.sh" "$dump" --yes-i-am-sure

step "8. fingerprint after the restore"
after="$(fingerprint)"
info "before: rows ${before%% *}, md5 ${before#* }"
info "after:  rows ${after%% *}, md5 ${after#* }"
check "same row count and md5 as before the backup" test "$after" == "$before"
last_id="${created_ids[-1]}"
served="$(curl_stack -f "$url/users/$last_id" | jq -r .username || true)"
check "GET /users/$last_id serves the restored user" test "$served" == "restore_${run_id}_${users}"

if [[ "$down_after" == true ]]; then
    "$scripts/stack.sh" down
fi

echo
echo "$n_passed passed, $n_failed failed"
if (( n_failed > 0 )); then
    _PRODSTACK_DIED=1
    echo "backup/restore test FAILED" >&2
    exit 1
fi
echo "backup/restore test passed: rows ${after%% *}, md5 ${after#* }"
