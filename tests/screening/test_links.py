"""Links: what counts as one (bare domains and evasions included, "3.5 stars" not), registrable domains by
the bundled public suffix list used offline, shorteners as unknown links with a cap, allow and deny rules,
and the per-level link cap of notes counting what screening counts."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hongshu.accounts.models import User
from hongshu.screening.links import (
    UNKNOWN_LINKS_REASON,
    DomainVerdict,
    Link,
    _extractor,
    domain_rules_snapshot,
    extract_links,
    judge_links,
    shorteners,
)
from hongshu.screening.models import Action, DomainRule, Rule


def hosts(text: str) -> list[str]:
    return [link.host for link in extract_links(text)]


def domains(text: str) -> list[str]:
    return [link.domain for link in extract_links(text)]


# ---- finding links ---------------------------------------------------------------------------------------


def test_urls_www_and_bare_domains_are_links() -> None:
    text = "see https://a.example/1, http://b.example/2 and www.c.example; also shop.example.com/sale!"
    assert [link.url for link in extract_links(text)] == [
        "https://a.example/1",
        "http://b.example/2",
        "www.c.example",
        "shop.example.com/sale",
    ]
    # a scheme or www. makes a link even without a public suffix: the host is its own domain
    assert domains("http://localhost:8000/x http://10.0.0.1/ www.c.example") == [
        "localhost",
        "10.0.0.1",
        "www.c.example",
    ]


def test_registrable_domain_by_the_public_suffix_list() -> None:
    assert domains("a.b.example.co.uk") == ["example.co.uk"]
    assert domains("https://WWW.Example.COM/Path") == ["example.com"]
    assert domains("news.bbc.co.uk/x and 12306.cn") == ["bbc.co.uk", "12306.cn"]
    # private suffixes are off: every site under github.io has the domain github.io
    assert domains("foo.github.io") == ["github.io"]
    assert domains("https://例子.中国/x") == ["例子.中国"]


@pytest.mark.parametrize(
    "text",
    [
        "3.5 stars",
        "rated 4.5/5, e.g. this one, i.e. that one",
        "No.1 in town. U.S.A.",
        "it was fun.It was great",  # a missing space after a full stop, capital after it
        "dinner with Mr.Li",
        "setup.py and README.md",  # file names ending in a suffix that is a file extension
        "write to me@example.com",  # an address, not a link
        "v1.2.3 and node.js",
        "今天吃了3.5碗饭。明天继续",
        "",
    ],
)
def test_not_links(text: str) -> None:
    assert extract_links(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "加我看 example[.]com 哦",
        "example(dot)com",
        "example [ dot ] com",
        "example{.}com",
        "example[点]com",
        "ｅｘａｍｐｌｅ．ｃｏｍ",  # full-width letters and dot
        "去看看example。com吧",
        "hxxps://example.com/x",
        "EXAMPLE.COM",
        "Example.Com",
    ],
)
def test_evasions_are_links(text: str) -> None:
    assert domains(text) == ["example.com"], text


def test_links_in_chinese_text_end_where_latin_ends() -> None:
    links = extract_links("快来bit.ly/abc123领取，或者访问https://example.com看看。")
    assert [(link.url, link.domain) for link in links] == [
        ("bit.ly/abc123", "bit.ly"),
        ("https://example.com", "example.com"),
    ]


def test_shorteners_are_marked() -> None:
    assert {"bit.ly", "t.co", "tinyurl.com", "t.cn", "url.cn", "dwz.cn"} <= shorteners()
    links = extract_links("bit.ly/x https://t.cn/A6 w.url.cn/s/abc example.com/x t.co/y")
    assert [link.shortener for link in links] == [True, True, True, False, True]


def test_the_suffix_list_is_the_bundled_one_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("tldextract went to the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _extractor.cache_clear()
    try:
        assert _extractor().extract_str("x.y.example.co.uk").suffix == "co.uk"
        assert _extractor().suffix_list_urls == ()
        assert _extractor().include_psl_private_domains is False
        assert list(tmp_path.iterdir()) == []  # nothing written
    finally:
        _extractor.cache_clear()


def test_extracting_is_cheap() -> None:
    text = (
        "今天去了一家很好吃的火锅店，环境很好，服务也很热情，推荐大家去试试！Great hotpot place, "
        "highly recommended, 4.5 stars. Menu at https://www.example.com/menu"
    )
    extract_links(text)
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        extract_links(text)
    per_call = (time.perf_counter() - start) / runs
    print(f"extract_links: {per_call * 1e6:.1f} µs per call")
    assert per_call < 500e-6


# ---- judging links ---------------------------------------------------------------------------------------

DENY_SCAM = DomainVerdict(verdict="deny", rule_code="scam", action="reject", shadow=False)
DENY_SHADOW = DomainVerdict(verdict="deny", rule_code="spam", action="hold", shadow=True)
ALLOW = DomainVerdict(verdict="allow", rule_code="", action="hold", shadow=False)


def test_a_denied_domain_is_a_hit_once() -> None:
    links = extract_links("https://win.evil.top/a and evil.top/b and fine.example.com")
    judgement = judge_links(links, rules={"evil.top": DENY_SCAM}, unknown_cap=1)
    assert [(h.domain, h.rule_code, h.action, h.shadow) for h in judgement.hits] == [
        ("evil.top", "scam", "reject", False)
    ]
    assert not judgement.held
    assert judgement.unknown == []


def test_shadow_deny_is_reported_as_shadow() -> None:
    judgement = judge_links(
        extract_links("spam.example.org"), rules={"example.org": DENY_SHADOW}, unknown_cap=1
    )
    assert [(h.rule_code, h.shadow) for h in judgement.hits] == [("spam", True)]


def test_unknown_links_beyond_the_cap_hold() -> None:
    one = judge_links(extract_links("bit.ly/a"), rules={}, unknown_cap=1)
    assert [link.url for link in one.unknown] == ["bit.ly/a"]
    assert not one.held
    repeated = judge_links(extract_links("bit.ly/a bit.ly/a"), rules={}, unknown_cap=1)
    assert len(repeated.unknown) == 1
    assert not repeated.held
    two = judge_links(extract_links("bit.ly/a and t.cn/b"), rules={}, unknown_cap=1)
    assert two.held
    assert two.hold_reason == UNKNOWN_LINKS_REASON
    assert two.too_many_unknown
    assert not judge_links(extract_links("bit.ly/a and t.cn/b"), rules={}, unknown_cap=2).held
    # an ordinary domain with no rule is not unknown
    assert not judge_links(extract_links("a.com b.com c.com"), rules={}, unknown_cap=0).held


def test_allow_beats_unknown_and_deny_beats_unknown() -> None:
    links = extract_links("bit.ly/a and t.cn/b")
    allowed = judge_links(links, rules={"bit.ly": ALLOW}, unknown_cap=0)
    assert [link.domain for link in allowed.unknown] == ["t.cn"]
    assert allowed.held
    both = judge_links(links, rules={"bit.ly": ALLOW, "t.cn": ALLOW}, unknown_cap=0)
    assert both.unknown == []
    assert not both.held
    denied = judge_links(links, rules={"t.cn": DENY_SCAM}, unknown_cap=1)
    assert [h.domain for h in denied.hits] == ["t.cn"]
    assert [u.domain for u in denied.unknown] == ["bit.ly"]


def test_a_rule_on_a_host_matches_that_host() -> None:
    link = Link(url="w.url.cn/x", host="w.url.cn", domain="url.cn", shortener=True)
    judgement = judge_links([link], rules={"w.url.cn": DENY_SCAM}, unknown_cap=1)
    assert [h.domain for h in judgement.hits] == ["url.cn"]


@pytest.mark.django_db
def test_domain_rules_snapshot_reads_the_table() -> None:
    rule = Rule.objects.create(
        code="links-test", title_en="Links", title_zh="链接", text_en="No bad links.", text_zh="禁止坏链接。"
    )
    DomainRule.objects.create(domain="evil.top", verdict="deny", rule=rule, action=Action.REJECT)
    DomainRule.objects.create(domain="Bit.ly", verdict="allow")
    snapshot = domain_rules_snapshot()
    assert snapshot["evil.top"] == DomainVerdict(
        verdict="deny", rule_code="links-test", action="reject", shadow=False
    )
    assert snapshot["bit.ly"] == DomainVerdict(verdict="allow", rule_code="", action="hold", shadow=False)


# ---- the per-level link cap of notes counts what screening counts -------------------------------------------


@pytest.mark.django_db
def test_bare_domains_count_against_the_link_cap(
    nina: Any, ready_images: Callable[..., list[str]], problem: Any
) -> None:
    member, client = nina

    def post(body: str) -> Any:
        images = [{"media_id": i} for i in ready_images(member)]
        return client.post("/notes", json={"title": "t", "body": body, "images": images})

    assert member.trust_level == 0  # the cap is 2 links
    assert post("shop at example.com and deals[.]example.org").status_code == 201
    refused = problem(
        post("shop at example.com, deals[.]example.org and ｅｖｉｌ．ｔｏｐ/x"), 422, "too_many_links"
    )
    assert refused["errors"][0]["field"] == "body"
    assert post("3.5 stars, e.g. the noodles. fun.It was, setup.py").status_code == 201
    User.objects.filter(pk=member.pk).update(trust_level=1)
    assert post("shop at example.com, deals[.]example.org and ｅｖｉｌ．ｔｏｐ/x").status_code == 201
