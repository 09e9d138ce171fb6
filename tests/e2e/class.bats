#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# End to end: a class on a plain host (rescan lab up --students N). Each
# student scans from a namespace of its own, as its own user with
# CAP_NET_RAW alone; students scanning at once each get exactly the world,
# and every attack a student can try here fails or is counted: sniffing,
# spoofing, reading the answer key, reaching the lab's maps, signalling
# others' processes, getting out of the lab (sealed.bats), flooding.
# Expected hosts come from the address lists this suite writes (awk,
# sort), never from rescan.

load lab_helper

STUDENTS=4
RATE=150000	# each student's cap, probes/s: above the 50 kpps of the exact scans
BURST=15000	# 100 ms at the cap: a ZMap that fell behind catches up in a burst

setup_file() {
	require_root_and_tools zmap masscan nmap ip jq tcpdump setpriv
	export LAB=$(lab_name c)
	export D="$BATS_FILE_TMPDIR"
	# What students may read: the blocklist. The world lies beside it, as a
	# teacher might leave it in a shared directory.
	export SHARED=$(mktemp -d /tmp/rescan-class.XXXXXX)
	chmod 755 "$SHARED"
	export RESCAN_RESULTS_DIR="$SHARED/results"

	random_hosts 3000 42 >"$D/http.hosts"
	random_hosts 8000 7 >"$D/ping.hosts"
	"$RESCAN" world compile -o "$SHARED/class.world" tcp/80="$D/http.hosts" icmp="$D/ping.hosts"
	write_blocklist "$SHARED/blocklist"
	chmod 644 "$SHARED/blocklist"
	# Do-not-scan: a /24 and a single host, both with hosts of the world.
	cat >"$SHARED/do-not-scan" <<-EOF
	# the course's opt-out list
	198.18.100.0/24   # opt-out: example university
	$(awk -F. '$3 >= 96 && $3 < 112 && $3 != 100' "$D/http.hosts" | head -1)   # government
	EOF
	awk '!/^#/ { print $1 }' "$SHARED/do-not-scan" >"$D/dns.ranges"
	"$RESCAN" lab up --name "$LAB" --world "$SHARED/class.world" --students "$STUDENTS" \
		--student-rate "$RATE" --student-burst "$BURST" --do-not-scan "$SHARED/do-not-scan"
}

# What a test left running in the background, should it fail half way.
teardown() {
	[ -s "$BATS_TEST_TMPDIR/pids" ] && xargs -r kill <"$BATS_TEST_TMPDIR/pids" 2>/dev/null
	true
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	rm -rf "$SHARED"
}

# The scan hooks of scan_exact.bash, as student $STUDENT (unset: the lab's own scanner).
lab_exec() {
	local lab=$1
	shift
	"$RESCAN" lab exec --name "$lab" ${STUDENT:+--student "$STUDENT"} -- "$@"
}

# Run a command as student K; output and status as bats' run gives them.
as_student() {
	local k=$1
	shift
	run "$RESCAN" lab exec --name "$LAB" --student "$k" -- "$@"
}

results() { echo "$RESCAN_RESULTS_DIR/$LAB/student-$1"; }
student_addr() { "$RESCAN" lab env --student "$1" student_addr; }

# student_row K FIELD: student K's counter FIELD (responder side), or .delivered.X.
student_row() {
	"$RESCAN" stats --name "$LAB" --json |
		jq -r --arg a "$(student_addr "$1")" ".sources[\$a]$2 // 0"
}

# Probes student K sent: every packet of its row but ARP, non-IPv4 frames
# and the RST its kernel sends for each SYN-ACK delivered to it (no socket
# waits for one). Those RSTs meet the rate cap like any packet, so they
# are taken out by number, not by counter.
student_probes() {
	"$RESCAN" stats --name "$LAB" --json | jq -r --arg a "$(student_addr "$1")" \
		'.sources[$a] | if . == null then 0 else
			.packets - .pass_arp - .drop_not_ipv4 - .delivered.rx_synack end'
}

# Expected tcp/80 hosts of a range given as an awk test on the third and fourth octet.
hosts_where() {
	awk -F. "$2" "$1" | grep -vxFf "$D/dns.ranges" | grep -v '^198\.18\.100\.' || true
}

