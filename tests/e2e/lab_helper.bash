# SPDX-License-Identifier: GPL-2.0-only
# Shared setup for the lab end-to-end suites: paths, a unique lab name, and
# dataset generators whose expected results are computed here with awk and
# sort, never with rescan itself.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
RESCAN="$REPO/rescan"

# Unique per suite run, short enough for "<name>-scan"/"<name>-inet".
lab_name() {
	printf 't%s%05d' "$1" $(( $$ % 100000 ))
}

require_root_and_tools() {
	[ "$(id -u)" = 0 ] || { echo "# these tests need root (netns, XDP)" >&3; return 1; }
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "# missing tool: $t (apt-get install it)" >&3; return 1; }
	done
	[ -x "$RESCAN" ] || { echo "# $RESCAN not built (run make)" >&3; return 1; }
}

# N pseudo-random distinct addresses in 198.18.0.0/16 (benchmarking range),
# from a small LCG so the set is the same on every run; sorted, one per line.
random_hosts() {
	local n=$1 seed=$2
	awk -v n="$n" -v s="$seed" 'BEGIN {
		x = s; c = 0
		while (c < n) {
			x = (x * 1103515245 + 12345) % 2147483648
			h = int(x / 65536) % 65536
			if (!(h in seen)) { seen[h] = 1; c++; printf "198.18.%d.%d\n", int(h / 256), h % 256 }
		}
	}' | sort -u
}

# Expand "a.b.c.0/24" into its 256 addresses.
expand_24() {
	awk -F'[./]' '{ for (i = 0; i < 256; i++) printf "%s.%s.%s.%d\n", $1, $2, $3, i }' <<<"$1"
}

# Scans run ZMap with --cores 0: ZMap 2.1.1's validate_gen() shares a static
# buffer between its sender and receiver threads, so on two CPUs it throws
# away a few good replies (fixed upstream in 3.0; see bench/ANALYSIS.md).
# On one CPU the race remains where the scheduler switches threads in the
# middle of it: a probe leaves with a garbled validation field, the world
# answers it, and ZMap rejects the answer (about 1 in 10^4 replies at
# 50 kpps in CI). zmap_exact tells that apart from a loss of ours.

# Sum of one counter over the responder or scanner side of LAB.
lab_counter() {
	"$RESCAN" stats --name "$1" --json | jq ".$2.$3"
}

# zmap_exact LAB EXPECTED OUT REPLY_COUNTER RANGE ZMAP-ARGS...: ZMap scans
# RANGE in LAB (output to OUT); require its hosts to equal the sorted file EXPECTED.
# ZMap may miss at most 3 hosts, and only if the responder sent exactly one
# reply per expected host (REPLY_COUNTER: tx_synack or tx_echo_reply), lab0
# delivered every one, ZMap reported nothing extra, and a second scan of
# just the missed hosts finds each of them. That is ZMap's validation race
# above; anything else fails. Both cases are reported on fd 3.
zmap_exact() {
	local lab=$1 expected=$2 out=$3 counter=$4 range=$5
	shift 5
	scan_exact "$lab" "$expected" "$out" "$counter" zmap "$range" "$@"
}

# masscan_exact LAB EXPECTED OUT PORT RANGE MASSCAN-ARGS...: the same
# contract for masscan's list output (-oL) of one TCP port. masscan 1.3.2
# loses a delivered SYN-ACK now and then in its own receive path
# (bench/ANALYSIS.md §1), which the same rule tells apart from a loss of ours.
masscan_exact() {
	local lab=$1 expected=$2 out=$3 port=$4 range=$5
	shift 5
	scan_exact "$lab" "$expected" "$out" tx_synack "masscan:$port" "$range" "$@"
}

