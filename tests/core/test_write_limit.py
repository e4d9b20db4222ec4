"""The write ceiling (hongshu.config.write_limit): every write counts against `write`, per member and per
address, beside its own limit; a refusal is a 429 in each adapter's form with the rate-limit headers, and
signing out is never refused. Writes here have no limit of their own (boards), so only the ceiling can stop
them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hongshu.interactions.models import Board
from ratelimit_checks import refused, web_client

pytestmark = pytest.mark.django_db


def test_api_writes_stop_at_the_members_ceiling(ann: Any, bob: Any, rate_limits: Any) -> None:
    rate_limits(**{"write.account": "2 per 1 minute", "write.ip": "100 per 1 minute"})
    for name in ("one", "two"):
        assert ann[1].post("/boards", json={"name": name}).status_code == 201
    body = refused(ann[1].post("/boards", json={"name": "three"}), limit=2, scope="account", name="write")
    assert body["instance"] == "/api/v1/boards"
    assert not Board.objects.filter(owner=ann[0], name="three").exists()
    # Reads are not writes, and another member has their own budget.
    assert ann[1].get("/boards").status_code == 200
    assert bob[1].post("/boards", json={"name": "bob's"}).status_code == 201


def test_web_writes_stop_at_the_ceiling_in_the_readers_language(ann: Any, rate_limits: Any) -> None:
    rate_limits(**{"write.account": "1 per 1 minute", "write.ip": "100 per 1 minute"})
    browser = web_client(ann[0])
    assert browser.post("/me/boards", {"name": "first"}).status_code == 302
    page = browser.post("/me/boards", {"name": "second"})
    refused(page, limit=1, scope="account")
    assert "try again in" in page.content.decode()
    zh = browser.post("/me/boards", {"name": "second"}, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    refused(zh, limit=1, scope="account")
    assert "请" in zh.content.decode()
    fragment = browser.post("/me/boards", {"name": "second"}, HTTP_HX_REQUEST="true")
    refused(fragment, limit=1, scope="account")
    assert Board.objects.filter(owner=ann[0], name="first").exists()
    assert not Board.objects.filter(owner=ann[0], name="second").exists()
    # Signing out is never refused.
    assert browser.post("/signout/").status_code == 302
    assert "_auth_user_id" not in browser.session


def test_one_address_shares_its_ceiling_across_accounts(ann: Any, bob: Any, rate_limits: Any) -> None:
    rate_limits(**{"write.account": "100 per 1 minute", "write.ip": "2 per 1 minute"})
    assert ann[1].post("/boards", json={"name": "a"}, REMOTE_ADDR="198.51.100.4").status_code == 201
    assert bob[1].post("/boards", json={"name": "b"}, REMOTE_ADDR="198.51.100.4").status_code == 201
    refused(bob[1].post("/boards", json={"name": "c"}, REMOTE_ADDR="198.51.100.4"), limit=2, scope="ip")
    assert bob[1].post("/boards", json={"name": "c"}, REMOTE_ADDR="198.51.100.5").status_code == 201
    # Visitors' writes (here a failed sign-in) count against their address too.
    visitor = Client(REMOTE_ADDR="198.51.100.4")
    refused(visitor.post("/signin/", {"handle": "ann", "password": "wrong"}), limit=2, scope="ip")


def test_the_ceiling_is_off_with_the_rate_limits(ann: Any, settings: Any) -> None:
    assert settings.HONGSHU.rate_limits_enabled is False  # the suite's default
    for i in range(5):
        assert ann[1].post("/boards", json={"name": f"b{i}"}).status_code == 201


def test_limits_fail_open_when_their_store_is_unreachable(
    ann: Any, rate_limits: Any, settings: Any, caplog: Any
) -> None:
    """Redis down: writes go through (and say so in the log) instead of failing with it."""
    rate_limits(**{"write.account": "1 per 1 minute", "note_create.account": "1 per 1 minute"})
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})  # closed
    for name in ("one", "two", "three"):
        assert ann[1].post("/boards", json={"name": name}).status_code == 201
    assert "rate limit write not applied" in caplog.text
