#!/usr/bin/env bash
# Installs a stand-in for the Compose v2 Docker CLI plugin that forwards to docker-compose v1,
# so that the `docker compose` code path of scripts/lib/compose.sh runs on a machine that has
# only v1. It is a test device, not Compose v2: see "What the shim proves" in scripts/README.md.
set -euo pipefail
# The compose layer's own v2 probe (_compose_v2_version), for --unless-v2.
# shellcheck source=scripts/lib/compose.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/compose.sh"

SHIM_VERSION=v2.99.0-prodstack-shim
MARKER='prodstack compose-v2-shim'

usage() {
    cat <<USAGE
Usage: $(basename "$0") <install|uninstall|status> [--dir DIR] [--v1 PATH] [--unless-v2] [--dry-run]

  install     writes DIR/docker-compose, a Docker CLI plugin: \`docker compose ARGS\` then runs
              docker-compose v1 with ARGS. It answers the CLI's plugin metadata call (version
              $SHIM_VERSION) and \`docker compose version [--short]\` itself, so a caller's
              progress line shows that the v2 path was taken; \`up --wait\` (v2-only, which v1
              cannot emulate) fails loudly instead of being ignored.
  uninstall   removes DIR/docker-compose if (and only if) it is this shim
  status      says whether DIR holds the shim and what \`docker compose version\` answers

  --dir DIR   plugin directory (default \$DOCKER_CONFIG/cli-plugins, or ~/.docker/cli-plugins)
  --v1 PATH   the docker-compose v1 executable to forward to (default: the one on PATH)
  --unless-v2 install: do nothing when a real Compose v2 answers (scripts/lib/compose.sh's probe)
  --dry-run   print what would be written, change nothing
  -h, --help  this help

Both Docker CLIs of a Debian host (docker.io 20.10 and Docker's 2x.x) load plugins from the
same directories. A real Compose v2 in a system plugin directory is shadowed by the shim in DIR.
USAGE
}

command=''
dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
v1=''
unless_v2=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        install|uninstall|status) [[ -z "$command" ]] || usage_error "only one command"; command=$1 ;;
        --dir) [[ -n "${2:-}" ]] || usage_error "--dir needs a directory"; dir=$2; shift ;;
        --v1) [[ -n "${2:-}" ]] || usage_error "--v1 needs a path"; v1=$2; shift ;;
        --unless-v2) unless_v2=true ;;
        --dry-run) DRY_RUN=true ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unexpected argument: $1" ;;
    esac
    shift
done
[[ -n "$command" ]] || usage_error "a command is required"
plugin="$dir/docker-compose"

# The plugin itself. The CLI runs `docker-compose docker-cli-plugin-metadata` to discover it
# and `docker-compose compose ARGS` for `docker compose ARGS`.
plugin_text() {
    cat <<PLUGIN
#!/usr/bin/env bash
# $MARKER $SHIM_VERSION: forwards \`docker compose\` to Compose v1 at $1.
# Written by scripts/dev/compose-v2-shim.sh; NOT Compose v2 (a test device).
set -euo pipefail
if [[ "\${1:-}" == docker-cli-plugin-metadata ]]; then
    printf '{"SchemaVersion":"0.1.0","Vendor":"prodstack","Version":"%s","ShortDescription":"%s"}\\n' \\
        '$SHIM_VERSION' 'Compose v2 stand-in forwarding to docker-compose v1 (prodstack tests)'
    exit 0
fi
[[ "\${1:-}" == compose ]] && shift
# The subcommand is the first word after the global flags (those of v2 that take a value skipped).
args=("\$@") subcommand=''
for ((i = 0; i < \${#args[@]}; i++)); do
    case "\${args[i]}" in
        -p|--project-name|-f|--file|--project-directory|--ansi|--env-file|--profile|--progress) i=\$((i + 1)) ;;
        -*) ;;
        version)
            [[ " \${args[*]} " == *' --short '* ]] && { echo '${SHIM_VERSION#v}'; exit 0; }
            echo 'Docker Compose version $SHIM_VERSION (forwarding to docker-compose v1)'
            exit 0
            ;;
        *) subcommand=\${args[i]}; break ;;
    esac
done
for arg in "\$@"; do
    if [[ "\$subcommand" == up && "\$arg" == --wait ]]; then
        echo "compose-v2-shim: 'up --wait' is Compose v2 behaviour that v1 cannot emulate" >&2
        exit 2
    fi
done
exec '$1' "\$@"
PLUGIN
}

is_shim() { [[ -f "$plugin" ]] && grep -q "$MARKER" "$plugin"; }

cmd_install() {
    local real
    # Asked as the CLI would with DIR in use; an answer of this shim (here or elsewhere) is not v2.
    if [[ "$unless_v2" == true ]] && real="$(DOCKER_CONFIG="$(dirname "$dir")" _compose_v2_version)" \
            && [[ -n "$real" && "${real#v}" != "${SHIM_VERSION#v}" ]]; then
        ok "Compose v2 answers (${real#v}): no shim needed"
        return 0
    fi
    if [[ -z "$v1" ]]; then
        v1="$(command -v docker-compose || true)"
        [[ -n "$v1" ]] || die "docker-compose (v1) not found on PATH: the shim forwards to it (Debian: apt-get install docker-compose)"
    fi
    v1="$(realpath "$v1")"
    [[ -x "$v1" ]] || die "$v1 is not executable"
    [[ "$v1" != "$(realpath -m "$plugin")" ]] || die "$v1 is the plugin path itself; pass --v1 with the real docker-compose v1"
    "$v1" version --short 2>/dev/null | grep -q '^1\.' || die "$v1 is not Compose v1 (version: $("$v1" version --short 2>&1 || true))"
    if [[ -e "$plugin" ]] && ! is_shim; then
        die "$plugin exists and is not this shim (a real Compose v2?); not overwriting it"
    fi
    step "installing the Compose v2 shim $SHIM_VERSION into $dir (forwards to $v1)"
    run mkdir -p "$dir"
    if [[ "$DRY_RUN" == true ]]; then
        plugin_text "$v1" | sed 's/^/    | /' >&2
        return 0
    fi
    plugin_text "$v1" >"$plugin.tmp"
    chmod 0755 "$plugin.tmp"
    mv "$plugin.tmp" "$plugin"
    ok "installed $plugin"
    cmd_status
}

cmd_uninstall() {
    if ! [[ -e "$plugin" ]]; then
        ok "no plugin at $plugin"
        return 0
    fi
    is_shim || die "$plugin is not this shim; not removing it"
    run rm -f "$plugin"
    ok "removed $plugin"
}

cmd_status() {
    if is_shim; then info "$plugin: the shim ($SHIM_VERSION)"; else info "$plugin: no shim"; fi
    info "docker compose version: $(DOCKER_CONFIG="$(dirname "$dir")" docker compose version 2>&1 | head -n 1)"
}

"cmd_$command"
