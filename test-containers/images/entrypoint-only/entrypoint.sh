#!/bin/sh
# Stands in for an application image whose ENTRYPOINT does its own thing and never starts sshd
# (shared/seeds/000: a platform that overrides or skips the entrypoint). Ferry must not rely on it:
# the runner's start-up step (docker exec) is what starts sshd.
echo "entrypoint-only: application entrypoint running; it does not start sshd"
# Quick, clean docker stop: TERM ends the wait at once instead of waiting out the stop timeout.
trap 'exit 0' TERM INT
while :; do sleep 3600 & wait $!; done
