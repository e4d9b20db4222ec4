"""The account policy against a model in pure Python, over random histories of blocks and deactivations.

A hypothesis state machine blocks, unblocks, deactivates and reactivates members. After every step
`members_visible_to(viewer)` and `access_account` must answer exactly what the model says, for every
viewer including a visitor, and so must the surfaces that list members: member search, mention suggestions
and the authors of a note's comments. A rule opens a random profile page (HTML and API) as a random viewer.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from hongshu.accounts.models import User
from hongshu.comments.selectors import comments_of_note
from hongshu.comments.services import comment_create
from hongshu.core.errors import Conflict, NotFound
from hongshu.notes.models import Note
from hongshu.search.selectors import search_members
from hongshu.search.services import member_index
from hongshu.social import services
from hongshu.social.querysets import members_visible_to
from hongshu.social.selectors import access_account, accounts_by_handle_prefix

MEMBERS = 4
EXAMPLES = 5
member = st.integers(min_value=0, max_value=MEMBERS - 1)
viewer_index = st.one_of(st.none(), member)


class Model:
    def __init__(self) -> None:
        self.inactive: set[int] = set()
        self.blocks: set[tuple[int, int]] = set()

    def visible(self, viewer: int | None) -> set[int]:
        return {
            i
            for i in range(MEMBERS)
            if i not in self.inactive
            and (viewer is None or ((viewer, i) not in self.blocks and (i, viewer) not in self.blocks))
        }


class AccountPolicyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        User.objects.all().delete()  # each example starts from an empty graph (inside the test's transaction)
        self.users = [User.objects.create(handle=f"member{i}") for i in range(MEMBERS)]
        for user in self.users:
            member_index(user_id=user.pk)
        # A host nobody blocks, with one public note that every member commented on.
        host = User.objects.create(handle="host")
        self.note = Note.objects.create(
            author=host, title="Hotpot night", status=Note.Status.PUBLISHED, published_at=timezone.now()
        )
        for user in self.users:
            comment_create(author=user, note_id=self.note.pk, body=f"from {user.handle}")
        self.model = Model()
        self.client = Client()

    def viewer(self, index: int | None) -> User | None:
        return None if index is None else self.users[index]

    @rule(a=member, b=member)
    def block(self, a: int, b: int) -> None:
        if a == b:
            return
        if (a, b) in self.model.blocks:
            with pytest.raises(Conflict):
                services.block_create(blocker=self.users[a], blocked=self.users[b])
        else:
            services.block_create(blocker=self.users[a], blocked=self.users[b])
            self.model.blocks.add((a, b))

    @rule(a=member, b=member)
    def unblock(self, a: int, b: int) -> None:
        if (a, b) in self.model.blocks:
            services.block_delete(blocker=self.users[a], blocked=self.users[b])
            self.model.blocks.discard((a, b))
        else:
            with pytest.raises(NotFound):
                services.block_delete(blocker=self.users[a], blocked=self.users[b])

    @rule(i=member, active=st.booleans())
    def set_active(self, i: int, active: bool) -> None:
        user = self.users[i]
        user.is_active = active
        user.save(update_fields=["is_active"])
        (self.model.inactive.discard if active else self.model.inactive.add)(i)

    @rule(viewer=viewer_index, shown=member)
    def open_profile(self, viewer: int | None, shown: int) -> None:
        """The profile page and the API's account read, as a visitor or a signed-in active member."""
        if viewer is not None and viewer in self.model.inactive:
            viewer = None  # an inactive account cannot sign in: it browses as a visitor
        self.client.logout()
        if viewer is not None:
            self.client.force_login(self.users[viewer])
        expected = 200 if shown in self.model.visible(viewer) else 404
        handle = self.users[shown].handle
        assert self.client.get(f"/@{handle}").status_code == expected, (viewer, shown)
        assert self.client.get(f"/api/v1/accounts/{handle}").status_code == expected, (viewer, shown)

    def _indexes(self, users: list[User]) -> set[int]:
        index = {u.pk: i for i, u in enumerate(self.users)}
        return {index[u.pk] for u in users if u.pk in index}

    @invariant()
    def policy_matches_the_model(self) -> None:
        pks = [u.pk for u in self.users]
        for index in (None, *range(MEMBERS)):
            viewer, expected = self.viewer(index), self.model.visible(index)
            seen = self._indexes(list(members_visible_to(viewer).filter(pk__in=pks)))
            assert seen == expected, f"visible_to({index})"
            for target, user in enumerate(self.users):
                try:
                    access_account(viewer=viewer, handle=user.handle.upper())
                    opened = True
                except NotFound:
                    opened = False
                assert opened == (target in expected), f"access_account({index}, {target})"

    @invariant()
    def surfaces_agree_with_the_policy(self) -> None:
        for index in (None, *range(MEMBERS)):
            viewer, expected = self.viewer(index), self.model.visible(index)
            found = self._indexes(search_members(viewer=viewer, query="member").items)
            assert found == expected, f"search_members({index})"
            page = comments_of_note(viewer=viewer, note_id=self.note.pk, cursor=None)
            authors = self._indexes([view.comment.author for view in page.items])
            assert authors == expected, f"comments_of_note({index})"
            if viewer is not None:
                suggested = self._indexes(accounts_by_handle_prefix(viewer=viewer, prefix="mem"))
                assert suggested == expected - {index}, f"accounts_by_handle_prefix({index})"


def test_account_policy_and_member_surfaces_match_a_pure_python_model(db: None) -> None:
    run_state_machine_as_test(
        AccountPolicyMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
