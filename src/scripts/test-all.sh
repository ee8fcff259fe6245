#!/usr/bin/env bash
# Runs Ferry's tests (./ferry test). Installs the system packages the tests use when they are missing and this
# runs as root on Debian; otherwise says what is missing and fails.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ferry"

usage() {
    cat <<'USAGE'
Usage: ./ferry test [--quick] [MAVEN OPTIONS...]

Runs Ferry's tests with Maven, after installing what they need when it is missing (as root on Debian:
Debian packages through apt, dockerd started, the VPS test images built).

  (no option)  every test: the whole build once, the agent's tests, then the suites in two lanes at once
               (keys, protocol, api, cli, bastion; test-containers) with the embedded H2 registry, load
               tests included, then in each lane the tests about the store again with every test Host's
               registry on PostgreSQL (what CI runs; about 16 minutes on 2 cores)
  --quick      the same without the load tests (JUnit tag "load") and without the PostgreSQL pass: the run
               before each commit (about 12 minutes)
  --help       this text

Other options go to Maven, for example:
  ./ferry test --quick -Dtest='PlainMode*Test' -Dsurefire.failIfNoSpecifiedTests=false
USAGE
}

quick=false
mvn_args=()
for arg in "$@"; do
    case "$arg" in
        --quick) quick=true ;;
        -h|--help) usage; exit 0 ;;
        *) mvn_args+=("$arg") ;;
    esac
done

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v ssh >/dev/null || missing+=(openssh-client)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v rsync >/dev/null || missing+=(rsync)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
# plays the session recordings back in the tests, as an operator would
command -v asciinema >/dev/null || missing+=(asciinema)
# a file system over sftp through the bastion, whose recording names its files
command -v sshfs >/dev/null || missing+=(sshfs)
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
# Debian's current package (trixie's, pure Python), downloaded by apt from the Debian mirror this machine's apt
# sources name (signatures checked against its Debian keyring) and unpacked into a cache directory rather than
# installed.
ssh_audit_major() { "$@" -h 2>&1 | sed -n 's/.*ssh-audit v\([0-9]*\)\..*/\1/p' | head -1; }
fetch_ssh_audit() {
    local dir="$1" apt="$1/apt" mirror
    mirror="$("$ROOT/src/scripts/debian-mirror.sh")"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$apt/sources.list"
    local opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::Archives=$apt/archives"
        -o APT::Sandbox::User=root)
    apt-get "${opts[@]}" update >&2
    rm -f "$dir"/ssh-audit_*.deb
    (cd "$dir" && apt-get "${opts[@]}" download ssh-audit >&2)
    rm -rf "$dir/root"
    dpkg-deb -x "$dir"/ssh-audit_*.deb "$dir/root"
}
if [[ -z "${FERRY_SSH_AUDIT:-}" ]]; then
    if command -v ssh-audit >/dev/null && (( $(ssh_audit_major ssh-audit || echo 0) >= 3 )); then
        FERRY_SSH_AUDIT=ssh-audit
    else
        AUDIT_DIR="$CACHE/ssh-audit"
        if [[ ! -x "$AUDIT_DIR/run" ]]; then
            echo "ferry test: fetching Debian's current ssh-audit package through apt" >&2
            mkdir -p "$AUDIT_DIR"
            fetch_ssh_audit "$AUDIT_DIR"
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
started=$SECONDS
# Everything built and installed once (main and test classes, the jars, the distribution); then the suites run
# from that build in two lanes at once, because most of their time is spent waiting on sockets, sshd and Docker,
# not on the 2 cores. The lanes share nothing: lane a's tests (keys, protocol, api, cli, bastion) never use Docker,
# lane b holds the end-to-end tests that do (test-containers, whose last test restarts dockerd); the agent's, which
# use Docker too, run before both.
# (-Ps3proxy: with the test-s3 module, which writes the classpath the recordings' tests start S3Proxy from)
mvn -B -q install -DskipTests -Ps3proxy ${mvn_args[@]+"${mvn_args[@]}"}

