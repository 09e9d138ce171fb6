#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench` itself (scripts/bench.sh), in its quick mode on a /12 (about
# three minutes): it runs to the end, leaves nothing behind, and what it reports
# is what it measured. The suite checks the bench's bookkeeping, never its
# timings: the ground truth it scans against is the generated hosts of the
# range, every responder scan was answered host for host, the reflector
# baseline answered the same hosts, and the report's ratios, losses and
# medians are recomputed here with awk from the rows and cycles the report
# says it used (data/throughput_used.csv, data/interleaved_used.csv): which
# rows count is the report's rule, written once in rsbench report; the
# arithmetic is this file's own.

load lab_helper

RANGE=64.0.0.0/12	# long enough for a few program swaps inside one scan
SIZE=1048576
TAG=64.0.0.0_12

setup_file() {
	require_root_and_tools zmap masscan bpftool jq ethtool tc zstd gnuplot taskset chrt
	export OUT="$BATS_FILE_TMPDIR/out" WORK="$BATS_FILE_TMPDIR/work"
	# (swaps every 0.2 s: a scan of a /12 lasts about 2 s; the appliance's
	# part runs where the Docker suites do)
	# (a failed bench is the first test's failure, with its log's end)
	local rc=0
	BENCH_APPLIANCE=$([ "${RESCAN_SKIP_DOCKER:-0}" = 1 ] && echo 0 || echo 1) \
	BENCH_QUICK=1 BENCH_RANGE=$RANGE BENCH_IL_WINDOW=0.2 BENCH_OUT="$OUT" BENCH_WORK="$WORK" \
		"$REPO/scripts/bench.sh" >"$BATS_FILE_TMPDIR/bench.log" 2>&1 || rc=$?
	echo "$rc" >"$BATS_FILE_TMPDIR/bench.status"
}

bats_require_minimum_version 1.5.0

# The scans the report's figures use, without the header.
used_rows() { tail -n +2 "$OUT/data/throughput_used.csv"; }

# med(a, k): the median of a[1..k], the mean of the middle two for an even
# k (insertion sort: k is a handful of scans or a few dozen cycles).
MEDIAN_AWK='function med(a, k,   i, j, t) { for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
		t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }'

@test "bench: the quick run on a /12 ends well and writes its report, plot and data" {
	[ "$(cat "$BATS_FILE_TMPDIR/bench.status")" = 0 ] ||
		{ tail -n 20 "$BATS_FILE_TMPDIR/bench.log"; false; }
	grep -q '^## Summary against the targets' "$OUT/RESULTS.md"
	grep -q "^## 1. Send rate, ratio, loss (scan of $RANGE = 1,048,576 probes)" "$OUT/RESULTS.md"
	grep -q '^## 4. A class: students scanning at once' "$OUT/RESULTS.md"
	grep -q '^## 5. Grading a class' "$OUT/RESULTS.md"
	[ "$(head -c 4 "$OUT/throughput.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ]
	local f
	for f in env.txt throughput.csv interleaved.csv xdpcost.jsonl memlat.jsonl build.csv \
		throughput_used.csv interleaved_used.csv class.csv grade.csv; do
		[ -s "$OUT/data/$f" ] || { echo "no data/$f"; false; }
	done
}

@test "bench: nothing of its own is left behind (labs, pins, scratch space, pollers)" {
	# Other benches may run on this machine meanwhile: only this run's
	# names count (scripts/bench/lib.sh: labs b<run % 100000><n>; the
	# class phase's b<id>c and b<id>k, with a namespace per student).
	local run ns left pid name
	run=$(sed -n 's/^run=//p' "$OUT/data/env.txt")
	[ -n "$run" ] || { echo "env.txt has no run id"; false; }
	ns="^b$((run % 100000))([0-9]s?|c|k)-(scan|inet|s[0-9]+)\$"
	left=$(ip netns list | awk '{ print $1 }' | grep -E "$ns" || true)
	[ -z "$left" ] || { echo "namespaces left behind: $left"; false; }
	left=$(ls /etc/netns 2>/dev/null | grep -E "$ns" || true)
	[ -z "$left" ] || { echo "/etc/netns entries left behind: $left"; false; }
	[ ! -e "/sys/fs/bpf/rescan-bench-$run" ] || { echo "pins left behind"; false; }
	[ ! -e "/dev/shm/rescan-bench-$run" ] || { echo "scratch space left behind"; false; }
	if command -v docker >/dev/null && timeout 10 docker version >/dev/null 2>&1; then
		left=$(docker ps -aq --filter "name=^rescan-bench-$run-")
		[ -z "$left" ] || { echo "appliance containers left behind: $left"; false; }
	fi
	# a poller (lib.sh lab0_poll, class.sh class_poll) in one of this
	# run's labs, or in a namespace that is gone (a lab taken down under it)
	for pid in $(pgrep -f 'statistics/[rt]x_packets' || true); do
		name=$(ip netns identify "$pid" 2>/dev/null || true)
		if { [ -z "$name" ] && kill -0 "$pid" 2>/dev/null; } || [[ $name =~ $ns ]]; then
			echo "poller $pid left behind (netns '$name')"
			false
		fi
	done
}

