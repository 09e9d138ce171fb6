#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# Faults. `kill -9` of rescan at every step of lab up and lab down (a plain
# lab, a class, --here): the next lab down, or the next lab up, recovers
# completely - no namespace (nor its file or mount under /run/netns), veth,
# XDP program, pinned map, run directory, scanner configuration or monitor
# is left, and a lab up that follows gives a lab that answers. Then the
# faults of writing and reading worlds: a full disk, an unreadable dataset,
# a world larger than the memory rescan may use - one error line, nothing
# half written, and a running lab keeps its world.
#
# The steps: one run of the command under strace lists every system call
# that changes something outside rescan (it starts a program - ip, tc, the
# monitor -, pins, updates or attaches BPF objects, creates, writes or
# removes a file, signals) and strace then kills rescan with SIGKILL on
# entry to each of them in turn (-e inject=SYSCALL:signal=SIGKILL:when=K).
# Between two such calls nothing outside rescan changes, so these are all
# the states a kill can leave. What rescan started (an ip) finishes on its
# own first, as it would after a real kill.
#
# Each step is recovered once, by lab down on odd steps and lab up on even
# ones; a class and --here, whose steps are mostly a plain lab's, at every
# third step. FAULTS_FULL=1 kills at every step of each and recovers it
# both ways. FAULTS_LOG=FILE appends one line of figures per sweep
# (bench/faults.md).

bats_require_minimum_version 1.5.0

load lab_helper

# System calls that can change something outside rescan: kill points.
TRACED=clone,clone3,vfork,fork,bpf,mkdir,mkdirat,unlink,unlinkat,rmdir,rename,renameat,renameat2
TRACED+=,mount,umount2,kill,sendto,sendmsg,chmod,fchmod,fchmodat,chown,fchown,fchownat,open
TRACED+=,openat,creat,write,pwrite64,writev,ftruncate,truncate,symlink,symlinkat,link,linkat

OPEN=198.18.0.1	# tcp/80 open in the suite's world
CLOSED=198.18.0.2	# tcp/80 closed

setup_file() {
	require_root_and_tools ip strace bpftool setsid nsenter pgrep timeout
	export LAB=$(lab_name k)
	export HERE_NS="h$LAB"	# the caller's namespace of lab up --here
	export D=$BATS_FILE_TMPDIR
	# Students reach their results directories: not below bats' 0700 tmp.
	export SHARED=$(mktemp -d /tmp/rescan-faults.XXXXXX)
	chmod 755 "$SHARED"
	export RESCAN_RESULTS_DIR="$SHARED/results"
	echo "$OPEN" >"$D/open.txt"
	echo "$CLOSED" >"$D/closed.txt"
	"$RESCAN" world compile -o "$D/w.world" tcp/80="$D/open.txt" tcp/80:closed="$D/closed.txt" \
		2>/dev/null
}

teardown() {
	[ -s "$BATS_TEST_TMPDIR/pids" ] && xargs -r kill -9 <"$BATS_TEST_TMPDIR/pids" 2>/dev/null
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	ip netns del "$HERE_NS" 2>/dev/null || true
	true
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	ip netns del "$HERE_NS" 2>/dev/null || true
	rm -rf "$SHARED"
}

# fail LINE...: say why (and at which kill point, while a sweep runs), then
# fail. Helpers run as plain commands, so bats' errexit stops the test at
# the first failure: never call one as a condition (if, ||, &&, !), where
# bash ignores errexit inside it.
fail() {
	printf '%s\n' ${POINT:+"at $POINT:"} "$@" >&2
	return 1
}

# variant plain|class|here: UP (lab up's arguments), WRAP (what runs rescan
# in the caller's namespace), STUDENTS.
variant() {
	UP=(lab up --name "$LAB" --world "$D/w.world")
	WRAP=()
	STUDENTS=0
	case $1 in
	class)
		STUDENTS=2
		UP+=(--students "$STUDENTS") ;;
	here)
		ip netns add "$HERE_NS"
		ip -n "$HERE_NS" link set lo up
		WRAP=(nsenter "--net=/run/netns/$HERE_NS")
		UP+=(--here) ;;
	esac
}

