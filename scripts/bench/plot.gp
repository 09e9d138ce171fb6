# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench/plot.gp - ZMap's send rate into XDP_DROP and into the
# responder, per rate limit, one panel per world (median, min-max bars).
# `rsbench report -g plot.gp OUTDIR` runs it as
# gnuplot -e "datafile='...'; outfile='...'; nworlds=N; titles='w0.1 w1.4 w14'; scanrange='CIDR'" plot.gp
# Data blocks (one per world): "label" dmin dmed dmax rmin rmed rmax
set terminal pngcairo size 1400,480 font "sans,10"
set output outfile
set multiplot layout 1, nworlds title sprintf("ZMap 2.1.1, one sender thread, scan of %s: send rate, XDP\\_DROP vs rescan responder", scanrange)
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6 border -1
set boxwidth 0.9
set yrange [0:*]
set ylabel "probes per second (median, min-max)"
set xlabel "ZMap -r (rate limit)"
set grid ytics
set key top left
do for [i = 0:nworlds - 1] {
	set title sprintf("world %s", word(titles, i + 1))
	plot datafile index i using 3:2:4:xtic(1) title "XDP\\_DROP" lc rgb "#888888", \
	     '' index i using 6:5:7 title "responder" lc rgb "#2a7ab0"
}
unset multiplot
