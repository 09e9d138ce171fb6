# SPDX-License-Identifier: GPL-2.0-only
#
# docker_helper.bash - shared by tests/e2e/docker*.bats.
#
# Gives every suite a running Docker engine (Debian's dockerd is started when
# none answers), the rescan:lab image built from this tree on a local
# debian:bookworm-slim (scripts/docker-base.sh), unique container and compose
# project names, and cleanup of everything a suite started, even on failure.
# A machine that cannot run a Docker engine fails these suites loudly;
# RESCAN_SKIP_DOCKER=1 skips them instead.
#
# Environment: DOCKER (client, default docker), COMPOSE (default
# docker-compose, else `docker compose`), RESCAN_IMAGE (default rescan:lab),
# RESCAN_DOCKER_NO_BUILD=1 (use the existing image as it is).
#
# Network safety: containers run with --network none (or the default bridge
# for the sealing test, whose eth0 the appliance takes down); every scan is
# sent by ZMap/masscan/nmap into the lab's own interface, and the host-mode
# suite names the lab interface and gateway explicitly.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
DOCKER=${DOCKER:-docker}
IMAGE=${RESCAN_IMAGE:-rescan:lab}
# The least the appliance needs (see the README): no --privileged, no
# seccomp or AppArmor changes. (CAPS is used by the suites.)
# shellcheck disable=SC2034
CAPS=(--cap-add NET_ADMIN --cap-add SYS_ADMIN)
LABEL=rescan-test

dk() { timeout "${DK_TIMEOUT:-120}" "$DOCKER" "$@"; }

compose() {
	local c=${COMPOSE:-}
	if [ -z "$c" ]; then
		if command -v docker-compose >/dev/null 2>&1; then
			c=docker-compose
		else
			c="$DOCKER compose"
		fi
	fi
	# shellcheck disable=SC2086
	timeout "${DK_TIMEOUT:-180}" $c "$@"
}

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# RESCAN_SKIP_DOCKER=1: every test skips (bats 1.8 cannot skip from
# setup_file, so each suite's setup_file returns early and setup skips).
docker_skipped() { [ "${RESCAN_SKIP_DOCKER:-0}" = 1 ]; }

setup() {
	if docker_skipped; then
		skip "RESCAN_SKIP_DOCKER=1: Docker suites skipped"
	fi
}

# setup_file of every docker suite: engine, base image, rescan:lab (built
# once per bats run), and a run id that labels everything the suite starts.
docker_setup_file() {
	docker_skipped && return 0
	RUN_ID="rst$$-$(basename "$BATS_TEST_FILENAME" .bats | tr -cd 'a-z0-9')"
	export RUN_ID
	local out
	if ! out=$(DOCKER=$DOCKER "$REPO/scripts/docker-engine.sh" 2>&1); then
		fail "FATAL: no Docker engine: $out" \
			"(the Docker suites need one; RESCAN_SKIP_DOCKER=1 skips them)"
		return 1
	fi
	local stamp="$BATS_RUN_TMPDIR/rescan-image-built"
	if [ ! -e "$stamp" ]; then
		if [ "${RESCAN_DOCKER_NO_BUILD:-0}" = 1 ] && dk image inspect "$IMAGE" >/dev/null 2>&1; then
			: # as asked: the image as it is
		else
			if ! out=$(DOCKER=$DOCKER timeout 600 "$REPO/scripts/docker-base.sh" 2>&1); then
				fail "FATAL: cannot make the base image: $out"
				return 1
			fi
			if ! DOCKER_BUILDKIT=0 timeout 1200 "$DOCKER" build -t "$IMAGE" "$REPO" \
				>"$BATS_RUN_TMPDIR/docker-build.log" 2>&1; then
				fail "FATAL: docker build failed; last lines:" \
					"$(tail -n 15 "$BATS_RUN_TMPDIR/docker-build.log")"
				return 1
			fi
			# Earlier rescan:lab images this build replaced (untagged now).
			dk image prune -f --filter "label=org.opencontainers.image.title=rescan:lab" >/dev/null 2>&1
		fi
		touch "$stamp"
	fi
}

