"""The shared Chinese text layer and the CC-CEDICT loader."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hongshu.textlib import cedict, chinese


def test_platform_words_stay_whole_in_search_mode() -> None:
    tokens = chinese.segment("我在小红书上种草了螺蛳粉 citywalk打卡 yyds")
    for word in ("小红书", "种草", "螺蛳粉", "citywalk", "打卡", "yyds"):
        assert word in tokens
    assert "螺蛳" in tokens  # search mode also offers the shorter word inside a long one


def test_bulk_segmentation_agrees_on_platform_words() -> None:
    tokens = chinese.segment_bulk("周末去成都吃火锅，顺便citywalk")
    assert {"成都", "火锅", "citywalk"} <= set(tokens)


def test_traditional_folds_to_simplified_and_back() -> None:
    assert chinese.to_simplified("臺灣的麵包") == "台湾的面包"
    assert chinese.to_traditional("软件", variant="tw") == "軟體"  # Taiwan phrasing, not just characters
    assert chinese.to_traditional("头发", variant="hk") == "頭髮"
    assert chinese.to_simplified("hello") == "hello"


def test_pinyin_full_initials_and_marked_readings() -> None:
    assert chinese.pinyin_full("火鍋") == "huoguo"
    assert chinese.pinyin_initials("火锅") == "hg"
    assert chinese.pinyin_marked("重庆!") == [("重", "chóng"), ("庆", "qìng"), ("!", None)]


def test_dictionary_looks_up_both_scripts_and_reverses_english() -> None:
    dictionary = cedict.dictionary()
    (entry,) = dictionary.lookup("火鍋")
    assert entry.simplified == "火锅"
    assert entry.pinyin == "huo3 guo1"
    assert "hotpot" in entry.definitions
    assert dictionary.chinese_for("hotpot")[0] == "火锅"
    assert dictionary.chinese_for("Coffee")[0] == "咖啡"
    # A word whose first sense is the gloss comes before a common word that has it as a rare sense.
    assert dictionary.chinese_for("beautiful")[0] == "美"
    assert dictionary.chinese_for("no such gloss at all") == []


def test_name_entries_are_kept_out_of_the_reverse_index_but_listed() -> None:
    dictionary = cedict.dictionary()
    assert any(e.is_name and e.simplified == "迈克尔" for e in dictionary.lookup("迈克尔"))
    assert "迈克尔" not in dictionary.chinese_for("Michael")


@given(st.text(max_size=60))
def test_segment_never_returns_blank_tokens_and_folding_is_idempotent(text: str) -> None:
    assert all(token.strip() for token in chinese.segment(text))
    once = chinese.to_simplified(text)
    assert chinese.to_simplified(once) == once
    assert len(chinese.pinyin_initials(text)) <= len(chinese.pinyin_full(text))


def test_everyday_english_words_miss_the_common_chinese_word_regression() -> None:
    # Issue 20: the reverse index offered only the words whose primary sense is the gloss, so hotel met
    # 旅馆 but not 酒店 (what people write), and taxi met 的 (one of its senses) — every Chinese note.
    dictionary = cedict.dictionary()
    assert dictionary.chinese_for("hotel", limit=2) == ["旅馆", "酒店"]
    assert "工作" in dictionary.chinese_for("job", limit=2)
    assert "地铁" in dictionary.chinese_for("subway", limit=2)
    assert "头发" in dictionary.chinese_for("hair", limit=2)
    assert dictionary.chinese_for("taxi", limit=2) == ["出租车", "出租汽车"]
    # A rarely used word is not promoted over the primary-sense words (cat is not 马脚, "clue").
    assert "马脚" not in dictionary.chinese_for("cat", limit=2)
    assert dictionary.chinese_for("hotpot", limit=1) == ["火锅"]  # the first pick is unchanged
