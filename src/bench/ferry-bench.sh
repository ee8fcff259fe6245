#!/usr/bin/env bash
# Benchmark: Ferry (ProxyJump and plain mode) against OpenSSH's own sshd as a jump host (restricted with
# permitopen to the same target) and against a direct ssh, all in front of the same target sshd, in one run.
#
#   src/bench/ferry-bench.sh [size per throughput round: GiB, or NNNM for MiB; default 1]
#                            [throughput rounds, default 3] [set-up runs, default 30] [sessions, default 1000; 0 skips]
#
# 1. throughput: SIZE of zeros through `ssh ... 'cat >/dev/null'` (direct, ssh -J Ferry, ssh -J OpenSSH,
#    Ferry plain mode) and through `sftp -b` (put of a SIZE file to /dev/null: direct, -J OpenSSH, Ferry plain);
#    median MiB/s of the rounds, and the CPU time each way costs per GiB: of the whole machine (client, bastion,
#    sshd: on a machine whose cores they share, the way that costs more CPU per byte moves fewer bytes) and of
#    the Host's JVM alone.
# 2. set-up: `ssh ... true` (direct, -J Ferry, -J OpenSSH, Ferry plain, and Ferry plain with a person's own key
#    that a grant lets in instead of a key stored on the VPS, and with an SSO certificate of the Host's client CA
#    instead of a key on record), median and p95 in ms.
# 3. memory per session: SESSIONS concurrent idle sessions (an exec of `read`) in plain mode, then through
#    ProxyJump, held by one small Java client (MINA SSHD, from the build's jars) instead of thousands of ssh
#    processes (FERRY_BENCH_HOLDER=ssh: one OpenSSH client each, as a cross-check); for the Host JVM the heap
#    used after `jcmd GC.run`, RSS and threads, before and with them; then the same ProxyJump sessions through
#    OpenSSH's sshd as the jump host, with the RSS and PSS of all its processes. FERRY_BENCH_MODES picks
#    which of "plain jump ojump unrec" run (default the first three); FERRY_BENCH_HOST_CONFIG adds lines to the
#    Host's [host] config.
#    "unrec" starts a second Host beside the first, the same but with record_sessions = false, and measures it
#    as plain mode everywhere above (throughput, set-up, memory): what recording costs, in the same run. Then
#    also a terminal writing flat out (256 MiB of base64 through `ssh -tt`) on both, with the recording Host's
#    heap while it runs, and the size of the recording of a busy terminal (30 s of `ls`, `date`) per minute.
# 4. authentication time as an oracle: logins whose signature is wrong, for a key vps-bench holds and for a key
#    nobody holds (interleaved, each on its own connection from 127.0.0.3); medians and their difference.
# Plus which key exchange and cipher each hop negotiated (ssh -v, and the target sshd's debug log for the
# bastion's own hop in plain mode). Only loopback addresses; every process started here is stopped on exit.
# FERRY_BENCH_LOGS=DIR keeps the Host's and the sshd's logs there.
set -euo pipefail
shopt -s inherit_errexit

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
SIZE="${1:-1}"
ROUNDS="${2:-3}"
SETUPS="${3:-30}"
SESSIONS="${4:-1000}"
case "$SIZE" in
    *[Mm]) MIB="${SIZE%[Mm]}" ;;
    *[Gg]) MIB=$(( ${SIZE%[Gg]} * 1024 )) ;;
    *) MIB=$(( SIZE * 1024 )) ;;
esac
[[ "$MIB" =~ ^[1-9][0-9]*$ && "$ROUNDS" =~ ^[1-9][0-9]*$ && "$SETUPS" =~ ^[1-9][0-9]*$ && "$SESSIONS" =~ ^[0-9]+$ ]] || {
    sed -n '5,6p' "${BASH_SOURCE[0]}" >&2; exit 2; }
if (( MIB % 1024 == 0 )); then SIZE_LABEL="$((MIB / 1024)) GiB"; else SIZE_LABEL="$MIB MiB"; fi
COMMAND_LINE="src/bench/ferry-bench.sh $*"
PARALLEL=16 # logins under way at once (the bastion starts dropping beyond 64 not logged in from one address)
MODES="${FERRY_BENCH_MODES:-plain jump ojump}"

