#!/usr/bin/env bash
# Benchmark: Ferry as a ProxyJump host against OpenSSH's own sshd as a jump host (restricted with
# permitopen to the same target), both in front of the same target sshd, measured in one run.
#   src/bench/jump-bench.sh [GiB per throughput round, default 1] [throughput rounds, default 3] [set-up runs, default 30]
# Prints MiB/s (median of the rounds), set-up median and p95, and Ferry/OpenSSH ratios.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
GIB="${1:-1}"
ROUNDS="${2:-3}"
SETUPS="${3:-30}"
WORK="$(mktemp -d /tmp/ferry-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

USER_NAME="$(id -un)"
mkdir -p /run/sshd "$WORK/keys"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$WORK/keys/client"
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
CFG
}

TARGET_PORT="$(free_port)"
echo "$CLIENT_PUB" > "$WORK/target_keys"
sshd_config "$TARGET_PORT" "$WORK/keys/target_host" "$WORK/target_keys" > "$WORK/target_config"
/usr/sbin/sshd -D -e -f "$WORK/target_config" 2>"$WORK/target.log" & PIDS+=($!)

JUMP_PORT="$(free_port)"
echo "restrict,port-forwarding,permitopen=\"127.0.0.1:$TARGET_PORT\" $CLIENT_PUB" > "$WORK/jump_keys"
sshd_config "$JUMP_PORT" "$WORK/keys/jump_host" "$WORK/jump_keys" > "$WORK/jump_config"
/usr/sbin/sshd -D -e -f "$WORK/jump_config" 2>"$WORK/jump.log" & PIDS+=($!)

FERRY_SSH="$(free_port)"
FERRY_API="$(free_port)"
"$ROOT/ferry" --version >/dev/null # build first, outside the timing
FERRY_HOME="$WORK/ferry" "$ROOT/ferry" host --data-dir "$WORK/ferry" --bind 127.0.0.1 --ssh-port "$FERRY_SSH" \
    --api-port "$FERRY_API" > "$WORK/ferry.log" 2>&1 & PIDS+=($!)
wait_port "$TARGET_PORT"; wait_port "$JUMP_PORT"; wait_port "$FERRY_SSH"; wait_port "$FERRY_API"
FERRY_TOKEN="$(cat "$WORK/ferry/admin.token")" "$ROOT/ferry" vps add --endpoint "127.0.0.1:$TARGET_PORT" \
    --name bench --ssh-key "$WORK/keys/client.pub" --host "http://127.0.0.1:$FERRY_API" >/dev/null 2>&1

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

ferry_ssh()   { ssh -F "$WORK/ssh_config" -J "vps-bench@127.0.0.1:$FERRY_SSH" "$USER_NAME@vps-bench" "$@"; }
openssh_ssh() { ssh -F "$WORK/ssh_config" -J "$USER_NAME@127.0.0.1:$JUMP_PORT" -p "$TARGET_PORT" "$USER_NAME@127.0.0.1" "$@"; }

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; if (i>NR) i=NR; print a[i]}'; }

throughput() { # which -> MiB/s of one round
    local start end
    start=$(now_ns)
    head -c "$((GIB * 1024 * 1024 * 1024))" /dev/zero | "$1" 'cat > /dev/null'
    end=$(now_ns)
    awk -v b="$((GIB * 1024))" -v ns="$((end - start))" 'BEGIN {printf "%.1f\n", b / (ns / 1e9)}'
}

setup_ms() { # which -> ms of one `true`
    local start end
    start=$(now_ns); "$1" true; end=$(now_ns)
    awk -v ns="$((end - start))" 'BEGIN {printf "%.1f\n", ns / 1e6}'
}

echo "warming up (JIT)..." >&2
for _ in 1 2 3 4 5; do ferry_ssh true; openssh_ssh true; done
head -c $((256 * 1024 * 1024)) /dev/zero | ferry_ssh 'cat > /dev/null'

declare -a FT OT FS OS
for r in $(seq "$ROUNDS"); do
    FT+=("$(throughput ferry_ssh)"); OT+=("$(throughput openssh_ssh)")
    echo "round $r: ferry ${FT[-1]} MiB/s, openssh ${OT[-1]} MiB/s" >&2
done
for _ in $(seq "$SETUPS"); do FS+=("$(setup_ms ferry_ssh)"); OS+=("$(setup_ms openssh_ssh)"); done

ft=$(printf '%s\n' "${FT[@]}" | median); ot=$(printf '%s\n' "${OT[@]}" | median)
fsm=$(printf '%s\n' "${FS[@]}" | median); osm=$(printf '%s\n' "${OS[@]}" | median)
fsp=$(printf '%s\n' "${FS[@]}" | p95); osp=$(printf '%s\n' "${OS[@]}" | p95)

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "throughput (${GIB} GiB x ${ROUNDS}, median): ferry ${ft} MiB/s, openssh jump ${ot} MiB/s, ratio $(awk -v a="$ft" -v b="$ot" 'BEGIN {printf "%.2f", a/b}') (target >= 0.90)"
echo "set-up (ssh -J ... true x ${SETUPS}): ferry median ${fsm} ms p95 ${fsp} ms, openssh jump median ${osm} ms p95 ${osp} ms, median ratio $(awk -v a="$fsm" -v b="$osm" 'BEGIN {printf "%.2f", a/b}') (target <= 1.20)"
