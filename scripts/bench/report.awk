# The benchmark's summary from results.csv and meta.csv (scripts/bench/report.sh runs it):
# a table of medians over the rounds, the ratios as medians of per-round ratios (both targets
# of a ratio ran in the same round, seconds apart, so machine drift cancels), summary.dat for
# the chart, and the one machine-readable `bench:` line last.
#   awk -F, -v dat=DIR/summary.dat -f report.awk DIR/meta.csv DIR/results.csv

function median(list,    n, a, i, j, t) {
    n = split(list, a, " ")
    if (n == 0) return ""
    for (i = 2; i <= n; i++) {
        t = a[i] + 0
        for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
        a[j + 1] = t
    }
    return (n % 2) ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}
function lo(list,    n, a, i, m) { n = split(list, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 < m) m = a[i] + 0; return m }
function hi(list,    n, a, i, m) { n = split(list, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 > m) m = a[i] + 0; return m }
# Median over rounds of num/den, each taken within one round.
function ratio(wn, tn, wd, td,    r, list) {
    list = ""
    for (r in rounds) if ((r, wn, tn) in rps && (r, wd, td) in rps && rps[r, wd, td] > 0)
        list = list " " rps[r, wn, tn] / rps[r, wd, td]
    return list == "" ? "" : median(list)
}
function fmt(format, value) { return value == "" ? "na" : sprintf(format, value) }
function target(name, value, op, bound,    ok) {
    if (value == "") { printf "  %-24s %10s   %s %s   not measured\n", name, "na", op, bound; missed++; return }
    ok = (op == ">=") ? value + 0 >= bound : value + 0 <= bound
    printf "  %-24s %10.2f   %s %s   %s\n", name, value, op, bound, ok ? "met" : "NOT MET"
    if (ok) met++; else missed++
}

