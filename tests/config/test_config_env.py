"""Typed settings: production refusals, the generated secret key, engine selection, job modes, docs."""

from __future__ import annotations

import os
import runpy
import stat
import threading
from pathlib import Path
from typing import Any

import pydantic
import pytest

from hongshu.config import env as env_module
from hongshu.config.env import HongshuSettings, UnsafeSettingsError

SETTINGS_FILE = Path(env_module.__file__).with_name("settings.py")
DOCS = Path(env_module.PROJECT_ROOT, "docs", "configuration.md")
GOOD_KEY = "k" * 24 + "-Zq8vR2mX7pL4nT9wY3bF6"  # 46 characters


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No HONGSHU_*, DATABASE_URL or REDIS_URL from the test run, no `.env`; var/ in a fresh folder."""
    for key in list(os.environ):
        if key.startswith("HONGSHU_") or key in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # pydantic-settings reads `.env` from the working directory
    var_dir = tmp_path / "var"
    monkeypatch.setenv("HONGSHU_VAR_DIR", str(var_dir))
    return var_dir


def make(**kwargs: Any) -> HongshuSettings:
    return HongshuSettings(_env_file=None, **kwargs)


def load_settings_module() -> dict[str, Any]:
    """Evaluate settings.py afresh under the current environment (Django's loaded settings stay as they are)."""
    return runpy.run_path(str(SETTINGS_FILE))


# ---------------------------------------------------------------------------------------- production
@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"debug": True, "secret_key": GOOD_KEY}, "HONGSHU_DEBUG must be off"),
        ({}, "HONGSHU_SECRET_KEY must be set"),  # would otherwise use a generated key
        ({"secret_key": "x" * 39}, "HONGSHU_SECRET_KEY must be set"),
        ({"secret_key": GOOD_KEY, "fast_password_hasher": True}, "HONGSHU_FAST_PASSWORD_HASHER must be off"),
    ],
)
def test_production_refuses_unsafe_values(clean_env: Path, overrides: dict[str, Any], complaint: str) -> None:
    with pytest.raises(UnsafeSettingsError, match=complaint):
        make(environment="production", **overrides)


def test_production_lists_every_problem_at_once(clean_env: Path) -> None:
    with pytest.raises(UnsafeSettingsError) as refused:
        make(environment="production", debug=True, fast_password_hasher=True)
    message = str(refused.value)
    for setting in ("HONGSHU_DEBUG", "HONGSHU_SECRET_KEY", "HONGSHU_FAST_PASSWORD_HASHER"):
        assert setting in message


def test_production_with_safe_values_starts(clean_env: Path) -> None:
    settings = make(environment="production", secret_key=GOOD_KEY)
    assert settings.resolved_secret_key() == GOOD_KEY
    assert not clean_env.exists(), "a configured key must not create var/secret_key"


