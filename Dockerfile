# SPDX-License-Identifier: GPL-2.0-only
#
# rescan:lab - a sealed virtual internet for ZMap, masscan and nmap.
#
#   make image                      (scripts/docker-base.sh, then docker build -t rescan:lab .)
#   docker run -it --rm --cap-add NET_ADMIN --cap-add SYS_ADMIN rescan:lab
#
# No registry reachable? scripts/docker-base.sh makes the debian:bookworm-slim
# base image locally with debootstrap; this file stays the same.
ARG BASE=debian:bookworm-slim

# ---- build: the project's own `make` -------------------------------------
FROM ${BASE} AS build
LABEL org.rescan.stage=build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      make gcc libc6-dev clang libbpf-dev bpftool \
      libelf-dev zlib1g-dev libzstd-dev libjson-c-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The packages of the libraries the binary links (libbpf, libelf, zlib, ...),
# so the runtime stage follows the Makefile's LDLIBS without a second list.
RUN make -j"$(nproc)" rescan && ./rescan --version \
 && ldd rescan | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' \
  | while read -r lib; do \
      p=$(readlink -f "$lib"); \
      dpkg -S "$p" 2>/dev/null || dpkg -S "${p#/usr}" 2>/dev/null || dpkg -S "/usr$p"; \
    done | cut -d: -f1 | sort -u >runtime-packages \
 && test -s runtime-packages && cat runtime-packages

# ---- runtime: rescan, the scanners, and inspection tools only -------------
FROM ${BASE}
LABEL org.opencontainers.image.title="rescan:lab" \
      org.opencontainers.image.description="A sealed virtual internet for mass-scan tools (XDP responder + ZMap, masscan, nmap)" \
      org.opencontainers.image.licenses="GPL-2.0-only"
# The rescan binary's libraries, the scanners, iproute2 for the lab's links,
# bpftool to inspect it, tcpdump to watch one's own packets, busybox for small tools the base lacks (ping, nc,
# arping, vi, ...), libcap2-bin for setcap below.
COPY --from=build /src/runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      $(cat /tmp/runtime-packages) \
      zmap masscan nmap tcpdump iproute2 bpftool busybox libcap2-bin \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log \
 && cd /usr/local/bin \
 && for a in $(busybox --list); do \
      command -v "$a" >/dev/null 2>&1 || ln -s /bin/busybox "$a"; \
    done \
 && mkdir -p /data
COPY --from=build /src/rescan /usr/local/bin/rescan
COPY rootfs/ /
# A student container runs as the user student with CAP_NET_RAW alone in
# its bounding set: the scanners carry that capability as a file
# capability, so they can open raw sockets and nothing else can; the
# student's join writes their configuration (rescan lab join --etc /etc).
RUN useradd --uid 47000 --user-group --create-home --shell /bin/bash student \
 && setcap cap_net_raw+ep /usr/sbin/zmap \
 && setcap cap_net_raw+ep "$(readlink -f /usr/bin/masscan)" \
 && setcap cap_net_raw+ep "$(readlink -f /usr/bin/nmap)" \
 && setcap cap_net_raw+ep "$(readlink -f /usr/bin/tcpdump)" \
 && mkdir -p /etc/masscan /run/rescan-class /run/rescan-lab \
 && chown student:student /etc/zmap /etc/zmap/zmap.conf /etc/masscan /run/rescan-lab \
 && rescan --version \
 && chmod 0755 /usr/local/sbin/rescan-entrypoint /usr/local/sbin/rescan-student /usr/local/sbin/rescan-health \
 && echo '[ -r /run/rescan-lab/motd ] && [ -z "${RESCAN_MOTD_SHOWN:-}" ] && cat /run/rescan-lab/motd && export RESCAN_MOTD_SHOWN=1' >>/etc/bash.bashrc
# nmap uses raw sockets for a user other than root only when told it may.
ENV NMAP_PRIVILEGED=1
WORKDIR /data
# Interval 30 s: each check sends one probe, answered in the counters (see rescan-health).
HEALTHCHECK --interval=30s --timeout=15s --start-period=120s --retries=3 \
    CMD ["/usr/local/sbin/rescan-health"]
ENTRYPOINT ["/usr/local/sbin/rescan-entrypoint"]
