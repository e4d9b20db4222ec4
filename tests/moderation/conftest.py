"""Moderation fixtures: the rule catalogue (written as its editors would: with `catalog_changed`), staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hongshu.accounts.models import User
from hongshu.screening.models import DomainRule, LexiconTerm, Rule, RuleVersion
from hongshu.screening.stamp import catalog_changed


@pytest.fixture
def rules(db: None) -> list[Rule]:
    """A small catalogue of its own in place of the default one (and its lexicon)."""
    LexiconTerm.objects.all().delete()
    DomainRule.objects.all().delete()
    Rule.objects.all().delete()
    made = []
    for code, severity, en, zh in (
        ("spam", 2, "Spam", "垃圾信息"),
        ("scam", 3, "Scams and fraud", "诈骗"),
        ("harassment", 3, "Harassment", "骚扰"),
    ):
        rule = Rule.objects.create(
            code=code,
            severity=severity,
            title_en=en,
            title_zh=zh,
            text_en=f"No {en.lower()}.",
            text_zh=f"禁止{zh}。",
        )
        RuleVersion.objects.create(
            rule=rule,
            version=1,
            severity=severity,
            title_en=en,
            title_zh=zh,
            text_en=rule.text_en,
            text_zh=rule.text_zh,
        )
        made.append(rule)
    Rule.objects.create(code="retired", title_en="Old", title_zh="旧", text_en="-", text_zh="-", active=False)
    catalog_changed()
    return made


@pytest.fixture
def staff_api(member_api: Callable[..., tuple[User, Any]]) -> tuple[User, Any]:
    user, client = member_api("mia")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user, client


@pytest.fixture
def reporters(member_api: Callable[..., tuple[User, Any]]) -> Callable[[int], list[tuple[User, Any]]]:
    """`reporters(n)`: n members with API clients."""
    return lambda n: [member_api(f"reporter{i}") for i in range(n)]
