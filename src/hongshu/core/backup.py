"""Backups of an instance: the database with the engine's own tools and the media files, in one tar archive.

    backup.tar
      manifest.json        format, Hongshu version, engine, applied migrations, per table its row count and
                           a SHA-256 of its rows, per media file its size and SHA-256
      database.sqlite3     SQLite: a copy made by SQLite's online backup API (consistent while others write)
      database.pgdump      PostgreSQL: `pg_dump -Fc` of the same snapshot the manifest's hashes were read in
      media/<key>          every file under the media root (filesystem storage only)

A restore reads the manifest first and refuses, before writing anything: another engine, a backup with
migrations this code does not know (made by a newer version), and a target that is not empty (a member, or
files in the media root) unless forced; a freshly migrated instance is empty. After writing, it reads the
restored tables and files back and compares them with the manifest, so a restore that "worked" but lost rows
fails loudly. The table hashes read every row in primary key order through the engine's own cursor: two
databases of the same engine with the same hashes hold the same rows.

This module imports no app (it lives in core): tables come from the database's catalogue, not from models.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from hongshu.core.progress import Progress, ProgressReporter, progress_silent

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_PREFIX = "media/"
FETCH = 2000
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, for the operator."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    media_files: int
    pending_migrations: list[str] = field(default_factory=list)


def _hongshu_version() -> str:
    try:
        return version("hongshu")
    except PackageNotFoundError:  # pragma: no cover - always installed (editable or wheel)
        return "unknown"


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


# ---- table inventory: row counts and content hashes, read through a DB-API cursor ------------------------


def _plain(value: Any) -> Any:
    """A value as JSON can write it, the same for the same stored value on the same engine."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _sqlite_tables(cursor: Any) -> list[tuple[str, list[str]]]:
    """SQLite tables (the FTS5 index and its shadow tables included) with their primary key columns."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name"
    )
    tables = []
    for (name,) in cursor.fetchall():
        cursor.execute(f'PRAGMA table_info("{name}")')
        columns = sorted((row[5], row[1]) for row in cursor.fetchall() if row[5])
        tables.append((name, [column for _, column in columns]))
    return tables


def _pg_tables(cursor: Any) -> list[tuple[str, list[str]]]:
    cursor.execute(
        """
        SELECT c.relname, coalesce(
            (SELECT array_agg(a.attname ORDER BY array_position(i.indkey::int2[], a.attnum))
             FROM pg_index i JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
             WHERE i.indrelid = c.oid AND i.indisprimary), ARRAY[]::name[])
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
        ORDER BY c.relname
        """
    )
    return [(name, list(pk)) for name, pk in cursor.fetchall()]


def _table_hash(
    cursor: Any, rows_cursor: Any, table: str, order: Sequence[str], progress: Progress
) -> dict[str, Any]:
    # Without a primary key, every column orders the rows: the hash is then of the table's multiset of rows.
    if order:
        order_sql = ", ".join(f'"{c}"' for c in order)
    else:
        cursor.execute(f'SELECT * FROM "{table}" LIMIT 0')  # noqa: S608 - a name from the catalogue
        order_sql = ", ".join(str(i + 1) for i in range(len(cursor.description)))
    rows_cursor.execute(f'SELECT * FROM "{table}" ORDER BY {order_sql}')  # noqa: S608 - catalogue names
    digest, rows = hashlib.sha256(), 0
    while batch := rows_cursor.fetchmany(FETCH):
        for row in batch:
            digest.update(json.dumps([_plain(v) for v in row], ensure_ascii=False, default=str).encode())
            digest.update(b"\n")
        rows += len(batch)
        progress.advance(len(batch))
    return {"rows": rows, "sha256": digest.hexdigest()}


def _inventory(
    cursor: Any,
    vendor: str,
    *,
    label: str,
    progress: ProgressReporter,
    rows_cursor: Callable[[], Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per table its rows and hash. `rows_cursor` opens the cursor the rows are read through (PostgreSQL:
    a server-side cursor, so a large table is not held in memory)."""
    tables = _sqlite_tables(cursor) if vendor == "sqlite" else _pg_tables(cursor)
    counts = {}
    for name, _ in tables:
        cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - a name from the catalogue
        counts[name] = cursor.fetchone()[0]
    out = {}
    with progress(label, total=sum(counts.values()), unit="rows") as bar:
        for name, order in tables:
            reader = rows_cursor() if rows_cursor else cursor
            try:
                out[name] = _table_hash(cursor, reader, name, order, bar)
            finally:
                if rows_cursor:
                    reader.close()
    return out