WORK="$(mktemp -d /tmp/ferry-bench.XXXXXX)"
PIDS=()
HOLDER=""
HOLD_PIDS=()
cleanup() {
    exec 7>&- 2>/dev/null || true
    local i
    if [[ -n "$HOLDER" ]]; then kill "$HOLDER" 2>/dev/null || true; wait "$HOLDER" 2>/dev/null || true; fi
    for i in "${HOLD_PIDS[@]}"; do kill "$i" 2>/dev/null || true; done
    for (( i = ${#PIDS[@]} - 1; i >= 0; i-- )); do kill "${PIDS[i]}" 2>/dev/null || true; done
    for i in "${PIDS[@]}"; do wait "$i" 2>/dev/null || true; done
    if [[ -n "${FERRY_BENCH_LOGS:-}" ]]; then
        mkdir -p "$FERRY_BENCH_LOGS"
        cp -r "$WORK"/*.log "$WORK/ferry/logs" "$FERRY_BENCH_LOGS/" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
load_now() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_START="$(load_now)"

USER_NAME="$(id -un)"
# plain mode logs in as root unless the user name says otherwise
if [[ "$USER_NAME" == root ]]; then PLAIN_USER=vps-bench; else PLAIN_USER="vps-bench+$USER_NAME"; fi
mkdir -p /run/sshd "$WORK/keys"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$WORK/keys/client"
ssh-keygen -q -t ed25519 -N '' -C nobody -f "$WORK/keys/unknown" # held by no VPS (the signature timing)
ssh-keygen -q -t ed25519 -N '' -C person -f "$WORK/keys/person" # a person's own key, in through a grant
ssh-keygen -q -t ed25519 -N '' -f "$WORK/keys/target_host"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/keys/jump_host"
CLIENT_PUB="$(cat "$WORK/keys/client.pub")"

sshd_config() { # port hostkey authorized_keys
    cat <<CFG
Port $1
ListenAddress 127.0.0.1
HostKey $2
AuthorizedKeysFile $3
PidFile none
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
Subsystem sftp /usr/lib/openssh/sftp-server
MaxStartups 100:30:200
CFG
}

# The target runs commands with SHLVL=1 in their environment, so the user's bash skips ~/.bashrc (Debian's
# bash reads it for commands started by sshd when SHLVL is unset): set-up times are SSH's, not the rc files'.
# the Host first: the target sshd trusts its user CA (read by sshd at each login)
FERRY_SSH="$(free_port)"
FERRY_API="$(free_port)"
"$ROOT/ferry" --version >/dev/null # build first, outside the timing
mkdir -m 700 "$WORK/ferry"
# every held session uses the one bench key: lift the per-key cap (200) above them; the signature timing
# fails hundreds of logins from 127.0.0.3, which must not earn it penalties. Nothing else changes.
# FERRY_BENCH_HOST_CONFIG adds [host] lines (e.g. "keepalive_interval_seconds = 30").
# sso_issuer (a provider never asked here) gives the Host its client CA: a certificate login is measured too
printf '[host]\nmax_sessions_per_key = %d\npenalty_exempt = ["127.0.0.3"]\nsso_issuer = "http://127.0.0.1:9/realms/bench"\n%s\n' \
    $(( SESSIONS + 100 )) "${FERRY_BENCH_HOST_CONFIG:-}" > "$WORK/ferry/config.toml"
FERRY_HOME="$WORK/ferry" "$ROOT/ferry" host --data-dir "$WORK/ferry" --bind 127.0.0.1 --ssh-port "$FERRY_SSH" \
    --api-port "$FERRY_API" > "$WORK/ferry.log" 2>&1 & PIDS+=($!)
HOST_PID=$!
MEASURED_PID=$HOST_PID  # the Host the memory figures are of
MEASURED_PORT=$FERRY_SSH
UNREC=false
if [[ " $MODES " == *" unrec "* ]]; then
    UNREC=true
    OFF_SSH="$(free_port)"; OFF_API="$(free_port)"
    mkdir -m 700 "$WORK/ferry-off"
    sed 's/^\[host\]$/[host]\nrecord_sessions = false/' "$WORK/ferry/config.toml" > "$WORK/ferry-off/config.toml"
    FERRY_HOME="$WORK/ferry-off" "$ROOT/ferry" host --data-dir "$WORK/ferry-off" --bind 127.0.0.1 --ssh-port "$OFF_SSH" \
        --api-port "$OFF_API" > "$WORK/ferry-off.log" 2>&1 & PIDS+=($!)
    OFF_PID=$!
fi

TARGET_PORT="$(free_port)"
echo "$CLIENT_PUB" > "$WORK/target_keys"
# plain mode's certificates name the VPS they are for (vps-<id>), which each target's principals file names
# (written once the VPS exist; sshd reads it at each login), as `ferry ca user-key --vps` sets an external VPS up
{ sshd_config "$TARGET_PORT" "$WORK/keys/target_host" "$WORK/target_keys"
  echo "TrustedUserCAKeys $WORK/user_ca.pub"; echo "AuthorizedPrincipalsFile $WORK/principals_bench"
  echo "SetEnv SHLVL=1"; } > "$WORK/target_config"
/usr/sbin/sshd -D -e -f "$WORK/target_config" 2>"$WORK/target.log" & PIDS+=($!)

# the same target once more, logging at DEBUG1, only to see what the bastion's own hop negotiates
PROBE_PORT="$(free_port)"
{ sshd_config "$PROBE_PORT" "$WORK/keys/target_host" "$WORK/target_keys"
  echo "TrustedUserCAKeys $WORK/user_ca.pub"; echo "AuthorizedPrincipalsFile $WORK/principals_bench-probe"
  echo "SetEnv SHLVL=1"; echo "LogLevel DEBUG1"; } > "$WORK/probe_config"
/usr/sbin/sshd -D -e -f "$WORK/probe_config" 2>"$WORK/probe.log" & PIDS+=($!)

JUMP_PORT="$(free_port)"
echo "restrict,port-forwarding,permitopen=\"127.0.0.1:$TARGET_PORT\" $CLIENT_PUB" > "$WORK/jump_keys"
sshd_config "$JUMP_PORT" "$WORK/keys/jump_host" "$WORK/jump_keys" > "$WORK/jump_config"
/usr/sbin/sshd -D -e -f "$WORK/jump_config" 2>"$WORK/jump.log" & PIDS+=($!)
JUMP_PID=$!

wait_port "$TARGET_PORT"; wait_port "$PROBE_PORT"; wait_port "$JUMP_PORT"; wait_port "$FERRY_SSH"; wait_port "$FERRY_API"
[[ "$(cat "/proc/$HOST_PID/comm")" == java ]] || { echo "the Host's pid $HOST_PID is not its JVM" >&2; exit 1; }
HOSTS=("ferry:$FERRY_API")
if $UNREC; then
    wait_port "$OFF_SSH"; wait_port "$OFF_API"
    [[ "$(cat "/proc/$OFF_PID/comm")" == java ]] || { echo "the second Host's pid $OFF_PID is not its JVM" >&2; exit 1; }
    HOSTS+=("ferry-off:$OFF_API")
fi
# the targets trust each Host's user CA and take each one's certificates for the VPS it knows them as
: > "$WORK/user_ca.pub"
for h in "${HOSTS[@]}"; do
    ssh-keygen -y -f "$WORK/${h%%:*}/ca/user_ca_ed25519" >> "$WORK/user_ca.pub"
    for vps in "bench:$TARGET_PORT" "bench-probe:$PROBE_PORT"; do
        FERRY_TOKEN="$(cat "$WORK/${h%%:*}/admin.token")" "$ROOT/ferry" vps add --endpoint "127.0.0.1:${vps#*:}" \
            --name "${vps%%:*}" --ssh-key "$WORK/keys/client.pub" --host "http://127.0.0.1:${h#*:}" \
            >> "$WORK/vps-add.log" 2>&1 || { cat "$WORK/vps-add.log" >&2; exit 1; }
    done
    if [[ "${h%%:*}" == ferry ]]; then # a person whose own key reaches vps-bench through a grant (login set-up)
        for args in "user add benchp --role member --ssh-key $WORK/keys/person.pub" "vps grant bench benchp"; do
            # shellcheck disable=SC2086 # the words of args
            FERRY_TOKEN="$(cat "$WORK/ferry/admin.token")" "$ROOT/ferry" $args --host "http://127.0.0.1:${h#*:}" \
                >> "$WORK/vps-add.log" 2>&1 || { cat "$WORK/vps-add.log" >&2; exit 1; }
        done
    fi
    FERRY_TOKEN="$(cat "$WORK/${h%%:*}/admin.token")" "$ROOT/ferry" vps list --json --host "http://127.0.0.1:${h#*:}" \
        | python3 -c 'import json, sys
for v in json.load(sys.stdin)["vps"]:
    open(sys.argv[1] + "/principals_" + v["name"], "a").write("vps-%s\n" % v["id"])' "$WORK"
done

cat > "$WORK/ssh_config" <<CFG
Host *
    IdentityFile $WORK/keys/client
    IdentitiesOnly yes
    IdentityAgent none
    BatchMode yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
CFG

sed "s|$WORK/keys/client|$WORK/keys/person|" "$WORK/ssh_config" > "$WORK/ssh_config_person"
# the same person signed in with SSO: a key of no record, certified by the Host's client CA, as ferry login --sso
# --ssh gets it (ssh offers keys/certified-cert.pub with it)
ssh-keygen -q -t ed25519 -N '' -C certified -f "$WORK/keys/certified"
ssh-keygen -q -s "$WORK/ferry/ca/client_ca_ed25519" -I "ferry-sso:benchp" -n benchp -V -1m:+8h \
    "$WORK/keys/certified.pub"
sed "s|$WORK/keys/client|$WORK/keys/certified|" "$WORK/ssh_config" > "$WORK/ssh_config_certified"

X=() # extra options for the next call (ssh -v)
direct_ssh()  { ssh -F "$WORK/ssh_config" "${X[@]}" -p "$TARGET_PORT" "$USER_NAME@127.0.0.1" "$@"; }
fjump_ssh()   { ssh -F "$WORK/ssh_config" "${X[@]}" -J "vps-bench@127.0.0.1:$FERRY_SSH" "$USER_NAME@vps-bench" "$@"; }
ojump_ssh()   { ssh -F "$WORK/ssh_config" "${X[@]}" -J "$USER_NAME@127.0.0.1:$JUMP_PORT" -p "$TARGET_PORT" "$USER_NAME@127.0.0.1" "$@"; }
plain_ssh()   { ssh -F "$WORK/ssh_config" "${X[@]}" -p "$FERRY_SSH" "$PLAIN_USER@127.0.0.1" "$@"; }
person_ssh()  { ssh -F "$WORK/ssh_config_person" "${X[@]}" -p "$FERRY_SSH" "$PLAIN_USER@127.0.0.1" "$@"; }
cert_ssh()    { ssh -F "$WORK/ssh_config_certified" "${X[@]}" -p "$FERRY_SSH" "$PLAIN_USER@127.0.0.1" "$@"; }
direct_sftp() { sftp -q -F "$WORK/ssh_config" -P "$TARGET_PORT" -b "$WORK/put.batch" "$USER_NAME@127.0.0.1" >/dev/null; }
ojump_sftp()  { sftp -q -F "$WORK/ssh_config" -J "$USER_NAME@127.0.0.1:$JUMP_PORT" -P "$TARGET_PORT" -b "$WORK/put.batch" "$USER_NAME@127.0.0.1" >/dev/null; }
plain_sftp()  { sftp -q -F "$WORK/ssh_config" -P "$FERRY_SSH" -b "$WORK/put.batch" "$PLAIN_USER@127.0.0.1" >/dev/null; }
unrec_ssh()   { ssh -F "$WORK/ssh_config" "${X[@]}" -p "$OFF_SSH" "$PLAIN_USER@127.0.0.1" "$@"; }
unrec_sftp()  { sftp -q -F "$WORK/ssh_config" -P "$OFF_SSH" -b "$WORK/put.batch" "$PLAIN_USER@127.0.0.1" >/dev/null; }
SSH_WAYS=(direct_ssh fjump_ssh ojump_ssh plain_ssh)
SFTP_WAYS=(direct_sftp ojump_sftp plain_sftp)
if $UNREC; then SSH_WAYS+=(unrec_ssh); SFTP_WAYS+=(unrec_sftp); fi
SETUP_WAYS=("${SSH_WAYS[@]}" person_ssh cert_ssh) # the person's logins: set-up only
declare -A NAME=(
    [direct_ssh]="ssh direct" [fjump_ssh]="ssh -J Ferry" [ojump_ssh]="ssh -J OpenSSH sshd" [plain_ssh]="ssh Ferry plain"
    [person_ssh]="ssh plain, a person" [cert_ssh]="ssh plain, SSO cert"
    [direct_sftp]="sftp direct" [ojump_sftp]="sftp -J OpenSSH sshd" [plain_sftp]="sftp Ferry plain"
    [unrec_ssh]="ssh plain unrecorded" [unrec_sftp]="sftp plain unrecorded")

truncate -s "${MIB}M" "$WORK/payload" # sparse: reads as zeros without touching the disk
echo "put $WORK/payload /dev/null" > "$WORK/put.batch"

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; if (i>NR) i=NR; print a[i]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
verdict() { awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN {ok = (op == ">=") ? r >= t : r <= t; printf "%s", ok ? "met" : "MISSED"}'; }

# CPU time in clock ticks: of the whole machine (user, nice, system, irq, softirq), and of the Host's JVM
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
host_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # pid
pid_of_way() { case "$1" in unrec_*) echo "$OFF_PID" ;; *) echo "$HOST_PID" ;; esac; }
TICKS="$(getconf CLK_TCK)"
throughput() { # way -> "MiB/s, CPU seconds per GiB of the whole machine, of the Host's JVM" of one round
    local start end busy0 host0 pid
    pid="$(pid_of_way "$1")"
    busy0=$(busy_ticks); host0=$(host_ticks "$pid"); start=$(now_ns)
    case "$1" in
        *_sftp) "$1" ;;
        *) head -c "$((MIB * 1024 * 1024))" /dev/zero | "$1" 'cat > /dev/null' ;;
    esac
    end=$(now_ns)
    awk -v m="$MIB" -v ns="$((end - start))" -v busy="$(( $(busy_ticks) - busy0 ))" -v host="$(( $(host_ticks "$pid") - host0 ))" \
        -v hz="$TICKS" 'BEGIN {printf "%.1f %.2f %.2f\n", m / (ns / 1e9), busy / hz * 1024 / m, host / hz * 1024 / m}'
}

setup_ms() { # way -> ms of one `true`
    local start end
    start=$(now_ns); "$1" true; end=$(now_ns)
    awk -v ns="$((end - start))" 'BEGIN {printf "%.1f\n", ns / 1e6}'
}

# --- which algorithms each hop negotiates (ssh -v prints the jump hop first, then the end-to-end hop) ---
kex_lines() { awk '/kex: algorithm:/ {k=$4} /kex: client->server cipher:/ {print "kex " k ", cipher " $5 ", MAC " $7}' | sed 's/ \[preauth\]//'; }
hops() { local out; out="$(kex_lines)"; paste -sd '|' <<<"$out" | sed 's/|/ ; /g'; }
X=(-v)
ALG_DIRECT="$(direct_ssh true 2>&1 | hops)"
ALG_FJUMP="$(fjump_ssh true 2>&1 | hops)"
ALG_OJUMP="$(ojump_ssh true 2>&1 | hops)"
ALG_PLAIN="$(plain_ssh true 2>&1 | hops)"
ssh -F "$WORK/ssh_config" -p "$FERRY_SSH" "vps-bench-probe@127.0.0.1" true 2>/dev/null # its debug lines reach stderr
ALG_UPSTREAM="$(hops < "$WORK/probe.log")"
X=()

log "warming up (JIT)..."
for _ in 1 2 3 4 5; do for w in "${SETUP_WAYS[@]}"; do "$w" true; done; done
head -c $((256 * 1024 * 1024)) /dev/zero | fjump_ssh 'cat > /dev/null'
head -c $((256 * 1024 * 1024)) /dev/zero | plain_ssh 'cat > /dev/null'
if $UNREC; then head -c $((256 * 1024 * 1024)) /dev/zero | unrec_ssh 'cat > /dev/null'; fi

declare -A TP SU CPU_ALL CPU_HOST
for r in $(seq "$ROUNDS"); do
    line="round $r/$ROUNDS:"
    for w in "${SSH_WAYS[@]}" "${SFTP_WAYS[@]}"; do
        read -r v all host <<<"$(throughput "$w")"
        TP[$w]+="$v "; CPU_ALL[$w]+="$all "; CPU_HOST[$w]+="$host "; line+=" ${NAME[$w]} $v;"
    done
    log "$line MiB/s"
done
log "set-up: ${#SETUP_WAYS[@]} x $SETUPS runs..."
for _ in $(seq "$SETUPS"); do for w in "${SETUP_WAYS[@]}"; do SU[$w]+="$(setup_ms "$w") "; done; done
LOAD_AFTER_SPEED="$(load_now)"

# --- memory per session ---
holder_java() {
    cat <<'JAVA'
import java.io.*;
import java.nio.file.*;
import java.security.KeyPair;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;

/**
 * Holds COUNT concurrent idle sessions. Arguments: MODE COUNT PARALLEL PORT HOP_USER USER KEY COMMAND [TARGET].
 * plain: a connection to 127.0.0.1:PORT as HOP_USER with an exec of COMMAND (Ferry's plain mode). jump: a
 * connection to 127.0.0.1:PORT as HOP_USER, a direct-tcpip channel to TARGET (host:port; what ssh -J opens,
 * here via a local forward) and through it a login as USER with an exec of COMMAND. At most PARALLEL logins
 * are under way at once. Offers what OpenSSH 9.2 gets from Ferry (sntrup761x25519, aes128-ctr,
 * hmac-sha2-256-etm). Prints "ready OPEN failed FAILED", holds the sessions until its standard input ends,
 * closes them and prints "closed".
 */
public final class SessionHold {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] a) throws Exception {
        String mode = a[0], hopUser = a[4], user = a[5], command = a[7];
        SshdSocketAddress target = mode.equals("jump") ? new SshdSocketAddress(a[8].substring(0, a[8].lastIndexOf(':')),
                Integer.parseInt(a[8].substring(a[8].lastIndexOf(':') + 1))) : null;
        int count = Integer.parseInt(a[1]), parallel = Integer.parseInt(a[2]), port = Integer.parseInt(a[3]);
        List<KeyPair> keys = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Path.of(a[6]))) {
            SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(a[6]), in, null).forEach(keys::add);
        }
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, remote, key) -> true); // loopback test sshd, fresh keys
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(keys));
        client.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                List.of(BuiltinDHFactories.sntrup761x25519_openssh, BuiltinDHFactories.curve25519), ClientBuilder.DH2KEX));
        client.setCipherFactories(List.of(BuiltinCiphers.aes128ctr, BuiltinCiphers.aes128gcm));
        client.setMacFactories(List.of(BuiltinMacs.hmacsha256etm));
        client.setCompressionFactories(List.of(BuiltinCompressions.none));
        client.start();
        List<ClientSession> held = Collections.synchronizedList(new ArrayList<>());
        Thread closer = new Thread(() -> close(held, client));
        Runtime.getRuntime().addShutdownHook(closer);

        AtomicInteger open = new AtomicInteger(), failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(pool.submit(() -> {
                try {
                    ClientSession s = login(client, hopUser, new SshdSocketAddress("127.0.0.1", port));
                    held.add(s);
                    if (mode.equals("jump")) {
                        SshdSocketAddress local = s.createLocalPortForwardingTracker(
                                new SshdSocketAddress("127.0.0.1", 0), target).getBoundAddress();
                        s = login(client, user, local);
                        held.add(s);
                    }
                    ChannelExec exec = s.createExecChannel(command);
                    exec.setOut(OutputStream.nullOutputStream());
                    exec.setErr(OutputStream.nullOutputStream());
                    exec.open().verify(TIMEOUT);
                    int n = open.incrementAndGet();
                    if (n % 100 == 0) System.out.println("open " + n);
                } catch (Exception e) {
                    if (failed.incrementAndGet() <= 5) System.out.println("failure: " + e);
                }
            }));
        }
        for (Future<?> t : tasks) t.get();
        pool.shutdown();
        System.out.println("ready " + open.get() + " failed " + failed.get());
        while (System.in.read() >= 0) { /* hold until the caller closes our standard input */ }
        Runtime.getRuntime().removeShutdownHook(closer);
        close(held, client);
        System.out.println("closed");
    }

    static ClientSession login(SshClient client, String user, SshdSocketAddress to) throws IOException {
        ClientSession s = client.connect(user, to.toInetSocketAddress(), null, null).verify(TIMEOUT).getSession();
        try {
            s.auth().verify(TIMEOUT);
        } catch (IOException | RuntimeException e) {
            s.close(true);
            throw e;
        }
        return s;
    }

    static void close(List<ClientSession> held, SshClient client) {
        synchronized (held) {
            for (int i = held.size() - 1; i >= 0; i--) {
                try {
                    held.get(i).close(false).await(TIMEOUT);
                } catch (IOException e) {
                    // closing anyway
                }
            }
            held.clear();
        }
        client.stop();
    }
}
JAVA
}

