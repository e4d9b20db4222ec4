"""Password validators listed in AUTH_PASSWORD_VALIDATORS beside Django's own."""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# Spaces of every kind (U+0020, NBSP, ideographic space...), invisible format characters and controls:
# none of them makes a password harder to guess, and some are typed by accident or pasted invisibly.
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc"})


class MemberAttributeSimilarityValidator(UserAttributeSimilarityValidator):
    """Django's check that a password is not like the member's handle or name, naming the attribute in the
    reader's language: Django names it by the model field's verbose name, which for `handle` is untranslated
    ("密码跟 handle 太相似了")."""

    LABELS: ClassVar[dict[str, Promise]] = {
        "handle": gettext_lazy("handle"),
        "display_name": gettext_lazy("display name"),
        "email": gettext_lazy("email address"),
    }

    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as exc:
            labels = {_verbose_name(user, name): label for name, label in self.LABELS.items()}
            params = dict(exc.params or {})
            params["verbose_name"] = labels.get(str(params.get("verbose_name")), params.get("verbose_name"))
            raise ValidationError(exc.message, code=exc.code, params=params) from None


def _verbose_name(user: Any, attribute: str) -> str:
    """The name Django's validator reports for `attribute` (the field's verbose name, else the attribute)."""
    try:
        return str(user._meta.get_field(attribute).verbose_name)
    except FieldDoesNotExist:
        return attribute


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
