#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# End to end: grading. Real ZMap, masscan and nmap scan a class lab made
# from an assignment file; `rescan grade` grades what they wrote, one file
# at a time and as a class, ports and host discovery. Every expected figure is computed here from the
# scanners' own output and the host lists this suite wrote (awk, sort, comm,
# jq), never by rescan.

load lab_helper

STUDENTS=5
RATE=20000	# the assignment's cap, probes/s
RANGE=198.18.0.0/18
DNS_NET=198.18.8.0/24

setup_file() {
	require_root_and_tools zmap masscan nmap jq
	export LAB=$(lab_name g)
	export D="$BATS_FILE_TMPDIR"
	# What students read and write: this suite's temporary directory is
	# not theirs to enter.
	export SHARED=$(mktemp -d /tmp/rescan-grade.XXXXXX)
	chmod 755 "$SHARED"
	export RESCAN_RESULTS_DIR="$SHARED/results"
	random_hosts 3000 42 >"$D/http.hosts"
	# Echo responders, for host discovery; they answer no port.
	random_hosts 6000 43 >"$D/icmp.hosts"
	"$RESCAN" world compile -o "$D/class.world" tcp/80="$D/http.hosts" icmp="$D/icmp.hosts"
	printf '%s   # opt-out: example university\n' "$DNS_NET" >"$SHARED/do-not-scan"
	cat >"$D/http.assignment" <<-EOF
	# week 3: the web servers of $RANGE
	name          = http-survey
	world         = class.world
	range         = $RANGE
	service       = tcp/80
	state         = open
	scanner       = any
	student_rate  = $RATE
	student_burst = 2000
	do_not_scan   = $SHARED/do-not-scan
	min_recall    = 0.95
	min_precision = 0.99
	EOF
	# Its relative world is read beside it, wherever lab up runs.
	(cd / && "$RESCAN" lab up --name "$LAB" --students "$STUDENTS" \
		--assignment "$D/http.assignment")
	# ZMap's blocklist: the lab network, and the do-not-scan range for the
	# students who honour it.
	write_blocklist "$SHARED/blocklist.lab"
	cat "$SHARED/blocklist.lab" "$SHARED/do-not-scan" >"$SHARED/blocklist.all"
	chmod 644 "$SHARED"/blocklist.* "$SHARED/do-not-scan"
	# The truth: the world's hosts in the range, outside the do-not-scan /24.
	awk -F. '$3 < 64 && $3 != 8' "$D/http.hosts" >"$D/truth"
	# Each scanner's formats, from the lab's own scanner (no cap), of a /22
	# of the range for nmap's sake: graded, and cut short, below.
	mkdir -p "$D/formats"
	awk -F. '$3 < 4' "$D/http.hosts" >"$D/truth.22"
	# Up to nmap -sn's probes (echo, SYN 443, ACK 80, timestamp): the echo
	# responders, and the web servers, whose port 80 answers the ACK.
	sort -u "$D/http.hosts" "$D/icmp.hosts" | awk -F. '$3 < 4' >"$D/up.22"
	"$RESCAN" lab exec --name "$LAB" -- zmap --cores 0 -p 80 -r 20000 -c 2 -b "$SHARED/blocklist.all" \
		-O csv -f saddr,classification,success -o "$D/formats/zmap.csv" 198.18.0.0/22
	"$RESCAN" lab exec --name "$LAB" -- zmap --cores 0 -p 80 -r 20000 -c 2 -b "$SHARED/blocklist.all" \
		-O json -f saddr,classification,success,sport -o "$D/formats/zmap.zjson" 198.18.0.0/22
	"$RESCAN" lab exec --name "$LAB" -- masscan -p80 --rate 20000 --wait 1 198.18.0.0/22 -oL "$D/formats/m.list"
	"$RESCAN" lab exec --name "$LAB" -- masscan -p80 --rate 20000 --wait 1 198.18.0.0/22 -oJ "$D/formats/m.mjson"
	"$RESCAN" lab exec --name "$LAB" -- masscan -p80 --rate 20000 --wait 1 198.18.0.0/22 -oX "$D/formats/m.mxml"
	"$RESCAN" lab exec --name "$LAB" -- nmap -n -Pn -sS -p 80 --min-rate 5000 --max-retries 1 \
		-oX "$D/formats/n.nxml" -oG "$D/formats/n.gnmap" 198.18.0.0/22
} >"$BATS_FILE_TMPDIR/setup.log" 2>&1

teardown() {
	[ -s "$BATS_TEST_TMPDIR/pids" ] && xargs -r kill <"$BATS_TEST_TMPDIR/pids" 2>/dev/null
	true
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	rm -rf "$SHARED"
}

results() { echo "$RESCAN_RESULTS_DIR/$LAB/student-$1"; }

