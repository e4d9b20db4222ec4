"""Writes of the screening catalogue: rules (versioned), lexicon terms and domain rules. Staff only.

Every write, in one transaction, changes the rows, moves the catalogue stamp (`catalog_changed`, so every
process rebuilds its matcher) and appends a `catalogue.rule`, `catalogue.term` or `catalogue.domain` event
to the moderation event log. The actor is the staff member (None: the system, e.g. a seeding script).

A rule's texts and severity are versioned: every change bumps `Rule.version` and writes the `RuleVersion`
row of the new version (the first version has its row too), so a decision that quotes "spam v3" can show
exactly what v3 said.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import regex
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.core.audit import audit_append
from hongshu.core.errors import Conflict, Forbidden, NotFound, field_error
from hongshu.screening.models import Action, DomainRule, LexiconTerm, Rule, RuleVersion, Severity
from hongshu.screening.stamp import catalog_changed

LANGUAGES = ("zh", "en", "*")
TERM_MAX = 200
TITLE_MAX = 120
TEXT_MAX = 4000
_CODE = regex.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
_SPACES = regex.compile(r"\s+")
_LABEL = regex.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
VERSIONED = ("severity", "title_en", "title_zh", "text_en", "text_zh")


class Actor(Protocol):
    """The staff member acting (an accounts.User; screening sits below accounts and does not import it)."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_staff(self) -> bool: ...


def _actor_id(actor: Actor | None) -> int | None:
    if actor is None:
        return None
    if not actor.is_staff:
        raise Forbidden(_("Only staff can change the rules."), code="staff_only")
    return int(actor.pk)


# ---- rules ----------------------------------------------------------------------------------------------


def _clean_line(field: str, value: str, *, maximum: int) -> str:
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    if not cleaned:
        raise field_error(field, _("This field cannot be empty."), code="required")
    if len(cleaned) > maximum:
        raise field_error(field, _("This text is too long."), code="too_long")
    return cleaned


def _clean_text(field: str, value: str) -> str:
    cleaned = unicodedata.normalize("NFKC", value).replace("\r\n", "\n").strip()
    if not cleaned:
        raise field_error(field, _("This field cannot be empty."), code="required")
    if len(cleaned) > TEXT_MAX:
        raise field_error(field, _("This text is too long."), code="too_long")
    return cleaned


def _clean_severity(value: int) -> int:
    if value not in Severity.values:
        raise field_error(
            "severity", _("Choose a severity from 1 (low) to 4 (critical)."), code="invalid_severity"
        )
    return int(value)


def _clean_rule_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if name == "severity":
            cleaned[name] = _clean_severity(value)
        elif name.startswith("title_"):
            cleaned[name] = _clean_line(name, value, maximum=TITLE_MAX)
        elif name.startswith("text_"):
            cleaned[name] = _clean_text(name, value)
        elif name == "active":
            cleaned[name] = bool(value)
    return cleaned


def _version_row(rule: Rule, actor_id: int | None) -> RuleVersion:
    return RuleVersion.objects.create(
        rule=rule,
        version=rule.version,
        severity=rule.severity,
        title_en=rule.title_en,
        title_zh=rule.title_zh,
        text_en=rule.text_en,
        text_zh=rule.text_zh,
        created_by_id=actor_id,
    )


def rule_create(
    *,
    actor: Actor | None,
    code: str,
    severity: int,
    title_en: str,
    title_zh: str,
    text_en: str,
    text_zh: str,
    active: bool = True,
) -> Rule:
    """A new rule at version 1 (with its `RuleVersion` row). `code` is its stable id: lowercase letters,
    digits and hyphens, never changed afterwards. 409 `rule_exists` when the code is taken."""
    actor_id = _actor_id(actor)
    code = unicodedata.normalize("NFKC", code).strip().lower()
    if not _CODE.match(code):
        raise field_error(
            "code",
            _(
                "A rule's code is 1 to 48 lowercase letters, digits or hyphens, starting with a letter or digit."
            ),
            code="invalid_code",
        )
    fields = _clean_rule_fields(
        {
            "severity": severity,
            "title_en": title_en,
            "title_zh": title_zh,
            "text_en": text_en,
            "text_zh": text_zh,
        }
    )
    with transaction.atomic():
        if Rule.objects.filter(code=code).exists():
            raise Conflict(_("A rule with this code already exists."), code="rule_exists")
        rule = Rule.objects.create(code=code, version=1, active=active, **fields)
        _version_row(rule, actor_id)
        catalog_changed()
        audit_append(
            kind="catalogue.rule",
            subject=f"rule:{code}",
            actor_id=actor_id,
            data={"op": "create", "version": 1, "severity": rule.severity, "active": active},
        )
    return rule


