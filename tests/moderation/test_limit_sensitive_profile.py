"""The actions that restrict without removing (issue 25 item 3): limit, mark sensitive, remove a profile.

A limited note (or every note of a limited member) stays readable by its link, on its author's profile and in
the following feed of the author's followers, but the discovery surfaces — Explore, the newest notes, search,
topic and Nearby feeds, typing suggestions and topic search (public topic counts), hot topics — stop offering
it to anyone who does not follow the author, through the policy's discovery part
(`NoteQuerySet.discoverable_for`); a limited member is left out of member search and suggestions the same
way (`social.querysets.members_discoverable_for`). A sensitive note's photos are blurred until tapped; the API says
`sensitive`. A profile removal clears the display name, bio and avatar; its revert restores them. Each is
reversible and has its statement of reasons in both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from hongshu.accounts.models import Strike, User
from hongshu.media.models import MediaAsset
from hongshu.members.services import profile_save
from hongshu.moderation import actions
from hongshu.moderation.models import Action, Case
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, Place, note_create
from hongshu.search.models import PublicTopic
from hongshu.trends.selectors import _topic_counts

pytestmark = pytest.mark.django_db

WORD = "hotpotqz"  # only the test note's text holds it
TOPIC = "spicyqz"
REGION = "Chengdu"


def browser(user: User | None, language: str = "en") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _asset(owner: User) -> MediaAsset:
    return MediaAsset.objects.create(
        owner=owner,
        state=MediaAsset.State.READY,
        content_type="image/jpeg",
        width=1080,
        height=1440,
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        variants={"360": "media/x/360.webp"},
    )


def _post(author: User, title: str, after_commit: Any) -> Note:
    with after_commit():
        return note_create(
            author=author,
            title=title,
            body=f"{WORD} broth",
            images=[ImageSpec(media_id=_asset(author).pk)],
            topics=[TOPIC],
            place=Place(name=REGION),
            language="en",
        )


@pytest.fixture
def scene(  # noqa: PLR0917 - pytest fixtures
    rules: Any, staff_api: Any, nina: Any, ann: Any, bob: Any, after_commit: Any
) -> Any:
    """Nina writes a public note with a topic and a place; Ann follows her; Bob is a stranger."""
    assert ann[1].post("/accounts/nina/follow").status_code == 201
    note = _post(nina[0], "chilli hotpot", after_commit)
    return staff_api, nina, ann, bob, note


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {int(item["id"]) for item in response.json()["items"]}


def discovery_api(client: Any) -> dict[str, set[int]]:
    """What each discovery surface of the API offers this client (notes by id)."""
    return {
        "notes listing": _ids(client.get("/notes", data={"limit": 50})),
        "explore": _ids(client.get("/feeds/explore", data={"limit": 50})),
        "search": _ids(client.get("/search/notes", data={"q": WORD})),
        "topic latest": _ids(client.get(f"/topics/{TOPIC}/notes", data={"sort": "latest"})),
        "topic hot": _ids(client.get(f"/topics/{TOPIC}/notes", data={"sort": "hot"})),
        "nearby": _ids(client.get("/feeds/nearby", data={"region": REGION})),
    }


def discovery_pages(client: Client) -> dict[str, str]:
    """The same surfaces as HTML (cookie or signed out)."""
    return {
        "explore": client.get("/").content.decode(),
        "search": client.get("/search/", {"q": WORD}).content.decode(),
        "topic": client.get(f"/topics/{TOPIC}").content.decode(),
        "nearby": client.get("/nearby/", {"region": REGION}).content.decode(),
    }


def topics_offered(client: Any) -> set[str]:
    suggested = client.get("/search/suggest", data={"q": TOPIC[:4]}).json()
    found = client.get("/search/topics", data={"q": TOPIC[:4]}).json()["items"]
    return {s["value"] for s in suggested if s["kind"] == "topic"} | {t["name"] for t in found}


def _link(note: Note) -> str:
    return f'data-note-link="{note.pk}"'


def assert_discoverable(
    note: Note, *, clients: dict[str, Any], pages: dict[str, Client], shown: bool
) -> None:
    for who, client in clients.items():
        for surface, ids in discovery_api(client).items():
            assert (note.pk in ids) is shown, (who, surface)
    for who, page_client in pages.items():
        for surface, html in discovery_pages(page_client).items():
            assert (_link(note) in html) is shown, (who, surface)


def assert_still_readable(note: Note, *, api: Any, ann: Any, bob: Any, visitor: Client) -> None:
    """Direct link, the author's profile, the follower's following feed: unchanged by a limit."""
    for client in (api, ann[1], bob[1]):
        assert client.get(f"/notes/{note.pk}").status_code == 200
        assert note.pk in _ids(client.get("/accounts/nina/notes"))
    assert visitor.get(f"/notes/{note.pk}").status_code == 200
    assert _link(note) in visitor.get("/@nina").content.decode()
    assert note.pk in _ids(ann[1].get("/feeds/following"))
    assert _link(note) in browser(ann[0]).get("/following/").content.decode()


def test_limit_a_note_by_api_hides_it_from_discovery_for_non_followers_only(
    scene: Any, api: Any, after_commit: Any
) -> None:
    (_staff, staff_client), nina, ann, bob, note = scene
    visitor = browser(None)
    strangers = {"visitor": api, "stranger (token)": bob[1]}
    stranger_pages = {"visitor": visitor, "stranger (cookie)": browser(bob[0])}
    assert_discoverable(note, clients=strangers, pages=stranger_pages, shown=True)
    assert topics_offered(api) == {TOPIC}
    with after_commit():
        response = staff_client.post(
            "/staff/actions",
            json={
                "subject_type": "note",
                "subject_id": str(note.pk),
                "kinds": ["limit"],
                "rule": "spam",
                "facts": "Repeated ads.",
            },
        )
    assert response.status_code == 201, response.content
    [limited] = response.json()
    assert (limited["kind"], limited["effects"]) == ("limit", {"limited": True})
    assert "no longer shown in Explore" in limited["decision"]
    assert Strike.objects.filter(user=nina[0]).count() == 1  # a limit restricts: one strike
    assert_discoverable(note, clients=strangers, pages=stranger_pages, shown=False)
    # The public topic counts were re-counted through the index job: the topic is offered to no one.
    assert topics_offered(api) == topics_offered(bob[1]) == set()
    assert PublicTopic.objects.get(topic__name=TOPIC).notes == 0
    now = timezone.now()
    assert TOPIC.casefold() not in _topic_counts(now - timedelta(hours=1), now + timedelta(hours=1)).keys
    # The follower and the author still find it everywhere, and everyone still reads it directly.
    assert_discoverable(note, clients={"follower": ann[1], "author": nina[1]}, pages={}, shown=True)
    assert_still_readable(note, api=api, ann=ann, bob=bob, visitor=visitor)
    # Revert: offered to everyone again, the topic too.
    with after_commit():
        reverted = staff_client.post(f"/staff/actions/{limited['id']}/revert")
    assert reverted.status_code == 200
    assert Note.objects.get(pk=note.pk).limited is False
    assert_discoverable(note, clients=strangers, pages=stranger_pages, shown=True)
    assert topics_offered(api) == {TOPIC}
    assert not Strike.objects.filter(user=nina[0], removed_at__isnull=True).exists()


def test_limit_a_member_covers_their_notes_to_come(scene: Any, api: Any, after_commit: Any) -> None:
    (staff, _c), nina, ann, bob, note = scene
    with after_commit():
        [limit] = actions.act(
            staff=staff, subject_type="member", subject_id=nina[0].pk, kinds=["limit"], rule_code="spam"
        )
    later = _post(nina[0], "more hotpot", after_commit)
    for client in (api, bob[1]):
        offered = discovery_api(client)
        assert not {note.pk, later.pk} & set().union(*offered.values()), offered
    assert topics_offered(api) == set()
    # Member search and suggestions offer a limited member only to their followers (and themselves).
    for client, offered in ((api, False), (bob[1], False), (ann[1], True), (nina[1], True)):
        found = {m["handle"] for m in client.get("/search/members", data={"q": "nina"}).json()["items"]}
        suggested = {s["value"] for s in client.get("/search/suggest", data={"q": "nin"}).json()}
        assert ("nina" in found, "nina" in suggested) == (offered, offered)
    assert browser(None).get("/@nina").status_code == 200  # the profile itself stays reachable
    assert {note.pk, later.pk} <= _ids(ann[1].get("/search/notes", data={"q": WORD}))
    assert {note.pk, later.pk} <= _ids(ann[1].get("/feeds/following"))
    assert_still_readable(later, api=api, ann=ann, bob=bob, visitor=browser(None))
    with after_commit():
        actions.action_revert(staff=staff, action_id=limit.pk)
    assert {note.pk, later.pk} <= _ids(bob[1].get("/search/notes", data={"q": WORD}))
    assert topics_offered(api) == {TOPIC}
    assert "nina" in {m["handle"] for m in api.get("/search/members", data={"q": "nina"}).json()["items"]}


def test_two_limits_hold_until_both_are_reverted(scene: Any, api: Any, after_commit: Any) -> None:
    (staff, _c), _nina, _ann, _bob, note = scene
    made = [
        actions.act(staff=staff, subject_type="note", subject_id=note.pk, kinds=["limit"], rule_code=code)[0]
        for code in ("spam", "scam")
    ]
    assert [a.effects for a in made] == [{"limited": True}, {"limited": False}]
    actions.action_revert(staff=staff, action_id=made[0].pk)
    assert Note.objects.get(pk=note.pk).limited
    actions.action_revert(staff=staff, action_id=made[1].pk)
    assert not Note.objects.get(pk=note.pk).limited


def test_limit_and_sensitive_in_one_decision_from_the_case_page(
    scene: Any, api: Any, after_commit: Any
) -> None:
    (staff, _c), nina, ann, bob, note = scene
    bob[1].post("/reports", json={"subject_type": "note", "subject_id": str(note.pk), "rule": "spam"})
    case = Case.objects.get()
    client = browser(staff)
    form = client.get(f"/staff/cases/{case.pk}").content.decode()
    for kind in ("limit", "sensitive"):
        assert f'name="kinds" value="{kind}"' in form
    assert 'value="remove_profile"' not in form  # a note's case: no profile to remove
    with after_commit():
        response = client.post(
            f"/staff/cases/{case.pk}/act", {"kinds": ["limit", "sensitive"], "rule": "spam", "facts": "ads"}
        )
    assert response.status_code == 302
    assert sorted(Action.objects.values_list("kind", flat=True)) == ["limit", "sensitive"]
    assert Strike.objects.filter(user=nina[0]).count() == 1  # one decision, one strike
    stored = Note.objects.get(pk=note.pk)
    assert stored.limited
    assert stored.sensitive
    # Sensitive: blurred on the note page (a gate to open, no script needed) and on the follower's card.
    page = browser(ann[0]).get(f"/notes/{note.pk}").content.decode()
    assert '<details class="sensitive-gate" data-sensitive>' in page
    assert "gallery--sensitive" in page
    assert "Sensitive content" in page
    card = browser(ann[0]).get("/following/").content.decode()
    assert "cover--sensitive" in card
    assert "Sensitive content" in card
    assert "敏感内容" in browser(ann[0], "zh-hans").get(f"/notes/{note.pk}").content.decode()
    assert ann[1].get(f"/notes/{note.pk}").json()["sensitive"] is True
    assert ann[1].get("/feeds/following").json()["items"][0]["sensitive"] is True
    # Both statements, in the member's language.
    zh = browser(nina[0], "zh-hans").get("/me/decisions").content.decode()
    assert "限制" in zh
    assert "敏感" in zh
    # Reverting the mark takes the blur away at once (a new revision: no cached card shows the old state).
    sensitive = Action.objects.get(kind="sensitive")
    assert client.post(f"/staff/actions/{sensitive.pk}/revert").status_code == 302
    assert ann[1].get(f"/notes/{note.pk}").json()["sensitive"] is False
    assert "cover--sensitive" not in browser(ann[0]).get("/following/").content.decode()
    assert "sensitive-gate" not in browser(ann[0]).get(f"/notes/{note.pk}").content.decode()


def test_an_ordinary_note_is_not_marked(scene: Any, api: Any) -> None:
    *_rest, note = scene
    assert api.get(f"/notes/{note.pk}").json()["sensitive"] is False
    assert "sensitive-gate" not in browser(None).get(f"/notes/{note.pk}").content.decode()
    assert "cover--sensitive" not in browser(None).get("/").content.decode()


def test_profile_removal_by_api_and_revert_restore_everything(
    scene: Any, api: Any, after_commit: Any
) -> None:
    (_staff, staff_client), nina, _ann, _bob, _note = scene
    avatar = _asset(nina[0])
    profile_save(user=nina[0], display_name="Nina Pills", bio="cheap pills here", avatar_id=avatar.pk)
    before = api.get("/accounts/nina").json()
    assert (before["display_name"], before["bio"]) == ("Nina Pills", "cheap pills here")
    assert before["avatar"] is not None
    with after_commit():
        response = staff_client.post(
            "/staff/actions",
            json={"subject_type": "member", "subject_id": str(nina[0].pk), "kinds": ["remove_profile"]}
            | {"rule": "spam"},
        )
    assert response.status_code == 201, response.content
    [removal] = response.json()
    assert removal["effects"]["profile"] == {
        "display_name": "Nina Pills",
        "bio": "cheap pills here",
        "bio_language": "en",
        "avatar_id": str(avatar.pk),
    }
    cleared = api.get("/accounts/nina").json()
    assert (cleared["display_name"], cleared["bio"], cleared["avatar"]) == ("nina", "", None)
    assert "Nina Pills" not in browser(None).get("/@nina").content.decode()
    # Search no longer finds the old name.
    assert "nina" not in {
        m["handle"] for m in api.get("/search/members", data={"q": "Pills"}).json()["items"]
    }
    with after_commit():
        assert staff_client.post(f"/staff/actions/{removal['id']}/revert").status_code == 200
    after = api.get("/accounts/nina").json()
    assert (after["display_name"], after["bio"], after["avatar"]) == (
        before["display_name"],
        before["bio"],
        before["avatar"],
    )
    assert "Nina Pills" in browser(None).get("/@nina").content.decode()


def test_profile_removal_from_a_member_case_page(scene: Any, after_commit: Any) -> None:
    (staff, _c), nina, _ann, bob, _note = scene
    profile_save(user=nina[0], display_name="Nina Pills", bio="cheap pills")
    bob[1].post("/reports", json={"subject_type": "member", "subject_id": str(nina[0].pk), "rule": "spam"})
    case = Case.objects.get()
    client = browser(staff)
    form = client.get(f"/staff/cases/{case.pk}").content.decode()
    assert 'value="remove_profile"' in form
    assert 'value="limit"' in form
    assert 'value="sensitive"' not in form
    with after_commit():
        response = client.post(
            f"/staff/cases/{case.pk}/act", {"kinds": ["remove_profile", "warn"], "rule": "spam"}
        )
    assert response.status_code == 302
    nina[0].refresh_from_db()
    assert (nina[0].display_name, nina[0].bio) == ("nina", "")
    statements = nina[1].get("/me/decisions").json()
    assert {s["kind"] for s in statements} == {"remove_profile", "warn"}
    assert (
        "We removed your profile" in next(s for s in statements if s["kind"] == "remove_profile")["decision"]
    )
    zh = browser(nina[0], "zh-hans").get("/me/decisions").content.decode()
    assert "资料" in zh
    removal = Action.objects.get(kind="remove_profile")
    assert client.post(f"/staff/actions/{removal.pk}/revert").status_code == 302
    nina[0].refresh_from_db()
    assert (nina[0].display_name, nina[0].bio) == ("Nina Pills", "cheap pills")


def test_a_later_edit_by_the_member_is_kept_on_revert(scene: Any, after_commit: Any) -> None:
    (staff, _c), nina, *_rest = scene
    profile_save(user=nina[0], display_name="Nina Pills", bio="cheap pills")
    [removal] = actions.act(
        staff=staff, subject_type="member", subject_id=nina[0].pk, kinds=["remove_profile"], rule_code="spam"
    )
    profile_save(user=nina[0], bio="just hotpot now")
    actions.action_revert(staff=staff, action_id=removal.pk)
    nina[0].refresh_from_db()
    assert (nina[0].display_name, nina[0].bio) == ("Nina Pills", "just hotpot now")


@pytest.mark.parametrize(
    ("subject", "kind"),
    [("member", "sensitive"), ("note", "remove_profile"), ("comment", "limit")],
)
def test_kinds_on_the_wrong_subject_are_refused(
    scene: Any, problem: Callable[..., Any], subject: str, kind: str
) -> None:
    (_staff, staff_client), nina, ann, _bob, note = scene
    ids = {"member": nina[0].pk, "note": note.pk}
    if subject == "comment":
        ids["comment"] = int(ann[1].post(f"/notes/{note.pk}/comments", json={"body": "yum"}).json()["id"])
    response = staff_client.post(
        "/staff/actions",
        json={"subject_type": subject, "subject_id": str(ids[subject]), "kinds": [kind], "rule": "spam"},
    )
    problem(response, 422, "invalid_action")
