"""Django's admin for the instance's admins (role `admin`, hongshu.accounts.roles), at `HONGSHU_ADMIN_PATH`.

Installed as `SimpleAdminConfig`: nothing registers itself; this module is the whole admin. Every write goes
through the same services as the API and the staff pages — role changes through `role_grant`/`role_revoke`,
the screening catalogue through `hongshu.screening.catalog`, run-time settings through `runtime_set` — so the
admin keeps the event log, rule versions, the catalogue stamp and the settings' history as they do.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hongshu.accounts import roles
from hongshu.accounts.models import User
from hongshu.core.errors import ProblemError
from hongshu.core.models import InstanceSetting
from hongshu.core.runtime import RUNTIME_SETTINGS, runtime_set
from hongshu.screening import catalog
from hongshu.screening.models import DomainRule, LexiconTerm, Rule


class HongshuAdminSite(admin.AdminSite):
    site_header = _("Hongshu administration")
    site_title = _("Hongshu administration")
    index_title = _("Members, roles, rules, lexicons and settings")

    def has_permission(self, request: HttpRequest) -> bool:
        return roles.has_role(request.user, "admin")


admin_site = HongshuAdminSite(name="hongshu_admin")


class AdminOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """What the site allows, it allows whole: the role is the permission (no per-model Django permissions)."""

    actions = None  # bulk deletes would bypass the services

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class MemberForm(forms.ModelForm):  # type: ignore[type-arg]
    role = forms.ChoiceField(
        label=_("Staff role"),
        required=False,
        choices=[("", _("none (member)")), *((role, roles.ROLE_LABELS[role]) for role in roles.ROLES)],
    )

    class Meta:
        model = User
        fields = ("handle", "display_name", "is_active")


@admin.register(User, site=admin_site)
class MemberAdmin(AdminOnly):
    form = MemberForm
    list_display = ("handle", "display_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "groups")
    search_fields = ("handle", "display_name")
    readonly_fields = ("groups_held", "date_joined")
    ordering = ("-date_joined",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members sign up; the admin gives roles

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deletion goes through the member's own account deletion

    @admin.display(description=_("Groups"))
    def groups_held(self, obj: User) -> str:
        return ", ".join(obj.groups.values_list("name", flat=True))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["role"].initial = (roles.role_of(obj) or "") if obj is not None else ""
        return form

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        wanted = form.cleaned_data.get("role") or None
        fresh = User.objects.get(pk=obj.pk)
        if wanted == roles.role_of(fresh):
            return
        if wanted is None:
            roles.role_revoke(actor=_actor(request), member=fresh)
        else:
            roles.role_grant(actor=_actor(request), member=fresh, role=wanted)


RULE_FIELDS = ("severity", "title_en", "title_zh", "text_en", "text_zh", "active")


@admin.register(Rule, site=admin_site)
class RuleAdmin(AdminOnly):
    list_display = ("code", "severity", "version", "title_en", "title_zh", "active")
    fields = ("code", *RULE_FIELDS)
    search_fields = ("code", "title_en", "title_zh")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a rule is retired (active off), never deleted: decisions quote it

    def save_model(self, request: HttpRequest, obj: Rule, form: Any, change: bool) -> None:
        values = {field: form.cleaned_data[field] for field in RULE_FIELDS}
        if change:
            saved = catalog.rule_update(actor=_actor(request), code=obj.code, **values)
        else:
            saved = catalog.rule_create(actor=_actor(request), code=form.cleaned_data["code"], **values)
        obj.pk = saved.pk


def _as_validation_error(problem: ProblemError) -> forms.ValidationError:
    errors = problem.extra.get("errors") or []
    message = errors[0]["message"] if errors else str(problem.detail or problem.title)
    return forms.ValidationError(message)


class LexiconTermForm(forms.ModelForm):  # type: ignore[type-arg]
    """The catalogue's cleaning and its duplicate check before the service writes: a clear form error, not a
    server error, for a term already listed."""

    class Meta:
        model = LexiconTerm
        fields = ("language", "text", "rule", "action", "shadow")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance._state.adding and data.get("text") and data.get("language"):
            try:
                text = catalog.term_clean(data["text"])
            except ProblemError as problem:
                raise _as_validation_error(problem) from problem
            if LexiconTerm.objects.filter(language=data["language"], text=text).exists():
                raise forms.ValidationError(_("This term is already listed for this language."))
        return data


class DomainRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DomainRule
        fields = ("domain", "verdict", "rule", "action", "shadow")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("domain"):
            try:
                domain = catalog.domain_clean(data["domain"])
            except ProblemError as problem:
                raise _as_validation_error(problem) from problem
            if DomainRule.objects.filter(domain=domain).exists():
                raise forms.ValidationError(_("This domain already has a rule."))
        if data.get("verdict") == DomainRule.Verdict.DENY and data.get("rule") is None:
            raise forms.ValidationError(_("Choose the rule a denied domain breaks."))
        return data


@admin.register(LexiconTerm, site=admin_site)
class LexiconTermAdmin(AdminOnly):
    list_display = ("text", "language", "rule", "action", "shadow", "created_at")
    list_filter = ("language", "action", "shadow")
    search_fields = ("text",)
    fields = ("language", "text", "rule", "action", "shadow")
    form = LexiconTermForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("language", "text", "rule") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: LexiconTerm, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            catalog.term_update(
                actor=_actor(request), term_id=obj.pk, shadow=data["shadow"], action=data["action"]
            )
            return
        saved = catalog.term_add(
            actor=_actor(request),
            language=data["language"],
            text=data["text"],
            rule_code=data["rule"].code,
            action=data["action"],
            shadow=data["shadow"],
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: LexiconTerm) -> None:
        catalog.term_remove(actor=_actor(request), term_id=obj.pk)


@admin.register(DomainRule, site=admin_site)
class DomainRuleAdmin(AdminOnly):
    list_display = ("domain", "verdict", "rule", "action", "shadow", "created_at")
    list_filter = ("verdict", "shadow")
    search_fields = ("domain",)
    fields = ("domain", "verdict", "rule", "action", "shadow")
    form = DomainRuleForm

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Changed by removing and adding again (the catalogue has no update of a domain rule).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: DomainRule, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = catalog.domain_rule_add(
            actor=_actor(request),
            domain=data["domain"],
            verdict=data["verdict"],
            rule_code=data["rule"].code if data["rule"] is not None else "",
            action=data["action"],
            shadow=data["shadow"],
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: DomainRule) -> None:
        catalog.domain_rule_remove(actor=_actor(request), domain_rule_id=obj.pk)


class InstanceSettingForm(forms.ModelForm):  # type: ignore[type-arg]
    key = forms.ChoiceField(label=_("Setting"), choices=[(key, key) for key in RUNTIME_SETTINGS])

    class Meta:
        model = InstanceSetting
        fields = ("key", "value")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = data.get("key") or self.instance.key
        if key in RUNTIME_SETTINGS and "value" in data:
            # A JSON string comes back from the form as a str subclass: plain JSON values, as the API sends.
            value = json.loads(json.dumps(data["value"]))
            try:
                data["value"] = RUNTIME_SETTINGS[key].validate(value)
            except ProblemError as problem:
                raise forms.ValidationError(str(problem)) from problem
        return data


@admin.register(InstanceSetting, site=admin_site)
class InstanceSettingAdmin(AdminOnly):
    """Run-time settings that differ from their defaults (registration mode among them); a row's absence is
    the default. Changed through `runtime_set`, so the posture history records it."""

    form = InstanceSettingForm
    list_display = ("key", "value", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("key",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: InstanceSetting, form: Any, change: bool) -> None:
        key = obj.key if change else form.cleaned_data["key"]
        runtime_set(
            key=key, value=form.cleaned_data["value"], actor_id=_actor(request).pk, reason="admin site"
        )
        obj.pk = key

    def delete_model(self, request: HttpRequest, obj: InstanceSetting) -> None:
        runtime_set(
            key=obj.key,
            value=RUNTIME_SETTINGS[obj.key].default,
            actor_id=_actor(request).pk,
            reason="admin site: back to the default",
        )
