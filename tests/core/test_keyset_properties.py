"""Property test of the (key, id) keyset cursor: every row exactly once, in order, whatever the ties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.core.errors import InvalidInput
from hongshu.core.pagination import keyset_page
from hongshu.notes.models import Note


def walk(queryset, **options):
    seen, cursor = [], None
    while True:
        page = keyset_page(queryset, cursor=cursor, **options)
        assert len(page.items) <= options["limit"]
        seen += [c.pk for c in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    likes=st.lists(st.integers(min_value=0, max_value=3), max_size=25),
    limit=st.integers(min_value=1, max_value=7),
)
def test_keyset_pages_cover_everything_once_in_order(db, likes, limit):
    Comment.objects.all().delete()
    author = User.objects.filter(handle="kp").first() or User.objects.create_user("kp", "x" * 12)
    note = Note.objects.create(author=author, title="t")
    Comment.objects.bulk_create([Comment(note=note, author=author, body="b", like_count=n) for n in likes])
    rows = Comment.objects.all()
    by_likes = list(rows.order_by("-like_count", "-id").values_list("pk", flat=True))
    assert walk(rows, limit=limit, key="like_count") == by_likes
    assert walk(rows, limit=limit) == sorted(by_likes, reverse=True)
    assert walk(rows, limit=limit, ascending=True) == sorted(by_likes)
    assert walk(rows, limit=limit, key="like_count", ascending=True) == by_likes[::-1]


def test_one_cursor_rule_for_every_order(db):
    """An ID cursor names an ID (1..2**63-1) in either direction; a keyed cursor is a 64-bit key and an ID."""
    rows = Comment.objects.all()
    for cursor, options in [
        ("0", {}),
        ("-1", {"ascending": True}),
        ("9223372036854775808", {}),
        ("1.2", {}),
        ("5", {"key": "like_count"}),
        ("1.-5", {"key": "like_count"}),
        ("1.0", {"key": "like_count", "ascending": True}),
        ("٣", {}),
    ]:
        with pytest.raises(InvalidInput) as refused:
            keyset_page(rows, cursor=cursor, limit=5, **options)
        assert refused.value.code == "invalid_cursor", cursor
    assert keyset_page(rows, cursor="-3.7", limit=5, key="like_count").items == []  # a negative key is a key
