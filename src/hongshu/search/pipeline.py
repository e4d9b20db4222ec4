"""The one text pipeline, for indexing and for querying: text in, a list of normalised tokens out.

NFKC + casefold; Traditional folded to Simplified (the index only: stored text stays as written); Han runs
segmented by jieba in search mode (rjieba for bulk rebuilds); Latin words stemmed (Snowball English);
`#topics` and emoji kept as single tokens. Every token is made of letters, digits, emoji, `#` and `_` only,
so a token can be quoted as a literal in FTS5 (`"tok"`) and in a tsquery (`'tok'`) without escaping:
user input never reaches the search engines as syntax.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import regex
import Stemmer

from hongshu.textlib import aliases, cedict, chinese

QUERY_MAX_CHARS = 200
TOKEN_MAX_CHARS = 60
EXPANSION_WEIGHT = 0.4  # a dictionary translation counts less than the word the reader typed
SYNONYM_WEIGHT = 0.3  # a Chinese word reached through a shared English gloss, less still
CORRECTION_WEIGHT = 0.8  # the spelling correction of a word the index does not contain
SOUND_ALIKE_WEIGHT = 0.8  # a topic whose pinyin is exactly the typed Han run or Latin word
_EXPANSIONS_PER_WORD = 2
# Names of the words seen lately, per process: the lookups are pure, and popular words repeat (~100 B each).
_NAME_CACHE = 8192
MAX_TERMS = 40
# A topic, a Han run, a Latin/digit word, or one emoji (with its modifiers and joiners).
_PIECE = regex.compile(
    r"#[\p{L}\p{N}_]+|\p{Han}+|[\p{L}\p{M}\p{N}_]+"
    r"|\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\ufe0f|\u200d\p{Extended_Pictographic})*"
)
_LATIN = regex.compile(r"^[\p{Latin}\p{N}_]+$")
_SKIP_GLOSS = regex.compile(r"^(CL:|see |variant of |old variant of |used in |surname |abbr\. for )", regex.I)
_STOP_WORDS = frozenset({"a", "an", "the", "of", "to", "or", "and", "in", "on", "for", "sth", "sb"})
_GLOSS_MAX_WORDS = 3
_GLOSS_CUT = regex.compile(r"[;,]")
_CLEAN = regex.compile(r"[^\p{L}\p{M}\p{N}_#\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d]")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def normalise(text: str) -> str:
    """NFKC + casefold + Traditional → Simplified: the form both documents and queries are compared in."""
    return chinese.to_simplified(unicodedata.normalize("NFKC", text).casefold())


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def _safe(token: str) -> str:
    return _CLEAN.sub("", token)[:TOKEN_MAX_CHARS]


def tokens(text: str, *, bulk: bool = False) -> list[str]:
    """Normalised tokens of `text`, in order, duplicates kept (they count as term frequency)."""
    segment = chinese.segment_bulk if bulk else chinese.segment
    out: list[str] = []
    for piece in _PIECE.findall(normalise(text)):
        if piece.startswith("#"):
            out.append(piece)  # the topic itself, and its words, so `#火锅` and `火锅` both find it
            out.extend(tokens(piece[1:], bulk=bulk))
        elif chinese.has_han(piece):
            out.extend(segment(piece))
        elif _LATIN.match(piece):
            out.append(stem(piece))
        else:
            out.append(piece)
    return [t for t in (_safe(t) for t in out) if t]


def index_text(text: str, *, bulk: bool = False) -> str:
    """The space-separated token string stored in the index."""
    return " ".join(tokens(text, bulk=bulk))


@dataclass(frozen=True)
class QueryTerm:
    """A token the document may contain, with how much a match counts (1 typed, < 1 a translation)."""

    token: str
    weight: float
    group: int  # terms of one group are alternatives for one word of the query


def _gloss_phrases(word: str) -> list[str]:
    """The first usable English gloss of each of the word's first dictionary entries."""
    phrases: list[str] = []
    entries = cedict.dictionary().lookup(word)
    # Common senses first; a proper noun (台湾 → Taiwan) still helps when it is all the dictionary has.
    for entry in sorted(entries, key=lambda e: e.is_name)[:_EXPANSIONS_PER_WORD]:
        usable = [d for d in entry.definitions if not _SKIP_GLOSS.match(d.strip())]
        if not usable:
            continue
        # "Beijing, capital of …" → "beijing"; "to search (a place)" → "search"
        first = cedict.gloss_key(_GLOSS_CUT.split(usable[0])[0])
        words = [w for w in first.split() if w not in _STOP_WORDS]
        if 0 < len(words) <= _GLOSS_MAX_WORDS:
            phrases.append(" ".join(words))
    return list(dict.fromkeys(phrases))


