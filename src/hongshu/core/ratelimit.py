"""Rate limits on writes and expensive reads, over the `limits` library (docs/architecture.md#rate-limits).

One table (`DEFAULT_RATES`) names every limit and its scopes; operators change any entry with the
`rate_limits` setting (docs/configuration.md). Adapters call `rate_limit_hit(name, member=…, ip=…)` before
the service; a refusal is `RateLimitExceeded`, a 429 problem carrying `Retry-After` and the
`RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` headers.

Counters live in Redis when REDIS_URL is set (one budget shared by every process and host), else in this
process's memory (the embedded SQLite instance runs one process). The strategy is the moving window: a
window of 5 per 5 minutes never lets 10 through across a window boundary, as a fixed window would.

Scopes: `account` (a member's ID), `ip` (the client's address: `core.proxies.client_ip`), `network` (the /24 of an IPv4 address, the /48 of an
IPv6 one: a host's neighbours share a budget, so one machine cannot rotate through its subnet),
`account_ip` (the handle typed at sign-in with the IP), `login` (the handle or address typed, whatever the
IP: a password reset), `device` (a known device's ID, from the signed device
token a successful sign-in hands out: hongshu.accounts.devices) and `global` (the whole instance).

Trust levels (docs/trust.md): `<limit>.account@<level>` is a second account-scope rate for a member of that
trust level (0 new .. 3 trusted), checked beside the plain `<limit>.account` one, so new accounts get a
tighter hourly cap with the same table, setting and 429. While surge posture is on
(`hongshu.core.runtime.surge_active`), every rate of the write limits in `SURGE_LIMITS` is multiplied by the
`surge_factor` setting (at least 1 left); a tightened rate counts in its own window, from the moment surge
starts.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import time
from typing import Literal, Protocol

from django.conf import settings
from django.utils.translation import ngettext
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from hongshu.core import proxies
from hongshu.core.errors import RateLimited

logger = logging.getLogger(__name__)

LimitName = Literal[
    "sign_up",
    "sign_in",
    "sign_in_failure",  # counted only when the password is wrong: guessing backs off, the owner is not slowed
    "password_reset",  # asking for a reset link (hongshu.accounts.emails)
    "email_verification",  # mailing a verification link again ("resend")
    "second_factor",  # a TOTP, recovery or passkey attempt after a right password (hongshu.security)
    "note_create",
    "note_edit",  # editing or publishing an existing note (each edit is re-indexed and kept as a version)
    "profile_edit",  # the public profile: names, bio, avatar (each change is re-indexed)
    "comment_create",
    "like",
    "follow",
    "upload",
    "translation",
    "search",
    "suggest",
    "report",  # reporting a note, comment or member to the moderators (hongshu.moderation)
    "write",  # every POST/PUT/PATCH/DELETE, beside its own limit: a ceiling for writes without one
]
Scope = Literal["account", "ip", "network", "account_ip", "login", "device", "global"]
SCOPES: tuple[Scope, ...] = ("account", "ip", "network", "account_ip", "login", "device", "global")

# `<limit>.<scope>` -> a rate in the `limits` notation ("<count>/<period>" or "<count> per <n> <unit>").
# Starting points are Mastodon's published limits (sign-up 5 per 30 minutes per IP, statuses 300 per 3
# hours, follows 400 per day, media 30 per 30 minutes, 300 API calls per 5 minutes), widened per network so
# a campus or an office behind one /24 can still join. `translation` reads its account and global rates
# from two settings of its own (`translation_member_limit`, `translation_global_limit`).
DEFAULT_RATES: dict[str, str] = {
    "sign_up.ip": "5 per 30 minutes",
    "sign_up.network": "15 per 30 minutes",
    "sign_in.account_ip": "10 per 5 minutes",
    "sign_in.ip": "30 per 5 minutes",
    "sign_in.network": "100 per 5 minutes",
    "sign_in_failure.account_ip": "5 per 15 minutes",
    "sign_in_failure.ip": "20 per 1 hour",
    # A sign-in presenting a valid device token for its account is held to this scope only (not `ip`
    # nor `account_ip`), so an attacker's failures do not lock the owner out; a stolen token still backs off.
    "sign_in_failure.device": "5 per 15 minutes",
    # A reset link to one mailbox at most 3 times an hour whoever asks (`login`: the handle or address typed,
    # matched or not, so the limit itself reveals nothing); an address asking about many accounts backs off.
    "password_reset.login": "3 per 1 hour",
    "password_reset.ip": "10 per 1 hour",
    "password_reset.network": "30 per 1 hour",
    "email_verification.account": "5 per 1 hour",
    "email_verification.ip": "20 per 1 hour",
    # Six digits are a million guesses: 10 tries per 15 minutes per account keeps guessing hopeless.
    "second_factor.account": "10 per 15 minutes",
    "second_factor.ip": "30 per 15 minutes",
    "note_create.account": "300 per 3 hours",
    "note_edit.account": "60 per 1 hour",
    "profile_edit.account": "30 per 1 hour",
    "comment_create.account": "300 per 3 hours",
    "like.account": "600 per 1 hour",
    "follow.account": "400 per 1 day",
    "upload.account": "30 per 30 minutes",
    "search.account": "300 per 5 minutes",
    "search.ip": "300 per 5 minutes",
    "suggest.account": "600 per 5 minutes",
    "suggest.ip": "600 per 5 minutes",
    # Reports: enough for a member who meets a spam wave, too few for one account to drive a mass-report
    # campaign (its weight is bounded anyway); per IP for the accounts of one host.
    "report.account": "20 per 1 hour",
    "report.ip": "60 per 1 hour",
    # A ceiling on every write (config.write_limit), whether or not it has a limit of its own above: far
    # above what a person does by hand, low enough that a script cannot churn boards, blocks or settings.
    "write.account": "1000 per 1 hour",
    "write.ip": "2000 per 1 hour",
    # Provider translations per address and network (per member and for the instance: two settings).
    "translation.ip": "120 per 1 hour",
    "translation.network": "600 per 1 hour",
    # Per trust level, beside the plain account rate above (docs/trust.md has the table).
    "note_create.account@0": "3 per 1 hour",
    "note_create.account@1": "10 per 1 hour",
    "note_create.account@2": "30 per 1 hour",
    "note_create.account@3": "100 per 1 hour",
    "comment_create.account@0": "10 per 1 hour",
    "comment_create.account@1": "30 per 1 hour",
    "comment_create.account@2": "100 per 1 hour",
    "comment_create.account@3": "300 per 1 hour",
    "follow.account@0": "10 per 1 hour",
    "follow.account@1": "30 per 1 hour",
    "follow.account@2": "100 per 1 hour",
    "follow.account@3": "200 per 1 hour",
}

TRUST_LEVELS = (0, 1, 2, 3)
# The write limits that tighten by `surge_factor` while surge posture is on.
SURGE_LIMITS: frozenset[str] = frozenset(
    {"sign_up", "note_create", "comment_create", "like", "follow", "upload"}
)


class _HasPk(Protocol):
    @property
    def pk(self) -> object: ...


class RateLimitExceeded(RateLimited):
    """A 429 problem for a crossed limit, with the standard headers and `retry_after` in the body."""

    def __init__(self, *, name: str, scope: str, limit: int, retry_after: int) -> None:
        if retry_after < 120:
            detail = ngettext(
                "You have done this too often. Please try again in %(n)d second.",
                "You have done this too often. Please try again in %(n)d seconds.",
                retry_after,
            ) % {"n": retry_after}
        else:
            minutes = math.ceil(retry_after / 60)
            detail = ngettext(
                "You have done this too often. Please try again in %(n)d minute.",
                "You have done this too often. Please try again in %(n)d minutes.",
                minutes,
            ) % {"n": minutes}
        super().__init__(
            detail,
            extra={"limit": name, "scope": scope, "retry_after": retry_after},
            headers={
                "Retry-After": str(retry_after),
                "RateLimit-Limit": str(limit),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(retry_after),
            },
        )
        self.name, self.scope, self.limit, self.retry_after = name, scope, limit, retry_after


@functools.cache
def _limiter(uri: str) -> MovingWindowRateLimiter:
    storage: Storage = (
        # Short timeouts: an unreachable Redis must cost a request milliseconds, not the default wait.
        RedisStorage(uri, key_prefix="hongshu-limits", socket_connect_timeout=0.5, socket_timeout=0.5)
        if uri.startswith("redis")
        else MemoryStorage()
    )
    return MovingWindowRateLimiter(storage)


def _current() -> MovingWindowRateLimiter:
    return _limiter(settings.HONGSHU.redis_url or "memory://")


@functools.cache
def parse_rate(rate: str) -> RateLimitItem:
    return parse(rate)


@functools.cache
def _tightened(rate: str, factor: float) -> RateLimitItem:
    item = parse_rate(rate)
    amount = max(1, math.floor(item.amount * factor))
    return type(item)(amount, item.multiples, item.namespace)


def scope_key_valid(key: str) -> bool:
    """Whether `<scope>` or `account@<level>` names a scope of the rate table."""
    scope, at, level = key.partition("@")
    if not at:
        return scope in SCOPES
    return scope == "account" and level in {str(n) for n in TRUST_LEVELS}


def network_of(ip: str) -> str:
    """The /24 of an IPv4 address or the /48 of an IPv6 one (an IPv4-mapped IPv6 address counts as IPv4)."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _rates(name: LimitName) -> dict[str, str]:
    hongshu = settings.HONGSHU
    prefix = f"{name}."
    table = {
        key.removeprefix(prefix): rate for key, rate in hongshu.rate_limits.items() if key.startswith(prefix)
    }
    if (
        name == "translation"
    ):  # account and global come from two older settings; always on (a provider's bill)
        by_address = table if hongshu.rate_limits_enabled else {}
        return {
            **by_address,
            "account": f"{hongshu.translation_member_limit} per 1 hour",
            "global": f"{hongshu.translation_global_limit} per 1 minute",
        }
    return table if hongshu.rate_limits_enabled else {}


