#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# A world compiled from the scanners' own output holds the states the scans
# saw: open, closed, filtered, and nmap's "Not shown: N closed ports" as the
# policy on unlisted ports. The files are nmap 7.93's, masscan 1.3.2's and
# ZMap 2.1.1's output scanning namespaces of ours (198.18.0.2 answers,
# 198.18.0.3 drops TCP and UDP, 198.18.0.4 is absent); the expected sets
# are written here by hand from those scans.

bats_require_minimum_version 1.5.0

load lab_helper

setup_file() {
	[ -x "$RESCAN" ] || { echo "# $RESCAN not built (run make)" >&3; return 1; }
	export D="$BATS_FILE_TMPDIR"
	# nmap -v -sS -p 22,80,8080 198.18.0.2-4 on a host with 22 listening,
	# ports cut to three for the .2 host's "Not shown: 2 closed ports".
	cat >"$D/scan.xml" <<-'EOF'
	<?xml version="1.0" encoding="UTF-8"?>
	<!DOCTYPE nmaprun>
	<!-- Nmap 7.93 scan initiated Sun Dec  6 02:35:01 2026 as: nmap -v -oX scan.xml -sS -p 22,80,8080 198.18.0.2-4 -->
	<nmaprun scanner="nmap" args="nmap -v -oX scan.xml -sS -p 22,80,8080 198.18.0.2-4" start="1796524501" version="7.93" xmloutputversion="1.05">
	<scaninfo type="syn" protocol="tcp" numservices="3" services="22,80,8080"/>
	<verbose level="1"/>
	<debugging level="0"/>
	<hosthint><status state="up" reason="arp-response" reason_ttl="0"/>
	<address addr="198.18.0.2" addrtype="ipv4"/>
	<hostnames>
	</hostnames>
	</hosthint>
	<host><status state="down" reason="no-response" reason_ttl="0"/>
	<address addr="198.18.0.4" addrtype="ipv4"/>
	</host>
	<host starttime="1796524514" endtime="1796524514"><status state="up" reason="arp-response" reason_ttl="0"/>
	<address addr="198.18.0.2" addrtype="ipv4"/>
	<hostnames>
	</hostnames>
	<ports><extraports state="closed" count="2">
	<extrareasons reason="reset" count="2" proto="tcp" ports="80,8080"/>
	</extraports>
	<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="ssh" method="table" conf="3"/></port>
	</ports>
	<times srtt="16" rttvar="19" to="100000"/>
	</host>
	<host starttime="1796524514" endtime="1796524516"><status state="up" reason="arp-response" reason_ttl="0"/>
	<address addr="198.18.0.3" addrtype="ipv4"/>
	<hostnames>
	</hostnames>
	<ports><port protocol="tcp" portid="22"><state state="filtered" reason="no-response" reason_ttl="0"/><service name="ssh" method="table" conf="3"/></port>
	<port protocol="tcp" portid="80"><state state="filtered" reason="no-response" reason_ttl="0"/><service name="http" method="table" conf="3"/></port>
	<port protocol="tcp" portid="8080"><state state="filtered" reason="no-response" reason_ttl="0"/><service name="http-proxy" method="table" conf="3"/></port>
	</ports>
	<times srtt="29" rttvar="5000" to="100000"/>
	</host>
	<runstats><finished time="1796524516" timestr="Sun Dec  6 02:35:16 2026" elapsed="15.02" exit="success"/><hosts up="2" down="1" total="3"/>
	</runstats>
	</nmaprun>
	EOF
	printf '%s\n' '# Nmap 7.93 scan initiated Sun Dec  6 02:35:01 2026 as: nmap -oG scan.gnmap -sS -p 22,80,8080 198.18.0.2-3' \
		$'Host: 198.18.0.2 ()\tStatus: Up' \
		$'Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh///\tIgnored State: closed (2)' \
		$'Host: 198.18.0.3 ()\tStatus: Up' \
		$'Host: 198.18.0.3 ()\tPorts: 22/filtered/tcp//ssh///, 80/filtered/tcp//http///, 8080/filtered/tcp//http-proxy///' \
		'# Nmap done at Sun Dec  6 02:35:16 2026 -- 2 IP addresses (2 hosts up) scanned in 15.02 seconds' \
		>"$D/scan.gnmap"
	# masscan --show closed -p22,80,U:53,U:161 -oL
	printf '%s\n' '#masscan' 'closed tcp 80 198.18.0.2 1796526479' 'closed udp 161 198.18.0.2 1796526479' \
		'open udp 53 198.18.0.2 1796526479' 'open tcp 22 198.18.0.2 1796526479' '# end' >"$D/masscan.lst"
	# zmap -M tcp_synscan -p 80 -O csv -f "saddr,sport,classification,success" --output-filter="repeat = 0"
	printf '%s\n' 'saddr,sport,classification,success' '198.18.0.2,80,rst,0' >"$D/zmap80.csv"
}

