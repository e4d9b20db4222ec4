"""Quality on the generated bilingual corpus (scripts/make_screening_corpus.py): recall on notes hiding a listed
term behind each evasion, false positives on everyday notes full of Scunthorpe words and near-misses.
Run with `-s` to see the figures; they are in the assertion messages too."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from hongshu.screening.matching import Matcher, Term

CORPUS = Path(__file__).resolve().parent / "corpus"
MIN_RECALL = 0.95
MAX_FALSE_POSITIVES = 0.005


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def lexicon() -> list[Term]:
    return [Term(**entry) for entry in json.loads((CORPUS / "lexicon.json").read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def matcher(lexicon: list[Term]) -> Matcher:
    return Matcher.build(lexicon)


def test_the_corpus_is_as_large_as_promised(lexicon: list[Term]) -> None:
    evasions, clean = _rows("evasions.jsonl"), _rows("clean.jsonl")
    by_language = Counter(row["language"] for row in evasions)
    clean_by_language = Counter(row["language"] for row in clean)
    assert by_language["zh"] >= 300, by_language
    assert by_language["en"] >= 300, by_language
    assert clean_by_language["zh"] >= 500, clean_by_language
    assert clean_by_language["en"] >= 500, clean_by_language
    assert len(clean) >= 1000
    kinds = {(row["language"], kind) for row in evasions for kind in row["kinds"]}
    for kind in (
        "fullwidth",
        "case",
        "zero_width",
        "spaces",
        "punctuation",
        "symbols",
        "repeated",
        "homoglyph",
        "leet",
        "spaced_message",
    ):
        assert ("en", kind) in kinds
    for kind in (
        "fullwidth",
        "zero_width",
        "spaces",
        "punctuation",
        "symbols",
        "repeated",
        "traditional",
        "homoglyph",
    ):
        assert ("zh", kind) in kinds
    for kind in (
        "pinyin_toneless",
        "pinyin_joined",
        "pinyin_tones",
        "pinyin_tone_digits",
        "pinyin_caps",
        "pinyin_letters",
    ):
        assert ("zh", kind) in kinds
    assert {term.language for term in lexicon} == {"zh", "en"}


def _recall(
    matcher: Matcher, evasions: list[dict[str, Any]]
) -> tuple[dict[str, float], dict[str, float], list[str]]:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    kind_found: Counter[str] = Counter()
    kind_total: Counter[str] = Counter()
    missed = []
    for row in evasions:
        hit = any(h.key == row["key"] for h in matcher.scan(row["text"]).hits)
        total[row["language"]] += 1
        found[row["language"]] += hit
        for kind in row["kinds"]:
            kind_total[f"{row['language']}:{kind}"] += 1
            kind_found[f"{row['language']}:{kind}"] += hit
        if not hit:
            missed.append(f"{row['key']} {row['kinds']} {row['text']!r}")
    per_language = {lang: found[lang] / total[lang] for lang in sorted(total)}
    per_kind = {kind: kind_found[kind] / kind_total[kind] for kind in sorted(kind_total)}
    return per_language, per_kind, missed


def test_recall_on_evasions(matcher: Matcher) -> None:
    per_language, per_kind, missed = _recall(matcher, _rows("evasions.jsonl"))
    report = (
        "recall by language: "
        + ", ".join(f"{lang} {value:.3f}" for lang, value in per_language.items())
        + "\nrecall by evasion: "
        + ", ".join(f"{kind} {value:.2f}" for kind, value in per_kind.items())
        + (f"\nmissed ({len(missed)}): " + "\n  ".join(missed[:20]) if missed else "")
    )
    print("\n" + report)
    for value in per_language.values():
        assert value >= MIN_RECALL, report


def test_false_positives_on_everyday_notes(matcher: Matcher) -> None:
    clean = _rows("clean.jsonl")
    flagged = [(row["text"], matcher.scan(row["text"]).hits) for row in clean]
    flagged = [(text, hits) for text, hits in flagged if hits]
    rate = len(flagged) / len(clean)
    by_language = Counter(row["language"] for row in clean)
    report = f"false positives: {len(flagged)} of {len(clean)} ({rate:.4f}; {dict(by_language)})" + "".join(
        f"\n  {text!r}: {[h.matched for h in hits]}" for text, hits in flagged[:20]
    )
    print("\n" + report)
    assert rate <= MAX_FALSE_POSITIVES, report


def test_the_corpus_defeats_a_naive_matcher(lexicon: list[Term]) -> None:
    """Lower-case substring search on the same lexicon misses most evasions and flags Scunthorpe words: the
    corpus can tell a real normaliser from none."""
    evasions, clean = _rows("evasions.jsonl"), _rows("clean.jsonl")
    text_of = {term.key: term.text for term in lexicon}
    naive_recall = sum(text_of[row["key"]] in row["text"].lower() for row in evasions) / len(evasions)
    naive_fp = sum(any(term.text in row["text"].lower() for term in lexicon) for row in clean) / len(clean)
    print(f"\nnaive substring matcher: recall {naive_recall:.3f}, false positives {naive_fp:.4f}")
    assert naive_recall < 0.5
    assert naive_fp > MAX_FALSE_POSITIVES


def _symspell_lines(name: str) -> list[str]:
    # symspellpy (a dependency) ships an English word list and a bigram list: real vocabulary, not ours.
    return (resources.files("symspellpy") / name).read_text(encoding="utf-8").splitlines()


def test_no_english_word_or_word_pair_hits_unless_it_is_a_listed_term(
    matcher: Matcher, lexicon: list[Term]
) -> None:
    """Every word of an 82,765-word English dictionary and every pair of a 243,342-pair list: a hit must be
    the listed term itself, never a longer word or two words run together (Scunthorpe, `a nail`)."""
    words = [line.split()[0] for line in _symspell_lines("frequency_dictionary_en_82_765.txt")]
    pairs = [
        " ".join(line.split()[:2]) for line in _symspell_lines("frequency_bigramdictionary_en_243_342.txt")
    ]
    wrong = [
        f"{text!r} → {hit.term}"
        for text in words + pairs
        for hit in matcher.scan(text).hits
        if f" {hit.term} " not in f" {text.lower()} "
    ]
    print(
        f"\n{len(words):,} words and {len(pairs):,} word pairs: {len(wrong)} hit a term they do not contain"
    )
    assert wrong == []
