#!/usr/bin/env bash
# Sets up RMA Desk from this checkout and opens the bench on demo data: the system libraries
# Qt needs (installed when missing), a virtual environment in .venv, the demo returns and
# their barcode sheet. Safe to run again; extra arguments go to the bench (e.g. --inspector).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "RMA Desk needs Python 3.11 or newer: install python3 (apt-get install python3)." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "RMA Desk needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1)." \
    "Set PYTHON=/path/to/python3.11 and run this again." >&2
  exit 1
fi
groups=(runtime)
if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  groups+=(venv)
fi
bash packaging/system-packages.sh "${groups[@]}"

if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
echo "Installing RMA Desk into .venv (pip)"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
.venv/bin/rmadesk demo
exec .venv/bin/rmadesk "$@"