# Single sign-on's end-to-end test signs in at a real OpenID Connect provider: Keycloak's server distribution,
# from Maven Central like every other dependency, unpacked once into the cache. It needs Java 21 or newer: the
# newest JDK under /usr/lib/jvm (FERRY_KEYCLOAK_JAVA says which, else the test names what is missing).
KEYCLOAK_VERSION=26.5.6
export FERRY_KEYCLOAK_HOME="$CACHE/keycloak-$KEYCLOAK_VERSION"
if [[ ! -x "$FERRY_KEYCLOAK_HOME/bin/kc.sh" ]]; then
    echo "ferry test: fetching Keycloak $KEYCLOAK_VERSION (the OpenID Connect provider of the SSO test)" >&2
    mkdir -p "$CACHE"
    mvn -B -q -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" \
        -DoutputDirectory="$CACHE" ${mvn_args[@]+"${mvn_args[@]}"}
    tar -xzf "$CACHE/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz" -C "$CACHE"
    rm -f "$CACHE/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
fi
if [[ -z "${FERRY_KEYCLOAK_JAVA:-}" ]]; then
    for jdk in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
        version="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')"
        if [[ -n "$version" ]] && (( ${version%%.*} >= 21 )); then
            export FERRY_KEYCLOAK_JAVA="${jdk%/}"
            break
        fi
    done
fi

load=()
$quick && load=(-DexcludedGroups=load)
# The tests about the store once more with every test Host's registry on PostgreSQL instead of the embedded H2
# file: the shared fleet, several Hosts, the runner API's records, a full disk and the runner end to end (the
# registry's contract runs on both stores in the first pass already; the protocol tests only look a login up).
postgres=(-Dferry.test.registry=postgres -Dsurefire.failIfNoSpecifiedTests=false
    -Dtest='Fleet*Test,SharedRegistryFleetTest,SeveralHostsTest,RunnerApiTest,DiskFullTest,RunnerE2ETest')

# suite MODULE [MAVEN OPTIONS...]: one module's tests, from the build above
suite() {
    local module="$1"
    shift
    mvn -B -pl "$module" surefire:test "$@" ${mvn_args[@]+"${mvn_args[@]}"}
}
# The agent's Docker tests run first, alone: beside the other suites its fork-bomb test saw docker stats report no
# PIDs at all in its VPS (three fresh-clone runs out of six), alone never. Then the two lanes.
lane_agent() {
    suite agent "${load[@]}"
}
lane_a() {
    suite keys "${load[@]}" && suite protocol "${load[@]}" && suite api "${load[@]}" && suite cli "${load[@]}" \
        && suite bastion "${load[@]}" && { $quick || suite bastion "${postgres[@]}"; }
}
lane_b() {
    suite test-containers "${load[@]}" && { $quick || suite test-containers "${postgres[@]}"; }
}
# lane NAME: runs lane_NAME with its lines marked [NAME], and says how long it took
lane() {
    local from=$SECONDS
    set -o pipefail
    if "lane_$1" 2>&1 | sed -u "s/^/[$1] /"; then
        echo "ferry test: lane $1 passed in $(( (SECONDS - from) / 60 )) min $(( (SECONDS - from) % 60 )) s" >&2
    else
        echo "ferry test: lane $1 FAILED after $(( (SECONDS - from) / 60 )) min $(( (SECONDS - from) % 60 )) s;" \
            "its lines are marked [$1]" >&2
        return 1
    fi
}
if ! lane agent; then
    echo "ferry test: FAILED after $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s" >&2
    exit 1
fi
lane a & a=$!
lane b & b=$!
failed=0
wait $a || failed=1
wait $b || failed=1
took="$(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
if (( failed )); then
    echo "ferry test: FAILED after $took" >&2
    exit 1
fi
if $quick; then
    echo "ferry test --quick: passed in $took" >&2
else
    echo "ferry test: passed in $took" >&2
fi
