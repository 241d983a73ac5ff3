"""The reader screen. It owns the view's state as reactives (filter, order, time mode,
highlighted entry), loads the view's keys in a thread worker, and keeps the list, the
detail pane, the sidebars and the header in step with it."""

from __future__ import annotations

import time
from array import array
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from ...models import Entry
from ...query import Node
from ...query import parse as parse_query
from ...store import Source, StoreError
from .. import entry_view
from ..entry_view import ViewSpec
from ..messages import EntriesArrived, MarksChanged, SourceFailed, SourcePolled, ViewLoaded
from ..timefmt import MODE_LABELS, next_mode
from ..widgets.actors_sidebar import ActorsSidebar
from ..widgets.detail import EntryDetail
from ..widgets.entry_list import EntryList
from ..widgets.filter_bar import FilterBar, FilterInput
from ..widgets.sources_sidebar import SourcesSidebar
from ..widgets.status_header import StatusHeader


def _quote(name: str) -> str:
    return '"' + name.replace('"', "") + '"' if any(c.isspace() for c in name) else name


class MainScreen(Screen):
    """The entry list with its filter bar, detail pane and sidebars."""

    BINDINGS = [
        # a priority binding runs as the key is read, before the keys typed after it are
        # handed to the focused widget: they become filter text, never list keys (m is mark
        # all read). check_action lets "/" through as text while the filter bar has focus.
        Binding("slash", "focus_filter", "Filter", id="filter", priority=True),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear_filter"),
        Binding("space", "toggle_read", "Read", id="toggle_read"),
        Binding("n", "next_unread", "Next unread", show=False, id="next_unread"),
        Binding("p", "previous_unread", "Prev unread", show=False, id="previous_unread"),
        Binding("m", "mark_all_read", "Mark all read", show=False, id="mark_all_read"),
        Binding("s", "toggle_star", "Star", show=False, id="toggle_star"),
        Binding("a", "filter_actor", "By actor", show=False, id="filter_actor"),
        Binding("o", "open_link", "Open link", show=False, id="open_link"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("t", "cycle_time", "Time zone", show=False, id="cycle_time"),
        Binding("S", "toggle_order", "Order", show=False, id="toggle_order"),
        Binding("left_square_bracket", "toggle_sources", "Sources", show=False,
                id="toggle_sources"),
        Binding("right_square_bracket", "toggle_actors", "Actors", show=False,
                id="toggle_actors"),
    ]

    tree: reactive[Node | None] = reactive(None, init=False)
    oldest_first: reactive[bool] = reactive(False, init=False)
    time_mode: reactive[str] = reactive("local", init=False)
    highlighted: reactive[int | None] = reactive(None, init=False)
    new_count: reactive[int] = reactive(0, init=False)

    def __init__(self) -> None:
        super().__init__()
        self._generation = 0
        self._partial = -1  # the generation whose first screens are shown, awaiting the rest
        self._pending: set[str] = set()  # coalesced refreshes waiting for their timer
        self._failing: set[str] = set()  # sources whose failure was already announced
        self._sources: dict[str, Source] = {}
        self._polling = False
        self._counts: dict[int, tuple[int, int]] = {}

    @property
    def store(self):
        return self.app.store

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = self.app
        yield StatusHeader(Content("feedtui"), id="header")
        with Horizontal(id="body"):
            yield SourcesSidebar(id="sources")
            with Vertical(id="main"):
                yield FilterBar(now=app.now, id="filter-bar")
                yield EntryList(self.store.entries_by_key, zone=app.zone, now=app.now, id="entries")
                yield EntryDetail(zone=app.zone, id="detail")
            yield ActorsSidebar(id="actors")
        yield Footer()

    def on_mount(self) -> None:
        self.time_mode = self.app.config.time_mode
        self.query_one(EntryList).set_time_mode(self.time_mode)
        self.query_one(EntryDetail).data_bind(MainScreen.time_mode)
        wide = self.app.size.width >= 120
        self.query_one("#sources").display = wide
        self.query_one("#actors").display = wide
        self.set_focus(self.query_one(EntryList))
        if self.store.notice:
            self.app.notify(self.store.notice, title="Store", severity="warning", markup=False)
        self.reload(keep=False)
        self.refresh_sources()

    # -- loading the view ---------------------------------------------------------------

    def reload(self, keep: bool) -> None:
        """Load the view's keys again (a thread worker posts ViewLoaded)."""
        self._generation += 1
        self._partial = -1
        self._load_keys(self._generation, ViewSpec(self.tree, self.oldest_first), keep)

    @work(thread=True, group="view", exit_on_error=False)
    def _load_keys(self, generation: int, spec: ViewSpec, keep: bool) -> None:
        if not keep and not spec.oldest_first:
            # a new filter: paint its first screens at once, then the whole view
            self.post_message(ViewLoaded(generation, entry_view.first_keys(self.store, spec),
                                         None, False, partial=True))
        keys = entry_view.load_keys(self.store, spec)
        divider = None
        last_visit = self.app.last_visit
        if last_visit is not None and not spec.oldest_first:
            fresh = self.store.arrived_since(last_visit)
            count = 0
            for key in keys:
                if key not in fresh:
                    break
                count += 1
            divider = count or None
        self.post_message(ViewLoaded(generation, keys, divider, keep))

    def on_view_loaded(self, message: ViewLoaded) -> None:
        if message.generation != self._generation:
            return  # a newer filter or order superseded this load
        entries = self.query_one(EntryList)
        if message.partial:
            entries.set_keys(message.keys, None, keep=False)
            self._partial = message.generation
            self.query_one(FilterBar).set_status(f"{len(message.keys):,}+ shown"
                                                 if len(message.keys) >= entry_view.FIRST_PAGE
                                                 else f"{len(message.keys):,} shown")
            return
        # after a partial load the reader may already have moved: keep the cursor then
        completes = self._partial == message.generation
        added = entries.set_keys(message.keys, message.divider, keep=message.keep or completes)
        if completes:
            added = 0
        if message.keep and added:
            self.new_count += added
        if not message.keep:
            self.new_count = 0
        if not message.keys:
            entries.empty_text = ("No entries match the filter." if self.tree is not None
                                  else "No entries yet: waiting for the first poll.")
            self.query_one(EntryDetail).show(None)
        self._update_status()
        self.count_actors(self._generation)

    def _update_status(self) -> None:
        entries = self.query_one(EntryList)
        bar = self.query_one(FilterBar)
        shown = len(entries.keys)
        bar.set_status(f"{shown:,} shown")
        bar.set_new_count(self.new_count)
        self._update_header()

    def _update_header(self) -> None:
        # Counts come from refresh_sources (a full count is too slow for every keystroke).
        total = sum(t for t, _ in self._counts.values())
        unread = sum(u for _, u in self._counts.values())
        self.query_one(StatusHeader).show(
            list(self._sources.values()), self._polling, self.app.zone,
            self.time_mode, self.oldest_first, unread, total)

    @work(thread=True, group="actors", exclusive=True, exit_on_error=False)
    def count_actors(self, generation: int) -> None:
        # Wait for typing to pause, so the count never delays the next keystroke's view.
        time.sleep(0.3 if len(self.query_one(EntryList).keys) > 5000 else 0.0)
        if generation != self._generation:
            return
        actors = entry_view.actor_counts(self.store, ViewSpec(self.tree, self.oldest_first))
        shown = len(self.query_one(EntryList).keys)
        sampled = entry_view.ACTOR_SCAN if shown > entry_view.ACTOR_SCAN else None
        self.app.call_from_thread(self.query_one(ActorsSidebar).show, actors, sampled)

    def refresh_sources(self) -> None:
        """Re-read the subscriptions, their counts and health (sidebar and header)."""
        try:
            sources, counts, hourly = self._read_sources()
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self._show_sources(sources, counts, hourly)

    def _read_sources(self):
        return self.store.sources(), self.store.source_counts(), self.store.hourly_counts(self.app.clock())

    def _show_sources(self, sources, counts, hourly) -> None:
        self._sources = {s.display_name: s for s in sources}
        self._counts = counts
        self.query_one(SourcesSidebar).show(sources, counts, hourly)
        self._update_header()

    def _soon(self, name: str, delay: float, callback) -> None:
        """Run callback once after delay, however often this is asked for meanwhile: a
        burst of poll reports (hundreds of sources) costs one refresh, not one each."""
        if name not in self._pending:
            def run() -> None:
                self._pending.discard(name)
                callback()
            self._pending.add(name)
            self.set_timer(delay, run)

    @work(thread=True, group="sources", exit_on_error=False)
    def _load_sources(self) -> None:
        try:
            found = self._read_sources()
        except StoreError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_sources, *found)

    # -- watchers -----------------------------------------------------------------------

    def watch_tree(self) -> None:
        self.reload(keep=False)

    def watch_oldest_first(self) -> None:
        self.reload(keep=False)

    def watch_time_mode(self, mode: str) -> None:
        self.query_one(EntryList).set_time_mode(mode)
        self._update_header()

    def watch_new_count(self, count: int) -> None:
        self.query_one(FilterBar).set_new_count(count)

    # -- messages from children ---------------------------------------------------------

    def on_entry_list_highlighted(self, message: EntryList.Highlighted) -> None:
        self.highlighted = message.key
        entry = message.entry
        self.query_one(EntryDetail).show(entry, self._source_name(entry))
        if message.key is not None and self.query_one(EntryList).cursor == 0:
            self.new_count = 0

    def on_entry_list_opened(self, message: EntryList.Opened) -> None:
        self._set_read(message.key, message.entry, True)
        detail = self.query_one(EntryDetail)
        detail.display = True
        self.set_focus(detail)

    def on_entry_detail_left(self) -> None:
        self.set_focus(self.query_one(EntryList))

    def on_entry_detail_changes_requested(self) -> None:
        detail = self.query_one(EntryDetail)
        if detail.entry is None:
            return
        try:
            revisions = self.store.revisions(detail.entry.id, self._source_of(detail.entry))
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        detail.show_changes(revisions)

    def on_filter_bar_changed(self, message: FilterBar.Changed) -> None:
        self.tree = message.tree

    def on_filter_bar_submitted(self) -> None:
        self.set_focus(self.query_one(EntryList))

    def on_filter_bar_cleared(self) -> None:
        self.action_clear_filter()

    def on_sources_sidebar_selected(self, message: SourcesSidebar.Selected) -> None:
        self.filter_by(f"source:{_quote(message.source.display_name)}")

    def on_actors_sidebar_selected(self, message: ActorsSidebar.Selected) -> None:
        self.filter_by(f"actor:{_quote(message.actor)}")

    # -- messages from the app (polling) ------------------------------------------------

    def on_entries_arrived(self, message: EntriesArrived) -> None:
        self._soon("arrivals", 0.2, lambda: self.reload(keep=True))

    def on_source_polled(self, message: SourcePolled) -> None:
        if message.state in ("ok", "not_modified", "unchanged"):
            self._failing.discard(message.source)
        self._soon("sources", 0.2, self._load_sources)

    def on_source_failed(self, message: SourceFailed) -> None:
        # tell once when a source starts failing, not at every retry; the header and the
        # sources sidebar keep showing the error
        if message.source not in self._failing:
            self._failing.add(message.source)
            self.app.notify(message.error, title=message.source, severity="error", markup=False)

    def on_marks_changed(self, message: MarksChanged) -> None:
        self.query_one(EntryList).forget()
        self.refresh_sources()
        self.app.notify(f"Marked {message.count:,} entries read", markup=False)

    def set_polling(self, polling: bool) -> None:
        self._polling = polling
        self._update_header()

    # -- helpers ------------------------------------------------------------------------

    def _source_of(self, entry: Entry) -> int | None:
        source = self._sources.get(entry.source)
        return source.id if source else None

    def _source_name(self, entry: Entry | None) -> str:
        if entry is None:
            return ""
        source = self._sources.get(entry.source)
        return source.display_name if source else entry.source

    def filter_by(self, text: str) -> None:
        """Put text in the filter bar and apply it now."""
        self.query_one(FilterBar).set_text(text)

    def _set_read(self, key: int, entry: Entry, read: bool) -> None:
        if entry.read == read:
            return
        try:
            self.store.mark_read(self.store.entry_refs([key]), read)
        except StoreError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        updated = entry.with_(read=read)
        source = self._sources.get(entry.source)
        if source is not None and source.id in self._counts:
            total, unread = self._counts[source.id]
            self._counts[source.id] = (total, unread + (-1 if read else 1))
        self.query_one(EntryList).update_entry(key, updated)
        detail = self.query_one(EntryDetail)
        if detail.entry is not None and detail.entry.id == entry.id:
            detail.entry = updated
        self._update_header()

    def _find_unread(self, step: int) -> int | None:
        entries = self.query_one(EntryList)
        index = entries.cursor + step
        chunk = 400
        while 0 <= index < len(entries.keys):
            if step > 0:
                window = entries.keys[index:index + chunk]
                positions = range(index, index + len(window))
            else:
                start = max(0, index - chunk + 1)
                window = entries.keys[start:index + 1]
                positions = range(start, index + 1)
            found = self.store.entries_by_key(window)
            order = list(zip(positions, window))
            if step < 0:
                order.reverse()
            for position, key in order:
                entry = found.get(key)
                if entry is not None and not entry.read:
                    return position
            index = index + chunk if step > 0 else index - chunk
        return None

    # -- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_filter":
            return not isinstance(self.focused, FilterInput)
        return True

    def action_focus_filter(self) -> None:
        # at once (Widget.focus waits for the next idle moment)
        self.set_focus(self.query_one(FilterBar).input)

    def action_clear_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.set_text("")
        self.set_focus(self.query_one(EntryList))

    def action_toggle_read(self) -> None:
        entries = self.query_one(EntryList)
        key, entry = entries.highlighted_key, entries.highlighted
        if key is not None and entry is not None:
            self._set_read(key, entry, not entry.read)

    def action_next_unread(self) -> None:
        found = self._find_unread(+1)
        if found is None:
            self.app.notify("No more unread entries below", markup=False)
        else:
            self.query_one(EntryList).move_cursor(found)

    def action_previous_unread(self) -> None:
        found = self._find_unread(-1)
        if found is None:
            self.app.notify("No unread entries above", markup=False)
        else:
            self.query_one(EntryList).move_cursor(found)

    def action_mark_all_read(self) -> None:
        self._mark_all_read(array("q", self.query_one(EntryList).keys), self.tree is None)

    @work(thread=True, group="marks", exit_on_error=False)
    def _mark_all_read(self, keys: array, everything: bool) -> None:
        try:
            if everything:
                count = self.store.mark_all_read()
            else:
                count = self.store.mark_all_read(self.store.entry_refs(keys))
        except StoreError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        self.post_message(MarksChanged(count))

    def action_toggle_star(self) -> None:
        entries = self.query_one(EntryList)
        key, entry = entries.highlighted_key, entries.highlighted
        if key is None or entry is None:
            return
        try:
            self.store.set_starred(self.store.entry_refs([key])[0], not entry.starred)
        except (StoreError, IndexError) as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        updated = entry.with_(starred=not entry.starred)
        entries.update_entry(key, updated)
        self.query_one(EntryDetail).show(updated, self._source_name(updated))

    def action_filter_actor(self) -> None:
        entry = self.query_one(EntryList).highlighted
        if entry is None or not entry.actors:
            self.app.notify("This entry names no actor", markup=False)
            return
        self.filter_by(f"actor:{_quote(entry.actors[0])}")

    def _link(self) -> str | None:
        entry = self.query_one(EntryList).highlighted
        url = entry.url if entry else ""
        if not url.lower().startswith(("http://", "https://")):
            self.app.notify("This entry has no web link", markup=False)
            return None
        return url

    def action_open_link(self) -> None:
        url = self._link()
        if url:
            # webbrowser under the hood: an argument list, never a shell.
            self.app.open_url(url)

    def action_copy_link(self) -> None:
        url = self._link()
        if url:
            self.app.copy_to_clipboard(url)
            self.app.notify(f"Copied {url}", markup=False)

    def action_refresh(self) -> None:
        self.app.refresh_now()

    def action_cycle_time(self) -> None:
        self.time_mode = next_mode(self.time_mode)
        self.app.notify(f"Times in {MODE_LABELS[self.time_mode]}", markup=False, timeout=2)

    def action_toggle_order(self) -> None:
        self.oldest_first = not self.oldest_first

    def action_toggle_sources(self) -> None:
        sidebar = self.query_one("#sources")
        sidebar.display = not sidebar.display

    def action_toggle_actors(self) -> None:
        sidebar = self.query_one("#actors")
        sidebar.display = not sidebar.display

    def parse(self, text: str) -> Node | None:
        """The tree of text; QueryError when malformed."""
        return parse_query(text, self.app.now())

