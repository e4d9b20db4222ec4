"""The member's own settings: profile, privacy, blocked and muted accounts, password, account deletion, interests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hongshu.accounts.auth import request_token
from hongshu.accounts.models import User
from hongshu.accounts.services import (
    account_change_password,
    account_set_interests,
    member_set_reading,
)
from hongshu.core.errors import ProblemError, RateLimited, field_error
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.core.text import is_storable
from hongshu.media.services import media_upload
from hongshu.members.export import export_for_download, export_latest, export_response
from hongshu.members.export import export_request as member_export_request
from hongshu.members.services import account_delete, profile_save
from hongshu.social import services as social
from hongshu.social.selectors import blocks_page, follow_requests_pending, mutes_page
from hongshu.web.common import as_refusal, member_of, problem_page
from hongshu.web.forms_email import EmailForm
from hongshu.web.forms_me import (
    DeleteAccountForm,
    InterestsForm,
    PasswordForm,
    PrivacyForm,
    ProfileForm,
    ReadingForm,
)
from hongshu.web.presenters import author_of
from hongshu.web.views.email import email_save

BLOCKS_SHOWN = 50


def _profile_save(member: User, form: ProfileForm) -> None:
    """The form's fields and avatar through the same service as the API's PATCH /accounts/me. A new photo
    is uploaded first (as API clients do with POST /media); one still processing sends the form back with
    its ID, to save again shortly, and nothing is saved until then."""
    data = form.cleaned_data
    avatar_id = data["avatar_id"]
    if data["avatar"] is not None:
        asset = media_upload(owner=member, upload=data["avatar"])
        asset.refresh_from_db()  # processed on commit when jobs run inline; else it is still pending
        if asset.state == asset.State.PENDING:
            assert isinstance(form.data, QueryDict)
            form.data = form.data.copy()
            form.data["avatar_id"] = str(asset.pk)
            raise field_error(
                "avatar",
                _("Your photo is still being processed. Save again in a moment."),
                code="avatar_pending",
            )
        avatar_id = asset.pk
    profile_save(
        user=member,
        display_name=data["display_name"],
        bio=data["bio"],
        languages=data["languages"],
        region=data["region"],
        avatar_id=avatar_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    pending = member.pending_profile  # held by screening: the member sees what they wrote, marked
    initial = {
        "display_name": pending.get("display_name", member.display_name),
        "bio": pending.get("bio", member.bio),
        "languages": member.languages,
        "region": member.region,
    }
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_hit("profile_edit", member=member, ip=client_ip(request))
            _profile_save(member, form)
        except ProblemError as problem:
            form.add_problem(problem)
            if isinstance(problem, RateLimited):
                page = render(request, "web/me/edit_profile.html", {"form": form, "me": author_of(member)})
                return as_refusal(page, problem)
        else:
            if member.pending_profile:
                messages.info(
                    request,
                    _(
                        "Your profile is saved. What you changed in your name or bio will show once a moderator has looked at it."
                    ),
                )
            else:
                messages.success(request, _("Your profile is saved."))
            return redirect("me-profile", handle=member.handle)
    status = 422 if form.errors else 200
    context = {"form": form, "me": author_of(member), "pending": sorted(member.pending_profile)}
    return render(request, "web/me/edit_profile.html", context, status=status)


def _settings_page(request: HttpRequest, member: User, **forms: object) -> HttpResponse:
    context: dict[str, object] = {
        "privacy_form": PrivacyForm(
            initial={
                "is_private": member.is_private,
                "hide_follow_lists": member.hide_follow_lists,
                "likes_public": member.likes_public,
            }
        ),
        "reading_form": ReadingForm(initial={"script": member.script, "show_pinyin": member.show_pinyin}),
        "pending_requests": member.is_private and follow_requests_pending(owner=member),
        "password_form": PasswordForm(),
        "email_form": EmailForm(initial={"email": member.email}),
        "email_address": member.email,
        "email_verified": member.email_verified_at is not None,
        "delete_form": DeleteAccountForm(),
        "export": export_latest(member=member),
        "blocked": [author_of(u) for u in blocks_page(user=member, cursor=None, limit=BLOCKS_SHOWN).items],
        "muted": [author_of(u) for u in mutes_page(user=member, cursor=None, limit=BLOCKS_SHOWN).items],
        "next": request.path,
    }
    context.update(forms)
    failed = any(getattr(form, "errors", None) for form in forms.values())
    return render(request, "web/me/settings.html", context, status=422 if failed else 200)


def _password_save(request: HttpRequest, member: User) -> HttpResponse:
    """Change the password; every other session and token of the member is signed out, this one stays."""
    password = PasswordForm(request.POST)
    if password.is_valid():
        token = request_token(request)
        try:
            account_change_password(
                user=member,
                current_password=password.cleaned_data["current_password"],
                new_password=password.cleaned_data["new_password"],
                keep_token_id=token.pk if token else None,
            )
        except ProblemError as problem:
            password.add_problem(problem)
        else:
            if token is None:  # changed through this session: it stays signed in
                update_session_auth_hash(request, member)
            messages.success(request, _("Your password is changed. You are signed out everywhere else."))
            return redirect("me-settings")
    return _settings_page(request, member, password_form=password)


def _reading_save(request: HttpRequest, member: User) -> HttpResponse:
    reading = ReadingForm(request.POST)
    if reading.is_valid():
        member_set_reading(member=member, **reading.cleaned_data)
        messages.success(request, _("Your reading settings are saved."))
        return redirect("me-settings")
    return _settings_page(request, member, reading_form=reading)


def _email_save(request: HttpRequest, member: User) -> HttpResponse:
    email_form, done = email_save(request, member)
    return done or _settings_page(request, member, email_form=email_form)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """One page, several forms; the `action` field says which one was sent."""
    member = member_of(request)
    if request.method == "GET":
        return _settings_page(request, member)
    action = request.POST.get("action")
    if action == "privacy":
        privacy = PrivacyForm(request.POST)
        if privacy.is_valid():
            try:
                social.account_set_privacy(user=member, **privacy.cleaned_data)
            except ProblemError as problem:  # going public with requests pending, and no choice made
                privacy.add_problem(problem)
            else:
                messages.success(request, _("Your privacy settings are saved."))
                return redirect("me-settings")
        return _settings_page(request, member, privacy_form=privacy)
    savers = {"reading": _reading_save, "password": _password_save, "email": _email_save}
    if action in savers:
        return savers[action](request, member)
    return redirect("me-settings")


@login_required
@require_POST
def unblock(request: HttpRequest, handle: str) -> HttpResponse:
    member = member_of(request)
    # A handle from the URL may hold NUL, which PostgreSQL cannot compare: nobody has it.
    blocked = User.objects.filter(handle__iexact=handle).first() if is_storable(handle) else None
    if blocked is not None:
        try:
            social.block_delete(blocker=member, blocked=blocked)
        except ProblemError:
            pass  # not blocked (any more): nothing to undo
        else:
            messages.success(request, _("@%(handle)s is unblocked.") % {"handle": blocked.handle})
    return redirect("me-settings")


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = DeleteAccountForm(request.POST)
    if form.is_valid():
        try:
            account_delete(user=member, password=form.cleaned_data["password"])
        except ProblemError as problem:
            form.add_problem(problem)
        else:
            logout(request)
            messages.success(request, _("Your account and everything in it is deleted."))
            return redirect("home")
    return _settings_page(request, member, delete_form=form)


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    member_export_request(member=member_of(request))
    messages.success(request, _("Your export is being prepared. It will be listed here when it is ready."))
    return redirect(f"{reverse('me-settings')}#s-export")


@login_required
@require_GET
def export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    """The zip, for the member whose export it is; anyone else gets the same 404 page as a wrong ID."""
    member = member_of(request)
    try:
        export = export_for_download(member=member, export_id=export_id)
    except ProblemError as problem:
        return problem_page(request, problem)
    return export_response(export=export, member=member)


@login_required
@require_http_methods(["GET", "POST"])
def interests(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = InterestsForm(request.POST or None, initial={"interests": member.interests})
    if request.method == "POST" and form.is_valid():
        account_set_interests(user=member, interests=form.cleaned_data["interests"])
        return redirect("home")
    return render(request, "web/me/interests.html", {"form": form})
