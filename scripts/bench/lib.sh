# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench/lib.sh - helpers shared by the `make bench` phases (sourced).
#
# Everything a phase creates is named after the suite's run id ($RUN) and
# removed by bench_cleanup, also when the suite is interrupted: labs
# ("b<id><suffix>"), bpffs pins under $PIN, the tmpfs scratch $SCRATCH,
# and the sysctls it turned on. Scanners only ever run inside a lab (sealed:
# the scanner side has no route but the veth) and always under `timeout`.

: "${REPO:?}" "${RUN:?}" "${SCAN_RANGE:?}"
RESCAN="$REPO/rescan"
RSBENCH="$REPO/.output/rsbench"
PIN=/sys/fs/bpf/rescan-bench-$RUN
SCRATCH=/dev/shm/rescan-bench-$RUN
GW_MAC=$("$RESCAN" lab env gateway_mac)	# masscan's --router-mac
# The lab's interfaces (the same in every lab) and each lab's namespaces,
# as rescan names them.
SCAN_IF=$("$RESCAN" lab env scanner_iface)
INET_IF=$("$RESCAN" lab env internet_iface)
declare -A SCAN_NS INET_NS
LABS=()
# Labs inside a rescan:lab container (appliance.sh): the container's name
# and its first process, through which the bench reaches its namespaces.
declare -A CONTAINER CPID

# inet_exec NAME CMD...: CMD in the lab's internet namespace (network only).
inet_exec() {
	local n=$1
	shift
	if [ -n "${CONTAINER[$n]:-}" ]; then
		nsenter --net="/proc/${CPID[$n]}/root/run/netns/${INET_NS[$n]}" "$@"
	else
		ip netns exec "${INET_NS[$n]}" "$@"
	fi
}

# scan_exec NAME CMD...: CMD in the lab's scanner namespace, with its /sys.
scan_exec() {
	local n=$1
	shift
	if [ -n "${CONTAINER[$n]:-}" ]; then
		nsenter --target "${CPID[$n]}" --net --mount "$@"
	else
		ip netns exec "${SCAN_NS[$n]}" "$@"
	fi
}

# lab_timed NAME SECS TIMEFILE CMD...: CMD where the lab's scanner runs
# (rescan lab exec, or docker exec into the appliance), under a timeout of
# SECS, and the CPU time it used ("user system" seconds) in TIMEFILE. In a
# container that is the container's cgroup's: the client of docker exec
# does nothing.
lab_timed() {
	local n=$1 secs=$2 tf=$3 cg u0 s0 u1 s1 rc=0
	shift 3
	if [ -z "${CONTAINER[$n]:-}" ]; then
		TZ=:/etc/localtime /usr/bin/time -f '%U %S' -o "$tf" \
			timeout "$secs" "$RESCAN" lab exec --name "$n" -- "$@"
		return
	fi
	cg=/sys/fs/cgroup$(awk -F: '$1 == 0 { print $3 }' "/proc/${CPID[$n]}/cgroup")/cpu.stat
	read -r u0 s0 < <(awk '/^user_usec/ { u = $2 } /^system_usec/ { s = $2 } END { print u, s }' "$cg")
	docker exec -e TZ=:/etc/localtime "${CONTAINER[$n]}" timeout "$secs" "$@" || rc=$?
	read -r u1 s1 < <(awk '/^user_usec/ { u = $2 } /^system_usec/ { s = $2 } END { print u, s }' "$cg")
	awk -v a="$((u1 - u0))" -v b="$((s1 - s0))" 'BEGIN { printf "%.2f %.2f\n", a / 1e6, b / 1e6 }' >"$tf"
	return "$rc"
}

# lab_stats NAME: `rescan stats --json` of the lab.
lab_stats() {
	if [ -n "${CONTAINER[$1]:-}" ]; then
		docker exec "${CONTAINER[$1]}" rescan stats --json
	else
		"$RESCAN" stats --name "$1" --json
	fi
}

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

bench_cleanup() {
	local l
	for l in "${LABS[@]}"; do
		if [ -n "${CONTAINER[$l]:-}" ]; then
			docker rm -f "${CONTAINER[$l]}" >/dev/null 2>&1 || true
		else
			"$RESCAN" lab down --name "$l" >/dev/null 2>&1 || true
		fi
	done
	rm -rf "$PIN" "$SCRATCH" 2>/dev/null
	if [ -n "${BPF_STATS_WAS:-}" ]; then
		sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS_WAS" || true
	fi
}

