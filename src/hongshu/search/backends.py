"""The note index behind one interface: SQLite FTS5 (embedded default) and PostgreSQL tsvector + GIN.

Both store the pipeline's token strings per column and answer `candidates()` with the same rows: the
backend only finds a BOUNDED candidate set (newest matches per tier, `ORDER BY id DESC LIMIT n`); the score is
computed in Python (ranking.py) from the stored tokens, so both engines rank identically.
Queries are built only from pipeline tokens (letters, digits, emoji, `#`, `_`), each quoted as a literal, and
passed as bound parameters — never user syntax.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, transaction
from django.db.backends.utils import CursorWrapper

from hongshu.core.replica import read_alias
from hongshu.search.pipeline import QueryTerm

_PG_MAX_POSITION = 16383
# PostgreSQL keeps the documents of about this many of the newest notes twice: in search_note_recent as well,
# under a GIN index of their own (see `_PG_EVERY_WORD`).
RECENT_WINDOW = 40_000


@dataclass(frozen=True)
class IndexRow:
    note_id: int
    title: str
    topics: str  # topics and the place name
    body: str


@dataclass(frozen=True)
class Candidate:
    """A note's index row as found: each column's tokens as one string, with a space at both ends, so that
    `" tok " in column` tells whether it holds `tok` without splitting long bodies into sets."""

    note_id: int
    title: str
    topics: str
    body: str

    @classmethod
    def of(cls, note_id: int, title: str, topics: str, body: str) -> Candidate:
        return cls(note_id, f" {title} ", f" {topics} ", f" {body} ")


def _vendor() -> str:
    return connection.vendor


@contextmanager
def _unprepared(reader: Any) -> Iterator[None]:
    """Statements run here are planned for their values every time, never prepared (see settings.py's
    `prepare_threshold`): whether a tier scans the primary key backwards or takes the GIN bitmap depends on
    how common the words are, and PostgreSQL's generic plan for a prepared statement would pick one for all."""
    raw = reader.connection if reader.vendor == "postgresql" else None
    if raw is None:
        yield
        return
    threshold, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def _tsvector_literal(row: IndexRow) -> str:
    """Title tokens weighted A, topics/place B, body C, at their positions (1..16383, PostgreSQL's range)."""
    parts: list[str] = []
    position = 0
    for text, weight in ((row.title, "A"), (row.topics, "B"), (row.body, "C")):
        for token in text.split():
            position = min(position + 1, _PG_MAX_POSITION)
            parts.append(f"'{token}':{position}{weight}")
    return " ".join(parts)


def _headline(row: IndexRow) -> list[str]:
    """The title and topics/place tokens, distinct: the lexemes of the PostgreSQL `headline` tsvector."""
    return list(dict.fromkeys(f"{row.title} {row.topics}".split()))


def index_put(rows: Iterable[IndexRow]) -> None:
    """Insert or replace index rows (a batch: one statement per engine round)."""
    rows = list(rows)
    if not rows:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.executemany("DELETE FROM search_note_fts WHERE rowid = %s", [(r.note_id,) for r in rows])
            cursor.executemany(
                "INSERT INTO search_note_fts (rowid, title, topics, body) VALUES (%s, %s, %s, %s)",
                [(r.note_id, r.title, r.topics, r.body) for r in rows],
            )
        else:
            # The tsvector is written as a literal (`'tok':1A 'tok2':2A`) cast verbatim: no text-search
            # parser splits emoji or `#topics` (to_tsvector would), and positions + weights are kept for
            # ts_rank_cd. Tokens never contain quotes, backslashes or spaces (pipeline._CLEAN).
            cursor.executemany(
                """
                INSERT INTO search_note_pg (note_id, title, topics, body, document, headline)
                VALUES (%s, %s, %s, %s, CAST(%s AS tsvector), array_to_tsvector(%s))
                ON CONFLICT (note_id) DO UPDATE SET title = EXCLUDED.title, topics = EXCLUDED.topics,
                    body = EXCLUDED.body, document = EXCLUDED.document, headline = EXCLUDED.headline
                """,
                [(r.note_id, r.title, r.topics, r.body, _tsvector_literal(r), _headline(r)) for r in rows],
            )
            _pg_recent_put(cursor, [r.note_id for r in rows])


def index_remove(note_ids: Sequence[int]) -> None:
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.executemany("DELETE FROM search_note_fts WHERE rowid = %s", [(i,) for i in note_ids])
        else:
            cursor.execute("DELETE FROM search_note_pg WHERE note_id = ANY(%s)", [list(note_ids)])
            cursor.execute("DELETE FROM search_note_recent WHERE note_id = ANY(%s)", [list(note_ids)])


def index_clear() -> None:
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute("DELETE FROM search_note_fts")
        else:
            cursor.execute("DELETE FROM search_note_pg")
            cursor.execute("DELETE FROM search_note_recent")
            # Nothing is recent until `index_optimize` copies the newest notes at the end of the rebuild: copying
            # every batch and trimming it again left a million dead rows in the small table, which every query
            # then read (docs/benchmarks.md#recent-notes-table-during-a-rebuild).
            _pg_set_floor(cursor, "9223372036854775807")


