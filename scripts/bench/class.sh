# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench/class.sh - phase 4 of `make bench` (sourced by bench.sh):
# a class. One lab with the largest class of CLASS_SIZES students
# (`rescan lab up --students N`, the 1.4 % world); in each round N of them
# scan at once, each its own equal share of CLASS_RANGE, with plain ZMap at
# its maximum rate (the lab's zmap.conf: interface, gateway, source address
# and CPU as lab up wrote them for that student). Then the per-student cap:
# one student of a lab of its own with `--student-rate CAP` scans the whole
# of CLASS_RANGE at ZMap's maximum rate. One CSV row per student per round.
#
# CLASS_RANGE is SCAN_RANGE, or its first /12 when SCAN_RANGE is larger:
# 32 students on a few CPUs share what one scanner gets, and a round of a
# /10 would take minutes.
#
# Equal shares, not the same range for all: a round then holds the same
# probes and the same replies whatever N is, so the aggregate rate of N
# students compares with one student's on the same work, a round of 32
# lasts as long as a round of 1, and every student's replies are its own
# hosts, which tells a reply lost from one delivered to another.
#
# When each student sent is read from its veth's receive counter on the
# internet side (every probe and every RST of its kernel passes there),
# sampled every CLASS_POLL seconds: its send window is where that counter
# went from 1 % to 99 % of the round's packets, stretched by 1/0.98; ZMap's
# start-up and cooldown are outside it, and so is an ARP now and then.

