"""The entry list: a virtualized Line-API widget (Toolong's pattern).

It holds only the view's row keys (an ``array`` of the store's integer keys) and an LRU
cache of the Entry objects of the windows it has shown; ``render_line`` builds the strip of
one visible line on demand and keeps recent strips in an LRU cache. So it opens as fast at
200,000 entries as at 20. Entries are fetched through the ``fetch`` callable given at
construction (keys -> {key: Entry}), a window at a time.

Feed text reaches the screen only as rich ``Text`` built from plain strings: never markup.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...models import Entry
from ..timefmt import short_time

Fetch = Callable[[Sequence[int]], dict[int, Entry]]

#: Entries kept in memory: a few screens' worth, never the whole view.
ENTRY_CACHE = 3000
#: Rows fetched around a row that is not in the cache.
WINDOW = 120


class EntryList(ScrollView, can_focus=True):
    """The scrolling list of entries of the current view."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="cursor_down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="cursor_up"),
        Binding("g,home", "first", "First", show=False, id="first"),
        Binding("G,end", "last", "Last", show=False, id="last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("enter", "open", "Open", id="open"),
    ]

    COMPONENT_CLASSES = {
        "entry-list--cursor",
        "entry-list--unread",
        "entry-list--read",
        "entry-list--time",
        "entry-list--mark",
        "entry-list--actor",
        "entry-list--divider",
        "entry-list--empty",
    }

    DEFAULT_CSS = """
    EntryList {
        background: $surface;
        & > .entry-list--cursor { background: $panel-lighten-1; }
        &:focus > .entry-list--cursor { background: $accent 40%; text-style: bold; }
        & > .entry-list--unread { color: $foreground; text-style: bold; }
        & > .entry-list--read { color: $foreground-muted; }
        & > .entry-list--time { color: $text-secondary; }
        & > .entry-list--mark { color: $warning; }
        & > .entry-list--actor { color: $text-accent; }
        & > .entry-list--divider { color: $text-warning; }
        & > .entry-list--empty { color: $foreground-muted; text-style: italic; }
    }
    """

    class Highlighted(Message):
        """The cursor moved to another entry (or to none)."""

        def __init__(self, key: int | None, entry: Entry | None) -> None:
            super().__init__()
            self.key = key
            self.entry = entry

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, EntryList.Highlighted)

    class Opened(Message):
        """Enter (or a double click) on an entry."""

        def __init__(self, key: int, entry: Entry) -> None:
            super().__init__()
            self.key = key
            self.entry = entry

    def __init__(self, fetch: Fetch, *, zone: tzinfo | None = None,
                 now: Callable[[], datetime] | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._fetch = fetch
        self._zone = zone
        self._now = now or (lambda: datetime.now().astimezone())
        self.keys: array = array("q")
        self.cursor = 0  # an index into keys
        self.divider: int | None = None  # the divider sits above keys[divider]
        self.time_mode = "local"
        self.empty_text = "No entries yet."
        self._entries: OrderedDict[int, Entry] = OrderedDict()
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._last_highlight: int | None = None

    # -- the model ----------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self.keys) + (1 if self.divider is not None else 0)

    def line_of(self, index: int) -> int:
        """The line on which keys[index] is drawn."""
        return index + (1 if self.divider is not None and index >= self.divider else 0)

    def index_of(self, line: int) -> int | None:
        """The keys index drawn on line, None for the divider or past the end."""
        if self.divider is not None:
            if line == self.divider:
                return None
            if line > self.divider:
                line -= 1
        return line if 0 <= line < len(self.keys) else None

    @property
    def highlighted_key(self) -> int | None:
        return self.keys[self.cursor] if 0 <= self.cursor < len(self.keys) else None

    @property
    def highlighted(self) -> Entry | None:
        key = self.highlighted_key
        return None if key is None else self.entry(key)

    def entry(self, key: int) -> Entry | None:
        """The entry for key, fetching its window when it is not cached."""
        found = self._entries.get(key)
        if found is None:
            index = self._position(key)
            if index is None:
                self._load([key])
            else:
                self._load(self.keys[max(0, index - 10):index + WINDOW])
            found = self._entries.get(key)
        else:
            self._entries.move_to_end(key)
        return found

    def _first_index_from(self, line: int) -> int | None:
        """The first keys index drawn at or below line."""
        for candidate in (line, line + 1):
            index = self.index_of(candidate)
            if index is not None:
                return index
        return None

    def _position(self, key: int) -> int | None:
        try:
            return self.keys.index(key)
        except ValueError:
            return None

    def _load(self, keys: Sequence[int]) -> None:
        missing = [k for k in keys if k not in self._entries]
        if not missing:
            return
        for key, entry in self._fetch(missing).items():
            self._entries[key] = entry
        while len(self._entries) > ENTRY_CACHE:
            self._entries.popitem(last=False)

    def visible_entries(self) -> list[Entry]:
        """The entries on screen now (loads them when needed)."""
        top = int(self.scroll_offset.y)
        out = []
        for line in range(top, top + self.scrollable_content_region.height):
            index = self.index_of(line)
            if index is not None:
                entry = self.entry(self.keys[index])
                if entry is not None:
                    out.append(entry)
        return out

    def set_keys(self, keys: array, divider: int | None = None, keep: bool = True) -> int:
        """Show a new set of keys.

        keep=True keeps the highlighted entry and the entries on screen where they are
        (live arrivals); keep=False starts at the top (a new filter or order). Returns how
        many keys are new to the list."""
        old_cursor_key = self.highlighted_key
        top_line = int(self.scroll_offset.y)
        top_index = self._first_index_from(top_line)
        top_key = self.keys[top_index] if top_index is not None else None
        shift = self.line_of(top_index) - top_line if top_index is not None else 0
        old_set = set(self.keys) if keep else set()
        added = sum(1 for k in keys if k not in old_set) if keep and old_set else 0
        self.keys = keys
        self.divider = divider if divider and 0 < divider < len(keys) else None
        self._strips.clear()
        self.virtual_size = Size(self.size.width, self.line_count)
        if keep and old_cursor_key is not None:
            index = self._position(old_cursor_key)
            self.cursor = index if index is not None else min(self.cursor, max(0, len(keys) - 1))
            top = self._position(top_key) if top_key is not None else None
            if top is not None:
                self.scroll_to(y=max(0, self.line_of(top) - shift), animate=False,
                               immediate=True)
        else:
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self._announce()
        return added

    def update_entry(self, key: int, entry: Entry) -> None:
        """Replace one cached entry (a read or star mark changed) and redraw its line."""
        self._entries[key] = entry
        self._strips.clear()
        self.refresh()

    def forget(self) -> None:
        """Drop every cached entry (marks changed in bulk)."""
        self._entries.clear()
        self._strips.clear()
        self.refresh()

    def set_time_mode(self, mode: str) -> None:
        self.time_mode = mode
        self._strips.clear()
        self.refresh()

    # -- cursor -------------------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        """Put the cursor on keys[index] (clamped) and scroll it into view."""
        if not self.keys:
            return
        index = max(0, min(index, len(self.keys) - 1))
        self.cursor = index
        line = self.line_of(index)
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)
        self._strips.clear()
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        key = self.highlighted_key
        if key != self._last_highlight:
            self._last_highlight = key
            self.post_message(self.Highlighted(key, None if key is None else self.entry(key)))

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.keys) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_open(self) -> None:
        key = self.highlighted_key
        entry = self.highlighted
        if key is not None and entry is not None:
            self.post_message(self.Opened(key, entry))

    def on_click(self, event: events.Click) -> None:
        index = self.index_of(int(self.scroll_offset.y) + event.y)
        if index is None:
            return
        self.move_cursor(index)
        if event.chain >= 2:
            self.action_open()

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.line_count)
        self._strips.clear()

    # -- rendering ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_y = int(self.scroll_offset.y)
        line = scroll_y + y
        width = self.scrollable_content_region.width
        if not self.keys:
            if y == 1:
                text = Text("  " + self.empty_text, style=self._style("entry-list--empty"),
                            no_wrap=True, overflow="ellipsis")
                return self._strip(text, width)
            return Strip.blank(width, self.rich_style)
        if line >= self.line_count:
            return Strip.blank(width, self.rich_style)
        index = self.index_of(line)
        is_cursor = index == self.cursor
        cache_key = (line, index, is_cursor, width, self.has_focus, self.time_mode)
        cached = self._strips.get(cache_key)
        if cached is not None:
            return cached
        if index is None:
            strip = self._divider_strip(width)
        else:
            key = self.keys[index]
            if key not in self._entries:
                # Fill the whole screen's worth in one fetch rather than a row at a time.
                first = self.index_of(scroll_y) or 0
                self._load(self.keys[max(0, first - 5):first + self.size.height + WINDOW])
            entry = self.entry(key)
            strip = self._row_strip(entry, width, is_cursor)
        self._strips[cache_key] = strip
        return strip

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _strip(self, text: Text, width: int, style: Style | None = None) -> Strip:
        segments = list(text.render(self.app.console))
        base = self.rich_style + style if style else self.rich_style
        strip = Strip(segments).crop_extend(0, width, base)
        if style is not None:
            strip = strip.apply_style(style)
        return strip

    def _divider_strip(self, width: int) -> Strip:
        label = " new since your last visit ▲ "
        side = max(0, (width - len(label)) // 2)
        text = Text("─" * side + label + "─" * max(0, width - side - len(label)),
                    style=self._style("entry-list--divider"), no_wrap=True)
        return self._strip(text, width)

    def _row_strip(self, entry: Entry | None, width: int, is_cursor: bool) -> Strip:
        cursor_style = self._style("entry-list--cursor") if is_cursor else None
        if entry is None:
            return self._strip(Text("  …"), width, cursor_style)
        read_style = self._style("entry-list--read" if entry.read else "entry-list--unread")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(" ● " if not entry.read else "   ", style=self._style("entry-list--mark")
                    if not entry.read else None)
        stamp = short_time(entry, self.time_mode, self._zone, self._now())
        text.append(f"{stamp:>6} ", style=self._style("entry-list--time"))
        marks = ("✎" if entry.edited else " ") + ("★" if entry.starred else " ")
        text.append(marks + " ", style=self._style("entry-list--mark"))
        actor_width = 0 if width < 50 else 14 if width < 90 else 20
        if actor_width:
            actor = entry.actors[0] if entry.actors else ""
            if len(actor) > actor_width - 1:
                actor = actor[:actor_width - 2] + "…"
            # on the cursor bar the accent colour would vanish into the bar's own
            text.append(f"{actor:<{actor_width}}",
                        style=read_style if is_cursor else self._style("entry-list--actor"))
        title = entry.title or (entry.body[0] if entry.body else "(no title)")
        text.append(" ".join(title.split()), style=read_style)
        text.truncate(width, overflow="ellipsis", pad=True)
        return self._strip(text, width, cursor_style)
