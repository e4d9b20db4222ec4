"""The Django project: settings, URLs, WSGI, gunicorn and the Celery app.

The Celery app is imported here (Django's documented pattern) so that every process that loads the settings
has it, and `@shared_task` functions register with it; core, below every app, no longer imports upwards to
do this."""

from hongshu.config.celery import app as celery_app

__all__ = ["celery_app"]
