"""The filter bar: the query language typed in place, debounced, with errors shown where
they are and the last good filter kept in force."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from ...query import Node, QueryError, parse
from ...sanitize import clean_line

DEBOUNCE = 0.15


class FilterInput(Input):
    """The text field of the filter bar: Enter keeps, Escape clears."""

    BINDINGS = [
        # shown in the footer while the filter has the focus (the list's keys are not live)
        Binding("enter", "submit", "Keep filter", id="keep_filter"),
        Binding("escape", "clear_filter", "Clear filter", id="clear_filter"),
    ]

    def action_clear_filter(self) -> None:
        self.post_message(FilterBar.Cleared())

    def _on_paste(self, event: events.Paste) -> None:
        # A terminal hands a bracketed paste over raw (ESC and C1 bytes included) and an
        # Input draws what it holds: the pasted line goes through the sanitizer first.
        event.prevent_default()  # not Input's own paste handler, which inserts it raw
        event.stop()
        lines = event.text.splitlines()
        line = clean_line(lines[0]) if lines else ""
        if not line:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(line)
        else:
            self.replace(line, *self.selection)


class FilterBar(Vertical):
    """`/` query input, the "N new" marker and the error line."""

    DEFAULT_CSS = """
    FilterBar {
        height: auto;
        & > #filter-row { height: 1; }
        & #filter-prompt { width: auto; padding: 0 0 0 1; color: $text-accent; }
        & FilterInput { width: 1fr; border: none; height: 1; padding: 0 1; }
        & #new-marker { width: auto; padding: 0 1; background: $warning 30%; color: $text; display: none; }
        & #new-marker.-shown { display: block; }
        & #filter-status { width: auto; padding: 0 1; color: $text-muted; }
        & #filter-error { display: none; }
        & #filter-error.-shown { display: block; width: 100%; padding: 0 1; color: $text-error; }
        & FilterInput.-invalid { color: $text-error; }
    }
    """

    class Changed(Message):
        """A new valid filter (debounced); tree is None for no filter."""

        def __init__(self, text: str, tree: Node | None) -> None:
            super().__init__()
            self.text = text
            self.tree = tree

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FilterBar.Changed)

    class Failed(Message):
        """The typed query is malformed; the last good filter stays."""

        def __init__(self, text: str, error: QueryError) -> None:
            super().__init__()
            self.text = text
            self.error = error

    class Submitted(Message):
        """Enter: keep the filter and go back to the list."""

    class Cleared(Message):
        """Escape: clear the filter."""

    def __init__(self, now: Callable[[], datetime], **kwargs) -> None:
        super().__init__(**kwargs)
        self._now = now
        self._last_change = 0.0
        self.good_text = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-row"):
            yield Static(Content("/"), id="filter-prompt")
            yield FilterInput(placeholder="filter: words \"a phrase\" actor:NAME is:unread since:2h",
                              id="filter-input", select_on_focus=False, compact=True)
            yield Static(Content(""), id="new-marker")
            yield Static(Content(""), id="filter-status")
        yield Static(Content(""), id="filter-error")

    @property
    def input(self) -> FilterInput:
        return self.query_one(FilterInput)

    def set_text(self, text: str) -> None:
        """Replace the query (palette, sidebars, `a`) and apply it at once."""
        self.input.value = text
        self.input.cursor_position = len(text)
        self._apply(text, debounce=False)

    def set_new_count(self, count: int) -> None:
        marker = self.query_one("#new-marker", Static)
        marker.update(Content(f"▲ {count} new" if count else ""))
        marker.set_class(count > 0, "-shown")

    def set_status(self, text: str) -> None:
        self.query_one("#filter-status", Static).update(Content(text))

    def set_error(self, text: str) -> None:
        error = self.query_one("#filter-error", Static)
        error.update(Content(text))
        error.set_class(bool(text), "-shown")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._apply(event.value, debounce=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply(event.value, debounce=False)
        self.post_message(self.Submitted())

    def _apply(self, text: str, debounce: bool) -> None:
        try:
            tree = parse(text, self._now())
        except QueryError as error:
            self.input.set_class(True, "-invalid")
            self.set_error(f"✗ {error.message} (column {error.position + 1}); "
                           "the last good filter stays")
            self.post_message(self.Failed(text, error))
            return
        self.input.set_class(False, "-invalid")
        self.set_error("")
        moment = time.monotonic()
        # Leading edge: a keystroke after a pause applies at once; a burst of typing is
        # coalesced into one filter after DEBOUNCE seconds of quiet.
        wait = DEBOUNCE if debounce and moment - self._last_change < DEBOUNCE else 0.0
        self._last_change = moment
        # a callable, not a coroutine: a run cancelled before it starts leaves nothing unawaited
        self.run_worker(partial(self._post_later, text, tree, wait), group="filter-debounce",
                        exclusive=True, exit_on_error=False)

    async def _post_later(self, text: str, tree: Node | None, wait: float) -> None:
        if wait:
            await asyncio.sleep(wait)
        self.good_text = text
        self.post_message(self.Changed(text, tree))
