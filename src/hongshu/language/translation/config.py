"""Provider settings, read at call time from `settings.HONGSHU` (so tests and operators can change them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class ProviderConfig:
    provider: str
    url: str | None
    api_key: str | None
    model: str
    timeout: float
    member_limit: int
    global_limit: int
    pretranslate_count: int


def provider_config() -> ProviderConfig:
    hongshu = settings.HONGSHU
    return ProviderConfig(
        provider=hongshu.translation_provider,
        url=hongshu.translation_url.rstrip("/") if hongshu.translation_url else None,
        api_key=hongshu.translation_api_key,
        model=hongshu.translation_model,
        timeout=hongshu.translation_timeout,
        member_limit=hongshu.translation_member_limit,
        global_limit=hongshu.translation_global_limit,
        pretranslate_count=hongshu.translation_pretranslate_count,
    )
