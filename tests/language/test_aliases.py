"""Names across languages (language/aliases.py): CC-CEDICT's proper nouns and the curated data file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hongshu.textlib import aliases, cedict, chinese

_LINES = [
    "成都 成都 [Cheng2 du1] /Chengdu subprovincial city and capital of Sichuan province 四川 in southwest China/",
    "西安 西安 [Xi1 an1] /Xi'an, sub-provincial city and capital of Shaanxi/",
    "東京 东京 [Dong1 jing1] /Tokyo, capital of Japan/",
    "香港 香港 [Xiang1 gang3] /Hong Kong/",
    "大阪 大阪 [Da4 ban3] /Ōsaka, a city and prefecture in Japan/",
    "嫦娥 嫦娥 [Chang2 e2] /Chang'e, the lady in the moon (Chinese mythology)/",
    "改變 改变 [gai3 bian4] /to change/",
    "中國 中国 [Zhong1 guo2] /China/",
    "瓷器 瓷器 [ci2 qi4] /china (material)/",
    "川 川 [Chuan1] /Sichuan, abbr./",
]
_CURATED = [
    "# a comment",
    "brand\t瑞幸\tLuckin|Luckin Coffee",
    "city\t洛杉矶\tLA|Los Angeles",
    "word\t猫咪|猫\tcat",
]


@pytest.fixture(scope="module")
def index() -> aliases.Aliases:
    return aliases.build(cedict.Dictionary(_LINES), _CURATED)


def test_key_meets_the_ways_people_type_a_name() -> None:
    assert aliases.key("Xi'an") == aliases.key("xian") == aliases.key("XIAN") == "xian"
    assert aliases.key("Hong Kong") == aliases.key("hongkong")
    assert aliases.key("Ōsaka") == "osaka"
    assert aliases.key("McDonald's") == "mcdonalds"
    assert aliases.key("the Bund") == "bund"


def test_romanised_names_reach_chinese_names_through_the_dictionary(index: aliases.Aliases) -> None:
    # The gloss starts with the romanisation of the entry's pinyin: Cheng2 du1 → Chengdu, Xi1 an1 → Xi'an.
    assert index.chinese_for(["chengdu"]) == ["成都"]
    assert index.chinese_for(["xi", "an"]) == ["西安"]
    # Or the gloss is a short capitalised name that is not the pinyin.
    assert index.chinese_for(["tokyo"]) == ["东京"]
    assert index.chinese_for(["hong", "kong"]) == ["香港"]
    assert index.chinese_for(["osaka"]) == ["大阪"]
    # A description is not a name, and a one-character abbreviation is not offered.
    assert index.chinese_for(["capital", "of", "japan"]) == []
    assert "川" not in index.chinese_for(["sichuan"])


def test_chinese_names_reach_their_english_names(index: aliases.Aliases) -> None:
    assert index.english_for("成都") == ["Chengdu"]
    assert index.english_for("西安") == ["Xi'an"]
    assert index.english_for("香港") == ["Hong Kong"]
    assert index.english_for("洛杉矶") == ["LA", "Los Angeles"]
    assert index.english_for("嫦娥") == ["Chang'e"]  # the Chinese side keeps every name


def test_a_name_that_is_a_common_english_word_needs_a_common_chinese_name(index: aliases.Aliases) -> None:
    assert index.chinese_for(["china"]) == ["中国"]  # 中国 is more frequent than 瓷器
    assert index.chinese_for(["change"]) == []  # 嫦娥 is not, so "change" does not find Chang'e


def test_curated_rows_come_first_and_both_ways(index: aliases.Aliases) -> None:
    assert index.chinese_for(["luckin"]) == ["瑞幸"]
    assert index.chinese_for(["luckin", "coffee"]) == ["瑞幸"]
    assert index.chinese_for(["la"]) == ["洛杉矶"]
    assert index.chinese_for(["cat"]) == ["猫咪", "猫"]
    assert index.english_for("猫咪") == ["cat"]


def test_curated_file_rows_are_valid_and_its_brands_segment_whole() -> None:
    rows = aliases._curated_rows(aliases.DATA.read_text(encoding="utf-8").splitlines())
    assert len(rows) >= 40
    for kind, words, names in rows:
        assert kind in aliases.KINDS
        assert all(words)
        assert all(names)
        if kind == "brand":
            for word in words:
                # A brand is one token in a note (platform dictionary), so its query term meets it.
                assert word in chinese.segment(f"今天去{word}买东西"), word


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        aliases._curated_rows(["shop\t宜家\tIKEA"])


def test_the_process_index_knows_the_issue_names() -> None:
    index = aliases.aliases()
    for english, chinese_word in [
        ("Chengdu", "成都"),
        ("Sichuan", "四川"),
        ("Shanghai", "上海"),
        ("Guilin", "桂林"),
        ("Hangzhou", "杭州"),
        ("Xi'an", "西安"),
        ("Tokyo", "东京"),
        ("Osaka", "大阪"),
        ("Kyoto", "京都"),
        ("Seoul", "首尔"),
        ("Busan", "釜山"),
        ("Hong Kong", "香港"),
        ("Taipei", "台北"),
        ("Great Wall", "长城"),
        ("the Bund", "外滩"),
        ("West Lake", "西湖"),
        ("Starbucks", "星巴克"),
        ("McDonald's", "麦当劳"),
        ("KFC", "肯德基"),
        ("Uniqlo", "优衣库"),
        ("Nike", "耐克"),
        ("IKEA", "宜家"),
        ("Costco", "开市客"),
        ("Sephora", "丝芙兰"),
        ("Luckin", "瑞幸"),
        ("Heytea", "喜茶"),
        ("Pop Mart", "泡泡玛特"),
        ("NYC", "纽约"),
        ("SF", "旧金山"),
    ]:
        assert chinese_word in index.chinese_for(english.split()), english
    assert aliases.aliases() is index  # built once per process


@given(st.text(max_size=40))
def test_key_is_plain_ascii_letters_and_digits(text: str) -> None:
    assert all(c.isascii() and c.isalnum() for c in aliases.key(text))
