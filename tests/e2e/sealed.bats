#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The lab is sealed, in each attach mode of the rescan CLI: a plain lab
# (rescan lab up: the scanner's own namespace), a class (--students: each
# student's namespace) and host mode (--here --no-default-route: the
# scanner side is a host's namespace that keeps its own routes and
# forwards IPv4). During full-speed scans not one packet reaches any other
# interface, and every scanner and client aimed outside the lab reaches
# the lab alone. The appliance, its compose stacks and its host mode:
# docker_sealed.bats.
#
# Network safety: each lab is brought up inside a stand-in machine made
# here (sealed_helper.bash), whose only way out leads into a sink
# namespace that counts what arrives and sends it nowhere; the real
# machine is watched besides. Nothing here can reach a real network, even
# when a test fails.

load lab_helper
load sealed_helper

setup_file() {
	require_root_and_tools zmap masscan nmap ip jq curl ping tcpdump nsenter
	export D=$BATS_FILE_TMPDIR
	export LAB=$(lab_name sp) CLASS=$(lab_name sc) HOST=$(lab_name sh)
	export M=$(lab_name sm) HM=$(lab_name sn)
	sealed_world "$D/sealed.world"
	machine_up "$M"
	machine_up "$HM"
	machine_shape "$M" >"$D/machine.before"
	machine_shape "$HM" >"$D/host.before"
	in_machine "$M" "$RESCAN" lab up --name "$LAB" --world "$D/sealed.world" >/dev/null
	in_machine "$M" "$RESCAN" lab up --name "$CLASS" --world "$D/sealed.world" --students 2 >/dev/null
	# Host mode as the appliance's --mode host makes it.
	in_machine "$HM" "$RESCAN" lab up --name "$HOST" --world "$D/sealed.world" \
		--here --iface rs0 --no-default-route >/dev/null
}

teardown() {
	[ -s "$BATS_TEST_TMPDIR/pids" ] && xargs -r kill <"$BATS_TEST_TMPDIR/pids" 2>/dev/null
	true
}

teardown_file() {
	local l
	for l in "$LAB" "$CLASS"; do
		in_machine "$M" "$RESCAN" lab down --name "$l" >/dev/null 2>&1
	done
	in_machine "$HM" "$RESCAN" lab down --name "$HOST" >/dev/null 2>&1
	machine_down "$M"
	machine_down "$HM"
	true
}

# The hooks of sealed_helper.bash's try_outside, for a lab's scanner side:
# LAB_NOW (lab), STUDENT (empty: the lab's own scanner), SCAN_ADDR.
scanner_sh() {
	"$RESCAN" lab exec --name "$LAB_NOW" ${STUDENT:+--student "$STUDENT"} -- sh -c "$1" sh "${@:2}"
}
scanner_packets() {
	"$RESCAN" stats --name "$LAB_NOW" --json | jq --arg a "$SCAN_ADDR" '.sources[$a].packets // 0'
}
responder_total() {
	"$RESCAN" stats --name "$LAB_NOW" --json | jq ".responder.$1"
}
responder_packets() {
	"$RESCAN" stats --name "$1" --json | jq .responder.packets
}
responder_total_of() {
	"$RESCAN" stats --name "$1" --json | jq ".responder.$2"
}
# Host mode's scanner side is the machine's own namespace.
host_sh() {
	in_machine "$HM" sh -c "$1" sh "${@:2}"
}

# The clients as a plain lab's scanner side has them.
lab_clients() {
	ZMAP_OPTS="" SOURCE="" MASSCAN_OPTS="" NMAP_OPTS=""
	HTTP_GET="curl -sS --max-time 3 -o /dev/null"
	PING="ping -n -c 1 -W 3"
	PING6="ping -6 -n -c 1 -W 3"
}

@test "lab up leaves the machine as it was: no interface, address, route or rule of a lab in it" {
	machine_shape "$M" >"$BATS_TEST_TMPDIR/machine.now"
	diff "$D/machine.before" "$BATS_TEST_TMPDIR/machine.now" ||
		fail "the labs changed the machine they were made from (above)"
}

@test "no end of a lab veth forwards IPv4: scanner sides, students, the internet side, a host's lab interface" {
	local ns iface
	for ns in "$LAB-scan" "$CLASS-scan" "$CLASS-s1" "$CLASS-s2" "$HM-m"; do
		iface=lab0
		[ "$ns" = "$HM-m" ] && iface=rs0
		[ "$(ip netns exec "$ns" sysctl -n "net.ipv4.conf.$iface.forwarding")" = 0 ] ||
			fail "$ns: $iface forwards"
	done
	for ns in "$LAB-inet" "$CLASS-inet" "$HOST-inet"; do
		for iface in $(ip -n "$ns" -o link show | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2 }'); do
			[ "$(ip netns exec "$ns" sysctl -n "net.ipv4.conf.$iface.forwarding")" = 0 ] ||
				fail "$ns: $iface forwards"
		done
	done
	# The machine forwards, as a Docker host does; the lab's own
	# interfaces are the ones that do not.
	[ "$(ip netns exec "$HM-m" sysctl -n net.ipv4.ip_forward)" = 1 ]
}

