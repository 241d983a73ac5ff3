"""JSON-LD LiveBlogPosting: one entry per `liveBlogUpdate`.

The JSON in `<script type="application/ld+json">` is parsed leniently (comments, trailing
commas, HTML entities, raw control characters and bad escapes in strings); a block that
still cannot be read is skipped. Publishers often copy the page's headline and date into
every update: such copies are recognised (equal to the page-level value, or identical
across all updates) and replaced by what the visible page shows for that update, or left
out (an empty title, the body first) when the page shows nothing.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from datetime import datetime

from ..models import Entry, Media
from .base import Page, make_entry, make_id, normal_key
from .dates import parse_date
from .dom import (block_content, clean_media, find_by_anchor, find_heading, find_time,
                  html_content, merge_duplicates, meta_nodes, page_base, text_of, without_title)
from .text import fragment_content

_MAX_DEPTH = 12
_MAX_SCRIPT = 5_000_000

# --------------------------------------------------------------------------------------
# Lenient JSON
# --------------------------------------------------------------------------------------

_WRAPPERS = re.compile(r"^\s*(?:<!--|<!\[CDATA\[|//\s*<!\[CDATA\[)|(?:-->|\]\]>|//\s*\]\]>)\s*$")
_VALID_ESCAPES = set('"\\/bfnrtu')


def _cleanup(text: str) -> str:
    """Remove comments and trailing commas outside strings; escape raw control characters
    and drop invalid escapes inside strings."""
    out: list[str] = []
    i = 0
    n = len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            if c == "\\":
                nxt = text[i + 1] if i + 1 < n else ""
                if nxt in _VALID_ESCAPES and nxt:
                    out.append(c + nxt)
                    i += 2
                    continue
                # an invalid escape such as \' : keep the character, drop the backslash
                i += 1
                continue
            if c == '"':
                in_string = False
                out.append(c)
            elif c == "\n":
                out.append("\\n")
            elif c == "\r":
                out.append("\\r")
            elif c == "\t":
                out.append("\\t")
            elif ord(c) < 0x20:
                out.append(" ")
            else:
                out.append(c)
            i += 1
            continue
        if c == '"':
            in_string = True
            out.append(c)
            i += 1
        elif c == "/" and i + 1 < n and text[i + 1] == "/":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c == ",":
            j = i + 1
            # look past whitespace and comments for a closing bracket
            while j < n:
                if text[j].isspace():
                    j += 1
                elif text.startswith("//", j):
                    end = text.find("\n", j)
                    j = n if end < 0 else end
                elif text.startswith("/*", j):
                    end = text.find("*/", j + 2)
                    j = n if end < 0 else end + 2
                else:
                    break
            if j < n and text[j] in "}]":
                i += 1  # trailing comma: drop it
            elif j < n and text[j] == ",":
                i += 1  # doubled comma
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _decode_all(text: str) -> list:
    """Every JSON value in text (several objects may follow one another)."""
    decoder = json.JSONDecoder(strict=False)
    values = []
    i = 0
    n = len(text)
    while i < n:
        while i < n and (text[i].isspace() or text[i] in ";,"):
            i += 1
        if i >= n:
            break
        value, i = decoder.raw_decode(text, i)
        values.append(value)
    return values


def loads_lenient(text: str) -> list:
    """The JSON values in a JSON-LD script, read leniently; [] when unreadable."""
    if not text or len(text) > _MAX_SCRIPT:
        return []
    text = _WRAPPERS.sub("", text.strip()).strip().lstrip("\ufeff")
    if not text:
        return []
    attempts = [text]
    if "&quot;" in text or "&#34;" in text:
        attempts.append(htmllib.unescape(text))
    for attempt in attempts:
        try:
            return [json.loads(attempt, strict=False)]
        except (ValueError, RecursionError):
            pass
        try:
            return _decode_all(_cleanup(attempt))
        except (ValueError, RecursionError):
            continue
    return []


# --------------------------------------------------------------------------------------
# Finding LiveBlogPosting objects
# --------------------------------------------------------------------------------------


def _types(obj: dict) -> set[str]:
    value = obj.get("@type") or obj.get("type") or ()
    if isinstance(value, str):
        value = [value]
    out = set()
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                out.add(re.split(r"[/#:]", item.strip())[-1].lower())
    return out


def _walk(value, found: list, depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value[:5000]:
            _walk(item, found, depth + 1)
    elif isinstance(value, dict):
        if "liveblogposting" in _types(value):
            found.append(value)
            return
        for key, item in value.items():
            if isinstance(item, (dict, list)) and key != "liveBlogUpdate":
                _walk(item, found, depth + 1)


def live_postings(page: Page) -> list[dict]:
    """The page's LiveBlogPosting objects (cached on the page)."""
    cached = page.__dict__.get("_jsonld_postings")
    if cached is not None:
        return cached
    found: list[dict] = []
    try:
        scripts = page.tree.css("script")
    except Exception:
        scripts = []
    for script in scripts:
        kind = (script.attributes.get("type") or "").lower().strip()
        if "ld+json" not in kind:
            continue
        for value in loads_lenient(script.text(deep=True) or ""):
            _walk(value, found)
    page.__dict__["_jsonld_postings"] = found
    return found


def coverage_end(page: Page) -> datetime | None:
    """coverageEndTime of the page's LiveBlogPosting, if it states one."""
    for posting in live_postings(page):
        moment = parse_date(_scalar(posting.get("coverageEndTime")))
        if moment is not None:
            return moment
    return None


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


def _scalar(value) -> str:
    """A string from a JSON-LD value (a string, a number, {"@value": ...}, a list's first)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value") or value.get("@id") or value.get("url") or value.get("name") or ""
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


def plain(value) -> str:
    """One line of text from a value that may hold entities or HTML."""
    text = _scalar(value)
    if "<" in text or "&" in text:
        content = fragment_content(text)
        return " ".join(content.paragraphs) if content.paragraphs else htmllib.unescape(text)
    return text


def _names(value) -> str:
    if isinstance(value, list):
        names = [_names(v) for v in value[:10]]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        return plain(value.get("name") or "")
    return plain(value)


def _urls(value) -> list[str]:
    if isinstance(value, list):
        return [u for v in value[:20] for u in _urls(v)]
    if isinstance(value, dict):
        for key in ("url", "contentUrl", "embedUrl", "thumbnailUrl", "thumbnail", "@id"):
            if value.get(key):
                return _urls(value[key])
        return []
    text = _scalar(value)
    return [text] if text else []


def _media(update: dict, page_images: set[str]) -> list[Media]:
    out: list[Media] = []
    images = update.get("image")
    for url in _urls(images):
        if url not in page_images:
            caption = plain(images.get("caption") or images.get("name") or "") if isinstance(images, dict) else ""
            out.append(Media(kind="image", caption=caption, url=url))
    for key in ("video", "associatedMedia", "sharedContent"):
        value = update.get(key)
        items = value if isinstance(value, list) else [value] if value else []
        for item in items[:10]:
            if not isinstance(item, dict):
                continue
            types = _types(item)
            kind = "video" if "videoobject" in types else "image" if "imageobject" in types else "card"
            urls = _urls(item)
            title = plain(item.get("headline") or item.get("name") or "")
            caption = plain(item.get("caption") or item.get("description") or "")
            if urls and urls[0] in page_images:
                continue
            out.append(Media(kind=kind, caption=caption if kind != "card" else "", title=title if kind == "card" else "",
                             url=urls[0] if urls else ""))
    return out


def _fragment(url: str) -> str:
    return url.split("#", 1)[1].strip() if "#" in url else ""


# --------------------------------------------------------------------------------------
# The strategy
# --------------------------------------------------------------------------------------


def _as_list(value) -> list[dict]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def extract(page: Page) -> list[Entry]:
    """One entry per liveBlogUpdate of the page's JSON-LD LiveBlogPosting(s)."""
    entries: list[Entry] = []
    for posting in live_postings(page):
        entries.extend(_posting_entries(page, posting))
    return merge_duplicates(entries)


