"""DOM blocks that carry ids or time attributes.

A liveblog's updates are usually repeated sibling elements (same tag and class), each with
an id (`id`, `data-id`, `data-post-id`, `data-entry-id`) and a machine-readable time
(`<time datetime>`, `data-*time*`, `data-timestamp`). At least two such siblings are needed,
so an ordinary article with one `<time>` is not mistaken for a liveblog; comment threads and
teaser lists ("more stories") are rejected.

The helpers at the top (a private copy of a block, its headline, its visible time stamp and
its cleaned content) are shared by the other structured strategies (`sites`, `jsonld`,
`microdata`).
"""

from __future__ import annotations

import re
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..models import Entry, Media
from .base import Page, make_entry, make_id, normal_key
from .dates import parse_date
from .htmlguard import tame
from .text import Content, fragment_content, is_furniture, node_content

# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------

HEADINGS = "h1, h2, h3, h4, h5, h6"
_TITLE_CLASS = "[class*=headline], [class*=title], [class*=Headline], [class*=Title]"
#: Ancestors (inside a block) that make a heading part of an embedded card, not the
#: block's own headline.
_CARD_ANCESTOR = re.compile(
    r"read-?(?:also|more|next)|see-?also|related|teaser|promo|card|embed|rich-link|"
    r"article-link|storylink|recommended|more-on|caption|quote",
    re.IGNORECASE,
)
_CARD_TAGS = frozenset({"a", "aside", "figure", "figcaption", "blockquote", "nav", "footer"})
_JUNK_CAPTION = re.compile(r"^(?:undefined|null|none|image|photo|picture|img|\W*)$", re.IGNORECASE)
_BARE_URL = re.compile(r"^https?://\S+$")
_SPACE = re.compile(r"\s+")


def text_of(node: LexborNode | None) -> str:
    """The node's text with whitespace collapsed ("" for None)."""
    if node is None:
        return ""
    return " ".join((node.text(separator=" ") or "").split())


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
    if child is None:
        return None
    return child  # the node keeps its parser alive (node.parser)


def _inside_card(node: LexborNode, root: LexborNode) -> bool:
    current = node.parent
    while current is not None and current.mem_id != root.mem_id:
        if current.tag in _CARD_TAGS:
            return True
        cls = " ".join(filter(None, (current.attributes.get("class"), current.attributes.get("data-component"))))
        if cls and _CARD_ANCESTOR.search(cls):
            return True
        current = current.parent
    return False


def find_heading(root: LexborNode) -> LexborNode | None:
    """The block's own headline: the first h1-h6 (else a [class*=title|headline] element)
    that is not part of an embedded card, a quote or a caption."""
    for selector in (HEADINGS, _TITLE_CLASS):
        for node in root.css(selector):
            if node.mem_id == root.mem_id or _inside_card(node, root):
                continue
            text = text_of(node)
            if not text or len(text) > 400 or is_furniture(text):
                continue
            if selector == _TITLE_CLASS and (node.css_first("p, div, ul, time") is not None):
                continue
            return node
    return None


def time_attribute(node: LexborNode) -> tuple[datetime | None, str]:
    """A time found in the element's own attributes: (moment, raw attribute value)."""
    attrs = node.attributes
    for name in ("datetime", "data-timestamp", "data-time", "data-post-time", "data-published",
                 "data-publish-time", "data-published-time", "data-created", "data-date",
                 "data-utime", "data-epoch"):
        value = attrs.get(name)
        if value:
            moment = parse_date(value)
            if moment is not None:
                return moment, value
    for name, value in attrs.items():
        if not value or not name.startswith("data-"):
            continue
        if ("time" in name or "date" in name or "stamp" in name) and not any(
                word in name for word in ("modif", "update", "edit", "expir", "format", "zone")):
            moment = parse_date(value)
            if moment is not None:
                return moment, value
    return None, ""


def modified_attribute(node: LexborNode) -> datetime | None:
    for name, value in node.attributes.items():
        if value and name.startswith("data-") and any(w in name for w in ("modif", "updated", "edited")):
            moment = parse_date(value)
            if moment is not None:
                return moment
    return None


def find_time(root: LexborNode) -> tuple[datetime | None, str, LexborNode | None]:
    """(published, time_text, element) of a block: its own time attribute or its first
    `<time datetime>` (or data-*time* element); time_text is the visible stamp, else the
    attribute as written."""
    moment, raw = time_attribute(root)
    visible = None
    for node in root.css("time"):
        if text_of(node) or node.attributes.get("datetime"):
            visible = node
            break
    if moment is None:
        for node in root.css("time[datetime], [data-timestamp], [data-time], [data-post-time], "
                             "[data-published], [data-utime], [data-epoch]"):
            if _inside_card(node, root):
                continue
            moment, raw = time_attribute(node)
            if moment is not None:
                visible = node
                break
    if moment is None:
        return None, text_of(visible) if visible is not None else "", visible
    text = text_of(visible) if visible is not None else ""
    if len(text) > 80:
        text = ""
    return moment, text or raw, visible


