# SPDX-License-Identifier: GPL-2.0-only
#
# appliance.sh - what the rescan:lab scripts share; sourced by
# rescan-entrypoint, rescan-student, rescan-health and the course VM's
# rescan-vm-lab and rescan-seat. Their state directory, how they speak,
# their settings, the motd. The lab's own facts (addresses,
# MACs, names) are not here: the scripts ask `rescan lab env`, and
# `rescan lab status` for a running lab. Students join the appliance
# through the class socket (rescan lab class-serve / rescan lab join).

PROG=rescan-lab
STATE=/run/rescan-lab	# these scripts' own state; the Dockerfile's bashrc reads its motd
CLASS_SOCKET=/run/rescan-class/join.sock	# rescan lab class-serve's, on a volume students mount

say() { printf '%s: %s\n' "$PROG" "$*"; }
err() { printf '%s: error: %s\n' "$PROG" "$*" >&2; }

# A failed rescan command's one line ("rescan: ...") as this script's error; exit 1.
die_rescan() {
	err "${1#rescan: }"
	exit 1
}

# setting KEY DEFAULT: the environment's RESCAN_<KEY>, else KEY=VALUE in
# $CONF (lab.conf: the last such line), else DEFAULT.
setting() {
	local env="RESCAN_${1^^}" v

	if [ -n "${!env:-}" ]; then
		printf '%s' "${!env}"
		return 0
	fi
	[ -r "$CONF" ] && v=$(awk -v k="$1" '
		/^[ \t]*#/ { next }
		{ i = index($0, "="); if (i && substr($0, 1, i - 1) == k) v = substr($0, i + 1) }
		END { sub(/[ \t]+$/, "", v); print v }' "$CONF")
	printf '%s' "${v:-$2}"
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# status_field KEY: KEY's value in $STATE/status (`rescan lab status` lines).
status_field() { awk -F= -v k="$1" '$1 == k { sub(/^[^=]*=/, ""); print; exit }' "$STATE/status"; }

# "icmp 221676938, tcp/80 51763803 hosts": the world's services with open hosts.
services_summary() {
	awk -F= '$1 == "service" { split($2, a, " "); s = s (s ? ", " : "") a[1] " " a[2] }
		END { print s " hosts" }' "$STATE/status"
}

# write_motd WORLD WHO ADDR IFACE GATEWAY: $STATE/motd, /etc/rescan/motd
# with this lab's facts filled in; bash shows it once per interactive shell
# (docker run -it, docker exec -it ... bash).
# The health probe's target in lab state lines on stdin ("service=SVC
# HOSTS FIRST-HOST", as rescan lab status prints them): the first host of a
# TCP service, else of ICMP, as "SVC HOST"; nothing if the world has none.
health_target() {
	local targets
	targets=$(awk -F= '$1 == "service" { split($2, a, " "); if (a[3] != "-") print a[1], a[3] }')
	grep -m1 '^tcp/' <<<"$targets" || grep -m1 '^icmp ' <<<"$targets"
}

write_motd() {
	sed -e "s|@WORLD@|$1|" -e "s|@WHO@|$2|" -e "s|@ADDR@|$3|" -e "s|@IFACE@|$4|" \
		-e "s|@GATEWAY@|$5|" /etc/rescan/motd >"$STATE/motd" 2>/dev/null
}

# run_child ON_EXIT COMMAND...: run COMMAND as this script's child, so
# signals reach the script at once while the child keeps the terminal,
# then call ON_EXIT with its status. A non-interactive shell starts
# background children with SIGINT and SIGQUIT ignored, which an
# interactive shell would pass on to every command it runs (Ctrl-C would
# not stop a scan): env restores the defaults. $child is the child's pid
# while it runs, for the signal handlers.
run_child() {
	local on_exit=$1 rc
	shift
	exec 3<&0
	env --default-signal=INT,QUIT "$@" <&3 &
	child=$!
	wait "$child" 2>/dev/null
	rc=$?
	child=""
	"$on_exit" "$rc"
}
