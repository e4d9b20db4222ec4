"""Django's SQLite backend whose database files are readable by their owner only (0600).

SQLite creates a new database with the process umask (usually 0644: anyone on the host could read every
member's email and password hash) and gives its -wal, -shm and -journal files the database's own mode.
So the empty file is created 0600 before SQLite opens it, and the companions inherit that. Changing the
umask instead would be process-wide and race with other threads writing files (media processing), and a
chmod after SQLite created the file would leave a moment when it is readable. A file left too open by an
older version is tightened, with its companions, on the first connection of each process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from typing import Any

from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)

PRIVATE = stat.S_IRUSR | stat.S_IWUSR  # 0600
_COMPANIONS = ("-wal", "-shm", "-journal")
_checked: set[str] = set()


def sqlite_files_make_private(*, path: str) -> None:
    """Create the database file `path` 0600 if it is missing; remove group and other access from it and its
    companion files if they have any. A file this account does not own is left alone, with a warning."""
    # A missing folder is left for SQLite to report, in its own words.
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    if path in _checked:
        return
    for name in (path, *(path + suffix for suffix in _COMPANIONS)):
        with contextlib.suppress(FileNotFoundError):
            mode = stat.S_IMODE(os.stat(name).st_mode)
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                try:
                    os.chmod(name, mode & stat.S_IRWXU)
                except PermissionError:
                    logger.warning("%s is readable by others and not ours to change (mode %o)", name, mode)
    _checked.add(path)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params["database"])
        # In-memory databases and `file:` URIs (Django's shared-memory test database) have no file to guard.
        if not (self.is_in_memory_db() or name.startswith("file:")):
            sqlite_files_make_private(path=name)
        return super().get_new_connection(conn_params)
