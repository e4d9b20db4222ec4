"""The visibility policy against a model in pure Python, over random histories of the social graph.

A hypothesis state machine follows, unfollows, approves and declines requests, blocks and unblocks, mutes,
toggles account privacy, deactivates authors, posts notes of every visibility (and drafts), changes their
visibility, publishes and deletes them. The service answers (including refusals) must match the model, and
after every step `Note.objects.visible_to(viewer)` (and `listed_for`) must return exactly the notes the model
says, for every viewer including a visitor.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from graph_rules import graph_rules
from hongshu.accounts.models import User
from hongshu.notes.models import Note
from hongshu.social.models import Follow

MEMBERS = 3
EXAMPLES = 30
member = st.integers(min_value=0, max_value=MEMBERS - 1)
visibility = st.sampled_from(["public", "followers", "private"])


class Model:
    def __init__(self) -> None:
        self.private: set[int] = set()
        self.inactive: set[int] = set()
        self.follows: dict[tuple[int, int], str] = {}
        self.blocks: set[tuple[int, int]] = set()
        self.mutes: set[tuple[int, int]] = set()
        # note id -> [author, visibility, published, deleted]
        self.notes: dict[int, list] = {}

    def blocked(self, a: int, b: int) -> bool:
        return (a, b) in self.blocks or (b, a) in self.blocks

    def visible(self, viewer: int | None) -> set[int]:
        seen = set()
        for note_id, (author, vis, published, deleted) in self.notes.items():
            if deleted or author in self.inactive:
                continue
            if viewer == author:
                seen.add(note_id)
            elif not published or vis == "private":
                continue
            elif viewer is None:
                if vis == "public":
                    seen.add(note_id)
            elif self.blocked(viewer, author):
                continue
            elif vis == "public" or self.follows.get((viewer, author)) == "accepted":
                seen.add(note_id)
        return seen

    def listed(self, viewer: int | None) -> set[int]:
        return {n for n in self.visible(viewer) if (viewer, self.notes[n][0]) not in self.mutes}


class VisibilityMachine(graph_rules(member), RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        User.objects.all().delete()  # each example starts from an empty graph (inside the test's transaction)
        self.users = [User.objects.create(handle=f"member{i}") for i in range(MEMBERS)]
        self.model = Model()

    @initialize(private=st.lists(st.booleans(), min_size=MEMBERS, max_size=MEMBERS))
    def start(self, private: list[bool]) -> None:
        """Every member starts with a note of each kind, so any change to the graph shows in what is seen."""
        for u, is_private in enumerate(private):
            if is_private:
                self.set_privacy(u, True)
            for vis in ("public", "followers", "private"):
                self.post(u, vis, draft=False)
            self.post(u, "followers", draft=True)

    def expect(self, error: type[Exception] | None, call) -> None:
        if error is None:
            call()
        else:
            with pytest.raises(error):
                call()

    @rule(u=member, active=st.booleans())
    def set_active(self, u: int, active: bool) -> None:
        User.objects.filter(pk=self.users[u].pk).update(is_active=active)
        self.users[u].is_active = active
        (self.model.inactive.discard if active else self.model.inactive.add)(u)

    @rule(author=member, vis=visibility, draft=st.booleans())
    def post(self, author: int, vis: str, draft: bool) -> None:
        note = Note.objects.create(
            author=self.users[author],
            title="t",
            visibility=vis,
            status=Note.Status.DRAFT if draft else Note.Status.PUBLISHED,
            published_at=None if draft else timezone.now(),
        )
        self.model.notes[note.pk] = [author, vis, not draft, False]

    @precondition(lambda self: self.model.notes)
    @rule(data=st.data(), vis=visibility)
    def change_note(self, data: st.DataObject, vis: str) -> None:
        note_id = data.draw(st.sampled_from(sorted(self.model.notes)))
        change = data.draw(st.sampled_from(["visibility", "publish", "delete"]))
        entry = self.model.notes[note_id]
        if change == "visibility":
            Note.objects.filter(pk=note_id).update(visibility=vis)
            entry[1] = vis
        elif change == "publish":
            Note.objects.filter(pk=note_id).update(status=Note.Status.PUBLISHED, published_at=timezone.now())
            entry[2] = True
        else:
            Note.objects.filter(pk=note_id).update(deleted_at=timezone.now())
            entry[3] = True

    @invariant()
    def policy_matches_the_model(self) -> None:
        for index, viewer in [(None, None), *enumerate(self.users)]:
            visible = set(Note.objects.visible_to(viewer).values_list("pk", flat=True))
            assert visible == self.model.visible(index), f"visible_to(member{index})"
            listed = set(Note.objects.listed_for(viewer).values_list("pk", flat=True))
            assert listed == self.model.listed(index), f"listed_for(member{index})"

    @invariant()
    def graph_matches_the_model(self) -> None:
        index = {u.pk: i for i, u in enumerate(self.users)}
        stored = {
            (index[a], index[b]): state
            for a, b, state in Follow.objects.values_list("follower_id", "followee_id", "state")
        }
        assert stored == self.model.follows


def test_visibility_policy_matches_a_pure_python_model(db: None) -> None:
    run_state_machine_as_test(
        VisibilityMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
