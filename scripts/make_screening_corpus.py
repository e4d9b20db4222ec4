"""Generate the bilingual screening corpus (seeded, deterministic): the lexicon, notes that hide its terms
behind every evasion the normaliser undoes, and everyday notes that must pass.

    .venv/bin/python scripts/make_screening_corpus.py [--out tests/screening/corpus] [--seed 2026]

Writes `lexicon.json` ([{key, text, language}]), `evasions.jsonl` ({text, key, language, kinds}) and
`clean.jsonl` ({text, language, topic}). `bench/screening_throughput.py` reuses the note templates.
"""

from __future__ import annotations

import argparse
import json
import random
import unicodedata
from collections.abc import Callable
from pathlib import Path

import opencc
import pypinyin

ZH_TERMS = [
    "加微信", "代购", "刷单", "兼职日结", "裸聊", "私聊领取", "免费领取", "加vx", "日赚千元", "刷信誉",
    "网赚项目", "代开发票", "办证", "贷款秒批", "套现", "赌博网站", "博彩", "六合彩", "彩票内幕", "约炮",
    "色情直播", "黄色网站", "援交", "高仿包", "原单货", "出售账号", "买粉丝", "刷粉", "点赞兵团", "返利群",
    "拉人头", "传销", "稳赚不赔", "高额回报", "资金盘", "杀猪盘", "虚拟币投资", "私信发链接", "扫码进群",
    "微商招代理",
]  # fmt: skip
EN_TERMS = [
    "free iphone", "crypto giveaway", "scam", "onlyfans", "click my link", "dm me for price", "ass",
    "bitcoin doubler", "double your money", "cash app flip", "sugar daddy", "nudes", "sexting",
    "escort service", "adult cam", "xxx", "porn", "hot singles", "make money fast", "get rich quick",
    "guaranteed profit", "forex signals", "fake followers", "buy followers", "free followers",
    "cheap replica", "replica bags", "whatsapp me", "telegram me", "kill yourself", "loser", "idiot",
    "bitch", "whore", "slut", "dick", "cunt", "cock", "anal", "cum", "rapist",
]  # fmt: skip

EN_KINDS = ["fullwidth", "case", "zero_width", "spaces", "punctuation", "symbols", "repeated", "homoglyph",
            "leet", "accents", "combined", "spaced_message"]  # fmt: skip
ZH_KINDS = ["fullwidth", "zero_width", "spaces", "punctuation", "symbols", "repeated", "traditional",
            "homoglyph", "pinyin_toneless", "pinyin_joined", "pinyin_tones", "pinyin_tone_digits",
            "pinyin_caps", "combined", "pinyin_letters"]  # fmt: skip

EN_SPAM = [
    "Honestly {x} is all over my feed lately, anyone else?",
    "Look at this — {x} — only today!",
    "{x}!! limited offer, hurry up",
    "My cousin told me about {x} and I can't stop thinking about it.",
    "New post up: {x}. Thoughts?",
    "Weekend plans: coffee, a long walk and {x} apparently.",
    "Saw a flyer at the station saying {x}, wild.",
    "Reply below if you want {x} too",
    "Not kidding, {x} right here, check the comments",
    "Morning routine done. Also, {x}.",
]
ZH_SPAM = [
    "今天分享一个好消息，{x}，需要的姐妹看过来",
    "周末在家没事做，看到有人说{x}，大家怎么看？",
    "最近好多人问我，{x}，评论区见",
    "姐妹们注意了 {x} 名额有限",
    "旅行回来整理照片，顺便说一句{x}哦",
    "下班路上刷到的：{x}，真的假的",
    "{x}，懂的都懂",
    "新年快乐！{x}，先到先得",
    "护肤心得更新了，另外{x}～",
    "今天的早餐很简单，想了解的话{x}",
]

