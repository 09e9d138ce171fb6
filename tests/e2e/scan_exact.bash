# SPDX-License-Identifier: GPL-2.0-only
# scan_exact.bash - "the scanner found exactly the world's hosts", for a lab
# made by `rescan lab up` (lab_helper.bash) and for the appliance in Docker
# (docker_helper.bash) alike. The file that loads this one says how to
# reach its lab through five hooks:
#   lab_exec LAB CMD...            run CMD where the lab's scanner runs
#   lab_stats LAB                  `rescan stats --json` of the lab
#   lab_cat LAB FILE               a file as the scanner sees it, to stdout
#   lab_put LAB FILE               stdin into a file the scanner can read
#   lab_diagnostics LAB            where packets went, after a failure
#
# Scans run ZMap on one CPU (--cores 0, or the lab's zmap.conf): ZMap
# 2.1.1's validate_gen() shares a static buffer between its sender and
# receiver threads, so on two CPUs it throws away a few good replies (fixed
# upstream in 3.0; see bench/ANALYSIS.md). On one CPU the race remains
# where the scheduler switches threads in the middle of it: a probe leaves
# with a garbled validation field, the world answers it, and ZMap rejects
# the answer (rarely: bench/ANALYSIS.md §1 has the rates). The rule below
# tells that apart from a loss of ours. masscan has no such race, so it
# must find every host.

# zmap_exact LAB EXPECTED OUT REPLY_COUNTER RANGE ZMAP-ARGS...: ZMap scans
# RANGE in LAB (output to OUT, a path the scanner sees); require its hosts
# to equal the sorted file EXPECTED. ZMap may miss at most 3 hosts, and
# only if the responder sent exactly one reply per expected host
# (REPLY_COUNTER: tx_synack or tx_echo_reply), lab0 delivered every one,
# ZMap reported nothing extra, and a second scan of just the missed hosts
# finds each of them. Anything else fails. Both cases are reported on fd 3.
zmap_exact() {
	local lab=$1 expected=$2 out=$3 counter=$4 range=$5
	shift 5
	scan_exact "$lab" "$expected" "$out" "$counter" zmap "$range" "$@"
}

# masscan_exact LAB EXPECTED OUT PORT RANGE MASSCAN-ARGS...: masscan's list
# output (-oL) of one TCP port must hold exactly EXPECTED's hosts: lab0
# does no offloads, so masscan's capture ring holds over a thousand
# replies (src/lab_datapath.h, bench/ANALYSIS.md §1).
masscan_exact() {
	local lab=$1 expected=$2 out=$3 port=$4 range=$5
	shift 5
	scan_exact "$lab" "$expected" "$out" tx_synack "masscan:$port" "$range" "$@"
}

# The address a lab's scanner sends from, in `rescan lab up` and in the
# appliance alike (a class's students: their own; set it per call).
SCAN_SOURCE=100.64.0.2

# reply_counts LAB COUNTER: three numbers from the lab's counters: the
# replies the responder sent to the scanner's address, those it sent in
# all (the appliance's health check probes too), and those lab0 delivered.
reply_counts() {
	lab_stats "$1" | jq -r --arg s "$SCAN_SOURCE" --arg c "$2" --arg r "rx_${2#tx_}" \
		'"\(.sources[$s][$c] // 0) \(.responder[$c]) \(.scanner_side[$r])"'
}

# scan_exact LAB EXPECTED OUT REPLY_COUNTER TOOL TARGET ARGS...: the rule of
# zmap_exact for TOOL "zmap" or "masscan:PORT".
scan_exact() {
	local lab=$1 expected=$2 out=$3 counter=$4 tool=$5 target=$6 before
	shift 6
	before=$(reply_counts "$lab" "$counter")
	tool_scan "$lab" "$tool" "$out" "$target" "$@" || return 1
	scan_verify "$lab" "$expected" "$out" "$counter" "$tool" "$before" "$@"
}

