#!/usr/bin/env bash
# NothingLeftBehind: after the acceptance JVM has exited, checks that no container, network or
# volume of the run's compose project remains. Removes any it finds (so the next run starts
# clean) and then fails, printing what was there.
set -euo pipefail

usage() {
    cat <<USAGE
Usage: $(basename "$0") [--dry-run] WORK_DIR

WORK_DIR is acceptance-tests/target/acceptance; its file last-project names the run's compose
project (written by the suite). Prints the filtered docker ps -a / network ls / volume ls.
  --dry-run   report only, remove nothing (still fails when something is left)
USAGE
}

dry_run=false
work_dir=''
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dry-run) dry_run=true ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
        *) work_dir=$1 ;;
    esac
    shift
done
[[ -n "$work_dir" ]] || { usage >&2; exit 2; }

if [[ ! -f "$work_dir/last-project" ]]; then
    echo "nothing-left-behind: no acceptance run recorded in $work_dir (suite skipped?)"
    exit 0
fi
project="$(tr -d '[:space:]' <"$work_dir/last-project")"
[[ "$project" == prodstack-acc-* ]] || { echo "nothing-left-behind: unexpected project name '$project'" >&2; exit 1; }
filter="label=com.docker.compose.project=$project"

if [[ -f "$work_dir/$project/kept" ]]; then
    echo "nothing-left-behind: project $project was kept on purpose (-Dacceptance.keep); not checked"
    exit 0
fi

echo "nothing-left-behind: project $project"
echo "--- docker ps -a --filter $filter"
docker ps -a --filter "$filter" --format '{{.ID}} {{.Names}} {{.Status}}'
echo "--- docker network ls --filter $filter"
docker network ls --filter "$filter" --format '{{.ID}} {{.Name}}'
echo "--- docker volume ls --filter $filter"
docker volume ls --filter "$filter" --format '{{.Name}}'

mapfile -t containers < <(docker ps -aq --filter "$filter")
mapfile -t networks < <(docker network ls -q --filter "$filter")
mapfile -t volumes < <(docker volume ls -q --filter "$filter")
left=$(( ${#containers[@]} + ${#networks[@]} + ${#volumes[@]} ))
if (( left == 0 )); then
    echo "nothing-left-behind: OK, 0 containers, 0 networks, 0 volumes remain"
    exit 0
fi

echo "nothing-left-behind: FAILED, ${#containers[@]} containers, ${#networks[@]} networks, ${#volumes[@]} volumes remain" >&2
if [[ "$dry_run" == false ]]; then
    (( ${#containers[@]} )) && docker rm -f -v "${containers[@]}" >/dev/null
    (( ${#networks[@]} )) && docker network rm "${networks[@]}" >/dev/null
    (( ${#volumes[@]} )) && docker volume rm -f "${volumes[@]}" >/dev/null
    echo "nothing-left-behind: removed them so the next run starts clean" >&2
fi
exit 1
