"""Trust levels as a pure rule (accounts.trust.trust_level_for), checked as properties over any facts and
thresholds: levels stay in 0..3, more of a good fact never lowers the level, a strike never raises it, age
alone never passes basic, and each level needs the one below it."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hongshu.accounts.trust import (
    BASIC,
    MEMBER,
    NEW,
    TRUSTED,
    TrustFacts,
    TrustThresholds,
    invites_cap,
    links_cap,
    mentions_cap,
    trust_level_for,
)
from hongshu.config.env import HongshuSettings

counts = st.integers(min_value=0, max_value=400)
facts = st.builds(
    TrustFacts,
    age_days=counts,
    email_verified=st.booleans(),
    notes_published=counts,
    likes_received=counts,
    comments_received=counts,
    strikes=st.integers(min_value=0, max_value=5),
)
thresholds = st.builds(
    TrustThresholds,
    basic_days=st.integers(0, 60),
    basic_notes=st.integers(1, 20),  # at least one note: the rule "age alone never passes basic"
    member_days=st.integers(0, 90),
    member_notes=st.integers(0, 50),
    member_likes=st.integers(0, 200),
    member_email=st.booleans(),
    trusted_days=st.integers(0, 365),
    trusted_notes=st.integers(0, 100),
    trusted_likes=st.integers(0, 400),
    trusted_comments=st.integers(0, 400),
)
GOOD_COUNTS = ("age_days", "notes_published", "likes_received", "comments_received")


@given(facts, thresholds)
def test_level_stays_in_range(f: TrustFacts, t: TrustThresholds) -> None:
    assert NEW <= trust_level_for(f, t) <= TRUSTED


@given(facts, thresholds, st.sampled_from(GOOD_COUNTS), st.integers(1, 400))
def test_more_of_a_good_fact_never_lowers_the_level(
    f: TrustFacts, t: TrustThresholds, field: str, more: int
) -> None:
    better = dataclasses.replace(f, **{field: getattr(f, field) + more})
    assert trust_level_for(better, t) >= trust_level_for(f, t)


@given(facts, thresholds)
def test_verifying_the_email_never_lowers_the_level(f: TrustFacts, t: TrustThresholds) -> None:
    verified = dataclasses.replace(f, email_verified=True)
    assert trust_level_for(verified, t) >= trust_level_for(f, t)


@given(facts, thresholds, st.integers(1, 5))
def test_a_strike_never_raises_and_takes_at_most_one_level_each(
    f: TrustFacts, t: TrustThresholds, extra: int
) -> None:
    struck = dataclasses.replace(f, strikes=f.strikes + extra)
    before, after = trust_level_for(f, t), trust_level_for(struck, t)
    assert after <= before
    assert after >= before - extra


@given(st.integers(0, 100_000), st.booleans(), thresholds)
def test_age_alone_never_passes_basic(age: int, verified: bool, t: TrustThresholds) -> None:
    lone = TrustFacts(
        age_days=age, email_verified=verified, notes_published=0, likes_received=0, comments_received=0
    )
    assert trust_level_for(lone, t) == NEW


@given(facts, thresholds)
def test_each_level_needs_the_requirements_below_it(f: TrustFacts, t: TrustThresholds) -> None:
    level = trust_level_for(dataclasses.replace(f, strikes=0), t)
    if level >= BASIC:
        assert f.age_days >= t.basic_days
        assert f.notes_published >= t.basic_notes
    if level >= MEMBER:
        assert f.likes_received >= t.member_likes
        assert f.age_days >= t.member_days
        assert f.email_verified or not t.member_email
    if level >= TRUSTED:
        assert f.comments_received >= t.trusted_comments
        assert f.age_days >= t.trusted_days


def test_the_default_ladder() -> None:
    t = TrustThresholds()
    newcomer = TrustFacts(
        age_days=0, email_verified=False, notes_published=1, likes_received=0, comments_received=0
    )
    assert trust_level_for(newcomer, t) == NEW
    basic = dataclasses.replace(newcomer, age_days=1)
    assert trust_level_for(basic, t) == BASIC
    member = dataclasses.replace(basic, age_days=7, notes_published=3, likes_received=10)
    assert trust_level_for(member, t) == BASIC  # no verified email yet
    member = dataclasses.replace(member, email_verified=True)
    assert trust_level_for(member, t) == MEMBER
    trusted = dataclasses.replace(
        member, age_days=30, notes_published=10, likes_received=50, comments_received=20
    )
    assert trust_level_for(trusted, t) == TRUSTED
    assert trust_level_for(dataclasses.replace(trusted, strikes=1), t) == MEMBER
    assert trust_level_for(dataclasses.replace(trusted, strikes=9), t) == NEW


def test_caps_per_level_and_under_surge() -> None:
    assert [links_cap(level) for level in range(4)] == [2, 5, 10, 20]
    assert [mentions_cap(level) for level in range(4)] == [3, 5, 10, 20]
    assert [invites_cap(level) for level in range(4)] == [0, 0, 3, 10]
    # surge_factor 0.5: halved, never below one.
    assert [links_cap(level, surge=True) for level in range(4)] == [1, 2, 5, 10]
    assert mentions_cap(0, surge=True) == 1


def test_settings_refuse_bad_caps_and_level_rates() -> None:
    with pytest.raises(ValidationError):
        HongshuSettings(trust_links_per_note=(1, 2, 3))  # one per level
    with pytest.raises(ValidationError, match="account@"):
        HongshuSettings(rate_limits={"note_create.account@4": "1 per 1 hour"})
    with pytest.raises(ValidationError, match="account@"):
        HongshuSettings(rate_limits={"note_create.ip@1": "1 per 1 hour"})
    ok = HongshuSettings(rate_limits={"note_create.account@0": "1 per 1 hour"})
    assert ok.rate_limits["note_create.account@0"] == "1 per 1 hour"
    assert ok.rate_limits["note_create.account@1"] == "10 per 1 hour"
