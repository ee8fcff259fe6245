#!/bin/sh
# Ferry's start-up step, run by the runner with `docker exec` as root after every start of a VPS
# container. It never relies on the image's ENTRYPOINT (shared/seeds/000): whatever the image runs as its
# command, this is what makes sshd run. Idempotent: run again on every restart and on key changes.
#
# Input (environment of the exec):
#   FERRY_AUTHORIZED_KEYS         the VPS's public keys, one OpenSSH line each
#   FERRY_TRUSTED_USER_CA_KEYS    optional: user CA public keys for certificate logins (TrustedUserCAKeys)
#   FERRY_VPS_ID                  for the log
# Exit codes (the runner maps them to the VPS's error): 0 sshd runs with Ferry's config,
#   3 the image has no sshd, 4 sshd did not start, 5 another step failed.
# POSIX sh only: images differ, and a minimal one has no bash, pgrep or awk.
set -u
umask 022
LOG=/var/log/ferry-onstart.log
CONFIG=/etc/ssh/ferry_sshd_config
CA_FILE=/etc/ssh/ferry_user_ca_keys.pub
PIDFILE=/run/ferry-sshd.pid
SSHD_LOG=/var/log/ferry-sshd.log

mkdir -p /var/log 2>/dev/null
log() {
  line="$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null) [vps ${FERRY_VPS_ID:-?}] $*"
  echo "$line" >>"$LOG" 2>/dev/null
  echo "$line"
}
fail() {
  code=$1; shift
  log "error: $*"
  echo "$*" >&2
  exit "$code"
}

log "start-up step begins"

# 1. sshd must be in the image: the runner does not install packages into a user's image.
SSHD=
if [ -x /usr/sbin/sshd ]; then
  SSHD=/usr/sbin/sshd
else
  SSHD=$(command -v sshd 2>/dev/null || true)
fi
if [ -z "$SSHD" ]; then
  fail 3 "the image lacks openssh-server (no sshd in it): install it in the image (Debian/Ubuntu: RUN apt-get update && apt-get install -y openssh-server; Alpine: RUN apk add openssh-server) or use an image that has it"
fi
command -v ssh-keygen >/dev/null 2>&1 \
  || fail 3 "the image lacks ssh-keygen (openssh-server is incomplete): install openssh-server in the image"

# 2. Host keys: only missing ones are made, so a restart keeps the VPS's identity.
out=$(ssh-keygen -A 2>&1) || fail 5 "ssh-keygen -A failed: $out"
[ -n "$out" ] && log "$out"

# 3. Privilege separation directory; /run may be fresh after a restart.
mkdir -p /run/sshd && chmod 0755 /run/sshd || fail 5 "cannot create /run/sshd"

# 4. Authorized keys for root, replaced as a whole so removed keys stop working.
ROOT_HOME=/root
while IFS=: read -r user _ _ _ _ home _; do
  if [ "$user" = root ] && [ -n "$home" ]; then ROOT_HOME=$home; fi
done </etc/passwd
mkdir -p "$ROOT_HOME/.ssh" && chmod 0700 "$ROOT_HOME/.ssh" || fail 5 "cannot create $ROOT_HOME/.ssh"
tmp="$ROOT_HOME/.ssh/authorized_keys.ferry-tmp"
( umask 077; printf '%s\n' "${FERRY_AUTHORIZED_KEYS:-}" >"$tmp" ) \
  && chmod 0600 "$tmp" && chown 0:0 "$ROOT_HOME/.ssh" "$tmp" && mv -f "$tmp" "$ROOT_HOME/.ssh/authorized_keys" \
  || fail 5 "cannot write $ROOT_HOME/.ssh/authorized_keys"
count=$(grep -c . "$ROOT_HOME/.ssh/authorized_keys" 2>/dev/null || echo 0)
log "authorized keys for root: $count"

# 5. Ferry's own sshd config, separate from the image's: sshd_config.d is not read by every image's
#    sshd_config, so sshd is started with -f instead.
ca_line=
if [ -n "${FERRY_TRUSTED_USER_CA_KEYS:-}" ]; then
  printf '%s\n' "$FERRY_TRUSTED_USER_CA_KEYS" >"$CA_FILE" && chmod 0644 "$CA_FILE" \
    || fail 5 "cannot write $CA_FILE"
  ca_line="TrustedUserCAKeys $CA_FILE"
fi
write_config() {
  cat >"$CONFIG.new" <<CONF || return 1
# Written by Ferry's start-up step; sshd is started with -f $CONFIG. Changes are overwritten.
Port 22
PidFile $PIDFILE
PasswordAuthentication no
$1 no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
UsePAM no
Subsystem sftp internal-sftp
AllowTcpForwarding yes
X11Forwarding no
$ca_line
CONF
}
# KbdInteractiveAuthentication is OpenSSH 8.7+; older sshd only knows its former name.
write_config KbdInteractiveAuthentication || fail 5 "cannot write $CONFIG"
if ! "$SSHD" -t -f "$CONFIG.new" >/dev/null 2>&1; then
  write_config ChallengeResponseAuthentication || fail 5 "cannot write $CONFIG"
  check=$("$SSHD" -t -f "$CONFIG.new" 2>&1) || fail 4 "sshd rejects Ferry's configuration: $check"
fi
changed=1
if [ -f "$CONFIG" ] && cmp -s "$CONFIG" "$CONFIG.new" 2>/dev/null; then changed=0; fi
mv -f "$CONFIG.new" "$CONFIG"

# 6. sshd with Ferry's config, unless it already runs (a re-run for new keys needs no restart: sshd
#    reads authorized_keys at every login).
running_pid() {
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  # A stale pid file from before a restart may name an unrelated process.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$CONFIG" || return 1
  echo "$pid"
}
if pid=$(running_pid); then
  if [ "$changed" = 1 ]; then
    kill -HUP "$pid" && log "sshd (pid $pid) reloaded for the new configuration"
  else
    log "sshd already runs (pid $pid)"
  fi
else
  rm -f "$PIDFILE"
  out=$("$SSHD" -f "$CONFIG" -E "$SSHD_LOG" 2>&1)
  status=$?
  i=0
  while [ $i -lt 20 ] && ! running_pid >/dev/null; do sleep 0.1; i=$((i + 1)); done
  if ! pid=$(running_pid); then
    why=$(tail -n 3 "$SSHD_LOG" 2>/dev/null | tr '\n' ' ')
    fail 4 "sshd did not start (exit $status): $out $why"
  fi
  log "sshd started (pid $pid) with $CONFIG"
fi
log "start-up step done"
exit 0