def rule_update(
    *,
    actor: Actor | None,
    code: str,
    severity: int | None = None,
    title_en: str | None = None,
    title_zh: str | None = None,
    text_en: str | None = None,
    text_zh: str | None = None,
    active: bool | None = None,
) -> Rule:
    """Change what is given (None: unchanged). A change of a text, a title or the severity makes a new version;
    switching `active` does not (it is recorded in the event log). 404 `rule_not_found`."""
    actor_id = _actor_id(actor)
    fields = _clean_rule_fields(
        {
            "severity": severity,
            "title_en": title_en,
            "title_zh": title_zh,
            "text_en": text_en,
            "text_zh": text_zh,
            "active": active,
        }
    )
    with transaction.atomic():
        rule = Rule.objects.select_for_update().filter(code=code).first()
        if rule is None:
            raise NotFound(_("There is no rule with this code."), code="rule_not_found")
        changed = [name for name, value in fields.items() if getattr(rule, name) != value]
        if not changed:
            return rule
        for name in changed:
            setattr(rule, name, fields[name])
        versioned = [name for name in changed if name in VERSIONED]
        if versioned:
            rule.version += 1
        rule.updated_at = timezone.now()
        rule.save(update_fields=[*changed, "version", "updated_at"])
        if versioned:
            _version_row(rule, actor_id)
        catalog_changed()
        audit_append(
            kind="catalogue.rule",
            subject=f"rule:{code}",
            actor_id=actor_id,
            data={"op": "update", "version": rule.version, "changed": sorted(changed), "active": rule.active},
        )
    return rule


# ---- lexicon terms --------------------------------------------------------------------------------------


def term_clean(text: str) -> str:
    """A term as stored: NFKC (full-width letters become ASCII), lowercase, runs of spaces as one, trimmed.
    The matcher normalises further; this only keeps the same term from being listed twice."""
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()
    if not cleaned:
        raise field_error("text", _("Type the word or phrase to list."), code="required")
    if len(cleaned) > TERM_MAX:
        raise field_error("text", _("A term is at most 200 characters."), code="too_long")
    return cleaned


def _clean_language(language: str) -> str:
    if language not in LANGUAGES:
        raise field_error(
            "language", _("Choose the language: zh, en, or * for any."), code="invalid_language"
        )
    return language


def _clean_action(action: str) -> str:
    if action not in Action.values:
        raise field_error("action", _("Choose what a match does: hold or reject."), code="invalid_action")
    return action


def _rule_of(code: str, *, field: str = "rule") -> Rule:
    rule = Rule.objects.filter(code=code).first()
    if rule is None:
        raise field_error(field, _("There is no rule with this code."), code="unknown_rule")
    return rule


def _term_event(term: LexiconTerm, op: str, actor_id: int | None, **extra: Any) -> None:
    audit_append(
        kind="catalogue.term",
        subject=f"term:{term.pk}",
        actor_id=actor_id,
        data={
            "op": op,
            "language": term.language,
            "text": term.text,
            "rule": term.rule.code,
            "action": term.action,
            "shadow": term.shadow,
            **extra,
        },
    )


def term_add(
    *,
    actor: Actor | None,
    language: str,
    text: str,
    rule_code: str,
    action: str = Action.HOLD,
    shadow: bool = False,
) -> LexiconTerm:
    """List a term in a language ("zh", "en" or "*"). 409 `term_exists` when that language lists it already."""
    actor_id = _actor_id(actor)
    language, text, action = _clean_language(language), term_clean(text), _clean_action(action)
    rule = _rule_of(rule_code)
    duplicate = Conflict(_("This term is already listed for this language."), code="term_exists")
    with transaction.atomic():
        if LexiconTerm.objects.filter(language=language, text=text).exists():
            raise duplicate
        try:
            with transaction.atomic():
                term = LexiconTerm.objects.create(
                    language=language,
                    text=text,
                    rule=rule,
                    action=action,
                    shadow=shadow,
                    created_by_id=actor_id,
                )
        except IntegrityError:  # listed by someone else between the check and the insert
            raise duplicate from None
        catalog_changed()
        _term_event(term, "add", actor_id)
    return term


def _term_locked(term_id: int) -> LexiconTerm:
    term = (
        LexiconTerm.objects.select_for_update(of=("self",)).select_related("rule").filter(pk=term_id).first()
    )
    if term is None:
        raise NotFound(_("There is no such term."), code="term_not_found")
    return term


def term_remove(*, actor: Actor | None, term_id: int) -> None:
    """Unlist a term. 404 `term_not_found`."""
    actor_id = _actor_id(actor)
    with transaction.atomic():
        term = _term_locked(term_id)
        _term_event(term, "remove", actor_id)
        term.delete()
        catalog_changed()


def term_update(
    *, actor: Actor | None, term_id: int, shadow: bool | None = None, action: str | None = None
) -> LexiconTerm:
    """Switch a term's shadow mode or its action (None: unchanged)."""
    actor_id = _actor_id(actor)
    if action is not None:
        action = _clean_action(action)
    with transaction.atomic():
        term = _term_locked(term_id)
        changed: list[str] = []
        if shadow is not None and shadow != term.shadow:
            term.shadow, changed = shadow, [*changed, "shadow"]
        if action is not None and action != term.action:
            term.action, changed = action, [*changed, "action"]
        if changed:
            term.save(update_fields=changed)
            catalog_changed()
            _term_event(term, "update", actor_id, changed=changed)
    return term


