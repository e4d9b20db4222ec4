"""The account policy's queryset: which members a viewer may see (`User.objects.visible_to`).

The rule, for every surface that lists or opens a member (profile pages, member search, mention suggestions,
follow lists, the people named in comments):

- inactive (suspended, deleted) members: no one;
- anonymous viewers: every active member;
- a member: every active member except those they are in a blocked pair with (either direction).

Blocks belong to the social graph, a layer above accounts, so this module cannot name them. The graph
installs its one spelling of the pair rule at start-up (`hongshu.social.apps.SocialConfig.ready` calls
`install_pair_rule`); `visible_to` refuses to run without it rather than show blocked members.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Exists

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hongshu.accounts.models import User

# (viewer pk, name of a user-id field of the queried model) -> a correlated EXISTS that is true when the user
# in that field and the viewer are a blocked pair.
PairRule = Callable[[int, str], Exists]

_pair_rule: list[PairRule] = []


def install_pair_rule(rule: PairRule) -> None:
    """Set the rule that hides a blocked pair from each other (once; again with the same rule is a no-op)."""
    if _pair_rule and _pair_rule[0] is not rule:
        raise ImproperlyConfigured("The account policy's pair rule is installed already.")
    _pair_rule[:] = [rule]


def hidden_pair(viewer_id: int, user_field: str) -> Exists:
    """The installed pair rule, for `user_field` of the queried model."""
    if not _pair_rule:
        raise ImproperlyConfigured("No pair rule installed: is hongshu.social in INSTALLED_APPS?")
    return _pair_rule[0](viewer_id, user_field)


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, viewer: User | AnonymousUser | None) -> UserQuerySet:
        """Members `viewer` may see — the account policy; the rule lives here and nowhere else (see above).

        One SQL statement; like the note policy it reads the viewer only through `pk` and `is_authenticated`.
        A member always sees themself (one cannot block oneself).
        """
        live = self.filter(is_active=True)
        if viewer is None or not viewer.is_authenticated:
            return live
        return live.exclude(hidden_pair(viewer.pk, "pk"))
