"""One hydration for every surface (`feeds.pages.note_cards` / `note_cards_of_ids`): any page of note IDs
becomes cards with authors, avatars, covers, topics, mentions, counts and the viewer's like and collect in
at most five queries, the same for 1, 20 and 50 notes, for a visitor and for a member; the API's note lists
and note read use it and carry the viewer's marks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from hongshu.accounts.models import User
from hongshu.feeds.pages import note_cards_of_ids
from hongshu.interactions import services as interactions
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, note_create

pytestmark = pytest.mark.django_db


def _photo(owner: User) -> int:
    return MediaAsset.objects.create(
        owner=owner, state=MediaAsset.State.READY, content_type="image/jpeg", width=30, height=40,
        variants={"360": f"media/{owner.pk}/360.webp"},
    ).pk  # fmt: skip


def _notes(make_member: Callable[..., User], reader: User, count: int) -> list[int]:
    """`count` notes by `count // 5 + 1` authors with avatars, 1-3 photos, a topic and a mention each; the
    reader likes every third and collects every fourth; followers-only ones among them."""
    authors = [make_member(f"writer{n}") for n in range(count // 5 + 1)]
    for author in authors:
        author.avatar_id = _photo(author)
        author.save(update_fields=["avatar"])
    ids = []
    for n in range(count):
        author = authors[n % len(authors)]
        note = note_create(
            author=author,
            title=f"Note {n}",
            body=f"hello @{reader.handle} #t{n % 4}",
            images=[ImageSpec(media_id=_photo(author)) for _ in range(1 + n % 3)],
            topics=[f"t{n % 4}"],
            visibility=Note.Visibility.PUBLIC,
        )
        if n % 3 == 0:
            interactions.like_create(user=reader, note_id=note.pk)
        if n % 4 == 0:
            interactions.collect_create(user=reader, note_id=note.pk)
        ids.append(note.pk)
    return ids


@pytest.mark.parametrize("count", [1, 20, 50])
@pytest.mark.parametrize("as_member", [False, True])
def test_any_page_of_ids_is_hydrated_in_five_queries(
    count: int,
    as_member: bool,
    make_member: Callable[..., User],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    reader = make_member("reader")
    ids = _notes(make_member, reader, count)
    viewer = reader if as_member else AnonymousUser()
    wanted = list(reversed(ids))
    with django_assert_max_num_queries(5):  # type: ignore[attr-defined]
        cards = note_cards_of_ids(viewer=viewer, note_ids=wanted)
        # everything a card shows, read inside the budget: nothing is loaded lazily afterwards
        shown = [
            (
                c.note.author.handle,
                c.note.author.avatar.variants if c.note.author.avatar else None,
                c.note.ordered_images()[0].media.variants,
                [t.name for t in c.note.topic_list()],
                c.note.mention_handles(),
                c.counts.likes,
                c.counts.collects,
                c.liked,
                c.collected,
            )
            for c in cards
        ]
    assert [c.note.pk for c in cards] == wanted
    assert len(shown) == count
    for position, card in enumerate(cards):
        n = count - 1 - position
        assert len(card.note.ordered_images()) == 1 + n % 3
        assert [t.name for t in card.note.topic_list()] == [f"t{n % 4}"]
        assert card.note.mention_handles() == ["reader"]
        assert (card.counts.likes, card.counts.collects) == (int(n % 3 == 0), int(n % 4 == 0))
        assert (card.liked, card.collected) == ((n % 3 == 0, n % 4 == 0) if as_member else (False, False))


def test_ids_the_viewer_may_not_read_are_left_out(make_member: Callable[..., User]) -> None:
    author, stranger = make_member("writer"), make_member("stranger")
    public = note_create(
        author=author,
        title="Open",
        body="x",
        images=[ImageSpec(media_id=_photo(author))],
        visibility=Note.Visibility.PUBLIC,
    )
    private = note_create(
        author=author,
        title="Mine",
        body="x",
        images=[ImageSpec(media_id=_photo(author))],
        visibility=Note.Visibility.PRIVATE,
    )
    assert [c.note.pk for c in note_cards_of_ids(viewer=stranger, note_ids=[private.pk, public.pk])] == [
        public.pk
    ]
    assert len(note_cards_of_ids(viewer=author, note_ids=[private.pk, public.pk])) == 2


@pytest.mark.parametrize("count", [1, 20, 50])
def test_the_api_note_list_and_read_carry_the_viewers_marks_in_fixed_queries(
    count: int,
    make_member: Callable[..., User],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    reader = make_member("reader")
    ids = _notes(make_member, reader, count)
    visitor, member = Client(), Client()
    member.force_login(reader)
    for client, session in ((visitor, 0), (member, 3)):  # a session costs its row, the member, its index
        with django_assert_max_num_queries(5 + session):  # type: ignore[attr-defined]
            items = client.get("/api/v1/notes", {"limit": 50}).json()["items"]
        assert len(items) == count
        liked = {int(i["id"]) for i in items if i["liked"]}
        assert liked == ({pk for n, pk in enumerate(ids) if n % 3 == 0} if session else set())
        with django_assert_max_num_queries(5 + session):  # type: ignore[attr-defined]
            one = client.get(f"/api/v1/notes/{ids[0]}").json()
        assert (one["liked"], one["collected"]) == ((True, True) if session else (None, None))
