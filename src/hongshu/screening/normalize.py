"""The normaliser the lexicon matcher reads text through: three forms of one text, each defeating the evasions
that can be undone in it, applied identically to the listed terms and to the text they are matched against.

- **latin** (English and any Latin-script term): NFKC (full-width and compatibility forms) → invisible
  characters removed (zero-width, joiners, soft hyphens, bidi controls, tags) → look-alikes folded (Unicode
  TR39 confusables from `confusable_homoglyphs`, accents and combining marks dropped) → casefold → letters
  spaced out one by one joined (`f.r.e.e`, `s c a m`) → leetspeak read inside words that have letters
  (`fr33`, `$c@m`; a number standing alone stays a number) → `l` and `1` read as `i` (they are drawn alike)
  → runs of a letter collapsed to one. The result is a stream of tokens; a match must start at a token's
  start and end at a token's end, so a listed word inside a longer word passes (Scunthorpe, classic).
  Inside a run of letters spaced out one by one a match may start and end anywhere (`t h i s i s a s c a m`):
  the writer took the word boundaries away, so there `c l a s s i c` does hit "ass".
- **han** (Chinese terms): the same first steps, then only Han characters, ASCII letters and digits kept
  (`加 微-信`, `加*微*信`), sentence breaks between longer runs kept as a space (`时代，购物` is not `代购`)
  → Traditional folded to Simplified (OpenCC t2s) → runs of a character collapsed.
- **pinyin** (Chinese terms written in Latin letters): the latin form's first steps without leetspeak (tone
  digits are dropped instead) and tone marks removed with the accents, so `jiā wēi xìn`, `jia1wei1xin4` and
  `JIA WEI XIN` all read `jiaweixin`. A listed Chinese term gets a pinyin reading only when it has at least
  two syllables and five letters (`MIN_PINYIN_*`): shorter readings (`wei`, `dan`) are everyday English.

The steps a scan records, each only when it changed the text: `nfkc`, `invisible removed`, `look-alikes
folded`, `casefold`, `spaced letters joined`, `leetspeak read`; then each form computed: `latin form`,
`pinyin form`, `traditional → simplified` (when it changed something) and `han form`.

Not undone (a term may list such a spelling itself): a word split in two (`sc am`; one letter at a time is
undone), inflections (`scams`), one letter doubled inside a word (`sccam`; three or more is a stretch), pinyin running on into
more pinyin (`jiaweixinhao`) or pinyin initials (`jwx`), Chinese homophones (`薇信`), characters split into
parts (`木子李`), Latin letters between Chinese characters (`加x微x信`), emoji standing for words.

A collapsed run remembers its length (`Stream.counts`), so the matcher can ask for as many of each letter
as the term has: `freeee` is "free", but `as` is not "ass" nor `god` "good" (hongshu.screening.matching).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pypinyin
import regex

from hongshu.textlib.chinese import to_simplified

MIN_PINYIN_SYLLABLES = 2
MIN_PINYIN_LETTERS = 5
_MAX_PINYIN_READINGS = 8

_HAN = regex.compile(r"\p{Han}")
# Han characters as `re` ranges (`regex`'s \p{Han} is several times slower on Chinese text).
_HAN_RANGES = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
)
_NOT_HAN_FORM = re.compile(rf"[^{_HAN_RANGES}a-z0-9\x00]+")
# Sentence breaks in Chinese text (after NFKC: ，！？；： are ASCII), marked \x00 before the rest goes. A break
# stays (as a space no key contains) between two runs of two or more characters — 时代，购物 is not 代购 —
# and goes where a run is one character: the evader's 加，微，信.
_SENTENCE_BREAKS = re.compile(r"[,!?;:。、\n]+")
_BREAK_RUNS = re.compile(r"\x00+")
_SOFT_BREAK = re.compile(r"(?:(?<=^[^\x00])|(?<=\x00[^\x00]))\x00|\x00(?=[^\x00](?:\x00|$))")
# Plain ASCII patterns use `re`: several times faster than `regex` on them. A run collapses as
# `"".join(_RUN.split(text))` (the split keeps the captured letter): twice as fast as `sub(r"\1", ...)`.
_RUN = re.compile(r"([a-z])\1+")
_ANY_RUN = re.compile(r"([^0-9])\1+", re.DOTALL)
# A run as the forms collapse it: a letter or Han character repeated, or one digit (`1000` stays `1000`).
_RUN_OF = re.compile(r"([^0-9])\1*|[0-9]", re.DOTALL)
_REPEATED = re.compile(r"([^0-9\n])\1+")
_TOKEN = re.compile(r"\x02?[a-z0-9]+")
_LETTERS = re.compile(r"\x02?[a-z]+")
# One character standing alone, then more of them, each behind at most five separators (not a Han
# character): `f.r.e.e`, `s c a m`, `$ c 4 m`, `s - c - a - m`, and one letter a line.
# (Each pattern starts with its character class, not a look-behind, so `re` skips Chinese text quickly.)
_SPACED = re.compile(
    rf"[a-z0-9@$](?<![a-z0-9@$][a-z0-9@$])(?:[^a-z0-9@${_HAN_RANGES}]{{1,5}}[a-z0-9@$](?![a-z0-9@$]))+"
)
_SPACED_CHAR = re.compile(r"[a-z0-9@$]")
# Symbols a writer puts inside a word without spaces (`fr.ee`, `sc-am`, `i*phone`, `jia_wei_xin`): the word is
# read whole. Not apostrophes (`who're` is not `whore`) nor the leet characters (`@ $ ! |`), read later.
_INNER_SYMBOLS = re.compile(r"(?<=[a-z])[-._*~+=^#/\\·•‧∙]+(?=[a-z])")
# A run of spaced-out letters, once joined, is wrapped in these (control characters, removed from the input).
SOFT, SOFT_END = "\x02", "\x03"
_MARKS = dict.fromkeys(map(ord, "\x00\x02\x03"))
_MIN_SPACED_WITH_DIGIT = 4
# A word with a leet character (`fr33`, `$cam`, `@$$`, `fr!end`); read if it has a letter or no digit.
# Scanning left to right, a word with a leet character matches from its first letter.
_LEET_WORD = re.compile(r"[a-z]*[0-9@$!|][a-z0-9@$!|]*")
_NOT_A_NUMBER = re.compile(r"[a-z]|^[^0-9]*$")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
                       "@": "a", "$": "s", "!": "i", "|": "i"})  # fmt: skip
_I_LIKE = str.maketrans({"l": "i"})

# Characters nobody sees: zero-width space/joiners, marks of direction, soft hyphen, word joiner, BOM, the
# Mongolian vowel separator, invisible operators, tag characters.
_INVISIBLE = dict.fromkeys(
    itertools.chain(
        (0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0),
        range(0x200B, 0x2010),
        range(0x202A, 0x202F),
        range(0x2060, 0x2070),
        range(0xFE00, 0xFE10),
        range(0xE0000, 0xE0080),
    )
)

# Not folded even when TR39 lists them as look-alikes: Chinese, Japanese and Korean script and punctuation
# (一 is not a dash, 口 not an o), which the han form reads as they are.
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}\u3000-\u303f\u2e80-\u2fdf]")
_EXTRA_FOLDS = {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ı": "i", "İ": "i", "ȷ": "j",
                "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ħ": "h", "ŧ": "t", "ĸ": "k"}  # fmt: skip
# Greek and Cyrillic lower-case letters drawn like a Latin capital or letter that TR39 does not pair with an
# ASCII one (it pairs м with ʍ, κ with ĸ): used where TR39 gives no ASCII counterpart.
_SCRIPT_LOOKALIKES = {"м": "m", "т": "t", "к": "k", "н": "h", "в": "b", "τ": "t", "κ": "k", "ν": "v",
                      "ρ": "p", "ι": "i", "ω": "w", "ε": "e", "χ": "x", "γ": "y", "п": "n", "и": "u",
                      "ѵ": "v", "ԁ": "d", "ɡ": "g", "ς": "c"}  # fmt: skip
# Text made only of these has nothing invisible or to fold (tests/screening/test_normalize.py checks it):
# ASCII, general punctuation, CJK punctuation and the unified ideographs.
_PLAIN = re.compile(r"[\x00-\x7f\u2010-\u2027\u2030-\u205e\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff]*")
_LATIN_NAME = regex.compile(r"^LATIN (?:SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL )?([A-Z])\b")


def _ascii_like(char: str) -> str:
    # ᴛ (LATIN LETTER SMALL CAPITAL T) stands for t: TR39 pairs some look-alikes only with it.
    if char.isascii():
        return char
    found = _LATIN_NAME.match(unicodedata.name(char, ""))
    return found.group(1).lower() if found else char


def _ascii_target(candidates: list[str]) -> str | None:
    """The ASCII letter (lower case first), else digit, among a character's look-alikes."""
    folded = [_ascii_like(c) for c in candidates]
    letters = sorted((c for c in folded if c.isascii() and c.isalpha()), key=str.islower, reverse=True)
    digits = [c for c in folded if c.isascii() and c.isdigit()]
    return next(iter(letters + digits), None)


