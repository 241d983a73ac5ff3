"""What every extraction strategy shares: the parsed page, errors, entry identity and the
one constructor that sanitizes every field of an entry."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from selectolax.lexbor import LexborHTMLParser

from ..models import Entry, Media
from ..sanitize import LINE_LIMIT, clean_line, clean_paragraphs, safe_url
from .htmlguard import tame


class ExtractError(Exception):
    """A source could not be turned into entries; str() is one line for the user."""


class NotLiveError(ExtractError):
    """The page holds neither live updates nor feed items."""


@dataclass
class Page:
    """An HTML page being extracted: its URL, the name its entries carry, and the parse tree.

    now is the reference time for relative stamps ("5 min ago") and for years missing
    from a stamp; tests fix it.
    """

    url: str
    source: str
    html: str
    now: datetime
    _tree: LexborHTMLParser | None = field(default=None, repr=False)

    @cached_property
    def tree(self) -> LexborHTMLParser:
        return self._tree or LexborHTMLParser(tame(self.html))


_NORMAL = re.compile(r"\W+", re.UNICODE)


def normal_key(text: str) -> str:
    """Text reduced to lowercase words, for comparing titles and stamps."""
    return _NORMAL.sub(" ", text.casefold()).strip()


def content_hash(*parts: str) -> str:
    """A short stable hash of normalized parts (for ids of updates without one)."""
    joined = "\x1f".join(normal_key(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def make_id(source_id: object = None, url: str = "", anchor: str = "",
            time_text: str = "", title: str = "") -> str:
    """An entry id by DESIGN.md's order: the source's own id, else URL plus anchor, else a
    hash of the normalized stamp and title. Never the bare link: every update of a
    liveblog shares the page URL."""
    if source_id not in (None, ""):
        own = clean_line(source_id, 500)
        if own:  # an id of nothing but controls or spaces is no id
            return own
    if url and anchor:
        base = url.split("#", 1)[0]
        return clean_line(f"{base}#{anchor}", 1_000)
    return "h:" + content_hash(time_text, title)


def make_entry(*, source: str, title: object, body=(), published: datetime | None = None,
               time_text: object = "", url: object = "", base_url: str = "", id: str = "",
               author: object = "", media=(), key_event: bool = False, pinned: bool = False,
               updated: datetime | None = None) -> Entry:
    """Build an Entry with every string field sanitized (the only way strategies make one).

    A body paragraph that repeats the title (a headline printed twice) is dropped, and
    consecutive duplicate paragraphs collapse to one.
    """
    clean_title = clean_line(title)
    paragraphs = []
    for para in clean_paragraphs(body):
        if paragraphs and paragraphs[-1] == para:
            continue
        if (not paragraphs and clean_title and len(para) <= 2 * len(clean_title) + 8
                and normal_key(para) == normal_key(clean_title)):
            continue
        paragraphs.append(para)
    clean_media = tuple(
        Media(
            kind=clean_line(m.kind, 20) or "image",
            caption=clean_line(m.caption),
            title=clean_line(m.title),
            url=safe_url(m.url, base_url),
        )
        for m in media
        if m.caption or m.title or m.url
    )
    stamp = clean_line(time_text, 200)
    link = safe_url(url, base_url)
    return Entry(
        id=id or make_id(time_text=stamp, title=clean_title or " ".join(paragraphs)[:200]),
        source=clean_line(source, LINE_LIMIT),
        title=clean_title,
        body=tuple(paragraphs),
        published=published,
        time_text=stamp,
        url=link,
        author=clean_line(author, 300),
        media=clean_media,
        key_event=bool(key_event),
        pinned=bool(pinned),
        updated=updated,
    )