# counts TRUTH GOT IN-RANGE: "TP FP FN OUTSIDE" of a sorted host list GOT
# against the sorted TRUTH, IN-RANGE an awk test on the third octet.
counts() {
	local tp fp fn out
	tp=$(comm -12 "$1" "$2" | wc -l)
	out=$(awk -F. "!(\$1 == 198 && \$2 == 18 && ($3))" "$2" | wc -l)
	fp=$(( $(comm -13 "$1" "$2" | wc -l) - out ))
	fn=$(comm -23 "$1" "$2" | wc -l)
	echo "$tp $fp $fn $out"
}

# graded JSON: "TP FP FN OUTSIDE" as rescan grade --json says.
graded() {
	jq -r '.total | "\(.true_positives) \(.false_positives) \(.false_negatives) \(.outside_range)"' "$1"
}

# Hosts a result file reports open on port 80, by format, sorted.
hosts_of() {
	case $1 in
	*.csv) awk -F, 'NR > 1 && $3 == 1 { print $1 }' "$1" ;;
	*.zjson) jq -r 'select(.success == 1) | .saddr' "$1" ;;
	*.list) awk '$1 == "open" && $3 == 80 { print $4 }' "$1" ;;
	*.mjson) jq -r '.[] | select(.ports[0].status == "open") | .ip' "$1" ;;
	*.mxml | *.nxml | *.xml) grep -B3 'portid="80"><state state="open"' "$1" |
		grep -o 'addr="[0-9.]*"' | cut -d'"' -f2 ;;
	*.gnmap) awk '/Ports: 80\/open\/tcp/ { print $2 }' "$1" ;;
	esac | sort -u
}

@test "grade: each format the scanners wrote is graded host by host, as comm counts it" {
	local f out=$D/formats
	for f in zmap.csv zmap.zjson m.list m.mjson m.mxml n.nxml n.gnmap; do
		hosts_of "$out/$f" >"$out/$f.hosts"
		# Found something, and nothing of the world's closed or silent hosts.
		[ -s "$out/$f.hosts" ]
		run "$RESCAN" grade --assignment "$D/http.assignment" --world "$D/class.world" \
			--range 198.18.0.0/22 --json "$out/$f"
		echo "$f: $output"
		[ "$status" -eq 0 ] || [ "$status" -eq 4 ]
		echo "$output" >"$out/$f.grade"
		[ "$(graded "$out/$f.grade")" = "$(counts "$D/truth.22" "$out/$f.hosts" '$3 < 4')" ]
		# Each format by its name.
		jq -r '.files[0].format' "$out/$f.grade" | grep -Eq '^(zmap-csv|zmap-json|masscan-list|masscan-json|nmap-xml|nmap-grepable)$'
	done
	[ "$(jq -r '.files[0].format' "$out/zmap.zjson.grade")" = zmap-json ]
	[ "$(jq -r '.files[0].format' "$out/m.list.grade")" = masscan-list ]
	[ "$(jq -r '.files[0].format' "$out/n.gnmap.grade")" = nmap-grepable ]
}

# Hosts a host discovery result reports up, by format, sorted.
up_of() {
	case $1 in
	*.csv) awk -F, 'NR > 1 && $3 == 1 { print $1 }' "$1" ;;
	# A <host>'s status comes before its address; a <hosthint> is no host.
	*.xml) awk '/<hosthint/ { hint = 1 } /<\/hosthint>/ { hint = 0 } /<host[ >]/ { up = 0 }
		!hint && /<status state="up"/ { up = 1 }
		up && /addrtype="ipv4"/ { match($0, /addr="[0-9.]+"/)
			print substr($0, RSTART + 6, RLENGTH - 7); up = 0 }' "$1" ;;
	*.gnmap) awk '/Status: Up/ { print $2 }' "$1" ;;
	esac | sort -u
}

