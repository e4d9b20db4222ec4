"""Server time of the moderation queues with 100,000 open cases (issue 25: "the queue page and claim with
100,000 open cases stay under 50 ms server time").

It migrates the database named by DATABASE_URL (PostgreSQL; the script refuses SQLite), seeds `--cases` open
cases (bulk_create: 45 % Chinese, 40 % English, 15 % other languages, severities 1–4, report weights 0–6,
opened over the last 7 days, ranked with `moderation.leases.rank_columns`) unless that many are already
there, then VACUUM ANALYZE. Then, in one process through Django's test client (the whole middleware stack, no
network), it times `--repeat` requests of each: the web queue overview `/staff/queues`, the web queue page
`/staff/queues/en` (25 cases), the API page `/api/v1/staff/queues/en/cases`, the shared queue page (with the
dictionary gloss of each case, cached after the first request), two baselines (`/staff/me`, the older
`/staff/cases` list) and `POST /api/v1/staff/queues/en/claim-next`
(each request claims another case). It prints the queries of one request, the median and p95 wall time and the median CPU time of
this process (the machine is shared: CPU time is the steadier figure; PostgreSQL's own time is only in the
wall figure).

Run:
  psql -h 127.0.0.1 -U postgres -c 'create database hs_queues_bench'
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hs_queues_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
    .venv/bin/python bench/moderation_queue.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from hongshu.accounts import roles  # noqa: E402
from hongshu.accounts.models import User  # noqa: E402
from hongshu.accounts.services import account_create, token_issue  # noqa: E402
from hongshu.moderation.leases import rank_columns  # noqa: E402
from hongshu.moderation.models import Case  # noqa: E402

LANGUAGES = [("zh-Hans", 40), ("zh-Hant", 5), ("en", 40), ("ja", 5), ("es", 5), ("und", 5)]
SUBJECT_BASE = 7_000_000_000
PASSWORD = "bench-queue-pass-25"  # noqa: S105 - a throwaway database


def seed(count: int) -> None:
    active = Case.objects.filter(state__in=Case.ACTIVE_STATES)
    if active.count() >= count:
        return
    Case.objects.all().delete()
    rng = random.Random(25)
    now = timezone.now()
    codes = [code for code, weight in LANGUAGES for _ in range(weight)]
    batch: list[Case] = []
    for n in range(count):
        severity = rng.choice((1, 2, 2, 2, 3, 3, 4))
        weight = round(rng.choice((0.0, 0.0, 1.0, 1.0, 2.0, 3.4, 6.0)), 2)
        created = now - timedelta(seconds=rng.uniform(0, 7 * 24 * 3600))
        reach = rng.choice((0, 0, 3, 20, 150, 4000))
        base, aging_key, priority = rank_columns(
            severity=severity, report_weight=weight, reach=reach, created_at=created, now=now
        )
        batch.append(
            Case(
                subject_type="note",
                subject_id=SUBJECT_BASE + n,
                language=rng.choice(codes),
                source=rng.choice(("screening", "report", "report")),
                rule_code="spam",
                rule_version=1,
                severity=severity,
                report_weight=weight,
                report_count=int(weight),
                created_at=created,
                updated_at=created,
                reach=reach,
                base_priority=base,
                aging_key=aging_key,
                priority=priority,
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)


def crew() -> tuple[User, User, str]:
    """(a Chinese and English reading moderator on duty, a root admin, the moderator's API token)."""
    root = User.objects.filter(handle="benchroot").first() or account_create(
        handle="benchroot", password=PASSWORD
    )
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    root = User.objects.get(pk=root.pk)
    mod = User.objects.filter(handle="benchmod").first() or account_create(
        handle="benchmod", password=PASSWORD
    )
    mod = roles.role_grant(actor=root, member=mod, role="moderator")
    roles.staff_profile_update(staff=mod, languages=["zh", "en"], on_duty=True)
    _token, secret = token_issue(user=mod)
    return User.objects.get(pk=mod.pk), root, secret


def timed(label: str, repeat: int, call: Callable[[], int]) -> tuple[str, int, float, float, float]:
    """(label, queries of one request, median wall ms, p95 wall ms, median CPU ms of this process)."""
    status = call()  # warm-up
    assert status in {200, 204}, (label, status)
    with CaptureQueriesContext(connection) as queries:
        call()
    count = len(queries.captured_queries)  # now: the next request's start empties the log
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        status = call()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert status in {200, 204}, (label, status)
    walls.sort()
    p95 = walls[max(int(len(walls) * 0.95) - 1, 0)]
    return label, count, statistics.median(walls), p95, statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database this run may fill")
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no query log kept outside the one counted request
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed(args.cases)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE moderation_case")
    print(f"seeded/checked {args.cases} cases in {time.perf_counter() - started:.1f} s")
    Case.objects.filter(state=Case.State.CLAIMED).update(
        state=Case.State.OPEN, claimed_by=None, claimed_at=None, lease_until=None
    )
    by_queue = dict(
        Case.objects.filter(state__in=Case.ACTIVE_STATES).values_list("queue").annotate(n=Count("id"))
    )
    print("active cases by queue:", by_queue)
    mod, root, secret = crew()
    page = Client()
    page.force_login(mod)
    admin_page = Client()
    admin_page.force_login(root)
    bearer = {"Authorization": f"Bearer {secret}"}
    api = Client()
    results = [
        timed(
            "baseline: web /staff/me (a small staff page)",
            args.repeat,
            lambda: page.get("/staff/me").status_code,
        ),
        timed(
            "baseline: web /staff/cases (the older list)",
            args.repeat,
            lambda: page.get("/staff/cases").status_code,
        ),
        timed("web /staff/queues (overview)", args.repeat, lambda: page.get("/staff/queues").status_code),
        timed(
            "web /staff/queues/en (25 cases)", args.repeat, lambda: page.get("/staff/queues/en").status_code
        ),
        timed(
            "API GET /staff/queues/en/cases (50 cases)",
            args.repeat,
            lambda: api.get("/api/v1/staff/queues/en/cases", headers=bearer).status_code,
        ),
        timed(
            "web /staff/queues/shared (25 cases + gloss)",
            args.repeat,
            lambda: admin_page.get("/staff/queues/shared").status_code,
        ),
        timed(
            "API POST /staff/queues/en/claim-next",
            args.repeat,
            lambda: api.post("/api/v1/staff/queues/en/claim-next", headers=bearer).status_code,
        ),
    ]
    claimed = Case.objects.filter(state=Case.State.CLAIMED, claimed_by=mod).count()
    print(f"\n{args.repeat} requests each after one warm-up; {claimed} cases claimed by claim-next")
    print("| request | queries | median ms | p95 ms | median CPU ms |")
    print("|---|---|---|---|---|")
    for label, queries, median, p95, cpu in results:
        print(f"| {label} | {queries} | {median:.1f} | {p95:.1f} | {cpu:.1f} |")
    Case.objects.filter(state=Case.State.CLAIMED).update(
        state=Case.State.OPEN, claimed_by=None, claimed_at=None, lease_until=None
    )


if __name__ == "__main__":
    main()
