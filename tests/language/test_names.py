"""Chinese name studio: the lookup table, composition by sound, coverage of common US names, the member
service, the API and the page in both interface languages."""

from __future__ import annotations

import importlib.util
import pathlib
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.accounts.services import member_set_chinese_name
from hongshu.core.errors import InvalidInput
from hongshu.textlib import names

# Loaded by path: `samplename` installs a top-level `tests` package, so `import tests...` is ambiguous.
_spec = importlib.util.spec_from_file_location(
    "us_first_names", pathlib.Path(__file__).with_name("us_first_names.py")
)
assert _spec
assert _spec.loader
us_first_names = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(us_first_names)


def test_known_names_come_from_the_dictionary_with_pinyin_and_meanings() -> None:
    suggestions = names.names_suggest(name="Michael Jordan")
    assert [s.source for s in suggestions] == [names.SOURCE_DICTIONARY] * 3 + [names.SOURCE_MEANINGFUL]
    # the variant keeps the sound of an established name with pleasant sound-alikes: 克 → 可 ("may, can")
    assert suggestions[-1].characters == "迈可尔"
    assert "迈克尔" in [s.characters for s in suggestions]
    michael = next(s for s in suggestions if s.characters == "迈克尔")
    assert michael.pinyin == "mài kè ěr"
    assert [c.character for c in michael.characters_detail] == ["迈", "克", "尔"]
    assert all(c.meaning for c in michael.characters_detail)


def test_samplename_entries_are_simplified() -> None:
    table = names.name_table()
    # samplename has "Abraham": 亞伯拉罕 in Traditional; the table holds Simplified only.
    assert "亚伯拉罕" in table["abraham"]
    assert not any("亞" in c for cs in table.values() for c in cs)


def test_unknown_names_are_composed_by_sound_and_labelled() -> None:
    assert "zyxquor" not in names.name_table()
    suggestion = names.names_suggest(name="Zyxquor")[0]
    assert suggestion.source == names.SOURCE_COMPOSED
    assert names.compose("Billy") == "比利"
    assert names.compose("Kate") == "卡特"  # the silent final e is dropped
    assert suggestion.characters
    assert all("\u4e00" <= c <= "\u9fff" for c in suggestion.characters)
    assert len(suggestion.pinyin.split()) == len(suggestion.characters)


def test_meaningful_variants_are_homophones() -> None:
    assert names.meaningful_variant("伊萨贝拉") == "依飒蓓拉"
    assert names.meaningful_variant("洛根") == ""
    variant = names.names_suggest(name="Isabella")[-1]
    assert variant.source == names.SOURCE_MEANINGFUL
    assert variant.pinyin == "yī sà bèi lā"  # the same sound as the composed 伊萨贝拉
    assert variant.characters_detail[0].meaning


def test_no_letters_no_suggestions() -> None:
    assert names.names_suggest(name="1234 !!") == []


def test_every_common_us_first_name_gets_a_suggestion() -> None:
    assert len(set(us_first_names.MALE)) == 100
    assert len(set(us_first_names.FEMALE)) == 100
    sources = {names.SOURCE_DICTIONARY: 0, names.SOURCE_COMPOSED: 0}
    for name in us_first_names.NAMES:
        suggestions = names.names_suggest(name=name)
        assert suggestions, name
        sources[suggestions[0].source] += 1
    print(f"\nname studio coverage: {sources}")
    assert sources[names.SOURCE_DICTIONARY] >= 160  # measured 170 of 200


@pytest.mark.django_db
def test_member_sets_validates_and_clears_a_chinese_name(
    make_member: Callable[..., User], after_commit: Callable[[], Any]
) -> None:
    member = make_member("emily", display_name="Emily")
    with after_commit():
        member_set_chinese_name(member=member, name="艾米丽")
    member.refresh_from_db()
    assert member.chinese_name == "艾米丽"
    for bad in ("Emily", "艾米丽艾米丽艾", "艾米1", "艾 米😀"):
        with pytest.raises(InvalidInput) as raised:
            member_set_chinese_name(member=member, name=bad)
        assert "中文名" in str(raised.value.detail)
        assert "Chinese name" in str(raised.value.detail)
    member.refresh_from_db()
    assert member.chinese_name == "艾米丽"
    member_set_chinese_name(member=member, name="")
    member.refresh_from_db()
    assert member.chinese_name == ""


