#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The appliance is sealed, in each of its attach modes: self (the
# container's own namespace is the scanner side, Docker's eth0 taken
# down), with the monitor serving on Docker's network (eth0 moved into a
# namespace of the monitor's alone), a compose class (student containers), and host mode
# (rescan0 in a host's namespace that keeps its routes and forwards IPv4).
# During full-speed scans not one packet reaches any other interface, and
# every scanner and client aimed outside the lab reaches the lab alone.
# The plain CLI's modes: sealed.bats.
#
# Network safety: the appliance runs on an --internal Docker network of
# this suite's (no way past its bridge: Docker drops what would leave it),
# whose bridge and veths are counted; compose's containers have no
# network; host mode runs in a stand-in machine (sealed_helper.bash: a
# container's namespace whose only way out leads into a sink namespace).
# Scanners told to use Docker's interface aim only at the bridge's own
# address. The real machine is watched besides.

load docker_helper
load sealed_helper

setup_file() {
	docker_setup_file
	if docker_skipped; then return 0; fi
	for t in zmap masscan nmap jq tcpdump nsenter curl; do
		command -v "$t" >/dev/null || { fail "FATAL: missing tool: $t"; return 1; }
	done
	export W=$BATS_FILE_TMPDIR/w
	mkdir -p "$W"
	sealed_world "$W/sealed.world"
	export NET=$RUN_ID-net
	dk network create --internal --label "$LABEL=$RUN_ID" "$NET" >/dev/null || return 1
	export BRIDGE=br-$(dk network inspect -f '{{.Id}}' "$NET" | cut -c1-12)
	export NET_GW
	NET_GW=$(dk network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$NET")
	export SELF NEIGHBOUR NEIGHBOUR_IP
	SELF=$(lab_run self --network "$NET" "${CAPS[@]}" -v "$W:/w:ro" -- --world /w/sealed.world)
	# Another container on the appliance's Docker network.
	NEIGHBOUR=$(lab_run neighbour --network "$NET" --entrypoint sleep -- infinity)
	NEIGHBOUR_IP=$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$NEIGHBOUR")
	wait_ready "$SELF"
	export HM=tsd$(($$ % 100000))
}

teardown() {
	[ -s "$BATS_TEST_TMPDIR/pids" ] && xargs -r kill <"$BATS_TEST_TMPDIR/pids" 2>/dev/null
	true
}

teardown_file() {
	[ -n "${RUN_ID:-}" ] || return 0
	compose -p "${RUN_ID}class" -f "$REPO/compose/class.yml" -f "$BATS_FILE_TMPDIR/image.yml" \
		down -v -t 5 >/dev/null 2>&1
	docker_teardown_file
	dk network rm "$NET" >/dev/null 2>&1
	machine_down "$HM"
	true
}

# net_counters: what the containers on the appliance's Docker network
# sent into it: the packets and bytes received by its bridge and by this
# machine's end of every veth on it (the appliance's, the neighbour's).
# (Their tx counts what this machine sends there, its own IPv6 router
# solicitations among them.)
net_counters() {
	ip -j -s link show | jq -r --arg b "$BRIDGE" '.[] | select(.ifname == $b or .master == $b) |
		"\(.ifname) rx \(.stats64.rx.packets) \(.stats64.rx.bytes)"' | sort
}

# host_veth_of CONTAINER NS: this machine's end of the container's eth0,
# which is in the container's network namespace NS (ip netns).
host_veth_of() {
	ip -o link show | awk -F': ' -v i="$(dk exec "$1" ip -n "$2" -o link show eth0 |
		sed -n 's/^[0-9]*: eth0@if\([0-9]*\):.*/\1/p')" '$1 == i { sub(/@.*/, "", $2); print $2 }'
}

# The hooks of try_outside (sealed_helper.bash): the scanner runs in
# container SCANNER, the counters are the appliance APPLIANCE's, the
# scanner sends from SCAN_ADDR.
scanner_sh() { dk exec "$SCANNER" sh -c "$1" sh "${@:2}"; }
scanner_packets() {
	dk exec "$APPLIANCE" rescan stats --json | jq --arg a "$SCAN_ADDR" '.sources[$a].packets // 0'
}
responder_total() { dk exec "$APPLIANCE" rescan stats --json | jq ".responder.$1"; }
scanner_counter() {
	dk exec "$APPLIANCE" rescan stats --json | jq --arg a "$SCAN_ADDR" ".sources[\$a].$1 // 0"
}
responder_packets() { dk exec "$1" rescan stats --json | jq .responder.packets; }

# The clients of the image: busybox's wget (its -T crashes busybox 1.35)
# and ping.
image_clients() {
	ZMAP_OPTS="" SOURCE="" MASSCAN_OPTS="" NMAP_OPTS=""
	HTTP_GET="timeout 3 wget -q -O /dev/null"
	PING="ping -c 1 -W 3"
	PING6="ping -6 -c 1 -W 3"
}

