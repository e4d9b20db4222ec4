"""Readiness: can this process serve requests now? (`/readyz`; `/healthz` only says the process answers.)

Each dependency the configuration uses is tried once, with a short timeout: the database, the cache when it
is Redis, and the job queue when jobs go to Celery (its broker). The embedded default's job queue is a table
of the database, checked with it; in-process caches are part of the process, which `/healthz` covers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


def _database() -> Check:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        connection.close()  # the next request gets a fresh connection instead of this broken one
        return Check("database", ok=False, detail=type(error).__name__)
    return Check("database", ok=True)


def _redis(name: str, url: str) -> Check:
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        return Check(name, ok=False, detail=type(error).__name__)
    finally:
        client.close()
    return Check(name, ok=True)


def readiness_checks() -> list[Check]:
    """The dependencies of this configuration, each tried once."""
    checks = [_database()]
    if settings.HONGSHU.redis_url:
        checks.append(_redis("cache", settings.HONGSHU.redis_url))
    if settings.JOBS_MODE == "celery" and settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        checks.append(_redis("jobs", settings.CELERY_BROKER_URL))
    for check in checks:
        if not check.ok:
            logger.warning("not ready: %s unreachable (%s)", check.name, check.detail)
    return checks
