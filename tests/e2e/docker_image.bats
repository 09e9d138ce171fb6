#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The rescan:lab image: what is in it, and how the appliance refuses bad
# input (missing capabilities, missing or corrupt worlds, too little memory,
# the wrong network mode) with one line, a non-zero exit, nothing left behind.

load docker_helper

setup_file() {
	docker_setup_file
	if docker_skipped; then return 0; fi
}

teardown_file() {
	docker_teardown_file
}

# run_lab [DOCKER OPTIONS...] -- [IMAGE ARGS...]: a foreground appliance run
# that must fail (or finish) by itself; stdout and stderr both in $output.
run_lab() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	run timeout 120 "$DOCKER" run --rm --label "$LABEL=$RUN_ID" "${opts[@]}" "$IMAGE" "$@"
}

# The output is exactly one line, starting "rescan-lab: error: ".
one_error_line() {
	[ "${#lines[@]}" -eq 1 ] || fail "expected one line, got ${#lines[@]}:" "$output"
	[[ ${lines[0]} == "rescan-lab: error: "* ]] || fail "not an error line: ${lines[0]}"
}

@test "image: built on the local base, small, with a health check and the entrypoint" {
	run dk image inspect -f '{{.Size}} {{json .Config.Healthcheck.Test}} {{json .Config.Entrypoint}}' "$IMAGE"
	[ "$status" -eq 0 ]
	read -r size health entry <<<"$output"
	echo "# rescan:lab is $((size / 1000000)) MB" >&3
	[ "$size" -lt 200000000 ] || fail "image is $size bytes, more than 200 MB"
	[[ $health == *rescan-health* ]]
	[[ $entry == *rescan-entrypoint* ]]
}

@test "image: has rescan, zmap, masscan, nmap, tcpdump, iproute2, bpftool, busybox and no build tools" {
	run dk run --rm --network none --entrypoint sh "$IMAGE" -c '
		for t in rescan zmap masscan nmap tcpdump ip ss bpftool busybox ping nc; do
			command -v $t >/dev/null || echo "missing $t"
		done
		for t in zmap masscan nmap tcpdump; do
			getcap "$(readlink -f "$(command -v $t)")" | grep -q "cap_net_raw=ep" ||
				echo "$t lacks the file capability cap_net_raw"
		done
		[ "$(id -u student)" = 47000 ] || echo "no user student (uid 47000)"
		for t in clang gcc cc make llc; do
			command -v $t >/dev/null && echo "build tool $t in the runtime image"
		done
		rescan --version'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ] || fail "$output"
	[[ $output == "rescan "* ]]
}

@test "entrypoint: --help exits 0 and names the capabilities to add" {
	run_lab --network none -- --help
	[ "$status" -eq 0 ]
	[[ $output == *"--cap-add NET_ADMIN --cap-add SYS_ADMIN"* ]]
}

@test "entrypoint: --help gives the lab's default name and the most students, as rescan knows them" {
	run_lab --network none -- --help
	[ "$status" -eq 0 ]
	[[ $output == *"-n, --name NAME     lab name (default rescan;"* ]]
	[[ $output == *"(default 32, at most 125)"* ]]
}

@test "entrypoint: an unknown option exits 2 with one line naming it" {
	run_lab --network none -- --no-such-option
	[ "$status" -eq 2 ]
	one_error_line
	[[ $output == *"unknown option '--no-such-option'"* ]]
}

@test "entrypoint: a mode that is neither self nor host exits 2 with one line" {
	run_lab --network none -- --mode sideways
	[ "$status" -eq 2 ]
	one_error_line
	[[ $output == *"--mode 'sideways'"* ]]
}

@test "entrypoint: more students than a lab has addresses for exits 2 with one line" {
	run_lab --network none -- --students 126
	[ "$status" -eq 2 ]
	one_error_line
	[[ $output == *"--students '126': give a number from 0 to 125"* ]]
}

@test "preflight: no capabilities -> one line naming both --cap-add flags" {
	run_lab --network none --
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"missing capabilities CAP_NET_ADMIN, CAP_SYS_ADMIN"* ]]
	[[ $output == *"add --cap-add NET_ADMIN --cap-add SYS_ADMIN"* ]]
}

@test "preflight: only NET_ADMIN -> names SYS_ADMIN alone" {
	run_lab --network none --cap-add NET_ADMIN --
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"missing capability CAP_SYS_ADMIN"* ]]
	[[ $output == *"add --cap-add SYS_ADMIN to docker run"* ]]
	[[ $output != *"NET_ADMIN"* ]]
}

@test "preflight: NET_RAW dropped -> names NET_RAW (the scanners need it)" {
	run_lab --network none "${CAPS[@]}" --cap-drop NET_RAW --
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"CAP_NET_RAW"*"--cap-add NET_RAW"* ]]
}

@test "world: a missing world file -> one line saying how to mount it" {
	run_lab --network none "${CAPS[@]}" -- --world /data/nope.world
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"world file /data/nope.world not found"*"-v "* ]]
}

