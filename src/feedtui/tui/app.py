"""The Textual app: wiring only. It gets its dependencies injected (store, config, clock,
an optional poller, the time zone) so tests build it over a temp store with a fixed clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timezone, tzinfo

from textual import work
from textual.app import App
from textual.binding import Binding

from ..config import Config
from ..sanitize import clean_line
from ..store import Store
from .commands import FeedCommands
from .messages import EntriesArrived, SourceFailed, SourcePolled
from .screens.help import HelpScreen, binding_rows
from .screens.main import MainScreen


class FeedApp(App[None]):
    """feedtui's reader."""

    CSS_PATH = "app.tcss"
    TITLE = "feedtui"
    COMMANDS = App.COMMANDS | {FeedCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    def __init__(self, store: Store, config: Config | None = None,
                 clock: Callable[[], float] = time.time, poller=None,
                 zone: tzinfo | None = None, last_visit: float | None = None) -> None:
        super().__init__()
        self.store = store
        self.config = config or Config()
        self.clock = clock
        self.poller = poller
        self.zone = zone
        self.last_visit = last_visit
        self._stop: asyncio.Event | None = None
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme

    def now(self) -> datetime:
        """The injected clock as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        self.push_screen(MainScreen())
        if self.poller is not None:
            self.poller.on_report = self._reported
            self._poll_forever()

    # -- polling ------------------------------------------------------------------------

    @work(group="poll", exit_on_error=False)
    async def _poll_forever(self) -> None:
        self._stop = asyncio.Event()
        self.main.set_polling(True)
        try:
            await self.poller.run(self._stop)
        finally:
            fetcher = getattr(self.poller, "fetcher", None)
            if fetcher is not None and hasattr(fetcher, "aclose"):
                await fetcher.aclose()

    @work(group="refresh", exclusive=True, exit_on_error=False)
    async def _poll_now(self) -> None:
        await self.poller.poll_all()

    def refresh_now(self) -> None:
        """`r`: poll every source now."""
        if self.poller is None:
            self.notify("Polling is off in this session", markup=False)
            return
        self.notify("Refreshing…", markup=False, timeout=2)
        self._poll_now()

    async def _reported(self, report) -> None:
        """The poller's callback: turn a report into messages for the screen."""
        name = clean_line(report.source.display_name, 200)
        main = self.main
        main.post_message(SourcePolled(name, report.state))
        if report.error:
            main.post_message(SourceFailed(name, clean_line(report.error, 300)))
        if report.new or report.edited:
            main.post_message(EntriesArrived(name, list(report.new), list(report.edited)))

    def on_unmount(self) -> None:
        if self._stop is not None:
            self._stop.set()

    # -- help ---------------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        main = self.main
        from .widgets.detail import EntryDetail
        from .widgets.entry_list import EntryList

        nodes = [main.query_one(EntryList), main.query_one(EntryDetail), main, self]
        self.push_screen(HelpScreen(binding_rows(nodes)))
