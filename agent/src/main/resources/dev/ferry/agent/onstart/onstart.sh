#!/bin/sh
# Ferry's start-up step, run by the runner with `docker exec` as root after every start of a VPS
# container. It never relies on the image's ENTRYPOINT (shared/seeds/000): whatever the image runs as its
# command, this is what makes sshd run. Idempotent: run again on every restart and on key changes.
#
# Input (environment of the exec):
#   FERRY_AUTHORIZED_KEYS         the VPS's public keys, one OpenSSH line each
#   FERRY_LOGIN_KEYS              optional: keys of people granted other login users than root, a line each:
#                                 "USER KEY"; sshd reads them from /etc/ssh/ferry_keys/USER
#   FERRY_CLIENT_CA_KEY           optional: the Host's client CA (SSO), whose certificates let people in by name
#   FERRY_CERTIFICATE_LOGINS      optional, with it: "USER NAME,NAME" lines, the people whose certificate may log
#                                 in as USER (root included): a cert-authority line in /etc/ssh/ferry_keys/USER
#   FERRY_TRUSTED_USER_CA_KEYS    optional: user CA public keys for certificate logins (TrustedUserCAKeys)
#   FERRY_USER_PRINCIPAL          the one certificate principal this sshd accepts, for every login user
#                                 (AuthorizedPrincipalsFile): the bastion's certificates for other VPS are refused
#   FERRY_HOST_CERTIFICATE        optional: the Host's certificate for the host key reported below (HostCertificate)
#   FERRY_VPS_ID                  for the log
#   FERRY_CONTAINER_ID            the container's id: host keys not made in this container are replaced
# Exit codes (the runner maps them to the VPS's error): 0 sshd runs with Ferry's config,
#   3 the image has no sshd, 4 sshd did not start, 5 another step failed.
# Output: on success, a line "ferry-host-key: <line>" with sshd's host public key (ed25519, else ecdsa,
#   else rsa), which the runner checks and reports so that the bastion knows what to expect, and when sshd
#   serves a host certificate for it, a line "ferry-host-certificate: <line>".
# POSIX sh only: images differ, and a minimal one has no bash, pgrep or awk.
set -u
umask 022
LOG=/var/log/ferry-onstart.log
CONFIG=/etc/ssh/ferry_sshd_config
CA_FILE=/etc/ssh/ferry_user_ca_keys.pub
CERT_FILE=/etc/ssh/ferry_host_key-cert.pub
PRINCIPALS_FILE=/etc/ssh/ferry_principals
LOGIN_KEYS_DIR=/etc/ssh/ferry_keys
KEYS_MARKER=/etc/ssh/ferry_host_keys_of
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

# 2. Host keys, each VPS its own. Keys that came with the image (made when openssh-server was installed in it)
#    are the same in every container of that image, so every tenant of it holds them and could pose as the
#    others' sshd: the first step in a container replaces them. After that only missing ones are made, so a
#    restart keeps the VPS's identity. The marker names the container whose keys these are; a container a runner
#    set up before the marker existed (Ferry's config is there) keeps its keys, as its users know them.
keys_changed=0
if [ "$(cat "$KEYS_MARKER" 2>/dev/null)" != "${FERRY_CONTAINER_ID:-}" ]; then
  if { [ -f "$KEYS_MARKER" ] || [ ! -f "$CONFIG" ]; } && ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1; then
    rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub "$CERT_FILE" \
      || fail 5 "cannot remove the host keys that came with the image"
    keys_changed=1
    log "host keys that came with the image removed: this VPS gets its own"
  fi
  printf '%s\n' "${FERRY_CONTAINER_ID:-}" >"$KEYS_MARKER" || fail 5 "cannot write $KEYS_MARKER"
fi
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

# 4a. Keys of people granted another login user (the user's own ~/.ssh/authorized_keys is left as it is):
#     root-owned files sshd reads besides it, made anew as a whole so a grant taken away stops working.
rm -rf "$LOGIN_KEYS_DIR.new" && mkdir -m 0755 "$LOGIN_KEYS_DIR.new" || fail 5 "cannot create $LOGIN_KEYS_DIR"
printf '%s\n' "${FERRY_LOGIN_KEYS:-}" | while read -r user key; do
  case "$user" in ''|.*|*[!a-z0-9_.-]*) continue ;; esac
  printf '%s\n' "$key" >>"$LOGIN_KEYS_DIR.new/$user"
done
if [ -n "${FERRY_CLIENT_CA_KEY:-}" ]; then
  printf '%s\n' "${FERRY_CERTIFICATE_LOGINS:-}" | while read -r user names; do
    case "$user" in ''|.*|*[!a-z0-9_.-]*) continue ;; esac
    case "$names" in ''|*[!a-z0-9_,-]*) continue ;; esac
    printf 'cert-authority,principals="%s" %s\n' "$names" "$FERRY_CLIENT_CA_KEY" >>"$LOGIN_KEYS_DIR.new/$user"
  done
