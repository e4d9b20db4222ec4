"""Boards on the web: the owner manages them from the collects tab (the services of /api/v1/boards), the
collect sheet is read-only, web and API collect through one service, and comments are deleted by their
author or the note's author (the rule of DELETE /api/v1/comments/{id})."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.comments.services import comment_create, comment_reply
from hongshu.interactions import services as interactions
from hongshu.interactions.models import Board, Collect
from hongshu.interactions.selectors import note_counts
from hongshu.notes.models import Note

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def signed_in(user: User, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["hongshu_language"] = language
    return client


def _input_value(html: str, input_id: str) -> str:
    tag = re.search(rf'<input id="{input_id}"[^>]*>', html)
    assert tag, input_id
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


# ---- the owner manages boards from the collects tab ----


def test_owner_creates_renames_privatises_and_deletes_a_board(
    make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    note = publish(bob, "Noodles")
    client = signed_in(alice)
    page = client.get("/@alice?tab=collects").content.decode()
    assert 'aria-label="Manage boards"' in page
    assert 'id="board-new"' in page

    created = client.post("/me/boards", {"name": "Kyoto"})
    kyoto = Board.objects.get(owner=alice, name="Kyoto")
    assert created.status_code == 302
    assert created["Location"] == f"/@alice?tab=collects&board={kyoto.pk}"
    assert not kyoto.is_public
    assert Board.objects.filter(owner=alice, is_default=True).exists()  # with its first board
    page = client.get(created["Location"]).content.decode()
    assert "Board “Kyoto” created." in page
    assert _input_value(page, "board-name") == "Kyoto"
    assert "Only you can see this board." in page

    assert client.post(f"/me/boards/{kyoto.pk}", {"name": "Osaka"}).status_code == 302
    kyoto.refresh_from_db()
    assert kyoto.name == "Osaka"
    assert client.post(f"/me/boards/{kyoto.pk}", {"is_public": "1"}).status_code == 302
    kyoto.refresh_from_db()
    assert (kyoto.name, kyoto.is_public) == ("Osaka", True)
    page = client.get(f"/@alice?tab=collects&board={kyoto.pk}").content.decode()
    assert "The board is now public." in page
    assert "Anyone can see this board." in page
    assert client.post(f"/me/boards/{kyoto.pk}", {"is_public": "0"}).status_code == 302
    kyoto.refresh_from_db()
    assert not kyoto.is_public

    interactions.collect_create(user=alice, note_id=note.pk, board_id=kyoto.pk)
    page = client.get(f"/@alice?tab=collects&board={kyoto.pk}").content.decode()
    assert "Delete “Osaka”? Its notes stay collected, in your default board." in page
    deleted = client.post(f"/me/boards/{kyoto.pk}/delete")
    assert deleted.status_code == 302
    assert deleted["Location"] == "/@alice?tab=collects"
    assert not Board.objects.filter(pk=kyoto.pk).exists()
    # As the API's service does: the note stays collected, in the default board.
    assert Collect.objects.get(user=alice, note=note).board.is_default
    assert note_counts(note_ids=[note.pk])[note.pk].collects == 1
    page = client.get(deleted["Location"]).content.decode()
    assert "Board deleted. Its notes stay collected." in page
    assert "Noodles" in page


def test_the_default_board_is_only_shared_or_hidden(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    interactions.board_create(owner=alice, name="Trips")
    default = Board.objects.get(owner=alice, is_default=True)
    client = signed_in(alice)
    page = client.get(f"/@alice?tab=collects&board={default.pk}").content.decode()
    assert 'id="board-name"' not in page  # no rename
    assert f"/me/boards/{default.pk}/delete" not in page  # no delete
    assert "Make public" in page
    assert client.post(f"/me/boards/{default.pk}", {"is_public": "1"}).status_code == 302
    default.refresh_from_db()
    assert default.is_public
    refused = client.post(f"/me/boards/{default.pk}/delete")
    assert refused.status_code == 422
    assert "The default board cannot be deleted." in refused.content.decode()
    assert Board.objects.filter(pk=default.pk).exists()


def test_a_refused_board_form_keeps_what_was_typed(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    trips = interactions.board_create(owner=alice, name="Trips")
    client = signed_in(alice)
    taken = client.post("/me/boards", {"name": "TRIPS"})
    assert taken.status_code == 422
    html = taken.content.decode()
    assert "You already have a board with this name." in html
    assert _input_value(html, "board-new") == "TRIPS"
    too_long = "字" * 21
    refused = client.post(f"/me/boards/{trips.pk}", {"name": too_long})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "Board names are at most 20 characters." in html
    assert _input_value(html, "board-name") == too_long
    trips.refresh_from_db()
    assert trips.name == "Trips"
    assert Board.objects.filter(owner=alice, is_default=False).count() == 1


def test_the_refusal_is_in_chinese_for_a_chinese_reader(make_member: Callable[..., User]) -> None:
    alice = make_member("alice")
    interactions.board_create(owner=alice, name="旅行")
    client = signed_in(alice, "zh-hans")
    refused = client.post("/me/boards", {"name": "旅行"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "你已经有同名的收藏专辑。" in html
    assert _input_value(html, "board-new") == "旅行"
    assert "公开" in html  # the new board's privacy box


def test_other_members_and_visitors_cannot_change_a_board(
    client: Client, make_member: Callable[..., User]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    public = interactions.board_create(owner=alice, name="Open", is_public=True)
    private = interactions.board_create(owner=alice, name="Mine")
    bob_client = signed_in(bob)
    assert bob_client.post(f"/me/boards/{public.pk}", {"name": "Hijacked"}).status_code == 403
    assert bob_client.post(f"/me/boards/{public.pk}/delete").status_code == 403
    assert bob_client.post(f"/me/boards/{private.pk}", {"is_public": "1"}).status_code == 404
    assert bob_client.post(f"/me/boards/{private.pk}/delete").status_code == 404
    for url in (f"/me/boards/{public.pk}", f"/me/boards/{public.pk}/delete", "/me/boards"):
        response = client.post(url, {"name": "Visitor"})
        assert response.status_code == 302
        assert response["Location"].startswith("/signin/?next=")
    assert client.get("/me/boards").status_code == 302  # a visitor is sent to sign in first
    assert signed_in(alice).get(f"/me/boards/{public.pk}").status_code == 405  # POST only
    assert sorted(Board.objects.filter(owner=alice).values_list("name", "is_public")) == [
        ("", False),
        ("Mine", False),
        ("Open", True),
    ]
    assert not Board.objects.filter(owner=bob).exists()
    # Nobody but the owner sees the tools.
    for other in (client, bob_client):
        html = other.get(f"/@alice?tab=collects&board={public.pk}").content.decode()
        assert "Manage boards" not in html
        assert "/me/boards" not in html


def test_a_private_board_is_hidden_from_others(
    client: Client, make_member: Callable[..., User], publish: Callable[..., Note]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    note = publish(bob, "Secret recipe")
    secret = interactions.board_create(owner=alice, name="Secret")
    interactions.board_create(owner=alice, name="Open", is_public=True)
    interactions.collect_create(user=alice, note_id=note.pk, board_id=secret.pk)
    owner_view = signed_in(alice).get(f"/@alice?tab=collects&board={secret.pk}").content.decode()
    assert "Secret recipe" in owner_view
    assert "Secret · private" in owner_view
    for other in (client, signed_in(bob)):
        html = other.get("/@alice?tab=collects").content.decode()
        assert "Open" in html
        assert "Secret" not in html
        assert other.get(f"/@alice?tab=collects&board={secret.pk}").status_code == 404
    # Made public by its owner on the web, it shows; made private again, it hides.
    signed_in(alice).post(f"/me/boards/{secret.pk}", {"is_public": "1"})
    assert "Secret recipe" in client.get(f"/@alice?tab=collects&board={secret.pk}").content.decode()
    signed_in(alice).post(f"/me/boards/{secret.pk}", {"is_public": "0"})
    assert client.get(f"/@alice?tab=collects&board={secret.pk}").status_code == 404


# ---- reading creates nothing ----


def test_reading_boards_creates_no_row(
    make_member: Callable[..., User], publish: Callable[..., Note], cookie_api: Callable[[Client], Any]
) -> None:
    alice, bob = make_member("alice"), make_member("bob")
    note = publish(alice)
    client = signed_in(bob)
    before = Board.objects.count()
    sheet = client.get(f"/notes/{note.pk}/boards", headers=HTMX)
    assert sheet.status_code == 200
    html = sheet.content.decode()
    assert 'name="board" value=""' in html  # the default board, offered before it exists
    assert "My collection" in html
    assert client.get("/@bob?tab=collects").status_code == 200
    assert cookie_api(client).get("/boards").json() == []
    assert Board.objects.count() == before == 0
    # The POST that collects into it creates it; the sheet then offers it by its ID.
    assert client.post(f"/notes/{note.pk}/collect", {"board": ""}, headers=HTMX).status_code == 200
    default = Board.objects.get(owner=bob, is_default=True)
    html = client.get(f"/notes/{note.pk}/boards", headers=HTMX).content.decode()
    assert f'name="board" value="{default.pk}"' in html
    assert 'name="board" value=""' not in html
    assert Board.objects.count() == 1


# ---- one collecting workflow for the web and the API ----


def _collect_by_web(client: Client, note: Note, choice: dict[str, str]) -> int:
    return client.post(f"/notes/{note.pk}/collect", choice, headers=HTMX).status_code


def _collect_by_api(api: Any, note: Note, choice: dict[str, str]) -> int:
    body = {"board_id": choice["board"]} if "board" in choice else {}
    if "new_board" in choice:
        body["new_board_name"] = choice["new_board"]
    return int(api.post(f"/notes/{note.pk}/collect", json=body).status_code)


def _state(user: User, note: Note) -> tuple[str, bool, bool, list[str]]:
    collect = Collect.objects.select_related("board").get(user=user, note=note)
    names = sorted(Board.objects.filter(owner=user).values_list("name", flat=True))
    return collect.board.name, collect.board.is_default, collect.board.is_public, names


@pytest.mark.parametrize("choice", ["default", "chosen", "new"])
def test_web_and_api_collect_alike(
    choice: str,
    make_member: Callable[..., User],
    member_api: Callable[..., Any],
    publish: Callable[..., Note],
) -> None:
    author = make_member("author")
    note = publish(author)
    web_user = make_member("webby")
    api_user, api = member_api("appy")
    web = signed_in(web_user)
    results = []
    for user in (web_user, api_user):
        chosen = interactions.board_create(owner=user, name="Picked") if choice == "chosen" else None
        form = {
            "default": {},
            "chosen": {"board": str(chosen.pk) if chosen else ""},
            "new": {"new_board": "Fresh"},
        }[choice]
        status = _collect_by_web(web, note, form) if user == web_user else _collect_by_api(api, note, form)
        assert status in (200, 201)
        results.append(_state(user, note))
    assert results[0] == results[1]
    expected_board = {"default": "", "chosen": "Picked", "new": "Fresh"}[choice]
    assert results[0][0] == expected_board
    assert note_counts(note_ids=[note.pk])[note.pk].collects == 2
    # Collecting again is refused alike, and a new board named then is not left behind.
    web_again = _collect_by_web(web, note, {"new_board": "Again"})
    api_again = _collect_by_api(api, note, {"new_board": "Again"})
    assert web_again == api_again == 409
    assert not Board.objects.filter(name="Again").exists()


def test_naming_a_new_board_and_choosing_one_is_refused_alike(
    make_member: Callable[..., User], member_api: Callable[..., Any], publish: Callable[..., Note]
) -> None:
    note = publish(make_member("author"))
    web_user = make_member("webby")
    api_user, api = member_api("appy")
    web_board = interactions.board_create(owner=web_user, name="Picked")
    api_board = interactions.board_create(owner=api_user, name="Picked")
    choice = {"board": str(web_board.pk), "new_board": "Fresh"}
    assert _collect_by_web(signed_in(web_user), note, choice) == 422
    choice = {"board": str(api_board.pk), "new_board": "Fresh"}
    assert _collect_by_api(api, note, choice) == 422
    assert not Collect.objects.exists()
    assert not Board.objects.filter(name="Fresh").exists()


# ---- deleting comments ----


@pytest.fixture
def thread(make_member: Callable[..., User], publish: Callable[..., Note]) -> dict[str, Any]:
    author, writer, third = make_member("author"), make_member("writer"), make_member("third")
    note = publish(author, "Hot pot")
    first = comment_create(author=writer, note_id=note.pk, body="So spicy")
    second = comment_create(author=third, note_id=note.pk, body="Looks good")
    return {
        "author": author,
        "writer": writer,
        "third": third,
        "note": note,
        "first": first,
        "second": second,
    }


def _delete_buttons(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-hx-post="/comments/(\d+)/delete"', html)}


def test_delete_actions_show_only_where_allowed(thread: dict[str, Any], client: Client) -> None:
    note, first, second = thread["note"], thread["first"], thread["second"]
    url = f"/notes/{note.pk}"
    assert _delete_buttons(signed_in(thread["author"]).get(url).content.decode()) == {first.pk, second.pk}
    assert _delete_buttons(signed_in(thread["writer"]).get(url).content.decode()) == {first.pk}
    assert _delete_buttons(signed_in(thread["third"]).get(url).content.decode()) == {second.pk}
    assert _delete_buttons(client.get(url).content.decode()) == set()
    html = signed_in(thread["writer"]).get(url).content.decode()
    assert 'data-hx-confirm="Delete this comment?"' in html


def test_a_member_deletes_their_own_comment(thread: dict[str, Any]) -> None:
    note, first = thread["note"], thread["first"]
    response = signed_in(thread["writer"]).post(f"/comments/{first.pk}/delete", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "So spicy" not in html  # nothing replaces it in the list
    assert '<div class="comment' not in html
    assert f'id="comments-title-{note.pk}" data-hx-swap-oob="true">1 comment</h2>' in html
    assert f"innerHTML:a[href='#comments-title-{note.pk}'] .action__count\">1</span>" in html
    assert "Comment deleted" in response["HX-Trigger"]
    assert Comment.objects.get(pk=first.pk).deleted_at is not None
    assert note_counts(note_ids=[note.pk])[note.pk].comments == 1
    assert "So spicy" not in signed_in(thread["author"]).get(f"/notes/{note.pk}").content.decode()


def test_the_note_author_deletes_any_comment_and_a_thread_keeps_its_place(
    thread: dict[str, Any],
) -> None:
    note, second = thread["note"], thread["second"]
    reply = comment_reply(author=thread["writer"], comment_id=second.pk, body="Agreed")
    response = signed_in(thread["author"]).post(f"/comments/{second.pk}/delete", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This comment was deleted." in html  # the root stays as a placeholder for its reply
    assert "Looks good" not in html
    assert "Agreed" in html
    assert ">2 comments</h2>" in html
    assert Comment.objects.get(pk=second.pk).deleted_by == thread["author"]
    response = signed_in(thread["author"]).post(f"/comments/{reply.pk}/delete", headers=HTMX)
    assert response.status_code == 200
    assert "Agreed" not in response.content.decode()
    assert note_counts(note_ids=[note.pk])[note.pk].comments == 1


def test_a_third_member_cannot_delete_a_comment(thread: dict[str, Any], client: Client) -> None:
    first = thread["first"]
    refused = signed_in(thread["third"], "zh-hans").post(f"/comments/{first.pk}/delete", headers=HTMX)
    assert refused.status_code == 403
    assert "只有评论者或笔记作者可以删除这条评论。" in refused.content.decode()
    refused = signed_in(thread["third"]).post(f"/comments/{first.pk}/delete", headers=HTMX)
    assert (
        "Only the comment&#x27;s author or the note&#x27;s author can delete it." in refused.content.decode()
    )
    assert client.post(f"/comments/{first.pk}/delete", headers=HTMX).status_code == 401
    assert signed_in(thread["third"]).get(f"/comments/{first.pk}/delete").status_code == 405
    assert Comment.objects.get(pk=first.pk).deleted_at is None
    assert note_counts(note_ids=[thread["note"].pk])[thread["note"].pk].comments == 2
