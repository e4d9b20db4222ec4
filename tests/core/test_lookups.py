"""`__in_ids` (one array parameter) selects exactly what `__in` selects, on both database engines."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongshu.accounts.models import User
from hongshu.notes.models import Topic
from hongshu.social.models import Follow


@pytest.fixture
def topics(db: None) -> list[int]:
    return [Topic.objects.create(name=f"topic{i}", key=f"topic{i}").pk for i in range(12)]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_in_ids_matches_in(topics: list[int], data: st.DataObject) -> None:
    stored = st.sampled_from(topics)
    absent = st.integers(min_value=1, max_value=2**62).filter(lambda i: i not in topics)
    ids = data.draw(st.lists(stored | absent, max_size=30))
    expected = set(Topic.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert set(Topic.objects.filter(pk__in_ids=ids).values_list("pk", flat=True)) == expected
    assert Topic.objects.exclude(pk__in_ids=ids).count() == len(topics) - len(expected)


def test_in_ids_on_a_foreign_key(make_member: Callable[..., User]) -> None:
    alice, bob, carol = (make_member(h) for h in ("alice", "bob", "carol"))
    Follow.objects.create(follower=alice, followee=bob)
    Follow.objects.create(follower=carol, followee=alice)
    found = Follow.objects.filter(follower_id__in_ids=[alice.pk, bob.pk]).values_list(
        "followee_id", flat=True
    )
    assert list(found) == [bob.pk]
    assert not Follow.objects.filter(follower_id__in_ids=[]).exists()


def test_in_ids_rejects_what_is_not_an_id(db: None) -> None:
    with pytest.raises((TypeError, ValueError)):
        Topic.objects.filter(pk__in_ids=["not a number"])
    with pytest.raises(TypeError):
        Topic.objects.filter(pk__in_ids="123")  # a string is not read as the ids 1, 2, 3
    with pytest.raises(TypeError):
        Topic.objects.filter(pk__in_ids=123)
