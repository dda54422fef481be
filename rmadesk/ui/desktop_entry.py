"""The desktop entry, AppStream metainfo and icons at every size, installed for a menu and a dock."""

from __future__ import annotations

import importlib.resources
import os
import shutil
import sys
from pathlib import Path

from rmadesk import __version__
from rmadesk.domain.errors import UserError
from rmadesk.store.disk import storage_problem
from rmadesk.text.i18n import _

APP_ID = "io.github.rmadesk.RmaDesk"
RELEASE_DATE = "2026-12-02"  # of __version__, for the metainfo
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=RMA Desk
GenericName=Returns inspection bench
Comment=Scan RMA barcodes, decide each returned unit, restock it or claim reimbursement
Exec={exec}
Icon=rmadesk
Terminal=false
Categories=Office;
Keywords=RMA;returns;inspection;barcode;
StartupNotify=true
StartupWMClass=rmadesk
"""

METAINFO = """<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{app_id}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>MIT</project_license>
  <name>RMA Desk</name>
  <summary>Inspect returned parcels: restock, claim or write off each unit</summary>
  <description>
    <p>
      RMA Desk is the returns-inspection bench of an online seller's warehouse. The inspector scans
      the RMA barcode on a returned parcel, answers a few questions per unit, and the decision
      (sellable, carrier-damaged or seller-fault) is written to a database that every bench and
      supervisor shares, with the stock movement and the expected reimbursement.
    </p>
  </description>
  <launchable type="desktop-id">rmadesk.desktop</launchable>
  <developer id="io.github.rmadesk">
    <name>RMA Desk</name>
  </developer>
  <categories>
    <category>Office</category>
  </categories>
  <content_rating type="oars-1.1"/>
  <releases>
    <release version="{version}" date="{date}"/>
  </releases>
</component>
"""


def default_prefix() -> Path:
    """The user's own data folder (XDG_DATA_HOME, else ~/.local/share): no root needed."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def default_exec() -> str:
    """How the menu starts this RMA Desk: the bundle's own program, or the installed command."""
    if getattr(sys, "frozen", False):
        return sys.executable
    found = shutil.which("rmadesk")
    if found:
        return str(Path(found).resolve())
    return str(Path(sys.argv[0]).resolve())


def installed_paths(prefix: Path) -> list[Path]:
    icons = prefix / "icons" / "hicolor"
    return [
        prefix / "applications" / "rmadesk.desktop",
        prefix / "metainfo" / f"{APP_ID}.metainfo.xml",
        icons / "scalable" / "apps" / "rmadesk.svg",
        *(icons / f"{n}x{n}" / "apps" / "rmadesk.png" for n in ICON_SIZES),
    ]


def _render_icons(svg: bytes, prefix: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 (painting needs one)
    renderer = QSvgRenderer(QByteArray(svg))
    for n in ICON_SIZES:
        image = QImage(n, n, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        target = prefix / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "rmadesk.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise UserError(_("The icon {path} cannot be written.").format(path=target))


def install(prefix: Path | None = None, exec_path: str | None = None) -> list[Path]:
    """Write the desktop entry, metainfo and icons under prefix; returns the files written."""
    prefix = prefix or default_prefix()
    svg = (importlib.resources.files("rmadesk.resources") / "icons" / "rmadesk.svg").read_bytes()
    paths = installed_paths(prefix)
    try:
        for path in paths[:3]:
            path.parent.mkdir(parents=True, exist_ok=True)
        command = exec_path or default_exec()
        quoted = f'"{command}"' if " " in command else command
        paths[0].write_text(DESKTOP_ENTRY.format(exec=quoted), encoding="utf-8")
        paths[1].write_text(
            METAINFO.format(app_id=APP_ID, version=__version__, date=RELEASE_DATE), encoding="utf-8"
        )
        paths[2].write_bytes(svg)
        _render_icons(svg, prefix)
    except OSError as exc:
        raise UserError(
            _("The desktop entry cannot be written under {prefix}: {problem}.").format(
                prefix=prefix, problem=storage_problem(exc)
            )
        ) from exc
    return paths


def uninstall(prefix: Path | None = None) -> list[Path]:
    """Remove what install wrote; returns the files removed."""
    removed = []
    for path in installed_paths(prefix or default_prefix()):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed
