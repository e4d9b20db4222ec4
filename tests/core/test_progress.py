"""Progress of long commands: a tqdm bar on a terminal, plain periodic lines elsewhere."""

from __future__ import annotations

import io

from hongshu.core.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_at_most_every_interval_with_count_rate_and_time_left() -> None:
    stream, clock = io.StringIO(), Clock()
    with Progress(
        "backup: media", total=100, unit="files", stream=stream, every=10.0, clock=clock
    ) as progress:
        for _ in range(10):
            clock.now += 1.0
            progress.update(2)  # 2 files a second
        clock.now += 1.0
        progress.update(2)
    lines = stream.getvalue().splitlines()
    assert lines == [
        "backup: media: 20/100 files (2.0/s, ~40s left)",  # after 10 s
        "backup: media: 22/100 files (2.0/s, ~39s left)",  # the closing line
    ]
    assert "\r" not in stream.getvalue()


def test_a_terminal_gets_a_redrawn_bar() -> None:
    stream = Terminal()
    with Progress("restore: media", total=3, unit="files", stream=stream) as progress:
        progress.update(3)
    drawn = stream.getvalue()
    assert "\r" in drawn
    assert "restore: media" in drawn
    assert "3/3" in drawn


def test_disabled_progress_writes_nothing() -> None:
    stream = io.StringIO()
    with Progress("x", total=1, stream=stream, enabled=False) as progress:
        progress.update()
    assert stream.getvalue() == ""
