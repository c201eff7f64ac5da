#!/usr/bin/env bash
# Deploys, inspects or removes the prodstack stack on Docker Swarm: deployment/docker-compose.yml
# with deployment/docker-compose.swarm.yml, what only Swarm does, as an override.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
    cat <<USAGE
Usage: $(basename "$0") <deploy|update-api|status|rm> [options]

  deploy   prepares images, secrets and TLS like stack.sh; first deploy: db, cache, proxy and
           the migration with 0 api replicas, then the api scaled to --replicas; upgrade (a new
           API_IMAGE): the migration with the new image first, then Swarm rolls the api one task
           at a time (start-first, automatic rollback). Waits until every replica is healthy and
           https://localhost:\$HTTPS_PORT/health answers.
  update-api  rolling restart of the api (docker service update --force), or a new image
           with --image: migrates first, then rolls one task at a time; follows the update
           until it completes (or Swarm rolls it back by itself)
  status   services, tasks and the health answer
  rm       removes the stack (volumes kept unless --volumes)

Options:
  --offline | --official   image source (default: probe a registry, as stack.sh does)
  --replicas N             api replicas (default \$API_REPLICAS or 2)
  --init                   deploy: turn this engine into a single-node swarm first if it is not one
  --image IMAGE            update-api: the new api image (default: same image, forced restart)
  --volumes                rm: also delete the stack's volumes (the database!)
  --leave                  rm: leave the swarm afterwards (docker swarm leave --force)
  --timeout S              seconds to wait for convergence (default 300)
  --dry-run                print the commands that would change anything
  -h, --help               this help

Environment: STACK_NAME (prodstack), VERSION, API_IMAGE, HTTP_PORT, HTTPS_PORT, the image set's
variables; SWARM_ENDPOINT_MODE=vip|dnsrr overrides the IPVS detection (deployment/README.md, Swarm).
USAGE
}

command=''
image_source="${IMAGE_SOURCE:-auto}"
replicas=''
new_image=''
init=false
volumes=false
leave=false
timeout=300
while [[ $# -gt 0 ]]; do
    case "$1" in
        deploy|update-api|status|rm) [[ -z "$command" ]] || usage_error "only one command"; command=${1//-/_} ;;
        --image) [[ -n "${2:-}" ]] || usage_error "--image needs an image"; new_image=$2; shift ;;
        --offline) image_source=offline ;;
        --official) image_source=official ;;
        --replicas) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage_error "--replicas needs a positive number"; replicas=$2; shift ;;
        --init) init=true ;;
        --volumes) volumes=true ;;
        --leave) leave=true ;;
        --timeout) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout needs seconds"; timeout=$2; shift ;;
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unexpected argument: $1" ;;
    esac
    shift
done
[[ -n "$command" ]] || usage_error "a command is required"

require_docker
if [[ "$command" == deploy ]]; then stack_defaults_with_images "$image_source"; else stack_defaults; fi
export STACK_NAME="${STACK_NAME:-prodstack}"
stack=$STACK_NAME
# swarm.sh shares the project name with the compose scripts' container checks.
export COMPOSE_PROJECT_NAME="$stack"

swarm_active() { [[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" == active ]]; }

# Virtual IPs and the ingress mesh need IPVS; without it, DNS round robin and host ports.
select_endpoint_mode() {
    if [[ -z "${SWARM_ENDPOINT_MODE:-}" ]]; then
        modprobe ip_vs >/dev/null 2>&1 || true
        if [[ -e /proc/net/ip_vs ]]; then SWARM_ENDPOINT_MODE=vip; else SWARM_ENDPOINT_MODE=dnsrr; fi
    fi
    case "$SWARM_ENDPOINT_MODE" in
        vip) : "${SWARM_PUBLISH_MODE:=ingress}" "${SWARM_PROXY_UPDATE_ORDER:=start-first}" ;;
        dnsrr)
            : "${SWARM_PUBLISH_MODE:=host}" "${SWARM_PROXY_UPDATE_ORDER:=stop-first}"
            warn "no IPVS in this kernel: DNS round robin, proxy ports in host mode"
            ;;
        *) die "SWARM_ENDPOINT_MODE must be vip or dnsrr" ;;
    esac
    export SWARM_ENDPOINT_MODE SWARM_PUBLISH_MODE SWARM_PROXY_UPDATE_ORDER
    info "endpoint mode $SWARM_ENDPOINT_MODE, proxy ports in $SWARM_PUBLISH_MODE mode"
}

# Current state of a service's newest task, e.g. "Running", "Complete", "Failed".
newest_task_state() {
    docker service ps --no-trunc --format '{{.CurrentState}}' "${stack}_$1" 2>/dev/null | head -n 1 | awk '{print $1}'
}

