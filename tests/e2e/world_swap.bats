#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# End to end: `rescan lab load` gives a running lab another world. Two
# worlds A and B share some tcp/80 hosts (C) and each has hosts of its own;
# while they are swapped back and forth under a running scan, every host
# the scanner finds belongs to A or B, every host of C is found, and every
# probe the scanner sent is counted by the responder. A world that cannot
# be loaded leaves the running one answering; a lab load killed at any of
# its renames or netlink messages leaves a lab that answers from one
# world and that the next lab load or lab down recovers. Expected hosts come from the
# address lists this suite writes (awk, sort), never from rescan.

bats_require_minimum_version 1.5.0

load lab_helper

setup_file() {
	require_root_and_tools zmap masscan ip jq strace
	export LAB=$(lab_name w)
	export D="$BATS_FILE_TMPDIR"

	random_hosts 2000 11 >"$D/common.hosts"
	random_hosts 2000 12 | comm -23 - "$D/common.hosts" >"$D/a_only.hosts"
	random_hosts 2000 13 | comm -23 - "$D/common.hosts" | comm -23 - "$D/a_only.hosts" \
		>"$D/b_only.hosts"
	sort -m "$D/common.hosts" "$D/a_only.hosts" >"$D/a.hosts"
	sort -m "$D/common.hosts" "$D/b_only.hosts" >"$D/b.hosts"
	sort -m "$D/a.hosts" "$D/b_only.hosts" >"$D/either.hosts"
	# B also has a service A lacks: its per-service counters are its own.
	random_hosts 300 14 >"$D/b443.hosts"
	"$RESCAN" world compile -o "$D/a.world" tcp/80="$D/a.hosts"
	"$RESCAN" world compile -o "$D/b.world" tcp/80="$D/b.hosts" tcp/443="$D/b443.hosts"
	write_blocklist "$D/blocklist"
	# The class test's lab, named here so that teardown_file takes it down
	# even when that test fails half way.
	export CLASS=$(lab_name k)
	# A results directory the class's student 2 can reach, for its masscan's list.
	export CLASS_RESULTS=$(mktemp -d /tmp/rescan-swap.XXXXXX)
	chmod 755 "$CLASS_RESULTS"
	"$RESCAN" lab up --name "$LAB" --world "$D/a.world" --no-monitor
}

teardown() {
	local p
	[ -s "$BATS_TEST_TMPDIR/pids" ] || return 0
	xargs -r kill <"$BATS_TEST_TMPDIR/pids" 2>/dev/null
	# A class-serve takes its students out of the lab (under the lab's
	# lock) before it exits: teardown_file's lab down comes after.
	for p in $(cat "$BATS_TEST_TMPDIR/pids"); do
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
	true
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	"$RESCAN" lab down --name "$CLASS" >/dev/null 2>&1 || true
	rm -rf "$CLASS_RESULTS"
}

# A JSON value of the lab's counters for the lab's own scanner.
source_row() {
	"$RESCAN" stats --name "$LAB" --json | jq -r --arg a "$SCAN_SOURCE" ".sources[\$a]$1 // 0"
}

# Probes the scanner sent: every packet of its row but ARP, non-IPv4 frames
# and what is no probe: the RSTs its kernel (and masscan) send for each
# SYN-ACK delivered.
probes_sent() {
	source_row ' | .packets - .pass_arp - .drop_not_ipv4 - .drop_not_probe'
}

# The lab's world line from its state, and the responder attached to inet0.
world_of_lab() { "$RESCAN" lab status --name "$LAB" | sed -n 's/^world=//p'; }
responder_id() { ip netns exec "$LAB-inet" ip -j link show inet0 | jq -r '.[0].xdp.prog.id'; }