def _posting_entries(page: Page, posting: dict) -> list[Entry]:
    updates = _as_list(posting.get("liveBlogUpdate"))[:5000]
    if not updates:
        return []
    page_headline = normal_key(plain(posting.get("headline") or posting.get("name") or ""))
    page_dates = {parse_date(_scalar(posting.get(k))) for k in ("datePublished", "dateModified",
                                                                 "coverageStartTime")} - {None}
    page_author = normal_key(_names(posting.get("author")))
    page_ids = {_scalar(posting.get("@id")), _scalar(posting.get("url")), page_base(page)} - {""}
    page_images = set(_urls(posting.get("image")))
    many = len(updates) >= 2

    headlines = [normal_key(plain(u.get("headline") or u.get("name") or "")) for u in updates]
    published = [parse_date(_scalar(u.get("datePublished") or u.get("dateCreated"))) for u in updates]
    authors = [normal_key(_names(u.get("author"))) for u in updates]
    ids = [_scalar(u.get("@id")) for u in updates]
    same_headline = many and len(set(headlines)) == 1
    same_date = many and len(set(published)) == 1
    same_author = many and len(set(authors)) == 1 and authors[0] == page_author
    repeated_ids = {i for i in ids if ids.count(i) > 1 and i}

    entries = []
    for index, update in enumerate(updates):
        headline_copy = bool(headlines[index]) and (same_headline or headlines[index] == page_headline)
        date_copy = published[index] is not None and (
            same_date or (many and published[index] in page_dates and published.count(published[index]) > 1))
        entry = _update_entry(page, update, headline_copy, date_copy, same_author, page_ids,
                              repeated_ids, page_images, published[index])
        if entry is not None:
            entries.append(entry)
    return entries


def _anchor(update: dict, page_ids: set[str], repeated_ids: set[str]) -> tuple[str, str]:
    """(anchor, source id) of an update: a URL fragment, else a bare token @id, else a
    distinct absolute @id/url."""
    own_id = _scalar(update.get("@id"))
    url = _scalar(update.get("url"))
    for value in (url, own_id):
        if value and _fragment(value):
            return _fragment(value), ""
    if own_id and own_id not in page_ids and own_id not in repeated_ids:
        if re.fullmatch(r"[\w.:-]{1,200}", own_id) and "://" not in own_id:
            return own_id, ""
        return "", own_id
    if url and url.split("#", 1)[0] not in page_ids:
        return "", url
    return "", ""


def _update_entry(page: Page, update: dict, headline_copy: bool, date_copy: bool,
                  author_copy: bool, page_ids: set[str], repeated_ids: set[str],
                  page_images: set[str], published: datetime | None) -> Entry | None:
    anchor, source_id = _anchor(update, page_ids, repeated_ids)
    title = "" if headline_copy else plain(update.get("headline") or update.get("name") or "")
    time_text = "" if date_copy else _scalar(update.get("datePublished") or update.get("dateCreated"))
    moment = None if date_copy else published
    modified = parse_date(_scalar(update.get("dateModified")))
    author = "" if author_copy else _names(update.get("author"))

    body_value = update.get("articleBody") or update.get("text") or update.get("description") or ""
    body_text = _scalar(body_value) if not isinstance(body_value, str) else body_value
    content = html_content(body_text, page.url)
    paragraphs = list(content.paragraphs)
    media = list(content.media) + _media(update, page_images)

    visible = find_by_anchor(page, anchor) if anchor else None
    if visible is not None:
        block = visible  # read in place: block_content never prunes the page
        if block is not None:
            if headline_copy or not title:
                title = text_of(find_heading(block)) or title
            if date_copy or moment is None:
                seen, seen_text, _ = find_time(block)
                if seen is not None:
                    moment, time_text = seen, seen_text
            elif visible_stamp := find_time(block)[1]:
                time_text = visible_stamp
            if not paragraphs and not media:
                heading = find_heading(block)
                _, _, time_node = find_time(block)
                visible_content = block_content(block, page.url, [heading, time_node] + meta_nodes(block))
                paragraphs, media = visible_content.paragraphs, visible_content.media
        element_id = (visible.attributes.get("id") or "").strip()
        if element_id:
            anchor = element_id
    paragraphs = without_title(paragraphs, title)
    media = clean_media(media)
    if not title and not paragraphs and not media:
        return None
    if anchor:
        entry_id = make_id(url=page.url, anchor=anchor)
        link = f"{page_base(page)}#{anchor}"
    elif source_id:
        entry_id = make_id(source_id=source_id)
        link = source_id if source_id.startswith(("http://", "https://")) else page.url
    else:
        entry_id = ""
        link = page.url
    return make_entry(
        source=page.source,
        title=title,
        body=paragraphs,
        published=moment,
        time_text=time_text,
        url=link,
        base_url=page.url,
        id=entry_id,
        author=author,
        media=media,
        updated=modified if modified and modified != moment else None,
    )