def _pg_set_floor(cursor: CursorWrapper, value_sql: str, params: Sequence[int] = ()) -> None:
    """Set the floor (taking its row lock until commit, which every put waits for, see `_pg_recent_put`)."""
    cursor.execute(
        f"INSERT INTO search_note_recent_floor (note_id) VALUES ({value_sql}) "  # noqa: S608 - our constants
        "ON CONFLICT (only_row) DO UPDATE SET note_id = EXCLUDED.note_id",
        list(params),
    )


# search_note_recent holds EXACTLY the indexed notes whose id is at least the floor (search_note_recent_floor's
# one row), so a query reads notes >= floor there and notes < floor in search_note_pg, and finds each once.
# A put copies its rows at or above the floor, then raises the floor so that only the newest RECENT_WINDOW stay
# and deletes the rows below it; puts take the floor's row lock first, so they and floor changes serialize. A
# note indexed late with an old id (a draft published) lands below the floor, in search_note_pg only. A
# rebuild sets the floor above every id (nothing recent) and `index_optimize` copies the newest at the end.
# Without the floor row (never after the migration), nothing is recent and every query reads search_note_pg.
# A removal racing a refill can leave a removed note's row in the copy alone: harmless, as candidates are
# read back from search_note_pg (and the visibility policy decides what shows).
_PG_RECENT_COPY = """
INSERT INTO search_note_recent (note_id, document)
SELECT note_id, document FROM search_note_pg WHERE note_id = ANY(%s) AND note_id >= %s
ON CONFLICT (note_id) DO UPDATE SET document = EXCLUDED.document
"""
_PG_RECENT_RAISE_FLOOR = """
UPDATE search_note_recent_floor SET note_id = cut.note_id + 1
FROM (SELECT note_id FROM search_note_recent ORDER BY note_id DESC OFFSET %s LIMIT 1) AS cut
WHERE search_note_recent_floor.note_id <= cut.note_id
"""
_PG_RECENT_TRIM = (
    "DELETE FROM search_note_recent WHERE note_id < (SELECT note_id FROM search_note_recent_floor)"
)


def _pg_recent_put(cursor: CursorWrapper, note_ids: list[int]) -> None:
    """Copy the just written rows that belong to the recent notes, then keep only the newest RECENT_WINDOW."""
    # The floor row is locked first: a put waits for a concurrent floor change (a trim, `index_optimize`'s
    # refill) to commit, then copies by the new floor the rows that change could not see yet.
    cursor.execute("SELECT note_id FROM search_note_recent_floor FOR UPDATE")
    row = cursor.fetchone()
    if row is None:
        return
    cursor.execute(_PG_RECENT_COPY, [note_ids, row[0]])
    cursor.execute(_PG_RECENT_RAISE_FLOOR, [RECENT_WINDOW])
    if cursor.rowcount:
        cursor.execute(_PG_RECENT_TRIM)


def index_optimize() -> None:
    """After a bulk rebuild: FTS5 merges its segments; PostgreSQL copies the newest RECENT_WINDOW notes into
    search_note_recent (empty since `index_clear`) and refreshes the statistics its planner uses to choose
    between the GIN bitmap (rare terms) and the backward primary-key scan (common terms)."""
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute("INSERT INTO search_note_fts (search_note_fts) VALUES ('optimize')")
        else:
            with transaction.atomic():
                newest = "coalesce((SELECT note_id FROM search_note_pg ORDER BY note_id DESC OFFSET %s LIMIT 1), 0)"
                _pg_set_floor(cursor, newest, [RECENT_WINDOW - 1])
                cursor.execute("DELETE FROM search_note_recent")
                cursor.execute(
                    "INSERT INTO search_note_recent (note_id, document) SELECT note_id, document "
                    "FROM search_note_pg WHERE note_id >= (SELECT note_id FROM search_note_recent_floor)"
                )
            cursor.execute("ANALYZE search_note_pg")
            cursor.execute("ANALYZE search_note_recent")


def contains(token: str) -> bool:
    """Whether any indexed note has `token` (a pipeline token: letters, digits, emoji, `#`, `_` only)."""
    reader = connections[read_alias()]  # a replica's, inside replica_reads()
    with reader.cursor() as cursor, _unprepared(reader):
        if _vendor() == "sqlite":
            cursor.execute(
                "SELECT 1 FROM search_note_fts WHERE search_note_fts MATCH %s LIMIT 1", [f'"{token}"']
            )
        else:
            cursor.execute(
                "SELECT 1 FROM search_note_pg WHERE document @@ CAST(%s AS tsquery) LIMIT 1", [f"'{token}'"]
            )
        return cursor.fetchone() is not None


