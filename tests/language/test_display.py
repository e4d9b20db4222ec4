"""Reading preferences: Traditional (Taiwan / Hong Kong) display and pinyin ruby, escaped properly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client

from hongshu.accounts.models import User
from hongshu.notes.models import Note
from hongshu.textlib.display import Reading, reading_html, ruby_over_html
from hongshu.web.templatetags.web_tags import rich_body


def render(source: str, **context: object) -> str:
    return Template("{% load language_tags %}" + source).render(Context(context))


def test_traditional_variants() -> None:
    assert str(reading_html("软件和头发", Reading(script="tw"))) == "軟體和頭髮"
    assert str(reading_html("头发", Reading(script="hk"))) == "頭髮"
    assert str(reading_html("软件", Reading(script="hans"))) == "软件"


def test_ruby_pinyin_uses_phrases() -> None:
    html = str(reading_html("重庆!", Reading(show_pinyin=True)))
    assert html == "<ruby>重<rt>chóng</rt></ruby><ruby>庆<rt>qìng</rt></ruby>!"


def test_markup_in_text_stays_text() -> None:
    html = str(reading_html('<script>alert("火锅")</script>', Reading(script="tw", show_pinyin=True)))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<ruby>火<rt>huǒ</rt></ruby><ruby>鍋<rt>guō</rt></ruby>" in html
    plain = str(reading_html("<b>hi</b>", Reading()))
    assert plain == "&lt;b&gt;hi&lt;/b&gt;"


def test_ruby_over_rich_body_keeps_links_and_tags() -> None:
    html = str(ruby_over_html(rich_body("好吃 #火锅 @nina <i>\n再见")))
    assert '<a class="mention" href="/@nina">@nina</a>' in html
    topic = '<a class="topic" href="/topics/%E7%81%AB%E9%94%85">#<ruby>火<rt>huǒ</rt></ruby><ruby>锅<rt>guō</rt></ruby></a>'
    assert topic in html
    assert "&lt;i&gt;<br><ruby>再<rt>zài</rt></ruby>" in html


@pytest.mark.django_db
def test_filters_follow_the_member(make_member: Callable[..., User]) -> None:
    member = make_member("emily")
    member.script = "tw"
    assert render("{{ t|reading:u }}", t="头发", u=member) == "頭髮"
    assert render("{{ t|reading:u }}", t="头发", u=AnonymousUser()) == "头发"
    member.show_pinyin = True
    out = render("{{ t|rich_reading:u }}", t="头发 @bob", u=member)
    assert out.startswith("<ruby>頭<rt>tóu</rt></ruby>")
    assert '<a class="mention" href="/@bob">@bob</a>' in out


@pytest.mark.django_db
def test_note_page_and_cards_use_the_readers_script(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    author = make_member("wei")
    note = post_note(author, title="头发护理<b>", body="软件 #火锅 <script>x</script>")
    reader = make_member("emily")
    User.objects.filter(pk=reader.pk).update(script="tw", show_pinyin=True)
    client = Client()
    client.force_login(reader)
    html = client.get(f"/notes/{note.pk}").content.decode()
    assert "<ruby>頭<rt>tóu</rt></ruby><ruby>髮<rt>fà</rt></ruby>" in html  # the title
    assert "<ruby>軟<rt>ruǎn</rt></ruby>" in html  # the body
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html
    assert "&lt;b&gt;" in html
    visitor = Client().get(f"/notes/{note.pk}").content.decode()
    assert "头发护理" in visitor
    assert "<ruby>頭" not in visitor


@pytest.mark.django_db
def test_settings_page_sets_script_and_pinyin(make_member: Callable[..., User]) -> None:
    member = make_member("emily")
    client = Client()
    client.force_login(member)
    page = client.get("/me/settings").content.decode()
    assert 'name="script"' in page
    assert 'name="show_pinyin"' in page
    assert 'href="/me/chinese-name"' in page
    response = client.post("/me/settings", {"action": "reading", "script": "hk", "show_pinyin": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.script, member.show_pinyin) == ("hk", True)
    bad = client.post("/me/settings", {"action": "reading", "script": "klingon"})
    assert bad.status_code == 422
    member.refresh_from_db()
    assert member.script == "hk"
    client.post("/me/settings", {"action": "reading", "script": "hans"})
    member.refresh_from_db()
    assert (member.script, member.show_pinyin) == ("hans", False)


@pytest.mark.django_db
def test_card_titles_follow_the_reader(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    post_note(make_member("wei"), title="头发护理")
    reader = make_member("emily")
    User.objects.filter(pk=reader.pk).update(script="hk")
    client = Client()
    client.force_login(reader)
    assert "頭髮護理</h2>" in client.get("/").content.decode()
    assert "头发护理</h2>" in Client().get("/").content.decode()
