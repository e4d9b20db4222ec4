"""The one text pipeline, for indexing and for querying: text in, a list of normalised tokens out.

NFKC + casefold; Traditional folded to Simplified (the index only: stored text stays as written); Han runs
segmented by jieba in search mode (rjieba for bulk rebuilds); Latin words stemmed (Snowball English);
`#topics` and emoji kept as single tokens. Every token is made of letters, digits, emoji, `#` and `_` only,
so a token can be quoted as a literal in FTS5 (`"tok"`) and in a tsquery (`'tok'`) without escaping:
user input never reaches the search engines as syntax.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex
import Stemmer

from hongshu.language import cedict, chinese

QUERY_MAX_CHARS = 200
TOKEN_MAX_CHARS = 60
EXPANSION_WEIGHT = 0.4  # a dictionary translation counts less than the word the reader typed
_EXPANSIONS_PER_WORD = 2
# A topic, a Han run, a Latin/digit word, or one emoji (with its modifiers and joiners).
_PIECE = regex.compile(
    r"#[\p{L}\p{N}_]+|\p{Han}+|[\p{L}\p{M}\p{N}_]+"
    r"|\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\ufe0f|\u200d\p{Extended_Pictographic})*"
)
_LATIN = regex.compile(r"^[\p{Latin}\p{N}_]+$")
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


def _english_for(word: str) -> list[str]:
    glosses: list[str] = []
    for entry in cedict.dictionary().lookup(word)[:_EXPANSIONS_PER_WORD]:
        if entry.is_name or not entry.definitions:
            continue
        first = cedict.gloss_key(entry.definitions[0].split(";")[0])
        glosses.extend(tokens(first))
    return glosses[:3]


def _chinese_for(word: str) -> list[str]:
    out: list[str] = []
    for chinese_word in cedict.dictionary().chinese_for(word, limit=_EXPANSIONS_PER_WORD):
        out.extend(tokens(chinese_word))
    return out


def query_terms(query: str, *, expand: bool = True) -> list[QueryTerm]:
    """The query as weighted tokens: typed words (weight 1) plus dictionary translations, OR-ed in lower.

    English words also look up Chinese words glossed with them (hotpot → 火锅); Chinese words add the first
    English gloss of their dictionary entries (火锅 → hot pot), stemmed like any English text.
    """
    query = query[:QUERY_MAX_CHARS]
    terms: dict[str, QueryTerm] = {}
    raw_pieces = _PIECE.findall(unicodedata.normalize("NFKC", query).casefold())
    group = 0
    for piece in raw_pieces:
        for token in tokens(piece):
            if token not in terms:
                terms[token] = QueryTerm(token, 1.0, group)
                group += 1
        if not expand:
            continue
        normal = normalise(piece)
        if chinese.has_han(normal) and not normal.startswith("#"):
            alternatives = [t for word in chinese.segment(normal) for t in _english_for(word)]
        elif _LATIN.match(normal):
            alternatives = _chinese_for(normal)
        else:
            alternatives = []
        own_group = group - 1 if group else 0
        for token in alternatives:
            if token not in terms:
                terms[token] = QueryTerm(token, EXPANSION_WEIGHT, own_group)
    return list(terms.values())[:40]
