#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# The built-in default world: what `make run` and a plain `rescan lab up`
# give a student. Its shape is checked here with awk, and a real ZMap scan
# inside the sealed lab must match its exported ground truth exactly.

load lab_helper

setup_file() {
	require_root_and_tools zmap ip jq
	export LAB=$(lab_name d)
	export D="$BATS_FILE_TMPDIR"
	"$RESCAN" world synth -o "$D/default.world"
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
}

@test "same seed, same world; another seed, another world" {
	"$RESCAN" world synth --seed 1 -o "$D/again.world"
	cmp "$D/default.world" "$D/again.world"
	"$RESCAN" world synth --seed 2 -o "$D/other.world"
	! cmp -s "$D/default.world" "$D/other.world" || fail "seeds 1 and 2 made the same world"
}

@test "hit rates are near published full-IPv4 scans" {
	run "$RESCAN" world info --json "$D/default.world"
	[ "$status" -eq 0 ]
	echo "$output" >"$D/info.json"
	# 3702258432 = 2^32 minus the IANA special-purpose ranges.
	rate() {
		jq -r --arg s "$1" '.services[] | select(.service == $s) | .hosts' "$D/info.json" |
			awk '{ print $1 / 3702258432 }'
	}
	awk -v r="$(rate tcp/80)" 'BEGIN { exit !(r > 0.012 && r < 0.016) }'
	awk -v r="$(rate tcp/443)" 'BEGIN { exit !(r > 0.012 && r < 0.016) }'
	awk -v r="$(rate tcp/22)" 'BEGIN { exit !(r > 0.003 && r < 0.01) }'
	awk -v r="$(rate icmp)" 'BEGIN { exit !(r > 0.04) }'
	# The figures README.md cites: open resolvers > 3 M, NTP 4.6 M, SSDP
	# 11 M, timestamp responders 15 % of echo responders, RST on closed
	# ports from 24 % of live hosts.
	n() { jq -r --arg s "$1" '.services[] | select(.service == $s) | .hosts' "$D/info.json"; }
	awk -v n="$(n udp/53)" 'BEGIN { exit !(n > 2.5e6 && n < 4e6) }'
	awk -v n="$(n udp/123)" 'BEGIN { exit !(n > 4e6 && n < 6e6) }'
	awk -v n="$(n udp/1900)" 'BEGIN { exit !(n > 9e6 && n < 13e6) }'
	awk -v t="$(n icmp/timestamp)" -v e="$(n icmp)" 'BEGIN { exit !(t / e > 0.12 && t / e < 0.18) }'
	awk -v r="$(rate 'tcp/*')" 'BEGIN { exit !(r > 0.015 && r < 0.025) }'
	# Hosts without a firewall answer closed TCP and UDP ports alike.
	[ "$(n 'tcp/*')" = "$(n 'udp/*')" ]
	[ "$(jq -r '.services[] | select(.service == "tcp/445") | .filtered' "$D/info.json")" -gt 0 ]
}

@test "closed ports answer: a nmap of policy hosts sees closed, filtered and open as the world says" {
	local host want got
	"$RESCAN" lab up --name "$LAB" >/dev/null
	# A host that answers unlisted ports and has tcp/445 filtered.
	host=$("$RESCAN" world export --state filtered "$D/default.world" tcp/445 41.0.0.0/12 |
		while read -r a; do
			[ "$("$RESCAN" world export --state closed "$D/default.world" tcp/8080 "$a")" = "$a" ] &&
				{ echo "$a"; break; }
		done)
	[ -n "$host" ]
	want=$(for p in 22 80 443 445 8080; do
		for s in open closed filtered; do
			[ -n "$("$RESCAN" world export --state $s "$D/default.world" tcp/$p "$host" 2>/dev/null)" ] &&
				{ echo "$p/$s"; break; }
		done
	done | tr '\n' ' ')
	run "$RESCAN" lab exec --name "$LAB" -- nmap -n -Pn -sS -p 22,80,443,445,8080 -oG - "$host"
	[ "$status" -eq 0 ]
	got=$(grep -o '[0-9]*/[a-z]*/tcp' <<<"$output" | sed 's|/tcp||' | tr '\n' ' ')
	[ "$got" = "$want" ] || { echo "host $host: nmap $got, world $want"; false; }
	[[ $want == *445/filtered* && $want == *8080/closed* ]]
	"$RESCAN" lab down --name "$LAB" >/dev/null
}

@test "nothing lives in reserved ranges" {
	for r in 0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 \
		192.0.2.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/3; do
		for s in icmp tcp/80; do
			n=$("$RESCAN" world export "$D/default.world" "$s" "$r" | wc -l)
			[ "$n" -eq 0 ] || { echo "$s has $n hosts in $r"; false; }
		done
	done
}

@test "hosts cluster by network: most /24s empty, busy ones dense" {
	# In a uniformly random world at 1.4 % nearly every /24 of a used /16
	# would hold a host; a clustered one leaves most /24s empty.
	"$RESCAN" world export "$D/default.world" tcp/80 40.0.0.0/8 >"$D/t80"
	[ -s "$D/t80" ]
	hosts=$(wc -l <"$D/t80")
	nets=$(cut -d. -f1-3 "$D/t80" | sort -u | wc -l)
	# uniform would give hosts/nets close to 1 when hosts << 65536 /24s
	awk -v h="$hosts" -v n="$nets" 'BEGIN { exit !(h / n > 3 && n < 65536 * 0.6) }'
}

@test "lab up without --world loads the default world; ZMap matches its ground truth" {
	run "$RESCAN" lab up --name "$LAB"
	[ "$status" -eq 0 ]
	[[ "$output" == *"world synth:1"* ]]
	# A /16 with hosts, found from the default world itself.
	net=$("$RESCAN" world export synth:1 tcp/443 41.0.0.0/8 | head -1 | cut -d. -f1-2)
	[ -n "$net" ]
	"$RESCAN" world export synth:1 tcp/443 "$net.0.0/16" | sort >"$D/expected"
	[ -s "$D/expected" ]
	zmap_exact "$LAB" "$D/expected" "$D/zmap443.csv" tx_synack "$net.0.0/16" \
		--cores 0 -p 443 -r 50000 -c 5
}
