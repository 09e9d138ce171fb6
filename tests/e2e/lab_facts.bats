#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# What scripts ask the CLI instead of knowing it themselves: the lab's
# facts (rescan lab env), the scanners' configuration (rescan lab
# scanner-config, and the one lab up writes), the machine's checks (rescan
# lab preflight) and the counters on one line (rescan stats --line). Each
# fact is checked against what the kernel reports of a running lab (ip,
# the counters' JSON), never against rescan's own idea of it.

bats_require_minimum_version 1.5.0

load lab_helper

setup_file() {
	require_root_and_tools ip jq zmap setpriv
	export LAB=$(lab_name f) OTHER=$(lab_name o) NS=$(lab_name n)-used
	export D="$BATS_FILE_TMPDIR"
	printf '198.18.0.1\n198.18.0.2\n' >"$D/hosts.txt"
	"$RESCAN" world compile -o "$D/two.world" tcp/80="$D/hosts.txt" 2>/dev/null
	write_blocklist "$D/blocklist"
	"$RESCAN" lab up --name "$LAB" --world "$D/two.world" >/dev/null
	# A namespace of this suite's own whose only link has an address in
	# the lab network, as a host that uses it would.
	ip netns add "$NS"
	ip -n "$NS" link add rsused0 type veth peer name rsused1
	ip -n "$NS" addr add "$(first_host "$("$RESCAN" lab env lab_net)" 7)/24" dev rsused0
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	ip netns del "$NS" 2>/dev/null || true
}

# first_host A.B.C.D/N K: the address K above the network's own.
first_host() {
	awk -F'[./]' -v k="$2" '{ n = (($1 * 256 + $2) * 256 + $3) * 256 + $4 + k
		printf "%d.%d.%d.%d\n", n / 16777216 % 256, n / 65536 % 256, n / 256 % 256, n % 256 }' <<<"$1"
}

# conf_value FILE KEY: the value of "KEY value" (zmap.conf) or "KEY = value"
# (masscan.conf), quotes removed.
conf_value() {
	awk -v k="$2" '$1 == k { v = $2 == "=" ? $3 : $2; gsub(/"/, "", v); print v }' "$1"
}

# The n-th (0-based, modulo their number) CPU this shell may use.
allowed_cpu() {
	awk -v k="$1" '/^Cpus_allowed_list/ { n = split($2, r, ",")
		for (i = 1; i <= n; i++) { split(r[i], ab, "-"); hi = ab[2] == "" ? ab[1] : ab[2]
			for (x = ab[1]; x <= hi; x++) cpu[m++] = x }
		print cpu[k % m] }' /proc/self/status
}

inet0_mac() { ip -n "$LAB-inet" -br link show inet0 | awk '{ print $3 }'; }
lab0_mac() { ip -n "$LAB-scan" -br link show lab0 | awk '{ print $3 }'; }
lab0_addr() { ip -n "$LAB-scan" -4 -br addr show lab0 | awk '{ sub(/\/.*/, "", $3); print $3 }'; }

# ---- rescan lab env ----------------------------------------------------------

@test "lab env: gateway_mac is the MAC of the running lab's inet0" {
	run -0 "$RESCAN" lab env --name "$LAB" gateway_mac
	[ "$output" = "$(inet0_mac)" ]
}

@test "lab env: gateway_addr is inet0's address and the scanner's default route" {
	run -0 "$RESCAN" lab env --name "$LAB" gateway_addr
	[ "$(ip -n "$LAB-inet" -4 -br addr show inet0 | awk '{ sub(/\/.*/, "", $3); print $3 }')" = "$output" ]
	ip -n "$LAB-scan" route show default | grep -q "^default via $output dev lab0"
}

@test "lab env: scanner_mac and scanner_addr are lab0's" {
	run -0 "$RESCAN" lab env --name "$LAB" scanner_mac scanner_addr
	[ "${lines[0]}" = "$(lab0_mac)" ]
	[ "${lines[1]}" = "$(lab0_addr)" ]
}

@test "lab env: lab_net is lab0's connected route" {
	run -0 "$RESCAN" lab env --name "$LAB" lab_net
	ip -n "$LAB-scan" route show dev lab0 | grep -q "^$output proto kernel scope link"
}

