#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench.sh - `make bench`: rescan's performance, measured as ratios
# in one run on this machine, written to bench/ (RESULTS.md, throughput.png,
# data/*.csv with the exact command of every figure). The phases below write
# raw data only; `rsbench report` (scripts/bench/rsbench/report.c) turns it
# into the figures, and can be run again on recorded data.
#
#   1 throughput and loss  ZMap into an XDP_DROP program, then into the
#                          responder, on the same veth pair, alternating
#                          (unlimited, also into a reflector that answers
#                          the same hosts without a world);
#                          worlds of 0.1 %, 1.4 % and 14 % of a /10 (4 Mi
#                          addresses scanned, expected replies = `rescan
#                          world export` of the range); rate limits 250 k,
#                          500 k, 1 M pps and none; 1 and 2 sender threads;
#                          masscan at its maximum rate. All in the lab as
#                          `rescan lab up` leaves it; unlimited also with
#                          its NAPI thread pinned at SCHED_FIFO ("tuned"),
#                          on a lab with `--data-path softirq`, and in the
#                          rescan:lab appliance (`make image`, docker run)
#   2 per-probe cost       BPF_PROG_TEST_RUN on fresh packets, cold and
#                          warm (rsbench xdpcost), the machine's memory
#                          latency for the same bytes (rsbench memlat), and
#                          kernel.bpf_stats_enabled during scans
#   3 build and load       61 M addresses from CSV and from zstd, 4.7 M
#                          sparse, 10 services; seconds, memlock, file size
#   4 a class              `rescan lab up --students 32`, 1.4 % world: 1, 4,
#                          16 and 32 students scanning at once, each with
#                          ZMap at its maximum rate on an equal share of
#                          the range (its first /12 at most; all started
#                          at once) (aggregate answered rate against one
#                          student's, each student's share, reply loss);
#                          and one student under `--student-rate`: how
#                          close what the cap lets through comes to it
#   5 grading              `rescan grade --class` of 200 submissions of a
#                          /16 scan (ZMap CSV), and of one: seconds, memory
#
# Environment:
#   BENCH_QUICK=1          a smoke run of about 3 minutes (2 worlds, no rate
#                          limits, 2 repetitions, small build, classes of
#                          1 and 4)
#   BENCH_REPS=N           repetitions of every throughput point (default 3)
#   BENCH_PHASES="..."     any of: throughput xdpcost build class grade (default all)
#   BENCH_RANGE=CIDR       the range every scan covers (default 64.0.0.0/10;
#                          a /8 to a /16; tests/e2e/bench.bats uses a /12)
#   BENCH_IL_WINDOW=0.4    seconds between program swaps in the scans that
#                          compare the programs inside one scan
#   BENCH_SCAN_CPU=0       the CPU ZMap runs on (all its threads: --cores)
#   BENCH_NET_CPU=1        the CPU the tuned profile pins the NAPI thread to
#   BENCH_CLASS="1 4 16 32" the class sizes of phase 4 (powers of 2)
#   BENCH_CLASS_CAP=PPS    the capped student's --student-rate (100000)
#   BENCH_GRADE_N=200      the submissions phase 5 grades at once
#   BENCH_APPLIANCE=0      leave the appliance out (no image build, no Docker)
#   BENCH_WORK=DIR         cache for generated datasets (default
#                          /var/tmp/rescan-bench, ~3 GB for the full run)
#   BENCH_OUT=DIR          results (default bench/ in the repository)
#
# Needs root, zmap, masscan, bpftool, jq, ethtool, tc, zstd, gnuplot. It
# creates its own labs (sealed network namespaces) and removes them, also
# when interrupted; every scanner runs under `timeout`.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
RUN=$$
QUICK=${BENCH_QUICK:+1}
[ "${BENCH_QUICK:-0}" = 0 ] && QUICK=
REPS=${BENCH_REPS:-$([ -n "$QUICK" ] && echo 2 || echo 3)}
REPS_BUILD=$([ -n "$QUICK" ] && echo 1 || echo 3)
PHASES=${BENCH_PHASES:-throughput xdpcost build class grade}
SCAN_CPU=${BENCH_SCAN_CPU:-0}
NET_CPU=${BENCH_NET_CPU:-1}
WORK=${BENCH_WORK:-/var/tmp/rescan-bench}
OUT=${BENCH_OUT:-$REPO/bench}
DATA=$OUT/data
SCAN_RANGE=${BENCH_RANGE:-64.0.0.0/10}	# sealed lab: nothing leaves it
[[ $SCAN_RANGE =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/([0-9]+)$ ]] &&
	[ "${BASH_REMATCH[1]}" -ge 8 ] && [ "${BASH_REMATCH[1]}" -le 16 ] ||
	{ echo "bench: BENCH_RANGE must be a CIDR from /8 to /16, not '$SCAN_RANGE'" >&2; exit 2; }
