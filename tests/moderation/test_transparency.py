"""The transparency report: decisions by rule, outcome, detection and language, reports received, the
median time to a decision and screening precision — as a public page, JSON and CSV, for any period."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.moderation import services
from hongshu.moderation.models import Case
from hongshu.notes.models import Note
from hongshu.screening.models import Rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(
    rules: list[Rule], trio: Any, post_note: Callable[..., Note], staff_api: tuple[User, Any]
) -> dict[str, Case]:
    """A reported note upheld (English), two screening cases (Chinese): one upheld, one dismissed."""
    (nina, _), (_ann, ann_api), (_bob, bob_api) = trio
    staff = staff_api[0]
    note = post_note(nina, "Lunch")
    for client in (ann_api, bob_api):
        assert (
            client.post(
                "/reports", json={"subject_type": "note", "subject_id": str(note.pk), "rule": "spam"}
            ).status_code
            == 201
        )
    reported = Case.objects.get(subject_id=note.pk)
    Case.objects.filter(pk=reported.pk).update(language="en")
    services.case_decide(staff=staff, case_id=reported.pk, decision="upheld")
    cases = {"reported": reported}
    for name, decision in (("kept", "upheld"), ("wrong", "dismissed")):
        case = services.case_open(
            subject=f"note:{post_note(nina, name).pk}",
            source="screening",
            language="zh",
            rule_code="scam",
            rule_version=1,
            severity=3,
            evidence={},
        )
        services.case_decide(staff=staff, case_id=case.pk, decision=decision)
        cases[name] = case
    return cases


@pytest.mark.usefixtures("decided")
def test_the_json_counts_what_was_decided(api: Any) -> None:
    report = api.get("/transparency").json()
    assert report["decisions_by"]["detection"] == {"automated": 2, "reported": 1}
    assert report["decisions_by"]["decision"] == {"upheld": 2, "dismissed": 1}
    assert report["decisions_by"]["language"] == {"zh": 2, "en": 1}
    assert report["decisions_by"]["rule"] == {"scam": 2, "spam": 1}
    assert report["reports_received"] == {"en": 2}
    assert report["cases_opened"] == {"reported": 1, "automated": 2}
    assert set(report["median_hours_to_decision"]) == {"en"}
    assert report["screening_precision"] == [{"rule": "scam", "upheld": 1, "dismissed": 1, "precision": 0.5}]
    # No action was taken and none appealed: zero counts, and no rate where there is nothing to divide.
    assert report["appeals"] == {
        "actions": 0,
        "filed": 0,
        "upheld": 0,
        "overturned": 0,
        "appeal_rate": None,
        "reversal_rate": None,
        "by_rule": [],
    }


@pytest.mark.usefixtures("decided")
def test_a_period_without_decisions_is_empty(api: Any) -> None:
    last_year = (timezone.localdate() - timedelta(days=400)).isoformat()
    report = api.get("/transparency", data={"start": last_year, "end": last_year}).json()
    assert report["decisions"] == []
    assert report["period"] == {"start": last_year, "end": last_year}


@pytest.mark.usefixtures("decided")
def test_the_csv_has_the_same_numbers(api: Any) -> None:
    response = Client().get("/api/v1/transparency.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "key", "value"]
    decisions = {key: int(value) for section, key, value in rows if section == "decisions"}
    assert decisions == {
        "scam/upheld/automated/zh": 1,
        "scam/dismissed/automated/zh": 1,
        "spam/upheld/reported/en": 1,
    }
    assert ["screening_precision", "scam", "0.5"] in rows


@pytest.mark.usefixtures("decided")
@pytest.mark.parametrize(
    ("language", "title", "rule"),
    [("en", "Transparency report", "Scams and fraud"), ("zh-hans", "透明度报告", "诈骗")],
)
def test_the_public_page_in_both_languages(language: str, title: str, rule: str) -> None:
    response = Client(headers={"accept-language": language}).get("/transparency")
    text = response.content.decode()
    assert response.status_code == 200
    assert title in text
    assert rule in text  # rules by their titles in the reader's language
    assert "<svg" in text
    assert "/api/v1/transparency.csv?" in text
