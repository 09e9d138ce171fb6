# SPDX-License-Identifier: GPL-2.0-only
#
# sealed_helper.bash - shared by tests/e2e/sealed.bats and
# docker_sealed.bats: what they prove a lab sealed with.
#
# A stand-in machine. A lab is brought up from inside a network namespace
# the suite makes, NAME-m, which looks to the lab like a machine on a
# network:
#   up0  203.0.113.1/24, default route via 203.0.113.254: the uplink; its
#        far end, down0, is alone in the sink namespace NAME-k
#   br0  172.30.0.1/16, a bridge like Docker's docker0, with one
#        "container" on it (vc0 - eth0 172.30.0.2 in namespace NAME-c)
# It forwards IPv4 as a Docker host does. IPv6, multicast and the bridge's
# multicast snooping (its IGMP reports) are off, so none of its interfaces
# sends a packet of its own: every counter stays where it is unless a
# packet of the lab gets there. What got out of the lab would end in the
# sink, which has no other interface and forwards nothing: it is counted
# there and goes no further, so a test that fails sends nothing off the
# real machine.
#
# The real machine is watched as well (host_watch_start/stop): the
# counters of every interface of its own namespace (Docker's bridges and
# veths among them), and a capture on all of them of the addresses the
# suites aim at.
#
# The tries (try_outside) aim every scanner and client at what lies
# outside the lab: public addresses, the machine's own addresses, its
# Docker-like bridge's gateway and container, the real machine's own
# addresses (Docker's bridge gateway among them). A suite says how to reach
# its scanner side through hooks (below, at try_outside).

# ZMap 2.1.1 gives up after its second failed send (its default
# --max-sendto-failures is 1, not the -1 its help gives). A student's lab0
# has no queue, so at full speed a full veth ring fails a send now and
# then: a probe lost, nothing else. Full-speed scans go on past that.
ZMAP_FULL_SPEED=(-r 0 --max-sendto-failures -1)

# The test world (sealed_world): a dense public /12 and one well-known
# public address answer tcp/80, tcp/443, tcp/9100 (the port of the
# appliance's monitor) and ICMP echo; nothing else does.
FULL_SPEED_NET=52.0.0.0/12
FULL_SPEED_HALVES=(52.0.0.0/13 52.8.0.0/13)
FULL_SPEED_QUARTER=52.0.0.0/14
PUBLIC_ANSWERED=1.1.1.1
PUBLIC_SILENT=8.8.8.8
SPOOFED_SOURCE=8.8.4.4
IPV6_PUBLIC=2001:4860:4860::8888
MACHINE_ADDR=203.0.113.1
MACHINE_GW=203.0.113.254
BRIDGE_GW=172.30.0.1
BRIDGE_PEER=172.30.0.2
# What the real machine's capture looks for. The lab network is left out:
# host-mode labs of other suites use it on this machine's interfaces.
HOST_WATCH_FILTER="net $FULL_SPEED_NET or host $PUBLIC_ANSWERED or host $PUBLIC_SILENT or host $SPOOFED_SOURCE or host $IPV6_PUBLIC"

declare -F fail >/dev/null || fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# sealed_world FILE: the test world, compiled from a list this file writes.
sealed_world() {
	printf '%s\n' "$FULL_SPEED_NET" "$PUBLIC_ANSWERED" >"$1.hosts"
	"$REPO/rescan" world compile -o "$1" tcp/80="$1.hosts" tcp/443="$1.hosts" \
		tcp/9100="$1.hosts" icmp="$1.hosts" >/dev/null
}

# machine_up NAME [PID]: the stand-in machine NAME-m (with PID: that
# process's network namespace, e.g. a container's, named NAME-m), its sink
# NAME-k and its container NAME-c.
machine_up() {
	local m=$1-m k=$1-k c=$1-c ns l
	if [ -n "${2:-}" ]; then
		ip netns attach "$m" "$2" || return 1
	else
		ip netns add "$m" || return 1
	fi
	ip netns add "$k" && ip netns add "$c" || return 1
	for ns in "$m" "$k" "$c"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null &&
			ip -n "$ns" link set lo up || return 1
	done
	ip -n "$m" link add up0 type veth peer name down0 netns "$k" &&
		ip -n "$m" link add br0 type bridge mcast_snooping 0 &&
		ip -n "$m" link add vc0 type veth peer name eth0 netns "$c" &&
		ip -n "$m" link set vc0 master br0 || return 1
	for l in "$m up0" "$m br0" "$m vc0" "$k down0" "$c eth0"; do
		ip -n "${l% *}" link set "${l#* }" multicast off up || return 1
	done
	ip -n "$m" addr add "$MACHINE_ADDR/24" dev up0 &&
		ip -n "$k" addr add "$MACHINE_GW/24" dev down0 &&
		ip -n "$m" addr add "$BRIDGE_GW/16" dev br0 &&
		ip -n "$c" addr add "$BRIDGE_PEER/16" dev eth0 &&
		ip -n "$m" route add default via "$MACHINE_GW" &&
		ip -n "$c" route add default via "$BRIDGE_GW" &&
		ip netns exec "$m" sysctl -qw net.ipv4.ip_forward=1 >/dev/null
}