def _tr39_folds() -> dict[int, str | None]:
    """TR39 confusables whose counterpart (either way round) is one ASCII letter or digit."""
    from confusable_homoglyphs import confusables  # loads its JSON data (~0.1 s): only when first needed

    data: dict[str, list[dict[str, str]]] = confusables.confusables_data
    pairs: dict[str, list[str]] = {}
    for char, glyphs in data.items():
        for glyph in glyphs:
            pairs.setdefault(glyph["c"], []).append(char)
            pairs.setdefault(char, []).append(glyph["c"])
    table: dict[int, str | None] = {}
    for char, counterparts in pairs.items():
        if len(char) == 1 and not char.isascii() and not _CJK.match(char):
            target = _ascii_target([c for c in counterparts if len(c) == 1])
            if target is not None:
                table[ord(char)] = target
    return table


def _accent_folds() -> dict[int, str | None]:
    """Latin letters without their accents (é → e, ǎ → a), and combining marks dropped (s̶ → s)."""
    table: dict[int, str | None] = {}
    for code in itertools.chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFKD", chr(code))
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        if stripped and stripped.isascii() and stripped.isalnum():
            table[code] = stripped
    table.update(
        (code, None)
        for code in range(0x300, 0x20000)
        if unicodedata.category(chr(code)) == "Mn" and not _CJK.match(chr(code))
    )
    return table


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str | None]:
    """Look-alike → ASCII: TR39 confusables, accents, regional-indicator letters (🇸🇨🇦🇲), a few Greek and
    Cyrillic letters TR39 leaves out, and each of these in its other case."""
    table = _tr39_folds()
    table.update(_accent_folds())
    table.update((code, chr(ord("a") + code - 0x1F1E6)) for code in range(0x1F1E6, 0x1F200))
    table.update({ord(k): v for k, v in _EXTRA_FOLDS.items()})
    for char, target in _SCRIPT_LOOKALIKES.items():
        table.setdefault(ord(char), target)
    # A letter's other case stands for the same ASCII letter (TR39 lists һ with h, not Һ with H).
    for code, folded in list(table.items()):
        for mate in (chr(code).upper(), chr(code).lower()):
            if folded and len(mate) == 1 and not mate.isascii() and not _CJK.match(mate):
                table.setdefault(ord(mate), folded)
    return table