@test "bench: the scans the figures leave out are the noisy ones the report says it left out" {
	local all used said
	# every used row is a row of the raw data, in its order
	used_rows | awk 'NR == FNR { want[++n] = $0; next } FNR > 1 && $0 == want[k + 1] { k++ }
		END { if (k != n) { print "used row " k + 1 " is not a raw row: " want[k + 1]; exit 1 } }' \
		- "$OUT/data/throughput.csv"
	all=$(($(wc -l <"$OUT/data/throughput.csv") - 1))
	used=$(used_rows | wc -l)
	said=$(sed -nE 's/.* are repeated; ([0-9]+) such noisy scans are left out of the figures.*/\1/p' "$OUT/RESULTS.md")
	[ "$said" = $((all - used)) ] || { echo "report says $said left out, $all rows, $used used"; false; }
	# what is left out was marked noisy (column 28)
	used_rows | awk -F, 'NR == FNR { u[$0] = 1; next } FNR > 1 && !($0 in u) && $28 != 1 {
		print "a clean scan left out: " $0; bad = 1 } END { exit bad }' - "$OUT/data/throughput.csv"
	# and exactly those whose point (profile, world, tool, mode, rate,
	# senders, cores) has a clean scan: the rule in the report's words
	used_rows | awk -F, 'NR == FNR { u[$0] = 1; next } FNR == 1 { next }
		{ row[FNR] = $0; key[FNR] = $1 FS $2 FS $4 FS $5 FS $6 FS $7 FS $8; noisy[FNR] = $28 == 1
		  if (!noisy[FNR]) clean[key[FNR]] = 1 }
		END { for (i in row) if ((row[i] in u) != !(noisy[i] && (key[i] in clean))) {
			print ((row[i] in u) ? "kept: " : "left out: ") row[i]; bad = 1 }
		      exit bad }' - "$OUT/data/throughput.csv"
}

@test "bench: its ground truth is the generated hosts of the range, at the density it claims" {
	local w ppm n mean sd
	for w in w1.4 w14; do
		ppm=$([ "$w" = w1.4 ] && echo 14000 || echo 140000)
		# every generated host, in the range, and nothing else
		sort -u "$WORK/$w-$TAG.txt" | cmp - "$WORK/$w-$TAG.expected" ||
			{ echo "$w: the expected replies are not the generated hosts"; false; }
		awk -F. '$1 != 64 || $2 > 15 { bad = 1 } END { exit bad }' "$WORK/$w-$TAG.expected"
		# each address drawn with probability ppm: within 6 standard deviations
		n=$(wc -l <"$WORK/$w-$TAG.expected")
		awk -v n="$n" -v p="$ppm" -v s="$SIZE" 'BEGIN { m = s * p / 1e6; sd = sqrt(m * (1 - p / 1e6))
			if (n < m - 6 * sd || n > m + 6 * sd) { print "hosts " n ", expected about " m; exit 1 } }'
	done
}

