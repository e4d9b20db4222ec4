"""`bench_seed`: the benchmark dataset (docs/benchmarks.md, "Dataset"), generated in bulk.

At scale 1.0: 100,000 members, 1,000,000 notes, a power-law follow graph, 10,000,000 likes and collects,
2,000,000 comments; every count scales linearly. PostgreSQL gets one COPY per table on one connection
(foreign-key triggers off for the load: the rows are consistent by construction); SQLite, used only at
small scales by the tests, gets batched INSERTs. Everything happens in one transaction, so a failed run
leaves nothing behind.

IDs are built from each row's (past) creation time with `id_at`, so they stay time-ordered like live IDs.
Notes get one MediaAsset each (NoteImage.media is one-to-one), all pointing at a single shared placeholder
WebP: the dataset stores no per-note files.
"""

from __future__ import annotations

import io
import itertools
import json
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.core.ids import id_at
from hongshu.core.progress import ProgressReporter, progress_silent
from hongshu.interactions.models import Board, Collect, Like, NoteCounter
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note, NoteImage, NoteTopic, Topic
from hongshu.notes.services import topic_key
from hongshu.social.models import Follow, FollowCounter
from hongshu_bench import vocab

# Row counts at scale 1.0. The follow count is ours (the brief only asks for a power law): 30 a member.
BASE_COUNTS = {
    "members": 100_000,
    "notes": 1_000_000,
    "follows": 3_000_000,
    "likes": 7_000_000,
    "collects": 3_000_000,
    "comments": 2_000_000,
}
PASSWORD = "bench-password"  # noqa: S105 - public by design; every seeded member's password (hashed once, shared)
PLACEHOLDER_KEY = "bench/placeholder.webp"
PLACEHOLDER_SIZE = (1080, 1440)
DAY_MS = 86_400_000
WINDOW_DAYS = 180  # notes, follows and interactions happen over the last 180 days
JOIN_DAYS = 400  # members joined between 400 and 181 days ago
# Share of notes per language; the rest of the Chinese half is Simplified.
ZH_HANT_SHARE, ZH_SHARE, EN_SHARE = 0.10, 0.50, 1 / 3
VISIBILITY_WEIGHTS = (
    (Note.Visibility.PUBLIC, 0.94),
    (Note.Visibility.FOLLOWERS, 0.04),
    (Note.Visibility.PRIVATE, 0.02),
)
HEAD_FOLLOW_PROBABILITY = (1.0, 0.97, 0.93)  # the top creators are followed by (nearly) everyone
POPULARITY_ALPHA = 1.3  # Pareto shape of note popularity (likes, collects, comments)
TITLE_MAX = 20
_LOW_BITS = 22  # node + sequence bits of an ID
_CHUNKS = 8  # up to 8 × 2**22 rows per table, see _Ids
_EMOJI = ("", "", "✨", "🍜", "☕", "📍", "🌸", "💄", "🏕")


@dataclass(frozen=True)
class SeedResult:
    scale: float
    seed: int
    counts: dict[str, int]
    seconds: float
    table_seconds: dict[str, float]  # time spent loading each table (generation included)
    password: str

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class _Ids:
    """Unique time-ordered IDs for one table's past rows.

    Row n gets sequence n mod 2**22, and its millisecond is nudged (by < 8 ms) to ≡ n // 2**22 (mod 8):
    two rows sharing a millisecond then come from the same 2**22 block, so their sequences differ.
    """

    def __init__(self) -> None:
        self.count = 0

    def at(self, ms: int) -> tuple[int, int]:
        block = self.count >> _LOW_BITS
        if block >= _CHUNKS:
            raise ValueError("too many rows for one table")
        ms += block - ms % _CHUNKS
        value = id_at(ms, self.count)
        self.count += 1
        return value, ms


def _dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _constant(field: models.Field[Any, Any]) -> Any:
    value = field.get_default() if field.has_default() or not field.null else None
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


