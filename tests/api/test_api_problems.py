"""Every error the API gives is an RFC 9457 problem (issue 20, item 8), and IDs in the API are strict (items 6-7)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, RequestFactory
from ninja.errors import AuthorizationError, HttpError, Throttled

from hongshu.accounts.models import User
from hongshu.api import api as api_v1
from hongshu.core.ids import MAX_ID
from hongshu.notes.models import Note

OVERLONG = "9" * 20
PAST_64_BITS = str(MAX_ID + 1)  # nineteen digits, one more than a signed 64-bit column holds
ApiClient = Any  # tests/conftest.py's schema-checking client


def check_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """An RFC 9457 answer with this status and stable code (as tests/conftest.py's `problem`)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code), body
    assert body["title"]
    return body


@pytest.fixture
def alice(member_api: Callable[..., tuple[User, ApiClient]]) -> tuple[User, ApiClient]:
    return member_api("alice")


@pytest.fixture
def note(alice: tuple[User, ApiClient], post_note: Callable[..., Note]) -> Note:
    return post_note(alice[0], title="by the sea")


# Item 6: a Unicode digit as a cursor or an ID.


@pytest.mark.parametrize("cursor", ["²", "١٢", PAST_64_BITS])
def test_unicode_digit_cursor_is_a_422_not_a_500(api: ApiClient, note: Note, cursor: str) -> None:
    check_problem(api.get("/notes", data={"cursor": cursor}), 422, "invalid_cursor")
    check_problem(api.get(f"/notes/{note.pk}/comments", data={"cursor": cursor}), 422, "invalid_cursor")
    check_problem(api.get("/accounts/alice/notes", data={"cursor": cursor}), 422, "invalid_cursor")


@pytest.mark.parametrize("board_id", ["²", "١٢", "１２", PAST_64_BITS, OVERLONG, "0"])
def test_unicode_digit_or_overlong_board_id_is_a_422_not_a_500(
    alice: tuple[User, ApiClient], note: Note, board_id: str
) -> None:
    _user, api = alice
    body = check_problem(
        api.post(f"/notes/{note.pk}/collect", json={"board_id": board_id}), 422, "invalid_input"
    )
    assert body["errors"][0]["field"].endswith("board_id")


@pytest.mark.parametrize("media_id", ["²", "١٢", PAST_64_BITS])
def test_unicode_digit_or_overlong_photo_id_is_a_422_not_a_500(
    alice: tuple[User, ApiClient], media_id: str
) -> None:
    _user, api = alice
    response = api.post(
        "/notes", json={"title": "t", "images": [{"media_id": media_id}], "visibility": "public"}
    )
    check_problem(response, 422, "invalid_input")


@pytest.mark.parametrize("avatar_id", ["²", "١٢", PAST_64_BITS])
def test_unicode_digit_or_overlong_avatar_id_is_a_422_not_a_500(
    alice: tuple[User, ApiClient], avatar_id: str
) -> None:
    _user, api = alice
    body = check_problem(api.patch("/accounts/me", json={"avatar_id": avatar_id}), 422, "invalid_input")
    assert body["errors"][0]["field"].endswith("avatar_id")


# Item 7: IDs past 64 bits in API paths.


@pytest.mark.parametrize("entry_id", [OVERLONG, PAST_64_BITS])
def test_overlong_search_history_id_is_a_422_not_a_500(alice: tuple[User, ApiClient], entry_id: str) -> None:
    _user, api = alice
    check_problem(api.delete(f"/me/search-history/{entry_id}"), 422, "invalid_input")


@pytest.mark.parametrize(
    "path", [f"/notes/{OVERLONG}", f"/comments/{PAST_64_BITS}", f"/notes/{OVERLONG}/comments"]
)
def test_overlong_path_ids_are_a_422_not_a_500(api: ApiClient, path: str) -> None:
    check_problem(api.get(path), 422, "invalid_input")


# Item 8: request bodies the API cannot read, unknown paths and methods.


def test_multipart_without_a_boundary_is_a_400_not_a_500(alice: tuple[User, ApiClient]) -> None:
    _user, api = alice
    response = api.post("/media", data=b"--x\r\n", content_type="multipart/form-data")
    check_problem(response, 400, "malformed_request")


def test_a_json_body_over_the_size_limit_is_a_413_not_a_500(
    alice: tuple[User, ApiClient], settings: Any
) -> None:
    _user, api = alice
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = b'{"title": "' + b"x" * 2048 + b'", "images": [], "visibility": "public", "draft": true}'
    response = api.post("/notes", data=body, content_type="application/json")
    check_problem(response, 413, "payload_too_large")


def _json_operations(openapi_document: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for path, operations in openapi_document["paths"].items():
        for method, operation in operations.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                found.append(
                    (method, path.replace("{handle}", "alice").replace("_id}", "_id}").format_map(_Ids()))
                )
    return found


class _Ids(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "1"


def test_a_malformed_json_body_is_a_problem_on_every_operation_that_takes_one(
    alice: tuple[User, ApiClient],
) -> None:
    user, api = alice
    user.is_staff = True  # staff operations check who asks before reading the body
    user.save(update_fields=["is_staff"])
    document = Client().get("/api/v1/openapi.json").json()
    operations = _json_operations(document)
    assert len(operations) >= 11  # the operations that answered Ninja's own {"detail": ...} before
    for method, path in operations:
        response = api.call(
            method, path.removeprefix("/api/v1"), data=b'{"title": ', content_type="application/json"
        )
        check_problem(response, 400, "malformed_request")


@pytest.mark.parametrize("body", [b"null", b"[]", b"12", b'"text"'])
def test_a_json_body_that_is_not_an_object_is_a_400_not_accepted(
    alice: tuple[User, ApiClient], body: bytes
) -> None:
    _user, api = alice
    response = api.patch("/accounts/me/privacy", data=body, content_type="application/json")
    check_problem(response, 400, "malformed_request")  # `null` was taken as "change nothing" (a 200)
    check_problem(api.post("/boards", data=body, content_type="application/json"), 400, "malformed_request")


@pytest.mark.parametrize("value", [0.0, 1, "yes", "false"])
def test_a_switch_takes_only_true_or_false_not_a_number_or_string(
    alice: tuple[User, ApiClient], value: object
) -> None:
    # Found by schemathesis: {"likes_public": 0.0} was read as false and saved.
    user, api = alice
    check_problem(api.patch("/accounts/me/privacy", json={"likes_public": value}), 422, "invalid_input")
    check_problem(api.post("/boards", json={"name": "pics", "is_public": value}), 422, "invalid_input")
    check_problem(api.patch("/accounts/me", json={"show_pinyin": value}), 422, "invalid_input")
    from hongshu.interactions.models import Board

    assert not Board.objects.filter(owner=user, name="pics").exists()
    assert api.patch("/accounts/me/privacy", json={"likes_public": False}).status_code == 200


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (HttpError(400, "Cannot parse request body"), 400, "malformed_request"),
        (AuthorizationError(), 403, "forbidden"),
        (Throttled(wait=3), 429, "rate_limited"),
    ],
)
def test_ninjas_own_http_errors_are_problems(error: HttpError, status: int, code: str) -> None:
    request = RequestFactory().get("/api/v1/notes")
    response = api_v1.on_exception(request, error)
    assert response["Content-Type"] == "application/problem+json"  # was Ninja's {"detail": ...}
    body = json.loads(response.content)
    assert (response.status_code, body["status"], body["code"]) == (status, status, code)


def test_an_unknown_path_under_the_api_is_a_problem_not_an_html_page(api: ApiClient) -> None:
    for path in ("/api/v1/nope", "/api/v1/notes/1/nope", "/api/v1/"):
        response = Client().get(path)
        check_problem(response, 404, "not_found")
        assert response.json()["instance"] == path


def test_a_method_an_operation_lacks_is_a_405_problem_with_allow(api: ApiClient) -> None:
    response = Client().put("/api/v1/notes")
    check_problem(response, 405, "method_not_allowed")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_the_schema_documents_every_problem_status(api: ApiClient) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    for operations in document["paths"].values():
        for operation in operations.values():
            for status in ("400", "404", "405", "413", "422", "500"):
                content = operation["responses"][status]["content"]
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def test_operation_ids_stay_those_of_the_handlers_old_modules(api: ApiClient) -> None:
    # The handlers moved from each app (`hongshu/notes/api.py`, ...) into the `hongshu.api` package; clients
    # generate code from the operation ids, so those stay what Ninja made of the old module paths.
    document = Client().get("/api/v1/openapi.json").json()
    ids = {
        (method, path): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert len(set(ids.values())) == len(ids)
    assert ids["post", "/api/v1/accounts"] == "hongshu_accounts_api_sign_up"
    assert ids["get", "/api/v1/accounts/{handle}/notes"] == "hongshu_notes_api_notes_of_account"
    assert ids["post", "/api/v1/accounts/{handle}/follow"] == "hongshu_social_api_follow"
    assert ids["get", "/api/v1/names/suggest"] == "hongshu_language_names_api_suggest"
    assert ids["get", "/api/v1/search/notes"] == "hongshu_search_api_search_notes"
    assert ids["post", "/api/v1/media"] == "hongshu_media_api_upload_media"
    # Modules added since the move (staff, email, ...) get Ninja's ids from their own path: `hongshu_api_<module>_`.
    old_ids = {operation_id for operation_id in ids.values() if not operation_id.startswith("hongshu_api_")}
    assert {operation_id.split("_api_")[0] for operation_id in old_ids} == {
        "hongshu_accounts",
        "hongshu_comments",
        "hongshu_language",
        "hongshu_language_names",
        "hongshu_media",
        "hongshu_notes",
        "hongshu_notifications",
        "hongshu_search",
        "hongshu_social",
        "hongshu_trends",
    }


# Item 8: BCP 47 `zh` at sign-up.


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        (["zh"], ["zh-Hans"]),
        (["zh-CN"], ["zh-Hans"]),
        (["zh-TW", "zh-Hant"], ["zh-Hant"]),
        (["zh-hant-cn"], ["zh-Hant"]),
        (["zh_HK"], ["zh-Hant"]),
        (["en-GB", "EN"], ["en"]),
        (["zh-Hans", "ja"], ["zh-Hans", "ja"]),
    ],
)
def test_bcp47_zh_at_sign_up_is_simplified_chinese(
    api: ApiClient, sent: list[str], stored: list[str]
) -> None:
    response = api.post(
        "/accounts", json={"handle": "lin", "password": "correct horse battery", "languages": sent}
    )
    assert response.status_code == 201, response.content
    assert response.json()["account"]["languages"] == stored


def test_an_unknown_language_is_still_refused(api: ApiClient) -> None:
    response = api.post(
        "/accounts", json={"handle": "lin", "password": "correct horse battery", "languages": ["xx"]}
    )
    check_problem(response, 422, "unknown_language")


@pytest.mark.django_db
def test_the_openapi_document_has_no_duplicate_keys() -> None:
    """Swagger UI reads the document with a YAML parser, which refuses a key twice in one object (an
    `openapi_extra` response keyed "200" beside the generated 200 once broke the docs page)."""
    import json

    from django.test import Client

    duplicates: list[str] = []

    def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=unique)
    assert duplicates == []