def _identity(
    scope: str, *, member: _HasPk | None, ip: str | None, account: str | None, device: str | None
) -> str | None:
    simple = {"account": None if member is None else str(member.pk), "ip": ip, "device": device}
    if scope in simple:
        return simple[scope] or None
    if scope == "network":
        try:
            return network_of(ip) if ip else None
        except ValueError:  # not an address (a test client, a unix socket): the IP scope still counts it
            return None
    if scope == "account_ip":
        return f"{account.strip().lstrip('@').lower()}|{ip}" if account and ip else None
    if scope == "login":
        return (account.strip().lstrip("@").lower() or None) if account else None
    return "all"  # global


# (scope, rate, identity) for each scope of a limit that applies to a request.
Checks = list[tuple[str, RateLimitItem, str]]


def _checks(
    name: LimitName, *, member: _HasPk | None, ip: str | None, account: str | None, device: str | None
) -> Checks:
    rates = _rates(name)
    if not rates:
        return []
    level = getattr(member, "trust_level", None)
    own_level = None if level is None else f"account@{level}"
    factor = None
    if name in SURGE_LIMITS:
        # Imported here: config.env imports this module before the app registry (and core.models) is ready.
        from hongshu.core.runtime import surge_active  # one query, only for the write limits

        factor = settings.HONGSHU.surge_factor if surge_active() else None
    checks: Checks = []
    for scope, rate in rates.items():
        if "@" in scope and scope != own_level:
            continue
        identity = _identity(scope.partition("@")[0], member=member, ip=ip, account=account, device=device)
        if identity is not None:
            item = parse_rate(rate) if factor is None else _tightened(rate, factor)
            checks.append((scope, item, identity))
    return checks


