#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# Host mode: `docker run --network host ... rescan:lab --mode host` creates
# rescan0 in the host's namespace for host tools, without touching the
# host's default route; ZMap on the host, given -i/-G/-S, finds exactly the
# world's hosts; stop removes rescan0 and the XDP programs.
#
# Network safety: every probe is sent by ZMap with -i rescan0 -G <lab
# gateway MAC>, so it goes onto the lab's veth and nowhere else; the suite
# refuses to start if rescan0 or the lab network already exist on the host.

load docker_helper

RANGE=80.0.0.0/16

setup_file() {
	docker_setup_file
	if docker_skipped; then return 0; fi
	if ip link show dev rescan0 >/dev/null 2>&1 || ip -4 addr show | grep -q ' 100\.64\.0\.'; then
		fail "FATAL: rescan0 or 100.64.0.0/24 already exists on this host; host mode cannot be tested"
		return 1
	fi
	export HOST_BEFORE="$BATS_FILE_TMPDIR/host.before"
	host_state >"$HOST_BEFORE"
	ip route show default >"$BATS_FILE_TMPDIR/default.before"
	export LAB
	LAB=$(lab_run host --network host "${CAPS[@]}" -- --mode host)
	export DIAG_CONTAINER=$LAB
	wait_ready "$LAB"
}

teardown_file() {
	docker_teardown_file
}

# The MAC of rescan0's peer in the appliance's internet namespace, as the
# kernel there reports it: the gateway MAC host tools must name.
peer_mac() {
	dk exec "$LAB" sh -c 'ip -n "$(rescan lab env internet_netns)" -br link show "$(rescan lab env internet_iface)"' |
		awk '{ print $3 }'
}

# scan_exact.bash's hooks for host mode: ZMap runs in the host's namespace,
# as installed on the host, else the image's (with --network host it is in
# the host's namespace all the same), and its files are where it runs. The
# counters are the appliance's (docker_helper.bash's lab_stats).
if command -v zmap >/dev/null 2>&1; then
	lab_exec() {
		shift
		"$@"
	}
	lab_cat() { cat "$2"; }
	lab_put() { cat >"$2"; }
	scan_dir() { echo "$BATS_TEST_TMPDIR"; }
else
	scan_dir() { echo /tmp; }
fi

@test "host: the ready line gives the exact zmap flags: rescan0, its address, its peer's MAC" {
	local mac
	mac=$(peer_mac)
	[ -n "$mac" ] || fail "no inet0 in the appliance"
	run dk logs "$LAB"
	grep -q "^rescan-lab: ready in .*host interface rescan0 100.64.0.2: zmap -i rescan0 -G $mac -S 100.64.0.2\$" <<<"$output" ||
		fail "$output"
}

@test "host: rescan0 is on the host, the host's default route is untouched" {
	run ip -br -4 addr show dev rescan0
	[ "$status" -eq 0 ]
	[[ $output == *"100.64.0.2/24"* ]]
	ip -d link show dev rescan0 | grep -q 'prog/xdp'
	ip route show default | cmp -s - "$BATS_FILE_TMPDIR/default.before" ||
		fail "default route changed: $(ip route show default)"
	# Only the lab's own /24 was added to the host's routes.
	[ "$(ip route show dev rescan0)" = "100.64.0.0/24 proto kernel scope link src 100.64.0.2 " ] ||
		[ "$(ip route show dev rescan0)" = "100.64.0.0/24 proto kernel scope link src 100.64.0.2" ]
}

@test "host: zmap -i rescan0 -G MAC -S 100.64.0.2 on the host finds exactly the world's tcp/80 hosts" {
	dk exec "$LAB" rescan world export synth:1 tcp/80 "$RANGE" | sort >"$BATS_TEST_TMPDIR/expected"
	zmap_exact "$LAB" "$BATS_TEST_TMPDIR/expected" "$(scan_dir)/host.csv" tx_synack "$RANGE" \
		-i rescan0 -G "$(peer_mac)" -S 100.64.0.2 -p 80 -r 25000 --cooldown-time=2 -q
}

@test "host: the health check probes through rescan0" {
	run dk exec "$LAB" rescan-health
	[ "$status" -eq 0 ]
	[[ $output == "healthy: responder attached on rescan0, answered "* ]]
}

@test "host: a second host-mode appliance refuses, saying rescan0 exists" {
	run timeout 120 "$DOCKER" run --rm --label "$LABEL=$RUN_ID" --network host "${CAPS[@]}" "$IMAGE" --mode host
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"interface rescan0 already exists"* ]]
}

@test "host: docker stop is handled by the appliance (exit 0), removes rescan0 and the XDP programs; the host is as before" {
	lab_bpf_ids "$LAB" >"$BATS_TEST_TMPDIR/ids"
	grep -q '^prog ' "$BATS_TEST_TMPDIR/ids"
	local t0 t1
	t0=$(date +%s%N)
	dk stop "$LAB" >/dev/null
	t1=$(date +%s%N)
	echo "# docker stop took $(((t1 - t0) / 1000000)) ms" >&3
	# 0, not 137: the appliance took SIGTERM itself, docker did not kill it.
	[ "$(dk inspect -f '{{.State.ExitCode}}' "$LAB")" -eq 0 ]
	if ip link show dev rescan0 >/dev/null 2>&1; then
		fail "rescan0 is still there"
	fi
	bpf_ids_gone "$BATS_TEST_TMPDIR/ids"
	host_unchanged "$HOST_BEFORE"
}

@test "host: even docker kill -s KILL (no teardown) leaves nothing on the host but the lab's rule, inert" {
	local lab i
	lab=$(lab_run host-killed --network host "${CAPS[@]}" -- --mode host)
	wait_ready "$lab"
	lab_bpf_ids "$lab" >"$BATS_TEST_TMPDIR/ids"
	grep -q '^prog ' "$BATS_TEST_TMPDIR/ids"
	dk kill -s KILL "$lab" >/dev/null
	# The internet namespace dies with the container's mount namespace, and
	# with it the veth pair, rescan0 included.
	for ((i = 0; i < 40; i++)); do
		ip link show dev rescan0 >/dev/null 2>&1 || break
		sleep 0.25
	done
	if ip link show dev rescan0 >/dev/null 2>&1; then
		fail "rescan0 is still there 10 s after the kill"
	fi
	bpf_ids_gone "$BATS_TEST_TMPDIR/ids"
	# The rule that sends what leaves from the lab's address into the lab
	# (HOST-MODE.md) outlives a killed appliance; its table's one route
	# went with rescan0, so lookups pass it by. The next start replaces it.
	host_state >"$BATS_TEST_TMPDIR/host.killed"
	diff "$HOST_BEFORE" "$BATS_TEST_TMPDIR/host.killed" | grep '^[<>]' >"$BATS_TEST_TMPDIR/left" || true
	[ "$(cat "$BATS_TEST_TMPDIR/left")" = "> 90:	from 100.64.0.2 lookup 90" ] ||
		fail "left on the host (> after the kill):" "$(cat "$BATS_TEST_TMPDIR/left")"
	[ -z "$(ip route show table 90)" ] || fail "table 90 still routes: $(ip route show table 90)"
	ip rule del pref 90 from 100.64.0.2 lookup 90
	host_unchanged "$HOST_BEFORE"
}
