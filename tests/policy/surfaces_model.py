"""What every surface may show, in plain Python: the model the surface state machine checks the site against.

Members are numbered 0..n-1; a viewer is a member's number or None (a visitor, or a member whose account is
deactivated: they cannot sign in, so they browse as a visitor). Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Viewer = int | None


@dataclass
class NoteFacts:
    author: int
    visibility: str  # "public" | "followers" | "private"
    published: bool
    word: str  # a word only this note's text holds
    topic: str | None
    media_id: int  # its one photo
    deleted: bool = False
    flagged: bool = False  # its text carries a listed term (screening holds it once it is meant to go live)
    held: bool = False  # held by screening: like a draft, only its author reads it
    removed: bool = False  # removed by a moderator: gone for everyone, its author too, until reverted


@dataclass
class CommentFacts:
    note: int
    author: int
    deleted: bool = False
    held: bool = False  # held by screening: only its author sees it


@dataclass
class Model:
    members: int
    private: set[int] = field(default_factory=set)
    inactive: set[int] = field(default_factory=set)
    follows: dict[tuple[int, int], str] = field(default_factory=dict)  # (follower, followee) -> state
    blocks: set[tuple[int, int]] = field(default_factory=set)
    mutes: set[tuple[int, int]] = field(default_factory=set)
    notes: dict[int, NoteFacts] = field(default_factory=dict)
    comments: dict[int, CommentFacts] = field(default_factory=dict)
    # Media ids that no longer exist (a photo replaced by an edit is deleted with its files).
    gone_media: set[int] = field(default_factory=set)
    # The comment notifications recorded (comment id); whether each still shows is decided when read.
    comment_notified: set[int] = field(default_factory=set)
    # Moderators' limits in force: (subject type "note" | "member", subject id or member number, action id).
    limits: set[tuple[str, int, int]] = field(default_factory=set)
    # Suspensions in force: action id -> (member, whether it deactivated them: they were active, or out
    # only because of another suspension of ours). A revert reactivates them if so and no other one holds.
    bars: dict[int, tuple[int, bool]] = field(default_factory=dict)

    # ---- the graph ----------------------------------------------------------------------------------

    def blocked(self, a: int, b: int) -> bool:
        return (a, b) in self.blocks or (b, a) in self.blocks

    def follows_accepted(self, a: int, b: int) -> bool:
        return self.follows.get((a, b)) == "accepted"

    def effective(self, viewer: Viewer) -> Viewer:
        """A deactivated member cannot sign in: they see what a visitor sees."""
        return None if viewer is not None and viewer in self.inactive else viewer

    # ---- the account policy ---------------------------------------------------------------------------

    def members_visible(self, viewer: Viewer) -> set[int]:
        viewer = self.effective(viewer)
        return {
            m
            for m in range(self.members)
            if m not in self.inactive and (viewer is None or not self.blocked(viewer, m))
        }

    def members_offered(self, viewer: Viewer) -> set[int]:
        """`members_visible` minus limited members, except to themselves and their accepted followers: member
        search and typing suggestions."""
        limited = {subject for kind, subject, _action in self.limits if kind == "member"}
        seer = self.effective(viewer)
        return {
            m
            for m in self.members_visible(viewer)
            if m not in limited or m == seer or (seer is not None and self.follows_accepted(seer, m))
        }

    # ---- the note policy ------------------------------------------------------------------------------

    def can_read(self, viewer: Viewer, note_id: int) -> bool:
        viewer = self.effective(viewer)
        note = self.notes[note_id]
        if note.deleted or note.removed or note.author in self.inactive:
            return False
        if viewer == note.author:
            return True
        if not note.published or note.visibility == "private":
            return False
        if viewer is None:
            return note.visibility == "public"
        if self.blocked(viewer, note.author):
            return False
        return note.visibility == "public" or self.follows_accepted(viewer, note.author)

    def visible(self, viewer: Viewer) -> set[int]:
        return {n for n in self.notes if self.can_read(viewer, n)}

    def listed(self, viewer: Viewer) -> set[int]:
        """`visible` minus the authors the viewer muted: what lists, feeds and search offer."""
        viewer = self.effective(viewer)
        return {n for n in self.visible(viewer) if (viewer, self.notes[n].author) not in self.mutes}

    def published(self, ids: set[int]) -> set[int]:
        return {n for n in ids if self.notes[n].published}

    # ---- moderation ---------------------------------------------------------------------------------

    def limited(self, note_id: int) -> bool:
        """A limit in force on the note or on its author."""
        subjects = {("note", note_id), ("member", self.notes[note_id].author)}
        return any((kind, subject) in subjects for kind, subject, _action in self.limits)

    def discoverable(self, viewer: Viewer) -> set[int]:
        """`listed`, minus limited notes, except for their author and the author's accepted followers: what
        Explore, the notes listing, search, topic feeds and public topic counts offer."""
        viewer = self.effective(viewer)
        return {
            n
            for n in self.listed(viewer)
            if not self.limited(n)
            or viewer == (author := self.notes[n].author)
            or (viewer is not None and self.follows_accepted(viewer, author))
        }

    def suspend(self, member: int, action: int) -> None:
        ours = member not in self.inactive or any(m == member for m, _ours in self.bars.values())
        self.bars[action] = (member, ours)
        self.inactive.add(member)

    def unsuspend(self, action: int) -> None:
        member, ours = self.bars.pop(action)
        if ours and all(m != member for m, _ours in self.bars.values()):
            self.inactive.discard(member)

    # ---- surfaces -------------------------------------------------------------------------------------

    def explore(self, viewer: Viewer) -> set[int]:
        """The API's notes listing and the web's Explore: the newest public notes."""
        return {n for n in self.published(self.discoverable(viewer)) if self.notes[n].visibility == "public"}

    def following_feed(self, viewer: Viewer) -> set[int]:
        viewer = self.effective(viewer)
        if viewer is None:
            return set()
        return {
            n
            for n in self.published(self.listed(viewer))
            if self.follows_accepted(viewer, self.notes[n].author)
        }

    def topic_feed(self, viewer: Viewer, topic: str) -> set[int]:
        """A topic page (either order): the published notes carrying the topic that the viewer may list."""
        return {n for n in self.published(self.discoverable(viewer)) if self.notes[n].topic == topic}

    def note_search(self, viewer: Viewer) -> set[int]:
        return self.published(self.discoverable(viewer))

    def profile_notes(self, viewer: Viewer, member: int) -> set[int] | None:
        """A member's published notes on their profile (None: the profile is a 404 for this viewer)."""
        if member not in self.members_visible(viewer):
            return None
        return {n for n in self.published(self.visible(viewer)) if self.notes[n].author == member}

    def social_counts(self, member: int) -> tuple[int, int]:
        """(followers, following) of a member: accepted follows with an active account on the other end."""
        followers = sum(
            1
            for (a, b), state in self.follows.items()
            if b == member and state == "accepted" and a not in self.inactive
        )
        following = sum(
            1
            for (a, b), state in self.follows.items()
            if a == member and state == "accepted" and b not in self.inactive
        )
        return followers, following

    def topics(self) -> set[str]:
        """Topics are offered (search, suggestions) only while a note offered to everyone carries them."""
        return {topic for n in self.discoverable(None) if (topic := self.notes[n].topic) is not None}

    def comments_shown(self, viewer: Viewer, note_id: int) -> set[int] | None:
        """Comment ids listed on a note (None: the note is a 404 for this viewer)."""
        if not self.can_read(viewer, note_id):
            return None
        viewer = self.effective(viewer)
        return {
            c
            for c, comment in self.comments.items()
            if comment.note == note_id
            and not comment.deleted
            and comment.author not in self.inactive
            and (not comment.held or viewer == comment.author)
            and (viewer is None or not self.blocked(viewer, comment.author))
        }

    def media_shown(self, viewer: Viewer, media_id: int) -> bool:
        if media_id in self.gone_media:
            return False
        note_id = next(n for n, note in self.notes.items() if note.media_id == media_id)
        return self.can_read(viewer, note_id)

    def comment_notifications(self, member: int) -> set[int]:
        """The comments on their notes a member's notifications still show."""
        return {
            c
            for c in self.comment_notified
            if self.notes[(comment := self.comments[c]).note].author == member
            and self.can_read(member, comment.note)
            and not comment.deleted
            and comment.author not in self.inactive
            and not self.blocked(member, comment.author)
        }
