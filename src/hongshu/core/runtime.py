"""Settings an admin changes at run time, without a restart: the registration mode, surge mode, ...

Environment settings (`hongshu.config.env`) say how the instance is built; these say how it behaves today.
Each key is declared once in `RUNTIME_SETTINGS` with its type, default and allowed values; a row in
`InstanceSetting` exists only for a key that differs from its default. Every write appends a `PostureChange`
(who, when, from what to what, why), so the posture of the instance has a history, and a `posture.change` event
to the moderation event log (hongshu.core.audit).

Reads go to the database each time (one primary-key lookup, on sign-up and writes, not on feed reads): every
process and host sees a change at once, and tests need no cache to clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hongshu.core.audit import audit_append
from hongshu.core.errors import NotFound, field_error
from hongshu.core.models import InstanceSetting, PostureChange


@dataclass(frozen=True)
class RuntimeSetting:
    key: str
    default: Any
    description: str
    choices: tuple[Any, ...] | None = None  # None: any value of the default's type

    def validate(self, value: Any) -> Any:
        kind = type(self.default)
        # JSON has one number type: accept 3 for a float setting, never True for an int one.
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not kind:
            raise field_error("value", _("This setting takes a value of another type."), code="invalid_value")
        if self.choices is not None and value not in self.choices:
            raise field_error(
                "value", _("This value is not one of the setting's choices."), code="invalid_value"
            )
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise field_error("value", _("This setting cannot be negative."), code="invalid_value")
        return value


REGISTRATION_MODES = ("open", "approval", "invite", "closed")
SURGE_MODES = ("auto", "on", "off")

# Every run-time setting, declared here (not by the app that reads it) so that the staff API and page list
# them all whatever modules happen to be imported. docs/configuration.md#run-time-settings explains each.
RUNTIME_SETTINGS: dict[str, RuntimeSetting] = {
    setting.key: setting
    for setting in (
        RuntimeSetting(
            "registration_mode",
            "open",
            "Who may join: open, approval (an admin approves each application), invite (an invite link is "
            "needed) or closed.",
            REGISTRATION_MODES,
        ),
        RuntimeSetting(
            "email_at_sign_up",
            "optional",
            "Whether a new member must give an email address: optional or required.",
            ("optional", "required"),
        ),
        RuntimeSetting(
            "hold_new_accounts_notes",
            "surge",
            "When the first notes of accounts at trust level 0 wait for a moderator before anyone else sees "
            "them: during a surge only, always, or never.",
            ("surge", "always", "never"),
        ),
        RuntimeSetting(
            "surge_mode",
            "auto",
            "Surge posture: on, off, or auto (on while sign-ups per hour pass the surge threshold).",
            SURGE_MODES,
        ),
        RuntimeSetting(
            "surge_active",
            False,
            "Written by the surge check (hongshu.members.surge) every minute: whether sign-ups per hour have "
            "passed the surge threshold. Read only while surge_mode is auto.",
            (False, True),
        ),
    )
}


def _declared(key: str) -> RuntimeSetting:
    try:
        return RUNTIME_SETTINGS[key]
    except KeyError:
        raise NotFound(_("There is no run-time setting with this name."), code="setting_not_found") from None


def runtime_get(key: str) -> Any:
    setting = _declared(key)
    row = InstanceSetting.objects.filter(pk=key).only("value").first()
    return setting.default if row is None else row.value


def runtime_all() -> dict[str, Any]:
    stored = dict(InstanceSetting.objects.values_list("key", "value"))
    return {key: stored.get(key, setting.default) for key, setting in sorted(RUNTIME_SETTINGS.items())}


def runtime_set(
    *, key: str, value: Any, actor_id: int | None, reason: str = "", automatic: bool = False
) -> PostureChange | None:
    """Change a run-time setting and record the change; None when the value was already that."""
    setting = _declared(key)
    value = setting.validate(value)
    with transaction.atomic():
        row = InstanceSetting.objects.select_for_update().filter(pk=key).first()
        old = setting.default if row is None else row.value
        if old == value:
            return None
        if value == setting.default:
            InstanceSetting.objects.filter(pk=key).delete()
        else:
            InstanceSetting.objects.update_or_create(key=key, defaults={"value": value})
        change = PostureChange.objects.create(
            key=key,
            old_value=old,
            new_value=value,
            actor_id=actor_id,
            automatic=automatic,
            reason=reason.strip()[:2000],
        )
        # The moderation event log records posture too, in the same transaction as the change.
        audit_append(
            kind="posture.change",
            subject=f"setting:{key}",
            actor_id=actor_id,
            data={
                "change": str(change.pk),
                "key": key,
                "old": old,
                "new": value,
                "automatic": automatic,
                "reason": change.reason,
            },
        )
        return change


def surge_active() -> bool:
    """Whether the instance is in surge posture: surge_mode on, or auto while the surge check has found
    sign-ups per hour at or above the threshold (it records that flip in `surge_active`). One query."""
    stored = dict(
        InstanceSetting.objects.filter(pk__in=("surge_mode", "surge_active")).values_list("key", "value")
    )
    mode = stored.get("surge_mode", RUNTIME_SETTINGS["surge_mode"].default)
    if mode == "auto":
        return bool(stored.get("surge_active", False))
    return bool(mode == "on")


def posture_history(*, limit: int = 50) -> list[PostureChange]:
    """The latest changes of run-time settings, newest first."""
    return list(PostureChange.objects.order_by("-id")[:limit])
