# SPDX-License-Identifier: GPL-2.0-only
#
# appliance.sh - what the rescan:lab scripts share; sourced by
# rescan-entrypoint, rescan-student and rescan-health. Their state
# directory, how they speak, the motd, and the student protocol. The lab's
# own facts (addresses, MACs, names) are not here: the scripts ask
# `rescan lab env`, and `rescan lab status` for a running lab.
#
# The student protocol, in the appliance's network namespace that students
# share: the abstract socket @$LAB_SOCKET serves the appliance's info (the
# lines of `rescan lab status` and students=N), and student k holds
# @$STUDENT_SOCKET<k> for as long as it runs: that socket is its claim on
# slot k. Abstract sockets vanish with their holder, so a stopped student
# frees its slot without any cleanup.

PROG=rescan-lab
STATE=/run/rescan-lab	# these scripts' own state; the Dockerfile's bashrc reads its motd
LAB_SOCKET=rescan-lab
STUDENT_SOCKET=rescan-student-

say() { printf '%s: %s\n' "$PROG" "$*"; }
err() { printf '%s: error: %s\n' "$PROG" "$*" >&2; }

# A failed rescan command's one line ("rescan: ...") as this script's error; exit 1.
die_rescan() {
	err "${1#rescan: }"
	exit 1
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# status_field KEY: KEY's value in $STATE/status (`rescan lab status` lines).
status_field() { awk -F= -v k="$1" '$1 == k { sub(/^[^=]*=/, ""); print; exit }' "$STATE/status"; }

# "icmp 221676938, tcp/80 51763803 hosts": the world's services with open hosts.
services_summary() {
	awk -F= '$1 == "service" { split($2, a, " "); s = s (s ? ", " : "") a[1] " " a[2] }
		END { print s " hosts" }' "$STATE/status"
}

# The appliance's info, from any container in its network namespace.
lab_info() { socat -u "ABSTRACT-CONNECT:$LAB_SOCKET" - 2>/dev/null; }

# The student slots held now, ascending, each followed by a space.
students_present() {
	ss -xlH 2>/dev/null | grep -o "@$STUDENT_SOCKET[0-9]*" | sed "s/@$STUDENT_SOCKET//" |
		sort -n | tr '\n' ' '
}

# slot_held K [PID]: someone (process PID) holds student slot K.
slot_held() {
	ss -xlpH 2>/dev/null | grep "@$STUDENT_SOCKET$1 " | grep -q "${2:+pid=$2,}"
}

# write_motd WHO ADDR IFACE: $STATE/motd, /etc/rescan/motd with this lab's
# facts filled in; bash shows it once per interactive shell (docker run
# -it, docker exec -it ... bash). nmap, which reads no configuration file, is given the
# source address where it is not the lab's scanner address.
write_motd() {
	local who=$1 addr=$2 iface=$3 nmap_flags=""
	[ "$addr" != "$(status_field scanner_addr)" ] && nmap_flags=" -S $addr -e $iface"
	sed -e "s|@WORLD@|$(status_field world) ($(services_summary))|" \
		-e "s|@WHO@|$who|" -e "s|@ADDR@|$addr|" -e "s|@IFACE@|$iface|" \
		-e "s|@GATEWAY@|$(status_field gateway_addr)|" -e "s|@NMAP_FLAGS@|$nmap_flags|" \
		/etc/rescan/motd >"$STATE/motd" 2>/dev/null
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