@test "lab env: the namespaces and interfaces it names are the running lab's" {
	run -0 "$RESCAN" lab env --name "$LAB" scanner_netns internet_netns scanner_iface internet_iface
	ip -n "${lines[0]}" link show dev "${lines[2]}" >/dev/null
	ip -n "${lines[1]}" link show dev "${lines[3]}" >/dev/null
}

@test "lab env: student 1 is student_net's first host, the last student sits below health_addr" {
	local net max
	net=$("$RESCAN" lab env student_net)
	max=$("$RESCAN" lab env students_max)
	[ "$("$RESCAN" lab env --student 1 student_addr)" = "$(first_host "$net" 1)" ]
	[ "$("$RESCAN" lab env --student "$max" student_addr)" = "$(first_host "$net" "$max")" ]
	[ "$("$RESCAN" lab env health_addr)" = "$(first_host "$net" $((max + 1)))" ]
}

@test "lab env: the student addresses and the health address lie in the lab network" {
	local net
	net=$("$RESCAN" lab env lab_net)
	[[ $("$RESCAN" lab env student_net) == "$(first_host "$net" 128)/25" ]]
}

@test "lab env: KEY=value lines a shell can read, one per fact" {
	run -0 "$RESCAN" lab env
	[ "${#lines[@]}" -gt 10 ]
	! grep -vE '^[a-z_]+=[A-Za-z0-9.:/_-]+$' <<<"$output" || fail "lines above are not KEY=value"
}

@test "lab env: --json holds the same facts as the KEY=value lines" {
	run -0 "$RESCAN" lab env --student 3
	diff <(echo "$output") <("$RESCAN" lab env --student 3 --json | jq -r 'to_entries[] | "\(.key)=\(.value)"')
}

@test "lab env: needs no privileges and no lab" {
	run -0 setpriv --reuid 65534 --regid 65534 --clear-groups "$RESCAN" lab env --name "$OTHER" gateway_mac
	[ "$output" = "$(inet0_mac)" ]
}

@test "lab env: an unknown key is named, exit 2, nothing on stdout" {
	run -2 --separate-stderr "$RESCAN" lab env gateway_mac no_such_key
	[ -z "$output" ]
	[[ $stderr == "rescan: lab env: no key 'no_such_key'"* ]]
}

@test "lab env: student_addr without --student is a usage error" {
	run -2 "$RESCAN" lab env student_addr
	[[ $output == *"no key 'student_addr' without --student K"* ]]
}

@test "lab env: a student beyond students_max is a usage error" {
	run -2 "$RESCAN" lab env --student "$(($("$RESCAN" lab env students_max) + 1))"
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"-s/--student takes 1 to $("$RESCAN" lab env students_max), not"* ]]
}

@test "lab env: student 0 is a usage error" {
	run -2 "$RESCAN" lab env --student 0
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"-s/--student takes 1 to"*", not 0"* ]]
}

# ---- the data path (src/lab_datapath.h) ----------------------------------------

# What auto should give on this kernel: threaded from Linux 6.16 on (its
# veth stops the queue on a full ring instead of dropping the probe).
kernel_wants_threaded() {
	local major minor
	IFS=. read -r major minor _ <<<"$(uname -r)"
	[ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "${minor%%[!0-9]*}" -ge 16 ]; }
}

inet0_sysfs() { ip netns exec "$1-inet" cat "/sys/class/net/inet0/$2"; }
lab0_qdisc() { ip netns exec "$1-scan" tc -j qdisc show dev lab0 | jq -r '.[0].kind'; }
lab0_feature() { ip netns exec "$1-scan" ethtool -k lab0 | awk -v f="$2:" '$1 == f { print $2 }'; }

@test "lab up: the data path is threaded from Linux 6.16 on, softirq before, and the state says which" {
	local want=softirq
	kernel_wants_threaded && want=threaded
	[ "$("$RESCAN" lab status --name "$LAB" | sed -n 's/^data_path=//p')" = "$want" ]
}

@test "lab up: the threaded path runs inet0's NAPI in a thread with coalesced polls, behind a pfifo on lab0" {
	kernel_wants_threaded || skip "kernel $(uname -r) < 6.16: the lab runs softirq (tested below)"
	[ "$(inet0_sysfs "$LAB" threaded)" = 1 ]
	[ "$(inet0_sysfs "$LAB" napi_defer_hard_irqs)" -gt 0 ]
	[ "$(inet0_sysfs "$LAB" gro_flush_timeout)" -gt 0 ]
	[ "$(lab0_qdisc "$LAB")" = pfifo ]
}

