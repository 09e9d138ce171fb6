# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench/throughput.sh - phase 1 of `make bench` (sourced by bench.sh):
# ZMap (and masscan) scanning a whole /10 into the XDP_DROP baseline and into
# the responder on the same veth pair, alternating, one CSV row per scan.

THR_CSV="$DATA/throughput.csv"
NOISE_MAX=${BENCH_NOISE_MAX:-0.10}	# others' CPU share above which a scan is noisy
NOISE_RETRIES=${BENCH_NOISE_RETRIES:-2}	# extra pairs per point at most
LAST_NOISY=0
THR_HEADER="profile,world,hit_ppm,tool,mode,rate,senders,cores,rep,exit,sent,send_pps,expected,received,false_pos,lost,pcap_recv,pcap_drop,tx_synack,rx_synack,xdp_tx_errors,lab0_tx_dropped,lab0_qdisc_drops,scanner_cpu_s,others_user_s,wall_s,load1,noisy,cmd"

thr_init() {
	[ -s "$THR_CSV" ] || echo "$THR_HEADER" >"$THR_CSV"
	# Scans block the lab network and nothing else, whatever range BENCH_RANGE names.
	"$RESCAN" lab env lab_net >"$SCRATCH/blocklist"
}

# One scan. thr_point PROFILE LAB WORLDTAG PPM EXPECTED TOOL MODE RATE SENDERS CORES REP
# CORES is ZMap's --cores list; "" = ZMap's own default pinning, which is
# every online CPU in order. The lab's zmap.conf pins ZMap to one CPU, so
# that default has to be asked for explicitly.
thr_point() {
	local profile=$1 lab=$2 wtag=$3 ppm=$4 exp=$5 tool=$6 mode=$7 rate=$8 senders=$9 cores=${10} rep=${11}
	local d="$SCRATCH/pt" rc=0 before after st0 st1 u0 u1 t0 t1 cpu sent pps got total exp_n lost pcap noisy
	local -a cmd
	rm -rf "$d"; mkdir -p "$d"; chmod 1777 "$d"	# ZMap writes as nobody after dropping privileges
	lab_attach "$lab" "$mode"
	before=$(veth_counters "$lab")
	st0=$(lab_stats "$lab")
	if [ "$tool" = zmap ]; then
		cmd=(zmap -p 80 -r "$rate" -T "$senders" --cores "${cores:-$(seq -s, 0 $(($(nproc) - 1)))}" -c 2
		     -b "$SCRATCH/blocklist" -o "$d/out.csv" -u "$d/status.csv" -m "$d/meta.json" "$SCAN_RANGE")
	else
		cmd=(masscan "$SCAN_RANGE" -p80 --rate "$rate" --wait 2 --router-mac "$GW_MAC" -oL "$d/out.txt")
	fi
	u0=$(cpu_user_ticks); t0=$EPOCHREALTIME
	if [ "$tool" = masscan ]; then
		# masscan has no machine-readable rate: time lab0's transmit counter.
		lab0_poll "$lab" 0.02 >"$d/poll" &
		local poller=$!
		# masscan 1.3.2's receive thread can miss the end of --wait and
		# never return (seen in both lab profiles); SIGINT makes it write
		# its output and exit, so give it scan time + wait + margin: the
		# range at 10 kpps, which a machine busy with other work still
		# gives it, plus 30 s.
		TZ=:/etc/localtime /usr/bin/time -f '%U %S' -o "$d/time" \
			timeout -s INT -k 10 $((SCAN_SIZE / 10000 + 30)) \
			"$RESCAN" lab exec --name "$lab" -- "${cmd[@]}" >"$d/log" 2>&1 || rc=$?
		kill "$poller" 2>/dev/null; wait "$poller" 2>/dev/null || true
	else
		lab_timed "$lab" 300 "$d/time" "${cmd[@]}" >"$d/log" 2>&1 || rc=$?
	fi
	t1=$EPOCHREALTIME; u1=$(cpu_user_ticks)
	after=$(veth_counters "$lab")
	# Noisy: other processes used more than NOISE_MAX of a CPU meanwhile.
	noisy=$(awk -v a="$u0" -v b="$u1" -v hz="$(getconf CLK_TCK)" -v t0="$t0" -v t1="$t1" -v m="$NOISE_MAX" \
		-v c="$(awk 'END { print $1 + 0 }' "$d/time" 2>/dev/null)" \
		'BEGIN { print ((b - a) / hz - c > m * (t1 - t0)) ? 1 : 0 }')
	LAST_NOISY=$((LAST_NOISY + noisy))
	st1=$(lab_stats "$lab")
	cpu=$(awk 'END { print $1 + $2 }' "$d/time" 2>/dev/null)
	exp_n=$(wc -l <"$exp")
	if [ "$tool" = zmap ]; then
		sent=$(tail -1 "$d/status.csv" 2>/dev/null | cut -d, -f6)
		pps=$(tail -1 "$d/status.csv" 2>/dev/null | cut -d, -f8)
		awk '!/^saddr/' "$d/out.csv" 2>/dev/null | sort -u >"$d/got"
		pcap=$(jq -r '"\(.pcap_recv),\(.pcap_drop)"' "$d/meta.json" 2>/dev/null || echo ",")
	else
		sent=$SCAN_SIZE
		# 5 % .. 95 % of the probes (replies' RSTs scale alike, so the share holds)
		pps=$(awk -v n="$SCAN_SIZE" 'NR == 1 { b = $2 } { t[NR] = $1; c[NR] = $2 - b }
			END { tot = c[NR]; for (i = 1; i <= NR; i++) { if (!a && c[i] >= .05 * tot) a = t[i];
			if (!z && c[i] >= .95 * tot) z = t[i] }
			if (z > a) printf "%.0f", .9 * n / (z - a) }' "$d/poll")
		# (a line masscan was writing when it was stopped can be cut short)
		awk '$1 == "open" && $2 == "tcp" && $3 == 80 && $4 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ { print $4 }' \
			"$d/out.txt" 2>/dev/null | sort -u >"$d/got"
		pcap=","
	fi
	got=$(comm -12 "$d/got" "$exp" | wc -l)
	total=$(wc -l <"$d/got")
	lost=$((exp_n - got))
	if [ "$mode" = drop ]; then got=0; lost=0; fi
	# Keep the evidence: which hosts were missed or made up.
	if [ "$mode" != drop ] && { [ "$lost" -gt 0 ] || [ "$total" -gt "$got" ]; }; then
		{ echo "# $profile $wtag $tool $mode rate=$rate T=$senders cores=${cores:-default} rep=$rep"
		  comm -23 "$exp" "$d/got" | sed 's/^/missing /'
		  comm -13 "$exp" "$d/got" | sed 's/^/extra /'; } >>"$DATA/lost_and_extra.txt"
	fi
	echo "$profile,$wtag,$ppm,$tool,$mode,$rate,$senders,${cores:-default},$rep,$rc,${sent:-0},${pps:-0},$exp_n,$got,$((total - got)),$lost,$pcap,$(( $(jq .responder.tx_synack <<<"$st1") - $(jq .responder.tx_synack <<<"$st0") )),$(( $(jq .scanner_side.rx_synack <<<"$st1") - $(jq .scanner_side.rx_synack <<<"$st0") )),$(kv_delta "$before" "$after" inet0_rx_queue_0_xdp_tx_errors),$(kv_delta "$before" "$after" lab0_tx_dropped),$(kv_delta "$before" "$after" lab0_qdisc_drops),${cpu:-0},$(awk -v a="$u0" -v b="$u1" -v c="$(awk 'END { print $1 + 0 }' "$d/time" 2>/dev/null)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz - c }'),$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'),$(load1),$noisy,\"${cmd[*]}\"" >>"$THR_CSV"
	log "  $profile $wtag $tool $mode rate=$rate T=$senders cores=${cores:-default} rep=$rep: ${pps:-?} pps, $got/$exp_n replies, exit $rc, load $(load1)"
}