def test_the_settings_module_refuses_debug_from_the_environment(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HONGSHU_ENVIRONMENT", "production")
    monkeypatch.setenv("HONGSHU_SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("HONGSHU_DEBUG", "true")
    with pytest.raises(UnsafeSettingsError, match="HONGSHU_DEBUG"):
        load_settings_module()


def test_production_settings_module_uses_secure_cookies(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HONGSHU_ENVIRONMENT", "production")
    monkeypatch.setenv("HONGSHU_SECRET_KEY", GOOD_KEY)
    module = load_settings_module()
    assert module["DEBUG"] is False
    assert module["SECRET_KEY"] == GOOD_KEY
    assert module["SESSION_COOKIE_SECURE"] is True
    assert module["CSRF_COOKIE_SECURE"] is True
    assert module["PASSWORD_HASHERS"] == ["hongshu.accounts.hashers.BoundedArgon2PasswordHasher"]


# ---------------------------------------------------------------------------------------- secret key
def test_generated_secret_key_is_written_once_privately_and_reused(clean_env: Path) -> None:
    first = make().resolved_secret_key()
    key_file = clean_env / "secret_key"
    assert len(first) >= 40
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    written = key_file.read_bytes()

    second = make().resolved_secret_key()  # a later start: a new settings object, same var/
    assert second == first
    assert key_file.read_bytes() == written
    assert sorted(path.name for path in clean_env.iterdir()) == ["secret_key"]  # no temporary files left


def test_processes_starting_together_agree_on_one_key(clean_env: Path) -> None:
    starters = 8
    barrier = threading.Barrier(starters)
    keys: list[str] = []

    def start() -> None:
        settings = make()
        barrier.wait()
        keys.append(settings.resolved_secret_key())

    threads = [threading.Thread(target=start) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == starters
    assert len(set(keys)) == 1
    assert len(keys[0]) >= 40


def test_a_configured_secret_key_wins(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HONGSHU_SECRET_KEY", GOOD_KEY)
    assert make().resolved_secret_key() == GOOD_KEY
    assert not (clean_env / "secret_key").exists()


# -------------------------------------------------------------------------------------------- engine
def test_without_database_url_sqlite_lives_in_var(clean_env: Path) -> None:
    module = load_settings_module()
    database = module["DATABASES"]["default"]
    assert database["ENGINE"] == "hongshu.config.sqlite"  # Django's, with private files (test_sqlite_private)
    assert database["NAME"] == str(clean_env / "hongshu.sqlite3")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert module["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert module["JOBS_MODE"] == "database"
    assert module["MEDIA_ROOT"] == str(clean_env / "media")


def test_database_url_selects_postgresql(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://hongshu:s%40cret@db.internal:6432/hongshu_prod")
    database = load_settings_module()["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("hongshu_prod", "hongshu", "s@cret")
    assert (database["HOST"], int(database["PORT"])) == ("db.internal", 6432)
    assert database["TEST"]["NAME"] == "hongshu_prod_test"
    assert database["CONN_MAX_AGE"] == 60
    assert "OPTIONS" not in database or "init_command" not in database["OPTIONS"]


def test_redis_url_selects_redis_cache_and_celery(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/3")
    module = load_settings_module()
    assert module["CACHES"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert module["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/3"
    assert module["CELERY_BROKER_URL"] == "redis://cache.internal:6379/3"
    assert module["JOBS_MODE"] == "celery"


# ---------------------------------------------------------------------------------------------- jobs
@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "database"),  # embedded: `make run` needs no worker, and queued jobs survive a restart
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "celery"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0", "HONGSHU_JOBS": "database"}, "database"),
        ({"HONGSHU_JOBS": "thread"}, "database"),  # the old name of the embedded mode
        ({"HONGSHU_JOBS": "inline"}, "inline"),
    ],
)
def test_jobs_mode_defaults(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert make().jobs_mode == expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [("HONGSHU_JOBS", "cron"), ("HONGSHU_NODE_ID", "1024"), ("HONGSHU_ENVIRONMENT", "prod")],
)
def test_invalid_values_are_refused(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(pydantic.ValidationError):
        make()


def test_allowed_hosts_is_a_json_list(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HONGSHU_ALLOWED_HOSTS", '["hongshu.example", "www.hongshu.example"]')
    assert make().allowed_hosts == ["hongshu.example", "www.hongshu.example"]


# ---------------------------------------------------------------------------------------------- docs
def environment_variable(name: str, field: Any) -> str:
    alias = field.validation_alias
    return alias if isinstance(alias, str) else f"HONGSHU_{name.upper()}"


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [
        environment_variable(name, field)
        for name, field in HongshuSettings.model_fields.items()
        if f"`{environment_variable(name, field)}`" not in text
    ]
    assert not missing, f"document these in docs/configuration.md: {missing}"


def test_every_beat_entry_names_a_registered_task() -> None:
    from hongshu.config.celery import app

    app.loader.import_default_modules()  # autodiscovery, as a worker or beat does at start
    schedule = app.conf.beat_schedule
    assert {"reconcile-drifted-counters", "pretranslate-trending"} <= set(schedule)
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry


# ---------------------------------------------------------------------------------------- mail
def test_mail_is_printed_by_default(clean_env: Path) -> None:
    module = load_settings_module()
    assert module["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert module["DEFAULT_FROM_EMAIL"] == "Hongshu <noreply@localhost>"
    assert module["PASSWORD_RESET_TIMEOUT"] == 3600


def test_mail_goes_by_smtp_from_a_url(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_URL", "smtp://robot:s%40cret@mail.example.org:587/?tls=True")
    monkeypatch.setenv("HONGSHU_EMAIL_FROM", "Hongshu <hi@example.org>")
    monkeypatch.setenv("HONGSHU_PASSWORD_RESET_TIMEOUT_SECONDS", "600")
    module = load_settings_module()
    assert module["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (module["EMAIL_HOST"], module["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert (module["EMAIL_HOST_USER"], module["EMAIL_HOST_PASSWORD"]) == ("robot", "s@cret")
    assert module["EMAIL_USE_TLS"] is True
    assert module["EMAIL_USE_SSL"] is False
    assert module["DEFAULT_FROM_EMAIL"] == "Hongshu <hi@example.org>"
    assert module["PASSWORD_RESET_TIMEOUT"] == 600


def test_locmem_names_the_memory_backend(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_URL", "locmem://")
    assert load_settings_module()["EMAIL_BACKEND"] == "django.core.mail.backends.locmem.EmailBackend"