def _lone_link_cards(root: LexborNode, page_url: str) -> list[Media]:
    """Paragraphs that are nothing but one link to another page become cards (a "read
    also" line): returned as media and removed from the copy."""
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
    """Paragraphs and media of a private copy of a block, with the nodes in `drop` (its
    headline, its time stamp, its byline) removed first."""
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


def html_content(html: str, base_url: str = "") -> Content:
    """Paragraphs and media of an HTML string (a JSON body field), cleaned like a block."""
    if not html:
        return Content()
    if "<" not in html:
        return fragment_content(html, base_url)
    tree = LexborHTMLParser(tame(f"<body>{html}</body>"))
    if tree.body is None:
        return Content()
    return block_content(tree.body, base_url)


_META_SELECTOR = ("[class*=byline], [class*=author], [class*=entry-info], [class*=entry-meta], "
                  "[class*=post-meta], [class*=meta-info], [rel=author], address")


def meta_nodes(root: LexborNode) -> list[LexborNode]:
    """Short byline and metadata elements of a block (never body text)."""
    out = []
    for node in root.css(_META_SELECTOR):
        if node.mem_id == root.mem_id:
            continue
        if len(text_of(node)) <= 160 and node.css_first("p") is None:
            out.append(node)
    return out


def clean_media(media) -> list[Media]:
    """Media without junk captions ("undefined"), without empty items and duplicates."""
    out: list[Media] = []
    seen: set[tuple[str, str, str]] = set()
    for item in media:
        caption = item.caption if item.caption and not _JUNK_CAPTION.match(item.caption.strip()) else ""
        url = item.url if item.url and not item.url.startswith(("blob:", "data:", "javascript:")) else ""
        item = Media(kind=item.kind, caption=caption, title=item.title, url=url)
        if not (item.caption or item.title or item.url):
            continue
        key = (item.caption, item.title, item.url)
        if key in seen:
            continue
        seen.add(key)
        out.append(item)
    return out


def without_title(paragraphs, title: str) -> list[str]:
    """Body paragraphs minus any that merely repeat the headline."""
    key = normal_key(title) if title else ""
    return [p for p in paragraphs if not key or normal_key(p) != key]


def merge_duplicates(entries: list[Entry]) -> list[Entry]:
    """One entry per id: a pinned or key-event copy of an update flags the original."""
    out: list[Entry] = []
    index: dict[str, int] = {}
    for entry in entries:
        at = index.get(entry.id)
        if at is None:
            index[entry.id] = len(out)
            out.append(entry)
            continue
        kept = out[at]
        richer = entry if len(entry.body_text) + len(entry.media) > len(kept.body_text) + len(kept.media) else kept
        out[at] = richer.with_(
            key_event=kept.key_event or entry.key_event,
            pinned=kept.pinned or entry.pinned,
            title=richer.title or kept.title or entry.title,
            published=richer.published or kept.published or entry.published,
            time_text=richer.time_text or kept.time_text or entry.time_text,
        )
    return out


def page_base(page: Page) -> str:
    return page.url.split("#", 1)[0]


def _anchor_index(page: Page) -> dict[tuple[str, str], LexborNode]:
    """(attribute, value) -> first element, for every id-like attribute (cached per page)."""
    index = page.__dict__.get("_anchor_index")
    if index is not None:
        return index
    index = {}
    try:
        nodes = page.tree.css("[id], [data-block-id], [data-post-id], [data-entry-id], [data-id]")
    except Exception:
        nodes = []
    for node in nodes:
        if node.tag in ("a", "li", "option", "script", "meta", "link"):
            continue
        for name in ("id", "data-block-id", "data-post-id", "data-entry-id", "data-id"):
            value = (node.attributes.get(name) or "").strip()
            if value:
                index.setdefault((name, value), node)
    page.__dict__["_anchor_index"] = index
    return index


def find_by_anchor(page: Page, anchor: str) -> LexborNode | None:
    """The visible element of an update named by an anchor or an id from structured data."""
    anchor = anchor.strip()
    if not anchor:
        return None
    index = _anchor_index(page)
    for key in (("id", anchor), ("id", f"block-{anchor}"), ("id", f"post-{anchor}"), ("id", f"entry-{anchor}"),
                ("id", f"update-{anchor}"), ("data-block-id", anchor), ("data-post-id", anchor),
                ("data-entry-id", anchor), ("data-id", anchor)):
        node = index.get(key)
        if node is not None:
            return node
    return None


# --------------------------------------------------------------------------------------
# The strategy
# --------------------------------------------------------------------------------------