EN_CLEAN_TEMPLATES = [
    "Spent the {day} in {place}: {food} for lunch, then {activity}. {verdict}",
    "{place} diary — the {adj} {thing} near the {spot} was {verdict_short}. Would go back for the {food}.",
    "Outfit of the day: {clothes} with {accessory}. {verdict}",
    "Skincare update: switched to a {adj} {product} and my skin feels {feeling}. {verdict}",
    "Recipe note: {food} with {ingredient} and a pinch of {spice}. {activity_cap} afterwards.",
    "Day {num} in {place}. {activity_cap}, {food} and an early night. {verdict}",
    "My {person} and I tried {activity} in {place}. The {thing} was {verdict_short}.",
    "Room {room} had a view of the {spot}; breakfast was {food}. {verdict}",
    "Reading list: {book}. Perfect with {drink} on a rainy {day}.",
    "Weekend in {place}: {activity}, {food}, {drink}. Budget about ${price}.",
]
EN_FILL = {
    "day": ["Saturday", "Sunday", "morning", "afternoon", "evening", "long weekend", "holiday"],
    "place": ["Scunthorpe", "Essex", "Sussex", "Middlesex", "Lisbon", "Kyoto", "Chengdu", "Vancouver",
              "the Lake District", "Cassis", "Bangkok", "Penistone", "Matsumoto", "Dickinson county",
              "Hancock Park", "Lancaster", "Glasgow", "Massachusetts", "Assisi", "Nazareth"],
    "food": ["shrimp scampi", "cucumber salad", "grape tart", "cumin lamb", "a classic burger",
             "bass with lemon", "grass-fed steak", "cocktail sausages", "peacock-blue macarons", "dim sum",
             "a cumulative tasting menu", "ramen", "fish and chips", "mapo tofu", "canal-side pastries",
             "passion fruit sorbet", "spicy hotpot", "scallops", "cassava fries", "shiitake risotto"],
    "activity": ["a canal walk", "a glass-blowing class", "bass fishing", "grass skiing", "a cocktail class",
                 "scrapbooking", "a pottery class", "sunrise yoga", "a museum visit", "a bike ride",
                 "an analysis of old maps", "karaoke", "window shopping", "a boat trip", "a hike"],
    "adj": ["classic", "passionate", "massive", "tiny", "cosy", "brassy", "glassy", "understated",
            "cumbersome", "banal", "scampering", "embassy-style", "assorted", "grassy", "bright"],
    "thing": ["café", "bookshop", "bakery", "gallery", "market", "cocktail bar", "hostel", "embassy",
              "assembly hall", "pass", "terrace", "shuttlecock court", "cockpit tour", "scrapyard museum"],
    "spot": ["harbour", "canal", "old town", "station", "cathedral", "lighthouse", "grassland", "bay"],
    "verdict": ["Worth every penny.", "Would recommend to anyone.", "A bit crowded but lovely.",
                "Ten out of ten, no notes.", "My therapist would approve.", "Pure comfort.",
                "Next time I'll bring my assistant.", "The circumstances were perfect.",
                "Loved the document exhibition too.", "Accumulated so many photos."],
    "verdict_short": ["lovely", "a delight", "overpriced", "charming", "classic", "worth it", "busy"],
    "clothes": ["a linen shirt", "wide trousers", "a trench coat", "a denim jacket", "a pleated skirt",
                "cashmere knit", "a bass-guitar print tee", "classic loafers", "a grass-green dress"],
    "accessory": ["a canvas tote", "gold hoops", "a silk scarf", "a bucket hat", "glasses", "a brass watch"],
    "product": ["cleanser", "moisturiser", "sunscreen", "serum", "toner", "lip balm", "night cream"],
    "feeling": ["calm", "soft", "hydrated", "less oily", "smooth", "fresh"],
    "ingredient": ["garlic", "ginger", "cucumber", "grapes", "scallions", "shiitake", "sesame"],
    "spice": ["cumin", "paprika", "sea salt", "white pepper", "cinnamon", "sassafras"],
    "activity_cap": ["A walk by the canal", "Bass practice", "A cocktail masterclass", "Scrapbooking",
                     "A nap", "Yoga with my therapist friend", "Grass volleyball", "Class at the gym"],
    "num": ["1", "2", "3", "4", "5", "7", "12", "30"],
    "person": ["sister", "assistant", "roommate", "mum", "best friend", "classmate", "partner"],
    "room": ["455", "101", "7", "1337", "2B", "308"],
    "book": ["Dickens' Bleak House", "a Sussex cookbook", "Essex folk tales", "a bass guitar manual",
             "a classic mystery", "The Grass Harp", "Hancock's diaries"],
    "drink": ["oolong tea", "a pistachio latte", "cocktails", "lemonade", "hot chocolate", "matcha"],
    "price": ["45", "120", "300", "80"],
}  # fmt: skip

