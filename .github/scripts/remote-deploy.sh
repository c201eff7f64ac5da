#!/usr/bin/env bash
# The deploy job's steps: reach the target host over SSH (key and known_hosts from the
# environment's secrets, strict host key checking), put the released image there by digest, run
# scripts/deploy.sh on it, and roll back by deploying the previous version again.
# SC2029 (expands on the client side): every command line for the host is built here on
# purpose, each word quoted with printf %q.
# shellcheck disable=SC2029
set -euo pipefail

usage() {
    cat <<USAGE
Usage: $(basename "$0") <command> <staging|production> <version> [options]

Commands:
  previous   print the version the public URL serves now (GET \$PUBLIC_URL/health .version; empty
             on a first deploy or when it does not answer)
  deploy     on the host: ship this checkout's scripts/, deployment/, security/, monitoring/ to
             \$DEPLOY_PATH (git archive; the host's env files, secrets and TLS are untracked and
             stay), pull IMAGE@DIGEST and tag it IMAGE:<version>, then
             API_IMAGE_REPOSITORY=IMAGE scripts/deploy.sh <environment> <version>
  rollback   on the host: API_IMAGE_REPOSITORY=IMAGE scripts/deploy.sh <environment> <version>
             with <version> the one 'previous' printed (its image is still on the host)

Options:
  --image REPO     image repository, e.g. ghcr.io/acme/prodstack-api (required by deploy/rollback)
  --digest SHA256  manifest digest that passed acceptance (required by deploy)
  --dry-run        print the SSH commands and run scripts/deploy.sh --dry-run in this checkout
  -h, --help       this help

Environment: DEPLOY_HOST, DEPLOY_USER, DEPLOY_SSH_KEY (private key), DEPLOY_KNOWN_HOSTS (the
host's known_hosts lines), DEPLOY_PATH (checkout directory on the host, default ~/prodstack),
PUBLIC_URL, PUBLIC_CA_CERT (PEM, optional: for a public URL signed by a private CA),
REGISTRY_USER + REGISTRY_TOKEN (optional: docker login on the host for the pull, logged out after).
USAGE
}

die() { printf 'error %s\n' "$*" >&2; exit 1; }
step() { printf '==> %s\n' "$*" >&2; }

command=${1:-}
[[ "$command" == -h || "$command" == --help ]] && { usage; exit 0; }
[[ "$command" =~ ^(previous|deploy|rollback)$ ]] || { usage >&2; exit 2; }
environment=${2:-}
version=${3:-}
shift 3 || { usage >&2; exit 2; }
image=''
digest=''
dry_run=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --image) image=${2:?--image needs a repository}; shift ;;
        --digest) digest=${2:?--digest needs sha256:...}; shift ;;
        --dry-run) dry_run=true ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
    shift
