#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# scripts/soak.sh - `make soak`: a lab as `rescan lab up` leaves it (monitor
# included) scanned by ZMap at its maximum rate for SOAK_PROBES_PER_HOST
# passes over SOAK_RANGE (by default 6 x a /8: 100,663,296 probes), while
# its world is swapped between two worlds every SOAK_SWAP seconds. Then:
#
#   loss      the responder counted every probe ZMap says it sent, answered
#             every probe to an open host (both worlds have the same tcp/80
#             hosts, so the expected replies are known), and lab0 delivered
#             every answer
#   leaks     every responder a swap replaced is freed by the kernel, with
#             its world's maps; the live responder's maps hold as much
#             kernel memory at the end as at the start; the monitor's
#             resident memory has not grown
#   counters  the lab's totals equal the scanner's row, and the monitor's
#             last timeline line equals `rescan stats`
#
# It prints one line per check and a summary, writes them to
# $SOAK_OUT/summary.txt (with the raw counters beside it), and exits 1 if a
# check fails. Its traffic stays in the lab's namespaces.
#
#   SOAK_RANGE=20.0.0.0/8       what ZMap scans (tcp/80)
#   SOAK_PROBES_PER_HOST=6      ZMap -P: probes per address
#   SOAK_SWAP=3                 seconds between world swaps
#   SOAK_RATE=0                 ZMap -r (0: as fast as it can)
#   SOAK_OUT=/tmp/rescan-soak   results
set -euo pipefail
cd "$(dirname "$0")/.."

RANGE=${SOAK_RANGE:-20.0.0.0/8}
PER_HOST=${SOAK_PROBES_PER_HOST:-6}
SWAP=${SOAK_SWAP:-3}
RATE=${SOAK_RATE:-0}
OUT=${SOAK_OUT:-/tmp/rescan-soak}
RESCAN=$PWD/rescan
LAB=soak$(($$ % 100000))
export RESCAN_RESULTS_DIR=$OUT/results

