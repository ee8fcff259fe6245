"""Drives `ssh -tt ...` through a real pseudo-terminal, as a person at a terminal would.

Usage: python3 ptydrive.py ssh -F config -tt ... ; prints what it checked, exits 0 when all held.
Checks: the remote side has a tty; a resize of the local terminal is seen by `stty size`;
Ctrl-C interrupts the remote foreground process; `exit 7` ends ssh with status 7.
"""
import os
import pty
import re
import select
import sys
import time
import fcntl
import struct
import termios

out = b""


def read_until(fd, pattern, timeout):
    global out
    deadline = time.time() + timeout
    rx = re.compile(pattern)
    while time.time() < deadline:
        m = rx.search(out)
        if m:
            out = out[m.end():]
            return m
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    sys.stdout.write("TIMEOUT waiting for %r; got %r\n" % (pattern, out[-500:]))
    sys.exit(1)


def send(fd, text):
    os.write(fd, text.encode())


def main():
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    send(fd, "echo M1-$(tty | cut -c1-9)-M1\n")
    read_until(fd, rb"M1-/dev/pts/-M1", 30)
    print("tty ok")
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
    time.sleep(0.5)  # the window change travels ssh -> bastion -> sshd
    send(fd, "echo M2-$(stty size)-M2\n")
    read_until(fd, rb"M2-33 101-M2", 15)
    print("resize ok")
    send(fd, "sleep 60\n")
    time.sleep(1.0)
    started = time.time()
    send(fd, "\x03")
    send(fd, "echo M3-$?-M3\n")
    read_until(fd, rb"M3-130-M3", 15)
    print("ctrl-c ok after %.1f s" % (time.time() - started))
    send(fd, "exit 7\n")
    _, status = os.waitpid(pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    print("exit %d" % code)
    sys.exit(0 if code == 7 else 1)


main()
