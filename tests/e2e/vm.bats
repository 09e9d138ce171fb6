#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# The course VM (make vm, README "Course VM"): an image built here with a
# course world and two students boots under QEMU by its own bootloader,
# its lab says "ready" on the serial console, a ZMap scan inside finds
# exactly the hosts `rescan world export` lists on this machine, a student
# who logs in over ssh scans without sudo from a namespace of its own, the
# teacher collects the results, and it shuts down cleanly. The VM has no
# network but the ssh port QEMU forwards from 127.0.0.1 (restrict=on).
#
# The image is cached by the hash of its inputs (scripts/vm-image.sh): the
# first run builds it (a few minutes), later ones copy it.

bats_require_minimum_version 1.5.0

load lab_helper
load vm_helper

RANGE=198.18.0.0/20

setup_file() {
	require_root_and_tools qemu-system-x86_64 qemu-img ssh ssh-keygen mkfs.vfat mcopy syslinux \
		sfdisk debootstrap e2fsck ss
	export D="$BATS_FILE_TMPDIR"
	# 150 hosts with port 80 open, 40 answering echo, in the range scanned.
	awk 'BEGIN { x = 11; c = 0; while (c < 190) { x = (x * 1103515245 + 12345) % 2147483648
		h = int(x / 65536) % 4096; if (!(h in s)) { s[h] = 1; c++
		printf "198.18.%d.%d %d\n", int(h / 256), h % 256, c } } }' >"$D/hosts"
	awk '$2 <= 150 { print $1 }' "$D/hosts" | sort >"$D/http.hosts"
	awk '$2 > 150 { print $1 }' "$D/hosts" | sort >"$D/ping.hosts"
	# A fixed creation time: the same world file, so the cached image is reused.
	SOURCE_DATE_EPOCH=0 "$RESCAN" world compile --seed 7 -o "$D/course.world" \
		tcp/80="$D/http.hosts" icmp="$D/ping.hosts" >/dev/null 2>&1
	"$RESCAN" world export "$D/course.world" tcp/80 "$RANGE" | sort >"$D/expect.http"
	"$REPO/scripts/vm-image.sh" --world "$D/course.world" --students 2 --out "$D/img" >"$D/build.log" 2>&1 || {
		echo "# make vm failed:" >&3
		tail -n 15 "$D/build.log" | sed 's/^/# /' >&3
		return 1
	}
	mkdir -p "$D/vm"
	vm_start "$D/img/rescan.qcow2" "$D/vm"
	if ! vm_wait "$D/vm" 'rescan-lab: ready in' 1500; then
		vm_console_tail "$D/vm" | sed 's/^/# /' >&3
		return 1
	fi
	echo "# $(head -n 1 "$D/vm/qemu.out")" >&3
	grep -q '^accel: tcg' "$D/vm/qemu.out" &&
		echo "# WARNING: KVM cannot run a guest here; the VM runs emulated (TCG), slowly" >&3
	echo "# image $(du -m --apparent-size "$D/img/rescan.qcow2" | cut -f1) MiB;" \
		"QEMU start to ready: $VM_WAITED s" >&3
	vm_wait_ssh "$D/vm" 600 || { vm_console_tail "$D/vm" | sed 's/^/# /' >&3; return 1; }
	# The teacher's key for student1 too, so that a test logs in as student1.
	vm_ssh "$D/vm" root 'h=$(getent passwd student1 | cut -d: -f6) &&
		install -d -m 0700 -o student1 -g student1 "$h/.ssh" &&
		install -m 0600 -o student1 -g student1 /root/.ssh/authorized_keys "$h/.ssh/authorized_keys"'
}

teardown_file() {
	vm_stop "$D/vm"
}

teardown() {
	[ -n "${BATS_TEST_COMPLETED:-}" ] || vm_console_tail "$D/vm"
}

@test "the world's ground truth is the hosts the course world was compiled from" {
	[ -s "$D/expect.http" ]
	awk -F. '$3 < 16' "$D/http.hosts" | diff - "$D/expect.http"
}

@test "vm: booted by its own bootloader, the lab says ready on the serial console with the course's world" {
	grep -aq 'SYSLINUX' "$D/vm/serial.log"
	run grep -a 'rescan-lab: ready in' "$D/vm/serial.log"
	echo "$output"
	[[ $output == *"world /etc/rescan/course.world ("* ]]
	[[ $output == *"tcp/80 150"* ]]
	[[ $output == *"icmp 40"* ]]
	[[ $output == *"class of 2 students: log in as student1 to student2"* ]]
}

