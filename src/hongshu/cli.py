"""The `hongshu` command. Each verb is a thin wrapper around a tested service or a standard tool.

hongshu run [--host H] [--port P] [--workers N] [--demo-photos-max N]
                           migrate, load the demo content the first time, serve (embedded jobs);
                           refused in production (HONGSHU_ENVIRONMENT=production), as is `hongshu demo`
hongshu serve [--host H] [--port P] [--workers N] [--threads N]
                           serve with gunicorn (sync workers; gthread with --threads > 1)
hongshu demo [--photos-per-note-max N]
                           load the demo members and notes (once)
hongshu worker [celery options]
                           run a Celery worker (needs REDIS_URL); every queue unless given -Q
hongshu jobs failed [--limit N] | retry (ID ... | --all) | stats | work [--once]
                           dead letters (both backends), replay them, queue depth and oldest age per
                           queue, and a worker of the database queue (the embedded default)
hongshu createadmin [options]
                           create a staff account (Django's createsuperuser)
hongshu feeds rebuild (--member HANDLE | --all)
                           rebuild following-feed lists (caches) from notes and follows
hongshu audit verify       check every link of the moderation event log's hash chain; names the first broken
                           link and exits with status 1 when one is broken
hongshu bench seed --scale S [--seed N]
                           generate the benchmark dataset (1.0 = 100k members, 1M notes);
                           dev-only: needs the repository's bench/ folder (run from a checkout)
hongshu backup PATH        write the database and the media files to one tar archive (with a manifest)
hongshu restore PATH [--force]
                           restore a backup into this (empty) instance and check it against its manifest
hongshu export HANDLE PATH write a member's data export (the zip they get from their settings) to PATH
hongshu purge              remove deleted notes, comments and their files past the retention period
hongshu manage <command>   any Django management command; `hongshu migrate` etc. work too
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from hongshu.demo.services import DemoResult

SETTINGS = "hongshu.config.settings"
WSGI_APP = "hongshu.config.wsgi:application"
# src/hongshu/cli.py -> the checkout's bench/ folder (absent when installed from a wheel)
BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()
    # Inline jobs log every task at INFO; one line per demo photo would bury the start-up message.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)


def _refuse_demo_in_production() -> None:
    """Exit with the reason (status 1) before anything is written, when the demo is refused here."""
    from hongshu.demo.services import DemoRefusedError, demo_refuse_in_production

    try:
        demo_refuse_in_production()
    except DemoRefusedError as refused:
        sys.exit(f"hongshu: {refused}")


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    # Python work holds the GIL, so processes serve more than threads. Two per core: the app and its
    # PostgreSQL backends share the cores, and every worker more than that only adds switching: measured, 3-4
    # sync workers on 2 cores served the search mix faster than 6, 8 or 10
    # (docs/benchmarks.md#gunicorn-workers-and-worker-class).
    # Raise it when requests wait on remote services (a hosted translation provider); waiting on slow clients
    # is the proxy's job.
    parser.add_argument("--workers", type=int, default=min(12, 2 * (os.cpu_count() or 1)))
    parser.add_argument("--threads", type=int, default=1)


def _metrics_dir(env: dict[str, str], var_dir: Path) -> None:
    """prometheus_client's multiprocess mode: every worker writes its metrics to files in one folder, which
    /metrics adds up. The folder is emptied at start, so no dead worker of a previous run is counted."""
    folder = Path(env.get("PROMETHEUS_MULTIPROC_DIR") or var_dir / "prometheus")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def _exec_gunicorn(options: argparse.Namespace, env: dict[str, str]) -> NoReturn:
    """Replace this process by gunicorn, so signals (Ctrl+C, SIGTERM) reach the server directly."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.conf import settings  # read, not set up: the workers set Django up after the fork

    instance = settings.HONGSHU
    _metrics_dir(env, instance.var_dir)
    # Sync workers: an idle worker takes the next connection, so requests queue once, in arrival order, in
    # the listen backlog. A gthread worker accepts while its thread is busy and queues connections behind
    # its current request, unevenly across workers, which tripled the note read's tail latency
    # (docs/benchmarks.md#gunicorn-workers-and-worker-class). Sync workers do not keep connections alive, and
    # slow clients are the proxy's to absorb.
    worker_class = "sync" if options.threads == 1 else "gthread"
    command = [
        sys.executable, "-m", "gunicorn", WSGI_APP,
        "--bind", f"{options.host}:{options.port}",
        "--worker-class", worker_class, "--workers", str(options.workers), "--threads", str(options.threads),
        # No keep-alive under gthread either: it keeps every connection it accepted on that worker.
        "--keep-alive", "0",
        # The scheme a proxy forwards (X-Forwarded-Proto) is believed from the trusted proxies only; none
        # set, from nobody (gunicorn's default would believe 127.0.0.1).
        "--forwarded-allow-ips", ",".join(instance.trusted_proxies),
        # Import the app (and its dictionaries, see wsgi.py) once before forking: workers share the memory.
        "--preload",
        # The control socket has one default path per user, which two instances on a host would share.
        "--no-control-socket",
        # Server hooks: a worker runs the periodic jobs unless Celery beat does (core.periodic).
        "--config", "python:hongshu.config.gunicorn",
    ]  # fmt: skip
    if instance.log_format == "text":  # JSON logs have the app's own line per request (hongshu.ops)
        command += ["--access-logfile", "-"]
    sys.stdout.flush()
    os.execve(sys.executable, command, env)  # noqa: S606 - our own interpreter, fixed arguments