# All modes of one (world, tool, rate, senders, cores) point, REPS times,
# in the order drop resp resp drop drop resp ... so drift hits both alike.
# Unlimited ZMap scans in the default lab also run the reflector, always
# between the two (drop refl resp resp refl drop ...): it answers the same
# hosts without a world, which splits the responder's gap to XDP_DROP into
# what replies cost the scanner and what rescan's lookup costs.
# A pair during which other processes used the CPUs (the box is shared) is
# kept but marked noisy and scanned again, at most NOISE_RETRIES times per
# point; the report leaves noisy rows out where clean ones exist.
thr_pair() {
	local profile=$1 lab=$2 wtag=$3 ppm=$4 exp=$5 tool=$6 rate=$7 senders=$8 cores=$9 r k=0 retries=0 m
	local -a modes=(drop resp)
	[ "$profile" = default ] && [ "$tool" = zmap ] && [ "$rate" = 0 ] && [ "$cores" ] &&
		modes=(drop refl resp)
	for ((r = 1; r <= REPS; r++)); do
		LAST_NOISY=0
		k=$((k + 1))	# the pair's number in the CSV "rep" column
		for m in $( ((k % 2)) && echo "${modes[@]}" || printf '%s\n' "${modes[@]}" | tac); do
			thr_point "$profile" "$lab" "$wtag" "$ppm" "$exp" "$tool" "$m" "$rate" "$senders" "$cores" "$k"
		done
		if ((LAST_NOISY && retries < NOISE_RETRIES)); then
			log "  noisy (other processes used the CPUs): scanning this pair again"
			retries=$((retries + 1))
			r=$((r - 1))
		fi
	done
}

