"""Spam bursts: near-duplicates by three accounts within the window are one burst with one key; one account
repeating itself, texts outside the window, different texts and short texts are not; edits replace a
text's fingerprint; old fingerprints are pruned (and the prune is a periodic job)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hongshu.core.periodic import PERIODIC_JOBS, periodic_task
from hongshu.screening.bursts import (
    NUM_PERM,
    Burst,
    bands_for,
    burst_prune,
    burst_record_and_check,
    burst_signature,
    normalise,
)
from hongshu.screening.models import BurstBand

# Near-duplicates: a word or two changed, other punctuation, spacing and emoji.
ZH = [
    "限时福利！加微信 abc123 领取免费试用装，名额有限先到先得，快来私信我吧～ 🎁🎁",
    "限时福利!!加微信abc123领取免费试用装, 名额有限先到先得，赶快私信我吧 🔥",
    "【限时福利】加微信：abc123 领取免费试用品。名额有限，先到先得！快来私信我吧",
]
EN = [
    "Limited offer! DM me on WeChat abc123 for a FREE sample kit, only a few left, first come first served 🎁",
    "limited offer!! dm me on wechat abc123 for a free sample kit - only a few left; first come, first served, hurry!!",
    "💥 Limited offer: DM me on WeChat abc123 for a free sample set, only a few left. First come first served",
]
OTHER = [
    "Went hiking at Xiangshan today, the maple leaves are turning red and the weather was perfect for photos.",
    "今天去香山徒步，枫叶都红了，天气特别好，拍了好多照片，推荐周末去走走看看。",
    "Tried the new hotpot place near the station: the broth is rich, the lamb is fresh and the queue is long.",
]


# ---- the signature ---------------------------------------------------------------------------------------


def test_normalise_keeps_letters_digits_and_han() -> None:
    assert normalise("Ｈｅｌｌｏ, World! 你好 🎁 123_x") == "helloworld你好123x"


@pytest.mark.parametrize("texts", [ZH, EN])
def test_near_duplicates_share_a_band_and_others_do_not(texts: list[str]) -> None:
    first, *rest = (set(burst_signature(text, threshold=0.7)) for text in texts)
    bands, rows = bands_for(0.7)
    assert bands * rows <= NUM_PERM
    assert len(first) == bands
    for other in rest:
        assert first & other
    for text in OTHER:
        assert not first & set(burst_signature(text, threshold=0.7))


def test_short_texts_have_no_signature() -> None:
    assert burst_signature("Thanks for sharing! 🎉") == []
    assert burst_signature("好看！求链接") == []
    assert burst_signature("") == []


def test_the_signature_is_stable_and_signed_64_bit() -> None:
    values = burst_signature(EN[0])
    assert values == burst_signature(EN[0])
    assert all(-(2**63) <= v < 2**63 for v in values)


def test_signatures_are_cheap() -> None:
    texts = [f"{text} {i}" for i in range(100) for text in (*ZH, *EN, *OTHER)]
    burst_signature(texts[0])
    start = time.perf_counter()
    for text in texts:
        burst_signature(text)
    per_call = (time.perf_counter() - start) / len(texts)
    print(f"burst_signature: {per_call * 1e6:.1f} µs per call ({1 / per_call:,.0f} texts/s)")
    assert per_call < 500e-6  # at least 2,000 texts a second


# ---- bursts in the database ------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
@pytest.mark.parametrize("texts", [ZH, EN])
def test_three_accounts_make_one_burst_at_the_third(texts: list[str]) -> None:
    now = timezone.now()
    assert burst_record_and_check(author_id=1, subject="note:11", text=texts[0], now=now) is None
    assert (
        burst_record_and_check(author_id=2, subject="note:12", text=texts[1], now=now + timedelta(minutes=5))
        is None
    )
    burst = burst_record_and_check(
        author_id=3, subject="comment:13", text=texts[2], now=now + timedelta(minutes=9)
    )
    assert burst == Burst(key="burst:note:11", authors=3, subjects=["note:11", "note:12", "comment:13"])
    # a fourth maps to the same case
    fourth = burst_record_and_check(
        author_id=4, subject="note:14", text=texts[0] + " !!", now=now + timedelta(minutes=10)
    )
    assert fourth is not None
    assert fourth.key == "burst:note:11"
    assert fourth.authors == 4


@pytestmark_db
def test_a_text_close_to_one_member_joins_the_burst_through_it() -> None:
    """ZH[2] and ZH[1] were edited apart (no band in common), but each is close to ZH[0]: two hops."""
    assert not set(burst_signature(ZH[1])) & set(burst_signature(ZH[2]))
    now = timezone.now()
    burst_record_and_check(author_id=1, subject="note:1", text=ZH[1], now=now)
    burst_record_and_check(author_id=2, subject="note:2", text=ZH[0], now=now + timedelta(seconds=1))
    burst = burst_record_and_check(author_id=3, subject="note:3", text=ZH[2], now=now + timedelta(seconds=2))
    assert burst == Burst(key="burst:note:1", authors=3, subjects=["note:1", "note:2", "note:3"])


@pytestmark_db
def test_one_account_repeating_itself_is_no_burst() -> None:
    now = timezone.now()
    for i, text in enumerate(EN):
        assert burst_record_and_check(author_id=7, subject=f"note:{i}", text=text, now=now) is None


@pytestmark_db
def test_outside_the_window_is_no_burst(settings: Any) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"screening_burst_window_minutes": 30})
    now = timezone.now()
    burst_record_and_check(author_id=1, subject="note:1", text=EN[0], now=now - timedelta(minutes=45))
    burst_record_and_check(author_id=2, subject="note:2", text=EN[1], now=now - timedelta(minutes=10))
    assert burst_record_and_check(author_id=3, subject="note:3", text=EN[2], now=now) is None
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"screening_burst_window_minutes": 60})
    assert burst_record_and_check(author_id=3, subject="note:3", text=EN[2], now=now) is not None


@pytestmark_db
def test_different_texts_are_no_burst() -> None:
    now = timezone.now()
    for i, text in enumerate(OTHER):
        assert burst_record_and_check(author_id=i + 1, subject=f"note:{i}", text=text, now=now) is None
    assert burst_record_and_check(author_id=9, subject="note:9", text="好看！", now=now) is None
    assert not BurstBand.objects.filter(subject="note:9").exists()  # too short: nothing stored


@pytestmark_db
def test_min_authors_is_a_setting(settings: Any) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"screening_burst_min_authors": 2})
    now = timezone.now()
    assert burst_record_and_check(author_id=1, subject="note:1", text=ZH[0], now=now) is None
    burst = burst_record_and_check(author_id=2, subject="note:2", text=ZH[1], now=now)
    assert burst is not None
    assert burst.subjects == ["note:1", "note:2"]


@pytestmark_db
def test_an_edit_replaces_the_fingerprint() -> None:
    now = timezone.now()
    burst_record_and_check(author_id=1, subject="note:1", text=EN[0], now=now)
    burst_record_and_check(author_id=2, subject="note:2", text=EN[1], now=now)
    burst_record_and_check(author_id=2, subject="note:2", text=OTHER[0], now=now)  # edited away
    assert burst_record_and_check(author_id=3, subject="note:3", text=EN[2], now=now) is None
    assert BurstBand.objects.filter(subject="note:2").count() == bands_for(0.7)[0]
    # a new text need not look for an earlier version of itself
    burst_record_and_check(author_id=4, subject="note:4", text=EN[0], now=now, replace=False)
    assert BurstBand.objects.filter(subject="note:4").count() == bands_for(0.7)[0]


@pytestmark_db
def test_prune_drops_bands_older_than_the_window() -> None:
    now = timezone.now()
    burst_record_and_check(author_id=1, subject="note:1", text=EN[0], now=now - timedelta(minutes=90))
    burst_record_and_check(author_id=2, subject="note:2", text=EN[1], now=now - timedelta(minutes=10))
    bands = bands_for(0.7)[0]
    assert burst_prune() == bands
    assert set(BurstBand.objects.values_list("subject", flat=True)) == {"note:2"}
    assert burst_prune(older_than=now) == bands
    assert not BurstBand.objects.exists()


@pytestmark_db
def test_the_prune_is_a_periodic_job() -> None:
    job = next(job for job in PERIODIC_JOBS if job.task == "screening.burst_prune")
    assert job.every <= 3600
    burst_record_and_check(author_id=1, subject="note:1", text=EN[0], now=timezone.now() - timedelta(days=1))
    periodic_task(job.task).apply()
    assert not BurstBand.objects.exists()
