"""Known markup and JSON payloads of publishers and liveblog vendors.

HTML (`extract_html`):
- Reach plc (Cork Beo, Mirror, Manchester Evening News, ...): `div.live-event-entry[id]`
  with `data-post-time` (epoch ms), a `.entry-info` holding the printed time and the byline,
  and `.entry-content` starting with the headline. The "Key Events" box lists copies of key
  updates by `data-id`.
- The Guardian: blocks `[id^=block-]` / `[data-block-id]` with `<time datetime>` or
  `data-timestamp`, `.block-title`, `.block-elements`; a pinned copy inside a pinned box.

JSON (`extract_json`):
- The Guardian's article model (dotcom-rendering): `blocks[]`, `pinnedPost`, `keyEvents`.
- Sourcefabric Liveblog API: `_items[]` posts (or one post) with item groups.
- Tickaroo: events (`Tik::Model::Event`), one or a list, or a ticker with `events`.

Each returns entries or None/[] when the markup or payload is not theirs.
"""

from __future__ import annotations

import re
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..models import Entry, Extraction, Media
from ..sanitize import clean_line, safe_url
from .base import Page, make_entry, make_id
from .dates import parse_date, parse_epoch
from .htmlguard import tame
from .dom import (block_content, clean_media, find_heading, find_time, html_content,
                  merge_duplicates, page_base, text_of, without_title)
from .merge import newest_first

_MAX_ITEMS = 10_000

# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------


def extract_html(page: Page) -> list[Entry]:
    """Entries from the known HTML markup of big publishers; [] when none matches."""
    entries = _reach(page)
    if not entries:
        entries = _guardian_html(page)
    return entries


_LABEL_ONLY = re.compile(r"^(?:key\s*event|pinned(?:\s*post)?|breaking(?:\s*news)?|update|live|new)$", re.I)


def _reach(page: Page) -> list[Entry]:
    try:
        nodes = page.tree.css("div.live-event-entry[id]")
    except Exception:
        return []
    if not nodes:
        return []
    key_ids = set()
    for ref in page.tree.css(".live-event-key-events [data-id], .live-event-key-events a[href^='#']"):
        value = ref.attributes.get("data-id") or (ref.attributes.get("href") or "")[1:]
        if value:
            key_ids.add(value.strip())
    pinned_ids = set()
    for ref in page.tree.css("[class*=pinned] [data-id]"):
        pinned_ids.add((ref.attributes.get("data-id") or "").strip())
    entries = []
    for node in nodes[:_MAX_ITEMS]:
        entry = _reach_entry(page, node, key_ids, pinned_ids)
        if entry is not None:
            entries.append(entry)
    return merge_duplicates(entries)


def _reach_entry(page: Page, node: LexborNode, key_ids: set[str], pinned_ids: set[str]) -> Entry | None:
    attrs = node.attributes
    anchor = (attrs.get("id") or "").strip()
    published = parse_epoch(attrs.get("data-post-time")) or parse_date(attrs.get("data-post-time"))
    modified = parse_epoch(attrs.get("data-last-modified-time"))
    block = node  # read in place: block_content never prunes the page
    if not anchor:
        return None
    info = block.css_first(".entry-info")
    time_node = (info or block).css_first("time")
    time_text = text_of(time_node)
    if published is None:
        published, stamp, _ = find_time(block)
        time_text = time_text or stamp
    author = ""
    if info is not None:
        mark = info.css_first("mark, [class*=author], [class*=byline]")
        label = text_of(mark)
        if label and not _LABEL_ONLY.match(label) and len(label) <= 120:
            author = label
    content_node = block.css_first(".entry-content") or block
    heading = find_heading(content_node)
    title = text_of(heading)
    media: list[Media] = []
    drop = [heading, info] if content_node is block else [heading]
    for tweet in content_node.css("[data-mod=tweet], .tweet[data-url]"):
        media.append(Media(kind="embed", caption=text_of(tweet), url=tweet.attributes.get("data-url") or ""))
        drop.append(tweet)
    for embedded in content_node.css("[data-embedded-content-path]"):
        media.append(Media(kind="card", title=text_of(embedded),
                           url=embedded.attributes.get("data-embedded-content-path") or ""))
        drop.append(embedded)
    content = block_content(content_node, page.url, drop)
    paragraphs = without_title(content.paragraphs, title)
    all_media = clean_media(list(content.media) + media)
    if not title and not paragraphs and not all_media:
        return None
    kind = (attrs.get("data-type") or "").lower()
    return make_entry(
        source=page.source,
        title=title,
        body=paragraphs,
        published=published,
        time_text=time_text,
        url=f"{page_base(page)}#{anchor}",
        base_url=page.url,
        id=make_id(url=page.url, anchor=anchor),
        author=author,
        media=all_media,
        key_event="key" in kind or anchor in key_ids,
        pinned="pin" in kind or anchor in pinned_ids,
        updated=modified if modified and modified != published else None,
    )


