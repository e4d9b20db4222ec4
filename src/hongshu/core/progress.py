"""Progress of long commands (backup, restore, export, purge): a bar on a terminal, plain lines otherwise.

On a terminal, tqdm draws a bar with the count, the rate and the time left. When the stream is not a
terminal (a log file, systemd's journal, a CI log) a redrawn bar is noise, so one plain line is written at
most every `every` seconds and once at the end: `backup: media files 120/400 (30.1/s, ~9s left)`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

from tqdm import tqdm

PLAIN_EVERY_SECONDS = 10.0


class Progress:
    """A counter shown as it advances; use as a context manager, `update(n)` as work is done."""

    def __init__(
        self,
        label: str,
        *,
        total: int | None,
        unit: str = "it",
        stream: TextIO | None = None,
        every: float = PLAIN_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        enabled: bool = True,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream if stream is not None else sys.stderr
        self.every, self.enabled = every, enabled
        self.clock = clock
        self.count = 0
        self.started = self.last_line = self.clock()
        is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar: tqdm[Any] | None = None
        if enabled and is_tty:
            self.bar = tqdm(total=total, desc=label, unit=unit, file=self.stream, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        self.count += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.enabled and self.clock() - self.last_line >= self.every:
            self._line()

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.count / elapsed
        done = f"{self.count}/{self.total}" if self.total is not None else str(self.count)
        text = f"{self.label}: {done} {self.unit} ({rate:.1f}/s"
        if self.total is not None and rate > 0 and self.count < self.total:
            text += f", ~{(self.total - self.count) / rate:.0f}s left"
        return text + ")"

    def _line(self) -> None:
        self.last_line = self.clock()
        print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            self._line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
