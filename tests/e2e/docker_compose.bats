#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# compose/lab.yml (appliance + one student) and compose/class.yml (appliance
# + N students): each student in a network namespace of its own, joined to
# the lab through the class socket; students scan at the same time and each
# result is exactly the world's ground truth; what a student container can
# try against the lab or another student fails or is counted; `down`
# leaves nothing behind. Runs with Debian's docker-compose 1.29 (or
# `docker compose` where that is what there is: COMPOSE=...).

load docker_helper

RANGE=80.0.0.0/16
CAP=150000	# probes/s per student in class.yml

setup_file() {
	docker_setup_file
	if docker_skipped; then return 0; fi
	export RESCAN_DATA="$BATS_FILE_TMPDIR/data"
	# The ground truth below is synth:1's (class.yml's own default is synth:random).
	export RESCAN_WORLD=synth:1
	# class.yml's students are capped well above the 25 kpps of the exact scans.
	export RESCAN_STUDENT_RATE=$CAP
	mkdir -p "$RESCAN_DATA"
	export HOST_BEFORE="$BATS_FILE_TMPDIR/host.before"
	host_state >"$HOST_BEFORE"
	# Ground truth from the image itself, computed once.
	dk run --rm --network none --entrypoint rescan "$IMAGE" world export synth:1 tcp/80 "$RANGE" | sort \
		>"$BATS_FILE_TMPDIR/tcp80"
	dk run --rm --network none --entrypoint rescan "$IMAGE" world export synth:1 tcp/443 "$RANGE" | sort \
		>"$BATS_FILE_TMPDIR/tcp443"
	[ -s "$BATS_FILE_TMPDIR/tcp80" ] && [ -s "$BATS_FILE_TMPDIR/tcp443" ] ||
		fail "no ground truth from the image's rescan world export"
}

teardown_file() {
	local f
	[ -n "${RUN_ID:-}" ] || return 0
	for f in lab class; do
		compose -p "$RUN_ID$f" -f "$REPO/compose/$f.yml" down -v -t 5 >/dev/null 2>&1 || true
	done
	docker_teardown_file
}

# The compose project's containers of SERVICE, by container name.
containers_of() {
	dk ps -q --filter "label=com.docker.compose.project=$1" --filter "label=com.docker.compose.service=$2" |
		xargs -r "$DOCKER" inspect -f '{{.Name}}' | sed 's|^/||' | sort
}

# A student's lab handle for scan_exact.bash's hooks (docker_helper.bash)
# is "STUDENT APPLIANCE"; per student, SCAN_SOURCE is the student's address.

# A student's ZMap as the student runs it (the container's zmap.conf gives
# the interface, source address and CPU), with the reply's address kept.
ZMAP_ARGS=(-r 25000 --cooldown-time=2 -q -f saddr,daddr)

# scan HANDLE PORT: ZMap from a student over RANGE, to /tmp/scan-PORT.csv.
scan() {
	tool_scan "$1" zmap "/tmp/scan-$2.csv" "$RANGE" -p "$2" "${ZMAP_ARGS[@]}"
}

# check_student HANDLE PORT EXPECTED ADDR BEFORE: the student at ADDR found
# exactly EXPECTED by scan_verify's rule (BEFORE: its reply_counts from
# before the scan), and every reply went to ADDR.
check_student() {
	local h=$1 port=$2 expected=$3 addr=$4 daddrs
	SCAN_SOURCE=$addr scan_verify "$h" "$expected" "/tmp/scan-$port.csv" tx_synack zmap "$5" \
		-p "$port" "${ZMAP_ARGS[@]}" || return 1
	daddrs=$(lab_cat "$h" "/tmp/scan-$port.csv" | tail -n +2 | cut -d, -f2 | sort -u)
	[ "$daddrs" = "$addr" ] || fail "replies went to $(tr '\n' ' ' <<<"$daddrs"), not only to $addr"
}

student_addr() {
	dk exec "$1" awk '$1 == "source-ip" { print $2 }' /etc/zmap/zmap.conf
}