@test "self: full-speed ZMap and masscan of a /12: not one packet on Docker's network or anywhere else" {
	local p0 sent
	net_counters >"$BATS_TEST_TMPDIR/net.before"
	[ -s "$BATS_TEST_TMPDIR/net.before" ] || fail "no bridge $BRIDGE"
	p0=$(responder_packets "$SELF")
	host_watch_start
	run dk exec "$SELF" zmap -p 80 "${ZMAP_FULL_SPEED[@]}" -q -o /dev/null "$FULL_SPEED_NET"
	[ "$status" -eq 0 ] || fail "zmap: $output"
	run dk exec "$SELF" masscan -p443 --rate 2000000 --wait 1 -oL /dev/null "$FULL_SPEED_QUARTER"
	[ "$status" -eq 0 ] || fail "masscan: $output"
	sent=$(($(responder_packets "$SELF") - p0))
	host_watch_stop "$sent"
	net_counters >"$BATS_TEST_TMPDIR/net.after"
	same_counters "$BATS_TEST_TMPDIR/net.before" "$BATS_TEST_TMPDIR/net.after" "the appliance's Docker network"
	[ "$sent" -ge $((1048576 + 262144)) ] || fail "only $sent packets reached the lab"
	echo "# self: $sent packets into the lab; Docker's network ($(wc -l <"$BATS_TEST_TMPDIR/net.after") interfaces): 0" >&3
}

@test "self: zmap, masscan, nmap, wget and ping aimed outside reach the lab alone" {
	local SCANNER=$SELF APPLIANCE=$SELF SCAN_ADDR
	SCAN_ADDR=$(dk exec "$SELF" rescan lab env scanner_addr)
	image_clients
	outside_targets "$NET_GW" "$NEIGHBOUR_IP"
	net_counters >"$BATS_TEST_TMPDIR/net.before"
	host_watch_start
	try_outside
	host_watch_stop
	net_counters >"$BATS_TEST_TMPDIR/net.after"
	same_counters "$BATS_TEST_TMPDIR/net.before" "$BATS_TEST_TMPDIR/net.after" "the appliance's Docker network"
	echo "# self, ${#OUTSIDE[@]} targets (${OUTSIDE[*]}): $(paste -sd';' "$BATS_TEST_TMPDIR/tries")" >&3
}

# try_eth0 CONTAINER: zmap, masscan, nmap and ping on CONTAINER's scanner
# side, told to use Docker's interface eth0 and aimed at the bridge's own
# address (a packet that got out would stay on this machine), find nothing.
try_eth0() {
	local c=$1 mac ip
	mac=$(ip -br link show "$BRIDGE" | awk '{ print $3 }')
	ip=$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
	run dk exec "$c" zmap -i eth0 -G "$mac" -S "$ip" -p 80 -b /dev/null -c 1 -q -o - "$NET_GW"
	echo "zmap -i eth0: exit $status" >>"$BATS_TEST_TMPDIR/tries"
	[ -z "$output" ] || [ "$status" -ne 0 ] || fail "zmap -i eth0 found: $output"
	run dk exec "$c" masscan --adapter eth0 --adapter-ip "$ip" --router-mac "$mac" -p80 --rate 100 --wait 1 -oL - "$NET_GW"
	echo "masscan --adapter eth0: exit $status" >>"$BATS_TEST_TMPDIR/tries"
	! grep -q '^open' <<<"$output" || fail "masscan --adapter eth0 found: $output"
	run dk exec "$c" nmap -n -Pn -sS -p 80 --max-retries 0 -e eth0 --send-eth -oG - "$NET_GW"
	echo "nmap -e eth0: exit $status" >>"$BATS_TEST_TMPDIR/tries"
	! grep -q '/open/' <<<"$output" || fail "nmap -e eth0 found: $output"
	run dk exec "$c" ping -c 1 -W 2 -I eth0 "$NET_GW"
	echo "ping -I eth0: exit $status" >>"$BATS_TEST_TMPDIR/tries"
	[ "$status" -ne 0 ] || fail "ping -I eth0 $NET_GW was answered"
}

@test "self: scanners told to use Docker's interface send nothing (it is down)" {
	: >"$BATS_TEST_TMPDIR/tries"
	net_counters >"$BATS_TEST_TMPDIR/net.before"
	try_eth0 "$SELF"
	sleep 1
	net_counters >"$BATS_TEST_TMPDIR/net.after"
	same_counters "$BATS_TEST_TMPDIR/net.before" "$BATS_TEST_TMPDIR/net.after" "the appliance's Docker network"
	echo "# $(paste -sd';' "$BATS_TEST_TMPDIR/tries")" >&3
}