class _Writer:
    """Loads rows into one model's table: COPY on PostgreSQL, batched INSERTs elsewhere."""

    def __init__(
        self, progress: ProgressReporter = progress_silent, expected: dict[str, int] | None = None
    ) -> None:
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.progress = progress
        self.expected = expected or {}  # rows each table should get (about), for the time left
        self.postgres = connection.vendor == "postgresql"
        # Only with the foreign-key triggers off: pending trigger events would forbid the ALTER TABLEs.
        self.rebuild_indexes = False

    def load(
        self, label: str, model: type[models.Model], varying: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> None:
        """`varying` names the attnames each row gives, in order; every other column gets its default."""
        fields = [f for f in model._meta.concrete_fields if not f.get_internal_type().endswith("AutoField")]
        by_attname = {f.attname: f for f in fields}
        fixed = [f for f in fields if f.attname not in varying]
        const = tuple(_constant(f) for f in fixed)
        quote = connection.ops.quote_name
        columns = ", ".join(
            quote(c) for c in [by_attname[a].column for a in varying] + [f.column for f in fixed]
        )
        table = quote(model._meta.db_table)
        count, started = 0, time.monotonic()
        bar = self.progress(label, total=self.expected.get(label))
        if self.postgres:
            with (
                bar as shown,
                _indexes_rebuilt_after(model._meta.db_table, enabled=self.rebuild_indexes),
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row + const)
                    count += 1
                    if count % 1000 == 0:  # not per row: a million calls would show in the load time
                        shown.advance(1000)
                shown.advance(count % 1000)
        else:
            adapt = connection.ops.adapt_datetimefield_value
            marks = ", ".join(["%s"] * (len(varying) + len(fixed)))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the models
            iterator = iter(rows)
            with bar as shown, connection.cursor() as cursor:
                while batch := list(itertools.islice(iterator, 2000)):
                    cursor.executemany(
                        sql,
                        [
                            tuple(adapt(v) if isinstance(v, datetime) else v for v in row + const)
                            for row in batch
                        ],
                    )
                    count += len(batch)
                    shown.advance(len(batch))
        self.counts[label] = self.counts.get(label, 0) + count
        self.seconds[label] = self.seconds.get(label, 0.0) + time.monotonic() - started


_SECONDARY_INDEXES = """
SELECT pg_get_indexdef(x.indexrelid), i.relname, c.conname, pg_get_constraintdef(c.oid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype = 'u' AND c.conrelid = x.indrelid
WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = x.indexrelid)
"""


@contextmanager
def _indexes_rebuilt_after(table: str, *, enabled: bool) -> Iterator[None]:
    """Drop `table`'s secondary indexes and unique constraints, and build them again afterwards.

    Only for an empty table: one sorted index build is several times faster than millions of random
    B-tree insertions. The primary key stays (foreign keys depend on it). All inside the seed's
    transaction, so a failure restores them.
    """
    if not enabled:
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Into a table that already has rows, a rebuild would cost more than it saves: keep the indexes.
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608 - a model's table
        if cursor.fetchone()[0]:
            found = []
        else:
            cursor.execute(_SECONDARY_INDEXES, [table])
            found = cursor.fetchall()
        for _definition, index, constraint, _constraint_definition in found:
            if constraint:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}")
            else:
                cursor.execute(f"DROP INDEX {quote(index)}")
    yield
    with connection.cursor() as cursor:
        for definition, _index, constraint, constraint_definition in found:
            if constraint:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint)} {constraint_definition}"
                )
            else:
                cursor.execute(definition)


