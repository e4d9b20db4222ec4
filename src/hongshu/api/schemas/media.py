from __future__ import annotations

from ninja import Schema

from hongshu.media.models import MediaAsset
from hongshu.media.urls_for import variant_urls


class MediaOut(Schema):
    id: str
    state: str
    error_code: str | None
    width: int
    height: int
    aspect_ratio: float
    blurhash: str | None
    urls: dict[str, str]

    @classmethod
    def of(cls, asset: MediaAsset) -> MediaOut:
        return cls.model_construct(
            id=str(asset.pk),
            state=asset.state,
            error_code=asset.error_code or None,
            width=asset.width,
            height=asset.height,
            aspect_ratio=asset.aspect_ratio,
            blurhash=asset.blurhash or None,
            urls=variant_urls(asset),
        )
