#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# End to end: a believable internet. A world with open, closed and filtered
# ports, hosts that answer unlisted ports with RST and hosts that stay
# silent, ICMP echo and timestamp responders, is compiled from address
# lists this suite writes by rule; the real ZMap, masscan and nmap scan it,
# and every state they report must be the one the rule gives (computed
# here with awk, never by rescan).

load lab_helper

# The rule, for host i (0..4095) of 198.18.0.0/20:
#   tcp/80  open i%7==0, closed i%7==1, filtered i%7==2
#   tcp/22  open i%5==0
#   tcp/*   (every port the world does not list) closed i%3==0, else silent
#   udp/53 open i%11==0, udp/123 i%13==0, udp/161 i%17==0, udp/1900 i%19==0,
#   udp/5000 (no protocol of its own: the payload echoed) i%9==0
#   udp/*   closed i%3==0 (the same hosts as tcp/*), else silent
#   icmp i%4==0, icmp/timestamp i%6==0
RULE='
function pol(i) { return i % 3 == 0 }
# "open", "closed" or "silent" for a SYN to port p of host i
function tcp(i, p) {
	if (p == 80) {
		if (i % 7 == 0) return "open"
		if (i % 7 == 1) return "closed"
		if (i % 7 == 2) return "silent"
	}
	if (p == 22 && i % 5 == 0) return "open"
	return pol(i) ? "closed" : "silent"
}
# the same for a UDP probe
function udp(i, p) {
	if ((p == 53 && i % 11 == 0) || (p == 123 && i % 13 == 0) || (p == 161 && i % 17 == 0) ||
	    (p == 1900 && i % 19 == 0) || (p == 5000 && i % 9 == 0))
		return "open"
	return pol(i) ? "closed" : "silent"
}
function addr(i) { return sprintf("198.18.%d.%d", int(i / 256), i % 256) }
function idx(a,   o) { split(a, o, "."); return (o[3] - 0) * 256 + o[4] }
'

# expect FIRST LAST AWK-CONDITION: the addresses of hosts FIRST..LAST for which
# the condition (on i) holds, sorted as text.
expect() {
	awk -v f="$1" -v l="$2" "$RULE"' BEGIN { for (i = f; i <= l; i++) if ('"$3"') print addr(i) }' |
		sort
}

setup_file() {
	require_root_and_tools zmap masscan nmap ip jq
	export LAB=$(lab_name i)
	export D="$BATS_FILE_TMPDIR"
	export RULE

	expect 0 4095 'i % 7 == 0' >"$D/o80"
	expect 0 4095 'i % 7 == 1' >"$D/c80"
	expect 0 4095 'i % 7 == 2' >"$D/f80"
	expect 0 4095 'i % 5 == 0' >"$D/o22"
	expect 0 4095 'pol(i)' >"$D/policy"
	expect 0 4095 'i % 4 == 0' >"$D/icmp"
	expect 0 4095 'i % 6 == 0' >"$D/timestamp"
	local p m udp=()
	for p in 53:11 123:13 161:17 1900:19 5000:9; do
		m=${p#*:} p=${p%:*}
		expect 0 4095 "i % $m == 0" >"$D/u$p"
		udp+=("udp/$p=$D/u$p")
	done
	"$RESCAN" world compile -o "$D/internet.world" tcp/80="$D/o80" tcp/80:closed="$D/c80" \
		tcp/80:filtered="$D/f80" tcp/22="$D/o22" "tcp/*=$D/policy" icmp="$D/icmp" \
		icmp/timestamp="$D/timestamp" "${udp[@]}" "udp/*=$D/policy"
	write_blocklist "$D/blocklist"
	"$RESCAN" lab up --name "$LAB" --world "$D/internet.world"
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
}

# nmap_finds CONDITION NMAP-ARGS...: nmap's host discovery (-sn, with
# NMAP-ARGS) over hosts 512..639 (198.18.2.0/25) finds exactly the hosts
# for which the rule's CONDITION holds.
nmap_finds() {
	local cond=$1
	shift
	run lab_exec "$LAB" timeout 300 nmap -n -sn "$@" --max-retries 1 -oG - 198.18.2.0/25
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	awk '/Status: Up/ { print $2 }' <<<"$output" | sort >"$D/got"
	expect 512 639 "$cond" >"$D/want"
	assert_same_set "$D/want" "$D/got"
}

# grepable_ports: "host port state" for every port of nmap -oG on stdin, sorted.
grepable_ports() {
	awk '/Ports:/ { a = $2; sub(/.*Ports: /, ""); sub(/\t.*/, ""); n = split($0, p, ", ")
		for (k = 1; k <= n; k++) { split(p[k], f, "/"); print a, f[1], f[2] } }' | sort
}

