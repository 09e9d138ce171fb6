#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# Bad input gets one clear line, the documented exit code, and leaves
# nothing behind: no world file, no namespace, no pinned map.

bats_require_minimum_version 1.5.0

load lab_helper

# Every subcommand, as a user types it.
COMMANDS=("world compile" "world synth" "world info" "world export"
	"lab up" "lab down" "lab exec" "lab status" "lab preflight" "lab env"
	"lab scanner-config" "lab monitor" "stats" "top" "grade")

setup_file() {
	require_root_and_tools ip
	export LAB=$(lab_name e)
	export D="$BATS_FILE_TMPDIR"
	printf '198.18.0.1\n' >"$D/one.txt"
	"$RESCAN" world compile -o "$D/ok.world" tcp/80="$D/one.txt" 2>/dev/null
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	"$RESCAN" lab down --name "${LAB}x" >/dev/null 2>&1 || true
}

nothing_left() {
	! ip netns list | grep "^$LAB-" || fail "namespaces of the lab left (above)"
	[ ! -e "/sys/fs/bpf/rescan/$LAB" ]
	[ ! -e "/run/rescan/$LAB" ]
}

# One line on stderr, naming the command; nothing on stdout.
one_usage_line() {
	local what=$1
	[ "${#lines[@]}" -eq 1 ] || { echo "expected one line, got: $output"; return 1; }
	[[ "$output" == "rescan: $what"* ]] || { echo "expected 'rescan: $what...', got: $output"; return 1; }
}

@test "rescan without a command prints its usage and exits 2" {
	run -2 "$RESCAN"
	[[ "$output" == *"usage: rescan COMMAND"* ]]
}

@test "an unknown command is named, exit 2" {
	run -2 "$RESCAN" frobnicate
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
}

@test "an unknown subcommand is named, exit 2" {
	run -2 "$RESCAN" world frobnicate
	[[ "$output" == *"unknown world command 'frobnicate'"* ]]
}

@test "--help works for every command and subcommand, exit 0" {
	local c
	for c in "" "world" "lab" "${COMMANDS[@]}"; do
		run -0 "$RESCAN" $c --help
		[[ "$output" == *"usage: rescan"* ]] || { echo "rescan $c --help: $output"; false; }
	done
}

@test "every subcommand's --help lists --help among its options" {
	local c
	for c in "${COMMANDS[@]}"; do
		run -0 "$RESCAN" $c --help
		[[ "$output" == *"-h, --help"* ]] || { echo "rescan $c --help: $output"; false; }
	done
}

@test "every subcommand refuses an unknown long option with one line, exit 2" {
	local c
	for c in "${COMMANDS[@]}"; do
		run -2 --separate-stderr "$RESCAN" $c --no-such-option
		[ -z "$output" ]
		output=$stderr lines=("${stderr_lines[@]}")
		one_usage_line "$c: unknown option '--no-such-option'"
	done
}

@test "every subcommand refuses an unknown short option with one line, exit 2" {
	local c
	for c in "${COMMANDS[@]}"; do
		run -2 --separate-stderr "$RESCAN" $c -Z
		[ -z "$output" ]
		output=$stderr lines=("${stderr_lines[@]}")
		one_usage_line "$c: unknown option '-Z'"
	done
}

@test "an option without its value is named, exit 2" {
	run -2 "$RESCAN" world compile -o
	one_usage_line "world compile: -o/--output needs a value (FILE)"
}

@test "a missing required option is named, exit 2" {
	run -2 "$RESCAN" world synth
	one_usage_line "world synth: -o/--output FILE is required"
}

@test "a seed that is not a number is refused, exit 2" {
	run -2 "$RESCAN" world synth --seed 12x -o "$D/s.world"
	one_usage_line "world synth: -s/--seed '12x' is not a whole decimal number"
	[ ! -e "$D/s.world" ]
}

@test "world compile without SERVICE=FILE exits 2 and writes nothing" {
	run -2 "$RESCAN" world compile -o "$D/x.world"
	one_usage_line "world compile: expected SERVICE[:STATE]=FILE..."
	[ ! -e "$D/x.world" ]
}

@test "world compile names a port out of range, exit 2" {
	run -2 "$RESCAN" world compile -o "$D/x.world" tcp/99999="$D/none"
	[[ "$output" == *"tcp/99999"* ]]
	[ ! -e "$D/x.world" ]
}

