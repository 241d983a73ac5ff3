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
# The same lines split for speed: _FURNITURE_TEXT matches exactly when _FURNITURE_HEAD does
# (patterns anchored on the first words, each fails at once on ordinary text) or
# _FURNITURE_MENTION does (lines that mention cookies or a newsletter anywhere, which cost a
# scan of the line and run only when such a word is in it).
_FURNITURE_HEAD = re.compile(
    _FURNITURE_TEXT.pattern.replace(r".*\bnewsletter\b.{0,40}$ |", "").replace(r".*\bcookies?\b.{0,80} |", ""),
    re.IGNORECASE | re.VERBOSE,
)
_FURNITURE_MENTION = re.compile(r"^(?:.*\bnewsletter\b.{0,40}$|.*\bcookies?\b.{0,80})$", re.IGNORECASE)
_MENTION_HINT = re.compile(r"newsletter|cookie", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def is_furniture(text: str) -> bool:
    """True for short page-furniture lines that must never become an entry or body text."""
    return _is_furniture_line(" ".join(text.split()))  # str.split's whitespace is re's \s


def _is_furniture_line(text: str) -> bool:
    """is_furniture for text whose whitespace is already collapsed and stripped."""
    text = text.strip("»›>→·|•").strip()
    if not text:
        return True
    if len(text) > 160:
        return False
    if _FURNITURE_HEAD.match(text) is not None:
        return True
    if text.isascii():  # ASCII: lower() folds exactly as the expressions' IGNORECASE does
        low = text.lower()
        if "cookie" not in low and "newsletter" not in low:
            return False
    elif _MENTION_HINT.search(text) is None:
        return False
    return _FURNITURE_MENTION.match(text) is not None


def _classes(node: LexborNode) -> str:
    attrs = node.attributes
    return " ".join(filter(None, (attrs.get("class"), attrs.get("id"), attrs.get("data-component"),
                                  attrs.get("data-type"), attrs.get("role"))))


@dataclass
class Content:
    """Plain-text paragraphs and media found in a piece of HTML."""

    paragraphs: list[str] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)


def _text(node: LexborNode) -> str:
    return " ".join((node.text(separator=" ") or "").split())


def _image(node: LexborNode) -> Media:
    attrs = node.attributes
    src = attrs.get("src") or attrs.get("data-src") or ""
    return Media(kind="image", caption=(attrs.get("alt") or attrs.get("title") or "").strip(), url=src)


def _figure(node: LexborNode) -> Media:
    # the first figcaption, img and video/iframe in document order (as css_first would
    # find them), in one walk of the figure instead of three selector queries
    caption_node = img = video = None
    for inner in node.traverse():
        tag = inner.tag
        if tag == "figcaption":
            if caption_node is None:
                caption_node = inner
        elif tag == "img":
            if img is None:
                img = inner
        elif tag == "video" or tag == "iframe":
            if video is None:
                video = inner
        else:
            continue
        if caption_node is not None and img is not None and video is not None:
            break
    caption = _text(caption_node) if caption_node is not None else ""
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
    top = node.mem_id  # (selectolax gives a new wrapper per access: compare by node)
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
            while current is not None and current.next is None and current.mem_id != top:
                current = current.parent
            if current is None or current.mem_id == top:
                break
            current = current.next
    return _SPACE.sub(" ", "".join(parts)).strip()


def _leading_words(node: LexborNode, limit: int = 40) -> str:
    """_leading_text(node, limit) as far as _READ_ALSO can tell: at once when the first
    child is text long enough, or "" when that text cannot start a _READ_ALSO match."""
    first = node.child
    if first is not None and first.is_text_node:
        text = first.text_content or ""
        head = text.lstrip()
        if head and head[0] not in _READ_ALSO_FIRST:
            return ""
        if len(head.rstrip()) >= limit:  # _leading_text stops after this one
            return " ".join(text.split())
    return _leading_text(node, limit)


#: The first letters of _READ_ALSO's words, in every case IGNORECASE matches ("ſ" is an s).
_READ_ALSO_FIRST = frozenset("rRaAsSſ")


_READ_ALSO = re.compile(r"(?:read (?:more|also|next)|also read|see also|related)\b", re.IGNORECASE)


def _has_element_child(node: LexborNode) -> bool:
    child = node.child
    while child is not None:
        if child.is_element_node:
            return True
        child = child.next
    return False


def _is_card(node: LexborNode, cls: str) -> bool:
    tag = node.tag
    if tag == "a":
        if not _has_element_child(node):  # the common text-only link holds no picture
            return False
        return node.css_first("img, picture") is not None and bool(_leading_text(node, 1) or _text(node))
    if tag in ("aside", "div", "section", "article", "figure", "p", "span"):
        if cls and _CARD_CLASS.search(cls) and node.css_first("a[href]") is not None:
            return True
        if tag in ("p", "div") and _READ_ALSO.match(_leading_words(node)):
            return node.css_first("a[href]") is not None and len(_text(node)) < 200
    return False