CLASS_CSV="$DATA/class.csv"
CLASS_HEADER="kind,students,round,student,share,cap_pps,burst,exit,sent,success_unique,pcap_recv,pcap_drop,expected,received,false_pos,packets_ipv4,judged,tx_synack,delivered,rate_limited,t_start,t_end,wall_s,scanner_cpu_s,others_user_s,load1,noisy,cmd"
CLASS_SIZES=${BENCH_CLASS:-$([ -n "$QUICK" ] && echo 1 4 || echo 1 4 16 32)}
CLASS_CAP=${BENCH_CLASS_CAP:-100000}	# the capped student's --student-rate
CLASS_POLL=0.02
CLASS_RANGE=$SCAN_RANGE
[ "${SCAN_RANGE#*/}" -ge 12 ] || CLASS_RANGE="${SCAN_RANGE%/*}/12"	# a /8../11 starts on a /12
CLASS_SIZE=$((1 << (32 - ${CLASS_RANGE#*/})))
CLASS_RES="$SCRATCH/class"	# RESCAN_RESULTS_DIR of the class labs: students write here
declare -A STUDENT_IF	# "LAB K": student K's veth on the lab's internet side

ip2int() { local IFS=.; set -- $1; echo $((($1 << 24) + ($2 << 16) + ($3 << 8) + $4)); }
int2ip() { echo "$(($1 >> 24 & 255)).$(($1 >> 16 & 255)).$(($1 >> 8 & 255)).$(($1 & 255))"; }

# class_share N K: student K's share of CLASS_RANGE when N students share it.
class_share() {
	local n=$1 k=$2 bits=0 plen=${CLASS_RANGE#*/}
	while ((1 << bits < n)); do bits=$((bits + 1)); done
	echo "$(int2ip $(($(ip2int "${CLASS_RANGE%/*}") + (k - 1) * (CLASS_SIZE / n))))/$((plen + bits))"
}

# class_students LAB: how many students lab up gave LAB.
class_students() { "$RESCAN" lab status --name "$1" | sed -n 's/^students=//p'; }

# class_rescan ARGS...: rescan, with the class labs' results directory.
class_rescan() { RESCAN_RESULTS_DIR=$CLASS_RES "$RESCAN" "$@"; }

# class_lab NAME STUDENTS [lab up options...]: a class lab, and each
# student's veth on the internet side (its lab0's peer, by ifindex).
class_lab() {
	local name=$1 n=$2 k idx
	shift 2
	# No monitor: its sampling would be CPU taken from what is measured.
	class_rescan lab up --name "$name" --world "$WORK/w1.4-$RANGE_TAG.world" --students "$n" \
		--no-monitor "$@" >/dev/null || die "lab up $name --students $n failed"
	LABS+=("$name")
	INET_NS[$name]=$("$RESCAN" lab env --name "$name" internet_netns)
	for ((k = 1; k <= n; k++)); do
		STUDENT_IF["$name $k"]=$("$RESCAN" lab env --name "$name" --student "$k" student_iface)
		inet_exec "$name" ip link show "${STUDENT_IF["$name $k"]}" >/dev/null 2>&1 ||
			die "student $k of $name has no veth on the internet side"
	done
}

# class_poll LAB SECONDS IFACE...: "time rx_packets..." of the IFACEs on the
# lab's internet side every SECONDS until killed; above the NAPI threads so
# a sample's time is its counters' (as lab0_poll). Run it with &.
class_poll() {
	local lab=$1 secs=$2
	shift 2
	exec taskset -c "$NET_CPU" chrt -f "$WATCH_PRIO" ip netns exec "${INET_NS[$lab]}" bash -c 'exec {s}<> <(:)
		while :; do l=$EPOCHREALTIME
			for i; do read -r n <"/sys/class/net/$i/statistics/rx_packets"; l+=" $n"; done
			echo "$l"; read -rt "$0" -u $s; done' "$secs" "$@" 2>/dev/null
}

# class_round KIND LAB N ROUND CAP BURST: students 1..N of LAB scan at once,
# one row each. KIND class: each its share of CLASS_RANGE; cap: all of it.
# All N are started first and wait on a FIFO, then all are let go with one
# write: started one after the other, the last of 32 would begin seconds
# after the first, its start-up starved by the ZMaps already sending.
class_round() {
	local kind=$1 lab=$2 n=$3 round=$4 cap=$5 burst=$6 d="$SCRATCH/class-round" k share dir
	local poller u0 u1 t0 t1 cpu others noisy ld up go gofd i
	local -a pids ifs cmd rc launch
	rm -rf "$d"; mkdir -p "$d"
	up="rescan lab up --name $lab --world w1.4-$RANGE_TAG.world --students $(class_students "$lab")"
	[ "$kind" = cap ] && up+=" --student-rate $cap"
	for ((k = 1; k <= n; k++)); do
		ifs+=("${STUDENT_IF["$lab $k"]}")
		rm -f "$CLASS_RES/$lab/student-$k/"{out.csv,meta.json,ready}
	done
	# The start line: students may read it; held open here, so opening it
	# never blocks and a student's read waits for its line.
	go="$SCRATCH/class-go"
	rm -f "$go"; mkfifo -m 644 "$go"
	exec {gofd}<>"$go"
	for ((k = 1; k <= n; k++)); do
		share=$([ "$kind" = cap ] && echo "$CLASS_RANGE" || class_share "$n" "$k")
		cmd=(zmap -p 80 -r 0 -c 2 -b "$SCRATCH/blocklist" -o out.csv -m meta.json "$share")
		launch[k]=$EPOCHREALTIME
		TZ=:/etc/localtime /usr/bin/time -f '%e %U %S' -o "$d/time.$k" timeout 600 \
			env RESCAN_RESULTS_DIR="$CLASS_RES" "$RESCAN" lab exec --name "$lab" --student "$k" -- \
			sh -c ': >ready && read -r _ <"$0" && exec "$@"' "$go" "${cmd[@]}" >"$d/log.$k" 2>&1 &
		pids[k]=$!
	done
	for ((k = 1; k <= n; k++)); do
		for ((i = 0; i < 600; i++)); do
			[ -e "$CLASS_RES/$lab/student-$k/ready" ] && break
			kill -0 "${pids[k]}" 2>/dev/null || break
			sleep 0.05
		done
		[ -e "$CLASS_RES/$lab/student-$k/ready" ] ||
			{ exec {gofd}>&-; cat "$d/log.$k" >&2; die "student $k of $lab did not come to the start line"; }
	done
	lab_stats "$lab" >"$d/st0"
	class_poll "$lab" "$CLASS_POLL" "${ifs[@]}" >"$d/poll" &
	poller=$!
	sleep 0.1	# a sample of every counter before the first probe
	u0=$(cpu_user_ticks); t0=$EPOCHREALTIME
	printf '\n%.0s' $(seq "$n") >&"$gofd"
	for ((k = 1; k <= n; k++)); do
		rc[k]=0
		wait "${pids[k]}" || rc[k]=$?
	done
	exec {gofd}>&-
	rm -f "$go"
	t1=$EPOCHREALTIME; u1=$(cpu_user_ticks)
	sleep 0.1
	kill "$poller" 2>/dev/null; wait "$poller" 2>/dev/null || true
	lab_stats "$lab" >"$d/st1"
	ld=$(load1)
	# Others' CPU: user time of the round's processes that were not ZMap's.
	cpu=$(cat "$d"/time.* | awk '{ u += $2 } END { print u + 0 }')
	others=$(awk -v a="$u0" -v b="$u1" -v c="$cpu" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz - c }')
	noisy=$(awk -v o="$others" -v t0="$t0" -v t1="$t1" -v m="$NOISE_MAX" 'BEGIN { print (o > m * (t1 - t0)) ? 1 : 0 }')
	# Each student's send window from its counter: "k t_start t_end" relative to t0.
	awk -v t0="$t0" '
		function cross(c, x,   i) { for (i = 2; i <= ns; i++) if (v[i, c] >= x)
			return t[i - 1] + (t[i] - t[i - 1]) * (x - v[i - 1, c]) / (v[i, c] - v[i - 1, c]); return t[ns] }
		{ ns++; t[ns] = $1 - t0; for (c = 2; c <= NF; c++) v[ns, c] = $c; nc = NF }
		END { for (c = 2; c <= nc; c++) { tot = v[ns, c] - v[1, c]
			if (tot <= 0) { print c - 1, 0, 0; continue }
			a = cross(c, v[1, c] + .01 * tot); b = cross(c, v[1, c] + .99 * tot); w = (b - a) / .98
			printf "%d %.3f %.3f\n", c - 1, a - .01 * w, b + .01 * w } }' "$d/poll" >"$d/windows"
	# The lab's counters of each student over the round.
	jq -r -n --slurpfile a "$d/st0" --slurpfile b "$d/st1" --argjson n "$n" '
		def row($s; $k): ([$s.sources[] | select(.student == $k)][0] // {});
		def c($r; $f): ($r | getpath($f | split(".")) // 0);
		range(1; $n + 1) as $k | row($a[0]; $k) as $x | row($b[0]; $k) as $y |
		def d($f): c($y; $f) - c($x; $f);
		"\($k) \(d("packets") - d("pass_arp") - d("drop_not_ipv4")) \(d("tx_synack") + d("drop_not_in_world")) \(d("tx_synack")) \(d("delivered.rx_synack")) \(d("drop_rate_limited"))"' \
		>"$d/counters" || die "cannot read the stats of $lab"
	for ((k = 1; k <= n; k++)); do
		local dir="$CLASS_RES/$lab/student-$k" exp sent su pcap total got ts te wall scpu pk judged tx dl lim
		share=$([ "$kind" = cap ] && echo "$CLASS_RANGE" || class_share "$n" "$k")
		exp="$SCRATCH/class-expected-${share//\//_}"
		[ -s "$exp" ] || "$RESCAN" world export "$WORK/w1.4-$RANGE_TAG.world" tcp/80 "$share" | sort >"$exp"
		read -r sent su pcap < <(jq -r '"\(.total_sent) \(.success_unique) \(.pcap_recv),\(.pcap_drop)"' \
			"$dir/meta.json" 2>/dev/null || echo "0 0 ,")
		awk '!/^saddr/' "$dir/out.csv" 2>/dev/null | sort -u >"$d/got"
		got=$(comm -12 "$d/got" "$exp" | wc -l)
		total=$(wc -l <"$d/got")
		if [ "$kind" = class ] && { [ "$got" -lt "$(wc -l <"$exp")" ] || [ "$total" -gt "$got" ]; }; then
			{ echo "# class N=$n round $round student $k $share"
			  comm -23 "$exp" "$d/got" | sed 's/^/missing /'
			  comm -13 "$exp" "$d/got" | sed 's/^/extra /'; } >>"$DATA/class_lost_and_extra.txt"
		fi
		read -r _ ts te < <(awk -v k="$k" '$1 == k' "$d/windows")
		# its wall time from the start line on: /usr/bin/time's, less its wait there
		read -r wall scpu < <(awk -v w="$(awk -v a="${launch[k]}" -v b="$t0" 'BEGIN { print b - a }')" \
			'{ printf "%.2f %.2f\n", $1 - w, $2 + $3 }' "$d/time.$k" 2>/dev/null)
		read -r _ pk judged tx dl lim < <(awk -v k="$k" '$1 == k' "$d/counters")
		cmd=(zmap -p 80 -r 0 -c 2 -b "$SCRATCH/blocklist" -o out.csv -m meta.json "$share")
		echo "$kind,$n,$round,$k,$share,$cap,$burst,${rc[k]},${sent:-0},${su:-0},${pcap:-,},$(wc -l <"$exp"),$got,$((total - got)),$pk,$judged,$tx,$dl,$lim,$ts,$te,${wall:-0},${scpu:-0},$others,$ld,$noisy,\"$up; rescan lab exec --name $lab --student $k -- ${cmd[*]} (all students released at once from a FIFO)\"" >>"$CLASS_CSV"
	done
	log "  $kind N=$n round $round: $(awk -F, -v n="$n" -v r="$round" -v kd="$kind" '
		$1 == kd && $2 == n && $3 == r { j += $17; if (a == "" || $21 < a) a = $21; if ($22 > b) b = $22; e += $13; g += $14; l += $20; x = x + ($8 != 0) }
		END { printf "%.0f k answered or judged/s over %.2f s, %d/%d replies, %d over the cap, %d exits not 0", j / (b - a) / 1000, b - a, g, e, l, x }' "$CLASS_CSV"), load $ld$( ((noisy)) && echo ", noisy")"
}

class_phase() {
	local lab="b$((RUN % 100000))c" caplab="b$((RUN % 100000))k" max=0 n r order burst
	echo "$CLASS_HEADER" >"$CLASS_CSV"
	rm -f "$DATA/class_lost_and_extra.txt"
	# Scans block the lab network and nothing else (as in phase 1), in a
	# file the students can read.
	"$RESCAN" lab env lab_net >"$SCRATCH/blocklist"
	chmod a+rx "$SCRATCH"; chmod a+r "$SCRATCH/blocklist"
	for n in $CLASS_SIZES; do
		(((n & (n - 1)) == 0 && n <= CLASS_SIZE)) || die "BENCH_CLASS: $n is not a power of 2 (equal shares of $CLASS_RANGE)"
		((n > max)) && max=$n
	done
	class_lab "$lab" "$max"
	echo "class_data_path=$(lab_data_path "$lab")" >>"$DATA/env.txt"
	echo "class_range=$CLASS_RANGE" >>"$DATA/env.txt"
	# Every size once per round, in the order 1 4 16 32, then 32 16 4 1, ...
	# so drift over the phase hits small and large classes alike.
	for ((r = 1; r <= REPS; r++)); do
		order=$CLASS_SIZES
		((r % 2)) || order=$(tr ' ' '\n' <<<"$CLASS_SIZES" | tac | tr '\n' ' ')
		for n in $order; do class_round class "$lab" "$n" "$r" 0 0; done
	done
	"$RESCAN" lab down --name "$lab" >/dev/null 2>&1 || true
	# The cap, on a lab of its own: one student, lab up's default burst.
	class_lab "$caplab" 1 --student-rate "$CLASS_CAP"
	burst=$("$RESCAN" lab status --name "$caplab" | sed -n 's/^student_burst=//p')
	for ((r = 1; r <= REPS; r++)); do class_round cap "$caplab" 1 "$r" "$CLASS_CAP" "$burst"; done
	"$RESCAN" lab down --name "$caplab" >/dev/null 2>&1 || true
}
