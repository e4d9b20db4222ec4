"""Detection accuracy on a corpus of short social posts, per label and overall, with floors set just below
what was measured (see docs/language.md "## Language detection")."""

from __future__ import annotations

import importlib.util
import pathlib
from collections import Counter
from collections.abc import Callable

import pytest

from hongshu.accounts.models import User
from hongshu.accounts.services import account_update_profile
from hongshu.comments.services import comment_create
from hongshu.notes.models import Note
from hongshu.textlib.detection import detect_language

# By path: the samplename package installs a top-level `tests` package.
_spec = importlib.util.spec_from_file_location(
    "detection_corpus", pathlib.Path(__file__).with_name("detection_corpus.py")
)
assert _spec
assert _spec.loader
_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_corpus)
CORPUS: list[tuple[str, str]] = _corpus.CORPUS

# Measured 2026-12-02: every label 1.0 except mixed 12/14; overall 122/124 = 0.984.
FLOORS = {"zh-Hans": 0.95, "zh-Hant": 0.95, "en": 0.95, "ja": 0.9, "ko": 0.9, "und": 1.0, "mixed": 0.8}
OVERALL_FLOOR = 0.96


def test_accuracy_per_label_and_overall() -> None:
    assert len(CORPUS) >= 100
    totals: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    for text, label in CORPUS:
        found = detect_language(text)
        totals[label] += 1
        if found == label:
            correct[label] += 1
        else:
            confusion[(label, found)] += 1
    accuracy = {label: correct[label] / totals[label] for label in totals}
    overall = sum(correct.values()) / len(CORPUS)
    print(f"\ndetection accuracy: {accuracy}, overall {overall:.3f}, confusion {dict(confusion)}")
    assert set(totals) == set(FLOORS)
    for label, floor in FLOORS.items():
        assert accuracy[label] >= floor, (label, accuracy[label], confusion)
    assert overall >= OVERALL_FLOOR


@pytest.mark.parametrize(
    ("text", "label"),
    [("東京駅で会いましょう", "ja"), ("잘 자요 🌙 good night", "ko"), ("😂😂😂", "und"), ("謝謝", "zh-Hant")],
)
def test_script_rules(text: str, label: str) -> None:
    assert detect_language(text) == label


@pytest.mark.django_db
def test_bios_and_comments_store_their_language(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    member = make_member("emily")
    account_update_profile(user=member, bio="我喜欢旅行和美食")
    member.refresh_from_db()
    assert member.bio_language == "zh-Hans"
    note = post_note(member)
    comment = comment_create(author=member, note_id=note.pk, body="Thanks for sharing this, so helpful!")
    assert comment.language == "en"
