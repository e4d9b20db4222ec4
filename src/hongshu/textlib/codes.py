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

_TRADITIONAL_REGIONS = frozenset({"tw", "hk", "mo"})


def readable_language(tag: str) -> str | None:
    """The `READABLE_LANGUAGES` code a BCP 47 tag means, or None when it names none of them.

    Tags are read without regard to case and with `_` or `-` between subtags. Plain `zh` is Simplified
    Chinese, as browsers and most platforms read it; a script subtag decides when given (`zh-Hant-CN`), then
    the region (`zh-TW`, `zh-HK` and `zh-MO` are Traditional, other regions Simplified). Other languages keep
    their primary subtag (`en-GB` is `en`).
    """
    if tag in READABLE_LANGUAGES:
        return tag
    subtags = tag.replace("_", "-").lower().split("-")
    primary = subtags[0]
    if primary == "zh":
        if "hant" in subtags[1:]:
            return "zh-Hant"
        if "hans" in subtags[1:]:
            return "zh-Hans"
        return "zh-Hant" if _TRADITIONAL_REGIONS.intersection(subtags[1:]) else "zh-Hans"
    return primary if primary in READABLE_LANGUAGES else None
