"""Reads of the screening catalogue: rules and their versions, lexicon terms, domain rules."""

from __future__ import annotations

import unicodedata

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import NotFound
from hongshu.core.pagination import DEFAULT_LIMIT, Page, paginate_by_id
from hongshu.screening.models import DomainRule, LexiconTerm, Rule, RuleVersion


def rules_all() -> list[Rule]:
    """Every rule, active or not, the most severe first."""
    return list(Rule.objects.order_by("-severity", "code"))


def rules_active() -> list[Rule]:
    """The rules in force (the community guidelines members read), the most severe first."""
    return list(Rule.objects.filter(active=True).order_by("-severity", "code"))


def rules_with_versions() -> list[Rule]:
    """Every rule with its versions prefetched (`rule.versions.all()`, newest first): two queries."""
    versions = Prefetch("versions", queryset=RuleVersion.objects.order_by("-version"))
    return list(Rule.objects.order_by("-severity", "code").prefetch_related(versions))


def rule_get(*, code: str) -> Rule:
    rule = Rule.objects.filter(code=code).first()
    if rule is None:
        raise NotFound(_("There is no rule with this code."), code="rule_not_found")
    return rule


def rule_versions(*, code: str) -> list[RuleVersion]:
    """A rule's versions, the newest first (the first version included)."""
    rule = rule_get(code=code)
    return list(RuleVersion.objects.filter(rule=rule).order_by("-version"))


def rule_version_text(*, code: str, version: int) -> RuleVersion:
    """A rule as it read at `version`: what a decision that applied "code vN" quoted. 404 otherwise."""
    found = RuleVersion.objects.filter(rule__code=code, version=version).select_related("rule").first()
    if found is None:
        raise NotFound(_("This rule has no such version."), code="rule_version_not_found")
    return found


def terms_page(
    *,
    language: str = "",
    rule_code: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[LexiconTerm]:
    """Listed terms, the newest first, optionally of one language, one rule, or containing `q`."""
    terms: QuerySet[LexiconTerm] = LexiconTerm.objects.select_related("rule")
    if language:
        terms = terms.filter(language=language)
    if rule_code:
        terms = terms.filter(rule__code=rule_code)
    needle = unicodedata.normalize("NFKC", q).strip().lower()
    if needle:
        terms = terms.filter(text__contains=needle)
    return paginate_by_id(terms, cursor=cursor, limit=limit)


def terms_count() -> int:
    return LexiconTerm.objects.count()


def domain_rules(*, verdict: str = "") -> list[DomainRule]:
    """Every domain rule, by domain."""
    rows = DomainRule.objects.select_related("rule").order_by("domain")
    if verdict:
        rows = rows.filter(verdict=verdict)
    return list(rows)
