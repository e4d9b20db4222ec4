"""The shared text helpers (hongshu.core.text): NUL refused, format characters stripped where they deceive and
kept where a visible sequence needs them, lengths bounded in graphemes and in code points."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hongshu.accounts import services as accounts
from hongshu.accounts.models import User
from hongshu.comments import services as comments
from hongshu.core.errors import InvalidInput
from hongshu.core.text import (
    check_length,
    clean_input,
    grapheme_length,
    is_storable,
    refuse_nul,
    strip_format_characters,
)
from hongshu.interactions.models import Board
from hongshu.interactions.services import interactions
from hongshu.notes import services as notes
from hongshu.notes.models import Note, NoteRevision, Topic

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one grapheme held together by three ZWJs
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # 🏴 + tag letters
PERSIAN = "می\u200cخواهم"  # "I want": the ZWNJ is part of the spelling
DEVANAGARI = "क्\u200dष"  # a half form, asked for with ZWJ


def _field_error(exc: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    return exc.value.code, exc.value.extra["errors"][0]["field"]


def test_refuse_nul_names_the_field() -> None:
    refuse_nul("fine", field="title")
    with pytest.raises(InvalidInput) as exc:
        refuse_nul("a\x00b", field="title")
    assert _field_error(exc) == ("invalid_character", "title")


def test_clean_input_refuses_nul_instead_of_dropping_it() -> None:
    with pytest.raises(InvalidInput) as exc:
        clean_input("hot\x00pot", field="body")
    assert _field_error(exc) == ("invalid_character", "body")
    assert clean_input("hot\x07pot\r\n", field="body") == "hotpot"  # other controls are still dropped


@pytest.mark.parametrize("text", ["a\x00b", "\x00", "ok\ud800"])
def test_text_with_nul_or_a_lone_surrogate_is_not_storable(text: str) -> None:
    assert not is_storable(text)


@pytest.mark.parametrize("text", ["alice", "爱丽丝", FAMILY, ""])
def test_ordinary_text_is_storable(text: str) -> None:
    assert is_storable(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u202eNIAMOD", "NIAMOD"),  # RIGHT-TO-LEFT OVERRIDE
        ("Hongshu\u2066 Staff\u2069", "Hongshu Staff"),  # isolates
        ("ad\u200bmin", "admin"),  # ZERO WIDTH SPACE
        ("ad\u200dmin", "admin"),  # ZWJ between Latin letters joins nothing visible
        ("ad\u200cmin", "admin"),
        ("\ufeffname", "name"),  # BOM
        ("soft\u00adhyphen", "softhyphen"),
        ("a\U000e0041\U000e0042", "a"),  # tag letters smuggling invisible ASCII
        ("\u2060x\u2061", "x"),  # word joiner, function application
    ],
)
def test_format_characters_that_deceive_are_stripped(text: str, expected: str) -> None:
    assert strip_format_characters(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        FAMILY,
        "👍🏽\u200d🔥",
        "❤\ufe0f\u200d🔥",
        "🏳\ufe0f\u200d🌈",
        SCOTLAND,
        PERSIAN,
        DEVANAGARI,
        "Emily 艾米 🍜",
    ],
)
def test_format_characters_a_visible_sequence_needs_are_kept(text: str) -> None:
    assert strip_format_characters(text) == text
    assert grapheme_length(strip_format_characters(FAMILY)) == 1


@given(st.text())
def test_strip_format_characters_is_idempotent_and_leaves_only_needed_joiners(text: str) -> None:
    stripped = strip_format_characters(text)
    assert strip_format_characters(stripped) == stripped
    allowed = {"\u200c", "\u200d"} | {chr(c) for c in range(0xE0020, 0xE0080)}
    assert all(unicodedata.category(c) != "Cf" or c in allowed for c in stripped)


def test_check_length_counts_graphemes_then_code_points() -> None:
    check_length(
        "a" * 20, field="title", graphemes=20, code_points=500, message="long", code="title_too_long"
    )
    with pytest.raises(InvalidInput) as exc:
        check_length(
            "a" * 21, field="title", graphemes=20, code_points=500, message="long", code="title_too_long"
        )
    assert _field_error(exc) == ("title_too_long", "title")
    zalgo = ("x" + "\u0301" * 300) * 2  # two graphemes, 602 code points
    with pytest.raises(InvalidInput) as exc:
        check_length(
            zalgo, field="title", graphemes=20, code_points=500, message="long", code="title_too_long"
        )
    assert _field_error(exc) == ("too_many_code_points", "title")
    assert "500" in str(exc.value.detail)


@pytest.mark.parametrize(
    ("cap", "model", "field_name"),
    [
        (notes.TITLE_CODE_POINTS, Note, "title"),
        (notes.TITLE_CODE_POINTS, NoteRevision, "title"),
        (notes.PLACE_CODE_POINTS, Note, "place_name"),
        (notes.PLACE_CODE_POINTS, NoteRevision, "place_name"),
        (notes.TOPIC_CODE_POINTS, Topic, "name"),
        (notes.TOPIC_CODE_POINTS, Topic, "key"),
        (interactions.BOARD_NAME_CODE_POINTS, Board, "name"),
        (accounts.DISPLAY_NAME_CODE_POINTS, User, "display_name"),
    ],
)
def test_code_point_caps_fit_the_columns(cap: int, model: type, field_name: str) -> None:
    # The defect: caps in graphemes alone let "a" + 300 combining marks overflow a varchar on PostgreSQL.
    max_length = model._meta.get_field(field_name).max_length  # type: ignore[attr-defined]
    assert cap <= max_length


@pytest.mark.parametrize(
    ("cap", "graphemes"),
    [
        (notes.TITLE_CODE_POINTS, notes.TITLE_MAX),
        (notes.BODY_CODE_POINTS, notes.BODY_MAX),
        (notes.PLACE_CODE_POINTS, notes.PLACE_MAX),
        (notes.TOPIC_CODE_POINTS, notes.TOPIC_MAX),
        (notes.ALT_TEXT_CODE_POINTS, notes.ALT_TEXT_MAX),
        (comments.COMMENT_CODE_POINTS, comments.COMMENT_MAX),
        (accounts.DISPLAY_NAME_CODE_POINTS, accounts.DISPLAY_NAME_MAX),
        (accounts.BIO_CODE_POINTS, accounts.BIO_MAX),
        (interactions.BOARD_NAME_CODE_POINTS, interactions.BOARD_NAME_MAX),
    ],
)
def test_code_point_caps_leave_room_for_long_emoji(cap: int, graphemes: int) -> None:
    # A full-length text of family emoji (7 code points each) must still be accepted.
    assert cap >= 7 * graphemes
