"""The catalogue's services and selectors: default rules after migrate, versioned rules, cleaned and unique terms,
idempotent bulk seeding, domains as registrable names; every write moves the catalogue stamp and is logged."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hongshu.accounts.models import User
from hongshu.core.audit import audit_verify
from hongshu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hongshu.core.models import AuditEvent
from hongshu.screening import catalog, selectors
from hongshu.screening.catalog import TermSpec
from hongshu.screening.models import CatalogStamp, DomainRule, LexiconTerm, Rule, RuleVersion
from hongshu.screening.stamp import catalog_key

pytestmark = pytest.mark.django_db

DEFAULT_CODES = {
    "spam",
    "scam",
    "off-platform-sales",
    "adult",
    "harassment",
    "hate",
    "violence",
    "self-harm",
    "illegal-goods",
    "private-info",
    "impersonation",
    "harmful-misinformation",
    "intellectual-property",
}


@pytest.fixture
def staff(make_member: Callable[..., User]) -> User:
    keeper = make_member("keeper")
    User.objects.filter(pk=keeper.pk).update(is_staff=True)
    keeper.is_staff = True
    return keeper


def stamp() -> int:
    return CatalogStamp.objects.filter(id=1).values_list("version", flat=True).first() or 0


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_default_rules_and_lexicon_are_there_after_migrate() -> None:
    rules = {rule.code: rule for rule in Rule.objects.all()}
    assert set(rules) >= DEFAULT_CODES
    for code in DEFAULT_CODES:
        rule = rules[code]
        assert (rule.version, rule.active) == (1, True)
        assert rule.title_en
        assert rule.text_en.endswith(".")
        assert has_cjk(rule.title_zh)
        assert has_cjk(rule.text_zh)
        assert rule.text_zh.endswith("。")
        v1 = selectors.rule_version_text(code=code, version=1)
        assert (v1.text_en, v1.text_zh, v1.severity) == (rule.text_en, rule.text_zh, rule.severity)
    assert rules["scam"].severity == 4
    assert rules["intellectual-property"].severity == 1
    assert LexiconTerm.objects.filter(language="zh").count() >= 20
    assert LexiconTerm.objects.filter(language="en").count() >= 20
    listed = LexiconTerm.objects.get(language="zh", text="加微信")
    assert (listed.rule.code, listed.action, listed.shadow) == ("off-platform-sales", "hold", False)
    assert LexiconTerm.objects.get(language="zh", text="代购").shadow  # honest notes say it too
    assert [rule.code for rule in selectors.rules_active()][:2] == ["scam", "violence"]  # most severe first


def test_editing_a_rule_makes_a_new_version_and_keeps_the_old_text(staff: User) -> None:
    before = stamp()
    rule = catalog.rule_update(
        actor=staff, code="spam", text_en="No spam, please.", text_zh="请勿发垃圾信息。"
    )
    assert rule.version == 2
    assert stamp() == before + 1
    assert selectors.rule_version_text(code="spam", version=2).text_en == "No spam, please."
    old = selectors.rule_version_text(code="spam", version=1)
    assert old.text_en.startswith("Don't post repetitive")
    assert RuleVersion.objects.get(rule=rule, version=2).created_by_id == staff.pk
    # The severity is versioned too; switching a rule off is not (but it is logged and moves the stamp).
    assert catalog.rule_update(actor=staff, code="spam", severity=3).version == 3
    off = catalog.rule_update(actor=staff, code="spam", active=False)
    assert (off.version, off.active) == (3, False)
    assert "spam" not in {r.code for r in selectors.rules_active()}
    # Saving the same values changes nothing: no version, no event.
    events = AuditEvent.objects.count()
    assert catalog.rule_update(actor=staff, code="spam", severity=3, text_en="No spam, please.").version == 3
    assert AuditEvent.objects.count() == events
    assert [v.version for v in selectors.rule_versions(code="spam")] == [3, 2, 1]
    kinds = list(AuditEvent.objects.filter(subject="rule:spam").values_list("data__op", "data__version"))
    assert kinds == [("update", 2), ("update", 3), ("update", 3)]
    with pytest.raises(NotFound):
        selectors.rule_version_text(code="spam", version=9)
    with pytest.raises(NotFound):
        catalog.rule_update(actor=staff, code="nope", severity=1)
    assert audit_verify() == (AuditEvent.objects.count(), None)


def test_creating_a_rule(staff: User) -> None:
    rule = catalog.rule_create(
        actor=staff,
        code="Gambling",
        severity=3,
        title_en="Gambling",
        title_zh="赌博",
        text_en="  No betting or gambling promotions.  ",
        text_zh="禁止推广赌博或博彩。",
    )
    assert (rule.code, rule.version, rule.text_en) == ("gambling", 1, "No betting or gambling promotions.")
    assert RuleVersion.objects.filter(rule=rule, version=1).exists()
    event = AuditEvent.objects.get(subject="rule:gambling")
    assert (event.kind, event.actor_id, event.data["op"]) == ("catalogue.rule", staff.pk, "create")
    fields = {"severity": 2, "title_en": "x", "title_zh": "x", "text_en": "x", "text_zh": "x"}
    with pytest.raises(Conflict) as taken:
        catalog.rule_create(actor=staff, code="gambling", **fields)
    assert taken.value.code == "rule_exists"
    for code in ("", "has space", "-dash", "x" * 49, "规则"):
        with pytest.raises(InvalidInput) as bad:
            catalog.rule_create(actor=staff, code=code, **fields)
        assert bad.value.code == "invalid_code"
    with pytest.raises(InvalidInput) as severity:
        catalog.rule_create(actor=staff, code="ok", **{**fields, "severity": 7})
    assert severity.value.code == "invalid_severity"
    with pytest.raises(InvalidInput) as empty:
        catalog.rule_create(actor=staff, code="ok", **{**fields, "title_zh": "   "})
    assert empty.value.extra["errors"][0]["field"] == "title_zh"


def test_members_cannot_write(make_member: Callable[..., User]) -> None:
    member = make_member("plain")
    with pytest.raises(Forbidden):
        catalog.term_add(actor=member, language="en", text="spammy", rule_code="spam")
    with pytest.raises(Forbidden):
        catalog.rule_update(actor=member, code="spam", severity=1)
    assert not LexiconTerm.objects.filter(text="spammy").exists()


def test_terms_are_cleaned_unique_and_logged(staff: User) -> None:
    before, generation = stamp(), catalog_key()[1]
    term = catalog.term_add(actor=staff, language="en", text="  ＦＲＥＥ   iPhone 15 ", rule_code="scam")
    assert term.text == "free iphone 15"
    assert stamp() == before + 1
    assert catalog_key()[1] > generation
    event = AuditEvent.objects.get(subject=f"term:{term.pk}")
    assert event.data == {
        "op": "add",
        "language": "en",
        "text": "free iphone 15",
        "rule": "scam",
        "action": "hold",
        "shadow": False,
    }
    with pytest.raises(Conflict) as duplicate:
        catalog.term_add(actor=staff, language="en", text="Free iPhone 15", rule_code="spam")
    assert duplicate.value.code == "term_exists"
    # The same text in another language is another term.
    assert (
        catalog.term_add(actor=staff, language="*", text="free iphone 15", rule_code="scam").language == "*"
    )
    for language, text, rule, code in [
        ("fr", "gratuit", "spam", "invalid_language"),
        ("en", "   ", "spam", "required"),
        ("en", "x" * 201, "spam", "too_long"),
        ("en", "fine", "no-such-rule", "unknown_rule"),
    ]:
        with pytest.raises(InvalidInput) as bad:
            catalog.term_add(actor=staff, language=language, text=text, rule_code=rule)
        assert bad.value.code == code
    with pytest.raises(InvalidInput):
        catalog.term_add(actor=staff, language="en", text="ok term", rule_code="spam", action="delete")
    shadowed = catalog.term_set_shadow(actor=staff, term_id=term.pk, shadow=True)
    assert shadowed.shadow
    assert LexiconTerm.objects.get(pk=term.pk).shadow
    rejecting = catalog.term_update(actor=staff, term_id=term.pk, action="reject")
    assert (rejecting.action, rejecting.shadow) == ("reject", True)
    moved = stamp()
    catalog.term_remove(actor=staff, term_id=term.pk)
    assert stamp() == moved + 1
    assert not LexiconTerm.objects.filter(pk=term.pk).exists()
    ops = list(AuditEvent.objects.filter(subject=f"term:{term.pk}").order_by("seq").values_list("data__op"))
    assert ops == [("add",), ("update",), ("update",), ("remove",)]
    with pytest.raises(NotFound):
        catalog.term_remove(actor=staff, term_id=term.pk)
    assert audit_verify()[1] is None


def test_bulk_add_is_idempotent(staff: User) -> None:
    specs = [TermSpec("en", f"spam phrase {n}", "spam") for n in range(30)]
    specs += [
        TermSpec("zh", "加微信", "off-platform-sales"),
        TermSpec("zh", "加 微信", "spam"),
    ]  # listed, new
    before = LexiconTerm.objects.count()
    assert catalog.terms_bulk_add(actor=staff, terms=specs, batch_size=7) == 31
    assert LexiconTerm.objects.count() == before + 31
    moved = stamp()
    assert catalog.terms_bulk_add(actor=staff, terms=specs) == 0
    assert stamp() == moved  # nothing changed, nothing to rebuild
    event = AuditEvent.objects.get(kind="catalogue.term", subject="lexicon")
    assert (event.data["added"], event.data["languages"]) == (31, ["en", "zh"])
    with pytest.raises(InvalidInput):
        catalog.terms_bulk_add(actor=None, terms=[TermSpec("en", "x", "nope")])


def test_terms_page_filters_and_pages(staff: User) -> None:
    for n in range(5):
        catalog.term_add(actor=staff, language="en", text=f"bulk offer {n}", rule_code="spam")
    first = selectors.terms_page(rule_code="spam", q="BULK offer", limit=3)
    assert [t.text for t in first.items] == ["bulk offer 4", "bulk offer 3", "bulk offer 2"]
    rest = selectors.terms_page(rule_code="spam", q="bulk offer", limit=3, cursor=first.next_cursor)
    assert [t.text for t in rest.items] == ["bulk offer 1", "bulk offer 0"]
    assert rest.next_cursor is None
    assert {t.language for t in selectors.terms_page(language="zh", limit=50).items} == {"zh"}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("example.com", "example.com"),
        ("https://www.Example.co.uk/path?x=1#y", "example.co.uk"),
        ("HTTP://user:pw@Shop.Example.com:8080/", "shop.example.com"),
        ("bit.ly/abc", "bit.ly"),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"),
        ("例子.中国", "xn--fsqu00a.xn--fiqs8s"),
        ("example.com.", "example.com"),
    ],
)
def test_domains_are_stored_as_typed_hosts(typed: str, stored: str) -> None:
    assert catalog.domain_clean(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "localhost", "1.2.3.4", "exa mple.com", "-bad.com", "a..b", "http://", "x" * 300 + ".com"]
)
def test_invalid_domains_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        catalog.domain_clean(typed)
    assert refused.value.code == "invalid_domain"


def test_domain_rules(staff: User) -> None:
    before = stamp()
    denied = catalog.domain_rule_add(
        actor=staff, domain="https://www.scam.example/", verdict="deny", rule_code="scam"
    )
    assert (denied.domain, denied.rule and denied.rule.code) == ("scam.example", "scam")
    allowed = catalog.domain_rule_add(actor=staff, domain="wikipedia.org", verdict="allow")
    assert stamp() == before + 2
    assert [row.domain for row in selectors.domain_rules()] == ["scam.example", "wikipedia.org"]
    with pytest.raises(Conflict) as twice:
        catalog.domain_rule_add(actor=staff, domain="SCAM.example", verdict="allow")
    assert twice.value.code == "domain_exists"
    with pytest.raises(InvalidInput) as unruled:
        catalog.domain_rule_add(actor=staff, domain="other.example", verdict="deny")
    assert unruled.value.code == "rule_required"
    with pytest.raises(InvalidInput):
        catalog.domain_rule_add(actor=staff, domain="other.example", verdict="maybe")
    catalog.domain_rule_remove(actor=staff, domain_rule_id=allowed.pk)
    assert not DomainRule.objects.filter(pk=allowed.pk).exists()
    ops = list(
        AuditEvent.objects.filter(kind="catalogue.domain").order_by("seq").values_list("subject", "data__op")
    )
    assert ops == [
        ("domain:scam.example", "add"),
        ("domain:wikipedia.org", "add"),
        ("domain:wikipedia.org", "remove"),
    ]
    with pytest.raises(NotFound):
        catalog.domain_rule_remove(actor=staff, domain_rule_id=allowed.pk)
