"""The screening catalogue: the community guidelines (public), and for staff the rules with their versions, the
lexicons, the domain rules and the moderation event log with its verifier."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import admin_auth, current_member
from hongshu.api.schemas.pages import CursorPage
from hongshu.core.audit import audit_page, audit_verify
from hongshu.core.models import AuditEvent
from hongshu.core.schemas import PathId
from hongshu.screening import catalog, selectors
from hongshu.screening.models import DomainRule, LexiconTerm, Rule, RuleVersion

router = Router(tags=["screening"])

Language = Literal["zh", "en", "*"]
ActionIn = Literal["hold", "reject"]


class RuleTextOut(Schema):
    version: int
    severity: int = Field(description="1 low, 2 medium, 3 high, 4 critical")
    title_en: str
    title_zh: str
    text_en: str
    text_zh: str


class PublicRuleOut(RuleTextOut):
    code: str = Field(description="the rule's stable id")

    @classmethod
    def of(cls, rule: Rule) -> PublicRuleOut:
        return cls(
            code=rule.code,
            version=rule.version,
            severity=rule.severity,
            title_en=rule.title_en,
            title_zh=rule.title_zh,
            text_en=rule.text_en,
            text_zh=rule.text_zh,
        )


class RuleOut(PublicRuleOut):
    active: bool
    updated_at: datetime

    @classmethod
    def of(cls, rule: Rule) -> RuleOut:
        return cls(**PublicRuleOut.of(rule).dict(), active=rule.active, updated_at=rule.updated_at)


class RuleVersionOut(RuleTextOut):
    created_at: datetime
    created_by_id: str | None = Field(description="the staff member who wrote this version; null: the system")

    @classmethod
    def of(cls, row: RuleVersion) -> RuleVersionOut:
        return cls(
            version=row.version,
            severity=row.severity,
            title_en=row.title_en,
            title_zh=row.title_zh,
            text_en=row.text_en,
            text_zh=row.text_zh,
            created_at=row.created_at,
            created_by_id=None if row.created_by_id is None else str(row.created_by_id),
        )


class RuleIn(Schema):
    code: str = Field(max_length=48, description="stable id: lowercase letters, digits, hyphens")
    severity: int = Field(ge=1, le=4)
    title_en: str = Field(max_length=120)
    title_zh: str = Field(max_length=120)
    text_en: str = Field(max_length=4000)
    text_zh: str = Field(max_length=4000)
    active: bool = True


class RulePatchIn(Schema):
    severity: int | None = Field(default=None, ge=1, le=4)
    title_en: str | None = Field(default=None, max_length=120)
    title_zh: str | None = Field(default=None, max_length=120)
    text_en: str | None = Field(default=None, max_length=4000)
    text_zh: str | None = Field(default=None, max_length=4000)
    active: bool | None = None


class TermOut(Schema):
    id: str
    language: str
    text: str
    rule: str
    action: str
    shadow: bool
    created_at: datetime

    @classmethod
    def of(cls, term: LexiconTerm) -> TermOut:
        return cls(
            id=str(term.pk),
            language=term.language,
            text=term.text,
            rule=term.rule.code,
            action=term.action,
            shadow=term.shadow,
            created_at=term.created_at,
        )


class TermPage(CursorPage[TermOut]):
    pass


class TermsIn(Schema):
    language: Language | None = None
    rule: str = Field(default="", max_length=48)
    q: str = Field(default="", max_length=200, description="terms containing this text")
    cursor: str | None = Field(default=None, max_length=48)
    limit: int = Field(default=50, ge=1, le=50)


class TermIn(Schema):
    language: Language
    text: str = Field(max_length=1000)
    rule: str = Field(max_length=48)
    action: ActionIn = "hold"
    shadow: bool = False


class TermPatchIn(Schema):
    shadow: bool | None = None
    action: ActionIn | None = None


class DomainRuleOut(Schema):
    id: str
    domain: str
    verdict: str
    rule: str | None
    action: str
    shadow: bool
    created_at: datetime

    @classmethod
    def of(cls, row: DomainRule) -> DomainRuleOut:
        return cls(
            id=str(row.pk),
            domain=row.domain,
            verdict=row.verdict,
            rule=row.rule.code if row.rule else None,
            action=row.action,
            shadow=row.shadow,
            created_at=row.created_at,
        )


class DomainRuleIn(Schema):
    domain: str = Field(max_length=1000, description="a registrable domain; a URL is reduced to its host")
    verdict: Literal["allow", "deny"]
    rule: str = Field(default="", max_length=48, description="the rule a denied domain breaks")
    action: ActionIn = "hold"
    shadow: bool = False


class AuditEventOut(Schema):
    seq: int
    kind: str
    subject: str
    actor_id: str | None
    data: dict[str, Any]
    at: datetime
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        return cls(
            seq=event.seq,
            kind=event.kind,
            subject=event.subject,
            actor_id=None if event.actor_id is None else str(event.actor_id),
            data=event.data,
            at=event.at,
            prev_hash=event.prev_hash,
            hash=event.hash,
        )


class AuditPage(CursorPage[AuditEventOut]):
    pass


class AuditIn(Schema):
    subject: str = Field(default="", max_length=64, description='one subject, e.g. "note:123"')
    kind: str = Field(
        default="", max_length=48, description='one kind, or a prefix ending in "." ("catalogue.")'
    )
    cursor: str | None = Field(default=None, max_length=48)
    limit: int = Field(default=50, ge=1, le=50)


class AuditBreakOut(Schema):
    seq: int
    reason: str


class AuditVerifyOut(Schema):
    checked: int
    broken: AuditBreakOut | None = Field(
        description="the first link that does not hold; null: the chain holds"
    )


# ---- public ---------------------------------------------------------------------------------------------


@router.get("/rules", response=list[PublicRuleOut], auth=None, summary="The community guidelines in force")
def rules_public(request: HttpRequest) -> list[PublicRuleOut]:
    return [PublicRuleOut.of(rule) for rule in selectors.rules_active()]


# ---- staff: rules ---------------------------------------------------------------------------------------


@router.get("/staff/rules", response=list[RuleOut], auth=admin_auth, summary="Every rule (staff)")
def rules_list(request: HttpRequest) -> list[RuleOut]:
    return [RuleOut.of(rule) for rule in selectors.rules_all()]


@router.post("/staff/rules", response={201: RuleOut}, auth=admin_auth, summary="Add a rule (staff)")
def rule_create(request: HttpRequest, payload: RuleIn) -> Status[RuleOut]:
    rule = catalog.rule_create(actor=current_member(request), **payload.dict())
    return Status(201, RuleOut.of(rule))


@router.get("/staff/rules/{code}", response=RuleOut, auth=admin_auth, summary="One rule (staff)")
def rule_detail(request: HttpRequest, code: str) -> RuleOut:
    return RuleOut.of(selectors.rule_get(code=code))


@router.patch(
    "/staff/rules/{code}",
    response=RuleOut,
    auth=admin_auth,
    summary="Edit a rule (staff): a change of its texts or severity makes a new version",
)
def rule_update(request: HttpRequest, code: str, payload: RulePatchIn) -> RuleOut:
    rule = catalog.rule_update(actor=current_member(request), code=code, **payload.dict(exclude_unset=True))
    return RuleOut.of(rule)


@router.get(
    "/staff/rules/{code}/versions",
    response=list[RuleVersionOut],
    auth=admin_auth,
    summary="A rule's versions, newest first (staff)",
)
def rule_versions(request: HttpRequest, code: str) -> list[RuleVersionOut]:
    return [RuleVersionOut.of(row) for row in selectors.rule_versions(code=code)]


# ---- staff: lexicon -------------------------------------------------------------------------------------


@router.get(
    "/staff/lexicon", response=TermPage, auth=admin_auth, summary="Listed terms, newest first (staff)"
)
def terms_list(request: HttpRequest, page: Query[TermsIn]) -> TermPage:
    return TermPage.of(
        selectors.terms_page(
            language=page.language or "", rule_code=page.rule, q=page.q, cursor=page.cursor, limit=page.limit
        ),
        TermOut.of,
    )


@router.post("/staff/lexicon", response={201: TermOut}, auth=admin_auth, summary="List a term (staff)")
def term_add(request: HttpRequest, payload: TermIn) -> Status[TermOut]:
    term = catalog.term_add(
        actor=current_member(request),
        language=payload.language,
        text=payload.text,
        rule_code=payload.rule,
        action=payload.action,
        shadow=payload.shadow,
    )
    return Status(201, TermOut.of(term))


@router.patch(
    "/staff/lexicon/{term_id}",
    response=TermOut,
    auth=admin_auth,
    summary="Switch a term's shadow mode or action (staff)",
)
def term_update(request: HttpRequest, term_id: PathId, payload: TermPatchIn) -> TermOut:
    term = catalog.term_update(
        actor=current_member(request), term_id=term_id, shadow=payload.shadow, action=payload.action
    )
    return TermOut.of(term)


@router.delete(
    "/staff/lexicon/{term_id}", response={204: None}, auth=admin_auth, summary="Unlist a term (staff)"
)
def term_remove(request: HttpRequest, term_id: PathId) -> Status[None]:
    catalog.term_remove(actor=current_member(request), term_id=term_id)
    return Status(204, None)


# ---- staff: domains -------------------------------------------------------------------------------------


@router.get("/staff/domains", response=list[DomainRuleOut], auth=admin_auth, summary="Domain rules (staff)")
def domains_list(request: HttpRequest) -> list[DomainRuleOut]:
    return [DomainRuleOut.of(row) for row in selectors.domain_rules()]


@router.post(
    "/staff/domains", response={201: DomainRuleOut}, auth=admin_auth, summary="Allow or deny a domain (staff)"
)
def domain_add(request: HttpRequest, payload: DomainRuleIn) -> Status[DomainRuleOut]:
    row = catalog.domain_rule_add(
        actor=current_member(request),
        domain=payload.domain,
        verdict=payload.verdict,
        rule_code=payload.rule,
        action=payload.action,
        shadow=payload.shadow,
    )
    return Status(201, DomainRuleOut.of(row))


@router.delete(
    "/staff/domains/{domain_rule_id}",
    response={204: None},
    auth=admin_auth,
    summary="Remove a domain rule (staff)",
)
def domain_remove(request: HttpRequest, domain_rule_id: PathId) -> Status[None]:
    catalog.domain_rule_remove(actor=current_member(request), domain_rule_id=domain_rule_id)
    return Status(204, None)


# ---- staff: the moderation event log --------------------------------------------------------------------


@router.get(
    "/staff/audit",
    response=AuditPage,
    auth=admin_auth,
    summary="The moderation event log, newest first (staff)",
)
def audit_list(request: HttpRequest, page: Query[AuditIn]) -> AuditPage:
    return AuditPage.of(
        audit_page(subject=page.subject, kind=page.kind, cursor=page.cursor, limit=page.limit),
        AuditEventOut.of,
    )


@router.get(
    "/staff/audit/verify",
    response=AuditVerifyOut,
    auth=admin_auth,
    summary="Check every link of the event log's hash chain (staff)",
)
def audit_check(request: HttpRequest) -> AuditVerifyOut:
    checked, broken = audit_verify()
    return AuditVerifyOut(
        checked=checked,
        broken=None if broken is None else AuditBreakOut(seq=broken.seq, reason=broken.reason),
    )
