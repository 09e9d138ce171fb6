#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# End to end: the teacher's monitor of a class (rescan lab monitor, started
# by lab up). Two students scan, one into a do-not-scan range and over its
# rate cap; then the timeline, /metrics, /api/stats, a real Prometheus
# scraping it and the dashboard in headless Chromium all give the numbers
# `rescan stats --json` gives. Students cannot reach the monitor; lab down
# leaves no monitor behind.
#
# Counters move on an idle lab too (the gateway's ARP refresh of each seat,
# a namespace's IPv6 router solicitations), so a comparison reads
# `rescan stats --json` before and after what it compares and only counts
# when the two readings are equal: the value read between them is then
# exactly theirs.

bats_require_minimum_version 1.5.0

load lab_helper

STUDENTS=2
# Student 2 asks ZMap for 30000 pps: over the cap even if a busy machine
# gives ZMap a twentieth of that.
RATE=1000

setup_file() {
	require_root_and_tools zmap ip jq curl ss
	export LAB=$(lab_name m)
	export D="$BATS_FILE_TMPDIR"
	export RESCAN_RESULTS_DIR="$D/results"
	# What students read: the blocklist (the bats directories are root's alone).
	export SHARED=$(mktemp -d /tmp/rescan-monitor.XXXXXX)
	chmod 755 "$SHARED"
	random_hosts 3000 42 >"$D/http.hosts"
	"$RESCAN" world compile -o "$D/class.world" tcp/80="$D/http.hosts"
	write_blocklist "$SHARED/blocklist"
	chmod 644 "$SHARED/blocklist"
	# A label with the characters a CSV column and a Prometheus label escape.
	cat >"$D/do-not-scan" <<-EOF
	198.18.100.0/24   # opt-out: "example, university"
	198.18.101.7      # government
	EOF
	"$RESCAN" lab up --name "$LAB" --world "$D/class.world" --students "$STUDENTS" \
		--student-rate "$RATE" --do-not-scan "$D/do-not-scan" --metrics 127.0.0.1:0 \
		>"$D/up.out"
	export PORT=$(listen_addr | sed 's/.*://')
	# Both students at once: student 1 within its cap, student 2 over it
	# and into the do-not-scan ranges.
	"$RESCAN" lab exec --name "$LAB" --student 1 -- zmap --cores 0 -p 80 -r 500 -c 2 \
		-b "$SHARED/blocklist" -o /dev/null 198.18.0.0/22 >"$D/z1.log" 2>&1 3>&- &
	local z1=$!
	"$RESCAN" lab exec --name "$LAB" --student 2 -- zmap --cores 0 -p 80 -r 30000 -c 2 \
		-b "$SHARED/blocklist" -o /dev/null 198.18.96.0/19 >"$D/z2.log" 2>&1 3>&- &
	local z2=$!
	wait "$z1" || { cat "$D/z1.log" >&3; return 1; }
	wait "$z2" || { cat "$D/z2.log" >&3; return 1; }
}

# What a test left running in the background, should it fail half way.
teardown() {
	[ -s "$BATS_TEST_TMPDIR/pids" ] && xargs -r kill <"$BATS_TEST_TMPDIR/pids" 2>/dev/null
	true
}

teardown_file() {
	local l
	for l in "$LAB" "${LAB}b" "${LAB}c"; do
		"$RESCAN" lab down --name "$l" >/dev/null 2>&1 || true
	done
	ip netns del "${LAB}mon" 2>/dev/null
	rm -rf "$SHARED"
	[ -z "$(monitors_of "$LAB")" ] || { echo "# monitors of $LAB left: $(monitors_of "$LAB")" >&3; false; }
}

