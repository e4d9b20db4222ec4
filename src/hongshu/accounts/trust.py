"""Trust levels: new (0) -> basic (1) -> member (2) -> trusted (3), earned and lost (docs/trust.md).

`trust_level_for(facts, thresholds)` is the whole rule, a pure function; `hongshu.members.trust` gathers the
facts from the tables of record and writes `User.trust_level`. A level needs every fact of the levels below
it too; each strike takes one level off what the good facts earn. The caps a level gives (links and mentions
per note, invites) are read here; its hourly caps are rates of the rate-limit table (`<limit>.account@<n>`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

NEW, BASIC, MEMBER, TRUSTED = 0, 1, 2, 3


@dataclass(frozen=True)
class TrustFacts:
    """Measurable facts about one member; counts from others only (their own likes do not count)."""

    age_days: int
    email_verified: bool
    notes_published: int
    likes_received: int
    comments_received: int
    strikes: int = 0


@dataclass(frozen=True)
class TrustThresholds:
    basic_days: int = 1
    basic_notes: int = 1
    member_days: int = 7
    member_notes: int = 3
    member_likes: int = 10
    member_email: bool = True
    trusted_days: int = 30
    trusted_notes: int = 10
    trusted_likes: int = 50
    trusted_comments: int = 20

    @classmethod
    def from_settings(cls) -> TrustThresholds:
        h = settings.HONGSHU
        return cls(
            basic_days=h.trust_basic_days,
            basic_notes=h.trust_basic_notes,
            member_days=h.trust_member_days,
            member_notes=h.trust_member_notes,
            member_likes=h.trust_member_likes,
            member_email=h.trust_member_email,
            trusted_days=h.trust_trusted_days,
            trusted_notes=h.trust_trusted_notes,
            trusted_likes=h.trust_trusted_likes,
            trusted_comments=h.trust_trusted_comments,
        )


def trust_level_for(facts: TrustFacts, thresholds: TrustThresholds) -> int:
    """The level `facts` earn under `thresholds`, 0..3: the highest level whose requirements (and those of
    every level below) are met, minus one per strike, never below new."""
    t = facts
    earned = NEW
    if t.age_days >= thresholds.basic_days and t.notes_published >= thresholds.basic_notes:
        earned = BASIC
        if (
            t.age_days >= thresholds.member_days
            and t.notes_published >= thresholds.member_notes
            and t.likes_received >= thresholds.member_likes
            and (t.email_verified or not thresholds.member_email)
        ):
            earned = MEMBER
            if (
                t.age_days >= thresholds.trusted_days
                and t.notes_published >= thresholds.trusted_notes
                and t.likes_received >= thresholds.trusted_likes
                and t.comments_received >= thresholds.trusted_comments
            ):
                earned = TRUSTED
    return max(NEW, earned - max(0, t.strikes))


def _per_level(values: tuple[int, int, int, int], level: int) -> int:
    return values[min(max(level, NEW), TRUSTED)]


def _tighten(cap: int, surge: bool) -> int:
    return max(1, math.floor(cap * settings.HONGSHU.surge_factor)) if surge and cap > 0 else cap


def links_cap(level: int, *, surge: bool = False) -> int:
    """Links one note may carry for a member of `level` (tighter while surge posture is on)."""
    return _tighten(_per_level(settings.HONGSHU.trust_links_per_note, level), surge)


def mentions_cap(level: int, *, surge: bool = False) -> int:
    """@mentions one note may carry for a member of `level` (tighter while surge posture is on)."""
    return _tighten(_per_level(settings.HONGSHU.trust_mentions_per_note, level), surge)


def invites_cap(level: int) -> int:
    """Invites a member of `level` may have outstanding (the invites feature reads it)."""
    return _per_level(settings.HONGSHU.trust_invites, level)
