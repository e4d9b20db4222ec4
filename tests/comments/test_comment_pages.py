"""Cursor pages of comments and replies, and the fixed number of queries a page costs."""

from __future__ import annotations

import pytest

from hongshu.comments import services


@pytest.fixture
def thread(make_member, post_note):
    nina = make_member("nina")
    fans = [make_member(f"fan{i}") for i in range(6)]
    return nina, fans, post_note(nina, "busy")


def walk(client, path, **query):
    items, cursor = [], None
    while True:
        params = {**query, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, data=params)
        assert response.status_code == 200, response.content
        page = response.json()
        assert len(page["items"]) <= query.get("limit", 20)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_top_comments_page_by_likes_then_recency_without_gaps_or_repeats(thread, api):
    _nina, fans, note = thread
    likes = [2, 0, 5, 2, 0, 2, 1]
    made = []
    for i, count in enumerate(likes):
        comment = services.comment_create(author=fans[i % len(fans)], note_id=note.pk, body=f"c{i}")
        for fan in fans[:count]:
            services.comment_like(user=fan, comment_id=comment.pk)
        made.append((count, comment.pk, f"c{i}"))
    expected = [body for _count, _pk, body in sorted(made, reverse=True)]
    for limit in (1, 2, 3, 50):
        assert [c["body"] for c in walk(api, f"/notes/{note.pk}/comments", limit=limit)] == expected
    newest_first = [body for _count, _pk, body in sorted(made, key=lambda m: -m[1])]
    assert [
        c["body"] for c in walk(api, f"/notes/{note.pk}/comments", sort="latest", limit=2)
    ] == newest_first


def test_replies_page_oldest_first(thread, api):
    _nina, fans, note = thread
    root = services.comment_create(author=fans[0], note_id=note.pk, body="root")
    parent = root
    for i in range(7):
        parent = services.comment_reply(author=fans[(i + 1) % len(fans)], comment_id=parent.pk, body=f"r{i}")
    bodies = [r["body"] for r in walk(api, f"/comments/{root.pk}/replies", limit=3)]
    assert bodies == [f"r{i}" for i in range(7)]


@pytest.mark.parametrize("cursor", ["abc", "1.2.3", "99999999999999999999", "-", "1."])
def test_bad_cursors_are_422(thread, api, problem, cursor):
    _nina, _fans, note = thread
    problem(api.get(f"/notes/{note.pk}/comments", data={"cursor": cursor}), 422, "invalid_cursor")


def test_a_page_costs_the_same_queries_however_full(thread, member_api, count_queries):
    _nina, fans, note = thread
    viewer, client = member_api("viewer")

    def add_root(i):
        root = services.comment_create(author=fans[i], note_id=note.pk, body=f"@fan0 @viewer hi {i}")
        for j in range(3):
            services.comment_reply(
                author=fans[(i + j + 1) % len(fans)], comment_id=root.pk, body=f"@nina r{j}"
            )
        services.comment_like(user=viewer, comment_id=root.pk)

    add_root(0)
    client.get("/accounts/me")  # the token's first use is recorded once; keep that write out of the count
    with count_queries() as few:
        assert len(client.get(f"/notes/{note.pk}/comments").json()["items"]) == 1
    for i in range(1, 6):
        add_root(i)
    with count_queries() as more:
        page = client.get(f"/notes/{note.pk}/comments").json()["items"]
    assert len(page) == 6
    assert all(c["liked"] and c["reply_count"] == 3 and len(c["replies"]) == 2 for c in page)
    assert all(c["replies"][0]["mentions"] == ["nina"] for c in page)
    assert len(more.captured_queries) == len(few.captured_queries)
