"""Offline quality of Explore: replay a held-back slice of the likes and measure hit-rate@20.

On a seeded database (`hongshu bench seed`, see docs/benchmarks.md#explore-offline-quality), the latest
`--holdout` share of the likes is held back: everything the rankings see happened before the cutoff (the
pool is rebuilt as it stood then, `pool_refresh(now=cutoff, replay=True)`; the member's topics come from
their likes before it; the fresh source stops at it). For a sample of members who liked something both
before and after the cutoff, each ranking offers 20 notes (none the member's own or already liked before
the cutoff); a hit is a member who liked at least one of them after the cutoff.

Rankings: ours (`discovery.selectors.explore_ranking`, the feed's own code and settings); ours without the
personal sources (no topics, no close authors); "most popular" (most likes, collects and comments before
the cutoff, all time); random (public notes published before the cutoff).

Run from the repository root:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/explore_quality.py`
It rewrites the database's Explore pool (a cache; the periodic job rebuilds it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter, defaultdict

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import override_settings  # noqa: E402

from hongshu.accounts.models import User  # noqa: E402
from hongshu.core.ids import id_at, id_timestamp_ms  # noqa: E402
from hongshu.discovery.selectors import NO_EXCLUSIONS, explore_ranking  # noqa: E402
from hongshu.discovery.services import pool_refresh  # noqa: E402
from hongshu.interactions.models import Like  # noqa: E402
from hongshu.notes.models import Note  # noqa: E402

K = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--holdout", type=float, default=0.05, help="share of the latest likes held back")
    parser.add_argument("--members", type=int, default=500, help="members sampled")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()

    total = Like.objects.count()
    held = int(total * args.holdout)
    cutoff_id = Like.objects.order_by("-id").values_list("id", flat=True)[held]
    cutoff_ms = id_timestamp_ms(cutoff_id)
    from datetime import UTC, datetime

    cutoff = datetime.fromtimestamp(cutoff_ms / 1000, tz=UTC)
    after: dict[int, set[int]] = defaultdict(set)
    for user_id, note_id in Like.objects.filter(pk__gt=cutoff_id).values_list("user_id", "note_id"):
        after[user_id].add(note_id)
    candidates = sorted(after)
    rng.shuffle(candidates)
    sample = []
    for user_id in candidates:
        before = set(
            Like.objects.filter(user_id=user_id, pk__lte=cutoff_id).values_list("note_id", flat=True)
        )
        if before:
            sample.append((user_id, before))
        if len(sample) == args.members:
            break

    pooled = pool_refresh(now=cutoff, replay=True)
    before_note = id_at(cutoff_ms + 1, 0)
    public = Note.objects.alive().filter(pk__lt=before_note, status="published", visibility="public")
    popular = list(
        Like.objects.filter(pk__lte=cutoff_id, note__in=public)
        .values("note_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("note_id", flat=True)[:5000]
    )
    public_ids = list(public.values_list("id", flat=True))
    own: dict[int, set[int]] = defaultdict(set)
    ids = [u for u, _b in sample]
    for note_id, author_id in public.filter(author_id__in=ids).values_list("id", "author_id"):
        own[author_id].add(note_id)

    def top(ranked: list[int], seen: set[int]) -> list[int]:
        return [n for n in ranked if n not in seen][:K]

    no_personal = settings.HONGSHU.model_copy(
        update={"explore_weight_topic": 0.0, "explore_weight_social": 0.0}
    )
    hits: Counter[str] = Counter()
    offered: Counter[str] = Counter()
    users = User.objects.in_bulk(ids)
    for user_id, before in sample:
        member = users[user_id]
        seen = before | own[user_id]
        lists = {
            "ours": top(
                explore_ranking(
                    viewer=member, language="en", seed=user_id, now_ms=cutoff_ms, hidden=NO_EXCLUSIONS
                ),
                seen,
            ),
            "most popular": top(popular, seen),
            "random": top(rng.sample(public_ids, K + len(seen) if len(seen) < 500 else 600), seen),
        }
        with override_settings(HONGSHU=no_personal):
            lists["ours without personal sources"] = top(
                explore_ranking(
                    viewer=member, language="en", seed=user_id, now_ms=cutoff_ms, hidden=NO_EXCLUSIONS
                ),
                seen,
            )
        for name, offered_ids in lists.items():
            offered[name] += len(offered_ids)
            hits[name] += bool(after[user_id] & set(offered_ids))
    n = len(sample)
    result = {
        "likes": total,
        "held_back": held,
        "cutoff": cutoff.isoformat(),
        "members": n,
        "pooled_notes": pooled,
        "public_notes_before_cutoff": len(public_ids),
        "hit_rate_at_20": {name: round(hits[name] / n, 4) for name in hits},
        "offered_per_member": {name: round(offered[name] / n, 1) for name in offered},
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
