"""The Celery app. Workers: `hongshu worker` (needs REDIS_URL)."""

import os

from celery import Celery
from celery.signals import before_task_publish

from hongshu.core.jobs import stamp_enqueued_at
from hongshu.core.periodic import PERIODIC_JOBS, beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
# Every task's base: retries of transient errors with backoff and jitter, late acknowledgement, dead letters.
app = Celery("hongshu", task_cls="hongshu.core.jobs:HongshuTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs, run by a beat process (`hongshu worker --beat` on exactly one worker, or `celery beat`). The
# table is core.periodic's, which the in-process scheduler of the embedded default runs too: one list, no drift.
app.conf.beat_schedule = beat_schedule(PERIODIC_JOBS)

# Each message carries when it was queued (the age of a queue's oldest job, core.jobqueue.jobs_queue_stats) and
# the id of the request that sent it (core.requestid).
before_task_publish.connect(stamp_enqueued_at, weak=False)
