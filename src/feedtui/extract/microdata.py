"""Microdata liveBlogUpdate: elements with `itemprop="liveBlogUpdate"` and `itemscope`.

Property values are read the microdata way: `<meta content>`, `<time datetime>`,
`<a href>`/`<link href>`, `<img src>`, else the element's text. Properties of nested
items (an author's name) are not mistaken for the update's own. Headlines and dates that
are page-level copies (identical in every update) are not used.
"""

from __future__ import annotations

from datetime import datetime

from selectolax.lexbor import LexborNode

from ..models import Entry, Media
from .base import Page, make_entry, make_id, normal_key
from .dates import parse_date
from .dom import (block_content, clean_media, context_flags, find_heading, find_time, html_content,
                  merge_duplicates, meta_nodes, page_base, text_of, without_title)


def _value(node: LexborNode) -> str:
    attrs = node.attributes
    tag = node.tag
    if "content" in attrs and attrs.get("content") is not None:
        return (attrs.get("content") or "").strip()
    if tag == "time" and attrs.get("datetime"):
        return (attrs.get("datetime") or "").strip()
    if tag in ("a", "link", "area") and attrs.get("href"):
        return (attrs.get("href") or "").strip()
    if tag in ("img", "audio", "video", "source", "iframe", "embed") and attrs.get("src"):
        return (attrs.get("src") or "").strip()
    if tag in ("data", "meter") and attrs.get("value"):
        return (attrs.get("value") or "").strip()
    return text_of(node)


def _properties(scope: LexborNode) -> dict[str, list[LexborNode]]:
    """The scope's own properties: itemprop elements whose nearest itemscope is scope."""
    props: dict[str, list[LexborNode]] = {}
    stack = []
    child = scope.child
    while child is not None:
        stack.append(child)
        child = child.next
    stack.reverse()
    steps = 0
    while stack and steps < 200_000:
        steps += 1
        node = stack.pop()
        if not node.is_element_node:
            continue
        attrs = node.attributes
        names = (attrs.get("itemprop") or "").split()
        for name in names:
            props.setdefault(name, []).append(node)
        if "itemscope" in attrs:
            continue  # a nested item: its properties are its own
        kids = []
        child = node.child
        while child is not None:
            kids.append(child)
            child = child.next
        stack.extend(reversed(kids))
    return props


def _first(props: dict[str, list[LexborNode]], *names: str) -> LexborNode | None:
    for name in names:
        nodes = props.get(name)
        if nodes:
            return nodes[0]
    return None


def _author(props: dict[str, list[LexborNode]]) -> str:
    node = _first(props, "author", "creator")
    if node is None:
        return ""
    if "itemscope" in node.attributes:
        name = _first(_properties(node), "name")
        return _value(name) if name is not None else text_of(node)
    return _value(node)


def extract(page: Page) -> list[Entry]:
    """One entry per microdata liveBlogUpdate item."""
    try:
        scopes = [n for n in page.tree.css('[itemprop~="liveBlogUpdate"]') if "itemscope" in n.attributes]
    except Exception:
        return []
    if not scopes:
        return []
    props_list = [_properties(scope) for scope in scopes]
    headlines = []
    dates = []
    for props in props_list:
        node = _first(props, "headline", "name")
        headlines.append(normal_key(_value(node)) if node is not None else "")
        node = _first(props, "datePublished", "dateCreated")
        dates.append(parse_date(_value(node)) if node is not None else None)
    page_headline = _page_headline(page)
    many = len(scopes) >= 2
    same_headline = many and len(set(headlines)) == 1
    same_date = many and len(set(dates)) == 1

    entries = []
    for index, (scope, props) in enumerate(zip(scopes, props_list)):
        headline_copy = bool(headlines[index]) and (same_headline or headlines[index] == page_headline)
        date_copy = dates[index] is not None and same_date
        entry = _entry(page, scope, props, headline_copy, date_copy, dates[index])
        if entry is not None:
            entries.append(entry)
    return merge_duplicates(entries)


