#!/usr/bin/env bash
# Brings the stack's database volume to the PostgreSQL major version of the image set
# (POSTGRES_IMAGE): a dump of the old cluster by the old image, restored into a new cluster of
# the new image in a staging volume and verified there, and only then swapped into the stack's
# volume, the old data kept in a volume of its own. Until the swap the old volume is untouched,
# so an upgrade stopped at any point before it leaves the database as it was.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--from-image IMAGE] [--offline|--official] [--dry-run]
       $(basename "$0") --rollback [--dry-run]

Upgrade, for the project COMPOSE_PROJECT_NAME (default prodstack):
  1. reads the major version of the data in its pgdata volume and of POSTGRES_IMAGE (the image
     set's: offline.env or official.env); nothing to do when they agree;
  2. stops the api and the database (the edge answers 502 JSON meanwhile) and starts the old
     version on the volume, with no network: the image its db container ran, or --from-image;
  3. backs it up: pg_dump to backups/prodstack_<UTC>_pg<old>.dump + .sha256, and a fingerprint
     (users: count, sha256 of every row in id order, the id sequence);
  4. restores the dump into a new cluster of POSTGRES_IMAGE in a staging volume and compares
     the fingerprint; any difference stops here, the old volume untouched;
  5. copies the old data to the volume <pgdata>-pg<old> (kept), then the staging cluster into
     pgdata; starts the stack (scripts/stack.sh's compose up) and compares the fingerprint once
     more through the running database.
--rollback copies <pgdata>-pg<old> back into pgdata (start the old image afterwards).

Options:
  --from-image IMAGE   the old PostgreSQL image (default: the image of the project's db container)
  --offline|--official the image set (default: IMAGE_SOURCE, else a registry probe)
  --dry-run            say what would be done, change nothing
  -h, --help           this help
USAGE
}

from_image='' rollback=false image_source="${IMAGE_SOURCE:-auto}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --from-image) from_image="${2:?--from-image needs an image}"; shift ;;
        --rollback) rollback=true ;;
        --offline) image_source=offline ;;
        --official) image_source=official ;;
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unexpected argument: $1" ;;
    esac
    shift
done

require_docker
require_cmd sha256sum
stack_defaults_with_images "$image_source"
volume="$(project_volume pgdata)"
[[ -n "$volume" ]] || die "project $COMPOSE_PROJECT_NAME has no pgdata volume: nothing to upgrade"
helper="$COMPOSE_PROJECT_NAME-upgrade"
labels=(--label "com.docker.compose.project=$COMPOSE_PROJECT_NAME" --label dev.prodstack.upgrade=true)

# in_volume IMAGE VOLUME:PATH... -- COMMAND...: a one-off root container with those volumes, no network.
in_volumes() {
    local image=$1 mounts=()
    shift
    while [[ "$1" != -- ]]; do mounts+=(-v "$1"); shift; done
    shift
    docker run --rm --network none -u 0 "${mounts[@]}" --entrypoint "$1" "$image" "${@:2}"
}
major_of_image() { docker run --rm --network none --entrypoint postgres "$1" --version | sed -n 's/^postgres (PostgreSQL) \([0-9]*\).*/\1/p'; }
major_of_volume() { in_volumes "$POSTGRES_IMAGE" "$1:/data:ro" -- cat /data/PG_VERSION 2>/dev/null || true; }

# copy_volume FROM TO: TO holds exactly what FROM holds (owners, modes), or the run dies.
# shellcheck disable=SC2016 # the container's shell expands these
copy_volume() {
    run in_volumes "$POSTGRES_IMAGE" "$1:/from:ro" "$2:/to" -- sh -c \
        'find /to -mindepth 1 -delete && cp -a /from/. /to/ && [ "$(du -s --apparent-size /from | cut -f1)" = "$(du -s --apparent-size /to | cut -f1)" ]' \
        || die "copying volume $1 to $2 failed"
}

if [[ "$rollback" == true ]]; then
    backup="$(docker volume ls -q --filter label=dev.prodstack.upgrade=true --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" | grep -- '-pg[0-9]*$' | sort | tail -n 1)"
    [[ -n "$backup" ]] || die "no volume of an earlier upgrade of project $COMPOSE_PROJECT_NAME to roll back to"
    step "rolling back: stopping api and db, copying $backup into $volume"
    run compose stop api migrate db
    copy_volume "$backup" "$volume"
    ok "pgdata holds the PostgreSQL ${backup##*-pg} data again: start the stack with POSTGRES_IMAGE set to a PostgreSQL ${backup##*-pg} image"
    exit 0
fi

old="$(major_of_volume "$volume")"
new="$(major_of_image "$POSTGRES_IMAGE")"
[[ "$old" =~ ^[0-9]+$ ]] || die "volume $volume holds no PostgreSQL data (no PG_VERSION)"
[[ "$new" =~ ^[0-9]+$ ]] || die "$POSTGRES_IMAGE does not say its PostgreSQL version"
if [[ "$old" == "$new" ]]; then
    ok "volume $volume already holds PostgreSQL $new data: nothing to do"
    exit 0
fi
(( old < new )) || die "volume $volume holds PostgreSQL $old data, newer than $POSTGRES_IMAGE ($new): no downgrade"
if [[ -z "$from_image" ]]; then
    from_image="$(docker inspect -f '{{.Config.Image}}' "$(service_containers db | head -n 1)" 2>/dev/null || true)"
fi
[[ -n "$from_image" && "$(major_of_image "$from_image" 2>/dev/null)" == "$old" ]] \
    || die "name an image of PostgreSQL $old with --from-image (the db container's image ${from_image:-(none)} is not one)"