_ID_ATTRS = ("id", "data-id", "data-post-id", "data-entry-id")
_REJECT_CONTEXT = re.compile(
    r"comments?(?!ary)|(?:^|[\s_-])(?:repl(?:y|ies)|reviews?|menu)(?:$|[\s_-])|discussion|disqus|forum|"
    r"related|teaser|promo|recommend|most-?(?:read|popular|viewed)|trending|sidebar|"
    r"more-?(?:news|stories|from)|navigation|footer|breadcrumb|pagination|ticker-?tape",
    re.IGNORECASE,
)
_REJECT_TAGS = frozenset({"nav", "footer", "header", "aside", "form", "select", "ul-menu"})
_KEY_EVENT = re.compile(r"key-?event|keyevent|highlight|is-key|important", re.IGNORECASE)
_PINNED = re.compile(r"pinned|sticky|is-pinned|top-?post", re.IGNORECASE)
_MIN_SIBLINGS = 2


def _own_id(node: LexborNode) -> tuple[str, str]:
    """(attribute, value) of the element's id, or ("", "")."""
    for name in _ID_ATTRS:
        value = (node.attributes.get(name) or "").strip()
        if value:
            return name, value
    return "", ""


def _first_class(node: LexborNode) -> str:
    cls = (node.attributes.get("class") or "").split()
    return cls[0] if cls else ""


def _context_rejected(node: LexborNode) -> bool:
    """True when the element sits in a comment thread, a teaser list or page chrome."""
    current = node
    depth = 0
    while current is not None and current.tag not in ("body", "html") and depth < 12:
        if current.tag in _REJECT_TAGS:
            return True
        label = " ".join(filter(None, (current.attributes.get("class"), current.attributes.get("id"),
                                       current.attributes.get("data-component"),
                                       current.attributes.get("role"))))
        if label and _REJECT_CONTEXT.search(label):
            return True
        current = current.parent
        depth += 1
    return False


def _is_teaser(node: LexborNode, page_url: str) -> bool:
    """A block that is little more than a link to another article (a "more stories" item)."""
    total = len(text_of(node))
    for time_node in node.css("time"):
        total -= len(text_of(time_node))
    if total <= 0:
        return False
    base = page_url.split("#", 1)[0]
    linked = 0
    for link in node.css("a[href]"):
        href = (link.attributes.get("href") or "").strip()
        if not href or href.startswith("#") or href.split("#", 1)[0] == base:
            continue
        linked += len(text_of(link))
    return linked >= 0.8 * total


def _flags(node: LexborNode) -> tuple[bool, bool]:
    label = " ".join(filter(None, (node.attributes.get("class"), node.attributes.get("data-type"),
                                   node.attributes.get("data-post-type"))))
    key = bool(label and _KEY_EVENT.search(label)) or "data-key-event" in node.attributes
    pinned = bool(label and _PINNED.search(label)) or "data-pinned" in node.attributes
    return key, pinned


_ANCESTOR_KEY = re.compile(r"key-?events?|keyevents?", re.IGNORECASE)
_ANCESTOR_PINNED = re.compile(r"pinned|sticky", re.IGNORECASE)


def context_flags(node: LexborNode, levels: int = 4) -> tuple[bool, bool]:
    """(key_event, pinned) from the element's own class or data-type, or from a pinned box /
    key-events list around it."""
    key, pinned = _flags(node)
    current = node.parent
    for _ in range(levels):
        if current is None or current.tag in ("body", "html"):
            break
        label = " ".join(filter(None, (current.attributes.get("class"), current.attributes.get("id"),
                                       current.attributes.get("data-gu-name"))))
        if label:
            key = key or bool(_ANCESTOR_KEY.search(label))
            pinned = pinned or bool(_ANCESTOR_PINNED.search(label))
        current = current.parent
    return key, pinned


def _candidates(page: Page) -> list[list[LexborNode]]:
    """Groups of sibling elements (same parent, tag and first class) that carry ids."""
    groups: dict[tuple[int, str, str], list[LexborNode]] = {}
    try:
        nodes = page.tree.css("[id], [data-id], [data-post-id], [data-entry-id]")
    except Exception:
        return []
    for node in nodes:
        if node.tag in ("html", "body", "head", "script", "style", "meta", "link", "a", "span",
                        "time", "img", "input", "button", "option", "svg", "iframe", "label"):
            continue
        parent = node.parent
        if parent is None:
            continue
        key = (parent.mem_id, node.tag, _first_class(node))
        groups.setdefault(key, []).append(node)
    return [nodes for nodes in groups.values() if len(nodes) >= _MIN_SIBLINGS]


def _contains(outer: LexborNode, inner: LexborNode) -> bool:
    current = inner.parent
    while current is not None:
        if current.mem_id == outer.mem_id:
            return True
        current = current.parent
    return False


