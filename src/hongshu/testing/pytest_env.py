"""Loaded with `-p` before pytest-django reads settings: the environment every test run starts from.

Jobs run inline (after commit, through a JSON round-trip), passwords use a fast hasher, and all state
goes to a fresh temporary folder. DATABASE_URL / REDIS_URL pass through, so the runner picks the suite.
"""

import os
import tempfile

os.environ.setdefault("HONGSHU_ENVIRONMENT", "test")
os.environ.setdefault("HONGSHU_JOBS", "inline")
os.environ.setdefault("HONGSHU_FAST_PASSWORD_HASHER", "true")
# Tests search right after writing; the search cache's own test turns it on.
os.environ.setdefault("HONGSHU_SEARCH_CACHE_SECONDS", "0")
# Tests sign up and in hundreds of times a minute; the rate-limit tests turn the limits on with small rates.
os.environ.setdefault("HONGSHU_RATE_LIMITS_ENABLED", "false")
os.environ.setdefault("HONGSHU_VAR_DIR", tempfile.mkdtemp(prefix="hongshu-test-"))
