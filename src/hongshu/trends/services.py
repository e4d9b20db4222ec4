"""Trend writes: recording a search (query log + member history), history deletion, moderator removal."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from redis.exceptions import ResponseError

from hongshu.accounts.models import User
from hongshu.accounts.trust import NEW
from hongshu.core.errors import Forbidden, NotFound
from hongshu.core.ratelimit import network_of
from hongshu.core.text import clean_text
from hongshu.textlib.chinese import to_simplified
from hongshu.trends.models import TERM_LENGTH, HotSuppression, QueryEvent, SearchHistory

if TYPE_CHECKING:
    from redis import Redis

HISTORY_KEEP = 50
HOT_CACHE_KEY = "trends:hot:v1"
# A Redis hash of "<minute as Unix seconds><separator><network><separator><term>" → anonymous searches
# (see _anonymous_search; a field without the network is from before the window dedupe).
SEARCH_BUFFER_KEY = "hongshu:trends:anonymous-searches:v1"
# Redis sets "<prefix><window number>" of "<network><separator><term>": what a visitor network already
# counted in that window (the dedupe of _anonymous_search).
SEEN_KEY_PREFIX = "hongshu:trends:seen:v1:"
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


def search_weight(viewer: User | None) -> float:
    """What one counted search weighs in the hot ranking: a visitor `hot_visitor_weight`, an account of the
    lowest trust level (`accounts.trust.NEW`, as last recomputed) `hot_new_account_weight`, any other member 1."""
    hongshu = settings.HONGSHU
    if viewer is None:
        return float(hongshu.hot_visitor_weight)
    if viewer.trust_level <= NEW:
        return float(hongshu.hot_new_account_weight)
    return 1.0


def count_window(now: datetime) -> tuple[int, datetime, datetime]:
    """The dedupe window `now` falls in: its number and bounds (`hot_count_window_seconds` long, aligned
    to the Unix epoch)."""
    seconds = settings.HONGSHU.hot_count_window_seconds
    number = int(now.timestamp()) // seconds
    start = datetime.fromtimestamp(number * seconds, tz=UTC)
    return number, start, start + timedelta(seconds=seconds)


def visitor_network(ip: str | None) -> str:
    """A visitor's counting key: the /24 (IPv4) or /48 (IPv6) of the address; "" when there is no usable
    address (all such visitors then share one key, which is the cautious side)."""
    if not ip:
        return ""
    try:
        return network_of(ip)
    except ValueError:
        return ""


def search_record(
    *, viewer: User | None, query: str, ip: str | None = None, now: datetime | None = None
) -> str:
    """Log a search for the hot ranking and, for a signed-in member, their history (last 50 kept).

    The hot ranking gets it only if its counting key (the member, else the network of `ip`) has not counted
    this term yet in the current window (`hot_count_window_seconds`); the member's history always.
    Returns the normalised term ("" for an empty query, which records nothing).
    """
    term = term_normalise(query)
    if not term:
        return ""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    _number, start, end = count_window(now)
    if viewer is None:
        _anonymous_search(term, minute, visitor_network(ip))
        return term
    with transaction.atomic():
        counted = QueryEvent.objects.filter(member=viewer, term=term, minute__gte=start, minute__lt=end)
        if not counted.exists():
            QueryEvent.objects.create(term=term, member=viewer, minute=minute, weight=search_weight(viewer))
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


def _anonymous_search(term: str, minute: datetime, network: str) -> None:
    """Count a visitor's search, once per network, term and window. With Redis, one round trip (SADD to the
    window's seen set, with its expiry; HINCRBY on the buffer when it was new), folded into QueryEvent rows
    by `search_buffer_flush`: a search is a read, and a write to PostgreSQL per read is what an influx of
    visitors must not cost. Without Redis (the embedded default), one SELECT, and one INSERT when the
    network has not counted the term in this window."""
    number, start, end = count_window(minute)
    buffer = _buffer()
    if buffer is None:
        counted = QueryEvent.objects.filter(
            member=None, network=network, term=term, minute__gte=start, minute__lt=end
        )
        if not counted.exists():
            weight = search_weight(None)
            QueryEvent.objects.create(term=term, minute=minute, network=network, weight=weight)
        return
    seen = f"{SEEN_KEY_PREFIX}{number}"
    field = f"{int(minute.timestamp())}{_SEPARATOR}{network}{_SEPARATOR}{term}"
    # One script: the dedupe and the count happen together, so a repeat never reaches the buffer. The set
    # lives a window past its end (searches arrive with the clock, never later than that).
    buffer.eval(
        _COUNT_ONCE,
        2,
        seen,
        SEARCH_BUFFER_KEY,
        f"{network}{_SEPARATOR}{term}",
        field,
        int((end - datetime.now(UTC)).total_seconds()) + settings.HONGSHU.hot_count_window_seconds,
    )


_COUNT_ONCE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], math.max(tonumber(ARGV[3]), 60))
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
end
return 0
"""


def search_buffer_flush() -> int:
    """Write the buffered anonymous searches as QueryEvent rows (one per term, network and minute: at most
    one per window, the buffer counts only a network's first search of a term) and empty the buffer;
    returns the number of rows written. Celery beat runs it every minute (`trends.flush_search_buffer`),
    so the buffer stays small whether or not anyone looks at the ranking.

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
    weight = search_weight(None)
    for field, count in buffer.hgetall(taken).items():
        text = field.decode() if isinstance(field, bytes) else str(field)
        parts = text.split(_SEPARATOR, 2)
        stamp, network, term = parts if len(parts) == 3 else (parts[0], "", parts[1])
        minute = datetime.fromtimestamp(int(stamp), tz=UTC)
        rows.append(QueryEvent(term=term, minute=minute, network=network, searches=int(count), weight=weight))
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
