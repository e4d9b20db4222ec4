"""A real nginx (Debian's package) in front of `hongshu serve` on another address, with the site block of
docs/operations.md: sign in with the web form (CSRF origin check over HTTPS), upload a photo and post a note
through it, and see the client's address and the request id the proxy passed on."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection
from PIL import Image

from hongshu.accounts.hashers import BoundedArgon2PasswordHasher
from hongshu.accounts.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
APP, PROXY, CLIENT, PROXY_OUT = "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"
PASSWORD = "correct horse battery"
SECRET = "Zq8vR2mX7pL4nT9wY3bF6-k" * 3


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def documented_site() -> str:
    """The ```nginx block of docs/operations.md with the whole site (its `upstream`): what this test runs."""
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    sites = [block for block in re.findall(r"```nginx\n(.*?)```", text, re.S) if "upstream hongshu" in block]
    assert len(sites) == 1, "docs/operations.md should show one whole nginx site"
    return sites[0]


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hongshu.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def start_nginx(folder: Path, *, listen: int, upstream: int, media: Path) -> subprocess.Popen[bytes]:
    cert, key = self_signed(folder)
    site = (
        documented_site()
        .replace("server 127.0.0.1:8000;", f"server {APP}:{upstream};")
        .replace("listen 443 ssl;", f"listen {PROXY}:{listen} ssl;")
        .replace("/etc/ssl/hongshu/fullchain.pem", str(cert))
        .replace("/etc/ssl/hongshu/privkey.pem", str(key))
        .replace("alias /var/lib/hongshu/media/;", f"alias {media}/;")
    )
    assert str(media) in site
    (folder / "site.conf").write_text(site)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;  # as Debian's own nginx.conf does
    access_log {folder}/access.log;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    # The proxy reaches the app from its own address, so the app tells it from the client.
    proxy_bind {PROXY_OUT};
    include {folder}/site.conf;
}}
"""
    (folder / "nginx.conf").write_text(main)
    return subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx.stderr").open("wb"),
    )


def start_app(folder: Path, *, port: int, public: str) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HONGSHU_", "PROMETHEUS_"))}
    env |= {
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "HONGSHU_ENVIRONMENT": "production",
        "HONGSHU_SECRET_KEY": SECRET,
        "HONGSHU_VAR_DIR": str(folder / "var"),
        "HONGSHU_ALLOWED_HOSTS": json.dumps([PROXY]),
        "HONGSHU_SITE_URL": public,
        "HONGSHU_TRUSTED_PROXIES": json.dumps([PROXY_OUT]),
        "HONGSHU_SSL_REDIRECT": "true",
        "HONGSHU_HSTS_SECONDS": "3600",
        "HONGSHU_LOG_FORMAT": "json",
        # The "public" client is 127.0.0.3 here: only the app's own host address may scrape.
        "HONGSHU_METRICS_NETWORKS": json.dumps([f"{APP}/32"]),
        "HONGSHU_JOBS": "thread",  # the photo is processed in the server, no Celery worker needed
        "HONGSHU_MEDIA_ACCEL_REDIRECT_PREFIX": "/_media/",
        "HONGSHU_RATE_LIMITS_ENABLED": "false",
    }
    hongshu = str(Path(sys.executable).with_name("hongshu"))
    return subprocess.Popen(
        [hongshu, "serve", "--host", APP, "--port", str(port), "--workers", "2"],
        env=env,
        cwd=folder,
        stdout=(folder / "app.stdout").open("wb"),
        stderr=(folder / "app.log").open("wb"),
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    assert Path(NGINX).exists(), "nginx is not installed (apt-get install nginx; .ci/run installs it)"
    app_port, proxy_port = free_port(APP), free_port(PROXY)
    public = f"https://{PROXY}:{proxy_port}"
    app = start_app(tmp_path, port=app_port, public=public)
    nginx = start_nginx(tmp_path, listen=proxy_port, upstream=app_port, media=tmp_path / "var" / "media")
    client = httpx.Client(
        base_url=public,
        transport=httpx.HTTPTransport(verify=False, local_address=CLIENT),
        follow_redirects=False,
        timeout=30,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert app.poll() is None, (tmp_path / "app.log").read_text()[-3000:]
            assert nginx.poll() is None, (tmp_path / "nginx.stderr").read_text()
            try:
                if client.get("/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "app.log").read_text()[-3000:]
            time.sleep(0.5)
        yield {
            "client": client,
            "public": public,
            "log": tmp_path / "app.log",
            "app_port": app_port,
            "folder": tmp_path,
        }
    finally:
        client.close()
        stop(nginx)
        stop(app)


def app_log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF field in the form"
    return match[1]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "tomato").save(buffer, format="JPEG")
    return buffer.getvalue()


def test_sign_in_upload_and_post_through_nginx(site: dict[str, Any]) -> None:
    member = User(handle="proxied", display_name="Proxied", languages=["en"])
    # The served app runs in production, with Argon2 only (the suite's fast hasher is refused there).
    member.password = BoundedArgon2PasswordHasher().encode(PASSWORD, BoundedArgon2PasswordHasher().salt())
    member.save()
    client: httpx.Client = site["client"]
    public: str = site["public"]
    origin = {"Origin": public, "Referer": f"{public}/signin/"}

    # Sign in with the web form: Django sees HTTPS (from the trusted proxy) and the public origin.
    page = client.get("/signin/")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=3600")
    assert client.cookies.get("csrftoken"), "no CSRF cookie (a Secure cookie is set only over HTTPS)"
    form = {"handle": "proxied", "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(page.text)}
    signed_in = client.post("/signin/", data=form, headers={**origin, "X-Forwarded-For": "198.51.100.66"})
    assert signed_in.status_code == 302, signed_in.text[:2000]
    assert client.cookies.get("sessionid")
    request_id = signed_in.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), "nginx's $request_id, passed on and echoed"

    # Upload a photo through the API with the session cookie and the CSRF header, as the compose page does.
    compose = client.get("/compose/")
    assert compose.status_code == 200
    token = client.cookies["csrftoken"]
    upload = client.post(
        "/api/v1/media",
        files={"file": ("photo.jpg", jpeg(), "image/jpeg")},
        headers={**origin, "X-CSRFToken": token, "Accept": "application/json"},
    )
    assert upload.status_code == 201, upload.text
    media_id = upload.json()["id"]
    deadline = time.monotonic() + 60
    while (media := client.get(f"/api/v1/media/{media_id}").json())["state"] != "ready":
        assert media["state"] == "pending", media
        assert time.monotonic() < deadline, "the photo was not processed"
        time.sleep(0.3)

    # Post the note with the compose form.
    posted = client.post(
        "/compose/",
        data={
            "title": "Through the proxy",
            "body": "Posted through nginx",
            "visibility": "public",
            "topics": "",
            "place": "",
            "photo": media_id,
            "alt": "a test photo",
            "csrfmiddlewaretoken": csrf_of(compose.text),
        },
        headers={**origin, "Referer": f"{public}/compose/"},
    )
    assert posted.status_code == 302, posted.text[:2000]
    note_page = client.get(posted.headers["Location"])
    assert note_page.status_code == 200
    assert "Through the proxy" in note_page.text
    photo_url = next(iter(media["urls"].values()))
    photo = client.get(photo_url)
    assert photo.status_code == 200
    assert photo.headers["Content-Type"] == "image/webp"
    assert photo.content[:4] == b"RIFF"
    assert photo.content[8:12] == b"WEBP"
    # nginx sent the file itself: asked as nginx asks (from its address, over "https"), the app answers with
    # an empty body and X-Accel-Redirect, which nginx follows to its internal location.
    as_proxy = httpx.Client(transport=httpx.HTTPTransport(local_address=PROXY_OUT), cookies=client.cookies)
    with as_proxy:
        handed = as_proxy.get(
            f"http://{APP}:{site['app_port']}{photo_url}",
            headers={"Host": PROXY, "X-Forwarded-Proto": "https", "X-Forwarded-For": CLIENT},
        )
    assert handed.status_code == 200, handed.text[:500]
    assert handed.headers["X-Accel-Redirect"].startswith("/_media/")
    assert handed.content == b""
    # The internal location is not reachable from outside.
    assert client.get("/_media/").status_code == 404

    # Straight to the app (not through the proxy), plain HTTP is sent to HTTPS, whatever the client claims;
    # a probe by address is answered where it is.
    direct = f"http://{APP}:{site['app_port']}"
    with httpx.Client(transport=httpx.HTTPTransport(local_address=CLIENT)) as plain:
        sent = plain.get(f"{direct}/signin/", headers={"Host": PROXY, "X-Forwarded-Proto": "https"})
        assert sent.status_code == 301
        assert sent.headers["Location"] == f"https://{PROXY}/signin/"
        assert plain.get(f"{direct}/healthz").status_code == 200

    # Metrics: refused to the public through the proxy; a local scrape of any worker counts every worker's
    # requests (prometheus_client's multiprocess files, set up by `hongshu serve`).
    assert client.get("/metrics").status_code == 403
    with httpx.Client() as local:
        scraped = local.get(f"{direct}/metrics").text
    sign_ins = re.search(
        r'hongshu_http_responses_total\{method="POST",route="signin/",status="302"\} (\S+)', scraped
    )
    assert sign_ins, scraped[:3000]
    assert float(sign_ins[1]) == 1
    uploads = re.search(
        r'hongshu_http_responses_total\{method="POST",route="api/v1/media",status="201"\} (\S+)', scraped
    )
    assert uploads
    assert float(uploads[1]) == 1
    # The app logged the client nginx saw (not the address the client wrote), under nginx's request id.
    lines = [r for r in app_log(site["log"]) if r.get("request_id") == request_id]
    request_line = next(r for r in lines if r["logger"] == "hongshu.request")
    assert request_line["client_ip"] == CLIENT
    assert request_line["status"] == 302