# Student k's zmap runs on the k-th CPU it may use (modulo their number),
# so students scanning at once are spread and each ZMap stays on one CPU.
student_cpu_ok() {
	local c=$1 k conf want
	k=$(($(student_addr "$c" | cut -d. -f4) - 128))
	conf=$(dk exec "$c" awk '$1 == "cores" { gsub(/"/, "", $2); print $2 }' /etc/zmap/zmap.conf)
	want=$(dk exec "$c" awk -v k="$k" '/^Cpus_allowed_list/ { n = split($2, r, ",")
		for (i = 1; i <= n; i++) { split(r[i], ab, "-"); hi = ab[2] == "" ? ab[1] : ab[2]
			for (x = ab[1]; x <= hi; x++) cpu[m++] = x }
		print cpu[k % m] }' /proc/self/status)
	[ -n "$want" ] && [ "$conf" = "$want" ] || fail "student $k: zmap.conf cores '$conf', expected '$want'"
}

@test "lab.yml: appliance and student come up; the student is student 1 in a namespace of its own" {
	local p=${RUN_ID}lab i
	run compose -p "$p" -f "$REPO/compose/lab.yml" up -d
	[ "$status" -eq 0 ] || fail "$output"
	for c in $(containers_of "$p" lab) $(containers_of "$p" student); do
		wait_ready "$c"
	done
	[ "$(student_addr "$(containers_of "$p" student)")" = 100.64.0.129 ]
	# The appliance has no network of Docker's: lo and the lab, nothing else;
	# the student has its own lo and lab0, with its address alone.
	run dk exec "$(containers_of "$p" lab)" ip -o link show
	[ "$(awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' <<<"$output" | sort | tr '\n' ' ')" = "lab0 lo " ]
	run dk exec "$(containers_of "$p" student)" ip -o -4 addr show
	[ "$(awk '{ print $2, $4 }' <<<"$output" | sort | tr '\n' ' ')" = "lab0 100.64.0.129/24 lo 127.0.0.1/8 " ] ||
		fail "student's addresses: $output"
	run dk exec "$(containers_of "$p" student)" sh -c 'id -u; grep -E "^Cap(Eff|Bnd)" /proc/self/status'
	[ "${lines[0]}" = 47000 ] && [[ ${lines[1]} == *0000000000000000 ]] && [[ ${lines[2]} == *0000000000002000 ]] ||
		fail "student's identity: $output"
}

@test "lab.yml: the student's zmap finds exactly the world's tcp/80 hosts, from its own address" {
	local h before
	h="$(containers_of "${RUN_ID}lab" student) $(containers_of "${RUN_ID}lab" lab)"
	before=$(SCAN_SOURCE=100.64.0.129 reply_counts "$h" tx_synack)
	scan "$h" 80
	check_student "$h" 80 "$BATS_FILE_TMPDIR/tcp80" 100.64.0.129 "$before"
}

@test "lab.yml: stop is handled by the appliance (exit 0), down takes everything away" {
	local p=${RUN_ID}lab lab t0 t1
	lab=$(containers_of "$p" lab)
	lab_bpf_ids "$lab" >"$BATS_TEST_TMPDIR/ids"
	grep -q '^prog ' "$BATS_TEST_TMPDIR/ids"
	t0=$(date +%s%N)
	run compose -p "$p" -f "$REPO/compose/lab.yml" stop -t 10
	t1=$(date +%s%N)
	[ "$status" -eq 0 ] || fail "$output"
	echo "# lab.yml stop took $(((t1 - t0) / 1000000)) ms (both containers)" >&3
	# 0, not 137: the appliance took SIGTERM itself, compose did not kill it.
	[ "$(dk inspect -f '{{.State.ExitCode}}' "$lab")" -eq 0 ] || fail "$(dk logs "$lab" 2>&1 | tail -3)"
	dk logs "$lab" 2>&1 | grep -q "^rescan-lab: stopped: lab '" || fail "no 'stopped' line in the log"
	run compose -p "$p" -f "$REPO/compose/lab.yml" down -v -t 10
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(containers_of "$p" lab)" ]
	bpf_ids_gone "$BATS_TEST_TMPDIR/ids"
	host_unchanged "$HOST_BEFORE"
}

