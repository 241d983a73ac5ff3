"""The reader app driven with Pilot over a real temp store: the list, the filter bar, the
keys, read marks across a restart, live arrivals, errors and hostile text."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from conftest import TUI_NOW, TUI_SOURCE, make_tui_app, make_tui_store

from feedtui.config import Config
from feedtui.models import Entry
from feedtui.store import Store
from feedtui.tui.messages import EntriesArrived, SourceFailed
from feedtui.tui.screens.help import HelpScreen
from feedtui.tui.widgets.detail import EntryDetail
from feedtui.tui.widgets.entry_list import EntryList
from feedtui.tui.widgets.filter_bar import FilterBar, FilterInput

# anyio's pytest plugin runs the async tests (no pytest-asyncio needed).
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def titles(app) -> list[str]:
    entries = app.screen.query_one(EntryList)
    return [entries.entry(k).title for k in entries.keys]


async def settle(pilot, app) -> None:
    """Wait for the view's workers and the messages they post."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def type_filter(pilot, app, text: str) -> None:
    await pilot.press("slash")
    await pilot.press(*list(text))
    await asyncio.sleep(0.2)  # the debounce
    await settle(pilot, app)


async def test_first_screen_lists_entries_newest_first(tui_store):
    app = make_tui_app(tui_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        shown = titles(app)
        assert len(shown) == 9
        assert shown[0] == "Rail line to the coast closed"
        assert shown[-1] == "Storm warning issued for the Vell estuary"
        assert isinstance(app.focused, EntryList)
        # the entries seen since the last visit sit above the divider
        assert app.screen.query_one(EntryList).divider == 3
        assert app.screen.query_one(EntryDetail).entry.id == "u9"


async def test_filter_narrows_enter_keeps_escape_clears(tui_store):
    app = make_tui_app(tui_store)
    messages = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        await type_filter(pilot, app, "ferry")
        assert isinstance(app.focused, FilterInput)
        assert titles(app) == ["Ferry service suspended"]
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.focused, EntryList)
        assert titles(app) == ["Ferry service suspended"]
        await pilot.press("escape")
        await settle(pilot, app)
        assert len(titles(app)) == 9
        assert app.screen.query_one(FilterInput).value == ""
        changed = [m for m in messages if isinstance(m, FilterBar.Changed)]
        assert [m.text for m in changed][-1] == ""


