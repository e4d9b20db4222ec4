"""Links in a text and what the domain rules say of them (issue 24, item 4).

`extract_links` finds what a reader would take for a link: `http(s)://` URLs and `www.` hosts, and the bare
`name.tld/path` forms spammers write instead, including after NFKC (full-width `ｅｘａｍｐｌｅ．ｃｏｍ`), with
the dot spelled out (`example[.]com`, `example(dot)com`, `example[点]com`), as an ideographic full stop
between Latin labels (`example。com`) or defanged (`hxxps://`). A bare form counts only when its last label
is a real public suffix, written in lower case unless it is a common one such as `.com` (so "3.5 stars",
"e.g." and a missing space after a full stop, "fun.It was", are not links), and a file name ending in a
suffix that is also a common file extension (`setup.py`, `README.md`) only when a path follows. Bare hosts are Latin (ASCII or punycode): a bare host
made of Chinese characters cannot be told from the sentence around it (after `http(s)://` it can).

Each link's `domain` is its registrable domain ("a.b.example.co.uk" -> "example.co.uk") by the public suffix
list bundled with `tldextract`, used offline: no download, no cache written. Private suffixes are off, so
"foo.github.io" has the domain "github.io" (a rule on github.io covers every site under it). A host with no
public suffix (an IP address, `localhost`, `.example`) is its own domain.

`judge_links` is pure: it takes the domain rules as a mapping (`domain_rules_snapshot`, the one database
read, which the screening service caches by the catalogue's stamp) and a cap on unknown links.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import tldextract

from hongshu.screening.models import DomainRule

SHORTENERS_FILE = Path(__file__).resolve().parent / "data" / "shorteners.txt"
UNKNOWN_LINKS_REASON = "too many unknown links"

# Suffixes that are also file extensions: a bare `name.py` is a file name unless a path follows.
_FILE_SUFFIXES = frozenset({"py", "md", "sh", "rs", "zip", "mov", "ps", "pm"})
# Suffixes a bare host may end with in any case ("Example.Com"); others must be written in lower case, so that
# "fun.It was" or "Mr.Li" (a missing space, Italy's and Liechtenstein's suffixes) are not links.
_ANY_CASE_SUFFIXES = frozenset(
    {"com", "net", "org", "cn", "top", "xyz", "vip", "cc", "info", "shop", "club", "site", "online", "store"}
)

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
_URL_TAIL = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*"
_LINK = re.compile(
    rf"""
    (?<![A-Za-z0-9_@.\-/])                          # not inside a word, an address, a host or a path
    (?:
        (?P<scheme>https?://)
        (?:[A-Za-z0-9\-._~%!$&'()*+,;=:]*@)?         # user:password@
        (?P<shost>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._]+|[^\s/?#<>"',;!()。、]+)  # an IDN host
      |
        (?P<host>(?:{_LABEL}\.)+{_TLD})(?![A-Za-z0-9\-])
    )
    (?P<tail>(?::[0-9]{{1,5}})?(?:[/?#]{_URL_TAIL})?)
    """,
    re.VERBOSE,
)
# The dot spelled out: [.] (.) {.} <.> [dot] (dot) [点] (点), spaces allowed inside and around.
_SPELLED_DOT = re.compile(
    r"\s*(?:\[\s*(?:\.|dot|点)\s*\]|\(\s*(?:\.|dot|点)\s*\)|\{\s*(?:\.|dot|点)\s*\}|<\s*(?:\.|dot|点)\s*>)\s*",
    re.IGNORECASE,
)
_IDEOGRAPHIC_DOT = re.compile(r"(?<=[A-Za-z0-9])。(?=[a-z0-9])")
_DEFANGED = re.compile(r"\bhxxp(s?)(?:\[:\]|:)//", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}"
_HOST_MAX = 253  # DNS's limit; longer runs of labels are not hosts (and would cost the suffix lookup time)


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # as written (after NFKC and with a spelled-out dot put back)
    host: str  # lower case, without port or user
    domain: str  # registrable domain, or the host when it has no public suffix
    shortener: bool


@dataclass(frozen=True, slots=True)
class DomainVerdict:
    verdict: str  # DomainRule.Verdict: "allow" or "deny"
    rule_code: str  # "" when the domain rule names no rule
    action: str  # Action: "hold" or "reject" (what a denied domain does)
    shadow: bool


@dataclass(frozen=True, slots=True)
class LinkHit:
    """A denied domain found in the text: the rule it enforces and what it does (shadow: record only)."""

    domain: str
    rule_code: str  # "" when the domain rule names no rule
    action: str
    shadow: bool
    url: str


@dataclass(frozen=True, slots=True)
class LinkJudgement:
    hits: list[LinkHit] = field(default_factory=list)  # one per denied domain
    unknown: list[Link] = field(default_factory=list)  # shorteners not allowed, one per distinct url
    hold_reason: str | None = None  # UNKNOWN_LINKS_REASON when more unknown links than the cap

    @property
    def held(self) -> bool:
        return self.hold_reason is not None

    @property
    def too_many_unknown(self) -> bool:
        """More unknown links than the cap (the one reason to hold today; screening.services reads this)."""
        return self.hold_reason == UNKNOWN_LINKS_REASON


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() never fetches; cache_dir=None never reads or writes a cache: the bundled snapshot.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)


@functools.cache
def shorteners() -> frozenset[str]:
    lines = SHORTENERS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.lstrip().startswith("#"))


@functools.lru_cache(maxsize=8192)
def _split(host: str) -> tuple[str, str]:
    """(registrable domain, public suffix) of a lower-case host; ("", "") without a public suffix."""
    # Public suffixes have a few labels: the last eight decide (tldextract's time grows fast with labels).
    parts = _extractor().extract_str(".".join(host.rsplit(".", 8)[-8:]))
    if not parts.suffix or not parts.domain:
        return "", parts.suffix
    return f"{parts.domain}.{parts.suffix}", parts.suffix


def warm() -> None:
    """Load the suffix list and the shorteners now (about 0.3 s), not on the first text screened."""
    _split("example.com")
    shorteners()


def _is_shortener(host: str, domain: str) -> bool:
    known = shorteners()
    return domain in known or host in known


def _prepare(text: str) -> str:
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "[" in text or "(" in text or "{" in text or "<" in text:
        text = _SPELLED_DOT.sub(".", text)
    if "。" in text:
        text = _IDEOGRAPHIC_DOT.sub(".", text)
    if "xxp" in text or "XXP" in text:
        text = _DEFANGED.sub(r"http\1://", text)
    return text


def extract_links(text: str) -> list[Link]:
    """The links in `text`, in order of appearance (repeats included)."""
    if not text:
        return []
    text = _prepare(text)
    if "." not in text:
        return []
    links: list[Link] = []
    for match in _LINK.finditer(text):
        tail = match["tail"].rstrip(_TRAILING)
        if match["scheme"]:
            host = match["shost"].rstrip(".").lower()
            if not host or len(host) > _HOST_MAX:
                continue
            domain = _split(host)[0] or host
        else:
            written = match["host"]
            if len(written) > _HOST_MAX:
                continue
            host = written.lower()
            explicit = host.startswith("www.")
            domain, suffix = _split(host)
            if not domain:
                if not explicit:
                    continue  # "3.5", "e.g", "name.example": no public suffix, not a link
                domain = host
            elif not explicit:
                last = written.rsplit(".", 1)[1]
                if not (last.islower() or written.isupper() or last.lower() in _ANY_CASE_SUFFIXES):
                    continue  # "fun.It": a missing space, not a host
                if suffix in _FILE_SUFFIXES and not tail.startswith("/"):
                    continue  # "setup.py"
        url = match.group(0)[: match.start("tail") - match.start()] + tail
        links.append(Link(url=url, host=host, domain=domain, shortener=_is_shortener(host, domain)))
    return links


def judge_links(links: list[Link], *, rules: Mapping[str, DomainVerdict], unknown_cap: int) -> LinkJudgement:
    """What the domain rules say of `links`: a hit per denied domain; shorteners (unless allowed) are unknown,
    and more than `unknown_cap` distinct unknown links hold the text for review."""
    hits: list[LinkHit] = []
    denied: set[str] = set()
    unknown: list[Link] = []
    seen_unknown: set[str] = set()
    for link in links:
        verdict = rules.get(link.domain) or rules.get(link.host)
        if verdict is not None and verdict.verdict == DomainRule.Verdict.DENY:
            if link.domain not in denied:
                denied.add(link.domain)
                hits.append(
                    LinkHit(
                        domain=link.domain,
                        rule_code=verdict.rule_code,
                        action=verdict.action,
                        shadow=verdict.shadow,
                        url=link.url,
                    )
                )
            continue
        if verdict is not None and verdict.verdict == DomainRule.Verdict.ALLOW:
            continue  # an allowed domain is never unknown
        if link.shortener and link.url.lower() not in seen_unknown:
            seen_unknown.add(link.url.lower())
            unknown.append(link)
    reason = UNKNOWN_LINKS_REASON if len(unknown) > unknown_cap else None
    return LinkJudgement(hits=hits, unknown=unknown, hold_reason=reason)


def domain_rules_snapshot() -> dict[str, DomainVerdict]:
    """Every domain rule, by domain (lower case). One query; cache it by `stamp.catalog_key()`."""
    rows = DomainRule.objects.values_list("domain", "verdict", "rule__code", "action", "shadow")
    return {
        domain.strip().lower(): DomainVerdict(
            verdict=verdict, rule_code=code or "", action=action, shadow=shadow
        )
        for domain, verdict, code, action, shadow in rows
    }
