"""The lexicon matcher: listed terms, normalised into their forms (hongshu.screening.normalize), in one
Aho-Corasick automaton per form; a text is normalised once and each form it has is scanned in one pass.

A term is routed by its script, not its `language` (kept for the caller): a term with a Han character is
matched in the han form and, read as pinyin, in the pinyin form; any other term in the latin form. So an English
term never matches Han text and a Chinese one reaches Latin text only through its pinyin.

A candidate from the automaton counts only if
- it starts and ends on token boundaries (latin, pinyin) — or anywhere inside letters spaced out one by one
  (`t h i s i s a s c a m`), whose word boundaries the writer took away;
- every token boundary inside it is one the term has too: the text may join the term's words, not split them
  (`freeiphone` is "free iphone"; `a nail` is not "anal", `who're` not "whore");
- each of its letters stood as many times in a row as in the term, or was stretched (`STRETCHED`, `_enough`).

A built `Matcher` is never changed: scanning reads the automatons (pyahocorasick iterators hold their own
state), so one instance serves every thread.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

from hongshu.screening.normalize import (
    Stream,
    analyse,
    glued_snippets,
    has_han,
    reading_stream,
    run_lengths,
    term_pinyin,
)

FORMS = ("latin", "han", "pinyin")


@dataclass(frozen=True, slots=True)
class Term:
    key: str  # opaque id chosen by the caller (e.g. the database id as str)
    text: str  # the listed term as an admin typed it: "加微信", "free iphone", "scam"
    language: str  # "zh", "en" or "*" (any)


@dataclass(frozen=True, slots=True)
class Hit:
    key: str  # the Term.key that matched
    term: str  # Term.text
    form: str  # which normalised form matched: "latin", "han" or "pinyin"
    matched: str  # the normalised span that matched (repeated letters kept as written)


@dataclass(frozen=True, slots=True)
class Scan:
    original: str
    steps: tuple[tuple[str, str], ...]  # (step name, text after it): why it matched, for a moderator
    hits: tuple[Hit, ...]


# What the automaton stores per normalised key: the index of the term; the least run length of each
# character, or None when every character is single (any text satisfies it, so most candidates skip the
# counting); and the offsets inside the key where the term's own words meet.
_Entry = tuple[int, tuple[int, ...] | None, frozenset[int]]


def _variants(stream: Stream) -> Iterator[tuple[str, tuple[int, ...], frozenset[int]]]:
    """The keys a term's stream is listed under: runs collapsed inside each token (`dm me` → `dmme`) and
    across the whole term (`dme`, needing two m's, matched only as one word), since the text may join the
    words or not."""
    counts = tuple(stream.counts())
    yield stream.text, counts, frozenset(stream.offsets[1:])
    if len(stream.pieces) > 1:
        whole = "".join(stream.pieces)
        runs = run_lengths(whole)
        if len(runs) != len(counts):
            yield "".join(char for char, _ in runs), tuple(length for _, length in runs), frozenset()


# In Latin text a letter doubled inside a word where the term has one makes another word (`looser`, `annal`):
# only a run stretched to three or more counts as the term's letter repeated (`scammm`, `freeee`). The first
# and last letter may be doubled (`scamm`; in spaced-out text `u p p o r n` joins `up` and `porn`). Han text
# doubles characters both to evade (`加加微微信`) and in ordinary words, so any longer run counts there.
STRETCHED = 3


def _enough(counts: list[int], needed: tuple[int, ...], *, words: bool) -> bool:
    if not words:
        return all(have >= need for have, need in zip(counts, needed, strict=True))
    last = len(needed) - 1
    return all(
        have == need or have >= (need if i in (0, last) else max(need, STRETCHED))
        for i, (have, need) in enumerate(zip(counts, needed, strict=True))
    )


def _doubled_inside(runs: dict[int, int], start: int, end: int) -> bool:
    """`_enough` for a term without repeats: is a letter inside the span doubled (`looser` for "loser")?"""
    return bool(runs) and any(runs.get(i) == 2 for i in range(start + 1, end - 1))


class Matcher:
    """Immutable: build with `Matcher.build(terms)`, then `scan(text)` from any thread."""

    __slots__ = ("_automatons", "_terms")

    def __init__(self, terms: tuple[Term, ...], automatons: dict[str, Any]) -> None:
        self._terms = terms
        self._automatons = automatons

    @classmethod
    def build(cls, terms: Iterable[Term]) -> Matcher:
        listed = tuple(terms)
        keys: dict[str, dict[str, list[_Entry]]] = {form: {} for form in FORMS}

        def add(form: str, stream: Stream | None, index: int) -> None:
            if stream is None or not stream.text:
                return
            for text, counts, joints in _variants(stream):
                needed = None if all(count == 1 for count in counts) else counts
                keys[form].setdefault(text, []).append((index, needed, joints))

        for index, term in enumerate(listed):
            if has_han(term.text):
                add("han", analyse(term.text, latin=False, pinyin=False).han, index)
                for reading in term_pinyin(term.text):
                    add("pinyin", reading_stream(reading), index)
            else:
                add("latin", analyse(term.text, pinyin=False, han=False).latin, index)
        automatons: dict[str, Any] = {}
        for form, entries in keys.items():
            if entries:
                automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
                for text, values in entries.items():
                    automaton.add_word(text, (len(text), tuple(values)))
                automaton.make_automaton()
                automatons[form] = automaton
        return cls(listed, automatons)

    def __len__(self) -> int:
        return len(self._terms)

    def scan(self, text: str) -> Scan:
        automatons = self._automatons
        normalised = analyse(
            text, latin="latin" in automatons, pinyin="pinyin" in automatons, han="han" in automatons
        )
        hits: dict[tuple[str, str, str], Hit] = {}
        for form, stream in (
            ("latin", normalised.latin),
            ("han", normalised.han),
            ("pinyin", normalised.pinyin),
        ):
            if stream is not None and form in automatons:
                self._scan_stream(form, stream, automatons[form], hits)
        steps = normalised.steps
        forms = [form for form in ("latin", "pinyin") if form in automatons]
        for snippet in glued_snippets(text) if forms else ():
            glued = analyse(snippet, latin="latin" in forms, pinyin="pinyin" in forms, han=False, glue=True)
            found = len(hits)
            for form in forms:
                stream = glued.latin if form == "latin" else glued.pinyin
                if stream is not None:
                    self._scan_stream(form, stream, automatons[form], hits)
            if len(hits) > found:  # the moderator sees the reading that found them
                steps = (*steps, *(step for step in glued.steps if step not in steps))
        return Scan(text, steps, tuple(hits.values()))

    def _scan_stream(
        self, form: str, stream: Stream, automaton: Any, hits: dict[tuple[str, str, str], Hit]
    ) -> None:
        starts, ends, offsets = stream.starts, stream.ends, stream.offsets
        for last, (length, entries) in automaton.iter(stream.text):
            end = last + 1
            start = end - length
            if ends is not None and starts is not None and (end not in ends or start not in starts):
                continue
            # token boundaries strictly inside the candidate, relative to its start
            inside = (
                offsets[bisect.bisect_right(offsets, start) : bisect.bisect_left(offsets, end)]
                if offsets
                else ()
            )
            for index, needed, joints in entries:
                if inside and not all(offset - start in joints for offset in inside):
                    continue
                if needed is not None:
                    if not _enough(stream.counts(start, end), needed, words=bool(offsets)):
                        continue
                elif offsets and _doubled_inside(stream.runs(), start, end):
                    continue
                term = self._terms[index]
                # Shown with its repeats, as written: `scammm`, not `scam`.
                runs = stream.runs()
                matched = stream.text[start:end]
                if runs:
                    matched = "".join(char * runs.get(start + i, 1) for i, char in enumerate(matched))
                hit = Hit(term.key, term.text, form, matched)
                hits.setdefault((hit.key, form, hit.matched), hit)