host_state() { # -> "heap_KiB rss_KiB threads" of the Host JVM after a forced GC
    jcmd "$MEASURED_PID" GC.run >/dev/null; sleep 1; jcmd "$MEASURED_PID" GC.run >/dev/null; sleep 1
    local heap
    # every generation's "used" (G1 has one heap line, Serial and Parallel one per generation), not Metaspace's
    heap="$(jcmd "$MEASURED_PID" GC.heap_info | awk '/total .*used/ && !/Metaspace|class space/ {for (i = 1; i < NF; i++)
        if ($i == "used") {v = $(i+1); sub(/K.*/, "", v); sum += v}} END {print sum}')"
    echo "$heap $(awk '/^VmRSS/ {print $2}' "/proc/$MEASURED_PID/status") $(awk '/^Threads/ {print $2}' "/proc/$MEASURED_PID/status")"
}
sshd_state() { # -> "rss_KiB pss_KiB processes" of the jump sshd and every process under it
    local pids
    pids="$(ps -e -o pid=,ppid= | awk -v root="$JUMP_PID" '{p[$1] = $2} END {for (k in p) {x = k; while (x in p && x != root) x = p[x]; if (x == root) print k}}')"
    local rss=0 pss=0 n=0 pid r q
    for pid in $pids; do
        read -r r q < <(awk '/^Rss:/ {r = $2} /^Pss:/ {q = $2} END {print r + 0, q + 0}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo "0 0")
        rss=$((rss + r)); pss=$((pss + q)); n=$((n + 1))
    done
    echo "$rss $pss $n"
}
thread_groups() { # thread names of the Host, digits dropped, counted
    jcmd "$MEASURED_PID" Thread.print | sed -n 's/^"\([^"]*\)".*/\1/p' | sed 's/[0-9]\+/N/g; s/ /_/g' | sort | uniq -c | sort -rn
}
ferry_conns() { ss -Htn state established "( sport = :$MEASURED_PORT )" | wc -l; }
jump_conns() { ss -Htn state established "( sport = :$JUMP_PORT )" | wc -l; }
holds() { pgrep -fc "^[^ ]*sh -c read -r _ # $1\$" || true; }
# per mode: the first hop's port and user, and what a jump forwards to
declare -A HOP_PORT=([plain]="$FERRY_SSH" [jump]="$FERRY_SSH" [ojump]="$JUMP_PORT" [unrec]="${OFF_SSH:-}")
declare -A HOP_USER=([plain]=vps-bench [jump]=vps-bench [ojump]="$USER_NAME" [unrec]=vps-bench)
declare -A HOP_TARGET=([plain]=- [jump]=vps-bench:22 [ojump]="127.0.0.1:$TARGET_PORT" [unrec]=-)

HOLDER_KIND="${FERRY_BENCH_HOLDER:-java}" # java: one MINA client holds them all; ssh: one OpenSSH client each
open_with_java() { # mode tag log
    java -XX:+UseSerialGC -Xmx2g -cp "$ROOT/cli/target/lib/*" "$WORK/SessionHold.java" \
        "$([[ $1 == plain || $1 == unrec ]] && echo plain || echo jump)" "$SESSIONS" "$PARALLEL" "${HOP_PORT[$1]}" "${HOP_USER[$1]}" \
        "$USER_NAME" "$WORK/keys/client" "read -r _ # $2" "${HOP_TARGET[$1]}" \
        < "$WORK/hold.fifo" > "$3" 2>&1 7>&- &
    HOLDER=$!
    local waited=0
    until grep -q '^ready' "$3"; do
        kill -0 "$HOLDER" 2>/dev/null || { cat "$3" >&2; echo "the session holder died" >&2; exit 1; }
        sleep 1; waited=$((waited + 1))
        if (( waited % 30 == 0 )); then log "  $(holds "$2") sessions running in the target so far"; fi
    done
    grep -q "^ready $SESSIONS failed 0" "$3" || { cat "$3" >&2; echo "not every session opened" >&2; exit 1; }
}
open_with_ssh() { # mode tag log: PARALLEL ssh clients at a time, each batch running in the target before the next
    local launched=0 n i p
    while (( launched < SESSIONS )); do
        n=$(( SESSIONS - launched < PARALLEL ? SESSIONS - launched : PARALLEL ))
        for (( i = 0; i < n; i++ )); do
            case "$1" in
                plain|unrec) ssh -F "$WORK/ssh_config" -o ControlMaster=no -p "${HOP_PORT[$1]}" "$PLAIN_USER@127.0.0.1" "read -r _ # $2" \
                        < "$WORK/hold.fifo" > /dev/null 2>> "$3" 7>&- & ;;
                jump) ssh -F "$WORK/ssh_config" -o ControlMaster=no -J "vps-bench@127.0.0.1:$FERRY_SSH" "$USER_NAME@vps-bench" \
                        "read -r _ # $2" < "$WORK/hold.fifo" > /dev/null 2>> "$3" 7>&- & ;;
                ojump) ssh -F "$WORK/ssh_config" -o ControlMaster=no -J "$USER_NAME@127.0.0.1:$JUMP_PORT" -p "$TARGET_PORT" \
                        "$USER_NAME@127.0.0.1" "read -r _ # $2" < "$WORK/hold.fifo" > /dev/null 2>> "$3" 7>&- & ;;
            esac
            HOLD_PIDS+=($!)
        done
        launched=$(( launched + n ))
        for (( i = 0; i < 600; i++ )); do (( $(holds "$2") >= launched )) && break; sleep 0.1; done
        for p in "${HOLD_PIDS[@]}"; do kill -0 "$p" 2>/dev/null || { cat "$3" >&2; echo "an ssh client ended early" >&2; exit 1; }; done
        if (( launched % 100 == 0 )); then log "  $(holds "$2") sessions running in the target so far"; fi
    done
}

