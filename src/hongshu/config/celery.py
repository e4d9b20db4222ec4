"""The Celery app. Workers: `hongshu worker` (needs REDIS_URL)."""

import os

from celery import Celery

from hongshu.core.periodic import PERIODIC_JOBS, beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
app = Celery("hongshu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs, run by a beat process (`hongshu worker --beat` on exactly one worker, or `celery beat`). The
# table is core.periodic's, which the in-process scheduler of the embedded default runs too: one list, no drift.
app.conf.beat_schedule = beat_schedule(PERIODIC_JOBS)