def _chinese_for(word: str) -> list[str]:
    out: list[str] = []
    found = cedict.dictionary().chinese_for(word, limit=_EXPANSIONS_PER_WORD)
    if not found and len(word) > 3 and word.endswith("s"):  # glosses are singular: dumplings → dumpling
        found = cedict.dictionary().chinese_for(word[:-1], limit=_EXPANSIONS_PER_WORD)
    for chinese_word in found:
        out.extend(tokens(chinese_word))
    return out


def _document_words(word: str) -> list[str]:
    """A Chinese word as documents hold it: whole when jieba knows it (a name is then one token in a note),
    else its tokens of two characters or more (a lone character of an unknown name, 赛 of 赛百味, matches
    unrelated notes)."""
    return [word] if chinese.word_frequency(word) > 0 else [t for t in tokens(word) if len(t) > 1]


@lru_cache(maxsize=_NAME_CACHE)
def _names_chinese(words: tuple[str, ...]) -> tuple[str, ...]:
    """Chinese tokens for an English name given as its words: Chengdu → 成都, hong kong → 香港, LA → 洛杉矶."""
    return tuple(t for word in aliases.aliases().chinese_for(words) for t in _document_words(word))


@lru_cache(maxsize=_NAME_CACHE)
def _names_english(word: str) -> tuple[str, ...]:
    """English tokens for a Chinese name: 成都 → chengdu, 香港 → hong, kong, hongkong, 洛杉矶 → la, los, angel.

    A name of several words is also added joined (Xi'an → xian, Hong Kong → hongkong), as people write it."""
    out: list[str] = []
    for name in aliases.aliases().english_for(word)[:_EXPANSIONS_PER_WORD]:
        words = [t for t in tokens(name) if len(t) > 1 and t not in _STOP_WORDS]
        out.extend(words)
        if len(name.split()) > 1 or "'" in name:
            out.extend(tokens(aliases.key(name)))
    return tuple(out)


def _synonyms_for(word: str, phrases: list[str]) -> list[str]:
    """Chinese words sharing the word's gloss: regional vocabulary meets (軟體 → software → 软件,
    搜尋 → search → 搜索). Single characters are too ambiguous to add."""
    out: list[str] = []
    for phrase in phrases:
        for other in cedict.dictionary().chinese_for(phrase, limit=3):
            if len(other) > 1 and other != word:
                out.extend(t for t in tokens(other) if t != word)
    return out[:3]


def _alternatives(piece: str, following: str | None) -> list[tuple[str, float]]:
    """Dictionary translations of one query piece (and, for English, of it with the next word: "hot pot")."""
    if chinese.has_han(piece) and not piece.startswith("#"):
        phrases = _gloss_phrases(piece)
        english = [t for phrase in phrases for t in tokens(phrase)][:3] + list(_names_english(piece))
        return [(t, EXPANSION_WEIGHT) for t in english] + [
            (t, SYNONYM_WEIGHT) for t in _synonyms_for(piece, phrases)
        ]
    if _LATIN.match(piece):
        phrase = _chinese_for(f"{piece} {following}") if following and _LATIN.match(following) else []
        return [(t, EXPANSION_WEIGHT) for t in [*(phrase or _chinese_for(piece)), *_names_chinese((piece,))]]
    return []


