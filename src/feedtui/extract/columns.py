"""RSS items read column by column: the fast path of syndication._item for plain items.

A big feed is thousands of items made of the same few plain elements (title, link, guid,
pubDate, description, an author, a thumbnail). `entries` reads each such item's raw values in
one short pass (the layout of an item, by the tags of its children, is worked out once per
distinct layout), then turns each column (titles, links, ids, dates, bodies...) into its
final form at once, where whole-column checks show that nothing in the column needs the
per-value work, and builds the entries exactly as syndication._item and base.make_entry
would. An item it cannot vouch for (an element with attributes or children that change its
reading, repeated links or dates, Atom ids, xml:base...) is left to syndication._item, in
its place; tests/test_columns.py holds the two paths to the same output.
"""

from __future__ import annotations

import html
import re
import unicodedata
from operator import attrgetter

from ..models import Media, new_entry
from ..sanitize import (
    _COMBINING_RUN,
    _PLAIN_URL,
    LINE_LIMIT,
    URL_LIMIT,
    clean_line,
    safe_url,
)
from .base import _clean_source, kept_paragraphs, make_id
from .dates import _rfc822_fast, parse_date

#: Set to False to read every item with syndication._item (tests compare the two).
ENABLED = True
#: Fewer items than this are read by syndication._item alone.
MIN_ITEMS = 1

_TAG_OF = attrgetter("tag")


def entries(items: list, feed, S) -> list | None:
    """Entries (or None where an item's id was already seen) of RSS items in order, or None
    when too few items are plain for the columns to pay. S is the syndication module."""
    plans = _PLANS
    rows = []  # per item: a tuple of raw values, or None (read by S._item)
    slow = 0
    roles = S._ROLES_BY_TAG
    for item in items:
        kids = item[:]
        tags = tuple(map(_TAG_OF, kids))
        plan = plans.get(tags)
        if plan is None:
            plan = _plan(tags, roles, S)
            if len(plans) < 1024:
                plans[tags] = plan
        tag = item.tag
        row = _read(item, kids, plan, feed, S) if plan is not False and (
            tag == "item" or S._key(tag) == "item") else None
        if row is None:
            slow += 1
        rows.append(row)
    if slow * 2 > len(items):
        return None
    return _build(items, rows, feed, S)


_PLANS: dict[tuple, object] = {}


def _plan(tags: tuple, roles: dict, S):
    """(title, link, guid, published, bodies, author, media) positions among an item's
    children (bodies and media: tuples), None for an absent element, or False when the layout
    needs syndication._item."""
    title = link = guid = pub = body = author = None
    media = []
    bodies = []
    for pos, tag in enumerate(tags):
        if tag.__class__ is not str:
            return False  # an entity reference, a comment or a processing instruction
        key, role = roles.get(tag) or S._role(tag)
        if not role:
            continue
        if role == S._TITLE:
            if title is None:
                title = pos
        elif role == S._LINK and link is None:
            link = pos
        elif role == S._GUID and guid is None:
            guid = pos
        elif role == S._BODY:
            bodies.append((S._BODY_RANK[key], pos))
        elif role == S._PUBLISHED and pub is None:
            pub = pos
        elif role == S._AUTHOR and author is None:
            author = pos
        elif role == S._MEDIA:
            media.append((pos, key))
        else:
            return False
    if bodies:  # the candidate bodies in the order _item weighs them (a stable sort by rank)
        body = tuple(pos for _rank, pos in sorted(bodies, key=lambda candidate: candidate[0]))
    return title, link, guid, pub, body, author, tuple(media)