@test "vm: the login banner on the console tells a student what to type" {
	tr -d '\r' <"$D/vm/serial.log" >"$D/console"
	grep -q '^Students: log in as studentK (K = 1 to 2) with the password your teacher gave you.$' \
		"$D/console"
	grep -q '^Every login lands in the lab: zmap, masscan and nmap work as they are, no$' "$D/console"
}

@test "vm: a ZMap scan inside the VM finds exactly the hosts rescan world export lists" {
	run -0 --separate-stderr vm_ssh "$D/vm" root "rescan lab env lab_net >/tmp/blocklist &&
		rescan lab exec -- zmap -q -p 80 -b /tmp/blocklist -o - $RANGE"
	sort <<<"$output" | grep -v '^$' >"$D/got.root"
	diff "$D/expect.http" "$D/got.root"
}

@test "vm: a student logs in over ssh and scans without sudo, as its own user, from a namespace of its own" {
	run -0 vm_ssh "$D/vm" student1 'id -un; id -u; pwd; ip -o link | cut -d: -f2 | tr -d " " | cut -d@ -f1 | paste -sd " "
		grep ^CapEff /proc/self/status; sudo -n true 2>/dev/null; echo "sudo=$?"'
	echo "$output"
	[ "${lines[0]}" = student1 ]
	[ "${lines[1]}" = "$("$RESCAN" lab env --student 1 student_uid)" ]
	# The VM's lab keeps results where rescan does, not in this suite's directory.
	[ "${lines[2]}" = "$(env -u RESCAN_RESULTS_DIR "$RESCAN" lab env --student 1 student_results)" ]
	[ "${lines[3]}" = "lo lab0" ]
	[ "${lines[4]}" = "CapEff:	0000000000002000" ]
	[ "${lines[5]}" = "sudo=1" ]
	run -0 --separate-stderr vm_ssh "$D/vm" student1 "rescan lab env lab_net >blocklist &&
		zmap -q -p 80 -b blocklist -o http.csv $RANGE && sort http.csv"
	grep -v '^$' <<<"$output" | diff "$D/expect.http" -
}

@test "vm: a student's login shows its own seat in the motd" {
	run vm_ssh_tty "$D/vm" student1 < <(printf 'exit\n')
	echo "$output"
	grep -q "you:    student1, source $("$RESCAN" lab env --student 1 student_addr) on lab0" <<<"$output"
	grep -q "zmap -p 80" <<<"$output"
}

@test "vm: the teacher collects every student's results (rescan-course collect)" {
	vm_ssh "$D/vm" root 'rescan-course collect' >"$D/results.tar"
	mkdir -p "$D/results"
	tar -C "$D/results" -xf "$D/results.tar"
	[ -d "$D/results/student-2" ]
	[ ! -e "$D/results/student-1/.ssh" ]
	sort "$D/results/student-1/http.csv" | diff "$D/expect.http" -
}

@test "vm: shutdown is clean: the lab goes down, the VM powers off, its root file system is clean" {
	vm_ssh "$D/vm" root 'systemctl poweroff' || true
	for ((i = 0; i < 300; i++)); do
		vm_running "$D/vm" || break
		sleep 1
	done
	! vm_running "$D/vm" || fail "the VM still runs 300 s after poweroff"
	grep -aq "rescan-lab: stopped: lab 'rescan' down in" "$D/vm/serial.log"
	grep -aq 'reboot: Power down' "$D/vm/serial.log"
	qemu-img convert -O raw "$D/vm/overlay.qcow2" "$D/vm/disk.raw"
	run -0 sfdisk --json "$D/vm/disk.raw"
	start=$(jq '.partitiontable.partitions[1].start' <<<"$output")
	[ "$start" -gt 0 ]
	run -0 e2fsck -fn "$D/vm/disk.raw?offset=$((start * 512))"
	run -0 dumpe2fs -h "$D/vm/disk.raw?offset=$((start * 512))"
	grep -q '^Filesystem state: *clean$' <<<"$output"
	rm -f "$D/vm/disk.raw"
}
