from __future__ import annotations

from django.urls import reverse

from hongshu.media.models import MediaAsset


def variant_urls(asset: MediaAsset) -> dict[str, str]:
    """Public paths of an asset's display variants, keyed by width ("360", "720", "1080")."""
    if asset.state != MediaAsset.State.READY:
        return {}
    return {
        width: reverse("media-variant", kwargs={"media_id": asset.pk, "width": int(width)})
        for width in sorted(asset.variants, key=int)
    }