async def test_actor_filter_and_a_key(tui_store):
    app = make_tui_app(tui_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await type_filter(pilot, app, "actor:ostrander")
        assert titles(app) == ["Ostrander: evacuation centres open",
                               "Mayor Ostrander urges residents to stay home"]
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("j", "j")  # Coast Guard rescues ...
        await pilot.press("a")
        await settle(pilot, app)
        assert app.screen.query_one(FilterInput).value == 'actor:"Coast Guard"'
        assert titles(app) == ["Coast Guard rescues crew of fishing boat",
                               "Harbour wall breached near the fish market"]


async def test_malformed_query_shows_why_and_keeps_last_filter(tui_store):
    app = make_tui_app(tui_store)
    messages = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        await type_filter(pilot, app, 'ferry "')
        failed = [m for m in messages if isinstance(m, FilterBar.Failed)]
        assert failed and "unterminated quote" in failed[-1].error.message
        error = app.screen.query_one("#filter-error")
        assert error.display and "unterminated quote" in str(error.render())
        assert app.screen.query_one(FilterBar).good_text == "ferry "
        # the last good filter ("ferry is:" never parsed, "ferry" did) stays in force
        assert titles(app) == ["Ferry service suspended"]


async def test_keys_move_and_toggle_order_and_time(tui_store):
    app = make_tui_app(tui_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        entries = app.screen.query_one(EntryList)
        await pilot.press("G")
        assert entries.cursor == 8
        await pilot.press("g", "down", "j", "k")
        assert entries.cursor == 1
        await pilot.press("S")
        await settle(pilot, app)
        assert titles(app)[0] == "Storm warning issued for the Vell estuary"
        assert app.screen.time_mode == "local"
        await pilot.press("t")
        assert app.screen.time_mode == "utc"
        await pilot.press("t", "t")
        assert app.screen.time_mode == "local"


async def test_read_marks_persist_across_a_restart(tmp_path):
    path = tmp_path / "feedtui.db"
    store = make_tui_store(path)
    app = make_tui_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("space")  # u9 read
        await pilot.press("j", "enter")  # u8 opened: read, detail focused
        assert isinstance(app.focused, EntryDetail)
        await pilot.press("escape")
        assert isinstance(app.focused, EntryList)
        await pilot.press("j", "s")  # u7 starred
    store.close()
    store = Store.open(path)
    try:
        by_id = {e.id: e for e in store.entries()}
        assert by_id["u9"].read and by_id["u8"].read and not by_id["u7"].read
        assert by_id["u7"].starred
        app = make_tui_app(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, app)
            entries = app.screen.query_one(EntryList)
            assert entries.highlighted.read
            await pilot.press("n")  # next unread skips the read u8
            assert entries.highlighted.id == "u7"
            await pilot.press("m")
            await settle(pilot, app)
        assert store.count(unread=True) == 0
    finally:
        store.close()


async def test_edited_entry_shows_its_changes(tui_store):
    app = make_tui_app(tui_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("j", "enter", "d")
        detail = app.screen.query_one(EntryDetail)
        assert detail.showing_changes
        text = str(detail.query_one("#detail-text").render())
        assert "Three schools" in text and "Four schools" in text


async def test_hostile_text_stays_literal_and_clicking_does_nothing(tmp_path):
    store = make_tui_store(tmp_path / "feedtui.db", hostile=True)
    app = make_tui_app(store)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, app)
            entries = app.screen.query_one(EntryList)
            assert entries.highlighted.id == "evil"
            line = "".join(s.text for s in entries.render_line(0))
            assert "[@click=app.quit]x[/]" in line
            detail = str(app.screen.query_one("#detail-text").render())
            assert "[@click=app.quit]x[/]" in detail and "[red]not red[/red]" in detail
            await pilot.click(EntryList, offset=(60, 0))
            await pilot.click("#detail-text", offset=(2, 0))
            await pilot.pause()
            assert app.is_running
    finally:
        store.close()


@dataclass
class FakeSource:
    display_name: str = "Harbour Live"


@dataclass
class FakeReport:
    source: FakeSource = field(default_factory=FakeSource)
    state: str = "ok"
    new: list = field(default_factory=list)
    edited: list = field(default_factory=list)
    error: str = ""


class FakePoller:
    """Stands in for feedtui.poller.Poller: ingests what the test hands it, then reports."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.on_report = None
        self.queue: asyncio.Queue = asyncio.Queue()
        self.refreshed = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            entries, error = await self.queue.get()
            if error:
                await self.on_report(FakeReport(state="connection", error=error))
                continue
            result = self.store.ingest(TUI_SOURCE, entries, now=TUI_NOW)
            await self.on_report(FakeReport(new=result.new, edited=result.edited))

    async def poll_all(self, automatic: bool = False) -> list:
        self.refreshed += 1
        return []

    def wake(self) -> None:
        pass


def arriving(n: int) -> Entry:
    return Entry(id=f"new{n}", source="Harbour Live", title=f"Arrival {n}: bridge reopens",
                 body=("Traffic moves again.",), published=TUI_NOW + timedelta(minutes=n),
                 actors=("Vell Roads",))


async def test_arrivals_keep_cursor_scroll_and_detail(tui_store):
    poller = FakePoller(tui_store)
    app = make_tui_app(tui_store, poller=poller)
    messages = []
    async with app.run_test(size=(100, 18), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.pause(0.1)
        entries = app.screen.query_one(EntryList)
        assert entries.scrollable_content_region.height < entries.line_count + 2
        await pilot.press("j", "j")
        before_entry = entries.highlighted
        before_screen = [e.id for e in entries.visible_entries()]
        detail_before = app.screen.query_one(EntryDetail).entry
        await poller.queue.put(([arriving(1), arriving(2)], ""))
        for _ in range(20):
            await pilot.pause(0.05)
            if len(entries.keys) == 11:
                break
        await pilot.pause(0.1)
        assert len(entries.keys) == 11
        assert entries.highlighted.id == before_entry.id
        assert [e.id for e in entries.visible_entries()] == before_screen
        assert app.screen.query_one(EntryDetail).entry is detail_before
        assert app.screen.new_count == 2
        marker = app.screen.query_one("#new-marker")
        assert marker.has_class("-shown") and "2 new" in str(marker.render())
        assert any(isinstance(m, EntriesArrived) for m in messages)
        await pilot.press("g")
        assert app.screen.new_count == 0
        assert entries.highlighted.id == "new2"
        await pilot.press("r")
        await pilot.pause(0.1)
        assert poller.refreshed == 1


async def test_poll_error_shows_without_crashing(tui_store):
    poller = FakePoller(tui_store)
    app = make_tui_app(tui_store, poller=poller)
    messages = []
    async with app.run_test(size=(100, 24), message_hook=messages.append) as pilot:
        await pilot.pause(0.1)
        tui_store.update_source_health(TUI_SOURCE, failures=1,
                                       last_error="connection refused [@click=app.quit]")
        await poller.queue.put(([], "https://harbour.example/: connection refused [b]"))
        for _ in range(20):
            await pilot.pause(0.05)
            if any(isinstance(m, SourceFailed) for m in messages):
                break
        for _ in range(40):  # the header follows once the coalesced source refresh ran
            await pilot.pause(0.05)
            if "1 error" in str(app.screen.query_one("#header").render()):
                break
        failed = [m for m in messages if isinstance(m, SourceFailed)]
        assert failed and "connection refused [b]" in failed[0].error
        header = str(app.screen.query_one("#header").render())
        assert "1 error" in header and "[@click=app.quit]" in header
        assert app.is_running


async def test_keymap_from_config_rebinds_by_id(tui_store):
    app = make_tui_app(tui_store, config=Config(keys={"toggle_read": "x", "cursor_down": "ctrl+n"}))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        entries = app.screen.query_one(EntryList)
        await pilot.press("ctrl+n")
        assert entries.cursor == 1
        await pilot.press("x")
        assert entries.highlighted.read
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {binding_id: keys for keys, _d, binding_id in app.screen.rows}
        assert "x" in rows["toggle_read"]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_filters_by_actor(tui_store):
    app = make_tui_app(tui_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*list("actor: vell rail"))
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot, app)
        await asyncio.sleep(0.05)
        await settle(pilot, app)
        assert app.screen.query_one(FilterInput).value == 'actor:"Vell Rail"'
        assert titles(app) == ["Rail line to the coast closed"]


@pytest.mark.parametrize("size", [(80, 24)])
async def test_small_terminal_hides_sidebars_until_toggled(tui_store, size):
    app = make_tui_app(tui_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        assert not app.screen.query_one("#sources").display
        await pilot.press("left_square_bracket", "right_square_bracket")
        assert app.screen.query_one("#sources").display
        assert app.screen.query_one("#actors").display


def _burst(app, keys: str) -> None:
    """Queue keystrokes all at once, as a fast typist or a terminal delivers them (Pilot's
    press waits for the app to go idle after each key)."""
    from textual import events

    names = {"/": "slash", "\r": "enter", "\x1b": "escape"}
    for char in keys:
        app.post_message(events.Key(names.get(char, char), None if char == "\x1b" else char))


async def test_keys_typed_in_a_burst_go_where_the_first_key_sent_the_focus(tui_store):
    # "/" moves the focus to the filter bar: the keys queued behind it are filter text, not
    # list keys ("m" is mark all read), however fast they come
    app = make_tui_app(tui_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        unread = app.store.count(unread=True)
        assert unread > 0
        _burst(app, "/ferrym")
        await asyncio.sleep(0.2)
        await settle(pilot, app)
        assert app.screen.query_one(FilterInput).value == "ferrym"
        assert app.store.count(unread=True) == unread  # nothing marked read
        _burst(app, "\x1b")  # Escape: back to the list, where "m" marks all read
        await settle(pilot, app)
        assert app.screen.query_one(FilterInput).value == ""
        assert isinstance(app.focused, EntryList)
        _burst(app, "m")
        await settle(pilot, app)
        assert app.store.count(unread=True) == 0


async def test_slash_is_text_inside_the_filter_bar(tui_store):
    app = make_tui_app(tui_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", "a", "slash", "b")
        assert app.screen.query_one(FilterInput).value == "a/b"