def _pg_named_cursor(using: str) -> Callable[[], Any]:
    raw = connections[using].connection
    assert raw is not None
    return lambda: raw.cursor(name="hongshu_inventory")


def _applied_migrations(cursor: Any) -> list[list[str]]:
    try:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    except Exception:  # noqa: BLE001 - no table yet: nothing applied (a brand-new database)
        return []
    return [[app, name] for app, name in cursor.fetchall()]


@contextlib.contextmanager
def _sqlite_file(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path)
    try:
        yield db
    finally:
        db.close()


def database_inventory(
    *, using: str = "default", progress: ProgressReporter = progress_silent
) -> dict[str, dict[str, Any]]:
    """Row count and content hash of every table of the database `using`, as a backup's manifest has them."""
    vendor = _vendor(using)
    if vendor == "sqlite":
        with _sqlite_file(Path(connections[using].settings_dict["NAME"])) as db:
            return _inventory(db.cursor(), vendor, label="reading tables", progress=progress)
    connection = connections[using]
    with connection.cursor() as cursor:
        # Server-side cursors live in a transaction; a read-only one also sees one snapshot of every table.
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=using):
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _inventory(
                cursor,
                vendor,
                label="reading tables",
                progress=progress,
                rows_cursor=_pg_named_cursor(using),
            )


# ---- media files ---------------------------------------------------------------------------------------


def _media_root() -> Path | None:
    """The media root when media is on the filesystem; None on object storage (S3), which is not archived."""
    if not isinstance(default_storage, FileSystemStorage):
        return None
    return Path(default_storage.location)


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_inventory(*, root: Path, progress: ProgressReporter = progress_silent) -> dict[str, dict[str, Any]]:
    files = _media_files(root)
    out = {}
    with progress("reading media", total=len(files), unit="files") as bar:
        for path in files:
            out[path.relative_to(root).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": _file_sha256(path),
            }
            bar.advance()
    return out


# ---- PostgreSQL tools ----------------------------------------------------------------------------------


