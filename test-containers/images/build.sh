#!/usr/bin/env bash
# Builds Ferry's VPS test images on the local Docker engine, without any registry:
#
#   ferry-test/sshd:1             Debian bookworm (debootstrap minbase) + openssh-server, busybox (a
#                                 small HTTP server for the VS Code test), and what the README's
#                                 quick start promises works: rsync, python3 (VS Code's server, the
#                                 port-forward examples), curl and xauth (ssh -X); no CMD, no
#                                 ENTRYPOINT (the runner keeps it alive) and no host keys (the runner's
#                                 start-up step makes them, so every VPS has its own).
#   ferry-test/entrypoint-only:1  the same with an ENTRYPOINT that never starts sshd (shared/seeds/000).
#   ferry-test/no-sshd:1          the same without /usr/sbin/sshd: the runner must fail it with a message.
#   ferry-test/exits-at-once:1    the same with a CMD that exits at once: Docker would restart it for ever,
#                                 the runner must fail it with a message.
#   ferry-test/own-sshd:1         the same whose CMD is its own sshd (pid 1), allowing passwords, root locked.
#   ferry-test/daemon-sshd:1      the same whose CMD starts its own sshd in the background, then sleeps.
#
# Idempotent and cached: the debootstrap root fs is kept as a tarball under
# ${XDG_CACHE_HOME:-$HOME/.cache}/ferry/rootfs/, keyed by a hash of what goes into it, and the images carry
# a label with the hash of all inputs, so a second run with nothing changed only inspects the images.
#
# Environment:
#   FERRY_DEBIAN_MIRROR     mirror for debootstrap (default: the Debian mirror this machine's apt sources name)
#   FERRY_DEBOOTSTRAP_ROOT  an existing root fs made with the same debootstrap command, used instead of
#                           running debootstrap when the cache is empty (e.g. /tmp/dbs/root)
#   FERRY_IMAGES_REBUILD=1  ignore the image labels and rebuild the images (the cache is kept)
#
# Needs: docker (a running engine), and debootstrap only when the root fs is not cached yet. Run as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
suite=bookworm
variant=minbase
include=openssh-server,busybox,rsync,python3,curl,xauth
# Bump when the way the root fs tarball is made changes (excludes, post-processing).
rootfs_recipe=1
# Bump when the way the images are made from the tarball changes (import changes, build steps).
image_recipe=1
label=dev.ferry.test-images.inputs
images=(ferry-test/sshd:1 ferry-test/entrypoint-only:1 ferry-test/no-sshd:1 ferry-test/exits-at-once:1
  ferry-test/own-sshd:1 ferry-test/daemon-sshd:1)