machine_down() {
	local ns
	for ns in "$1-m" "$1-k" "$1-c"; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# in_machine NAME CMD...: CMD in the machine's network namespace (and this
# mount namespace: the lab's pinned maps stay where rescan finds them).
in_machine() {
	local m=$1
	shift
	nsenter --net="/run/netns/$m-m" "$@"
}

# full_speed_in_machine NAME IFACE GATEWAY-MAC: from stand-in machine
# NAME, through its lab interface IFACE, as 100.64.0.2: ZMap at full speed
# over FULL_SPEED_NET, then masscan over FULL_SPEED_QUARTER.
full_speed_in_machine() {
	run in_machine "$1" zmap -i "$2" -G "$3" -S 100.64.0.2 -p 80 "${ZMAP_FULL_SPEED[@]}" -c 1 -q \
		-o /dev/null "$FULL_SPEED_NET"
	[ "$status" -eq 0 ] || fail "zmap: $output"
	run in_machine "$1" masscan --adapter "$2" --adapter-ip 100.64.0.2 --router-mac "$3" -p443 \
		--rate 2000000 --wait 1 -oL /dev/null "$FULL_SPEED_QUARTER"
	[ "$status" -eq 0 ] || fail "masscan: $output"
}

# machine_shape NAME: the machine's interfaces, addresses, routes and rules.
machine_shape() {
	ip -n "$1-m" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print "link", $2 }'
	ip -n "$1-m" -o addr show | awk '{ print "addr", $2, $4 }'
	ip -n "$1-m" route show table all | sed 's/^/route /'
	ip -n "$1-m" rule show | sed 's/^/rule /'
}

# link_counters NS [SKIP...]: "NS/IFACE rx_packets rx_bytes tx_packets
# tx_bytes" for each interface of NS ("" for this process's own), but lo
# (it carries nothing off a machine) and SKIP; sorted.
link_counters() {
	local ns=$1
	shift
	ip ${ns:+-n "$ns"} -j -s link show |
		jq -r --arg ns "${ns:-host}" --arg skip "lo $*" '($skip | split(" ")) as $s | .[] |
			select([.ifname] | inside($s) | not) |
			"\($ns)/\(.ifname) \(.stats64.rx.packets) \(.stats64.rx.bytes) \(.stats64.tx.packets) \(.stats64.tx.bytes)"' |
		sort
}

# ip_counter NS NAME: an IPv4 counter of NS's kernel (/proc/net/snmp).
ip_counter() {
	nsenter --net="/run/netns/$1" cat /proc/net/snmp |
		awk -v n="$2" '$1 == "Ip:" { if (!c) { for (i = 2; i <= NF; i++) if ($i == n) c = i } else print $c }'
}