fi
chmod 0644 "$LOGIN_KEYS_DIR.new"/* 2>/dev/null
rm -rf "$LOGIN_KEYS_DIR" && mv "$LOGIN_KEYS_DIR.new" "$LOGIN_KEYS_DIR" || fail 5 "cannot write $LOGIN_KEYS_DIR"
log "login users with people's keys: $(ls "$LOGIN_KEYS_DIR" | tr '\n' ' ')"

# 4b. A locked root ('!' in /etc/shadow, as some images ship it) is refused even with a key by an sshd
#     without PAM. '*' (no password at all) is not locked: keys work, passwords still cannot.
if grep -q '^root:!' /etc/shadow 2>/dev/null; then
  ( umask 077; sed 's/^root:![^:]*:/root:*:/' /etc/shadow >/etc/shadow.ferry-tmp ) \
    && cat /etc/shadow.ferry-tmp >/etc/shadow && rm -f /etc/shadow.ferry-tmp \
    || fail 5 "cannot unlock root in /etc/shadow (locked with '!', which sshd refuses even for key logins)"
  log "root was locked ('!' in /etc/shadow): set to '*' (no password) so that key logins work"
fi

# 5. Ferry's own sshd config, separate from the image's: sshd_config.d is not read by every image's
#    sshd_config, so sshd is started with -f instead.
ca_line=
if [ -n "${FERRY_TRUSTED_USER_CA_KEYS:-}" ]; then
  printf '%s\n' "$FERRY_TRUSTED_USER_CA_KEYS" >"$CA_FILE" && chmod 0644 "$CA_FILE" \
    || fail 5 "cannot write $CA_FILE"
  ca_line="TrustedUserCAKeys $CA_FILE"
fi
# Certificates name the VPS they are for; this file (one for all users) names this VPS only, so a certificate
# minted for another VPS does not log in here, whichever endpoint the bastion was given.
[ -n "${FERRY_USER_PRINCIPAL:-}" ] || fail 5 "the runner passed no certificate principal for this VPS"
tmp="$PRINCIPALS_FILE.ferry-tmp"
printf '%s\n' "$FERRY_USER_PRINCIPAL" >"$tmp" && chmod 0644 "$tmp" && chown 0:0 "$tmp" \
  && mv -f "$tmp" "$PRINCIPALS_FILE" || fail 5 "cannot write $PRINCIPALS_FILE"
# The host certificate: clients with the Host's @cert-authority line trust this sshd without a prompt. The
# runner passes the one the Host issued for the host key it last heard of; it is installed only when it
# certifies this sshd's key (a container made anew has new keys, which the Host certifies once reported). A
# certificate installed before stays while it certifies this sshd's key, also when none is passed: a runner or
# Host that restarts does not take trust away. sshd reads it only at (re)load, so a new one needs a reload too.
host_pub=
for type in ed25519 ecdsa rsa; do
  if [ -s "/etc/ssh/ssh_host_${type}_key.pub" ]; then host_pub="/etc/ssh/ssh_host_${type}_key.pub"; break; fi
done
# Whether the certificate in file $1 is for the host key step 7 reports.
certifies() {
  [ -n "$host_pub" ] && [ -s "$1" ] || return 1
  want=$(ssh-keygen -lf "$host_pub" 2>/dev/null | cut -d' ' -f2)
  got=$(ssh-keygen -Lf "$1" 2>/dev/null | sed -n 's/^ *Public key: [^ ]* \(SHA256:[^ ]*\).*/\1/p')
  [ -n "$want" ] && [ "$want" = "$got" ]
}
cert_line=
cert_changed=0
if [ -n "${FERRY_HOST_CERTIFICATE:-}" ]; then
  printf '%s\n' "$FERRY_HOST_CERTIFICATE" >"$CERT_FILE.new" && chmod 0644 "$CERT_FILE.new" \
    || fail 5 "cannot write $CERT_FILE"
  if certifies "$CERT_FILE.new"; then
    cmp -s "$CERT_FILE" "$CERT_FILE.new" 2>/dev/null || cert_changed=1
    mv -f "$CERT_FILE.new" "$CERT_FILE" || fail 5 "cannot write $CERT_FILE"
    log "host certificate installed"
  else
    rm -f "$CERT_FILE.new"
    log "the Host's host certificate is for another key than this sshd's; the Host certifies this one once reported"
  fi
fi
if certifies "$CERT_FILE"; then
  cert_line="HostCertificate $CERT_FILE"