@pytest.mark.django_db
def test_api_suggests(api: Any) -> None:
    response = api.get("/names/suggest", data={"name": "Mary"})
    assert response.status_code == 200
    body = response.json()
    assert body[0]["source"] == "dictionary"
    assert body[0]["characters_detail"][0]["pinyin"]
    assert api.get("/names/suggest").status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("en", "Chinese name studio"), ("zh-hans", "中文名")])
def test_page_renders_in_both_languages_and_sets_a_name(
    make_member: Callable[..., User], language: str, heading: str
) -> None:
    member = make_member("emily", display_name="Emily")
    client = Client(headers={"accept-language": language})
    client.force_login(member)
    page = client.get("/me/chinese-name")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Emily"' in html
    assert f'lang="{language}"' in html
    assert names.names_suggest(name="Emily")[0].characters in html  # 艾蜜莉
    assert client.post("/me/chinese-name", {"chinese_name": "艾米丽"}).status_code == 302
    member.refresh_from_db()
    assert member.chinese_name == "艾米丽"
    bad = client.post("/me/chinese-name", {"chinese_name": "Emily"})
    assert bad.status_code == 422
    assert "中文名" in bad.content.decode()
    client.post("/me/chinese-name", {"action": "clear"})
    member.refresh_from_db()
    assert member.chinese_name == ""
    if language == "en":  # the Chinese catalogue is merged by the lead from translations/studio.tsv
        assert heading in html


@pytest.mark.django_db
def test_chinese_name_shows_beside_the_display_name(
    make_member: Callable[..., User], post_note: Callable[..., Any]
) -> None:
    author = make_member("emily", display_name="Emily")
    member_set_chinese_name(member=author, name="艾蜜莉")
    note = post_note(author, title="Hello")
    expected = '<span class="chinese-name" lang="zh">艾蜜莉</span>'
    assert expected in Client().get(f"/notes/{note.pk}").content.decode()
    assert expected in Client().get("/@emily").content.decode()


@pytest.mark.django_db
def test_profile_api_sets_chinese_name_and_reading(
    member_api: Callable[..., Any], problem: Callable[..., Any]
) -> None:
    member, api = member_api("emily", display_name="Emily")
    response = api.patch("/accounts/me", json={"chinese_name": "艾蜜莉", "script": "tw", "show_pinyin": True})
    assert response.status_code == 200
    assert response.json()["chinese_name"] == "艾蜜莉"
    member.refresh_from_db()
    assert (member.chinese_name, member.script, member.show_pinyin) == ("艾蜜莉", "tw", True)
    bad = api.patch("/accounts/me", json={"display_name": "Em", "chinese_name": "Emily"})
    problem(bad, 422, "invalid_chinese_name")
    member.refresh_from_db()
    assert (member.display_name, member.chinese_name) == ("Emily", "艾蜜莉")  # all or nothing
    assert api.get("/accounts/emily").json()["chinese_name"] == "艾蜜莉"


@pytest.mark.django_db
def test_a_chosen_chinese_name_is_searchable_by_characters_and_pinyin(
    make_member: Callable[..., User], after_commit: Callable[[], Any]
) -> None:
    from hongshu.search.selectors import search_members

    with after_commit():
        member = make_member("emily", display_name="Emily")
    with after_commit():  # the index job runs on commit
        member_set_chinese_name(member=member, name="艾蜜莉")
    for query in ("艾蜜莉", "aimili"):
        assert [u.pk for u in search_members(viewer=None, query=query).items] == [member.pk], query
