"""In-process cost of search's policy query (`search.selectors._listed_with_counts`): the SQL compiled once
(`core.compiled`) against the ORM building and compiling the queryset on every call
(`HONGSHU_COMPILED_QUERIES=false`), for an anonymous and a member viewer, 20 ids per call.

Run from the repository root on a throwaway test database (created and dropped):
`.venv/bin/python bench/compiled_policy_bench.py` (SQLite) or with `DATABASE_URL=postgres://.../<name>`
(uses `<name>_test`). Prints µs per call, best of 5 runs of 2,000 calls.
"""

from __future__ import annotations

import itertools
import os
import timeit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
os.environ.setdefault("HONGSHU_FAST_PASSWORD_HASHER", "true")
os.environ.setdefault("HONGSHU_JOBS", "inline")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

CALLS = 2000


def main() -> None:
    from hongshu.accounts import services as account_services
    from hongshu.media.models import MediaAsset
    from hongshu.notes.services import ImageSpec, note_create
    from hongshu.search.selectors import _listed_with_counts
    from hongshu.social.models import Follow

    password = "bench-Pass-2026!"  # noqa: S105 - a throwaway database
    members = [account_services.account_create(handle=f"bench{n}", password=password) for n in range(10)]
    for a, b in itertools.pairwise(members):
        Follow.objects.create(follower=a, followee=b, state=Follow.State.ACCEPTED)
    ids = []
    for n in range(20):
        author = members[n % len(members)]
        asset = MediaAsset.objects.create(
            owner=author, state=MediaAsset.State.READY, content_type="image/jpeg", width=1080, height=1440,
            blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj", variants={"360": "media/x/360.webp"},
        )  # fmt: skip
        visibility = ("public", "followers", "private")[n % 3]
        note = note_create(
            author=author, title=f"note {n}", body="", images=[ImageSpec(media_id=asset.pk)],
            visibility=visibility, draft=False, language="en",
        )  # fmt: skip
        ids.append(note.pk)
    print(f"{connection.vendor}: {CALLS} calls, 20 ids, µs per call (best of 5)")
    for label, viewer in (("anonymous", None), ("member", members[3])):
        results = {}
        for mode in (True, False):
            settings.HONGSHU = settings.HONGSHU.model_copy(update={"compiled_queries": mode})
            _listed_with_counts.rows(ids=ids, viewer=viewer)  # warm: compiled once
            best = min(
                timeit.repeat(
                    lambda v=viewer: _listed_with_counts.rows(ids=ids, viewer=v), number=CALLS, repeat=5
                )
            )
            results[mode] = best / CALLS * 1e6
        print(
            f"  {label:9}: compiled {results[True]:7.1f}  ORM {results[False]:7.1f}  "
            f"(ORM {results[False] / results[True] - 1:+.0%})"
        )


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
