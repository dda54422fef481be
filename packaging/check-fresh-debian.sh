#!/usr/bin/env bash
# Checks the README's two commands on a fresh Debian 12 (bookworm): a minimal system with only
# python3, git and sudo is made with debootstrap in a folder, this repository is cloned into it
# for a non-root user with sudo, and there, in a chroot:
#   1. bash packaging/setup.sh --inspector inspector   -> the bench window must appear (on a
#      virtual screen shared from this machine); a screenshot is kept
#   2. bash .ci/run -q                                 -> the whole test suite must pass
# Needs root on this machine (debootstrap, chroot, mounts) and the Debian package mirror.
# Usage: sudo bash packaging/check-fresh-debian.sh [FOLDER]   (default build/fresh-debian)
# PostgreSQL in the chroot makes its own cluster; with one running here it takes the next free
# port (5433), which the test set-up reads, as it must on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
root="$(realpath -m "${1:-build/fresh-debian}")"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
display=:97
[ "$(id -u)" = "0" ] || { echo "check-fresh-debian.sh needs root (sudo bash $0)" >&2; exit 1; }
for tool in debootstrap Xvfb xdotool import; do
  command -v "$tool" >/dev/null || { echo "needs $tool here: apt-get install debootstrap xvfb xdotool imagemagick" >&2; exit 1; }
done

mounted=()
cleanup() {
  set +e
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null
  chroot "$root" pkill -u inspector 2>/dev/null
  chroot "$root" sh -c 'command -v pg_ctlcluster >/dev/null && pg_lsclusters --no-header | while read -r v c _; do pg_ctlcluster "$v" "$c" stop; done' 2>/dev/null
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}"; done
}
trap cleanup EXIT
mnt() { mount "$@" && mounted+=("${!#}"); }

if [ ! -x "$root/usr/bin/python3" ]; then
  echo "== debootstrap bookworm (minbase + python3, git, sudo) into $root"
  debootstrap --variant=minbase --include=python3,git,sudo,ca-certificates,procps bookworm "$root" "$mirror" \
    >"$root.debootstrap.log" 2>&1 || { tail -20 "$root.debootstrap.log"; exit 1; }
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The /etc/hosts that the Debian installer writes (debootstrap leaves none).
grep -qw localhost "$root/etc/hosts" 2>/dev/null || printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >>"$root/etc/hosts"
grep -qw "$(hostname)" "$root/etc/hosts" || echo "127.0.1.1 $(hostname)" >>"$root/etc/hosts"
# A machine on this network trusts its local certificate authorities (a TLS-inspecting proxy's, say).
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
mnt -t proc proc "$root/proc"
mnt -t sysfs sys "$root/sys"
mnt --bind /dev "$root/dev"
mnt -t devpts devpts "$root/dev/pts"
mnt -t tmpfs tmpfs "$root/dev/shm"
mkdir -p "$root/tmp/.X11-unix"
mnt --bind /tmp/.X11-unix "$root/tmp/.X11-unix"

chroot "$root" sh -c 'id inspector >/dev/null 2>&1 || useradd -m -s /bin/bash inspector'
echo 'inspector ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/inspector"
rm -rf "$root/home/inspector/rmadesk"
git clone -q "$repo" "$root/home/inspector/rmadesk"
chroot "$root" chown -R inspector: /home/inspector/rmadesk
echo "== in the chroot: $(chroot "$root" python3 -V), no Qt libraries: $(chroot "$root" sh -c 'ls /usr/lib/x86_64-linux-gnu/libEGL.so.1 2>/dev/null || echo none')"

as_inspector() { chroot "$root" su - inspector -c "cd ~/rmadesk && $1"; }

echo "== 1. bash packaging/setup.sh --inspector inspector (on the virtual screen $display)"
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
started=$(date +%s)
as_inspector "DISPLAY=$display QT_QPA_PLATFORM=xcb bash packaging/setup.sh --inspector inspector" \
  >"$root.setup.log" 2>&1 &
window=""
for _ in $(seq 1 900); do
  window="$(DISPLAY=$display xdotool search --name 'RMA Desk' 2>/dev/null | head -n1 || true)"
  [ -n "$window" ] && break
  sleep 1
done
if [ -z "$window" ]; then
  echo "FAILED: no bench window within 15 minutes; the set-up said:" >&2
  tail -30 "$root.setup.log" >&2
  exit 1
fi
echo "bench window '$(DISPLAY=$display xdotool getwindowname "$window")' shown $(( $(date +%s) - started )) s after setup.sh started"
sleep 3
# Scan the first demo return as a scanner does: fast keys, then Enter.
demo_rma="$(sed -n 's/^  \(D[A-Za-z]*RMA\)$/\1/p' "$root.setup.log" | head -n1)"
DISPLAY=$display xdotool windowfocus --sync "$window" 2>/dev/null || true  # no window manager here
DISPLAY=$display xdotool type --delay 2 "$demo_rma"
DISPLAY=$display xdotool key Return
sleep 3
DISPLAY=$display import -window root "$root.bench.png"
echo "scanned $demo_rma; screenshot $root.bench.png"
cat "$root.setup.log"
chroot "$root" pkill -u inspector -f 'rmadesk' || true

echo "== 2. bash .ci/run -q"
as_inspector "bash .ci/run -q -p no:cacheprovider" 2>&1 | tee "$root.tests.log" | tail -n 15
status=${PIPESTATUS[0]}
[ "$status" = 0 ] && echo "== fresh Debian check passed" || echo "== FAILED: the tests exited $status"
exit "$status"