say() { printf 'build.sh: %s\n' "$*"; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 \
  || die "docker is not installed: install it (apt-get install -y docker.io) and start the engine (nohup dockerd > /tmp/dockerd.log 2>&1 &)"
docker info >/dev/null 2>&1 \
  || die "the Docker engine does not answer ($({ docker info 2>&1 || true; } | grep -m1 -i 'error\|cannot' || echo 'docker info failed')): start it, e.g. nohup dockerd > /tmp/dockerd.log 2>&1 &"

arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
# The mirror is left out on purpose: any mirror of the suite gives the same root fs.
rootfs_key=$(printf 'suite=%s variant=%s include=%s arch=%s recipe=%s' \
  "$suite" "$variant" "$include" "$arch" "$rootfs_recipe" | sha256sum | cut -c1-16)
inputs_key=$( {
  printf 'rootfs=%s image_recipe=%s\n' "$rootfs_key" "$image_recipe"
  cat "$here/entrypoint-only/Dockerfile" "$here/entrypoint-only/entrypoint.sh" "$here/no-sshd/Dockerfile" \
    "$here/exits-at-once/Dockerfile" "$here/own-sshd/setup.sh" "$here/own-sshd/Dockerfile" \
    "$here/own-sshd/Dockerfile.daemon"
} | sha256sum | cut -c1-16)

image_key() { docker image inspect -f "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null || true; }
up_to_date() { [[ "${FERRY_IMAGES_REBUILD:-0}" != 1 && "$(image_key "$1")" == "$inputs_key" ]]; }

all_current=1
for image in "${images[@]}"; do up_to_date "$image" || all_current=0; done
if [[ $all_current == 1 ]]; then
  say "all test images are up to date (inputs $inputs_key): ${images[*]}"
  exit 0
fi

cache_dir=${XDG_CACHE_HOME:-$HOME/.cache}/ferry/rootfs
tarball=$cache_dir/$suite-$variant-sshd-$rootfs_key.tar

make_tarball() {
  local root=$1 tmp=$tarball.partial.$$
  # No host keys: each VPS gets its own from the start-up step (ssh-keygen -A). No package cache,
  # no device nodes (Docker provides /dev), nothing under the pseudo file systems.
  tar -C "$root" --numeric-owner \
    --exclude='./etc/ssh/ssh_host_*' --exclude='./var/cache/apt/archives/*.deb' \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -cf "$tmp" .
  mv "$tmp" "$tarball"
}

if [[ -f $tarball ]]; then
  say "root fs: cached at $tarball"
else
  mkdir -p "$cache_dir"
  if [[ -n ${FERRY_DEBOOTSTRAP_ROOT:-} ]]; then
    [[ -x $FERRY_DEBOOTSTRAP_ROOT/usr/sbin/sshd ]] \
      || die "FERRY_DEBOOTSTRAP_ROOT=$FERRY_DEBOOTSTRAP_ROOT is not a root fs with openssh-server (no usr/sbin/sshd in it)"
    say "root fs: packing the existing root fs $FERRY_DEBOOTSTRAP_ROOT into $tarball"
    make_tarball "$FERRY_DEBOOTSTRAP_ROOT"
  else
    command -v debootstrap >/dev/null 2>&1 \
      || die "debootstrap is not installed and no root fs is cached at $tarball: install it (apt-get install -y debootstrap)"
    [[ $(id -u) == 0 ]] || die "debootstrap needs root: run this script as root"
    work=$(mktemp -d "$cache_dir/debootstrap.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    mirror=${FERRY_DEBIAN_MIRROR:-$("$here/../../src/scripts/debian-mirror.sh")} \
      || die "no Debian mirror to debootstrap from: set FERRY_DEBIAN_MIRROR"
    say "root fs: debootstrap --variant=$variant --include=$include $suite from $mirror (1-2 minutes; log $work.log)"
    debootstrap --variant="$variant" --include="$include" "$suite" "$work/root" "$mirror" >"$work.log" 2>&1 \
      || { tail -20 "$work.log" >&2; die "debootstrap failed (full log: $work.log)"; }
    make_tarball "$work/root"
    rm -rf "$work" "$work.log"
    trap - EXIT
    say "root fs: cached at $tarball"
  fi
fi

if up_to_date ferry-test/sshd:1; then
  say "ferry-test/sshd:1: up to date"
else
  say "ferry-test/sshd:1: importing $tarball"
  docker import \
    --change "LABEL $label=$inputs_key" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "Ferry test image: Debian $suite $variant + $include" \
    "$tarball" ferry-test/sshd:1 >/dev/null
fi

# Derived images: docker build with the legacy builder (no BuildKit, no buildx, never pulls: the base is
# local). Where docker build is unavailable, the same result through docker export | docker import --change
# (not docker commit: it would keep the helper container's command as the image's CMD).
derive() {
  local image=$1 dir=$2 fallback=$3 dockerfile=${4:-Dockerfile}
  if up_to_date "$image"; then
    say "$image: up to date"
    return
  fi
  say "$image: building from $dir/$dockerfile"
  if DOCKER_BUILDKIT=0 docker build --pull=false --label "$label=$inputs_key" -t "$image" -f "$dir/$dockerfile" "$dir" \
      >/tmp/ferry-build-$$.log 2>&1; then
    rm -f /tmp/ferry-build-$$.log
  else
    say "$image: docker build failed ($(tail -1 /tmp/ferry-build-$$.log)); falling back to docker export | docker import"
    rm -f /tmp/ferry-build-$$.log
    "$fallback" "$image" "$dir"
  fi
}

# Re-imports the file system of container $1 as image $2, with the base's settings and extra --change args.
reimport() {
  local c=$1 image=$2
  shift 2
  docker export "$c" | docker import \
    --change "LABEL $label=$inputs_key" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$@" - "$image" >/dev/null
  docker rm "$c" >/dev/null
}

import_entrypoint_only() {
  local image=$1 dir=$2 c
  c=$(docker create ferry-test/sshd:1 /bin/true)
  docker cp "$dir/entrypoint.sh" "$c:/usr/local/bin/app-entrypoint.sh"
  reimport "$c" "$image" --change 'ENTRYPOINT ["/usr/local/bin/app-entrypoint.sh"]'
}

import_no_sshd() {
  local image=$1 c
  c=$(docker create ferry-test/sshd:1 rm -f /usr/sbin/sshd)
  docker start -a "$c" >/dev/null
  reimport "$c" "$image"
}

import_exits_at_once() {
  local image=$1 c
  c=$(docker create ferry-test/sshd:1 /bin/true)
  reimport "$c" "$image" --change 'CMD ["/bin/sh", "-c", "echo '"'"'app: no configuration, exiting'"'"' >&2; exit 3"]'
}

# $3: the image's CMD as JSON
import_own_sshd() {
  local image=$1 dir=$2 cmd=$3 c
  c=$(docker create ferry-test/sshd:1 /usr/local/sbin/image-setup.sh)
  docker cp "$dir/setup.sh" "$c:/usr/local/sbin/image-setup.sh"
  docker start -a "$c" >/dev/null
  reimport "$c" "$image" --change "CMD $cmd"
}
import_own_sshd_pid1() { import_own_sshd "$1" "$2" '["/usr/sbin/sshd", "-D"]'; }
import_own_sshd_daemon() { import_own_sshd "$1" "$2" '["/bin/sh", "-c", "/usr/sbin/sshd && exec sleep infinity"]'; }

derive ferry-test/entrypoint-only:1 "$here/entrypoint-only" import_entrypoint_only
derive ferry-test/no-sshd:1 "$here/no-sshd" import_no_sshd
derive ferry-test/exits-at-once:1 "$here/exits-at-once" import_exits_at_once
derive ferry-test/own-sshd:1 "$here/own-sshd" import_own_sshd_pid1
derive ferry-test/daemon-sshd:1 "$here/own-sshd" import_own_sshd_daemon Dockerfile.daemon

for image in "${images[@]}"; do
  [[ "$(image_key "$image")" == "$inputs_key" ]] || die "$image does not carry $label=$inputs_key after the build"
done
say "done (inputs $inputs_key): ${images[*]}"
