#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages RMA Desk needs that this machine lacks, saying which.
# Usage: packaging/system-packages.sh GROUP...   (groups: runtime, venv, test, bundle)
# As root it runs apt-get itself; otherwise through sudo (asked only when something is missing).
set -euo pipefail

runtime=(
  # Qt's system libraries (the PySide6 wheels bring Qt itself), offscreen and in a real window
  libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1
  # the accept and reject sounds
  libpulse0
)
venv=(python3-venv)
test=(
  # the real-window test: a virtual screen, a simulated scanner, screenshots
  xvfb xauth xdotool imagemagick
  # PDF sheets rendered back to images for the barcode round trip
  poppler-utils
  # the shared database
  postgresql postgresql-client
  # the desktop entry and AppStream metainfo are validated
  desktop-file-utils appstream
)
bundle=(binutils dpkg-dev)

wanted=()
for group in "$@"; do
  case "$group" in
    runtime) wanted+=("${runtime[@]}") ;;
    venv) wanted+=("${venv[@]}") ;;
    test) wanted+=("${test[@]}") ;;
    bundle) wanted+=("${bundle[@]}") ;;
    *) echo "system-packages.sh: unknown group '$group' (runtime, venv, test, bundle)" >&2; exit 2 ;;
  esac
done

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  echo "This is not a Debian or Ubuntu system: install the equivalents of these packages by hand:" >&2
  echo "  ${wanted[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=()
if [ "$(id -u)" != "0" ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "RMA Desk needs these system packages, and installing them needs root:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    echo "Run that as root (su -), then this command again." >&2
    exit 1
  fi
  SUDO=(sudo)
  echo "Installing system packages with sudo (it may ask for your password): ${missing[*]}"
else
  echo "Installing system packages: ${missing[*]}"
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