status_field() { "$RESCAN" lab status --name "${2:-$LAB}" | sed -n "s/^$1=//p"; }
listen_addr() { status_field monitor_listen "$@"; }
# Pids of every `rescan lab monitor --name LAB` there is.
monitors_of() { pgrep -f -- "rescan lab monitor --name $1( |\$)" || true; }
stats() { "$RESCAN" stats --name "$LAB" --json; }
# Has process $1 ended? (A zombie has: nothing may reap an orphan here.)
gone() { [ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
# Wait (bounded: 10 s) until $1 has ended.
wait_gone() {
	local i
	for i in $(seq 200); do gone "$1" && return 0; sleep 0.05; done
	echo "process $1 still runs" >&2
	return 1
}
# Wait (bounded: 5 s) until something listens on port $1.
wait_listen() {
	local i
	for i in $(seq 50); do ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.1; done
	return 1
}
# A port nothing listens on.
free_port() {
	local p i
	for i in $(seq 100); do
		p=$((20000 + RANDOM % 20000))
		ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}
student_addr() { "$RESCAN" lab env --student "$1" student_addr; }

# A student's numbers as the timeline has them, from stats --json:
# packets probes answered delivered drop_rate_limited drop_do_not_scan drop_spoofed,
# then per label.
stats_as_timeline() {
	jq -r --arg a "$(student_addr "$2")" '.sources[$a] |
		[.packets, .packets - .pass_arp - .drop_not_ipv4, ([to_entries[] | select(.key | startswith("tx_")) | .value] | add),
		 (.delivered | add), .drop_rate_limited, .drop_do_not_scan, .drop_spoofed,
		 .do_not_scan["opt-out: \"example, university\""], .do_not_scan.government] | join(",")' <<<"$1"
}

# bracketed CMD...: run CMD (it saves what it read) between two readings of
# stats --json, until both readings agree on what $BRACKET (a jq filter,
# default all) picks; then $S is the second. Each seat's ARP refresh
# ticks about every two seconds, so a slow CMD compares the students'
# rows alone, not the lab's own.
bracketed() {
	local s1 try
	for try in $(seq 40); do
		s1=$(stats)
		"$@"
		S=$(stats)
		[ "$(jq -c "${BRACKET:-.}" <<<"$s1")" = "$(jq -c "${BRACKET:-.}" <<<"$S")" ] && return 0
		echo "# the counters moved during try $try (kernels' own packets); again" >&3
	done
	return 1
}
STUDENT_ROWS='[.sources[] | select(.student)]'

@test "lab up starts the monitor: lab status says it runs and where, the host reaches it" {
	local pid
	grep -q "^monitor: pid [0-9]*, timeline $RESCAN_RESULTS_DIR/$LAB/timeline.csv; dashboard http://127.0.0.1:$PORT/" "$D/up.out"
	[ "$(status_field monitor)" = running ]
	pid=$(status_field monitor_pid)
	[ "$(monitors_of "$LAB")" = "$pid" ]
	# A session of its own, and no file of the lab's open: only the timeline, its log, its socket.
	[ "$(ps -o sid= -p "$pid")" != "$(ps -o sid= -p $$)" ]
	! ls -l "/proc/$pid/fd" | grep -e /sys/fs/bpf -e "$LAB-" -e 'anon_inode:bpf' ||
		fail "the monitor holds the lab's files above open"
	run -0 curl -sS -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$PORT/"
	[ "$output" = "200 text/html; charset=utf-8" ]
}

@test "students in their namespaces cannot reach the monitor; the host can" {
	local pid host
	# A monitor on every address of the host: the teacher's network could reach it.
	pid=$(status_field monitor_pid)
	kill "$pid"
	wait_gone "$pid"
	"$RESCAN" lab monitor --name "$LAB" --listen "0.0.0.0:$PORT" >"$D/mon0.log" 2>&1 3>&- &
	pid=$!
	echo "$pid" >>"$BATS_TEST_TMPDIR/pids"
	wait_listen "$PORT"
	host=$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
	run -0 curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics"
	[ "$output" = 200 ]
	if [ -n "$host" ]; then
		run -0 curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://$host:$PORT/metrics"
		[ "$output" = 200 ]
	fi
	for a in 127.0.0.1 100.64.0.1 ${host:-192.0.2.1}; do
		run "$RESCAN" lab exec --name "$LAB" --student 1 -- curl -sS --max-time 3 "http://$a:$PORT/metrics"
		[ "$status" -ne 0 ] || { echo "student 1 reached the monitor at $a: $output"; false; }
		! grep -q rescan_ <<<"$output" || fail "student 1 read the metrics at $a: $output"
	done
	# Nothing listens in a student's namespace, and its only route is the lab.
	[ -z "$(ip netns exec "$LAB-s1" ss -Hltn)" ]
	run -0 "$RESCAN" lab exec --name "$LAB" --student 1 -- ip route get "${host:-192.0.2.1}"
	grep -q 'via 100.64.0.1 dev lab0' <<<"$output"
	kill "$pid"
	wait "$pid"
	# Back as lab up had it, for the tests below.
	"$RESCAN" lab monitor --name "$LAB" --listen "127.0.0.1:$PORT" >"$D/mon1.log" 2>&1 3>&- &
	echo $! >"$D/monitor.pid"
	wait_listen "$PORT"
}

@test "/metrics: Prometheus text with every student's counters, equal to rescan stats --json" {
	local k a m
	curl_metrics() { curl -sS --max-time 5 -D "$D/metrics.head" "http://127.0.0.1:$PORT/metrics" >"$D/metrics"; }
	bracketed curl_metrics
	grep -qi '^content-type: text/plain; version=0.0.4' "$D/metrics.head"
	grep -qi "^content-length: $(stat -c %s "$D/metrics")" "$D/metrics.head"
	m=$D/metrics
	grep -qx "rescan_lab_info{lab=\"$LAB\",students=\"$STUDENTS\"} 1" "$m"
	grep -qx '# TYPE rescan_student_packets_total counter' "$m"
	grep -qx "rescan_responder_packets_total{verdict=\"tx_synack\"} $(jq .responder.tx_synack <<<"$S")" "$m"
	for k in 1 2; do
		a=$(student_addr "$k")
		grep -qx "rescan_student_packets_total{student=\"$k\",addr=\"$a\"} $(jq --arg a "$a" '.sources[$a].packets' <<<"$S")" "$m"
		grep -qx "rescan_student_answered_total{student=\"$k\",addr=\"$a\"} $(jq --arg a "$a" '[.sources[$a] | to_entries[] | select(.key | startswith("tx_")) | .value] | add' <<<"$S")" "$m"
		grep -qx "rescan_student_delivered_total{student=\"$k\",addr=\"$a\"} $(jq --arg a "$a" '.sources[$a].delivered | add' <<<"$S")" "$m"
		grep -qx "rescan_student_dropped_total{student=\"$k\",addr=\"$a\",reason=\"rate_limited\"} $(jq --arg a "$a" '.sources[$a].drop_rate_limited' <<<"$S")" "$m"
		grep -qx "rescan_student_dropped_total{student=\"$k\",addr=\"$a\",reason=\"do_not_scan\"} $(jq --arg a "$a" '.sources[$a].drop_do_not_scan' <<<"$S")" "$m"
		grep -qx "rescan_student_dropped_total{student=\"$k\",addr=\"$a\",reason=\"spoofed\"} $(jq --arg a "$a" '.sources[$a].drop_spoofed' <<<"$S")" "$m"
		grep -qx "rescan_student_do_not_scan_total{student=\"$k\",addr=\"$a\",label=\"opt-out: \\\\\"example, university\\\\\"\"} $(jq --arg a "$a" '.sources[$a].do_not_scan["opt-out: \"example, university\""]' <<<"$S")" "$m"
		grep -q "^rescan_student_rate_pps{student=\"$k\",addr=\"$a\"} [0-9.]*$" "$m"
	done
	# Per service, as rescan stats --json .services counts them.
	[ "$(jq '.services["tcp/80"].probes' <<<"$S")" -gt 0 ]
	jq -r '.services | to_entries[] | select(.value.probes > 0) |
		"rescan_service_probes_total{service=\"\(.key)\"} \(.value.probes)",
		"rescan_service_answered_total{service=\"\(.key)\",state=\"open\"} \(.value.open)",
		"rescan_service_answered_total{service=\"\(.key)\",state=\"closed\"} \(.value.closed)"' <<<"$S" >"$D/svc.want"
	[ -s "$D/svc.want" ]
	[ -z "$(grep -vxFf "$m" "$D/svc.want")" ] || { grep -vxFf "$m" "$D/svc.want"; false; }
	# Student 2 did scan into the opt-out /24 and over its cap.
	[ "$(jq --arg a "$(student_addr 2)" '.sources[$a].do_not_scan["opt-out: \"example, university\""]' <<<"$S")" -gt 0 ]
	[ "$(jq --arg a "$(student_addr 2)" '.sources[$a].drop_rate_limited' <<<"$S")" -gt 0 ]
	# The answer key is not in it.
	! grep -i -e seed -e world= -e synth "$m" || fail "the metrics name the world (above)"
}

@test "/api/stats: each row is rescan stats --json's, plus answered and rate_pps" {
	curl_api() { curl -sS --max-time 5 "http://127.0.0.1:$PORT/api/stats" >"$D/api.json"; }
	bracketed curl_api
	[ "$(jq -c '.sources | map_values(del(.answered, .rate_pps, .rate_history))' "$D/api.json")" = "$(jq -c .sources <<<"$S")" ]
	[ "$(jq -c .responder "$D/api.json")" = "$(jq -c .responder <<<"$S")" ]
	[ "$(jq -r '[.lab, .students] | join(" ")' "$D/api.json")" = "$LAB $STUDENTS" ]
	jq -e '.sources[] | (.rate_pps | type == "number") and (.answered | type == "number")' "$D/api.json"
	# Nothing of the answer key: no world, no seed.
	[ "$(jq '[paths | .[-1] | strings | select(test("world|seed"; "i") and (. | startswith("drop_") | not))] | length' "$D/api.json")" -eq 0 ]
}

@test "HTTP: unknown paths 404, other methods 405, an oversized or silent request is cut off" {
	run -0 curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nope"
	[ "$output" = 404 ]
	run -0 curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/metrics"
	[ "$output" = 405 ]
	run -0 curl -sS -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" \
		"http://127.0.0.1:$PORT/metrics"
	[ "$output" = 431 ]
	# A client that says nothing does not hold the server: another is answered meanwhile.
	exec 4<>"/dev/tcp/127.0.0.1/$PORT"
	run -0 curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/stats"
	[ "$output" = 200 ]
	# ...and is hung up on after its 5 s, with no answer (timeout would exit 124).
	run -0 timeout 20 cat <&4
	[ -z "$output" ]
	exec 4>&-
}

@test "Prometheus scrapes the monitor: a PromQL query gives every student's counters" {
	command -v prometheus >/dev/null || { echo "# prometheus is not installed: apt-get install prometheus (scripts/install-deps.sh)" >&3; false; }
	local p=$D/prom pport prom k a t0 n
	mkdir -p "$p"
	pport=$(free_port)
	cat >"$p/prom.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  evaluation_interval: 1s
	scrape_configs:
	  - job_name: rescan
	    static_configs:
	      - targets: ['127.0.0.1:$PORT']
	EOF
	prometheus --config.file="$p/prom.yml" --storage.tsdb.path="$p/data" \
		--web.listen-address="127.0.0.1:$pport" >"$p/log" 2>&1 3>&- &
	prom=$!
	echo "$prom" >>"$BATS_TEST_TMPDIR/pids"
	q() { curl -sS --max-time 5 "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1"; }
	# Until it has scraped once (bounded: a minute).
	for n in $(seq 120); do
		[ "$(q 'up{job="rescan"}' 2>/dev/null | jq -r '.data.result[0].value[1] // empty')" = 1 ] && break
		sleep 0.5
	done
	[ "$n" -lt 120 ] || { tail -5 "$p/log"; false; }
	# A scrape that happened between two equal readings of the counters.
	scraped() {
		t0=$(date +%s.%N)
		for _ in $(seq 40); do
			awk -v a="$(q 'timestamp(rescan_lab_info)' | jq -r '.data.result[0].value[1]')" -v b="$t0" \
				'BEGIN { exit !(a > b) }' && break
			sleep 0.25
		done
		q rescan_student_packets_total >"$p/packets.json"
		q rescan_student_answered_total >"$p/answered.json"
	}
	BRACKET=$STUDENT_ROWS bracketed scraped
	[ "$(jq '.data.result | length' "$p/packets.json")" -ge "$STUDENTS" ]
	for k in 1 2; do
		a=$(student_addr "$k")
		[ "$(jq -r --arg k "$k" --arg a "$a" '.data.result[] | select(.metric.student == $k and .metric.addr == $a) | .value[1]' "$p/packets.json")" = \
		  "$(jq --arg a "$a" '.sources[$a].packets' <<<"$S")" ]
		[ "$(jq -r --arg k "$k" '.data.result[] | select(.metric.student == $k) | .value[1]' "$p/answered.json")" = \
		  "$(jq --arg a "$a" '[.sources[$a] | to_entries[] | select(.key | startswith("tx_")) | .value] | add' <<<"$S")" ]
	done
	kill "$prom"
	wait "$prom" || true
}

CHROMIUM_FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--disable-default-apps --no-pings --disable-domain-reliability
	"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1")

