#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# End to end: compile a world from datasets this suite writes, bring a
# sealed lab up, scan a whole /16 with the real Debian ZMap (TCP SYN and
# ICMP echo) and masscan, and require the scanners' results to equal the
# ground truth computed here with awk/sort: no false positive, no false
# negative.

load lab_helper

setup_file() {
	require_root_and_tools zmap masscan nmap ip gzip zstd jq
	export LAB=$(lab_name l)
	export D="$BATS_FILE_TMPDIR"

	# tcp/80: 3000 random hosts as a ZMap CSV with header, plus rows of
	# hosts that answered with RST (success 0), which must not count.
	random_hosts 3000 42 >"$D/http.hosts"
	{
		echo "saddr,daddr,success"
		sed 's/$/,100.64.0.2,1/' "$D/http.hosts"
		random_hosts 200 4242 | grep -vxFf "$D/http.hosts" | sed 's/$/,100.64.0.2,0/'
	} >"$D/http.csv"
	# icmp: 8000 hosts (so one /16 block becomes a bitmap), gzip-compressed bare list.
	random_hosts 8000 7 >"$D/ping.hosts"
	gzip -c "$D/ping.hosts" >"$D/ping.txt.gz"
	# tcp/443: a CIDR block and some single hosts, zstd-compressed.
	{ echo "# https hosts"; echo "198.18.7.0/24"; random_hosts 500 99; } >"$D/https.txt"
	zstd -q -f "$D/https.txt" -o "$D/https.txt.zst"
	{ expand_24 198.18.7.0/24; random_hosts 500 99; } | sort -u >"$D/https.hosts"

	"$RESCAN" world compile -o "$D/test.world" tcp/80="$D/http.csv" \
		icmp="$D/ping.txt.gz" tcp/443="$D/https.txt.zst"
	write_blocklist "$D/blocklist"
	"$RESCAN" lab up --name "$LAB" --world "$D/test.world"
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
}

@test "world export gives back exactly the dataset's hosts" {
	# export is in address order; comm wants text order.
	"$RESCAN" world export "$D/test.world" tcp/80 198.18.0.0/16 | sort >"$D/export80"
	assert_same_set "$D/http.hosts" "$D/export80"
	"$RESCAN" world export "$D/test.world" tcp/443 | sort >"$D/export443"
	assert_same_set "$D/https.hosts" "$D/export443"
	"$RESCAN" world export "$D/test.world" icmp 198.18.0.0/16 | sort >"$D/exporti"
	assert_same_set "$D/ping.hosts" "$D/exporti"
}

@test "ZMap tcp_synscan over a /16 finds exactly the world's tcp/80 hosts" {
	zmap_exact "$LAB" "$D/http.hosts" "$D/zmap80.csv" tx_synack 198.18.0.0/16 \
		--cores 0 -p 80 -r 50000 -c 5 -b "$D/blocklist"
}

@test "ZMap icmp_echoscan over a /16 finds exactly the world's icmp hosts" {
	zmap_exact "$LAB" "$D/ping.hosts" "$D/ping.csv" tx_echo_reply 198.18.0.0/16 \
		--cores 0 --probe-module=icmp_echoscan -r 50000 -c 5 -b "$D/blocklist"
}

@test "ZMap icmp_echo_time gets its timestamps echoed" {
	zmap_exact "$LAB" "$D/ping.hosts" "$D/ping_time.csv" tx_echo_reply 198.18.0.0/16 \
		--cores 0 --probe-module=icmp_echo_time -r 50000 -c 5 -b "$D/blocklist" -f saddr
}

# At the rate the README tells students they can trust.
@test "masscan SYN scan over a /16 at 100 kpps finds exactly the world's tcp/443 hosts" {
	masscan_exact "$LAB" "$D/https.hosts" "$D/masscan.txt" 443 198.18.0.0/16 --rate 100000 --wait 5
}

# Runs after the scans above (bats keeps file order).
@test "stats count every probe: answered ones equal the hosts found" {
	run "$RESCAN" stats --name "$LAB" --json
	[ "$status" -eq 0 ]
	echo "$output" >"$D/stats.json"
	synack=$(jq .responder.tx_synack "$D/stats.json")
	delivered=$(jq .scanner_side.rx_synack "$D/stats.json")
	echo_replies=$(jq .responder.tx_echo_reply "$D/stats.json")
	# ZMap's tcp/80 scan plus masscan's tcp/443 scan, each host answered
	# once, plus hosts zmap_exact or masscan_exact probed a second time.
	again_tcp=$(reprobed tx_synack)
	again_icmp=$(reprobed tx_echo_reply)
	expected=$(( $(wc -l <"$D/http.hosts") + $(wc -l <"$D/https.hosts") + again_tcp ))
	[ "$synack" -eq "$expected" ] || { echo "tx_synack $synack, expected $expected"; false; }
	[ "$delivered" -eq "$synack" ] || { echo "rx_synack $delivered != tx_synack $synack"; false; }
	# Two ICMP scans (echoscan and echo_time) of the same hosts.
	[ "$echo_replies" -eq $(( 2 * $(wc -l <"$D/ping.hosts") + again_icmp )) ]
	# Four scans of a /16, one probe per address each: every probe was
	# either answered or dropped as not in the world.
	miss=$(jq .responder.drop_not_in_world "$D/stats.json")
	[ $(( synack + echo_replies + miss )) -eq $(( 4 * 65536 + again_tcp + again_icmp )) ] ||
		{ echo "answered $synack + $echo_replies, missed $miss"; false; }
	[ "$(jq .responder.drop_no_service "$D/stats.json")" -eq 0 ]
	# Every probe came from the lab's scanner address: its row has them all.
	[ "$(jq '.sources["100.64.0.2"].tx_synack' "$D/stats.json")" -eq "$synack" ] &&
		[ "$(jq '.sources["100.64.0.2"].tx_echo_reply' "$D/stats.json")" -eq "$echo_replies" ] &&
		[ "$(jq '.sources["100.64.0.2"].drop_not_in_world' "$D/stats.json")" -eq "$miss" ] ||
		{ echo "per-source: $(jq -c .sources "$D/stats.json")"; false; }
	[ "$(jq .responder.abort_internal "$D/stats.json")" -eq 0 ]
}

