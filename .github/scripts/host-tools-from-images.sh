#!/usr/bin/env bash
# Puts prometheus, promtool, amtool and the blackbox exporter on the host, copied out of the
# images the stack runs (the monitoring module's tests call them as host programs). Same
# versions as production, and no distribution package that would start them as services.
set -euo pipefail

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--images FILE] [--dir DIR] [--dry-run]

Copies, from the images named in the image set, into DIR (named as the Debian packages name them,
which is what the tests look for on PATH):
  PROMETHEUS_IMAGE         /bin/prometheus, /bin/promtool
  ALERTMANAGER_IMAGE       /bin/amtool
  BLACKBOX_EXPORTER_IMAGE  /bin/blackbox_exporter -> prometheus-blackbox-exporter

Options:
  --images FILE  image set (default deployment/images/official.env)
  --dir DIR      where to put them (default /usr/local/bin)
  --dry-run      print what would be copied, change nothing
  -h, --help     this help
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
images="$root/deployment/images/official.env"
dir=/usr/local/bin
dry_run=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --images) images=${2:?--images needs a file}; shift ;;
        --dir) dir=${2:?--dir needs a directory}; shift ;;
        --dry-run) dry_run=true ;;
        -h|--help) usage; exit 0 ;;
        *) printf 'error unknown argument: %s\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[[ -r "$images" ]] || { printf 'error image set not found: %s\n' "$images" >&2; exit 1; }

image() { sed -n "s/^$1=//p" "$images" | tail -n 1 | sed 's/^"\(.*\)"$/\1/'; }

# copy IMAGE_VARIABLE path-in-image:name-on-host ...
copy() {
    local ref id pair
    ref="$(image "$1")"; shift
    [[ -n "$ref" ]] || { printf 'error %s is not set in %s\n' "$1" "$images" >&2; exit 1; }
    printf '==> %s\n' "$ref" >&2
    if [[ "$dry_run" == true ]]; then
        for pair in "$@"; do printf '    would copy %s to %s/%s\n' "${pair%%:*}" "$dir" "${pair#*:}" >&2; done
        return 0
    fi
    id="$(docker create "$ref")"
    for pair in "$@"; do
        # -L: /bin is a link to /usr/bin in Debian-based images; copy the file, not the link.
        docker cp -L "$id:${pair%%:*}" "$dir/${pair#*:}"
        chmod 0755 "$dir/${pair#*:}"
        printf '    %s/%s: %s\n' "$dir" "${pair#*:}" "$("$dir/${pair#*:}" --version 2>&1 | head -n 1)" >&2
    done
    docker rm "$id" >/dev/null
}

[[ "$dry_run" == true ]] || mkdir -p "$dir"
copy PROMETHEUS_IMAGE /bin/prometheus:prometheus /bin/promtool:promtool
copy ALERTMANAGER_IMAGE /bin/amtool:amtool
copy BLACKBOX_EXPORTER_IMAGE /bin/blackbox_exporter:prometheus-blackbox-exporter