@test "plain lab: full-speed ZMap and masscan of a /12: every probe in the lab, not one packet anywhere else" {
	local p0 i0 sent
	machine_counters "$M" >"$BATS_TEST_TMPDIR/machine.before"
	p0=$(responder_packets "$LAB")
	i0=$(ip_counter "$LAB-inet" InReceives)
	host_watch_start
	run "$RESCAN" lab exec --name "$LAB" -- zmap -p 80 "${ZMAP_FULL_SPEED[@]}" -c 1 -q -o /dev/null "$FULL_SPEED_NET"
	[ "$status" -eq 0 ] || fail "zmap: $output"
	run "$RESCAN" lab exec --name "$LAB" -- masscan -p443 --rate 2000000 --wait 1 -oL /dev/null \
		"$FULL_SPEED_QUARTER"
	[ "$status" -eq 0 ] || fail "masscan: $output"
	sent=$(($(responder_packets "$LAB") - p0))
	host_watch_stop "$sent"
	machine_counters "$M" >"$BATS_TEST_TMPDIR/machine.after"
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" "the machine"
	# ZMap's /12 and masscan's /14, and (at least) a RST for each answer.
	[ "$sent" -ge $((1048576 + 262144)) ] || fail "only $sent packets reached the lab"
	# The internet side's kernel got no IP packet: the responder answered
	# or dropped every one.
	[ "$(ip_counter "$LAB-inet" InReceives)" -eq "$i0" ] || fail "the internet side's kernel received IP packets"
	echo "# plain lab: $sent packets into the lab; the machine, its sink and container: 0" >&3
}

@test "plain lab: zmap, masscan, nmap, curl and ping aimed outside reach the lab alone" {
	local LAB_NOW=$LAB STUDENT="" SCAN_ADDR
	SCAN_ADDR=$("$RESCAN" lab env --name "$LAB" scanner_addr)
	lab_clients
	outside_targets "$MACHINE_ADDR" "$MACHINE_GW" "$BRIDGE_GW" "$BRIDGE_PEER"
	machine_counters "$M" >"$BATS_TEST_TMPDIR/machine.before"
	host_watch_start
	try_outside
	host_watch_stop
	machine_counters "$M" >"$BATS_TEST_TMPDIR/machine.after"
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" "the machine"
	echo "# plain lab, ${#OUTSIDE[@]} targets (${OUTSIDE[*]}): $(paste -sd';' "$BATS_TEST_TMPDIR/tries")" >&3
}

@test "class: both students and the lab's scanner at full speed at once: not one packet anywhere else" {
	local p0 sent pids=() k
	machine_counters "$M" >"$BATS_TEST_TMPDIR/machine.before"
	p0=$(responder_packets "$CLASS")
	host_watch_start
	for k in 1 2; do
		"$RESCAN" lab exec --name "$CLASS" --student "$k" -- \
			zmap -p 80 "${ZMAP_FULL_SPEED[@]}" -c 1 -q -o /dev/null "${FULL_SPEED_HALVES[k - 1]}" >"$BATS_TEST_TMPDIR/s$k.log" 2>&1 3>&- &
		pids+=($!)
	done
	"$RESCAN" lab exec --name "$CLASS" -- masscan -p443 --rate 2000000 --wait 1 -oL /dev/null \
		"$FULL_SPEED_QUARTER" >"$BATS_TEST_TMPDIR/own.log" 2>&1 3>&- &
	pids+=($!)
	echo "${pids[@]}" >>"$BATS_TEST_TMPDIR/pids"
	for k in "${pids[@]}"; do
		wait "$k" || fail "a scan failed: $(tail -n 3 "$BATS_TEST_TMPDIR"/*.log)"
	done
	sent=$(($(responder_packets "$CLASS") - p0))
	host_watch_stop "$sent"
	machine_counters "$M" >"$BATS_TEST_TMPDIR/machine.after"
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" "the machine"
	[ "$sent" -ge $((2 * 524288 + 262144)) ] || fail "only $sent packets reached the lab"
	echo "# class: $sent packets into the lab; the machine, its sink and container: 0" >&3
}

@test "class: each student's zmap, masscan, nmap, curl and ping aimed outside reach the lab alone" {
	local LAB_NOW=$CLASS STUDENT SCAN_ADDR
	lab_clients
	outside_targets "$MACHINE_ADDR" "$MACHINE_GW" "$BRIDGE_GW" "$BRIDGE_PEER"
	machine_counters "$M" >"$BATS_TEST_TMPDIR/machine.before"
	host_watch_start
	for STUDENT in 1 2; do
		SCAN_ADDR=$("$RESCAN" lab env --name "$CLASS" --student "$STUDENT" student_addr)
		try_outside
		echo "# student $STUDENT: $(paste -sd';' "$BATS_TEST_TMPDIR/tries")" >&3
	done
	host_watch_stop
	machine_counters "$M" >"$BATS_TEST_TMPDIR/machine.after"
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" "the machine"
}

