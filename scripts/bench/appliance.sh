# SPDX-License-Identifier: GPL-2.0-only
# scripts/bench/appliance.sh - the appliance's data path in `make bench`
# (sourced by bench.sh): a rescan:lab container started as the README says
# (`docker run --cap-add NET_ADMIN --cap-add SYS_ADMIN`, no more), ZMap run
# in it as a student runs it (docker exec), the responder swapped for the
# bench's XDP_DROP on the container's own veth, as thr_point does in a lab
# on the host. With --network none: the container has no way out but the lab.

APPLIANCE_IMAGE=${BENCH_IMAGE:-rescan:lab}

# appliance_ready: whether this run can measure the appliance; says why not.
appliance_ready() {
	if ! command -v docker >/dev/null || ! timeout 10 docker version >/dev/null 2>&1; then
		log "appliance: SKIPPED, no Docker engine answers (scripts/docker-engine.sh starts one)"
		return 1
	fi
	if ! docker image inspect "$APPLIANCE_IMAGE" >/dev/null 2>&1; then
		log "appliance: SKIPPED, no $APPLIANCE_IMAGE image (docker build -t $APPLIANCE_IMAGE .)"
		return 1
	fi
}

# appliance_create NAME WORLD PPM: the container, on WORLD (a file under
# $WORK, mounted read-only), with $SCRATCH shared for ZMap's output; then
# the responder pinned and the baselines loaded, as lab_create does.
appliance_create() {
	local name=$1 world=$2 ppm=$3 c="rescan-bench-$RUN-$1" i
	# (--no-healthcheck: its probes would add replies the scan did not ask for)
	docker run -d --name "$c" --network none --no-healthcheck --cap-add NET_ADMIN --cap-add SYS_ADMIN \
		-v "$WORK:$WORK:ro" -v "$SCRATCH:$SCRATCH" "$APPLIANCE_IMAGE" --world "$world" >/dev/null ||
		die "docker run $APPLIANCE_IMAGE failed"
	LABS+=("$name")
	CONTAINER[$name]=$c
	for ((i = 0; i < 240; i++)); do
		docker logs "$c" 2>&1 | grep -q '^rescan-lab: ready in ' && break
		[ "$(docker inspect -f '{{.State.Running}}' "$c")" = true ] ||
			die "appliance exited: $(docker logs "$c" 2>&1 | tail -n 3)"
		sleep 0.5
	done
	((i < 240)) || die "appliance not ready in 120 s"
	CPID[$name]=$(docker inspect -f '{{.State.Pid}}' "$c")
	INET_NS[$name]=$(docker exec "$c" rescan lab env internet_netns)
	log "  appliance $c: $(docker logs "$c" 2>&1 | grep -o '^rescan-lab: ready in [0-9.]* s'), data path $(docker exec "$c" rescan lab status | sed -n 's/^data_path=//p')"
	lab_baselines "$name" "$ppm"
}