SCAN_SIZE=$((1 << (32 - BASH_REMATCH[1])))	# addresses in SCAN_RANGE
RANGE_TAG=${SCAN_RANGE//\//_}	# names the datasets generated for it

. "$REPO/scripts/bench/lib.sh"
. "$REPO/scripts/bench/throughput.sh"
. "$REPO/scripts/bench/appliance.sh"
. "$REPO/scripts/bench/build.sh"
. "$REPO/scripts/bench/class.sh"
. "$REPO/scripts/bench/grade.sh"

trap bench_cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP)"
for t in zmap masscan bpftool jq ethtool tc zstd gnuplot taskset chrt; do
	command -v "$t" >/dev/null || die "missing tool: $t (apt-get install it)"
done
[ "$(nproc)" -gt "$NET_CPU" ] && [ "$(nproc)" -gt "$SCAN_CPU" ] || die "CPU $SCAN_CPU/$NET_CPU not online"

log "building rescan and rsbench"
make -C "$REPO" -s rescan .output/rsbench >/dev/null || die "build failed"
mkdir -p "$WORK" "$DATA" "$SCRATCH"
T_START=$EPOCHSECONDS
# Before env.txt (a tracked file) is rewritten, or every run reads "-dirty".
GIT_DESC=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "mode=$([ -n "$QUICK" ] && echo quick || echo full)"
	echo "reps=$REPS"
	echo "kernel=$(uname -r)"
	echo "cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo) x $(nproc)"
	echo "mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "zmap=$(zmap --version 2>&1 | head -1)"
	echo "masscan=$(masscan --version 2>&1 | awk '/version/ { print $3; exit }')"
	echo "git=$GIT_DESC"
	echo "scan_range=$SCAN_RANGE"
	echo "scan_size=$SCAN_SIZE"
	echo "scan_cpu=$SCAN_CPU"
	echo "net_cpu=$NET_CPU"
	echo "il_window=$IL_WINDOW"
	echo "run=$RUN"	# names this run's labs, pins and scratch space (lib.sh)
	echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$DATA/env.txt"

# ---- worlds for the scans: 0.1 %, 1.4 %, 14 % of SCAN_RANGE -----------------
declare -A PPM=([w0.1]=1000 [w1.4]=14000 [w14]=140000)
GEN_SEED=3	# the worlds' hosts: `rsbench gen -s $GEN_SEED PPM`, and the reflector's
WORLDS="w0.1 w1.4 w14"
[ -n "$QUICK" ] && WORLDS="w1.4 w14"
make_world() {	# the world file and the sorted expected replies
	local w=$1 f=$WORK/$1-$RANGE_TAG
	[ -s "$f.txt" ] || "$RSBENCH" gen -s "$GEN_SEED" "${PPM[$w]}" "$SCAN_RANGE" >"$f.txt" 2>/dev/null
	# A world from an older rescan may use another encoding: compile again.
	if [ ! -s "$f.world" ] || [ "$RESCAN" -nt "$f.world" ]; then
		"$RESCAN" world compile -o "$f.world" "tcp/80=$f.txt" >/dev/null 2>&1 ||
			die "cannot compile $w"
	fi
	"$RESCAN" world export "$f.world" tcp/80 "$SCAN_RANGE" | sort >"$f.expected"
}
for w in $WORLDS; do make_world "$w"; done