STORAGE_ERRORS = (RedisError, StorageError, OSError)


def _storage_down(name: LimitName, error: Exception) -> None:
    """Limits fail open: with the counters' store unreachable a request goes through (logged), rather than
    every write of the site failing with it. Argon2's bounded hashing still caps password guessing."""
    logger.warning("rate limit %s not applied: its store is unreachable (%s)", name, error)


def _refuse_if_full(name: LimitName, checks: Checks) -> None:
    limiter = _current()
    for scope, item, identity in checks:
        try:
            room = limiter.test(item, name, scope, identity)
        except STORAGE_ERRORS as error:
            _storage_down(name, error)
            return
        if not room:
            reset_time, _remaining = limiter.get_window_stats(item, name, scope, identity)
            retry_after = max(1, math.ceil(reset_time - time.time()))
            # `account@<level>` is reported as the account scope it is.
            raise RateLimitExceeded(
                name=name, scope=scope.partition("@")[0], limit=item.amount, retry_after=retry_after
            )


def _count(name: LimitName, checks: Checks) -> None:
    limiter = _current()
    try:
        for scope, item, identity in checks:
            limiter.hit(item, name, scope, identity)
    except STORAGE_ERRORS as error:
        _storage_down(name, error)


def rate_limit_check(
    name: LimitName,
    *,
    member: _HasPk | None = None,
    ip: str | None = None,
    account: str | None = None,
    device: str | None = None,
) -> None:
    """Raise `RateLimitExceeded` if any scope of limit `name` that applies has no room left; count nothing.

    With `rate_limit_count` after the fact, for limits on outcomes (`sign_in_failure`: wrong passwords).
    """
    if checks := _checks(name, member=member, ip=ip, account=account, device=device):
        _refuse_if_full(name, checks)


def rate_limit_count(
    name: LimitName,
    *,
    member: _HasPk | None = None,
    ip: str | None = None,
    account: str | None = None,
    device: str | None = None,
) -> None:
    """Count one event against every scope of limit `name` that applies (a full scope stays full)."""
    if checks := _checks(name, member=member, ip=ip, account=account, device=device):
        _count(name, checks)


def rate_limit_hit(
    name: LimitName,
    *,
    member: _HasPk | None = None,
    ip: str | None = None,
    account: str | None = None,
    device: str | None = None,
) -> None:
    """Count one request against every scope of limit `name` that applies, or raise `RateLimitExceeded`.

    All scopes are tested before any is counted, so a request refused by one scope uses up no other.
    `member` is the signed-in member (scope `account`), `ip` the client address (`ip`, `network`),
    `account` the handle typed at sign-in (`account_ip`), `device` a known device's ID (`device`).
    """
    if checks := _checks(name, member=member, ip=ip, account=account, device=device):
        _refuse_if_full(name, checks)
        _count(name, checks)


def rate_limit_reset() -> None:
    """Forget every counter (tests; an operator lifting limits at once)."""
    _current().storage.reset()


# The client's address through the trusted proxies; adapters import it from here beside rate_limit_hit.
client_ip = proxies.client_ip
