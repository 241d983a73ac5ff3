"""Generic fallback (DESIGN.md, "Extracting live pages", strategy 5): sibling blocks that each
start with a time stamp split the page into entries.

1. Seeds: every text node that begins with a stamp (`clock.match_stamp`), and every element
   carrying a time attribute (`datetime`, `data-timestamp`, epoch seconds or milliseconds).
2. Each seed climbs while it is the first thing in its parent (a short label such as
   "Key event" or a date may come before it). Every (parent, child) pair on the way is one
   "stamped child" of that parent; the parent with the most stamped children is the live
   container. Sibling containers of one kind (one list per day) are taken together.
3. The container's children in order: a stamped child opens an entry; a day heading
   (`Monday 14 March 2022`) dates the time-only stamps below it. When stamped children sit
   next to each other each is one entry ("block" layout); when other siblings come between
   them an entry runs until the next stamp ("flat" layout: `<p><strong>08:15</strong></p>
   <h3>...</h3><p>...</p>`).
4. Title: the rest of the stamp's line, else a headline (h1-h6, a title/headline class, a
   bold first line) right after the stamp. Body and media: `text.node_content`.
5. Times: `clock.resolve` applies the page's stated zone, headings and midnight roll-over.

Everything is iterative; a page needs at least two stamped entries, else [].
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from selectolax.lexbor import LexborNode

from ..models import Entry
from .base import Page, make_entry, make_id, normal_key
from .clock import Stamp, could_be_stamp, match_stamp, parse_day_heading, resolve, stated_zone
from .dates import parse_date, parse_epoch
from .text import BLOCK, SKIP, fragment_content, is_furniture, node_content, nodes_content

#: Attributes that hold a machine-readable time of an update.
TIME_ATTRS = (
    "datetime", "data-timestamp", "data-time", "data-ts", "data-epoch", "data-published",
    "data-post-time", "data-utime", "data-created", "data-publish-time", "data-timestamp-ms",
    "data-unix", "data-date", "data-time-published", "data-posted",
)
_TIME_SELECTOR = ", ".join(f"[{name}]" for name in TIME_ATTRS)
#: Attributes that hold an update's own id when the element has no DOM id.
_ID_ATTRS = ("data-id", "data-post-id", "data-entry-id", "data-update-id", "data-event-id")

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MEDIA = frozenset({"img", "figure", "picture", "video", "iframe", "audio"})
_TIME_ATTR_SET = frozenset(TIME_ATTRS)
_BOLD = frozenset({"strong", "b"})
_LINE_BREAK = BLOCK | {"br", "time"}
_TITLE_CLASS = re.compile(r"title|headline|heading", re.IGNORECASE)
_KEY_CLASS = re.compile(r"key-?event|highlight|important|breaking", re.IGNORECASE)
_PIN_CLASS = re.compile(r"pinned|sticky", re.IGNORECASE)

#: Words that may come before a stamp inside an update: labels and the pieces of a date.
_PREFIX_WORDS = frozenset("""
    key event events breaking news pinned post update updated posted published live new latest
    just in important highlight highlights summary flash alert
    mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday
    sun sunday jan january feb february mar march apr april may jun june jul july aug august
    sep sept september oct october nov november dec december st nd rd th of