@dataclass(frozen=True, slots=True)
class Stream:
    """One normalised form as matched: `text` is the form, `starts`/`ends` the offsets where a match may
    begin and end (None: anywhere, for Han text), and `pieces` the form before runs collapsed, by token."""

    text: str
    starts: frozenset[int] | None
    ends: frozenset[int] | None
    pieces: tuple[str, ...]
    offsets: tuple[int, ...] = ()  # where each piece starts in `text`
    _runs: list[dict[int, int]] = field(
        default_factory=list, compare=False, repr=False
    )  # runs(), once computed

    def runs(self) -> dict[int, int]:
        """Offset in `text` → how many times that character stood in a row, for the few that stood more than
        once. Counted once per stream, and only when a candidate match asks."""
        if not self._runs:
            joined = "\n".join(self.pieces)
            runs: dict[int, int] = {}
            removed = 0
            for match in _REPEATED.finditer(joined):
                length = len(match.group())
                runs[match.start() - removed - joined.count("\n", 0, match.start())] = length
                removed += length - 1
            self._runs.append(runs)
        return self._runs[0]

    def counts(self, start: int = 0, end: int | None = None) -> list[int]:
        """How many times each character of `text[start:end]` stood in a row before collapsing."""
        end = len(self.text) if end is None else end
        runs = self.runs()
        return [runs.get(i, 1) for i in range(start, end)] if runs else [1] * (end - start)


@dataclass(frozen=True, slots=True)
class Normalised:
    steps: tuple[tuple[str, str], ...]
    latin: Stream | None
    pinyin: Stream | None
    han: Stream | None


def run_lengths(text: str) -> list[tuple[str, int]]:
    """`"dmme"` → `[("d", 1), ("m", 2), ("e", 1)]`."""
    return [(m.group()[0], len(m.group())) for m in _RUN_OF.finditer(text)]


