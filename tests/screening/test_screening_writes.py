"""Screening at write time (issue 24 item 3): notes, comments, profiles, sign-up names and board names go
through one service; a listed term holds or rejects, shadow terms only record, and every decision with a
finding is in the event log with how the text was normalised."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.accounts.services import account_profile_release
from hongshu.comments.models import Comment
from hongshu.core.audit import audit_verify
from hongshu.core.models import AuditEvent
from hongshu.interactions.models import NoteCounter
from hongshu.notes.models import Note
from hongshu.screening.models import LexiconTerm, Rule
from hongshu.screening.stamp import catalog_changed

pytestmark = pytest.mark.django_db


def _rule(code: str, severity: int = 2) -> Rule:
    rule, _ = Rule.objects.get_or_create(
        code=code,
        defaults={
            "severity": severity,
            "title_en": f"No {code}",
            "title_zh": f"禁止{code}",
            "text_en": "…",
            "text_zh": "…",
        },
    )
    return rule


def _term(
    text: str, *, language: str, action: str = "hold", shadow: bool = False, rule: str = "t-scam"
) -> None:
    # update_or_create: the default lexicon may list it already
    LexiconTerm.objects.update_or_create(
        language=language, text=text, defaults={"rule": _rule(rule), "action": action, "shadow": shadow}
    )
    catalog_changed()


def _post(
    client: Any, images: list[str], title: str, body: str = "", headers: Any = None, **extra: Any
) -> Any:
    payload = {"title": title, "body": body, "images": [{"media_id": i} for i in images], **extra}
    return client.post("/notes", json=payload, headers=headers or {})


def _decisions(subject: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind="screening.decision", subject=subject).order_by("seq"))


def test_a_held_note_is_shown_to_its_author_alone_and_its_decision_says_why(
    member_api: Callable[..., Any], ready_images: Callable[..., list[str]], api: Any, problem: Any
) -> None:
    _term("加微信", language="zh")
    author, client = member_api("writer")
    _reader, reader = member_api("reader")
    response = _post(client, ready_images(author), "成都三日游", "好吃的都在这里，想要攻略的 加 微 信 领取")
    assert response.status_code == 201, response.content
    note = response.json()
    assert note["status"] == "held"
    assert client.get(f"/notes/{note['id']}").json()["status"] == "held"
    problem(reader.get(f"/notes/{note['id']}"), 404, "note_not_found")
    problem(api.get(f"/notes/{note['id']}"), 404, "note_not_found")
    [event] = _decisions(f"note:{note['id']}")
    assert event.data["outcome"] == "hold"
    assert event.data["rule"] == "t-scam"
    [finding] = event.data["findings"]
    assert (finding["field"], finding["term"], finding["shadow"]) == ("body", "加微信", False)
    assert finding["normalised"]  # the steps a moderator reads: how "加 微 信" became 加微信
    page = Client()
    page.force_login(author)
    assert "Under review" in page.get(f"/notes/{note['id']}").content.decode()
    assert Client().get(f"/notes/{note['id']}").status_code == 404
    assert audit_verify()[1] is None


def test_a_rejected_note_is_a_422_naming_the_rule_in_the_writers_language_and_nothing_is_written(
    member_api: Callable[..., Any], ready_images: Callable[..., list[str]], problem: Any
) -> None:
    _term("crypto giveaway", language="en", action="reject")
    author, client = member_api("writer")
    images = ready_images(author)
    body = problem(
        _post(client, images, "Big news", "Join the CRYPT0 G1VEAWAY now"), 422, "screening_rejected"
    )
    assert body["errors"][0]["field"] == "body"
    assert "No t-scam" in body["errors"][0]["message"]
    assert body["rule"] == "t-scam"
    zh = _post(client, images, "好消息", "crypto giveaway", headers={"Accept-Language": "zh-hans"})
    assert "禁止t-scam" in problem(zh, 422, "screening_rejected")["errors"][0]["message"]
    assert not Note.objects.filter(author=author).exists()
    assert [e.data["outcome"] for e in AuditEvent.objects.filter(kind="screening.decision")] == ["reject"] * 2


def test_the_compose_page_keeps_what_was_typed_when_screening_refuses_it(
    make_member: Callable[..., User], ready_images: Callable[..., list[str]]
) -> None:
    _term("free iphone", language="en", action="reject")
    author = make_member("writer")
    page = Client()
    page.force_login(author)
    [image] = ready_images(author, 1)
    response = page.post(
        "/compose/",
        {
            "title": "My haul",
            "body": "Get a fr.ee i-phone here",
            "photo": image,
            "alt": "",
            "visibility": "public",
        },
    )
    text = response.content.decode()
    assert response.status_code == 422
    assert "No t-scam" in text
    assert "Get a fr.ee i-phone here" in text
    assert not Note.objects.filter(author=author).exists()


def test_shadow_terms_record_and_change_nothing_and_innocent_words_pass(
    member_api: Callable[..., Any], ready_images: Callable[..., list[str]]
) -> None:
    _term("daigou", language="en", shadow=True)
    _term("ass", language="en", action="reject")
    author, client = member_api("writer")
    shadowed = _post(client, ready_images(author), "Haul", "my daigou friend found this")
    assert shadowed.json()["status"] == "published"
    [event] = _decisions(f"note:{shadowed.json()['id']}")
    assert (event.data["outcome"], event.data["findings"][0]["shadow"]) == ("publish", True)
    classic = _post(client, ready_images(author), "A classic", "Scunthorpe has a classic bass assistant")
    assert classic.json()["status"] == "published"
    assert not _decisions(f"note:{classic.json()['id']}")


def test_editing_a_note_screens_it_again(
    member_api: Callable[..., Any], ready_images: Callable[..., list[str]], problem: Any
) -> None:
    _term("刷单", language="zh")
    _term("scam link", language="en", action="reject")
    author, client = member_api("writer")
    _reader, reader = member_api("reader")
    note_id = _post(client, ready_images(author), "Daily", "a quiet day").json()["id"]
    assert reader.get(f"/notes/{note_id}").status_code == 200
    problem(client.patch(f"/notes/{note_id}", json={"body": "a SCAM   LINK"}), 422, "screening_rejected")
    assert client.get(f"/notes/{note_id}").json()["body"] == "a quiet day"
    held = client.patch(f"/notes/{note_id}", json={"title": "兼职 刷單 日结"})
    assert held.json()["status"] == "held"
    problem(reader.get(f"/notes/{note_id}"), 404, "note_not_found")


def test_alt_text_topics_and_place_are_screened_too(
    member_api: Callable[..., Any], ready_images: Callable[..., list[str]]
) -> None:
    _term("代购", language="zh")
    author, client = member_api("writer")
    [image] = ready_images(author, 1)
    alt = client.post(
        "/notes", json={"title": "Spring", "images": [{"media_id": image, "alt_text": "代 购 找我"}]}
    )
    assert alt.json()["status"] == "held"
    topics = _post(client, ready_images(author), "Spring", topics=["代購"])
    assert topics.json()["status"] == "held"
    place = _post(client, ready_images(author), "Spring", place={"name": "dai gou street"})
    assert place.json()["status"] == "held"
    fields = {e.data["findings"][0]["field"] for e in AuditEvent.objects.filter(kind="screening.decision")}
    assert fields == {"images", "topics", "place"}


def test_a_held_comment_is_shown_to_its_author_alone_and_not_counted(
    trio: Any, post_note: Callable[..., Note], problem: Any, api: Any
) -> None:
    _term("裸聊", language="zh")
    (nina, nina_api), (ann, ann_api), (_bob, bob_api) = trio
    note = post_note(nina, "Lunch")
    created = ann_api.post(f"/notes/{note.pk}/comments", json={"body": "私我 裸 聊"})
    assert created.status_code == 201
    assert created.json()["held"] is True
    comment_id = created.json()["id"]
    assert [c["id"] for c in ann_api.get(f"/notes/{note.pk}/comments").json()["items"]] == [comment_id]
    for viewer in (nina_api, bob_api, api):
        assert viewer.get(f"/notes/{note.pk}/comments").json()["items"] == []
    problem(bob_api.post(f"/comments/{comment_id}/like"), 404, "comment_not_found")
    assert sum(NoteCounter.objects.filter(note=note).values_list("comments", flat=True)) == 0
    page = Client()
    page.force_login(ann)
    assert "Under review" in page.get(f"/notes/{note.pk}").content.decode()
    assert ann_api.post(f"/notes/{note.pk}/comments", json={"body": "looks tasty"}).json()["held"] is False
    assert sum(NoteCounter.objects.filter(note=note).values_list("comments", flat=True)) == 1
    assert Comment.objects.filter(note=note, held=True).count() == 1


def test_a_held_name_or_bio_waits_unseen_and_a_moderator_releases_it(
    member_api: Callable[..., Any], api: Any, problem: Any
) -> None:
    _term("加微信", language="zh")
    _term("onlyfans", language="en", action="reject")
    member, client = member_api("writer")
    problem(client.patch("/accounts/me", json={"bio": "my 0nlyfans"}), 422, "screening_rejected")
    saved = client.patch("/accounts/me", json={"bio": "合作请 jia weixin", "region": "Chengdu"}).json()
    assert (saved["bio"], saved["region"]) == ("", "Chengdu")
    assert saved["pending"] == {"bio": "合作请 jia weixin"}
    assert api.get(f"/accounts/{member.handle}").json()["bio"] == ""
    page = Client()
    page.force_login(member)
    assert "合作请 jia weixin" in page.get("/me/profile").content.decode()
    account_profile_release(user_id=member.pk, approve=True)
    assert api.get(f"/accounts/{member.handle}").json()["bio"] == "合作请 jia weixin"
    assert client.get("/accounts/me").json()["pending"] == {}


def test_sign_up_names_and_board_names_are_refused_when_they_match(
    api: Any, member_api: Callable[..., Any], problem: Any
) -> None:
    _term("加微信", language="zh")
    refused = api.post("/accounts", json={"handle": "jia_weixin_88", "password": "correct horse battery"})
    assert problem(refused, 422, "screening_rejected")["errors"][0]["field"] == "handle"
    assert not User.objects.filter(handle="jia_weixin_88").exists()
    [refusal] = _decisions("sign-up:jia_weixin_88")  # on record, though no account was made
    assert (refusal.data["outcome"], refusal.actor_id) == ("hold", None)
    _member, client = member_api("writer")
    problem(client.post("/boards", json={"name": "加 微 信 福利"}), 422, "screening_rejected")
    assert client.post("/boards", json={"name": "Chengdu food"}).status_code == 201


@pytest.mark.usefixtures("settings")
def test_a_new_accounts_held_note_is_recorded_too(
    member_api: Callable[..., Any], ready_images: Callable[..., list[str]], settings: Any
) -> None:
    from hongshu.core.runtime import runtime_set

    settings.HONGSHU = settings.HONGSHU.model_copy(update={"hold_first_notes": 1})
    runtime_set(key="surge_mode", value="on", actor_id=None)
    author, client = member_api("newbie")
    note_id = _post(client, ready_images(author), "hello").json()["id"]
    [event] = _decisions(f"note:{note_id}")
    assert event.data["new_account"] is True
