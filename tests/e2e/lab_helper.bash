# SPDX-License-Identifier: GPL-2.0-only
# Shared setup for the lab end-to-end suites: paths, a unique lab name, and
# dataset generators whose expected results are computed here with awk and
# sort, never with rescan itself.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
RESCAN="$REPO/rescan"
# Labs keep their results after lab down (the monitor's timeline.csv, the
# students' files): a suite's go with its own temporary directory, not to
# /var/lib/rescan. A suite whose students must reach theirs sets its own.
export RESCAN_RESULTS_DIR=${RESCAN_RESULTS_DIR:-$BATS_FILE_TMPDIR/results}

# Unique per suite run, short enough for "<name>-scan"/"<name>-inet".
lab_name() {
	printf 't%s%05d' "$1" $(( $$ % 100000 ))
}

# fail LINE...: say what was found, then fail. Bash ignores errexit for a
# command negated with "!", so a negated check is written "! cmd || fail ...":
# alone, it would assert nothing unless it is the test's last command.
fail() {
	printf '%s\n' "$@" >&2
	return 1
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

# The hooks tests/e2e/scan_exact.bash runs a lab through: here a lab
# made by `rescan lab up`, whose scanner shares this machine's files.
lab_exec() {
	local lab=$1
	shift
	"$RESCAN" lab exec --name "$lab" -- "$@"
}

lab_stats() { "$RESCAN" stats --name "$1" --json; }
lab_cat() { cat "$2"; }
lab_put() { cat >"$2"; }

load scan_exact

# A ZMap blocklist that allows everything but the lab network: tests scan
# the benchmarking range, which ZMap's default blocklist excludes.
write_blocklist() {
	"$RESCAN" lab env lab_net >"$1"
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