declare -A MEM_BEFORE MEM_WITH HOLD_SECS IDLE_CPU
IDLE_SECONDS=30
idle_cpu() { # -> % of one core the Host used over IDLE_SECONDS while its sessions are idle (keepalives, timers)
    local t0 t1
    t0="$(awk '{print $14 + $15}' "/proc/$MEASURED_PID/stat")"; sleep "$IDLE_SECONDS"; t1="$(awk '{print $14 + $15}' "/proc/$MEASURED_PID/stat")"
    awk -v d="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v s="$IDLE_SECONDS" 'BEGIN {printf "%.1f", 100 * d / hz / s}'
}
hold_sessions() { # mode: opens SESSIONS sessions, measures the Host with them, closes them
    local mode="$1" tag="ferry-bench-hold-$$-$1" start out="$WORK/hold-$1.log" p
    local state=host_state conns=ferry_conns
    if [[ "$mode" == ojump ]]; then state=sshd_state; conns=jump_conns; fi
    MEASURED_PID=$HOST_PID; MEASURED_PORT=$FERRY_SSH
    if [[ "$mode" == unrec ]]; then MEASURED_PID=$OFF_PID; MEASURED_PORT=$OFF_SSH; fi
    log "memory: $mode: baseline..."
    MEM_BEFORE[$mode]="$($state)"
    thread_groups > "$WORK/threads-$mode-before"
    log "memory: $mode: opening $SESSIONS sessions with $HOLDER_KIND clients, $PARALLEL logins at a time..."
    rm -f "$WORK/hold.fifo"; mkfifo "$WORK/hold.fifo"
    exec 7<> "$WORK/hold.fifo" # the clients' standard input: closing it ends every session
    start=$(now_ns)
    "open_with_$HOLDER_KIND" "$mode" "$tag" "$out"
    for _ in $(seq 60); do [[ "$(holds "$tag")" -eq "$SESSIONS" ]] && break; sleep 1; done
    HOLD_SECS[$mode]="$(awk -v ns="$(( $(now_ns) - start ))" 'BEGIN {printf "%.0f", ns / 1e9}')"
    log "memory: $mode: $(holds "$tag") sessions running in the target, $($conns) connections to the jump host; measuring..."
    [[ "$(holds "$tag")" -eq "$SESSIONS" ]] || { echo "only $(holds "$tag") of $SESSIONS sessions run in the target" >&2; exit 1; }
    MEM_WITH[$mode]="$($state)"
    if [[ "$mode" != ojump ]]; then IDLE_CPU[$mode]="$(idle_cpu)"; fi
    thread_groups > "$WORK/threads-$mode-with"
    if [[ -n "${FERRY_BENCH_LOGS:-}" && "$mode" != ojump ]]; then jcmd "$MEASURED_PID" GC.class_histogram | head -45 > "$WORK/histogram-$mode.log"; fi
    exec 7>&-
    if [[ -n "$HOLDER" ]]; then wait "$HOLDER" || true; HOLDER=""; fi
    for p in "${HOLD_PIDS[@]}"; do wait "$p" || true; done
    HOLD_PIDS=()
    for _ in $(seq 120); do [[ "$($conns)" -eq 0 && "$(holds "$tag")" -eq 0 ]] && break; sleep 1; done
    log "memory: $mode: closed ($($conns) connections to the jump host, $(holds "$tag") sessions left in the target)"
}