def _tiers(terms: Sequence[QueryTerm], *, quote: str, any_of: str, all_of: str) -> list[str]:
    """The tiers' match expressions in an engine's syntax: any term; any term again (restricted to the title
    and topics by the caller); for several query words, every word (each: its token or an alternative)."""

    def either(tokens: Iterable[str]) -> str:
        return "(" + any_of.join(f"{quote}{token}{quote}" for token in dict.fromkeys(tokens)) + ")"

    groups: dict[int, list[str]] = {}
    for term in terms:
        groups.setdefault(term.group, []).append(term.token)
    anything = either(t.token for t in terms)
    tiers = [anything, anything]
    if len(groups) > 1:
        tiers.append(all_of.join(either(tokens) for tokens in groups.values()))
    return tiers


# The newest notes matching every word, in two steps that do not hang on the planner's estimate. It estimates a
# conjunction as if the words were independent, so on the whole index it picked a backward primary-key scan
# for words that rarely meet and a bitmap over tens of thousands of matches for words that nearly always do;
# and even a good bitmap reads each word's whole posting list. So the newest RECENT_WINDOW notes come first,
# from their own small table and GIN index (search_note_recent, see `_PG_RECENT_COPY`); only when they hold fewer than the limit
# are the older notes read through the big GIN bitmap (`note_id + 0` keeps the planner off the primary key:
# its order, or a bitmap of 960,000 ids), which is cheap exactly then: the words meet in fewer than
# limit / RECENT_WINDOW of the notes. Same rows as the plain query, in about half the time
# (docs/benchmarks.md#every-word-candidates-on-postgresql).
_PG_EVERY_WORD = (
    "(WITH floor AS MATERIALIZED (SELECT "
    "coalesce((SELECT note_id FROM search_note_recent_floor), 9223372036854775807) AS note_id), "
    "recent AS MATERIALIZED (SELECT note_id FROM search_note_recent "
    "WHERE note_id + 0 >= (SELECT note_id FROM floor) AND document @@ CAST(%s AS tsquery) "
    "ORDER BY note_id DESC LIMIT %s) "
    "SELECT note_id FROM recent UNION ALL (SELECT note_id FROM search_note_pg "
    "WHERE note_id + 0 < (SELECT note_id FROM floor) AND document @@ CAST(%s AS tsquery) "
    "AND (SELECT count(*) FROM recent) < %s "
    "ORDER BY note_id + 0 DESC LIMIT %s - (SELECT count(*) FROM recent)))"
)


def _pg_every_word_params(tier: str, limit: int) -> list[str | int]:
    return [tier, limit, tier, limit, limit]


def candidates(terms: Sequence[QueryTerm], *, limit: int) -> list[Candidate]:
    """A bounded candidate set: the newest `limit` notes of the first tier and `limit // 2` of the others,
    merged (at most 2 × `limit` rows).

    Tiers: notes matching any term; notes matching a term in the title or topics/place (so an older note
    about the subject still competes with newer passing mentions); notes matching every word of the query.
    Newest-first is what both engines can stop early on (note ids are time-ordered): FTS5 walks its doclists
    backwards, PostgreSQL scans the primary key backwards checking `@@` when matches are common, or takes
    the GIN bitmap when they are rare (for the every-word tier it decides by a bounded probe of the newest
    notes, `_PG_EVERY_WORD`) — either way no query scores every match.
    One statement.
    """
    if not terms:
        return []
    # The tiers select ids only; the token columns are read for the merged ids alone (reading them for
    # every row a tier looks at decompressed long bodies, several times slower:
    # docs/benchmarks.md#token-columns-read-for-the-merged-ids-only).
    reader = connections[read_alias()]  # a replica's, inside replica_reads()
    with reader.cursor() as cursor, _unprepared(reader):
        if _vendor() == "sqlite":
            tiers = _tiers(terms, quote='"', any_of=" OR ", all_of=" AND ")
            tiers[1] = "{title topics} : " + tiers[1]  # FTS5's column filter
            part = (
                "SELECT * FROM (SELECT rowid FROM search_note_fts "
                "WHERE search_note_fts MATCH %s ORDER BY rowid DESC LIMIT %s)"
            )
            outer = "SELECT rowid, title, topics, body FROM search_note_fts WHERE rowid IN ({tiers})"
            parts = [part] * len(tiers)
        else:
            tiers = _tiers(terms, quote="'", any_of=" | ", all_of=" & ")
            part = (
                "(SELECT note_id FROM search_note_pg "
                "WHERE {column} @@ CAST(%s AS tsquery) ORDER BY note_id DESC LIMIT %s)"
            )
            outer = "SELECT note_id, title, topics, body FROM search_note_pg WHERE note_id IN ({tiers})"
            parts = [part.format(column="document"), part.format(column="headline"), _PG_EVERY_WORD]
            parts = parts[: len(tiers)]
        sql = outer.format(tiers=" UNION ".join(parts))
        # The title and every-word tiers are narrower, so half as many of theirs suffice; on PostgreSQL a
        # backward scan's cost grows with the limit (limit / share of notes matching).
        limits = [limit] + [max(1, limit // 2)] * (len(tiers) - 1)
        params: list[str | int] = []
        for part, tier, n in zip(parts, tiers, limits, strict=True):
            params += _pg_every_word_params(tier, n) if part is _PG_EVERY_WORD else [tier, n]
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Candidate.of(int(r[0]), r[1], r[2], r[3]) for r in rows]
