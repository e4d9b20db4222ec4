"""What every translation provider implements, what it returns and how it fails."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["translation", "gloss"]
FailureReason = Literal["timeout", "rate_limited", "upstream_error", "malformed", "rejected", "pending"]
# Languages we translate into (the two UI languages, plus Traditional for readers who choose it).
TARGETS = ("en", "zh-Hans", "zh-Hant")


@dataclass(frozen=True, slots=True)
class GlossToken:
    """One word of a dictionary gloss: the original, its pinyin with tone marks, its first meaning."""

    original: str
    pinyin: str | None
    meaning: str | None


@dataclass(frozen=True, slots=True)
class TranslationResult:
    text: str
    kind: Kind
    provider: str
    source: str
    target: str
    gloss: tuple[GlossToken, ...] = field(default=())


class TranslationFailure(Exception):
    """The provider could not give a usable translation. `reason` is stable; readers see the original."""

    def __init__(
        self, reason: FailureReason, message: str = "", *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{reason}: {message}" if message else reason)
        self.reason: FailureReason = reason
        self.headers = headers or {}  # a rate limit's Retry-After and RateLimit-* for the 429


class TranslationProvider(abc.ABC):
    name: str

    @abc.abstractmethod
    def translate(self, *, text: str, source: str, target: str) -> TranslationResult:
        """`text` from `source` (a detected code, may be "und"/"mixed") into `target` (one of TARGETS).

        Raises TranslationFailure; never returns an empty or unchecked translation.
        """


def is_chinese(code: str) -> bool:
    return code.startswith("zh")
