"""The catalogue's pages: the community guidelines for everyone (/rules) and the staff pages of rules, lexicon and
domains, in both languages; a refused form keeps what was typed; visitors go to sign in, members are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.core.audit import audit_append
from hongshu.core.audit_seal import audit_unsealed
from hongshu.core.models import AuditEvent
from hongshu.screening.models import DomainRule, LexiconTerm, Rule

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/staff/rules", "/staff/lexicon", "/staff/domains", "/staff/audit"]


def signed_in(user: User, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


@pytest.fixture
def staff(make_member: Callable[..., User]) -> User:
    keeper = make_member("keeper")
    User.objects.filter(pk=keeper.pk).update(is_staff=True)
    keeper.is_staff = True
    return keeper


def test_the_guidelines_page_in_both_languages() -> None:
    english = Client(headers={"Accept-Language": "en"}).get("/rules").content.decode()
    assert "Community guidelines" in english
    assert 'data-rule="scam"' in english
    assert "Scams and fraud" in english
    assert "诈骗与欺诈" in english
    chinese = Client(headers={"Accept-Language": "zh-hans"}).get("/rules").content.decode()
    assert "社区规范" in chinese
    assert chinese.index("诈骗与欺诈") < chinese.index("Scams and fraud")  # the reader's language first
    about = Client().get("/about/").content.decode()
    assert 'href="/rules"' in about


def test_visitors_go_to_sign_in_and_members_are_refused(
    make_member: Callable[..., User], staff: User
) -> None:
    term = LexiconTerm.objects.get(language="zh", text="加微信")
    posts = [
        *STAFF_PAGES[:3],  # the event log page only reads
        f"/staff/lexicon/{term.pk}/remove",
        f"/staff/lexicon/{term.pk}/update",
        "/staff/domains/1/remove",
    ]
    member = signed_in(make_member("plain"))
    for path in STAFF_PAGES:
        response = Client().get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/signin/"), path
        assert member.get(path).status_code == 403, path
    for path in posts:
        assert Client().post(path, {"text": "x", "language": "en", "rule": "spam"}).status_code == 302, path
        assert (
            member.post(path, {"text": "x", "language": "en", "rule": "spam", "shadow": "on"}).status_code
            == 403
        )
    assert LexiconTerm.objects.filter(pk=term.pk, shadow=False).exists()
    assert not LexiconTerm.objects.filter(text="x").exists()


def test_staff_edit_a_rule_and_see_its_versions(staff: User) -> None:
    client = signed_in(staff)
    page = client.get("/staff/rules").content.decode()
    assert 'id="rule-spam"' in page
    assert 'data-version="1"' in page
    assert 'href="/staff/lexicon"' in page  # the staff navigation
    rule = Rule.objects.get(code="spam")
    form = {
        "op": "update",
        "code": "spam",
        "severity": "3",
        "title_en": rule.title_en,
        "title_zh": rule.title_zh,
        "text_en": "Keep it real: no spam.",
        "text_zh": rule.text_zh,
        "active": "on",
    }
    response = client.post("/staff/rules", form)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.version, rule.severity, rule.text_en) == (2, 3, "Keep it real: no spam.")
    page = client.get("/staff/rules").content.decode()
    assert "The rule spam was saved; it is at version 2." in page
    assert 'data-version-row="1"' in page
    assert 'data-version-row="2"' in page
    # A refused edit comes back with what was typed.
    refused = client.post("/staff/rules", {**form, "text_en": "A new text that was typed", "title_zh": " "})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "This field cannot be empty." in body
    assert 'data-error-field="title_zh"' in body
    assert "A new text that was typed" in body
    rule.refresh_from_db()
    assert rule.version == 2


def test_staff_add_a_rule_keeping_what_was_typed(staff: User) -> None:
    client = signed_in(staff, "zh-hans")
    form = {
        "op": "create",
        "code": "Bad Code!",
        "severity": "2",
        "title_en": "Gambling",
        "title_zh": "赌博",
        "text_en": "No gambling.",
        "text_zh": "禁止赌博推广。",
        "active": "on",
    }
    refused = client.post("/staff/rules", form)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "新规则" in body
    assert 'value="Bad Code!"' in body
    assert "禁止赌博推广。" in body
    assert "规则代码" in body  # the problem, in Chinese
    assert client.post("/staff/rules", {**form, "code": "gambling"}).status_code == 302
    assert Rule.objects.get(code="gambling").version == 1


def test_staff_manage_the_lexicon(staff: User) -> None:
    client = signed_in(staff)
    page = client.get("/staff/lexicon").content.decode()
    assert "List a term" in page
    assert 'data-text="replica handbags"' in page
    added = client.post(
        "/staff/lexicon",
        {"language": "en", "text": "Cheap Rolex", "rule": "intellectual-property", "action": "reject"},
    )
    assert added.status_code == 302
    term = LexiconTerm.objects.get(language="en", text="cheap rolex")
    assert (term.action, term.shadow, term.created_by_id) == ("reject", False, staff.pk)
    assert "“cheap rolex” was listed." in client.get("/staff/lexicon").content.decode()
    # A duplicate is refused and the form keeps what was typed.
    again = client.post(
        "/staff/lexicon", {"language": "en", "text": "CHEAP   rolex", "rule": "spam", "shadow": "on"}
    )
    assert again.status_code == 409
    body = again.content.decode()
    assert "This term is already listed for this language." in body
    assert 'value="CHEAP   rolex"' in body
    assert '<option value="spam" selected>' in body
    # Filters, then shadow, enforce and remove from the filtered list.
    listed = client.get("/staff/lexicon", {"language": "en", "q": "rolex"}).content.decode()
    assert f'data-term="{term.pk}"' in listed
    assert "加微信" not in listed
    back = "/staff/lexicon?language=en&q=rolex"
    shadowed = client.post(f"/staff/lexicon/{term.pk}/update", {"shadow": "on", "next": back})
    assert shadowed.status_code == 302
    assert shadowed["Location"] == back
    assert LexiconTerm.objects.get(pk=term.pk).shadow
    client.post(f"/staff/lexicon/{term.pk}/update", {"shadow": "off", "next": "https://evil.example/"})
    assert not LexiconTerm.objects.get(pk=term.pk).shadow
    removed = client.post(f"/staff/lexicon/{term.pk}/remove", {"next": back})
    assert removed.status_code == 302
    assert not LexiconTerm.objects.filter(pk=term.pk).exists()
    assert client.post(f"/staff/lexicon/{term.pk}/remove").status_code == 404


def test_the_lexicon_in_chinese(staff: User) -> None:
    client = signed_in(staff, "zh-hans")
    page = client.get("/staff/lexicon").content.decode()
    assert "词库" in page
    assert "添加词条" in page
    refused = client.post("/staff/lexicon", {"language": "zh", "text": "   ", "rule": "spam"})
    assert refused.status_code == 422
    assert "请输入要添加的词或短语。" in refused.content.decode()


def test_staff_manage_domains(staff: User) -> None:
    client = signed_in(staff)
    refused = client.post("/staff/domains", {"domain": "not a domain/", "verdict": "deny", "rule": "scam"})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert 'value="not a domain/"' in body
    assert '<option value="scam" selected>' in body
    assert (
        client.post(
            "/staff/domains", {"domain": "https://www.Scam.example/x", "verdict": "deny", "rule": "scam"}
        ).status_code
        == 302
    )
    row = DomainRule.objects.get(domain="scam.example")
    assert 'data-domain="scam.example"' in client.get("/staff/domains").content.decode()
    chinese = signed_in(staff, "zh-hans").post(
        "/staff/domains", {"domain": "scam.example", "verdict": "allow"}
    )
    assert chinese.status_code == 409
    assert "该域名已有规则。" in chinese.content.decode()
    assert client.post(f"/staff/domains/{row.pk}/remove").status_code == 302
    assert not DomainRule.objects.filter(pk=row.pk).exists()


def test_the_event_log_page(staff: User) -> None:
    client = signed_in(staff)
    client.post("/staff/lexicon", {"language": "en", "text": "logged term", "rule": "spam"})
    audit_append(kind="report.created", subject="note:7", data={"rule": "spam"})
    page = client.get("/staff/audit").content.decode()
    assert page.index('data-seq="2"') < page.index('data-seq="1"')  # newest first
    assert "@keeper" in page
    assert "catalogue.term" in page
    assert "the system" in page
    assert 'data-chain="' not in page  # verified only when asked
    only = client.get("/staff/audit", {"subject": "note:7"}).content.decode()
    assert 'data-seq="2"' in only
    assert 'data-seq="1"' not in only
    assert (
        "Checked 2 entries: the chain holds." in client.get("/staff/audit", {"verify": "1"}).content.decode()
    )
    with audit_unsealed():
        AuditEvent.objects.filter(seq=1).update(subject="term:0")
    chinese = signed_in(staff, "zh-hans").get("/staff/audit", {"verify": "1"}).content.decode()
    assert "事件日志" in chinese
    assert 'data-chain="broken"' in chinese
    assert "第 1 条记录已损坏" in chinese
