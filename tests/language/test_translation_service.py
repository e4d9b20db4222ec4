"""Translating notes and comments for readers: the gloss on a fresh instance, provider configuration, the
cache (hit, edit invalidates), failures as problem details, rate limits and the visibility policy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from standins import (
    EN_BODY,
    EN_TITLE,
    INJECTION,
    ZH_BODY,
    ZH_TITLE,
    dictionary_reply,
    obedient_reply,
    stand_in,
)

from hongshu.comments.services import comment_create
from hongshu.interactions.services.interactions import like_create
from hongshu.language.models import Translation
from hongshu.language.tasks import pretranslate_trending, trending_note_ids
from hongshu.notes.models import Note
from hongshu.notes.services import note_update


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def configure(settings: Any) -> Callable[..., None]:
    """`configure(provider="openai", url=…, …)`: translation settings for this test only."""

    def apply(**fields: Any) -> None:
        update = {f"translation_{name}": value for name, value in fields.items()}
        settings.HONGSHU = settings.HONGSHU.model_copy(update=update)

    return apply


@pytest.fixture
def chinese_note(post_note: Callable[..., Note], nina: Any) -> Note:
    note = post_note(nina[0], title=ZH_TITLE, body=ZH_BODY)
    Note.objects.filter(pk=note.pk).update(language="zh-Hans")
    return Note.objects.get(pk=note.pk)


def test_fresh_instance_glosses_a_chinese_note_for_an_english_reader(chinese_note: Note, ann: Any) -> None:
    response = ann[1].post(f"/notes/{chinese_note.pk}/translate?lang=en")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "gloss"
    assert body["provider"] == "gloss"
    assert body["label"] == "Dictionary gloss, not a translation"
    assert body["detected_source_language"] == "zh-Hans"
    assert body["spoiler_text"] == ""
    hotpot = next(t for t in body["gloss"] if t["original"] == "火锅")
    assert (hotpot["meaning"], hotpot["pinyin"]) == ("hotpot", "huǒ guō")
    assert "hotpot" in body["content"]
    assert any(t["original"] == "成都" for t in body["title_gloss"])


def test_gloss_label_in_chinese_for_a_chinese_reader(
    post_note: Callable[..., Note], nina: Any, ann: Any
) -> None:
    note = post_note(nina[0], title="Hotpot", body="I love hotpot")
    response = ann[1].post(f"/notes/{note.pk}/translate", headers={"Accept-Language": "zh-Hans"})
    body = response.json()
    assert body["language"] == "zh-Hans"  # the reader's UI language is the default target
    # The label in the reader's language (词典释义，非翻译 once the lead merges the catalogue).
    with translation.override("zh-hans"):
        assert body["label"] == gettext("Dictionary gloss, not a translation")
    assert any(t["meaning"] == "火锅" for t in body["gloss"])


def test_openai_provider_translates_once_then_serves_the_cache(
    configure: Callable[..., None], chinese_note: Note, ann: Any
) -> None:
    with stand_in("openai", dictionary_reply) as server:
        configure(provider="openai", url=server.url, timeout=2.0)
        first = ann[1].post(f"/notes/{chinese_note.pk}/translate?lang=en").json()
        second = ann[1].post(f"/notes/{chinese_note.pk}/translate?lang=en").json()
        assert server.count == 2  # title and body, once
    assert first == second
    assert first["kind"] == "translation"
    assert first["provider"] == "openai"
    assert (first["title"], first["content"]) == (EN_TITLE, EN_BODY)
    assert first["gloss"] is None
    row = Translation.objects.get(object_id=chinese_note.pk)
    assert (row.state, row.attempts) == ("done", 1)


def test_an_edit_invalidates_the_cached_translation(
    configure: Callable[..., None], post_note: Callable[..., Note], nina: Any, ann: Any
) -> None:
    note = post_note(nina[0], title="Hello", body=EN_TITLE)
    with stand_in("libretranslate", dictionary_reply) as server:
        configure(provider="libretranslate", url=server.url)
        assert ann[1].post(f"/notes/{note.pk}/translate?lang=zh-Hans").json()["content"] == ZH_TITLE
        note_update(note=Note.objects.get(pk=note.pk), editor=nina[0], body="Great tips")
        assert ann[1].post(f"/notes/{note.pk}/translate?lang=zh-Hans").json()["content"] == "很棒的建议"
        assert server.count == 4
    assert Translation.objects.filter(object_id=note.pk).count() == 2


def test_comments_translate_and_cache(
    configure: Callable[..., None], chinese_note: Note, ann: Any, bob: Any
) -> None:
    comment = comment_create(author=bob[0], note_id=chinese_note.pk, body="好看")
    with stand_in("deepl", dictionary_reply) as server:
        configure(provider="deepl", url=server.url, api_key="k:fx")
        for _ in range(2):
            body = ann[1].post(f"/comments/{comment.pk}/translate?lang=en").json()
            assert (body["content"], body["title"], body["provider"]) == ("Looks great", "", "deepl")
        assert server.count == 1


@pytest.mark.parametrize(
    ("mode", "status", "code"),
    [
        ("500", 503, "translation_unavailable"),
        ("429", 429, "translation_rate_limited"),
        ("malformed", 503, "translation_unavailable"),
    ],
)
def test_provider_failures_are_problem_details(  # noqa: PLR0917 - pytest fixtures
    configure: Callable[..., None],
    chinese_note: Note,
    ann: Any,
    problem: Any,
    mode: str,
    status: int,
    code: str,
) -> None:
    with stand_in("openai", dictionary_reply) as server:
        configure(provider="openai", url=server.url)
        server.mode = mode
        problem(ann[1].post(f"/notes/{chinese_note.pk}/translate?lang=en"), status, code)
        row = Translation.objects.get(object_id=chinese_note.pk)
        assert row.state == "failed"
        # The provider recovers: the failed row is retried, not served from the cache.
        server.mode = "ok"
        assert ann[1].post(f"/notes/{chinese_note.pk}/translate?lang=en").json()["content"] == EN_BODY
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("done", 2)


def test_timeout_is_unavailable(
    configure: Callable[..., None], chinese_note: Note, ann: Any, problem: Any
) -> None:
    with stand_in("openai", dictionary_reply) as server:
        configure(provider="openai", url=server.url, timeout=0.3)
        server.sleep = 1.0
        body = problem(
            ann[1].post(f"/notes/{chinese_note.pk}/translate?lang=en"), 503, "translation_unavailable"
        )
    assert body["reason"] == "timeout"


def test_prompt_injection_note_is_not_obeyed(
    configure: Callable[..., None], post_note: Callable[..., Note], nina: Any, ann: Any, problem: Any
) -> None:
    note = post_note(nina[0], title="Hello", body=INJECTION)
    with stand_in("openai", obedient_reply) as server:
        configure(provider="openai", url=server.url)
        body = problem(
            ann[1].post(f"/notes/{note.pk}/translate?lang=zh-Hans"), 503, "translation_unavailable"
        )
    assert body["reason"] == "rejected"
    assert "HACKED" not in str(body)


def test_member_rate_limit(
    configure: Callable[..., None], chinese_note: Note, ann: Any, bob: Any, problem: Any
) -> None:
    comments = [comment_create(author=bob[0], note_id=chinese_note.pk, body=f"好看 {i}") for i in range(3)]
    with stand_in("libretranslate", dictionary_reply) as server:
        configure(provider="libretranslate", url=server.url, member_limit=2)
        for comment in comments[:2]:
            assert ann[1].post(f"/comments/{comment.pk}/translate?lang=en").status_code == 200
        refused = ann[1].post(f"/comments/{comments[2].pk}/translate?lang=en")
        problem(refused, 429, "translation_rate_limited")
        # The shared rate-limit mechanism (core.ratelimit) says when to try again.
        assert refused["RateLimit-Limit"] == "2"
        assert refused["RateLimit-Remaining"] == "0"
        assert 1 <= int(refused["Retry-After"]) <= 3600
        assert refused["RateLimit-Reset"] == refused["Retry-After"]
        # Cache hits do not count, and another member has their own budget.
        assert ann[1].post(f"/comments/{comments[0].pk}/translate?lang=en").status_code == 200
        assert bob[1].post(f"/comments/{comments[2].pk}/translate?lang=en").status_code == 200
        assert server.count == 3


def test_global_rate_limit(
    configure: Callable[..., None], chinese_note: Note, ann: Any, bob: Any, problem: Any
) -> None:
    comments = [comment_create(author=bob[0], note_id=chinese_note.pk, body=f"好看 {i}") for i in range(2)]
    with stand_in("libretranslate", dictionary_reply) as server:
        configure(provider="libretranslate", url=server.url, global_limit=1)
        assert ann[1].post(f"/comments/{comments[0].pk}/translate?lang=en").status_code == 200
        problem(bob[1].post(f"/comments/{comments[1].pk}/translate?lang=en"), 429, "translation_rate_limited")


def test_gloss_is_exempt_from_rate_limits(
    configure: Callable[..., None], chinese_note: Note, ann: Any, bob: Any
) -> None:
    configure(member_limit=1, global_limit=1)
    comments = [comment_create(author=bob[0], note_id=chinese_note.pk, body=f"好看 {i}") for i in range(3)]
    for comment in comments:
        assert ann[1].post(f"/comments/{comment.pk}/translate?lang=en").json()["kind"] == "gloss"


def test_cannot_translate_what_you_cannot_see(
    configure: Callable[..., None], post_note: Callable[..., Note], nina: Any, ann: Any, problem: Any
) -> None:
    private = post_note(nina[0], title=ZH_TITLE, body=ZH_BODY, visibility="private")
    with stand_in("openai", dictionary_reply) as server:
        configure(provider="openai", url=server.url)
        problem(ann[1].post(f"/notes/{private.pk}/translate?lang=en"), 404, "note_not_found")
        assert server.count == 0
        assert nina[1].post(f"/notes/{private.pk}/translate?lang=en").status_code == 200  # the author can


def test_cannot_translate_a_comment_on_a_hidden_note(
    post_note: Callable[..., Note], nina: Any, ann: Any, bob: Any, problem: Any
) -> None:
    note = post_note(nina[0], title="t", body="b", visibility="private")
    comment = comment_create(author=nina[0], note_id=note.pk, body="好看")
    problem(ann[1].post(f"/comments/{comment.pk}/translate?lang=en"), 404, "comment_not_found")


def test_translation_needs_a_member(api: Any, chinese_note: Note, problem: Any) -> None:
    problem(api.post(f"/notes/{chinese_note.pk}/translate?lang=en"), 401, "not_authenticated")


def test_unsupported_target(chinese_note: Note, ann: Any, problem: Any) -> None:
    problem(ann[1].post(f"/notes/{chinese_note.pk}/translate?lang=fr"), 422, "unsupported_language")


def test_pretranslate_trending_uses_the_provider_not_the_gloss(
    configure: Callable[..., None], chinese_note: Note, post_note: Callable[..., Note], nina: Any, ann: Any
) -> None:
    english = post_note(nina[0], title=EN_TITLE, body=EN_BODY)
    hidden = post_note(nina[0], title="secret", body="secret", visibility="private")
    like_create(user=ann[0], note_id=chinese_note.pk)
    assert trending_note_ids(limit=5)[:2] == [chinese_note.pk, english.pk]
    assert hidden.pk not in trending_note_ids(limit=5)
    assert pretranslate_trending(limit=5) == 0  # gloss only: nothing to pre-translate
    with stand_in("openai", dictionary_reply) as server:
        configure(provider="openai", url=server.url)
        assert pretranslate_trending(limit=5) == 2  # each note into the other language only
        assert server.count == 4
        ann[1].post(f"/notes/{chinese_note.pk}/translate?lang=en")
        assert server.count == 4  # the reader got the pre-translation
    assert set(Translation.objects.values_list("object_id", "target")) == {
        (chinese_note.pk, "en"),
        (english.pk, "zh-Hans"),
    }


def test_address_and_network_rate_limits(  # noqa: PLR0917 - pytest fixtures
    configure: Callable[..., None],
    rate_limits: Callable[..., None],
    chinese_note: Note,
    ann: Any,
    bob: Any,
    nina: Any,
    problem: Any,
) -> None:
    """Accounts behind one address share its budget (API by token); the /24 has its own; the gloss is exempt."""
    comments = [comment_create(author=bob[0], note_id=chinese_note.pk, body=f"好看 {i}") for i in range(5)]
    rate_limits(**{"translation.ip": "2 per 1 minute", "translation.network": "3 per 1 minute"})
    with stand_in("libretranslate", dictionary_reply) as server:
        configure(provider="libretranslate", url=server.url)
        path = "/comments/{}/translate?lang=en"
        assert ann[1].post(path.format(comments[0].pk), REMOTE_ADDR="203.0.113.7").status_code == 200
        assert bob[1].post(path.format(comments[1].pk), REMOTE_ADDR="203.0.113.7").status_code == 200
        refused = nina[1].post(path.format(comments[2].pk), REMOTE_ADDR="203.0.113.7")
        problem(refused, 429, "translation_rate_limited")
        assert refused["RateLimit-Limit"] == "2"
        # Another address of the same /24 has one left of the network's three; then the network is full.
        assert nina[1].post(path.format(comments[2].pk), REMOTE_ADDR="203.0.113.8").status_code == 200
        refused = nina[1].post(path.format(comments[3].pk), REMOTE_ADDR="203.0.113.9")
        problem(refused, 429, "translation_rate_limited")
        assert refused["RateLimit-Limit"] == "3"
        # Another network is untouched.
        assert nina[1].post(path.format(comments[3].pk), REMOTE_ADDR="198.51.100.1").status_code == 200
        assert server.count == 4


def test_web_translation_is_limited_per_address(
    configure: Callable[..., None],
    rate_limits: Callable[..., None],
    chinese_note: Note,
    bob: Any,
    make_member: Callable[..., Any],
) -> None:
    """The web's translate button (cookie) counts against the same address budget and says when to retry."""

    comments = [comment_create(author=bob[0], note_id=chinese_note.pk, body=f"好看 {i}") for i in range(2)]
    rate_limits(**{"translation.ip": "1 per 1 minute"})
    with stand_in("libretranslate", dictionary_reply) as server:
        configure(provider="libretranslate", url=server.url)
        browsers = []
        for handle in ("webann", "webbob"):
            browser = Client(REMOTE_ADDR="203.0.113.20")
            browser.force_login(make_member(handle))
            browsers.append(browser)
        first = browsers[0].post(f"/translate/comment/{comments[0].pk}", HTTP_HX_REQUEST="true")
        assert first.status_code == 200
        assert "Retry-After" not in first
        second = browsers[1].post(f"/translate/comment/{comments[1].pk}", HTTP_HX_REQUEST="true")
        assert second.status_code == 200  # htmx swaps the original back in, saying when to retry
        assert 1 <= int(second["Retry-After"]) <= 60
        assert second["RateLimit-Limit"] == "1"
        assert server.count == 1
