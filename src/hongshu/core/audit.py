"""The moderation event log: one append-only, hash-chained list of everything moderation decided or was told.

`audit_append` is the only writer. It locks the head row, so concurrent appends queue instead of forking the
chain, and it runs inside the caller's transaction: an event commits or rolls back with what it records.
`audit_verify` recomputes every link and names the first one that does not hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from django.db import transaction
from django.utils import timezone

from hongshu.core.models import AuditEvent, AuditHead
from hongshu.core.pagination import DEFAULT_LIMIT, Page, keyset_page

GENESIS = "0" * 64


def _content(*, seq: int, kind: str, subject: str, actor_id: int | None, data: Any, at: datetime) -> bytes:
    # Canonical bytes: sorted keys, no whitespace, the timestamp in ISO form at microsecond precision.
    return orjson.dumps(
        {"seq": seq, "kind": kind, "subject": subject, "actor": actor_id, "data": data, "at": at.isoformat()},
        option=orjson.OPT_SORT_KEYS,
    )


def link_hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + content).hexdigest()


def audit_append(
    *, kind: str, subject: str = "", actor_id: int | None = None, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one event to the log and return it. `data` must be JSON (it is stored as the hash saw it)."""
    payload = orjson.loads(orjson.dumps(data or {}))  # what the database will give back when verifying
    with transaction.atomic():
        AuditHead.objects.get_or_create(id=1)
        head = AuditHead.objects.select_for_update().get(id=1)
        seq, at = head.seq + 1, timezone.now()
        content = _content(seq=seq, kind=kind, subject=subject, actor_id=actor_id, data=payload, at=at)
        event = AuditEvent(
            seq=seq,
            kind=kind,
            subject=subject,
            actor_id=actor_id,
            data=payload,
            at=at,
            prev_hash=head.hash,
            hash=link_hash(head.hash, content),
        )
        event.save(force_insert=True)
        AuditHead.objects.filter(id=1).update(seq=seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class AuditBreak:
    """The first link that does not hold: which entry and why."""

    seq: int
    reason: str


def _events(batch_size: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def audit_verify(*, batch_size: int = 2000) -> tuple[int, AuditBreak | None]:
    """Walk the chain from the first entry: (entries checked, the first break or None)."""
    prev, expected_seq, checked = GENESIS, 1, 0
    for event in _events(batch_size):
        if event.seq != expected_seq:
            return checked, AuditBreak(expected_seq, f"entry {expected_seq} is missing")
        if event.prev_hash != prev:
            return checked, AuditBreak(event.seq, "it does not point at the entry before it")
        content = _content(
            seq=event.seq,
            kind=event.kind,
            subject=event.subject,
            actor_id=event.actor_id,
            data=event.data,
            at=event.at,
        )
        if link_hash(prev, content) != event.hash:
            return checked, AuditBreak(event.seq, "its content does not match its hash")
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq != checked:
        return checked, AuditBreak(checked + 1, f"the head says {head.seq} entries, the log holds {checked}")
    return checked, None


def audit_page(
    *, subject: str = "", kind: str = "", cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> Page[AuditEvent]:
    """The log newest first, a page at a time (the cursor is the last entry's `seq`), optionally of one subject
    ("note:123") and of one kind, or of kinds under a prefix ending with a dot ("catalogue.")."""
    events = AuditEvent.objects.all()
    if subject:
        events = events.filter(subject=subject)
    if kind.endswith("."):
        events = events.filter(kind__startswith=kind)
    elif kind:
        events = events.filter(kind=kind)
    return keyset_page(events, cursor=cursor, limit=limit)
