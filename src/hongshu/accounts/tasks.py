"""Celery entry points of the accounts app."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from hongshu.accounts.mail import mail_deliver
from hongshu.core.jobs import effect_done, effect_record


@shared_task(name="accounts.send_member_mail", ignore_result=True, autoretry_for=(OSError,), max_retries=3)
def send_member_mail_task(kind: str, address: str, language: str, context: dict[str, Any]) -> None:
    """Render and send one mail to a member (hongshu.accounts.mail); SMTP hiccups are retried. Each mail has
    an id (`mail_id`, given when it was queued): a second delivery of the job does not send it again."""
    key = f"mail:{context['mail_id']}" if context.get("mail_id") else ""
    if key and effect_done(key):
        return
    mail_deliver(kind=kind, address=address, language=language, context=context)
    if key:
        effect_record(key)
