"""Properties of the text pipeline: any input gives safe tokens; documents and queries meet in one form."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hongshu.accounts.services import account_create
from hongshu.notes.models import Note
from hongshu.search import pipeline
from hongshu.search.selectors import search_notes

ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
) | st.sampled_from(['"', "*", "NEAR(a b)", "a OR b", "title:x", "'", "\\", "\x00", "(((", "--"])


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_tokens_are_always_quotable_literals(text: str) -> None:
    for token in pipeline.tokens(text):
        assert token
        assert pipeline._CLEAN.search(token) is None
        assert not set(token) & set("\"' \\:*()^-+")
        assert len(token) <= pipeline.TOKEN_MAX_CHARS
    for term in pipeline.query_terms(text):
        assert pipeline._CLEAN.search(term.token) is None
        assert 0 < term.weight <= 1


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="臺灣台湾火鍋锅ＡＢＣabc #🔥", min_size=1, max_size=20))
def test_a_text_always_finds_itself_as_a_query(text: str) -> None:
    # Every typed query token is one the same text produces as a document: normalisation is shared.
    document = set(pipeline.tokens(text))
    assert {t.token for t in pipeline.query_terms(text) if t.weight == 1.0} <= document


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(ANY_TEXT)
def test_search_never_raises(text: str) -> None:
    assert search_notes(viewer=None, query=text).next_offset is None


def _alternatives(query: str) -> dict[int, set[str]]:
    groups: dict[int, set[str]] = {}
    for term in pipeline.query_terms(query):
        groups.setdefault(term.group, set()).add(term.token)
    return groups


def test_search_across_languages_misses_names_regression() -> None:
    # Issue 20: a romanised place name or a brand found no Chinese note, a Chinese city no English note.
    assert "成都" in _alternatives("Chengdu")[0]
    assert "chengdu" in _alternatives("成都")[0]
    assert "星巴克" in _alternatives("Starbucks")[0]
    assert "泡泡玛特" in _alternatives("pop mart")[0]
    # A two-word name is one Chinese word: it joins both words' groups, so a note with it matches the query.
    hong_kong = _alternatives("Hong Kong")
    assert "香港" in hong_kong[0]
    assert "香港" in hong_kong[1]
    assert "西安" in _alternatives("Xi'an")[1]
    assert {"xian", "xi"} <= _alternatives("西安")[0]
    # US city abbreviations, both ways.
    assert {"nyc", "york"} <= _alternatives("纽约")[0]
    assert "洛杉矶" in _alternatives("LA")[0]
    # Everyday words: the Chinese word people write.
    assert "地铁" in _alternatives("metro")[0]
    assert "猫咪" in _alternatives("cat")[0]
    assert "化妆" in _alternatives("makeup")[0]
    # An unknown brand's lone characters are not offered (they would match unrelated notes).
    assert all(len(t) > 1 for t in _alternatives("subway")[0] if not t.isascii())


@pytest.mark.django_db
def test_romanised_name_finds_the_chinese_note_and_back(
    post_note: Callable[..., Note], after_commit: Callable[[], AbstractContextManager[Any]]
) -> None:
    author = account_create(handle="traveller", password="a long test password 1")
    with after_commit():
        chengdu = post_note(author, title="成都美食地图", body="兔头和冰粉")
        nyc = post_note(author, title="NYC on a budget", body="Pizza slices and free museums")
        post_note(author, title="Autumn outfits", body="Trench coats and boots")
    assert [n.pk for n in search_notes(viewer=None, query="Chengdu").items] == [chengdu.pk]
    assert [n.pk for n in search_notes(viewer=None, query="纽约").items] == [nyc.pk]
