"""Notes over the API: limits in user-perceived characters, drafts, edits with history, deletion, visibility."""

from __future__ import annotations

import pytest

from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note, NoteImage, NoteRevision, NoteTopic


def images(ids, alt="a photo"):
    return [{"media_id": i, "alt_text": alt} for i in ids]


def problem(response, status, code, field=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    if field:
        assert body["errors"][0]["field"] == field
    return body


@pytest.fixture
def author(member_api, ready_images):
    user, client = member_api("meimei", display_name="美美")
    client.ready = lambda n=1: ready_images(user, n)
    return client


def test_create_and_read_back_a_note(author, api):
    ids = author.ready(3)
    payload = {
        "title": "上海citywalk打卡",
        "body": "周末去了武康路 #citywalk #上海美食# 超出片！@nobody",
        "images": images(ids),
        "topics": ["旅行"],
        "place": {"name": "武康路, 上海", "lat": 31.2123456, "lng": 121.4371234},
    }
    response = author.post("/notes", json=payload)
    assert response.status_code == 201, response.content
    note = response.json()
    assert note["title"] == "上海citywalk打卡"
    assert [i["media"]["id"] for i in note["images"]] == ids
    assert [i["position"] for i in note["images"]] == [0, 1, 2]
    assert note["images"][0]["alt_text"] == "a photo"
    assert sorted(note["topics"]) == sorted(["旅行", "citywalk", "上海美食"])
    assert note["place"] == {"name": "武康路, 上海", "lat": 31.21, "lng": 121.44}  # coarse, never exact
    assert note["language"] == "zh-Hans"
    assert note["author"]["handle"] == "meimei"
    again = api.get(f"/notes/{note['id']}")
    assert again.status_code == 200
    assert again.json()["body"] == payload["body"]


def test_limits_count_graphemes_not_bytes(author):
    emoji_title = "👩‍👩‍👧‍👦" * 20  # 20 user-perceived characters, 220 code points
    assert (
        author.post("/notes", json={"title": emoji_title, "images": images(author.ready())}).status_code
        == 201
    )
    assert (
        author.post("/notes", json={"title": "红" * 20, "images": images(author.ready())}).status_code == 201
    )
    assert (
        author.post(
            "/notes", json={"title": "a" * 20, "body": "字" * 1000, "images": images(author.ready())}
        ).status_code
        == 201
    )
    ids = author.ready()
    problem(
        author.post("/notes", json={"title": "红" * 21, "images": images(ids)}),
        422,
        "title_too_long",
        "title",
    )
    problem(
        author.post("/notes", json={"title": "ok", "body": "🍜" * 1001, "images": images(ids)}),
        422,
        "body_too_long",
        "body",
    )
    assert not NoteImage.objects.filter(media_id=int(ids[0])).exists()


def test_image_count_limits(author):
    problem(author.post("/notes", json={"title": "no photos"}), 422, "images_required")
    ids = author.ready(19)
    problem(author.post("/notes", json={"title": "too many", "images": images(ids)}), 422, "too_many_images")
    assert author.post("/notes", json={"title": "eighteen", "images": images(ids[:18])}).status_code == 201
    problem(
        author.post("/notes", json={"title": "twice", "images": images([ids[18], ids[18]])}),
        422,
        "duplicate_image",
    )


def test_images_cannot_be_borrowed_or_reused(author, member_api, ready_images):
    other, _other_client = member_api("stranger")
    theirs = ready_images(other, 1)
    problem(author.post("/notes", json={"title": "theirs", "images": images(theirs)}), 422, "unknown_image")
    mine = author.ready()
    assert author.post("/notes", json={"title": "first", "images": images(mine)}).status_code == 201
    problem(author.post("/notes", json={"title": "second", "images": images(mine)}), 422, "image_in_use")
    failed = author.ready()
    MediaAsset.objects.filter(pk=int(failed[0])).update(state=MediaAsset.State.FAILED)
    problem(author.post("/notes", json={"title": "broken", "images": images(failed)}), 422, "image_failed")
    assert Note.objects.count() == 1  # nothing half-written


def test_topics_are_limited_and_validated(author):
    ids = author.ready()
    problem(
        author.post(
            "/notes", json={"title": "tags", "images": images(ids), "topics": [f"t{i}" for i in range(11)]}
        ),
        422,
        "too_many_topics",
    )
    problem(
        author.post("/notes", json={"title": "tags", "images": images(ids), "topics": ["a b"]}),
        422,
        "invalid_topic",
    )
    response = author.post(
        "/notes", json={"title": "tags", "images": images(ids), "topics": ["Food", "FOOD", "food"]}
    )
    assert response.json()["topics"] == ["Food"]


def test_mentions_are_stored(author, make_member):
    make_member("Lily")
    response = author.post(
        "/notes", json={"title": "hi", "body": "with @lily and @ghost_user", "images": images(author.ready())}
    )
    assert response.json()["mentions"] == ["Lily"]


@pytest.mark.parametrize(
    "payload",
    [
        {"title": 5, "images": []},
        {"title": "x", "images": "nope"},
        {"title": "x", "images": [{"media_id": "abc"}]},
        {"title": "x", "images": [{"alt_text": "no id"}]},
        {"title": "x", "visibility": "everyone"},
        {"title": "x", "place": {"name": "p", "lat": "north"}},
    ],
)
def test_wrong_types_are_problems(author, payload):
    problem(author.post("/notes", json=payload), 422, "invalid_input")
    assert not Note.objects.exists()


def test_coordinates_out_of_range(author):
    body = {"title": "x", "images": images(author.ready()), "place": {"name": "p", "lat": 91, "lng": 0}}
    problem(author.post("/notes", json=body), 422, "invalid_coordinates")


def test_drafts_then_publish(author, api):
    draft = author.post("/notes", json={"title": "", "body": "half an idea", "draft": True}).json()
    assert draft["status"] == "draft"
    problem(api.get(f"/notes/{draft['id']}"), 404, "note_not_found")
    assert [n["id"] for n in author.get("/notes/drafts").json()["items"]] == [draft["id"]]
    problem(author.patch(f"/notes/{draft['id']}", json={"publish": True}), 422, "title_required")
    ids = author.ready()
    published = author.patch(
        f"/notes/{draft['id']}", json={"title": "Ready", "images": images(ids), "publish": True}
    )
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert api.get(f"/notes/{draft['id']}").status_code == 200
    assert not NoteRevision.objects.exists()  # drafts have no public history


def test_edit_keeps_history_and_replaces_images(author, api):
    first = author.ready(2)
    note = author.post(
        "/notes", json={"title": "v1", "body": "old #oldtag", "topics": ["keep"], "images": images(first)}
    ).json()
    second = author.ready()
    edited = author.patch(
        f"/notes/{note['id']}",
        json={"title": "v2", "body": "new text #newtag", "images": images([first[1], *second])},
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["title"] == "v2"
    assert edited.json()["edited_at"]
    assert sorted(edited.json()["topics"]) == ["keep", "newtag"]
    assert [i["media"]["id"] for i in edited.json()["images"]] == [first[1], second[0]]
    assert not MediaAsset.objects.filter(pk=int(first[0])).exists()  # the dropped photo is gone
    history = author.get(f"/notes/{note['id']}/history").json()
    assert [(h["title"], h["body"]) for h in history] == [("v1", "old #oldtag")]
    assert history[0]["image_ids"] == first
    problem(api.get(f"/notes/{note['id']}/history"), 401, "not_authenticated")


def test_only_the_author_edits_or_deletes(author, member_api):
    note = author.post("/notes", json={"title": "mine", "images": images(author.ready())}).json()
    _other, other = member_api("intruder")
    problem(other.patch(f"/notes/{note['id']}", json={"title": "hacked"}), 403, "not_author")
    problem(other.delete(f"/notes/{note['id']}"), 403, "not_author")
    assert Note.objects.get(pk=int(note["id"])).title == "mine"


def test_delete_hides_everywhere(author, api):
    note = author.post("/notes", json={"title": "bye", "images": images(author.ready())}).json()
    assert author.delete(f"/notes/{note['id']}").status_code == 204
    problem(api.get(f"/notes/{note['id']}"), 404, "note_not_found")
    problem(author.get(f"/notes/{note['id']}"), 404, "note_not_found")
    assert api.get("/notes").json()["items"] == []
    assert api.get("/accounts/meimei/notes").json()["items"] == []


def test_visibility_private_and_followers(author, api, member_api):
    ids = author.ready(2)
    private = author.post(
        "/notes", json={"title": "only me", "visibility": "private", "images": images(ids[:1])}
    ).json()
    followers = author.post(
        "/notes", json={"title": "friends", "visibility": "followers", "images": images(ids[1:])}
    ).json()
    _stranger, stranger = member_api("stranger")
    for viewer in (api, stranger):
        problem(viewer.get(f"/notes/{private['id']}"), 404, "note_not_found")
        problem(viewer.get(f"/notes/{followers['id']}"), 404, "note_not_found")
        assert viewer.get("/accounts/meimei/notes").json()["items"] == []
    own = [n["title"] for n in author.get("/accounts/meimei/notes").json()["items"]]
    assert own == ["friends", "only me"]


def test_language_detection_and_author_correction(author):
    english = author.post(
        "/notes",
        json={
            "title": "Best tacos",
            "body": "Found the best tacos in Austin today",
            "images": images(author.ready()),
        },
    )
    assert english.json()["language"] == "en"
    traditional = author.post(
        "/notes",
        json={
            "title": "台灣夜市",
            "body": "這家滷肉飯真的超級好吃，還會再來",
            "images": images(author.ready()),
        },
    )
    assert traditional.json()["language"] == "zh-Hant"
    corrected = author.post(
        "/notes", json={"title": "hmm", "language": "ja", "images": images(author.ready())}
    )
    assert corrected.json()["language"] == "ja"
    problem(
        author.post("/notes", json={"title": "x", "language": "xx", "images": images(author.ready())}),
        422,
        "unknown_language",
    )


def test_latest_notes_pages_with_cursor(author, api):
    created = [
        author.post("/notes", json={"title": f"n{i}", "images": images(author.ready())}).json()["id"]
        for i in range(5)
    ]
    first = api.get("/notes?limit=2").json()
    second = api.get(f"/notes?limit=2&cursor={first['next_cursor']}").json()
    third = api.get(f"/notes?limit=2&cursor={second['next_cursor']}").json()
    seen = [n["id"] for page in (first, second, third) for n in page["items"]]
    assert seen == list(reversed(created))
    assert third["next_cursor"] is None
    problem(api.get("/notes?cursor=abc"), 422, "invalid_cursor")
    problem(api.get("/notes?limit=500"), 422, "invalid_input")


def test_listing_costs_a_fixed_number_of_queries(author, api, count_queries):
    def queries_for_listing():
        with count_queries() as ctx:
            assert api.get("/notes?limit=50").status_code == 200
        return len(ctx.captured_queries)

    author.post("/notes", json={"title": "one", "images": images(author.ready(3)), "topics": ["a"]})
    few = queries_for_listing()
    for i in range(6):
        author.post(
            "/notes", json={"title": f"more {i}", "images": images(author.ready(2)), "topics": [f"t{i}"]}
        )
    # 5 queries for 1 or 7 notes on both databases; signed in, and other pages: tests/web/test_query_budgets.py
    assert few == queries_for_listing() == 5


def test_nothing_half_written_when_a_topic_is_bad(author):
    ids = author.ready()
    problem(
        author.post("/notes", json={"title": "x", "images": images(ids), "topics": ["#"]}),
        422,
        "invalid_topic",
    )
    assert not Note.objects.exists()
    assert not NoteTopic.objects.exists()