@test "each student has a namespace of its own: lo and lab0 with its address, no route but the lab's" {
	for k in 1 2; do
		as_student "$k" ip -o -4 addr show
		[ "$status" -eq 0 ]
		echo "$output"
		[ "$(grep -c . <<<"$output")" -eq 2 ]
		grep -q "lab0 *inet $(student_addr "$k")/24" <<<"$output"
		as_student "$k" sh -c 'ip route show | sed "s/ *$//"'
		[ "$output" = "$(printf 'default via 100.64.0.1 dev lab0\n100.64.0.0/24 dev lab0 proto kernel scope link src %s' "$(student_addr "$k")")" ]
	done
}

@test "a student runs as its own user with CAP_NET_RAW alone, in its own results directory" {
	as_student 3 sh -c 'id -u; id -g; id -G; pwd; grep -E "^Cap(Eff|Prm|Bnd|Amb)" /proc/self/status; grep NoNewPrivs /proc/self/status'
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${lines[0]}" = 47003 ]
	[ "${lines[1]}" = 47003 ]
	[ "${lines[2]}" = 47003 ]
	[ "${lines[3]}" = "$(results 3)" ]
	# CAP_NET_RAW is bit 13: 0x2000, and nothing else in any set.
	[ "$(grep -c ':	0000000000002000$' <<<"$output")" -eq 4 ]
	grep -q 'NoNewPrivs:	1' <<<"$output"
	[ "$(stat -c '%u %a' "$(results 3)")" = "47003 700" ]
	# What scripts that make a student's account ask instead of knowing it.
	[ "$("$RESCAN" lab env --name "$LAB" --student 3 student_uid)" = "${lines[0]}" ]
}

@test "two students scanning at once each find exactly the world's hosts; counters equal what ZMap sent" {
	local b1 b2 p1 p2
	hosts_where "$D/http.hosts" '$3 < 64' >"$D/expect1"
	hosts_where "$D/ping.hosts" '$3 >= 64 && $3 < 128' >"$D/expect2"
	p1=$(student_probes 1) p2=$(student_probes 2)
	SCAN_SOURCE=$(student_addr 1) b1=$(reply_counts "$LAB" tx_synack)
	SCAN_SOURCE=$(student_addr 2) b2=$(reply_counts "$LAB" tx_echo_reply)
	"$RESCAN" lab exec --name "$LAB" --student 1 -- zmap --cores 0 -p 80 -r 50000 -c 5 \
		-b "$SHARED/blocklist" -o "$(results 1)/http.csv" -m "$(results 1)/http.json" \
		198.18.0.0/18 >"$D/z1.log" 2>&1 3>&- &
	local z1=$!
	"$RESCAN" lab exec --name "$LAB" --student 2 -- zmap --cores 0 --probe-module=icmp_echoscan \
		-r 50000 -c 5 -b "$SHARED/blocklist" -o "$(results 2)/ping.csv" -m "$(results 2)/ping.json" \
		198.18.64.0/18 >"$D/z2.log" 2>&1 3>&- &
	local z2=$!
	wait "$z1" || { cat "$D/z1.log"; false; }
	wait "$z2" || { cat "$D/z2.log"; false; }
	STUDENT=1 SCAN_SOURCE=$(student_addr 1) scan_verify "$LAB" "$D/expect1" "$(results 1)/http.csv" \
		tx_synack zmap "$b1" --cores 0 -p 80 -r 50000 -c 5 -b "$SHARED/blocklist"
	STUDENT=2 SCAN_SOURCE=$(student_addr 2) scan_verify "$LAB" "$D/expect2" "$(results 2)/ping.csv" \
		tx_echo_reply zmap "$b2" --cores 0 --probe-module=icmp_echoscan -r 50000 -c 5 \
		-b "$SHARED/blocklist"
	# Each student's row counts exactly the probes its own ZMap sent, the
	# second scans of any missed hosts included.
	[ $(($(student_probes 1) - p1)) -eq $(($(jq .total_sent "$(results 1)/http.json") + $(reprobed -t tx_synack "$(student_addr 1)"))) ]
	[ $(($(student_probes 2) - p2)) -eq $(($(jq .total_sent "$(results 2)/ping.json") + $(reprobed -t tx_echo_reply "$(student_addr 2)"))) ]
}