# --- with unrec: a terminal writing flat out, and the size of a busy terminal's recording ---
PTY_MIB=256
pty_round() { # way -> MiB/s a terminal shows of PTY_MIB of random bytes as base64 (ssh -tt)
    local start end bytes
    start=$(now_ns)
    X=(-tt); bytes="$("$1" "head -c $((PTY_MIB * 1024 * 1024)) /dev/urandom | base64" < /dev/null | wc -c)"; X=()
    end=$(now_ns)
    awk -v b="$bytes" -v ns="$((end - start))" 'BEGIN {printf "%.1f", b / 1048576 / (ns / 1e9)}'
}
pty_heap() { # way pid -> "heap before, while it writes, after" (KiB, after a forced GC each) of that Host
    local before during after p
    MEASURED_PID=$2
    read -r before _ <<<"$(host_state)"
    X=(-tt); "$1" "head -c $((PTY_MIB * 1024 * 1024)) /dev/urandom | base64" < /dev/null > /dev/null & p=$!; X=()
    sleep 3
    read -r during _ <<<"$(host_state)"
    if [[ -n "${FERRY_BENCH_LOGS:-}" ]]; then jcmd "$2" GC.class_histogram | head -45 > "$WORK/histogram-pty-$1.log"; fi
    kill -0 "$p" 2>/dev/null || { echo "the terminal ended before the heap was read: raise PTY_MIB" >&2; exit 1; }
    wait "$p"
    read -r after _ <<<"$(host_state)"
    MEASURED_PID=$HOST_PID
    echo "$before $during $after"
}
declare -A PTY_TP PTY_HEAP
if $UNREC; then
    log "terminal flat out: $PTY_MIB MiB as base64 through ssh -tt, $ROUNDS rounds each, recorded and not..."
    for _ in $(seq "$ROUNDS"); do for w in plain_ssh unrec_ssh; do PTY_TP[$w]+="$(pty_round "$w") "; done; done
    PTY_HEAP[plain_ssh]="$(pty_heap plain_ssh "$HOST_PID")"
    PTY_HEAP[unrec_ssh]="$(pty_heap unrec_ssh "$OFF_PID")"
    log "a busy terminal for 30 s (date and 40 lines of ls -l a second), recorded..."
    BUSY_START=$(now_ns)
    X=(-tt); BUSY_SHOWN="$(plain_ssh 'for i in $(seq 30); do date; ls -l /usr/bin | head -40; sleep 1; done' < /dev/null | wc -c)"; X=()
    BUSY_SECS="$(awk -v ns="$(( $(now_ns) - BUSY_START ))" 'BEGIN {printf "%.1f", ns / 1e9}')"
    sleep 3 # the recording's last second written and closed
    BUSY_DIR="$(ls -td "$WORK"/ferry/recordings/*/*/*/s*/ | head -1)"
    BUSY_CAST="$(cat "$BUSY_DIR"/*.cast.gz | wc -c)"
    BUSY_EVENTS="$(wc -c < "$BUSY_DIR/events.jsonl.gz")"