def _entry_for(page: Page, node: LexborNode, published: datetime, time_text: str) -> Entry | None:
    copy = copy_of(node)
    if copy is None:
        return None
    heading = find_heading(copy)
    title = text_of(heading)
    _, _, time_node = find_time(copy)
    drop = [heading]
    if time_node is not None and len(text_of(time_node)) <= 80:
        drop.append(time_node)
    drop.extend(meta_nodes(copy))
    author_node = copy.css_first("[class*=author], [rel=author], [itemprop=author]")
    author = text_of(author_node) if author_node is not None and len(text_of(author_node)) <= 120 else ""
    content = block_content(copy, page.url, drop)
    paragraphs = without_title(content.paragraphs, title)
    if not title and not paragraphs and not content.media:
        return None
    name, value = _own_id(node)
    anchor_url = f"{page_base(page)}#{value}" if name == "id" else ""
    key, pinned = _flags(node)
    updated = modified_attribute(node)
    return make_entry(
        source=page.source,
        title=title,
        body=paragraphs,
        published=published,
        time_text=time_text,
        url=anchor_url or page.url,
        base_url=page.url,
        id=make_id(url=page.url, anchor=value),
        author=author,
        media=content.media,
        key_event=key,
        pinned=pinned,
        updated=updated if updated and updated != published else None,
    )


def extract(page: Page) -> list[Entry]:
    """Entries from repeated sibling blocks that each carry an id and a time attribute."""
    accepted: list[list[tuple[LexborNode, datetime, str]]] = []
    for group in _candidates(page):
        timed = []
        for node in group:
            moment, text, _ = find_time(node)
            if moment is not None:
                timed.append((node, moment, text))
        if len(timed) < _MIN_SIBLINGS or _context_rejected(timed[0][0]):
            continue
        if 2 * sum(_is_teaser(node, page.url) for node, _, _ in timed) > len(timed):
            continue
        accepted.append(timed)
    # Prefer the largest groups; drop groups nested inside (or around) one already taken.
    accepted.sort(key=len, reverse=True)
    chosen: list[list[tuple[LexborNode, datetime, str]]] = []
    for group in accepted:
        first = group[0][0]
        if any(_contains(member, first) or _contains(first, member)
               for other in chosen for member, _, _ in other):
            continue
        chosen.append(group)
    if not chosen:
        return []
    references = id_references(page)
    entries: list[Entry] = []
    for group in chosen:
        built = []
        for node, moment, text in group:
            entry = _entry_for(page, node, moment, text)
            if entry is None:
                continue
            key, pinned = flags_from_references(references, _own_id(node)[1], node)
            built.append(entry.with_(key_event=entry.key_event or key, pinned=entry.pinned or pinned))
        if len(built) >= _MIN_SIBLINGS:
            entries.extend(built)
    return merge_duplicates(entries)


def id_references(page: Page) -> dict[str, list[LexborNode]]:
    """Every element naming an update: by its own id, a data-*id or an in-page link."""
    refs: dict[str, list[LexborNode]] = {}
    try:
        nodes = page.tree.css('[id], [data-id], [data-post-id], [data-entry-id], [data-block-id], a[href^="#"]')
    except Exception:
        return refs
    for node in nodes:
        attrs = node.attributes
        values = {(attrs.get(name) or "").strip() for name in _ID_ATTRS + ("data-block-id",)}
        href = attrs.get("href") or ""
        if node.tag == "a" and href.startswith("#"):
            values.add(href[1:].strip())
        for value in values:
            if value:
                refs.setdefault(value, []).append(node)
    return refs


def flags_from_references(refs: dict[str, list[LexborNode]], value: str, node: LexborNode) -> tuple[bool, bool]:
    """(key_event, pinned) from other copies of an update: a copy inside a pinned box or a
    key-events list flags the original."""
    key = pinned = False
    if not value:
        return key, pinned
    candidates = list(refs.get(value, ()))
    for prefix in ("block-", "post-", "entry-"):
        if value.startswith(prefix):
            candidates.extend(refs.get(value[len(prefix):], ()))
        else:
            candidates.extend(refs.get(prefix + value, ()))
    for other in candidates:
        if other.mem_id == node.mem_id or _contains(node, other) or _contains(other, node):
            continue
        current = other
        for _ in range(6):
            if current is None or current.tag in ("body", "html"):
                break
            label = " ".join(filter(None, (current.attributes.get("class"), current.attributes.get("id"),
                                           current.attributes.get("data-type"),
                                           current.attributes.get("data-gu-name"))))
            if label and _KEY_EVENT.search(label):
                key = True
            if label and _PINNED.search(label):
                pinned = True
            current = current.parent
    return key, pinned
