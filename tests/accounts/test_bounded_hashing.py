"""Bounded password hashing (hongshu.accounts.hashers): at most `password_hash_concurrency` hashes run at once
in a process, measured with a slow hasher across threads; a request that finds no slot within
`password_hash_wait` is a 503 `busy` problem with Retry-After, through the API and the web sign-in."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, check_password, make_password
from django.test import Client

from hongshu.accounts.hashers import BoundedHasherMixin, BoundedMD5PasswordHasher, hash_slots
from hongshu.accounts.models import User

PASSWORD = "correct horse battery"  # the conftest's make_member password


class _Gauge:
    """Counts hashes running at the same moment and remembers the most."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0

    def __enter__(self) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.running -= 1


class SlowHasher(MD5PasswordHasher):
    gauge = _Gauge()

    def encode(self, password: str, salt: str) -> str:
        with self.gauge:
            time.sleep(0.1)  # long enough that threads released together overlap even on a loaded box
            return super().encode(password, salt)


class BoundedSlowHasher(BoundedHasherMixin, SlowHasher):
    pass


def _hash_concurrently(hasher: MD5PasswordHasher, *, threads: int = 6) -> int:
    """Run `threads` hashes at once (released together by a barrier); the most that ran at the same time."""
    gauge = _Gauge()
    type(hasher).gauge = gauge  # type: ignore[attr-defined]
    start = threading.Barrier(threads)

    def work() -> str:
        start.wait(timeout=10)
        return hasher.encode(PASSWORD, hasher.salt())

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(work) for _ in range(threads)]:
            assert future.result(timeout=30).startswith("md5$")  # raises what the thread raised
    return gauge.most


@pytest.fixture
def hashing(settings: Any) -> Callable[..., None]:
    """`hashing(concurrency=1, wait=0.05)`: these hashing settings for this test only."""

    def apply(*, concurrency: int, wait: float = 5.0) -> None:
        settings.HONGSHU = settings.HONGSHU.model_copy(
            update={"password_hash_concurrency": concurrency, "password_hash_wait": wait}
        )

    return apply


@pytest.fixture
def alice(make_member: Callable[..., User]) -> User:
    return make_member("alice")


@pytest.fixture
def all_slots_taken(hashing: Callable[..., None]) -> Iterator[None]:
    """One slot per process, held by someone else: the next hash waits 0.05 s and is refused."""
    hashing(concurrency=1, wait=0.05)
    slots = hash_slots(1)
    assert slots.acquire(timeout=5)
    try:
        yield
    finally:
        slots.release()


def test_unbounded_slow_hasher_overlaps() -> None:
    """The measure works: without the bound, the slow hashes overlap."""
    assert _hash_concurrently(SlowHasher()) > 1


def test_one_slot_runs_one_hash_at_a_time(hashing: Callable[..., None]) -> None:
    hashing(concurrency=1)
    assert _hash_concurrently(BoundedSlowHasher()) == 1


def test_two_slots_run_at_most_two(hashing: Callable[..., None]) -> None:
    hashing(concurrency=2)
    assert _hash_concurrently(BoundedSlowHasher(), threads=8) == 2


def test_a_hash_inside_a_hash_reuses_the_slot(hashing: Callable[..., None]) -> None:
    """MD5's verify calls encode: with one slot it must not wait for itself."""
    hashing(concurrency=1, wait=0.05)
    hasher = BoundedMD5PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert hasher.verify(PASSWORD, encoded)
    assert check_password(PASSWORD, make_password(PASSWORD))
    assert hash_slots(1).acquire(timeout=0)  # every slot was given back
    hash_slots(1).release()


def test_api_sign_in_is_busy_when_no_slot_frees(api: Any, alice: User, all_slots_taken: None) -> None:
    response = api.post("/tokens", json={"handle": "alice", "password": PASSWORD})
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "1"
    body = response.json()
    assert body["status"] == 503
    assert body["code"] == "busy"


def test_api_sign_in_answers_again_once_a_slot_frees(
    api: Any, make_member: Callable[..., User], hashing: Callable[..., None]
) -> None:
    make_member("alice")
    hashing(concurrency=1, wait=0.05)
    slots = hash_slots(1)
    assert slots.acquire(timeout=5)
    try:
        busy = api.post("/tokens", json={"handle": "alice", "password": PASSWORD})
        assert busy.status_code == 503
    finally:
        slots.release()
    assert api.post("/tokens", json={"handle": "alice", "password": PASSWORD}).status_code == 201


def test_api_sign_up_is_busy_too(api: Any, all_slots_taken: None) -> None:
    response = api.post("/accounts", json={"handle": "newcomer", "password": PASSWORD})
    assert response.status_code == 503
    assert response.json()["code"] == "busy"
    assert not User.objects.filter(handle="newcomer").exists()


def test_busy_is_not_counted_as_a_wrong_password(
    api: Any, make_member: Callable[..., User], hashing: Callable[..., None], settings: Any
) -> None:
    make_member("alice")
    settings.HONGSHU = settings.HONGSHU.model_copy(
        update={
            "rate_limits_enabled": True,
            "rate_limits": {**settings.HONGSHU.rate_limits, "sign_in_failure.account_ip": "1 per 1 minute"},
        }
    )
    hashing(concurrency=1, wait=0.05)
    slots = hash_slots(1)
    assert slots.acquire(timeout=5)
    try:
        for _ in range(2):
            assert api.post("/tokens", json={"handle": "alice", "password": PASSWORD}).status_code == 503
    finally:
        slots.release()
    assert api.post("/tokens", json={"handle": "alice", "password": PASSWORD}).status_code == 201


def test_web_sign_in_is_busy_and_keeps_the_handle(alice: User, all_slots_taken: None) -> None:
    response = Client().post("/signin/", {"handle": "alice", "password": PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    page = response.content.decode()
    assert 'value="alice"' in page
    assert "The server is busy" in page


def test_web_sign_up_is_busy_and_keeps_what_was_typed(db: None, all_slots_taken: None) -> None:
    response = Client().post(
        "/signup/", {"handle": "newcomer", "password": PASSWORD, "display_name": "New Comer"}
    )
    assert response.status_code == 503
    assert 'value="newcomer"' in response.content.decode()
    assert not User.objects.filter(handle="newcomer").exists()
