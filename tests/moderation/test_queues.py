"""Queues routed by language (issue 25, items 2 and 10): routing, who may see and claim what (API with a bearer
token and web with a session cookie), leases that expire, release, escalation, claim-next, counts, and the
shared queue's labelled translation."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from hongshu.accounts import roles
from hongshu.accounts.models import User
from hongshu.core.audit import audit_verify
from hongshu.core.models import AuditEvent
from hongshu.media.models import MediaAsset
from hongshu.moderation import leases, queues, services
from hongshu.moderation.models import Case
from hongshu.notes.services import ImageSpec, note_create
from hongshu.screening.models import Rule

pytestmark = pytest.mark.django_db


def asset_for(owner: User) -> int:
    """A processed photo without files (as tests/conftest.py's notes have)."""
    return MediaAsset.objects.create(
        owner=owner,
        state=MediaAsset.State.READY,
        content_type="image/jpeg",
        width=1080,
        height=1440,
        variants={"360": "media/x/360.webp"},
    ).pk


@pytest.fixture
def root(make_member: Callable[..., User]) -> User:
    user = make_member("queueroot")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def crew(
    root: User, member_api: Callable[..., tuple[User, Any]]
) -> Callable[[str, str, list[str], bool], tuple[User, Any]]:
    """`crew(handle, role, languages, on_duty)`: a staff member with an API client."""

    def make(handle: str, role: str, languages: list[str], on_duty: bool = True) -> tuple[User, Any]:
        user, client = member_api(handle)
        roles.role_grant(actor=root, member=user, role=role)
        roles.staff_profile_update(staff=user, languages=languages, on_duty=on_duty)
        return User.objects.get(pk=user.pk), client

    return make


@pytest.fixture
def author(make_member: Callable[..., User]) -> User:
    return make_member("writer")


@pytest.fixture
def open_case(rules: list[Rule], author: User) -> Callable[..., Case]:
    """`open_case(language, text, rule="spam")`: a note in `language` and the case screening opens on it."""

    def make(language: str, text: str = "some text", rule: str = "spam") -> Case:
        note = note_create(
            author=author,
            title=text[:20],
            body=text,
            images=[ImageSpec(media_id=asset_for(author))],
            language=language,
        )
        chosen = Rule.objects.get(code=rule)
        return services.case_open(
            subject=f"note:{note.pk}",
            source="screening",
            language=note.language,
            rule_code=chosen.code,
            rule_version=chosen.version,
            severity=chosen.severity,
            evidence={},
        )

    return make


def web(user: User, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_each_case_goes_to_the_queue_of_its_language(open_case: Callable[..., Case]) -> None:
    made = {code: open_case(code) for code in ("zh-Hans", "zh-Hant", "en", "ja", "und", "mixed")}
    got = {code: Case.objects.get(pk=case.pk).queue for code, case in made.items()}
    assert got == {
        "zh-Hans": "zh",
        "zh-Hant": "zh",
        "en": "en",
        "ja": "other",
        "und": "other",
        "mixed": "other",
    }
    assert all(queues.queue_of(code) == queue for code, queue in got.items())
    assert Case.objects.filter(queue="zh").count() == 2


def test_queues_list_counts_oldest_age_and_what_is_shared(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    english, en_api = crew("enmod", "moderator", ["en"])
    chinese, zh_api = crew("zhmod", "moderator", ["zh"])
    _admin, admin_api = crew("boss", "admin", [], False)
    for _ in range(3):
        open_case("en")
    old = open_case("en")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=30))
    open_case("zh-Hans")
    open_case("ja")
    listed = en_api.get("/staff/queues").json()
    assert [q["queue"] for q in listed] == ["en", "shared"]
    by_name = {q["queue"]: q for q in listed}
    assert by_name["en"]["waiting"] == 4
    assert by_name["en"]["claimed"] == 0
    assert 29.9 < by_name["en"]["oldest_age_hours"] < 30.1
    assert by_name["en"]["shared"] is False
    assert by_name["shared"]["languages"] == ["other"]  # nobody on duty reads Japanese
    assert by_name["shared"]["waiting"] == 1
    everything = {q["queue"]: q for q in admin_api.get("/staff/queues").json()}
    assert list(everything) == ["zh", "en", "other", "shared"]
    assert everything["other"]["shared"] is True
    assert everything["zh"]["waiting"] == 1
    # Claims count apart from what waits.
    en_api.post(f"/staff/cases/{old.pk}/claim")
    again = {q["queue"]: q for q in en_api.get("/staff/queues").json()}
    assert (again["en"]["waiting"], again["en"]["claimed"]) == (3, 1)
    # The Chinese reader goes off duty: Chinese cases are in the shared queue now.
    roles.staff_profile_update(staff=chinese, on_duty=False)
    shared = {q["queue"]: q for q in en_api.get("/staff/queues").json()}["shared"]
    assert shared["languages"] == ["zh", "other"]
    assert shared["waiting"] == 2
    assert zh_api.get("/staff/queues").status_code == 200
    assert english.pk != chinese.pk


def test_counting_stops_at_the_cap_and_says_there_are_more(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    english, api = crew("enmod", "moderator", ["en"])
    for _ in range(4):
        open_case("en")
    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    en = api.get("/staff/queues").json()[0]
    assert (en["queue"], en["waiting"], en["more"]) == ("en", 3, True)
    assert "<dd data-waiting>3+</dd>" in web(english).get("/staff/queues").content.decode()
    monkeypatch.setattr(queues, "COUNT_CAP", 4)
    en = api.get("/staff/queues").json()[0]
    assert (en["waiting"], en["more"]) == (4, False)


def test_a_queue_lists_its_cases_by_priority_with_a_cursor(
    crew: Callable[..., tuple[User, Any]],
    open_case: Callable[..., Case],
    member_api: Callable[..., tuple[User, Any]],
) -> None:
    _mod, api = crew("enmod", "moderator", ["en"])
    low = open_case("en", rule="spam")  # severity 2
    high = open_case("en", rule="scam")  # severity 3
    aged = open_case("en", rule="spam")
    Case.objects.filter(pk=aged.pk).update(created_at=timezone.now() - timedelta(hours=24))
    leases.case_rank(case_id=aged.pk)  # 24 h of age: +4
    reported = open_case("en", rule="spam")
    reporter, reporter_api = member_api("witness")
    note_id = reported.subject_id
    assert (
        reporter_api.post(
            "/reports", json={"subject_type": "note", "subject_id": str(note_id), "rule": "spam"}
        ).status_code
        == 201
    )
    open_case("zh-Hans")  # another queue
    page = api.get("/staff/queues/en/cases").json()
    ids = [item["id"] for item in page["items"]]
    assert ids == [str(high.pk), str(aged.pk), str(reported.pk), str(low.pk)]
    priorities = [item["priority"] for item in page["items"]]
    assert priorities == sorted(priorities, reverse=True)
    assert page["items"][1]["priority"] == pytest.approx(24.0, abs=0.01)  # 10·2 + 24 h / 6
    assert page["items"][2]["priority"] == pytest.approx(23.0, abs=0.01)  # 10·2 + 3·1 (one report)
    assert page["next_cursor"] is None
    first = api.get("/staff/queues/en/cases", data={"limit": 2}).json()
    assert [i["id"] for i in first["items"]] == ids[:2]
    rest = api.get("/staff/queues/en/cases", data={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in rest["items"]] == ids[2:]
    assert rest["next_cursor"] is None
    assert reporter.pk


def test_the_age_term_is_refreshed_periodically(open_case: Callable[..., Case]) -> None:
    case = open_case("en")
    assert Case.objects.get(pk=case.pk).priority == pytest.approx(20.0, abs=0.01)
    later = timezone.now() + timedelta(hours=12)
    assert leases.case_priorities_age(now=later) >= 1
    assert Case.objects.get(pk=case.pk).priority == pytest.approx(22.0, abs=0.01)
    much_later = timezone.now() + timedelta(days=30)
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=2))
    leases.case_priorities_age(now=much_later)  # older than the cap: untouched, the cap already reached
    assert Case.objects.get(pk=case.pk).priority == pytest.approx(22.0, abs=0.01)


def test_a_moderator_cannot_work_a_language_they_do_not_read(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    english, en_api = crew("enmod", "moderator", ["en"])
    chinese, _zh_api = crew("zhmod", "moderator", ["zh"])
    zh_case = open_case("zh-Hans", "这是一条测试笔记")
    listing = en_api.get("/staff/queues/zh/cases")
    assert listing.status_code == 403
    assert listing.json()["code"] == "language_not_read"
    refused = en_api.post(f"/staff/cases/{zh_case.pk}/claim", headers={"Accept-Language": "zh-hans"})
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "language_not_read"
    assert re.search(r"[\u4e00-\u9fff]", body["detail"]), body  # told in their language
    assert en_api.post("/staff/queues/zh/claim-next").status_code == 403
    assert Case.objects.get(pk=zh_case.pk).state == "open"
    # The web app, with a session cookie: the same refusals.
    page = web(english)
    assert page.get("/staff/queues/zh").status_code == 403
    assert page.post(f"/staff/cases/{zh_case.pk}/claim").status_code == 403
    assert page.post("/staff/queues/zh/claim-next").status_code == 403
    queues_page = page.get("/staff/queues").content.decode()
    assert 'data-queue="en"' in queues_page
    assert 'data-queue="zh"' not in queues_page
    assert Case.objects.get(pk=zh_case.pk).state == "open"
    # Nobody on duty reads Chinese any more: the case is shared, and the English reader may take it.
    roles.staff_profile_update(staff=chinese, on_duty=False)
    shared = en_api.get("/staff/queues/shared/cases").json()
    assert [item["id"] for item in shared["items"]] == [str(zh_case.pk)]
    assert page.post(f"/staff/cases/{zh_case.pk}/claim").status_code == 302
    claimed = Case.objects.get(pk=zh_case.pk)
    assert (claimed.state, claimed.claimed_by_id) == ("claimed", english.pk)


def test_admins_see_and_claim_every_queue(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    crew("zhmod", "moderator", ["zh"])
    _admin, admin_api = crew("boss", "admin", [], False)
    zh_case = open_case("zh-Hans")
    assert [i["id"] for i in admin_api.get("/staff/queues/zh/cases").json()["items"]] == [str(zh_case.pk)]
    claimed = admin_api.post("/staff/queues/zh/claim-next")
    assert claimed.status_code == 200
    assert claimed.json()["id"] == str(zh_case.pk)


def test_a_lease_expires_and_another_can_take_the_case_over(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case], settings: Any
) -> None:
    first, first_api = crew("first", "moderator", ["en"])
    second, second_api = crew("second", "moderator", ["en"])
    case = open_case("en")
    before = timezone.now()
    assert first_api.post(f"/staff/cases/{case.pk}/claim").status_code == 200
    held = Case.objects.get(pk=case.pk)
    assert timedelta(minutes=14) < held.lease_until - before <= timedelta(minutes=15, seconds=5)
    busy = second_api.post(f"/staff/cases/{case.pk}/claim")
    assert busy.status_code == 409
    assert busy.json()["code"] == "case_claimed"
    assert second_api.post("/staff/queues/en/claim-next").status_code == 204  # nothing free
    listed = second_api.get("/staff/queues/en/cases").json()["items"][0]
    assert listed["lease_live"] is True
    assert listed["claimed_by"] == "first"
    # The lease runs out (as if 16 minutes passed): the case is anyone's again.
    Case.objects.filter(pk=case.pk).update(lease_until=timezone.now() - timedelta(minutes=1))
    assert second_api.get("/staff/queues/en/cases").json()["items"][0]["lease_live"] is False
    taken = second_api.post("/staff/queues/en/claim-next")
    assert taken.status_code == 200
    assert taken.json()["id"] == str(case.pk)
    assert taken.json()["claimed_by"] == "second"
    event = AuditEvent.objects.filter(kind="case.lease_taken", subject=case.subject).get()
    assert event.actor_id == second.pk
    assert event.data["previous"] == str(first.pk)
    # The claimant who lost it cannot release it; the setting sets the lease.
    assert first_api.post(f"/staff/cases/{case.pk}/release").status_code == 403
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"case_lease_minutes": 3})
    renewed = second_api.post(f"/staff/cases/{case.pk}/claim").json()
    assert renewed["claimed_by"] == "second"
    lease = Case.objects.get(pk=case.pk).lease_until
    assert timedelta(minutes=2) < lease - timezone.now() <= timedelta(minutes=3)
    assert AuditEvent.objects.filter(kind="case.lease_renewed", subject=case.subject).count() == 1