@test "world: a corrupt world on a volume -> one line naming the file, nothing left" {
	printf 'this is no world\n' >"$BATS_TEST_TMPDIR/course.world"
	host_state >"$BATS_TEST_TMPDIR/host.before"
	run_lab --network none "${CAPS[@]}" -v "$BATS_TEST_TMPDIR:/world:ro" --
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"/world/course.world"*"not a valid world file"* ]]
	host_unchanged "$BATS_TEST_TMPDIR/host.before"
}

@test "world: two worlds in /world -> one line asking to choose" {
	touch "$BATS_TEST_TMPDIR/a.world" "$BATS_TEST_TMPDIR/b.world"
	run_lab --network none "${CAPS[@]}" -v "$BATS_TEST_TMPDIR:/world:ro" --
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"/world holds 2 world files"*"--world"* ]]
}

@test "world: an unknown synth spec -> one line from rescan" {
	run_lab --network none "${CAPS[@]}" -e RESCAN_WORLD=synth:x --
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"synth:x"* ]]
}

@test "memory: a limit the world cannot fit -> one line saying raise --memory" {
	host_state >"$BATS_TEST_TMPDIR/host.before"
	# The default world takes 430 MiB built and as much again in the
	# kernel: 600 MiB hold the first, not both.
	run_lab --network none "${CAPS[@]}" --memory 600m --
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"600 MiB limit"*"raise the limit (docker run --memory"* ]]
	host_unchanged "$BATS_TEST_TMPDIR/host.before"
}

@test "network: host mode without --network host -> one line" {
	run_lab --network none "${CAPS[@]}" -- --mode host
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"--network host"* ]]
}

@test "network: self mode refuses a namespace with links that are no container endpoints" {
	# A namespace of our own with a bridge in it stands in for the host's:
	# the appliance must refuse to take its links down.
	local holder
	holder=$(lab_run holder --network none --cap-add NET_ADMIN --entrypoint sh -- \
		-c 'ip link add rstbr0 type bridge && sleep 300')
	sleep 1
	run_lab --network "container:$holder" "${CAPS[@]}" --
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"rstbr0"*"--mode host"* ]]
	run dk exec "$holder" ip -br link show rstbr0
	[ "$status" -eq 0 ]
	dk rm -f "$holder" >/dev/null
}

@test "command mode: runs the command in the lab and exits with its status" {
	run_lab --network none "${CAPS[@]}" -- sh -c \
		'timeout 30 zmap -p 80 -q --cooldown-time=1 -o - 1.0.0.0/24 2>/dev/null | grep -c . ; exit 7'
	[ "$status" -eq 7 ]
	[[ ${lines[0]} == "rescan-lab: ready in "* ]]
	[ "${lines[1]}" -gt 0 ]
	[[ ${lines[2]} == "rescan-lab: stopped: "* ]]
}

@test "student: without NET_RAW -> one line naming it, exit 1" {
	run_lab --network none --cap-drop NET_RAW -- student
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"missing capability CAP_NET_RAW"*"--cap-add NET_RAW"* ]]
}

@test "student: without the appliance's class socket -> one line, exit 1" {
	run_lab --network none --user student --cap-drop ALL --cap-add NET_RAW \
		-e RESCAN_STUDENT_WAIT=2 -- student
	[ "$status" -eq 1 ]
	one_error_line
	[[ $output == *"no class socket at /run/rescan-class/join.sock"*"rescan-class:/run/rescan-class:ro"* ]]
}

@test "stop while the world is still loading: SIGTERM is handled (exit 0, not killed), nothing left" {
	local c t0 t1
	host_state >"$BATS_TEST_TMPDIR/host.before"
	c=$(lab_run loading --network none "${CAPS[@]}" --)
	sleep 1
	t0=$(date +%s%N)
	dk stop "$c" >/dev/null
	t1=$(date +%s%N)
	echo "# docker stop during the load took $(((t1 - t0) / 1000000)) ms" >&3
	[ "$(dk inspect -f '{{.State.ExitCode}}' "$c")" -eq 0 ]
	run dk logs "$c"
	[[ $output == *"rescan-lab: stopped"* ]] || fail "$output"
	host_unchanged "$BATS_TEST_TMPDIR/host.before"
}

@test "tty: a shell with the help text; leaving it takes the lab down with its status" {
	command -v script >/dev/null || skip "script(1) (util-linux) is not installed"
	run bash -c "printf 'echo in-the-lab \$(ip -o route show default)\nexit 5\n' |
		timeout 120 script -qec '$DOCKER run -it --rm --label $LABEL=$RUN_ID --network none ${CAPS[*]} $IMAGE' /dev/null"
	[ "$status" -eq 5 ] || fail "status $status: $output"
	[[ $output == *"rescan lab - a sealed virtual internet"* ]]
	[[ $output == *"in-the-lab default via 100.64.0.1 dev lab0"* ]]
	[[ $output == *"rescan-lab: stopped: lab 'rescan' down"* ]]
}
