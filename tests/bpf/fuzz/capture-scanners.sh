#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/bpf/fuzz/capture-scanners.sh - the packet fuzzer's corpus of real
# scanner probes: ZMap, masscan and nmap (the Debian packages) each send
# their probes of one kind from a namespace of their own to a second
# namespace, where tcpdump keeps the first frames of each kind in
# tests/bpf/fuzz/corpus/<scanner>-<kind>.pcap. Nothing answers (the second
# namespace forwards nothing and owns none of the targets), and the two
# namespaces have no other interface: no frame leaves them.
#
# Run as root from anywhere; the files it writes are committed, so the
# fuzzer's corpus changes only when this is run again:
#   tests/bpf/fuzz/capture-scanners.sh
set -euo pipefail
cd "$(dirname "$0")"

out=corpus
scan=fzcapS$$
gate=fzcapG$$
tmp=$(mktemp -d)
tcpdump_pid=

# The addresses and MACs of tests/bpf/cases.h: scanner, gateway, and a
# host of the fuzz world's FZ_NET (world.c) as the target.
scanner_ip=100.64.0.2
gateway_ip=100.64.0.1
scanner_mac=02:00:5c:a1:00:01
gateway_mac=02:00:5c:a1:00:fe
targets=50.0.0.0/30
target=50.0.0.1
keep=8		# frames kept per kind

cleanup() {
	[ -n "$tcpdump_pid" ] && kill "$tcpdump_pid" 2>/dev/null && wait "$tcpdump_pid" 2>/dev/null
	ip netns del "$scan" 2>/dev/null || true
	ip netns del "$gate" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

for t in zmap masscan nmap tcpdump ip ethtool; do
	command -v "$t" >/dev/null || { echo "capture-scanners: missing tool: $t" >&2; exit 1; }
done

ip netns add "$scan"
ip netns add "$gate"
ip -n "$scan" link add fzcap0 address "$scanner_mac" type veth \
	peer name fzcap1 address "$gateway_mac" netns "$gate"
ip -n "$scan" addr add "$scanner_ip/24" dev fzcap0
ip -n "$gate" addr add "$gateway_ip/24" dev fzcap1
ip -n "$scan" link set lo up
ip -n "$scan" link set fzcap0 up
ip -n "$gate" link set fzcap1 up
ip -n "$scan" route add default via "$gateway_ip"
# Whole checksums, as rescan lab up leaves them on the scanner's side.
ip netns exec "$scan" ethtool -K fzcap0 tx off >/dev/null

# capture NAME COMMAND...: the first $keep frames COMMAND sends, in $out/NAME.pcap.
capture() {
	local name=$1
	shift
	ip netns exec "$gate" tcpdump -Z root -i fzcap1 -Q in -U -s 0 -w "$tmp/$name.pcap" \
		>/dev/null 2>&1 &
	tcpdump_pid=$!
	sleep 1		# tcpdump is listening
	ip netns exec "$scan" "$@" >"$tmp/$name.log" 2>&1 ||
		{ echo "capture-scanners: $name failed:" >&2; cat "$tmp/$name.log" >&2; exit 1; }
	sleep 1		# the last frames are written
	kill "$tcpdump_pid"
	wait "$tcpdump_pid" 2>/dev/null || true
	tcpdump_pid=
	tcpdump -Z root -r "$tmp/$name.pcap" -c "$keep" -w "$out/$name.pcap" 2>/dev/null
	echo "$name: $(tcpdump -r "$out/$name.pcap" 2>/dev/null | wc -l) frames"
}

zmap_() {
	local module=$1
	shift
	capture "zmap-$module" zmap -q -C /dev/null -b /dev/null -i fzcap0 -S "$scanner_ip" \
		-G "$gateway_mac" -M "$module" -r 100 -c 1 -o /dev/null "$@" "$targets"
}

masscan_() {
	local name=$1
	shift
	capture "masscan-$name" masscan -e fzcap0 --source-ip "$scanner_ip" \
		--router-mac "$gateway_mac" --rate 100 --wait 1 "$@" 50.0.0.1-50.0.0.2
}

nmap_() {
	local name=$1
	shift
	capture "nmap-$name" nmap -n --max-retries 0 --max-rtt-timeout 200ms "$@" "$target"
}

rm -f "$out"/*.pcap
mkdir -p "$out"
zmap_ tcp_synscan -p 80
zmap_ icmp_echoscan
zmap_ icmp_echo_time
zmap_ udp -p 53
zmap_ ntp -p 123
zmap_ upnp -p 1900
masscan_ syn -p 80,443
masscan_ ping --ping
masscan_ udp -p U:53,U:123,U:161,U:1900
nmap_ sS -Pn -sS -p 80,443
nmap_ sn -sn
nmap_ sU -Pn -sU -p 7,53,123,161,1900
nmap_ sT -Pn -sT -p 80,443