@test "self with --metrics on Docker's network: eth0 serves the monitor from a namespace of its own; scanners and clients reach the lab alone" {
	local SCANNER APPLIANCE SCAN_ADDR c ip i code links veth
	c=$(lab_run metrics --network "$NET" "${CAPS[@]}" -v "$W:/w:ro" -- --world /w/sealed.world \
		--metrics 0.0.0.0:9100)
	wait_ready "$c"
	SCANNER=$c APPLIANCE=$c
	SCAN_ADDR=$(dk exec "$c" rescan lab env scanner_addr)
	ip=$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
	# The scanners' namespace has the lab's link alone.
	links=$(dk exec "$c" ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | paste -sd' ')
	[ "$links" = "lab0 lo" ] || fail "the scanners' namespace has links $links"
	# Docker's eth0, in the monitor's namespace, carries its answers.
	for ((i = 0; i < 20; i++)); do
		code=$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://$ip:9100/metrics") && [ "$code" = 200 ] && break
		sleep 0.5
	done
	[ "$code" = 200 ] || fail "the monitor did not answer on $ip:9100 ($code)"
	veth=$(host_veth_of "$c" rescan-monitor)
	[ -n "$veth" ] || fail "no end of the appliance's eth0 on this machine"
	# Everything the appliance sends on eth0 (what this machine's end
	# receives) but ARP: the monitor's namespace keeps the neighbour entry
	# of its peer fresh with ARP of its own.
	capture_start eth0 "$veth" 'not arp' -Q in
	image_clients
	outside_targets "$NET_GW" "$NEIGHBOUR_IP"
	host_watch_start
	try_outside
	try_eth0 "$c"
	host_watch_stop
	run capture_stop eth0
	[ -z "$output" ] || fail "the appliance sent on eth0:" "$(head -n 5 <<<"$output")"
	echo "# --metrics: $(paste -sd';' "$BATS_TEST_TMPDIR/tries")" >&3
	dk rm -f "$c" >/dev/null
}

# ---- compose/class.yml ------------------------------------------------------

# The compose project's containers of SERVICE.
containers_of() {
	dk ps -q --filter "label=com.docker.compose.project=$1" --filter "label=com.docker.compose.service=$2" |
		xargs -r "$DOCKER" inspect -f '{{.Name}}' | sed 's|^/||' | sort
}

student_addr() {
	dk exec "$1" awk '$1 == "source-ip" { print $2 }' /etc/zmap/zmap.conf
}

@test "compose class: two students and the appliance at full speed at once: not one packet anywhere else" {
	local p=${RUN_ID}class c lab s pids=() k=0 sent p0
	# The image this suite built, whatever class.yml names.
	printf 'services:\n  lab:\n    image: %s\n  student:\n    image: %s\n' "$IMAGE" "$IMAGE" \
		>"$BATS_FILE_TMPDIR/image.yml"
	mkdir -p "$BATS_FILE_TMPDIR/data"
	cp "$W/sealed.world" "$BATS_FILE_TMPDIR/data/"
	STUDENTS=2 RESCAN_DATA=$BATS_FILE_TMPDIR/data RESCAN_WORLD=/data/sealed.world \
		run compose -p "$p" -f "$REPO/compose/class.yml" -f "$BATS_FILE_TMPDIR/image.yml" up -d
	[ "$status" -eq 0 ] || fail "$output"
	for c in $(containers_of "$p" lab) $(containers_of "$p" student); do
		wait_ready "$c"
	done
	lab=$(containers_of "$p" lab)
	p0=$(responder_packets "$lab")
	host_watch_start
	for s in $(containers_of "$p" student); do
		dk exec "$s" zmap -p 80 "${ZMAP_FULL_SPEED[@]}" -q -o /dev/null "${FULL_SPEED_HALVES[k]}" >"$BATS_TEST_TMPDIR/s$k.log" 2>&1 3>&- &
		pids+=($!)
		k=$((k + 1))
	done
	[ "$k" -eq 2 ] || fail "expected two students: $(containers_of "$p" student)"
	dk exec "$lab" masscan -p443 --rate 2000000 --wait 1 -oL /dev/null "$FULL_SPEED_QUARTER" \
		>"$BATS_TEST_TMPDIR/own.log" 2>&1 3>&- &
	pids+=($!)
	echo "${pids[@]}" >>"$BATS_TEST_TMPDIR/pids"
	for c in "${pids[@]}"; do
		wait "$c" || fail "a scan failed: $(tail -n 3 "$BATS_TEST_TMPDIR"/*.log)"
	done
	sent=$(($(responder_packets "$lab") - p0))
	host_watch_stop "$sent"
	[ "$sent" -ge $((2 * 524288 + 262144)) ] || fail "only $sent packets reached the lab"
	echo "# compose class: $sent packets into the lab" >&3
}

