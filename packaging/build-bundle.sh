#!/usr/bin/env bash
# Builds the one-folder bundle of RMA Desk with PyInstaller into dist/rmadesk/ (runs with no
# Python and no venv on the target), then smoke-starts it offscreen on a fresh demo database and
# prints its size and cold start. Usage: bash packaging/build-bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
bash packaging/system-packages.sh runtime venv bundle
if [ ! -x build/bundle-venv/bin/python ]; then
  "$PYTHON" -m venv build/bundle-venv
fi
build/bundle-venv/bin/python -m pip install -q --upgrade pip
build/bundle-venv/bin/python -m pip install -q . 'pyinstaller>=6.10,<7'
started=$(date +%s)
build/bundle-venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --name rmadesk --onedir --distpath dist --workpath build/pyinstaller --specpath build \
  --collect-data rmadesk --collect-submodules rmadesk --collect-data fontpkg_noto_sans_arabic \
  --add-data "$(pwd)/rmadesk/store/migrations:rmadesk/store/migrations" \
  --exclude-module PySide6.QtWebEngineCore --exclude-module PySide6.QtQuick \
  packaging/rmadesk-bundle.py
echo "Built dist/rmadesk in $(( $(date +%s) - started )) s; size $(du -sh dist/rmadesk | cut -f1)"

# Smoke start: version, demo data, the bench window offscreen with the demo return on its card.
smoke="$(mktemp -d)"
trap 'rm -rf "$smoke"' EXIT
export XDG_CONFIG_HOME="$smoke/config" XDG_DATA_HOME="$smoke/data" QT_QPA_PLATFORM=offscreen
dist/rmadesk/rmadesk --version
(cd "$smoke" && "$OLDPWD/dist/rmadesk/rmadesk" demo >/dev/null)
for run in 1 2 3; do
  t0=$(date +%s%N)
  dist/rmadesk/rmadesk --check-start 2>/dev/null | tail -n1
  echo "cold start to card, run $run: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
done
