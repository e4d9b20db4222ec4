"""T4 indexing rate of the after-commit job path: notes queued (`PendingNoteIndex`, as every note change queues
itself) and drained by `search.services.notes_index_pending`, the body of the `search.index_pending` task.

Three runs over the newest `--notes` notes of the seeded database:
- one note per call (`notes_index(note_ids=[id])`, what the job did before the queue): the per-note cost;
- one drain process over the queued notes;
- `--processes` drains in parallel over the same queue, as several Celery workers run them.

The bulk path is `hongshu manage search_rebuild`, which prints its own rate. Run on the seeded database:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongshu_bench .venv/bin/python bench/search_index_bench.py
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time

import django


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
    django.setup()
    from hongshu.textlib import chinese

    chinese.warm()


def _queue(note_ids: list[int]) -> None:
    from hongshu.notes.models import PendingNoteIndex

    PendingNoteIndex.objects.all().delete()
    PendingNoteIndex.objects.bulk_create([PendingNoteIndex(note_id=i) for i in note_ids], batch_size=5000)


def _drain(_: int) -> int:
    from django.db import connections

    from hongshu.search.services import notes_index_pending

    connections.close_all()  # a forked process opens its own connection
    return notes_index_pending()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--single", type=int, default=1000, help="notes for the one-per-call run")
    parser.add_argument("--processes", type=int, default=2)
    options = parser.parse_args()
    _setup()
    from hongshu.notes.models import Note
    from hongshu.search.services import notes_index

    ids = list(Note.objects.order_by("-id").values_list("id", flat=True)[: options.notes])
    notes_index(note_ids=ids[:1])  # warm caches and the connection

    started = time.perf_counter()
    for note_id in ids[: options.single]:
        notes_index(note_ids=[note_id])
    seconds = time.perf_counter() - started
    print(
        f"one note per call: {options.single} notes in {seconds:.1f} s = {options.single / seconds:.0f} notes/s"
    )

    _queue(ids)
    started = time.perf_counter()
    done = _drain(0)
    seconds = time.perf_counter() - started
    print(f"queue drain, 1 process: {done} notes in {seconds:.1f} s = {done / seconds:.0f} notes/s")

    _queue(ids)
    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(options.processes) as pool:
        done = sum(pool.map(_drain, range(options.processes)))
    seconds = time.perf_counter() - started
    print(
        f"queue drain, {options.processes} processes: {done} notes in {seconds:.1f} s = "
        f"{done / seconds:.0f} notes/s"
    )


if __name__ == "__main__":
    main()
