"""HTML forms: they only parse input. The rules (handles, passwords) live in hongshu.accounts.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import ProblemError


class SignUpForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle"),
        max_length=31,
        help_text=_("3 to 30 English letters, digits or underscores. People find you by @handle."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    display_name = forms.CharField(
        label=_("Name"),
        max_length=64,
        required=False,
        help_text=_("Any language, e.g. Emily or 小雨. Optional."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    email = forms.CharField(  # email (issue 22 item 4); required or not is the service's rule
        label=_("Email address"),
        max_length=320,
        required=False,
        help_text=_("For signing in again if you forget your password. We mail it a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Shown by mode (hongshu.registration): the reason in approval mode, the invite code in invite mode or
    # when the newcomer came through an invite link.
    reason = forms.CharField(
        label=_("Why are you joining?"),
        required=False,
        max_length=4000,  # the service counts characters as readers see them (at most 1000)
        help_text=_("In any language, at most 1000 characters. An admin reads it before letting you in."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    invite_code = forms.CharField(
        label=_("Invite code"),
        required=False,
        max_length=64,
        help_text=_("From the invite link a member shared with you."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, mode: str = "open", invite_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if invite_code:
            self.initial["invite_code"] = invite_code
        has_invite = bool(invite_code or (self.data.get("invite_code") or "").strip())
        if mode != "approval" or has_invite:  # an invite lets its newcomer in without review
            del self.fields["reason"]
        if mode != "invite" and not has_invite:
            del self.fields["invite_code"]

    def add_problem(self, problem: ProblemError) -> None:
        """Show a service's error next to the field it names (or above the form)."""
        errors = problem.extra.get("errors") or [{"field": None, "message": str(problem)}]
        if problem.code == "handle_taken":
            errors = [{"field": "handle", "message": str(problem)}]
        if problem.code == "email_taken":
            errors = [{"field": "email", "message": str(problem)}]
        for error in errors:
            field = error.get("field")
            self.add_error(field if field in self.fields else None, error["message"])


class SignInForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle"),
        max_length=31,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class InviteForm(forms.Form):
    max_uses = forms.IntegerField(label=_("People it lets in"), min_value=1, max_value=100, initial=1)
    expires_in_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=30, initial=7)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the applicant (optional)"), required=False, max_length=4000, widget=forms.TextInput
    )