""".split())
_WORD = re.compile(r"[^\W_]+")
_PREFIX_LIMIT = 40
_LABEL = re.compile(
    r"^\s*(?:(?:key\s+events?|breaking(?:\s+news)?|pinned(?:\s+post)?|important|highlights?|"
    r"update[d]?|posted|published|live|new|latest|just\s+in|flash|alert)"
    r"(?:\s*[:|·•\-–—\n]\s*|\s+(?=\d)|\s*$))+",
    re.IGNORECASE,
)
_SEPARATORS = " \t\n:|·•-–—,"
_LOWER_AFTER = re.compile(r" [a-z]")
#: A title longer than this is the first paragraph of a body, not a headline.
TITLE_LIMIT = 250
#: A short line between the stamp and the headline is a byline.
_BYLINE_LIMIT = 60


# ------------------------------------------------------------------ phase 1: where are the stamps


def _stamp_at(text: str) -> Stamp | None:
    """A stamp that opens text, rejecting a plain sentence such as "10:30 is when ..."."""
    stamp = match_stamp(text)
    if stamp is None:
        return None
    if stamp.kind == "clock" and _LOWER_AFTER.match(text, stamp.end):
        return None
    return stamp


def _prefix_ok(text: str) -> bool:
    words = _WORD.findall(text)
    return all(w.isdigit() and len(w) <= 4 or w.casefold() in _PREFIX_WORDS for w in words)


def _leads(node: LexborNode) -> bool:
    """Whether node is the first content of its parent (a short label or date may precede)."""
    parts: list[str] = []
    size = 0
    prev = node.prev
    while prev is not None:
        tag = prev.tag
        if tag == "-text":
            text = prev.text_content or ""
        elif not tag or tag in SKIP or tag.startswith("-"):  # None: a PI, a bogus comment
            prev = prev.prev
            continue
        else:
            text = prev.text() or ""
        text = text.strip()
        if text:
            size += len(text)
            if size > _PREFIX_LIMIT:
                return False
            parts.append(text)
        prev = prev.prev
    return not parts or _prefix_ok(" ".join(parts))


@dataclass
class _Candidate:
    parent: LexborNode
    children: dict[int, LexborNode] = field(default_factory=dict)


def _climb(seed: LexborNode, top_id: int, candidates: dict[int, _Candidate]) -> None:
    current = seed
    while True:
        parent = current.parent
        if parent is None or parent.tag in SKIP:
            return
        pid = parent.mem_id
        cand = candidates.get(pid)
        if cand is None:
            cand = candidates[pid] = _Candidate(parent)
        cid = current.mem_id
        if cid in cand.children:
            return  # this path is already counted from here up
        cand.children[cid] = current
        if pid == top_id or not _leads(current):
            return
        current = parent


def _scan(page: Page, body: LexborNode) -> tuple[dict[int, _Candidate], str]:
    """Stamped children per parent, and the zone the page says it prints."""
    candidates: dict[int, _Candidate] = {}
    stated = ""
    top_id = body.mem_id
    could_open = could_be_stamp  # a cheap test every stamp passes; most text fails it
    for node in body.traverse(include_text=True):
        if not node.is_text_node:
            continue
        text = node.text_content
        if not text:
            continue
        if not stated and len(text) < 400 and ("ime" in text or "(" in text):
            stated = stated_zone(text.strip())
        if could_open(text) and _stamp_at(text[:160]) is not None:
            _climb(node, top_id, candidates)
    for element in body.css(_TIME_SELECTOR):
        if _attr_time(element) is not None:
            _climb(element, top_id, candidates)
    return candidates, stated


def _attr_time(element: LexborNode):
    """(raw value, aware moment, naive local datetime, date) from an element's time
    attribute (one of the last three set), or None."""
    attrs = element.attributes
    for name in TIME_ATTRS:
        raw = attrs.get(name)
        if not raw:
            continue
        raw = raw.strip()
        if _NUMBER.fullmatch(raw):
            moment = parse_epoch(raw)
            if moment is not None:
                return raw, moment, None, None
            continue
        if _DATE_ONLY.fullmatch(raw):
            try:
                return raw, None, None, date.fromisoformat(raw)
            except ValueError:
                continue
        if _HAS_CLOCK.search(raw):
            moment = parse_date(raw)
            if moment is None:
                continue
            if _HAS_ZONE.search(raw):
                return raw, moment, None, None
            return raw, None, moment.replace(tzinfo=None), None
    return None


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HAS_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_HAS_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2}|\b[A-Z]{2,5})\s*$")


# ------------------------------------------------------------------ phase 2: the entries


class _Line:
    """One line of an update's head: its text, and whether it is a headline or opens bold."""

    __slots__ = ("text", "heading", "bold", "node")

    def __init__(self, text: str, heading: bool, bold: str, node: LexborNode | None) -> None:
        self.text = text
        self.heading = heading
        self.bold = bold
        self.node = node


@dataclass
class _Head:
    lines: list[_Line]
    attr: tuple | None
    truncated: bool  # the walk stopped before the end of the nodes


