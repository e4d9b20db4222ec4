"""The social graph's steps, shared by the hypothesis state machines that check visibility against a model
(tests/social/test_social_visibility_machine.py: the note queryset; tests/policy/test_surfaces_machine.py:
every surface). Each step calls the graph's service, expects the refusal the model predicts (or none), and
then updates the model the same way the service changed the database.

`graph_rules(member)` makes the mixin for a machine whose members are drawn by `member`; the machine provides
`users` (User per member number), `model` (with `private`, `inactive`, `follows`, `blocks`, `mutes` and
`blocked(a, b)`) and `expect(error, call)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import rule

from hongshu.core.errors import Conflict, InvalidInput, NotFound
from hongshu.social import services
from hongshu.social.models import Follow


def graph_rules(member: st.SearchStrategy[int]) -> type:
    class GraphRules:
        users: list[Any]
        model: Any
        expect: Callable[[type[Exception] | None, Callable[[], object]], None]

        @rule(a=member, b=member)
        def follow(self, a: int, b: int) -> None:
            m = self.model
            error = (
                InvalidInput
                if a == b
                else NotFound
                if b in m.inactive or m.blocked(a, b)
                else Conflict
                if (a, b) in m.follows
                else None
            )
            self.expect(error, lambda: services.follow_create(follower=self.users[a], followee=self.users[b]))
            if error is None:
                m.follows[(a, b)] = "pending" if b in m.private else "accepted"

        @rule(a=member, b=member)
        def unfollow(self, a: int, b: int) -> None:
            error = None if (a, b) in self.model.follows else NotFound
            self.expect(error, lambda: services.follow_delete(follower=self.users[a], followee=self.users[b]))
            self.model.follows.pop((a, b), None)

        @rule(owner=member, follower=member, approve=st.booleans())
        def answer_request(self, owner: int, follower: int, approve: bool) -> None:
            pending = self.model.follows.get((follower, owner)) == "pending"
            row = Follow.objects.filter(follower=self.users[follower], followee=self.users[owner]).first()
            request_id = row.pk if row else 1
            action = services.follow_request_approve if approve else services.follow_request_decline
            self.expect(
                None if pending else NotFound, lambda: action(owner=self.users[owner], request_id=request_id)
            )
            if pending:
                if approve:
                    self.model.follows[(follower, owner)] = "accepted"
                else:
                    del self.model.follows[(follower, owner)]

        @rule(a=member, b=member)
        def block(self, a: int, b: int) -> None:
            m = self.model
            error = InvalidInput if a == b else Conflict if (a, b) in m.blocks else None
            self.expect(error, lambda: services.block_create(blocker=self.users[a], blocked=self.users[b]))
            if error is None:
                m.blocks.add((a, b))
                m.follows.pop((a, b), None)
                m.follows.pop((b, a), None)

        @rule(a=member, b=member)
        def unblock(self, a: int, b: int) -> None:
            error = None if (a, b) in self.model.blocks else NotFound
            self.expect(error, lambda: services.block_delete(blocker=self.users[a], blocked=self.users[b]))
            self.model.blocks.discard((a, b))

        @rule(a=member, b=member, on=st.booleans())
        def mute(self, a: int, b: int, on: bool) -> None:
            m = self.model
            if on:
                error = InvalidInput if a == b else Conflict if (a, b) in m.mutes else None
                self.expect(error, lambda: services.mute_create(muter=self.users[a], muted=self.users[b]))
                if error is None:
                    m.mutes.add((a, b))
            else:
                error = None if (a, b) in m.mutes else NotFound
                self.expect(error, lambda: services.mute_delete(muter=self.users[a], muted=self.users[b]))
                m.mutes.discard((a, b))

        @rule(u=member, private=st.booleans(), choice=st.sampled_from([None, "accept", "decline"]))
        def set_privacy(self, u: int, private: bool, choice: str | None = None) -> None:
            m = self.model
            pending = [pair for pair, state in m.follows.items() if pair[1] == u and state == "pending"]
            going_public = not private and u in m.private
            # Going public with requests pending needs a choice; requests of deactivated accounts do not count.
            refused = going_public and choice is None and any(a not in m.inactive for a, _b in pending)
            self.expect(
                InvalidInput if refused else None,
                lambda: services.account_set_privacy(
                    user=self.users[u],
                    is_private=private,
                    pending_requests=choice,  # type: ignore[arg-type]
                ),
            )
            if refused:
                return
            if private:
                m.private.add(u)
            elif going_public:
                m.private.discard(u)
                for pair in pending:
                    if choice == "accept":
                        m.follows[pair] = "accepted"
                    else:
                        del m.follows[pair]

    return GraphRules