def _page_headline(page: Page) -> str:
    """The headline of a page-level microdata LiveBlogPosting, if any."""
    try:
        posting = page.tree.css_first('[itemtype*="LiveBlogPosting"]')
    except Exception:
        return ""
    if posting is None:
        return ""
    node = _first(_properties(posting), "headline", "name")
    return normal_key(_value(node)) if node is not None else ""


def _entry(page: Page, scope: LexborNode, props: dict[str, list[LexborNode]], headline_copy: bool,
           date_copy: bool, published: datetime | None) -> Entry | None:
    headline_node = _first(props, "headline", "name")
    title = "" if headline_copy or headline_node is None else _value(headline_node)
    date_node = _first(props, "datePublished", "dateCreated")
    moment = None if date_copy else published
    time_text = ""
    if moment is not None and date_node is not None:
        visible = text_of(date_node) if date_node.tag != "meta" else ""
        time_text = visible if visible and len(visible) <= 80 else _value(date_node)
    modified_node = _first(props, "dateModified")
    modified = parse_date(_value(modified_node)) if modified_node is not None else None

    item = scope  # read in place: block_content never prunes the page
    if moment is None:
        seen, seen_text, _ = find_time(item)
        if seen is not None and (not date_copy or seen != published):
            moment, time_text = seen, seen_text
    if headline_copy and not title:
        visible_heading = find_heading(item)
        if visible_heading is not None and normal_key(text_of(visible_heading)) != _value_key(headline_node):
            title = text_of(visible_heading)
    body_node = _first(props, "articleBody", "text", "description")
    if body_node is not None and body_node.tag == "meta":
        content = html_content(_value(body_node), page.url)
        paragraphs, media = list(content.paragraphs), list(content.media)
    elif body_node is not None:
        content = block_content(body_node, page.url)
        paragraphs, media = list(content.paragraphs), list(content.media)
    else:
        # no articleBody: the item's visible content minus its headline, stamp and metadata
        drop = [n for n in item.css("[itemprop]") if n.tag in ("meta", "link") or
                ((n.attributes.get("itemprop") or "").split() or [""])[0] in ("headline", "name", "datePublished",
                                                                    "dateModified", "author")]
        heading = find_heading(item)
        _, _, time_node = find_time(item)
        content = block_content(item, page.url, drop + [heading, time_node] + meta_nodes(item))
        paragraphs, media = list(content.paragraphs), list(content.media)
    image = _first(props, "image")
    if image is not None and image.tag in ("img", "meta", "link"):
        media.append(Media(kind="image", caption=image.attributes.get("alt") or "", url=_value(image)))
    paragraphs = without_title(paragraphs, title)
    media = clean_media(media)
    if not title and not paragraphs and not media:
        return None
    anchor = (scope.attributes.get("id") or "").strip()
    url_node = _first(props, "url", "mainEntityOfPage")
    url_value = _value(url_node) if url_node is not None else ""
    if not anchor and "#" in url_value:
        anchor = url_value.split("#", 1)[1]
    itemid = (scope.attributes.get("itemid") or "").strip()
    if itemid and "#" in itemid and not anchor:
        anchor = itemid.split("#", 1)[1]
    if anchor:
        entry_id = make_id(url=page.url, anchor=anchor)
        link = f"{page_base(page)}#{anchor}"
    elif itemid:
        entry_id = make_id(source_id=itemid)
        link = page.url
    else:
        entry_id = ""
        link = page.url
    key, pinned = context_flags(scope)
    return make_entry(
        source=page.source,
        title=title,
        body=paragraphs,
        published=moment,
        key_event=key,
        pinned=pinned,
        time_text=time_text,
        url=link,
        base_url=page.url,
        id=entry_id,
        author=_author(props),
        media=media,
        updated=modified if modified and modified != moment else None,
    )


def _value_key(node: LexborNode | None) -> str:
    return normal_key(_value(node)) if node is not None else ""
