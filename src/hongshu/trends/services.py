"""Trend writes: recording a search (query log + member history), history deletion, moderator removal."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.errors import Forbidden, NotFound
from hongshu.core.text import clean_text
from hongshu.language.chinese import to_simplified
from hongshu.trends.models import TERM_LENGTH, HotSuppression, QueryEvent, SearchHistory

HISTORY_KEEP = 50
HOT_CACHE_KEY = "trends:hot:v1"
_SPACES = re.compile(r"\s+")


def term_normalise(text: str) -> str:
    """The form a query is counted and matched under: NFKC, case-folded, Simplified, single spaces, ≤ 100."""
    # Control characters (NUL above all: PostgreSQL text cannot hold it) are never part of a search.
    text = unicodedata.normalize("NFKC", clean_text(text)).casefold()
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return ""
    return to_simplified(text)[:TERM_LENGTH].strip()


def search_record(*, viewer: User | None, query: str, now: datetime | None = None) -> str:
    """Log a search for the hot ranking and, for a signed-in member, their history (last 50 kept).

    Returns the normalised term ("" for an empty query, which records nothing).
    """
    term = term_normalise(query)
    if not term:
        return ""
    now = now or timezone.now()
    event = QueryEvent(term=term, member=viewer, minute=now.replace(second=0, microsecond=0))
    if viewer is None:  # a single row: one statement, no transaction around it (searches are the hot path)
        event.save(force_insert=True)
        return term
    with transaction.atomic():
        event.save(force_insert=True)
        shown = _SPACES.sub(" ", clean_text(query)).strip()[:TERM_LENGTH]
        SearchHistory.objects.update_or_create(
            member=viewer, term=term, defaults={"query": shown, "searched_at": now}
        )
        stale = SearchHistory.objects.filter(member=viewer).order_by("-searched_at", "-id")[HISTORY_KEEP:]
        stale_ids = list(stale.values_list("id", flat=True))
        if stale_ids:
            SearchHistory.objects.filter(id__in=stale_ids).delete()
    return term


def history_delete(*, member: User, entry_id: int) -> None:
    """Delete one of the member's own history entries; another member's entry is 'not found'."""
    deleted, _ = SearchHistory.objects.filter(member=member, id=entry_id).delete()
    if not deleted:
        raise NotFound(code="history_not_found")


def history_clear(*, member: User) -> int:
    deleted, _ = SearchHistory.objects.filter(member=member).delete()
    return deleted


def hot_remove(*, moderator: User, kind: str, term: str) -> HotSuppression:
    """Suppress a term from the hot ranking for good (staff only). Idempotent."""
    if not moderator.is_staff:
        raise Forbidden(code="not_moderator")
    if kind not in HotSuppression.Kind.values:
        raise NotFound(code="unknown_kind")
    key = term_normalise(term)
    row, _ = HotSuppression.objects.get_or_create(kind=kind, term=key, defaults={"removed_by": moderator})
    cache.delete(HOT_CACHE_KEY)  # the removal shows at once, not after the minute's cache runs out
    return row
