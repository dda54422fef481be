#!/usr/bin/env bash
# Packs the one-folder bundle (dist/rmadesk, from packaging/build-bundle.sh) as a Debian package:
# the bundle in /opt/rmadesk, /usr/bin/rmadesk, the menu entry, AppStream metainfo and icons under
# /usr/share, and the Qt system libraries as dependencies, so `apt-get install ./rmadesk_*.deb`
# brings what the bench needs. Settings and databases live in each user's home, so installing a
# newer package over an older one keeps them; the schema is upgraded as the README says.
# Usage: bash packaging/build-deb.sh   -> dist/rmadesk_VERSION_ARCH.deb
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x dist/rmadesk/rmadesk ] || bash packaging/build-bundle.sh
version="$(dist/rmadesk/rmadesk --version | awk '{print $NF}')"
arch="$(dpkg --print-architecture)"
pkg="build/deb/rmadesk_${version}_${arch}"
rm -rf "$pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin"
cp -a dist/rmadesk "$pkg/opt/rmadesk"
ln -s /opt/rmadesk/rmadesk "$pkg/usr/bin/rmadesk"
QT_QPA_PLATFORM=offscreen dist/rmadesk/rmadesk desktop install --prefix "$pkg/usr" --exec /usr/bin/rmadesk >/dev/null
# The runtime group of system-packages.sh, as dependencies.
depends="$(sed -n '/^runtime=(/,/^)/p' packaging/system-packages.sh | grep -v '^ *#' | tr -s ' \n' '\n' \
  | grep -E '^[a-z0-9][a-z0-9.+-]+$' | paste -sd, | sed 's/,/, /g')"
cat >"$pkg/DEBIAN/control" <<EOF
Package: rmadesk
Version: $version
Architecture: $arch
Maintainer: RMA Desk <rmadesk@users.noreply.github.com>
Section: misc
Priority: optional
Depends: $depends
Installed-Size: $(du -sk "$pkg" | cut -f1)
Description: returns-inspection bench for an online seller's warehouse
 Scan the RMA barcode on a returned parcel, decide each unit (sellable,
 carrier-damaged or seller-fault) and write the outcome to a shared
 SQLite or PostgreSQL database. Self-contained: needs no Python.
EOF
dpkg-deb --root-owner-group --build "$pkg" "dist/rmadesk_${version}_${arch}.deb" >/dev/null
echo "Built dist/rmadesk_${version}_${arch}.deb ($(du -h "dist/rmadesk_${version}_${arch}.deb" | cut -f1))"
