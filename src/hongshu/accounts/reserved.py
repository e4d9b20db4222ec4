"""Handles members may not register: the one list, and the rule that catches its variants.

A handle that reads as the platform or as its staff lets its owner impersonate them, so sign-up refuses
(staff accounts are made with `hongshu createadmin`, which does not apply this rule):

- `ROUTE_WORDS`: words the site uses in its own paths and pages, refused as the whole handle (any case).
- `ROLE_WORDS`: words that claim authority. Refused when, after folding (below), they are the whole handle,
  or one of its `_`-separated parts (`admin_`, `bob_admin`, `official_news`, `team_staff_2`), or — for the
  longer, unambiguous ones in `ROLE_AFFIXES` — its beginning or end even without a separator
  (`administrator`, `adminbob`, `newsofficial`).
- `BRAND_WORDS`: the platform's own name, refused anywhere in the handle (`hongshu_team`, `myhongshu`).

Folding, applied to the handle and to each part: lower case; separators (`_`, `.`, `-`) removed when the
whole handle is compared; digits at the start or end dropped (`admin2024`, `1root`); leetspeak read back
as letters (`4dm1n`, `r00t`, `5taff`, `0ff1c1al`), with `1`, `l` and `i` treated as one letter so
`officia1` and `adm1n` both match.
"""

from __future__ import annotations

import regex

ROUTE_WORDS = frozenset(
    {"about", "api", "explore", "following", "help", "login", "logout", "me", "media", "notes",
     "notifications", "search", "settings", "signin", "signout", "signup", "static", "topics"}
)  # fmt: skip
ROLE_WORDS = frozenset(
    {"admin", "administrator", "admins", "hostmaster", "moderator", "moderators", "official",
     "postmaster", "root", "security", "staff", "superuser", "support", "sysadmin", "system", "webmaster"}
)  # fmt: skip
# Long enough that they hardly occur inside ordinary words, so refused as a prefix or suffix too.
ROLE_AFFIXES = ("admin", "moderator", "official", "superuser", "sysadmin", "webmaster")
BRAND_WORDS = ("hongshu", "rednote")

_SEPARATORS = regex.compile(r"[_.\-]+")
_EDGE_DIGITS = regex.compile(r"^\d+|\d+$")
# Leetspeak back to letters; `l` joins `1` and `i` so one fold serves "adm1n" and "officia1".
_LEET = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "i", "l": "i", "!": "i", "0": "o", "5": "s",
                       "$": "s", "7": "t", "+": "t"})  # fmt: skip


def _folds(word: str) -> set[str]:
    """The ways `word` may be read: lower case with leetspeak read back, with and without the digits at
    its ends (digits are both letters in disguise, `4dm1n`, and decoration, `admin2024`)."""
    word = word.lower()
    return {word.translate(_LEET), _EDGE_DIGITS.sub("", word).translate(_LEET)} - {""}


def _fold(word: str) -> str:
    return word.lower().translate(_LEET)


_ROLES = frozenset(_fold(word) for word in ROLE_WORDS)
_AFFIXES = tuple(_fold(word) for word in ROLE_AFFIXES)
_BRANDS = tuple(_fold(word) for word in BRAND_WORDS)


def is_reserved_handle(handle: str) -> bool:
    """Whether sign-up refuses this handle (see the module docstring for the rule)."""
    if handle.lower() in ROUTE_WORDS:
        return True
    wholes = _folds(_SEPARATORS.sub("", handle))
    parts = {fold for part in _SEPARATORS.split(handle) for fold in _folds(part)}
    if (wholes | parts) & _ROLES:
        return True
    if any(whole.startswith(_AFFIXES) or whole.endswith(_AFFIXES) for whole in wholes):
        return True
    return any(brand in whole for whole in wholes for brand in _BRANDS)
