"""Production behind a proxy: the documented configuration passes `check --deploy` with no warning, and the
proxy settings derive Django's (CSRF origins, the HTTPS header, HSTS) and gunicorn's (forwarded-allow-ips)."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hongshu.config import env as env_module

SETTINGS_FILE = Path(env_module.__file__).with_name("settings.py")
KEY = "Zq8vR2mX7pL4nT9wY3bF6-k" * 3  # Django warns below 50 characters (security.W009)
# The production environment of docs/operations.md#behind-a-proxy.
PRODUCTION = {
    "HONGSHU_ENVIRONMENT": "production",
    "HONGSHU_SECRET_KEY": KEY,
    "HONGSHU_ALLOWED_HOSTS": '["hongshu.example"]',
    "HONGSHU_SITE_URL": "https://hongshu.example",
    "HONGSHU_TRUSTED_PROXIES": '["10.0.0.0/24"]',
    "HONGSHU_SSL_REDIRECT": "true",
    "HONGSHU_HSTS_SECONDS": "31536000",
    "HONGSHU_HSTS_INCLUDE_SUBDOMAINS": "true",
    "HONGSHU_HSTS_PRELOAD": "true",
}


def clean_environment(tmp_path: Path, **env: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HONGSHU_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return base | {
        "HONGSHU_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "hongshu.config.settings",
        **env,
    }


def check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean_environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=tmp_path,
    )


def test_the_production_configuration_passes_check_deploy_without_a_warning(tmp_path: Path) -> None:
    done = check_deploy(tmp_path, **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_the_https_switches_check_deploy_warns(tmp_path: Path) -> None:
    switches = ("HONGSHU_SSL_REDIRECT", "HONGSHU_HSTS_SECONDS")
    done = check_deploy(tmp_path, **{k: v for k, v in PRODUCTION.items() if k not in switches})
    assert done.returncode != 0
    assert "security.W004" in done.stderr + done.stdout
    assert "security.W008" in done.stderr + done.stdout


@pytest.fixture
def settings_under(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    def load(**env: str) -> dict[str, Any]:
        for key in list(os.environ):
            if key.startswith("HONGSHU_") or key in ("DATABASE_URL", "REDIS_URL"):
                monkeypatch.delenv(key)
        monkeypatch.chdir(tmp_path)
        for key, value in clean_environment(tmp_path, **env).items():
            monkeypatch.setenv(key, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


def test_proxy_settings_derive_djangos(settings_under: Any) -> None:
    production = settings_under(**PRODUCTION)
    assert production["CSRF_TRUSTED_ORIGINS"] == ["https://hongshu.example"]
    assert production["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["MIDDLEWARE"][0] == "hongshu.core.proxies.TrustedProxyHeadersMiddleware"


def test_without_trusted_proxies_the_forwarded_scheme_is_not_believed(settings_under: Any) -> None:
    direct = settings_under(HONGSHU_SITE_URL="http://192.0.2.8:8080/")
    assert "SECURE_PROXY_SSL_HEADER" not in direct
    assert direct["CSRF_TRUSTED_ORIGINS"] == ["http://192.0.2.8:8080"]
    assert direct["SECURE_HSTS_SECONDS"] == 0


def test_a_bad_network_is_refused_at_start_up(settings_under: Any) -> None:
    with pytest.raises(ValueError, match="not a network"):
        settings_under(HONGSHU_TRUSTED_PROXIES='["10.0.0.0/33"]')


def test_gunicorn_believes_the_trusted_proxies_only(tmp_path: Path) -> None:
    """`hongshu serve` hands gunicorn the same networks (printed by a stand-in for os.execve)."""
    script = (
        "import os, sys; from hongshu import cli; "
        "os.execve = lambda path, argv, env: (print(repr(argv)), print(env['PROMETHEUS_MULTIPROC_DIR']), sys.exit(0)); "
        "cli.main(['serve', '--port', '8123'])"
    )
    stale = tmp_path / "var" / "prometheus" / "counter_999.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=clean_environment(tmp_path, HONGSHU_TRUSTED_PROXIES='["10.0.0.7", "fd00::/8"]'),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    argv_line, folder = done.stdout.strip().splitlines()[-2:]
    argv = eval(argv_line)  # noqa: S307 - our own repr of a list of strings
    assert argv[argv.index("--forwarded-allow-ips") + 1] == "10.0.0.7/32,fd00::/8"
    assert folder == str(tmp_path / "var" / "prometheus")
    assert not stale.exists(), "a previous run's metrics files are removed at start"
    nobody = subprocess.run(
        [sys.executable, "-c", script],
        env=clean_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    argv = eval(nobody.stdout.strip().splitlines()[-2])  # noqa: S307
    assert argv[argv.index("--forwarded-allow-ips") + 1] == ""
