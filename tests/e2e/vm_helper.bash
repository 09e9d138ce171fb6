# SPDX-License-Identifier: GPL-2.0-only
# The course VM under QEMU for vm.bats: boot an image (scripts/vm-qemu.sh:
# KVM where a guest runs, else emulation; no network but an ssh port on
# 127.0.0.1 that QEMU's restricted user network forwards), read its serial
# console, log in over ssh. Every VM is this suite's own: its QEMU's pid is
# kept and the VM is killed in teardown.

# A free TCP port on 127.0.0.1, from a range that depends on this shell's pid.
vm_free_port() {
	local p=$((20000 + $$ % 20000)) i
	for ((i = 0; i < 200; i++, p++)); do
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

# vm_start IMAGE DIR: boot IMAGE with its overlay, serial log and key in DIR.
vm_start() {
	local image=$1 dir=$2
	[ -e "$dir/key" ] || ssh-keygen -q -t ed25519 -N '' -C rescan-vm-test -f "$dir/key"
	VM_PORT=$(vm_free_port)
	rm -f "$dir/overlay.qcow2" "$dir/serial.log"
	date +%s.%N >"$dir/started"
	"$REPO/scripts/vm-qemu.sh" --overlay "$dir/overlay.qcow2" --ssh-port "$VM_PORT" \
		--ssh-key "$dir/key.pub" --serial "$dir/serial.log" "$image" \
		>"$dir/qemu.out" 2>&1 3>&- &
	echo $! >"$dir/qemu.pid"
	echo "$VM_PORT" >"$dir/port"
}

vm_running() { kill -0 "$(cat "$1/qemu.pid")" 2>/dev/null; }

# vm_wait DIR PATTERN SECONDS: until the serial console shows PATTERN (0;
# VM_WAITED: the seconds since vm_start), QEMU ends (1) or the time is up (1).
vm_wait() {
	local dir=$1 pattern=$2 t=$3 i
	for ((i = 0; i < t; i++)); do
		if grep -aq -e "$pattern" "$dir/serial.log" 2>/dev/null; then
			VM_WAITED=$(awk -v a="$(cat "$dir/started")" -v b="$(date +%s.%N)" \
				'BEGIN { printf "%.0f", b - a }')
			return 0
		fi
		vm_running "$dir" || { echo "# QEMU ended: $(cat "$dir/qemu.out")"; return 1; }
		sleep 1
	done
	echo "# no '$pattern' on the serial console in $t s"
	return 1
}

# vm_ssh DIR USER COMMAND: COMMAND in the VM as USER (key DIR/key).
vm_ssh() {
	local dir=$1 user=$2
	shift 2
	ssh -q -i "$dir/key" -p "$(cat "$dir/port")" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o ConnectTimeout=20 -o ServerAliveInterval=15 \
		"$user@127.0.0.1" "$@"
}

# vm_wait_ssh DIR SECONDS: until root can log in over ssh (sshd starts
# after the VM made its host keys, which may be after the lab is ready).
vm_wait_ssh() {
	local dir=$1 t=$2 i
	for ((i = 0; i < t; i += 5)); do
		vm_ssh "$dir" root true 2>/dev/null && return 0
		vm_running "$dir" || return 1
		sleep 5
	done
	echo "# no ssh login in $t s"
	return 1
}

# vm_ssh_tty DIR USER: an interactive login on a terminal, as a person's.
vm_ssh_tty() {
	local dir=$1 user=$2
	timeout 300 ssh -tt -q -i "$dir/key" -p "$(cat "$dir/port")" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o ConnectTimeout=20 "$user@127.0.0.1"
}

# vm_stop DIR: the VM gone, whatever state it is in.
vm_stop() {
	local dir=$1 pid i
	[ -e "$dir/qemu.pid" ] || return 0
	pid=$(cat "$dir/qemu.pid")
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.5
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# On a failure: the end of the serial console.
vm_console_tail() {
	echo "--- serial console, last lines"
	tail -n 25 "$1/serial.log" 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
}
