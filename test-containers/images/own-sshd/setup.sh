#!/bin/sh
# Sets an image up to run its own sshd the careless way that Ferry must correct: its own host keys,
# passwords and root logins allowed at the top of sshd_config, and root locked ('!' in /etc/shadow).
set -eu
ssh-keygen -A
mkdir -p /run/sshd
sed -i '1i PasswordAuthentication yes\nPermitRootLogin yes' /etc/ssh/sshd_config
usermod -p '!' root
