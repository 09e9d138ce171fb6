# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench/grade.sh - phase 5 of `make bench` (sourced by bench.sh):
# grading a class. A world of one /16 at 14 % (tcp/80, `rsbench gen`), and
# GRADE_N submissions of a scan of it in ZMap's CSV, as -O csv writes
# every response: submission k misses every (k % 9 + 2)th host, reports
# the closed hosts as rst rows, and repeats a few. `rescan grade --class`
# grades 1 of them, then all GRADE_N, REPS_BUILD times each; one CSV row
# per run with its wall and CPU time and its peak memory. The report
# gives the time for all and the ratio to grading one: what the class
# adds beyond opening the world once.

GRADE_CSV="$DATA/grade.csv"
GRADE_N=${BENCH_GRADE_N:-200}
GRADE_RANGE=198.18.0.0/16

grade_phase() {
	local dir=$SCRATCH/grade k n r t t0 rc hosts
	echo "submissions,rep,wall_s,user_s,sys_s,maxrss_kb,truth,rows,load1,cmd" >"$GRADE_CSV"
	mkdir -p "$dir/one" "$dir/class"
	"$RSBENCH" gen -s 11 140000 "$GRADE_RANGE" 2>/dev/null | sort >"$dir/open.txt"
	"$RSBENCH" gen -s 12 20000 "$GRADE_RANGE" 2>/dev/null | sort | comm -23 - "$dir/open.txt" >"$dir/closed.txt"
	"$RESCAN" world compile -o "$dir/grade.world" "tcp/80=$dir/open.txt" \
		"tcp/80:closed=$dir/closed.txt" >/dev/null 2>&1 || die "cannot compile the grading world"
	hosts=$(wc -l <"$dir/open.txt")
	for ((k = 1; k <= GRADE_N; k++)); do
		awk -v m=$((k % 9 + 2)) -v k="$k" '
			BEGIN { print "saddr,classification,success" }
			FNR == 1 { f++ }
			f == 1 && FNR % m { print $1 ",synack,1"; if (FNR % 97 == k % 97) print $1 ",synack,1" }
			f == 2 { print $1 ",rst,0" }' "$dir/open.txt" "$dir/closed.txt" \
			>"$dir/class/student-$k.csv"
	done
	cp "$dir/class/student-1.csv" "$dir/one/"
	n=$(cat "$dir/class"/*.csv | wc -l)
	for ((r = 1; r <= REPS_BUILD; r++)); do
		for k in one class; do
			rc=0 t0=$EPOCHREALTIME
			/usr/bin/time -f '%e %U %S %M' "$RESCAN" grade --world "$dir/grade.world" \
				--service tcp/80 --range "$GRADE_RANGE" --class "$dir/$k" \
				--csv "$dir/$k.csv" --html "$dir/$k.html" >/dev/null 2>"$dir/grade.err" || rc=$?
			# No thresholds: every submission passes, so only 0 is right.
			[ "$rc" = 0 ] || die "grade --class $k failed: $(head -3 "$dir/grade.err")"
			# time's %e has 10 ms steps: the wall time from the shell's clock.
			t="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }') $(tail -1 "$dir/grade.err" | cut -d' ' -f2-)"
			echo "$([ $k = one ] && echo 1 || echo "$GRADE_N"),$r,$(awk '{ print $1 "," $2 "," $3 "," $4 }' <<<"$t"),$hosts,$([ $k = one ] && wc -l <"$dir/one/student-1.csv" || echo "$n"),$(load1),\"rescan grade --world grade.world --service tcp/80 --range $GRADE_RANGE --class $k/\"" >>"$GRADE_CSV"
			log "  grade $k rep $r: $(awk '{ print $1 }' <<<"$t") s"
		done
	done
}
