"""Django settings, derived from the typed `HongshuSettings` (see env.py and docs/configuration.md)."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Any

import dj_database_url
import dj_email_url
from django.utils.translation import gettext_lazy as _

from hongshu.config.env import HongshuSettings

HONGSHU = HongshuSettings()
VAR_DIR = HONGSHU.var_dir


def _var_dir_make_private(path: Path) -> None:
    """var/ holds the database, the uploads and maybe the secret key: only its owner may enter it (0700),
    whatever the umask. A folder we do not own (a mount prepared by an operator) is theirs to set."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(PermissionError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o700)


_var_dir_make_private(VAR_DIR)

DEBUG = HONGSHU.debug
# development | test | production; production refuses what only suits a trial (the demo members).
HONGSHU_ENVIRONMENT = HONGSHU.environment
HONGSHU_ADMIN_PATH = HONGSHU.admin_path
SECRET_KEY = HONGSHU.resolved_secret_key()
ALLOWED_HOSTS = HONGSHU.allowed_hosts
SITE_URL = HONGSHU.site_url.rstrip("/")

INSTALLED_APPS = [
    # The admin for the instance's admins, without autodiscovery: hongshu.web.admin_site is all of it.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its templates and static files serve the API docs (Swagger UI) from this app, not from a CDN.
    "ninja",
    "hongshu.core",
    "hongshu.screening",
    "hongshu.accounts",
    "hongshu.security",
    "hongshu.registration",
    "hongshu.media",
    "hongshu.notes",
    "hongshu.social",
    "hongshu.interactions",
    "hongshu.comments",
    "hongshu.topics",
    "hongshu.notifications",
    "hongshu.language",
    "hongshu.search",
    "hongshu.embeddings",
    "hongshu.trends",
    "hongshu.members",  # no models: installed so Celery finds its tasks (trust recompute, surge check)
    "hongshu.discovery",
    "hongshu.feeds",
    "hongshu.moderation",
    "hongshu.web",
    "hongshu.ops",  # no models: health, metrics, Sentry (started when its app is ready)
]

