"""Property tests for the shared mechanisms: IDs, grapheme counting, text cleaning, cursor pagination."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongshu.core.ids import EPOCH_MS, id_timestamp_ms, next_id
from hongshu.core.pagination import paginate_by_id
from hongshu.core.text import clean_text, grapheme_length
from hongshu.notes.models import Topic


def test_ids_are_unique_increasing_and_time_ordered():
    ids = [next_id() for _ in range(20_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(0 < i < 2**63 for i in ids)
    assert id_timestamp_ms(ids[-1]) > EPOCH_MS


def test_ids_are_unique_across_threads():
    results: list[list[int]] = [[] for _ in range(4)]

    def work(bucket: list[int]) -> None:
        bucket.extend(next_id() for _ in range(5_000))

    threads = [threading.Thread(target=work, args=(bucket,)) for bucket in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = [i for bucket in results for i in bucket]
    assert len(set(merged)) == len(merged)


@given(st.lists(st.sampled_from(["a", "红", "🍜", "👩‍👩‍👧‍👦", "é", "🇨🇳", "👍🏽"]), max_size=50))
def test_grapheme_length_counts_what_a_reader_sees(parts):
    assert grapheme_length("".join(parts)) == len(parts)


@given(st.text())
def test_clean_text_is_idempotent_and_drops_controls(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert not any(ord(c) < 32 and c not in "\n\t" for c in cleaned)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(count=st.integers(min_value=0, max_value=30), limit=st.integers(min_value=1, max_value=50))
def test_cursor_pages_cover_everything_once_in_order(db, count, limit):
    Topic.objects.all().delete()
    Topic.objects.bulk_create([Topic(name=f"t{i}", key=f"t{i}") for i in range(count)])
    expected = list(Topic.objects.order_by("-pk").values_list("pk", flat=True))
    seen: list[int] = []
    cursor = None
    while True:
        page = paginate_by_id(Topic.objects.all(), cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        seen += [t.pk for t in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected
