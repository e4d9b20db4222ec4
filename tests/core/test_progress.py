"""Long commands show progress: a tqdm bar on a terminal, plain periodic lines anywhere else."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from django.core.management import call_command

from hongshu.accounts.services import account_create
from hongshu.core.progress import progress_to
from hongshu.notes.models import Note


def test_plain_lines_say_count_share_rate_and_time_left() -> None:
    stream = io.StringIO()
    with progress_to(stream, interval=0)("notes", total=4, unit="notes") as bar:
        bar.advance(1)
        bar.advance(3)
    lines = stream.getvalue().splitlines()
    assert re.fullmatch(r"notes: 1/4 \(25%\), [\d,]+ notes/s, 0:\d\d left", lines[0]), lines
    assert re.fullmatch(r"notes: 4/4 \(100%\), [\d,]+ notes/s, 0:\d\d left", lines[1]), lines
    assert re.fullmatch(r"notes: 4/4 \(100%\), [\d,]+ notes/s, done in 0:\d\d", lines[2]), lines


def test_plain_lines_are_periodic_not_per_row() -> None:
    stream = io.StringIO()
    with progress_to(stream, interval=3600)("rows") as bar:
        for _ in range(10_000):
            bar.advance()
    # Nothing until the interval passed; the closing line always, with no total to take a share of.
    assert re.fullmatch(r"rows: 10,000, [\d,]+ rows/s, done in 0:\d\d\n", stream.getvalue())


def test_a_terminal_gets_a_bar() -> None:
    stream = io.StringIO()
    with progress_to(stream, terminal=True)("members", total=50, unit="members") as bar:
        bar.advance(50)
    drawn = stream.getvalue()
    assert "\r" in drawn  # redrawn in place
    assert "members: 100%" in drawn
    assert "50/50" in drawn
    assert not re.search(r"done in", drawn)


def test_a_stream_that_is_not_a_terminal_gets_lines() -> None:
    class Pipe(io.StringIO):
        def isatty(self) -> bool:
            return False

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, expect_bar in ((Pipe(), False), (Tty(), True)):
        with progress_to(stream, interval=0)("x", total=1) as bar:
            bar.advance()
        assert ("\r" in stream.getvalue()) is expect_bar


def test_search_rebuild_reports_progress_on_stderr(db: None, post_note: Callable[..., Note]) -> None:
    cook = account_create(handle="chef", password="a long test password 1")
    for title in ("noodles", "dumplings", "hotpot"):
        post_note(cook, title=title)
    out, err = io.StringIO(), io.StringIO()
    call_command("search_rebuild", "--batch", "2", "--progress-every", "0", stdout=out, stderr=err)
    assert "indexed 3 notes" in out.getvalue()
    lines = err.getvalue().splitlines()
    assert any(re.match(r"notes: 2/3 \(66%\), ", line) for line in lines), lines
    assert any(re.match(r"notes: 3/3 \(100%\), .*done in", line) for line in lines), lines
    assert any(re.match(r"members: 1/1 \(100%\), .*done in", line) for line in lines), lines
