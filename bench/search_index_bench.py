"""T4 indexing rate: the after-commit job path (`search.services.note_index`, one note per call, as a Celery
worker runs it) over a sample of existing notes, single process.

The bulk path is `hongshu manage search_rebuild`, which prints its own rate. Run on the seeded database:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongshu_bench .venv/bin/python bench/search_index_bench.py
"""

from __future__ import annotations

import argparse
import os
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=2000)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
    django.setup()
    from hongshu.language import chinese
    from hongshu.notes.models import Note
    from hongshu.search.services import note_index

    chinese.warm()
    ids = list(Note.objects.order_by("-id").values_list("id", flat=True)[: options.notes])
    note_index(note_id=ids[0])  # warm caches and the connection
    started = time.perf_counter()
    for note_id in ids:
        note_index(note_id=note_id)
    seconds = time.perf_counter() - started
    print(f"note_index: {len(ids)} notes in {seconds:.1f} s = {len(ids) / seconds:.0f} notes/s (one process)")


if __name__ == "__main__":
    main()