@test "do-not-scan: never answered, each probe counted for the student under its range's label" {
	local u0 g0 u g
	u0=$(student_row 3 '.do_not_scan["opt-out: example university"]')
	g0=$(student_row 3 '.do_not_scan.government')
	hosts_where "$D/http.hosts" '$3 >= 96 && $3 < 112' >"$D/expect3"
	STUDENT=3 SCAN_SOURCE=$(student_addr 3) zmap_exact "$LAB" "$D/expect3" "$(results 3)/dns.csv" \
		tx_synack 198.18.96.0/20 --cores 0 -p 80 -r 50000 -c 3 -b "$SHARED/blocklist"
	# The world has hosts there, so these ranges were really withheld.
	grep -q '^198\.18\.100\.' "$D/http.hosts"
	u=$(student_row 3 '.do_not_scan["opt-out: example university"]')
	g=$(student_row 3 '.do_not_scan.government')
	[ $((u - u0)) -eq 256 ]
	[ $((g - g0)) -eq 1 ]
	# The list is the students' to read, in ZMap's blocklist format: given
	# to zmap -b, it keeps ZMap from the range.
	as_student 3 zmap -p 80 -n 1 --dryrun -b "$SHARED/do-not-scan" 198.18.100.1
	[ "$status" -ne 0 ]
	grep -q 'no addresses are eligible to be scanned' <<<"$output"
}

@test "a probe from another student's or a made-up source is dropped and counted for its sender" {
	local s1 s2 p2
	s1=$(student_row 1 .drop_spoofed) s2=$(student_row 2 .drop_spoofed)
	p2=$(student_probes 2)
	as_student 1 zmap --cores 0 -p 80 -n 500 -r 20000 -c 1 -S "$(student_addr 2)" \
		-b "$SHARED/blocklist" -o /dev/null 198.18.0.0/16
	[ "$status" -eq 0 ]
	as_student 1 zmap --cores 0 -p 80 -n 300 -r 20000 -c 1 -S 192.0.2.77 \
		-b "$SHARED/blocklist" -o /dev/null 198.18.0.0/16
	[ "$status" -eq 0 ]
	[ $(($(student_row 1 .drop_spoofed) - s1)) -eq 800 ]
	# Nothing of it counts for the student whose address it claimed.
	[ "$(student_row 2 .drop_spoofed)" -eq "$s2" ]
	[ "$(student_probes 2)" -eq "$p2" ]
}

@test "a student sniffing sees nothing of another student's scan" {
	local t
	"$RESCAN" lab exec --name "$LAB" --student 2 -- \
		timeout 12 tcpdump -i any -n -U -w "$(results 2)/sniff.pcap" >"$D/tcpdump.log" 2>&1 3>&- &
	t=$!
	sleep 2
	as_student 1 zmap --cores 0 -p 80 -n 5000 -r 20000 -c 1 -b "$SHARED/blocklist" \
		-o /dev/null 198.18.0.0/16
	[ "$status" -eq 0 ]
	wait "$t" || true
	cat "$D/tcpdump.log"
	tcpdump -n -r "$(results 2)/sniff.pcap" >"$D/sniffed" 2>/dev/null
	# tcpdump did capture: the gateway's ARP refresh of its own seat, every few seconds...
	grep -q "ARP, Request who-has $(student_addr 2)" "$D/sniffed"
	# ...but not one packet from or to student 1.
	! grep -F "$(student_addr 1)" "$D/sniffed" || fail "student 2 captured the lines above, student 1's packets"
	# The only interfaces it can open are its own namespace's.
	as_student 2 tcpdump -D
	[ "$status" -eq 0 ]
	grep -q '^[0-9]*\.lab0 ' <<<"$output"
	! grep -qE '\b(inet0|st[0-9]+|eth[0-9]+|en[a-z0-9]+|docker[0-9]+)\b' <<<"$output" ||
		fail "student 2's tcpdump -D lists interfaces not its own:" "$output"
}

