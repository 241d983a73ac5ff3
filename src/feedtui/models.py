"""Plain value types shared by every layer: entries, their media, and extraction results."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Media:
    """Something attached to an entry that is not its text.

    kind: "image" (a picture with caption or alt text), "card" (an embedded "read also"
    article: a linked title), "video" or "embed" (a tweet, a post from elsewhere).
    """

    kind: str
    caption: str = ""
    title: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One live update or one feed item, already sanitized.

    body holds plain-text paragraphs; published is timezone-aware UTC (or None when the
    source gives no usable time); time_text is the stamp exactly as the source printed it.
    """

    id: str
    source: str
    title: str
    body: tuple[str, ...] = ()
    published: datetime | None = None
    time_text: str = ""
    url: str = ""
    author: str = ""
    media: tuple[Media, ...] = ()
    key_event: bool = False
    pinned: bool = False
    updated: datetime | None = None
    actors: tuple[str, ...] = ()
    read: bool = False
    starred: bool = False
    edited: bool = False
    revision: int = 1

    @property
    def body_text(self) -> str:
        """The body as one string, paragraphs separated by a blank line."""
        return "\n\n".join(self.body)

    def with_(self, **changes) -> Entry:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def to_json(self) -> dict:
        """The JSON Lines object of the CLI contract (DESIGN.md, "Command line")."""
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "body": self.body_text,
            "published": iso_utc(self.published),
            "updated": iso_utc(self.updated),
            "time_text": self.time_text,
            "url": self.url,
            "author": self.author,
            "actors": list(self.actors),
            "media": [
                {"kind": m.kind, "caption": m.caption, "title": m.title, "url": m.url}
                for m in self.media
            ],
            "key_event": self.key_event,
            "pinned": self.pinned,
            "read": self.read,
            "starred": self.starred,
            "edited": self.edited,
            "revision": self.revision,
        }


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z, or None."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Extraction:
    """What one source yielded: its kind ("live" or "feed"), title and entries.

    coverage_end is a live page's JSON-LD coverageEndTime; ttl_minutes, skip_hours and
    skip_days come from RSS and let the poller be polite.
    """

    kind: str
    title: str = ""
    entries: list[Entry] = field(default_factory=list)
    strategy: str = ""
    coverage_end: datetime | None = None
    ttl_minutes: int | None = None
    skip_hours: frozenset[int] = frozenset()
    skip_days: frozenset[str] = frozenset()