# The row of SERVICE in `world info`'s table (not its provenance): hosts, closed, filtered.
info_row() {
	"$RESCAN" world info "$1" | awk -v s="$2" '$1 == s && $3 ~ /%$/ { print $2, $(NF - 1), $NF }'
}

@test "world compile --help lists nmap's -oX and -oG among the formats" {
	run -0 "$RESCAN" world compile --help
	[[ "$output" == *"nmap-xml"*"nmap -oX"* ]]
	[[ "$output" == *"nmap-grepable"*"nmap -oG"* ]]
}

@test "nmap -oX: listed ports keep their state, Not shown closed ports are the policy" {
	run -0 "$RESCAN" world compile -o "$D/x.world" tcp/22="$D/scan.xml" tcp/80="$D/scan.xml" \
		tcp/*="$D/scan.xml"
	[ "$(info_row "$D/x.world" tcp/22)" = "1 0 1" ]
	[ "$(info_row "$D/x.world" tcp/80)" = "0 0 1" ]
	[ "$(info_row "$D/x.world" 'tcp/*')" = "1 0 0" ]
	[ "$("$RESCAN" world export "$D/x.world" tcp/22 198.18.0.0/24)" = 198.18.0.2 ]
	[ "$("$RESCAN" world export --state filtered "$D/x.world" tcp/22 198.18.0.0/24)" = 198.18.0.3 ]
	# 80 and 8080 were among .2's closed ports not shown: closed by its policy.
	[ "$("$RESCAN" world export --state closed "$D/x.world" tcp/8080 198.18.0.0/24)" = 198.18.0.2 ]
	[ "$("$RESCAN" world export --state closed "$D/x.world" tcp/80 198.18.0.0/24)" = 198.18.0.2 ]
	# The down host is nowhere.
	[ -z "$("$RESCAN" world export --state closed "$D/x.world" tcp/22 198.18.0.4/32)" ]
}

@test "nmap -oG gives the same world as its -oX" {
	run -0 "$RESCAN" world compile -o "$D/x.world" tcp/22="$D/scan.xml" tcp/80="$D/scan.xml" \
		tcp/*="$D/scan.xml"
	run -0 "$RESCAN" world compile -o "$D/g.world" tcp/22="$D/scan.gnmap" tcp/80="$D/scan.gnmap" \
		tcp/*="$D/scan.gnmap"
	local s st
	for s in tcp/22 tcp/80 tcp/8080; do
		for st in open closed filtered; do
			[ "$("$RESCAN" world export --state $st "$D/g.world" $s 198.18.0.0/24)" = \
			  "$("$RESCAN" world export --state $st "$D/x.world" $s 198.18.0.0/24)" ] ||
				{ echo "$s $st differs"; return 1; }
		done
	done
}

@test "masscan --show closed and ZMap's rst rows give closed ports" {
	run -0 "$RESCAN" world compile -o "$D/m.world" tcp/80="$D/masscan.lst" udp/161="$D/masscan.lst" \
		udp/53="$D/masscan.lst" tcp/443="$D/zmap80.csv" tcp/8000="$D/zmap80.csv"
	[ "$(info_row "$D/m.world" tcp/80)" = "0 1 0" ]
	[ "$(info_row "$D/m.world" udp/161)" = "0 1 0" ]
	[ "$(info_row "$D/m.world" udp/53)" = "1 0 0" ]
	# The CSV's rows came from port 80: no state for the other ports.
	[[ "$output" == *"tcp/443 <- $D/zmap80.csv (zmap-csv, open: 2 records, 0 addresses, 1 skipped)"* ]]
	run -0 "$RESCAN" world compile -o "$D/z.world" tcp/80="$D/zmap80.csv"
	[ "$("$RESCAN" world export --state closed "$D/z.world" tcp/80 198.18.0.0/24)" = 198.18.0.2 ]
}

@test "an unknown port state in nmap XML names file and line, writes no world" {
	sed 's/state="filtered" reason="no-response" reason_ttl="0"\/><service name="http"/state="shut" reason="no-response" reason_ttl="0"\/><service name="http"/' \
		"$D/scan.xml" >"$D/bad.xml"
	run -1 "$RESCAN" world compile -o "$D/bad.world" tcp/22="$D/bad.xml"
	[[ "$output" == *"$D/bad.xml:32: unknown port state"*'"shut"'* ]]
	[ ! -e "$D/bad.world" ]
}