_PINNED_LABEL = re.compile(r"pinned", re.I)
_GUARDIAN_ID = re.compile(r"^[0-9a-f]{16,40}$")
_KEY_LABEL = re.compile(r"key-?event|is-key|summary", re.I)


def _label(node: LexborNode) -> str:
    attrs = node.attributes
    return " ".join(filter(None, (attrs.get("class"), attrs.get("id"), attrs.get("data-gu-name"),
                                  attrs.get("data-component"), attrs.get("data-type"))))


def _guardian_html(page: Page) -> list[Entry]:
    try:
        nodes = page.tree.css('[id^="block-"], [data-block-id]')
    except Exception:
        return []
    blocks = []
    for node in nodes:
        if node.tag not in ("div", "article", "section", "li"):
            continue
        label = _label(node)
        if "block" not in label.lower() and node.tag != "article" and "data-block-id" not in node.attributes:
            continue
        moment, _, _ = find_time(node)
        if moment is None:
            continue
        blocks.append((node, moment))
    if not blocks:
        return []
    entries = []
    for node, moment in blocks[:_MAX_ITEMS]:
        entry = _guardian_block(page, node, moment)
        if entry is not None:
            entries.append(entry)
    return merge_duplicates(entries)


def _guardian_block(page: Page, node: LexborNode, moment: datetime) -> Entry | None:
    attrs = node.attributes
    block_id = (attrs.get("data-block-id") or "").strip()
    element_id = (attrs.get("id") or "").strip()
    if not block_id and element_id.startswith("block-"):
        block_id = element_id[len("block-"):]
    if not block_id or not (_GUARDIAN_ID.match(block_id) or attrs.get("data-block-id")):
        return None  # e.g. Drupal's id="block-system-main" on a plain article
    anchor = f"block-{block_id}"
    pinned = False
    key = bool(_KEY_LABEL.search(_label(node)))
    current = node
    for _ in range(6):
        if current is None or current.tag in ("body", "html"):
            break
        if _PINNED_LABEL.search(_label(current)):
            pinned = True
        current = current.parent
    block = node  # read in place: block_content never prunes the page
    heading = block.css_first(".block-title, [class*=block-title]") or find_heading(block)
    title = text_of(heading)
    _, time_text, time_node = find_time(block)
    drop = [heading, time_node]
    drop.extend(block.css(".block-time, .block-footer, .block-share, [class*=byline], "
                         "[class*=contributor], [data-component=share]"))
    body_node = block.css_first(".block-elements, [class*=block-elements]")
    content = block_content(body_node if body_node is not None else block, page.url, drop)
    paragraphs = without_title(content.paragraphs, title)
    if not title and not paragraphs and not content.media:
        return None
    author_node = node.css_first("[class*=contributor], [class*=byline]")
    author = text_of(author_node) if author_node is not None and len(text_of(author_node)) <= 120 else ""
    return make_entry(
        source=page.source,
        title=title,
        body=paragraphs,
        published=moment,
        time_text=time_text,
        url=f"{page_base(page)}#{anchor}",
        base_url=page.url,
        id=make_id(url=page.url, anchor=anchor),
        author=author,
        media=content.media,
        key_event=key,
        pinned=pinned,
    )


# --------------------------------------------------------------------------------------
# JSON payloads
# --------------------------------------------------------------------------------------


def extract_json(payload, url: str, source: str, now: datetime) -> Extraction | None:
    """A known liveblog JSON payload as an Extraction, or None when it is not one."""
    for recognizer in (_guardian_json, _sourcefabric_json, _tickaroo_json):
        try:
            result = recognizer(payload, url, source)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError):
            result = None
        if result is not None:
            result.entries = newest_first(merge_duplicates(result.entries))
            return result
    return None


def _plain_html(html: str) -> str:
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return html
    tree = LexborHTMLParser(tame(html))
    tree.strip_tags(["script", "style", "noscript", "template"])
    return text_of(tree.body)


# -- The Guardian ----------------------------------------------------------------------


def _is_guardian(payload) -> bool:
    if not isinstance(payload, dict):
        return False
    blocks = payload.get("blocks")
    if not isinstance(blocks, list):
        return False
    if not any(isinstance(b, dict) and "id" in b and "elements" in b for b in blocks[:50]) and not \
            isinstance(payload.get("pinnedPost"), dict):
        return False
    markers = (payload.get("contentType") == "LiveBlog",
               (payload.get("format") or {}).get("design") in ("LiveBlogDesign", "DeadBlogDesign"),
               bool((payload.get("pageType") or {}).get("isLiveblog")),
               any(isinstance(b, dict) and "blockFirstPublished" in b for b in blocks[:50]))
    return any(markers)


def _guardian_image(element: dict) -> Media:
    data = element.get("data") or {}
    caption = _plain_html(data.get("caption") or "") or data.get("alt") or ""
    best = ""
    best_width = -1
    images = ((element.get("media") or {}).get("allImages")) or []
    for image in images:
        if not isinstance(image, dict):
            continue
        try:
            width = int((image.get("fields") or {}).get("width") or 0)
        except (TypeError, ValueError):
            width = 0
        if image.get("url") and width <= 1000 and width > best_width:
            best, best_width = image["url"], width
    if not best and images and isinstance(images[0], dict):
        best = images[0].get("url") or ""
    return Media(kind="image", caption=caption, url=best)


def _guardian_elements(elements, base_url: str) -> tuple[list[str], list[Media]]:
    paragraphs: list[str] = []
    media: list[Media] = []
    for element in elements if isinstance(elements, list) else []:
        if not isinstance(element, dict):
            continue
        kind = str(element.get("_type") or "").rsplit(".", 1)[-1]
        if kind == "ImageBlockElement":
            media.append(_guardian_image(element))
        elif kind == "RichLinkBlockElement":
            media.append(Media(kind="card", title=(element.get("text") or "").strip(), url=element.get("url") or ""))
        elif kind in ("TweetBlockElement", "InstagramBlockElement", "EmbedBlockElement",
                      "SoundcloudBlockElement", "SpotifyBlockElement", "TikTokBlockElement",
                      "InteractiveBlockElement", "DocumentBlockElement", "MapBlockElement"):
            caption = _plain_html(element.get("html") or "") or element.get("caption") or element.get("alt") or ""
            media.append(Media(kind="embed", caption=caption[:500], url=element.get("url") or element.get("source") or ""))
        elif "Youtube" in kind or "Video" in kind or "Audio" in kind:
            asset = element.get("assetId") or ""
            link = element.get("url") or (f"https://www.youtube.com/watch?v={asset}" if asset else "")
            media.append(Media(kind="video", caption=element.get("mediaTitle") or element.get("caption") or "",
                               url=link))
        elif isinstance(element.get("html"), str):
            content = html_content(element["html"], base_url)
            paragraphs.extend(content.paragraphs)
            media.extend(content.media)
        elif isinstance(element.get("text"), str):
            paragraphs.append(_plain_html(element["text"]))
        elif element.get("url"):
            media.append(Media(kind="embed", url=element["url"]))
    return paragraphs, media


def _guardian_json(payload, url: str, source: str) -> Extraction | None:
    if not _is_guardian(payload):
        return None
    web = ""
    for key in ("webURL", "webUrl", "canonicalUrl"):
        candidate = safe_url(payload.get(key) or "")
        if candidate:
            web = candidate
            break
    web = (web or url).split("#", 1)[0].split("?", 1)[0]
    key_ids = {str(k.get("id")) for k in payload.get("keyEvents") or [] if isinstance(k, dict) and k.get("id")}
    pinned_post = payload.get("pinnedPost") if isinstance(payload.get("pinnedPost"), dict) else None
    pinned_id = str(pinned_post.get("id")) if pinned_post and pinned_post.get("id") else ""
    blocks = [b for b in payload.get("blocks") or [] if isinstance(b, dict)][:_MAX_ITEMS]
    if pinned_post is not None:
        blocks = [pinned_post] + blocks
    entries = []
    for block in blocks:
        entry = _guardian_entry(block, web, source, key_ids, pinned_id)
        if entry is not None:
            entries.append(entry)
    title = clean_line(_plain_html(payload.get("headline") or payload.get("webTitle") or ""), 300)
    return Extraction(kind="live", title=title, entries=entries, strategy="sites:guardian")


def _guardian_entry(block: dict, web: str, source: str, key_ids: set[str], pinned_id: str) -> Entry | None:
    block_id = str(block.get("id") or "").strip()
    if not block_id:
        return None
    attributes = block.get("attributes") or {}
    published = parse_epoch(block.get("blockFirstPublished")) or parse_epoch(block.get("blockCreatedOn"))
    updated = parse_epoch(block.get("blockLastUpdated"))
    title = _plain_html(block.get("title") or "")
    paragraphs, media = _guardian_elements(block.get("elements"), web)
    paragraphs = without_title(paragraphs, title)
    media = clean_media(media)
    if not title and not paragraphs and not media:
        return None
    authors = ", ".join(c.get("name", "") for c in block.get("contributors") or [] if isinstance(c, dict))
    anchor = f"block-{block_id}"
    return make_entry(
        source=source,
        title=title,
        body=paragraphs,
        published=published,
        time_text=block.get("blockFirstPublishedDisplay") or "",
        url=f"{web}?page=with:{anchor}#{anchor}",
        base_url=web,
        id=make_id(url=web, anchor=anchor),
        author=authors,
        media=media,
        key_event=bool(attributes.get("keyEvent")) or block_id in key_ids,
        pinned=bool(attributes.get("pinned")) or block_id == pinned_id,
        updated=updated if updated and updated != published else None,
    )


# -- Sourcefabric Liveblog ------------------------------------------------------------------


def _is_sourcefabric_post(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("groups"), list) and (
        value.get("particular_type") == "post" or "post_status" in value or "sticky" in value)


def _sourcefabric_json(payload, url: str, source: str) -> Extraction | None:
    if isinstance(payload, dict) and isinstance(payload.get("_items"), list):
        posts = payload["_items"]
        if posts and not any(_is_sourcefabric_post(p) for p in posts[:50]):
            return None
        if not posts and not isinstance(payload.get("_meta"), dict):
            return None
    elif _is_sourcefabric_post(payload):
        posts = [payload]
    else:
        return None
    entries = []
    for post in posts[:_MAX_ITEMS]:
        if not _is_sourcefabric_post(post):
            continue
        entry = _sourcefabric_entry(post, url, source)
        if entry is not None:
            entries.append(entry)
    return Extraction(kind="live", title="", entries=entries, strategy="sites:sourcefabric")


def _sourcefabric_removed(post: dict) -> bool:
    if post.get("deleted") or post.get("post_status") in ("draft", "submitted"):
        return True
    unpublished = parse_date(post.get("unpublished_date"))
    published = parse_date(post.get("published_date"))
    return bool(unpublished and (published is None or unpublished > published))


def _sourcefabric_items(post: dict) -> list[dict]:
    groups = [g for g in post.get("groups") or [] if isinstance(g, dict)]
    main = [g for g in groups if g.get("id") == "main"] or [g for g in groups if g.get("id") != "root"]
    items = []
    for group in main:
        for ref in group.get("refs") or []:
            if isinstance(ref, dict) and isinstance(ref.get("item"), dict):
                items.append(ref["item"])
    return items