FNR == 1 { file++ }
# Keys a repeated measurement writes once per sample (the cold replica): their median is the figure.
file == 1 { if ($1 in meta && $1 ~ /^start_to_/) meta[$1] = meta[$1] " " $2; else meta[$1] = $2; next }
FNR == 1 { next }
{
    round = $1; w = $2; t = $3
    if ($15 + 0 > rss_max && t != "limit") rss_max = $15 + 0
    # cold:R, the replica restarted at the end of round R; plain "cold": results of before that.
    if (round ~ /^cold/) {
        cold_rps = cold_rps " " $7; cold_p99 = cold_p99 " " $9; cold_errors += $12; ncold++
        if (round ~ /^cold:/) { split(round, cr, ":"); cold_round[ncold] = cr[2]; cold_of[ncold] = $7 }
        next
    }
    if (round !~ /^[0-9]+$/) next
    rounds[round] = 1
    if (!((w, t) in seen)) { seen[w, t] = 1; order[++rows] = w SUBSEP t }
    rps[round, w, t] = $7
    l_rps[w, t] = l_rps[w, t] " " $7
    l_p50[w, t] = l_p50[w, t] " " $8
    l_p99[w, t] = l_p99[w, t] " " $9
    l_cpu[w, t] = l_cpu[w, t] " " $14
    l_pcpu[w, t] = l_pcpu[w, t] " " $16
    # Results written before the column existed have none: their figure is "na".
    if ($18 != "" && $18 != "na") l_us[w, t] = l_us[w, t] " " $18
    errors[w, t] += $12
    if ($13 != "na") { n429[w, t] += $13; counted[w, t] = 1 }
    if ($17 != "" && $17 != "none" && $17 != "na") codes[w, t] = codes[w, t] "  round " round ": " $17
    if ($15 + 0 > rss[w, t]) rss[w, t] = $15 + 0
    nruns[w, t]++
}
END {
    printf "%-11s %-7s %4s %10s %9s %9s %7s %6s %8s %10s %8s %9s\n", "workload", "target", "runs", "req/s 2xx",
        "p50 ms", "p99 ms", "errors", "429", "api cpu%", "api us/req", "api MB", "nginx cpu%"
    for (i = 1; i <= rows; i++) {
        split(order[i], k, SUBSEP); w = k[1]; t = k[2]
        printf "%-11s %-7s %4d %10.0f %9.2f %9.2f %7d %6s %8.0f %10s %8.0f %9.0f\n", w, t, nruns[w, t],
            median(l_rps[w, t]), median(l_p50[w, t]), median(l_p99[w, t]), errors[w, t],
            ((w, t) in counted) ? n429[w, t] : "-", median(l_cpu[w, t]), fmt("%.0f", median(l_us[w, t])), rss[w, t],
            median(l_pcpu[w, t])
    }
    printf "(medians over the rounds; errors and 429 summed; api us/req = api CPU time per request; api MB = largest RSS of one api container)\n"
    for (i = 1; i <= rows; i++) if (order[i] in codes) {
        split(order[i], k, SUBSEP)
        printf "  errors by status, %s %s:%s\n", k[1], k[2], codes[order[i]]
    }
    if (n429["get-user", "edge"] + 0 > 0)
        printf "note: the edge answered %d 429s on get-user: its req/s counts only the 2xx, its latency is mostly nginx's refusal path (the rate limit applied)\n", n429["get-user", "edge"]
    printf "\nratios, median of per-round ratios:\n"
    for (i = 1; i <= rows; i++) {
        split(order[i], k, SUBSEP)
        if (k[2] == "edge") printf "  %-11s edge/direct %s%s\n", k[1], fmt("%.2f", ratio(k[1], "edge", k[1], "direct")),
            k[1] == "get-user" ? "   edge/limit " fmt("%.3f", ratio(k[1], "edge", "limit", "limit")) : ""
    }
    steady = median(l_rps["get-user", "direct"])
    cold_ratio = (cold_rps != "" && steady > 0) ? median(cold_rps) / steady : ""
    # Each restart against the steady rate of its own round, then the median of those ratios.
    per_round = ""
    for (c = 1; c <= ncold; c++)
        if ((c in cold_round) && (cold_round[c], "get-user", "direct") in rps && rps[cold_round[c], "get-user", "direct"] > 0)
            per_round = per_round " " cold_of[c] / rps[cold_round[c], "get-user", "direct"]
    if (per_round != "") cold_ratio = median(per_round)
    healthy_s = meta["start_to_healthy_s"] == "" ? "" : median(meta["start_to_healthy_s"])
    if (cold_rps != "")
        printf "\ncold replica, median of %d restart(s): healthy %.1fs after container start (each:%s; /health answered a 0.25 s poll after%s s); first seconds %.0f req/s (each:%s; p99 ms:%s; errors %d) vs steady %.0f req/s\n",
            ncold, healthy_s, " " meta["start_to_healthy_s"], " " meta["start_to_ready_s"], median(cold_rps), cold_rps, cold_p99, cold_errors, steady
    if (per_round != "") printf "cold / steady of the same round:%s (median %.2f)\n", per_round, cold_ratio

    if (dat != "") {
        # Row 0 is nginx's limit (both columns), then one row per api workload.
        printf "# workload direct direct_lo direct_hi edge edge_lo edge_hi direct_p99 edge_p99\n" >dat
        lim = l_rps["limit", "limit"]
        printf "limit %s %s %s %s %s %s 0 0\n", median(lim), lo(lim), hi(lim), median(lim), lo(lim), hi(lim) >>dat
        for (i = 1; i <= rows; i++) {
            split(order[i], k, SUBSEP); w = k[1]
            if (k[2] != "direct" || !((w, "edge") in seen)) continue
            printf "%s %s %s %s %s %s %s %s %s\n", w, median(l_rps[w, "direct"]), lo(l_rps[w, "direct"]), hi(l_rps[w, "direct"]),
                median(l_rps[w, "edge"]), lo(l_rps[w, "edge"]), hi(l_rps[w, "edge"]),
                median(l_p99[w, "direct"]), median(l_p99[w, "edge"]) >>dat
        }
        close(dat)
    }
    mixed = (("mixed", "edge") in seen) ? errors["mixed", "edge"] : ""
    # The api's CPU per request of each workload, measured on the api alone (direct).
    cpu_keys = ""
    split("get-user list-pages post-user mixed", wls, " ")
    for (i = 1; i <= 4; i++) {
        key = wls[i]; gsub("-", "_", key)
        cpu_keys = cpu_keys sprintf(" api_cpu_us_%s=%s", key, fmt("%.0f", median(l_us[wls[i], "direct"])))
    }
    # The targets, each beside its figure (issue 8 and the platform's).
    printf "\ntargets:\n"
    target("edge_vs_limit", ratio("get-user", "edge", "limit", "limit"), ">=", 0.10)
    target("edge_vs_direct", ratio("get-user", "edge", "get-user", "direct"), ">=", 0.50)
    target("edge_p99_ms", median(l_p99["get-user", "edge"]), "<=", 50)
    target("mixed_errors", mixed, "<=", 0)
    target("cold_first10s_vs_steady", cold_ratio, ">=", 0.80)
    target("start_to_healthy_s", healthy_s, "<=", 5)
    target("image_mb", meta["image_mb"], "<=", 150)
    target("rss_mb", rss_max, "<=", 250)
    printf "  %d of %d targets met\n", met, met + missed
    printf "\nbench: edge_vs_limit=%s edge_vs_direct=%s edge_p99_ms=%s mixed_errors=%s cold_first10s_vs_steady=%s start_to_healthy_s=%s image_mb=%s rss_mb=%s%s\n",
        fmt("%.2f", ratio("get-user", "edge", "limit", "limit")), fmt("%.2f", ratio("get-user", "edge", "get-user", "direct")),
        fmt("%.0f", median(l_p99["get-user", "edge"])), fmt("%d", mixed), fmt("%.2f", cold_ratio),
        fmt("%.1f", healthy_s), meta["image_mb"] == "" ? "na" : meta["image_mb"],
        fmt("%.0f", rss_max == "" ? "" : rss_max), cpu_keys
}