@test "lab load gives the running lab the new world; its counters go on" {
	zmap_exact "$LAB" "$D/a.hosts" "$D/a.csv" tx_synack 198.18.0.0/16 \
		--cores 0 -p 80 -r 50000 -b "$D/blocklist"
	packets=$(source_row .packets)
	old=$(responder_id)

	run -0 "$RESCAN" lab load --name "$LAB" "$D/b.world"
	[[ $output == "lab '$LAB': world $D/b.world loaded in "*" s" ]]
	[ "$(world_of_lab)" = "$D/b.world" ]
	[ "$(responder_id)" != "$old" ]
	# Nothing of the old world is left pinned beside the new one.
	[ -z "$(ls /sys/fs/bpf/rescan/"$LAB" | grep next_)" ]
	[ "$(source_row .packets)" -ge "$packets" ]
	# The old responder and its world are freed once nothing holds them.
	for i in $(seq 50); do bpftool prog show id "$old" >/dev/null 2>&1 || break; sleep 0.1; done
	run ! bpftool prog show id "$old"

	zmap_exact "$LAB" "$D/b.hosts" "$D/b80.csv" tx_synack 198.18.0.0/16 \
		--cores 0 -p 80 -r 50000 -b "$D/blocklist"
	zmap_exact "$LAB" "$D/b443.hosts" "$D/b443.csv" tx_synack 198.18.0.0/16 \
		--cores 0 -p 443 -r 50000 -b "$D/blocklist"
	# The per-service counters are the new world's: tcp/443 is among them.
	run -0 "$RESCAN" stats --name "$LAB" --json
	[ "$(jq -r '.services["tcp/443"].open' <<<"$output")" -eq "$(wc -l <"$D/b443.hosts")" ]

	"$RESCAN" lab load --name "$LAB" "$D/a.world"
	[ "$(world_of_lab)" = "$D/a.world" ]
}

@test "a world that cannot be loaded leaves the running one answering" {
	"$RESCAN" lab load --name "$LAB" "$D/a.world"
	old=$(responder_id)
	pins=$(ls /sys/fs/bpf/rescan/"$LAB")
	head -c "$(($(stat -c %s "$D/b.world") / 2))" "$D/b.world" >"$D/cut.world"
	echo "not a world" >"$D/text.world"
	for bad in "$D/cut.world" "$D/text.world" "$D/missing.world" "$D"; do
		run -1 "$RESCAN" lab load --name "$LAB" "$bad"
		echo "$bad: $output"
		[[ ${lines[0]} == "rescan: "* ]]
		[ "${lines[-1]}" = "rescan: lab '$LAB' answers from the world it had" ]
		[ "${#lines[@]}" -eq 2 ]
		[ "$(world_of_lab)" = "$D/a.world" ]
		[ "$(responder_id)" = "$old" ]
		[ "$(ls /sys/fs/bpf/rescan/"$LAB")" = "$pins" ]
	done
	zmap_exact "$LAB" "$D/a.hosts" "$D/a2.csv" tx_synack 198.18.0.0/16 \
		--cores 0 -p 80 -r 50000 -b "$D/blocklist"
}

@test "lab load on no lab says so" {
	run -3 "$RESCAN" lab load --name nolab "$D/a.world"
	[ "$output" = "rescan: no lab 'nolab' is up (start one with 'rescan lab up --name nolab')" ]
	run -2 "$RESCAN" lab load --name "$LAB"
}

# swap_while SCANNER...: swap A and B in the background while SCANNER runs
# (a command line for lab exec); the scanner's status in $status, the
# number of swaps completed while it ran in $swaps. Every swap must succeed.
swap_while() {
	local stop=$BATS_TEST_TMPDIR/stop log=$BATS_TEST_TMPDIR/swaps
	rm -f "$stop"
	: >"$log"
	(
		while [ ! -e "$stop" ]; do
			for w in b a; do
				"$RESCAN" lab load --name "$LAB" "$D/$w.world" >/dev/null || { echo FAIL >>"$log"; exit 1; }
				echo "$w" >>"$log"
			done
		done
	) 3>&- &
	echo $! >>"$BATS_TEST_TMPDIR/pids"
	# The first swap has begun before the scan starts.
	until [ -s "$log" ]; do sleep 0.1; done
	local first
	first=$(wc -l <"$log")
	run "$RESCAN" lab exec --name "$LAB" -- "$@"
	swaps=$(($(wc -l <"$log") - first))
	touch "$stop"
	wait
	! grep -q FAIL "$log" || fail "a lab load failed during the scan (its error above)"
	echo "# $swaps world swaps during the scan" >&3
}

# check_swapped GOT: the scan's hosts (sorted) hold all of C and nothing
# outside A or B; the lab counted every probe and delivered every reply.
check_swapped() {
	local got=$1
	comm -13 "$D/either.hosts" "$got" >"$BATS_TEST_TMPDIR/neither"
	comm -23 "$D/common.hosts" "$got" >"$BATS_TEST_TMPDIR/missed"
	echo "found $(wc -l <"$got"); in neither world: $(wc -l <"$BATS_TEST_TMPDIR/neither");" \
		"of both worlds missed: $(wc -l <"$BATS_TEST_TMPDIR/missed")"
	[ ! -s "$BATS_TEST_TMPDIR/neither" ]
}

