# shellcheck shell=bash
# Which images the stack runs (official or offline set), whether they are all here, and the
# api image kept current with the service jar. The offline set itself is built by
# scripts/build-images.sh; this file only decides when to call it.
[[ -n "${_PRODSTACK_IMAGES_SH:-}" ]] && return 0
_PRODSTACK_IMAGES_SH=1
# shellcheck source=scripts/lib/compose.sh
source "$(dirname "${BASH_SOURCE[0]}")/compose.sh"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# True when a container registry answers: pulls one tiny official image with a short timeout.
registry_reachable() {
    local probe="${REGISTRY_PROBE_IMAGE:-hello-world:latest}"
    timeout "${REGISTRY_PROBE_TIMEOUT:-15}" docker pull -q "$probe" >/dev/null 2>&1
}

# Chooses official or offline images (auto = official when a registry answers) and exports
# the image variables accordingly. Sets IMAGE_SOURCE to the outcome and says which.
select_image_source() {
    local wanted="${1:-${IMAGE_SOURCE:-auto}}"
    case "$wanted" in
        auto)
            step "probing for a container registry (docker pull ${REGISTRY_PROBE_IMAGE:-hello-world:latest}, ${REGISTRY_PROBE_TIMEOUT:-15}s timeout)"
            if registry_reachable; then
                wanted=official
                info "a registry answered: using the official images"
            else
                wanted=offline
                info "no registry answered: using the offline images built from Debian packages"
            fi
            ;;
        official|offline) ;;
        *) die "image source must be auto, official or offline, not '$wanted'" ;;
    esac
    # The offline set first: what it has no image for (Grafana) comes from the official set
    # (stack_defaults), the one file that names the official images.
    if [[ "$wanted" == offline ]]; then
        [[ -r "$OFFLINE_ENV_FILE" ]] || die "offline image list missing: $OFFLINE_ENV_FILE"
        load_env_file "$OFFLINE_ENV_FILE"
    fi
    export IMAGE_SOURCE="$wanted"
    ok "image source: $IMAGE_SOURCE"
}

# For commands that start containers: the image set (auto|official|offline) is selected
# before deployment/.env is read, so that the offline set's names beat the .env file's.
stack_defaults_with_images() {
    select_image_source "$1"
    stack_defaults
}

# Grafana sits in the overlay's `grafana` profile: the offline set has no Grafana image
# (no Debian package), so it runs only when its image can be had. Call after
# select_image_source.
select_grafana_profile() {
    if [[ "$IMAGE_SOURCE" == official ]] || image_exists "$GRAFANA_IMAGE"; then
        export COMPOSE_PROFILES=grafana
        info "Grafana: $GRAFANA_IMAGE"
    else
        info "Grafana: skipped, no image $GRAFANA_IMAGE in the $IMAGE_SOURCE set"
    fi
}

# Newest modification time (epoch seconds) below the given paths.
newest_mtime() {
    find "$@" -type f -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1 | cut -d. -f1
}

# Builds service/target/prodstack-service.jar when missing or older than its sources.
ensure_jar() {
    local jar="$PRODSTACK_ROOT/service/target/prodstack-service.jar" src_time jar_time
    src_time="$(newest_mtime "$PRODSTACK_ROOT/service/src" "$PRODSTACK_ROOT/service/pom.xml" "$PRODSTACK_ROOT/service/config.yml" "$PRODSTACK_ROOT/pom.xml")"
    if [[ -f "$jar" ]]; then
        jar_time="$(stat -c %Y "$jar")"
        if (( ${src_time:-0} <= jar_time )); then
            ok "service jar up to date (${jar#"$PRODSTACK_ROOT"/})"
            return 0
        fi
        step "service jar older than its sources: rebuilding with Maven"
    else
        step "service jar missing: building it with Maven"
    fi
    require_cmd mvn java
    # maven.test.skip: not even compiled, the image needs the main classes only.
    local mvn_args=(-B -q -pl service -am package -Dmaven.test.skip=true -Dstyle.color=never)
    # Offline when the local repository already holds the dependencies (second run onwards).
    [[ "${MAVEN_OFFLINE:-auto}" == true ]] && mvn_args=(-o "${mvn_args[@]}")
    (cd "$PRODSTACK_ROOT" && run mvn "${mvn_args[@]}") || die "Maven build of the service failed"
    [[ "$DRY_RUN" == true || -f "$jar" ]] || die "Maven finished but $jar is missing"
}

