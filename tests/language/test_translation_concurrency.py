"""Two readers asking for the same translation at the same moment: one upstream call, both get it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from standins import EN_BODY, ZH_BODY, dictionary_reply, stand_in

from hongshu.accounts.models import User
from hongshu.comments.services import comment_create
from hongshu.language.models import Translation
from hongshu.language.translation.service import ContentTranslation, comment_translate
from hongshu.notes.models import Note


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_translate_once(
    settings: Any, post_note: Callable[..., Note], make_member: Callable[..., User]
) -> None:
    cache.clear()
    nina, ann, bob = make_member("nina"), make_member("ann"), make_member("bob")
    note = post_note(nina, title="t", body="b")
    comment = comment_create(author=nina, note_id=note.pk, body=ZH_BODY)
    results: list[ContentTranslation] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def read(viewer: User) -> None:
        try:
            start.wait()
            results.append(comment_translate(viewer=viewer, comment_id=comment.pk, target="en"))
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()

    with stand_in("openai", dictionary_reply) as server:
        server.sleep = 0.5  # the first reader is still waiting upstream when the second arrives
        settings.HONGSHU = settings.HONGSHU.model_copy(
            update={"translation_provider": "openai", "translation_url": server.url}
        )
        threads = [threading.Thread(target=read, args=(viewer,)) for viewer in (ann, bob)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert not errors, errors
        assert server.count == 1
    assert [r.text for r in results] == [EN_BODY, EN_BODY]
    row = Translation.objects.get(object_id=comment.pk)
    assert (row.state, row.attempts) == ("done", 1)