@test "lab up: lab0 computes checksums and segments in software on every data path" {
	[ "$(lab0_feature "$LAB" tx-checksumming)" = off ]
	[ "$(lab0_feature "$LAB" generic-segmentation-offload)" = off ]
}

# libpcap sizes a ring slot for 64 KiB when the interface has an offload
# on: masscan's 4 MiB ring then holds 32 frames, and it lost replies.
@test "lab up: masscan's capture ring gets slots the size of a frame, so it holds over a thousand" {
	require_root_and_tools masscan ss
	# rescan and ip netns exec exec, so $! is timeout, which passes a kill
	# on to masscan: it must not go on probing into the tests after this one.
	"$RESCAN" lab exec --name "$LAB" -- timeout 20 masscan -p80 --rate 50 --wait 0 198.18.0.0/24 \
		>/dev/null 2>&1 3>&- &
	local pid=$! ring="" i
	for ((i = 0; i < 50; i++)); do
		sleep 0.2
		ring=$(ip netns exec "$LAB-scan" ss -0 -e -p | grep -o 'ring_rx([^)]*)' | head -1)
		[ -z "$ring" ] || break
	done
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	! ip netns pids "$LAB-scan" | xargs -r ps -o comm= -p | grep -qx masscan ||
		fail "masscan still runs in $LAB-scan after its timeout was killed"
	echo "# masscan's $ring" >&3
	[[ $ring =~ frm_size:([0-9]+),frm_nr:([0-9]+) ]]
	[ "${BASH_REMATCH[1]}" -le 2048 ]
	[ "${BASH_REMATCH[2]}" -ge 1000 ]
}

@test "lab up --data-path softirq: inet0's NAPI stays in softirq, lab0 keeps no qdisc" {
	"$RESCAN" lab up --name "$OTHER" --world "$D/two.world" --data-path softirq >/dev/null
	local threaded qdisc state gso
	threaded=$(inet0_sysfs "$OTHER" threaded) qdisc=$(lab0_qdisc "$OTHER")
	state=$("$RESCAN" lab status --name "$OTHER" | sed -n 's/^data_path=//p')
	gso=$(lab0_feature "$OTHER" generic-segmentation-offload)
	"$RESCAN" lab down --name "$OTHER" >/dev/null
	[ "$threaded" = 0 ]
	[ "$qdisc" = noqueue ]
	[ "$state" = softirq ]
	[ "$gso" = off ]
}

@test "lab up --data-path: an unknown path is a usage error, nothing created" {
	run -2 "$RESCAN" lab up --name "$OTHER" --world "$D/two.world" --data-path fast
	[[ $output == *"--data-path 'fast'"* ]]
	! ip netns list | grep "^$OTHER-" || fail "the refused lab up left namespaces (above)"
}

# ---- the scanners' configuration --------------------------------------------

@test "lab up: the scanner namespace's zmap.conf names lab0, its address and inet0's MAC" {
	local c=/etc/netns/$LAB-scan/zmap/zmap.conf
	[ "$(conf_value "$c" interface)" = lab0 ]
	[ "$(conf_value "$c" source-ip)" = "$(lab0_addr)" ]
	[ "$(conf_value "$c" gateway-mac)" = "$(inet0_mac)" ]
}

@test "lab up: the scanner namespace's zmap.conf puts ZMap on the first CPU rescan may use" {
	[ "$(conf_value "/etc/netns/$LAB-scan/zmap/zmap.conf" cores)" = "$(allowed_cpu 0)" ]
}

@test "lab up: ZMap in the scanner namespace sees the system's blocklist beside its zmap.conf" {
	[ -e /etc/zmap/blacklist.conf ] || skip "ZMap's blocklist is not installed"
	cmp /etc/zmap/blacklist.conf "/etc/netns/$LAB-scan/zmap/blacklist.conf"
}

@test "scanner-config: for a lab it cannot see, zmap.conf has the running lab's interface, address and MAC" {
	run -0 "$RESCAN" lab scanner-config --name "$OTHER" --etc "$D/etc"
	[ "$(conf_value "$D/etc/zmap/zmap.conf" interface)" = lab0 ]
	[ "$(conf_value "$D/etc/zmap/zmap.conf" source-ip)" = "$(lab0_addr)" ]
	[ "$(conf_value "$D/etc/zmap/zmap.conf" gateway-mac)" = "$(inet0_mac)" ]
}

