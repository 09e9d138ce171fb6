#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The self-contained appliance: `docker run -d --cap-add NET_ADMIN --cap-add
# SYS_ADMIN rescan:lab` on Docker's default bridge network, then plain
# `docker exec lab zmap ...` (no flags) must find exactly the world's ground
# truth, and `docker stop` must take everything down in under 2 s.
# Ground truth comes from `rescan world export` in the same image.

load docker_helper

RANGE=80.0.0.0/16	# 884 tcp/80 hosts in synth:1; scanned at 25k pps
SMALL=1.0.0.0/24

setup_file() {
	docker_setup_file
	if docker_skipped; then return 0; fi
	export HOST_BEFORE="$BATS_FILE_TMPDIR/host.before"
	host_state >"$HOST_BEFORE"
	# Health checks every 2 s, so the test sees the state change quickly.
	export LAB
	LAB=$(lab_run lab "${CAPS[@]}" --health-interval 2s --health-start-period 60s --)
	export DIAG_CONTAINER=$LAB
	wait_ready "$LAB"
}

teardown_file() {
	docker_teardown_file
}

# export_truth SERVICE RANGE FILE: the world's hosts, in text order (comm's).
export_truth() {
	dk exec "$LAB" rescan world export synth:1 "$1" "$2" | sort >"$3"
	[ -s "$3" ] || fail "no $1 hosts in $2: pick a range the world has hosts in"
}

# no_duplicates TOOL FILE: the scanner reported no host twice.
no_duplicates() {
	local d
	d=$(dk exec "$LAB" cat "$2" | tool_lines "$1" | sort | uniq -d | head -n 5)
	[ -z "$d" ] || fail "duplicates in $2:" "$d"
}

@test "self: one ready line with the world summary" {
	run dk logs "$LAB"
	[ "$(grep -c '^rescan-lab: ready in ' <<<"$output")" -eq 1 ]
	grep '^rescan-lab: ready in ' <<<"$output" |
		grep -E 'world synth:1 \(icmp [0-9]+, tcp/80 [0-9]+, tcp/443 [0-9]+, tcp/22 [0-9]+, udp/53 [0-9]+, udp/123 [0-9]+, udp/161 [0-9]+, udp/1900 [0-9]+, icmp/timestamp [0-9]+ hosts\); scanner lab0 100\.64\.0\.2'
}

@test "self: sealed - no link up but lab0, every route through the lab" {
	run dk exec "$LAB" ip -o link show up
	[ "$status" -eq 0 ]
	[ "$(awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' <<<"$output" | sort | tr '\n' ' ')" = "lab0 lo " ] ||
		fail "links up: $output"
	run dk exec "$LAB" ip -4 route show
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "default via 100.64.0.1 dev lab0 " ] || [ "${lines[0]}" = "default via 100.64.0.1 dev lab0" ]
	! grep -v 'dev lab0' <<<"$output" || fail "routes not through lab0:" "$output"
}

@test "self: zmap with no flags finds exactly the world's tcp/80 hosts" {
	export_truth tcp/80 "$RANGE" "$BATS_TEST_TMPDIR/expected"
	zmap_exact "$LAB" "$BATS_TEST_TMPDIR/expected" /data/http.csv tx_synack "$RANGE" \
		-p 80 -r 25000 --cooldown-time=2 -q
	no_duplicates zmap /data/http.csv
}

@test "self: zmap icmp_echoscan finds exactly the world's icmp hosts" {
	export_truth icmp 80.0.0.0/20 "$BATS_TEST_TMPDIR/expected"
	zmap_exact "$LAB" "$BATS_TEST_TMPDIR/expected" /data/ping.csv tx_echo_reply 80.0.0.0/20 \
		--probe-module=icmp_echoscan -r 25000 --cooldown-time=2 -q
	no_duplicates zmap /data/ping.csv
}

@test "self: masscan with no adapter flags finds exactly the tcp/80 hosts" {
	export_truth tcp/80 1.0.0.0/20 "$BATS_TEST_TMPDIR/expected"
	masscan_exact "$LAB" "$BATS_TEST_TMPDIR/expected" /data/masscan.txt 80 1.0.0.0/20 \
		--rate 100000 --wait 2
	no_duplicates masscan:80 /data/masscan.txt
}