def _sourcefabric_entry(post: dict, url: str, source: str) -> Entry | None:
    if _sourcefabric_removed(post):
        return None
    post_id = str(post.get("_id") or post.get("guid") or "").strip()
    paragraphs: list[str] = []
    media: list[Media] = []
    title = ""
    for item in _sourcefabric_items(post):
        kind = item.get("item_type") or item.get("type") or ""
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        if kind == "image":
            renditions = ((meta.get("media") or {}).get("renditions")) or {}
            link = ""
            for name in ("baseImage", "viewImage", "original", "thumbnail"):
                if isinstance(renditions.get(name), dict) and renditions[name].get("href"):
                    link = renditions[name]["href"]
                    break
            media.append(Media(kind="image", caption=_plain_html(meta.get("caption") or "")
                               or _plain_html(meta.get("credit") or ""), url=link))
        elif kind == "quote":
            quote = _plain_html(meta.get("quote") or "")
            if quote:
                paragraphs.append(quote)
                credit = _plain_html(meta.get("credit") or "")
                if credit:
                    paragraphs.append(f"— {credit}")
            else:
                paragraphs.extend(html_content(item.get("text") or "", url).paragraphs)
        elif kind == "embed":
            html = meta.get("html") or item.get("text") or ""
            caption = _plain_html(meta.get("title") or "") or _plain_html(meta.get("description") or "") \
                or _plain_html(html)
            link = meta.get("original_url") or meta.get("url") or ""
            if not link:
                found = re.findall(r"""(?:href|src)=["']((?:https?:)?//[^"']+)""", html)
                status = [f for f in found if "/status/" in f or "/p/" in f or "/posts/" in f]
                link = (status or found[-1:] or [""])[-1]
                link = "https:" + link if link.startswith("//") else link
            media.append(Media(kind="embed", caption=caption[:500], url=link))
        elif kind in ("text", "") or isinstance(item.get("text"), str):
            if item.get("headline") and not title:
                title = _plain_html(item["headline"])
            content = html_content(item.get("text") or "", url)
            paragraphs.extend(content.paragraphs)
            media.extend(content.media)
    media = clean_media(media)
    if not paragraphs and not media and not title:
        return None
    published = parse_date(post.get("published_date")) or parse_date(post.get("_created"))
    updated = parse_date(post.get("content_updated_date")) or parse_date(post.get("_updated"))
    publisher = post.get("publisher") if isinstance(post.get("publisher"), dict) else {}
    return make_entry(
        source=source,
        title=title,
        body=paragraphs,
        published=published,
        time_text=post.get("published_date") or "",
        url=url,
        id=make_id(source_id=post_id) if post_id else "",
        author=publisher.get("display_name") or post.get("sign_off") or "",
        media=media,
        key_event=bool(post.get("highlight") or post.get("lb_highlight")),
        pinned=bool(post.get("sticky")),
        updated=updated if updated and published and updated > published else None,
    )


# -- Tickaroo ------------------------------------------------------------------------------


def _is_tickaroo_event(value) -> bool:
    if not isinstance(value, dict):
        return False
    kind = str(value.get("_type") or "")
    return kind.startswith("Tik::") and kind.endswith("::Event") or (
        kind.startswith("Tik::") and isinstance(value.get("event_info"), dict))


def _tickaroo_json(payload, url: str, source: str) -> Extraction | None:
    if _is_tickaroo_event(payload):
        events = [payload]
    elif isinstance(payload, dict) and isinstance(payload.get("events"), list) and \
            any(_is_tickaroo_event(e) for e in payload["events"][:50]):
        events = payload["events"]
    elif isinstance(payload, list) and payload and any(_is_tickaroo_event(e) for e in payload[:50]):
        events = payload
    else:
        return None
    entries = []
    for event in events[:_MAX_ITEMS]:
        if not _is_tickaroo_event(event) or event.get("deleted"):
            continue
        entry = _tickaroo_entry(event, url, source)
        if entry is not None:
            entries.append(entry)
    title = clean_line((payload.get("title") or "") if isinstance(payload, dict) and "events" in payload else "", 300)
    return Extraction(kind="live", title=title, entries=entries, strategy="sites:tickaroo")


def _tickaroo_entry(event: dict, url: str, source: str) -> Entry | None:
    info = event.get("event_info") if isinstance(event.get("event_info"), dict) else {}
    text = info.get("title") or info.get("text") or ""
    paragraphs = [line.strip() for line in str(text).splitlines() if line.strip()]
    headline = _plain_html(info.get("headline") or event.get("headline") or "")
    media = []
    for item in event.get("media") or []:
        if isinstance(item, dict):
            kind = "video" if str(item.get("subtype") or "") == "v" else "image"
            media.append(Media(kind=kind, caption=item.get("title") or item.get("credit") or "",
                               url=item.get("url") or ""))
    for link in info.get("web_embed_urls") or []:
        if isinstance(link, str):
            media.append(Media(kind="embed", url=link))
    media = clean_media(media)
    if not paragraphs and not media and not headline:
        return None
    event_id = str(event.get("local_id") or event.get("id") or event.get("_id") or "").strip()
    published = parse_epoch(event.get("created_at")) or parse_date(event.get("created_at"))
    updated = parse_epoch(event.get("updated_at")) or parse_date(event.get("updated_at"))
    return make_entry(
        source=source,
        title=headline,
        body=paragraphs,
        published=published,
        time_text="",
        url=url,
        id=make_id(source_id=event_id) if event_id else "",
        media=media,
        key_event=bool(event.get("highlight") or event.get("is_highlight") or event.get("highlighted")),
        pinned=bool(event.get("sticky") or event.get("pinned")),
        updated=updated if updated and published and updated > published else None,
    )
