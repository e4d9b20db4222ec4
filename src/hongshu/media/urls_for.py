from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

from hongshu.media.models import MediaAsset

# Reversed once per script prefix and filled in per asset: `reverse()` is slow next to string formatting,
# and a page of 20 notes asks for 60 variant paths (docs/benchmarks.md#media-url-reversal).
_MEDIA_ID, _WIDTH = 918273645, 546372819


@lru_cache(maxsize=8)
def _variant_template(script_prefix: str) -> str:
    path = reverse("media-variant", kwargs={"media_id": _MEDIA_ID, "width": _WIDTH})
    return path.replace(str(_MEDIA_ID), "{media_id}").replace(str(_WIDTH), "{width}")


def variant_urls(asset: MediaAsset) -> dict[str, str]:
    """Public paths of an asset's display variants, keyed by width ("360", "720", "1080")."""
    if asset.state != MediaAsset.State.READY:
        return {}
    template = _variant_template(get_script_prefix())
    return {
        width: template.format(media_id=asset.pk, width=int(width))
        for width in sorted(asset.variants, key=int)
    }
