"""`hongshu manage search_rebuild [--notes] [--members] [--batch N]`: a wrapper around `search_rebuild`."""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser

from hongshu.core.progress import progress_to
from hongshu.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (notes, topics and members) from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--notes", action="store_true", help="Notes and topics only (unless --members).")
        parser.add_argument("--members", action="store_true", help="Members only (unless --notes).")
        parser.add_argument("--batch", type=int, default=500, help="Rows per bulk insert.")
        parser.add_argument(
            "--progress-every",
            type=float,
            default=10.0,
            help="Seconds between progress lines off a terminal.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        both = not options["notes"] and not options["members"]
        result = search_rebuild(
            batch=max(1, options["batch"]),
            notes=both or options["notes"],
            members=both or options["members"],
            # A bar on a terminal, plain lines in a log (on standard error: the summary stays on stdout).
            # The wrapped stream itself: Django's wrapper would end each of tqdm's redraws with a newline.
            progress=progress_to(cast(TextIO, self.stderr._out), interval=options["progress_every"]),
        )
        rate = result.notes / result.seconds if result.seconds else 0.0
        self.stdout.write(
            f"indexed {result.notes} notes, {result.topics} topics, {result.members} members "
            f"in {result.seconds:.1f} s ({rate:.0f} notes/s)"
        )
