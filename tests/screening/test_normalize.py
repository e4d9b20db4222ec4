"""The normaliser, one evasion at a time: each form folds what it should and nothing more."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hongshu.screening.matching import Matcher, Term
from hongshu.screening.normalize import (
    _INVISIBLE,
    _PLAIN,
    MIN_PINYIN_LETTERS,
    _fold_table,
    analyse,
    han_form,
    latin_form,
    pinyin_form,
    term_pinyin,
    trace,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ｆｒｅｅ　ｉＰｈｏｎｅ", "freiphone"),  # NFKC: full-width letters and space
        ("ⓕⓡⓔⓔ iphone", "freiphone"),  # NFKC: circled letters
        ("FrEe IpHoNe", "freiphone"),  # case
        ("sc\u200ba\u200dm\u2060", "scam"),  # zero-width space, joiner, word joiner
        ("s\u00adcam", "scam"),  # soft hyphen
        ("s c a m", "scam"),  # spaces between letters
        ("s.c.a.m", "scam"),  # punctuation between letters
        ("s*c*a*m", "scam"),  # symbols between letters
        ("s - c - a - m", "scam"),
        ("s\nc\na\nm", "scam"),  # one letter a line
        ("s  -  c  -  a  -  m", "scam"),
        ("scammmm", "scam"),  # repeated letters
        ("ѕсаm", "scam"),  # Cyrillic look-alikes (TR39)
        ("ЅСАМ", "scam"),  # Cyrillic capitals
        ("sϲαm", "scam"),  # Greek look-alikes
        ("$c@m", "scam"),  # leetspeak symbols
        ("5c4m", "scam"),  # leetspeak digits
        ("s c 4 m", "scam"),  # leetspeak inside spaced letters
        ("scàm", "scam"),  # accents
        ("s̶c̶a̶m̶", "scam"),  # combining strike-through
        ("🇸🇨🇦🇲", "scam"),  # regional indicator letters
        ("onlyfans", "oniyfans"),  # l and 1 read alike as i
        ("0nlyf4ns", "oniyfans"),
    ],
)
def test_latin_form_undoes_each_evasion(text: str, expected: str) -> None:
    assert latin_form(text) == expected


def test_plain_text_needs_no_folding() -> None:
    # `_folded` skips the invisible and look-alike passes on text `_PLAIN` matches: none of it may be in them
    plain = [code for code in itertools.chain(_fold_table(), _INVISIBLE) if _PLAIN.fullmatch(chr(code))]
    assert plain == []


def test_numbers_stay_numbers_and_sentence_marks_are_not_letters() -> None:
    assert latin_form("Room 455, 2024") == "rom4552024"  # digits are never collapsed
    assert latin_form("scam!") == "scam"
    assert latin_form("$50 off") == "50of"  # `$50` is money, not `so`; `$` separates


def test_latin_tokens_keep_word_boundaries() -> None:
    stream = analyse("the classic s.c.a.m", pinyin=False, han=False).latin
    assert stream is not None
    assert stream.text == "theciasicscam"
    # `the`, `clasic` (collapsed), and the spaced-out letters joined into one token, inside which a match
    # may start and end anywhere: the writer took the word boundaries away
    assert sorted(stream.starts or ()) == [0, 3, 9, 10, 11, 12]
    assert sorted(stream.ends or ()) == [3, 9, 10, 11, 12, 13]
    assert stream.offsets == (0, 3, 9)


def test_the_marks_of_spaced_runs_never_come_from_the_writer() -> None:
    assert latin_form("s\x02cam") == "scam"
    assert "\x02" not in dict(trace("s c a m"))["spaced letters joined"]


def test_run_counts_remember_how_many_letters_stood_in_a_row() -> None:
    stream = analyse("asss as", pinyin=False, han=False).latin
    assert stream is not None
    assert stream.text == "asas"
    assert stream.counts() == [1, 3, 1, 1]
    assert stream.counts(2, 4) == [1, 1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("加微信", "加微信"),
        ("加 微-信", "加微信"),  # spaces and punctuation
        ("加*微*信", "加微信"),  # symbols
        ("加.微.信", "加微信"),
        ("加　微　信", "加微信"),  # ideographic spaces
        ("加\u200b微\u200d信", "加微信"),  # zero-width
        ("加加微微信", "加微信"),  # repeated characters
        ("兼職日結", "兼职日结"),  # Traditional → Simplified
        ("加ＶＸ", "加vx"),  # full-width letters in Chinese text
        ("日赚１０００", "日赚1000"),  # full-width digits
        ("⾦融", "金融"),  # a Kangxi radical folds to the character (NFKC)
    ],
)
def test_han_form_undoes_each_evasion(text: str, expected: str) -> None:
    assert han_form(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这是一个新时代，购物方式也变了", "这是一个新时代 购物方式也变了"),  # not 代购
        ("天天刷！单词", "天刷 单词"),  # not 刷单
        ("加，微，信", "加微信"),  # one character between breaks: an evasion
        ("找代，购，便宜", "找代购便宜"),
        ("今天，加微信。", "今天 加微信"),
    ],
)
def test_han_form_keeps_sentence_breaks_between_longer_runs(text: str, expected: str) -> None:
    assert han_form(text) == expected


def test_han_form_is_empty_without_han() -> None:
    assert han_form("free iphone") == ""


@pytest.mark.parametrize(
    "text",
    ["jia wei xin", "jiaweixin", "JIA WEI XIN", "jiā wēi xìn", "jiāwēixìn", "jia1 wei1 xin4", "jia1wei1xin4"],
)
def test_pinyin_form_drops_tones_spaces_and_case(text: str) -> None:
    assert pinyin_form(text) == "jiaweixin"


def test_term_pinyin_reads_phrases_and_other_readings() -> None:
    readings = term_pinyin("加微信")
    assert readings[0] == "jia wei xin"
    assert term_pinyin("兼職日結")[0] == "jian zhi ri jie"  # read after folding to Simplified
    assert "shua dan" in term_pinyin("刷单")


def test_short_pinyin_is_not_listed() -> None:
    # one syllable, or fewer than MIN_PINYIN_LETTERS letters: everyday English (`wei`, `dubo`) would match
    assert term_pinyin("微") == []
    assert all(len(r.replace(" ", "")) >= MIN_PINYIN_LETTERS for r in term_pinyin("赌博"))
    assert term_pinyin("赌博") == []
    assert term_pinyin("日赚1000") == []  # digits have no pinyin: `rizhuan` alone would be a weaker term
    assert term_pinyin("加vx")[0] == "jia vx"


def test_trace_names_each_step_that_changed_the_text() -> None:
    steps = dict(trace("Ｆｒ３３ ｉ.p.h.o.n.e 加微\u200b信 Ѕсаm"))
    assert steps["nfkc"] == "Fr33 i.p.h.o.n.e 加微\u200b信 Ѕсаm"
    assert steps["invisible removed"] == "Fr33 i.p.h.o.n.e 加微信 Ѕсаm"
    assert steps["look-alikes folded"] == "Fr33 i.p.h.o.n.e 加微信 Scam"
    assert steps["casefold"] == "fr33 i.p.h.o.n.e 加微信 scam"
    assert steps["spaced letters joined"] == "fr33 iphone 加微信 scam"
    assert steps["leetspeak read"] == "free iphone 加微信 scam"
    assert steps["latin form"] == "freiphonescam"
    assert steps["han form"] == "fr33iphone加微信scam"
    assert "pinyin form" in steps


def test_trace_of_plain_text_only_shows_the_forms() -> None:
    assert [name for name, _ in trace("hello world")] == ["latin form", "pinyin form"]
    assert [name for name, _ in trace("你好")] == ["han form"]
    assert [name for name, _ in trace("你好")] == ["han form"]
    assert ("traditional → simplified", "兼职日结") in trace("兼職日結")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_normalises_to_the_alphabet_of_each_form(text: str) -> None:
    normalised = analyse(text)
    if normalised.latin is not None:
        assert re.fullmatch(r"[a-z0-9]*", normalised.latin.text)
        assert len(normalised.latin.counts()) == len(normalised.latin.text)
    if normalised.pinyin is not None:
        assert re.fullmatch(r"[a-z]*", normalised.pinyin.text)
    if normalised.han is not None:
        assert len(normalised.han.counts()) == len(normalised.han.text)
    assert all(isinstance(name, str) and isinstance(after, str) for name, after in normalised.steps)


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
SIMPLIFIED = "加微信兼职日结免费领取私聊代购刷单红薯火锅旅行周末早餐咖啡"


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=3), st.sampled_from([" ", " . ", "-", "\u200b ", "  "]))
def test_a_latin_term_always_matches_itself_between_words(words: list[str], separator: str) -> None:
    term = " ".join(words)
    matcher = Matcher.build([Term("t", term, "en")])
    text = f"look{separator}{term.upper()}{separator}now"
    assert {hit.key for hit in matcher.scan(text).hits} == {"t"}, analyse(text).steps


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=SIMPLIFIED, min_size=1, max_size=6))
def test_a_chinese_term_always_matches_itself_in_a_sentence(term: str) -> None:
    matcher = Matcher.build([Term("t", term, "zh")])
    assert "t" in {hit.key for hit in matcher.scan(f"今天，{term}。").hits}
