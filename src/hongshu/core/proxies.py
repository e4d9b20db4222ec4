"""Who the client is behind trusted proxies (docs/operations.md#behind-a-proxy).

The `trusted_proxies` setting lists the networks of the proxies in front of this instance (nginx, a load
balancer). Headers a proxy adds (`X-Forwarded-For`, `X-Forwarded-Proto`, `X-Request-ID`) are believed only
when the connection itself comes from one of them: anyone else can write those headers too.
`TrustedProxyHeadersMiddleware` drops them from other peers before Django or the app reads them, and
`client_ip` walks `X-Forwarded-For` from the right, skipping our own proxies, so the address it returns is
the first one that no proxy of ours vouches for having appended.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Headers only a trusted proxy may set; from anyone else they are removed before the request is handled.
PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_REQUEST_ID",
)


@functools.lru_cache(maxsize=8)
def parse_networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    """`["10.0.0.0/8", "::1"]` as networks (a bare address is a network of one)."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443" as some proxies write IPv6 with a port
        text = text[1 : text.index("]")]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def address_in(text: str | None, networks: Sequence[Network]) -> bool:
    """Whether the address `text` (an IP as the server wrote it) is in one of `networks`."""
    address = _address(text or "")
    return address is not None and any(address in network for network in networks)


def trusted_proxies() -> tuple[Network, ...]:
    return parse_networks(tuple(settings.HONGSHU.trusted_proxies))


def peer_is_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the connection comes from one of our proxies (then its forwarding headers are believed)."""
    networks = trusted_proxies()
    return bool(networks) and address_in(request.META.get("REMOTE_ADDR"), networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the connection's peer, or, when that is a trusted proxy, the rightmost address
    of `X-Forwarded-For` that is not one of our proxies. Addresses left of it were written by the client or
    by proxies that are not ours, so they are never believed (a spoofed header cannot pick the address rate
    limits count). Every hop trusted: the leftmost. A malformed entry stops the walk at the proxy that
    passed it on."""
    peer: str | None = request.META.get("REMOTE_ADDR") or None
    networks = trusted_proxies()
    if peer is None or not networks or not address_in(peer, networks):
        return peer
    chain = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    current = peer
    for hop in reversed(chain):
        address = _address(hop)
        if address is None:
            return current
        current = str(address)
        if not any(address in network for network in networks):
            return current
    return current


class TrustedProxyHeadersMiddleware:
    """Outermost: forwarding headers from a peer that is not a trusted proxy are removed, so neither Django
    (`SECURE_PROXY_SSL_HEADER` reads `X-Forwarded-Proto` from anyone) nor the app ever reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not peer_is_trusted_proxy(request):
            for header in PROXY_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
