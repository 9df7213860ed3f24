"""A one-line live progress display on stderr: done/total, failures, ETA."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, stream=None, width: int = 30):
        self.total, self.width = total, width
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = self.errors = self.failed = self.skipped = 0
        self.started = time.monotonic()

    def update(self, name: str, status: str, score: str, skipped: bool = False) -> None:
        self.done += 1
        self.errors += status == "error"
        self.failed += status == "failed"
        self.skipped += skipped
        elapsed = time.monotonic() - self.started
        graded = self.done - self.skipped
        eta = elapsed / graded * (self.total - self.done) if graded else 0.0
        filled = int(self.width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        summary = f"[{bar}] {self.done}/{self.total} done, {self.errors} errors, {self.failed} grader failures, ETA {_clock(eta)}"
        note = "(unchanged, kept)" if skipped else f"{status} {score}"
        if self.live:
            self.stream.write(f"\r\033[K{name}: {note}\n{summary}")
        else:
            self.stream.write(f"{summary}  {name}: {note}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{seconds:02d}"
