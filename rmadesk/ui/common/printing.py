"""Printing an image file (a slip, a unit label) on a system printer through Qt."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QWidget

from rmadesk.domain.errors import UserError
from rmadesk.text.i18n import _


def _paint(printer: QPrinter, image: QImage) -> None:
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(
            _("The printer {printer} cannot be used.").format(
                printer=printer.printerName() or printer.outputFileName()
            )
        )
    try:
        page = painter.viewport()
        size = image.size().scaled(page.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.setViewport(QRect(page.x(), page.y(), size.width(), size.height()))
        painter.setWindow(image.rect())
        painter.drawImage(0, 0, image)
    finally:
        painter.end()


def _image(path: Path) -> QImage:
    image = QImage(str(path))
    if image.isNull():
        raise UserError(_("{path} is not an image that can be printed.").format(path=path))
    return image


def print_image(path: Path, printer_name: str) -> None:
    """Print on the named printer without asking (the bench's label printer)."""
    info = QPrinterInfo.printerInfo(printer_name)
    if info.isNull():
        raise UserError(
            _(
                "There is no printer named “{printer}” on this computer. Check the label_printer setting."
            ).format(printer=printer_name)
        )
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    _paint(printer, _image(path))


def print_image_with_dialog(parent: QWidget | None, path: Path) -> bool:
    """The system print dialog, then print; False when the person cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    _paint(printer, _image(path))
    return True


def print_image_to_pdf(path: Path, pdf: Path) -> Path:
    """Print through Qt's PDF printer (what a printer would receive); used for previews and tests."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(pdf))
    _paint(printer, _image(path))
    return pdf