fi

if (( SESSIONS > 0 )); then
    [[ "$HOLDER_KIND" == java || "$HOLDER_KIND" == ssh ]] || { echo "FERRY_BENCH_HOLDER is java or ssh" >&2; exit 2; }
    holder_java > "$WORK/SessionHold.java"
    for m in $MODES; do
        [[ "$m" == plain || "$m" == jump || "$m" == ojump || "$m" == unrec ]] || {
            echo "FERRY_BENCH_MODES: plain, jump, ojump, unrec" >&2; exit 2; }
        hold_sessions "$m"
    done
fi
# --- a wrong signature costs the same for a held key and an unknown one ---
timing_java() {
    cat <<'JAVA'
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.*;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.*;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Arguments: PORT USER KEY UNKNOWN ROUNDS. Each round logs in twice from 127.0.0.3, each time with a signature
 * made by a private key that does not match the public key offered: once for KEY's public key (which USER
 * holds), once for UNKNOWN's (held by nobody; read the same way, so the client's work is the same), in
 * alternating order. Times the authentication (after the key exchange); prints "held MS" and "unknown MS".
 */
public final class SignatureTiming {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]), rounds = Integer.parseInt(a[4]);
        KeyPair held = load(a[2]), nobodys = load(a[3]);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, remote, key) -> true); // loopback bench Host, fresh keys
        client.start();
        for (int i = 0; i < rounds + 20; i++) { // 20 rounds of warm-up
            KeyPair wrong = gen.generateKeyPair();
            KeyPair unknown = new KeyPair(nobodys.getPublic(), wrong.getPrivate());
            KeyPair forged = new KeyPair(held.getPublic(), wrong.getPrivate());
            for (int j = 0; j < 2; j++) {
                boolean heldFirst = i % 2 == 0;
                boolean isHeld = (j == 0) == heldFirst;
                double ms = attempt(client, port, a[1], isHeld ? forged : unknown);
                if (i >= 20) System.out.printf("%s %.3f%n", isHeld ? "held" : "unknown", ms);
            }
        }
        client.stop();
    }

    static KeyPair load(String file) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file), in, null).iterator().next();
        }
    }

    static double attempt(SshClient client, int port, String user, KeyPair identity) throws Exception {
        try (ClientSession s = client.connect(user, new InetSocketAddress("127.0.0.1", port),
                new InetSocketAddress("127.0.0.3", 0)).verify(Duration.ofSeconds(30)).getSession()) {
            s.addPublicKeyIdentity(identity);
            long start = System.nanoTime();
            try {
                s.auth().verify(Duration.ofSeconds(30));
                throw new IllegalStateException("a wrong signature logged in");
            } catch (org.apache.sshd.common.SshException refused) {
                return (System.nanoTime() - start) / 1e6;
            }
        }
    }
}
JAVA
}
TIMING_ROUNDS=300
log "signature timing: $TIMING_ROUNDS wrong signatures for a held key and for an unknown one..."
timing_java > "$WORK/SignatureTiming.java"
java -cp "$ROOT/cli/target/lib/*" "$WORK/SignatureTiming.java" "$FERRY_SSH" vps-bench "$WORK/keys/client" "$WORK/keys/unknown" \
    "$TIMING_ROUNDS" \
    > "$WORK/timing.log" 2>&1 || { cat "$WORK/timing.log" >&2; echo "the signature timing failed" >&2; exit 1; }
