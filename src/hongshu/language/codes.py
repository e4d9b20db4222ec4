"""Languages a member can say they read, as BCP 47 tags (shown in the UI by their own names)."""

READABLE_LANGUAGES: dict[str, str] = {
    "zh-Hans": "简体中文",
    "zh-Hant": "繁體中文",
    "en": "English",
    "ja": "日本語",
    "ko": "한국어",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
}
CONTENT_LANGUAGES = frozenset({"zh-Hans", "zh-Hant", "en", "ja", "ko", "mixed", "und"})