@test "swapping two worlds under a running masscan: every answer from one of them, none lost" {
	"$RESCAN" lab load --name "$LAB" "$D/a.world"
	probes0=$(probes_sent)
	synack0=$(source_row .tx_synack)
	rx0=$(source_row .delivered.rx_synack)
	swap_while timeout 120 masscan 198.18.0.0/16 -p80 --rate 20000 --wait 2 -oL "$D/masscan.txt"
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	[ "$swaps" -ge 2 ]
	tool_hosts masscan:80 <"$D/masscan.txt" >"$D/masscan.hosts"
	check_swapped "$D/masscan.hosts"
	# masscan has no validation race: it finds every host both worlds have.
	[ ! -s "$BATS_TEST_TMPDIR/missed" ]
	[ $(($(probes_sent) - probes0)) -eq 65536 ]
	synacks=$(($(source_row .tx_synack) - synack0))
	[ "$synacks" -eq $(($(source_row .delivered.rx_synack) - rx0)) ]
	[ "$synacks" -eq "$(wc -l <"$D/masscan.hosts")" ]
}

@test "swapping two worlds under a running ZMap scan: every answer from one of them, none lost" {
	"$RESCAN" lab load --name "$LAB" "$D/a.world"
	probes0=$(probes_sent)
	synack0=$(source_row .tx_synack)
	rx0=$(source_row .delivered.rx_synack)
	swap_while timeout 120 zmap --cores 0 -p 80 -r 20000 -b "$D/blocklist" \
		-o "$D/zmap.csv" 198.18.0.0/16
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	[ "$swaps" -ge 2 ]
	tool_hosts zmap <"$D/zmap.csv" >"$D/zmap.hosts"
	check_swapped "$D/zmap.hosts"
	[ $(($(probes_sent) - probes0)) -eq 65536 ]
	synacks=$(($(source_row .tx_synack) - synack0))
	[ "$synacks" -eq $(($(source_row .delivered.rx_synack) - rx0)) ]
	# ZMap 2.1.1 may reject a few good replies (scan_exact.bash): each host
	# of both worlds it missed was answered, and a second scan finds it.
	missed=$(wc -l <"$BATS_TEST_TMPDIR/missed")
	[ "$missed" -le 3 ]
	[ "$synacks" -ge $(($(wc -l <"$D/zmap.hosts") + missed)) ]
	if [ "$missed" -gt 0 ]; then
		run -0 "$RESCAN" lab exec --name "$LAB" -- zmap --cores 0 -p 80 -r 20000 \
			-b "$D/blocklist" -w "$BATS_TEST_TMPDIR/missed" -o "$D/again.csv"
		tool_hosts zmap <"$D/again.csv" | assert_same_set "$BATS_TEST_TMPDIR/missed" /dev/stdin
		echo "# ZMap missed $missed hosts of both worlds; a second scan found each" >&3
	fi
}

# masscan over a /18 must find exactly FILE's hosts in it.
scan_finds() {
	awk -F. '$3 < 64' "$1" >"$BATS_TEST_TMPDIR/want"
	run -0 "$RESCAN" lab exec --name "$LAB" -- masscan 198.18.0.0/18 -p80 --rate 20000 \
		--wait 1 -oL "$BATS_TEST_TMPDIR/got.txt"
	tool_hosts masscan:80 <"$BATS_TEST_TMPDIR/got.txt" | assert_same_set "$BATS_TEST_TMPDIR/want" /dev/stdin
}

# lab load B killed (SIGKILL, by strace) at its Nth call of SYSCALL; 137 if it was.
load_killed_at() {
	strace -f -qq -o /dev/null -e trace="$1" -e inject="$1:signal=SIGKILL:when=$2" \
		"$RESCAN" lab load --name "$LAB" "$D/b.world" >/dev/null 2>&1
}

