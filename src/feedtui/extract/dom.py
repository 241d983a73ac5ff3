"""DOM blocks that carry ids or time attributes.

A liveblog's updates are usually repeated sibling elements (same tag and class), each with
an id (`id`, `data-id`, `data-post-id`, `data-entry-id`) and a machine-readable time
(`<time datetime>`, `data-*time*`, `data-timestamp`). At least two such siblings are needed,
so an ordinary article with one `<time>` is not mistaken for a liveblog; comment threads and
teaser lists ("more stories") are rejected.

The helpers at the top (a block's headline, its visible time stamp and its cleaned content)
are shared by the other structured strategies (`sites`, `jsonld`, `microdata`). They read
the page in place: a block's headline, stamp and byline are left out of its content by
skipping them, never by pruning a copy. For a big group of sibling blocks, `SiblingSelect`
runs each selector once over their parent instead of once per block.
"""

from __future__ import annotations

import re
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..models import Entry, Media
from .base import Page, make_entry, make_id, normal_key
from .dates import parse_date
from .htmlguard import tame
from .siblings import SiblingSelect, css
from .text import Content, fragment_content, holders_of, is_furniture, node_content

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


def find_heading(root: LexborNode, select=css) -> LexborNode | None:
    """The block's own headline: the first h1-h6 (else a [class*=title|headline] element)
    that is not part of an embedded card, a quote or a caption."""
    for selector in (HEADINGS, _TITLE_CLASS):
        for node in select(root, selector):
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