LOAD_END="$(load_now)"

# --- the figures ---
med() { tr ' ' '\n' <<<"${TP[$1]}" | grep . | median; }
cpu_med() { tr ' ' '\n' <<<"$1" | grep . | median; }
sumed() { tr ' ' '\n' <<<"${SU[$1]}" | grep . | median; }
sup95() { tr ' ' '\n' <<<"${SU[$1]}" | grep . | p95; }
per_session() { awk -v a="$1" -v b="$2" -v n="$SESSIONS" 'BEGIN {printf "%.1f", (b - a) / n}'; }
CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
{
echo "=== Ferry benchmark: $(date -u +%Y-%m-%dT%H:%MZ) ==="
echo "machine:  $(nproc) cores, $CPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(java -version 2>&1 | head -1), $(ssh -V 2>&1 | cut -d, -f1)"
echo "command:  $COMMAND_LINE"
echo "load:     at start $LOAD_START; after throughput/set-up $LOAD_AFTER_SPEED; at end $LOAD_END (1/5/15 min)"
echo
echo "throughput, $SIZE_LABEL x $ROUNDS, median MiB/s (rounds); CPU seconds per GiB moved (medians): all processes"
echo "of the machine (client, bastion, sshd), and of them the Host's JVM"
for w in "${SSH_WAYS[@]}" "${SFTP_WAYS[@]}"; do
    printf '  %-22s %8s   (%s)   CPU s/GiB: all %5s, Host %5s\n' "${NAME[$w]}" "$(med "$w")" "${TP[$w]% }" \
        "$(cpu_med "${CPU_ALL[$w]}")" "$(cpu_med "${CPU_HOST[$w]}")"
done
r="$(ratio "$(med fjump_ssh)" "$(med ojump_ssh)")"; echo "  ratio ssh -J Ferry / ssh -J OpenSSH:        $r (target >= 0.90: $(verdict "$r" '>=' 0.90))"
r="$(ratio "$(med plain_ssh)" "$(med ojump_ssh)")"; echo "  ratio Ferry plain / ssh -J OpenSSH:        $r (target >= 0.90: $(verdict "$r" '>=' 0.90))"
r="$(ratio "$(med plain_sftp)" "$(med ojump_sftp)")"; echo "  ratio sftp Ferry plain / sftp -J OpenSSH:  $r"
echo
echo "set-up, ssh ... true x $SETUPS, ms: median, p95"
for w in "${SETUP_WAYS[@]}"; do printf '  %-22s %8s %8s\n' "${NAME[$w]}" "$(sumed "$w")" "$(sup95 "$w")"; done
r="$(ratio "$(sumed fjump_ssh)" "$(sumed ojump_ssh)")"; echo "  ratio ssh -J Ferry / ssh -J OpenSSH (median): $r (target <= 1.20: $(verdict "$r" '<=' 1.20))"
r="$(ratio "$(sumed plain_ssh)" "$(sumed ojump_ssh)")"; echo "  ratio Ferry plain / ssh -J OpenSSH (median):  $r (target <= 1.30: $(verdict "$r" '<=' 1.30))"
r="$(ratio "$(sumed person_ssh)" "$(sumed plain_ssh)")"; echo "  ratio a person's key, grant / a VPS key (median): $r (target <= 1.05: $(verdict "$r" '<=' 1.05))"
r="$(ratio "$(sumed cert_ssh)" "$(sumed plain_ssh)")"; echo "  ratio an SSO certificate, grant / a VPS key (median): $r (target <= 1.05: $(verdict "$r" '<=' 1.05))"
if $UNREC; then
    echo
    echo "what recording costs, the same run (plain unrecorded: a second Host, record_sessions = false):"
    r="$(ratio "$(med plain_ssh)" "$(med unrec_ssh)")"; echo "  throughput ssh plain recorded / unrecorded:   $r (target >= 0.95: $(verdict "$r" '>=' 0.95))"
    r="$(ratio "$(med plain_sftp)" "$(med unrec_sftp)")"; echo "  throughput sftp plain recorded / unrecorded:  $r (target >= 0.95: $(verdict "$r" '>=' 0.95))"
    r="$(ratio "$(sumed plain_ssh)" "$(sumed unrec_ssh)")"; echo "  set-up median recorded / unrecorded:         $r"
    pty_med() { tr ' ' '\n' <<<"${PTY_TP[$1]}" | grep . | median; }
    r="$(ratio "$(pty_med plain_ssh)" "$(pty_med unrec_ssh)")"
    echo "  terminal flat out ($PTY_MIB MiB as base64, ssh -tt), MiB/s shown: recorded $(pty_med plain_ssh) (${PTY_TP[plain_ssh]% }), unrecorded $(pty_med unrec_ssh) (${PTY_TP[unrec_ssh]% }): $r"
    read -r b0 b1 b2 <<<"${PTY_HEAP[plain_ssh]}"; read -r u0 u1 u2 <<<"${PTY_HEAP[unrec_ssh]}"
    echo "  heap after GC (KiB) before / while / after it: recorded $b0 / $b1 / $b2, unrecorded $u0 / $u1 / $u2"
    echo "  a busy terminal, ${BUSY_SECS} s showing $BUSY_SHOWN bytes: recorded in $BUSY_CAST bytes (.cast.gz) and $BUSY_EVENTS (events),"
    awk -v c="$BUSY_CAST" -v e="$BUSY_EVENTS" -v shown="$BUSY_SHOWN" -v s="$BUSY_SECS" 'BEGIN {
        printf "    %.1f KiB of recording per minute for %.1f KiB shown per minute\n", (c + e) / 1024 * 60 / s, shown / 1024 * 60 / s }'
    if [[ -n "${MEM_WITH[unrec]:-}" && -n "${MEM_WITH[plain]:-}" ]]; then
        read -r h0 _ <<<"${MEM_BEFORE[plain]}"; read -r h1 _ <<<"${MEM_WITH[plain]}"
        read -r g0 _ <<<"${MEM_BEFORE[unrec]}"; read -r g1 _ <<<"${MEM_WITH[unrec]}"
        echo "  heap per idle session: recorded $(per_session "$h0" "$h1") KiB, unrecorded $(per_session "$g0" "$g1") KiB"
    fi
