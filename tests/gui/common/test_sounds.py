"""Accept and reject sounds: distinct files, and no crash on a bench without an audio device."""

from __future__ import annotations

import os
import subprocess
import sys
import wave

from rmadesk.ui.common.sounds import SOUND_NAMES, _sound_file


def _frames(name: str) -> tuple[int, bytes]:
    with wave.open(str(_sound_file(name)), "rb") as wav:
        return wav.getnframes(), wav.readframes(wav.getnframes())


def test_the_accept_and_reject_sounds_are_distinct_wav_files() -> None:
    accept_len, accept = _frames("accept")
    reject_len, reject = _frames("reject")
    assert accept_len > 1000 and reject_len > 1000
    assert accept != reject
    assert reject_len > accept_len  # the reject buzz is longer: heard, not just noticed


def test_sounds_without_an_audio_device_do_not_crash() -> None:
    script = (
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from rmadesk.ui.common.sounds import Sounds\n"
        "played = []\n"
        "s = Sounds(enabled=True)\n"
        "s.played.connect(played.append)\n"
        "s.accept(); s.reject()\n"
        "from PySide6.QtTest import QTest\n"
        "QTest.qWait(300)\n"
        "print('PLAYED', ','.join(played), 'DEVICE', s.available)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PULSE_SERVER": "unix:/nonexistent"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "PLAYED accept,reject" in result.stdout
    assert set(SOUND_NAMES) == {"accept", "reject"}
