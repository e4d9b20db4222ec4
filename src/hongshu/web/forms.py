"""HTML forms: they only parse input. The rules (handles, passwords) live in hongshu.accounts.services."""

from __future__ import annotations

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
