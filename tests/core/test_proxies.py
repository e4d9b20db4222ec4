"""The client's address comes from the trusted proxy chain only: spoofed headers from anyone else are ignored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from hongshu.core.proxies import client_ip

PASSWORD = "correct horse battery"

pytestmark = pytest.mark.django_db


@pytest.fixture
def trust(settings: Any) -> Any:
    def _trust(*networks: str) -> None:
        settings.HONGSHU = settings.HONGSHU.model_copy(update={"trusted_proxies": list(networks)})

    return _trust


def request(peer: str, forwarded: str | None = None) -> Any:
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_peer_is_the_client(trust: Any) -> None:
    trust()
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(trust: Any) -> None:
    trust("10.0.0.0/8")
    assert client_ip(request("203.0.113.9", "10.0.0.5, 198.51.100.1")) == "203.0.113.9"


def test_the_address_our_proxy_appended_is_the_client(trust: Any) -> None:
    trust("10.0.0.0/8")
    # The client wrote "6.6.6.6" itself; our proxy appended the address it saw (198.51.100.7).
    assert client_ip(request("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(trust: Any) -> None:
    trust("10.0.0.0/8", "192.0.2.0/24")
    # load balancer 192.0.2.10 -> nginx 10.0.0.2 -> app; the client 198.51.100.7 spoofed "1.2.3.4".
    chain = "1.2.3.4, 198.51.100.7, 192.0.2.10"
    assert client_ip(request("10.0.0.2", chain)) == "198.51.100.7"


def test_a_client_spoofing_a_trusted_address_gains_nothing(trust: Any) -> None:
    trust("10.0.0.0/8")
    # The spoofed 10.0.0.9 is left of the real client, so the walk stops before reaching it.
    assert client_ip(request("10.0.0.2", "10.0.0.9, 198.51.100.7")) == "198.51.100.7"


def test_every_hop_trusted_gives_the_leftmost(trust: Any) -> None:
    trust("10.0.0.0/8")
    assert client_ip(request("10.0.0.2", "10.0.0.3, 10.0.0.4")) == "10.0.0.3"


def test_a_malformed_entry_stops_at_the_proxy_that_passed_it(trust: Any) -> None:
    trust("10.0.0.0/8")
    assert client_ip(request("10.0.0.2", "198.51.100.7, not-an-ip, 10.0.0.4")) == "10.0.0.4"


def test_ipv6_peers_and_mapped_addresses(trust: Any) -> None:
    trust("fd00::/8", "127.0.0.1")
    assert client_ip(request("fd00::2", "2001:db8::7")) == "2001:db8::7"
    assert client_ip(request("::ffff:127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    assert client_ip(request("fd00::2", "[2001:db8::8]:51000")) == "2001:db8::8"


def test_a_trusted_peer_without_the_header_is_the_client(trust: Any) -> None:
    trust("10.0.0.0/8")
    assert client_ip(request("10.0.0.2")) == "10.0.0.2"


# ---- through the endpoints: rate limits count the client the trusted proxies name -------------------------


def test_api_sign_up_limit_counts_the_client_behind_our_proxy(api: Any, rate_limits: Any, trust: Any) -> None:
    trust("10.0.0.0/8")
    rate_limits(**{"sign_up.ip": "1 per 1 minute", "sign_up.network": "100 per 1 minute"})

    def sign_up(handle: str, **meta: str) -> int:
        body = {"handle": handle, "password": PASSWORD}
        return int(api.post("/accounts", json=body, **meta).status_code)

    # Two clients behind our proxy each get their own budget...
    assert sign_up("alpha", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7") == 201
    assert sign_up("bravo", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.101.7") == 201
    # ...and a client rotating a spoofed left part is still counted by the address our proxy appended.
    assert sign_up("charlie", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7") == 429
    # A peer that is not our proxy cannot pick an address by writing the header: it is counted itself.
    assert sign_up("delta", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1") == 201
    assert sign_up("echo", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.2") == 429


def test_web_sign_in_limit_ignores_spoofed_headers(rate_limits: Any, trust: Any, make_member: Any) -> None:
    member = make_member()
    trust("10.0.0.0/8")
    rate_limits(**{"sign_in.ip": "1 per 1 minute"})
    client = Client()

    def sign_in(**meta: str) -> str:
        form = {"handle": member.handle, "password": "wrong password"}
        return client.post("/signin/", form, **meta).content.decode()

    assert "not correct" in sign_in(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1")
    # Another spoofed address from the same untrusted peer is the same client: refused.
    assert "not correct" not in sign_in(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.2")
    # Through our proxy, a different client has its own budget.
    assert "not correct" in sign_in(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
