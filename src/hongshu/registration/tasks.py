"""Celery entry points: thin, IDs in as strings (they round-trip through JSON)."""

from __future__ import annotations

from celery import shared_task

from hongshu.registration import services


@shared_task(name="registration.application_outcome_mail", acks_late=True, ignore_result=True)
def application_outcome_mail_task(application_id: str) -> None:
    services.application_outcome_mail(application_id=int(application_id))
