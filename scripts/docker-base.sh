#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# docker-base.sh - make sure the base image the Dockerfile starts from
# (ARG BASE, default debian:bookworm-slim) exists in the local engine.
#
#   scripts/docker-base.sh [--local] [--force] [IMAGE]
#
# 1. IMAGE is already there: nothing to do.
# 2. A registry answers: docker pull IMAGE (skipped with --local).
# 3. Otherwise (no registry reachable, as on our CI machines): build it from
#    Debian's packages with `debootstrap --variant=minbase` and `docker
#    import`, slimmed the way the official -slim images are (no manuals, docs
#    or locales from later installs). The Debian mirror is the one this
#    machine's apt uses (or debootstrap's default); none is written here.
#
# --force rebuilds even if IMAGE exists. Exit codes: 0 ok, 1 failure, 2 usage.
# Only bookworm images can be made locally (IMAGE debian:bookworm*).
set -eu

DOCKER=${DOCKER:-docker}
IMAGE=debian:bookworm-slim
LOCAL=0
FORCE=0
for a in "$@"; do
	case "$a" in
	--local) LOCAL=1 ;;
	--force) FORCE=1 ;;
	-h | --help)
		sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "docker-base.sh: unknown option '$a'" >&2
		exit 2
		;;
	*) IMAGE=$a ;;
	esac
done

if [ "$FORCE" = 0 ] && "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
	echo "base image $IMAGE: present"
	exit 0
fi
if [ "$LOCAL" = 0 ] && [ "$FORCE" = 0 ] && timeout 120 "$DOCKER" pull -q "$IMAGE" >/dev/null 2>&1; then
	echo "base image $IMAGE: pulled"
	exit 0
fi
case "$IMAGE" in
debian:bookworm*) ;;
*)
	echo "docker-base.sh: cannot pull $IMAGE and can only build debian:bookworm* locally" >&2
	exit 1
	;;
esac
if ! command -v debootstrap >/dev/null 2>&1; then
	echo "docker-base.sh: no registry answers and debootstrap is missing (apt-get install debootstrap)" >&2
	exit 1
fi

# The mirror this machine's apt already uses, if it names one for Debian.
mirror=$("$(dirname "$0")/debian-mirror.sh")

dir=$(mktemp -d /tmp/rescan-base.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
echo "base image $IMAGE: building with debootstrap (minbase, bookworm${mirror:+, $mirror})"
if ! debootstrap --variant=minbase bookworm "$dir" $mirror >"$dir.log" 2>&1; then
	echo "docker-base.sh: debootstrap failed; last lines of $dir.log:" >&2
	tail -n 5 "$dir.log" >&2
	exit 1
fi
rm -f "$dir.log"

# Slim it like the official images: later installs skip docs, manuals, locales.
mkdir -p "$dir/etc/dpkg/dpkg.cfg.d" "$dir/etc/apt/apt.conf.d"
cat >"$dir/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# as in Debian's official -slim images
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
# Same package sources as this machine (Debian's entries only), else debootstrap's.
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
	cp /etc/apt/sources.list.d/debian.sources "$dir/etc/apt/sources.list.d/debian.sources"
	rm -f "$dir/etc/apt/sources.list"
fi
find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
rm -rf "$dir/usr/share/man/"* "$dir/usr/share/info/"* "$dir/usr/share/lintian/"* "$dir/var/lib/apt/lists/"* \
	"$dir/var/cache/apt/"*.bin "$dir/var/cache/apt/archives/"*.deb "$dir/var/log/"*.log

tar -C "$dir" --numeric-owner -c . |
	"$DOCKER" import -c 'CMD ["bash"]' -m "debootstrap --variant=minbase bookworm (rescan scripts/docker-base.sh)" - "$IMAGE" >/dev/null
echo "base image $IMAGE: built ($("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