@test "lab load killed at each rename and netlink message: the next lab load recovers" {
	local call n killed=0 rc
	# renames: the pins' and the state's; sendto: netlink, XDP queries and attaches.
	for call in rename sendto; do
		for n in $(seq 1 20); do
			rc=0
			load_killed_at "$call" "$n" || rc=$?
			[ "$rc" -ne 0 ] || break	# no Nth call: the load went through
			[ "$rc" -eq 137 ] || { echo "$call #$n: exit $rc"; false; }
			killed=$((killed + 1))
			# Whatever the kill left, the lab answers from A or B...
			run -0 "$RESCAN" lab exec --name "$LAB" -- masscan 198.18.0.0/18 -p80 \
				--rate 20000 --wait 1 -oL "$BATS_TEST_TMPDIR/killed.txt"
			tool_hosts masscan:80 <"$BATS_TEST_TMPDIR/killed.txt" >"$BATS_TEST_TMPDIR/killed"
			check_swapped "$BATS_TEST_TMPDIR/killed"
			[ -z "$(awk -F. '$3 < 64' "$BATS_TEST_TMPDIR/missed")" ]
			# ...and the next lab load gives it exactly A.
			run -0 "$RESCAN" lab load --name "$LAB" "$D/a.world"
			scan_finds "$D/a.hosts"
			[ "$(world_of_lab)" = "$D/a.world" ]
			[ -z "$(ls /sys/fs/bpf/rescan/"$LAB" | grep next_)" ]
			[ ! -e "/run/rescan/$LAB/state.new" ]
		done
		[ "$n" -gt 1 ]
	done
	echo "# lab load killed at $killed points, each recovered by the next lab load" >&3
	[ "$killed" -ge 8 ]
}

@test "lab load killed half way, then lab down leaves nothing of the lab" {
	local lab=$CLASS
	"$RESCAN" lab up --name "$lab" --world "$D/a.world" --no-monitor >/dev/null
	rc=0
	strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=SIGKILL:when=3 \
		"$RESCAN" lab load --name "$lab" "$D/b.world" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 137 ]
	ls /sys/fs/bpf/rescan/"$lab" | grep -q next_
	run -0 "$RESCAN" lab down --name "$lab"
	[ ! -e "/sys/fs/bpf/rescan/$lab" ]
	[ ! -e "/run/rescan/$lab" ]
	! ip netns list | grep "^$lab-" || fail "lab down left namespaces (above)"
}

@test "two lab loads at once: one after the other, the lab ends on one world" {
	"$RESCAN" lab load --name "$LAB" "$D/b.world" >"$BATS_TEST_TMPDIR/1" 2>&1 3>&- &
	local p1=$!
	"$RESCAN" lab load --name "$LAB" "$D/a.world" >"$BATS_TEST_TMPDIR/2" 2>&1 3>&- &
	local p2=$!
	wait "$p1"
	wait "$p2"
	w=$(world_of_lab)
	[ "$w" = "$D/a.world" ] || [ "$w" = "$D/b.world" ]
	scan_finds "$(sed 's/world$/hosts/' <<<"$w")"
}

@test "lab load in a class replaces every student's responder; seats and caps stay" {
	RESCAN_RESULTS_DIR=$CLASS_RESULTS "$RESCAN" lab up --name "$CLASS" --world "$D/a.world" --students 2 --student-rate 100000 \
		--no-monitor
	run -0 "$RESCAN" lab load --name "$CLASS" "$D/b.world"
	run -0 "$RESCAN" lab status --name "$CLASS"
	grep -qx "students=2" <<<"$output"
	grep -qx "student_rate=100000" <<<"$output"
	for k in 1 2; do
		id=$(ip netns exec "$CLASS-inet" ip -j link show "st$k" | jq -r '.[0].xdp.prog.id')
		[ "$id" = "$(ip netns exec "$CLASS-inet" ip -j link show inet0 | jq -r '.[0].xdp.prog.id')" ]
	done
	run -0 "$RESCAN" lab exec --name "$CLASS" --student 2 -- masscan 198.18.0.0/16 -p80 \
		--rate 20000 --wait 2 -oL b.txt
	tool_hosts masscan:80 <"$CLASS_RESULTS/$CLASS/student-2/b.txt" |
		assert_same_set "$D/b.hosts" /dev/stdin
	"$RESCAN" lab down --name "$CLASS"
}

# join_class SOCK N: a namespace of its own joins the class at SOCK, as a
# container would; its rescan lab join's pid in J_PID, its seat in J_K
# and J_ADDR. Fails if the join is refused.
join_class() {
	local out=$BATS_TEST_TMPDIR/join$2
	: >"$out"
	unshare -n "$RESCAN" lab join --socket "$1" >"$out" 2>&1 3>&- &
	J_PID=$!	# unshare execs: this is rescan lab join
	echo "$J_PID" >>"$BATS_TEST_TMPDIR/pids"
	until grep -q '^iface=' "$out"; do
		kill -0 "$J_PID" 2>/dev/null || { cat "$out"; false; }
		sleep 0.1
	done
	J_K=$(sed -n 's/^student=//p' "$out")
	J_ADDR=$(sed -n 's/^addr=//p' "$out")
}