@test "bench: every scan covered the range; the responder answered each expected host once and only those" {
	local points
	# Every point the run measured (profile, world, tool, mode, rate,
	# senders, cores) has scans in the figures. How many scans a point took
	# depends on how busy the machine was (noisy ones are repeated; the
	# test above checks which count); which points there are does not:
	# 2 worlds x (drop, refl, resp; tuned and softirq drop, resp), more on w1.4.
	points=$(awk -F, 'FNR > 1 { print $1, $2, $4, $5, $6, $7, $8 }' "$OUT/data/throughput.csv" | sort -u)
	[ "$(wc -l <<<"$points")" -ge 15 ] || { echo "points: $points"; false; }
	[ "$(used_rows | awk -F, '{ print $1, $2, $4, $5, $6, $7, $8 }' | sort -u)" = "$points" ]
	# columns: 5 mode, 10 exit, 11 sent, 13 expected, 14 received, 15 false_pos,
	# 16 lost, 19 tx_synack, 20 rx_synack
	awk -F, -v size="$SIZE" 'NR > 1 {
		what = $1 " " $2 " " $5 " " $8 " rep " $9
		if ($10 != 0) { print what ": exit " $10; bad = 1 }
		if ($11 != size) { print what ": sent " $11 " probes of " size; bad = 1 }
		if ($15 != 0) { print what ": " $15 " false positives"; bad = 1 }
		if ($5 == "resp") {
			if ($19 != $13) { print what ": responder sent " $19 " replies for " $13 " hosts"; bad = 1 }
			if ($20 != $19) { print what ": lab0 delivered " $20 " of " $19; bad = 1 }
			if ($16 != $13 - $14 || $14 > $13) { print what ": lost " $16 " but " $14 " of " $13 " received"; bad = 1 }
			if ($16 > $13 / 100) { print what ": lost " $16 " of " $13; bad = 1 }
		} else if ($5 == "refl") {
			# the reflector decides by the generator'"'"'s rule, not by the
			# world: it must answer exactly the world'"'"'s hosts all the same
			if ($20 != $13) { print what ": the reflector'"'"'s replies reaching lab0: " $20 " for " $13 " hosts"; bad = 1 }
			if ($19 != 0) { print what ": the responder answered while the reflector was attached"; bad = 1 }
			if ($16 != $13 - $14 || $14 > $13) { print what ": lost " $16 " but " $14 " of " $13 " received"; bad = 1 }
			if ($16 > $13 / 100) { print what ": lost " $16 " of " $13; bad = 1 }
		} else if ($5 != "drop") { print what ": unknown mode " $5; bad = 1
		} else if ($19 != 0 || $20 != 0 || $14 != 0) { print what ": the XDP_DROP baseline answered"; bad = 1 }
	} END { exit bad }' "$OUT/data/throughput.csv"
}

