"""Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003), the fingerprinting behind MOSS.

Every run of ``k`` tokens is hashed; of every ``window`` consecutive hashes the smallest
(the rightmost on ties) is kept. Two texts sharing a run of at least
``k + window - 1`` tokens share a fingerprint; runs shorter than ``k`` are noise and
never match. Hashes are deterministic (CRC-32 of each token, then a polynomial over
the k-gram in 64-bit arithmetic), so fingerprints are comparable across runs.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

_BASE = np.uint64(1_000_003)
_IDS: dict[str, int] = {}
"""Each token's CRC-32, remembered: the vocabulary of normalised tokens is small."""


def _id(token: str) -> int:
    value = _IDS[token] = zlib.crc32(token.encode()) or 1
    return value


@dataclass(frozen=True)
class Fingerprints:
    hashes: np.ndarray
    """uint64, one per kept fingerprint."""
    starts: np.ndarray
    """The token index where each fingerprint's k-gram starts."""


def fingerprints(tokens: list[str], k: int, window: int) -> Fingerprints:
    if len(tokens) < k:
        return Fingerprints(np.empty(0, np.uint64), np.empty(0, np.int64))
    ids = np.array([_IDS.get(t) or _id(t) for t in tokens], dtype=np.uint64)
    count = len(tokens) - k + 1
    grams = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(k):
            grams = grams * _BASE + ids[offset:offset + count]
    if count <= window:
        position = count - 1 - int(np.argmin(grams[::-1]))
        return Fingerprints(grams[[position]], np.array([position]))
    windows = np.lib.stride_tricks.sliding_window_view(grams, window)
    rightmost = window - 1 - np.argmin(windows[:, ::-1], axis=1)  # the rightmost minimum of each window
    chosen = np.unique(np.arange(len(windows)) + rightmost)
    return Fingerprints(grams[chosen], chosen)
