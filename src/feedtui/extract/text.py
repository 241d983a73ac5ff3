"""HTML to clean plain text: paragraphs, media and boilerplate.

`node_content` walks a selectolax node (iteratively, so 50,000 nested divs are fine) and
returns its plain-text paragraphs plus the media it holds: pictures with their captions or
alt text, embedded "read also" article cards, videos and embeds. Captions and cards never
land in the paragraphs; page furniture ("Read more", "Follow our live feed", sign-in,
cookie and comment prompts, share buttons) is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..models import Media
from .htmlguard import tame

#: Elements whose content is never text of an entry.
SKIP = frozenset({
    "script", "style", "noscript", "template", "svg", "button", "form", "input", "select",
    "textarea", "nav", "footer", "header", "head", "title", "meta", "link", "object", "canvas",
    "-comment", "dialog", "menu",
})
#: Elements that end a paragraph.
BLOCK = frozenset({
    "p", "div", "section", "article", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3",
    "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "td", "th", "hr", "main", "aside",
    "address", "details", "summary", "figure", "caption", "tbody", "thead",
})

_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|comments?|cookie|consent|login|signin|sign-in|"
    r"newsletter|subscribe|subscription|advert|advertisement|ad|ads|ad-slot|paywall|"
    r"related-links|toolbar|byline|timestamp|visually-hidden|sr-only|screen-reader-text)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
_CARD_CLASS = re.compile(
    r"(?:read-?(?:also|more|next)|see-?also|related|teaser|promo|card|embed|rich-link|"
    r"article-link|storylink|recommended|more-on)",
    re.IGNORECASE,
)
_CAPTION_CLASS = re.compile(r"caption|credit|image-desc|photo-desc", re.IGNORECASE)

_FURNITURE_TEXT = re.compile(
    r"""^(?:
        read\ (?:more|also|next|the\ full\ story)\b.* | also\ read\b.* | see\ also\b.* |
        related(?:\ articles?|\ stories|\ content)?\s*:.* | more\ on\ this\ story.* |
        follow\ (?:our|us|the|all|live|@).* | sign\ (?:in|up)\b.* | log\ ?in\b.* |
        (?:please\ )?(?:log|sign)\ in\ to\b.* | register\ (?:to|for)\b.* |
        subscribe\b.* | get\ (?:the\ latest|our)\ .*newsletter.* | .*\bnewsletter\b.{0,40}$ |
        share\ (?:this|on|via)\b.* | share | copy\ link | link\ copied.* |
        click\ here\b.* | tap\ here\b.* | skip\ to\b.* | back\ to\ top | advertisement |
        .*\bcookies?\b.{0,80} | we\ use\ cookies.* | accept(?:\ all)?(?:\ cookies)? |
        (?:view|show|hide|load|see)\ (?:more|less|all|comments?)\b.{0,30} |
        \d*\s*comments? | comment(?:s)?\ (?:on\ this|below).* | leave\ a\ comment.* |
        join\ the\ (?:conversation|discussion).* | refresh\ (?:the\ page|for\ updates).* |
        (?:this|our)\ live\ (?:blog|feed|coverage)\ (?:has\ )?(?:is\ )?(?:now\ )?(?:closed|ended).* |
        (?:facebook|twitter|whatsapp|email|x|linkedin|reddit)(?:\W+(?:facebook|twitter|whatsapp|email|x|linkedin|reddit))*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_SPACE = re.compile(r"\s+")


def is_furniture(text: str) -> bool:
    """True for short page-furniture lines that must never become an entry or body text."""
    text = _SPACE.sub(" ", text).strip().strip("»›>→·|•").strip()
    return not text or (len(text) <= 160 and _FURNITURE_TEXT.match(text) is not None)


def _classes(node: LexborNode) -> str:
    attrs = node.attributes
    return " ".join(filter(None, (attrs.get("class"), attrs.get("id"), attrs.get("data-component"),
                                  attrs.get("data-type"), attrs.get("role"))))


@dataclass
class Content:
    """Plain-text paragraphs and media found in a piece of HTML."""

    paragraphs: list[str] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)


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


def _text(node: LexborNode) -> str:
    return _SPACE.sub(" ", node.text(separator=" ") or "").strip()


def _image(node: LexborNode) -> Media:
    attrs = node.attributes
    src = attrs.get("src") or attrs.get("data-src") or ""
    return Media(kind="image", caption=(attrs.get("alt") or attrs.get("title") or "").strip(), url=src)


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


def _card(node: LexborNode) -> Media | None:
    """A linked article card: a link with a title and usually a picture."""
    link = node if node.tag == "a" else node.css_first("a[href]")
    if link is None:
        return None
    heading = node.css_first("h1, h2, h3, h4, h5, h6, [class*=title], [class*=headline]")
    title = _text(heading) if heading is not None else _text(link)
    title = re.sub(r"^(?:read (?:more|also|next)|also read|see also|related)\s*[:\-–—]?\s*", "",
                   title, flags=re.IGNORECASE)
    if not title:
        img = node.css_first("img")
        title = (img.attributes.get("alt") or "") if img is not None else ""
    return Media(kind="card", title=title.strip(), url=link.attributes.get("href") or "")


def _leading_text(node: LexborNode, limit: int = 40) -> str:
    """The first few characters of text inside node, without walking its whole subtree."""
    parts: list[str] = []
    current = node.child
    size = 0
    steps = 0
    while current is not None and size < limit and steps < 50:
        steps += 1
        if current.tag == "-text":
            text = current.text_content or ""
            parts.append(text)
            size += len(text.strip())
            current = current.next
        elif current.child is not None and current.tag not in SKIP:
            current = current.child
        else:
            while current is not None and current.next is None and current is not node:
                current = current.parent
            if current is None or current is node:
                break
            current = current.next
    return _SPACE.sub(" ", "".join(parts)).strip()


_READ_ALSO = re.compile(r"(?:read (?:more|also|next)|also read|see also|related)\b", re.IGNORECASE)


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


def node_content(node: LexborNode | None, base_url: str = "", skip: frozenset[str] = frozenset()) -> Content:
    """Paragraphs and media of one element's subtree.

    skip: extra tags to ignore (a strategy that already took the headline passes "h2").
    """
    out = _Collector(base_url)
    if node is None:
        return out.content
    # An explicit stack instead of recursion: pathological nesting cannot overflow it.
    # Items are nodes to visit, or None as the marker "a block ended here".
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


def fragment_content(html: str, base_url: str = "") -> Content:
    """Paragraphs and media of an HTML fragment (a feed description, a JSON body field).

    Plain text (no markup at all) is split into paragraphs at blank lines.
    """
    if not html:
        return Content()
    if "<" not in html and "&" not in html:
        paragraphs = [p for p in (_SPACE.sub(" ", part).strip() for part in re.split(r"\n\s*\n", html))
                      if p and not is_furniture(p)]
        return Content(paragraphs=paragraphs)
    tree = LexborHTMLParser(tame(html))
    return node_content(tree.body, base_url)
