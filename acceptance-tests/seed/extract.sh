#!/usr/bin/env bash
# Pulls the seed lesson's own checks out of its fenced code blocks, byte for byte, so that
# "the seed's checks run unchanged" can be proved with `extract.sh --check`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
default_seed="$here/../../../shared/seed/000_9d83e5636a3879ad.txt"

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--check] [--seed FILE]

Extracts the fenced blocks that start with '# tests/test_production.py' and
'# scripts/validate-deployment.sh' from the seed lesson into:
  $here/tests/test_production.py
  $here/scripts/validate-deployment.sh

  --check       do not write; exit 1 if the committed files differ from the seed
  --seed FILE   the seed lesson (default: ../shared/seed/000_9d83e5636a3879ad.txt beside the repo)
  --dry-run     same as --check
  -h, --help    this help
USAGE
}

check=false
seed="${SEED_FILE:-$default_seed}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --check|--dry-run) check=true; shift ;;
        --seed) seed="${2:?--seed needs a file}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

if [[ ! -r "$seed" ]]; then
    echo "seed lesson not found: $seed" >&2
    exit 1
fi

# Prints the body of the fenced block whose first line is exactly "$1" (that line included,
# fences excluded), or fails when there is no such block.
extract_block() {
    local marker="$1"
    awk -v marker="$marker" '
        /^```/ {
            if (inside) { inside = 0; if (found) exit } else { fence_open = NR }
            next
        }
        fence_open == NR - 1 && $0 == marker { inside = 1; found = 1 }
        inside { print }
        END { if (!found) exit 3 }
    ' "$seed"
}

status=0
extract_to() {
    local marker="$1" target="$2" body
    body="$(mktemp)"
    # shellcheck disable=SC2064 # expand now: the temp file of this call
    trap "rm -f '$body'" RETURN
    if ! extract_block "$marker" >"$body"; then
        echo "no fenced block starting with '$marker' in $seed" >&2
        exit 1
    fi
    if $check; then
        if [[ -f "$target" ]] && cmp -s "$body" "$target"; then
            echo "unchanged: ${target#"$here"/}"
        else
            echo "DIFFERS from the seed: ${target#"$here"/}" >&2
            status=1
        fi
    else
        mkdir -p "$(dirname "$target")"
        cp "$body" "$target"
        echo "extracted: ${target#"$here"/}"
    fi
}

extract_to "# tests/test_production.py" "$here/tests/test_production.py"
extract_to "# scripts/validate-deployment.sh" "$here/scripts/validate-deployment.sh"
exit "$status"