def _head(nodes: list[LexborNode], max_lines: int = 2, max_chars: int = 400) -> _Head:
    """The first lines of text of a run of sibling nodes, with headline and bold marks.

    A line ends at a block element or <br>. Iterative: the stack holds nodes to visit and
    (tag, line number, text length at start) markers for the end of an element.
    """
    lines: list[_Line] = []
    attr = None
    parts: list[str] = []
    has_text = False
    heading = False
    bold = ""
    owner: LexborNode | None = None
    size = 0
    truncated = False
    time_attrs = _TIME_ATTR_SET

    for top in nodes:
        if has_text:
            lines.append(_Line(" ".join("".join(parts).split()), heading, bold, owner))
            parts, has_text, heading, bold, owner = [], False, False, "", None
        if len(lines) >= max_lines or size > max_chars:
            truncated = True
            break
        stack: list = [top]
        while stack:
            item = stack.pop()
            if item.__class__ is tuple:
                tag, line_no, start = item
                if tag in _BOLD:
                    if line_no == len(lines) and start == 0 and has_text and not bold:
                        bold = " ".join("".join(parts).split())
                elif has_text and tag in _LINE_BREAK:
                    lines.append(_Line(" ".join("".join(parts).split()), heading, bold, owner))
                    parts, has_text, heading, bold, owner = [], False, False, "", None
                    if len(lines) >= max_lines:
                        truncated = True
                        break
                continue
            tag = item.tag
            if tag == "-text":
                text = item.text_content or ""
                if has_text:
                    parts.append(text)
                    size += len(text)
                elif text.strip():
                    parts.append(text)
                    has_text = True
                    owner = top
                    size += len(text)
                continue
            if not tag or tag in SKIP or tag[0] == "-" or tag in _MEDIA:
                continue
            attrs = item.attributes
            if attrs:
                if "hidden" in attrs or attrs.get("aria-hidden") == "true":
                    continue
                if attr is None and not time_attrs.isdisjoint(attrs):
                    attr = _attr_time(item)
            if tag == "br":
                if has_text:
                    lines.append(_Line(" ".join("".join(parts).split()), heading, bold, owner))
                    parts, has_text, heading, bold, owner = [], False, False, "", None
                    if len(lines) >= max_lines:
                        truncated = True
                        break
                continue
            breaks = tag in _LINE_BREAK
            if breaks and has_text:
                lines.append(_Line(" ".join("".join(parts).split()), heading, bold, owner))
                parts, has_text, heading, bold, owner = [], False, False, "", None
                if len(lines) >= max_lines:
                    truncated = True
                    break
            if tag in _HEADINGS or (breaks and attrs and _TITLE_CLASS.search(attrs.get("class") or "")):
                heading = True
            child = item.child
            if child is None:
                continue
            stack.append((tag, len(lines), size if has_text else 0))
            kids = []
            while child is not None:
                kids.append(child)
                child = child.next
            kids.reverse()
            stack.extend(kids)
        if truncated:
            break
    if has_text and not truncated:
        lines.append(_Line(" ".join("".join(parts).split()), heading, bold, owner))
    elif has_text:
        truncated = True
    return _Head(lines, attr, truncated)


@dataclass
class _Item:
    """One entry being assembled from the page."""

    nodes: list[LexborNode]
    stamp: Stamp
    title: str
    title_from_next: bool
    head_keys: set[str]
    prefixes: tuple[str, ...]
    key_event: bool
    pinned: bool
    anchor: str
    data_id: str
    needs_more: bool = False  # the head ended with the stamp: a longer head may hold a title
    author: str = ""


def _read_item(node: LexborNode, following: list[LexborNode]) -> _Item | None:
    """An entry opened by node (its stamp, title and flags), or None when node has no stamp."""
    head = _head([node] + following[:2])
    item = _item_from_head(node, head)
    if item is None and head.truncated:
        # a stamp spread over several lines ("Monday 14 March" / "08:15") needs a longer head
        head = _head([node] + following[:2], max_lines=5)
        item = _item_from_head(node, head)
    elif item is not None and head.truncated and item.needs_more:
        head = _head([node] + following[:2], max_lines=5)
        item = _item_from_head(node, head) or item
    return item


