#!/usr/bin/env bash
# Dumps the prodstack database from the running compose `db` container to a checksummed file.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--dir DIR] [--keep-days N] [--keep N] [--dry-run]

Runs pg_dump inside the compose db container (custom format, compression 6), streams it to
  DIR/prodstack_<UTC timestamp>.dump  and  DIR/prodstack_<UTC timestamp>.dump.sha256,
checks that pg_restore can read the archive, then deletes backups older than N days and
all but the newest N backups. Prints the file, its size and its SHA-256 (the path alone on stdout).

  --dir DIR        backup directory (default: backups/ in the repository)
  --keep-days N    delete backups older than N days (default 7; 0 keeps all ages)
  --keep N         keep at most the newest N backups (default 14; 0 keeps all)
  --dry-run        print what would happen, write and delete nothing
  -h, --help       this help

Environment: COMPOSE_PROJECT_NAME (default prodstack) selects the stack.
Restore with: scripts/restore-db.sh <file> --yes-i-am-sure
USAGE
}

backup_dir="$PRODSTACK_ROOT/backups"
keep_days=7
keep_count=14
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) [[ -n "${2:-}" ]] || usage_error "--dir needs a directory"; backup_dir=$2; shift ;;
        --keep-days) [[ "${2:-}" =~ ^[0-9]+$ ]] || usage_error "--keep-days needs a number"; keep_days=$2; shift ;;
        --keep) [[ "${2:-}" =~ ^[0-9]+$ ]] || usage_error "--keep needs a number"; keep_count=$2; shift ;;
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unexpected argument: $1" ;;
    esac
    shift
done

require_docker
require_cmd sha256sum numfmt
stack_defaults
[[ -n "$(running_containers db)" ]] || die "the db container of project $COMPOSE_PROJECT_NAME is not running (scripts/stack.sh up)"

timestamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$backup_dir/prodstack_${timestamp}.dump"

step "backing up database prodstack of project $COMPOSE_PROJECT_NAME to $file"
run mkdir -p "$backup_dir"
run chmod 0700 "$backup_dir"
if [[ "$DRY_RUN" == true ]]; then
    run compose exec -T db pg_dump -U prodstack -d prodstack --format=custom --compress=6
else
    # Written under a temporary name and renamed only when complete and readable, so a
    # failed dump never looks like a backup (and never counts against retention).
    partial="$file.partial"
    add_cleanup "rm -f '$partial'"
    ( umask 077; compose exec -T db pg_dump -U prodstack -d prodstack --format=custom --compress=6 >"$partial" ) \
        || die "pg_dump failed"
    [[ -s "$partial" ]] || die "pg_dump produced an empty file"
    entries="$(compose exec -T db pg_restore --list <"$partial" | grep -cv '^;')" \
        || die "the dump is not a readable pg_restore archive"
    mv "$partial" "$file"
    (cd "$backup_dir" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")
    checksum="$(cut -d' ' -f1 "$file.sha256")"
    ok "backup written: $file"
    info "size:    $(numfmt --to=iec-i --suffix=B "$(stat -c %s "$file")") ($entries archive entries)"
    info "sha256:  $checksum"
fi

# Retention: age first, then count; a dump and its .sha256 go together.
delete_backup() {
    info "deleting old backup $(basename "$1")"
    run rm -f "$1" "$1.sha256"
}
if [[ -d "$backup_dir" ]]; then
    if (( keep_days > 0 )); then
        while IFS= read -r old; do
            delete_backup "$old"
        done < <(find "$backup_dir" -maxdepth 1 -name 'prodstack_*.dump' -mmin "+$((keep_days * 1440))" -print | sort)
    fi
    if (( keep_count > 0 )); then
        while IFS= read -r old; do
            delete_backup "$old"
        done < <(find "$backup_dir" -maxdepth 1 -name 'prodstack_*.dump' -print | sort -r | tail -n "+$((keep_count + 1))")
    fi
fi

[[ "$DRY_RUN" == true ]] || printf '%s\n' "$file"