@test "scanner-config: masscan.conf has the same interface, address and MAC" {
	run -0 "$RESCAN" lab scanner-config --name "$OTHER" --etc "$D/etc"
	[ "$(conf_value "$D/etc/masscan/masscan.conf" adapter)" = lab0 ]
	[ "$(conf_value "$D/etc/masscan/masscan.conf" adapter-ip)" = "$(lab0_addr)" ]
	[ "$(conf_value "$D/etc/masscan/masscan.conf" router-mac)" = "$(inet0_mac)" ]
}

@test "scanner-config: ZMap given only its zmap.conf (and a blocklist) finds the world's hosts" {
	"$RESCAN" lab scanner-config --name "$OTHER" --etc "$D/etc" >/dev/null
	run -0 --separate-stderr "$RESCAN" lab exec --name "$LAB" -- timeout 60 zmap -C "$D/etc/zmap/zmap.conf" \
		-b "$D/blocklist" -p 80 -q --cooldown-time=1 -o - 198.18.0.0/24
	[ "$(sort <<<"$output")" = "$(sort "$D/hosts.txt")" ]
}

@test "scanner-config --student K: both files carry student K's address" {
	run -0 "$RESCAN" lab scanner-config --name "$OTHER" --etc "$D/etc" --student 5
	local a
	a=$("$RESCAN" lab env --student 5 student_addr)
	[ "$(conf_value "$D/etc/zmap/zmap.conf" source-ip)" = "$a" ]
	[ "$(conf_value "$D/etc/masscan/masscan.conf" adapter-ip)" = "$a" ]
}

@test "scanner-config --student K: ZMap runs on the K-th CPU rescan may use (round the CPUs)" {
	"$RESCAN" lab scanner-config --name "$OTHER" --etc "$D/etc" --student 3 >/dev/null
	[ "$(conf_value "$D/etc/zmap/zmap.conf" cores)" = "$(allowed_cpu 3)" ]
}

@test "scanner-config --iface IF: both files name IF" {
	run -0 "$RESCAN" lab scanner-config --name "$OTHER" --etc "$D/etc" --iface rescan9
	[ "$(conf_value "$D/etc/zmap/zmap.conf" interface)" = rescan9 ]
	[ "$(conf_value "$D/etc/masscan/masscan.conf" adapter)" = rescan9 ]
}

@test "scanner-config: a lab with a scanner namespace of its own is refused, exit 1" {
	run -1 "$RESCAN" lab scanner-config --name "$LAB" --etc "$D/refused"
	[[ $output == *"lab '$LAB' has a scanner namespace of its own"*"lab exec --name $LAB"* ]]
	[ ! -e "$D/refused" ]
}

@test "scanner-config: a student beyond students_max is a usage error, nothing written" {
	run -2 "$RESCAN" lab scanner-config --name "$OTHER" --etc "$D/none" --student 999
	[ ! -e "$D/none" ]
}

# ---- rescan lab preflight ------------------------------------------------------

@test "preflight: passes as root with one line on stdout" {
	run -0 --separate-stderr "$RESCAN" lab preflight
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "preflight passed: capabilities, Linux $(uname -r), bpffs, bpf(), network namespaces" ]]
	[ -z "$stderr" ]
}

@test "preflight: leaves no network namespace and no pin behind" {
	local pid
	# Its own, named after its pid: other work on the machine may make and
	# remove namespaces meanwhile.
	"$RESCAN" lab preflight >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	pid=$!
	wait "$pid" || fail "preflight: $(cat "$BATS_TEST_TMPDIR/out")"
	[ ! -e "/run/netns/rs-preflight-$pid" ] || fail "left: namespace rs-preflight-$pid"
	[ ! -e "/sys/fs/bpf/rescan_preflight_$pid" ] || fail "left: pin rescan_preflight_$pid"
}

@test "preflight: without CAP_NET_RAW one line names it, for the scanners, exit 1" {
	run -1 setpriv --bounding-set -net_raw --inh-caps=-all "$RESCAN" lab preflight
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "rescan: missing capability CAP_NET_RAW (NET_RAW: the scanners' raw sockets): run rescan as root"* ]]
}