# machine_counters NAME [LAB_IFACE...]: every counter of the machine, its
# sink and its container, but the lab's own interfaces; the packets the
# machine forwarded; without LAB_IFACE (no lab interface in the machine,
# nothing running there) also what its IPv4 stack received and sent.
machine_counters() {
	local n=$1
	shift
	link_counters "$n-m" "$@"
	link_counters "$n-k"
	link_counters "$n-c"
	echo "$n-m/ip ForwDatagrams $(ip_counter "$n-m" ForwDatagrams)"
	if [ $# -eq 0 ]; then
		echo "$n-m/ip InReceives $(ip_counter "$n-m" InReceives)"
		echo "$n-m/ip OutRequests $(ip_counter "$n-m" OutRequests)"
	fi
}

# same_counters BEFORE AFTER WHAT: not one counter moved.
same_counters() {
	diff -q "$1" "$2" >/dev/null ||
		fail "$3: packets got there (before <, after >):" "$(diff "$1" "$2" | grep '^[<>]')"
}

# capture_start NAME IFACE FILTER [TCPDUMP-OPTION...]: capture what
# passes IFACE of this machine and matches FILTER, until capture_stop NAME.
capture_start() {
	local i f=$BATS_TEST_TMPDIR/$1
	tcpdump -i "$2" -n -p -U -Z root "${@:4}" -w "$f.pcap" "$3" 2>"$f.tcpdump" 3>&- &
	echo $! >"$f.pid"
	echo $! >>"$BATS_TEST_TMPDIR/pids"
	for ((i = 0; i < 100; i++)); do
		grep -qs 'listening on' "$f.tcpdump" && return 0
		sleep 0.1
	done
	fail "tcpdump on $2 did not start: $(cat "$f.tcpdump")"
}

# capture_stop NAME: the packets captured, one line each (none: nothing).
capture_stop() {
	local f=$BATS_TEST_TMPDIR/$1
	sleep 1
	kill -INT "$(cat "$f.pid")" 2>/dev/null
	wait "$(cat "$f.pid")" 2>/dev/null
	tcpdump -n -e -r "$f.pcap" 2>/dev/null
}

# host_watch_start: this machine's own interfaces, counted, and captured
# for what the suites aim at (HOST_WATCH_FILTER), until host_watch_stop.
host_watch_start() {
	link_counters "" >"$BATS_TEST_TMPDIR/host.before"
	capture_start host any "$HOST_WATCH_FILTER"
}

# host_watch_stop [PROBES]: the capture holds no packet. With PROBES (how
# many the lab was sent meanwhile): no interface of this machine moved by
# as many packets, as it would have if they had got there. (Other work on
# the machine moves them too; a few seconds of it stay far below a
# full-speed scan.) One line on fd 3 says what was seen.
host_watch_stop() {
	local probes=${1:-} seen n worst busiest nifs total
	seen=$(capture_stop host)
	n=$(grep -c . <<<"$seen" || true)
	link_counters "" >"$BATS_TEST_TMPDIR/host.after"
	worst=$(join "$BATS_TEST_TMPDIR/host.before" "$BATS_TEST_TMPDIR/host.after" |
		awk '{ d = $6 - $2 + $8 - $4; t += d; if (d > m || !w) { m = d; w = $1 } }
			END { print m + 0, w, NR, t + 0 }')
	read -r worst busiest nifs total <<<"$worst"
	echo "# this machine: $n packets of the addresses aimed at captured; its $nifs interfaces" \
		"moved by $total packets in all, $busiest by most ($worst)${probes:+, while the lab got $probes}" >&3
	[ "$n" -eq 0 ] ||
		fail "this machine's interfaces carried $n packets of the lab's addresses:" "$(head -n 5 <<<"$seen")"
	[ -z "$probes" ] || [ "$worst" -lt "$probes" ] ||
		fail "$busiest moved by $worst packets, no fewer than the $probes the lab got"
}

# The targets outside the lab (OUTSIDE, after outside_targets [MORE...]):
# two public addresses (the first answered by the test world), MORE, and
# this machine's own addresses (Docker's bridge gateways among them).
outside_targets() {
	mapfile -t OUTSIDE < <(
		printf '%s\n' "$PUBLIC_ANSWERED" "$PUBLIC_SILENT" "$@"
		ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4 }'
	)
	mapfile -t OUTSIDE < <(printf '%s\n' "${OUTSIDE[@]}" | awk 'NF && !seen[$0]++')
}

# only_answered WHAT HOSTS: the hosts a tool reported answering (one per
# line) are the test world's public host or nothing: nothing outside the
# lab answered.
only_answered() {
	local other
	other=$(grep -vx -e "$PUBLIC_ANSWERED" -e '' <<<"$2" | sort -u)
	[ -z "$other" ] || fail "$1: answers from outside the lab's world: $(tr '\n' ' ' <<<"$other")"
}

# into_lab MIN WHAT SCRIPT [ARG...]: sh -c SCRIPT on the scanner side
# (output and status as bats' run gives them); at least MIN more packets of
# this scanner reached the lab's responder.
into_lab() {
	local min=$1 what=$2 before after
	shift 2
	before=$(scanner_packets)
	run scanner_sh "$@"
	after=$(scanner_packets)
	echo "$what: exit $status, $((after - before)) packets into the lab" >>"$BATS_TEST_TMPDIR/tries"
	[ $((after - before)) -ge "$min" ] ||
		fail "$what: $((after - before)) packets of it reached the lab, fewer than the $min it sends" "$output"
}

# try_outside: every scanner and client on the scanner side aims at
# OUTSIDE: whatever it sends reaches the lab, and what it reports
# answering is the test world's host alone (whose answer is the lab's).
# (ZMap may miss that one answer to a race of its own, scan_exact.bash:
# the lab's counters say it was sent.) The scanner side's hooks:
#   scanner_sh SCRIPT [ARG...]   sh -c SCRIPT sh ARG... there
#   scanner_packets              the responder's packets from this scanner
#   responder_total NAME         a responder counter, over all scanners
# and the flags that name the lab's interface where the scanner side has
# others (host mode): ZMAP_OPTS, SOURCE (-S for ZMap and nmap),
# MASSCAN_OPTS, NMAP_OPTS, and the clients HTTP_GET (fetches its last
# argument), PING and PING6 (one echo request to their last argument;
# PING empty: the scanner side has no ping it may run).
try_outside() {
	local n=${#OUTSIDE[@]} s0 a0 zs=${SOURCE:+-S $SOURCE} ns=${SOURCE:+-S $SOURCE}
	: >"$BATS_TEST_TMPDIR/tries"
	# The world's host among the targets gets its answer from the lab.
	a0=$(responder_total tx_synack)
	into_lab "$n" "zmap -p 80" "zmap $ZMAP_OPTS $zs -p 80 -b /dev/null -c 1 -q -o - \"\$@\" 2>/dev/null" \
		"${OUTSIDE[@]}"
	only_answered "zmap -p 80" "$output"
	[ "$(responder_total tx_synack)" -gt "$a0" ] || fail "zmap -p 80: the lab answered nothing"
	a0=$(responder_total tx_echo_reply)
	into_lab "$n" "zmap icmp_echoscan" "zmap $ZMAP_OPTS $zs --probe-module=icmp_echoscan -b /dev/null -c 1 -q -o - \"\$@\" 2>/dev/null" \
		"${OUTSIDE[@]}"
	only_answered "zmap icmp_echoscan" "$output"
	[ "$(responder_total tx_echo_reply)" -gt "$a0" ] || fail "zmap icmp_echoscan: the lab answered nothing"
	into_lab $((3 * n)) "masscan -p80,443 --ping" \
		"masscan $MASSCAN_OPTS -p80,443 --ping --rate 1000 --wait 1 -oL - \"\$@\" 2>/dev/null" "${OUTSIDE[@]}"
	only_answered masscan "$(awk '$1 == "open" { print $4 }' <<<"$output")"
	into_lab $((2 * n)) "nmap -sS" "nmap -n -Pn -sS -p 80,443 --max-retries 0 $NMAP_OPTS $ns -oG - \"\$@\"" \
		"${OUTSIDE[@]}"
	only_answered "nmap -sS" "$(awk '/Ports: .*\/open\// { print $2 }' <<<"$output")"
	into_lab "$n" "nmap -sT" "nmap -n -Pn -sT -p 80 --max-retries 0 $NMAP_OPTS $ns -oG - \"\$@\"" \
		"${OUTSIDE[@]}"
	only_answered "nmap -sT" "$(awk '/Ports: .*\/open\// { print $2 }' <<<"$output")"
	into_lab "$n" "nmap -sn" "nmap -n -sn $NMAP_OPTS $ns -oG - \"\$@\"" "${OUTSIDE[@]}"
	only_answered "nmap -sn" "$(awk '/Status: Up/ { print $2 }' <<<"$output")"
	# One fetch and one ping per target, all at once; "TARGET STATUS" each.
	into_lab "$n" "$HTTP_GET" \
		"for t; do ($HTTP_GET \"http://\$t/\" >/dev/null 2>&1; echo \"\$t \$?\") & done; wait" \
		"${OUTSIDE[@]}"
	# The lab answers a SYN (the world's host), never a request.
	[ "$(wc -l <<<"$output")" -eq "$n" ] && ! grep -q ' 0$' <<<"$output" ||
		fail "$HTTP_GET: a fetch worked, or some did not end: $output"
	if [ -n "$PING" ]; then
		into_lab "$n" "$PING" "for t; do ($PING \"\$t\" >/dev/null 2>&1; echo \"\$t \$?\") & done; wait" \
			"${OUTSIDE[@]}"
		only_answered "$PING" "$(awk '$2 == 0 { print $1 }' <<<"$output")"
		run scanner_sh "$PING6 $IPV6_PUBLIC"
		[ "$status" -ne 0 ] || fail "$PING6 $IPV6_PUBLIC was answered: $output"
	else
		echo "# no ping the scanner side may run: tried with zmap icmp_echoscan and nmap -sn only" >&3
	fi
	# A probe from an address outside the lab is never answered: its reply
	# would be sent to that address.
	s0=$(responder_total drop_spoofed)
	run scanner_sh "zmap $ZMAP_OPTS -S $SPOOFED_SOURCE -p 80 -n 100 -b /dev/null -c 1 -q -o - $FULL_SPEED_NET 2>/dev/null"
	[ -z "$output" ] || fail "a probe from $SPOOFED_SOURCE was answered: $output"
	[ $(($(responder_total drop_spoofed) - s0)) -ge 100 ] ||
		fail "probes from $SPOOFED_SOURCE: $(($(responder_total drop_spoofed) - s0)) dropped as spoofed, not 100"
}
