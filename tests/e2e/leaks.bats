#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# No leak and no memory error in the CLI: rescan built with AddressSanitizer,
# LeakSanitizer and UBSan (.output/rescan-asan, make test-build) compiles,
# opens and exports worlds, grades, and brings labs up and down around a
# real scan, its monitor with it (lab up starts the same binary); error
# paths too. Every report, from any of its processes, is written to a file
# in this suite's directory (ASAN_OPTIONS log_path): a test passes when its
# commands exit as they should and no report file appears.

bats_require_minimum_version 1.5.0

load lab_helper

setup_file() {
	require_root_and_tools zmap gzip zstd
	export RA="$REPO/.output/rescan-asan"
	[ -x "$RA" ] || { echo "# $RA not built (make test-build)" >&3; return 1; }
	export LAB=$(lab_name lk)
	export D="$BATS_FILE_TMPDIR"
	mkdir -p "$D/asan"
	# Reports go to files (the monitor's stderr is its log); a leak also
	# fails the command's exit status (LeakSanitizer's 23).
	export ASAN_OPTIONS="log_path=$D/asan/report:detect_leaks=1:halt_on_error=1"
	export UBSAN_OPTIONS="log_path=$D/asan/report:print_stacktrace=1:halt_on_error=1"
	random_hosts 300 7 >"$D/http.txt"
	random_hosts 200 8 >"$D/closed.txt"
	awk 'BEGIN { print "saddr,classification,success" } { print $1 ",synack,1" }' \
		"$D/http.txt" | gzip >"$D/http.csv.gz"
	awk '{ print "closed tcp 22 " $1 " 1700000000" }' "$D/closed.txt" | zstd -q >"$D/ssh.lst.zst"
	write_blocklist "$D/blocklist"
	# The labs' world, compiled by the plain build: each test runs alone too.
	"$RESCAN" world compile -o "$D/k.world" tcp/80="$D/http.txt" 'tcp/*'="$D/closed.txt" 2>/dev/null
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
}

# No sanitizer report from any process since the suite began.
no_reports() {
	local r
	for r in "$D"/asan/report*; do
		[ -e "$r" ] || continue
		echo "--- $r"
		head -40 "$r"
		return 1
	done
}

@test "world compile, info, export and grade: no leak, no report" {
	run -0 "$RA" world compile -o "$D/c.world" tcp/80="$D/http.csv.gz" tcp/22:closed="$D/ssh.lst.zst" \
		'tcp/*'="$D/closed.txt"
	run -0 "$RA" world info "$D/c.world"
	run -0 "$RA" world info --json "$D/c.world"
	run -0 "$RA" world export "$D/c.world" tcp/80 198.18.0.0/16
	[ "${#lines[@]}" -eq 300 ]
	run -0 "$RA" world export --state closed "$D/c.world" tcp/443 198.18.0.0/16
	[ "${#lines[@]}" -eq 200 ]
	run -0 "$RA" grade --world "$D/c.world" --service tcp/80 --range 198.18.0.0/16 --json "$D/http.csv.gz"
	no_reports
}

@test "the default world: synth, info and export of synth:1, no leak" {
	run -0 "$RA" world synth -o "$D/s.world"
	run -0 "$RA" world info synth:1
	run -0 "$RA" world export "$D/s.world" tcp/80 41.1.0.0/24
	no_reports
}

@test "lab up, status, stats, a ZMap scan, stats --json, top --once, lab down: no leak, its monitor's neither" {
	run -0 "$RA" lab up --name "$LAB" --world "$D/k.world"
	run -0 "$RA" lab status --name "$LAB"
	[[ "$output" == *"monitor=running"* ]]
	run -0 "$RA" stats --name "$LAB"
	"$RA" lab exec --name "$LAB" -- zmap --cores 0 -p 80 -r 20000 -c 1 -b "$D/blocklist" \
		-o "$D/scan.txt" 198.18.0.0/16 3>&- 2>/dev/null
	# It scanned: web servers found, nothing else.
	[ -s "$D/scan.txt" ]
	[ -z "$(sort "$D/scan.txt" | comm -23 - "$D/http.txt")" ]
	run -0 "$RA" stats --name "$LAB" --json
	run -0 "$RA" top --name "$LAB" --once --interval 200
	run -0 "$RA" lab down --name "$LAB"
	! ip netns list | grep "^$LAB-" || fail "lab down left namespaces (above)"
	no_reports
}

@test "a class, and labs on the default world, up and down again: no leak" {
	local i
	run -0 "$RA" lab up --name "$LAB" --world "$D/k.world" --students 3 --student-rate 10000
	run -0 "$RA" stats --name "$LAB" --json
	run -0 "$RA" lab down --name "$LAB"
	for i in 1 2; do
		run -0 "$RA" lab up --name "$LAB"
		run -0 "$RA" lab down --name "$LAB"
	done
	no_reports
}

@test "the error paths: a bad dataset, a corrupt world, a lab up twice, a lab down of none: no leak" {
	printf 'saddr,success\n198.18.0.1,1\n198.18.0.300,1\n' >"$D/bad.csv"
	run -1 "$RA" world compile -o "$D/bad.world" tcp/80="$D/bad.csv"
	[[ "$output" == *"bad.csv:3:"* ]]
	cp "$D/k.world" "$D/corrupt.world"
	printf 'x' | dd of="$D/corrupt.world" bs=1 seek=200 conv=notrunc status=none
	run -1 "$RA" world info "$D/corrupt.world"
	run -1 "$RA" lab up --name "$LAB" --world "$D/corrupt.world"
	[[ "$output" == *"checksum"* ]]
	run -0 "$RA" lab up --name "$LAB" --world "$D/k.world" --no-monitor
	run -3 "$RA" lab up --name "$LAB" --world "$D/k.world"
	run -0 "$RA" lab down --name "$LAB"
	run -3 "$RA" lab down --name "$LAB"
	run -2 "$RA" world export
	no_reports
}
