"""Run every suite this machine can run: `make test` (and `make test STRICT=1`, which passes --strict).

Suites, in order:
  lint            ruff check, ruff format --check, mypy src, lint-imports (advisory unless --strict)
  sqlite          pytest, no DATABASE_URL / REDIS_URL: markers `not postgres and not redis and not browser`
  postgres+redis  the same tests plus the `postgres`/`redis` ones, on PostgreSQL and Redis, when both answer
  browser         pytest -m browser, when Debian's Chromium is installed

Without --strict a suite whose service is missing is reported as SKIPPED and the run goes on. With --strict
(CI) a suite that cannot run, a failing lint check, or any skipped test inside a suite is a failure.
A suite that collects no tests (pytest exit code 5) always fails. The last line reads `N passed, N failed,
N skipped`, where "failed" counts failing tests plus one for every suite or check that failed as a whole,
so it is 0 exactly when the run succeeds.

Settings of the runner itself (environment or options):
  HONGSHU_TEST_DATABASE_URL  --database-url  default postgres://postgres@127.0.0.1:5432/hongshu
                                             (pytest-django creates and drops <name>_test)
  HONGSHU_TEST_REDIS_URL     --redis-url     default redis://127.0.0.1:6379/1 (tests may flush this db)
  HONGSHU_CHROMIUM                           default /usr/bin/chromium
  HONGSHU_TEST_WORKERS       --workers       pytest-xdist processes for the SQLite suite (default: 2 with
                                             4+ cores, else 1)
  HONGSHU_SUITE_TIMEOUT                      seconds before a hung suite is stopped and failed (1800)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable  # `make test` runs this with .venv/bin/python, so the tools below are the venv's
LINT_PATHS = ("src", "tests", "bench", "scripts")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hongshu"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
SUITE_TIMEOUT = int(os.environ.get("HONGSHU_SUITE_TIMEOUT", "1800"))  # seconds; a hung suite fails, not CI
NO_TESTS_COLLECTED = 5


@dataclass
class Result:
    name: str
    status: str  # passed | FAILED | SKIPPED | advisory (a failed lint check outside --strict)
    seconds: float = 0.0
    passed: int | None = None
    failed: int | None = None
    skipped: int | None = None
    note: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def is_failure(self) -> bool:
        return self.status == "FAILED"


def banner(text: str) -> None:
    print(f"\n{'=' * 8} {text} {'=' * max(4, 100 - len(text))}", flush=True)


def base_env(var_dir: Path) -> dict[str, str]:
    """The environment of every suite: the caller's, minus anything that would change the instance.

    HONGSHU_* settings from the shell would leak into the suites (a developer's var dir, a production
    environment...), so they are dropped; DATABASE_URL / REDIS_URL are set per suite. They are set to an
    empty value rather than removed so that a developer's `.env` file cannot switch the engine either.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HONGSHU_") or key == "HONGSHU_CHROMIUM"
    }
    env.update({"DATABASE_URL": "", "REDIS_URL": "", "HONGSHU_VAR_DIR": str(var_dir)})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_command(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[int, float, bool]:
    """Run a command with its output streamed; returns (exit code, seconds, timed out)."""
    print("$ " + " ".join(argv), flush=True)
    started = time.monotonic()
    # A session of its own, so a timeout can stop the whole tree (xdist workers, a Celery worker...).
    process = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    try:
        code = process.wait(timeout=SUITE_TIMEOUT)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        code, timed_out = -1, True
    except KeyboardInterrupt:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        raise
    return code, time.monotonic() - started, timed_out


# ---------------------------------------------------------------------------------------------- lint
def lint(strict: bool) -> list[Result]:
    paths = [path for path in LINT_PATHS if (ROOT / path).exists()]
    checks = [
        ("lint: ruff check", [PYTHON, "-m", "ruff", "check", *paths]),
        ("lint: ruff format", [PYTHON, "-m", "ruff", "format", "--check", *paths]),
        ("lint: mypy src", [PYTHON, "-m", "mypy", "src"]),
        # The app contracts in pyproject.toml ([tool.importlinter]); the venv's console script, beside PYTHON.
        ("lint: lint-imports", [str(Path(PYTHON).parent / "lint-imports")]),
    ]
    results = []
    for name, argv in checks:
        banner(name)
        code, seconds, timed_out = run_command(argv)
        if code == 0:
            results.append(Result(name, "passed", seconds))
            continue
        note = "timed out" if timed_out else f"exit code {code}"
        status = "FAILED" if strict else "advisory"
        if not strict:
            note += " (advisory without --strict)"
        results.append(Result(name, status, seconds, note=note))
    return results


# -------------------------------------------------------------------------------------------- pytest
def count_junit(path: Path) -> tuple[int, int, int, list[str]]:
    """(passed, failed, skipped, skip reasons) from a JUnit XML report; xfail counts as passed."""
    passed = failed = skipped = 0
    reasons: list[str] = []
    for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314 - our own pytest's report
        tags = {child.tag: child for child in case}
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if "failure" in tags or "error" in tags:
            failed += 1
        elif "skipped" in tags and tags["skipped"].get("type") != "pytest.xfail":
            skipped += 1
            reasons.append(f"{name}: {tags['skipped'].get('message', '')}")
        else:
            passed += 1
    return passed, failed, skipped, reasons


def default_workers() -> int:
    # Measured on a 2-core machine: two xdist workers took ~1.7x as long as one process (each worker
    # repeats Django set-up and migrations, and they compete for the cores), so parallel runs start at 4.
    return 2 if (os.cpu_count() or 1) >= 4 else 1


def xdist_args(workers: int) -> list[str]:
    if importlib.util.find_spec("xdist") is None:
        return []
    return ["-n", str(workers) if workers > 1 else "0"]


def pytest_suite(
    name: str, *, markers: str, env: dict[str, str], workers: int, strict: bool, report_dir: Path
) -> Result:
    banner(f"suite: {name}")
    report = report_dir / f"{name.replace('+', '-')}.xml"
    argv = [PYTHON, "-m", "pytest", "tests", "-m", markers, "-q", f"--junitxml={report}"]
    argv += xdist_args(workers)
    code, seconds, timed_out = run_command(argv, env)
    result = Result(name, "passed", seconds)
    if report.exists():
        result.passed, result.failed, result.skipped, reasons = count_junit(report)
        result.details = reasons
    if timed_out:
        result.status, result.note = "FAILED", f"timed out after {SUITE_TIMEOUT} s"
    elif code == NO_TESTS_COLLECTED:
        result.status, result.note = "FAILED", "no tests collected (pytest exit code 5)"
    elif code != 0:
        result.status, result.note = "FAILED", f"pytest exit code {code}"
    elif strict and result.skipped:
        result.status, result.note = "FAILED", f"{result.skipped} skipped test(s) under --strict"
    elif result.passed is None:
        result.status, result.note = "FAILED", "pytest wrote no report"
    return result


# -------------------------------------------------------------------------------------------- services
def postgres_problem(url: str) -> str | None:
    """None when PostgreSQL at `url` accepts us, else why not.

    The check connects to the `postgres` maintenance database, as Django does to create the test database.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        return f"the test database URL {url!r} is not a PostgreSQL URL"
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(
            host=host,
            port=port,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or "") or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL is not reachable at {host}:{port} ({first_line})"
    return None


def redis_problem(url: str) -> str | None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    try:
        with socket.create_connection((host, port), timeout=3):
            pass
    except OSError as exc:
        return f"Redis is not reachable at {host}:{port} ({exc.strerror or exc})"
    try:
        import redis
    except ImportError:
        return "the redis client library is not installed"
    try:
        client = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        return f"Redis at {host}:{port} does not answer PING ({exc})"
    return None


def chromium_problem(path: str) -> str | None:
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return None
    return (
        f"no Chromium at {path} (install Debian's `chromium` and `fonts-noto-cjk`, or set HONGSHU_CHROMIUM)"
    )


def cjk_font_warning() -> str | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    return (
        None if found.strip() else "no Chinese font found (install fonts-noto-cjk): Chinese renders as boxes"
    )


def skipped_suite(name: str, reason: str, strict: bool) -> Result:
    banner(f"suite: {name}")
    if strict:
        print(f"FAILED suite {name} because {reason} (a suite that cannot run fails under --strict)")
        return Result(name, "FAILED", note=reason)
    print(f"SKIPPED suite {name} because {reason}")
    return Result(name, "SKIPPED", note=reason)


# ------------------------------------------------------------------------------------------- summary
def summarize(results: list[Result], strict: bool) -> int:
    banner("summary")

    def cell(value: int | None) -> str:
        return "-" if value is None else str(value)

    header = f"{'suite':<20} {'result':<9} {'passed':>7} {'failed':>7} {'skipped':>8} {'seconds':>8}  note"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<20} {r.status:<9} {cell(r.passed):>7} {cell(r.failed):>7} {cell(r.skipped):>8} "
            f"{r.seconds:>8.1f}  {r.note}"
        )
    for r in results:
        if r.details and (strict or r.is_failure):
            print(f"\nskipped in {r.name}:")
            for line in r.details:
                print(f"  {line}")

    passed = sum(r.passed or 0 for r in results)
    skipped = sum(r.skipped or 0 for r in results)
    # A suite that failed without a failing test (crash, nothing collected, strict skip...) counts as one.
    failed = sum(max(r.failed or 0, 1) if r.is_failure else (r.failed or 0) for r in results)
    failures = [r.name for r in results if r.is_failure]
    mode = "strict" if strict else "non-strict"
    print()
    if failures:
        print(f"RESULT ({mode}): FAILED: {', '.join(failures)}")
    else:
        print(f"RESULT ({mode}): OK")
    print(f"{passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--strict", action="store_true", help="a suite that cannot run, or a skip, fails")
    parser.add_argument(
        "--only",
        action="append",
        choices=["lint", "sqlite", "postgres", "browser"],
        help="run only these suites (repeatable)",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("HONGSHU_TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--redis-url", default=os.environ.get("HONGSHU_TEST_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("HONGSHU_TEST_WORKERS", default_workers())),
        help="pytest-xdist processes for the SQLite suite (1: no xdist)",
    )
    args = parser.parse_args(argv)
    selected = set(args.only or ["lint", "sqlite", "postgres", "browser"])
    chromium = os.environ.get("HONGSHU_CHROMIUM") or DEFAULT_CHROMIUM

    print(
        f"Hongshu test suites: python {sys.version.split()[0]}, {'strict' if args.strict else 'non-strict'}"
    )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="hongshu-suites-") as scratch:
        scratch_dir = Path(scratch)

        def suite_env(name: str, **overrides: str) -> dict[str, str]:
            var_dir = scratch_dir / name  # a fresh var/ per suite (SQLite file, media, secret key)
            var_dir.mkdir()
            return {**base_env(var_dir), **overrides}

        if "lint" in selected:
            results += lint(args.strict)

        if "sqlite" in selected:
            results.append(
                pytest_suite(
                    "sqlite",
                    markers="not postgres and not redis and not browser",
                    env=suite_env("sqlite"),
                    workers=args.workers,
                    strict=args.strict,
                    report_dir=scratch_dir,
                )
            )

        if "postgres" in selected:
            problem = postgres_problem(args.database_url) or redis_problem(args.redis_url)
            if problem:
                results.append(skipped_suite("postgres+redis", problem, args.strict))
            else:
                # One process: every xdist worker would share the Redis database, and a test that
                # clears the cache (FLUSHDB) would wipe another worker's keys and Celery queue.
                env = suite_env("postgres", DATABASE_URL=args.database_url, REDIS_URL=args.redis_url)
                results.append(
                    pytest_suite(
                        "postgres+redis",
                        markers="not browser",
                        env=env,
                        workers=1,
                        strict=args.strict,
                        report_dir=scratch_dir,
                    )
                )

        if "browser" in selected:
            problem = chromium_problem(chromium)
            if problem:
                results.append(skipped_suite("browser", problem, args.strict))
            else:
                warning = cjk_font_warning()
                if warning:
                    print(f"WARNING: {warning}")
                results.append(
                    pytest_suite(
                        "browser",
                        markers="browser",
                        env=suite_env("browser", HONGSHU_CHROMIUM=chromium),
                        workers=1,  # one Chromium at a time on a small machine
                        strict=args.strict,
                        report_dir=scratch_dir,
                    )
                )

    return summarize(results, args.strict)


if __name__ == "__main__":
    sys.exit(main())