# Configs are immutable in Swarm: naming them after their content lets a changed file roll out.
export_config_versions() {
    local var file
    for var in NGINX_CONF:"$PRODSTACK_ROOT/security/nginx/nginx.conf" \
            NGINX_UPSTREAM_WATCH:"$PRODSTACK_ROOT/security/nginx/upstream-watch.sh" \
            NGINX_LIMIT_EXEMPT:"$PRODSTACK_ROOT/security/nginx/limit-exempt.conf" \
            POSTGRES_CONF:"$DEPLOY_DIR/postgres/postgresql.conf" \
            REDIS_CONF:"$DEPLOY_DIR/redis/redis.conf" TLS_CRT:"$TLS_DIR/server.crt"; do
        file="${var#*:}"
        [[ -r "$file" ]] || die "missing $file"
        export "${var%%:*}_VERSION=$(sha256sum "$file" | cut -c1-12)"
    done
}

stack_deploy() {
    # (20.10 prints a notice about --detach on stderr: not an error.)
    run docker stack deploy --prune --resolve-image never -c "$COMPOSE_FILE_MAIN" -c "$COMPOSE_FILE_SWARM" "$stack" 2>&1 >/dev/null \
        | { grep -v -e '--detach=false' -e 'In a future release' >&2 || true; }
}

wait_migration() {
    local deadline state
    deadline=$(( $(now_s) + timeout ))
    step "waiting for the migration task to complete"
    [[ "$DRY_RUN" == true ]] && return 0
    while (( $(now_s) < deadline )); do
        state="$(newest_task_state migrate)"
        case "$state" in
            Complete) ok "migration complete"; return 0 ;;
            Failed|Rejected) info "migration attempt $state (retried by its restart policy while attempts remain)" ;;
        esac
        sleep 3
    done
    docker service logs --tail 40 "${stack}_migrate" >&2 || true
    die "the migration did not complete within ${timeout}s"
}

# "Healthy enough to switch" is the scripts' shared notion (scripts/lib, as deploy.sh uses it):
# every long-running service has its desired task count (Swarm starts and replaces tasks, and
# counts one only after its healthcheck passed), every running task container is healthy
# (wait_containers_healthy), then the edge answers healthy (wait_http_healthy).
wait_converged() {
    local started deadline line name current desired pending
    local -a containers
    local -A seen=()
    started=$(now_s)
    deadline=$(( started + timeout ))
    step "waiting up to ${timeout}s for every service to converge"
    [[ "$DRY_RUN" == true ]] && return 0
    while true; do
        pending=0
        while read -r name line; do
            [[ "$name" == "${stack}_migrate" ]] && continue
            if [[ "${seen[$name]:-}" != "$line" ]]; then
                printf '    [%4ss] %-24s %s\n' "$(( $(now_s) - started ))" "$name" "$line" >&2
                seen[$name]=$line
            fi
            current="${line%%/*}"
            desired="${line#*/}"
            desired="${desired%% *}"
            [[ "$current" == "$desired" && "$desired" != 0 ]] || pending=1
        done < <(docker stack services "$stack" --format '{{.Name}} {{.Replicas}}')
        [[ "$pending" == 0 ]] && break
        if (( $(now_s) >= deadline )); then
            docker stack ps --no-trunc "$stack" >&2 || true
            die "the stack did not converge within ${timeout}s"
        fi
        sleep 2
    done
    mapfile -t containers < <(docker ps --no-trunc --filter "label=com.docker.stack.namespace=$stack" \
        --filter status=running --format '{{.ID}} {{.Label "com.docker.swarm.service.name"}}' \
        | awk -v skip="${stack}_migrate" '$2 != skip {print $1}')
    wait_containers_healthy "$(( deadline > $(now_s) ? deadline - $(now_s) : 1 ))" "${containers[@]}" \
        || die "task containers of $stack are not healthy"
    ok "all services converged, ${#containers[@]} task containers healthy after $(elapsed_since "$started")"
    step "checking $(stack_base_url)/health through the edge"
    wait_http_healthy "$(stack_base_url)" 90 || die "$(stack_base_url)/health is not healthy"
    ok "$(stack_base_url)/health: $(curl_stack "$(stack_base_url)/health")"
}