@test "world export --state gives each state by the rule, the policy included" {
	"$RESCAN" world export "$D/internet.world" tcp/80 198.18.0.0/20 | sort >"$D/got"
	assert_same_set "$D/o80" "$D/got"
	"$RESCAN" world export --state closed "$D/internet.world" tcp/80 198.18.0.0/20 | sort >"$D/got"
	expect 0 4095 'tcp(i, 80) == "closed"' >"$D/want"
	assert_same_set "$D/want" "$D/got"
	"$RESCAN" world export --state filtered "$D/internet.world" tcp/80 198.18.0.0/20 | sort >"$D/got"
	assert_same_set "$D/f80" "$D/got"
	# A port the world does not list: its closed hosts are the policy's.
	"$RESCAN" world export --state closed "$D/internet.world" tcp/8080 198.18.0.0/20 | sort >"$D/got"
	assert_same_set "$D/policy" "$D/got"
	run "$RESCAN" world export --state open "$D/internet.world" tcp/8080
	[ "$status" -eq 1 ] && [[ $output == *"no service tcp/8080"* ]]
	run "$RESCAN" world export --state shut "$D/internet.world" tcp/80
	[ "$status" -eq 2 ] && [[ $output == *"unknown state 'shut'"* ]]
}

@test "world info shows the closed and filtered hosts and the policy" {
	run "$RESCAN" world info --json "$D/internet.world"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.services[] | select(.service == "tcp/80") | "\(.open) \(.closed) \(.filtered)"' <<<"$output")" = \
		"$(wc -l <"$D/o80") $(wc -l <"$D/c80") $(wc -l <"$D/f80")" ]
	[ "$(jq -r '.services[] | select(.service == "tcp/*") | "\(.hosts) \(.closed)"' <<<"$output")" = \
		"$(wc -l <"$D/policy") $(wc -l <"$D/policy")" ]
}

@test "ZMap tcp_synscan: exactly the rule's synack and rst hosts" {
	run lab_exec "$LAB" timeout 120 zmap --cores 0 -p 80 -r 20000 -c 3 -b "$D/blocklist" \
		-O csv -f saddr,classification,success,repeat -o "$D/z80.csv" 198.18.0.0/20
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	awk -F, '$2 == "synack" && $3 == 1 && $4 == 0 { print $1 }' "$D/z80.csv" | sort >"$D/got"
	assert_same_set "$D/o80" "$D/got"
	awk -F, '$2 == "rst" && $3 == 0 && $4 == 0 { print $1 }' "$D/z80.csv" | sort >"$D/got"
	expect 0 4095 'tcp(i, 80) == "closed"' >"$D/want"
	assert_same_set "$D/want" "$D/got"
}

@test "nmap -sS -p a range and a list: open, closed and filtered per port, exactly" {
	# hosts 256..319 (198.18.1.0/26); ports the world lists, and others
	run lab_exec "$LAB" timeout 300 nmap -n -Pn -sS -p 20-25,80,443 --max-retries 1 \
		-oG - 198.18.1.0/26
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grepable_ports <<<"$output" >"$D/got"
	awk "$RULE"' BEGIN { for (i = 256; i < 320; i++) { split("20 21 22 23 24 25 80 443", ps, " ")
		for (k = 1; k <= 8; k++) { s = tcp(i, ps[k]); print addr(i), ps[k], s == "silent" ? "filtered" : s } } }' |
		sort >"$D/want"
	diff "$D/want" "$D/got"
}

@test "nmap -sn without -Pn: exactly the hosts that answer its echo, SYN 443, ACK 80 or timestamp" {
	nmap_finds 'i % 4 == 0 || i % 6 == 0 || tcp(i, 443) != "silent" || tcp(i, 80) != "silent"'
}

@test "nmap -PA80 alone: exactly the hosts whose port 80 answers, open or closed" {
	nmap_finds 'tcp(i, 80) != "silent"' -PA80
}

@test "nmap -PP alone: exactly the timestamp responders" {
	nmap_finds 'i % 6 == 0' -PP
}

# masscan_states OUT RANGE WANT ARGS...: masscan --show closed over RANGE,
# its "state proto port host" lines to OUT.got, sorted; they must be
# exactly WANT's.
masscan_states() {
	local out=$1 range=$2 want=$3
	shift 3
	run lab_exec "$LAB" timeout 120 masscan "$@" --rate 500 --wait 3 --show closed -oL "$out" "$range"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	awk '$1 == "open" || $1 == "closed" { print $1, $2, $3, $4 }' "$out" | sort -u >"$out.got"
	assert_same_set "$want" "$out.got" || { lab_diagnostics "$LAB"; return 1; }
}

@test "masscan -p a list and a range --show closed: open and closed per port, exactly" {
	awk "$RULE"' BEGIN { for (i = 0; i < 1024; i++) { split("22 80 8080 8081", ps, " ")
		for (k = 1; k <= 4; k++) { s = tcp(i, ps[k]); if (s != "silent") print s, "tcp", ps[k], addr(i) } } }' |
		sort >"$D/want"
	masscan_states "$D/m.txt" 198.18.0.0/22 "$D/want" -p22,80,8080-8081
}

@test "masscan --ping: exactly the echo responders" {
	expect 0 1023 'i % 4 == 0' | sed 's/^/open icmp 0 /' | sort >"$D/want"
	masscan_states "$D/ping.txt" 198.18.0.0/22 "$D/want" --ping
}

@test "a connect scan counts open ports open: the handshake's own ACK is left alone" {
	run lab_exec "$LAB" timeout 120 nmap -n -Pn -sT -p 80 --max-retries 1 -oG - 198.18.0.0/28
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	awk '/Ports:/ { split($0, a, "Ports: "); split(a[2], f, "/"); print $2, f[2] }' <<<"$output" |
		sort >"$D/got"
	awk "$RULE"' BEGIN { for (i = 0; i < 16; i++) { s = tcp(i, 80); print addr(i), s == "silent" ? "filtered" : s } }' |
		sort >"$D/want"
	diff "$D/want" "$D/got"
	[ "$(lab_stats "$LAB" | jq .responder.drop_handshake)" -gt 0 ]
}

# ---- UDP --------------------------------------------------------------------

@test "ZMap udp (generic payload): exactly the echo service's hosts, icmp-unreach exactly the closed ones" {
	run lab_exec "$LAB" timeout 120 zmap --cores 0 -M udp -p 5000 --probe-args=text:hello -r 20000 -c 3 \
		-b "$D/blocklist" -O csv -f saddr,classification,success,repeat -o "$D/zudp.csv" 198.18.0.0/20
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	awk -F, '$2 == "udp" && $3 == 1 && $4 == 0 { print $1 }' "$D/zudp.csv" | sort >"$D/got"
	expect 0 4095 'udp(i, 5000) == "open"' >"$D/want"
	assert_same_set "$D/want" "$D/got"
	awk -F, '$2 == "icmp-unreach" && $4 == 0 { print $1 }' "$D/zudp.csv" | sort >"$D/got"
	expect 0 4095 'udp(i, 5000) == "closed"' >"$D/want"
	assert_same_set "$D/want" "$D/got"
}

@test "ZMap ntp: exactly the NTP servers, icmp-unreach exactly the closed ones" {
	run lab_exec "$LAB" timeout 120 zmap --cores 0 -M ntp -p 123 -r 20000 -c 3 -b "$D/blocklist" \
		-O csv -f saddr,classification,success,repeat -o "$D/zntp.csv" 198.18.0.0/20
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	awk -F, '$2 == "ntp" && $3 == 1 && $4 == 0 { print $1 }' "$D/zntp.csv" | sort >"$D/got"
	expect 0 4095 'udp(i, 123) == "open"' >"$D/want"
	assert_same_set "$D/want" "$D/got"
	awk -F, '$2 == "icmp-unreach" && $4 == 0 { print $1 }' "$D/zntp.csv" | sort >"$D/got"
	expect 0 4095 'udp(i, 123) == "closed"' >"$D/want"
	assert_same_set "$D/want" "$D/got"
}

@test "ZMap upnp: exactly the SSDP hosts, each classified upnp" {
	run lab_exec "$LAB" timeout 120 zmap --cores 0 -M upnp -p 1900 -r 20000 -c 3 -b "$D/blocklist" \
		-O csv -f saddr,classification,success,repeat,server -o "$D/zupnp.csv" 198.18.0.0/20
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	awk -F, '$2 == "upnp" && $3 == 1 && $4 == 0 { print $1 }' "$D/zupnp.csv" | sort >"$D/got"
	expect 0 4095 'udp(i, 1900) == "open"' >"$D/want"
	assert_same_set "$D/want" "$D/got"
	# Every SSDP answer names a server.
	[ -z "$(awk -F, '$2 == "upnp" && $5 == ""' "$D/zupnp.csv")" ]
}

@test "nmap -sU: open, closed and open|filtered per UDP port, exactly" {
	run lab_exec "$LAB" timeout 600 nmap -n -Pn -sU -p 53,123,161,1900 --max-retries 1 -oG - 198.18.3.0/27
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grepable_ports <<<"$output" >"$D/got"
	awk "$RULE"' BEGIN { for (i = 768; i < 800; i++) { split("53 123 161 1900", ps, " ")
		for (k = 1; k <= 4; k++) { s = udp(i, ps[k]); print addr(i), ps[k], s == "silent" ? "open|filtered" : s } } }' |
		sort >"$D/want"
	diff "$D/want" "$D/got"
}

@test "masscan -pU:53,123,161,1900 --show closed: open and closed per UDP port, exactly" {
	awk "$RULE"' BEGIN { for (i = 0; i < 1024; i++) { split("53 123 161 1900", ps, " ")
		for (k = 1; k <= 4; k++) { s = udp(i, ps[k]); if (s != "silent") print s, "udp", ps[k], addr(i) } } }' |
		sort >"$D/want"
	masscan_states "$D/mu.txt" 198.18.0.0/22 "$D/want" -pU:53,U:123,U:161,U:1900
}