def _read(item, kids, plan, feed, S):
    """An item's raw values by its layout, or None when one of its elements is not plain."""
    title_pos, link_pos, guid_pos, pub_pos, body_pos, author_pos, media_pos = plan
    title = ""
    if title_pos is not None:
        el = kids[title_pos]
        if len(el) or el.keys():
            return None
        title = el.text or ""
    link = None
    if link_pos is not None:
        el = kids[link_pos]
        if len(el) or el.get("href") is not None:
            return None
        text = el.text
        if text:
            link = text.strip() or None
    guid = None
    perma = False
    if guid_pos is not None:
        el = kids[guid_pos]
        if len(el):
            return None
        text = el.text
        if text:
            guid = text.strip() or None
            if guid is not None:
                perma = (el.get("isPermaLink") or "true").strip().lower() != "false"
    published = None
    if pub_pos is not None:
        text = kids[pub_pos].text
        if text:
            published = text.strip() or None
    body = ""
    if body_pos is not None:
        best = -1
        for pos in body_pos:  # the fullest, a later (lesser) one only if strictly fuller
            el = kids[pos]
            if len(el) or el.keys():
                return None
            text = el.text or ""
            size = len(text.strip())
            if size and size > best:
                body, best = text, size
    author = ""
    if author_pos is not None:
        author = S._author_text(kids[author_pos])
    media = None
    if media_pos:
        media = []
        for pos, key in media_pos:
            S._media_of(kids[pos], key, feed, media)
    return title, link, guid, perma, published, body, author, media


def _build(items, rows, feed, S) -> list:
    fast = [row for row in rows if row is not None]
    base = feed.url
    titles = _titles([row[0] for row in fast], S)
    # links
    absolute = S._absolute
    urls = []
    for row in fast:
        link = row[1]
        if link is None:
            url = ""
        elif link[:8] == "https://" or link[:7] == "http://":
            url = link
        else:
            url = absolute(link, base)
        if not url:
            guid = row[2]
            if guid and row[3] and guid.startswith(("http://", "https://")):
                url = guid
        urls.append(url)
    # dates
    cache: dict = {}
    published = []
    for row in fast:
        raw = row[4]
        if raw is None:
            published.append(None)
            continue
        moment = cache.get(raw, cache)
        if moment is cache:
            moment = cache[raw] = _date(raw)
        published.append(moment)
    # bodies
    bodies = _bodies([row[5] for row in fast], base, S)

    clean_titles = _clean_column(titles, LINE_LIMIT)
    stamps = _clean_column([row[4] if moment is not None else "" for row, moment in zip(fast, published)], 200)
    authors = _clean_column([row[6] or feed.author for row in fast], 300)
    safe_urls = _safe_urls(urls)
    guids = [row[2] for row in fast]
    own_ids = _clean_column([g or "" for g in guids], 500)
    source = _clean_source(feed.source)

    out = []
    seen = feed.seen
    index = 0
    for item, row in zip(items, rows):
        if row is None:
            out.append(S._item(item, feed, S._key(item.tag) == "entry"))
            continue
        i = index
        index += 1
        paragraphs, body_media = bodies[i]
        media = row[7]
        if body_media:
            if media is None:
                media = []
            for m in body_media:
                if all(m.url != other.url or not m.url for other in media):
                    media.append(m)
        # identity
        title = titles[i]
        moment = published[i]
        entry_id = own_ids[i] if guids[i] else None
        if not entry_id:
            source_id = guids[i]
            if not source_id:
                rdf_about = item.get(S._RDF_ABOUT) or item.get("about")
                source_id = (rdf_about.strip() if rdf_about else None) or urls[i] or None
            stamp = row[4] if moment is not None else ""
            entry_id = make_id(source_id) if source_id else make_id(
                time_text=stamp, title=title or " ".join(paragraphs)[:200])
        if entry_id in seen:
            out.append(None)
            continue
        seen.add(entry_id)
        clean_title = clean_titles[i]
        out.append(new_entry(
            entry_id, source, clean_title, kept_paragraphs(paragraphs, clean_title) if paragraphs else (),
            moment, stamps[i], safe_urls[i], authors[i], _media(media) if media else (),
            False, False, None,
        ))
    return out


# ---------------------------------------------------------------------------------------------
# Columns


def _date(raw: str):
    """parse_date(raw) for a stripped, non-empty raw date. The canonical RFC 822 form goes
    straight to its reader: parse_date's earlier branches (epoch, ISO 8601) cannot take a
    string of that form (it neither is all digits nor has "-" as its fifth character nor
    starts with eight digits), and it is under parse_date's length limit."""
    try:
        moment = _rfc822_fast(raw)
    except (ValueError, OverflowError):
        moment = None
    return moment if moment is not None else parse_date(raw)