def term_set_shadow(*, actor: Actor | None, term_id: int, shadow: bool) -> LexiconTerm:
    return term_update(actor=actor, term_id=term_id, shadow=shadow)


@dataclass(frozen=True)
class TermSpec:
    language: str
    text: str
    rule_code: str
    action: str = Action.HOLD
    shadow: bool = False


def terms_bulk_add(*, actor: Actor | None, terms: Iterable[TermSpec], batch_size: int = 1000) -> int:
    """List many terms at once (seeding a large lexicon): terms already listed are skipped, so running it twice
    adds nothing the second time. Every term is checked before anything is written. Returns how many were
    added; the event log gets one summary event."""
    actor_id = _actor_id(actor)
    specs = list(terms)
    rules = {rule.code: rule for rule in Rule.objects.filter(code__in={spec.rule_code for spec in specs})}
    rows: dict[tuple[str, str], LexiconTerm] = {}
    for spec in specs:
        rule = rules.get(spec.rule_code)
        if rule is None:
            raise field_error("rule", _("There is no rule with this code."), code="unknown_rule")
        language, text = _clean_language(spec.language), term_clean(spec.text)
        rows.setdefault(
            (language, text),
            LexiconTerm(
                language=language,
                text=text,
                rule=rule,
                action=_clean_action(spec.action),
                shadow=spec.shadow,
                created_by_id=actor_id,
            ),
        )
    with transaction.atomic():
        before = LexiconTerm.objects.count()
        LexiconTerm.objects.bulk_create(list(rows.values()), batch_size=batch_size, ignore_conflicts=True)
        added = LexiconTerm.objects.count() - before
        if added:
            catalog_changed()
            languages = sorted({language for language, _text in rows})
            audit_append(
                kind="catalogue.term",
                subject="lexicon",
                actor_id=actor_id,
                data={"op": "bulk_add", "added": added, "given": len(specs), "languages": languages},
            )
    return added


# ---- domain rules ---------------------------------------------------------------------------------------


def domain_clean(raw: str) -> str:
    """A domain as an admin may type it ("https://www.Example.co.uk/path", "例子.中国") as stored: the host
    alone, lowercase, without "www." or a trailing dot, IDNA-encoded ("xn--fsqu00a.xn--fiqs8s"). 422
    `invalid_domain` for anything that is not a domain name (an IP address, one label, bad characters)."""
    invalid = field_error(
        "domain", _("Type a domain name such as example.com (without a path)."), code="invalid_domain"
    )
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    if not text or len(text) > 1000:
        raise invalid
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        raise invalid from None
    host = host.rstrip(".").removeprefix("www.")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise invalid from None
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise invalid
    return host


def _domain_event(rule: DomainRule, op: str, actor_id: int | None) -> None:
    audit_append(
        kind="catalogue.domain",
        subject=f"domain:{rule.domain}"[:64],
        actor_id=actor_id,
        data={
            "op": op,
            "domain": rule.domain,
            "verdict": rule.verdict,
            "rule": rule.rule.code if rule.rule else None,
            "action": rule.action,
            "shadow": rule.shadow,
        },
    )


def domain_rule_add(
    *,
    actor: Actor | None,
    domain: str,
    verdict: str,
    rule_code: str = "",
    action: str = Action.HOLD,
    shadow: bool = False,
) -> DomainRule:
    """Allow or deny a registrable domain. A denied domain names the rule it enforces. 409 `domain_exists`."""
    actor_id = _actor_id(actor)
    domain = domain_clean(domain)
    if verdict not in DomainRule.Verdict.values:
        raise field_error("verdict", _("Choose allow or deny."), code="invalid_verdict")
    action = _clean_action(action)
    rule = _rule_of(rule_code) if rule_code else None
    if verdict == DomainRule.Verdict.DENY and rule is None:
        raise field_error("rule", _("Choose the rule a denied domain breaks."), code="rule_required")
    duplicate = Conflict(_("This domain already has a rule."), code="domain_exists")
    with transaction.atomic():
        if DomainRule.objects.filter(domain=domain).exists():
            raise duplicate
        try:
            with transaction.atomic():
                row = DomainRule.objects.create(
                    domain=domain,
                    verdict=verdict,
                    rule=rule,
                    action=action,
                    shadow=shadow,
                    created_by_id=actor_id,
                )
        except IntegrityError:
            raise duplicate from None
        catalog_changed()
        _domain_event(row, "add", actor_id)
    return row


def domain_rule_remove(*, actor: Actor | None, domain_rule_id: int) -> None:
    """Remove a domain's rule. 404 `domain_rule_not_found`."""
    actor_id = _actor_id(actor)
    with transaction.atomic():
        row = (
            DomainRule.objects.select_for_update(of=("self",))
            .select_related("rule")
            .filter(pk=domain_rule_id)
            .first()
        )
        if row is None:
            raise NotFound(_("There is no rule for this domain."), code="domain_rule_not_found")
        _domain_event(row, "remove", actor_id)
        row.delete()
        catalog_changed()