step "upgrading volume $volume of project $COMPOSE_PROJECT_NAME from PostgreSQL $old ($from_image) to $new ($POSTGRES_IMAGE)"
started=$(now_s)

# What an earlier run stopped half way left: its containers and staging volume, never pgdata.
docker rm -f "$helper-old" "$helper-new" > /dev/null 2>&1 || true
staging="$volume-staging-pg$new"
docker volume rm "$staging" > /dev/null 2>&1 || true

# server NAME IMAGE VOLUME [ENV...]: PostgreSQL on VOLUME with no network, ready for psql.
server() {
    local name=$1 image=$2 vol=$3 env=()
    shift 3
    for kv in "$@"; do env+=(-e "$kv"); done
    run docker run -d --name "$name" --network none --user 999:999 "${env[@]}" \
        -v "$vol:/var/lib/postgresql/data" -v "$SECRETS_DIR/db_password:/run/secrets/db_password:ro" \
        --tmpfs /var/run/postgresql:uid=999,gid=999 --tmpfs /tmp "${labels[@]}" "$image" > /dev/null
    [[ "$DRY_RUN" == true ]] && return 0
    for _ in $(seq 1 240); do
        docker exec "$name" pg_isready -q -h 127.0.0.1 -U prodstack -d prodstack 2> /dev/null && return 0
        [[ "$(docker inspect -f '{{.State.Running}}' "$name")" == true ]] || break
        sleep 0.5
    done
    docker logs "$name" 2>&1 | tail -n 20 >&2
    die "PostgreSQL in $name did not become ready"
}
# The users: how many, the sha256 of every row in id order, and where the id sequence stands.
FINGERPRINT="SELECT count(*) || ' ' || coalesce(encode(sha256(string_agg(u::text, E'\\n' ORDER BY id)::bytea), 'hex'), '-')
    || ' ' || (SELECT last_value FROM pg_sequences WHERE sequencename = 'users_id_seq') FROM users u"
psql_args=(psql -X -q -A -t -v ON_ERROR_STOP=1 -U prodstack -d prodstack -c "$FINGERPRINT")
fingerprint() { docker exec "$1" "${psql_args[@]}"; }
add_cleanup "docker rm -f '$helper-old' '$helper-new' > /dev/null 2>&1"

step "stopping the api and the database (the edge answers 502 meanwhile)"
run compose stop api db
server "$helper-old" "$from_image" "$volume"
before="$( [[ "$DRY_RUN" == true ]] || fingerprint "$helper-old")"
info "PostgreSQL $old: users, sha256, sequence: ${before:-?}"

dump="$PRODSTACK_ROOT/backups/prodstack_$(date -u +%Y%m%dT%H%M%SZ)_pg$old.dump"
step "backing up to ${dump#"$PRODSTACK_ROOT"/}"
run mkdir -p "$(dirname "$dump")"
if [[ "$DRY_RUN" != true ]]; then
    ( umask 077; docker exec "$helper-old" pg_dump -U prodstack -d prodstack --format=custom --compress=6 > "$dump.partial" ) \
        || die "pg_dump of PostgreSQL $old failed"
    mv "$dump.partial" "$dump"
    (cd "$(dirname "$dump")" && sha256sum "$(basename "$dump")" > "$(basename "$dump").sha256")
    ok "backup written: $(du -h "$dump" | cut -f1), sha256 $(cut -d' ' -f1 "$dump.sha256")"
fi
run docker rm -f "$helper-old" > /dev/null

step "restoring into a new PostgreSQL $new cluster in volume $staging"
run docker volume create "${labels[@]}" "$staging" > /dev/null
server "$helper-new" "$POSTGRES_IMAGE" "$staging" POSTGRES_USER=prodstack POSTGRES_DB=prodstack \
    POSTGRES_PASSWORD_FILE=/run/secrets/db_password POSTGRES_INITDB_ARGS=--auth-host=scram-sha-256
if [[ "$DRY_RUN" != true ]]; then
    # The new cluster has no api role yet: its grants are the migrate job's, when the stack starts on it.
    docker exec -i "$helper-new" pg_restore -U prodstack -d prodstack --no-privileges --single-transaction --exit-on-error < "$dump" \
        || die "pg_restore into PostgreSQL $new failed; volume $volume is untouched"
    after="$(fingerprint "$helper-new")"
    [[ "$after" == "$before" ]] || die "PostgreSQL $new holds '$after', PostgreSQL $old held '$before'; volume $volume is untouched"
    ok "PostgreSQL $new holds the same users, rows and sequence"
fi
run docker rm -f "$helper-new" > /dev/null

kept="$volume-pg$old"
step "swapping: the PostgreSQL $old data to volume $kept, the new cluster into $volume"
warn "from here until the swap ends, an interruption leaves $volume half copied: scripts/upgrade-db.sh --rollback copies $kept back"
docker volume inspect "$kept" > /dev/null 2>&1 || run docker volume create "${labels[@]}" "$kept" > /dev/null
copy_volume "$volume" "$kept"
copy_volume "$staging" "$volume"
run docker volume rm "$staging" > /dev/null

step "starting the stack on PostgreSQL $new"
start_stack 300 up -d --no-build --remove-orphans
if [[ "$DRY_RUN" != true ]]; then
    live="$(compose exec -T db "${psql_args[@]}")"
    [[ "$live" == "$before" ]] || die "the running PostgreSQL $new holds '$live', not '$before' (the old data is in volume $kept)"
    ok "upgraded to PostgreSQL $new in $(elapsed_since "$started"): users, rows and sequence as before; the old data stays in volume $kept"
fi