def run_banner(*, url: str, result: DemoResult) -> str:
    from hongshu.demo.content import MEMBERS

    names = {member.handle: member.display_name for member in MEMBERS}
    state = "loaded" if result.created else "already loaded"
    lines = [
        "",
        f"  红薯 Hongshu is running at {url}",
        "",
        f"  Demo members ({state}) — sign in with any handle and the password: {result.password}",
        *(f"    @{handle:<16} {names.get(handle, '')}" for handle in result.handles),
        "",
        "  Press Ctrl+C to stop.",
        "",
    ]
    return "\n".join(lines)


def run(argv: Sequence[str]) -> NoReturn:
    parser = argparse.ArgumentParser(
        prog="hongshu run", description="Migrate, load demo content once, serve."
    )
    _server_options(parser)
    parser.add_argument("--demo-photos-max", type=int, default=4, help="photos per demo note (1-4)")
    options = parser.parse_args(argv)
    jobs = os.environ.get("HONGSHU_JOBS")
    # The demo photos are processed before serving (inline), so the first page is complete at once.
    os.environ["HONGSHU_JOBS"] = jobs or "inline"
    _setup()
    _refuse_demo_in_production()
    from django.core.management import call_command

    from hongshu.demo.services import demo_load

    call_command("migrate", interactive=False, verbosity=0)
    result = demo_load(photos_per_note_max=options.demo_photos_max)
    print(run_banner(url=f"http://{options.host}:{options.port}", result=result))
    # The server's own processes run background jobs from the database queue unless told otherwise.
    _exec_gunicorn(options, {**os.environ, "HONGSHU_JOBS": jobs or "database"})


def serve(argv: Sequence[str]) -> NoReturn:
    parser = argparse.ArgumentParser(prog="hongshu serve", description="Serve with gunicorn.")
    _server_options(parser)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    _exec_gunicorn(options, dict(os.environ))


def demo(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="hongshu demo", description="Load the demo members and notes once.")
    parser.add_argument("--photos-per-note-max", type=int, default=4)
    options = parser.parse_args(argv)
    # Photos are processed in this process unless told otherwise, so avatars can be set once they are ready.
    os.environ.setdefault("HONGSHU_JOBS", "inline")
    _setup()
    _refuse_demo_in_production()
    from hongshu.demo.services import demo_load

    result = demo_load(photos_per_note_max=options.photos_per_note_max)
    if result.created:
        print(f"Loaded {len(result.handles)} demo members, {result.notes} notes, {result.photos} photos.")
    else:
        print("The demo content is already loaded; nothing to do.")
    print(f"Demo handles: {', '.join('@' + h for h in result.handles)} — password: {result.password}")


def worker(argv: Sequence[str]) -> NoReturn:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    command = [sys.executable, "-m", "celery", "-A", "hongshu.config.celery", "worker", *argv]
    if not any(arg.startswith(("-Q", "--queues")) for arg in argv):
        # Every queue of core.jobs.QUEUES, with the instance's prefix (HONGSHU_JOBS_QUEUE_PREFIX).
        _setup()
        from hongshu.core.jobs import QUEUES, queue_name

        command += ["-Q", ",".join(queue_name(queue) for queue in QUEUES)]
    if not any(arg.startswith(("--loglevel", "-l")) for arg in argv):
        command += ["--loglevel", "INFO"]
    sys.stdout.flush()
    os.execv(sys.executable, command)  # noqa: S606 - our own interpreter, fixed arguments


