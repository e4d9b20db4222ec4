"""Recompute follower and following counters from the follow table (the periodic job's work, on demand)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hongshu.social.services import follow_counts_reconcile_all


class Command(BaseCommand):
    help = "Repair follower and following counters that drifted from the follow table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="Members compared per batch.")

    def handle(self, *args: Any, **options: Any) -> None:
        drifted = follow_counts_reconcile_all(batch_size=options["batch"])
        self.stdout.write(f"Reconciled {drifted} members whose follow counts had drifted.")
