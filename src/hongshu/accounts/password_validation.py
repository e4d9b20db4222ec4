"""A password validator Django lacks, listed in AUTH_PASSWORD_VALIDATORS beside Django's own."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Spaces of every kind (U+0020, NBSP, ideographic space...), invisible format characters and controls:
# none of them makes a password harder to guess, and some are typed by accident or pasted invisibly.
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc"})


class VariedCharactersValidator:
    """Refuse passwords made only of blanks, or of fewer than `min_distinct` different visible characters.

    Django's MinimumLengthValidator counts eight spaces (or eight no-break spaces, or "aaaaaaaa") as eight
    characters; this asks for some variety among the characters one can see.
    """

    def __init__(self, min_distinct: int = 4) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        visible = {
            c for c in password if not c.isspace() and unicodedata.category(c) not in _BLANK_CATEGORIES
        }
        if not visible:
            raise ValidationError(_("This password has only spaces."), code="password_blank")
        if len(visible) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "This password must contain at least %(min_distinct)d different character.",
                    "This password must contain at least %(min_distinct)d different characters.",
                    self.min_distinct,
                )
                % {"min_distinct": self.min_distinct},
                code="password_too_uniform",
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_distinct)d different character, not only spaces.",
            "Your password must contain at least %(min_distinct)d different characters, not only spaces.",
            self.min_distinct,
        ) % {"min_distinct": self.min_distinct}