@test "the answer key stays with the teacher: world file, lab state, maps, other students' results" {
	# The world was compiled into a world-readable directory.
	[ "$(stat -c %a "$SHARED/class.world")" = 600 ]
	as_student 1 cat "$SHARED/class.world"
	[ "$status" -ne 0 ]
	grep -q 'Permission denied' <<<"$output"
	# rescan itself runs for a student; it is the files it cannot read.
	as_student 1 "$RESCAN" --help
	[ "$status" -eq 0 ]
	as_student 1 "$RESCAN" world info "$SHARED/class.world"
	[ "$status" -ne 0 ]
	grep -q 'Permission denied' <<<"$output"
	as_student 1 cat "/run/rescan/$LAB/state"
	[ "$status" -ne 0 ]
	as_student 1 "$RESCAN" lab status --name "$LAB"
	[ "$status" -eq 1 ]
	grep -q 'Permission denied' <<<"$output"
	! grep -q -e seed= -e world= <<<"$output" || fail "lab status refused student 1, yet said:" "$output"
	as_student 1 "$RESCAN" stats --name "$LAB"
	[ "$status" -ne 0 ]
	as_student 1 "$RESCAN" world export synth:1 tcp/80 198.18.0.0/24
	[ "$status" -eq 0 ]
	# The maps: bpffs is not even mounted in a student's namespace, and
	# bpf() needs capabilities a student does not have.
	as_student 1 ls "/sys/fs/bpf/rescan/$LAB"
	[ "$status" -ne 0 ]
	as_student 1 bpftool map show
	[ "$status" -ne 0 ]
	echo secret >"$(results 2)/answers.csv"
	as_student 1 cat "$(results 2)/answers.csv"
	[ "$status" -ne 0 ]
	as_student 1 ls "$(results 2)"
	[ "$status" -ne 0 ]
	as_student 1 ls "$RESCAN_RESULTS_DIR/$LAB"
	[ "$status" -ne 0 ]
}

@test "a student cannot signal another student's or the lab's processes, nor gain a capability" {
	"$RESCAN" lab exec --name "$LAB" --student 2 -- sleep 30 >/dev/null 2>&1 3>&- &
	local victim=$!
	sleep 1
	local pid
	pid=$(pgrep -u 47002 -x sleep | head -1)
	[ -n "$pid" ]
	as_student 1 kill -9 "$pid"
	[ "$status" -ne 0 ]
	grep -q 'not permitted' <<<"$output"
	kill -0 "$pid"
	as_student 1 kill -0 1
	[ "$status" -ne 0 ]
	kill "$victim" "$pid" 2>/dev/null || true
	wait "$victim" 2>/dev/null || true
	# No NET_ADMIN (no interface, no veth into another namespace), no new namespaces, no setuid.
	as_student 1 ip link add x type dummy
	[ "$status" -ne 0 ]
	as_student 1 ip link set lab0 down
	[ "$status" -ne 0 ]
	as_student 1 unshare -n true
	[ "$status" -ne 0 ]
	as_student 1 su -c true
	[ "$status" -ne 0 ]
}

@test "a student flooding past the cap is dropped and counted; another's scan stays exact" {
	local lim0 probes0 t0 t1 accepted limited sent
	lim0=$(student_row 4 .drop_rate_limited)
	probes0=$(student_probes 4)
	hosts_where "$D/http.hosts" '$3 >= 32 && $3 < 64' >"$D/expect_flood"
	t0=$(date +%s.%N)
	"$RESCAN" lab exec --name "$LAB" --student 4 -- zmap --cores 0 -p 80 -r 400000 -n 1500000 \
		-c 1 -b "$SHARED/blocklist" -o /dev/null -m "$(results 4)/flood.json" 0.0.0.0/0 \
		>"$D/flood.log" 2>&1 3>&- &
	local flood=$!
	sleep 1
	STUDENT=1 SCAN_SOURCE=$(student_addr 1) zmap_exact "$LAB" "$D/expect_flood" \
		"$(results 1)/flood80.csv" tx_synack 198.18.32.0/19 --cores 0 -p 80 -r 50000 -c 3 \
		-b "$SHARED/blocklist"
	wait "$flood" || { cat "$D/flood.log"; false; }
	t1=$(date +%s.%N)
	sent=$(jq .total_sent "$(results 4)/flood.json")
	limited=$(($(student_row 4 .drop_rate_limited) - lim0))
	accepted=$(($(student_probes 4) - probes0 - limited))
	echo "# flood: sent $sent, over the cap $limited, let through $accepted in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s" >&3
	# Every probe is accounted for, and what got through is within the cap
	# for the wall time the flood took (an upper bound on its duration).
	[ $((accepted + limited)) -eq "$sent" ] || { "$RESCAN" stats --name "$LAB" --student 4; false; }
	[ "$limited" -gt 0 ]
	awk -v a="$accepted" -v r="$RATE" -v b="$BURST" -v t0="$t0" -v t1="$t1" \
		'BEGIN { exit !(a <= r * (t1 - t0) + b) }'
}