ZH_CLEAN_TEMPLATES = [
    "{day}去了{place}，{food}很好吃，{activity}也很有意思。{verdict}",
    "{place}旅行第{num}天，{activity}，晚上吃了{food}。{verdict}",
    "今日穿搭：{clothes}配{accessory}，{verdict}",
    "护肤分享：最近换了{product}，皮肤{feeling}。{verdict}",
    "在家做了{food}，加了一点{ingredient}，{verdict}",
    "和{person}一起去{place}{activity}，{verdict}",
    "{day}的日常：早起跑步，{activity}，然后{near_miss}。",
    "记录一下：{near_miss}，{verdict}",
    "{place}的{spot}真的很美，{near_miss}。",
    "推荐一家{place}的小店，{food}不错，{near_miss}。",
]
ZH_FILL = {
    "day": ["周末", "周六", "今天", "昨天", "早上", "下午", "国庆假期", "端午节"],
    "place": ["杭州", "成都", "大理", "厦门", "西安", "重庆", "青岛", "苏州", "台北", "香港", "京都", "清迈"],
    "food": ["火锅", "小笼包", "酸菜鱼", "烤鸭", "螺蛳粉", "抹茶蛋糕", "牛肉面", "椰子鸡", "肠粉", "麻辣烫"],
    "activity": ["逛博物馆", "爬山", "骑单车", "看日落", "逛夜市", "去书店", "喝咖啡", "拍照打卡", "学做陶艺"],
    "verdict": ["下次还来！", "强烈推荐～", "人有点多但值得。", "性价比很高。", "氛围感满分。", "有点累但开心。"],
    "clothes": ["白衬衫", "牛仔裤", "针织开衫", "碎花裙", "风衣", "阔腿裤", "卫衣"],
    "accessory": ["帆布包", "珍珠耳环", "棒球帽", "丝巾", "小白鞋", "复古墨镜"],
    "product": ["洗面奶", "防晒霜", "精华液", "面霜", "爽肤水", "唇膏"],
    "feeling": ["水润了很多", "不那么油了", "变得细腻", "很舒服"],
    "ingredient": ["姜丝", "葱花", "蒜末", "香菜", "芝麻"],
    "num": ["一", "二", "三", "五", "七"],
    "person": ["闺蜜", "室友", "妈妈", "同事", "男朋友", "表妹"],
    "spot": ["湖边", "老街", "海边", "山顶", "古镇"],
    "near_miss": [
        "用微信支付很方便", "添加了几个新朋友", "在商场购物", "刷牙洗脸", "骑共享单车", "找了一份兼职",
        "免费停车两小时", "去领取快递", "和朋友私聊了一会儿", "发了一条微博", "代表班级参加比赛",
        "买了一张彩票", "去博物馆看展", "包包是去年买的", "点赞了朋友的照片", "扫码点餐", "办理了会员卡",
        "粉丝见面会很热闹", "加入了读书会", "杀青宴很热闹", "回报父母", "资金有点紧张", "链接发在评论区了",
        "买了新款iPhone 15", "写了一篇vlog", "citywalk路线分享", "OOTD穿搭记录", "信誉很好的老店",
        "这是一个新时代，购物方式也变了", "天天刷！单词背了一百个", "带上身份证去办，证明材料要齐全",
        "想去套，现在的衣服都太薄了", "做了一次传统手艺，销量居然不错",
    ],
}  # fmt: skip

HOMOGLYPHS = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "s": "ѕ",
              "h": "һ", "j": "ј", "n": "ո", "u": "υ", "k": "κ", "t": "τ", "m": "м", "b": "Ь", "l": "ӏ"}  # fmt: skip
LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "t": "7", "l": "1", "b": "8"}
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
ACCENTS = ["\u0301", "\u0300", "\u0308", "\u0336", "\u0335", "\u0303"]
SYMBOLS = ["*", "_", "~", "♥", "★", "/", "|", "+"]
PUNCTUATION = [".", "-", ",", "·", "…", "。", "、"]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def _compat_forms() -> dict[str, str]:
    """Han character → a Kangxi radical or compatibility ideograph that NFKC folds back to it."""
    forms: dict[str, str] = {}
    for code in list(range(0x2F00, 0x2FD6)) + list(range(0xF900, 0xFADA)):
        folded = unicodedata.normalize("NFKC", chr(code))
        if folded != chr(code) and len(folded) == 1:
            forms.setdefault(folded, chr(code))
    return forms


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.s2t = opencc.OpenCC("s2t")
        self.compat = _compat_forms()

    # English evasions: each returns the disguised term.
    def _spread(self, term: str, separators: list[str]) -> str:
        sep = self.rng.choice(separators)
        return " ".join(sep.join(word) for word in term.split())

    def en(self, term: str, kind: str) -> tuple[str, list[str]]:
        rng = self.rng
        simple: dict[str, Callable[[str], str]] = {
            "fullwidth": _fullwidth,
            "case": lambda t: "".join(c.upper() if rng.random() < 0.5 else c for c in t.title()),
            "zero_width": lambda t: (
                "".join(c + (rng.choice(ZERO_WIDTH) if c != " " else "") for c in t[:-1]) + t[-1]
            ),
            "spaces": lambda t: self._spread(t, [" "]),
            "punctuation": lambda t: self._spread(t, PUNCTUATION[:5]),
            "symbols": lambda t: self._spread(t, SYMBOLS),
            "repeated": self._repeat,
            "homoglyph": lambda t: self._swap(t, HOMOGLYPHS, 0.6),
            "leet": self._leet,
            "spaced_message": lambda t: t,  # the whole note is spaced out below
            "accents": lambda t: "".join(
                c + rng.choice(ACCENTS) if c.isalpha() and rng.random() < 0.5 else c for c in t
            ),
        }
        if kind != "combined":
            return simple[kind](term), [kind]
        kinds = sorted(rng.sample(["case", "zero_width", "repeated", "homoglyph", "leet", "fullwidth"], 2))
        text = term
        for step in ("repeated", "leet", "homoglyph", "case", "fullwidth", "zero_width"):
            if step in kinds:
                text = simple[step](text)
        return text, kinds

    def _repeat(self, text: str) -> str:
        letters = [i for i, c in enumerate(text) if c.isalpha()]
        chosen = set(self.rng.sample(letters, min(2, len(letters))))
        return "".join(c * self.rng.randint(3, 5) if i in chosen else c for i, c in enumerate(text))

    def _swap(self, text: str, table: dict[str, str], rate: float) -> str:
        swappable = [i for i, c in enumerate(text) if c in table]
        keep = {self.rng.choice(swappable)} if swappable else set()
        return "".join(
            table[c] if c in table and (i in keep or self.rng.random() < rate) else c
            for i, c in enumerate(text)
        )

    def _leet(self, text: str) -> str:
        out = []
        for word in text.split():
            swappable = [i for i, c in enumerate(word) if c in LEET]
            # at least one character changed; a word is never made all digits (then it reads as a number)
            chosen = set(self.rng.sample(swappable, max(1, len(swappable) // 2))) if swappable else set()
            new = "".join(self.rng.choice(LEET[c]) if i in chosen else c for i, c in enumerate(word))
            if new.isdigit():
                new = word[0] + new[1:]
            out.append(new)
        return " ".join(out)

    # Chinese evasions.
    def zh(self, term: str, kind: str) -> tuple[str, list[str]] | None:
        rng = self.rng
        reading = pypinyin.lazy_pinyin(term)
        pure_han = all("\u4e00" <= c <= "\u9fff" for c in term)
        if kind.startswith("pinyin") and not pure_han:
            return None
        if kind == "traditional":
            text = self.s2t.convert(term)
            return (text, [kind]) if text != term else None
        if kind == "homoglyph":
            chars = [i for i, c in enumerate(term) if c in self.compat]
            if not chars:
                return None
            i = rng.choice(chars)
            return term[:i] + self.compat[term[i]] + term[i + 1 :], [kind]
        simple: dict[str, Callable[[], str]] = {
            "fullwidth": lambda: (
                _fullwidth(term) if not pure_han else rng.choice(["＊", "　", "－", "．"]).join(term)
            ),
            "zero_width": lambda: "".join(c + rng.choice(ZERO_WIDTH) for c in term[:-1]) + term[-1],
            "spaces": lambda: rng.choice([" ", "  ", "\u3000"]).join(term),
            "punctuation": lambda: rng.choice(PUNCTUATION).join(term),
            "symbols": lambda: rng.choice(SYMBOLS).join(term),
            "repeated": lambda: (
                "".join(c * (rng.randint(2, 3) if rng.random() < 0.5 else 1) for c in term)
                if len(term) > 2
                else term[0] * 2 + term[1:] * 2
            ),
            "pinyin_toneless": lambda: " ".join(reading),
            "pinyin_joined": lambda: "".join(reading),
            "pinyin_tones": lambda: rng.choice([" ", ""]).join(
                pypinyin.lazy_pinyin(term, style=pypinyin.Style.TONE)
            ),
            "pinyin_tone_digits": lambda: rng.choice([" ", ""]).join(
                pypinyin.lazy_pinyin(term, style=pypinyin.Style.TONE3, neutral_tone_with_five=True)
            ),
            "pinyin_caps": lambda: rng.choice([" ", ""]).join(reading).upper(),
            "pinyin_letters": lambda: " ".join("".join(reading)),
        }
        if kind != "combined":
            return simple[kind](), [kind]
        text = self.s2t.convert(term)
        text = "".join(c + rng.choice(ZERO_WIDTH + SYMBOLS) for c in text[:-1]) + text[-1]
        return text, ["traditional", "zero_width", "symbols"]

    def evasions(self, lexicon: list[dict[str, str]]) -> list[dict[str, object]]:
        items: list[dict[str, object]] = []
        for entry in lexicon:
            language, term = entry["language"], entry["text"]
            for kind in EN_KINDS if language == "en" else ZH_KINDS:
                made = self.en(term, kind) if language == "en" else self.zh(term, kind)
                if made is None:
                    continue
                disguised, kinds = made
                template = self.rng.choice(EN_SPAM if language == "en" else ZH_SPAM)
                if language == "zh" and kind.startswith("pinyin"):
                    disguised = f" {disguised} "
                text = template.format(x=disguised)
                if kind == "spaced_message":  # every letter of the note apart: no word boundary left
                    text = " ".join(c for c in text if c.isalnum())
                items.append({"key": entry["key"], "language": language, "kinds": kinds, "text": text})
        return items

    def clean(self, count: int, language: str) -> list[dict[str, object]]:
        templates, fill = (EN_CLEAN_TEMPLATES, EN_FILL) if language == "en" else (ZH_CLEAN_TEMPLATES, ZH_FILL)
        items: list[dict[str, object]] = []
        seen: set[str] = set()
        while len(items) < count:
            template = self.rng.choice(templates)
            text = template.format(**{name: self.rng.choice(values) for name, values in fill.items()})
            if text not in seen:
                seen.add(text)
                items.append({"language": language, "template": templates.index(template), "text": text})
        return items


def lexicon() -> list[dict[str, str]]:
    return [{"key": f"zh{i:02d}", "language": "zh", "text": t} for i, t in enumerate(ZH_TERMS)] + [
        {"key": f"en{i:02d}", "language": "en", "text": t} for i, t in enumerate(EN_TERMS)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/screening/corpus"))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--clean", type=int, default=600, help="clean notes per language")
    args = parser.parse_args()
    generator = Generator(args.seed)
    terms = lexicon()
    evasions = generator.evasions(terms)
    clean = generator.clean(args.clean, "en") + generator.clean(args.clean, "zh")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "lexicon.json").write_text(
        json.dumps(terms, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for name, rows in (("evasions.jsonl", evasions), ("clean.jsonl", clean)):
        with (args.out / name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    by_language = {lang: sum(1 for e in evasions if e["language"] == lang) for lang in ("zh", "en")}
    print(f"{len(terms)} terms, evasions {by_language}, {len(clean)} clean notes → {args.out}")


if __name__ == "__main__":
    main()