fi
if (( SESSIONS > 0 )); then
    echo
    echo "Host JVM with $SESSIONS concurrent idle sessions, $HOLDER_KIND clients (heap used after jcmd GC.run, VmRSS; KiB;"
    echo "idle CPU: % of one core over $IDLE_SECONDS s with the sessions open; host config: $(tr '\n' ' ' < "$WORK/ferry/config.toml"))"
    printf '  %-11s %10s %10s %11s %10s %10s %11s %9s %6s %8s\n' mode "heap 0" "heap $SESSIONS" "heap/sess" "RSS 0" "RSS $SESSIONS" "RSS/sess" threads "open s" "idle CPU"
    declare -A MODE_LABEL=([plain]=plain [jump]=ProxyJump [unrec]="plain unrec")
    for m in plain unrec jump; do
        [[ -n "${MEM_WITH[$m]:-}" ]] || continue
        read -r h0 r0 t0 <<<"${MEM_BEFORE[$m]}"; read -r h1 r1 t1 <<<"${MEM_WITH[$m]}"
        printf '  %-11s %10s %10s %11s %10s %10s %11s %9s %6s %7s%%\n' "${MODE_LABEL[$m]}" \
            "$h0" "$h1" "$(per_session "$h0" "$h1")" "$r0" "$r1" "$(per_session "$r0" "$r1")" "$t0->$t1" "${HOLD_SECS[$m]}" \
            "${IDLE_CPU[$m]}"
    done
    if [[ -n "${MEM_WITH[jump]:-}" ]]; then
        read -r h0 r0 _ <<<"${MEM_BEFORE[jump]}"; read -r h1 r1 _ <<<"${MEM_WITH[jump]}"
        for v in "heap $(per_session "$h0" "$h1")" "RSS $(per_session "$r0" "$r1")"; do
            echo "  ProxyJump ${v% *} per session: ${v#* } KiB (target <= 64: $(verdict "${v#* }" '<=' 64))"
        done
    fi
    if [[ -n "${MEM_WITH[ojump]:-}" ]]; then
        read -r r0 p0 n0 <<<"${MEM_BEFORE[ojump]}"; read -r r1 p1 n1 <<<"${MEM_WITH[ojump]}"
        echo "OpenSSH sshd as the jump host with the same $SESSIONS sessions (all its processes; KiB)"
        printf '  %10s %10s %11s %10s %10s %11s %11s %6s\n' "RSS 0" "RSS $SESSIONS" "RSS/sess" "PSS 0" "PSS $SESSIONS" "PSS/sess" processes "open s"
        printf '  %10s %10s %11s %10s %10s %11s %11s %6s\n' "$r0" "$r1" "$(per_session "$r0" "$r1")" "$p0" "$p1" \
            "$(per_session "$p0" "$p1")" "$n0->$n1" "${HOLD_SECS[ojump]}"
    fi
    for m in plain unrec jump; do
        [[ -n "${MEM_WITH[$m]:-}" ]] || continue
        grown="$(awk 'NR == FNR {b[$2] = $1; next} {w[$2] = $1}
            END {for (k in w) if (w[k] != b[k]) printf "%s %d->%d; ", k, b[k], w[k]; for (k in b) if (!(k in w)) printf "%s %d->0; ", k, b[k]}' \
            "$WORK/threads-$m-before" "$WORK/threads-$m-with")"
        if [[ -n "$grown" ]]; then echo "  threads that changed ($m): $grown"; fi
    done
fi
echo
timing_stats() { # held|unknown -> "median p25 p75 n"
    awk -v k="$1" '$1 == k {print $2}' "$WORK/timing.log" | sort -n | awk '{a[NR] = $1}
        END {m = (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2); print m, a[int(NR * 0.25) + 1], a[int(NR * 0.75) + 1], NR}'
}
read -r hm h25 h75 hn <<<"$(timing_stats held)"; read -r um u25 u75 un <<<"$(timing_stats unknown)"
echo "a wrong signature, $TIMING_ROUNDS logins each (ms from the first auth request to the refusal):"
printf '  key vps-bench holds   median %.3f (p25 %.3f, p75 %.3f)\n' "$hm" "$h25" "$h75"
printf '  key nobody holds      median %.3f (p25 %.3f, p75 %.3f)\n' "$um" "$u25" "$u75"
# the noise: twice the standard error of the difference of the medians (1.2533 sigma / sqrt(n), sigma = IQR / 1.349)
awk -v hm="$hm" -v um="$um" -v hi="$(awk -v a="$h75" -v b="$h25" 'BEGIN {print a - b}')" \
    -v ui="$(awk -v a="$u75" -v b="$u25" 'BEGIN {print a - b}')" -v hn="$hn" -v un="$un" 'BEGIN {
    hs = 1.2533 * hi / 1.349 / sqrt(hn); us = 1.2533 * ui / 1.349 / sqrt(un); noise = 2 * sqrt(hs * hs + us * us)
    d = hm - um; printf "  difference %.3f ms, noise (2 standard errors) %.3f ms: %s\n", d, noise,
    (d < 0 ? -d : d) <= noise ? "within the noise" : "LARGER THAN THE NOISE" }'
echo
echo "negotiated (kex, cipher, MAC per hop; stock client defaults):"
echo "  ssh direct           client->target: $ALG_DIRECT"
echo "  ssh -J Ferry         client->Ferry ; client->target: $ALG_FJUMP"
echo "  ssh -J OpenSSH sshd  client->sshd ; client->target: $ALG_OJUMP"
echo "  Ferry plain          client->Ferry: $ALG_PLAIN"
echo "                       Ferry->target: $ALG_UPSTREAM"
echo
echo "Host log: $(grep -c ' WARN ' "$WORK/ferry/logs/ferry-host.log" || true) WARN, $(grep -c ' ERROR ' "$WORK/ferry/logs/ferry-host.log" || true) ERROR lines"
grep -E ' (WARN|ERROR) ' "$WORK/ferry/logs/ferry-host.log" | sed -E 's/[0-9]{3,}/N/g' | cut -c1-300 | sort | uniq -c | sort -rn | head -10 | sed 's/^/  /' || true
}
