#!/usr/bin/env bash
# Runs benches/peers.py (reprint vs datasketch vs rensa on one JSON Lines archive) in a venv
# with the peers pinned, so every machine compares against the same versions.
#
#   bash benches/peers.sh ARCHIVE.jsonl [REPRINT_BIN] [peers.py options...]
#
# REPRINT_BIN defaults to target/release/reprint (`cargo build --release` first). Options after
# it go to peers.py, e.g. --json out.json, --tools datasketch,rensa,reprint, --exact-limit N.
# The venv is ${PEERS_VENV:-target/peers-venv}, relative to the current directory, made once;
# needs only python3 with pip and access to PyPI.
set -euo pipefail

# Pinned peers (their own dependencies, numpy and scipy, are recorded in the --json output).
PINS=(datasketch==2.0.0 rensa==0.5.0)

usage() { echo "usage: bash benches/peers.sh ARCHIVE.jsonl [REPRINT_BIN] [peers.py options...]" >&2; exit 2; }
[[ $# -ge 1 && $1 != -* ]] || usage
archive=$1; shift
reprint=target/release/reprint
if [[ $# -ge 1 && $1 != -* ]]; then reprint=$1; shift; fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${PEERS_VENV:-target/peers-venv}
py="$venv/bin/python"

if [[ ! -x $py ]]; then
    command -v python3 >/dev/null || { echo "peers.sh: python3 is not installed" >&2; exit 1; }
    echo "peers.sh: creating venv $venv" >&2
    mkdir -p "$(dirname "$venv")"
    if ! python3 -m venv "$venv"; then
        # Debian/Ubuntu ship venv's ensurepip separately (python3-venv); try virtualenv instead.
        rm -rf "$venv"
        echo "peers.sh: 'python3 -m venv' failed; trying virtualenv from PyPI" >&2
        if ! { python3 -m virtualenv --version >/dev/null 2>&1 \
                || python3 -m pip install --user --quiet virtualenv; } \
            || ! python3 -m virtualenv --quiet "$venv"; then
            rm -rf "$venv"
            cat >&2 <<'EOF'
peers.sh: cannot make a virtual environment. Either install the venv module
(Debian/Ubuntu: apt-get install python3-venv) or pip (apt-get install python3-pip, then
this script installs virtualenv itself), or point PEERS_VENV at an existing venv.
EOF
            exit 1
        fi
    fi
fi

# A no-op without network when the pins are already installed.
"$py" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"

exec "$py" "$here/peers.py" "$archive" --reprint "$reprint" "$@"