@test "bench: the report's ratios and losses are the raw rows' (recomputed here)" {
	local prof w cores d r ratio loss line cell_ratio cell_loss n=0
	while read -r prof w cores; do
		# medians of ZMap's send rate per program (mean of the middle two
		# for an even count), then lost / expected over the responder scans
		read -r ratio loss < <(used_rows | awk -F, -v p="$prof" -v w="$w" -v c="$cores" "$MEDIAN_AWK"'
			$1 == p && $2 == w && $4 == "zmap" && $6 == 0 && $7 == 1 && $8 == c {
				if ($5 == "drop") d[++nd] = $12; else if ($5 == "resp") { r[++nr] = $12; l += $16; e += $13 } }
			END { printf "%s %.1e\n", nd ? sprintf("%.3f", med(r, nr) / med(d, nd)) : "-", l / e }')
		line=$(grep -E "^\| $prof \| $w \| zmap \| none \| 1(, ZMap's default pinning)? \|" "$OUT/RESULTS.md" |
			if [ "$cores" = default ]; then grep "default pinning"; else grep -v "default pinning"; fi)
		cell_ratio=$(awk -F' [|] ' '{ split($8, a, " "); print a[1] }' <<<"$line")
		cell_loss=$(awk -F' [|] ' '{ print $11 }' <<<"$line")
		[ "$cell_ratio" = "$ratio" ] && [ "$cell_loss" = "$loss" ] ||
			{ echo "$prof $w cores=$cores: report says ratio $cell_ratio loss $cell_loss, rows give $ratio $loss"; false; }
		n=$((n + 1))
	done < <(used_rows | awk -F, '$6 == 0 && $7 == 1 { print $1, $2, $8 }' | sort -u)
	# default, tuned and softirq of each world, ZMap's own placement, and
	# the appliance unless the Docker suites are left out
	[ "$n" -eq $(("${RESCAN_SKIP_DOCKER:-0}" == 1 ? 7 : 8)) ]
}

@test "bench: the split of the gap (reflector) is the raw rows' (recomputed here)" {
	local w fd rf line n=0
	for w in w1.4 w14; do
		read -r fd rf < <(used_rows | awk -F, -v w="$w" "$MEDIAN_AWK"'
			$1 == "default" && $2 == w && $4 == "zmap" && $6 == 0 && $7 == 1 && $8 != "default" {
				if ($5 == "drop") d[++nd] = $12; else if ($5 == "refl") f[++nf] = $12; else r[++nr] = $12 }
			END { if (nd && nf && nr) printf "%.3f %.3f\n", med(f, nf) / med(d, nd), med(r, nr) / med(f, nf) }')
		[ -n "$fd" ] || { echo "$w: no reflector scans"; false; }
		line=$(grep -E "^\| $w \| 1 \| [0-9]+ k \| " "$OUT/RESULTS.md")
		[ "$(awk -F' [|] ' '{ print $6 }' <<<"$line")" = "$fd" ] &&
			[ "$(awk -F' [|] ' '{ split($7, a, " "); print a[1] }' <<<"$line")" = "$rf" ] ||
			{ echo "$w: report says '$line', rows give $fd and $rf"; false; }
		grep -q "^| send rate responder ÷ XDP_DROP, $([ "$w" = w1.4 ] && echo 1.4 || echo 14) % world.*reflector, no world, ÷ XDP_DROP) $fd, rescan's lookup (responder ÷ reflector) $rf)" \
			"$OUT/RESULTS.md" || { echo "$w: the summary does not give the split"; false; }
		n=$((n + 1))
	done
	[ "$n" -eq 2 ]
}

@test "bench: the ratios inside one scan are its windows' (recomputed here)" {
	local w line want n
	# windows: inside the scan, each program's probes counted (none, if a
	# busy machine stalled ZMap for the whole window), its rate those
	# probes over its length: probes are printed whole (less than 1 cut)
	# and the rate to the unit (0.5), the times as the rate used them.
	# One window of a program per cycle.
	awk -F, 'NR > 1 {
		d = $8 > $7 ? $10 - $9 / ($8 - $7) : 0
		if ($8 <= $7 || $9 < 0 || d < -0.5 || d > 1 / ($8 - $7) + 0.5) { print "bad window: " $0; bad = 1 }
		if (++k[$1 "," $3 "," $4 "," $5 "," $6] > 1) { print "two windows of one program in a cycle: " $0; bad = 1 } }
		END { exit bad }' "$OUT/data/interleaved.csv"
	for w in w1.4 w14; do
		# responder / XDP_DROP (to 3 decimals, as the report gives each
		# cycle) per cycle the report used, then the median
		want=$(awk -F, -v w="$w" "$MEDIAN_AWK"'
			NR == FNR { if (FNR > 1) pps[$1 "," $3 "," $4 "," $5 "," $6] = $10; next }
			FNR > 1 && $1 == w && $2 == 1 && $3 == "resp/drop" { k = $1 "," $2 "," $4 "," $5
				if (!((k ",resp") in pps) || !((k ",drop") in pps)) { print "a used cycle without both windows: " $0; bad = 1; exit 1 }
				v[++n] = sprintf("%.3f", pps[k ",resp"] / pps[k ",drop"]) + 0 }
			END { if (bad) exit 1; if (n < 2) { print "used cycles: " n ", want 2 or more"; exit 1 } printf "%d %.3f\n", n, med(v, n) }' \
			"$OUT/data/interleaved.csv" "$OUT/data/interleaved_used.csv") || { echo "$w: $want"; false; }
		read -r n want <<<"$want"
		line=$(grep -E "^\| $w \| 1 \| $n \| " "$OUT/RESULTS.md") ||
			{ echo "$w: no row with $n cycles"; grep -A5 'inside one scan' "$OUT/RESULTS.md"; false; }
		[ "$(awk -F' [|] ' '{ split($4, a, " "); print a[1] }' <<<"$line")" = "**$want**" ] ||
			{ echo "$w: report says '$line', windows give $want"; false; }
	done
}

@test "bench: the back-to-back cost ran on the probes it names, and the report quotes it" {
	local w bb
	for w in w1.4 w14; do
		# hit and miss lists are the world's hosts and non-hosts of the
		# range (rsbench itself fails unless the responder's counters moved
		# by the world's verdicts); the scan sample holds hosts at the
		# world's density
		jq -s -e --arg w "$w-$TAG.world" --argjson size "$SIZE" \
			'map(select(.world | endswith($w)))[0] | .hits_in_range as $h | .batch as $b |
			$b.hit.addrs == ([$h, 1048576] | min) and $b.hit.hit_share == 1 and
			$b.miss.addrs == ([$size - $h, 1048576] | min) and $b.miss.hit_share == 0 and
			$b.nonprobe.hit_share == 0 and
			($b.scan.hit_share - $h / $size | fabs) < 0.1 * $h / $size + 0.001 and
			([$b.hit, $b.miss, $b.scan, $b.nonprobe] |
			 all(.net_p25_ns <= .net_ns and .net_ns <= .net_p75_ns and .harness_ns > 0))' \
			"$OUT/data/xdpcost.jsonl" >/dev/null ||
			{ echo "xdpcost: the batch record of $w does not add up"; cat "$OUT/data/xdpcost.jsonl"; false; }
	done
	bb=$(jq -s -r '[.[] | .batch.hit.net_ns, .batch.miss.net_ns] | max' "$OUT/data/xdpcost.jsonl")
	grep -F "new probes in scan order) $bb ns" "$OUT/RESULTS.md" ||
		{ echo "the summary does not quote the worst back-to-back figure, $bb ns"; grep -F "XDP cost per probe" "$OUT/RESULTS.md"; false; }
}

@test "bench: the per-probe cost has a complete record for every world, timed on its hosts" {
	local w
	for w in w1.4 w14; do
		# the hits it timed are the world's hosts of the range
		jq -s -e --arg w "$w-$TAG.world" --argjson n "$(wc -l <"$WORK/$w-$TAG.expected")" \
			'map(select(.world | endswith($w))) | length == 1 and all(.hits_in_range == $n and
			([.cases.hit, .cases.miss, .cases.nonprobe, .cases.empty_drop_prog] |
			all(.median_ns | type == "number")))' "$OUT/data/xdpcost.jsonl" >/dev/null ||
			{ echo "xdpcost: no complete record for $w"; cat "$OUT/data/xdpcost.jsonl"; false; }
	done
}

@test "bench: the build row of the sparse world counts its hosts and its maps' memory" {
	# the addresses per row are the distinct hosts of its dataset and of
	# the world compiled from it; the memlock of all maps is the world's
	# three and less than 1 MiB of counters
	local n
	n=$(sort -u "$WORK/sparse.txt" | wc -l)
	[ "$("$RESCAN" world export "$WORK/sparse.world" tcp/389 | wc -l)" -eq "$n" ]
	awk -F, -v n="$n" 'NR > 1 && $1 ~ /^sparse/ { seen = 1
		if ($2 != n) { print "addresses " $2 ", dataset " n; bad = 1 }
		w = $13 + $14 + $15
		if ($12 < w || $12 - w >= 1048576) { print "memlock " $12 ", world maps " $13 " + " $14 " + " $15; bad = 1 } }
		END { exit bad || !seen }' "$OUT/data/build.csv"
}

