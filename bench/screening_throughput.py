"""Screening throughput: `hongshu.screening.matching.Matcher.scan` on one core with a 10,000-term lexicon per
language (synthetic terms, deterministic, plus the seeded corpus lexicon), over realistic notes (a title and
a 150–400 character body from the corpus generator's templates, half English and half Chinese, 5 % hiding an
evasion). No database, no Django settings.

Run from the repository root: `.venv/bin/python bench/screening_throughput.py [--terms 10000] [--notes 20000]`.
Prints the build time, a baseline measured in the same run (lower-case + one Aho-Corasick pass: the least a
scan can do) and a markdown row: notes/s, p50 and p99 µs per note, notes with a hit.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import time
from pathlib import Path
from types import ModuleType

import ahocorasick

from hongshu.screening.matching import Matcher, Term

ROOT = Path(__file__).resolve().parent.parent
COMMON_HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其"
    "些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建"
    "月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接"
)
EN_WORDS = [
    "cash",
    "money",
    "loan",
    "deal",
    "offer",
    "prize",
    "bonus",
    "free",
    "win",
    "winner",
    "gift",
    "card",
    "crypto",
    "coin",
    "token",
    "wallet",
    "invest",
    "profit",
    "income",
    "earn",
    "fast",
    "quick",
    "easy",
    "rich",
    "secret",
    "hot",
    "sexy",
    "girls",
    "boys",
    "date",
    "dating",
    "meet",
    "singles",
    "adult",
    "cam",
    "video",
    "live",
    "click",
    "link",
    "visit",
    "site",
    "page",
    "bio",
    "follow",
    "followers",
    "likes",
    "views",
    "boost",
    "cheap",
    "replica",
    "luxury",
    "bags",
    "watch",
    "shoes",
    "pills",
    "diet",
    "weight",
    "loss",
    "miracle",
    "cure",
    "doctor",
    "pharmacy",
    "casino",
    "bet",
    "betting",
    "poker",
    "slots",
    "lottery",
    "jackpot",
    "forex",
    "signals",
    "trading",
    "bitcoin",
    "ether",
    "double",
    "triple",
    "guaranteed",
    "risk",
    "verified",
    "account",
    "login",
    "password",
    "bank",
    "transfer",
    "urgent",
    "limited",
    "today",
    "now",
    "exclusive",
    "vip",
    "member",
    "club",
    "private",
    "message",
    "dm",
    "inbox",
    "whatsapp",
    "telegram",
    "snap",
    "kik",
    "promo",
    "code",
    "discount",
    "coupon",
    "sale",
    "clearance",
    "outlet",
    "wholesale",
    "agent",
    "agency",
    "job",
    "hiring",
    "remote",
    "work",
    "home",
    "kit",
]


def _corpus_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_screening_corpus", ROOT / "scripts" / "make_screening_corpus.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_terms(count: int, rng: random.Random) -> list[Term]:
    """`count` English terms (1–3 words, made-up words among real ones) and `count` Chinese (2–6 characters)."""
    english: set[str] = set()
    while len(english) < count:
        words = [
            rng.choice(EN_WORDS)
            if rng.random() < 0.7
            else "".join(
                rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))
            )
            for _ in range(rng.randint(1, 3))
        ]
        english.add(" ".join(words))
    chinese: set[str] = set()
    while len(chinese) < count:
        chinese.add("".join(rng.choice(COMMON_HAN) for _ in range(rng.randint(2, 6))))
    return [Term(f"en-s{i}", text, "en") for i, text in enumerate(sorted(english))] + [
        Term(f"zh-s{i}", text, "zh") for i, text in enumerate(sorted(chinese))
    ]


def notes(count: int, rng: random.Random, generator: ModuleType) -> list[str]:
    corpus = generator.Generator(2026)
    clean = {lang: [row["text"] for row in corpus.clean(600, lang)] for lang in ("en", "zh")}
    spam = {
        lang: [row["text"] for row in corpus.evasions(generator.lexicon()) if row["language"] == lang]
        for lang in ("en", "zh")
    }
    out = []
    for i in range(count):
        lang = "en" if i % 2 == 0 else "zh"
        body, target = "", rng.randint(150, 400)
        while len(body) < target:
            body += ("" if not body else " ") + rng.choice(spam[lang] if rng.random() < 0.05 else clean[lang])
        title = rng.choice(clean[lang])[:30]
        out.append(f"{title}\n{body[:target]}")
    return out


def baseline_rate(terms: list[Term], texts: list[str]) -> float:
    """Notes/s (CPU) of the least a lexicon scan can do: lower-case the note, one Aho-Corasick pass over it
    with the terms as typed, collect the hits. Measured in the same run, so the screening figure can be read
    as a ratio on a machine whose speed varies."""
    automaton = ahocorasick.Automaton()
    for term in terms:
        automaton.add_word(term.text.lower(), term.key)
    automaton.make_automaton()
    started = time.process_time()
    for text in texts:
        [key for _, key in automaton.iter(text.lower())]
    return len(texts) / (time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=10_000, help="synthetic terms per language")
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    generator = _corpus_generator()
    seeded = [Term(**entry) for entry in generator.lexicon()]
    terms = synthetic_terms(args.terms, rng) + seeded
    texts = notes(args.notes, rng, generator)

    start = time.perf_counter()
    matcher = Matcher.build(terms)
    build = time.perf_counter() - start
    for text in texts[:500]:  # warm caches (OpenCC, the look-alike table)
        matcher.scan(text)

    # The machine is shared: CPU time (this thread's) is the figure to compare; wall time is printed beside it.
    latencies, walls, by_note, flagged = [], [], [], 0
    cpu, wall = time.thread_time_ns, time.perf_counter_ns
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    for text in texts:
        before_cpu, before_wall = cpu(), wall()
        scan = matcher.scan(text)
        latencies.append(cpu() - before_cpu)
        by_note.append(latencies[-1])
        walls.append(wall() - before_wall)
        flagged += bool(scan.hits)
    elapsed_cpu, elapsed_wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
    baseline = baseline_rate(terms, texts)
    latencies.sort()
    walls.sort()
    p50, p99 = statistics.median(latencies) / 1000, latencies[int(len(latencies) * 0.99)] / 1000
    wall_p99 = walls[int(len(walls) * 0.99)] / 1000
    mean_chars = statistics.mean(map(len, texts))
    per_language = {
        language: len(texts[first::2]) / (sum(by_note[first::2]) / 1e9)
        for language, first in (("English", 0), ("Chinese", 1))
    }
    print(
        f"{len(matcher):,} terms built in {build:.2f} s; {len(texts):,} notes, mean {mean_chars:.0f} characters"
    )
    print(", ".join(f"{language} notes {rate:,.0f}/s (CPU)" for language, rate in per_language.items()))
    print(
        f"baseline (lower-case + one Aho-Corasick pass, same run): {baseline:,.0f} notes/s (CPU); "
        f"screening costs {baseline / (len(texts) / elapsed_cpu):.1f}× the baseline"
    )
    print(
        "| terms | notes | notes/s (CPU) | notes/s (wall) | p50 µs (CPU) | p99 µs (CPU) | p99 µs (wall) | notes with a hit |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(matcher):,} | {len(texts):,} | {len(texts) / elapsed_cpu:,.0f} | {len(texts) / elapsed_wall:,.0f} "
        f"| {p50:.0f} | {p99:.0f} | {wall_p99:.0f} | {flagged:,} |"
    )


if __name__ == "__main__":
    main()
