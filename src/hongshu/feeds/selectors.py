"""Feed reads shared by the pages (the following feed itself is `feeds.following`)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from hongshu.accounts.models import User

Viewer = User | AnonymousUser | None