def _item_from_head(node: LexborNode, head: _Head) -> _Item | None:
    own = [line for line in head.lines if line.node is node]
    lead = "\n".join(line.text for line in own)
    label = _LABEL.match(lead) if lead and not lead[0].isdigit() else None
    label_text = label.group(0) if label else ""
    start = len(label_text)
    stamp = _stamp_at(lead[start:]) if lead else None
    if stamp is None and lead:
        # a short date or label line before the stamp ("Monday 14 March" / "08:15")
        first_break = lead.find("\n", start)
        if 0 < first_break - start <= 40 and _prefix_ok(lead[start:first_break]):
            later = _stamp_at(lead[first_break + 1:])
            if later is not None:
                stamp = later
                start = first_break + 1
    attr = head.attr
    if stamp is None and attr is None:
        return None
    rest_of_line = ""
    after: list[_Line]
    if stamp is None:
        stamp = _attr_stamp(attr)
        if stamp is None:
            return None
        start = 0
        stamp_lines = 0
        after = head.lines
    else:
        stamp = _with_attr(stamp, attr)
        end = start + stamp.end
        offset = 0
        stamp_lines = len(own)
        for i, line in enumerate(own):
            stop = offset + len(line.text)
            if end <= stop:
                stamp_lines = i + 1
                rest_of_line = line.text[end - offset:].lstrip(_SEPARATORS)
                break
            offset = stop + 1
        last = own[stamp_lines - 1]
        position = next(i for i, line in enumerate(head.lines) if line is last)
        after = head.lines[position + 1:]
    key_event = pinned = False
    labels = label_text
    later_label = _LABEL.match(rest_of_line) if rest_of_line and not rest_of_line[0].isdigit() else None
    if later_label:
        labels += " " + later_label.group(0)
        rest_of_line = rest_of_line[later_label.end():]
    low = labels.lower()
    if "key" in low or "breaking" in low or "important" in low or "highlight" in low:
        key_event = True
    if "pinned" in low:
        pinned = True
    attrs = node.attributes if node.tag != "-text" else None
    if attrs:
        cls = attrs.get("class") or ""
        if cls:
            key_event = key_event or bool(_KEY_CLASS.search(cls))
            pinned = pinned or bool(_PIN_CLASS.search(cls))
    title = byline = head_extra = ""
    title_from_next = False
    if rest_of_line and len(rest_of_line) <= TITLE_LIMIT and not is_furniture(rest_of_line):
        title = rest_of_line
    elif not rest_of_line and after:
        nxt = after[0]
        if not (nxt.heading or nxt.bold) and len(after) > 1 and (after[1].heading or after[1].bold) \
                and len(nxt.text) <= _BYLINE_LIMIT and len(nxt.text.split()) <= 5:
            # a short line between the stamp and the headline: a label or the byline
            label_line = _LABEL.match(nxt.text)
            if label_line and label_line.end() == len(nxt.text):
                labels += " " + nxt.text
                head_extra = nxt.text
            else:
                byline = nxt.text
            nxt = after[1]
        if nxt.heading or (nxt.bold and len(nxt.bold) <= TITLE_LIMIT):
            title = nxt.text if nxt.heading else nxt.bold
            title_from_next = nxt.node is not node
            if is_furniture(title):
                title = ""
    head_keys = {normal_key(line.text) for line in own[:stamp_lines]}
    head_keys.add(normal_key(stamp.text))
    if label_text:
        head_keys.add(normal_key(label_text))
    if title:
        head_keys.add(normal_key(title))
    if byline:
        head_keys.add(normal_key(byline))
    if head_extra:
        head_keys.add(normal_key(head_extra))
        key_event = key_event or "key" in head_extra.lower() or "breaking" in head_extra.lower()
        pinned = pinned or "pinned" in head_extra.lower()
    head_keys.discard("")
    prefixes = tuple(p for p in (" ".join(lead[:start + stamp.end].split()), stamp.text) if p) \
        if stamp.end else ()
    anchor = data_id = ""
    if attrs:
        anchor = (attrs.get("id") or "").strip()
        if not anchor:
            for name in _ID_ATTRS:
                if attrs.get(name):
                    data_id = attrs[name].strip()
                    break
    return _Item(nodes=[node], stamp=stamp, title=title, title_from_next=title_from_next,
                 head_keys=head_keys, prefixes=prefixes, key_event=key_event, pinned=pinned,
                 anchor=anchor, data_id=data_id,
                 needs_more=not title and not rest_of_line and len(after) < 2, author=byline)


def _with_attr(stamp: Stamp, attr) -> Stamp:
    """The printed stamp, timed by a machine-readable attribute when there is one."""
    if attr is None:
        return stamp
    raw, moment, local, day = attr
    if moment is not None:
        return Stamp(text=stamp.text, end=stamp.end, kind="moment", moment=moment,
                     hour=moment.hour, minute=moment.minute, zone=stamp.zone)
    if local is not None:
        return Stamp(text=stamp.text, end=stamp.end, kind="date", hour=local.hour, minute=local.minute,
                     second=local.second, year=local.year, month=local.month, day=local.day,
                     zone=stamp.zone)
    if day is not None and stamp.kind == "clock":
        return Stamp(text=stamp.text, end=stamp.end, kind="date", hour=stamp.hour, minute=stamp.minute,
                     second=stamp.second, year=day.year, month=day.month, day=day.day, zone=stamp.zone)
    return stamp