done
[[ "$environment" =~ ^(staging|production)$ ]] || die "environment must be staging or production, got '$environment'"
[[ "$version" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "version must be an image tag, got '$version'"
[[ "$command" == previous || "$image" =~ ^[a-z0-9./_-]+$ ]] || die "--image must be a lowercase repository, got '$image'"
[[ "$command" != deploy || "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "--digest must be sha256:<64 hex>, got '$digest'"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
remote_path=${DEPLOY_PATH:-prodstack}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# PUBLIC_URL's CA when it is not publicly trusted (a staging host with the dev CA).
ca_args=()
if [[ -n "${PUBLIC_CA_CERT:-}" ]]; then
    printf '%s\n' "$PUBLIC_CA_CERT" >"$work/ca.crt"
    ca_args=(--cacert "$work/ca.crt")
fi

if [[ "$command" == previous ]]; then
    [[ -n "${PUBLIC_URL:-}" ]] || die "PUBLIC_URL is not set"
    curl -fsS --max-time 10 "${ca_args[@]}" "${PUBLIC_URL%/}/health" 2>/dev/null | jq -r '.version // empty' || true
    exit 0
fi

# ssh with only what the environment's secrets say: this key, this host key, no prompts.
ssh_args=()
if [[ "$dry_run" == false ]]; then
    for name in DEPLOY_HOST DEPLOY_USER DEPLOY_SSH_KEY DEPLOY_KNOWN_HOSTS; do
        [[ -n "${!name:-}" ]] || die "$name is not set (a secret of the $environment environment)"
    done
    (umask 077 && printf '%s\n' "$DEPLOY_SSH_KEY" >"$work/key" && printf '%s\n' "$DEPLOY_KNOWN_HOSTS" >"$work/known_hosts")
    ssh_args=(-i "$work/key" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes
        -o "UserKnownHostsFile=$work/known_hosts" -o ConnectTimeout=20 -o ServerAliveInterval=30
        "$DEPLOY_USER@$DEPLOY_HOST")
fi
target="${DEPLOY_USER:-<user>}@${DEPLOY_HOST:-<host>}"

# Words quoted for the host's shell; `&&` between two q's stays an operator.
q() { printf '%q ' "$@"; }

# remote LINE: one command line on the host (build it with q).
remote() {
    local line=$1
    if [[ "$dry_run" == true ]]; then
        printf '    ssh %s %s\n' "$target" "$line" >&2
        return 0
    fi
    ssh "${ssh_args[@]}" "$line"
}

# scripts/deploy.sh on the host, in the shipped checkout; --dry-run runs it here instead.
deploy_sh() {
    local deploy_version=$1
    step "scripts/deploy.sh $environment $deploy_version on $target (API_IMAGE_REPOSITORY=$image)"
    remote "$(q cd "$remote_path")&& $(q env "API_IMAGE_REPOSITORY=$image" NO_COLOR=1 scripts/deploy.sh "$environment" "$deploy_version")"
    if [[ "$dry_run" == true ]]; then
        step "what it would do there (scripts/deploy.sh $environment $deploy_version --dry-run, run in this checkout)"
        (cd "$root" && API_IMAGE_REPOSITORY="$image" NO_COLOR=1 scripts/deploy.sh "$environment" "$deploy_version" --dry-run)
    fi
}

if [[ "$command" == rollback ]]; then
    # deploy.sh builds a missing version from the sources it finds, which are the new release's
    # by now: roll back only to an image that is really there.
    step "checking that $image:$version is still on $target"
    remote "$(q docker image inspect --format '{{.Id}}' "$image:$version")" >/dev/null \
        || die "$image:$version is not on $target: no rollback; deploy a known version by hand"
    deploy_sh "$version"
    exit 0
fi

unpack="$(q mkdir -p "$remote_path")&& $(q tar -x -C "$remote_path")"
step "shipping scripts/, deployment/, security/, monitoring/ of $(git -C "$root" rev-parse --short HEAD) to $target:$remote_path"
if [[ "$dry_run" == true ]]; then
    printf '    git archive HEAD scripts deployment security monitoring | ssh %s %s\n' "$target" "$unpack" >&2
else
    git -C "$root" archive --format=tar HEAD scripts deployment security monitoring \
        | ssh "${ssh_args[@]}" "$unpack"
fi

step "pulling $image@$digest on $target and tagging it $image:$version"
if [[ -n "${REGISTRY_TOKEN:-}" ]]; then
    registry="${image%%/*}"
    if [[ "$dry_run" == true ]]; then
        printf '    ssh %s docker login %s -u %s --password-stdin  (token on stdin)\n' "$target" "$registry" "${REGISTRY_USER:-}" >&2
    else
        printf '%s\n' "$REGISTRY_TOKEN" | ssh "${ssh_args[@]}" "$(q docker login "$registry" -u "${REGISTRY_USER:?REGISTRY_USER is needed with REGISTRY_TOKEN}" --password-stdin)" >/dev/null
    fi
fi
pulled=0
remote "$(q docker pull --quiet "$image@$digest")" && pulled=1
[[ -z "${REGISTRY_TOKEN:-}" ]] || remote "$(q docker logout "${image%%/*}")" >/dev/null
[[ "$pulled" == 1 ]] || die "docker pull $image@$digest failed on $target"
# The tag deploy.sh deploys now names exactly this digest.
remote "$(q docker tag "$image@$digest" "$image:$version")"
deploy_sh "$version"