# bpf_stats during one real scan per program: run_time_ns / run_cnt.
# (The reflector less XDP_DROP is the reply's rewrite; the responder less
# the reflector is rescan's lookup and counting.)
BPFSTATS_CSV="$DATA/bpf_stats.csv"
thr_bpf_stats() {
	local lab=$1 wtag=$2 mode p id r0 c0 r1 c1
	[ -s "$BPFSTATS_CSV" ] || echo "world,mode,runs,run_time_ns,ns_per_run,cmd" >"$BPFSTATS_CSV"
	BPF_STATS_WAS=${BPF_STATS_WAS:-$(sysctl -n kernel.bpf_stats_enabled)}
	sysctl -qw kernel.bpf_stats_enabled=1
	for mode in drop refl resp; do
		p=$(prog_pin "$lab" "$mode")
		lab_attach "$lab" "$mode"
		read -r r0 c0 < <(bpftool -j prog show pinned "$p" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"')
		TZ=:/etc/localtime timeout 300 "$RESCAN" lab exec --name "$lab" -- zmap -p 80 -r 0 --cores "$SCAN_CPU" -c 2 \
			-b "$SCRATCH/blocklist" -o /dev/null "$SCAN_RANGE" >/dev/null 2>&1 || true
		read -r r1 c1 < <(bpftool -j prog show pinned "$p" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"')
		echo "$wtag,$mode,$((c1 - c0)),$((r1 - r0)),$(awk -v r=$((r1 - r0)) -v c=$((c1 - c0)) 'BEGIN { printf "%.1f", c ? r / c : 0 }'),\"sysctl kernel.bpf_stats_enabled=1; zmap -p 80 -r 0 --cores $SCAN_CPU -c 2 $SCAN_RANGE; bpftool prog show (run_time_ns/run_cnt)\"" >>"$BPFSTATS_CSV"
	done
	sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS_WAS"
}

# The same ratios measured inside one scan: while ZMap scans, the program on
# inet0 is swapped every IL_WINDOW seconds in the order drop refl resp,
# resp refl drop, ... (a "cycle" is one of each), and ZMap's send rate is
# read per window from lab0's transmit counter less the RSTs the scanner's
# kernel sent (one per SYN-ACK). Whatever slows the machine for seconds
# slows all three programs of a cycle alike, which whole scans one after
# the other cannot promise on a shared VM. The first IL_GUARD seconds of
# each window are left out (the veth ring and the qdisc drain then).
IL_CSV="$DATA/interleaved.csv"
IL_WINDOW=${BENCH_IL_WINDOW:-0.4}
IL_GUARD=0.05
thr_interleaved() {	# thr_interleaved LAB WTAG PPM SENDERS SCAN
	local lab=$1 wtag=$2 ppm=$3 senders=$4 scan=$5 d="$SCRATCH/il" zpid poller c=0 m s
	[ -s "$IL_CSV" ] || echo "world,hit_ppm,senders,scan,cycle,mode,t_start,t_end,probes,pps,cmd" >"$IL_CSV"
	rm -rf "$d"; mkdir -p "$d"; chmod 1777 "$d"
	lab_attach "$lab" drop
	lab0_poll "$lab" 0.01 >"$d/poll" &
	poller=$!
	TZ=:/etc/localtime timeout 300 "$RESCAN" lab exec --name "$lab" -- zmap -p 80 -r 0 -T "$senders" --cores "$SCAN_CPU" -c 2 \
		-b "$SCRATCH/blocklist" -o "$d/out.csv" "$SCAN_RANGE" >"$d/log" 2>&1 &
	zpid=$!
	(	# the swapping, on the NAPI's CPU too, above the NAPI thread (see
		# WATCH_PRIO), with the programs' ids at hand
		local -A id
		taskset -pc "$NET_CPU" "$BASHPID" >/dev/null
		chrt -f -p "$WATCH_PRIO" "$BASHPID"
		for m in drop refl resp; do id[$m]=$(prog_id "$(prog_pin "$lab" "$m")"); done
		exec {s}<> <(:)
		while kill -0 "$zpid" 2>/dev/null; do
			c=$((c + 1))
			for m in $( ((c % 2)) && echo drop refl resp || echo resp refl drop); do
				lab_attach_id "$lab" "${id[$m]}" "$m"
				echo "$EPOCHREALTIME $c $m"
				read -rt "$IL_WINDOW" -u $s || true
			done
		done
	) >"$d/swaps"
	wait "$zpid" || log "  interleaved scan of $wtag exited $?"
	kill "$poller" 2>/dev/null; wait "$poller" 2>/dev/null || true
	# Probes by time = tx - RSTs, interpolated at each window's edges; only
	# windows inside the time ZMap was sending count (from its first 100
	# probes to 100 before its last: ARP adds a frame now and then).
	awk -v g="$IL_GUARD" -v w="$wtag" -v ppm="$ppm" -v T="$senders" -v scan="$scan" \
		-v cmd="zmap -p 80 -r 0 -T $senders --cores $SCAN_CPU -c 2 $SCAN_RANGE, program swapped every $IL_WINDOW s" '
		function at(x,   i) { for (i = 2; i <= n; i++) if (t[i] >= x) return p[i - 1] + (p[i] - p[i - 1]) * (x - t[i - 1]) / (t[i] - t[i - 1]); return -1 }
		FNR == NR { if (NF == 3 && $3 != "") { n++; t[n] = $1; p[n] = $2 - $3 } next }
		{ s[++k] = $1; cy[k] = $2; mo[k] = $3 }
		END { for (i = 1; i <= n; i++) { if (!first && p[i] >= p[1] + 100) first = t[i]; if (p[i] <= p[n] - 100) last = t[i] }
			for (i = 1; i < k; i++) { a = sprintf("%.3f", s[i] + g) + 0; b = sprintf("%.3f", s[i + 1]) + 0
			if (a < first + g || b > last || b <= a) continue
			pa = at(a); pb = at(b); if (pa < 0 || pb < 0) continue
			printf "%s,%s,%s,%s,%d,%s,%.3f,%.3f,%d,%.0f,\"%s\"\n", w, ppm, T, scan, cy[i], mo[i], a, b, pb - pa, (pb - pa) / (b - a), cmd } }' \
		"$d/poll" "$d/swaps" >>"$IL_CSV"
	log "  interleaved $wtag T=$senders scan $scan: $(awk -F, -v w="$wtag" -v s="$scan" -v T="$senders" '$1 == w && $3 == T && $4 == s' "$IL_CSV" | wc -l) windows"
}
