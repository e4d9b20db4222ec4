"""The report sheet in the web app (session cookie, both languages): its links on notes, comments and profiles,
sending a report, what a refusal keeps, /me/reports, and the staff's case pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hongshu.accounts.models import User
from hongshu.comments.services import comment_create
from hongshu.moderation.models import Case, Report
from hongshu.notes.models import Note
from hongshu.screening.models import Rule

pytestmark = pytest.mark.django_db


def browser(user: User | None, language: str = "en") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def scene(
    rules: list[Rule], make_member: Callable[..., User], post_note: Callable[..., Note]
) -> tuple[User, User, Note, Any]:
    nina, ann = make_member("nina"), make_member("ann")
    note = post_note(nina, title="cheap pills")
    comment = comment_create(author=nina, note_id=note.pk, body="buy now")
    return nina, ann, note, comment


def test_report_links_on_notes_comments_and_profiles(scene: Any) -> None:
    nina, ann, note, comment = scene
    reader = browser(ann)
    page = reader.get(f"/notes/{note.pk}").content.decode()
    assert f'href="/report/note/{note.pk}"' in page
    assert f'href="/report/comment/{comment.pk}"' in page
    assert f'href="/report/member/{nina.pk}"' in reader.get(f"/@{nina.handle}").content.decode()
    # Not on one's own.
    own = browser(nina)
    assert "/report/" not in own.get(f"/notes/{note.pk}").content.decode()
    assert "/report/" not in own.get(f"/@{nina.handle}").content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_report_each_subject_from_the_sheet(scene: Any, language: str) -> None:
    nina, ann, note, comment = scene
    client = browser(ann, language)
    for subject_type, subject_id in (("note", note.pk), ("comment", comment.pk), ("member", nina.pk)):
        sheet = client.get(f"/report/{subject_type}/{subject_id}")
        assert sheet.status_code == 200
        html = sheet.content.decode()
        if language == "en":
            assert "Which rule does it break?" in html
            assert "Spam" in html
        else:
            assert "它违反了哪条规则？" in html
            assert "垃圾信息" in html
            assert "禁止垃圾信息。" in html
        assert 'value="retired"' not in html
        sent = client.post(f"/report/{subject_type}/{subject_id}", {"rule": "spam", "text": "ads everywhere"})
        assert sent.status_code == 200
        assert "data-report-sent" in sent.content.decode()
        thanks = "感谢你的举报" if language != "en" else "Thank you for your report"
        assert thanks in sent.content.decode()
    assert Report.objects.filter(reporter=ann).count() == 3
    assert Report.objects.filter(reporter=ann, language__startswith="zh").exists() == (language != "en")
    mine = client.get("/me/reports").content.decode()
    assert mine.count("data-report=") == 3
    assert ("等待审核员处理" if language != "en" else "Waiting for a moderator.") in mine
    assert ("垃圾信息" if language != "en" else "Spam") in mine


def test_signed_out_visitors_are_sent_to_sign_in(scene: Any) -> None:
    _nina, _ann, note, _comment = scene
    page = browser(None).get(f"/notes/{note.pk}").content.decode()
    assert f'href="/report/note/{note.pk}"' in page
    answer = browser(None).get(f"/report/note/{note.pk}")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/signin/")
    assert browser(None).post(f"/report/note/{note.pk}", {"rule": "spam"}).status_code == 302
    assert browser(None).get("/me/reports").status_code == 302
    assert not Report.objects.exists()


def test_a_refusal_keeps_what_was_typed(scene: Any, rate_limits: Callable[..., None]) -> None:
    _nina, ann, note, _comment = scene
    client = browser(ann)
    missing = client.post(f"/report/note/{note.pk}", {"rule": "", "text": "my careful words"})
    assert missing.status_code == 422
    assert "my careful words" in missing.content.decode()
    assert client.post(f"/report/note/{note.pk}", {"rule": "spam"}).status_code == 200
    twice = client.post(f"/report/note/{note.pk}", {"rule": "scam", "text": "again, typed"})
    assert twice.status_code == 409
    html = twice.content.decode()
    assert "again, typed" in html
    assert 'value="scam" required checked' in html
    assert "already reported" in html
    rate_limits(**{"report.account": "1 per 1 minute"})
    client.post(f"/report/member/{note.author_id}", {"rule": "spam"})
    limited = client.post(f"/report/member/{note.author_id}", {"rule": "spam", "text": "kept"})
    assert limited.status_code == 429
    assert "kept" in limited.content.decode()


def test_own_and_invisible_subjects(
    scene: Any, make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    nina, ann, note, _comment = scene
    assert browser(nina).get(f"/report/note/{note.pk}").status_code == 200  # the sheet shows; sending refuses
    assert browser(nina).post(f"/report/note/{note.pk}", {"rule": "spam"}).status_code == 403
    hidden = post_note(nina, visibility="private")
    assert browser(ann).get(f"/report/note/{hidden.pk}").status_code == 404
    assert browser(ann).get("/report/planet/1").status_code == 422


def test_staff_pages_claim_and_decide(
    scene: Any, make_member: Callable[..., User], after_commit: Any
) -> None:
    _nina, ann, note, _comment = scene
    browser(ann).post(f"/report/note/{note.pk}", {"rule": "scam", "text": "a scam"})
    case = Case.objects.get()
    staff_user = make_member("mia")
    User.objects.filter(pk=staff_user.pk).update(is_staff=True)
    staff = browser(staff_user, "zh-hans")
    queue = staff.get("/staff/cases").content.decode()
    assert f'data-case="{case.pk}"' in queue
    assert "案件" in queue
    detail = staff.get(f"/staff/cases/{case.pk}").content.decode()
    assert "@ann" in detail
    assert "a scam" in detail
    assert staff.post(f"/staff/cases/{case.pk}/claim").status_code == 302
    with after_commit():
        assert staff.post(f"/staff/cases/{case.pk}/decide", {"decision": "upheld"}).status_code == 302
    case.refresh_from_db()
    assert (case.state, case.decision, case.claimed_by_id) == ("decided", "upheld", staff_user.pk)
    inbox = browser(ann, "zh-hans").get("/notifications/").content.decode()
    assert "它违反了社区规则" in inbox
    assert 'href="/me/reports"' in inbox
    assert f'data-case="{case.pk}"' in staff.get("/staff/cases?state=decided&language=en").content.decode()
    assert (
        f'data-case="{case.pk}"' not in staff.get("/staff/cases?state=decided&language=zh").content.decode()
    )
    assert "Upheld" in browser(ann).get("/me/reports").content.decode()
