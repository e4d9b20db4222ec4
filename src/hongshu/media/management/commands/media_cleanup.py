"""Periodic media housekeeping (run from cron or a timer): delete orphans, resume stalled processing."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hongshu.media.services import media_delete_orphans, media_resume_pending


class Command(BaseCommand):
    help = "Delete uploads never used on a note or as an avatar, and re-queue stalled image processing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--orphan-hours", type=float, default=24.0, help="Age of unused uploads to delete."
        )
        parser.add_argument(
            "--stale-minutes", type=float, default=15.0, help="Age of pending uploads to retry."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Orphans first, so that abandoned uploads are not processed only to be deleted.
        deleted = media_delete_orphans(older_than=timedelta(hours=options["orphan_hours"]))
        resumed = media_resume_pending(older_than=timedelta(minutes=options["stale_minutes"]))
        self.stdout.write(f"Deleted {deleted} unused uploads; re-queued {resumed} pending uploads.")
