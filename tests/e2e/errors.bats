#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# Bad input gets one clear line, the documented exit code, and leaves
# nothing behind: no world file, no namespace, no pinned map.

load lab_helper

setup_file() {
	require_root_and_tools ip
	export LAB=$(lab_name e)
	export D="$BATS_FILE_TMPDIR"
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
}

nothing_left() {
	! ip netns list | grep -q "^$LAB-"
	[ ! -e "/sys/fs/bpf/rescan/$LAB" ]
	[ ! -e "/run/rescan/$LAB" ]
}

@test "usage errors exit 2" {
	run "$RESCAN"
	[ "$status" -eq 2 ]
	run "$RESCAN" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
	run "$RESCAN" world compile -o "$D/x.world"
	[ "$status" -eq 2 ]
	run "$RESCAN" world compile -o "$D/x.world" tcp/99999="$D/none"
	[ "$status" -eq 2 ]
	[[ "$output" == *"tcp/99999"* ]]
	run "$RESCAN" world compile -o "$D/x.world" smtp="$D/none"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown service 'smtp'"* ]]
	[ ! -e "$D/x.world" ]
}

@test "--help works for every command and subcommand" {
	for c in "" "world" "lab" "world compile" "world synth" "world info" "world export" \
		"lab up" "lab down" "lab exec" "lab status" "stats"; do
		run "$RESCAN" $c --help
		[ "$status" -eq 0 ] || { echo "rescan $c --help: exit $status"; false; }
		[[ "$output" == *usage:* ]]
	done
}

@test "a malformed dataset line names file and line, writes no world" {
	printf '198.18.0.1\n198.18.0.2\n198.18.0.300\n' >"$D/bad.txt"
	run "$RESCAN" world compile -o "$D/bad.world" tcp/80="$D/bad.txt"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$D/bad.txt:3"* ]]
	[ ! -e "$D/bad.world" ]
	[ -z "$(ls "$D" | grep 'bad.world')" ]
}

@test "a missing dataset is named" {
	run "$RESCAN" world compile -o "$D/m.world" tcp/80="$D/does-not-exist.csv"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does-not-exist.csv"* ]]
	[ ! -e "$D/m.world" ]
}

@test "a corrupt world is refused by lab up, which leaves nothing behind" {
	printf '198.18.0.1\n' >"$D/one.txt"
	"$RESCAN" world compile -o "$D/ok.world" tcp/80="$D/one.txt"
	cp "$D/ok.world" "$D/corrupt.world"
	# Flip one byte in the payload: the checksum must catch it.
	printf '\x55' | dd of="$D/corrupt.world" bs=1 seek=200 conv=notrunc 2>/dev/null
	run "$RESCAN" lab up --name "$LAB" --world "$D/corrupt.world"
	[ "$status" -eq 1 ]
	[[ "$output" == *"corrupt.world"*"checksum"* ]]
	nothing_left
	head -c 100 "$D/ok.world" >"$D/short.world"
	run "$RESCAN" lab up --name "$LAB" --world "$D/short.world"
	[ "$status" -eq 1 ]
	[[ "$output" == *"short.world"* ]]
	nothing_left
	run "$RESCAN" lab up --name "$LAB" --world "$D/one.txt"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a valid world file"* ]]
	nothing_left
}

@test "lab down with nothing up, and exec/stats without a lab, exit 3" {
	run "$RESCAN" lab down --name "$LAB"
	[ "$status" -eq 3 ]
	[[ "$output" == *"no lab '$LAB' is up"* ]]
	run "$RESCAN" lab exec --name "$LAB" -- true
	[ "$status" -eq 3 ]
	run "$RESCAN" stats --name "$LAB"
	[ "$status" -eq 3 ]
}

@test "lab up then down removes namespaces, pins and state" {
	run "$RESCAN" lab up --name "$LAB" --world "$D/ok.world"
	[ "$status" -eq 0 ]
	ip netns list | grep -q "^$LAB-scan"
	ip netns list | grep -q "^$LAB-inet"
	[ -e "/sys/fs/bpf/rescan/$LAB/counters" ]
	run "$RESCAN" lab status --name "$LAB"
	[ "$status" -eq 0 ]
	[[ "$output" == *"world=$D/ok.world"* ]]
	run "$RESCAN" lab down --name "$LAB"
	[ "$status" -eq 0 ]
	nothing_left
	[ ! -e "/etc/netns/$LAB-scan" ]
}

@test "a bad lab name is a usage error" {
	run "$RESCAN" lab up --name "Bad_Name"
	[ "$status" -eq 2 ]
	run "$RESCAN" lab up --name "much-too-long-name"
	[ "$status" -eq 2 ]
}

@test "missing capabilities: one line naming them, exit 1, nothing created" {
	command -v setpriv >/dev/null || { echo "setpriv (util-linux) missing"; false; }
	run setpriv --bounding-set -sys_admin,-bpf,-perfmon --inh-caps=-all \
		"$RESCAN" lab up --name "$LAB" --world synth:1
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"missing capability CAP_SYS_ADMIN (or CAP_BPF)"*"--cap-add SYS_ADMIN"* ]]
	nothing_left
	run setpriv --bounding-set -net_admin --inh-caps=-all "$RESCAN" lab up --name "$LAB"
	[ "$status" -eq 1 ]
	[[ "$output" == *"CAP_NET_ADMIN"* ]]
	nothing_left
}