def find_time(root: LexborNode, select=css) -> tuple[datetime | None, str, LexborNode | None]:
    """(published, time_text, element) of a block: its own time attribute or its first
    `<time datetime>` (or data-*time* element); time_text is the visible stamp, else the
    attribute as written."""
    moment, raw = time_attribute(root)
    visible = None
    for node in select(root, "time"):
        if text_of(node) or node.attributes.get("datetime"):
            visible = node
            break
    if moment is None:
        for node in select(root, "time[datetime], [data-timestamp], [data-time], [data-post-time], "
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


def _lone_link_cards(root: LexborNode, page_url: str, drop: list[LexborNode], dropped: set[int],
                     select=css) -> tuple[list[Media], list[LexborNode]]:
    """Paragraphs that are nothing but one link to another page become cards (a "read
    also" line): returns the cards and the paragraphs (their ids added to dropped)."""
    cards: list[Media] = []
    taken: list[LexborNode] = []
    paras = select(root, "p")
    if not paras:
        return cards, taken
    page_base = page_url.split("#", 1)[0]
    holders = holders_of(root, drop) if drop else set()
    by_para = None if select is css else _links_by_para(root, paras, select(root, "a[href]"))
    for para in paras:
        if _has_own_text(para):
            continue  # text beside the link: the paragraph's text can never be the link's alone
        if dropped and _within(para, root, dropped):
            continue
        links = para.css("a[href]") if by_para is None else by_para.get(para.mem_id, [])
        pruned = para.mem_id in holders  # part of it is left out: judge what remains
        if pruned:
            links = [link for link in links if not _within(link, para, dropped)]
        if len(links) != 1:
            continue
        link = links[0]
        href = (link.attributes.get("href") or "").strip()
        if not href.startswith(("http://", "https://", "/")) or href.split("#", 1)[0] == page_base:
            continue
        text = _text_without(link, dropped) if pruned else text_of(link)
        if not text or text != (_text_without(para, dropped) if pruned else text_of(para)):
            continue
        cards.append(Media(kind="card", title=text, url=href))
        dropped.add(para.mem_id)
        taken.append(para)
    return cards, taken


def _has_own_text(node: LexborNode) -> bool:
    """Whether a child of node is text other than whitespace."""
    child = node.child
    while child is not None:
        if child.is_text_node:
            text = child.text_content
            if text and not text.isspace():
                return True
        child = child.next
    return False


def _links_by_para(root: LexborNode, paras: list[LexborNode],
                   links: list[LexborNode]) -> dict[int, list[LexborNode]]:
    """para.css("a[href]") for every para at once, from the links of root: each link goes
    to the paragraphs around it (inside root), in document order."""
    para_by_id = {para.mem_id: para for para in paras}
    root_id = root.mem_id
    nearest: dict[int, int] = {}  # mem_id -> the closest paragraph at or above it (0: none)

    def closest(node: LexborNode | None) -> int:
        path = []
        found = 0
        while node is not None:
            mem_id = node.mem_id
            known = nearest.get(mem_id)
            if known is not None:
                found = known
                break
            path.append(mem_id)
            if mem_id in para_by_id:
                found = mem_id
                break
            if mem_id == root_id:
                break
            node = node.parent
        for mem_id in path:
            nearest[mem_id] = found
        return found

    out: dict[int, list[LexborNode]] = {}
    for link in links:
        para_id = closest(link.parent)
        while para_id:
            out.setdefault(para_id, []).append(link)
            if para_id == root_id:
                break
            para_id = closest(para_by_id[para_id].parent)
    return out


def _within(node: LexborNode, root: LexborNode, dropped: set[int]) -> bool:
    """Whether node or one of its ancestors up to root is left out."""
    stop = root.mem_id
    current = node
    while current is not None:
        mem_id = current.mem_id
        if mem_id in dropped:
            return True
        if mem_id == stop:
            return False
        current = current.parent
    return False


def _text_without(node: LexborNode, dropped: set[int]) -> str:
    """text_of(node) leaving out the subtrees in dropped."""
    parts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.tag == "-text":
            parts.append(current.text_content or "")
            continue
        if current.mem_id in dropped:
            continue
        kids = []
        child = current.child
        while child is not None:
            kids.append(child)
            child = child.next
        kids.reverse()
        stack.extend(kids)
    return " ".join(" ".join(parts).split())


def block_content(root: LexborNode, base_url: str, drop=(), select=css) -> Content:
    """Paragraphs and media of a block, leaving out the nodes in `drop` (its headline, its
    time stamp, its byline). The page is read in place: nothing is copied or pruned."""
    drop = [node for node in drop if node is not None]
    dropped = {node.mem_id for node in drop}
    if root.mem_id in dropped:
        return Content()
    cards, taken = _lone_link_cards(root, base_url, drop, dropped, select)
    content = node_content(root, base_url, drop=drop + taken)
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


def meta_nodes(root: LexborNode, select=css) -> list[LexborNode]:
    """Short byline and metadata elements of a block (never body text)."""
    out = []
    for node in select(root, _META_SELECTOR):
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


def _is_teaser(node: LexborNode, page_url: str, select=css) -> bool:
    """A block that is little more than a link to another article (a "more stories" item)."""
    total = len(text_of(node))
    for time_node in select(node, "time"):
        total -= len(text_of(time_node))
    if total <= 0:
        return False
    base = page_url.split("#", 1)[0]
    linked = 0
    for link in select(node, "a[href]"):
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


def _entry_for(page: Page, node: LexborNode, published: datetime, time_text: str,
               time_node: LexborNode | None, select=css) -> Entry | None:
    heading = find_heading(node, select)
    title = text_of(heading)
    drop = [heading]
    if time_node is not None and len(text_of(time_node)) <= 80:
        drop.append(time_node)
    drop.extend(meta_nodes(node, select))
    authors = select(node, "[class*=author], [rel=author], [itemprop=author]")
    author_node = authors[0] if authors else None
    author = text_of(author_node) if author_node is not None and len(text_of(author_node)) <= 120 else ""
    content = block_content(node, page.url, drop, select)
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
    accepted: list[list[tuple[LexborNode, datetime, str, LexborNode | None]]] = []
    selects: dict[int, SiblingSelect] = {}
    for group in _candidates(page):
        select = _select_for(group, selects)
        timed = []
        for node in group:
            moment, text, time_node = find_time(node, select)
            if moment is not None:
                timed.append((node, moment, text, time_node))
        if len(timed) < _MIN_SIBLINGS or _context_rejected(timed[0][0]):
            continue
        if 2 * sum(_is_teaser(node, page.url, select) for node, _, _, _ in timed) > len(timed):
            continue
        accepted.append(timed)
    # Prefer the largest groups; drop groups nested inside (or around) one already taken.
    accepted.sort(key=len, reverse=True)
    chosen: list[list[tuple[LexborNode, datetime, str, LexborNode | None]]] = []
    for group in accepted:
        first = group[0][0]
        if any(_contains(member, first) or _contains(first, member)
               for other in chosen for member, _, _, _ in other):
            continue
        chosen.append(group)
    if not chosen:
        return []
    references = id_references(page)
    entries: list[Entry] = []
    for group in chosen:
        built = []
        select = _select_for([node for node, _, _, _ in group], selects)
        for node, moment, text, time_node in group:
            entry = _entry_for(page, node, moment, text, time_node, select)
            if entry is None:
                continue
            key, pinned = flags_from_references(references, _own_id(node)[1], node)
            if (key and not entry.key_event) or (pinned and not entry.pinned):
                entry = entry.with_(key_event=entry.key_event or key, pinned=entry.pinned or pinned)
            built.append(entry)
        if len(built) >= _MIN_SIBLINGS:
            entries.extend(built)
    return merge_duplicates(entries)


#: Groups at least this big are queried through their parent (SiblingSelect).
_BULK_SIBLINGS = 24


def _select_for(group: list[LexborNode], selects: dict[int, SiblingSelect]):
    """css, or for a big group of siblings the SiblingSelect of their parent (shared by
    the groups under one parent, so each selector runs once per parent)."""
    if len(group) < _BULK_SIBLINGS:
        return css
    parent = group[0].parent
    if parent is None:
        return css
    select = selects.get(parent.mem_id)
    if select is None:
        select = selects[parent.mem_id] = SiblingSelect(parent, group)
    else:
        select.blocks.update(node.mem_id for node in group)
    return select


def id_references(page: Page) -> dict[str, list[LexborNode]]:
    """Every element naming an update: by its own id, a data-*id or an in-page link."""
    refs: dict[str, list[LexborNode]] = {}
    try:
        nodes = page.tree.css('[id], [data-id], [data-post-id], [data-entry-id], [data-block-id], a[href^="#"]')
    except Exception:
        return refs
    names = _ID_ATTRS + ("data-block-id",)
    for node in nodes:
        attrs = node.attributes
        values = [value for value in (attrs.get(name) for name in names) if value]
        href = attrs.get("href")
        if href and href.startswith("#") and node.tag == "a":
            values.append(href[1:])
        if len(values) == 1:
            value = values[0].strip()
            if value:
                refs.setdefault(value, []).append(node)
            continue
        for value in {value.strip() for value in values}:  # each value once per node
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