@test "self: nmap -sS finds exactly the tcp/22, tcp/80 and tcp/443 ports of a /24" {
	local p
	for p in 22 80 443; do
		dk exec "$LAB" rescan world export synth:1 "tcp/$p" "$SMALL" | sed "s|\$| $p|"
	done >"$BATS_TEST_TMPDIR/expected"
	run dk exec "$LAB" timeout 300 nmap -n -Pn -sS -p 22,80,443 --max-retries 1 -oG /data/nmap.gnmap "$SMALL"
	[ "$status" -eq 0 ] || fail "nmap failed: $output"
	dk exec "$LAB" cat /data/nmap.gnmap | awk '/Ports:/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/open\//) { split($i, a, "/"); print $2 " " a[1] } }' \
		>"$BATS_TEST_TMPDIR/got"
	expect_exact "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/got"
}

@test "self: rescan stats in the container counts the answers" {
	run dk exec "$LAB" rescan stats --json
	[ "$status" -eq 0 ]
	local tx
	tx=$(jq .responder.tx_synack <<<"$output")
	[ "$tx" -gt 884 ]
	# All of it from the container's own scanner address (no students here).
	[ "$(jq '[.sources[].tx_synack] | add' <<<"$output")" -eq "$tx" ]
}

@test "self: HEALTHCHECK turns healthy (responder attached and answering)" {
	wait_healthy "$LAB"
	run dk exec "$LAB" rescan-health
	[ "$status" -eq 0 ]
	[[ $output == "healthy: responder attached on lab0, answered a tcp/"*" probe to "* ]]
}

@test "self: a world from a volume, by flag, env and /world" {
	# A tiny world of our own: three tcp/80 hosts.
	printf '80.1.2.3\n80.1.2.4\n80.1.9.9\n' >"$BATS_TEST_TMPDIR/hosts.txt"
	run dk run --rm --network none -v "$BATS_TEST_TMPDIR:/data" --entrypoint rescan "$IMAGE" \
		world compile -o /data/tiny.world tcp/80=/data/hosts.txt
	[ "$status" -eq 0 ] || fail "$output"
	mkdir "$BATS_TEST_TMPDIR/w" && mv "$BATS_TEST_TMPDIR/tiny.world" "$BATS_TEST_TMPDIR/w/"
	local how scan='timeout 30 zmap -p 80 -q --cooldown-time=1 -o - 80.1.0.0/16 2>/dev/null'
	for how in flag env volume; do
		case $how in
		flag) set -- -v "$BATS_TEST_TMPDIR/w:/data:ro" -- --world /data/tiny.world sh -c "$scan" ;;
		env) set -- -v "$BATS_TEST_TMPDIR/w:/data:ro" -e RESCAN_WORLD=/data/tiny.world -- sh -c "$scan" ;;
		volume) set -- -v "$BATS_TEST_TMPDIR/w:/world:ro" -- sh -c "$scan" ;;
		esac
		local opts=()
		while [ "$1" != -- ]; do
			opts+=("$1")
			shift
		done
		shift
		run timeout 120 "$DOCKER" run --rm --label "$LABEL=$RUN_ID" --network none "${CAPS[@]}" "${opts[@]}" "$IMAGE" "$@"
		[ "$status" -eq 0 ] || fail "$how: $output"
		[[ ${lines[0]} == *"world /"*"tiny.world (tcp/80 3 hosts)"* ]] || fail "$how: ${lines[0]}"
		grep -E '^[0-9.]+$' <<<"$output" >"$BATS_TEST_TMPDIR/got"
		expect_exact "$BATS_TEST_TMPDIR/hosts.txt" "$BATS_TEST_TMPDIR/got"
	done
}

