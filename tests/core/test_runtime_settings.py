"""Run-time settings: staff change them through the API, every change is recorded, others are refused."""

from __future__ import annotations

from typing import Any

import pytest

from hongshu.core.models import PostureChange
from hongshu.core.runtime import runtime_get, runtime_set

pytestmark = pytest.mark.django_db


def test_staff_change_a_setting_and_the_change_is_recorded(member_api: Any) -> None:
    admin, client = member_api("keeper1")
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    listed = {row["key"]: row for row in client.get("/staff/settings").json()}
    assert listed["registration_mode"]["value"] == "open"
    assert listed["registration_mode"]["choices"] == ["open", "approval", "invite", "closed"]

    response = client.put(
        "/staff/settings/registration_mode", json={"value": "approval", "reason": "influx from abroad"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "approval"
    assert runtime_get("registration_mode") == "approval"
    change = client.get("/staff/posture-changes").json()[0]
    assert change["key"] == "registration_mode"
    assert (change["old_value"], change["new_value"]) == ("open", "approval")
    assert change["actor_id"] == str(admin.pk)
    assert change["reason"] == "influx from abroad"
    assert change["automatic"] is False

    # Back to the default: the row goes, the history keeps both changes.
    client.put("/staff/settings/registration_mode", json={"value": "open"})
    assert runtime_get("registration_mode") == "open"
    assert PostureChange.objects.filter(key="registration_mode").count() == 2


def test_same_value_records_nothing(db: None) -> None:
    assert runtime_set(key="surge_mode", value="auto", actor_id=None) is None
    assert not PostureChange.objects.exists()


def test_bad_values_are_422_and_unknown_keys_404(member_api: Any, problem: Any) -> None:
    admin, client = member_api("keeper1")
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    problem(
        client.put("/staff/settings/registration_mode", json={"value": "sometimes"}), 422, "invalid_value"
    )
    problem(client.put("/staff/settings/registration_mode", json={"value": 3}), 422, "invalid_value")
    problem(client.put("/staff/settings/no_such_thing", json={"value": 1}), 404, "setting_not_found")
    assert runtime_get("registration_mode") == "open"


def test_members_and_visitors_are_refused(member_api: Any, api: Any, problem: Any) -> None:
    _member, client = member_api("plain")
    problem(client.get("/staff/settings"), 403, "not_staff")
    problem(client.put("/staff/settings/registration_mode", json={"value": "closed"}), 403, "not_staff")
    problem(api.get("/staff/posture-changes"), 401, "not_authenticated")
    assert runtime_get("registration_mode") == "open"


def test_every_runtime_setting_is_documented() -> None:
    from pathlib import Path

    from hongshu.config.env import PROJECT_ROOT
    from hongshu.core.runtime import RUNTIME_SETTINGS

    text = Path(PROJECT_ROOT, "docs", "configuration.md").read_text(encoding="utf-8")
    missing = [key for key in RUNTIME_SETTINGS if f"| `{key}` |" not in text]
    assert not missing, f"document these run-time settings in docs/configuration.md: {missing}"
