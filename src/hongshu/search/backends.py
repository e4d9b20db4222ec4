"""The note index behind one interface: SQLite FTS5 (embedded default) and PostgreSQL tsvector + GIN.

Both store the pipeline's token strings per column and answer `candidates()` with the same rows: the
backend only finds a BOUNDED candidate set (newest matches per tier, `ORDER BY id DESC LIMIT n`); the score is
computed in Python (ranking.py) from the stored tokens, so both engines rank identically.
Queries are built only from pipeline tokens (letters, digits, emoji, `#`, `_`), each quoted as a literal, and
passed as bound parameters — never user syntax.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from hongshu.search.pipeline import QueryTerm

_PG_MAX_POSITION = 16383


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
                INSERT INTO search_note_pg (note_id, title, topics, body, document, headline)
                VALUES (%s, %s, %s, %s, CAST(%s AS tsvector), array_to_tsvector(%s))
                ON CONFLICT (note_id) DO UPDATE SET title = EXCLUDED.title, topics = EXCLUDED.topics,
                    body = EXCLUDED.body, document = EXCLUDED.document, headline = EXCLUDED.headline
                """,
                [(r.note_id, r.title, r.topics, r.body, _tsvector_literal(r), _headline(r)) for r in rows],
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


def index_optimize() -> None:
    """After a bulk rebuild: FTS5 merges its segments; PostgreSQL refreshes the statistics its planner uses to
    choose between the GIN bitmap (rare terms) and the backward primary-key scan (common terms)."""
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute("INSERT INTO search_note_fts (search_note_fts) VALUES ('optimize')")
        else:
            cursor.execute("ANALYZE search_note_pg")


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


def candidates(terms: Sequence[QueryTerm], *, limit: int) -> list[Candidate]:
    """A bounded candidate set: the newest `limit` notes of the first tier and `limit // 2` of the others,
    merged (at most 2 × `limit` rows).

    Tiers: notes matching any term; notes matching a term in the title or topics/place (so an older note
    about the subject still competes with newer passing mentions); notes matching every word of the query.
    Newest-first is what both engines can stop early on (note ids are time-ordered): FTS5 walks its doclists
    backwards, PostgreSQL scans the primary key backwards checking `@@` when matches are common, or takes
    the GIN bitmap when they are rare — either way no query scores every match.
    One statement.
    """
    if not terms:
        return []
    # The tiers select ids only; the token columns are read for the merged ids alone (reading them for
    # every row a tier looks at decompressed long bodies: 80 ms instead of 22 ms for 1,600 matches).
    with connection.cursor() as cursor:
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
            columns = ["document", "headline", "document"][: len(tiers)]
            parts = [part.format(column=column) for column in columns]
        sql = outer.format(tiers=" UNION ".join(parts))
        # The title and every-word tiers are narrower, so half as many of theirs suffice; on PostgreSQL a
        # backward scan's cost grows with the limit (limit / share of notes matching).
        limits = [limit] + [max(1, limit // 2)] * (len(tiers) - 1)
        cursor.execute(sql, [v for tier, n in zip(tiers, limits, strict=True) for v in (tier, n)])
        rows = cursor.fetchall()
    return [Candidate.of(int(r[0]), r[1], r[2], r[3]) for r in rows]
