"""The moderator console (issue 25 items 9 and 10): the case page with the member's history, strikes, earlier
decisions, reporter weights and the translation toggle; bulk mode over the API (bearer) and the web (cookie);
the surge dashboard against numbers worked out by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from hongshu.accounts import roles
from hongshu.accounts.models import StaffProfile, Strike, User
from hongshu.accounts.services import token_issue
from hongshu.comments.services import comment_create
from hongshu.core.audit import audit_verify
from hongshu.core.models import AuditEvent
from hongshu.moderation import actions, dashboard, services
from hongshu.moderation.models import Action, Case, ReporterStanding
from hongshu.notes.models import Note
from hongshu.screening.stamp import catalog_forget
from language.standins import EN_BODY, EN_TITLE, ZH_BODY, ZH_TITLE, dictionary_reply, stand_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(make_member: Callable[..., User]) -> User:
    user = make_member("rootie")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def crew(make_member: Callable[..., User], root: User) -> dict[str, User]:
    """A triage, two moderators (mod, mod2)."""
    return {
        "triage": roles.role_grant(actor=root, member=make_member("tria"), role="triage"),
        "mod": roles.role_grant(actor=root, member=make_member("modo"), role="moderator"),
        "mod2": roles.role_grant(actor=root, member=make_member("modtwo"), role="moderator"),
    }


def _bearer(api: Any, user: User) -> Any:
    _token, secret = token_issue(user=user)
    api.token = secret
    return api


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scene(
    rules: Any, crew: dict[str, User], make_member: Callable[..., User], post_note: Any
) -> dict[str, Any]:
    """Wen, 40 days a member, wrote three notes: one a moderator removed earlier (an active strike), one
    reported now by a trusted reporter (weight 1.6) and a newcomer (1.0); plus an old expired strike."""
    wen = make_member("wen")
    earlier = post_note(wen, title="old spam")
    reported = post_note(wen, title="free money")
    post_note(wen, title="a walk")
    Note.objects.filter(pk=reported.pk).update(title="免费赚钱", body="加微信领取", language="zh-Hans")
    removed = actions.act(
        staff=crew["mod2"],
        subject_type="note",
        subject_id=earlier.pk,
        kinds=["remove"],
        rule_code="spam",
        facts="Advertising.",
    )
    Strike.objects.create(
        user=wen,
        action_id=999_001,
        severity=1,
        created_at=timezone.now() - timedelta(days=400),
        expires_at=timezone.now() - timedelta(days=300),
    )
    User.objects.filter(pk=wen.pk).update(date_joined=timezone.now() - timedelta(days=40, hours=2))
    trusted, newcomer = make_member("trusty"), make_member("newbie")
    ReporterStanding.objects.create(member=trusted, upheld=3, dismissed=0)  # 2·4/5 = 1.6
    for reporter, text in ((trusted, "scam bait"), (newcomer, "")):
        services.report_create(
            reporter=reporter, subject_type="note", subject_id=reported.pk, rule_code="scam", text=text
        )
    case = Case.objects.get(subject_type="note", subject_id=reported.pk)
    return {"wen": User.objects.get(pk=wen.pk), "case": case, "note": reported, "earlier": removed[0]}


def test_the_case_page_shows_history_strikes_decisions_weights_and_the_gloss(
    scene: dict[str, Any], crew: dict[str, User], django_assert_num_queries: Any
) -> None:
    case, wen = scene["case"], scene["wen"]
    client = _signed_in(crew["triage"])
    client.get(f"/staff/cases/{case.pk}")
    # Whatever the number of reports, strikes and earlier decisions: each list is one query. (The rule
    # catalogue is looked up at most every two seconds: forgotten here, its stamp and rules are read once.)
    catalog_forget()
    with django_assert_num_queries(22):
        page = client.get(f"/staff/cases/{case.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "免费赚钱" in html
    assert "加微信领取" in html
    assert f"/staff/cases/{case.pk}/media/" in html  # its photo, through the staff route
    assert "History of @wen" in html
    assert 'data-fact="age">40 days<' in html
    assert f'data-fact="trust">{wen.trust_level}<' in html
    assert 'data-fact="notes">2<' in html  # three written, one removed
    assert 'data-fact="strikes">1<' in html
    assert html.count('data-strike-active="true"') == 1
    assert html.count('data-strike-active="false"') == 1
    assert f'data-action="{scene["earlier"].pk}"' in html  # the earlier removal
    assert "weight 1.60" in html
    assert "weight 1.00" in html
    assert "2 reports, summed weight 2.60" in html
    assert "scam bait" in html
    assert "data-case-rule>Scams and fraud · scam v1<" in html
    assert "Dictionary gloss, not a translation" not in html  # only when asked
    shown = client.get(f"/staff/cases/{case.pk}?translate=1").content.decode()
    assert "Dictionary gloss, not a translation" in shown
    assert 'data-translation-kind="gloss"' in shown
    assert "miǎn fèi" in shown or "miǎnfèi" in shown  # pinyin of 免费
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(f"/staff/cases/{case.pk}").content.decode()
    assert "@wen 的记录" in chinese
    assert "40 天" in chinese


def test_with_a_provider_the_toggle_shows_a_machine_translation_labelled_so(
    scene: dict[str, Any], crew: dict[str, User], settings: Any
) -> None:
    Note.objects.filter(pk=scene["note"].pk).update(title=ZH_TITLE, body=ZH_BODY)
    client = _signed_in(crew["triage"])
    with stand_in("openai", dictionary_reply) as server:
        settings.HONGSHU = settings.HONGSHU.model_copy(
            update={"translation_provider": "openai", "translation_url": server.url}
        )
        server.mode = "500"
        failed = client.get(f"/staff/cases/{scene['case'].pk}?translate=1").content.decode()
        assert "The translation is not available right now." in failed
        assert ZH_BODY in failed  # the original stays
        server.mode = "ok"
        html = client.get(f"/staff/cases/{scene['case'].pk}?translate=1").content.decode()
    assert "Translated by machine (openai)" in html
    assert EN_TITLE in html
    assert EN_BODY in html
    assert "Dictionary gloss" not in html


def test_the_case_context_api_gives_the_same_history(
    scene: dict[str, Any], crew: dict[str, User], api: Any
) -> None:
    case = scene["case"]
    body = _bearer(api, crew["triage"]).get(f"/staff/cases/{case.pk}/context?translate=true").json()
    assert body["content"]["title"] == "免费赚钱"
    assert len(body["content"]["media_ids"]) == 1
    history = body["history"]
    assert history["handle"] == "wen"
    assert history["account_age_days"] == 40
    assert history["notes_count"] == 2
    assert history["active_strikes"] == 1
    assert sorted(s["active"] for s in history["strikes"]) == [False, True]
    assert [a["id"] for a in history["earlier_actions"]] == [str(scene["earlier"].pk)]
    assert body["translation"]["kind"] == "gloss"
    assert any(token["original"] == "免费" for token in body["translation"]["title_gloss"])
    assert Client().get(f"/api/v1/staff/cases/{case.pk}/context").status_code == 401


def test_a_comment_case_and_a_member_case_show_their_content(
    rules: Any, crew: dict[str, User], make_member: Callable[..., User], post_note: Any, api: Any
) -> None:
    writer, troll = make_member("writer"), make_member("troll")
    note = post_note(writer, title="my trip")
    comment = comment_create(author=troll, note_id=note.pk, body="you are an idiot")
    services.report_create(
        reporter=writer, subject_type="comment", subject_id=comment.pk, rule_code="harassment"
    )
    User.objects.filter(pk=troll.pk).update(
        display_name="Troll", bio="hello", pending_profile={"bio": "buy followers at spam.example"}
    )
    member_case = services.case_open(
        subject=f"member:{troll.pk}",
        source="screening",
        language="en",
        rule_code="spam",
        rule_version=1,
        severity=2,
        evidence={},
    )
    comment_case = Case.objects.get(subject_type="comment", subject_id=comment.pk)
    client = _bearer(api, crew["triage"])
    said = client.get(f"/staff/cases/{comment_case.pk}/context").json()
    assert said["content"]["body"] == "you are an idiot"
    assert said["content"]["note_id"] == str(note.pk)
    assert said["history"]["handle"] == "troll"
    profile = client.get(f"/staff/cases/{member_case.pk}/context").json()
    assert profile["content"]["state"] == "active"
    assert profile["content"]["title"] == "Troll"
    assert profile["content"]["pending"] == {"bio": "buy followers at spam.example"}
    page = _signed_in(crew["triage"]).get(f"/staff/cases/{member_case.pk}").content.decode()
    assert "Held by screening, not shown to others:" in page
    assert "buy followers at spam.example" in page
    gone = Case.objects.create(subject_type="note", subject_id=4242, source="report")
    missing = client.get(f"/staff/cases/{gone.pk}/context").json()
    assert missing["content"]["state"] == "missing"
    assert missing["history"] is None
    assert (
        "It no longer exists." in _signed_in(crew["triage"]).get(f"/staff/cases/{gone.pk}").content.decode()
    )


def test_a_case_photo_is_served_to_staff_only(
    scene: dict[str, Any], crew: dict[str, User], make_member: Any
) -> None:
    case, note = scene["case"], scene["note"]
    media_id = note.images.first().media_id
    url = f"/staff/cases/{case.pk}/media/{media_id}"
    assert _signed_in(make_member("nosy")).get(url).status_code == 403
    other = scene["earlier"].subject_id  # a photo of another note is not this case's
    other_media = Note.objects.get(pk=other).images.first().media_id
    assert _signed_in(crew["triage"]).get(f"/staff/cases/{case.pk}/media/{other_media}").status_code == 404
    # The fixture's asset has no file on disk: found by the rule, then 404 for the missing file.
    assert _signed_in(crew["triage"]).get(url).status_code == 404


@pytest.fixture
def bulk_cases(
    rules: Any, crew: dict[str, User], make_member: Callable[..., User], post_note: Any
) -> dict[str, Case]:
    """Open cases a and d, b claimed by mod2, c closed, and one about a staff member's note."""
    author = make_member("spammer")
    made = {}
    for name in ("a", "b", "c", "d"):
        note = post_note(author, title=f"buy now {name}")
        made[name] = services.case_open(
            subject=f"note:{note.pk}",
            source="report",
            language="en",
            rule_code="spam",
            rule_version=1,
            severity=2,
            evidence={},
        )
    services.case_claim(staff=crew["mod2"], case_id=made["b"].pk)  # someone else's claim
    services.case_close(staff=crew["mod2"], case_id=made["c"].pk)
    # A staff member's own note: no action may be taken on it here.
    staff_note = post_note(crew["mod2"], title="staff note")
    made["staff"] = services.case_open(
        subject=f"note:{staff_note.pk}",
        source="report",
        language="en",
        rule_code="spam",
        rule_version=1,
        severity=2,
        evidence={},
    )
    return made