@test "grade --service hosts: nmap -sn and ZMap's echo scan are graded host by host, as comm counts it" {
	local f out=$D/discovery
	mkdir -p "$out"
	"$RESCAN" lab exec --name "$LAB" -- nmap -n -sn --min-rate 5000 --max-retries 1 \
		-oX "$out/sn.xml" -oG "$out/sn.gnmap" 198.18.0.0/22
	"$RESCAN" lab exec --name "$LAB" -- zmap --cores 0 --probe-module=icmp_echoscan -r 20000 -c 2 \
		-b "$SHARED/blocklist.all" -O csv -f saddr,classification,success -o "$out/echo.csv" \
		198.18.0.0/22
	for f in sn.xml sn.gnmap echo.csv; do
		up_of "$out/$f" >"$out/$f.up"
		# Found hosts, and none that stays silent to every probe.
		[ -s "$out/$f.up" ]
		[ -z "$(comm -13 "$D/up.22" "$out/$f.up")" ]
		run "$RESCAN" grade --assignment "$D/http.assignment" --world "$D/class.world" \
			--range 198.18.0.0/22 --service hosts --json "$out/$f"
		echo "$f: $output"
		[ "$status" -eq 0 ] || [ "$status" -eq 4 ]
		echo "$output" >"$out/$f.grade"
		[ "$(graded "$out/$f.grade")" = "$(counts "$D/up.22" "$out/$f.up" '$3 < 4')" ]
		[ "$(jq -r '.services.hosts.truth' "$out/$f.grade")" -eq "$(wc -l <"$D/up.22")" ]
	done
	# ZMap's echo scan finds only the echo responders: the web servers are its misses.
	[ "$(jq -r '.total.false_negatives' "$out/echo.csv.grade")" -eq \
		"$(comm -23 "$D/up.22" <(awk -F. '$3 < 4' "$D/icmp.hosts" | sort) | wc -l)" ]
	# The text names the service and the probes.
	run "$RESCAN" grade --assignment "$D/http.assignment" --world "$D/class.world" \
		--range 198.18.0.0/22 --service hosts "$out/sn.gnmap"
	echo "$output"
	grep -q 'hosts up (by icmp, tcp/443, tcp/80, icmp/timestamp) in 198.18.0.0/22' <<<"$output"
	grep -Eq '^  hosts +[0-9]+ ' <<<"$output"
}

@test "grade: a truncated or malformed result is refused with its file and line" {
	local out=$D/formats bad=$D/bad f
	mkdir -p "$bad"
	# Cut each file in the middle of the last address it holds, as a copy
	# that stopped half way would be.
	for f in zmap.csv m.list m.mxml n.nxml m.mjson zmap.zjson; do
		perl -0777 -pe 's/^(.*198\.18\.).*$/$1/s' "$out/$f" >"$bad/$f"
	done
	for f in zmap.csv m.list zmap.zjson m.mxml n.nxml m.mjson; do
		run "$RESCAN" grade --assignment "$D/http.assignment" --world "$D/class.world" "$bad/$f"
		echo "$f: $output"
		[ "$status" -eq 1 ]
		grep -Eq "^rescan: $bad/$f:[0-9]+: " <<<"$output"
	done
	# A record with a bad address, at its line.
	sed '3s/^198\.18\./198.18.300./' "$out/zmap.csv" >"$bad/bad-addr.csv"
	run "$RESCAN" grade --assignment "$D/http.assignment" --world "$D/class.world" "$bad/bad-addr.csv"
	[ "$status" -eq 1 ]
	grep -q "$bad/bad-addr.csv:3: bad saddr" <<<"$output"
	# A file in no format at all.
	echo "hello world" >"$bad/notes.txt"
	run "$RESCAN" grade --assignment "$D/http.assignment" --world "$D/class.world" "$bad/notes.txt"
	[ "$status" -eq 1 ]
	grep -q "$bad/notes.txt:1: unknown format" <<<"$output"
}

