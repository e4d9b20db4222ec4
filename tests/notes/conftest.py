from __future__ import annotations

from collections.abc import Callable

import pytest

from hongshu.accounts.models import User
from hongshu.media.models import MediaAsset


@pytest.fixture
def ready_images(db: None) -> Callable[[User, int], list[str]]:
    """Processed images owned by a member, as API IDs. (Uploading itself is tested in tests/media.)"""

    def make(owner: User, count: int = 1) -> list[str]:
        assets = [
            MediaAsset.objects.create(
                owner=owner,
                state=MediaAsset.State.READY,
                content_type="image/jpeg",
                width=1080,
                height=1440,
                blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                variants={"360": f"media/x{i}/360.webp"},
            )
            for i in range(count)
        ]
        return [str(a.pk) for a in assets]

    return make
