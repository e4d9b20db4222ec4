"""LibreTranslate: POST /translate {q, source, target, format, api_key} → {"translatedText": …}."""

from __future__ import annotations

from hongshu.language.translation import http
from hongshu.language.translation.base import TranslationProvider, TranslationResult

# LibreTranslate's codes (Argos models): "zh" is Simplified, "zt" Traditional.
CODES = {"en": "en", "zh-Hans": "zh", "zh-Hant": "zt", "ja": "ja", "ko": "ko"}


class LibreTranslateProvider(TranslationProvider):
    name = "libretranslate"

    def __init__(self, *, url: str, api_key: str | None, timeout: float) -> None:
        self.url, self.api_key, self.timeout = url, api_key, timeout

    def translate(self, *, text: str, source: str, target: str) -> TranslationResult:
        payload = {
            "q": text,
            "source": CODES.get(source, "auto"),
            "target": CODES[target],
            "format": "text",
            "api_key": self.api_key or "",
        }
        data = http.post(f"{self.url}/translate", json=payload, timeout=self.timeout)
        output = http.text_of(http.dig(data, "translatedText"))
        return TranslationResult(
            text=output, kind="translation", provider=self.name, source=source, target=target
        )
