# The benchmark chart (scripts/bench/report.sh runs it): req/s and p99 per workload, the api
# directly beside the edge, with nginx's own `return 200` limit as a line. Log scales: the
# three figures differ by orders of magnitude on a slow edge.
#   gnuplot -e "dat='DIR/summary.dat'; out='DIR/chart.png'; subtitle='...'; footer='bench: ...'" chart.gp

set terminal pngcairo size 1280,560 font "DejaVu Sans,11" noenhanced
set output out
set datafile commentschars "#"
stats dat every ::0::0 using 2 nooutput
limit = STATS_max

set multiplot layout 1,2 title "prodstack bench: ".subtitle font ",12"
set bmargin at screen 0.13
set label 1 footer at screen 0.5, 0.025 center font ",10"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set grid ytics mytics
set key top right
set xtics nomirror
set format y "%.0f"

set title "throughput (2xx responses/s; bars: median, whiskers: min-max over rounds)"
set ylabel "req/s"
set yrange [1:limit * 20]
plot dat every ::1 using 2:3:4:xtic(1) title "api directly (:8000)" lc rgb "#4472c4", \
     '' every ::1 using 5:6:7 title "edge (HTTPS via nginx)" lc rgb "#ed7d31", \
     limit with lines dt 2 lw 2 lc rgb "#c00000" title sprintf("nginx return 200 over HTTPS: %.0f req/s", limit)

unset label 1
set title "p99 latency (median over rounds)"
set ylabel "ms"
set yrange [*:*]
set style histogram clustered gap 2
set format y "%g"
plot dat every ::1 using 8:xtic(1) title "api directly" lc rgb "#4472c4", \
     '' every ::1 using 9 title "edge" lc rgb "#ed7d31"
unset multiplot
