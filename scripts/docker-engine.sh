#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# docker-engine.sh - make sure a Docker engine answers; start Debian's dockerd
# (package docker.io) in the background when none runs.
#
#   scripts/docker-engine.sh            start one if needed, wait until it answers
#   scripts/docker-engine.sh --check    exit 0 if an engine answers, 1 if not
#
# Prints one line saying what it found or did. Exit codes: 0 an engine
# answers, 1 none could be started (the reason is printed), 2 usage.
# Environment: DOCKER (client, default docker), DOCKERD_LOG (default
# /var/log/rescan-dockerd.log), DOCKERD_WAIT (seconds, default 60).
set -u

DOCKER=${DOCKER:-docker}
LOG=${DOCKERD_LOG:-/var/log/rescan-dockerd.log}
WAIT=${DOCKERD_WAIT:-60}

answers() {
	timeout 10 "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

case "${1:-}" in
--check)
	answers
	exit $?
	;;
"") ;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

if answers; then
	echo "docker engine: running ($("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null))"
	exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
	echo "docker engine: none answers and dockerd is not installed (apt-get install docker.io)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "docker engine: none answers and starting dockerd needs root" >&2
	exit 1
fi

# A dockerd that is starting (or a stale pid file) would make a second one fail.
pidfile=/var/run/docker.pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
	echo "docker engine: dockerd (pid $(cat "$pidfile")) is starting, waiting for it"
else
	rm -f "$pidfile"
	mkdir -p "$(dirname "$LOG")"
	# The engine outlives whatever started it (setsid) and must not hold on
	# to its pipes: a bats run waits for every holder of its fds 3 and up.
	(
		for fd in /proc/self/fd/*; do
			n=${fd##*/}
			[ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null
		done
		exec setsid dockerd >>"$LOG" 2>&1 </dev/null
	) &
	echo "docker engine: started dockerd (pid $!, log $LOG)"
fi

i=0
while [ "$i" -lt "$WAIT" ]; do
	if answers; then
		echo "docker engine: ready ($("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null))"
		exit 0
	fi
	sleep 1
	i=$((i + 1))
done
echo "docker engine: dockerd did not answer within ${WAIT} s; last lines of $LOG:" >&2
tail -n 5 "$LOG" >&2
exit 1