@test "self: an assignment names the world over RESCAN_WORLD, and rescan grade grades against it" {
	printf '80.1.2.3\n80.1.2.4\n80.1.9.9\n' >"$BATS_TEST_TMPDIR/hosts.txt"
	run dk run --rm --network none -v "$BATS_TEST_TMPDIR:/data" --entrypoint rescan "$IMAGE" \
		world compile -o /data/tiny.world tcp/80=/data/hosts.txt
	[ "$status" -eq 0 ] || fail "$output"
	# The world beside the assignment, named relative to it.
	printf 'name = tiny\nworld = tiny.world\nrange = 80.1.0.0/16\nservice = tcp/80\nstudent_rate = 5000\nmin_recall = 1\n' \
		>"$BATS_TEST_TMPDIR/tiny.assignment"
	run timeout 120 "$DOCKER" run --rm --label "$LABEL=$RUN_ID" --network none "${CAPS[@]}" \
		-v "$BATS_TEST_TMPDIR:/data:ro" -e RESCAN_WORLD=synth:random -e RESCAN_ASSIGNMENT=/data/tiny.assignment \
		"$IMAGE" sh -c 'timeout 30 zmap -p 80 -q --cooldown-time=1 -o /tmp/http.csv 80.1.0.0/16 2>/dev/null &&
			rescan lab status | grep -E "^(student_rate|assignment)=" && rescan grade --lab rescan --json /tmp/http.csv'
	[ "$status" -eq 0 ] || fail "$output"
	[[ ${lines[0]} == *"world /data/tiny.world (tcp/80 3 hosts)"* ]] || fail "${lines[0]}"
	grep -qx 'student_rate=5000' <<<"$output" || fail "$output"
	grep -qx 'assignment=/data/tiny.assignment' <<<"$output" || fail "$output"
	[ "$(sed -n '/^{/,$p' <<<"$output" | jq -r '"\(.total.true_positives) \(.total.false_negatives) \(.pass)"')" = "3 0 true" ] ||
		fail "$output"
}

@test "self: rescan lab load in the running appliance swaps its world; it stays healthy" {
	run dk exec "$LAB" sh -c 'printf "80.1.2.3\n80.1.2.4\n80.1.9.9\n" >/tmp/hosts.txt &&
		rescan world compile -o /tmp/tiny.world tcp/80=/tmp/hosts.txt 2>/dev/null &&
		rescan lab load /tmp/tiny.world'
	[ "$status" -eq 0 ] || fail "$output"
	[[ $output == "lab 'rescan': world /tmp/tiny.world loaded in "* ]] || fail "$output"
	run dk exec "$LAB" sh -c 'timeout 30 zmap -p 80 -q --cooldown-time=1 -o - 80.1.0.0/16 2>/dev/null'
	[ "$status" -eq 0 ] || fail "$output"
	printf '80.1.2.3\n80.1.2.4\n80.1.9.9\n' >"$BATS_TEST_TMPDIR/hosts.txt"
	grep -E '^[0-9.]+$' <<<"$output" | sort >"$BATS_TEST_TMPDIR/got"
	expect_exact "$BATS_TEST_TMPDIR/hosts.txt" "$BATS_TEST_TMPDIR/got"
	run dk exec "$LAB" rescan-health
	[ "$status" -eq 0 ] || fail "$output"
	# Back to the default world for the tests after this one.
	run dk exec "$LAB" rescan lab load synth:1
	[ "$status" -eq 0 ] || fail "$output"
	run dk exec "$LAB" rescan-health
	[ "$status" -eq 0 ] || fail "$output"
}

@test "self: HEALTHCHECK says unhealthy once the responder is detached" {
	run dk exec "$LAB" sh -c 'ip -n "$(ip netns list | cut -d" " -f1 | grep -- -inet)" link set dev inet0 xdp off'
	[ "$status" -eq 0 ] || fail "$output"
	run dk exec "$LAB" rescan-health
	[ "$status" -eq 1 ]
	[[ $output == "unhealthy: the responder is not attached"* ]]
}

@test "self: docker stop is handled by the appliance (exit 0) and leaves no XDP, map, veth or namespace" {
	lab_bpf_ids "$LAB" >"$BATS_TEST_TMPDIR/ids"
	grep -q '^prog ' "$BATS_TEST_TMPDIR/ids" || fail "no lab XDP program found"
	grep -q '^map ' "$BATS_TEST_TMPDIR/ids" || fail "no lab map found"
	local t0 t1
	t0=$(date +%s%N)
	run dk stop "$LAB"
	t1=$(date +%s%N)
	[ "$status" -eq 0 ]
	echo "# docker stop took $(((t1 - t0) / 1000000)) ms" >&3
	[ "$(dk inspect -f '{{.State.ExitCode}}' "$LAB")" -eq 0 ]
	dk logs "$LAB" 2>&1 | grep -q "^rescan-lab: stopped: lab 'rescan' down"
	bpf_ids_gone "$BATS_TEST_TMPDIR/ids"
	host_unchanged "$HOST_BEFORE"
}