QUERIES_API_REVIEW = 11


def test_bulk_over_the_api_applies_to_each_case_and_refuses_the_others(
    bulk_cases: dict[str, Case],
    crew: dict[str, User],
    make_member: Any,
    api: Any,
    django_assert_num_queries: Any,
) -> None:
    cases = bulk_cases
    ids = [str(cases[k].pk) for k in ("a", "b", "c", "d")] + ["12345", "9999999999999999999"]
    # The review first: each case with its content, reports and author, in the order asked; nothing changes.
    query = "&".join(f"case_id={i}" for i in ids)
    reviewer = _bearer(api, crew["mod"])
    for reporter in ("rep1", "rep2"):
        services.report_create(
            reporter=make_member(reporter),
            subject_type="note",
            subject_id=cases["a"].subject_id,
            rule_code="spam",
        )
    reviewer.get(f"/staff/cases/bulk?case_id={ids[0]}")
    with django_assert_num_queries(QUERIES_API_REVIEW):
        reviewer.get(f"/staff/cases/bulk?case_id={ids[0]}")
    with django_assert_num_queries(QUERIES_API_REVIEW):  # six cases, two reports: as many as for one
        review = reviewer.get(f"/staff/cases/bulk?{query}").json()
    assert [r["reporter_handle"] for r in review[0]["reports"]] == ["rep1", "rep2"]
    assert [item["case_id"] for item in review] == ids
    assert review[0]["content"]["title"] == "buy now a"
    assert review[0]["member"]["handle"] == "spammer"
    assert review[0]["case"]["state"] == "open"
    assert review[1]["case"]["claimed_by"] == "modtwo"
    assert [item["found"] for item in review[-2:]] == [False, False]
    before = AuditEvent.objects.filter(kind="case.state").count()
    answer = _bearer(api, crew["mod"]).post(
        "/staff/cases/bulk", json={"case_ids": ids, "operation": "dismiss", "note": "not spam"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    results = {r["case_id"]: r for r in body["results"]}
    assert (body["done"], body["refused"]) == (2, 4)
    for key in ("a", "d"):
        assert results[str(cases[key].pk)]["ok"]
        assert results[str(cases[key].pk)]["state"] == "decided"
        case = Case.objects.get(pk=cases[key].pk)
        assert (case.decision, case.decided_by_id) == ("dismissed", crew["mod"].pk)
    assert results[str(cases["b"].pk)]["code"] == "case_claimed_by_other"
    assert results[str(cases["b"].pk)]["status"] == 403
    assert results[str(cases["c"].pk)]["code"] == "case_decided"
    assert results["12345"]["code"] == "case_not_found"
    assert results["9999999999999999999"]["code"] == "case_not_found"  # past the 64-bit range
    assert Case.objects.get(pk=cases["b"].pk).state == "claimed"
    # One event-log entry per decided case, by the moderator, and the log still verifies.
    logged = AuditEvent.objects.filter(kind="case.state", actor_id=crew["mod"].pk)
    assert AuditEvent.objects.filter(kind="case.state").count() == before + 2
    assert {e.data["case"] for e in logged} == {str(cases["a"].pk), str(cases["d"].pk)}
    assert audit_verify()[1] is None
    # An unknown action refuses the whole request before any case is touched.
    unknown = api.post(
        "/staff/cases/bulk",
        json={"case_ids": [str(cases["staff"].pk)], "operation": "act", "kinds": ["explode"]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "invalid_action"
    # Triage may not; nor may a member or a visitor.
    refused = _bearer(api, crew["triage"]).post(
        "/staff/cases/bulk", json={"case_ids": [str(cases["staff"].pk)], "operation": "dismiss"}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_required"
    assert api.get(f"/staff/cases/bulk?case_id={cases['staff'].pk}").status_code == 403
    assert Case.objects.get(pk=cases["staff"].pk).state == "open"
    assert (
        Client().post("/api/v1/staff/cases/bulk", data="{}", content_type="application/json").status_code
        == 401
    )


QUERIES_REVIEW = 17


def test_bulk_on_the_web_shows_each_case_then_acts_on_each(
    bulk_cases: dict[str, Case], crew: dict[str, User], django_assert_num_queries: Any
) -> None:
    cases = bulk_cases
    client = _signed_in(crew["mod"])
    listing = client.get("/staff/cases").content.decode()
    assert f'name="case" value="{cases["a"].pk}"' in listing
    chosen = [cases["a"].pk, cases["d"].pk, cases["staff"].pk]
    client.get("/staff/cases/bulk", {"case": chosen[:1]})
    catalog_forget()  # the catalogue's stamp is read once in each (see the case page's test)
    with django_assert_num_queries(QUERIES_REVIEW):  # the same for one case as for three
        client.get("/staff/cases/bulk", {"case": chosen[:1]})
    catalog_forget()
    with django_assert_num_queries(QUERIES_REVIEW):
        preview = client.get("/staff/cases/bulk", {"case": chosen, "operation": "act"})
    assert preview.status_code == 200
    html = preview.content.decode()
    for key in ("a", "d"):
        assert f'data-bulk-item="{cases[key].pk}"' in html
        assert f"buy now {key}" in html  # each item's content before confirming
    assert "staff note" in html
    assert "@spammer" in html  # and its context: the author's history
    assert Case.objects.get(pk=cases["a"].pk).state == "open"  # the preview changes nothing
    done = client.post(
        "/staff/cases/bulk",
        {"case": chosen, "operation": "act", "kinds": ["warn"], "rule": "spam", "facts": "Repeated ads."},
    )
    assert done.status_code == 200
    page = done.content.decode()
    assert f'data-bulk-result="{cases["a"].pk}" data-ok="true"' in page
    assert f'data-bulk-result="{cases["staff"].pk}" data-ok="false"' in page
    assert "staff_subject" in page
    for key in ("a", "d"):
        assert Action.objects.filter(case_id=cases[key].pk, kind="warn").count() == 1
        assert Case.objects.get(pk=cases[key].pk).decision == "upheld"
        assert AuditEvent.objects.filter(kind="action.taken", data__case=str(cases[key].pk)).count() == 1
    assert not Action.objects.filter(case_id=cases["staff"].pk).exists()
    # A triage sees neither the review nor the confirmation.
    triage = _signed_in(crew["triage"])
    assert triage.get("/staff/cases/bulk", {"case": chosen}).status_code == 403
    assert triage.post("/staff/cases/bulk", {"case": chosen, "operation": "close"}).status_code == 403
    assert Case.objects.get(pk=cases["staff"].pk).state == "open"


@pytest.fixture
def surge(crew: dict[str, User], make_member: Callable[..., User], root: User) -> datetime:
    """Seeded so every number of the dashboard can be worked out by hand (see the test)."""
    now = datetime(2026, 12, 7, 12, 40, tzinfo=UTC)
    # Sign-ups: everyone made so far joins 3 days ago (outside the window), then these.
    User.objects.update(date_joined=now - timedelta(days=3))
    joined = {
        now - timedelta(minutes=10): 3,  # 12:30 → the 12:00 hour
        now - timedelta(minutes=39): 1,  # 12:01 → the 12:00 hour
        now - timedelta(minutes=41): 2,  # 11:59 → the 11:00 hour
        now - timedelta(hours=47, minutes=30): 1,  # 2026-12-05 13:10 → the first hour shown
        now - timedelta(hours=48, minutes=50): 4,  # 11:50 two days before: outside
    }
    n = 0
    for at, count in joined.items():
        for _ in range(count):
            n += 1
            user = make_member(f"joiner{n}")
            User.objects.filter(pk=user.pk).update(date_joined=at)
    # Backlog by language: zh 3 (zh, zh-Hans, zh-Hant), en 3 (one claimed), other 2 (ja, und).
    for language, state in (
        ("zh", "open"),
        ("zh-Hans", "open"),
        ("zh-Hant", "open"),
        ("en", "open"),
        ("en", "open"),
        ("en", "claimed"),
        ("ja", "open"),
        ("und", "open"),
    ):
        Case.objects.create(
            subject_type="note", subject_id=next_subject(), source="report", language=language, state=state
        )
    # Decisions by staff in the last 24 hours: zh 6, en 4; other: one 30 hours ago, one automatic.
    mod = crew["mod"]
    for language, hours_ago, by in (
        *[("zh-Hans", 1 + i, mod) for i in range(6)],
        *[("en", 2 + i, mod) for i in range(4)],
        ("ja", 30, mod),
        ("und", 3, None),
    ):
        at = now - timedelta(hours=hours_ago)
        Case.objects.create(
            subject_type="note",
            subject_id=next_subject(),
            source="report",
            language=language,
            state="decided",
            decision="dismissed",
            decided_by=by,
            decided_at=at,
        )
    # On duty: mod reads zh and en, mod2 en; triage off duty; a former moderator (no longer staff) on duty.
    StaffProfile.objects.filter(user=crew["mod"]).update(on_duty=True, languages=["zh", "en"])
    StaffProfile.objects.filter(user=crew["mod2"]).update(on_duty=True, languages=["en"])
    StaffProfile.objects.filter(user=crew["triage"]).update(on_duty=False, languages=["zh"])
    former = roles.role_grant(actor=root, member=make_member("former"), role="moderator")
    StaffProfile.objects.filter(user=former).update(on_duty=True, languages=["other"])
    User.objects.filter(pk=former.pk).update(is_staff=False, date_joined=now - timedelta(days=3))
    return now


_subjects = iter(range(10_000, 20_000))


def next_subject() -> int:
    return next(_subjects)


def test_the_dashboard_numbers_are_the_hand_computed_ones(surge: datetime, crew: dict[str, User]) -> None:
    board = dashboard.surge_dashboard(staff=crew["triage"], now=surge)
    hours = dict(board.signups)
    assert len(board.signups) == 48
    assert board.signups[0][0] == datetime(2026, 12, 5, 13, tzinfo=UTC)
    assert board.signups[-1][0] == datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert hours[datetime(2026, 12, 7, 12, tzinfo=UTC)] == 4
    assert hours[datetime(2026, 12, 7, 11, tzinfo=UTC)] == 2
    assert hours[datetime(2026, 12, 5, 13, tzinfo=UTC)] == 1
    assert board.signups_total == 7
    loads = {load.language: load for load in board.languages}
    assert (loads["zh"].backlog, loads["en"].backlog, loads["other"].backlog) == (3, 3, 2)
    assert (loads["zh"].on_duty, loads["en"].on_duty, loads["other"].on_duty) == (1, 2, 0)
    assert (loads["zh"].decisions, loads["en"].decisions, loads["other"].decisions) == (6, 4, 0)
    assert loads["zh"].rate_per_hour == 0.25  # 6 / 24
    assert loads["zh"].hours_to_clear == 12.0  # 3 / 0.25
    assert loads["en"].rate_per_hour == round(4 / 24, 3)
    assert loads["en"].hours_to_clear == 18.0  # 3 / (4 / 24)
    assert loads["other"].hours_to_clear is None  # a backlog nobody decided from


def test_the_dashboard_api_and_page(
    surge: datetime, crew: dict[str, User], api: Any, make_member: Any, django_assert_num_queries: Any
) -> None:
    # Served at the real "now": the per-language numbers do not depend on it once the seeded times are
    # shifted to it; sign-ups are counted over whole hours, so only their total is checked here.
    shift = timezone.now() - surge
    for case in Case.objects.filter(decided_at__isnull=False):
        Case.objects.filter(pk=case.pk).update(decided_at=case.decided_at + shift)
    body = _bearer(api, crew["triage"]).get("/staff/dashboard").json()
    loads = {load["language"]: load for load in body["languages"]}
    assert loads["zh"] == {
        "language": "zh",
        "backlog": 3,
        "on_duty": 1,
        "decisions": 6,
        "rate_per_hour": 0.25,
        "hours_to_clear": 12.0,
    }
    assert loads["en"]["hours_to_clear"] == 18.0
    assert loads["en"]["on_duty"] == 2
    assert loads["other"]["hours_to_clear"] is None
    assert len(body["signups"]) == 48
    client = _signed_in(crew["triage"])
    client.get("/staff/dashboard")
    with django_assert_num_queries(10):  # one grouped query per number, whatever the backlog
        page = client.get("/staff/dashboard")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'data-language="zh"><th scope="row">Chinese</th><td data-backlog>3</td><td data-on-duty>1</td>'
        in html
    )
    assert "12.0 h" in html
    assert "18.0 h" in html
    assert "not at this rate" in html
    assert html.count('<rect x="') >= 48 + 3 * 4  # the sign-up columns and four bar charts
    assert _signed_in(make_member("curious")).get("/staff/dashboard").status_code == 403
    member_api = api
    _token, secret = token_issue(user=make_member("curious2"))
    member_api.token = secret
    assert member_api.get("/staff/dashboard").status_code == 403