@test "compose class: each student's zmap, masscan, nmap, wget and ping aimed outside reach the lab alone" {
	local p=${RUN_ID}class SCANNER APPLIANCE SCAN_ADDR
	APPLIANCE=$(containers_of "$p" lab)
	[ -n "$APPLIANCE" ] || fail "no class running (the test before brings it up)"
	image_clients
	# busybox ping needs a raw socket, which a student's shell lacks
	# (only the scanners carry CAP_NET_RAW): echo requests are tried with
	# zmap and nmap.
	PING=""
	outside_targets
	host_watch_start
	for SCANNER in $(containers_of "$p" student); do
		SCAN_ADDR=$(student_addr "$SCANNER")
		try_outside
		echo "# student $SCAN_ADDR: $(paste -sd';' "$BATS_TEST_TMPDIR/tries")" >&3
	done
	host_watch_stop
	run compose -p "$p" -f "$REPO/compose/class.yml" -f "$BATS_FILE_TMPDIR/image.yml" down -v -t 10
	[ "$status" -eq 0 ] || fail "$output"
}

# ---- host mode, in a stand-in machine ------------------------------------------

@test "host: full-speed ZMap and masscan through rescan0: the host sends nothing anywhere else" {
	local m h p0 sent gw
	m=$(lab_run machine --network none --entrypoint sleep -- infinity)
	machine_up "$HM" "$(dk inspect -f '{{.State.Pid}}' "$m")"
	machine_shape "$HM" >"$BATS_FILE_TMPDIR/host.before"
	h=$(lab_run host --network "container:$m" "${CAPS[@]}" -v "$W:/w:ro" -- --mode host --world /w/sealed.world)
	wait_ready "$h"
	gw=$(dk exec "$h" rescan lab env gateway_mac)
	machine_counters "$HM" rescan0 >"$BATS_TEST_TMPDIR/machine.before"
	p0=$(responder_packets "$h")
	host_watch_start
	full_speed_in_machine "$HM" rescan0 "$gw"
	sent=$(($(responder_packets "$h") - p0))
	host_watch_stop "$sent"
	machine_counters "$HM" rescan0 >"$BATS_TEST_TMPDIR/machine.after"
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" \
		"the host's other interfaces, its sink and container, or its forwarding"
	[ "$sent" -ge $((1048576 + 262144)) ] || fail "only $sent packets reached the lab"
	echo "# host: $sent packets into the lab; the host's other interfaces, sink, container, forwarding: 0" >&3
}

@test "host: zmap, masscan, nmap, curl and ping through rescan0 aimed outside reach the lab alone" {
	local SCANNER APPLIANCE SCAN_ADDR=100.64.0.2 gw
	APPLIANCE=$RUN_ID-host
	gw=$(dk exec "$APPLIANCE" rescan lab env gateway_mac) || fail "no host-mode appliance (the test before starts it)"
	scanner_sh() { in_machine "$HM" sh -c "$1" sh "${@:2}"; }
	ZMAP_OPTS="-i rescan0 -G $gw" SOURCE=100.64.0.2
	MASSCAN_OPTS="--adapter rescan0 --adapter-ip 100.64.0.2 --router-mac $gw"
	NMAP_OPTS="-e rescan0 --send-eth"
	HTTP_GET="curl -sS --max-time 3 --interface rescan0 -o /dev/null"
	PING="ping -n -c 1 -W 3 -I 100.64.0.2"
	PING6="ping -6 -n -c 1 -W 3 -I rescan0"
	# Not the host's own addresses: the scanner side's own here, local.
	outside_targets "$MACHINE_GW" "$BRIDGE_PEER"
	machine_counters "$HM" rescan0 >"$BATS_TEST_TMPDIR/machine.before"
	host_watch_start
	try_outside
	host_watch_stop
	machine_counters "$HM" rescan0 >"$BATS_TEST_TMPDIR/machine.after"
	same_counters "$BATS_TEST_TMPDIR/machine.before" "$BATS_TEST_TMPDIR/machine.after" \
		"the host's other interfaces, its sink and container, or its forwarding"
	echo "# host: $(paste -sd';' "$BATS_TEST_TMPDIR/tries")" >&3
}

@test "host: docker stop leaves the host as it was: no interface, address, route or rule of the lab" {
	dk stop "$RUN_ID-host" >/dev/null
	machine_shape "$HM" >"$BATS_TEST_TMPDIR/host.now"
	diff "$BATS_FILE_TMPDIR/host.before" "$BATS_TEST_TMPDIR/host.now" ||
		fail "the appliance left the above in the host"
}
