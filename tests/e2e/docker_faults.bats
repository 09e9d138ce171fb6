#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The appliance after faults. `docker kill` (SIGKILL to every process in
# it: no teardown at all) and then `docker start` of the same container:
# the container keeps its files (/run with the lab's state and the names
# of namespaces that died with it) but none of its mounts or namespaces,
# and it must come up clean - one more ready line, the lab on the same
# world, scans answered exactly, healthy, and `docker stop` still takes
# everything away. Ground truth comes from `rescan world export`.

load docker_helper

RANGE=80.0.0.0/18	# synth:1's tcp/80 hosts there, scanned at 25k pps

setup_file() {
	docker_setup_file
}

# Each test's snapshot of the host, right before it starts its containers.
setup() {
	if docker_skipped; then
		skip "RESCAN_SKIP_DOCKER=1: Docker suites skipped"
	fi
	HOST_BEFORE="$BATS_TEST_TMPDIR/host.before"
	host_state >"$HOST_BEFORE"
}

teardown_file() {
	docker_teardown_file
	[ -z "${RUN_ID:-}" ] || dk network rm "$RUN_ID-mnet" >/dev/null 2>&1
	true
}

# exact_scan CONTAINER: ZMap in it finds exactly synth:1's tcp/80 hosts of RANGE.
exact_scan() {
	dk exec "$1" rescan world export synth:1 tcp/80 "$RANGE" | sort >"$BATS_TEST_TMPDIR/expected"
	[ -s "$BATS_TEST_TMPDIR/expected" ] || fail "no tcp/80 hosts in $RANGE"
	DIAG_CONTAINER=$1 zmap_exact "$1" "$BATS_TEST_TMPDIR/expected" /data/http.csv tx_synack "$RANGE" \
		-p 80 -r 25000 --cooldown-time=2 -q
}

@test "docker kill, then docker start: the appliance comes up clean, answers exactly, and stops clean" {
	local c
	c=$(lab_run restart --network none "${CAPS[@]}" --health-interval 2s --health-start-period 60s --)
	wait_ready "$c"
	exact_scan "$c"
	dk kill "$c" >/dev/null
	[ "$(dk inspect -f '{{.State.Running}}' "$c")" = false ]
	# What the kill left in the container's files: the lab's state and the
	# name of its internet namespace, which died with the container.
	run dk start "$c"
	[ "$status" -eq 0 ] || fail "docker start: $output"
	wait_ready "$c" 90 2
	run dk logs "$c"
	[ "$(grep -c '^rescan-lab: ready in ' <<<"$output")" -eq 2 ]
	! grep -q 'rescan-lab: error' <<<"$output" || fail "errors in the log:" "$output"
	run dk exec "$c" rescan lab status
	[ "$status" -eq 0 ] || fail "lab status: $output"
	grep -qx 'world=synth:1' <<<"$output" || fail "$output"
	grep -qx 'monitor=running' <<<"$output" || fail "$output"
	exact_scan "$c"
	wait_healthy "$c"
	lab_bpf_ids "$c" >"$BATS_TEST_TMPDIR/ids"
	grep -q '^prog ' "$BATS_TEST_TMPDIR/ids" || fail "no lab XDP program found"
	run dk stop "$c"
	[ "$status" -eq 0 ]
	[ "$(dk inspect -f '{{.State.ExitCode}}' "$c")" -eq 0 ]
	dk logs "$c" 2>&1 | grep -q "^rescan-lab: stopped: lab 'rescan' down" || fail "$(dk logs "$c" 2>&1 | tail -n 3)"
	bpf_ids_gone "$BATS_TEST_TMPDIR/ids"
	host_unchanged "$HOST_BEFORE"
}

