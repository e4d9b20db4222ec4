"""/metrics: counted while serving (latency, status, queries by route; sign-ups), read when scraped (job
queues, moderation backlog), and refused to clients outside the allowed networks without the token."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hongshu.moderation.models import Case

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def scrape(**meta: str) -> str:
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", **meta)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.content.decode()


def value(text: str, name: str, **labels: str) -> float:
    """The sample `name{labels}` (labels in any order, others allowed), 0 when absent."""
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match[3])
    return 0.0


def test_requests_are_counted_by_route_status_and_queries(post_note: Any, make_member: Any) -> None:
    author = make_member("writer")
    note = post_note(author=author, title="Metrics", body="counted")
    route = "api/v1/notes/<note_id>"
    before = scrape()
    client = Client()
    for _ in range(3):
        assert client.get(f"/api/v1/notes/{note.pk}").status_code == 200
    assert client.get("/api/v1/notes/999999999").status_code == 404
    after = scrape()
    assert value(after, "hongshu_http_responses_total", route=route, method="GET", status="200") == (
        value(before, "hongshu_http_responses_total", route=route, method="GET", status="200") + 3
    )
    assert value(after, "hongshu_http_responses_total", route=route, status="404") >= 1
    count = value(after, "hongshu_http_request_duration_seconds_count", route=route, method="GET")
    assert count - value(before, "hongshu_http_request_duration_seconds_count", route=route) == 4
    # Reading a note runs queries: the histogram's sum grew by more than one per request.
    queries = value(after, "hongshu_http_request_db_queries_sum", route=route)
    assert queries - value(before, "hongshu_http_request_db_queries_sum", route=route) > 4
    # The metrics request itself is counted under its own name, never by its path.
    assert value(after, "hongshu_http_responses_total", route="metrics", status="200") >= 1


def test_sign_ups_are_counted_once_committed(api: Any, after_commit: Any) -> None:
    before = value(scrape(), "hongshu_signups_total")
    with after_commit():
        for handle in ("newcomer1", "newcomer2"):
            assert api.post("/accounts", json={"handle": handle, "password": PASSWORD}).status_code == 201
        assert api.post("/accounts", json={"handle": "newcomer1", "password": PASSWORD}).status_code == 409
        assert value(scrape(), "hongshu_signups_total") == before  # not before the commit
    assert value(scrape(), "hongshu_signups_total") == before + 2


def test_moderation_backlog_by_language_is_read_at_scrape_time() -> None:
    for subject_id, language, state in [
        (1, "zh", "open"),
        (2, "zh", "claimed"),
        (3, "en", "open"),
        (4, "en", "closed"),
    ]:
        Case.objects.create(
            subject_type="note", subject_id=subject_id, language=language, source="screening", state=state
        )
    text = scrape()
    assert value(text, "hongshu_moderation_backlog", language="zh", source="screening") == 2
    assert value(text, "hongshu_moderation_backlog", language="en", source="screening") == 1


# ---- who may read it -----------------------------------------------------------------------------------


def test_metrics_are_refused_from_a_foreign_network() -> None:
    response = Client().get("/metrics", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "metrics_forbidden"
    assert b"hongshu_" not in response.content


def test_a_public_request_relayed_by_a_local_proxy_is_not_local(settings: Any) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    relayed = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert relayed.status_code == 403
    # The proxy's own request (no client behind it) is local.
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


def test_the_token_opens_metrics_from_anywhere(settings: Any) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"metrics_token": "s3cret-scraper-token"})
    client = Client()
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token"
    )
    assert right.status_code == 200
    assert b"hongshu_http_responses_total" in right.content


def test_the_allowed_networks_are_a_setting(settings: Any) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"metrics_networks": ["192.0.2.0/24"]})
    assert Client().get("/metrics", REMOTE_ADDR="192.0.2.44").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


# ---- job queues (the database queue; Celery on Redis) -------------------------------------------------------


@pytest.mark.django_db
def test_database_queue_depth_and_oldest_age(settings: Any) -> None:
    """Jobs waiting in the core.Job table (no worker runs in this test): depth and age per queue."""
    from hongshu.core.jobqueue import job_enqueue
    from hongshu.core.models import Job

    settings.JOBS_MODE = "database"
    assert value(scrape(), "hongshu_job_queue_depth", queue="default") == 0
    job_enqueue(task="members.surge_check", args=[])
    job_enqueue(task="feeds.fanout_note", args=["1"])
    Job.objects.filter(task="members.surge_check").update(enqueued_at=timezone.now() - timedelta(seconds=90))
    text = scrape()
    assert value(text, "hongshu_job_queue_depth", queue="default") == 1
    assert value(text, "hongshu_job_queue_depth", queue="fanout") == 1
    assert value(text, "hongshu_job_queue_depth", queue="media") == 0
    assert 90 <= value(text, "hongshu_job_queue_oldest_age_seconds", queue="default") < 120


@pytest.mark.redis
def test_celery_queue_depth_and_oldest_age(settings: Any) -> None:
    """Jobs sent to Redis with no worker on their queues wait there: depth and age are read from the broker.
    Queues of this test's own prefix (HONGSHU_JOBS_QUEUE_PREFIX), so no other test's worker takes them."""
    import redis

    from hongshu.core.jobs import QUEUES, queue_name
    from hongshu.members.tasks import surge_check_task

    settings.JOBS_QUEUE_PREFIX = "ops-metrics-test-"
    settings.JOBS_MODE = "celery"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    names = [queue_name(queue) for queue in QUEUES]
    broker.delete(*names)
    try:
        empty = scrape()
        assert value(empty, "hongshu_job_queue_oldest_age_seconds", queue="default") == 0
        surge_check_task.apply_async()  # routed to its kind's queue: default
        time.sleep(1.1)
        surge_check_task.apply_async()
        text = scrape()
        assert value(text, "hongshu_job_queue_depth", queue="default") == 2
        assert value(text, "hongshu_job_queue_depth", queue="fanout") == 0
        assert 1.0 <= value(text, "hongshu_job_queue_oldest_age_seconds", queue="default") < 30
    finally:
        broker.delete(*names)
