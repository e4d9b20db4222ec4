"""With REDIS_URL set, the cache really is Redis (shared by every process), not process memory."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_the_cache_is_shared_through_redis(settings: Any) -> None:
    key = f"probe-{uuid.uuid4().hex}"
    cache.set(key, "红薯", timeout=30)
    # A separate client, as another web node or worker would have, reads the same entry.
    other = redis.Redis.from_url(settings.HONGSHU.redis_url)
    try:
        stored = list(other.scan_iter(match=f"*{key}"))
        assert len(stored) == 1
        assert stored[0].decode().startswith("hongshu:")
        assert 0 < other.ttl(stored[0]) <= 30
    finally:
        other.close()
    assert cache.get(key) == "红薯"
    cache.delete(key)
    assert cache.get(key) is None
