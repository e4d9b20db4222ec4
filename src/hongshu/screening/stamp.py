"""The catalogue's version: writers move it, screening rebuilds what it compiled from the catalogue when it moved.

A row in the database rather than the cache, so every process sees a change on the embedded default too
(whose cache is per process). Readers look at most every `CHECK_EVERY` seconds. A change made in this
process also moves a local generation, so what this process compiled is rebuilt at once even when the row
went back to an earlier version (a rolled-back transaction, as in tests)."""

from __future__ import annotations

import time

from django.db.models import F

from hongshu.screening.models import CatalogStamp

CHECK_EVERY = 2.0
_state = {"looked": 0.0, "version": -1, "generation": 0}


def catalog_changed() -> None:
    """Call inside the writer's transaction after any change of a rule, a term or a domain rule."""
    CatalogStamp.objects.get_or_create(id=1)
    CatalogStamp.objects.filter(id=1).update(version=F("version") + 1)
    catalog_forget()


def catalog_key() -> tuple[int, int]:
    """What a compiled form of the catalogue is keyed by: (the database's version, this process's generation)."""
    now = time.monotonic()
    if now - _state["looked"] >= CHECK_EVERY:
        version = CatalogStamp.objects.filter(id=1).values_list("version", flat=True).first() or 0
        _state["looked"], _state["version"] = now, version
    return int(_state["version"]), int(_state["generation"])


def catalog_forget() -> None:
    """Look at the row again and rebuild what was compiled, on the next use (tests: each has its own catalogue)."""
    _state["looked"] = 0.0
    _state["generation"] += 1