def test_the_periodic_job_puts_expired_claims_back(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    staff, api = crew("first", "moderator", ["en"])
    expired, live = open_case("en"), open_case("en")
    api.post(f"/staff/cases/{expired.pk}/claim")
    api.post(f"/staff/cases/{live.pk}/claim")
    Case.objects.filter(pk=expired.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    from hongshu.moderation.tasks import leases_expire_task

    assert leases_expire_task() == 1
    back = Case.objects.get(pk=expired.pk)
    assert (back.state, back.claimed_by_id, back.lease_until) == ("open", None, None)
    assert Case.objects.get(pk=live.pk).state == "claimed"
    event = AuditEvent.objects.filter(kind="case.lease_expired").get()
    assert event.subject == expired.subject
    assert event.actor_id is None
    assert event.data["previous"] == str(staff.pk)
    assert audit_verify()[1] is None


def test_release_gives_the_case_back(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    owner, owner_api = crew("first", "moderator", ["en"])
    _other, other_api = crew("second", "moderator", ["en"])
    _admin, admin_api = crew("boss", "admin", [], False)
    case = open_case("en")
    owner_api.post(f"/staff/cases/{case.pk}/claim")
    refused = other_api.post(f"/staff/cases/{case.pk}/release")
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_required"
    released = owner_api.post(f"/staff/cases/{case.pk}/release")
    assert released.status_code == 200
    assert (released.json()["state"], released.json()["claimed_by"]) == ("open", None)
    assert owner_api.post(f"/staff/cases/{case.pk}/release").json()["code"] == "case_not_claimed"
    other_api.post(f"/staff/cases/{case.pk}/claim")
    assert admin_api.post(f"/staff/cases/{case.pk}/release").status_code == 200  # admins may
    kinds = list(
        AuditEvent.objects.filter(subject=case.subject, kind__startswith="case.").values_list(
            "kind", "actor_id"
        )
    )
    assert kinds[-4:] == [
        ("case.state", owner.pk),
        ("case.released", owner.pk),
        ("case.state", _other.pk),
        ("case.released", _admin.pk),
    ]
    # From the web, back to the queue page.
    page = web(owner)
    page.post(f"/staff/cases/{case.pk}/claim")
    back = page.post(f"/staff/cases/{case.pk}/release", {"next": "/staff/queues/en"})
    assert back.status_code == 302
    assert back["Location"] == "/staff/queues/en"
    away = page.post(f"/staff/cases/{case.pk}/claim")
    assert away.status_code == 302
    outside = page.post(f"/staff/cases/{case.pk}/release", {"next": "https://evil.example/"})
    assert outside["Location"] == "/staff/queues"


def test_escalation_raises_who_may_claim_and_decide(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    triager, triage_api = crew("sorter", "triage", ["en"])
    _mod, mod_api = crew("enmod", "moderator", ["en"])
    admin, admin_api = crew("boss", "admin", ["en"])
    case = open_case("en")
    triage_api.post(f"/staff/cases/{case.pk}/claim")
    up = triage_api.post(f"/staff/cases/{case.pk}/escalate", json={"reason": "looks like a scam ring"})
    assert up.status_code == 200
    assert (up.json()["min_role"], up.json()["state"]) == ("moderator", "open")  # the claim is let go
    refused = triage_api.post(f"/staff/cases/{case.pk}/claim", headers={"Accept-Language": "zh-hans"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "case_escalated"
    assert "版主" in refused.json()["detail"]
    assert triage_api.post("/staff/queues/en/claim-next").status_code == 204  # it skips what is above them
    assert web(triager).post(f"/staff/cases/{case.pk}/claim").status_code == 403
    assert triage_api.post(f"/staff/cases/{case.pk}/escalate", json={}).status_code == 403
    up_again = mod_api.post(f"/staff/cases/{case.pk}/escalate", json={})
    assert up_again.json()["min_role"] == "admin"
    decided = mod_api.post(f"/staff/cases/{case.pk}/decide", json={"decision": "upheld"})
    assert decided.status_code == 403
    assert decided.json()["code"] == "case_escalated"
    assert mod_api.post(f"/staff/cases/{case.pk}/claim").status_code == 403
    top = admin_api.post(f"/staff/cases/{case.pk}/escalate", json={})
    assert top.status_code == 409
    assert top.json()["code"] == "case_at_top"
    assert admin_api.post("/staff/queues/en/claim-next").json()["id"] == str(case.pk)
    assert admin_api.post(f"/staff/cases/{case.pk}/decide", json={"decision": "upheld"}).status_code == 200
    events = list(AuditEvent.objects.filter(kind="case.escalated", subject=case.subject).order_by("seq"))
    assert [(e.data["from"], e.data["to"]) for e in events] == [
        ("triage", "moderator"),
        ("moderator", "admin"),
    ]
    assert events[0].data["reason"] == "looks like a scam ring"
    assert events[0].actor_id == triager.pk
    assert admin.pk
    assert audit_verify()[1] is None


def test_claim_next_takes_the_best_case_first(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    staff, api = crew("enmod", "moderator", ["en"])
    low, high = open_case("en", rule="spam"), open_case("en", rule="scam")
    assert api.post("/staff/queues/en/claim-next").json()["id"] == str(high.pk)
    page = web(staff)
    taken = page.post("/staff/queues/en/claim-next")
    assert taken.status_code == 302
    assert taken["Location"] == f"/staff/cases/{low.pk}"
    empty = page.post("/staff/queues/en/claim-next")
    assert empty["Location"] == "/staff/queues/en?empty=1"
    assert "no case you can claim" in page.get(empty["Location"]).content.decode()
    assert list(Case.objects.filter(claimed_by=staff).order_by("id").values_list("pk", flat=True)) == [
        low.pk,
        high.pk,
    ]
    assert api.post("/staff/queues/klingon/claim-next").status_code == 422


def test_the_shared_queue_shows_a_labelled_gloss_beside_the_original(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    english, api = crew("enmod", "moderator", ["en"])
    case = open_case("zh-Hans", "我喜欢学习中文")  # nobody on duty reads Chinese
    open_case("en", "an English note")
    items = api.get("/staff/queues/shared/cases").json()["items"]
    assert [i["id"] for i in items] == [str(case.pk)]
    shown = items[0]["translation"]
    assert shown["kind"] == "gloss"
    assert shown["provider"] == "gloss"
    assert shown["label"].startswith("Dictionary gloss")
    assert "like" in shown["text"]
    assert "我喜欢学习中文" in items[0]["excerpt"]
    # Language queues carry no translation.
    assert api.get("/staff/queues/en/cases").json()["items"][0]["translation"] is None
    page = web(english).get("/staff/queues/shared").content.decode()
    assert 'data-translation-kind="gloss"' in page
    assert "Dictionary gloss (word by word, not a translation)" in page
    assert "我喜欢学习中文" in page


def test_the_shared_queue_glosses_into_the_readers_language(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    _chinese, api = crew("zhmod", "moderator", ["zh"])  # nobody on duty reads English
    case = open_case("en", "I like green tea")
    items = api.get("/staff/queues/shared/cases", headers={"Accept-Language": "zh-hans"}).json()["items"]
    assert [i["id"] for i in items] == [str(case.pk)]
    shown = items[0]["translation"]
    assert (shown["kind"], shown["target"]) == ("gloss", "zh-Hans")
    assert shown["label"].startswith("词典释义")
    assert re.search(r"[\u4e00-\u9fff]", shown["text"]), shown


def _standins() -> Any:
    """tests/language/standins.py: local stand-ins for the translation providers' HTTP APIs."""
    path = Path(__file__).resolve().parents[1] / "language" / "standins.py"
    spec = importlib.util.spec_from_file_location("queue_standins", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_with_a_provider_the_shared_queue_shows_a_labelled_machine_translation(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case], settings: Any
) -> None:
    from django.core.cache import cache

    _english, api = crew("enmod", "moderator", ["en"])
    case = open_case("zh-Hans", "好看")
    standins = _standins()
    cache.clear()
    with standins.stand_in("libretranslate", standins.dictionary_reply) as server:
        settings.HONGSHU = settings.HONGSHU.model_copy(
            update={"translation_provider": "libretranslate", "translation_url": server.url}
        )
        [item] = api.get("/staff/queues/shared/cases").json()["items"]
        assert item["id"] == str(case.pk)
        assert item["translation"]["kind"] == "translation"
        assert item["translation"]["label"] == "Machine translation (libretranslate)"
        assert item["translation"]["text"] == standins.dictionary_reply(item["excerpt"])  # what it answered
        server.mode = "500"  # a failing provider: said so, never a gloss in its place
        cache.clear()
        [failed] = api.get("/staff/queues/shared/cases").json()["items"]
        assert failed["translation"]["kind"] == "unavailable"
        assert failed["translation"]["text"] == ""
        assert failed["translation"]["label"] == "No translation available now"


def test_the_queue_pages_read_in_both_languages(
    crew: Callable[..., tuple[User, Any]], open_case: Callable[..., Case]
) -> None:
    staff, _api = crew("enmod", "moderator", ["en", "zh"])
    case = open_case("en", "hello there")
    for language, words in (
        ("en", ("Queues", "Waiting", "Claim the next case")),
        ("zh-hans", ("队列", "等待中")),
    ):
        client = web(staff, language)
        overview = client.get("/staff/queues")
        assert overview.status_code == 200
        html = overview.content.decode()
        assert all(word in html for word in words), (language, words)
        assert "<dd data-waiting>1</dd>" in html
        queue = client.get("/staff/queues/en")
        assert queue.status_code == 200
        assert f'data-case="{case.pk}"' in queue.content.decode()
        assert "hello there" in queue.content.decode()
    assert Client().get("/staff/queues").status_code == 302
    assert web(staff).get("/staff/queues/klingon").status_code == 404


def test_a_queue_page_costs_the_same_queries_for_more_cases(
    crew: Callable[..., tuple[User, Any]],
    open_case: Callable[..., Case],
    count_queries: Callable[[], Any],
) -> None:
    staff, api = crew("enmod", "moderator", ["en"])
    open_case("en")
    client = web(staff)
    client.get("/staff/queues/en")  # warm the session and the caches
    with count_queries() as few:
        assert client.get("/staff/queues/en").status_code == 200
    for _ in range(6):
        open_case("en")
    with count_queries() as many:
        assert client.get("/staff/queues/en").status_code == 200
    assert len(many) == len(few)
    assert api.get("/staff/queues/en/cases").status_code == 200
