"""Properties of the text pipeline: any input gives safe tokens; documents and queries meet in one form."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
