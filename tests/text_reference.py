"""The straightforward node walk that `text.node_content` replaced (kept as the reference
the fast walk is checked against: same paragraphs, same media, in the same order).

Copied from src/feedtui/extract/text.py before the fast path; only the imports changed.
Block content used to be taken from a re-parsed private copy with the dropped nodes
(headline, stamp, byline, lone-link paragraphs) decomposed: `copy_content` does that.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from feedtui.extract.text import (
    BLOCK, SKIP, Content, Media, _CAPTION_CLASS, _CARD_CLASS, _FURNITURE_CLASS, _READ_ALSO, _SPACE,
    _card, _classes, _image, _leading_text, _text, is_furniture,
)


def _is_card(node: LexborNode, cls: str) -> bool:
    tag = node.tag
    if tag == "a":
        return node.css_first("img, picture") is not None and bool(_leading_text(node, 1) or _text(node))
    if tag in ("aside", "div", "section", "article", "figure", "p", "span"):
        if cls and _CARD_CLASS.search(cls) and node.css_first("a[href]") is not None:
            return True
        if tag in ("p", "div") and _READ_ALSO.match(_leading_text(node)):
            return node.css_first("a[href]") is not None and len(_text(node)) < 200
    return False


class _Collector:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.content = Content()
        self.buffer: list[str] = []

    def flush(self) -> None:
        if not self.buffer:
            return
        text = _SPACE.sub(" ", "".join(self.buffer)).strip()
        self.buffer.clear()
        if text and not is_furniture(text):
            self.content.paragraphs.append(text)

    def add_media(self, media: Media) -> None:
        if (media.caption or media.title or media.url) and media not in self.content.media:
            self.content.media.append(media)


def _figure(node: LexborNode) -> Media:
    caption_node = node.css_first("figcaption")
    caption = _text(caption_node) if caption_node is not None else ""
    img = node.css_first("img")
    video = node.css_first("video, iframe")
    if img is not None:
        image = _image(img)
        return Media(kind="image", caption=caption or image.caption, url=image.url)
    if video is not None:
        return Media(kind="video", caption=caption, url=video.attributes.get("src") or "")
    return Media(kind="image", caption=caption)


def node_content(node: LexborNode | None, base_url: str = "", skip: frozenset[str] = frozenset()) -> Content:
    out = _Collector(base_url)
    if node is None:
        return out.content
    stack: list[LexborNode | None] = []
    child = node.child
    pending = []
    while child is not None:
        pending.append(child)
        child = child.next
    stack.extend(reversed(pending))
    while stack:
        current = stack.pop()
        if current is None:
            out.flush()
            continue
        tag = current.tag
        if tag == "-text":
            out.buffer.append(current.text_content or "")
            continue
        if not tag or tag in SKIP or tag in skip or tag.startswith("-"):
            continue
        if tag == "br":
            out.flush()
            continue
        attrs = current.attributes
        if "hidden" in attrs or attrs.get("aria-hidden") == "true":
            continue
        cls = _classes(current)
        if cls and _FURNITURE_CLASS.search(cls):
            continue
        if tag == "img":
            out.add_media(_image(current))
            continue
        if tag == "figure" or tag == "picture":
            out.flush()
            out.add_media(_figure(current))
            continue
        if tag in ("video", "iframe", "audio"):
            out.flush()
            out.add_media(Media(kind="video" if tag != "iframe" else "embed",
                                caption=attrs.get("title") or "", url=attrs.get("src") or ""))
            continue
        if tag == "figcaption" or (cls and _CAPTION_CLASS.search(cls)):
            out.flush()
            out.add_media(Media(kind="image", caption=_text(current)))
            continue
        if tag == "blockquote" and "twitter-tweet" in cls:
            out.flush()
            link = current.css("a[href]")
            out.add_media(Media(kind="embed", caption=_text(current),
                                url=link[-1].attributes.get("href") or "" if link else ""))
            continue
        if _is_card(current, cls):
            out.flush()
            card = _card(current)
            if card is not None:
                out.add_media(card)
            continue
        block = tag in BLOCK
        if block:
            out.flush()
            stack.append(None)
        kids = []
        child = current.child
        while child is not None:
            kids.append(child)
            child = child.next
        stack.extend(reversed(kids))
    out.flush()
    return out.content


def copy_of(node: LexborNode) -> LexborNode | None:
    """A private copy of an element (re-parsed), safe to prune without touching the page."""
    html = node.html or ""
    if not html:
        return None
    tree = LexborHTMLParser(f"<body>{html}</body>")
    body = tree.body
    if body is None:
        return None
    child = body.child
    while child is not None and not child.is_element_node:
        child = child.next
    return child


# ------------------------------------------------------------------ blocks (dom.py before)


def _lone_link_cards(root: LexborNode, page_url: str) -> list[Media]:
    from feedtui.extract.dom import text_of

    cards: list[Media] = []
    page_base = page_url.split("#", 1)[0]
    for para in root.css("p"):
        links = para.css("a[href]")
        if len(links) != 1:
            continue
        link = links[0]
        href = (link.attributes.get("href") or "").strip()
        if not href.startswith(("http://", "https://", "/")) or href.split("#", 1)[0] == page_base:
            continue
        text = text_of(link)
        if not text or text != text_of(para):
            continue
        cards.append(Media(kind="card", title=text, url=href))
        para.decompose()
    return cards


def block_content(root: LexborNode, base_url: str, drop=()) -> Content:
    """Paragraphs and media of a private copy of a block, with the nodes in `drop` removed."""
    from feedtui.extract.dom import _BARE_URL, clean_media

    for node in drop:
        if node is not None:
            try:
                node.decompose()
            except Exception:  # already removed with an ancestor
                pass
    cards = _lone_link_cards(root, base_url)
    content = node_content(root, base_url)
    paragraphs: list[str] = []
    media: list[Media] = []
    for para in content.paragraphs:
        if _BARE_URL.match(para):
            media.append(Media(kind="embed", url=para))
        else:
            paragraphs.append(para)
    media.extend(content.media)
    media.extend(cards)
    return Content(paragraphs=paragraphs, media=clean_media(media))


def dom_block_content(node: LexborNode, base_url: str) -> Content:
    """What dom.py's _entry_for used to read of a block: a re-parsed copy, its headline,
    stamp and byline decomposed."""
    from feedtui.extract.dom import find_heading, find_time, meta_nodes, text_of

    copy = copy_of(node)
    if copy is None:
        return Content()
    heading = find_heading(copy)
    _, _, time_node = find_time(copy)
    drop = [heading]
    if time_node is not None and len(text_of(time_node)) <= 80:
        drop.append(time_node)
    drop.extend(meta_nodes(copy))
    return block_content(copy, base_url, drop)
