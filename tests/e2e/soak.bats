#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# `make soak` in small: scripts/soak.sh over a /14 (2 probes per address,
# a world swap every second) must pass every check it makes: no probe or
# answer lost, nothing leaked, counters consistent. The full run (100 M
# probes) is `make soak`, recorded in bench/soak/.

bats_require_minimum_version 1.5.0

load lab_helper

setup() {
	require_root_and_tools zmap jq bpftool
}

@test "a short soak: every probe counted and answered, swaps leak nothing" {
	export SOAK_OUT=$BATS_TEST_TMPDIR/soak
	SOAK_RANGE=20.0.0.0/14 SOAK_PROBES_PER_HOST=2 SOAK_SWAP=1 run "$REPO/scripts/soak.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "soak: passed: 524288 probes, $(grep -c loaded "$SOAK_OUT/swaps.txt") world swaps" ]
	# Ten checks, each passed.
	[ "$(grep -c '^soak: ok ' <<<"$output")" -eq 10 ]
	! grep FAIL <<<"$output" || fail "soak lines with FAIL (above)"
}