# class_awk [AWK-OPTIONS] PROGRAM: PROGRAM over data/class.csv's rows, its columns by
# name (c["sent"]) and the round's time and aggregate rate at hand.
class_awk() {
	awk -F, "${@:1:$# - 1}" "$MEDIAN_AWK"'
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		function col(x) { return $c[x] }
		'"${!#}" "$OUT/data/class.csv"
}

@test "bench: the class phase has a row per student per round, classes of 1 and 4 and a capped student" {
	local sizes
	# rounds: 1 and 4 students, 2 rounds each (BENCH_QUICK), students 1..N
	# each once per round; the cap: 2 rounds of student 1
	sizes=$(class_awk '$1 == "class" { print $2 }' | sort -nu | tr '\n' ' ')
	[ "$sizes" = "1 4 " ] || { echo "class sizes: $sizes"; false; }
	class_awk '{ k = $1 " " $2 " " $3; n[k]++; s[k] += col("student")
		if (!(k in seen)) { seen[k] = 1; r[$1 " " $2]++ }
		if (col("student") < 1 || col("student") > $2) { print "student " col("student") " in a class of " $2; bad = 1 } }
		END { for (k in n) { split(k, a, " ")
			if (n[k] != a[2] || s[k] != a[2] * (a[2] + 1) / 2) { print k ": " n[k] " rows"; bad = 1 } }
		      for (x in r) if (r[x] != 2) { print x ": " r[x] " rounds"; bad = 1 }
		      if (!("cap 1" in r)) { print "no cap rows"; bad = 1 }
		      exit bad }'
	# every column of the header, in every row (cmd last, quoted)
	awk -F, 'NR == 1 { n = NF; next } { split($0, q, "\""); if (split(q[1], f, ",") != n) { print "short row: " $0; bad = 1 } }
		END { exit bad }' "$OUT/data/class.csv"
}