# ---- phase 1: throughput and loss -------------------------------------------
if [[ " $PHASES " == *" throughput "* ]]; then
	log "phase 1: throughput and loss ($REPS repetitions per point)"
	rm -f "$THR_CSV" "$BPFSTATS_CSV" "$IL_CSV" "$DATA/lost_and_extra.txt"
	thr_init
	# The appliance's image, built from this tree (Docker's cache makes a
	# rebuild of an unchanged tree quick); without an engine, said and skipped.
	APPLIANCE=0
	if [ "${BENCH_APPLIANCE:-1}" = 1 ]; then
		if make -C "$REPO" -s image >"$SCRATCH/image.log" 2>&1; then
			appliance_ready && APPLIANCE=1
		else
			log "appliance: SKIPPED, make image failed: $(tail -n 2 "$SCRATCH/image.log" | tr '\n' ' ')"
		fi
	fi
	RATES="250000 500000 1000000 0"
	[ -n "$QUICK" ] && RATES=0
	i=0
	for w in $WORLDS; do
		lab="b$((RUN % 100000))$((i++))"
		exp="$WORK/$w-$RANGE_TAG.expected"
		# The lab as `rescan lab up` leaves it: the headline figures.
		lab_create "$lab" "$WORK/$w-$RANGE_TAG.world" "${PPM[$w]}"
		grep -q '^data_path=' "$DATA/env.txt" || echo "data_path=$(lab_data_path "$lab")" >>"$DATA/env.txt"
		for rate in $RATES; do
			thr_pair default "$lab" "$w" "${PPM[$w]}" "$exp" zmap "$rate" 1 "$SCAN_CPU"
		done
		for ((r = 1; r <= REPS; r++)); do thr_interleaved "$lab" "$w" "${PPM[$w]}" 1 "$r"; done
		# masscan 1.3.2 at its maximum rate, its threads where the kernel puts them.
		[ "$w" = w1.4 ] && thr_pair default "$lab" "$w" "${PPM[$w]}" "$exp" masscan 10000000 1 ""
		if [ -z "$QUICK" ]; then
			thr_pair default "$lab" "$w" "${PPM[$w]}" "$exp" zmap 0 2 "$SCAN_CPU"
			for ((r = 1; r <= REPS; r++)); do thr_interleaved "$lab" "$w" "${PPM[$w]}" 2 "$r"; done
			thr_bpf_stats "$lab" "$w"
		fi
		if [ "$w" = w1.4 ]; then
			# ZMap's own thread placement (receiver and sender on different
			# CPUs): shows ZMap 2.1.1's validation race (zmap#612).
			for ((r = 1; r <= REPS; r++)); do
				thr_point default "$lab" "$w" "${PPM[$w]}" "$exp" zmap resp 0 1 "" "$r"
			done
		fi
		# The same lab with its NAPI thread pinned at SCHED_FIFO: what a
		# set-up tuned for ZMap alone reaches, for comparison.
		if [ -n "${NAPI_PIDS[$lab]}" ]; then
			lab_tune "$lab"
			thr_pair tuned "$lab" "$w" "${PPM[$w]}" "$exp" zmap 0 1 "$SCAN_CPU"
		else
			log "  tuned: SKIPPED, lab up gave $lab the $(lab_data_path "$lab") data path (no NAPI thread to pin)"
		fi
		"$RESCAN" lab down --name "$lab" >/dev/null 2>&1 || true
		# The softirq data path (`lab up --data-path softirq`, auto on
		# kernels before 6.16), on a lab of its own.
		lab_create "${lab}s" "$WORK/$w-$RANGE_TAG.world" "${PPM[$w]}" softirq
		thr_pair softirq "${lab}s" "$w" "${PPM[$w]}" "$exp" zmap 0 1 "$SCAN_CPU"
		[ "$w" = w1.4 ] && thr_pair softirq "${lab}s" "$w" "${PPM[$w]}" "$exp" masscan 10000000 1 ""
		"$RESCAN" lab down --name "${lab}s" >/dev/null 2>&1 || true
		# The appliance as the README starts it, on the same world.
		if [ "$w" = w1.4 ] && [ "$APPLIANCE" = 1 ]; then
			appliance_create "${lab}a" "$WORK/$w-$RANGE_TAG.world" "${PPM[$w]}"
			thr_pair appliance "${lab}a" "$w" "${PPM[$w]}" "$exp" zmap 0 1 "$SCAN_CPU"
			docker rm -f "${CONTAINER[${lab}a]}" >/dev/null 2>&1 || true
		fi
	done
fi

# ---- phase 2: per-probe cost -------------------------------------------------
if [[ " $PHASES " == *" xdpcost "* ]]; then
	log "phase 2: per-probe cost (BPF_PROG_TEST_RUN, fresh packet per run, CPU $NET_CPU)"
	: >"$DATA/xdpcost.jsonl"
	: >"$DATA/memlat.jsonl"
	for w in $WORLDS; do
		taskset -c "$NET_CPU" "$RSBENCH" xdpcost -j -n "$([ -n "$QUICK" ] && echo 50000 || echo 200000)" \
			"$WORK/$w-$RANGE_TAG.world" tcp/80 "$SCAN_RANGE" >>"$DATA/xdpcost.jsonl" || die "xdpcost $w failed"
	done
	# The machine's price for a read from memory, for the same bytes the
	# lookups read (and for the 61 M world's 64 MiB): one read every 2 µs
	# (a scan at 500 kpps) and at the pace xdpcost read fresh addresses.
	pace=$(jq -s -r '[.[].fresh_read_every_us] | add / length * 10 | round / 10' "$DATA/xdpcost.jsonl")
	for kib in $(jq -r '(.pool_bytes_in_range + 1023) / 1024 | floor' "$DATA/xdpcost.jsonl") 65536; do
		for gap in 2 "$pace"; do
			taskset -c "$NET_CPU" "$RSBENCH" memlat -j "$kib" "$gap" >>"$DATA/memlat.jsonl" ||
				die "memlat $kib KiB failed"
		done
	done
fi

# ---- phase 3: build and load --------------------------------------------------
if [[ " $PHASES " == *" build "* ]]; then
	log "phase 3: world build and load"
	build_phase
fi

# ---- phase 4: a class -----------------------------------------------------------
if [[ " $PHASES " == *" class "* ]]; then
	log "phase 4: a class (classes of ${CLASS_SIZES// /, }, $REPS rounds each; a student capped at $CLASS_CAP pps)"
	class_phase
fi

# ---- phase 5: grading ------------------------------------------------------------
if [[ " $PHASES " == *" grade "* ]]; then
	log "phase 5: grading $GRADE_N submissions of a /16 scan"
	grade_phase
fi

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$DATA/env.txt"
echo "duration_s=$((EPOCHSECONDS - T_START))" >>"$DATA/env.txt"
log "report"
"$RSBENCH" report -g "$REPO/scripts/bench/plot.gp" "$OUT" || die "report failed"
log "done in $((EPOCHSECONDS - T_START)) s: $OUT/RESULTS.md, $OUT/throughput.png"
