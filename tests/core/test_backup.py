"""`hongshu backup` / `hongshu restore`: a populated instance backed up, restored into an empty instance (a
separate process with its own database and media root) and compared table by table and file by file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from hongshu.core.backup import PG_FILE, SQLITE_FILE, BackupError, backup_create, backup_restore
from instance_data import populate

HONGSHU = str(Path(sys.executable).parent / "hongshu")


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "source-media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def _pg_admin(sql: str) -> None:
    db = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        dbname="postgres", host=db["HOST"] or "", port=db["PORT"] or "", user=db["USER"] or "",
        password=db["PASSWORD"] or "",
    )  # fmt: skip
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of an empty instance: its own var folder (SQLite file, media root) and, on
    PostgreSQL, its own new database beside the test database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["HONGSHU_VAR_DIR"] = str(tmp_path / "target")
    env.pop("HONGSHU_MEDIA_ROOT", None)
    name = None
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        name = f"{db['NAME']}_restore"
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(f'CREATE DATABASE "{name}"')
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        env["DATABASE_URL"] = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    yield env
    if name is not None:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hongshu(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HONGSHU, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def manifest_of(path: Path) -> dict[str, Any]:
    with tarfile.open(path) as archive:
        member = archive.extractfile("manifest.json")
        assert member is not None
        manifest: dict[str, Any] = json.loads(member.read())
    return manifest


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_instance_has_the_same_rows_and_files(
    tmp_path: Path, media_root: Path, target: dict[str, str]
) -> None:
    populate()
    archive = tmp_path / "backup.tar"
    manifest = backup_create(path=archive)

    assert manifest["engine"] == connection.vendor
    tables = manifest["tables"]
    assert tables["accounts_user"]["rows"] == 3
    assert tables["notes_note"]["rows"] == 6
    assert tables["notes_noteimage"]["rows"] == 6
    assert tables["comments_comment"]["rows"] == 3
    assert tables["social_follow"]["rows"] == 2
    assert tables["social_board"]["rows"] >= 1
    on_disk = sorted(p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file())
    assert len(on_disk) >= 6  # every photo's display variants
    assert sorted(manifest["media"]) == on_disk
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert (SQLITE_FILE if connection.vendor == "sqlite" else PG_FILE) in names

    restored = hongshu(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "checked" in restored.stdout
    # Not a terminal here: plain progress lines, not a redrawn bar.
    assert "restore: media:" in restored.stderr
    assert "\r" not in restored.stderr

    again = tmp_path / "again.tar"
    second = hongshu(target, "backup", str(again))
    assert second.returncode == 0, second.stderr
    copy = manifest_of(again)
    assert copy["tables"] == manifest["tables"]  # every table: same row count, same content hash
    assert copy["media"] == manifest["media"]  # every file: same size, same SHA-256
    assert copy["migrations"] == manifest["migrations"]

    # The restored instance is no longer empty: a second restore is refused unless forced.
    refused = hongshu(target, "restore", str(archive))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    assert "--force" in refused.stderr
    forced = hongshu(target, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr


@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_another_engine_and_unknown_migrations(tmp_path: Path, media_root: Path) -> None:
    archive = tmp_path / "backup.tar"
    manifest = backup_create(path=archive)

    def rewritten(**changes: Any) -> Path:
        out = tmp_path / "changed.tar"
        with tarfile.open(archive) as source, tarfile.open(out, "w") as dest:
            for member in source.getmembers():
                data = source.extractfile(member)
                if member.name == "manifest.json":
                    body = json.dumps({**manifest, **changes}).encode()
                    member.size = len(body)
                    dest.addfile(member, __import__("io").BytesIO(body))
                else:
                    dest.addfile(member, data)
        return out

    with pytest.raises(BackupError, match="there is no file"):
        backup_restore(path=tmp_path / "missing.tar")
    (tmp_path / "junk.tar").write_bytes(b"not a tar")
    with pytest.raises(BackupError, match="not a tar archive"):
        backup_restore(path=tmp_path / "junk.tar")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    with pytest.raises(BackupError, match=f"backup is of a {other} database"):
        backup_restore(path=rewritten(engine=other))
    newer = [*manifest["migrations"], ["notes", "9999_from_the_future"]]
    with pytest.raises(BackupError, match=r"notes\.9999_from_the_future"):
        backup_restore(path=rewritten(migrations=newer))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_postgresql_part_is_a_custom_format_dump_pg_restore_reads(
    tmp_path: Path, media_root: Path
) -> None:
    populate()
    archive = tmp_path / "backup.tar"
    manifest = backup_create(path=archive)
    assert manifest["engine"] == "postgresql"
    with tarfile.open(archive) as tar:
        tar.extract(PG_FILE, tmp_path, filter="data")
    listing = subprocess.run(
        ["pg_restore", "--list", str(tmp_path / PG_FILE)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public accounts_user" in listing
    assert "TABLE DATA public notes_note" in listing
    # The search index tables are in it too, so a restore needs no rebuild.
    assert "TABLE DATA public search_note_pg" in listing
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_note_pg")
        indexed = cursor.fetchone()[0]
    # (The raw index table is not flushed between transactional tests: count it rather than assume.)
    assert indexed >= 6  # every published note of populate(), whatever its visibility
    assert manifest["tables"]["search_note_pg"]["rows"] == indexed