@test "bench: each student scanned its own share, against the world's hosts there" {
	# the shares of a round tile the range; ZMap sent each address once,
	# exited 0, reported no host the world lacks, and got no reply the lab
	# did not deliver; expected is the world's hosts of the share
	# (recomputed here from the generated hosts)
	class_awk -v size="$SIZE" -v base="${RANGE%/*}" '
		function ip(a,   p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
		{ what = $1 " N=" $2 " round " $3 " student " col("student")
		  split(col("share"), sh, "/"); lo = ip(sh[1]); n = 2 ^ (32 - sh[2])
		  want = $1 == "cap" ? size : size / $2
		  if (n != want || lo != ip(base) + (col("student") - 1) * want * ($1 == "class")) { print what ": share " col("share"); bad = 1 }
		  if (col("exit") != 0 || col("sent") != n) { print what ": exit " col("exit") ", sent " col("sent") " of " n; bad = 1 }
		  if (col("false_pos") != 0 || col("received") > col("expected") || col("received") > col("delivered")) {
			print what ": received " col("received") " of " col("expected") ", delivered " col("delivered") ", FP " col("false_pos"); bad = 1 }
		  if ($1 == "cap" && (col("cap_pps") != 100000 || col("burst") < 64)) { print what ": cap " col("cap_pps") " burst " col("burst"); bad = 1 }
		  if ($1 == "class" && (col("cap_pps") != 0 || col("rate_limited") != 0)) { print what ": a cap in the class lab"; bad = 1 }
		  if (!(col("t_end") > col("t_start"))) { print what ": no send window"; bad = 1 }
		  print col("share"), col("expected") > "/dev/stderr" }
		END { exit bad }' 2>"$BATS_TEST_TMPDIR/shares"
	local share n
	while read -r share n; do
		[ "$("$REPO/rescan" world export "$WORK/w1.4-$TAG.world" tcp/80 "$share" | wc -l)" -eq "$n" ] &&
			[ "$(awk -v s="$share" 'BEGIN { split(s, a, "/"); split(a[1], p, "."); lo = ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4]; hi = lo + 2 ^ (32 - a[2]) }
				{ split($1, p, "."); x = ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4]; k += x >= lo && x < hi } END { print k + 0 }' \
				"$WORK/w1.4-$TAG.expected")" -eq "$n" ] || { echo "$share: expected $n"; false; }
	done < <(sort -u "$BATS_TEST_TMPDIR/shares")
}

@test "bench: the class section's rates, shares, losses and the cap's accuracy are the rows' (recomputed here)" {
	local want line n=0 acc
	# per class size: the rounds' aggregate (judged over first start to
	# last end), its median against 1 student's, each student's share of
	# the round's fair rate, and the replies over all rounds
	while read -r want; do
		set -- $want	# N rounds kmin kmed kmax ratio lo hi expected received
		line=$(grep -E "^\| $1 \| $2 \| " "$OUT/RESULTS.md") || { echo "no row for $1 students, $2 rounds"; false; }
		[ "$(awk -F' [|] ' '{ print $3 "|" $4 "|" $5 "|" $7 "|" $8 "|" $9 }' <<<"$line")" = \
			"$3 k / $4 k / $5 k|$6|$7 / $8|$9|${10}|$((${9} - ${10}))" ] ||
			{ echo "report: $line"; echo "rows: $want"; false; }
		n=$((n + 1))
	done < <(class_awk '$1 == "class" { k = $2 SUBSEP $3; j[k] += col("judged")
			if (!(k in a) || col("t_start") < a[k]) a[k] = col("t_start"); if (!(k in b) || col("t_end") > b[k]) b[k] = col("t_end")
			row[++m] = $0; e[$2] += col("expected"); g[$2] += col("received") }
		END { for (k in j) { split(k, x, SUBSEP); agg[k] = j[k] / (b[k] - a[k]); v[x[1], ++nv[x[1]]] = agg[k] }
			for (i = 1; i <= m; i++) { split(row[i], f, ","); N = f[2]
				s = f[c["judged"]] / (f[c["t_end"]] - f[c["t_start"]]) / (agg[N, f[3]] / N)
				if (!(N in lo) || s < lo[N]) lo[N] = s; if (!(N in hi) || s > hi[N]) hi[N] = s }
			for (N in nv) { r = nv[N]; mn = mx = v[N, 1]
				for (i = 1; i <= r; i++) { w[i] = v[N, i]; if (w[i] < mn) mn = w[i]; if (w[i] > mx) mx = w[i] }
				md[N] = med(w, r); mins[N] = mn; maxs[N] = mx }
			for (N in nv) printf "%d %d %.0f %.0f %.0f %.3f %.3f %.3f %d %d\n", N, nv[N], mins[N] / 1000, md[N] / 1000, maxs[N] / 1000,
				md[N] / md[1], lo[N], hi[N], e[N], g[N] }')
	[ "$n" -eq 2 ]
	# the cap: let through (IPv4 packets less those over the cap) over cap x window + burst
	n=0
	while read -r want; do
		grep -qF "$want" "$OUT/RESULTS.md" || { echo "no cap row '$want'"; grep -A6 "rate cap" "$OUT/RESULTS.md"; false; }
		n=$((n + 1))
	done < <(class_awk '$1 == "cap" { w = col("t_end") - col("t_start"); l = col("packets_ipv4") - col("rate_limited"); x = col("cap_pps") * w + col("burst")
		printf "| %s | %s | %s | %s | %s | %.0f | %.3f | %.0f | %.3f |\n", col("cap_pps"), col("burst"), $3, col("sent"), col("rate_limited"), l, w, x, l / x }')
	[ "$n" -eq 2 ]
}

@test "bench: rsbench answers a bad option or argument with one line and exit 2" {
	run -2 "$REPO/.output/rsbench" gen --no-such-option 1 64.0.0.0/24
	[ "${#lines[@]}" -eq 1 ]
	run -2 "$REPO/.output/rsbench" gen 2000000 64.0.0.0/24
	[ "${#lines[@]}" -eq 1 ]
	run -2 "$REPO/.output/rsbench" report
	[ "${#lines[@]}" -eq 1 ]
	run -0 "$REPO/.output/rsbench" report --help
	[[ $output == *"data/throughput_used.csv"* ]]
}

@test "bench: the grading section is its rows' medians, of 1 and of 200 submissions" {
	local n1 n200 med
	read -r n1 n200 < <(awk -F, 'NR > 1 { n[$1]++ } END { print n[1] + 0, n[200] + 0 }' "$OUT/data/grade.csv")
	# As many runs of each, at least one.
	[ "$n1" -ge 1 ]
	[ "$n1" -eq "$n200" ]
	med=$(awk -F, "$MEDIAN_AWK"' NR > 1 && $1 == 200 { a[++k] = $3 } END { print med(a, k) }' "$OUT/data/grade.csv")
	grep -q "^| 200 | $med s | " "$OUT/RESULTS.md" || { grep '^| 200 |' "$OUT/RESULTS.md"; echo "median $med"; false; }
	# Every submission was graded: each run's rows are all the submissions'.
	awk -F, 'NR > 1 && $1 == 200 && $8 < 200 * 1000 { bad = 1 } END { exit bad }' "$OUT/data/grade.csv"
}
