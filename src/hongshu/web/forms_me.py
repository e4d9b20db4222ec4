"""Forms of the member's own pages (compose, profile, settings). They only parse; services keep the rules."""

from __future__ import annotations

import re
from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.interests import INTERESTS
from hongshu.core.errors import ProblemError
from hongshu.textlib.codes import READABLE_LANGUAGES

VISIBILITY_CHOICES = [
    ("public", _("Public")),
    ("followers", _("Followers only")),
    ("private", _("Only me")),
]
_TOPIC_SPLIT = re.compile(r"[\s,，、#]+")


class ProblemForm(forms.Form):
    """A form that shows a service's error next to the field it names (or above the form)."""

    aliases: ClassVar[dict[str, str]] = {}
    # Errors without a field that still belong to one (e.g. a wrong current password).
    code_fields: ClassVar[dict[str, str]] = {}
    outside_fields: ClassVar[frozenset[str]] = frozenset()

    def add_problem(self, problem: ProblemError) -> None:
        errors = problem.extra.get("errors") or [
            {"field": self.code_fields.get(problem.code or ""), "message": str(problem)}
        ]
        for error in errors:
            field = error.get("field") or ""
            field = self.aliases.get(field, field)
            if field in self.outside_fields:
                self.outside_errors.setdefault(field, []).append(error["message"])
            else:
                self.add_error(field if field in self.fields else None, error["message"])

    @property
    def outside_errors(self) -> dict[str, list[str]]:
        """Errors of inputs the form does not parse itself (the compose page's photos)."""
        if not hasattr(self, "_outside"):
            self._outside: dict[str, list[str]] = {}
        return self._outside


class ComposeForm(ProblemForm):
    title = forms.CharField(label=_("Title"), required=False, strip=False)
    body = forms.CharField(
        label=_("Text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        help_text=_("Separate topics with spaces, e.g. #travel #美食"),
    )
    place = forms.CharField(label=_("Place"), required=False)
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=VISIBILITY_CHOICES, initial="public")
    aliases: ClassVar[dict[str, str]] = {
        "place.lat": "place",
        "place.lng": "place",
        "images": "photos",
        "media_ids": "photos",
        "image_ids": "photos",
    }
    outside_fields: ClassVar[frozenset[str]] = frozenset({"photos"})

    def topic_names(self) -> list[str]:
        return [name for name in _TOPIC_SPLIT.split(self.cleaned_data.get("topics") or "") if name]


class ProfileForm(ProblemForm):
    display_name = forms.CharField(label=_("Name"), required=False)
    bio = forms.CharField(label=_("Bio"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    languages = forms.MultipleChoiceField(
        label=_("Languages you read"),
        required=False,
        choices=list(READABLE_LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.CharField(label=_("Region"), required=False)
    avatar = forms.ImageField(label=_("Profile photo"), required=False)
    # A photo uploaded by an earlier try that was still being processed; saving again uses it.
    avatar_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    aliases: ClassVar[dict[str, str]] = {"avatar_id": "avatar"}


class PrivacyForm(ProblemForm):
    is_private = forms.BooleanField(
        label=_("Private account"),
        required=False,
        help_text=_("You approve each new follower; only followers see your followers-only notes."),
    )
    hide_follow_lists = forms.BooleanField(label=_("Hide who I follow and who follows me"), required=False)
    likes_public = forms.BooleanField(label=_("Show the notes I like on my profile"), required=False)
    # Asked for only when a private account with pending follow requests turns public (the service decides).
    pending_requests = forms.ChoiceField(
        label=_("Pending follow requests"),
        required=False,
        choices=[("accept", _("Accept them all")), ("decline", _("Decline them all"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Required if you make your account public while people are waiting for your approval: accept "
            "all their requests, or decline all of them."
        ),
    )

    def clean_pending_requests(self) -> str | None:
        return self.cleaned_data["pending_requests"] or None


class ReadingForm(ProblemForm):
    script = forms.ChoiceField(
        label=_("Chinese characters"),
        choices=[
            ("hans", _("Simplified")),
            ("tw", _("Traditional (Taiwan)")),
            ("hk", _("Traditional (Hong Kong)")),
        ],
    )
    show_pinyin = forms.BooleanField(label=_("Show pinyin above Chinese characters"), required=False)


class PasswordForm(ProblemForm):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 8 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    aliases: ClassVar[dict[str, str]] = {"password": "new_password"}
    code_fields: ClassVar[dict[str, str]] = {"invalid_credentials": "current_password"}


class DeleteAccountForm(ProblemForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code_fields: ClassVar[dict[str, str]] = {"invalid_credentials": "password"}


class InterestsForm(forms.Form):
    interests = forms.MultipleChoiceField(
        label=_("What do you like?"),
        required=False,
        choices=INTERESTS,
        widget=forms.CheckboxSelectMultiple,
    )
