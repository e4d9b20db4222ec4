"""The Prometheus metrics the app updates as it runs (docs/operations.md#metrics).

Served at /metrics by hongshu.ops, which adds the ones computed when scraped (job queues, moderation backlog).
Under gunicorn every worker writes its values to files in PROMETHEUS_MULTIPROC_DIR (`hongshu serve` sets it
before the workers start, before prometheus_client is imported) and a scrape adds them up, so any worker
answers for all of them.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, disable_created_metrics

# No `_created` series beside every counter: rate() does not need them.
disable_created_metrics()  # type: ignore[no-untyped-call]

REQUEST_SECONDS = Histogram(
    "hongshu_http_request_duration_seconds",
    "Time to answer a request, by route (the URL pattern) and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0),
)
RESPONSES = Counter(
    "hongshu_http_responses",
    "Responses by route, method and status code.",
    ["route", "method", "status"],
)
REQUEST_QUERIES = Histogram(
    "hongshu_http_request_db_queries",
    "Database queries run while answering one request, by route.",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 12, 20, 30, 50, 100),
)
SIGNUPS = Counter("hongshu_signups", "Accounts created (rate() of it: sign-ups per second).")
JOBS_ENQUEUED = Counter("hongshu_jobs_enqueued", "Background jobs handed to their runner, by mode.", ["mode"])
