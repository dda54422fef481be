"""Distinct accept and reject sounds that never crash a bench without an audio device."""

from __future__ import annotations

import importlib.resources
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal

log = logging.getLogger(__name__)

SOUND_NAMES = ("accept", "reject")


def _sound_file(name: str) -> Path:
    return Path(str(importlib.resources.files("rmadesk.resources") / "sounds" / f"{name}.wav"))


class Sounds(QObject):
    """Plays the accept and reject sounds when an audio output exists.

    Signals:
        played(str): a sound was asked for ("accept" or "reject"), whether or not a device played it.
    """

    played = Signal(str)

    def __init__(self, enabled: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self._effects: dict[str, object] = {}
        self.available = False
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError:
            log.info("QtMultimedia is not installed; sounds are off")
            return
        if not QMediaDevices.audioOutputs():
            log.info("no audio output device; sounds are off")
            return
        for name in SOUND_NAMES:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(_sound_file(name))))
            effect.setVolume(0.9)
            self._effects[name] = effect
        self.available = True

    def play(self, name: str) -> None:
        self.played.emit(name)
        effect = self._effects.get(name)
        if effect is not None:
            effect.play()  # type: ignore[attr-defined]

    def accept(self) -> None:
        self.play("accept")

    def reject(self) -> None:
        self.play("reject")