@test "class.yml: two students scanning at once each get the exact result from their own address" {
	local p=${RUN_ID}class c s1 s2 h1 h2 a1 a2 b1 b2 n1 n2 pid1 pid2 DIAG_CONTAINER
	STUDENTS=2 run compose -p "$p" -f "$REPO/compose/class.yml" up -d
	[ "$status" -eq 0 ] || fail "$output"
	for c in $(containers_of "$p" lab) $(containers_of "$p" student); do
		wait_ready "$c"
	done
	read -r s1 s2 <<<"$(containers_of "$p" student | tr '\n' ' ')"
	DIAG_CONTAINER=$(containers_of "$p" lab)
	[ -n "$s2" ] || fail "expected two students: $(containers_of "$p" student)"
	h1="$s1 $DIAG_CONTAINER" h2="$s2 $DIAG_CONTAINER"
	a1=$(student_addr "$s1")
	a2=$(student_addr "$s2")
	[[ $a1 == 100.64.0.1[2-9][0-9] ]] && [[ $a2 == 100.64.0.1[2-9][0-9] ]] && [ "$a1" != "$a2" ] ||
		fail "student addresses: '$a1' '$a2'"
	student_cpu_ok "$s1"
	student_cpu_ok "$s2"
	# The same range and port at the same time, and a second port.
	b1=$(SCAN_SOURCE=$a1 reply_counts "$h1" tx_synack)
	b2=$(SCAN_SOURCE=$a2 reply_counts "$h2" tx_synack)
	scan "$h1" 80 &
	pid1=$!
	scan "$h2" 80 &
	pid2=$!
	wait "$pid1" || fail "student 1's scan failed"
	wait "$pid2" || fail "student 2's scan failed"
	check_student "$h1" 80 "$BATS_FILE_TMPDIR/tcp80" "$a1" "$b1"
	check_student "$h2" 80 "$BATS_FILE_TMPDIR/tcp80" "$a2" "$b2"
	b2=$(SCAN_SOURCE=$a2 reply_counts "$h2" tx_synack)
	scan "$h2" 443
	check_student "$h2" 443 "$BATS_FILE_TMPDIR/tcp443" "$a2" "$b2"
	# The appliance counts each student's answered probes on their own.
	run dk exec "$DIAG_CONTAINER" rescan stats --json
	[ "$status" -eq 0 ] || fail "$output"
	n1=$(jq --arg a "$a1" '.sources[$a].tx_synack' <<<"$output")
	n2=$(jq --arg a "$a2" '.sources[$a].tx_synack' <<<"$output")
	# (plus the hosts a student's second scan asked for again)
	[ "$n1" -eq $(($(wc -l <"$BATS_FILE_TMPDIR/tcp80") + $(reprobed -t tx_synack "$a1"))) ] &&
		[ "$n2" -eq $(($(wc -l <"$BATS_FILE_TMPDIR/tcp80") + $(wc -l <"$BATS_FILE_TMPDIR/tcp443") +
			$(reprobed -t tx_synack "$a2"))) ] ||
		fail "per-student tx_synack: $a1 $n1, $a2 $n2"
	# Collected as CONTAINER.md says (docker cp, a folder per student named
	# student-K), graded in the appliance against the lab's own world.
	local sub=$BATS_TEST_TMPDIR/submissions k s got
	for s in "$s1" "$s2"; do
		k=$(($(student_addr "$s" | cut -d. -f4) - 128))
		mkdir -p "$sub/student-$k"
		dk cp "$s:/tmp/scan-80.csv" "$sub/student-$k/http.csv" || fail "docker cp from $s"
	done
	dk cp "$sub" "$DIAG_CONTAINER:/tmp/submissions" || fail "docker cp into the appliance"
	run dk exec "$DIAG_CONTAINER" rescan grade --lab rescan --service tcp/80 --range "$RANGE" \
		--class /tmp/submissions --csv - --html /tmp/grades.html
	[ "$status" -eq 0 ] || fail "$output"
	for s in "$s1" "$s2"; do
		k=$(($(student_addr "$s" | cut -d. -f4) - 128))
		tail -n +2 "$sub/student-$k/http.csv" | cut -d, -f1 | sort -u >"$BATS_TEST_TMPDIR/got$k"
		got=$(comm -12 "$BATS_FILE_TMPDIR/tcp80" "$BATS_TEST_TMPDIR/got$k" | wc -l)
		# name,student,formats,truth,reported,TP,FP,FN: each its own, and counted by the lab.
		grep -q "^student-$k,$k,zmap-csv,$(wc -l <"$BATS_FILE_TMPDIR/tcp80"),$got,$got,0,$(($(wc -l <"$BATS_FILE_TMPDIR/tcp80") - got)),0,0," <<<"$output" ||
			fail "student $k (TP $got):" "$output"
		[ "$(grep "^student-$k," <<<"$output" | cut -d, -f14)" -gt 0 ] || fail "no probes counted for student $k" "$output"
	done
}

