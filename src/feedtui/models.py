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


# The slot setters of Entry's fields, by name (tests/test_feedhtml.py checks that new_entry
# sets every field of the dataclass).
(_set_id, _set_source, _set_title, _set_body, _set_published, _set_time_text, _set_url, _set_author,
 _set_media, _set_key_event, _set_pinned, _set_updated, _set_actors, _set_read, _set_starred,
 _set_edited, _set_revision) = (getattr(Entry, name).__set__ for name in (
    "id", "source", "title", "body", "published", "time_text", "url", "author", "media",
    "key_event", "pinned", "updated", "actors", "read", "starred", "edited", "revision"))
_new = object.__new__


def new_entry(id: str, source: str, title: str, body: tuple[str, ...], published: datetime | None,
              time_text: str, url: str, author: str, media: tuple[Media, ...], key_event: bool,
              pinned: bool, updated: datetime | None) -> Entry:
    """Entry(id=id, source=source, ...) with the other fields at their defaults, without the
    keyword call and the object.__setattr__ per field of a frozen dataclass's __init__ (about
    twice as fast; extraction builds thousands of entries per feed)."""
    entry = _new(Entry)
    _set_id(entry, id)
    _set_source(entry, source)
    _set_title(entry, title)
    _set_body(entry, body)
    _set_published(entry, published)
    _set_time_text(entry, time_text)
    _set_url(entry, url)
    _set_author(entry, author)
    _set_media(entry, media)
    _set_key_event(entry, key_event)
    _set_pinned(entry, pinned)
    _set_updated(entry, updated)
    _set_actors(entry, ())
    _set_read(entry, False)
    _set_starred(entry, False)
    _set_edited(entry, False)
    _set_revision(entry, 1)
    return entry


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


class ExtractError(Exception):
    """A source could not be turned into entries; str() is one line for the user. (Here,
    beside Extraction, so the polling process can name it without importing the parsers.)"""


class NotLiveError(ExtractError):
    """The page holds neither live updates nor feed items."""
