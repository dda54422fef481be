"""Colours and the style sheet of the bench: big type, high contrast, readable at arm's length."""

from __future__ import annotations

from PySide6.QtGui import QFont, QGuiApplication

from rmadesk.domain.model import Disposition

OK = "#1b7a3a"
ERROR = "#b3261e"
WARN = "#8a5a00"
INFO = "#1f4e8c"
NEUTRAL = "#37474f"
NOTE = "#455a64"  # standing notes (the single-bench banner), apart from messages

# A disposition names its colour role; the roles' colours are chosen here.
ROLE_COLOURS = {"ok": OK, "claim": "#9c4a00", "fault": "#7b1fa2"}
DISPOSITION_COLOURS = {d: ROLE_COLOURS[d.colour_role] for d in Disposition}

STYLE_SHEET = """
QMainWindow, QWidget#page { background: #f4f6f8; }
QScrollArea#pages, QScrollArea#pages > QWidget > QStackedWidget { background: #f4f6f8; }
QLabel { color: #1c2430; }
QLabel#banner { border-radius: 8px; padding: 12px 18px; color: white; font-weight: 600; }
QLineEdit#scan { border: 3px solid #1f4e8c; border-radius: 8px; padding: 8px 12px; background: white; }
QFrame#card, QFrame#panel { background: white; border: 1px solid #cfd8dc; border-radius: 10px; }
QLabel#cardTitle { font-weight: 700; }
QLabel#fieldName { color: #546e7a; }
QLabel#unitBadge {
    background: #1f4e8c; color: white; border-radius: 8px; padding: 6px 14px; font-weight: 700;
}
QLabel#question { font-weight: 700; }
QLabel#hint { color: #546e7a; }
QLabel#keys { color: #37474f; background: #e3e8ec; border-top: 1px solid #cfd8dc; padding: 6px 10px; }
QPushButton { border: 1px solid #90a4ae; border-radius: 8px; padding: 10px 16px; background: #ffffff; }
QPushButton:hover { background: #eef3f7; }
QPushButton#yes { background: #e8f5e9; border-color: #1b7a3a; }
QPushButton#no { background: #fdecea; border-color: #b3261e; }
QPushButton#confirm { background: #1b7a3a; color: white; font-weight: 700; border: none; }
QPushButton#confirm:disabled { background: #9bbfa6; }
QPushButton#recommended { border: 3px solid #1b7a3a; font-weight: 700; }
QTableWidget, QTableView { background: white; gridline-color: #e0e0e0; }
"""


def scaled_font(base: QFont, points: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


# The large_text_pt setting's default: the bench's card at 20 points. A larger or smaller setting scales
# every window's text by the same ratio (the browser, the supervisor view, the office windows, dialogs).
DEFAULT_CARD_POINTS = 20.0


def text_scale(large_text_pt: float) -> float:
    """How much larger than usual the large_text_pt setting asks every window's text to be."""
    return max(0.5, large_text_pt / DEFAULT_CARD_POINTS)


def scale_application_font(app: QGuiApplication, large_text_pt: float) -> None:
    """The application's font scaled by the setting, for every window and dialog that does not choose
    its own size."""
    scale = text_scale(large_text_pt)
    if scale != 1.0:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * scale)
        app.setFont(font)