# Image references the selected set must provide before `up` (monitoring and logging ones when
# those overlays are in use; Grafana is optional, see select_grafana_profile).
required_images() {
    printf '%s\n' "$POSTGRES_IMAGE" "$REDIS_IMAGE" "$NGINX_IMAGE" "$RUNTIME_BASE_IMAGE" "$JDK_IMAGE"
    if uses_compose_file "$COMPOSE_FILE_MONITORING"; then
        printf '%s\n' "${PROMETHEUS_IMAGE:-}" "${ALERTMANAGER_IMAGE:-}" \
            "${POSTGRES_EXPORTER_IMAGE:-}" "${REDIS_EXPORTER_IMAGE:-}" \
            "${NGINX_EXPORTER_IMAGE:-}" "${BLACKBOX_EXPORTER_IMAGE:-}" "${NODE_EXPORTER_IMAGE:-}"
    fi
    if uses_compose_file "$COMPOSE_FILE_LOGGING"; then
        printf '%s\n' "${LOG_STORE_IMAGE:-}" "${LOG_SHIPPER_IMAGE:-}"
    fi
}

# The required images this machine lacks, one per line.
missing_images() {
    local image
    while read -r image; do
        [[ -z "$image" ]] || image_exists "$image" || printf '%s\n' "$image"
    done < <(required_images)
}

# The images of the selected set, made current by scripts/build-images.sh (cached by content,
# so a run with nothing new costs the reading of the mirror's package lists): with the offline
# set, every image of it, rebuilt where the mirror published a fix since it was built; the api
# image (API_IMAGE) from the jar, on the offline or the official bases. api: build (when not
# current), never (used as it is: it must exist) or skip (no image work at all).
ensure_images() {
    local api=$1 args=()
    [[ "$api" == skip ]] && return 0
    if [[ "$api" == never ]]; then
        [[ "$IMAGE_SOURCE" == offline ]] && args=(--skip-api)
    else
        ensure_jar
        [[ "$IMAGE_SOURCE" == official ]] && args=(--official)
    fi
    if [[ "$IMAGE_SOURCE" == offline || "$api" != never ]]; then
        step "making the $IMAGE_SOURCE images current: scripts/build-images.sh ${args[*]}"
        run "$PRODSTACK_ROOT/scripts/build-images.sh" "${args[@]}" || die "scripts/build-images.sh failed"
    fi
    [[ "$DRY_RUN" == true ]] && return 0
    if [[ "$api" == never ]]; then
        image_exists "$API_IMAGE" || die "api image $API_IMAGE is missing"
        ok "api image $API_IMAGE present (used as it is)"
    fi
    # compose pulls what the official set lacks; the offline set has nowhere to pull from.
    if [[ "$IMAGE_SOURCE" == offline ]]; then
        local missing
        missing="$(missing_images | tr '\n' ' ')"
        [[ -z "$missing" ]] || die "missing images: ${missing% } (not in the offline set?)"
    fi
}

# Everything `up` needs on a fresh checkout, once stack_defaults_with_images chose the images:
# current images, secrets, TLS. api: as ensure_images.
prepare_stack() {
    local api=${1:-build}
    [[ -n "${IMAGE_SOURCE:-}" ]] || die "internal: stack_defaults_with_images must run before prepare_stack"
    ensure_images "$api"
    uses_compose_file "$COMPOSE_FILE_MONITORING" && select_grafana_profile
    ensure_secrets
    ensure_tls
}
