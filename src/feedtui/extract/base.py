"""What every extraction strategy shares: the parsed page, errors, entry identity and the
one constructor that sanitizes every field of an entry."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from selectolax.lexbor import LexborHTMLParser

from ..models import Entry, ExtractError, Media, NotLiveError, new_entry  # noqa: F401 (re-exported)
from ..sanitize import LINE_LIMIT, TEXT_LIMIT, clean_line, clean_paragraphs, safe_url
from .htmlguard import tame


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
#: ASCII bytes with every non-word character (what \W matches) turned into a space.
_ASCII_WORDS = bytes(c if chr(c).isalnum() or c == 0x5F else 0x20 for c in range(128)) + b" " * 128


def normal_key(text: str) -> str:
    """Text reduced to lowercase words, for comparing titles and stamps."""
    if text.isascii():  # the same, with byte operations
        return " ".join(text.encode().lower().translate(_ASCII_WORDS).decode().split())
    return _NORMAL.sub(" ", text.casefold()).strip()


_ASCII_NON_WORD = "".join(chr(c) for c in range(128) if not (chr(c).isalnum() or c == 0x5F))


def _same_words(a: str, b: str) -> bool:
    """normal_key(a) == normal_key(b); for ASCII text, first told apart by the last word
    character (the keys' last characters) where that differs."""
    if a.isascii() and b.isascii():
        end_a = a.rstrip(_ASCII_NON_WORD)[-1:].lower()
        if end_a and end_a != b.rstrip(_ASCII_NON_WORD)[-1:].lower():
            return False
    return normal_key(a) == normal_key(b)


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
    paragraphs = kept_paragraphs(body, clean_title)
    clean_media = tuple(
        Media(
            kind=clean_line(m.kind, 20) or "image",
            caption=clean_line(m.caption),
            title=clean_line(m.title),
            url=safe_url(m.url, base_url),
        )
        for m in media
        if m.caption or m.title or m.url
    ) if media else ()
    stamp = clean_line(time_text, 200)
    return new_entry(
        id or make_id(time_text=stamp, title=clean_title or " ".join(paragraphs)[:200]),
        _clean_source(source), clean_title, paragraphs, published, stamp,
        safe_url(url, base_url), clean_line(author, 300), clean_media, bool(key_event),
        bool(pinned), updated,
    )


def kept_paragraphs(body, clean_title: str) -> tuple[str, ...]:
    """The paragraphs an entry keeps of a body: sanitized and capped (clean_paragraphs),
    consecutive duplicates collapsed, and a first paragraph that repeats the title (a
    headline printed twice) dropped."""
    paragraphs: list[str] = []
    for para in clean_paragraphs(body, TEXT_LIMIT):
        if paragraphs:
            if paragraphs[-1] == para:
                continue
        elif clean_title and len(para) <= 2 * len(clean_title) + 8 and (
                para == clean_title or _same_words(para, clean_title)):
            continue
        paragraphs.append(para)
    return tuple(paragraphs)


_last_source: tuple[object, str] = ("", "")


def _clean_source(source: object) -> str:
    """clean_line(source), remembered: a feed's thousand entries share one source name."""
    global _last_source
    last = _last_source
    if last[0] is source:
        return last[1]
    clean = clean_line(source, LINE_LIMIT)
    _last_source = (source, clean)
    return clean