# A namespace of a student's own, made here as a container would have it,
# joining through the class socket as that student's user would.
@test "class-serve: a joined namespace is seated, one seat per namespace, and its counters are its own" {
	local sock=$SHARED/join.sock serve j1 pid
	"$RESCAN" lab class-serve --name "$LAB" --socket "$sock" --students 6 >"$D/serve.log" 2>&1 3>&- &
	serve=$!
	echo "$serve" >>"$BATS_TEST_TMPDIR/pids"
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	unshare -n setpriv --reuid 47100 --regid 47100 --clear-groups \
		--inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw -- \
		"$RESCAN" lab join --socket "$sock" >"$D/join.out" 2>&1 3>&- &
	j1=$!
	echo "$j1" >>"$BATS_TEST_TMPDIR/pids"
	for _ in $(seq 50); do grep -q '^iface=' "$D/join.out" && break; sleep 0.1; done
	cat "$D/join.out"
	# Seats 1 to 4 are the lab's own students: the next free one is 5.
	grep -qx 'student=5' "$D/join.out"
	pid=$j1	# unshare and setpriv exec, so this is rescan lab join
	nsenter -t "$pid" -n ip -o -4 addr show lab0 | grep -q "inet $(student_addr 5)/24"
	# The same namespace a second time, the lab's own, and one without a seat: refused.
	run nsenter -t "$pid" -n "$RESCAN" lab join --socket "$sock"
	[ "$status" -eq 1 ]
	grep -q 'this namespace is student 5 already' <<<"$output"
	run "$RESCAN" lab exec --name "$LAB" -- "$RESCAN" lab join --socket "$sock"
	[ "$status" -eq 1 ]
	grep -q "one of the lab's own namespaces" <<<"$output"
	run "$RESCAN" lab exec --name "$LAB" --student 2 -- "$RESCAN" lab join --socket "$sock"
	[ "$status" -eq 1 ]
	grep -q "this namespace is student 2 already" <<<"$output"
	# A student of lab up reads its own counters the same way.
	run "$RESCAN" lab exec --name "$LAB" --student 2 -- "$RESCAN" stats --mine --socket "$sock" --json
	[ "$status" -eq 0 ]
	[ "$(jq .student <<<"$output")" -eq 2 ]
	[ "$(jq .tx_synack <<<"$output")" -eq "$(student_row 2 .tx_synack)" ]
	run unshare -n "$RESCAN" stats --mine --socket "$sock"
	[ "$status" -eq 1 ]
	grep -q 'holds no seat' <<<"$output"
	# Its counters, asked as its own user with its namespace: its row alone.
	nsenter -t "$pid" -n setpriv --reuid 47100 --regid 47100 --clear-groups \
		--inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw -- \
		timeout 60 zmap --cores 0 -i lab0 -G "$("$RESCAN" lab env gateway_mac)" -p 80 -n 700 \
		-r 20000 -c 1 -q -b "$SHARED/blocklist" -o /dev/null 198.18.0.0/16
	run nsenter -t "$pid" -n setpriv --reuid 47100 --regid 47100 --clear-groups -- \
		"$RESCAN" stats --mine --socket "$sock" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .addr <<<"$output")" = "$(student_addr 5)" ]
	[ "$(jq .student <<<"$output")" -eq 5 ]
	[ "$(jq .drop_not_in_world <<<"$output")" -eq "$(student_row 5 .drop_not_in_world)" ]
	# Leaving (the join ends) takes the veth and the seat away.
	kill "$j1"
	wait "$j1" || true
	for _ in $(seq 50); do grep -q 'student 5 left' "$D/serve.log" && break; sleep 0.1; done
	cat "$D/serve.log"
	grep -q 'student 5 left' "$D/serve.log"
	! ip -n "$LAB-inet" link show st5 2>/dev/null || fail "student 5 left, its veth st5 is still there"
	! ip netns list | grep -qw "$LAB-s5" || fail "student 5 left, its namespace $LAB-s5 is still there"
	kill "$serve"
	wait "$serve"
	[ ! -e "$sock" ]
}

@test "lab exec --student refuses a student the class does not have (exit 2)" {
	run "$RESCAN" lab exec --name "$LAB" --student $((STUDENTS + 1)) -- true
	[ "$status" -eq 2 ]
	grep -q "has $STUDENTS students; there is no student $((STUDENTS + 1))" <<<"$output"
}

@test "lab down removes every student's namespace and keeps their results" {
	"$RESCAN" lab down --name "$LAB"
	for k in $(seq 1 "$STUDENTS"); do
		! ip netns list | grep -qw "$LAB-s$k" || fail "lab down left $LAB-s$k"
		[ ! -e "/etc/netns/$LAB-s$k" ]
	done
	[ -s "$(results 1)/http.csv" ]
}
