"""The note index behind one interface: SQLite FTS5 (embedded default) and PostgreSQL tsvector + GIN.

Both store the pipeline's token strings per column and answer `candidates()` with the same rows: the
backend only finds and orders a BOUNDED candidate set (`ORDER BY rank LIMIT n`); the final score is computed
in Python (ranking.py) from the stored tokens, so both engines rank identically.
Queries are built only from pipeline tokens (letters, digits, emoji, `#`, `_`), each quoted as a literal, and
passed as bound parameters — never user syntax.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from hongshu.search.pipeline import QueryTerm

# bm25 weights per column and ts_rank_cd weights {D, C, B, A}: title counts most, then topics/place, then body.
_BM25 = "bm25(search_note_fts, 10.0, 4.0, 1.0)"
_PG_WEIGHTS = "'{0.1, 0.2, 0.5, 1.0}'"
_PG_MAX_POSITION = 16383


@dataclass(frozen=True)
class IndexRow:
    note_id: int
    title: str
    topics: str  # topics and the place name
    body: str


@dataclass(frozen=True)
class Candidate:
    note_id: int
    title: set[str]
    topics: set[str]
    body: set[str]


def _vendor() -> str:
    return connection.vendor


def _distinct(terms: Sequence[QueryTerm]) -> list[str]:
    return list(dict.fromkeys(t.token for t in terms))  # a token may stand in several groups


def _fts5_query(terms: Sequence[QueryTerm]) -> str:
    return " OR ".join(f'"{token}"' for token in _distinct(terms))


def _tsquery(terms: Sequence[QueryTerm]) -> str:
    return " | ".join(f"'{token}'" for token in _distinct(terms))


def _tsvector_literal(row: IndexRow) -> str:
    """Title tokens weighted A, topics/place B, body C, at their positions (1..16383, PostgreSQL's range)."""
    parts: list[str] = []
    position = 0
    for text, weight in ((row.title, "A"), (row.topics, "B"), (row.body, "C")):
        for token in text.split():
            position = min(position + 1, _PG_MAX_POSITION)
            parts.append(f"'{token}':{position}{weight}")
    return " ".join(parts)


def index_put(rows: Iterable[IndexRow]) -> None:
    """Insert or replace index rows (a batch: one statement per engine round)."""
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
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
                INSERT INTO search_note_pg (note_id, title, topics, body, document)
                VALUES (%s, %s, %s, %s, CAST(%s AS tsvector))
                ON CONFLICT (note_id) DO UPDATE SET title = EXCLUDED.title, topics = EXCLUDED.topics,
                    body = EXCLUDED.body, document = EXCLUDED.document
                """,
                [(r.note_id, r.title, r.topics, r.body, _tsvector_literal(r)) for r in rows],
            )


def index_remove(note_ids: Sequence[int]) -> None:
    table, key = ("search_note_fts", "rowid") if _vendor() == "sqlite" else ("search_note_pg", "note_id")
    with connection.cursor() as cursor:
        # table and key come from the two constants above, never from input
        cursor.executemany(f"DELETE FROM {table} WHERE {key} = %s", [(i,) for i in note_ids])  # noqa: S608


def index_clear() -> None:
    table = "search_note_fts" if _vendor() == "sqlite" else "search_note_pg"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a constant


def contains(token: str) -> bool:
    """Whether any indexed note has `token` (a pipeline token: letters, digits, emoji, `#`, `_` only)."""
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute(
                "SELECT 1 FROM search_note_fts WHERE search_note_fts MATCH %s LIMIT 1", [f'"{token}"']
            )
        else:
            cursor.execute(
                "SELECT 1 FROM search_note_pg WHERE document @@ CAST(%s AS tsquery) LIMIT 1", [f"'{token}'"]
            )
        return cursor.fetchone() is not None


def candidates(terms: Sequence[QueryTerm], *, order: str, limit: int) -> list[Candidate]:
    """Up to `limit` notes matching any term, best text match first (`order="rank"`) or newest (`"id"`).

    One query. Note ids are time-ordered, so newest-first is `ORDER BY id DESC`.
    """
    if not terms:
        return []
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            order_by = _BM25 if order == "rank" else "rowid DESC"
            cursor.execute(
                "SELECT rowid, title, topics, body FROM search_note_fts "  # noqa: S608 - constants only
                f"WHERE search_note_fts MATCH %s ORDER BY {order_by} LIMIT %s",
                [_fts5_query(terms), limit],
            )
        else:
            order_by = (
                f"ts_rank_cd({_PG_WEIGHTS}, document, query) DESC" if order == "rank" else "note_id DESC"
            )
            cursor.execute(
                "SELECT note_id, title, topics, body FROM search_note_pg, CAST(%s AS tsquery) query "  # noqa: S608
                f"WHERE document @@ query ORDER BY {order_by} LIMIT %s",
                [_tsquery(terms), limit],
            )
        rows = cursor.fetchall()
    return [Candidate(int(r[0]), set(r[1].split()), set(r[2].split()), set(r[3].split())) for r in rows]