def _token_stream(uncollapsed: str, pattern: re.Pattern[str]) -> Stream:
    """Tokens of `pattern` (each may begin with SOFT, the mark of letters spaced out one by one) as one
    stream: a match may begin and end where a token does, or anywhere inside a spaced-out run, whose word
    boundaries the writer took away (`g e t f r e e i p h o n e`)."""
    # Separators stand between tokens, so collapsing the whole text collapses inside tokens only.
    collapsed_text = "".join(_RUN.split(uncollapsed))
    if SOFT not in uncollapsed:  # the common case, without a Python loop over the tokens
        pieces = tuple(pattern.findall(uncollapsed))
        collapsed = pattern.findall(collapsed_text)
        ends = list(itertools.accumulate(map(len, collapsed)))
        starts = (0, *ends[:-1]) if ends else ()
        return Stream("".join(collapsed), frozenset(starts), frozenset(ends), pieces, starts)
    pieces = tuple(piece.lstrip(SOFT) for piece in pattern.findall(uncollapsed))
    collapsed = pattern.findall(collapsed_text)
    ends = list(itertools.accumulate(len(token) - (token[0] == SOFT) for token in collapsed))
    starts = (0, *ends[:-1]) if ends else ()
    start_set, end_set = set(starts), set(ends)
    for token, start, end in zip(collapsed, starts, ends, strict=True):
        if token[0] == SOFT:
            start_set.update(range(start + 1, end))
            end_set.update(range(start + 1, end))
    text = "".join(collapsed).replace(SOFT, "")
    return Stream(text, frozenset(start_set), frozenset(end_set), pieces, starts)


def _shown(text: str) -> str:
    return text.replace(SOFT, "").replace(SOFT_END, "") if SOFT in text else text


def _read_leet(match: re.Match[str]) -> str:
    word = match.group()
    core = word.rstrip("!|")  # `scam!`: the mark ends the sentence
    if not _NOT_A_NUMBER.search(core):  # `2024`, `455`, `$50`: a number, not `ass` or `so`
        return word
    return core.translate(_LEET) + word[len(core) :]


def _join_spaced(match: re.Match[str]) -> str:
    chars = _SPACED_CHAR.findall(match.group())
    if len(chars) < _MIN_SPACED_WITH_DIGIT and any(c.isdigit() for c in chars):
        return match.group()  # `20 s after a 5 s`: a short run with a number is ordinary text, not `a5s`
    return SOFT + "".join(chars) + SOFT_END


def _folded(text: str, steps: list[tuple[str, str]]) -> str:
    """NFKC, invisible characters, look-alikes, casefold: the steps every form shares."""
    if "\x00" in text or SOFT in text or SOFT_END in text:  # the marks the forms use, never the writer's
        text = text.translate(_MARKS)
    if text.isascii():
        lowered = text.lower()
        if lowered != text:
            steps.append(("casefold", lowered))
        return lowered
    current = unicodedata.normalize("NFKC", text)
    if current != text:
        steps.append(("nfkc", current))
    if not _PLAIN.fullmatch(current):  # most Chinese notes: nothing to remove or fold, skip two passes
        for name, table in (("invisible removed", _INVISIBLE), ("look-alikes folded", _fold_table())):
            after = current.translate(table)
            if after != current:
                steps.append((name, after))
                current = after
    folded = current.casefold()
    if folded != current:
        steps.append(("casefold", folded))
    return folded


# A word with a symbol inside, with a word of context on each side (a term may span words).
_GLUED_SNIPPET = re.compile(r"(?:\S+\s+)?\S*[a-z][-._*~+=^#/\\·•‧∙]+[a-z]\S*(?:\s+\S+)?", re.IGNORECASE)


def glued_snippets(text: str) -> list[str]:
    """The stretches of `text` where a symbol stands inside a word (`fr.ee`, `sc-am`), with their context:
    the matcher reads these again with such words whole, rather than the whole text twice."""
    return _GLUED_SNIPPET.findall(text) if _INNER_SYMBOLS.search(text.lower()) else []