def _pg_command(tool: str, using: str) -> tuple[list[str], dict[str, str]]:
    """`pg_dump`/`pg_restore` with the connection of `using`; the password goes by environment."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} was not found: install PostgreSQL's client tools (Debian: postgresql-client)"
        )
    db = connections[using].settings_dict
    args = [executable, "--dbname", db["NAME"], "--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tool
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.returncode}")


# ---- backup --------------------------------------------------------------------------------------------


def _add_file(archive: tarfile.TarFile, source: Path, name: str) -> None:
    info = archive.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with source.open("rb") as handle:
        archive.addfile(info, handle)


def _add_bytes(archive: tarfile.TarFile, data: bytes, name: str) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def backup_create(
    *, path: Path, using: str = "default", progress: ProgressReporter = progress_silent
) -> dict[str, Any]:
    """Write the database and the media files of this instance to the tar archive `path` (0600: it holds
    every member's data). Returns the manifest. The database part is one consistent snapshot; media files
    written while it runs may or may not be in it (a photo whose row is not in the snapshot is harmless)."""
    vendor = _vendor(using)
    root = _media_root()
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "hongshu": _hongshu_version(),
        "engine": vendor,
        "created_at": timezone.now().isoformat(),
        "media_storage": "filesystem" if root is not None else "object storage (not archived)",
    }
    with tempfile.TemporaryDirectory(prefix="hongshu-backup-") as work_dir:
        work = Path(work_dir)
        if vendor == "sqlite":
            db_file = work / SQLITE_FILE
            source = Path(connections[using].settings_dict["NAME"])
            with _sqlite_file(source) as live, _sqlite_file(db_file) as copy:
                live.backup(copy)
            with _sqlite_file(db_file) as copy:
                cursor = copy.cursor()
                manifest["migrations"] = _applied_migrations(cursor)
                manifest["tables"] = _inventory(cursor, vendor, label="backup: tables", progress=progress)
        else:
            db_file = work / PG_FILE
            manifest.update(_pg_dump_with_inventory(using, db_file, progress))
        manifest["media"] = media_inventory(root=root) if root else {}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(fd, "wb") as out,
            tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            _add_bytes(tar, json.dumps(manifest, indent=1, ensure_ascii=False).encode(), MANIFEST)
            _add_file(tar, db_file, db_file.name)
            media = manifest["media"]
            with progress("backup: media", total=len(media), unit="files") as bar:
                for key in media:
                    assert root is not None
                    _add_file(tar, root / key, MEDIA_PREFIX + key)
                    bar.advance()
    return manifest


def _pg_dump_with_inventory(using: str, db_file: Path, progress: ProgressReporter) -> dict[str, Any]:
    """pg_dump and the manifest's hashes read the same snapshot: a repeatable-read transaction exports it
    and pg_dump attaches to it (`--snapshot`), so rows written meanwhile are in neither."""
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    with connection.cursor() as cursor:
        was_autocommit = connection.get_autocommit()
        connection.set_autocommit(False)
        try:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            args, env = _pg_command("pg_dump", using)
            _run([*args, "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}",
                  "--file", str(db_file)], env)  # fmt: skip
            migrations = _applied_migrations(cursor)
            tables = _inventory(
                cursor,
                "postgresql",
                label="backup: tables",
                progress=progress,
                rows_cursor=_pg_named_cursor(using),
            )
        finally:
            connection.rollback()
            connection.set_autocommit(was_autocommit)
    return {"migrations": migrations, "tables": tables}


# ---- restore -------------------------------------------------------------------------------------------


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("this archive has no manifest.json: it is not a Hongshu backup")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (this version reads {FORMAT})")
    return manifest


def _migration_check(manifest: dict[str, Any]) -> list[str]:
    """Refuse a backup with migrations this code does not have; return the ones to apply after restoring."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {(app, name) for app, name in manifest["migrations"]}
    unknown = sorted(applied - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"the backup was made by Hongshu {manifest.get('hongshu')} with migrations this version does not "
            f"have ({names}{'…' if len(unknown) > 5 else ''}): restore it with that version or a newer one"
        )
    return [f"{app}.{name}" for app, name in sorted(known - applied)]


def _target_contents(using: str, root: Path | None) -> list[str]:
    """What makes the target non-empty: members (every note, comment and board belongs to one; `migrate`
    alone writes none) and files in the media root."""
    users = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    found = []
    if _vendor(using) == "sqlite":
        with _sqlite_file(Path(connections[using].settings_dict["NAME"])) as db:
            lite = db.cursor()
            if users in {name for name, _ in _sqlite_tables(lite)} and _has_rows(lite, users):
                found.append(f"members in {users}")
    else:
        with connections[using].cursor() as cursor:
            if users in {name for name, _ in _pg_tables(cursor)} and _has_rows(cursor, users):
                found.append(f"members in {users}")
    if root is not None and _media_files(root):
        found.append(f"media files in {root}")
    return found


def _has_rows(cursor: Any, table: str) -> bool:
    cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608 - a name from the catalogue
    return cursor.fetchone() is not None


def _extract(archive: tarfile.TarFile, name: str, target: Path) -> None:
    source: IO[bytes] | None = archive.extractfile(name)
    if source is None:
        raise BackupError(f"the archive has no {name}")
    with source, target.open("wb") as out:
        shutil.copyfileobj(source, out, CHUNK)


def _restore_sqlite(archive: tarfile.TarFile, using: str, work: Path) -> None:
    copy = work / SQLITE_FILE
    _extract(archive, SQLITE_FILE, copy)
    connections[using].close()
    target = Path(connections[using].settings_dict["NAME"])
    # The backup API writes the copy's pages into the target through SQLite (WAL and locks respected),
    # replacing everything it held.
    with _sqlite_file(copy) as source, _sqlite_file(target) as live:
        source.backup(live)


def _restore_pg(archive: tarfile.TarFile, using: str, work: Path) -> None:
    dump = work / PG_FILE
    _extract(archive, PG_FILE, dump)
    connection = connections[using]
    # A fresh schema: tables a newer migration made, which the dump does not drop, would otherwise stay.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    args, env = _pg_command("pg_restore", using)
    _run([*args, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", str(dump)], env)


def _restore_media(
    archive: tarfile.TarFile, manifest: dict[str, Any], root: Path, progress: ProgressReporter
) -> int:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, mode=0o700)
    media: dict[str, dict[str, Any]] = manifest["media"]
    resolved_root = root.resolve()
    with progress("restore: media", total=len(media), unit="files") as bar:
        for key, expected in media.items():
            target = (root / key).resolve()
            if not target.is_relative_to(resolved_root):
                raise BackupError(f"refusing a media path outside the media root: {key!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            _extract(archive, MEDIA_PREFIX + key, target)
            if _file_sha256(target) != expected["sha256"]:
                raise BackupError(f"media file {key} does not match its hash in the manifest")
            bar.advance()
    return len(media)


def backup_restore(
    *, path: Path, using: str = "default", force: bool = False, progress: ProgressReporter = progress_silent
) -> RestoreResult:
    """Restore the archive `path` into this instance's database and media root, then check every table and
    file against the manifest. Refuses (BackupError, nothing written) another engine, migrations this code
    does not know, and a non-empty target unless `force` (which replaces the database and the media root)."""
    vendor = _vendor(using)
    root = _media_root()
    if not path.is_file():
        raise BackupError(f"there is no file {path}")
    if not tarfile.is_tarfile(path):
        raise BackupError(f"{path} is not a tar archive: it is not a Hongshu backup")
    with tarfile.open(path, mode="r") as archive, tempfile.TemporaryDirectory(prefix="hongshu-restore-") as w:
        manifest = _read_manifest(archive)
        if manifest["engine"] != vendor:
            raise BackupError(
                f"the backup is of a {manifest['engine']} database and this instance runs {vendor}: restore "
                "it into an instance of the same engine"
            )
        pending = _migration_check(manifest)
        occupied = _target_contents(using, root)
        if occupied and not force:
            shown = ", ".join(occupied[:8]) + ("…" if len(occupied) > 8 else "")
            raise BackupError(
                f"the target is not empty ({shown}): restore into a new instance, or pass --force to replace it"
            )
        if manifest["media"] and root is None:
            raise BackupError("the backup has media files but this instance stores media on object storage")
        if vendor == "sqlite":
            _restore_sqlite(archive, using, Path(w))
        else:
            _restore_pg(archive, using, Path(w))
        files = _restore_media(archive, manifest, root, progress) if root is not None else 0
    restored = database_inventory(using=using, progress=progress)
    differ = sorted(
        name
        for name in set(restored) | set(manifest["tables"])
        if restored.get(name) != manifest["tables"].get(name)
    )
    if differ:
        raise BackupError(f"restored tables differ from the manifest: {', '.join(differ)}")
    rows = sum(t["rows"] for t in restored.values())
    return RestoreResult(tables=len(restored), rows=rows, media_files=files, pending_migrations=pending)