@test "world compile names an unknown service, exit 2" {
	run -2 "$RESCAN" world compile -o "$D/x.world" smtp="$D/none"
	[[ "$output" == *"unknown service 'smtp'"* ]]
	[ ! -e "$D/x.world" ]
}

@test "world info without a WORLD exits 2" {
	run -2 "$RESCAN" world info
	one_usage_line "world info: expected WORLD"
}

@test "world info with a second argument names it, exit 2" {
	run -2 "$RESCAN" world info "$D/ok.world" extra
	one_usage_line "world info: unexpected argument 'extra'"
}

@test "world export needs WORLD and SERVICE, exit 2" {
	run -2 "$RESCAN" world export "$D/ok.world"
	one_usage_line "world export: expected WORLD SERVICE [CIDR...]"
}

@test "world export names a range that is not a CIDR block, exit 2" {
	run -2 "$RESCAN" world export "$D/ok.world" tcp/80 198.18.0
	one_usage_line "world export: '198.18.0' is not an IPv4 address or CIDR block"
}

@test "world export names a service the world lacks, exit 1" {
	run -1 "$RESCAN" world export "$D/ok.world" tcp/443
	[[ "$output" == *"has no service tcp/443"* ]]
}

@test "a malformed dataset line names file and line, writes no world" {
	printf '198.18.0.1\n198.18.0.2\n198.18.0.300\n' >"$D/bad.txt"
	run -1 "$RESCAN" world compile -o "$D/bad.world" tcp/80="$D/bad.txt"
	[[ "$output" == *"$D/bad.txt:3"* ]]
	[ -z "$(ls "$D" | grep 'bad.world')" ]
}

@test "a missing dataset is named" {
	run -1 "$RESCAN" world compile -o "$D/m.world" tcp/80="$D/does-not-exist.csv"
	[[ "$output" == *"does-not-exist.csv"* ]]
	[ ! -e "$D/m.world" ]
}

@test "a world with one flipped byte is refused by lab up for its checksum, nothing left" {
	cp "$D/ok.world" "$D/corrupt.world"
	printf '\x55' | dd of="$D/corrupt.world" bs=1 seek=200 conv=notrunc 2>/dev/null
	run -1 "$RESCAN" lab up --name "$LAB" --world "$D/corrupt.world"
	[[ "$output" == *"corrupt.world"*"checksum"* ]]
	nothing_left
}

@test "a truncated world is refused by lab up and named, nothing left" {
	head -c 100 "$D/ok.world" >"$D/short.world"
	run -1 "$RESCAN" lab up --name "$LAB" --world "$D/short.world"
	[[ "$output" == *"short.world"* ]]
	nothing_left
}

@test "a file that is not a world is refused by lab up, nothing left" {
	run -1 "$RESCAN" lab up --name "$LAB" --world "$D/one.txt"
	[[ "$output" == *"not a valid world file"* ]]
	nothing_left
}

@test "lab down with nothing up exits 3" {
	run -3 "$RESCAN" lab down --name "$LAB"
	[[ "$output" == *"no lab '$LAB' is up"* ]]
}

@test "lab exec without a lab exits 3" {
	run -3 "$RESCAN" lab exec --name "$LAB" -- true
	[[ "$output" == *"no lab '$LAB' is up"* ]]
}

@test "stats without a lab exits 3" {
	run -3 "$RESCAN" stats --name "$LAB"
	[[ "$output" == *"no lab '$LAB' is up"* ]]
}

@test "lab status of a lab that is down says so, exit 3" {
	run -3 "$RESCAN" lab status --name "$LAB"
	[[ "$output" == *"lab '$LAB' is down"* ]]
}

@test "lab up then down removes namespaces, pins and state" {
	run -0 "$RESCAN" lab up --name "$LAB" --world "$D/ok.world"
	ip netns list | grep -q "^$LAB-scan"
	ip netns list | grep -q "^$LAB-inet"
	[ -e "/sys/fs/bpf/rescan/$LAB/counters" ]
	run -0 "$RESCAN" lab status --name "$LAB"
	[[ "$output" == *"world=$D/ok.world"* ]]
	run -0 "$RESCAN" lab down --name "$LAB"
	nothing_left
	[ ! -e "/etc/netns/$LAB-scan" ]
}

