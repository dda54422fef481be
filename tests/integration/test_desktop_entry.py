"""rmadesk desktop install: a valid menu entry and metainfo, the icon at every size, and uninstall."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PIL import Image

from rmadesk.cli import main
from rmadesk.ui import desktop_entry


def test_install_writes_a_valid_entry_metainfo_and_every_icon_size(tmp_path: Path) -> None:
    prefix = tmp_path / "share"
    assert main(["desktop", "install", "--prefix", str(prefix), "--exec", "/opt/rmadesk/rmadesk"]) == 0
    entry = prefix / "applications" / "rmadesk.desktop"
    assert "Exec=/opt/rmadesk/rmadesk\n" in entry.read_text(encoding="utf-8")
    assert shutil.which("desktop-file-validate"), ".ci/setup installs desktop-file-utils"
    checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    metainfo = prefix / "metainfo" / f"{desktop_entry.APP_ID}.metainfo.xml"
    assert shutil.which("appstreamcli"), ".ci/setup installs appstream"
    checked = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for n in desktop_entry.ICON_SIZES:
        with Image.open(prefix / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "rmadesk.png") as icon:
            assert icon.size == (n, n)
            assert icon.getextrema()[3][1] == 255  # drawn, not an empty transparent square
    assert (prefix / "icons" / "hicolor" / "scalable" / "apps" / "rmadesk.svg").exists()

    assert main(["desktop", "uninstall", "--prefix", str(prefix)]) == 0
    assert not any(path.exists() for path in desktop_entry.installed_paths(prefix))


def test_install_where_nothing_can_be_written_is_a_message(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert main(["desktop", "install", "--prefix", str(blocked)]) == 2
    assert "cannot be written" in capsys.readouterr().err