@test "class.yml: --scale student=3 gives a third student its own address; the appliance logs them" {
	local i
	local p=${RUN_ID}class a
	run compose -p "$p" -f "$REPO/compose/class.yml" up -d --scale student=3
	[ "$status" -eq 0 ] || fail "$output"
	for c in $(containers_of "$p" student); do
		wait_ready "$c"
	done
	[ "$(containers_of "$p" student | wc -l)" -eq 3 ]
	a=$(for c in $(containers_of "$p" student); do student_addr "$c"; done | sort -u | wc -l)
	[ "$a" -eq 3 ]
	for ((i = 1; i <= 3; i++)); do
		dk logs "$(containers_of "$p" lab)" 2>&1 | grep -q "^rescan-lab: student $i joined: 100.64.0.$((128 + i))$"
	done
}

# A student of the class, its address, and the appliance.
class_parties() {
	local p=${RUN_ID}class
	read -r s1 s2 s3 <<<"$(containers_of "$p" student | tr '\n' ' ')"
	lab=$(containers_of "$p" lab)
	a1=$(student_addr "$s1") a2=$(student_addr "$s2")
}

# student_row LAB ADDR COUNTER: that counter of the student at ADDR.
student_row() {
	dk exec "$1" rescan stats --json | jq -r --arg a "$2" --arg c "$3" '.sources[$a][$c] // 0'
}

@test "class.yml: a student's probes from another student's address are dropped and counted as its own" {
	local s1 s2 s3 lab a1 a2 before1 before2
	class_parties
	before1=$(student_row "$lab" "$a1" drop_spoofed) before2=$(student_row "$lab" "$a2" drop_spoofed)
	run dk exec "$s1" zmap -p 80 -n 400 -r 20000 -c 1 -q -S "$a2" -o /dev/null "$RANGE"
	[ "$status" -eq 0 ] || fail "$output"
	[ $(($(student_row "$lab" "$a1" drop_spoofed) - before1)) -eq 400 ]
	[ "$(student_row "$lab" "$a2" drop_spoofed)" -eq "$before2" ]
}

@test "class.yml: a student sniffing sees its own namespace only, nothing of another's scan" {
	local s1 s2 s3 lab a1 a2 t
	class_parties
	dk exec "$s2" timeout 15 tcpdump -i any -n -U -w /tmp/sniff.pcap >/dev/null 2>&1 &
	t=$!
	sleep 2
	run dk exec "$s1" zmap -p 80 -n 3000 -r 20000 -c 1 -q -o /dev/null "$RANGE"
	[ "$status" -eq 0 ] || fail "$output"
	wait "$t" || true
	run dk exec "$s2" tcpdump -n -r /tmp/sniff.pcap
	[ "$status" -eq 0 ] || fail "tcpdump -r: $output"
	# It captured (the gateway's ARP refresh of its own seat, every few seconds)...
	grep -q "ARP, Request who-has $a2" <<<"$output" || fail "student 2's capture saw nothing: $output"
	# ...but nothing of student 1.
	! grep -F "$a1" <<<"$output" || fail "student 2 saw student 1's packets"
	run dk exec "$s2" ip -o link show
	[ "$(awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' <<<"$output" | sort | tr '\n' ' ')" = "lab0 lo " ]
}

