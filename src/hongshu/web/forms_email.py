"""Forms of the email features: they only parse input (rules: hongshu.accounts.emails)."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from hongshu.web.forms_me import ProblemForm


class EmailForm(ProblemForm):
    email = forms.CharField(
        label=_("Email address"),
        max_length=320,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code_fields: ClassVar[dict[str, str]] = {"invalid_credentials": "password", "email_taken": "email"}


class PasswordResetForm(ProblemForm):
    login = forms.CharField(
        label=_("Handle or email address"),
        max_length=320,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class PasswordResetConfirmForm(ProblemForm):
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 8 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    aliases: ClassVar[dict[str, str]] = {"password": "new_password"}
