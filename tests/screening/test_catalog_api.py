"""The catalogue through the API: the public guidelines; for staff the rules and their versions, the lexicon, the
domains and the event log with its verifier. Every staff route refuses visitors (401) and members (403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hongshu.accounts.models import User
from hongshu.core.audit import audit_append
from hongshu.core.audit_seal import audit_unsealed
from hongshu.core.models import AuditEvent
from hongshu.screening.models import LexiconTerm

pytestmark = pytest.mark.django_db

Problem = Callable[[Any, int, str], dict[str, Any]]


@pytest.fixture
def staff_api(member_api: Callable[..., tuple[User, Any]]) -> Any:
    keeper, client = member_api("keeper")
    User.objects.filter(pk=keeper.pk).update(is_staff=True)
    return client


STAFF_ROUTES = [
    ("get", "/staff/rules", None),
    (
        "post",
        "/staff/rules",
        {"code": "x", "severity": 1, "title_en": "x", "title_zh": "x", "text_en": "x", "text_zh": "x"},
    ),
    ("get", "/staff/rules/spam", None),
    ("patch", "/staff/rules/spam", {"severity": 1}),
    ("get", "/staff/rules/spam/versions", None),
    ("get", "/staff/lexicon", None),
    ("post", "/staff/lexicon", {"language": "en", "text": "zzz", "rule": "spam"}),
    ("patch", "/staff/lexicon/{term}", {"shadow": True}),
    ("delete", "/staff/lexicon/{term}", None),
    ("get", "/staff/domains", None),
    ("post", "/staff/domains", {"domain": "x.example", "verdict": "allow"}),
    ("delete", "/staff/domains/{domain}", None),
    ("get", "/staff/audit", None),
    ("get", "/staff/audit/verify", None),
]


def test_visitors_get_401_and_members_403_on_every_staff_route(
    api: Any, member_api: Callable[..., tuple[User, Any]], staff_api: Any, problem: Problem
) -> None:
    term = staff_api.post("/staff/lexicon", json={"language": "en", "text": "keep me", "rule": "spam"}).json()
    domain = staff_api.post("/staff/domains", json={"domain": "keep.example", "verdict": "allow"}).json()
    _member, member = member_api("plain")
    for method, template, body in STAFF_ROUTES:
        path = template.format(term=term["id"], domain=domain["id"])
        kwargs = {} if body is None else {"json": body}
        problem(getattr(api, method)(path, **kwargs), 401, "not_authenticated")
        assert getattr(member, method)(path, **kwargs).status_code == 403, (method, path)
    assert LexiconTerm.objects.filter(pk=term["id"], shadow=False).exists()
    assert not LexiconTerm.objects.filter(text="zzz").exists()


def test_public_rules(api: Any, staff_api: Any) -> None:
    rules = api.get("/rules").json()
    by_code = {rule["code"]: rule for rule in rules}
    assert by_code["spam"]["title_zh"] == "垃圾信息"
    assert by_code["spam"]["version"] == 1
    staff_api.patch("/staff/rules/spam", json={"active": False})
    assert "spam" not in {rule["code"] for rule in api.get("/rules").json()}


def test_rules_edit_and_versions(staff_api: Any, problem: Problem) -> None:
    assert len(staff_api.get("/staff/rules").json()) >= 13
    edited = staff_api.patch("/staff/rules/scam", json={"title_zh": "诈骗", "severity": 3})
    assert edited.status_code == 200
    assert (edited.json()["version"], edited.json()["title_zh"]) == (2, "诈骗")
    versions = staff_api.get("/staff/rules/scam/versions").json()
    assert [(v["version"], v["title_zh"]) for v in versions] == [(2, "诈骗"), (1, "诈骗与欺诈")]
    assert versions[0]["created_by_id"] is not None
    assert versions[1]["created_by_id"] is None
    created = staff_api.post(
        "/staff/rules",
        json={
            "code": "gambling",
            "severity": 2,
            "title_en": "Gambling",
            "title_zh": "赌博",
            "text_en": "No gambling.",
            "text_zh": "禁止赌博。",
        },
    )
    assert created.status_code == 201
    assert staff_api.get("/staff/rules/gambling").json()["version"] == 1
    problem(staff_api.get("/staff/rules/nope"), 404, "rule_not_found")
    problem(staff_api.patch("/staff/rules/nope", json={"severity": 1}), 404, "rule_not_found")
    problem(staff_api.post("/staff/rules", json=created.json() | {"severity": 2}), 409, "rule_exists")
    bad = problem(staff_api.patch("/staff/rules/scam", json={"text_en": "  "}), 422, "required")
    assert bad["errors"][0]["field"] == "text_en"


def test_lexicon_add_list_filter_patch_remove(staff_api: Any, problem: Problem) -> None:
    added = staff_api.post(
        "/staff/lexicon",
        json={"language": "zh", "text": "兼职 刷单 日结", "rule": "scam", "action": "reject"},
    )
    assert added.status_code == 201
    term = added.json()
    assert (term["text"], term["rule"], term["action"], term["shadow"]) == (
        "兼职 刷单 日结",
        "scam",
        "reject",
        False,
    )
    problem(
        staff_api.post("/staff/lexicon", json={"language": "zh", "text": "兼职  刷单 日结", "rule": "spam"}),
        409,
        "term_exists",
    )
    problem(
        staff_api.post("/staff/lexicon", json={"language": "en", "text": "x", "rule": "nope"}),
        422,
        "unknown_rule",
    )
    assert (
        staff_api.post("/staff/lexicon", json={"language": "fr", "text": "x", "rule": "spam"}).status_code
        == 422
    )
    found = staff_api.get("/staff/lexicon", data={"language": "zh", "rule": "scam", "q": "刷单"}).json()
    assert [t["id"] for t in found["items"]][:1] == [term["id"]]
    assert {t["rule"] for t in found["items"]} == {"scam"}
    first = staff_api.get("/staff/lexicon", data={"language": "en", "limit": 5}).json()
    assert len(first["items"]) == 5
    assert first["next_cursor"]
    second = staff_api.get(
        "/staff/lexicon", data={"language": "en", "limit": 5, "cursor": first["next_cursor"]}
    )
    assert not {t["id"] for t in first["items"]} & {t["id"] for t in second.json()["items"]}
    problem(staff_api.get("/staff/lexicon", data={"cursor": "abc"}), 422, "invalid_cursor")
    patched = staff_api.patch(f"/staff/lexicon/{term['id']}", json={"shadow": True, "action": "hold"}).json()
    assert (patched["shadow"], patched["action"]) == (True, "hold")
    assert staff_api.delete(f"/staff/lexicon/{term['id']}").status_code == 204
    problem(staff_api.delete(f"/staff/lexicon/{term['id']}"), 404, "term_not_found")
    problem(staff_api.patch(f"/staff/lexicon/{term['id']}", json={"shadow": False}), 404, "term_not_found")


def test_domains(staff_api: Any, problem: Problem) -> None:
    added = staff_api.post(
        "/staff/domains", json={"domain": "https://www.Bad.example/x", "verdict": "deny", "rule": "scam"}
    )
    assert added.status_code == 201
    assert (added.json()["domain"], added.json()["rule"]) == ("bad.example", "scam")
    problem(
        staff_api.post("/staff/domains", json={"domain": "bad.example", "verdict": "allow"}),
        409,
        "domain_exists",
    )
    problem(
        staff_api.post("/staff/domains", json={"domain": "not a domain", "verdict": "allow"}),
        422,
        "invalid_domain",
    )
    problem(
        staff_api.post("/staff/domains", json={"domain": "ok.example", "verdict": "deny"}),
        422,
        "rule_required",
    )
    assert [row["domain"] for row in staff_api.get("/staff/domains").json()] == ["bad.example"]
    assert staff_api.delete(f"/staff/domains/{added.json()['id']}").status_code == 204
    assert staff_api.get("/staff/domains").json() == []
    problem(staff_api.delete(f"/staff/domains/{added.json()['id']}"), 404, "domain_rule_not_found")


def test_the_event_log_and_its_verifier(staff_api: Any, problem: Problem) -> None:
    for n in range(3):
        audit_append(kind="report.created", subject=f"note:{n}", data={"n": n})
    staff_api.post("/staff/lexicon", json={"language": "en", "text": "log me", "rule": "spam"})
    page = staff_api.get("/staff/audit", data={"limit": 2}).json()
    assert [e["seq"] for e in page["items"]] == [4, 3]
    assert page["items"][0]["kind"] == "catalogue.term"
    assert page["items"][0]["actor_id"]
    rest = staff_api.get("/staff/audit", data={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [e["seq"] for e in rest["items"]] == [2, 1]
    assert rest["next_cursor"] is None
    assert rest["items"][0]["hash"] == page["items"][1]["prev_hash"]
    subject = staff_api.get("/staff/audit", data={"subject": "note:1"}).json()
    assert [e["seq"] for e in subject["items"]] == [2]
    kinds = staff_api.get("/staff/audit", data={"kind": "catalogue."}).json()
    assert [e["kind"] for e in kinds["items"]] == ["catalogue.term"]
    assert staff_api.get("/staff/audit", data={"kind": "report.created"}).json()["items"][0]["seq"] == 3
    assert staff_api.get("/staff/audit/verify").json() == {"checked": 4, "broken": None}
    with audit_unsealed():
        AuditEvent.objects.filter(seq=2).update(subject="note:99")
    assert staff_api.get("/staff/audit/verify").json() == {
        "checked": 1,
        "broken": {"seq": 2, "reason": "its content does not match its hash"},
    }


def test_a_staff_session_cookie_works_too(
    make_member: Callable[..., User], cookie_api: Callable[[Any], Any], problem: Problem
) -> None:
    from django.test import Client

    keeper = make_member("keeper")
    User.objects.filter(pk=keeper.pk).update(is_staff=True)
    browser = Client(enforce_csrf_checks=False)
    browser.force_login(keeper)
    client = cookie_api(browser)
    added = client.post("/staff/lexicon", json={"language": "*", "text": "t.me/joinchat", "rule": "spam"})
    assert added.status_code == 201
    assert client.get("/staff/lexicon", data={"language": "*"}).json()["items"][0]["text"] == "t.me/joinchat"
    assert client.delete(f"/staff/lexicon/{added.json()['id']}").status_code == 204