@test "class.yml: a student cannot read the world or the lab's state, reach its maps or see its processes" {
	local s1 s2 s3 lab a1 a2
	class_parties
	# Nothing of the teacher's is mounted: no /data content, no world, no bpffs.
	run dk exec "$s1" sh -c 'ls -A /data /world 2>/dev/null; ls /sys/fs/bpf 2>&1'
	[ -z "$(grep -v -e '^/data:$' -e '^$' -e 'No such file' <<<"$output")" ] || fail "$output"
	run dk exec "$s1" rescan lab status
	[ "$status" -ne 0 ]
	run dk exec "$s1" bpftool map show
	[ "$status" -ne 0 ]
	# The appliance's processes are in another PID namespace: not there to signal.
	run dk exec "$s1" sh -c 'ps -eo args'
	! grep -q -e 'class-serve' -e 'lab up' <<<"$output" || fail "$output"
}

@test "class.yml: without RESCAN_WORLD a class gets synth:random, a seed no student can guess" {
	RESCAN_WORLD= run compose -f "$REPO/compose/class.yml" config
	[ "$status" -eq 0 ] || fail "$output"
	grep -q 'RESCAN_WORLD: synth:random' <<<"$output"
}

@test "class.yml: a student flooding past the cap is dropped and counted, and sees it in its own counters" {
	local s1 s2 s3 lab a1 a2 b2 flood mine0 mine sent limited
	class_parties
	mine0=$(dk exec "$s1" rescan stats --mine --json)
	b2=$(SCAN_SOURCE=$a2 reply_counts "$s2 $lab" tx_synack)
	dk exec "$s1" zmap -p 80 -r 400000 -n 1000000 -c 1 -q -o /dev/null -m /tmp/flood.json 80.0.0.0/8 \
		>"$BATS_TEST_TMPDIR/flood.log" 2>&1 &
	flood=$!
	sleep 1
	scan "$s2 $lab" 80
	wait "$flood" || fail "the flood failed: $(cat "$BATS_TEST_TMPDIR/flood.log")"
	check_student "$s2 $lab" 80 "$BATS_FILE_TMPDIR/tcp80" "$a2" "$b2"
	# The flooding student's own view, asked of the class socket: the
	# same row the teacher sees, every probe in it.
	mine=$(dk exec "$s1" rescan stats --mine --json)
	[ "$(jq -r .addr <<<"$mine")" = "$a1" ]
	sent=$(dk exec "$s1" cat /tmp/flood.json | jq .total_sent)
	limited=$(($(jq .drop_rate_limited <<<"$mine") - $(jq .drop_rate_limited <<<"$mine0")))
	echo "# flood: $sent sent, $limited over the cap of $CAP probes/s" >&3
	[ "$limited" -gt 0 ]
	[ "$(jq .drop_rate_limited <<<"$mine")" -eq "$(student_row "$lab" "$a1" drop_rate_limited)" ]
	# The other student's row holds none of it.
	[ "$(student_row "$lab" "$a2" drop_rate_limited)" -eq 0 ]
}

# That nothing outside the lab is reachable from a student: docker_sealed.bats.
@test "class.yml: a student's only routes lead into the lab" {
	local s1 s2 s3 lab a1 a2
	class_parties
	run dk exec "$s1" ip route
	[ "$(sed 's/ *$//' <<<"$output")" = "$(printf 'default via 100.64.0.1 dev lab0\n100.64.0.0/24 dev lab0 proto kernel scope link src %s' "$a1")" ] ||
		fail "routes: $output"
}

@test "class.yml: down leaves nothing on the host" {
	local p=${RUN_ID}class
	lab_bpf_ids "$(containers_of "$p" lab)" >"$BATS_TEST_TMPDIR/ids"
	grep -q '^prog ' "$BATS_TEST_TMPDIR/ids"
	run compose -p "$p" -f "$REPO/compose/class.yml" down -v -t 10
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(containers_of "$p" lab)$(containers_of "$p" student)" ]
	bpf_ids_gone "$BATS_TEST_TMPDIR/ids"
	host_unchanged "$HOST_BEFORE"
}