def _attr_stamp(attr) -> Stamp | None:
    """A stamp for an update whose only time is an attribute."""
    raw, moment, local, _ = attr
    if moment is not None:
        return Stamp(text=raw, end=0, kind="moment", moment=moment, hour=moment.hour, minute=moment.minute)
    if local is not None:
        return Stamp(text=raw, end=0, kind="date", hour=local.hour, minute=local.minute,
                     second=local.second, year=local.year, month=local.month, day=local.day)
    return None


def _text_of(node: LexborNode) -> str:
    if node.tag == "-text":
        return (node.text_content or "").strip()
    if not node.tag or node.tag in SKIP or node.tag.startswith("-"):
        return ""
    return (node.text() or "").strip()


def _children(node: LexborNode) -> list[LexborNode]:
    out = []
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            if (child.text_content or "").strip():
                out.append(child)
        elif tag and not tag.startswith("-") and tag not in SKIP:
            out.append(child)
        child = child.next
    return out


def _plan(containers: list[LexborNode], stamped: set[int], now: datetime):
    """Events in document order: day headings (dates) and entries (_Item), and the layout."""
    events: list = []
    gaps: list[int] = []
    extra: dict[int, list[LexborNode]] = {}
    several = len(containers) > 1
    for container in containers:
        if several:
            # one container per day: a day heading often comes just before each one
            day = _heading_before(container, now)
            if day is not None:
                events.append(day)
        kids = _children(container)
        current: _Item | None = None
        gap = 0
        for index, kid in enumerate(kids):
            if kid.mem_id in stamped:
                following = []
                for nxt in kids[index + 1:index + 3]:
                    if nxt.mem_id in stamped:
                        break
                    following.append(nxt)
                item = _read_item(kid, following)
                if item is not None:
                    if current is not None:
                        gaps.append(gap)
                    events.append(item)
                    extra[id(item)] = []
                    current, gap = item, 0
                    continue
            text = _text_of(kid)
            if len(text) <= 60:
                day = parse_day_heading(text, now) if text else None
                if day is not None:
                    events.append(day)
                    current = None
                    continue
            if current is not None:
                extra[id(current)].append(kid)
                gap += 1
    gaps.sort()
    flat = bool(gaps) and gaps[len(gaps) // 2] >= 1
    if flat:
        for event in events:
            if isinstance(event, _Item):
                event.nodes.extend(extra[id(event)])
    return events, flat


def _heading_before(node: LexborNode, now: datetime) -> date | None:
    prev = node.prev
    steps = 0
    while prev is not None and steps < 4:
        text = _text_of(prev)
        if text:
            steps += 1
            if len(text) > 60:
                return None
            day = parse_day_heading(text, now)
            if day is not None:
                return day
        prev = prev.prev
    return None


def _strip_head(paragraphs: list[str], item: _Item) -> list[str]:
    """The body without the stamp line and the headline already taken as the title."""
    out = list(paragraphs)
    for _ in range(3):
        if not out:
            break
        first = out[0]
        key = normal_key(first)
        if key in item.head_keys:
            out.pop(0)
            continue
        rest = None
        for prefix in item.prefixes:
            if first.startswith(prefix):
                rest = first[len(prefix):].lstrip(_SEPARATORS)
                break
        if rest is not None:
            if not rest or normal_key(rest) in item.head_keys:
                out.pop(0)
                continue
            if item.title and rest.startswith(item.title):
                rest = rest[len(item.title):].lstrip(_SEPARATORS)
            out[0] = rest
            if not rest or is_furniture(rest):
                out.pop(0)
            break
        if item.title and first.startswith(item.title) and len(first) > len(item.title):
            out[0] = first[len(item.title):].lstrip(_SEPARATORS)
        break
    return out


#: Elements that only parse inside a table, a select or a frameset: a run of them (or one
#: of them) read out of context, as _serialized_content does, loses tags.
_IN_CONTEXT = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot", "caption", "col", "colgroup",
                         "option", "optgroup", "frame", "frameset", "head", "body", "html"})


def _content(nodes: list[LexborNode], base_url: str):
    if len(nodes) == 1 and nodes[0].tag != "-text":
        return node_content(nodes[0], base_url)
    if any(node.tag != "-text" for node in nodes) and not any(node.tag in _IN_CONTEXT for node in nodes):
        # read in place (what re-parsing the run's markup gives, without the parse)
        return nodes_content(nodes, base_url)
    return _serialized_content(nodes, base_url)