@dataclass(frozen=True)
class QueryHints:
    """What the search selector learnt about the query's words from the index, before the terms are built.

    `corrections`: a typed Latin word the index does not contain → its spelling correction (coffe → coffee).
    `sound_alikes`: a typed Han run or Latin word → topic names with exactly that pinyin (火过 / huoguo →
    火锅): the usual Chinese typo is a homophone picked from the input method's list, and pinyin is how a
    learner types a word they cannot write.
    """

    corrections: Mapping[str, str] = field(default_factory=dict)
    sound_alikes: Mapping[str, Sequence[str]] = field(default_factory=dict)


NO_HINTS = QueryHints()


def query_pieces(query: str) -> list[str]:
    """The query's pieces (topics, Han runs, words, emoji), normalised: what hints are keyed by."""
    return [normalise(p) for p in _PIECE.findall(query[:QUERY_MAX_CHARS])]


def is_latin_word(piece: str) -> bool:
    return bool(_LATIN.match(piece))


def _hinted(piece: str, hints: QueryHints) -> list[tuple[str, float]]:
    """(token, weight) the hints give a piece: its spelling correction with the correction's translations,
    and its sound-alike topics."""
    out: list[tuple[str, float]] = []
    if corrected := hints.corrections.get(piece):
        out.extend((token, CORRECTION_WEIGHT) for token in tokens(corrected))
        out.extend((token, weight * CORRECTION_WEIGHT) for token, weight in _alternatives(corrected, None))
    for name in hints.sound_alikes.get(piece, ()):
        out.extend((token, SOUND_ALIKE_WEIGHT) for token in tokens(name))
    return out


def _name_pairs(pieces: Sequence[str], groups_of: Sequence[Sequence[int]]) -> list[tuple[int, str]]:
    """(group, Chinese token) for names of two English words ("hong kong", "xi'an" → xi, an; "pop mart"):
    one word in Chinese, it joins the groups of both words, so a note that has it matches the whole query."""
    out: list[tuple[int, str]] = []
    for index in range(len(pieces) - 1):
        pair = pieces[index : index + 2]
        if all(_LATIN.match(p) for p in pair):
            for token in _names_chinese(tuple(pair)):
                out.extend((target, token) for target in [*groups_of[index], *groups_of[index + 1]])
    return out


def query_terms(query: str, *, expand: bool = True, hints: QueryHints = NO_HINTS) -> list[QueryTerm]:
    """The query as weighted tokens: typed words (weight 1) plus dictionary translations, OR-ed in lower.

    Each typed word is a group; its translations join that group as alternatives. English words look up
    Chinese words glossed with them (hotpot → 火锅); Chinese words add the first English gloss of their
    dictionary entries (火锅 → hotpot), stemmed like any English text, and the Chinese words sharing that
    gloss (軟體 → 软件). `hints` add spelling corrections and sound-alike topics to every group of their piece.
    """
    terms: dict[tuple[str, int], QueryTerm] = {}
    typed: set[str] = set()

    def add(token: str, weight: float, group: int) -> None:
        terms.setdefault((token, group), QueryTerm(token, weight, group))

    pieces = query_pieces(query)
    groups_of: list[list[int]] = []  # each piece's groups
    group = -1
    for index, piece in enumerate(pieces):
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        # A Han run is several words (台湾火锅 → 台湾, 火锅): each is a group with its own translations.
        segmented = chinese.has_han(piece) and not piece.startswith("#")
        words = tokens(piece) if segmented else [piece]
        piece_groups: list[int] = []
        for word in words:
            # A segmented word is already a document token; cut alone it may split differently
            # (湾湾锅 in 湾湾锅火台 → 湾, 湾, 锅), and those pieces are not in the document.
            own = [t for t in ([word] if segmented else tokens(word)) if t not in typed]
            for token in own:
                group += 1
                typed.add(token)
                add(token, 1.0, group)
                piece_groups.append(group)
            if not expand or not own:
                continue
            for token, weight in _alternatives(word, following):
                add(token, weight, group)
        groups_of.append(piece_groups)
        if not expand:
            continue
        for token, weight in _hinted(piece, hints):
            for target in piece_groups:  # a typo stands for the whole piece: each of its groups may match it
                add(token, weight, target)
    if expand:
        for target, token in _name_pairs(pieces, groups_of):
            add(token, EXPANSION_WEIGHT, target)
    return list(terms.values())[:MAX_TERMS]