elif [ -e "$CERT_FILE" ]; then
  rm -f "$CERT_FILE"
  cert_changed=1
  log "the host certificate was for another key than this sshd's: removed"
fi
# PAM where the image has sshd's PAM config, as Debian's own sshd runs: its account check lets a user made with
# useradd (a locked '!' password) log in with a key or a certificate, which sshd alone refuses. PAM then prints
# the motd, so sshd does not print it twice. An sshd built without PAM is told no (below).
use_pam=no
[ -f /etc/pam.d/sshd ] && use_pam=yes
# $1: KbdInteractiveAuthentication, or its former name for older sshd
write_config() {
  print_motd=yes
  [ "$use_pam" = yes ] && print_motd=no
  cat >"$CONFIG.new" <<CONF || return 1
# Written by Ferry's start-up step; sshd is started with -f $CONFIG. Changes are overwritten.
Port 22
PidFile $PIDFILE
PasswordAuthentication no
$1 no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys $LOGIN_KEYS_DIR/%u
AuthorizedPrincipalsFile $PRINCIPALS_FILE
UsePAM $use_pam
PrintMotd $print_motd
Subsystem sftp internal-sftp
AllowTcpForwarding yes
# as Debian's own sshd: ssh -X works where the image has xauth (the display stays on the container's loopback)
X11Forwarding yes
# IPv4 only: a container on a network without IPv6 has no ::1, where sshd would also bind the X11 display (and
# then refuse the forwarding: "Failed to allocate internet-domain X11 display socket"); the bastion dials IPv4
AddressFamily inet
# every connection comes through the bastion, from one address: 50 parallel logins (Ansible's forks) must pass
MaxStartups 100:30:200
$ca_line
$cert_line
CONF
}
# KbdInteractiveAuthentication is OpenSSH 8.7+; older sshd only knows its former name. An sshd built without PAM
# rejects UsePAM yes.
config_ok() {
  for kbd in KbdInteractiveAuthentication ChallengeResponseAuthentication; do
    write_config "$kbd" || fail 5 "cannot write $CONFIG"
    check=$("$SSHD" -t -f "$CONFIG.new" 2>&1) && return 0
  done
  return 1
}
if ! config_ok; then
  [ "$use_pam" = yes ] || fail 4 "sshd rejects Ferry's configuration: $check"
  use_pam=no
  config_ok || fail 4 "sshd rejects Ferry's configuration: $check"
fi
changed=1
if [ -f "$CONFIG" ] && cmp -s "$CONFIG" "$CONFIG.new" 2>/dev/null && [ "$cert_changed$keys_changed" = 00 ]; then
  changed=0
fi
mv -f "$CONFIG.new" "$CONFIG"