def _zipf_cumulative(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


def _per_note(rng: random.Random, weights: list[float], target: int, cap: int) -> list[int]:
    """Split `target` over notes in proportion to `weights` (randomized rounding), at most `cap` each.

    What the capped notes cannot take goes to the others (a few rounds of water-filling), so small
    scales with a few very popular notes still reach the target.
    """
    capped: set[int] = set()
    for _ in range(8):
        free = sum(w for i, w in enumerate(weights) if i not in capped)
        factor = (target - cap * len(capped)) / free if free else 0.0
        newly = {i for i, w in enumerate(weights) if i not in capped and w * factor > cap}
        if not newly:
            break
        capped |= newly
    counts = []
    for i, weight in enumerate(weights):
        if i in capped:
            counts.append(cap)
            continue
        expected = weight * factor
        whole = int(expected)
        counts.append(min(cap, whole + (rng.random() < expected - whole)))
    return counts


class _Text:
    """Titles, bodies, comments and names in each language."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        table = str.maketrans(vocab.TO_TRADITIONAL)
        self.hant_titles = vocab.ZH_HANT_TITLE_WORDS + tuple(w.translate(table) for w in vocab.ZH_TITLE_WORDS)
        self.hant_sentences = vocab.ZH_HANT_SENTENCES + tuple(s.translate(table) for s in vocab.ZH_SENTENCES)

    def _fit(self, words: Sequence[str], sep: str) -> str:
        rng = self.rng
        picked = rng.sample(words, min(len(words), rng.randint(2, 5)))
        title = picked[0]
        for word in picked[1:]:
            candidate = title + sep + word
            if len(candidate) > TITLE_MAX:
                break
            title = candidate
        emoji = rng.choice(_EMOJI)
        return title + emoji if len(title) + len(emoji) <= TITLE_MAX else title

    def title(self, language: str) -> str:
        rng = self.rng
        if language == "zh-Hans":
            return self._fit(vocab.ZH_TITLE_WORDS, "")
        if language == "zh-Hant":
            return self._fit(self.hant_titles, "")
        if language == "en":
            return self._fit(vocab.EN_TITLE_WORDS, " ").capitalize()
        return self._fit(rng.sample(vocab.EN_TITLE_WORDS, 2) + rng.sample(vocab.ZH_TITLE_WORDS, 2), " ")

    def body(self, language: str, topics: Sequence[str]) -> str:
        rng = self.rng
        count = rng.randint(2, 5)
        if language == "zh-Hans":
            text = "".join(rng.choices(vocab.ZH_SENTENCES, k=count))
        elif language == "zh-Hant":
            text = "".join(rng.choices(self.hant_sentences, k=count))
        elif language == "en":
            text = " ".join(rng.choices(vocab.EN_SENTENCES, k=count))
        else:
            text = (
                "".join(rng.choices(vocab.ZH_SENTENCES, k=count - 1)) + " " + rng.choice(vocab.EN_SENTENCES)
            )
        return text + "\n\n" + " ".join(f"#{t}" for t in topics)

    def topics(self, language: str) -> list[str]:
        rng = self.rng
        if language == "zh-Hans":
            return rng.sample(vocab.ZH_TOPICS, rng.randint(1, 3))
        if language == "zh-Hant":
            return rng.sample(vocab.ZH_HANT_TOPICS, rng.randint(1, 2))
        if language == "en":
            return rng.sample(vocab.EN_TOPICS, rng.randint(1, 3))
        return [rng.choice(vocab.ZH_TOPICS), rng.choice(vocab.EN_TOPICS)]

    def comment(self, language: str) -> tuple[str, str]:
        rng = self.rng
        if language == "mixed":
            language = rng.choice(("zh-Hans", "en"))
        pool = {"zh-Hans": vocab.ZH_COMMENTS, "zh-Hant": vocab.ZH_HANT_COMMENTS, "en": vocab.EN_COMMENTS}[
            language
        ]
        return rng.choice(pool), language

    def member(self) -> tuple[str, str, str]:
        """(display name, bio, languages as JSON)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            name = rng.choice(vocab.ZH_SURNAMES) + rng.choice(vocab.ZH_GIVEN)
            return name, "记录生活｜" + rng.choice(vocab.ZH_TOPICS), '["zh-Hans"]'
        if roll < 0.9:
            name = f"{rng.choice(vocab.EN_NAMES)} {rng.choice(vocab.EN_TITLE_WORDS).capitalize()}"
            return name, f"Sharing {rng.choice(vocab.EN_TOPICS)} and everyday life.", '["en"]'
        return f"{rng.choice(vocab.EN_NAMES)}{rng.choice(vocab.ZH_GIVEN)}", "", '["zh-Hans", "en"]'


def _placeholder() -> None:
    if default_storage.exists(PLACEHOLDER_KEY):
        return
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", PLACEHOLDER_SIZE, (236, 224, 214)).save(buffer, format="WEBP", quality=60)
    default_storage.save(PLACEHOLDER_KEY, ContentFile(buffer.getvalue()))


_LOADED = (
    User,
    Follow,
    FollowCounter,
    Note,
    MediaAsset,
    NoteImage,
    NoteTopic,
    Like,
    Board,
    Collect,
    Comment,
    NoteCounter,
)


def bench_seed(*, scale: float, seed: int = 1, progress: ProgressReporter = progress_silent) -> SeedResult:
    """Generate the benchmark dataset at `scale` (1.0 = the full dataset) into the default database, telling
    `progress` the rows of each table as they are written."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    target = {name: max(1, round(base * scale)) for name, base in BASE_COUNTS.items()}
    target["members"] = max(3, target["members"])
    handle_prefix = f"b{seed}_"
    if User.objects.filter(handle__istartswith=handle_prefix).exists():
        raise ValueError(f"members @{handle_prefix}… already exist: this dataset (seed {seed}) is loaded")
    started = time.monotonic()
    _placeholder()
    members, notes = target["members"], target["notes"]
    expected = {
        **target,
        "follow_counters": members,
        "media": notes,
        "note_images": notes,
        "note_counters": notes,
    }
    writer = _Writer(progress, expected)
    with transaction.atomic():
        if writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('is_superuser')")
                superuser = cursor.fetchone()[0] == "on"
                # Skip the per-row foreign-key triggers: the rows reference each other correctly.
                if superuser:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    writer.rebuild_indexes = True
        _generate(writer, random.Random(seed), target, handle_prefix)
        if writer.postgres:
            with connection.cursor() as cursor:
                if superuser:
                    cursor.execute("SET LOCAL session_replication_role = origin")
                for model in _LOADED:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return SeedResult(
        scale=scale,
        seed=seed,
        counts=writer.counts,
        table_seconds=writer.seconds,
        seconds=time.monotonic() - started,
        password=PASSWORD,
    )


def _generate(writer: _Writer, rng: random.Random, target: dict[str, int], handle_prefix: str) -> None:  # noqa: PLR0915 - one linear script
    text = _Text(rng)
    now_ms = int(time.time() * 1000) - 60_000  # a minute back: never the millisecond of a live ID
    window_start = now_ms - WINDOW_DAYS * DAY_MS
    n_members, n_notes = target["members"], target["notes"]

    # Members.
    ids = _Ids()
    password = make_password(PASSWORD)
    member_ids: list[int] = []
    join_ms: list[int] = []

    def members() -> Iterator[tuple[Any, ...]]:
        for index in range(n_members):
            member_id, ms = ids.at(
                now_ms - rng.randint(WINDOW_DAYS + 1, JOIN_DAYS) * DAY_MS - rng.randint(0, DAY_MS)
            )
            member_ids.append(member_id)
            join_ms.append(ms)
            name, bio, languages = text.member()
            yield (member_id, f"{handle_prefix}{index:06d}", password, name, bio, languages, _dt(ms))

    writer.load(
        "members",
        User,
        ("id", "handle", "password", "display_name", "bio", "languages", "date_joined"),
        members(),
    )

    # Popularity ranks: rank r is member ranked[r]; follows and authorship follow Zipf laws over the ranks.
    ranked = list(range(n_members))
    rng.shuffle(ranked)
    follow_cumulative = _zipf_cumulative(n_members, 1.0)
    author_cumulative = _zipf_cumulative(n_members, 0.7)

    ids = _Ids()
    average_follows = target["follows"] / n_members
    followers_of: Counter[int] = Counter()
    following_of: Counter[int] = Counter()

    def follows() -> Iterator[tuple[Any, ...]]:
        for follower in range(n_members):
            wanted = min(n_members - 1, max(1, int(rng.expovariate(1 / average_follows))))
            chosen = {
                ranked[r] for r, p in enumerate(HEAD_FOLLOW_PROBABILITY[:n_members]) if rng.random() < p
            }
            for _ in range(4):
                chosen.discard(follower)
                if len(chosen) >= wanted:
                    break
                chosen.update(rng.choices(ranked, cum_weights=follow_cumulative, k=wanted - len(chosen)))
            chosen.discard(follower)
            follower_id = member_ids[follower]
            for followee in chosen:
                follow_id, ms = ids.at(rng.randint(window_start, now_ms))
                at = _dt(ms)
                followers_of[member_ids[followee]] += 1
                following_of[follower_id] += 1
                yield (follow_id, follower_id, member_ids[followee], at, at)

    writer.load(
        "follows", Follow, ("id", "follower_id", "followee_id", "created_at", "accepted_at"), follows()
    )
    # Every seeded member is active and every follow accepted: shard 0 holds the exact counts.
    writer.load(
        "follow_counters",
        FollowCounter,
        ("user_id", "shard", "followers", "following"),
        ((pk, 0, followers_of[pk], following_of[pk]) for pk in sorted(set(followers_of) | set(following_of))),
    )

    # Topics, reusing any that already exist (the key is unique).
    names = list(dict.fromkeys(vocab.ZH_TOPICS + vocab.ZH_HANT_TOPICS + vocab.EN_TOPICS))
    existing = dict(Topic.objects.filter(key__in=[topic_key(n) for n in names]).values_list("key", "id"))
    topic_ids: dict[str, int] = {}
    ids = _Ids()
    fresh: list[tuple[Any, ...]] = []
    for name in names:
        key = topic_key(name)
        if key in existing:
            topic_ids[name] = existing[key]
        else:
            topic_id, ms = ids.at(window_start - DAY_MS)
            topic_ids[name] = topic_id
            fresh.append((topic_id, name, key, _dt(ms)))
    writer.load("topics", Topic, ("id", "name", "key", "created_at"), fresh)

    # Notes: metadata first (cheap), text generated while copying.
    authors = rng.choices(ranked, cum_weights=author_cumulative, k=n_notes)
    note_ids: list[int] = []
    note_ms: list[int] = []
    languages: list[str] = []
    ids = _Ids()
    for _ in range(n_notes):
        note_id, ms = ids.at(rng.randint(window_start, now_ms - 1000))
        note_ids.append(note_id)
        note_ms.append(ms)
        roll = rng.random()
        if roll < ZH_HANT_SHARE:
            languages.append("zh-Hant")
        elif roll < ZH_SHARE:
            languages.append("zh-Hans")
        elif roll < ZH_SHARE + EN_SHARE:
            languages.append("en")
        else:
            languages.append("mixed")
    note_topics: list[list[str]] = [text.topics(language) for language in languages]
    visibilities = [v for v, _ in VISIBILITY_WEIGHTS]
    visibility_weights = [w for _, w in VISIBILITY_WEIGHTS]

    def notes() -> Iterator[tuple[Any, ...]]:
        for i in range(n_notes):
            language, at = languages[i], _dt(note_ms[i])
            place = rng.choice(vocab.PLACES) if rng.random() < 0.3 else ""
            visibility = rng.choices(visibilities, visibility_weights)[0]
            body = text.body(language, note_topics[i])
            yield (
                note_ids[i],
                member_ids[authors[i]],
                text.title(language),
                body,
                language,
                visibility,
                place,
                at,
                at,
            )

    writer.load(
        "notes",
        Note,
        (
            "id",
            "author_id",
            "title",
            "body",
            "language",
            "visibility",
            "place_name",
            "created_at",
            "published_at",
        ),
        notes(),
    )

    # One ready MediaAsset per note, all on the shared placeholder file.
    width, height = PLACEHOLDER_SIZE
    variants = json.dumps({"360": PLACEHOLDER_KEY, "720": PLACEHOLDER_KEY, "1080": PLACEHOLDER_KEY})
    ids = _Ids()
    media_ids: list[int] = []

    def media() -> Iterator[tuple[Any, ...]]:
        for i in range(n_notes):
            media_id, ms = ids.at(note_ms[i] - 5000)
            media_ids.append(media_id)
            at = _dt(ms)
            yield (
                media_id,
                member_ids[authors[i]],
                "ready",
                "image/webp",
                width,
                height,
                variants,
                "LKO2?U%2Tw=w]~RBVZRi};RPxuwH",
                40_000,
                at,
                at,
            )

    writer.load(
        "media",
        MediaAsset,
        (
            "id",
            "owner_id",
            "state",
            "content_type",
            "width",
            "height",
            "variants",
            "blurhash",
            "size_bytes",
            "created_at",
            "processed_at",
        ),
        media(),
    )
    writer.load(
        "note_images",
        NoteImage,
        ("note_id", "media_id", "position"),
        ((n, m, 0) for n, m in zip(note_ids, media_ids, strict=True)),
    )
    writer.load(
        "note_topics",
        NoteTopic,
        ("note_id", "topic_id"),
        ((note_ids[i], topic_ids[name]) for i in range(n_notes) for name in note_topics[i]),
    )

    # Likes, collects and comments: popular notes get more of each (one Pareto weight per note).
    popularity = [rng.paretovariate(POPULARITY_ALPHA) for _ in range(n_notes)]
    cap = n_members - 1  # nobody likes or collects their own note here

    def others(i: int, count: int) -> Iterator[int]:
        author = authors[i]
        for s in rng.sample(range(cap), count):
            yield s if s < author else s + 1

    like_counts = _per_note(rng, popularity, target["likes"], cap)
    ids = _Ids()

    def likes() -> Iterator[tuple[Any, ...]]:
        for i, count in enumerate(like_counts):
            start, note_id = note_ms[i], note_ids[i]
            for user in others(i, count):
                like_id, ms = ids.at(start + int(rng.random() * (now_ms - start)))
                yield (like_id, member_ids[user], note_id, _dt(ms))

    writer.load("likes", Like, ("id", "user_id", "note_id", "created_at"), likes())

    ids = _Ids()
    board_ids = []

    def boards() -> Iterator[tuple[Any, ...]]:
        for index in range(n_members):
            board_id, ms = ids.at(join_ms[index] + 1000)
            board_ids.append(board_id)
            yield (board_id, member_ids[index], "", True, _dt(ms))

    writer.load("boards", Board, ("id", "owner_id", "name", "is_default", "created_at"), boards())

    collect_counts = _per_note(rng, popularity, target["collects"], cap)
    ids = _Ids()

    def collects() -> Iterator[tuple[Any, ...]]:
        for i, count in enumerate(collect_counts):
            start, note_id = note_ms[i], note_ids[i]
            for user in others(i, count):
                collect_id, ms = ids.at(start + int(rng.random() * (now_ms - start)))
                yield (collect_id, member_ids[user], note_id, board_ids[user], _dt(ms))

    writer.load("collects", Collect, ("id", "user_id", "note_id", "board_id", "created_at"), collects())

    comment_counts = _per_note(rng, popularity, target["comments"], 10 * n_members)
    ids = _Ids()

    def comments() -> Iterator[tuple[Any, ...]]:
        for i, count in enumerate(comment_counts):
            start, note_id, language = note_ms[i], note_ids[i], languages[i]
            roots: list[tuple[int, int]] = []  # (comment id, author id)
            for when in sorted(start + int(rng.random() * (now_ms - start)) for _ in range(count)):
                comment_id, ms = ids.at(when)
                author_id = member_ids[rng.randrange(n_members)]
                body, comment_language = text.comment(language)
                if roots and rng.random() < 0.3:
                    root_id, root_author = rng.choice(roots)
                    yield (
                        comment_id,
                        note_id,
                        author_id,
                        root_id,
                        root_id,
                        root_author,
                        body,
                        comment_language,
                        _dt(ms),
                    )
                else:
                    roots.append((comment_id, author_id))
                    yield (comment_id, note_id, author_id, None, None, None, body, comment_language, _dt(ms))

    writer.load(
        "comments",
        Comment,
        (
            "id",
            "note_id",
            "author_id",
            "root_id",
            "parent_id",
            "reply_to_id",
            "body",
            "language",
            "created_at",
        ),
        comments(),
    )

    # Shard 0 holds each note's exact totals; the other shards are created by live writes when needed.
    writer.load(
        "note_counters",
        NoteCounter,
        ("note_id", "shard", "likes", "collects", "comments"),
        zip(note_ids, itertools.repeat(0), like_counts, collect_counts, comment_counts, strict=False),
    )
