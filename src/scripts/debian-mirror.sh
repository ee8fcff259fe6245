#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt sources name (the first serving main that is not the security
# archive). The scripts take Debian's packages from where the machine's package manager does, never from an
# address written into the repository.
set -euo pipefail
mirror="$(apt-get indextargets --format '$(REPO_URI)' 'Identifier: Packages' 'Component: main' 2>/dev/null \
    | grep -v -- '-security' | head -1 || true)"
if [[ -z "$mirror" ]]; then
    echo "no Debian mirror in apt's sources (apt-get indextargets names none)" >&2
    exit 1
fi
echo "${mirror%/}"