# scan_verify LAB EXPECTED OUT REPLY_COUNTER TOOL BEFORE ARGS...: the rule
# for a scan that has already run, BEFORE being `reply_counts` from before
# it; for scans of several scanners at once, each scanner's address in
# SCAN_SOURCE. ARGS are the scan's own, for the second scan of the missed
# hosts. Its own files go next to the test's (BATS_TEST_TMPDIR), named
# after OUT but never OUT's own.
scan_verify() {
	local lab=$1 expected=$2 out=$3 counter=$4 tool=$5 n miss max_miss
	local w=$BATS_TEST_TMPDIR/scan_exact.${3##*/} mine0 all0 rx0 mine all rx
	read -r mine0 all0 rx0 <<<"$6"
	shift 6
	read -r mine all rx < <(reply_counts "$lab" "$counter")
	mine=$((mine - mine0)) all=$((all - all0)) rx=$((rx - rx0))
	lab_cat "$lab" "$out" | tool_hosts "$tool" >"$w.got"
	assert_same_set "$expected" "$w.got" && return 0
	n=$(wc -l <"$expected")
	miss=$(comm -23 "$expected" "$w.got" | wc -l)
	# A reply may have been between the two maps when they were read (the
	# appliance's health check, another student's scan).
	if [ "$rx" -ne "$all" ]; then
		sleep 1
		read -r mine all rx < <(reply_counts "$lab" "$counter")
		mine=$((mine - mine0)) all=$((all - all0)) rx=$((rx - rx0))
	fi
	max_miss=3
	[ "$tool" = zmap ] || max_miss=0
	if [ -n "$(comm -13 "$expected" "$w.got")" ] || [ "$miss" -gt "$max_miss" ] ||
	   [ "$mine" -ne "$n" ] || [ "$rx" -ne "$all" ]; then
		echo "responder $counter to $SCAN_SOURCE: $mine of $n expected;" \
			"in all $all, lab0 delivered $rx"
		lab_diagnostics "$lab"
		return 1
	fi
	comm -23 "$expected" "$w.got" >"$w.missed"
	lab_put "$lab" "$out.missed" <"$w.missed"
	# Tests that count the responder's replies add these.
	echo "$counter $miss $SCAN_SOURCE" | tee -a "$BATS_TEST_TMPDIR/reprobed" >>"$BATS_FILE_TMPDIR/reprobed"
	tool_scan "$lab" "$tool" "$out.again" "@$out.missed" "$@" || return 1
	lab_cat "$lab" "$out.again" | tool_hosts "$tool" >"$w.again.got"
	assert_same_set "$w.missed" "$w.again.got" || { lab_diagnostics "$lab"; return 1; }
	echo "# ZMap missed $miss of $n hosts although the responder sent and lab0 delivered" \
		"all $n replies; a second scan of the missed hosts found each (ZMap 2.1.1's" \
		"validation race)" >&3
}

# reprobed [-t] COUNTER [SOURCE]: how many replies of COUNTER the second
# scans of scan_verify asked for in this file's tests (-t: in this test),
# from SOURCE only if given.
reprobed() {
	local dir=$BATS_FILE_TMPDIR
	[ "$1" = -t ] && { dir=$BATS_TEST_TMPDIR; shift; }
	awk -v c="$1" -v s="${2:-}" '$1 == c && (s == "" || $3 == s) { n += $2 } END { print n + 0 }' \
		"$dir/reprobed" 2>/dev/null || echo 0
}

# tool_scan LAB TOOL OUT TARGET ARGS...: one scan in LAB; TARGET is a range,
# or @FILE for just the hosts listed in FILE (a path the scanner sees).
tool_scan() {
	local lab=$1 tool=$2 out=$3 target=$4
	shift 4
	case $tool in
	zmap)
		if [[ $target == @* ]]; then set -- "$@" -w "${target#@}"; else set -- "$@" "$target"; fi
		run lab_exec "$lab" timeout 120 zmap "$@" -o "$out" ;;
	masscan:*)
		if [[ $target == @* ]]; then set -- -iL "${target#@}" "$@"; else set -- "$target" "$@"; fi
		run lab_exec "$lab" timeout 120 masscan "$@" -p"${tool#masscan:}" -oL "$out" ;;
	esac
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

# tool_lines TOOL: the host of each result in TOOL's output on stdin
# (ZMap's, with a header line or not, saddr first), in the scanner's order.
tool_lines() {
	case $1 in
	zmap) grep -v '^saddr' | cut -d, -f1 ;;
	masscan:*) awk -v p="${1#masscan:}" '$1 == "open" && $2 == "tcp" && $3 == p { print $4 }' ;;
	esac
}

# tool_hosts TOOL: the same, sorted and de-duplicated.
tool_hosts() {
	tool_lines "$1" | sort -u
}

# Fail with the differences shown if two sorted files differ.
assert_same_set() {
	local expected=$1 got=$2
	local fn fp
	fn=$(comm -23 "$expected" "$got" | wc -l)
	fp=$(comm -13 "$expected" "$got" | wc -l)
	if [ "$fn" -ne 0 ] || [ "$fp" -ne 0 ]; then
		echo "expected $(wc -l <"$expected") hosts, got $(wc -l <"$got"): $fn missing, $fp extra"
		comm -3 "$expected" "$got" | head -20
		return 1
	fi
}
