#!/usr/bin/env bash
# Checks the Debian package of the bundle on a bare Debian 12 with no Python at all: debootstrap
# (minbase) into a folder, `apt-get install ./rmadesk_*.deb` there (which brings the Qt system
# libraries), then as a plain user: version, demo data, and the bench started offscreen and in a
# window on a virtual screen, each opening the first demo return. Needs root and Debian's mirror.
# Usage: sudo bash packaging/check-bundle-debian.sh [FOLDER]   (default build/bare-debian)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(realpath -m "${1:-build/bare-debian}")"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
display=:96
[ "$(id -u)" = "0" ] || { echo "check-bundle-debian.sh needs root (sudo bash $0)" >&2; exit 1; }
deb="$(ls -t dist/rmadesk_*.deb 2>/dev/null | head -n1 || true)"
[ -n "$deb" ] || { bash packaging/build-deb.sh; deb="$(ls -t dist/rmadesk_*.deb | head -n1)"; }

mounted=()
cleanup() {
  set +e
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}"; done
}
trap cleanup EXIT
mnt() { mount "$@" && mounted+=("${!#}"); }

if [ ! -x "$root/usr/bin/apt-get" ]; then
  echo "== debootstrap bookworm (minbase, no Python) into $root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 \
    || { tail -20 "$root.debootstrap.log"; exit 1; }
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mnt -t proc proc "$root/proc"
mnt --bind /dev "$root/dev"
mnt -t tmpfs tmpfs "$root/dev/shm"
mkdir -p "$root/tmp/.X11-unix"
mnt --bind /tmp/.X11-unix "$root/tmp/.X11-unix"

cp "$deb" "$root/tmp/"
echo "== apt-get install ./$(basename "$deb")"
chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./tmp/$(basename "$deb") >/dev/null"
chroot "$root" sh -c 'id inspector >/dev/null 2>&1 || useradd -m -s /bin/sh inspector'
python_found="$(chroot "$root" sh -c 'command -v python3 python || true')"
[ -z "$python_found" ] || { echo "FAILED: this root has Python ($python_found)" >&2; exit 1; }
echo "no python3 in the root; installed $(du -sh "$root/opt/rmadesk" | cut -f1) in /opt/rmadesk"

as_inspector() { chroot "$root" su - inspector -c "$1"; }
as_inspector "rmadesk --version"
as_inspector "rmadesk demo" | head -n 3
as_inspector "QT_QPA_PLATFORM=offscreen rmadesk --check-start" | tail -n 1
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
as_inspector "DISPLAY=$display QT_QPA_PLATFORM=xcb rmadesk --check-start" | tail -n 1
echo "== bundle check passed"
