# shellcheck shell=bash
# CPU time and resident memory of a container, for the benchmark's per-run figures. Read from
# the container's cgroup on this host (cgroup v1 or v2, cgroupfs or systemd driver), which costs
# nothing in the container; through `docker exec` when the cgroup is not visible here (a remote
# daemon), which then charges a `grep` to the container.

declare -A _bench_cg_dir=()

# Where the host's cgroup tree is mounted (the self-test points it at a fixture).
BENCH_CGROUP_ROOT=${BENCH_CGROUP_ROOT:-/sys/fs/cgroup}

# The host cgroup directory with the container's CPU accounting, or nothing: cgroup v1 keeps it in
# the cpuacct hierarchy (cpuacct.usage, nanoseconds), v2 in the unified one (cpu.stat usage_usec).
_bench_cg_find() {
    local id=$1 dir root=$BENCH_CGROUP_ROOT
    for dir in "$root/cpuacct/docker/$id" "$root/cpuacct/system.slice/docker-$id.scope" \
        "$root/system.slice/docker-$id.scope" "$root/docker/$id"; do
        if [[ -r "$dir/cpuacct.usage" || -r "$dir/cpu.stat" ]]; then
            echo "$dir"
            return 0
        fi
    done
}

# "<cpu ns used so far> <resident KiB>" of container id (full id): RSS is the sum of VmRSS of
# its processes (what `ps` calls RSS), not the cgroup's page count, which charges shared file
# pages to whichever container touched them first.
cg_sample() {
    local id=$1 dir cpu rss=0 pid kb
    [[ -n "${_bench_cg_dir[$id]+x}" ]] || _bench_cg_dir[$id]="$(_bench_cg_find "$id")"
    dir=${_bench_cg_dir[$id]}
    if [[ -z "$dir" ]]; then
        docker exec "$id" sh -c 'cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || grep "^usage_usec" /sys/fs/cgroup/cpu.stat; grep -h "^VmRSS:" /proc/[0-9]*/status' 2>/dev/null \
            | awk '$1=="usage_usec"{cpu=$2*1000; next} $1=="VmRSS:"{rss+=$2; next} NR==1{cpu=$1} END{printf "%d %d\n", cpu, rss}'
        return 0
    fi
    if [[ -r "$dir/cpuacct.usage" ]]; then
        cpu=$(<"$dir/cpuacct.usage")
    else
        cpu=$(( $(awk '$1=="usage_usec"{print $2}' "$dir/cpu.stat") * 1000 ))
    fi
    while read -r pid; do
        kb=$(awk '$1=="VmRSS:"{print $2}' "${BENCH_PROC_ROOT:-/proc}/$pid/status" 2>/dev/null) || kb=0
        rss=$(( rss + ${kb:-0} ))
    done <"$dir/cgroup.procs"
    echo "$cpu $rss"
}

# Monotonic-enough wall clock in nanoseconds.
now_ns() { date +%s%N; }
