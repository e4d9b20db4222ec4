"""Trend writes: recording a search (query log + member history), history deletion, moderator removal."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from redis.exceptions import ResponseError

from hongshu.accounts.models import User
from hongshu.core.errors import Forbidden, NotFound
from hongshu.core.text import clean_text
from hongshu.textlib.chinese import to_simplified
from hongshu.trends.models import TERM_LENGTH, HotSuppression, QueryEvent, SearchHistory

if TYPE_CHECKING:
    from redis import Redis

HISTORY_KEEP = 50
HOT_CACHE_KEY = "trends:hot:v1"
# A Redis hash of "<minute as Unix seconds><separator><term>" → anonymous searches (see _anonymous_search).
SEARCH_BUFFER_KEY = "hongshu:trends:anonymous-searches:v1"
_SEPARATOR = "\x1f"  # a control character: term_normalise removes those from every term
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
    minute = now.replace(second=0, microsecond=0)
    if viewer is None:
        _anonymous_search(term, minute)
        return term
    event = QueryEvent(term=term, member=viewer, minute=minute)
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


def _buffer() -> Redis | None:
    """The shared Redis of the cache, where there is one (REDIS_URL): anonymous searches are counted there."""
    if not settings.HONGSHU.redis_url:
        return None
    from django_redis import get_redis_connection

    return cast("Redis", get_redis_connection("default"))


def _anonymous_search(term: str, minute: datetime) -> None:
    """Count an anonymous search. With Redis, one HINCRBY on the buffer, folded into QueryEvent rows by
    `search_buffer_flush`: a search is a read, and a write to PostgreSQL per read is what an influx of
    visitors must not cost. Without Redis (the embedded default), one INSERT."""
    buffer = _buffer()
    if buffer is None:
        QueryEvent.objects.create(term=term, minute=minute)
        return
    buffer.hincrby(SEARCH_BUFFER_KEY, f"{int(minute.timestamp())}{_SEPARATOR}{term}", 1)


def search_buffer_flush() -> int:
    """Write the buffered anonymous searches as QueryEvent rows (one per term and minute, `searches` = the
    count) and empty the buffer; returns the number of rows written. The hot ranking runs it before counting,
    and Celery beat every minute, so the buffer stays small whether or not anyone looks at the ranking.

    The buffer is renamed away first (atomic), so searches counted meanwhile go to a fresh buffer and two
    flushes never write the same counts. A process killed between the rename and the insert loses those
    counts (at most a minute of anonymous searches), which the trend ranking can afford.
    """
    buffer = _buffer()
    if buffer is None:
        return 0
    taken = f"{SEARCH_BUFFER_KEY}:flushing:{uuid.uuid4().hex}"
    try:
        buffer.rename(SEARCH_BUFFER_KEY, taken)
    except ResponseError:  # no such key: nothing was searched since the last flush
        return 0
    rows = []
    for field, count in buffer.hgetall(taken).items():
        text = field.decode() if isinstance(field, bytes) else str(field)
        stamp, term = text.split(_SEPARATOR, 1)
        minute = datetime.fromtimestamp(int(stamp), tz=UTC)
        rows.append(QueryEvent(term=term, minute=minute, searches=int(count)))
    QueryEvent.objects.bulk_create(rows, batch_size=1000)
    buffer.delete(taken)
    return len(rows)


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