@test "a class: correct, too fast, into do-not-scan, half the range, another format; CSV and JSON say exactly that" {
	local k sub=$D/submissions
	# 1: ZMap at a rate under the cap, honouring the do-not-scan list.
	"$RESCAN" lab exec --name "$LAB" --student 1 -- zmap --cores 0 -p 80 -r 10000 \
		-b "$SHARED/blocklist.all" -o "$(results 1)/http.csv" "$RANGE"
	# 2: ZMap ten times over the cap: the lab drops what is over it.
	"$RESCAN" lab exec --name "$LAB" --student 2 -- zmap --cores 0 -p 80 -r 200000 \
		-b "$SHARED/blocklist.all" -o "$(results 2)/http.csv" "$RANGE"
	# 3: ZMap without the do-not-scan list: 256 probes into the opt-out range.
	"$RESCAN" lab exec --name "$LAB" --student 3 -- zmap --cores 0 -p 80 -r 10000 \
		-b "$SHARED/blocklist.lab" -o "$(results 3)/http.csv" "$RANGE"
	# 4: half the range.
	"$RESCAN" lab exec --name "$LAB" --student 4 -- zmap --cores 0 -p 80 -r 10000 \
		-b "$SHARED/blocklist.all" -o "$(results 4)/http.csv" 198.18.0.0/19
	# 5: masscan's XML, with ZMap-like care for the list.
	"$RESCAN" lab exec --name "$LAB" --student 5 -- masscan -p80 --rate 10000 --wait 1 \
		--excludefile "$SHARED/do-not-scan" "$RANGE" -oX "$(results 5)/scan.xml"
	# The monitor samples every second: let it see the last packets.
	sleep 2.5
	# Collected as a teacher would: one folder per student, named by it.
	mkdir -p "$sub"
	for k in 1 2 3 4 5; do cp -r "$(results "$k")" "$sub/student-$k"; done
	local rc=0
	"$RESCAN" grade --lab "$LAB" --class "$sub" --csv "$D/grades.csv" --html "$D/grades.html" \
		--json >"$D/grades.json" 2>"$D/grade.err" || rc=$?
	cat "$D/grade.err" "$D/grades.csv"
	# Students 2 and 4 are below the thresholds: exit 4.
	[ "$rc" -eq 4 ]
	grep -q '^graded 5 submissions in .*: 3 pass, 2 below, 0 not readable' "$D/grade.err"
	# ZMap's default output: one address per line.
	for k in 1 2 3 4; do sort -u "$(results "$k")/http.csv" >"$D/got.$k"; done
	hosts_of "$sub/student-5/scan.xml" >"$D/got.5"
	local tp fp fn out row
	for k in 1 2 3 4 5; do
		read -r tp fp fn out <<<"$(counts "$D/truth" "$D/got.$k" '$3 < 64')"
		echo "student $k: expect tp=$tp fp=$fp fn=$fn out=$out"
		row=$(awk -F, -v n="student-$k" '$1 == n' "$D/grades.csv")
		echo "$row"
		[ "$(cut -d, -f6-9 <<<"$row")" = "$tp,$fp,$fn,$out" ]
		[ "$(jq -r --arg n "student-$k" '.[] | select(.name == $n) | .total |
			"\(.true_positives),\(.false_positives),\(.false_negatives),\(.outside_range)"' \
			"$D/grades.json")" = "$tp,$fp,$fn,$out" ]
	done
	pass() { jq -r --arg n "student-$1" '.[] | select(.name == $n) | .pass' "$D/grades.json"; }
	acct() { jq -r --arg n "student-$1" ".[] | select(.name == \$n) | .accounting$2" "$D/grades.json"; }
	[ "$(pass 1)" = true ] && [ "$(pass 3)" = true ] && [ "$(pass 5)" = true ]
	[ "$(pass 2)" = false ] && [ "$(pass 4)" = false ]
	# 2: over the cap, and counted so; the others never.
	[ "$(acct 2 .drop_rate_limited)" -gt 0 ]
	for k in 1 3 4 5; do [ "$(acct "$k" .drop_rate_limited)" -eq 0 ]; done
	# 3: exactly the 256 addresses of the opt-out range, under its label.
	[ "$(acct 3 .drop_do_not_scan)" -eq 256 ]
	[ "$(acct 3 '.do_not_scan["opt-out: example university"]')" -eq 256 ]
	for k in 1 2 4 5; do [ "$(acct "$k" .drop_do_not_scan)" -eq 0 ]; done
	# The probes the lab counted for each equal its row in rescan stats:
	# its IPv4 packets (the kernels' own ARP and IPv6 are no probes).
	for k in 1 2 3 4 5; do
		[ "$(acct "$k" .probes)" -eq "$("$RESCAN" stats --name "$LAB" --student "$k" --json |
			jq '[.sources[]][0] | .packets - .pass_arp - .drop_not_ipv4')" ]
	done
	# 4 covered half the range's /24 blocks that hold a true host.
	jq -e --arg n student-4 '.[] | select(.name == $n) | .total.coverage < 0.6 and .total.coverage > 0.4' "$D/grades.json"
	jq -e --arg n student-1 '.[] | select(.name == $n) | .total.coverage == 1' "$D/grades.json"
	# 5 in masscan's XML (its layout is nmap's), the others in ZMap's list.
	grep -q '^student-5,5,nmap-xml,' "$D/grades.csv"
	grep -q '^student-1,1,addresses,' "$D/grades.csv"
	# The page stands alone: no script, no link to anywhere.
	grep -q '<svg' "$D/grades.html"
	! grep -Eio '<script|<link|<img|@import|url\(' "$D/grades.html" || fail "grades.html loads the above from elsewhere"
	[ -z "$(grep -o 'https\?://[^"]*' "$D/grades.html" | grep -vx 'http://www.w3.org/2000/svg')" ]
	for k in 1 2 3 4 5; do grep -q "data-name=\"student-$k\"" "$D/grades.html"; done
	# A student who scanned and handed in nothing has a row that says so.
	rm -r "$sub/student-4"
	rc=0
	"$RESCAN" grade --lab "$LAB" --class "$sub" --csv "$D/missing.csv" --html "$D/missing.html" \
		2>"$D/missing.err" || rc=$?
	cat "$D/missing.err"
	[ "$rc" -eq 4 ]
	grep -q '^graded 4 submissions .*; nothing from 1 student the lab counted;' "$D/missing.err"
	grep -q '^student-4,4,,,.*,no,no submission$' "$D/missing.csv"
}
