"""The lexicon matcher: listed terms, normalised into their forms (hongshu.screening.normalize), in one
Aho-Corasick automaton per form; a text is normalised once and each form it has is scanned in one pass.

A term is routed by its script, not its `language`: a term with a Han character is matched in the han form
and, read as pinyin, in the pinyin form; any other term in the latin form. So an English term never matches
Han text and a Chinese one reaches Latin text only through its pinyin. A candidate from the automaton counts
only if it starts and ends on token boundaries (latin, pinyin) and each of its letters stood at least as many
times in a row as in the term (see `Stream.counts`).

A built `Matcher` is never changed: scanning reads the automatons (pyahocorasick iterators hold their own
state), so one instance serves every thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

from hongshu.screening.normalize import Stream, analyse, has_han, reading_stream, run_lengths, term_pinyin

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


# What the automaton stores per normalised key: (index of the term, least run length of each character, or
# None when every character is single: any text run satisfies it, so most candidates skip the counting).
_Entry = tuple[int, tuple[int, ...] | None]


def _variants(stream: Stream) -> Iterator[tuple[str, tuple[int, ...]]]:
    """The keys a term's stream is listed under: runs collapsed inside each token (`dm me` → `dmme`) and
    across the whole term (`dme`, needing two m's), since the text may join the words or not."""
    counts = tuple(stream.counts())
    yield stream.text, counts
    if len(stream.pieces) > 1:
        whole = "".join(stream.pieces)
        runs = run_lengths(whole)
        if len(runs) != len(counts):
            yield "".join(char for char, _ in runs), tuple(length for _, length in runs)


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
            for text, counts in _variants(stream):
                needed = None if all(count == 1 for count in counts) else counts
                keys[form].setdefault(text, []).append((index, needed))

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
        return Scan(text, normalised.steps, tuple(hits.values()))

    def _scan_stream(
        self, form: str, stream: Stream, automaton: Any, hits: dict[tuple[str, str, str], Hit]
    ) -> None:
        starts, ends = stream.starts, stream.ends
        for last, (length, entries) in automaton.iter(stream.text):
            end = last + 1
            start = end - length
            if ends is not None and starts is not None and (end not in ends or start not in starts):
                continue
            counts: list[int] | None = None
            for index, needed in entries:
                if needed is not None:
                    counts = counts or stream.counts(start, end)
                    if any(have < need for have, need in zip(counts, needed, strict=True)):
                        continue
                term = self._terms[index]
                # Shown with its repeats, as written: `scammm`, not `scam`.
                counts = counts or stream.counts(start, end)
                matched = "".join(
                    char * count for char, count in zip(stream.text[start:end], counts, strict=True)
                )
                hit = Hit(term.key, term.text, form, matched)
                hits.setdefault((hit.key, form, hit.matched), hit)
