"""The benchmark dataset generator at a tiny scale: counts, language mix, consistency, a heavy-headed graph."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest
from django.db.models import Count
from hongshu_bench.services import BASE_COUNTS, bench_seed

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.core.ids import id_timestamp_ms
from hongshu.core.text import grapheme_length
from hongshu.interactions.models import Collect, Like, NoteCounter
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note, NoteImage
from hongshu.social.models import Follow, FollowCounter
from hongshu.social.services import follow_counts_reconcile_all

SCALE = 0.0005


def _per_note(model: type[Like] | type[Collect] | type[Comment]) -> dict[int, int]:
    rows = model.objects.values("note_id").annotate(n=Count("id")).values_list("note_id", "n")
    return dict(rows)


def test_bench_seed_builds_a_consistent_dataset_at_the_requested_scale(db: None) -> None:
    result = bench_seed(scale=SCALE, seed=7)

    assert User.objects.count() == result.counts["members"] == 50
    assert Note.objects.count() == result.counts["notes"] == 500
    for name in ("likes", "collects", "comments"):
        assert result.counts[name] == pytest.approx(BASE_COUNTS[name] * SCALE, rel=0.1)
    assert Like.objects.count() == result.counts["likes"]
    assert Collect.objects.count() == result.counts["collects"]
    assert Comment.objects.count() == result.counts["comments"]

    # Language mix: half Chinese (some Traditional), a third English, the rest mixed.
    languages = Counter(Note.objects.values_list("language", flat=True))
    assert 0.4 < (languages["zh-Hans"] + languages["zh-Hant"]) / 500 < 0.6
    assert languages["zh-Hant"] > 0
    assert 0.25 < languages["en"] / 500 < 0.42
    assert languages["mixed"] > 0.05 * 500

    # Titles fit, bodies carry #topics, IDs encode the creation time.
    for note in Note.objects.only("id", "title", "body", "created_at"):
        assert 0 < grapheme_length(note.title) <= 20
        assert "#" in note.body
        assert id_timestamp_ms(note.id) == int(note.created_at.timestamp() * 1000)

    # Every public note is visible to an anonymous visitor (published, live author, not deleted).
    public = Note.objects.filter(visibility=Note.Visibility.PUBLIC).count()
    assert public > 400
    assert Note.objects.visible_to(None).count() == public

    # One ready image per note.
    assert NoteImage.objects.count() == 500
    assert MediaAsset.objects.filter(state=MediaAsset.State.READY, note_image__isnull=False).count() == 500

    # Counters: shard 0 holds the exact totals.
    counters = {c.note_id: c for c in NoteCounter.objects.all()}
    assert set(counters) == set(Note.objects.values_list("id", flat=True))
    assert {c.shard for c in counters.values()} == {0}
    likes, collects, comments = _per_note(Like), _per_note(Collect), _per_note(Comment)
    for note_id, counter in counters.items():
        assert counter.likes == likes.get(note_id, 0)
        assert counter.collects == collects.get(note_id, 0)
        assert counter.comments == comments.get(note_id, 0)

    # Replies hang under a root comment of the same note.
    roots = dict(Comment.objects.filter(root__isnull=True).values_list("id", "note_id"))
    for note_id, root_id in Comment.objects.filter(root__isnull=False).values_list("note_id", "root_id"):
        assert roots[root_id] == note_id

    # A heavy head: the most followed member has far more followers than the median one.
    followers = Counter(Follow.objects.values_list("followee_id", flat=True))
    counts = [followers.get(pk, 0) for pk in User.objects.values_list("id", flat=True)]
    assert max(counts) >= 3 * statistics.median(counts)
    assert max(counts) >= 45  # the top creator: (nearly) every other member follows them
    # The follow counters are loaded with the follows, exact (nothing for the reconcile job to repair).
    assert FollowCounter.objects.exists()
    assert follow_counts_reconcile_all() == 0


def test_bench_seed_refuses_to_load_the_same_dataset_twice(db: None) -> None:
    bench_seed(scale=0.0001, seed=3)
    with pytest.raises(ValueError, match="already"):
        bench_seed(scale=0.0001, seed=3)