# scan_exact LAB EXPECTED OUT REPLY_COUNTER TOOL TARGET ARGS...: the rule of
# zmap_exact for TOOL "zmap" or "masscan:PORT".
scan_exact() {
	local lab=$1 expected=$2 out=$3 counter=$4 tool=$5 target=$6 tx0 rx0 tx rx n miss
	local rxc=rx_${counter#tx_}
	shift 6
	tx0=$(lab_counter "$lab" responder "$counter")
	rx0=$(lab_counter "$lab" scanner_side "$rxc")
	tool_scan "$lab" "$tool" "$out" "$target" "$@" || return 1
	tx=$(( $(lab_counter "$lab" responder "$counter") - tx0 ))
	rx=$(( $(lab_counter "$lab" scanner_side "$rxc") - rx0 ))
	tool_result "$tool" "$out" >"$out.got"
	assert_same_set "$expected" "$out.got" && return 0
	n=$(wc -l <"$expected")
	miss=$(comm -23 "$expected" "$out.got" | wc -l)
	if [ -n "$(comm -13 "$expected" "$out.got")" ] || [ "$miss" -gt 3 ] ||
	   [ "$tx" -ne "$n" ] || [ "$rx" -ne "$n" ]; then
		echo "responder $counter: $tx, lab0 $rxc: $rx, expected $n"
		lab_diagnostics "$lab"
		return 1
	fi
	comm -23 "$expected" "$out.got" >"$out.missed"
	# Tests that count the responder's replies add these.
	echo "$counter $miss" >>"$BATS_FILE_TMPDIR/reprobed"
	tool_scan "$lab" "$tool" "$out.again" "@$out.missed" "$@" || return 1
	tool_result "$tool" "$out.again" >"$out.again.got"
	assert_same_set "$out.missed" "$out.again.got" || { lab_diagnostics "$lab"; return 1; }
	if [ "$tool" = zmap ]; then
		set -- ZMap "ZMap 2.1.1's validation race"
	else
		set -- masscan "masscan's receive path"
	fi
	echo "# $1 missed $miss of $n hosts although the responder sent and lab0 delivered" \
		"all $n replies; a second scan of the missed hosts found each ($2)" >&3
}

# tool_scan LAB TOOL OUT TARGET ARGS...: one scan in LAB; TARGET is a range,
# or @FILE for just the hosts listed in FILE.
tool_scan() {
	local lab=$1 tool=$2 out=$3 target=$4
	shift 4
	case $tool in
	zmap)
		if [[ $target == @* ]]; then set -- "$@" -w "${target#@}"; else set -- "$@" "$target"; fi
		run timeout 120 "$RESCAN" lab exec --name "$lab" -- zmap "$@" -o "$out" ;;
	masscan:*)
		if [[ $target == @* ]]; then set -- -iL "${target#@}" "$@"; else set -- "$target" "$@"; fi
		run timeout 120 "$RESCAN" lab exec --name "$lab" -- masscan "$@" -p"${tool#masscan:}" -oL "$out" ;;
	esac
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

# tool_result TOOL FILE: the hosts TOOL found, sorted and de-duplicated.
tool_result() {
	case $1 in
	zmap) zmap_result "$2" ;;
	masscan:*) awk -v p="${1#masscan:}" '$1 == "open" && $2 == "tcp" && $3 == p { print $4 }' "$2" | sort -u ;;
	esac
}

# Sorted, de-duplicated addresses from a ZMap output file (header or not).
zmap_result() {
	grep -v '^saddr' "$1" | sort -u
}

# A ZMap blocklist that allows everything but the lab network: tests scan
# the benchmarking range, which ZMap's default blocklist excludes.
write_blocklist() {
	printf '100.64.0.0/10\n' >"$1"
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

# On a failed comparison: where did packets go? Responder and scanner-side
# counters, and the veth drivers' own counters on both ends.
lab_diagnostics() {
	local lab=$1
	# The scanner's own summary (ZMap reports pcap drops there).
	echo "--- scanner's last lines"
	echo "${output:-}" | tail -3
	echo "--- rescan stats --name $lab"
	"$RESCAN" stats --name "$lab" 2>&1
	if command -v ethtool >/dev/null; then
		echo "--- ethtool -S lab0 (scanner side), non-zero"
		"$RESCAN" lab exec --name "$lab" -- ethtool -S lab0 2>&1 | awk '$NF != 0'
		echo "--- ethtool -S inet0 (internet side), non-zero"
		ip netns exec "$lab-inet" ethtool -S inet0 2>&1 | awk '$NF != 0'
	fi
	echo "--- load: $(cat /proc/loadavg)"
}
