"""DeepL API v2: POST /v2/translate (JSON) with `Authorization: DeepL-Auth-Key …`."""

from __future__ import annotations

from hongshu.language.translation import http
from hongshu.language.translation.base import TranslationProvider, TranslationResult

# Target codes carry the variant; source codes do not (DeepL's documented lists).
TARGET_CODES = {"en": "EN-US", "zh-Hans": "ZH-HANS", "zh-Hant": "ZH-HANT", "ja": "JA", "ko": "KO"}
SOURCE_CODES = {"en": "EN", "zh-Hans": "ZH", "zh-Hant": "ZH", "ja": "JA", "ko": "KO"}
DEFAULT_URL = "https://api-free.deepl.com"
DEEPL_SOURCES = {"EN": "en", "ZH": "zh-Hans", "JA": "ja", "KO": "ko"}


class DeepLProvider(TranslationProvider):
    name = "deepl"

    def __init__(self, *, url: str | None, api_key: str | None, timeout: float) -> None:
        self.url, self.api_key, self.timeout = url or DEFAULT_URL, api_key or "", timeout

    def translate(self, *, text: str, source: str, target: str) -> TranslationResult:
        payload: dict[str, object] = {"text": [text], "target_lang": TARGET_CODES[target]}
        if source in SOURCE_CODES:
            payload["source_lang"] = SOURCE_CODES[source]
        headers = {"Authorization": f"DeepL-Auth-Key {self.api_key}"}
        data = http.post(f"{self.url}/v2/translate", json=payload, headers=headers, timeout=self.timeout)
        output = http.text_of(http.dig(data, "translations", 0, "text"))
        detected = http.dig(data, "translations", 0).get("detected_source_language", "")
        return TranslationResult(
            text=output,
            kind="translation",
            provider=self.name,
            source=DEEPL_SOURCES.get(str(detected).upper(), source),
            target=target,
        )
