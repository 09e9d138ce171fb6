#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# End to end: a class of two scans with ZMap, and the per-service
# counters (rescan stats --json .services) and rescan top say exactly what
# was sent: each service's probes equal what ZMap reports it sent, its
# open answers the world's hosts in the ranges scanned (counted here with
# awk), and top's rows equal the counters of rescan stats.

bats_require_minimum_version 1.5.0

load lab_helper

setup_file() {
	require_root_and_tools zmap ip jq
	export LAB=$(lab_name o)
	export D="$BATS_FILE_TMPDIR"
	# What the students read and write: the blocklist, their results.
	export SHARED=$(mktemp -d /tmp/rescan-top.XXXXXX)
	chmod 755 "$SHARED"
	export RESCAN_RESULTS_DIR="$SHARED/results"

	random_hosts 3000 42 >"$D/http.hosts"
	random_hosts 8000 7 >"$D/ping.hosts"
	"$RESCAN" world compile -o "$D/top.world" tcp/80="$D/http.hosts" icmp="$D/ping.hosts"
	write_blocklist "$SHARED/blocklist"
	chmod 644 "$SHARED/blocklist"
	"$RESCAN" lab up --name "$LAB" --world "$D/top.world" --students 2
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

results() { echo "$RESCAN_RESULTS_DIR/$LAB/student-$1"; }
student_addr() { "$RESCAN" lab env --student "$1" student_addr; }

# zmap_as K NAME ARGS...: ZMap as student K, its metadata in NAME.json of its results.
zmap_as() {
	local k=$1 name=$2
	shift 2
	"$RESCAN" lab exec --name "$LAB" --student "$k" -- timeout 120 zmap --cores 0 -r 50000 \
		-c 2 -b "$SHARED/blocklist" -o /dev/null -m "$(results "$k")/$name.json" "$@"
}

sent() { jq .total_sent "$(results "$1")/$2.json"; }

# top --once between two reads of stats --json that agree: an idle lab's
# ARP refresh moves a student's counters now and then, so a pair that
# differs is read again (up to 10 times). Leaves $D/top and $D/stats.json.
top_beside_stats() {
	local try
	for try in 1 2 3 4 5 6 7 8 9 10; do
		"$RESCAN" stats --name "$LAB" --json >"$D/before.json"
		"$RESCAN" top --name "$LAB" --once --interval 200 >"$D/top" || return 1
		"$RESCAN" stats --name "$LAB" --json >"$D/stats.json"
		cmp -s <(jq -S '.sources, .services' "$D/before.json") \
			<(jq -S '.sources, .services' "$D/stats.json") && return 0
		sleep 1
	done
	echo "the counters never stood still for a read" >&2
	return 1
}

@test "two students scanning at once: each service counts exactly the probes ZMap sent and the world's answers" {
	local open80 open_icmp
	# top in the background the whole time: plain snapshots, ended by SIGTERM.
	"$RESCAN" top --name "$LAB" --interval 200 >"$D/top-live" 2>&1 3>&- &
	local top=$!
	echo "$top" >>"$BATS_TEST_TMPDIR/pids"
	zmap_as 1 http -p 80 198.18.0.0/18 >"$D/z1.log" 2>&1 3>&- &
	local z1=$!
	echo "$z1" >>"$BATS_TEST_TMPDIR/pids"
	zmap_as 2 http -p 80 198.18.64.0/19 >"$D/z2.log" 2>&1 3>&- &
	local z2=$!
	echo "$z2" >>"$BATS_TEST_TMPDIR/pids"
	wait "$z1" || { cat "$D/z1.log"; false; }
	wait "$z2" || { cat "$D/z2.log"; false; }
	zmap_as 2 ping --probe-module=icmp_echoscan 198.18.128.0/19 >"$D/z3.log" 2>&1 ||
		{ cat "$D/z3.log"; false; }
	kill -TERM "$top"
	wait "$top" || { echo "top ended with $? on SIGTERM"; cat "$D/top-live"; false; }

	"$RESCAN" stats --name "$LAB" --json >"$D/stats.json"
	jq -c .services "$D/stats.json"
	# Probes: what ZMap says it sent, per service, the students' together.
	[ "$(jq '.services["tcp/80"].probes' "$D/stats.json")" -eq $(($(sent 1 http) + $(sent 2 http))) ]
	[ "$(jq '.services.icmp.probes' "$D/stats.json")" -eq "$(sent 2 ping)" ]
	[ "$(sent 1 http)" -eq 16384 ] && [ "$(sent 2 http)" -eq 8192 ] && [ "$(sent 2 ping)" -eq 8192 ]
	# Answers: every host of the world in the ranges scanned, once; nothing closed.
	open80=$(awk -F. '$3 < 96' "$D/http.hosts" | wc -l)
	open_icmp=$(awk -F. '$3 >= 128 && $3 < 160' "$D/ping.hosts" | wc -l)
	[ "$(jq '.services["tcp/80"] | [.open, .closed, .answered] | join(" ")' -r "$D/stats.json")" = \
		"$open80 0 $open80" ]
	[ "$(jq '.services.icmp | [.open, .closed, .answered] | join(" ")' -r "$D/stats.json")" = \
		"$open_icmp 0 $open_icmp" ]
	# No probe of a service the world lacks; the services' answers are the responder's.
	[ "$(jq '.services.no_service.probes' "$D/stats.json")" -eq 0 ]
	[ "$(jq '[.services[].answered] | add' "$D/stats.json")" -eq \
		"$(jq '.responder.tx_synack + .responder.tx_echo_reply' "$D/stats.json")" ]

	# The live view printed snapshots of both students and tcp/80.
	grep -q "^lab '$LAB': 2 students seated" "$D/top-live"
	awk -v a="$(student_addr 1)" '$2 == a' "$D/top-live" | grep -q .
	awk -v a="$(student_addr 2)" '$2 == a' "$D/top-live" | grep -q .
	grep -q '^tcp/80 ' "$D/top-live"
}

@test "top --once shows both students and every service scanned with the counts of stats --json" {
	local k a
	top_beside_stats
	cat "$D/top"
	grep -q "^lab '$LAB': 2 students seated, " "$D/top"
	for k in 1 2; do
		a=$(student_addr "$k")
		# STUDENT ADDR PPS PACKETS ANSWERED DELIVERED LIMITED NO-SCAN SPOOFED
		[ "$(awk -v a="$a" '$2 == a { print $1, $4, $5, $6, $7, $8, $9 }' "$D/top")" = \
			"$(jq -r --arg a "$a" --arg k "$k" '.sources[$a] | [$k, .packets,
				(.tx_synack + .tx_echo_reply), ([.delivered[]] | add),
				.drop_rate_limited, .drop_do_not_scan, .drop_spoofed] | join(" ")' \
				"$D/stats.json")" ]
	done
	# SERVICE PPS PROBES ANSWERED
	[ "$(awk '$1 == "tcp/80" { print $3, $4 }' "$D/top")" = \
		"$(jq -r '.services["tcp/80"] | "\(.probes) \(.answered)"' "$D/stats.json")" ]
	[ "$(awk '$1 == "icmp" { print $3, $4 }' "$D/top")" = \
		"$(jq -r '.services.icmp | "\(.probes) \(.answered)"' "$D/stats.json")" ]
	# Nothing scans now: every rate is 0.
	[ "$(awk '$1 ~ /^[0-9]+$/ && $2 ~ /^100\./ && $3 != 0' "$D/top" | wc -l)" -eq 0 ]
}

@test "top --sort student lists the students in order, --sort packets the one with more packets first" {
	run -0 "$RESCAN" top --name "$LAB" --once --interval 100 --sort student
	[ "$(awk '$1 ~ /^[0-9]+$/ { print $1 }' <<<"$output" | paste -sd' ')" = "1 2" ]
	run -0 "$RESCAN" top --name "$LAB" --once --interval 100 --sort packets
	"$RESCAN" stats --name "$LAB" --json >"$D/stats.json"
	[ "$(awk '$1 ~ /^[0-9]+$/ { print $1 }' <<<"$output" | paste -sd' ')" = \
		"$(jq -r '[.sources[] | select(.student) | {k: .student, p: .packets}] |
			sort_by(-.p, .k) | map(.k | tostring) | join(" ")' "$D/stats.json")" ]
	# Services: the one with more probes first.
	[ "$(awk 'NF == 4 && $1 ~ /^(tcp|icmp)/ { print $1 }' <<<"$output" | paste -sd' ')" = "tcp/80 icmp" ]
}

@test "stats shows a 'by service' section with each service's probes and answers" {
	run -0 "$RESCAN" stats --name "$LAB"
	grep -q '^by service' <<<"$output"
	[ "$(awk '$1 == "tcp/80" && $3 == "probes," { print $2, $4 }' <<<"$output")" = \
		"$(jq -r '.services["tcp/80"] | "\(.probes) \(.answered)"' "$D/stats.json")" ]
}

@test "top: a bad --sort or --interval is a usage error, exit 2; a lab that is not up exit 3" {
	run -2 "$RESCAN" top --name "$LAB" --sort fastest
	[[ "$output" == "rescan: top: --sort 'fastest'"* ]]
	run -2 "$RESCAN" top --name "$LAB" --interval 10
	[[ "$output" == "rescan: top: -i/--interval takes 100 to 60000"* ]]
	run -3 "$RESCAN" top --name "${LAB}x" --once
	[[ "$output" == *"no lab '${LAB}x' is up"* ]]
}