MIDDLEWARE = [
    # Forwarding headers from anyone but a trusted proxy are dropped before anything reads them.
    "hongshu.core.proxies.TrustedProxyHeadersMiddleware",
    "hongshu.core.requestid.RequestIdMiddleware",
    "hongshu.ops.middleware.MetricsMiddleware",
    # /healthz, /readyz and /metrics, answered before host checks, sessions and HTTPS redirects.
    "hongshu.ops.middleware.OpsEndpointsMiddleware",
    # Outermost of the pages, so every response gets the policy: static files, redirects, CSRF failures, error pages.
    "hongshu.web.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hongshu.accounts.middleware.BearerTokenMiddleware",
    # Indexes the signed-in web sessions per member and ends revoked ones (hongshu.security.sessions).
    "hongshu.security.middleware.SessionIndexMiddleware",
    # Counts every write against the `write` ceiling of the rate table (hongshu.config.write_limit).
    "hongshu.config.write_limit.WriteLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hongshu.config.urls"
WSGI_APPLICATION = "hongshu.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "sign-in"  # Django resolves the URL name; `login_required` adds ?next=

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _session_options() -> str:
    """Settings every PostgreSQL connection of ours starts with (libpq `options`). `jit` off: at our query
    sizes PostgreSQL spent more compiling than running (0.8 s on one following page, docs/benchmarks.md).
    A web process (hongshu.config.wsgi marks it) also gets `statement_timeout`, so one runaway query cannot
    hold a worker and its connection; jobs and commands do not (a rebuild may rightly take minutes).
    Behind PgBouncer, list `options` in its `ignore_startup_parameters` and set both on the role instead."""
    options = ["-c jit=off"]
    timeout = HONGSHU.database_web_statement_timeout_ms
    if os.environ.get("HONGSHU_PROCESS") == "web" and timeout > 0:
        options.append(f"-c statement_timeout={timeout}")
    return " ".join(options)


def _database(url: str | None = None) -> dict[str, Any]:
    url = url or HONGSHU.database_url
    if url:
        db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "hongshu.sqlite3")}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, creating the database files readable by their owner only (config/sqlite).
        db["ENGINE"] = "hongshu.config.sqlite"
        # WAL lets readers proceed while a writer commits; IMMEDIATE avoids lock-upgrade deadlocks.
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    if db["ENGINE"] == "hongshu.config.sqlite":
        # A file, not Django's shared-cache in-memory default: shared-cache locks tables with no busy
        # timeout ("database table is locked"), so concurrent tests would not see what production sees.
        db["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    else:
        db["TEST"] = {"NAME": db["NAME"] + "_test"}
        # Parameters bound by the server, and a statement run twice on a connection prepared (psycopg): the
        # database then plans the ORM's fixed queries once instead of on every request, which took as long as
        # running them (docs/benchmarks.md#prepared-statements-on-postgresql). Statements whose best plan
        # depends on the values opt out (search.backends, where a generic plan would read every match of a
        # common word).
        db["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2, "options": _session_options()}
    return db


DATABASES = {"default": _database()}
if HONGSHU.database_replica_url:
    # Feed and search reads (hongshu.core.replica); the tests read it as the primary itself.
    DATABASES["replica"] = {**_database(HONGSHU.database_replica_url), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["hongshu.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if HONGSHU.redis_url:
    # django-redis rather than Django's own backend: that one builds a new client (and its response
    # callbacks) on every call, and a search makes two or three (docs/benchmarks.md#redis-cache-client).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": HONGSHU.redis_url,
            "KEY_PREFIX": "hongshu",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Both run in at most `password_hash_concurrency` hashes at once per process (hongshu.accounts.hashers).
PASSWORD_HASHERS = (
    ["hongshu.accounts.hashers.BoundedMD5PasswordHasher"]
    if HONGSHU.fast_password_hasher
    else ["hongshu.accounts.hashers.BoundedArgon2PasswordHasher"]
)
# Sign-up and password changes (API and web) call `validate_password` with the member, so a password
# like the handle or display name is refused too; eight spaces or "aaaaaaaa" fail the last one.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "hongshu.accounts.password_validation.MemberAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("handle", "display_name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "hongshu.accounts.password_validation.VariedCharactersValidator",
        "OPTIONS": {"min_distinct": 4},
    },
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [str(Path(__file__).resolve().parent.parent / "locale")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = str(VAR_DIR / "static")
(VAR_DIR / "static").mkdir(exist_ok=True)
# Serve app static files straight from the packages, so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = str(HONGSHU.media_root or VAR_DIR / "media")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if HONGSHU.media_storage == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": HONGSHU.s3_bucket,
            "endpoint_url": HONGSHU.s3_endpoint_url,
            "access_key": HONGSHU.s3_access_key,
            "secret_key": HONGSHU.s3_secret_key,
            "region_name": HONGSHU.s3_region,
            "default_acl": "private",
            # Photos are served by redirecting to a signed link (web.views.media), never through Python.
            "querystring_auth": True,
            "querystring_expire": HONGSHU.media_signed_url_seconds,
            # Self-hosted S3-compatible services (MinIO, Ceph, moto) answer on one host: path-style URLs.
            "addressing_style": "path" if HONGSHU.s3_endpoint_url else None,
            "file_overwrite": False,
        },
    }
# Uploads above this stay on disk while they are validated instead of in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = HONGSHU.upload_max_bytes + 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_NAME = "hongshu_language"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if HONGSHU.environment == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Behind a proxy (docs/operations.md#behind-a-proxy). Forms posted from the public address pass Django's
# origin check even when the proxy is on another host or port.
CSRF_TRUSTED_ORIGINS = [HONGSHU.site_origin]
if HONGSHU.trusted_proxies:
    # Believed only from the trusted proxies: core.proxies drops the header from any other peer.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HONGSHU.ssl_redirect
SECURE_HSTS_SECONDS = HONGSHU.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = HONGSHU.hsts_include_subdomains
SECURE_HSTS_PRELOAD = HONGSHU.hsts_preload

# Mail (hongshu.accounts.mail): Django's email framework, the backend and its options from one URL.
# `locmem://` is accepted as a name for Django's in-memory backend (dj-email-url calls it `memory://`).
_EMAIL = dj_email_url.parse(
    "memory://" + HONGSHU.email_url.removeprefix("locmem://")
    if HONGSHU.email_url.startswith("locmem://")
    else HONGSHU.email_url
)
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _EMAIL["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _EMAIL["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _EMAIL["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = bool(_EMAIL["EMAIL_USE_TLS"])
EMAIL_USE_SSL = bool(_EMAIL["EMAIL_USE_SSL"])
EMAIL_TIMEOUT = _EMAIL["EMAIL_TIMEOUT"] or 10
if _EMAIL.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = _EMAIL["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = SERVER_EMAIL = HONGSHU.email_from
# Django's PasswordResetTokenGenerator: a reset link works this long, and once (hongshu.accounts.emails).
PASSWORD_RESET_TIMEOUT = HONGSHU.password_reset_timeout_seconds

# Celery: used only when jobs run on workers; embedded and test modes run tasks in-process.
JOBS_MODE = HONGSHU.jobs_mode
CELERY_BROKER_URL = HONGSHU.redis_url or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers log through LOGGING below (the request id of each job's request included), not Celery's own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Durable jobs (hongshu.core.jobs, core.jobqueue; docs/operations.md#jobs) -------------------------------
# A queue per kind of work (core.jobs.JOB_QUEUES), so a burst of one kind never delays the others
# (`hongshu worker` consumes every queue unless given -Q). A job is acknowledged once it ran, and requeued when
# its worker process is lost; a worker reserves one job at a time.
JOBS_QUEUE_PREFIX = HONGSHU.jobs_queue_prefix
JOBS_LEASE_SECONDS = HONGSHU.jobs_lease_seconds
JOBS_POLL_SECONDS = HONGSHU.jobs_poll_seconds
CELERY_TASK_ROUTES = ("hongshu.core.jobs.route_task",)
CELERY_TASK_DEFAULT_QUEUE = f"{JOBS_QUEUE_PREFIX}default"
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True  # a failure is recorded as a dead letter, not redelivered
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": HONGSHU.jobs_visibility_timeout_seconds,
    # Look for unacknowledged jobs of dead workers every interval (kombu's default scans every 10th time).
    "unacked_restore_interval": min(10, HONGSHU.jobs_visibility_timeout_seconds),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# --- end of durable jobs ----------------------------------------------------------------------------------

# Every line carries the request id of the request or job it comes from (core.requestid); `log_format` json
# writes one JSON object per line for log collectors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "hongshu.core.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": HONGSHU.log_format,
        }
    },
    "root": {"handlers": ["console"], "level": HONGSHU.log_level},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
