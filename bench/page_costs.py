"""Queries and server time per page on a seeded database (issue 23, items 4 and 5).

In one process, through Django's test client (the whole middleware stack, no network), each page is requested
`--repeat` times as a visitor and as a member (the member who follows the most accounts, signed in with a
session): the note page of a note with photos and comments, the profile page of the member with the most
followers, the Explore page, and the API note read. It prints, per page and viewer, the queries of one request
and the median and p95 of the server time. Render caches are cleared before each request (the cold cost).

Run (a seeded database: `hongshu migrate && hongshu bench seed --scale 0.05`):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_hydrate_bench .venv/bin/python bench/page_costs.py
For a "before" number, run the same script with PYTHONPATH pointing at another checkout's `src`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hongshu.accounts.models import User  # noqa: E402
from hongshu.comments.models import Comment  # noqa: E402
from hongshu.notes.models import Note  # noqa: E402
from hongshu.social.models import Follow  # noqa: E402


def _pick() -> tuple[User, User, int]:
    accepted = Follow.objects.filter(state=Follow.State.ACCEPTED)
    star_id = accepted.values("followee_id").annotate(n=Count("id")).order_by("-n")[0]["followee_id"]
    reader_id = accepted.values("follower_id").annotate(n=Count("id")).order_by("-n")[0]["follower_id"]
    note_id = (
        Comment.objects.filter(
            note__status=Note.Status.PUBLISHED, note__visibility="public", note__deleted_at__isnull=True
        )
        .values("note_id")
        .annotate(n=Count("id"))
        .order_by("-n")[0]["note_id"]
    )
    return User.objects.get(pk=star_id), User.objects.get(pk=reader_id), note_id


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    star, reader, note_id = _pick()
    followers = Follow.objects.filter(followee=star, state=Follow.State.ACCEPTED).count()
    print(f"# profile @{star.handle} ({followers} followers); member @{reader.handle}; note {note_id}")
    pages = {
        "note page": f"/notes/{note_id}",
        "profile page": f"/@{star.handle}",
        "explore page": "/",
        "api note read": f"/api/v1/notes/{note_id}",
    }
    visitor, member = Client(), Client()
    member.force_login(reader)
    print(f"{'page':<16}{'viewer':<9}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
    for name, path in pages.items():
        for who, client in (("visitor", visitor), ("member", member)):
            times, queries = [], 0
            for _ in range(args.repeat):
                for cache in caches.all():
                    cache.clear()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
                queries = len(captured.captured_queries)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(f"{name:<16}{who:<9}{queries:>8}{statistics.median(times):>11.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
