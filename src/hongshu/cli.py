"""The `hongshu` command."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongshu.config.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and args[0] == "manage":
        args = args[1:]
    execute_from_command_line(["hongshu", *args])
