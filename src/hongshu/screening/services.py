"""Write-time screening: the one service every writer calls with the texts it is about to store.

`screen(...)` runs the lexicons (hongshu.screening.matching, after the normalisation that defeats evasion),
the link rules (hongshu.screening.links) and, for notes and comments, the spam-burst detector
(hongshu.screening.bursts) over the named fields, and returns a `Verdict`: publish, hold or reject. Rules
in shadow mode are recorded and change nothing. A verdict with any finding is appended to the moderation
event log with how each matching text was normalised; a clean one is not (it would put every write in line
behind the log's head, for nothing a moderator needs).

The caller acts on the verdict: `raise_if_rejected` gives the 422 problem naming the rule in the writer's
language; a held subject is stored visible to its author only and `announce_held` (inside the writer's
transaction) opens its case after commit.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hongshu.core.audit import audit_append
from hongshu.core.errors import field_error
from hongshu.core.events import announce_on_commit
from hongshu.screening import bursts, links
from hongshu.screening.matching import Matcher, Scan, Term
from hongshu.screening.models import Action, LexiconTerm, Rule
from hongshu.screening.stamp import catalog_key

PUBLISH, HOLD, REJECT = "publish", "hold", "reject"
# The rule that link caps and spam bursts enforce, when the catalogue has it (the default set does).
SPAM_RULE = "spam"
# What gets the burst check: texts that reach many readers at once.
BURST_KINDS = frozenset({"note", "comment"})


@dataclass(frozen=True)
class RuleRef:
    code: str
    version: int
    severity: int
    title_en: str
    title_zh: str

    def title(self, language: str | None) -> str:
        return self.title_zh if (language or "").startswith("zh") else self.title_en


@dataclass(frozen=True)
class Finding:
    """One reason a text matched: a listed term, a link, a burst of near-duplicates."""

    source: str  # "lexicon", "link", "burst"
    field: str
    rule: RuleRef | None
    action: str  # "hold" or "reject"
    shadow: bool
    detail: dict[str, Any]

    def as_record(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "field": self.field,
            "rule": self.rule.code if self.rule else "",
            "rule_version": self.rule.version if self.rule else None,
            "action": self.action,
            "shadow": self.shadow,
            **self.detail,
        }


@dataclass(frozen=True)
class Verdict:
    outcome: str  # PUBLISH, HOLD or REJECT
    findings: tuple[Finding, ...] = ()
    deciding: Finding | None = None
    audit_seq: int | None = None
    group: str = ""  # a burst's key: every held text of one burst joins one case

    @property
    def held(self) -> bool:
        return self.outcome == HOLD


@dataclass
class _Compiled:
    matcher: Matcher
    terms: dict[str, tuple[RuleRef, str, bool]]  # term key -> (rule, action, shadow)
    rules: dict[str, RuleRef]
    domains: Mapping[str, links.DomainVerdict]


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def _rule_ref(rule: Rule) -> RuleRef:
    return RuleRef(rule.code, rule.version, rule.severity, rule.title_en, rule.title_zh)


def _compiled() -> _Compiled:
    """The catalogue compiled for matching, rebuilt when the catalogue's stamp moves."""
    key = catalog_key()
    compiled = _cache.get("compiled")
    if compiled is not None and _cache.get("key") == key:
        return compiled  # type: ignore[no-any-return]
    with _lock:
        rules = {rule.code: _rule_ref(rule) for rule in Rule.objects.filter(active=True)}
        terms: dict[str, tuple[RuleRef, str, bool]] = {}
        specs: list[Term] = []
        for term in LexiconTerm.objects.select_related("rule").filter(rule__active=True):
            terms[str(term.pk)] = (_rule_ref(term.rule), term.action, term.shadow)
            specs.append(Term(key=str(term.pk), text=term.text, language=term.language))
        compiled = _Compiled(Matcher.build(specs), terms, rules, links.domain_rules_snapshot())
        _cache.update(compiled=compiled, key=key)
    return compiled


def _lexicon_findings(compiled: _Compiled, name: str, text: str) -> list[Finding]:
    scan: Scan = compiled.matcher.scan(text)
    found = []
    for hit in scan.hits:
        rule, action, shadow = compiled.terms[hit.key]
        detail = {
            "term": hit.term,
            "form": hit.form,
            "matched": hit.matched,
            "text": text[:500],
            "normalised": [list(step) for step in scan.steps],
        }
        found.append(Finding("lexicon", name, rule, action, shadow, detail))
    return found