@test "the scanner side has only lo and lab0, and no route but the lab's" {
	run "$RESCAN" lab exec --name "$LAB" -- ip -o link show
	[ "$status" -eq 0 ]
	names=$(echo "$output" | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' ')
	[ "$names" = "lab0 lo " ] || { echo "links: $names"; false; }
	run "$RESCAN" lab exec --name "$LAB" -- ip -4 route show
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^default via 100.64.0.1 dev lab0'
	[ "$(echo "$output" | grep -vc 'dev lab0')" -eq 0 ]
}

# masscan 1.3.2 notices the end of its scan only when a frame reaches lab0
# (src/lab.c, keep_lab_link_alive): on a silent link it never exits.
@test "the lab link is never silent: the gateway re-ARPs for the scanner every few seconds" {
	local before after
	run ip -n "$LAB-inet" neigh show 100.64.0.2
	if [[ $output != *managed* ]] && ! printf '%s\n' 5.16 "$(uname -r)" | sort -VC; then
		skip "kernel $(uname -r) has no managed neighbour entries (5.16+): masscan may hang here"
	fi
	[[ $output == *managed* ]] || { echo "gateway neighbour entry: $output"; false; }
	before=$(lab_stats "$LAB" | jq .scanner_side.rx_other)
	sleep 12
	after=$(lab_stats "$LAB" | jq .scanner_side.rx_other)
	[ "$after" -gt "$before" ] || { echo "no frame reached lab0 in 12 s (rx_other $before)"; false; }
}

@test "a second 'lab up' with the same name is refused with exit 3" {
	run "$RESCAN" lab up --name "$LAB" --world "$D/test.world"
	[ "$status" -eq 3 ]
	[[ "$output" == *"already up"* ]]
}

# nmap runs last: it retransmits to silent hosts, which the exact probe
# count of the stats test above must not see.
@test "nmap -sS finds exactly the tcp/80 hosts of a /24" {
	grep '^198\.18\.1\.' "$D/http.hosts" >"$D/nmap_expected" || true
	[ -s "$D/nmap_expected" ]
	run timeout 120 "$RESCAN" lab exec --name "$LAB" -- nmap -n -Pn -sS -p 80 --open \
		-oG "$D/nmap80.gnmap" 198.18.1.0/24
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	awk '/80\/open/ { print $2 }' "$D/nmap80.gnmap" | sort -u >"$D/nmap_got"
	assert_same_set "$D/nmap_expected" "$D/nmap_got" || { lab_diagnostics "$LAB"; false; }
}

@test "nmap ping scan (-sn -PE) finds exactly the icmp hosts of a /24" {
	grep '^198\.18\.2\.' "$D/ping.hosts" >"$D/nmapi_expected" || true
	[ -s "$D/nmapi_expected" ]
	run timeout 120 "$RESCAN" lab exec --name "$LAB" -- nmap -n -sn -PE -oG "$D/nmapi.gnmap" \
		198.18.2.0/24
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	awk '/Status: Up/ { print $2 }' "$D/nmapi.gnmap" | sort -u >"$D/nmapi_got"
	assert_same_set "$D/nmapi_expected" "$D/nmapi_got" || { lab_diagnostics "$LAB"; false; }
}

# The first CPU this shell may use (what `lab up` pins ZMap to).
first_cpu() {
	awk '/^Cpus_allowed_list/ { split($2, r, "[,-]"); print r[1] }' /proc/self/status
}

# Last: its probes would upset the counts of the stats test.
@test "plain zmap runs every thread it pins on one CPU (the lab's zmap.conf says cores)" {
	local cpu pid i lists
	cpu=$(first_cpu)
	grep -qx "cores \"$cpu\"" "/etc/netns/$LAB-scan/zmap/zmap.conf" ||
		{ echo "no 'cores \"$cpu\"' in:"; cat "/etc/netns/$LAB-scan/zmap/zmap.conf"; false; }
	# A slow scan to look at while it runs; no --cores on the command line.
	timeout 60 "$RESCAN" lab exec --name "$LAB" -- zmap -p 80 -r 2000 -c 1 \
		-b "$D/blocklist" -o /dev/null 198.18.0.0/16 >/dev/null 2>&1 &
	for ((i = 0; i < 50; i++)); do
		pid=$(pgrep -n -x zmap) && [ "$(ls "/proc/$pid/task" | wc -l)" -ge 3 ] && break
		sleep 0.1
	done
	sleep 0.5
	lists=$(cat /proc/"$pid"/task/*/status | awk '/^Cpus_allowed_list/ { print $2 }')
	kill "$pid"
	wait || true
	# Threads ZMap pinned are on that CPU; the others keep the whole mask.
	[ "$(grep -cx "$cpu" <<<"$lists")" -ge 2 ] || { echo "threads' CPUs: $(tr '\n' ' ' <<<"$lists")"; false; }
	[ -z "$(grep -vx "$cpu" <<<"$lists" | grep -vx "$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)")" ] ||
		{ echo "threads' CPUs: $(tr '\n' ' ' <<<"$lists")"; false; }
}
