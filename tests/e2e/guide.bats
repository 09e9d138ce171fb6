#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# The teacher's guide (docs/TEACHING.md) as a test: every ```sh block of it
# runs, in order, as written, but for the lab's name and results directory
# (unique to this run); then what the guide says of the outcome is checked
# against the scanners' own output and `rescan world export`, which the
# grader does not use.

load lab_helper

setup_file() {
	require_root_and_tools zmap masscan jq perl
	export LAB=$(lab_name t)
	export W=$(mktemp -d /tmp/rescan-guide.XXXXXX)
	chmod 755 "$W"
	export RESCAN_RESULTS_DIR="$W/results"
	export PATH="$REPO:$PATH"
	# The blocks, one script, with this run's names.
	perl -ne 'if (/^```sh$/) { $in = 1; next } if (/^```$/) { $in = 0; next } print if $in' \
		"$REPO/docs/TEACHING.md" |
		sed -e "s/--name week3/--name $LAB/g" -e "s/--lab week3/--lab $LAB/g" -e "s|/var/lib/rescan/week3|$RESCAN_RESULTS_DIR/$LAB|g" \
		>"$W/guide.sh"
}

teardown_file() {
	"$RESCAN" lab down --name "$LAB" >/dev/null 2>&1 || true
	rm -rf "$W"
}

@test "the guide's blocks run as written, and say what the class did" {
	grep -q "lab up --name $LAB --students 3 --assignment http.assignment" "$W/guide.sh"
	[ "$(grep -c "lab down --name $LAB" "$W/guide.sh")" -eq 1 ]
	# Everything but the last block (lab down): the outcome is read first.
	sed '$d' "$W/guide.sh" >"$W/run.sh"
	run bash -e -c "cd '$W' && . ./run.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	local c=$W/week3
	grep -q "exit 4: someone is below the threshold" <<<"$output"
	[ -s "$c/grades.csv" ] && [ -s "$c/grades.html" ]
	# The truth, by rescan world export, outside the opt-out /24.
	"$RESCAN" world export synth:1 tcp/80 41.1.0.0/16 | grep -v '^41\.1\.129\.' | sort >"$W/truth"
	[ -s "$W/truth" ]
	# Students 1 and 2 pass, 3 is below.
	awk -F, 'NR > 1 { print $1, $21 }' "$c/grades.csv" >"$W/pass"
	cat "$W/pass"
	[ "$(cat "$W/pass")" = "$(printf 'student-1 yes\nstudent-2 yes\nstudent-3 no')" ]
	# Student 1's true positives are the hosts masscan wrote that are true.
	awk '$1 == "open" { print $4 }' "$c/submissions/student-1/http.txt" | sort -u >"$W/got1"
	[ "$(awk -F, '$1 == "student-1" { print $6 }' "$c/grades.csv")" -eq \
		"$(comm -12 "$W/truth" "$W/got1" | wc -l)" ]
	# Student 2: 256 probes into the opt-out range, under its label.
	[ "$(awk -F, '$1 == "student-2" { print $19 }' "$c/grades.csv")" -eq 256 ]
	[ "$(awk -F, '$1 == "student-1" { print $19 }' "$c/grades.csv")" -eq 0 ]
	# Student 3: coverage, the /24s with a true host where it found one, over all of them.
	sort -u "$c/submissions/student-3/http.csv" >"$W/got3"
	[ "$(awk -F, '$1 == "student-3" { print $13 }' "$c/grades.csv")" = "$(awk -v f="$(comm -12 "$W/truth" "$W/got3" |
		cut -d. -f1-3 | sort -u | wc -l)" -v a="$(cut -d. -f1-3 "$W/truth" | sort -u | wc -l)" 'BEGIN { printf "%.6f", f / a }')" ]
	[ "$(awk -F, '$1 == "student-3" { print $21 }' "$c/grades.csv")" = no ]
	# The last block takes the lab down.
	run bash -e -c "cd '$W' && $(tail -1 "$W/guide.sh")"
	[ "$status" -eq 0 ]
	! "$RESCAN" lab status --name "$LAB" >/dev/null 2>&1 || fail "the guide's last block left lab $LAB up"
}