def analyse(
    text: str, *, latin: bool = True, pinyin: bool = True, han: bool = True, glue: bool = False
) -> Normalised:
    """Every form of `text` the matcher needs, with the steps that made them. A form is skipped (None) when
    not asked for or when the text has nothing it could match (no Latin letter, no Han character). `glue`:
    symbols inside words are removed (`i-phone` → `iphone`); the matcher reads a text both ways, since the
    pieces can be words too (`best-scam-ever`)."""
    steps: list[tuple[str, str]] = []
    folded = _folded(text, steps)
    latin_stream = pinyin_stream = han_stream = None
    has_letters = _LETTERS.search(folded) is not None
    if (latin or pinyin) and has_letters:
        joined = _SPACED.sub(_join_spaced, folded)
        if joined != folded:
            steps.append(("spaced letters joined", _shown(joined)))
        if glue:
            glued = _INNER_SYMBOLS.sub("", joined)
            if glued != joined:
                steps.append(("symbols inside words removed", _shown(glued)))
                joined = glued
        if pinyin:
            pinyin_stream = _token_stream(joined, _LETTERS)
        if latin:
            leet = _LEET_WORD.sub(_read_leet, joined)
            if leet != joined:
                steps.append(("leetspeak read", _shown(leet)))
            latin_stream = _token_stream(leet.translate(_I_LIKE), _TOKEN)
            steps.append(("latin form", latin_stream.text))
        if pinyin_stream is not None:
            steps.append(("pinyin form", pinyin_stream.text))
    if han and _HAN.search(folded):
        marked = _BREAK_RUNS.sub("\x00", _NOT_HAN_FORM.sub("", _SENTENCE_BREAKS.sub("\x00", folded)))
        kept = _SOFT_BREAK.sub("", marked.strip("\x00")).replace("\x00", " ")
        simplified = to_simplified(kept)
        if simplified != kept:
            steps.append(("traditional → simplified", simplified))
        han_stream = Stream("".join(_ANY_RUN.split(simplified)), None, None, (simplified,))
        steps.append(("han form", han_stream.text))
    return Normalised(tuple(steps), latin_stream, pinyin_stream, han_stream)


def trace(text: str) -> tuple[tuple[str, str], ...]:
    """(step, text after it) for every step that changed something, and each form computed."""
    return analyse(text).steps


def latin_form(text: str) -> str:
    stream = analyse(text, pinyin=False, han=False).latin
    return stream.text if stream else ""


def han_form(text: str) -> str:
    stream = analyse(text, latin=False, pinyin=False).han
    return stream.text if stream else ""


def pinyin_form(text: str) -> str:
    """The pinyin stream of Latin-letter text (`Jiā wēi-xìn` → `jiaweixin`)."""
    stream = analyse(text, latin=False, han=False).pinyin
    return stream.text if stream else ""


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


@lru_cache(maxsize=65536)
def _readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one Han character (pypinyin's heteronyms), most common first."""
    return tuple(dict.fromkeys(pypinyin.pinyin(char, style=pypinyin.Style.NORMAL, heteronym=True)[0]))


def reading_stream(reading: str) -> Stream:
    """The pinyin stream of a reading `term_pinyin` gave (lowercase syllables and spaces): the same as
    `analyse(reading).pinyin`, without the steps that cannot change it."""
    return _token_stream(reading, _LETTERS)


def term_pinyin(text: str) -> list[str]:
    """Toneless pinyin readings of a Chinese term, syllables separated by spaces: the phrase reading first,
    then other readings of characters with several (heteronyms) and `ü` written `v` or `u`, at most 8.
    Empty when the term is too short to be read safely in Latin text (see module docstring)."""
    simplified = to_simplified(unicodedata.normalize("NFKC", text).casefold())
    chunks = [c for c in regex.split(r"(\p{Han})", simplified) if c.strip()]
    if not all(_HAN.fullmatch(c) or _LETTERS.fullmatch(c.strip()) for c in chunks):
        return []  # `日赚1000`: the pinyin stream has no digits, so it would read `rizhuan` alone
    phrase = [s for s in pypinyin.lazy_pinyin(simplified, errors="default") if s.strip()]
    per_char = [_readings(chunk) if _HAN.fullmatch(chunk) else (chunk,) for chunk in chunks]
    readings = [" ".join(phrase)]
    readings += (" ".join(c) for c in itertools.islice(itertools.product(*per_char), _MAX_PINYIN_READINGS))
    readings += [r.replace("v", "u") for r in readings if "v" in r]
    return [
        r
        for r in list(dict.fromkeys(readings))[:_MAX_PINYIN_READINGS]
        if len(r.split()) >= MIN_PINYIN_SYLLABLES and len(r.replace(" ", "")) >= MIN_PINYIN_LETTERS
    ]
