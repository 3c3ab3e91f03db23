# The demo's chart: what Genesys reports against what stitching finds, for the generated day.
#   gnuplot -e "agents='agents.tsv'; queues='queues.tsv'; out='docs/demo.svg'" test/demo.gp
# agents.tsv: agent, handled reported, handled true, AHT reported (min), AHT true (min); no header.
# queues.tsv: queue, service level % reported, true, target %; no header. Tab-separated.
set terminal svg size 1300,430 font 'sans,12' background '#ffffff'
set output out
set datafile separator "\t"
set style fill solid 0.9 border -1
set boxwidth 0.38
set grid ytics lc '#dddddd' lt 1
set border 3
set tics nomirror scale 0.5
set xtics scale 0
reported = '#e69f00'
stitched = '#0072b2'

set multiplot title "One generated day, 9 agents, 3 queues: Genesys Performance views (reported) against stitched calls" font 'sans,15'
set tmargin 4
set bmargin 2.5

# Each name a pair of bars: reported left, stitched right; the names from a plot of nothing at x.
set size 0.38, 0.86
set origin 0, 0
set xrange [-0.6:8.6]
set yrange [0:*]
set title 'Handled calls per agent' font 'sans,13'
# One key for the three panels, under the title (the target line is the service level panel's).
set key at screen 0.5, 0.89 center center horizontal maxcols 3 maxrows 1 samplen 2 width 1
plot agents using ($0 - 0.2):2 with boxes lc rgb reported title 'reported', \
     '' using ($0 + 0.2):3 with boxes lc rgb stitched title 'stitched', \
     NaN with lines lw 2.5 lc rgb '#000000' title 'SL target', \
     '' using 0:(NaN):xtic(1) notitle
unset key

set origin 0.38, 0
set title 'Average handle time per agent (minutes)'
plot agents using ($0 - 0.2):4 with boxes lc rgb reported, \
     '' using ($0 + 0.2):5 with boxes lc rgb stitched, \
     '' using 0:(NaN):xtic(1)

set size 0.24, 0.86
set origin 0.76, 0
set xrange [-0.6:2.6]
set yrange [0:100]
set title 'Service level per queue (%)'
plot queues using ($0 - 0.2):2 with boxes lc rgb reported, \
     '' using ($0 + 0.2):3 with boxes lc rgb stitched, \
     '' using 0:4:(0.4) with xerrorbars pt 0 lw 2.5 lc rgb '#000000', \
     '' using 0:(NaN):xtic(1)

unset multiplot
