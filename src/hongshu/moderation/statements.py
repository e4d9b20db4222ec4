"""Statements of reasons (DSA Art. 17): an `Action` row holds the data; this renders it in the reader's
language at read time — the rule's title and text at the version applied (`screening.models.RuleVersion`),
the fixed texts through gettext under `translation.override(language)`.

Art. 17(3): (a) the decision and its territorial scope and duration, (b) the facts, (c) whether automated
means detected the content or took the decision, (d) the rule (ground) and its version, (f) how to seek
redress. (e) does not apply: Hongshu acts on its own rules, not on claims of illegality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from hongshu.moderation.appeals import appeal_deadline
from hongshu.moderation.models import Action
from hongshu.screening.models import Rule, RuleVersion

_DECISIONS = {
    ("remove", "note"): _("We removed your note."),
    ("remove", "comment"): _("We removed your comment."),
    ("warn", "note"): _("We are warning you about your note."),
    ("warn", "comment"): _("We are warning you about your comment."),
    ("warn", "member"): _("We are warning you about your account."),
    ("suspend", ""): _("We suspended your account: you cannot sign in or post, and others cannot see it."),
    ("ban", ""): _("We banned your account: you cannot sign in or post, and others cannot see it."),
    ("limit", "note"): _(
        "We limited your note: it stays on your profile, in your followers' feeds and at its link, but it "
        "is no longer shown in Explore, search or topic feeds to people who do not follow you."
    ),
    ("limit", "member"): _(
        "We limited your account: your notes stay on your profile, in your followers' feeds and at their "
        "links, but are no longer shown in Explore, search or topic feeds to people who do not follow you."
    ),
    ("sensitive", "note"): _(
        "We marked your note as sensitive: its photos are blurred until a reader chooses to see them."
    ),
    ("remove_profile", "member"): _(
        "We removed your profile: your display name, bio and profile photo were cleared."
    ),
}


@dataclass(frozen=True)
class Statement:
    id: str
    kind: str
    subject_type: str
    subject_id: str
    decision: str
    rule: str
    rule_version: int
    rule_title: str
    rule_text: str
    facts: str
    automated_detection: str
    automated_decision: str
    duration: str
    territorial_scope: str
    redress: str
    until: datetime | None
    created_at: datetime
    reverted_at: datetime | None
    state: str  # in_force, lifted (a suspension that ran out) or reverted


Versions = dict[tuple[str, int], RuleVersion]


def rule_versions_of(actions: list[Action]) -> Versions:
    """The rule versions a list of actions applied, in one query: pass them to `statement_of` so rendering a
    page of statements costs no query per statement."""
    rows = RuleVersion.objects.filter(
        rule__code__in={a.rule_code for a in actions}, version__in={a.rule_version for a in actions}
    ).select_related("rule")
    return {(v.rule.code, v.version): v for v in rows}


def _rule_texts(action: Action, language: str, versions: Versions | None) -> tuple[str, str]:
    if versions is not None:
        version = versions.get((action.rule_code, action.rule_version))
    else:
        version = RuleVersion.objects.filter(rule__code=action.rule_code, version=action.rule_version).first()
    if version is not None:
        zh = language.startswith("zh")
        return (version.title_zh if zh else version.title_en), (version.text_zh if zh else version.text_en)
    rule = Rule.objects.filter(code=action.rule_code).first()
    if rule is None:
        return action.rule_code, ""
    return rule.title(language), rule.text(language)


def statement_of(action: Action, *, language: str, versions: Versions | None = None) -> Statement:
    """The statement of reasons of one action, in `language` ("zh-hans", "en"...); `versions` from
    `rule_versions_of` saves its query."""
    with translation.override(language):
        title, text = _rule_texts(action, language, versions)
        key = (action.kind, "" if action.kind in ("suspend", "ban") else action.subject_type)
        if action.kind == Action.Kind.SUSPEND and action.until is not None:
            duration = str(_("Until %(until)s.")) % {"until": date_format(action.until, "DATETIME_FORMAT")}
        elif action.kind == Action.Kind.BAN:
            duration = str(_("Indefinitely."))
        elif action.kind in (
            Action.Kind.REMOVE,
            Action.Kind.LIMIT,
            Action.Kind.SENSITIVE,
            Action.Kind.REMOVE_PROFILE,
        ):
            duration = str(_("Permanent, unless reversed."))
        else:
            duration = str(_("A warning has no duration."))
        facts = action.facts
        if not facts and action.automated_decision:
            facts = str(_("Your unexpired strikes reached the number at which an account is suspended."))
        state = "reverted" if action.reverted_at else "lifted" if action.lifted_at else "in_force"
        return Statement(
            id=str(action.pk),
            kind=action.kind,
            subject_type=action.subject_type,
            subject_id=str(action.subject_id),
            decision=str(_DECISIONS.get(key, "")),
            rule=action.rule_code,
            rule_version=action.rule_version,
            rule_title=title,
            rule_text=text,
            facts=facts,
            automated_detection=str(
                _("Automated screening detected it.")
                if action.automated_detection
                else _("It was reported by members or found by staff, not by automated means.")
            ),
            automated_decision=str(
                _("The decision was taken automatically.")
                if action.automated_decision
                else _("A moderator took the decision; no automated means decided it.")
            ),
            duration=duration,
            territorial_scope=str(_("Everywhere Hongshu is available.")),
            redress=str(
                _(
                    "If you think this decision is wrong, appeal it until %(deadline)s with the Appeal button "
                    "on your decisions page (or at %(path)s if you cannot sign in): a moderator other than the "
                    "one who decided will review it. You may also use an out-of-court dispute settlement body "
                    "or go to court."
                )
            )
            % {"deadline": date_format(appeal_deadline(action), "DATE_FORMAT"), "path": "/appeal"},
            until=action.until,
            created_at=action.created_at,
            reverted_at=action.reverted_at,
            state=state,
        )