def _titles(values: list[str], S) -> list[str]:
    """[S._title_text(v) for v in values]."""
    joined = "\n".join(values)
    if "<" not in joined:
        if "&" not in joined:
            return values
        if joined.count("\n") == len(values) - 1:
            text = html.unescape(joined)  # (no reference runs across a line break)
            if not ("&" in text and S._STILL_ESCAPED.search(text)):
                out = text.split("\n")
                if len(out) == len(values):
                    return out
    title_text = S._title_text
    return [title_text(v) for v in values]


#: Characters clean_line would change in ASCII text, but the line break that joins a column.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _clean_column(values: list[str], limit: int) -> list[str]:
    """[clean_line(v, limit) for v in values], values being strings."""
    if not values:
        return values
    joined = "\n".join(values)
    if joined.count("\n") == len(values) - 1 and max(map(len, values)) <= limit \
            and "  " not in joined and " \n" not in joined and "\n " not in joined \
            and joined[:1] != " " and joined[-1:] != " ":
        if joined.isascii():
            if _CONTROL.search(joined) is None:
                return values
        elif "".join(values).isprintable() and _COMBINING_RUN.search(joined) is None \
                and unicodedata.is_normalized("NFC", joined):
            return values  # ("\n" neither composes nor reorders with its neighbours)
    return [clean_line(v, limit) for v in values]


_URLS = re.compile(
    r"(?:[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~%!$&'()*+,;=:@-]+(?:[/?#][!-~]*)?)?"
    r"(?:\n(?:[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~%!$&'()*+,;=:@-]+(?:[/?#][!-~]*)?)?)*"
)


def _safe_urls(urls: list[str]) -> list[str]:
    """[safe_url(u) for u in urls]."""
    if urls and max(map(len, urls)) <= URL_LIMIT:
        joined = "\n".join(urls)
        if joined.count("\n") == len(urls) - 1 and _URLS.fullmatch(joined):
            return urls
    return [safe_url(u) for u in urls]


def _bodies(values: list[str], base: str, S) -> list[tuple]:
    """[S._body(v, True, base) for each non-blank v], ([], []) for blank ones."""
    out: list = [None] * len(values)
    markup = []
    for i, value in enumerate(values):
        if not value or not value.strip():
            out[i] = ((), ())
        elif "<" in value:
            markup.append(i)
        else:
            out[i] = S._body(value, True, base)
    if markup:
        simple_html = S.simple_html
        absolute = S._absolute
        for i in markup:
            simple = simple_html(values[i])
            if simple is None:
                out[i] = S._body(values[i], True, base)
                continue
            paragraphs, pictures = simple
            if pictures:
                media = []
                for m in pictures:
                    url = absolute(m.url, base) if m.url else ""
                    media.append(m if url == m.url else Media(m.kind, m.caption, m.title, url))
                pictures = media
            out[i] = (paragraphs, pictures)
    return out


def _media(media) -> tuple[Media, ...]:
    """The media base.make_entry keeps, each with its fields sanitized (a Media whose fields
    are already what sanitizing makes of them is kept as it is: the same value)."""
    out = []
    for m in media:
        if not (m.caption or m.title or m.url):
            continue
        url = m.url
        if m.kind in _KINDS and _plain(m.caption) and _plain(m.title) and (
                not url or (len(url) <= URL_LIMIT and _PLAIN_URL.fullmatch(url))):
            out.append(m)
        else:
            out.append(Media(kind=clean_line(m.kind, 20) or "image", caption=clean_line(m.caption),
                             title=clean_line(m.title), url=safe_url(url)))
    return tuple(out)


_KINDS = frozenset({"image", "video", "embed", "card"})


def _plain(text: str) -> bool:
    """Whether clean_line(text) is text, for the commonest case (short plain ASCII)."""
    return not text or (text.isascii() and text.isprintable() and len(text) <= LINE_LIMIT
                        and text[0] != " " and text[-1] != " " and "  " not in text)