def manage(argv: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hongshu", *argv])


def createadmin(argv: Sequence[str]) -> None:
    # Django's createsuperuser prompts for the handle and a password (checked by the password validators);
    # --noinput reads DJANGO_SUPERUSER_HANDLE and DJANGO_SUPERUSER_PASSWORD.
    manage(["createsuperuser", *argv])


def bench(argv: Sequence[str]) -> None:
    # Dev-only: the benchmark tooling lives in the repository's bench/ folder, not in the installed package,
    # so the verb works from a checkout (editable install) and says so anywhere else.
    tooling = BENCH_DIR / "hongshu_bench"
    if not tooling.is_dir():
        print(
            f"hongshu bench is a development command: it needs the repository's bench/ folder ({tooling} "
            "was not found). Run it from a checkout of the Hongshu repository.",
            file=sys.stderr,
        )
        sys.exit(2)
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    _setup()
    from hongshu_bench.command import bench_command  # type: ignore[import-not-found]  # bench/, not src/

    bench_command(argv)


def feeds(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="hongshu feeds", description="Following-feed lists (caches).")
    sub = parser.add_subparsers(dest="action", required=True)
    rebuild = sub.add_parser("rebuild", help="rebuild lists from notes and follows")
    which = rebuild.add_mutually_exclusive_group(required=True)
    which.add_argument("--member", metavar="HANDLE")
    which.add_argument("--all", action="store_true", help="every member who has a list")
    options = parser.parse_args(argv)
    _setup()
    from hongshu.accounts.models import User
    from hongshu.feeds.following import feed_rebuild, feed_rebuild_all

    if options.all:
        print(f"Rebuilt {feed_rebuild_all()} following feeds.")
        return
    member = User.objects.filter(handle__iexact=options.member.removeprefix("@")).first()
    if member is None:
        sys.exit(f"hongshu: no member has the handle {options.member!r}")
    print(f"Rebuilt @{member.handle}'s following feed: {feed_rebuild(member=member)} notes.")


def audit(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="hongshu audit", description="The moderation event log.")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("verify", help="check every link of the hash chain, from the first entry")
    parser.parse_args(argv)
    _setup()
    from hongshu.core.audit import audit_verify

    checked, broken = audit_verify()
    events = "event" if checked == 1 else "events"
    if broken is None:
        print(f"Checked {checked} {events}: the chain holds.")
        return
    print(f"Checked {checked} {events} before the break.")
    sys.exit(f"Link {broken.seq} is broken: {broken.reason}.")


def jobs(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="hongshu jobs", description="Background jobs and their dead letters."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    failed = sub.add_parser("failed", help="list dead letters, newest first")
    failed.add_argument("--limit", type=int, default=100)
    retry = sub.add_parser("retry", help="queue dead letters' jobs again")
    retry.add_argument("ids", nargs="*", type=int, metavar="ID")
    retry.add_argument("--all", action="store_true", help="every dead letter")
    sub.add_parser("stats", help="depth and oldest age of each queue")
    work = sub.add_parser("work", help="run jobs of the database queue (HONGSHU_JOBS=database)")
    work.add_argument("--once", action="store_true", help="run the due jobs, then exit")
    options = parser.parse_args(argv)
    if options.action == "retry" and bool(options.ids) == options.all:
        parser.error("retry takes dead-letter ids or --all")
    _setup()
    from hongshu.core import jobqueue

    if options.action == "failed":
        for f in jobqueue.jobs_failed(limit=options.limit):
            print(f"{f.pk}  {f.failed_at:%Y-%m-%d %H:%M:%S}  {f.backend:<8} {f.queue:<13} {f.task}{tuple(f.args)!r}"
                  f"  attempts={f.attempts}\n      {f.error}")  # fmt: skip
    elif options.action == "retry":
        count = (
            jobqueue.jobs_retry_all()
            if options.all
            else sum(jobqueue.job_retry(failed_id=i) for i in options.ids)
        )
        print(f"Queued {count} job{'s' if count != 1 else ''} again.")
    elif options.action == "stats":
        print(f"{'queue':<14} {'depth':>7} {'running':>8} {'oldest':>10}")
        for q in jobqueue.jobs_queue_stats():
            oldest = "-" if q.oldest_age_seconds is None else f"{q.oldest_age_seconds:.0f}s"
            running = "-" if q.running is None else str(q.running)
            print(f"{q.queue:<14} {q.depth:>7} {running:>8} {oldest:>10}")
    elif options.once:
        print(f"Ran {len(jobqueue.JobWorker().run_until_empty())} jobs.")
    else:
        import signal

        worker = jobqueue.JobWorker()
        for stop in (signal.SIGTERM, signal.SIGINT):  # finish the job in hand, then exit
            signal.signal(stop, lambda *_: worker.request_stop())
        worker.run_forever()


def backup(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="hongshu backup", description="Back up the database and media.")
    parser.add_argument("path", type=Path, help="the tar archive to write")
    options = parser.parse_args(argv)
    _setup()
    from hongshu.core.backup import BackupError, backup_create
    from hongshu.core.progress import progress_to

    try:
        manifest = backup_create(path=options.path, progress=progress_to(sys.stderr))
    except BackupError as error:
        sys.exit(f"hongshu: {error}")
    rows = sum(table["rows"] for table in manifest["tables"].values())
    print(
        f"Backed up {manifest['engine']}: {len(manifest['tables'])} tables, {rows} rows, "
        f"{len(manifest['media'])} media files to {options.path}."
    )


def restore(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="hongshu restore", description="Restore a backup into this instance."
    )
    parser.add_argument("path", type=Path, help="the tar archive `hongshu backup` wrote")
    parser.add_argument(
        "--force", action="store_true", help="replace a database and media that are not empty"
    )
    options = parser.parse_args(argv)
    _setup()
    from hongshu.core.backup import BackupError, backup_restore
    from hongshu.core.progress import progress_to

    try:
        result = backup_restore(path=options.path, force=options.force, progress=progress_to(sys.stderr))
    except BackupError as error:
        sys.exit(f"hongshu: {error}")
    print(
        f"Restored {result.tables} tables ({result.rows} rows) and {result.media_files} media files; checked."
    )
    if result.pending_migrations:
        print(f"This version has {len(result.pending_migrations)} newer migrations: run `hongshu migrate`.")


def export(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="hongshu export", description="Write a member's data export.")
    parser.add_argument("handle")
    parser.add_argument("path", type=Path, help="the zip file to write")
    options = parser.parse_args(argv)
    _setup()
    from hongshu.accounts.models import User
    from hongshu.core.progress import progress_to
    from hongshu.members.export import export_write

    member = User.objects.filter(handle__iexact=options.handle.removeprefix("@")).first()
    if member is None:
        sys.exit(f"hongshu: no member has the handle {options.handle!r}")
    with os.fdopen(os.open(options.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        export_write(member=member, out=out, progress=progress_to(sys.stderr))
    print(f"Wrote @{member.handle}'s data export to {options.path}.")


def purge(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="hongshu purge", description="Remove deleted content past the retention period (a setting)."
    )
    parser.parse_args(argv)
    _setup()
    from hongshu.members.retention import purge_deleted

    result = purge_deleted()
    print(
        f"Purged {result.notes} notes, {result.comments} comments and {result.files} files "
        f"deleted before {result.before:%Y-%m-%d %H:%M} UTC."
    )


def _help(argv: Sequence[str]) -> None:
    print((__doc__ or "").strip())


VERBS: dict[str, Callable[[Sequence[str]], None]] = {
    "run": run,
    "serve": serve,
    "demo": demo,
    "worker": worker,
    "createadmin": createadmin,
    "bench": bench,
    "feeds": feeds,
    "audit": audit,
    "jobs": jobs,
    "backup": backup,
    "restore": restore,
    "export": export,
    "purge": purge,
    "manage": manage,
    "help": _help,
    "--help": _help,
    "-h": _help,
}


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        _help(args)
        return
    verb = VERBS.get(args[0])
    if verb is None:  # `hongshu migrate`, `hongshu shell`, … go straight to Django
        manage(args)
    else:
        verb(args[1:])