def _serialized_content(nodes: list[LexborNode], base_url: str):
    """The run's markup (text escaped) read as a fragment: plain text splits at blank lines."""
    parts = []
    for node in nodes:
        if node.tag == "-text":
            parts.append(html_lib.escape(node.text_content or ""))
        else:
            parts.append(node.html or "")
    return fragment_content("".join(parts) or "", base_url)


def _build(page: Page, events: list, stated: str) -> list[Entry]:
    items = [e for e in events if isinstance(e, _Item)]
    zone_name = stated or _common_zone(items)
    moments = resolve([e.stamp if isinstance(e, _Item) else e for e in events], page.now, zone_name)
    entries: list[Entry] = []
    base = page.url
    for item, moment in zip(items, moments):
        content = _content(item.nodes, base)
        body = _strip_head(content.paragraphs, item)
        title = item.title
        if not title and not body and not content.media:
            continue
        if not title and all(is_furniture(p) for p in body) and not content.media:
            continue
        time_text = item.stamp.text
        if item.anchor:
            entry_id = make_id(url=base, anchor=item.anchor)
            url = base.split("#", 1)[0] + "#" + item.anchor
        else:
            url = base
            if item.data_id:
                entry_id = make_id(url=base, anchor=item.data_id)
            else:
                # a relative stamp ("5 min ago") changes with every poll: leave it out
                stable = "" if item.stamp.ago is not None or item.stamp.kind == "ago" else time_text
                entry_id = make_id(time_text=stable, title=title or " ".join(body)[:200])
        entries.append(make_entry(
            source=page.source, title=title, body=body, published=moment, time_text=time_text,
            url=url, base_url=base, id=entry_id, media=content.media,
            key_event=item.key_event, pinned=item.pinned, author=item.author,
        ))
    return entries


def _common_zone(items: list[_Item]) -> str:
    counts: dict[str, int] = {}
    for item in items:
        if item.stamp.zone:
            counts[item.stamp.zone] = counts.get(item.stamp.zone, 0) + 1
    if not counts:
        return ""
    return max(counts.items(), key=lambda kv: kv[1])[0]


# ------------------------------------------------------------------ choosing the container


def _ranked(candidates: dict[int, _Candidate]) -> list[tuple[int, list[_Candidate]]]:
    """Candidate container sets, best first: single parents and families of like siblings."""
    singles = [(len(c.children), [c]) for c in candidates.values() if len(c.children) >= 2]
    families: dict[tuple, list[_Candidate]] = {}
    for cand in candidates.values():
        parent = cand.parent
        grand = parent.parent
        if grand is None or parent.tag in ("body", "html"):
            continue
        key = (grand.mem_id, parent.tag, parent.attributes.get("class") or "")
        families.setdefault(key, []).append(cand)
    groups = []
    for members in families.values():
        # one list per day: most of the lists hold several updates (an update that holds
        # one stamped line of its own is no container)
        if len(members) >= 2 and 2 * sum(1 for m in members if len(m.children) >= 2) >= len(members):
            groups.append((sum(len(m.children) for m in members), members))
    ranked = sorted(singles, key=lambda s: -s[0]) + sorted(groups, key=lambda g: -g[0])
    ranked.sort(key=lambda s: -s[0])  # stable: a single parent wins a tie with a family
    return ranked


def extract(page: Page) -> list[Entry]:
    """Entries of a page whose updates are blocks that start with a time stamp, or []."""
    tree = page.tree
    body = tree.body or tree.root
    if body is None:
        return []
    candidates, stated = _scan(page, body)
    best: tuple[int, list, bool] | None = None
    for _, members in _ranked(candidates)[:3]:
        containers = _in_document_order([m.parent for m in members])
        stamped = set()
        for member in members:
            stamped.update(member.children)
        events, flat = _plan(containers, stamped, page.now)
        count = sum(1 for e in events if isinstance(e, _Item))
        if count >= 2 and (best is None or count > best[0]):
            best = (count, events, flat)
    if best is None:
        return []
    entries = _build(page, best[1], stated)
    return entries if len(entries) >= 2 else []


def _in_document_order(nodes: list[LexborNode]) -> list[LexborNode]:
    if len(nodes) < 2:
        return nodes
    parent = nodes[0].parent
    wanted = {n.mem_id for n in nodes}
    if parent is not None and all(n.parent is not None and n.parent.mem_id == parent.mem_id for n in nodes):
        return [kid for kid in _children(parent) if kid.mem_id in wanted]
    return nodes