docker_teardown_file() {
	[ -n "${RUN_ID:-}" ] || return 0
	local ids
	ids=$(dk ps -aq --filter "label=$LABEL=$RUN_ID")
	# shellcheck disable=SC2086
	[ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1
	return 0
}

# lab_run NAME [DOCKER RUN OPTIONS...] -- [IMAGE ARGS...]: a detached
# appliance named $RUN_ID-NAME, labelled for cleanup.
lab_run() {
	local name=$RUN_ID-$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	dk run -d --name "$name" --label "$LABEL=$RUN_ID" "${opts[@]}" "$IMAGE" "$@" >/dev/null
	echo "$name"
}

# ready_lines CONTAINER: how many ready lines its log holds (one per start).
ready_lines() {
	dk logs "$1" 2>&1 | grep -c '^rescan-lab: ready in '
}

# wait_ready CONTAINER [SECONDS [N]]: until its log has N ready lines
# (default 1: a docker start after a stop or kill adds one); fails with
# the log when it exits or the time runs out.
wait_ready() {
	local c=$1 limit=${2:-90} n=${3:-1} i
	for ((i = 0; i < limit * 2; i++)); do
		[ "$(ready_lines "$c")" -ge "$n" ] && return 0
		if [ "$(dk inspect -f '{{.State.Running}}' "$c" 2>/dev/null)" != true ]; then
			fail "container $c exited before ready line $n:" "$(dk logs "$c" 2>&1 | tail -n 5)"
			return 1
		fi
		sleep 0.5
	done
	fail "container $c: no ready line $n after $limit s:" "$(dk logs "$c" 2>&1 | tail -n 5)"
}

# wait_healthy CONTAINER: until Docker's HEALTHCHECK says healthy (60 s at
# most); fails with the health log.
wait_healthy() {
	local c=$1 i s
	for ((i = 0; i < 60; i++)); do
		s=$(dk inspect -f '{{.State.Health.Status}}' "$c")
		[ "$s" = healthy ] && return 0
		sleep 1
	done
	fail "health: $s" "$(dk inspect -f '{{json .State.Health}}' "$c")"
}

# expect_exact EXPECTED GOT: the two address lists are the same set (and
# not empty). On a difference, prints the first lines of it, and the lab's
# counters when DIAG_CONTAINER names the appliance (where a reply was lost:
# not sent, not delivered to lab0, or not picked up by the scanner).
expect_exact() {
	local e=$BATS_TEST_TMPDIR/expected.sorted g=$BATS_TEST_TMPDIR/got.sorted
	sort -u "$1" >"$e"
	sort -u "$2" >"$g"
	[ -s "$e" ] || fail "the expected set is empty: pick a range the world has hosts in"
	if [ "$(sort "$2" | uniq -d | wc -l)" -ne 0 ]; then
		fail "duplicates in $2:" "$(sort "$2" | uniq -d | head -n 5)"
		return 1
	fi
	if ! cmp -s "$e" "$g"; then
		fail "result differs from the ground truth ($(wc -l <"$e") expected, $(wc -l <"$g") got);" \
			"< only expected, > only got:" "$(comm -3 "$e" "$g" | head -n 10 | sed 's/^\t/> /; /^[^>]/s/^/< /')" \
			"${DIAG_CONTAINER:+counters of $DIAG_CONTAINER (answered vs delivered): $(lab_counters "$DIAG_CONTAINER")}"
		return 1
	fi
}

# The hooks of scan_exact.bash for the appliance. A lab handle is the
# appliance's container, or "STUDENT APPLIANCE" for a class's student
# (compose): the scanner runs in the first container, the counters are the
# last one's (`rescan stats` there sums the lab's counters).
lab_exec() {
	local h=$1
	shift
	dk exec "${h%% *}" "$@"
}
lab_stats() { dk exec "${1##* }" rescan stats --json; }
lab_cat() { dk exec "${1%% *}" cat "$2"; }
lab_put() { dk exec -i "${1%% *}" sh -c 'cat >"$1"' sh "$2"; }
lab_diagnostics() { echo "counters of ${1##* } (answered vs delivered): $(lab_counters "${1##* }")"; }

load scan_exact

# The appliance's non-zero counters on one line.
lab_counters() {
	dk exec "$1" rescan stats --json 2>/dev/null | grep -oE '"[a-z_]+":[1-9][0-9]*' | tr -d '"' | tr '\n' ' '
}

# The lab's XDP program ids and the ids of the maps they use, as the
# kernel numbers them (global, so they can be checked from the host).
lab_bpf_ids() {
	local c=$1 progs p
	progs=$(dk exec "$c" sh -c 'ip -d link show; for ns in $(ip netns list | cut -d" " -f1); do ip -n "$ns" -d link show; done' |
		awk '/prog\/xdp id/ { for (i = 1; i <= NF; i++) if ($i == "id") print $(i + 1) }' | sort -u)
	for p in $progs; do
		echo "prog $p"
		bpftool prog show id "$p" 2>/dev/null | awk '/map_ids/ { n = split($NF, m, ","); for (i = 1; i <= n; i++) print "map " m[i] }'
	done
}

# bpf_ids_gone FILE [SECONDS]: every "prog N"/"map N" in FILE is freed.
bpf_ids_gone() {
	local f=$1 limit=${2:-10} i left kind id
	for ((i = 0; i < limit * 4; i++)); do
		left=""
		while read -r kind id; do
			bpftool "$kind" show id "$id" >/dev/null 2>&1 && left+=" $kind $id"
		done <"$f"
		[ -z "$left" ] && return 0
		sleep 0.25
	done
	fail "still in the kernel after $limit s:$left"
}

# host_state: what of a lab could show on the host: network namespaces,
# links and XDP attachments in the host's namespace, its routes and rules. A container
# lab must leave it as it found it (take the snapshot right before).
host_state() {
	echo "## netns"
	# Only those named after the appliance's lab: the other suites and the
	# bench, which may run meanwhile, make labs of their own names.
	ip netns list | awk '{ print $1 }' | grep "^$("$REPO/rescan" lab env name)-" | sort
	echo "## links"
	ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -v '^veth' | sort
	echo "## lab links"
	ip -o link show | grep -cE "$("$REPO/rescan" lab env scanner_mac gateway_mac | paste -sd'|')" || true
	echo "## xdp"
	ip -d -o link show | grep -c 'prog/xdp' || true
	echo "## routes"
	# "linkdown" on docker0 only says whether some container sits on the
	# default bridge at this instant: the engine's business, not the lab's.
	ip route show | sed 's/ linkdown//; s/ *$//' | sort
	echo "## rules"
	ip rule show
}

# host_unchanged BEFORE: host_state now equals the snapshot in file BEFORE.
host_unchanged() {
	local now=$BATS_TEST_TMPDIR/host.now
	host_state >"$now"
	if ! cmp -s "$1" "$now"; then
		fail "the host changed (- before, + now):" "$(diff -U0 "$1" "$now" | grep '^[-+][^-+]')"
		return 1
	fi
}
