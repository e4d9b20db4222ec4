"""A member's data export: built by a job, downloaded by the member alone (API by bearer, web by cookie)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from openapi_core import OpenAPI

from conftest import ApiClient
from hongshu.accounts.models import User
from hongshu.accounts.services import token_issue
from hongshu.interactions.services.interactions import board_create, collect_create, like_create
from hongshu.media.models import MediaAsset
from hongshu.members.export import export_build, export_request, exports_expire
from hongshu.members.models import DataExport
from instance_data import Instance, populate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def instance(media_root: Path) -> Instance:
    data = populate()
    nina, notes = data.nina, data.notes
    # Nina follows Ann, so she may read Ann's followers-only note: she collects and likes it. Its words
    # are Ann's, shared with her followers: they must not leave with Nina's export.
    board = board_create(owner=nina, name="Ann's", is_public=False)
    collect_create(user=nina, note_id=notes["ann_followers"].pk, board_id=board.pk)
    like_create(user=nina, note_id=notes["ann_followers"].pk)
    return data


def _api(openapi: OpenAPI, member: User) -> ApiClient:
    _token, secret = token_issue(user=member)
    return ApiClient(openapi, secret)


def _zip(response: Any) -> zipfile.ZipFile:
    body = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(body))


def _every_text(archive: zipfile.ZipFile) -> str:
    return "\n".join(
        archive.read(name).decode() for name in archive.namelist() if name.endswith((".json", ".md"))
    )


def test_the_export_holds_the_members_own_content_and_nothing_private_of_others(
    instance: Instance, openapi: OpenAPI
) -> None:
    nina, notes = instance.nina, instance.notes
    api = _api(openapi, nina)
    asked = api.post("/me/export")
    assert asked.status_code == 202
    assert asked.json()["state"] == "pending"
    status = api.get("/me/export")
    assert status.status_code == 200
    body = status.json()
    assert body["state"] == "ready"  # the job ran after commit (inline in tests)
    assert body["download_url"] == f"/api/v1/me/export/{body['id']}/file"
    again = api.post("/me/export")  # within the hour: the same export, not a new build
    assert again.status_code == 202
    assert again.json()["id"] == body["id"]
    response = api.get(body["download_url"].removeprefix("/api/v1"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = _zip(response)
    names = set(archive.namelist())

    # Every one of Nina's own notes, whatever its visibility, as JSON and Markdown with its photo's file.
    for key in ("nina_public", "nina_followers", "nina_private"):
        note = notes[key]
        data = json.loads(archive.read(f"hongshu-export/notes/{note.pk}.json"))
        assert data["title"] == note.title
        assert data["visibility"] == note.visibility
        markdown = archive.read(f"hongshu-export/notes/{note.pk}.md").decode()
        assert markdown.startswith(f"# {note.title}\n")
        assert f"]({note.pk}/photo-1.webp)" in markdown
        asset = MediaAsset.objects.get(note_image__note=note)
        largest = asset.variants[max(asset.variants, key=int)]
        with default_storage.open(largest, "rb") as stored:
            assert archive.read(f"hongshu-export/notes/{note.pk}/photo-1.webp") == stored.read()
    note_files = {n for n in names if n.startswith("hongshu-export/notes/") and n.endswith(".json")}
    assert len(note_files) == 3  # hers only

    profile = json.loads(archive.read("hongshu-export/profile.json"))
    assert profile["handle"] == "nina"
    assert profile["display_name"] == "Nina 妮娜"
    comments = json.loads(archive.read("hongshu-export/comments.json"))
    assert sorted(c["body"] for c in comments) == ["Nina on Ann's followers note", "Thank you 谢谢"]
    on_followers_note = next(c for c in comments if c["note_id"] == str(notes["ann_followers"].pk))
    assert on_followers_note["note_title"] is None
    boards = json.loads(archive.read("hongshu-export/boards.json"))
    trips = next(b for b in boards if b["name"] == "Trips")
    assert trips["notes"] == [{"note_id": str(notes["ann_public"].pk), "title": "Ann public"}]
    anns = next(b for b in boards if b["name"] == "Ann's")
    assert anns["notes"] == [{"note_id": str(notes["ann_followers"].pk), "title": None}]
    follows = json.loads(archive.read("hongshu-export/follows.json"))
    assert [f["handle"] for f in follows["following"]] == ["ann"]
    assert [f["handle"] for f in follows["followers"]] == ["ann"]
    assert json.loads(archive.read("hongshu-export/blocks.json")) == []

    # Nothing of Ann's followers-only note (which Nina may read) nor of anyone else's notes' words.
    text = _every_text(archive)
    assert "Ann followers" not in text
    assert "Ann public body" not in text
    assert "Bob public" not in text
    assert "Lovely light" not in text  # Ann's comment on Nina's note is Ann's


def test_anns_export_lists_her_block(instance: Instance, openapi: OpenAPI) -> None:
    api = _api(openapi, instance.ann)
    api.post("/me/export")
    url = api.get("/me/export").json()["download_url"]
    archive = _zip(api.get(url.removeprefix("/api/v1")))
    assert [b["handle"] for b in json.loads(archive.read("hongshu-export/blocks.json"))] == ["bob"]


def test_only_the_member_downloads_their_export(instance: Instance, openapi: OpenAPI, problem: Any) -> None:
    nina, ann = instance.nina, instance.ann
    export = export_request(member=nina)
    export.refresh_from_db()
    assert export.state == DataExport.State.READY
    path = f"/me/export/{export.pk}/file"

    problem(_api(openapi, ann).get(path), 404, "export_not_found")
    assert ApiClient(openapi).get(path).status_code == 401
    problem(_api(openapi, ann).get("/me/export"), 404, "export_not_found")  # Ann has none

    web_ann = Client()
    web_ann.force_login(ann)
    assert web_ann.get(f"/me/export/{export.pk}").status_code == 404
    signed_out = Client().get(f"/me/export/{export.pk}")
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith("/signin/")
    # The key of the file has a random part and is served by no media route.
    assert str(export.pk) in export.file_key
    assert len(Path(export.file_key).stem.split("-", 1)[1]) == 32


@pytest.mark.parametrize(
    ("language", "heading", "ready"),
    [("en", "Your data", "Download your data"), ("zh-hans", "你的数据", "下载你的数据")],
)
def test_settings_page_asks_for_and_downloads_the_export(
    instance: Instance, language: str, heading: str, ready: str
) -> None:
    web = Client(enforce_csrf_checks=True, headers={"Accept-Language": language})
    web.force_login(instance.nina)
    page = web.get("/me/settings")
    assert heading in page.content.decode()
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else web.cookies["csrftoken"].value
    asked = web.post("/me/settings/export", {"csrfmiddlewaretoken": token})
    assert asked.status_code == 302
    export = DataExport.objects.get(member=instance.nina)
    assert export.state == DataExport.State.READY
    page = web.get("/me/settings").content.decode()
    assert ready in page
    assert f'href="/me/export/{export.pk}"' in page
    response = web.get(f"/me/export/{export.pk}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "hongshu-export/profile.json" in _zip(response).namelist()


def test_an_export_expires_and_its_file_is_deleted(
    instance: Instance, settings: Any, openapi: OpenAPI
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"export_expire_days": 2})
    export = export_request(member=instance.nina)
    export.refresh_from_db()
    assert export.expires_at is not None
    assert export.expires_at - export.finished_at == timedelta(days=2)  # type: ignore[operator]
    assert default_storage.exists(export.file_key)
    assert exports_expire() == 0
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        assert exports_expire() == 1
        problem_response = _api(openapi, instance.nina).get(f"/me/export/{export.pk}/file")
        assert problem_response.status_code == 404
    assert not default_storage.exists(export.file_key)
    export.refresh_from_db()
    assert export.state == DataExport.State.EXPIRED
    assert export_build(export_id=export.pk) is None  # only a pending export is built


def test_an_operator_writes_an_export_with_the_command(
    instance: Instance, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hongshu.cli import main as hongshu_main

    out = tmp_path / "nina.zip"
    hongshu_main(["export", "@nina", str(out)])
    captured = capsys.readouterr()
    assert "Wrote @nina's data export" in captured.out
    assert "export @nina: notes: 3/3 (100%)" in captured.err  # not a terminal: a plain line
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("hongshu-export/profile.json"))["handle"] == "nina"