# The responder attached to interface IF of lab LAB's internet side.
prog_on() { ip netns exec "$1-inet" ip -j link show "$2" | jq -r '.[0].xdp.prog.id'; }

@test "class-serve joins and leaves while lab loads run: each student carries the lab's responder and scans exactly" {
	local lab=$CLASS sock=$CLASS_RESULTS/join.sock stop=$BATS_TEST_TMPDIR/stop
	local log=$BATS_TEST_TMPDIR/swaps slog=$BATS_TEST_TMPDIR/serve.log
	local serve loads first cycles=0 k w pids=() ks=() addrs=()
	RESCAN_RESULTS_DIR=$CLASS_RESULTS "$RESCAN" lab up --name "$lab" --world "$D/a.world" \
		--students 1 --no-monitor >/dev/null
	"$RESCAN" lab class-serve --name "$lab" --socket "$sock" --students 8 \
		>"$slog" 2>&1 3>&- &
	serve=$!
	echo "$serve" >>"$BATS_TEST_TMPDIR/pids"
	until [ -S "$sock" ]; do kill -0 "$serve"; sleep 0.1; done
	: >"$log"
	(
		while [ ! -e "$stop" ]; do
			for w in b a; do
				"$RESCAN" lab load --name "$lab" "$D/$w.world" >>"$log.err" 2>&1 ||
					{ echo FAIL >>"$log"; exit 1; }
				echo "$w" >>"$log"
			done
		done
	) 3>&- &
	loads=$!
	echo "$loads" >>"$BATS_TEST_TMPDIR/pids"
	until [ -s "$log" ]; do sleep 0.1; done
	first=$(wc -l <"$log")
	# Students join and leave again while the worlds swap, until several
	# swaps have happened meanwhile: a leave must fail no load.
	while [ $(($(wc -l <"$log") - first)) -lt 4 ] || [ "$cycles" -lt 4 ]; do
		join_class "$sock" "c$cycles"
		kill "$J_PID"
		wait "$J_PID" || true
		cycles=$((cycles + 1))
		until [ "$(grep -c ' left$' "$slog")" -ge "$cycles" ]; do sleep 0.1; done
	done
	# Three that stay, joined while the worlds swap...
	for k in 1 2 3; do
		join_class "$sock" "s$k"
		pids+=("$J_PID") ks+=("$J_K") addrs+=("$J_ADDR")
	done
	touch "$stop"
	wait "$loads" || true
	cat "$log.err"
	[ "$(grep -c FAIL "$log")" -eq 0 ]
	echo "# $cycles joins and leaves, $(($(wc -l <"$log") - first)) world swaps meanwhile" >&3
	# ...and one after the last swap: it gets the world loaded last.
	join_class "$sock" last
	pids+=("$J_PID") ks+=("$J_K") addrs+=("$J_ADDR")

	w=$("$RESCAN" lab status --name "$lab" | sed -n 's/^world=//p')
	sed 's/world$/hosts/' <<<"$w" | xargs awk -F. '$3 < 64' >"$BATS_TEST_TMPDIR/want"
	for i in 0 1 2 3; do
		echo "student ${ks[i]}: $(prog_on "$lab" "st${ks[i]}"), inet0: $(prog_on "$lab" inet0)"
		[ "$(prog_on "$lab" "st${ks[i]}")" = "$(prog_on "$lab" inet0)" ]
		nsenter -t "${pids[i]}" -n masscan 198.18.0.0/18 -p80 --rate 20000 --wait 1 \
			--adapter lab0 --adapter-ip "${addrs[i]}" \
			--router-mac "$("$RESCAN" lab env gateway_mac)" \
			-oL "$BATS_TEST_TMPDIR/got${ks[i]}.txt" >"$BATS_TEST_TMPDIR/masscan.log" 2>&1 ||
			{ cat "$BATS_TEST_TMPDIR/masscan.log"; false; }
		tool_hosts masscan:80 <"$BATS_TEST_TMPDIR/got${ks[i]}.txt" |
			assert_same_set "$BATS_TEST_TMPDIR/want" /dev/stdin
	done
	kill "$serve"
	wait "$serve"
	cat "$slog"
	[ "$(grep -c ' left$' "$slog")" -eq $((cycles + 4)) ]
	run ! grep -q " st[2-9]" <<<"$(ip -n "$lab-inet" -o link show)"
	"$RESCAN" lab down --name "$lab"
}