rescan_w() { "${WRAP[@]}" "$RESCAN" "$@"; }

# Everything of the lab that is there, one thing a line; nothing when it is gone.
lab_traces() {
	local f
	ip netns list | awk -v p="$LAB-" 'index($1, p) == 1 { print "netns " $1 }'
	for f in /run/netns/"$LAB"-* /etc/netns/"$LAB"-* "/sys/fs/bpf/rescan/$LAB" "/run/rescan/$LAB"; do
		[ -e "$f" ] && echo "file $f"
	done
	awk -v p="/run/netns/$LAB-" 'index($5, p) == 1 { print "mount " $5 }' /proc/self/mountinfo
	pgrep -f -- "lab monitor --name $LAB --interval" | sed 's/^/monitor pid /'
	if [ -e "/run/netns/$HERE_NS" ]; then
		ip -n "$HERE_NS" -o link show | awk -F': ' '$2 != "lo" { print "link in the --here namespace: " $2 }'
	fi
	true
}

# The lab's BPF programs and maps the kernel holds for it (attached, pinned),
# by id: "prog N", "map N".
lab_bpf_ids() {
	local ns f progs p
	progs=$(for ns in $(ip netns list | awk -v p="$LAB-" 'index($1, p) == 1 { print $1 }') \
		$([ -e "/run/netns/$HERE_NS" ] && echo "$HERE_NS"); do
		ip -n "$ns" -d link show 2>/dev/null |
			awk '/prog\/xdp/ { for (i = 1; i < NF; i++) if ($i == "id") print $(i + 1) }'
	done
	for f in "/sys/fs/bpf/rescan/$LAB"/*; do
		[ -e "$f" ] || continue
		bpftool prog show pinned "$f" 2>/dev/null | awk -F: 'NR == 1 { print $1 }'
	done)
	for p in $(sort -u <<<"$progs"); do
		echo "prog $p"
		bpftool prog show id "$p" 2>/dev/null |
			awk '/map_ids/ { n = split($NF, m, ","); for (i = 1; i <= n; i++) print "map " m[i] }'
	done
	for f in "/sys/fs/bpf/rescan/$LAB"/*; do
		[ -e "$f" ] || continue
		bpftool map show pinned "$f" 2>/dev/null | awk -F: 'NR == 1 { print "map " $1 }'
	done
}

# nothing_left IDS: nothing of the lab is there, and every BPF object in
# IDS is freed (the kernel frees them a little after their last user).
nothing_left() {
	local left i kind id
	left=$(lab_traces)
	[ -z "$left" ] || fail "left behind:" "$left"
	for ((i = 0; i < 40; i++)); do
		left=""
		while read -r kind id; do
			[ -n "$id" ] && bpftool "$kind" show id "$id" >/dev/null 2>&1 && left+=" $kind $id"
		done <<<"$1"
		[ -z "$left" ] && return 0
		sleep 0.25
	done
	fail "still in the kernel 10 s later:$left"
}

# tcp_probe K ADDR: from the lab's scanner side (K 0) or student K's, what
# a TCP connection to ADDR port 80 meets: open, refused or silent.
tcp_probe() {
	local out
	if out=$(timeout 5 "${WRAP[@]}" "$RESCAN" lab exec --name "$LAB" \
		$([ "$1" -gt 0 ] && echo "--student $1") -- \
		bash -c "exec 3<>/dev/tcp/$2/80" 2>&1); then
		echo open
	elif [[ $out == *"Connection refused"* ]]; then
		echo refused
	else
		echo "silent: $out"
	fi
}

# The lab is up, marked ready, with one monitor, and answers from the world
# on every seat.
lab_answers() {
	local k got
	rescan_w lab status --name "$LAB" >/dev/null || fail "lab status: $(rescan_w lab status --name "$LAB")"
	got=$(pgrep -fc -- "lab monitor --name $LAB --interval")
	[ "$got" -eq 1 ] || fail "$got monitors run"
	for ((k = 0; k <= STUDENTS; k++)); do
		got=$(tcp_probe "$k" "$OPEN")
		[ "$got" = open ] || fail "seat $k: the open host: $got"
		got=$(tcp_probe "$k" "$CLOSED")
		[ "$got" = refused ] || fail "seat $k: the closed host: $got"
	done
}

# A lab brought up and taken down as usual.
lab_up_ok() {
	rescan_w "${UP[@]}" >/dev/null 2>"$BATS_TEST_TMPDIR/up.err" ||
		fail "lab up: $(cat "$BATS_TEST_TMPDIR/up.err")"
}

lab_down_ok() {
	local out
	out=$(rescan_w lab down --name "$LAB" 2>&1) || fail "lab down: $out"
}

# kill_points ARGS...: rescan ARGS (lab up or lab down) once under strace;
# into $BATS_TEST_TMPDIR/points, "SYSCALL K [PATH]" for each call that
# changed something: K counts SYSCALL's calls as strace's when= does, of
# PATH alone where a PATH is given (opens: how many files rescan opens in
# /proc to find a monitor depends on what else runs). Failed calls change
# nothing; opens that only read, and BPF commands that only make an object
# this process holds, neither.
kill_points() {
	local rc=0
	"${WRAP[@]}" strace -o "$BATS_TEST_TMPDIR/trace" -e trace="$TRACED" "$RESCAN" "$@" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/trace.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "rescan $* failed under strace: $(cat "$BATS_TEST_TMPDIR/trace.err")"
	awk 'match($0, /^[a-z0-9_]+\(/) {
		name = substr($0, 1, RLENGTH - 1)
		path = ""
		if (name ~ /^open/) {
			split($0, q, "\"")
			path = q[2]
		}
		k = ++count[name, path]
		if ($0 ~ /\) += -1 /)
			next
		if (name ~ /^open/ && $0 !~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/)
			next
		if (name == "bpf" && $0 !~ /^bpf\(BPF_(OBJ_PIN|MAP_UPDATE_ELEM|MAP_DELETE_ELEM|PROG_ATTACH|LINK_CREATE),/)
			next
		print name, k, path
	}' "$BATS_TEST_TMPDIR/trace" >"$BATS_TEST_TMPDIR/points"
	[ -s "$BATS_TEST_TMPDIR/points" ] || fail "no kill points in the trace"
}

# kill_at SYSCALL K PATH ARGS...: rescan ARGS under strace, killed by
# SIGKILL on entry to its K-th SYSCALL (of PATH, if not empty); then wait
# until what it started (its session: ip, tc) has finished. KILLED=1 when
# it was killed there, 0 when it finished first.
kill_at() {
	local sc=$1 k=$2 path=$3 t=$BATS_TEST_TMPDIR/kill sid i
	shift 3
	rm -f "$t.sid" "$t.rc"
	setsid -w bash -c 'echo $$ >"$0.sid"; "$@"; echo $? >"$0.rc"' "$t" "${WRAP[@]}" \
		strace -o /dev/null ${path:+-P "$path"} -e trace="$sc" \
		-e inject="$sc:signal=SIGKILL:when=$k" "$RESCAN" "$@" >/dev/null 2>&1 3>&-
	sid=$(cat "$t.sid")
	for ((i = 0; i < 100; i++)); do
		pgrep -s "$sid" >/dev/null || break
		sleep 0.1
	done
	[ -z "$(pgrep -s "$sid")" ] || fail "what rescan started still runs 10 s on: $(pgrep -a -s "$sid")"
	KILLED=0
	[ "$(cat "$t.rc")" -ne 137 ] || KILLED=1
}

# recover HOW: lab down or lab up (then a check that the lab answers and a
# lab down) after a kill; nothing of the lab may be left after either. A
# kill after lab up finished (or before lab down began) left a lab that is
# up: lab up says so (exit 3) and it answers.
recover() {
	local ids left ready=""
	ids=$(lab_bpf_ids)
	left=$(lab_traces)
	[ -e "/run/rescan/$LAB/ready" ] && ready=1
	if [ "$1" = down ]; then
		run rescan_w lab down --name "$LAB"
		if [ -n "$left" ]; then
			[ "$status" -eq 0 ] || fail "lab down after the kill: exit $status: $output" "what was there: $left"
		else
			[ "$status" -eq 3 ] || fail "lab down with nothing left: exit $status: $output"
		fi
	else
		run rescan_w "${UP[@]}"
		if [ -n "$ready" ]; then
			[ "$status" -eq 3 ] && [[ $output == *"lab '$LAB' is already up"* ]] ||
				fail "lab up of the lab that was up: exit $status: $output"
		else
			[ "$status" -eq 0 ] || fail "lab up after the kill: exit $status: $output" "what was there: $left"
			[ -z "$left" ] || grep -q "^rescan: note: lab '$LAB' was left half made or half removed" <<<"$output" ||
				fail "lab up said nothing of what it removed: $output" "what was there: $left"
		fi
		lab_answers
		ids+=$'\n'$(lab_bpf_ids)
		run rescan_w lab down --name "$LAB"
		[ "$status" -eq 0 ] && [ "$output" = "lab '$LAB' down" ] ||
			fail "lab down of the recovered lab: exit $status: $output"
	fi
	nothing_left "$ids"
}

# sweep VARIANT up|down [STRIDE]: kill rescan lab up (or down) of VARIANT
# at every STRIDE-th point kill_points finds (every one with FAULTS_FULL=1),
# and recover each (see the top of the file).
sweep() {
	local cmd=$2 stride=${3:-1} points n=0 tried=0 killed=0 sc k path how hows t0=$SECONDS
	local args=("${UP[@]}") kinds
	[ "$cmd" = down ] && args=(lab down --name "$LAB")
	[ "${FAULTS_FULL:-0}" = 1 ] && stride=1
	nothing_left ""
	if [ "$cmd" = down ]; then lab_up_ok; fi
	kill_points "${args[@]}"
	points=$(cat "$BATS_TEST_TMPDIR/points")
	if [ "$cmd" = up ]; then lab_down_ok; fi
	nothing_left ""
	while read -r sc k path; do
		n=$((n + 1))
		[ $(((n - 1) % stride)) -eq 0 ] || continue
		hows=$([ $((n % 2)) -eq 1 ] && echo down || echo up)
		[ "${FAULTS_FULL:-0}" = 1 ] && hows="down up"
		for how in $hows; do
			tried=$((tried + 1))
			POINT="$1 lab $cmd killed on entry to $sc #$k${path:+ of $path}, recovered by lab $how"
			if [ "$cmd" = down ]; then lab_up_ok; fi
			kill_at "$sc" "$k" "$path" "${args[@]}"
			killed=$((killed + KILLED))
			[ "$KILLED" = 1 ] || echo "# $1 lab $cmd: finished before $sc #$k $path" >&3
			recover "$how"
			POINT=
		done
	done <<<"$points"
	kinds=$(cut -d' ' -f1 <<<"$points" | sort | uniq -c | awk '{ printf "%s%s %s", s, $2, $1; s = ", " }')
	echo "# $1: lab $cmd: $n kill points ($kinds); one in every $stride: killed $killed times of $tried, each recovered; $((SECONDS - t0)) s" >&3
	if [ -n "${FAULTS_LOG:-}" ]; then
		printf '%s\tlab %s\t%d points\tevery %d\t%d runs\t%d killed at their point\t%s\t%d s\n' "$1" "$cmd" \
			"$n" "$stride" "$tried" "$killed" "$kinds" $((SECONDS - t0)) >>"$FAULTS_LOG"
	fi
	[ "$killed" -gt 0 ]
}

@test "kill -9 at every step of lab up: the next lab down or lab up recovers (plain lab)" {
	variant plain
	sweep plain up
}

@test "kill -9 at every step of lab up: the next lab down or lab up recovers (a class of 2)" {
	variant class
	sweep class up 3
}

@test "kill -9 at every step of lab up: the next lab down or lab up recovers (--here)" {
	variant here
	sweep here up 3
}

@test "kill -9 at every step of lab down: the next lab down or lab up recovers (plain lab)" {
	variant plain
	sweep plain down
}

@test "kill -9 at every step of lab down: the next lab down or lab up recovers (a class of 2)" {
	variant class
	sweep class down 3
}

@test "kill -9 at every step of lab down: the next lab down or lab up recovers (--here)" {
	variant here
	sweep here down 3
}

@test "a lab up that is still running is nobody's leftovers: a second lab up or lab down is refused (exit 3), naming it" {
	local pid i
	variant plain
	# The first lab up waits 4 s before it starts its first program.
	strace -o /dev/null -e trace=clone3 -e inject=clone3:delay_enter=4000000:when=1 \
		"$RESCAN" "${UP[@]}" >"$BATS_TEST_TMPDIR/first.out" 2>&1 3>&- &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		run "$RESCAN" lab status --name "$LAB"
		[[ $output == "lab '$LAB' is being brought up or down by rescan pid "* ]] && break
		sleep 0.05
	done
	[ "$status" -eq 3 ] && [[ $output == "lab '$LAB' is being brought up or down by rescan pid "* ]] ||
		fail "lab status while lab up runs: exit $status: $output"
	run -3 "$RESCAN" "${UP[@]}"
	[[ $output == "rescan: lab '$LAB' is being changed by another rescan (pid "*") (lab up, down, load or a class join): wait for it to finish" ]] ||
		fail "$output"
	run -3 "$RESCAN" lab down --name "$LAB"
	[[ $output == *"is being changed by another rescan"* ]] || fail "$output"
	wait "$pid" || fail "the first lab up: $(cat "$BATS_TEST_TMPDIR/first.out")"
	lab_answers
	lab_down_ok
	nothing_left ""
}

# ---- writing and reading worlds ---------------------------------------------

# A tmpfs of SIZE at DIR, unmounted in teardown.
small_disk() {
	mkdir -p "$2"
	mount -t tmpfs -o "size=$1,mode=0755" rescan-faults "$2"
	echo "$2" >>"$BATS_TEST_TMPDIR/mounts"
}

teardown() {
	local m
	if [ -s "$BATS_TEST_TMPDIR/mounts" ]; then
		while read -r m; do umount "$m" 2>/dev/null; done <"$BATS_TEST_TMPDIR/mounts"
	fi
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	"$RESCAN" lab down --name "${LAB}b" >/dev/null 2>&1 || true
	ip netns del "$HERE_NS" 2>/dev/null || true
	true
}

# one_error NEEDLE: the failed command's stderr has exactly one "rescan: "
# line (the others are progress), it holds NEEDLE, and stdout is empty.
one_error() {
	local errs
	errs=$(grep '^rescan: ' <<<"$stderr" || true)
	[ "$(grep -c . <<<"$errs")" -eq 1 ] || fail "expected one error line, got:" "$stderr"
	[[ $errs == *"$1"* ]] || fail "expected '$1' in: $errs"
	[ -z "$output" ] || fail "stdout: $output"
}

# big_world: $D/big.world, 400 services of one host each: 400 host sets,
# 200 MiB of world; SPECS, the datasets it was compiled from.
big_world() {
	local p
	SPECS=()
	mkdir -p "$D/ports"
	for ((p = 1; p <= 400; p++)); do
		echo "198.18.$((p / 256)).$((p % 256))" >"$D/ports/$p.txt"
		SPECS+=(tcp/$p="$D/ports/$p.txt")
	done
	[ -e "$D/big.world" ] || "$RESCAN" world compile -o "$D/big.world" "${SPECS[@]}" 2>/dev/null
}

@test "a full disk while compiling: one error line, no file half written, the old world and its running lab stay" {
	local m=$D/disk
	# Two hosts sets: 1 MiB of world. Room for one such world, not for two.
	small_disk 1600k "$m"
	cp "$D/w.world" "$m/course.world"
	cp "$D/w.world" "$D/course.before"
	variant plain
	UP=(lab up --name "$LAB" --world "$m/course.world")
	lab_up_ok
	run -1 --separate-stderr "$RESCAN" world compile -o "$m/course.world" \
		tcp/443="$D/open.txt" tcp/443:closed="$D/closed.txt"
	one_error "cannot write '$m/course.world': No space left on device"
	[ "$(ls -A "$m")" = course.world ] || fail "on the disk: $(ls -A "$m")"
	cmp "$m/course.world" "$D/course.before"
	run -0 "$RESCAN" world info "$m/course.world"
	lab_answers
	lab_down_ok
	# A disk with no room for any world: nothing on it afterwards.
	small_disk 64k "$D/tiny"
	run -1 --separate-stderr "$RESCAN" world compile -o "$D/tiny/new.world" tcp/80="$D/open.txt"
	one_error "cannot write '$D/tiny/new.world': No space left on device"
	[ -z "$(ls -A "$D/tiny")" ] || fail "on the disk: $(ls -A "$D/tiny")"
}

# The temporary files of a world compile to OUT: OUT.tmp.XXXXXX.
temps_of() { compgen -G "$1.tmp.??????" || true; }

# compile_killed OUT: world compile -o OUT killed (SIGKILL, by strace) on
# its fchmod: the world written to its temporary file, not renamed yet.
compile_killed() {
	local rc=0
	strace -o /dev/null -e trace=fchmod -e inject=fchmod:signal=SIGKILL:when=1 \
		"$RESCAN" world compile -o "$1" tcp/80="$D/open.txt" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 137 ] || fail "world compile under strace: exit $rc, not killed"
}

@test "world compile killed before its rename: the next compile to OUT removes what it left, never a live compile's file" {
	local out=$D/killed.world left live ino tracer writer
	compile_killed "$out"
	left=$(temps_of "$out")
	[ "$(wc -w <<<"$left")" -eq 1 ] || fail "left by the kill: '$left'"
	[ ! -e "$out" ] || fail "$out made by a compile that was killed"
	run -0 "$RESCAN" world compile -o "$out" tcp/80="$D/open.txt"
	[ -z "$(temps_of "$out")" ] || fail "still there after the next compile: $(temps_of "$out")"
	run -0 "$RESCAN" world info "$out"

	# A compile still writing (held by strace on its fchmod for up to a
	# minute) keeps its temporary file through another compile to OUT.
	compile_killed "$out"
	left=$(temps_of "$out")
	strace -o /dev/null -e trace=fchmod -e inject=fchmod:delay_enter=60000000:when=1 \
		"$RESCAN" world compile -o "$out" tcp/80="$D/closed.txt" >/dev/null 2>&1 3>&- &
	tracer=$!
	echo "$tracer" >>"$BATS_TEST_TMPDIR/pids"
	# It removed the killed one's file when it made its own.
	until live=$(temps_of "$out") && [ -n "$live" ] && [ "$live" != "$left" ] &&
		[ "$(wc -w <<<"$live")" -eq 1 ]; do
		kill -0 "$tracer" 2>/dev/null || fail "the held compile ended early"
		sleep 0.1
	done
	writer=$(pgrep -P "$tracer" -x rescan)
	[ -n "$writer" ] || fail "no rescan under strace $tracer"
	echo "$writer" >>"$BATS_TEST_TMPDIR/pids"
	ino=$(stat -c %i "$live")
	run -0 "$RESCAN" world compile -o "$out" tcp/80="$D/open.txt"
	kill -0 "$writer" || fail "the held compile ended before the check"
	[ "$(stat -c %i "$live" 2>/dev/null)" = "$ino" ] || fail "a live compile's $live was removed"
	run -0 "$RESCAN" world info "$out"
	# What kept it was its writer's lock: with the writer gone, it goes too.
	kill -9 "$writer"
	wait "$tracer" || true
	[ -e "$live" ] || fail "$live gone with its writer, before any compile"
	run -0 "$RESCAN" world compile -o "$out" tcp/80="$D/open.txt"
	[ -z "$(temps_of "$out")" ] || fail "still there: $(temps_of "$out")"
}

@test "an unreadable dataset: one error line naming it, no world written (permissions, a directory, EIO)" {
	local pub
	pub=$(mktemp -d /tmp/rescan-faults-pub.XXXXXX)
	chmod 777 "$pub"
	echo "$OPEN" >"$pub/secret.txt"
	chmod 000 "$pub/secret.txt"
	run -1 --separate-stderr setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$RESCAN" world compile -o "$pub/x.world" tcp/80="$pub/secret.txt"
	local ls_pub
	ls_pub=$(ls -A "$pub")
	rm -rf "$pub"
	one_error "cannot read '$pub/secret.txt': Permission denied"
	[ "$ls_pub" = secret.txt ] || fail "written: $ls_pub"

	mkdir "$D/adir"
	run -1 --separate-stderr "$RESCAN" world compile -o "$D/x.world" tcp/80="$D/adir"
	one_error "cannot read '$D/adir': Is a directory"
	[ ! -e "$D/x.world" ]

	# EIO on the second read(): after the first MiB was read and parsed.
	# 800,000 addresses drawn from 198.18.0.0/15: 11 MB, 2.8 MB gzip-compressed.
	awk 'BEGIN { x = 5; for (i = 0; i < 800000; i++) {
		x = (x * 1103515245 + 12345) % 2147483648; h = int(x / 16384) % 131072
		printf "198.%d.%d.%d\n", 18 + int(h / 65536), int(h / 256) % 256, h % 256 } }' >"$D/big.txt"
	# A plain file larger than the reader's window is mapped, not read: the
	# test below cuts one short under its mapping.
	head -n 200000 "$D/big.txt" >"$D/some.txt"
	run -1 --separate-stderr strace -f -o /dev/null -P "$D/some.txt" -e trace=read \
		-e inject=read:error=EIO:when=2 "$RESCAN" world compile -o "$D/x.world" tcp/80="$D/some.txt"
	stderr=$(grep -v '^strace: ' <<<"$stderr")
	one_error "$D/some.txt: Input/output error"
	[ -z "$(ls "$D" | grep '^x\.world')" ]
	# gzip: its decoder thread's second read (per thread, as strace counts).
	gzip -c "$D/big.txt" >"$D/big.txt.gz"
	# Its first MiB the sniffing read takes, the decoder thread the rest in MiB reads.
	[ "$(stat -c %s "$D/big.txt.gz")" -gt $((2 << 20)) ] || fail "the fixture is too small"
	run -1 --separate-stderr strace -f -o /dev/null -P "$D/big.txt.gz" -e trace=read \
		-e inject=read:error=EIO:when=2+ "$RESCAN" world compile -o "$D/x.world" tcp/80="$D/big.txt.gz"
	stderr=$(grep -v '^strace: ' <<<"$stderr")
	one_error "$D/big.txt.gz: Input/output error"
	[ -z "$(ls "$D" | grep '^x\.world')" ]
}

@test "a world larger than rescan may use (ulimit -v): one error line, nothing made, the running lab answers" {
	local limit
	big_world
	variant plain
	lab_up_ok
	# Too little for the file's mapping, for the directory's copy, for the
	# kernel maps' mapping: each says what it could not get.
	for limit in 150000 400000 600000; do
		run -1 --separate-stderr bash -c 'ulimit -v "$1" && exec "$2" lab up --name "$3" --world "$4"' \
			sh "$limit" "$RESCAN" "${LAB}b" "$D/big.world"
		one_error ""
		[[ $stderr == *"more memory than this process may use"* ||
			$stderr == *"out of memory for the world's directory"* ||
			$stderr == *"cannot map the world into the kernel: Cannot allocate memory"* ]] ||
			fail "ulimit -v $limit: $stderr"
		[ -z "$(ip netns list | grep "^${LAB}b-")" ] && [ ! -e "/sys/fs/bpf/rescan/${LAB}b" ] &&
			[ ! -e "/run/rescan/${LAB}b" ] || fail "ulimit -v $limit: lab up left something"
	done
	# Compiling a world is capped the same way.
	run -1 --separate-stderr bash -c 'ulimit -v 100000 && exec "$@"' sh \
		"$RESCAN" world compile -o "$D/again.world" "${SPECS[@]}"
	one_error "Cannot allocate memory"
	[ ! -e "$D/again.world" ] && [ -z "$(ls "$D" | grep '^again\.world')" ]
	lab_answers
}

# cut_under_mapping FILE SIZE ARGS...: rescan ARGS under gdb, which stops
# it when it maps all of FILE, cuts FILE to SIZE (what a failing disk
# does to the pages it cannot read: the kernel answers with SIGBUS), and
# lets it go on. stdout: the program's lines, and gdb's "exited with code".
cut_under_mapping() {
	local f=$1 size=$2
	shift 2
	timeout 120 gdb -q -batch -ex "handle SIGBUS nostop noprint pass" -ex "catch syscall mmap" \
		-ex "condition 1 \$rsi == $(stat -c %s "$f")" -ex run -ex "shell truncate -s $size '$f'" \
		-ex "delete 1" -ex continue --args "$RESCAN" "$@" 2>&1 |
		grep -E '^rescan: |exited( normally| with code)|signal SIGBUS' 
}

@test "a dataset or world file cut short under rescan's mapping (a failing disk): one error line, nothing written or made" {
	awk 'BEGIN { x = 7; for (i = 0; i < 800000; i++) {
		x = (x * 1103515245 + 12345) % 2147483648; h = int(x / 16384) % 131072
		printf "198.%d.%d.%d\n", 18 + int(h / 65536), int(h / 256) % 256, h % 256 } }' >"$D/mapped.txt"
	run cut_under_mapping "$D/mapped.txt" 1M world compile -o "$D/m.world" tcp/80="$D/mapped.txt"
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	[ "${lines[0]}" = "rescan: cannot read '$D/mapped.txt': Input/output error in its mapping (a failing disk, or the file cut short while rescan read it)" ] ||
		fail "$output"
	[[ ${lines[1]} == *"exited with code 01"* ]] || fail "$output"
	[ -z "$(ls "$D" | grep '^m\.world')" ]

	big_world
	cp "$D/big.world" "$D/cut.world"
	run cut_under_mapping "$D/cut.world" 100M lab up --name "$LAB" --world "$D/cut.world"
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	[ "${lines[0]}" = "rescan: cannot read '$D/cut.world': Input/output error in its mapping (a failing disk, or the file cut short while rescan read it)" ] ||
		fail "$output"
	[[ ${lines[1]} == *"exited with code 01"* ]] || fail "$output"
	nothing_left ""
}