# The machine's state, for every figure: load average and the user CPU time
# that processes other than ours used (on a shared 2-core machine, other
# people's builds and tests are the main source of noise).
cpu_user_ticks() { awk '/^cpu / { print $2 + $3 }' /proc/stat; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ---- lab set-up ------------------------------------------------------------

# lab_create NAME WORLD PPM [DATA-PATH]: a lab (lab up's own data path unless
# one is named), its responder pinned so it survives swaps, and the
# baselines next to it (scripts/bench/rsbench/baselines.bpf.c): XDP_DROP,
# and the reflector, which answers the hosts `rsbench gen -s $GEN_SEED PPM`
# draws. NAPI_PIDS[NAME]: the NAPI threads its lab up started.
declare -A NAPI_PIDS
lab_create() {
	local name=$1 world=$2 ppm=$3 path=${4:-auto} before p
	before=" $(pgrep -d' ' '^napi/' || true) "
	# No monitor: its sampling would be CPU taken from what is measured.
	"$RESCAN" lab up --name "$name" --world "$world" --data-path "$path" --no-monitor >/dev/null ||
		die "lab up $name failed"
	LABS+=("$name")
	NAPI_PIDS[$name]=""
	for p in $(pgrep '^napi/' || true); do
		[[ $before == *" $p "* ]] || NAPI_PIDS[$name]+="$p "
	done
	SCAN_NS[$name]=$("$RESCAN" lab env --name "$name" scanner_netns)
	INET_NS[$name]=$("$RESCAN" lab env --name "$name" internet_netns)
	lab_baselines "$name" "$ppm"
}

# lab_baselines NAME PPM: the lab's responder pinned, the baselines loaded.
lab_baselines() {
	local name=$1 ppm=$2 rid
	mkdir -p "$PIN"
	rid=$(inet_exec "$name" bpftool -j net show dev "$INET_IF" | jq '.[0].xdp[0].id')
	[ -n "$rid" ] && [ "$rid" != null ] || die "no responder on $name $INET_IF"
	bpftool prog pin id "$rid" "$PIN/resp-$name" || die "cannot pin responder of $name"
	"$RSBENCH" baselines -s "$GEN_SEED" -p 80 "$ppm" "$PIN/base-$name" ||
		die "cannot load the baselines for $name"
}

prog_id() { bpftool -j prog show pinned "$1" | jq .id; }

# prog_pin NAME drop|refl|resp: where the lab's program of that mode is pinned.
prog_pin() {
	case $2 in
	drop) echo "$PIN/base-$1/drop" ;;
	refl) echo "$PIN/base-$1/reflect" ;;
	*) echo "$PIN/resp-$1" ;;
	esac
}

# lab_attach NAME drop|refl|resp: swap the program on the internet side
# (inet0); the scanner side's pass program (lab0) stays as it is, so every
# run sees the same veth.
lab_attach() { lab_attach_id "$1" "$(prog_id "$(prog_pin "$1" "$2")")" "$2"; }

# lab_attach_id NAME ID WHAT: the same, by program id (swapping often).
lab_attach_id() {
	inet_exec "$1" bpftool net attach xdpdrv id "$2" dev "$INET_IF" overwrite ||
		die "cannot attach $3 to $1"
}

# The tuned NAPI thread's SCHED_FIFO priority, and one above it for the
# bench's own sleepers on NET_CPU (the poller, the program swapper): at a
# high probe rate the NAPI thread keeps that CPU busy, and sleepers of
# normal priority wake late, stretching the swap windows and leaving a
# scan with no window at all.
NAPI_PRIO=50
WATCH_PRIO=$((NAPI_PRIO + 1))

# lab0_poll NAME SECONDS: print "time tx_packets RSTs-sent" of the scanner
# side every SECONDS until killed: lab0's transmit counter and the scanner
# kernel's Tcp OutRsts (one per SYN-ACK it gets). It runs on NET_CPU, away
# from the scanner's, above the NAPI thread, and sleeps without forking
# (read -t on a silent pipe). Run it with & : it execs, so $! is the
# poller itself, for kill.
lab0_poll() {
	exec taskset -c "$NET_CPU" chrt -f "$WATCH_PRIO" ip netns exec "${SCAN_NS[$1]}" bash -c 'exec {s}<> <(:)
		while :; do read -r n <"/sys/class/net/$1/statistics/tx_packets"
			while read -r k a b c e f g h i j l o p q r x; do
				[ "$k" = Tcp: ] && [ "$a" != RtoAlgorithm ] && rst=$r; done </proc/net/snmp
			echo "$EPOCHREALTIME $n $rst"; read -rt "$0" -u $s; done' "$2" "$SCAN_IF" 2>/dev/null
}

# lab_data_path NAME: the data path lab up gave NAME (threaded or softirq).
lab_data_path() { "$RESCAN" lab status --name "$1" | sed -n 's/^data_path=//p'; }

# lab_tune NAME: the "tuned" profile, on top of the lab as lab up left it:
# its NAPI thread (the threaded data path's) pinned to NET_CPU at
# SCHED_FIFO, so nothing else that runs there can delay it. It needs the
# host's view of the kernel's threads, which a container does not have.
# NAPI_PIDS holds every NAPI thread that appeared while the lab came up: a
# lab another process brought up meanwhile adds its own, which go with
# that lab; one that is gone was not this lab's (its lab is up).
lab_tune() {
	local name=$1 p placed=0
	[ -n "${NAPI_PIDS[$name]}" ] || die "lab $name has no NAPI thread to tune (data path $(lab_data_path "$name"))"
	for p in ${NAPI_PIDS[$name]}; do
		[ -d "/proc/$p" ] || continue
		taskset -pc "$NET_CPU" "$p" >/dev/null && chrt -f -p "$NAPI_PRIO" "$p" ||
			{ [ -d "/proc/$p" ] && die "cannot place NAPI thread $p"; continue; }
		placed=$((placed + 1))
	done
	[ "$placed" -gt 0 ] || die "lab $name's NAPI threads are gone"
}

# ---- counters --------------------------------------------------------------

# veth/qdisc counters that tell where packets went, as "k=v" words.
veth_counters() {
	local name=$1
	{
		inet_exec "$name" ethtool -S "$INET_IF" | awk '/xdp_tx_errors|rx_queue_0_drops/ { gsub(":", ""); print "inet0_" $1 "=" $2 }'
		scan_exec "$name" ip -s -j link show "$SCAN_IF" | jq -r '.[0].stats64 | "lab0_tx_dropped=\(.tx.dropped)", "lab0_rx_dropped=\(.rx.dropped)"'
		scan_exec "$name" tc -s -j qdisc show dev "$SCAN_IF" | jq -r '"lab0_qdisc_drops=\(.[0].drops // 0)"'
	} | tr '\n' ' '
}

# kv_get "k=v ..." KEY
kv_get() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
kv_delta() { echo $(( $(kv_get "$2" "$3") - $(kv_get "$1" "$3") )); }