@test "the dashboard in headless Chromium shows every student with rescan stats --json's numbers, loading nothing from elsewhere" {
	command -v chromium >/dev/null || { echo "# chromium is not installed: apt-get install chromium (scripts/install-deps.sh)" >&3; false; }
	local k a f origin=http://127.0.0.1:$PORT
	dump() {
		chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$(mktemp -d "$D/chr.XXXXXX")" \
			--log-net-log="$D/netlog.json" --virtual-time-budget=4000 --dump-dom "$origin/" \
			>"$D/dom.html" 2>"$D/chromium.log"
	}
	BRACKET=$STUDENT_ROWS bracketed dump
	# One row per student, its cells' data-value as the API gave them.
	cell() {
		grep -o "<tr id=\"student-$1\".*" "$D/dom.html" | sed 's|</tr>.*||' |
			grep -o "data-field=\"$2\"[^>]*data-value=\"[0-9.]*\"" | sed 's/.*data-value="//; s/"//'
	}
	for k in 1 2; do
		a=$(student_addr "$k")
		grep -q "<tr id=\"student-$k\" [^>]*data-addr=\"$a\"" "$D/dom.html"
		for f in packets drop_rate_limited drop_do_not_scan drop_spoofed; do
			[ "$(cell "$k" "$f")" = "$(jq --arg a "$a" ".sources[\$a].$f" <<<"$S")" ] ||
				{ echo "student $k $f: page $(cell "$k" "$f"), stats $(jq --arg a "$a" ".sources[\$a].$f" <<<"$S")"; false; }
		done
		[ "$(cell "$k" answered)" = "$(jq --arg a "$a" '[.sources[$a] | to_entries[] | select(.key | startswith("tx_")) | .value] | add' <<<"$S")" ]
	done
	# The violations are marked: student 2 went over its cap and into the opt-out range.
	grep -q '<tr id="student-2" class="[^"]*violation' "$D/dom.html"
	# Every TCP connection Chromium opened went to the monitor, it sent no
	# UDP datagram, and everything the page asked for is the monitor's.
	jq -e '.events | length > 0' "$D/netlog.json" >/dev/null
	[ "$(jq -r --argjson t "$(jq '.constants.logEventTypes.TCP_CONNECT' "$D/netlog.json")" \
		'[.events[] | select(.type == $t) | .params.remote_address // empty] | unique | join(" ")' "$D/netlog.json")" = "127.0.0.1:$PORT" ]
	[ "$(jq --argjson t "$(jq '.constants.logEventTypes.UDP_BYTES_SENT' "$D/netlog.json")" \
		'[.events[] | select(.type == $t)] | length' "$D/netlog.json")" -eq 0 ]
	jq -r '.events[] | .params.url? // empty' "$D/netlog.json" | grep "^$origin/" | sed "s|^$origin||" | LC_ALL=C sort -u >"$D/urls"
	[ "$(paste -sd' ' "$D/urls")" = "/ /api/stats /dashboard.css /dashboard.js" ]
	# Nor do the files it serves name any other place.
	for f in / /dashboard.css /dashboard.js; do
		curl -sS "$origin$f" >"$D/asset"
		! grep -nE '(https?:)?//[A-Za-z0-9]|@import|url\(' "$D/asset" || fail "$f names another place (above)"
	done
	# A screenshot of it, as docs/dashboard.png shows it.
	chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$(mktemp -d "$D/chr.XXXXXX")" \
		--virtual-time-budget=3000 --window-size=1200,800 --screenshot="$D/dashboard.png" \
		"$origin/" >/dev/null 2>&1
	[ "$(head -c 8 "$D/dashboard.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

@test "the timeline: per student, monotonic lines whose last equals rescan stats --json; an idle class adds none" {
	local t=$RESCAN_RESULTS_DIR/$LAB/timeline.csv pid n arp0
	[ "$(head -1 "$t")" = 'time_ms,student,addr,packets,probes,answered,delivered,drop_rate_limited,drop_do_not_scan,drop_spoofed,dns:opt-out: _example_ university_,dns:government' ]
	[ "$(stat -c '%a %u' "$t")" = "600 0" ]
	# Idle: the kernels' own packets move the counters, the timeline stays.
	pid=$(cat "$D/monitor.pid")
	n=$(wc -l <"$t")
	arp0=$(stats | jq '[.sources[] | .pass_arp] | add')
	samples() { curl -sS "http://127.0.0.1:$PORT/metrics" | sed -n 's/^rescan_monitor_samples_total //p'; }
	for _ in $(seq 60); do
		[ "$(stats | jq '[.sources[] | .pass_arp] | add')" -gt "$arp0" ] && break
		sleep 0.5
	done
	local s0=$(samples)
	for _ in $(seq 50); do [ "$(samples)" -gt $((s0 + 1)) ] && break; sleep 0.2; done
	[ "$(samples)" -gt $((s0 + 1)) ]
	[ "$(stats | jq '[.sources[] | .pass_arp] | add')" -gt "$arp0" ]
	[ "$(wc -l <"$t")" -eq "$n" ]
	# Stopped, the monitor writes each row's last values: the class's totals.
	stop_monitor() {
		kill "$pid"
		wait_gone "$pid"
	}
	local s1
	for _ in $(seq 10); do
		s1=$(stats)
		stop_monitor
		S=$(stats)
		[ "$s1" = "$S" ] && break
		"$RESCAN" lab monitor --name "$LAB" --listen "127.0.0.1:$PORT" >>"$D/mon1.log" 2>&1 3>&- &
		pid=$!
		echo "$pid" >>"$BATS_TEST_TMPDIR/pids"
		wait_listen "$PORT"
	done
	[ "$s1" = "$S" ]
	for k in 1 2; do
		a=$(student_addr "$k")
		awk -F, -v k="$k" -v a="$a" 'NR > 1 && $2 == k && $3 == a' "$t" >"$D/lines$k"
		[ "$(wc -l <"$D/lines$k")" -ge 2 ]
		[ "$(tail -1 "$D/lines$k" | cut -d, -f4-)" = "$(stats_as_timeline "$S" "$k")" ]
		# Every column only grows, time included.
		awk -F, '{ for (i = 1; i <= NF; i++) if (i != 3 && NR > 1 && $i < p[i]) { print "line " NR ": column " i " fell"; exit 1 }
			   for (i = 1; i <= NF; i++) p[i] = $i }' "$D/lines$k"
	done
	# Student 2's probes into the opt-out /24 and the single host, in their columns.
	[ "$(tail -1 "$D/lines2" | cut -d, -f11)" -gt 0 ]
	[ "$(tail -1 "$D/lines2" | cut -d, -f12)" -gt 0 ]
	# Restarted, a monitor continues the same file.
	n=$(wc -l <"$t")
	"$RESCAN" lab monitor --name "$LAB" --listen "127.0.0.1:$PORT" >>"$D/mon1.log" 2>&1 3>&- &
	echo $! >"$D/monitor.pid"
	wait_listen "$PORT"
	for _ in $(seq 50); do [ "$(wc -l <"$t")" -gt "$n" ] && break; sleep 0.1; done
	[ "$(grep -c '^time_ms,' "$t")" -eq 1 ]
	[ "$(wc -l <"$t")" -gt "$n" ]
}

@test "a second monitor of the same lab is refused (exit 3): one timeline, one writer" {
	run -3 "$RESCAN" lab monitor --name "$LAB"
	[[ $output == *"has a monitor already (pid $(cat "$D/monitor.pid"))"* ]]
}

@test "a timeline with other columns is kept as timeline.csv.1, a new one starts" {
	local t=$RESCAN_RESULTS_DIR/${LAB}b/timeline.csv pid
	mkdir -p "${t%/*}"
	echo 'time_ms,something,else' >"$t"
	"$RESCAN" lab up --name "${LAB}b" --world "$D/class.world" --students 1 >/dev/null
	"$RESCAN" lab exec --name "${LAB}b" --student 1 -- zmap --cores 0 -p 80 -n 100 -r 10000 -c 0 \
		-b "$SHARED/blocklist" -o /dev/null 198.18.0.0/16 >/dev/null 2>&1
	pid=$(status_field monitor_pid "${LAB}b")
	kill "$pid"
	wait_gone "$pid"
	[ "$(cat "$t.1")" = 'time_ms,something,else' ]
	[ "$(head -1 "$t")" = 'time_ms,student,addr,packets,probes,answered,delivered,drop_rate_limited,drop_do_not_scan,drop_spoofed' ]
	grep -q "^[0-9]*,1,$(student_addr 1),[0-9]*," "$t"
	grep -q "timeline.csv had other columns; it is now $t.1" "/run/rescan/${LAB}b/monitor.log"
	run -0 "$RESCAN" lab status --name "${LAB}b"
	grep -qx monitor=stopped <<<"$output"
	"$RESCAN" lab down --name "${LAB}b"
}

@test "--metrics-netns NS: the monitor serves in namespace NS alone" {
	local ns=${LAB}mon port
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	"$RESCAN" lab up --name "${LAB}b" --world "$D/class.world" --metrics 127.0.0.1:0 \
		--metrics-netns "$ns" >/dev/null
	port=$(listen_addr "${LAB}b" | sed 's/.*://')
	run ip netns exec "$ns" curl -sS --max-time 5 -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$port/metrics"
	[ "$output" = 200 ]
	# Nobody in this namespace listens on the port.
	[ -z "$(ss -Hltn "sport = :$port")" ]
	"$RESCAN" lab down --name "${LAB}b"
	ip netns del "$ns"
	run -2 "$RESCAN" lab up --name "${LAB}b" --metrics-netns "$ns"
	[ "$output" = "rescan: lab up: --metrics-netns needs --metrics (try 'rescan lab up --help')" ]
	run -1 "$RESCAN" lab up --name "${LAB}b" --world "$D/class.world" --metrics 127.0.0.1:0 \
		--metrics-netns "$ns"
	[ "$output" = "rescan: cannot enter network namespace $ns: No such file or directory" ]
	[ ! -e "/run/rescan/${LAB}b" ]
}

@test "without --metrics the monitor serves nothing; --no-monitor starts none" {
	local pid
	"$RESCAN" lab up --name "${LAB}b" --world "$D/class.world" >/dev/null
	pid=$(status_field monitor_pid "${LAB}b")
	[ "$(status_field monitor "${LAB}b")" = running ]
	[ -z "$(status_field monitor_listen "${LAB}b")" ]
	[ -z "$(ss -Hltnp | grep "pid=$pid,")" ]
	"$RESCAN" lab down --name "${LAB}b"
	"$RESCAN" lab up --name "${LAB}c" --world "$D/class.world" --no-monitor >/dev/null
	[ "$(status_field monitor "${LAB}c")" = off ]
	[ -z "$(monitors_of "${LAB}c")" ]
	"$RESCAN" lab down --name "${LAB}c"
}

@test "lab down stops the monitor, also one already killed, and leaves nothing" {
	local pid
	"$RESCAN" lab up --name "${LAB}b" --world "$D/class.world" >/dev/null
	pid=$(status_field monitor_pid "${LAB}b")
	kill -9 "$pid"
	wait_gone "$pid"
	run -0 "$RESCAN" lab status --name "${LAB}b"
	grep -qx monitor=stopped <<<"$output"
	run -0 "$RESCAN" lab down --name "${LAB}b"
	[ ! -e "/run/rescan/${LAB}b" ]
	# The class's monitor, running: lab down ends it (exit 0 on SIGTERM) before the lab.
	pid=$(cat "$D/monitor.pid")
	! gone "$pid" || fail "the class's monitor $pid is gone before lab down"
	run -0 "$RESCAN" lab down --name "$LAB"
	gone "$pid"
	grep -q "monitor of lab '$LAB' stopped (Terminated)" "$D/mon1.log"
	[ -z "$(monitors_of "$LAB")" ]
	[ ! -e "/run/rescan/$LAB" ]
	! ss -Hltn "sport = :$PORT" | grep . || fail "something listens on port $PORT after lab down (above)"
}