cmd_deploy() {
    local started current_image
    started=$(now_s)
    require_cmd curl jq sha256sum
    if ! swarm_active; then
        [[ "$init" == true ]] || die "this engine is not a swarm manager: docker swarm init --advertise-addr 127.0.0.1 (or --init)"
        step "initialising a single-node swarm"
        run docker swarm init --advertise-addr 127.0.0.1 >/dev/null
    fi
    prepare_stack build
    select_endpoint_mode
    export_config_versions
    export API_REPLICAS="${replicas:-${API_REPLICAS:-2}}"

    current_image="$(docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "${stack}_api" 2>/dev/null || true)"
    if [[ -z "$current_image" ]]; then
        step "first deploy of stack $stack: database, cache and migration first"
        API_REPLICAS=0 PROXY_REPLICAS=0 stack_deploy
        wait_migration
    elif [[ "$current_image" != "$API_IMAGE" ]]; then
        step "upgrade $current_image -> $API_IMAGE: migrating first"
        run docker service update --detach --image "$API_IMAGE" --env-add "APP_VERSION=$VERSION" "${stack}_migrate" >/dev/null
        wait_migration
    fi
    step "deploying stack $stack ($API_REPLICAS api replicas of $API_IMAGE)"
    stack_deploy
    wait_converged
    [[ "$DRY_RUN" == true ]] || ok "stack $stack deployed in $(elapsed_since "$started")"
}

# Waits for the api service's rolling update to finish (nginx follows the tasks by itself).
follow_api_update() {
    local started deadline state last=''
    started=$(now_s)
    deadline=$(( started + timeout ))
    [[ "$DRY_RUN" == true ]] && return 0
    sleep 2
    while true; do
        state="$(docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "${stack}_api")"
        case "$state" in
            completed|'') break ;;
            rollback_completed) die "the update failed and Swarm rolled the api back" ;;
            paused|rollback_paused) die "the api update is $state: docker service inspect ${stack}_api" ;;
        esac
        [[ "$state" == "$last" ]] || info "[$(printf '%4s' "$(( $(now_s) - started ))")s] api update: $state"
        last=$state
        (( $(now_s) < deadline )) || die "the api update did not finish within ${timeout}s (state: $state)"
        sleep 2
    done
    ok "api update ${state:-completed} after $(elapsed_since "$started")"
}

cmd_update_api() {
    local started current_image
    started=$(now_s)
    swarm_active || die "this engine is not in a swarm"
    select_endpoint_mode
    current_image="$(docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "${stack}_api" 2>/dev/null)" \
        || die "stack $stack has no api service (scripts/swarm.sh deploy)"
    if [[ -n "$new_image" && "${current_image%@*}" != "$new_image" ]]; then
        image_exists "$new_image" || die "no image $new_image on this node"
        step "upgrade ${current_image%@*} -> $new_image: migrating first"
        # The tag is the version /health reports (APP_VERSION), as with `deploy`.
        run docker service update --detach --image "$new_image" --env-add "APP_VERSION=${new_image##*:}" "${stack}_migrate" >/dev/null
        wait_migration
        step "rolling the api to $new_image (one task at a time, start-first)"
        run docker service update --detach --image "$new_image" --env-add "APP_VERSION=${new_image##*:}" "${stack}_api" >/dev/null
    else
        step "rolling restart of the api (docker service update --force, one task at a time)"
        run docker service update --detach --force "${stack}_api" >/dev/null
    fi
    follow_api_update
    wait_converged
    [[ "$DRY_RUN" == true ]] || ok "api updated in $(elapsed_since "$started")"
}

cmd_status() {
    swarm_active || { info "this engine is not in a swarm"; return 0; }
    docker stack services "$stack"
    docker stack ps "$stack" --filter desired-state=running
    if curl_stack -f "$(stack_base_url)/health" >/dev/null 2>&1; then
        ok "$(stack_base_url)/health: $(curl_stack "$(stack_base_url)/health")"
    else
        warn "$(stack_base_url)/health does not answer"
    fi
}

cmd_rm() {
    local deadline
    if swarm_active; then
        step "removing stack $stack"
        run docker stack rm "$stack"
        if [[ "$DRY_RUN" != true ]]; then
            # Containers and networks disappear asynchronously after `stack rm` returns.
            deadline=$(( $(now_s) + 60 ))
            while [[ -n "$(docker ps -aq --filter "label=com.docker.stack.namespace=$stack")$(docker network ls -q --filter "label=com.docker.stack.namespace=$stack")" ]]; do
                (( $(now_s) < deadline )) || die "stack $stack still has containers or networks after 60s"
                sleep 2
            done
        fi
        ok "stack $stack removed"
    else
        info "this engine is not in a swarm: no stack to remove"
    fi
    if [[ "$volumes" == true ]]; then
        local vol
        for vol in $(docker volume ls -q --filter "label=com.docker.stack.namespace=$stack"); do
            run docker volume rm "$vol" >/dev/null
            info "deleted volume $vol"
        done
    fi
    if [[ "$leave" == true ]] && swarm_active; then
        step "leaving the swarm"
        run docker swarm leave --force >/dev/null
        # The bridge `swarm init` created for overlay traffic outlives the swarm; drop it when unused.
        if docker network inspect docker_gwbridge >/dev/null 2>&1; then
            run docker network rm docker_gwbridge >/dev/null 2>&1 || info "docker_gwbridge still in use: kept"
        fi
        ok "the engine is no longer in a swarm"
    fi
}

"cmd_$command"
