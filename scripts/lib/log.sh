# shellcheck shell=bash
# Progress output, the dry-run runner and the failure traps of the operator scripts.
# Source it (common.sh does), do not run it. Callers use `set -euo pipefail`; every helper
# here fails with a message, never silently.
[[ -n "${_PRODSTACK_LOG_SH:-}" ]] && return 0
_PRODSTACK_LOG_SH=1

# Set by the scripts' option parsers; read by run().
DRY_RUN="${DRY_RUN:-false}"

if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
    _c_step=$'\033[1;34m' _c_ok=$'\033[1;32m' _c_warn=$'\033[1;33m' _c_err=$'\033[1;31m' _c_off=$'\033[0m'
else
    _c_step='' _c_ok='' _c_warn='' _c_err='' _c_off=''
fi

# True when messages are coloured; the compose layer asks so that compose's output follows suit.
log_colored() { [[ -n "$_c_off" ]]; }

# All messages go to stderr so that stdout stays usable for data (paths, ids, KEY=VALUE).
step() { printf '%s==>%s %s\n' "$_c_step" "$_c_off" "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
ok()   { printf '%s ok%s %s\n' "$_c_ok" "$_c_off" "$*" >&2; }
warn() { printf '%swarn%s %s\n' "$_c_warn" "$_c_off" "$*" >&2; }

die()  { _PRODSTACK_DIED=1; printf '%serror%s %s\n' "$_c_err" "$_c_off" "$*" >&2; exit 1; }
# Wrong usage: message and a pointer to --help on stderr, exit 2.
usage_error() {
    _PRODSTACK_DIED=1
    printf '%serror%s %s (see %s --help)\n' "$_c_err" "$_c_off" "$*" "$(basename "$0")" >&2
    exit 2
}

# Every failure ends with a message: `set -e` exits on a failing command, the ERR trap
# remembers which one, and the EXIT trap reports it unless die() already explained.
# Scripts register their own clean-up with add_cleanup instead of replacing the EXIT trap.
_PRODSTACK_DIED=''
_PRODSTACK_LAST_ERR=''
_PRODSTACK_CLEANUP=()
add_cleanup() { _PRODSTACK_CLEANUP+=("$1"); }
_prodstack_on_exit() {
    local status=$? cmd
    for cmd in "${_PRODSTACK_CLEANUP[@]}"; do eval "$cmd" || true; done
    if [[ $status -ne 0 && -z "$_PRODSTACK_DIED" ]]; then
        printf '%serror%s %s failed (exit %s)%s\n' "$_c_err" "$_c_off" "$(basename "$0")" "$status" \
            "${_PRODSTACK_LAST_ERR:+: $_PRODSTACK_LAST_ERR}" >&2
    fi
    exit "$status"
}
set -o errtrace
trap '_PRODSTACK_LAST_ERR="line $LINENO: $BASH_COMMAND"' ERR
trap _prodstack_on_exit EXIT

# Runs a command, or only prints it under --dry-run. Use for everything that changes state.
run() {
    if [[ "$DRY_RUN" == true ]]; then
        printf '    [dry-run] %s\n' "$(quote_cmd "$@")" >&2
        return 0
    fi
    "$@"
}

quote_cmd() {
    local out='' arg
    for arg in "$@"; do out+="$(printf '%q' "$arg") "; done
    printf '%s' "${out% }"
}

require_cmd() {
    local cmd
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is required but not installed"
    done
}

# Whole seconds since the epoch, and a duration printer for step timings.
now_s() { date +%s; }
elapsed_since() { printf '%ss' "$(( $(now_s) - $1 ))"; }