def node_content(node: LexborNode | None, base_url: str = "", skip: frozenset[str] = frozenset(),
                 drop=()) -> Content:
    """Paragraphs and media of one element's subtree.

    skip: extra tags to ignore (a strategy that already took the headline passes "h2").
    drop: elements to leave out with their subtrees (a block's headline, stamp and byline).
    The page is walked in place, never copied or pruned: an element that holds a dropped
    one is judged (card? caption?) on a pruned clone of itself, as if they were removed.
    """
    content = Content()
    if node is None:
        return content
    drop_ids: set[int] = set()
    holders: set[int] = set()
    if drop:
        drop_ids = {item.mem_id for item in drop if item is not None}
        if node.mem_id in drop_ids:
            return content
        holders = holders_of(node, drop)
    kids: list[LexborNode] = []
    child = node.child
    while child is not None:
        kids.append(child)
        child = child.next
    return _walk(kids, content, skip, drop_ids, holders)


def nodes_content(nodes: list[LexborNode], base_url: str = "") -> Content:
    """Paragraphs and media of a run of sibling nodes (elements and text), read in place:
    what node_content gives for a parent that holds just these nodes."""
    return _walk(list(nodes), Content(), frozenset(), set(), set())


def _walk(kids: list[LexborNode], content: Content, skip: frozenset[str], drop_ids: set[int],
          holders: set[int]) -> Content:
    """node_content's walk over top-level nodes kids (in document order)."""
    paragraphs = content.paragraphs
    media = content.media
    buffer: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buffer).split())  # as _SPACE.sub(" ", ...).strip(), faster
        buffer.clear()
        if text and not _is_furniture_line(text):
            paragraphs.append(text)

    def add(item: Media) -> None:
        if (item.caption or item.title or item.url) and item not in media:
            media.append(item)

    skip_tags = SKIP | skip if skip else SKIP
    block_tags = BLOCK
    furniture_class = _FURNITURE_CLASS.search
    caption_class = _CAPTION_CLASS.search
    # An explicit stack instead of recursion: pathological nesting cannot overflow it.
    # Items are nodes to visit, or None as the marker "a block ended here".
    stack: list[LexborNode | None] = []
    push = stack.append
    pop = stack.pop
    kids.reverse()
    stack.extend(kids)
    while stack:
        current = pop()
        if current is None:
            if buffer:
                flush()
            continue
        tag = current.tag
        if tag == "-text":
            buffer.append(current.text_content or "")
            continue
        if not tag or tag in skip_tags or tag[0] == "-":
            continue
        if drop_ids and current.mem_id in drop_ids:
            continue
        if tag == "br":
            if buffer:
                flush()
            continue
        if len(current.attrs):
            attrs = current.attributes
            if "hidden" in attrs or attrs.get("aria-hidden") == "true":
                continue
            cls = " ".join(filter(None, (attrs.get("class"), attrs.get("id"), attrs.get("data-component"),
                                         attrs.get("data-type"), attrs.get("role"))))
            if cls and furniture_class(cls):
                continue
        else:
            attrs = {}
            cls = ""
        # what the helpers below look into: the element itself, or (when it holds a dropped
        # element) a clone without the dropped parts
        view = _pruned_clone(current, drop_ids) if holders and current.mem_id in holders else current
        if tag == "img":
            add(_image(current))
            continue
        if tag == "figure" or tag == "picture":
            if buffer:
                flush()
            add(_figure(view))
            continue
        if tag == "video" or tag == "iframe" or tag == "audio":
            if buffer:
                flush()
            add(Media(kind="video" if tag != "iframe" else "embed",
                      caption=attrs.get("title") or "", url=attrs.get("src") or ""))
            continue
        if tag == "figcaption" or (cls and caption_class(cls)):
            if buffer:
                flush()
            add(Media(kind="image", caption=_text(view)))
            continue
        if tag == "blockquote" and "twitter-tweet" in cls:
            if buffer:
                flush()
            link = view.css("a[href]")
            add(Media(kind="embed", caption=_text(view),
                      url=link[-1].attributes.get("href") or "" if link else ""))
            continue
        if tag in _CARD_TAGS and _is_card(view, cls):
            if buffer:
                flush()
            card = _card(view)
            if card is not None:
                add(card)
            continue
        if tag in block_tags:
            if buffer:
                flush()
            push(None)
        child = current.child
        if child is None:
            continue
        if child.next is None:
            push(child)
            continue
        kids = []
        while child is not None:
            kids.append(child)
            child = child.next
        kids.reverse()
        stack.extend(kids)
    if buffer:
        flush()
    return content


def holders_of(root: LexborNode, nodes) -> set[int]:
    """mem_ids of the elements from root down that hold one of nodes (not the nodes)."""
    holders: set[int] = set()
    stop = root.mem_id
    for node in nodes:
        if node is None:
            continue
        current = node.parent
        while current is not None:
            mem_id = current.mem_id
            if mem_id in holders:
                break
            holders.add(mem_id)
            if mem_id == stop:
                break
            current = current.parent
    return holders


def _pruned_clone(node: LexborNode, drop_ids: set[int]) -> LexborNode:
    """A deep clone of node without the elements in drop_ids (the page is not touched)."""
    clone = node.clone()
    pairs = [(node, clone)]
    doomed = []
    while pairs:
        original, copy = pairs.pop()
        a, b = original.child, copy.child
        while a is not None and b is not None:
            if a.mem_id in drop_ids:
                doomed.append(b)
            elif a.child is not None:
                pairs.append((a, b))
            a, b = a.next, b.next
    for item in doomed:
        item.decompose()
    return clone


#: Tags `_is_card` can say yes to.
_CARD_TAGS = frozenset({"a", "aside", "div", "section", "article", "figure", "p", "span"})


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