@test "docker kill while the world is still loading, then docker start: the appliance comes up clean" {
	local c i
	c=$(lab_run loading --network none "${CAPS[@]}" --)
	# synth:1 takes seconds to build: kill while lab up is at work.
	for ((i = 0; i < 100; i++)); do
		dk exec "$c" sh -c 'for f in /proc/[0-9]*/cmdline; do tr "\0" " " <"$f"; echo; done' 2>/dev/null |
			grep -q '^rescan lab up ' && break
		sleep 0.1
	done
	dk kill "$c" >/dev/null
	[ "$(ready_lines "$c")" -eq 0 ] || fail "it was ready before the kill: pick a slower world"
	run dk start "$c"
	[ "$status" -eq 0 ] || fail "docker start: $output"
	wait_ready "$c"
	exact_scan "$c"
	run dk stop "$c"
	[ "$(dk inspect -f '{{.State.ExitCode}}' "$c")" -eq 0 ]
	host_unchanged "$HOST_BEFORE"
}

# monitor_serves CONTAINER: its scanners' namespace has the lab's link
# alone, and the monitor answers on the container's Docker address.
monitor_serves() {
	local c=$1 links ip code i
	links=$(dk exec "$c" ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | paste -sd' ')
	[ "$links" = "lab0 lo" ] || fail "the scanners' namespace has links $links"
	ip=$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
	for ((i = 0; i < 20; i++)); do
		code=$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://$ip:9100/metrics") && [ "$code" = 200 ] && break
		sleep 0.5
	done
	[ "$code" = 200 ] || fail "the monitor did not answer on $ip:9100 ($code)"
}

@test "--metrics on a Docker network: after docker kill and docker start the monitor serves again, the lab is exact, and docker stop leaves nothing" {
	local c
	dk network create --internal --label "$LABEL=$RUN_ID" "$RUN_ID-mnet" >/dev/null
	c=$(lab_run metrics --network "$RUN_ID-mnet" "${CAPS[@]}" -- --metrics 0.0.0.0:9100)
	wait_ready "$c"
	monitor_serves "$c"
	dk kill "$c" >/dev/null
	run dk start "$c"
	[ "$status" -eq 0 ] || fail "docker start: $output"
	wait_ready "$c" 90 2
	monitor_serves "$c"
	exact_scan "$c"
	run dk stop "$c"
	[ "$(dk inspect -f '{{.State.ExitCode}}' "$c")" -eq 0 ]
	run dk logs "$c"
	! grep -q 'rescan-lab: \(error\|warning\)' <<<"$output" || fail "the log:" "$output"
	dk rm "$c" >/dev/null
	dk network rm "$RUN_ID-mnet" >/dev/null
	host_unchanged "$HOST_BEFORE"
}

@test "a world file larger than the container's memory limit: one line saying raise --memory, nothing left" {
	local p specs=()
	# 400 services of one host each: 400 host sets, 200 MiB of kernel maps.
	mkdir -p "$BATS_TEST_TMPDIR/ports" "$BATS_TEST_TMPDIR/world"
	for ((p = 1; p <= 400; p++)); do
		echo "80.1.$((p / 256)).$((p % 256))" >"$BATS_TEST_TMPDIR/ports/$p.txt"
		specs+=(tcp/$p="/data/ports/$p.txt")
	done
	run dk run --rm --network none -v "$BATS_TEST_TMPDIR:/data" --entrypoint rescan "$IMAGE" \
		world compile -o /data/world/big.world "${specs[@]}"
	[ "$status" -eq 0 ] || fail "$output"
	run timeout 120 "$DOCKER" run --rm --label "$LABEL=$RUN_ID" --network none "${CAPS[@]}" \
		--memory 160m -v "$BATS_TEST_TMPDIR/world:/world:ro" "$IMAGE"
	[ "$status" -eq 1 ] || fail "exit $status: $output"
	[ "${#lines[@]}" -eq 1 ] || fail "$output"
	[[ $output == "rescan-lab: error: cannot bring the lab up on world /world/big.world: the world's maps need "*" MiB of kernel memory, but only "*" MiB of this memory cgroup's 160 MiB limit are free: raise the limit (docker run --memory, compose mem_limit)" ]] ||
		fail "$output"
	host_unchanged "$HOST_BEFORE"
}
