"""The one spelling of "a blocked pair cannot see each other".

Members reach it through the account policy, `User.objects.visible_to(viewer)`, and `access_account`
(`social.selectors`); the policies of things members make (notes, comments, notifications) exclude rows whose
author is in a blocked pair with the viewer through `blocked_with`. Nothing else names `Block` in a read.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from hongshu.social.models import Block


def blocked_with(viewer_id: int, user_field: str) -> Exists:
    """Correlated EXISTS: the user in `user_field` and the viewer are a blocked pair (either direction).

    Installed as the account policy's pair rule (`hongshu.accounts.querysets`) by `SocialConfig.ready`.
    """
    return Exists(
        Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=OuterRef(user_field))
            | Q(blocker_id=OuterRef(user_field), blocked_id=viewer_id)
        )
    )