@test "preflight: without NET_ADMIN and SYS_ADMIN one line names both, exit 1" {
	run -1 setpriv --bounding-set -net_admin,-sys_admin --inh-caps=-all "$RESCAN" lab preflight
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"missing capabilities CAP_NET_ADMIN, CAP_SYS_ADMIN ("*"(in a container: --cap-add NET_ADMIN --cap-add SYS_ADMIN)" ]]
}

@test "preflight --container: the hint is the docker run flags to add" {
	run -1 setpriv --bounding-set -sys_admin --inh-caps=-all "$RESCAN" lab preflight --container
	[[ $output == *"missing capability CAP_SYS_ADMIN ("*"): add --cap-add SYS_ADMIN to docker run (compose: cap_add), or use --privileged" ]]
}

@test "preflight --scanner-only: needs CAP_NET_RAW alone" {
	run -0 setpriv --bounding-set -net_admin,-sys_admin,-bpf --inh-caps=-all "$RESCAN" lab preflight --scanner-only
	[ "$output" = "preflight passed: CAP_NET_RAW" ]
}

@test "preflight --here: an interface of that name is refused, exit 1" {
	run -1 "$RESCAN" lab preflight --here --iface lo
	[[ $output == "rescan: interface lo already exists in this network namespace"* ]]
}

@test "preflight --here: a namespace with an address in the lab network is refused, exit 1" {
	run -1 ip netns exec "$NS" "$RESCAN" lab preflight --here
	[[ $output == *"the lab network $("$RESCAN" lab env lab_net) is already in use"*"rsused0"* ]]
}

@test "preflight --here: a route into the lab network is refused, exit 1" {
	local ns=${NS%-used}-route
	ip netns add "$ns"
	ip -n "$ns" link add rsroute0 type veth peer name rsroute1
	ip -n "$ns" link set rsroute0 up
	ip -n "$ns" route add "$(first_host "$("$RESCAN" lab env lab_net)" 64)/26" dev rsroute0
	run ip netns exec "$ns" "$RESCAN" lab preflight --here
	ip netns del "$ns"
	[ "$status" -eq 1 ]
	[[ $output == *"is already in use"*"a route to"*"via rsroute0"* ]]
}

@test "preflight: --iface without --here is a usage error" {
	run -2 "$RESCAN" lab preflight --iface lab9
	[[ $output == *"--iface only applies with --here"* ]]
}

@test "preflight: --here with --scanner-only is a usage error" {
	run -2 "$RESCAN" lab preflight --here --scanner-only
	[[ $output == *"exclude each other"* ]]
}

@test "lab up --here: a namespace that uses the lab network is refused, nothing created" {
	run -1 ip netns exec "$NS" "$RESCAN" lab up --here --name "$OTHER" --world "$D/two.world"
	[[ $output == *"already in use"* ]]
	! ip netns list | grep "^$OTHER-" || fail "the refused lab up left namespaces (above)"
	[ ! -e "/run/rescan/$OTHER" ]
}

# ---- rescan stats --line --------------------------------------------------------

# The non-zero totals of `stats --json`, as --line should print them.
expected_line() {
	jq -r '[(.responder | to_entries[] | select(.key != "packets" and .key != "pass_arp")),
		(.scanner_side | to_entries[] | select(.key != "rx_other"))]
		| map(select(.value > 0) | "\(.key)=\(.value)") | join(" ")' <<<"$1"
}

@test "stats --line: the non-zero totals of --json, without the idle ARP refresh" {
	local before line after i
	"$RESCAN" lab exec --name "$LAB" -- timeout 60 zmap --cores 0 -b "$D/blocklist" -p 80 -q \
		--cooldown-time=1 -o /dev/null 198.18.0.0/24
	# A counter may tick between two reads: three tries at a quiet moment.
	for ((i = 0; i < 3; i++)); do
		before=$("$RESCAN" stats --name "$LAB" --json)
		line=$("$RESCAN" stats --name "$LAB" --line)
		after=$("$RESCAN" stats --name "$LAB" --json)
		[ "$before" = "$after" ] && break
	done
	[ "$line" = "$(expected_line "$before")" ] ||
		{ echo "line:     $line"; echo "expected: $(expected_line "$before")"; false; }
	[[ $line == *"tx_synack="* ]]
}

@test "stats: --line and --json exclude each other, exit 2" {
	run -2 "$RESCAN" stats --name "$LAB" --line --json
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"exclude each other"* ]]
}
