"""What members write is shown as text, never interpreted as HTML, on every page that renders it."""

from __future__ import annotations

from django.test import Client

from hongshu.accounts.services import account_update_profile
from hongshu.comments.services import comment_create

ATTACK = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_notes_profiles_and_comments_render_markup_as_text(make_member, post_note):
    author = make_member("mallory", display_name="<b>bold</b>")
    account_update_profile(user=author, bio=ATTACK)
    note = post_note(author, title="<i>hi</i>", body=ATTACK)
    comment_create(author=author, note_id=note.pk, body=ATTACK)
    client = Client()
    for path in ("/", f"/notes/{note.pk}", "/@mallory"):
        page = client.get(path).content.decode()
        assert "<script>alert(1)" not in page, path
        assert 'onerror="alert(2)"' not in page, path
        assert "<b>bold</b>" not in page, path
    note_page = client.get(f"/notes/{note.pk}").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in note_page  # shown, escaped
    assert "&lt;i&gt;hi&lt;/i&gt;" in note_page


def test_mentions_in_a_note_link_to_profiles(make_member, post_note):
    make_member("lily_chen")
    note = post_note(make_member("writer"), title="hi", body="dinner with @lily_chen #火锅")
    page = Client().get(f"/notes/{note.pk}").content.decode()
    assert '<a class="mention" href="/@lily_chen">@lily_chen</a>' in page
    assert '<a class="topic" href="/topics/%E7%81%AB%E9%94%85">#火锅</a>' in page