def _link_findings(compiled: _Compiled, fields: Mapping[str, str]) -> list[Finding]:
    """Denied domains, per field; unknown links (shorteners) counted across the whole text against the cap."""
    found: list[Finding] = []
    unknown: dict[str, tuple[str, str]] = {}  # url -> (field, domain)
    for name, text in fields.items():
        found_links = links.extract_links(text) if text else []
        if not found_links:
            continue
        judgement = links.judge_links(found_links, rules=compiled.domains, unknown_cap=len(found_links))
        for hit in judgement.hits:
            rule = compiled.rules.get(hit.rule_code)
            found.append(Finding("link", name, rule, hit.action, hit.shadow, {"domain": hit.domain}))
        for link in judgement.unknown:
            unknown.setdefault(link.url, (name, link.domain))
    cap = _unknown_cap()
    if len(unknown) > cap:
        first_field = next(iter(unknown.values()))[0]
        detail = {"unknown": [domain for _field, domain in unknown.values()], "cap": cap}
        found.append(Finding("link", first_field, compiled.rules.get(SPAM_RULE), Action.HOLD, False, detail))
    return found


def _unknown_cap() -> int:
    from django.conf import settings

    return int(settings.HONGSHU.screening_unknown_links_cap)


def _deciding(findings: list[Finding]) -> Finding | None:
    enforced = [f for f in findings if not f.shadow]
    if not enforced:
        return None
    return max(enforced, key=lambda f: (f.action == REJECT, f.rule.severity if f.rule else 0))


def screen(
    *,
    kind: str,
    subject: str,
    author_id: int,
    fields: Mapping[str, str],
    language: str = "",
    burst_field: str | None = None,
) -> Verdict:
    """Screen the texts a member is about to store. `kind`: note, comment, profile, board, message;
    `subject`: "note:<id>" (the id the row will have); `fields`: field name -> text (blank ones skipped);
    `burst_field`: which field's text the burst check compares (notes and comments only)."""
    compiled = _compiled()
    findings: list[Finding] = []
    for name, text in fields.items():
        if text and text.strip():
            findings += _lexicon_findings(compiled, name, text)
    findings += _link_findings(compiled, fields)
    group = ""
    if kind in BURST_KINDS and burst_field and fields.get(burst_field):
        burst = bursts.burst_record_and_check(author_id=author_id, subject=subject, text=fields[burst_field])
        if burst is not None:
            group = burst.key
            detail = {"burst": burst.key, "authors": burst.authors, "subjects": burst.subjects[:20]}
            rule = compiled.rules.get(SPAM_RULE)
            findings.append(Finding("burst", burst_field, rule, Action.HOLD, False, detail))
    deciding = _deciding(findings)
    outcome = PUBLISH if deciding is None else (REJECT if deciding.action == REJECT else HOLD)
    if not findings:
        return Verdict(PUBLISH)
    event = audit_append(
        kind="screening.decision",
        subject=subject,
        actor_id=author_id or None,  # 0: a newcomer not yet a member
        data={
            "content": kind,
            "outcome": outcome,
            "language": language,
            "rule": deciding.rule.code if deciding and deciding.rule else "",
            "rule_version": deciding.rule.version if deciding and deciding.rule else None,
            "findings": [f.as_record() for f in findings],
        },
    )
    return Verdict(outcome, tuple(findings), deciding, event.seq, group if outcome == HOLD else "")


def raise_if_rejected(verdict: Verdict, *, holds_reject: bool = False) -> None:
    """A rejected text is a 422 naming the field and the rule, in the writer's language. `holds_reject`:
    for texts that cannot wait unseen for review (a handle, a board's name), a hold is refused too."""
    refused = verdict.outcome == REJECT or (holds_reject and verdict.outcome == HOLD)
    if not refused or verdict.deciding is None:
        return
    finding = verdict.deciding
    if finding.rule is None:
        message = _("This can’t be posted as written: it breaks our community guidelines.")
    else:
        message = _("This can’t be posted as written: it breaks the guideline “%(rule)s”.") % {
            "rule": finding.rule.title(get_language())
        }
    error = field_error(finding.field, message, code="screening_rejected")
    error.extra["rule"] = finding.rule.code if finding.rule else ""
    error.extra["rule_version"] = finding.rule.version if finding.rule else None
    raise error


def announce_held(*, verdict: Verdict, subject: str, language: str) -> None:
    """Inside the writer's transaction: after commit, the held subject gets its case (hongshu.moderation)."""
    finding = verdict.deciding
    rule = finding.rule if finding else None
    source = "burst" if finding is not None and finding.source == "burst" else "screening"
    announce_on_commit(
        "content_held",
        subject,
        source,
        language,
        rule.code if rule else "",
        str(rule.version) if rule else "",
        str(verdict.audit_seq or ""),
        verdict.group,
    )


def announce_new_account_hold(*, subject: str, author_id: int, language: str) -> None:
    """Inside the writer's transaction: a new account's note held by the door's rule (not by a finding) is
    recorded and gets its case like any other."""
    event = audit_append(
        kind="screening.decision",
        subject=subject,
        actor_id=author_id or None,  # 0: a newcomer not yet a member
        data={"content": "note", "outcome": HOLD, "language": language, "rule": "", "new_account": True},
    )
    announce_on_commit("content_held", subject, "new_account", language, "", "", str(event.seq), "")
