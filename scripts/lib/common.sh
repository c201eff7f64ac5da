# shellcheck shell=bash
# Everything the operator scripts share, one file per concern. Source it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# A script that needs only part of it may source that file alone (each brings what it needs):
#   log.sh      step/info/ok/warn/die/usage_error, run (--dry-run), add_cleanup, failure traps
#   env.sh      repository paths, env files, stack defaults, secrets and dev TLS
#   compose.sh  the compose layer: Compose v2 with the stack's files, containers found by labels
#   images.sh   official/offline image set, required images, the api image kept current
#   health.sh   waits: containers healthy by their healthchecks, /health over HTTPS
_prodstack_lib="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/lib/log.sh
source "$_prodstack_lib/log.sh"
# shellcheck source=scripts/lib/env.sh
source "$_prodstack_lib/env.sh"
# shellcheck source=scripts/lib/compose.sh
source "$_prodstack_lib/compose.sh"
# shellcheck source=scripts/lib/images.sh
source "$_prodstack_lib/images.sh"
# shellcheck source=scripts/lib/health.sh
source "$_prodstack_lib/health.sh"
unset _prodstack_lib
