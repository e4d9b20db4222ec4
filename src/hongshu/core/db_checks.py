"""`hongshu check --deploy`: warn when the PostgreSQL server runs settings our benchmarks showed to hurt.

On the million-note dataset, with `shared_buffers` at its 128 MB default, search's uniform p95 was 220 ms
against 77–98 ms tuned, and `random_page_cost` 4 (a spinning disk's figure) picked worse plans
(docs/operations.md, docs/benchmarks.md). `jit` is not checked: every connection of ours turns it off
(hongshu.config.settings). The check reads the running server's values, so it speaks only when deploying
against a real database; it stays silent on SQLite and when the server cannot be reached (the readiness
probe reports that).
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.checks import CheckMessage, register
from django.db import DatabaseError, connections

SHARED_BUFFERS_MIN_MB = 256  # above the 128 MB default; the documented value is about 1/6 of RAM
RANDOM_PAGE_COST_MAX = 2.0  # the documented value is 1.1 (SSD)


def _server_settings(alias: str) -> dict[str, tuple[str, str | None]]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'random_page_cost')"
        )
        return {name: (setting, unit) for name, setting, unit in cursor.fetchall()}


def _megabytes(setting: str, unit: str | None) -> float:
    sizes = {"8kB": 8 / 1024, "kB": 1 / 1024, "MB": 1.0, "GB": 1024.0}
    return float(setting) * sizes.get(unit or "MB", 1.0)


def postgres_settings_messages(alias: str = "default") -> list[CheckMessage]:
    """Warnings for one PostgreSQL alias (empty for other engines or an unreachable server)."""
    if connections[alias].vendor != "postgresql":
        return []
    try:
        found = _server_settings(alias)
    except DatabaseError:
        return []
    messages: list[CheckMessage] = []
    if "shared_buffers" in found:
        mb = _megabytes(*found["shared_buffers"])
        if mb < SHARED_BUFFERS_MIN_MB:
            messages.append(
                checks.Warning(
                    f"PostgreSQL ({alias}) runs with shared_buffers = {mb:.0f} MB.",
                    hint="Set shared_buffers to about 1/6 of the server's RAM (and effective_cache_size to "
                    "about 2/3): at the 128 MB default, search at a million notes had a p95 of 220 ms instead "
                    "of 77-98 ms (docs/operations.md#scale-out).",
                    id="hongshu.W001",
                )
            )
    if "random_page_cost" in found and float(found["random_page_cost"][0]) > RANDOM_PAGE_COST_MAX:
        messages.append(
            checks.Warning(
                f"PostgreSQL ({alias}) runs with random_page_cost = {found['random_page_cost'][0]}.",
                hint="Set random_page_cost = 1.1 on SSD storage: at 4 the planner prefers worse plans for "
                "feed and search queries (docs/operations.md#scale-out).",
                id="hongshu.W002",
            )
        )
    return messages


@register(deploy=True)
def postgres_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [message for alias in connections for message in postgres_settings_messages(alias)]