# 6. sshd with Ferry's config, unless it already runs (a re-run for new keys needs no restart: sshd
#    reads authorized_keys at every login).
running_pid() {
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  # A stale pid file from before a restart may name an unrelated process, even this step's own shell, whose
  # command line holds the config's path too (pids start again from 1 in a restarted container): an sshd only.
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$CONFIG" || return 1
  echo "$pid"
}
# Starts Ferry's sshd and waits for its pid file; sets pid, or status, out and why for the error.
start_sshd() {
  rm -f "$PIDFILE"
  out=$("$SSHD" -f "$CONFIG" -E "$SSHD_LOG" 2>&1)
  status=$?
  i=0
  while [ $i -lt 20 ] && ! running_pid >/dev/null; do sleep 0.1; i=$((i + 1)); done
  pid=$(running_pid) && return 0
  why=$(tail -n 3 "$SSHD_LOG" 2>/dev/null | tr '\n' ' ')
  return 1
}
# The listening sshd processes this step did not start, one pid per line. Those serving one connection
# ("sshd: root@pts/0", or any sshd whose parent is an sshd) are left alone.
foreign_sshd() {
  for d in /proc/[0-9]*; do
    exe=$(readlink "$d/exe" 2>/dev/null) || continue
    case "$exe" in */sshd) ;; *) continue ;; esac
    cmd=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)
    case "$cmd" in *"$CONFIG"*) continue ;; "sshd: "*"[listener]"*) ;; "sshd: "*) continue ;; esac
    ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "$d/status" 2>/dev/null)
    case "$(readlink "/proc/$ppid/exe" 2>/dev/null)" in */sshd) continue ;; esac
    echo "${d#/proc/}"
  done
}
# The sshd processes this step did not start that have not yet set their title (a listener's is "sshd: ...
# [listener]", a connection's "sshd: ..."): still starting. Pid 1 is left out: an image whose command is sshd
# itself is taken over, not stopped, and is reloaded as before.
starting_sshd() {
  for d in /proc/[0-9]*; do
    [ "$d" = /proc/1 ] && continue
    exe=$(readlink "$d/exe" 2>/dev/null) || continue
    case "$exe" in */sshd) ;; *) continue ;; esac
    cmd=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)
    case "$cmd" in *"$CONFIG"*|"sshd: "*|"") continue ;; esac
    echo "${d#/proc/}"
  done
}
# Puts Ferry's settings at the top of the config file of the image's sshd running as pid 1 (in sshd_config
# the first value of a keyword wins) and makes it reload; a block from an earlier run is replaced, and when
# it is the same (and so is the host certificate) the sshd is left alone.
take_over_pid1_sshd() {
  file=/etc/ssh/sshd_config
  prev=
  for arg in $(tr '\0' '\n' </proc/1/cmdline 2>/dev/null); do
    case "$arg" in -f?*) file=${arg#-f} ;; esac
    [ "$prev" = -f ] && file=$arg
    prev=$arg
  done
  [ -f "$file" ] || fail 4 "the image runs its own sshd as its command and its config $file is not there"
  {
    echo "# >>> Ferry: written by Ferry's start-up step at every start; the first value of a keyword wins"
    grep -E '^(PasswordAuthentication|KbdInteractiveAuthentication|ChallengeResponseAuthentication|PermitRootLogin|PubkeyAuthentication|AuthorizedKeysFile|AuthorizedPrincipalsFile|UsePAM|PrintMotd|TrustedUserCAKeys|HostCertificate|MaxStartups) ' "$CONFIG"
    echo "# <<< Ferry"
    sed '/^# >>> Ferry:/,/^# <<< Ferry/d' "$file"
  } >"$file.ferry-new" || fail 5 "cannot write $file.ferry-new"
  check=$("$SSHD" -t -f "$file.ferry-new" 2>&1) \
    || { rm -f "$file.ferry-new"; fail 4 "the image's own sshd (its command) rejects Ferry's settings in $file: $check"; }
  # a run again for a busy sshd changes nothing: a reload would drop the connections waiting to be accepted
  if [ "$cert_changed$keys_changed" = 00 ] && cmp -s "$file.ferry-new" "$file" 2>/dev/null; then
    rm -f "$file.ferry-new"
    log "the image's own sshd (pid 1, its command) holds port 22 and already has Ferry's settings in $file"
    return 0
  fi
  cat "$file.ferry-new" >"$file" && rm -f "$file.ferry-new" || fail 5 "cannot write $file"
  kill -HUP 1 || fail 4 "cannot reload the image's own sshd (pid 1)"
  log "the image's own sshd (pid 1, its command) holds port 22: Ferry's settings head $file and it reloaded"
}
if pid=$(running_pid); then
  if [ "$changed" = 1 ]; then
    kill -HUP "$pid" && log "sshd (pid $pid) reloaded for the new configuration"
  else
    log "sshd already runs (pid $pid)"
  fi
else
  # Port 22 may be held by the image's own sshd, with the image's settings (passwords, perhaps). One still
  # starting (not yet titled "[listener]") is given up to 3 s: before it forks into the background the image's
  # command may wait on it ("sshd && exec app"), and stopping it then fails that command and stops the container.
  i=0
  while [ $i -lt 30 ] && [ -n "$(starting_sshd)" ]; do sleep 0.1; i=$((i + 1)); done
  took_over=0
  for other in $(foreign_sshd); do
    if [ "$other" = 1 ]; then
      # The image's command is sshd: stopping it would stop the container, so it gets Ferry's settings.
      take_over_pid1_sshd
      took_over=1
    else
      log "stopping the image's own sshd (pid $other): Ferry's sshd serves port 22"
      kill -TERM "$other" 2>/dev/null
    fi
  done
  i=0
  while [ $i -lt 20 ] && [ -n "$(foreign_sshd | grep -vx 1)" ]; do sleep 0.1; i=$((i + 1)); done
  if start_sshd; then
    log "sshd started (pid $pid) with $CONFIG"
  elif [ "$took_over" = 1 ]; then
    log "the image's own sshd (pid 1) serves port 22 with Ferry's settings"
  else
    fail 4 "sshd did not start (exit $status): $out $why"
  fi
fi
# 7. The host key the bastion is to expect. The runner parses and bounds it: nothing here is trusted.
for type in ed25519 ecdsa rsa; do
  if [ -s "/etc/ssh/ssh_host_${type}_key.pub" ]; then
    printf 'ferry-host-key: %s\n' "$(sed -n 1p "/etc/ssh/ssh_host_${type}_key.pub")"
    break
  fi
done
# ... and the certificate it serves, if any: the runner tells the Host, which knows whether it is its own.
[ -n "$cert_line" ] && printf 'ferry-host-certificate: %s\n' "$(sed -n 1p "$CERT_FILE")"
log "start-up step done"
exit 0
