"""Progress of long commands (search_rebuild, bench seed): a bar on a terminal, plain lines elsewhere.

A service that loops over many rows takes a `progress` reporter and reports what it did:

    with progress("notes", total=count) as bar:
        for chunk in chunks:
            ...
            bar.advance(len(chunk))

On a terminal the reporter draws a tqdm bar (count, rate, time left); in a log, a pipe or CI it writes one
plain line every `interval` seconds and one at the end, so the output stays readable. Services default to
`progress_silent`, so tests and jobs print nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, TextIO

from tqdm import tqdm


class Progress(Protocol):
    def advance(self, count: int = 1) -> None: ...


class ProgressReporter(Protocol):
    def __call__(
        self, label: str, *, total: int | None = None, unit: str = "rows"
    ) -> AbstractContextManager[Progress]: ...


class _Silent:
    def advance(self, count: int = 1) -> None:
        pass


@contextmanager
def progress_silent(label: str, *, total: int | None = None, unit: str = "rows") -> Iterator[Progress]:
    yield _Silent()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class _Lines:
    """Plain progress lines: `notes: 40,000/100,000 (40%), 12,345 rows/s, 0:04 left`."""

    def __init__(self, stream: TextIO, label: str, total: int | None, unit: str, interval: float) -> None:
        self.stream, self.label, self.total, self.unit, self.interval = stream, label, total, unit, interval
        self.done = 0
        self.started = self.last = time.monotonic()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self._write(now, final=False)

    def _write(self, now: float, *, final: bool) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        parts = [f"{self.label}: {self.done:,}"]
        if self.total:
            parts[0] += f"/{self.total:,} ({min(100, 100 * self.done // self.total)}%)"
        parts.append(f"{rate:,.0f} {self.unit}/s")
        if final:
            parts.append(f"done in {_duration(elapsed)}")
        elif self.total and rate > 0:
            parts.append(f"{_duration(max(0, self.total - self.done) / rate)} left")
        self.stream.write(", ".join(parts) + "\n")
        self.stream.flush()

    def close(self) -> None:
        self._write(time.monotonic(), final=True)


class _Bar:
    def __init__(self, bar: tqdm[Any]) -> None:
        self.bar = bar

    def advance(self, count: int = 1) -> None:
        self.bar.update(count)


def progress_to(stream: TextIO, *, interval: float = 10.0, terminal: bool | None = None) -> ProgressReporter:
    """A reporter writing to `stream`: a bar when it is a terminal (or `terminal`), else plain lines."""
    is_terminal = stream.isatty() if terminal is None else terminal

    @contextmanager
    def report(label: str, *, total: int | None = None, unit: str = "rows") -> Iterator[Progress]:
        if is_terminal:
            # 1.2M rather than 1234567 for big tables; small ones as plain counts (tqdm would write 50.0).
            scaled = total is None or total >= 100_000
            with tqdm(
                total=total, desc=label, unit=unit, unit_scale=scaled, file=stream, dynamic_ncols=True
            ) as bar:
                yield _Bar(bar)
            return
        lines = _Lines(stream, label, total, unit, interval)
        yield lines
        lines.close()

    return report
