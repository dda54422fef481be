"""Generate the bench feedback sounds (accept chirp, reject buzz) as small 16-bit mono 44.1 kHz WAV files."""

from __future__ import annotations

import math
import wave
from pathlib import Path

SAMPLE_RATE = 44_100
FULL_SCALE = 32_767
SOUNDS_DIR = Path(__file__).resolve().parent.parent / "resources" / "sounds"


def raised_cosine_envelope(index: int, length: int, fade_in: int, fade_out: int) -> float:
    """Gain for sample index: smooth S-shaped fades at both ends, so no sound starts or ends in a click."""
    if index < fade_in:
        return 0.5 - 0.5 * math.cos(math.pi * index / fade_in)
    remaining = length - 1 - index
    if remaining < fade_out:
        return 0.5 - 0.5 * math.cos(math.pi * remaining / fade_out)
    return 1.0


def gliding_tone(
    start_hz: float,
    end_hz: float,
    seconds: float,
    harmonic_gains: dict[int, float],
    fade_in_seconds: float,
    fade_out_seconds: float,
) -> list[float]:
    """A tone sliding linearly from start_hz to end_hz, peak-normalized to 1.0 before the envelope."""
    length = round(seconds * SAMPLE_RATE)
    fade_in = max(1, round(fade_in_seconds * SAMPLE_RATE))
    fade_out = max(1, round(fade_out_seconds * SAMPLE_RATE))
    # Phase is accumulated rather than computed from time so the glide stays continuous (no chirp artefacts).
    phase = 0.0
    raw = []
    for index in range(length):
        frequency = start_hz + (end_hz - start_hz) * index / length
        raw.append(sum(gain * math.sin(harmonic * phase) for harmonic, gain in harmonic_gains.items()))
        phase += 2 * math.pi * frequency / SAMPLE_RATE
    peak = max(abs(sample) for sample in raw) or 1.0
    return [
        sample / peak * raised_cosine_envelope(index, length, fade_in, fade_out)
        for index, sample in enumerate(raw)
    ]


def silence(seconds: float) -> list[float]:
    return [0.0] * round(seconds * SAMPLE_RATE)


def accept_chirp() -> list[float]:
    """Two quick rising notes, roughly A5 then E6 (a perfect fifth up): bright, short and friendly."""
    soft_bell = {1: 1.0, 2: 0.18, 3: 0.05}
    first_note = gliding_tone(860, 900, 0.075, soft_bell, 0.004, 0.020)
    second_note = gliding_tone(1290, 1340, 0.105, soft_bell, 0.004, 0.045)
    return [0.55 * sample for sample in first_note + second_note]


def reject_buzz() -> list[float]:
    """Two low, slightly falling buzzes; odd harmonics stop below 3.5 kHz so the square wave stays clean."""
    odd_harmonics = {harmonic: 1 / harmonic for harmonic in range(1, 23, 2)}
    pulse = gliding_tone(165, 150, 0.150, odd_harmonics, 0.008, 0.020)
    return [0.5 * sample for sample in pulse + silence(0.070) + pulse + silence(0.030)]


def write_wav(path: Path, samples: list[float]) -> Path:
    frames = b"".join(
        round(max(-1.0, min(1.0, sample)) * FULL_SCALE).to_bytes(2, "little", signed=True)
        for sample in samples
    )
    with wave.open(str(path), "wb") as wav_file:
        wav_file.setnchannels(1)
        wav_file.setsampwidth(2)
        wav_file.setframerate(SAMPLE_RATE)
        wav_file.writeframes(frames)
    return path


def main() -> None:
    SOUNDS_DIR.mkdir(parents=True, exist_ok=True)
    for name, samples in (("accept.wav", accept_chirp()), ("reject.wav", reject_buzz())):
        written = write_wav(SOUNDS_DIR / name, samples)
        print(f"wrote {written} ({len(samples) / SAMPLE_RATE * 1000:.0f} ms, {written.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
