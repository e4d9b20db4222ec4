"""The Celery app. Workers: `hongshu worker` (needs REDIS_URL)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
app = Celery("hongshu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs, run by a beat process (`hongshu worker --beat` on exactly one worker, or `celery beat`).
app.conf.beat_schedule = {
    # Index queue entries whose drain never ran (broker down at commit) or whose worker died (lease expired).
    "drain-search-index": {"task": "search.index_pending", "schedule": 60.0},
    # Anonymous searches are counted in Redis (trends.services.search_record); the log gets them every minute.
    "flush-search-buffer": {"task": "trends.flush_search_buffer", "schedule": 60.0},
    "reconcile-drifted-counters": {"task": "social.reconcile_drifted_counters", "schedule": 300.0},
    # A no-op unless a translation provider is configured (the offline gloss is never pre-computed).
    "pretranslate-trending": {"task": "language.pretranslate_trending", "schedule": 600.0},
}