@test "lab up --metrics that is no ADDR:PORT is a usage error, nothing created" {
	local bad
	for bad in localhost:9100 127.0.0.1 127.0.0.1:65536 "[::1:9100" 9100; do
		run -2 "$RESCAN" lab up --name "$LAB" --world "$D/ok.world" --metrics "$bad"
		one_usage_line "lab up: --metrics '$bad' is no ADDR:PORT to listen on"
		nothing_left
	done
	run -2 "$RESCAN" lab up --name "$LAB" --metrics 127.0.0.1:9100 --no-monitor
	one_usage_line "lab up: --metrics and --no-monitor exclude each other"
}

@test "lab up --metrics on a port in use names it in one line, exit 1, nothing created" {
	local port
	# Another lab's monitor holds the port.
	"$RESCAN" lab up --name "${LAB}x" --world "$D/ok.world" --metrics 127.0.0.1:0 >/dev/null
	port=$("$RESCAN" lab status --name "${LAB}x" | sed -n 's/^monitor_listen=127.0.0.1://p')
	run -1 "$RESCAN" lab up --name "$LAB" --world "$D/ok.world" --metrics "127.0.0.1:$port"
	"$RESCAN" lab down --name "${LAB}x" >/dev/null
	one_usage_line "cannot listen on 127.0.0.1:$port: Address already in use"
	nothing_left
	# An address no interface here has.
	run -1 "$RESCAN" lab up --name "$LAB" --world "$D/ok.world" --metrics 192.0.2.1:9100
	one_usage_line "cannot listen on 192.0.2.1:9100: Cannot assign requested address"
	nothing_left
}

@test "lab monitor: a bad --listen is a usage error, no lab exits 3" {
	run -2 "$RESCAN" lab monitor --name "$LAB" --listen nowhere
	one_usage_line "lab monitor: --listen 'nowhere' is no ADDR:PORT to listen on"
	run -2 "$RESCAN" lab monitor --name "$LAB" --interval 10
	one_usage_line "lab monitor: -i/--interval takes 100 to 3600000, not 10"
	run -3 "$RESCAN" lab monitor --name "$LAB"
	one_usage_line "no lab '$LAB' is up"
}

@test "a lab name with characters outside a-z, 0-9 and '-' is a usage error" {
	run -2 "$RESCAN" lab up --name "Bad_Name"
	[[ "$output" == *"Bad_Name"* ]]
	nothing_left
}

@test "a lab name too long for its namespaces is a usage error" {
	run -2 "$RESCAN" lab up --name "much-too-long-name"
	[[ "$output" == *"much-too-long-name"* ]]
	nothing_left
}

@test "--iface without --here is a usage error" {
	run -2 "$RESCAN" lab up --name "$LAB" --iface foo0
	one_usage_line "lab up: --iface only applies with --here"
	nothing_left
}

@test "without CAP_SYS_ADMIN lab up names it in one line, exit 1, nothing created" {
	command -v setpriv >/dev/null || { echo "setpriv (util-linux) missing"; false; }
	run -1 setpriv --bounding-set -sys_admin,-bpf,-perfmon --inh-caps=-all \
		"$RESCAN" lab up --name "$LAB" --world synth:1
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"missing capability CAP_SYS_ADMIN (SYS_ADMIN: "*"--cap-add SYS_ADMIN"* ]]
	nothing_left
}

@test "without CAP_NET_ADMIN lab up names it, exit 1, nothing created" {
	command -v setpriv >/dev/null || { echo "setpriv (util-linux) missing"; false; }
	run -1 setpriv --bounding-set -net_admin --inh-caps=-all "$RESCAN" lab up --name "$LAB"
	[[ "$output" == *"CAP_NET_ADMIN"* ]]
	nothing_left
}

@test "world compile names an unknown state, exit 2" {
	echo 192.0.2.1 >"$D/a.txt"
	run -2 "$RESCAN" world compile -o "$D/x.world" tcp/80:shut="$D/a.txt"
	one_usage_line "unknown state 'shut' (open, closed or filtered)"
	[ ! -e "$D/x.world" ]
}

@test "world compile refuses states a service cannot have, exit 2" {
	echo 192.0.2.1 >"$D/a.txt"
	run -2 "$RESCAN" world compile -o "$D/x.world" icmp:closed="$D/a.txt"
	one_usage_line "service icmp: an ICMP request is answered or not; it has no closed hosts"
	run -2 "$RESCAN" world compile -o "$D/x.world" "tcp/*:open=$D/a.txt"
	one_usage_line "service tcp/*: the policy for unlisted ports has closed hosts only, not open"
	[ ! -e "$D/x.world" ]
}