say() { echo "soak: $*" | tee -a "$OUT/summary.txt"; }
die() { echo "soak: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (netns, XDP)"
for t in zmap jq bpftool; do command -v "$t" >/dev/null || die "missing tool: $t"; done
[ -x "$RESCAN" ] || die "$RESCAN not built (run make)"
[[ $RANGE =~ ^[0-9.]+/([0-9]+)$ ]] || die "SOAK_RANGE: a CIDR, e.g. 20.0.0.0/8"
TARGETS=$((1 << (32 - BASH_REMATCH[1])))
PROBES=$((TARGETS * PER_HOST))

rm -rf "$OUT"
mkdir -p "$OUT"
swapper=
cleanup() {
	[ -z "$swapper" ] || kill "$swapper" 2>/dev/null || true
	wait 2>/dev/null || true
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Two worlds with the same tcp/80 hosts (the default world's, in the
# range) and different other services: every swap replaces the whole
# responder and world, and the tcp/80 answers stay predictable.
"$RESCAN" world export synth:1 tcp/80 "$RANGE" >"$OUT/http.hosts"
"$RESCAN" world export synth:1 tcp/443 "$RANGE" >"$OUT/https.hosts"
"$RESCAN" world export synth:2 tcp/22 "$RANGE" >"$OUT/ssh.hosts"
"$RESCAN" world compile -o "$OUT/a.world" tcp/80="$OUT/http.hosts" tcp/443="$OUT/https.hosts" \
	>"$OUT/compile.txt" 2>&1
"$RESCAN" world compile -o "$OUT/b.world" tcp/80="$OUT/http.hosts" tcp/22="$OUT/ssh.hosts" \
	>>"$OUT/compile.txt" 2>&1
OPEN=$(wc -l <"$OUT/http.hosts")

"$RESCAN" lab up --name "$LAB" --world "$OUT/a.world" >"$OUT/lab-up.txt"
"$RESCAN" lab env --name "$LAB" lab_net >"$OUT/blocklist"
SOURCE=$("$RESCAN" lab env --name "$LAB" scanner_addr)
MONITOR=$("$RESCAN" lab status --name "$LAB" | sed -n 's/^monitor_pid=//p')
[ -n "$MONITOR" ] && [ "$MONITOR" != 0 ] || die "lab up started no monitor"

# The live responder's id, and its maps' ids and kernel memory.
responder_id() {
	ip netns exec "$LAB-inet" ip -j link show inet0 | jq -r '.[0].xdp.prog.id'
}
map_ids() { bpftool prog show id "$1" -j | jq -r '.map_ids[]'; }
memlock() {
	local id total=0
	for id in $(map_ids "$1"); do
		total=$((total + $(bpftool map show id "$id" -j | jq -r '.bytes_memlock')))
	done
	echo "$total"
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# The swapper: a and b in turn, every SWAP seconds; each replaced responder
# and its maps noted, for the leak check.
swap_loop() {
	local w=b id
	while :; do
		sleep "$SWAP"
		id=$(responder_id)
		{ echo "prog $id"; map_ids "$id" | sed 's/^/map /'; } >>"$OUT/replaced"
		if ! "$RESCAN" lab load --name "$LAB" "$OUT/$w.world" >>"$OUT/swaps.txt" 2>&1; then
			echo "FAILED $w" >>"$OUT/swaps.txt"
			return 1
		fi
		[ "$w" = b ] && w=a || w=b
	done
}

sleep 2	# the monitor's first samples
mem0=$(memlock "$(responder_id)")
rss0=$(rss_kib "$MONITOR")
: >"$OUT/replaced"
swap_loop &
swapper=$!

say "$PROBES probes: ZMap -P $PER_HOST over $RANGE ($OPEN tcp/80 hosts), rate ${RATE/#0/max}," \
	"a world swap every $SWAP s"
t0=$(date +%s)
"$RESCAN" lab exec --name "$LAB" -- zmap -q --cores 0 -p 80 -P "$PER_HOST" -r "$RATE" \
	-b "$OUT/blocklist" -o /dev/null --metadata-file="$OUT/zmap.json" "$RANGE" \
	2>"$OUT/zmap.log" || die "zmap failed: $(tail -1 "$OUT/zmap.log")"
t1=$(date +%s)
kill "$swapper" 2>/dev/null || true
wait "$swapper" 2>/dev/null || true
swapper=
grep -q FAILED "$OUT/swaps.txt" 2>/dev/null && die "a world swap failed: $(grep -v loaded "$OUT/swaps.txt" | head -3)"
swaps=$(grep -c loaded "$OUT/swaps.txt" || true)
sleep 2	# the last replies, and the monitor's next sample

failed=0
check() {
	local what=$1
	shift
	if "$@"; then say "ok    $what"; else say "FAIL  $what"; failed=1; fi
}

"$RESCAN" stats --name "$LAB" --json >"$OUT/stats.json"
row() { jq -r --arg a "$SOURCE" ".sources[\$a]$1 // 0" "$OUT/stats.json"; }
# ZMap counts targets; -P sends PER_HOST probes to each.
sent=$(($(jq -r '.total_sent - .send_to_failures' "$OUT/zmap.json") * PER_HOST))
seen=$(row ' | .packets - .pass_arp - .drop_not_ipv4 - .drop_not_probe')
synack=$(row .tx_synack)
delivered=$(row .delivered.rx_synack)
say "$((t1 - t0)) s, $swaps swaps; ZMap sent $sent, the responder saw $seen probes and sent" \
	"$synack SYN-ACKs, lab0 delivered $delivered (ZMap's pcap took $(jq -r .pcap_recv "$OUT/zmap.json"))"
check "ZMap sent every probe ($sent = $PROBES)" [ "$sent" -eq "$PROBES" ]
check "the responder counted every probe ZMap sent" [ "$seen" -eq "$sent" ]
check "every probe to an open host answered ($synack = $PER_HOST x $OPEN)" \
	[ "$synack" -eq $((PER_HOST * OPEN)) ]
check "lab0 delivered every answer" [ "$delivered" -eq "$synack" ]
check "the lab's totals are the scanner's row" \
	[ "$(jq -r .responder.tx_synack "$OUT/stats.json")" -eq "$synack" ]
check "the world was swapped under the scan" [ "$swaps" -ge 1 ]

# Leaks: every replaced responder and world map gone (the kernel frees
# them once nothing holds them, after an RCU grace period).
still() {
	local kind id n=0
	while read -r kind id; do
		bpftool "$kind" show id "$id" >/dev/null 2>&1 && n=$((n + 1))
	done < <(sort -u "$OUT/replaced" | grep -v "^prog $(responder_id)$")
	echo "$n"
}
live=$(responder_id)
shared=$(map_ids "$live" | sort)
# The counters, seats and do-not-scan maps are shared by every responder: not the world's.
grep -vxFf <(sed 's/^/map /' <<<"$shared") "$OUT/replaced" | sort -u >"$OUT/replaced.own" || true
mv "$OUT/replaced.own" "$OUT/replaced"
for _ in $(seq 30); do left=$(still); [ "$left" -eq 0 ] && break; sleep 1; done
check "every replaced responder and its world's maps freed ($(grep -c '^prog' "$OUT/replaced") programs, $(grep -c '^map' "$OUT/replaced") maps; left: $left)" \
	[ "$left" -eq 0 ]
mem1=$(memlock "$live")
check "the live responder's maps hold what they held at the start ($mem1 = $mem0 bytes)" \
	[ "$mem1" -eq "$mem0" ]
rss1=$(rss_kib "$MONITOR")
check "the monitor's resident memory did not grow ($rss0 -> $rss1 KiB)" [ "$rss1" -le $((rss0 + 256)) ]

# The monitor's last line against the counters (nothing moves now).
last=$(tail -1 "$RESCAN_RESULTS_DIR/$LAB/timeline.csv")
check "the monitor's timeline ends at the lab's counters" \
	[ "$(cut -d, -f4 <<<"$last")" -eq "$(row .packets)" ]

say "$([ $failed = 0 ] && echo passed || echo FAILED): $PROBES probes, $swaps world swaps"
exit $failed
