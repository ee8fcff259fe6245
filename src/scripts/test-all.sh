#!/usr/bin/env bash
# Runs every Ferry test. Installs the system packages the tests use when they are missing and this
# runs as root on Debian; otherwise says what is missing and fails.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ferry"

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v ssh >/dev/null || missing+=(openssh-client)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v rsync >/dev/null || missing+=(rsync)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
# plain mode's X11 forwarding test: a virtual display, an X client, and xauth for sshd
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xdpyinfo >/dev/null || missing+=(x11-utils)
command -v xauth >/dev/null || missing+=(xauth)
# the registry's contract and the several-Hosts tests run against a real PostgreSQL server
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# several Hosts behind a load balancer
[[ -x /usr/sbin/haproxy ]] || command -v haproxy >/dev/null || missing+=(haproxy)

if (( ${#missing[@]} )); then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "ferry test: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >&2
        apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
    else
        echo "ferry test: missing packages: ${missing[*]}; install them (as root: apt-get install ${missing[*]})" >&2
        exit 1
    fi
fi

# ssh-audit: bookworm's 2.5.0 predates strict KEX and ML-KEM and flags them as unknown, so the tests use
# Debian's current package (pure Python), unpacked into a cache directory rather than installed.
ssh_audit_major() { "$@" -h 2>&1 | sed -n 's/.*ssh-audit v\([0-9]*\)\..*/\1/p' | head -1; }
if [[ -z "${FERRY_SSH_AUDIT:-}" ]]; then
    if command -v ssh-audit >/dev/null && (( $(ssh_audit_major ssh-audit || echo 0) >= 3 )); then
        FERRY_SSH_AUDIT=ssh-audit
    else
        AUDIT_DIR="$CACHE/ssh-audit"
        if [[ ! -x "$AUDIT_DIR/run" ]]; then
            echo "ferry test: fetching Debian's current ssh-audit package" >&2
            mkdir -p "$AUDIT_DIR"
            index="$(curl -fsSL http://deb.debian.org/debian/dists/trixie/main/binary-all/Packages.gz | gunzip)"
            deb="$(awk '/^Package: ssh-audit$/{p=1} p&&/^Filename:/{print $2; exit}' <<<"$index")"
            [[ -n "$deb" ]] || { echo "ferry test: ssh-audit is not in Debian's package index" >&2; exit 1; }
            curl -fsSL -o "$AUDIT_DIR/ssh-audit.deb" "http://deb.debian.org/debian/$deb"
            dpkg-deb -x "$AUDIT_DIR/ssh-audit.deb" "$AUDIT_DIR/root"
            cat > "$AUDIT_DIR/run" <<RUN
#!/bin/sh
PYTHONPATH="$AUDIT_DIR/root/usr/lib/python3/dist-packages" exec python3 "$AUDIT_DIR/root/usr/bin/ssh-audit" "\$@"
RUN
            chmod +x "$AUDIT_DIR/run"
        fi
        FERRY_SSH_AUDIT="$AUDIT_DIR/run"
    fi
fi
export FERRY_SSH_AUDIT

# The end-to-end tests need a Docker engine: start one when none answers.
if ! docker info >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "ferry test: no Docker engine answers and this is not root: start dockerd (or join the docker group)" >&2
        exit 1
    fi
    echo "ferry test: starting dockerd (log: $CACHE/dockerd.log)" >&2
    mkdir -p "$CACHE"
    # Detached (setsid, in a subshell that exits at once) so init adopts and reaps it: this script ends in
    # `exec mvn`, and a JVM never reaps a child it did not start, which would leave a stopped dockerd a zombie.
    ( setsid nohup dockerd >"$CACHE/dockerd.log" 2>&1 </dev/null & )
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { echo "ferry test: dockerd did not start; see $CACHE/dockerd.log" >&2; tail -20 "$CACHE/dockerd.log" >&2; exit 1; }
fi

# VPS test images, built locally (no registry): cached, so the second run is instant.
"$ROOT/test-containers/images/build.sh" >&2

cd "$ROOT"
mvn -B verify "$@"
# Once more with every test Host's registry on PostgreSQL instead of the embedded H2 file: the bastion's and the
# CLI's suites and the runner end to end, one contract for both stores (tests of the H2 file itself skip).
exec mvn -B verify -Dferry.test.registry=postgres -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest='dev/ferry/bastion/**/*Test.java,dev/ferry/cli/**/*Test.java,RunnerE2ETest' "$@"