@test "host mode: full-speed ZMap and masscan through the lab interface: the host sends nothing anywhere else" {
	local p0 r0 sent rst gw
	gw=$("$RESCAN" lab env --name "$HOST" gateway_mac)
	machine_counters "$HM" rs0 >"$BATS_TEST_TMPDIR/machine.before"
	p0=$(responder_packets "$HOST")
	r0=$(responder_total_of "$HOST" drop_not_probe)
	host_watch_start
	full_speed_in_machine "$HM" rs0 "$gw"
	sent=$(($(responder_packets "$HOST") - p0))
	host_watch_stop "$sent"
	machine_counters "$HM" rs0 >"$BATS_TEST_TMPDIR/machine.after"
	# The host's kernel answers each SYN-ACK with a RST; those went into
	# the lab too (the lab's rule), not out by the host's default route.
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" \
		"the host's other interfaces, its sink and container, or its forwarding"
	rst=$(($(responder_total_of "$HOST" drop_not_probe) - r0))
	[ "$sent" -ge $((1048576 + 262144)) ] || fail "only $sent packets reached the lab"
	[ "$rst" -gt 0 ] || fail "no RST of the host's reached the lab"
	echo "# host mode: $sent packets into the lab ($rst RSTs and other non-probes among them); the host's other interfaces, sink, container, forwarding: 0" >&3
}

@test "host mode: zmap, masscan, nmap, curl and ping through the lab interface aimed outside reach the lab alone" {
	local LAB_NOW=$HOST STUDENT="" SCAN_ADDR=100.64.0.2 gw
	gw=$("$RESCAN" lab env --name "$HOST" gateway_mac)
	scanner_sh() { host_sh "$@"; }
	ZMAP_OPTS="-i rs0 -G $gw" SOURCE=100.64.0.2
	MASSCAN_OPTS="--adapter rs0 --adapter-ip 100.64.0.2 --router-mac $gw"
	NMAP_OPTS="-e rs0 --send-eth"
	HTTP_GET="curl -sS --max-time 3 --interface rs0 -o /dev/null"
	PING="ping -n -c 1 -W 3 -I 100.64.0.2"
	PING6="ping -6 -n -c 1 -W 3 -I rs0"
	# Not the host's own addresses: the scanner side's own here, local.
	outside_targets "$MACHINE_GW" "$BRIDGE_PEER"
	machine_counters "$HM" rs0 >"$BATS_TEST_TMPDIR/machine.before"
	host_watch_start
	try_outside
	host_watch_stop
	machine_counters "$HM" rs0 >"$BATS_TEST_TMPDIR/machine.after"
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" \
		"the host's other interfaces, its sink and container, or its forwarding"
	echo "# host mode: $(paste -sd';' "$BATS_TEST_TMPDIR/tries")" >&3
}

@test "host mode: answers to another address of the lab network die at the host, unforwarded and unanswered" {
	local gw t0 e0
	gw=$("$RESCAN" lab env --name "$HOST" gateway_mac)
	machine_counters "$HM" rs0 >"$BATS_TEST_TMPDIR/machine.before"
	t0=$(responder_total_of "$HOST" tx_synack)
	e0=$(ip_counter "$HM-m" InAddrErrors)
	run in_machine "$HM" zmap -i rs0 -G "$gw" -S 100.64.0.77 -p 80 -n 1000 -r 20000 -c 1 -q -o /dev/null "$FULL_SPEED_NET"
	[ "$status" -eq 0 ] || fail "zmap: $output"
	sleep 1
	machine_counters "$HM" rs0 >"$BATS_TEST_TMPDIR/machine.after"
	# The lab answered each probe (100.64.0.77 is of the lab's own seat)...
	[ $(($(responder_total_of "$HOST" tx_synack) - t0)) -eq 1000 ]
	# ...and the host dropped each answer on rs0 (not its address, not
	# forwarded), without an ICMP error out by its default route.
	[ $(($(ip_counter "$HM-m" InAddrErrors) - e0)) -eq 1000 ] ||
		fail "the host's InAddrErrors moved by $(($(ip_counter "$HM-m" InAddrErrors) - e0)), not 1000"
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" \
		"the host's other interfaces, its sink and container, or its forwarding"
}

@test "host mode: lab down leaves the host as it was: no interface, address, route or rule of the lab" {
	in_machine "$HM" "$RESCAN" lab down --name "$HOST"
	machine_shape "$HM" >"$BATS_TEST_TMPDIR/host.now"
	diff "$D/host.before" "$BATS_TEST_TMPDIR/host.now" || fail "lab down left the above in the host"
}
