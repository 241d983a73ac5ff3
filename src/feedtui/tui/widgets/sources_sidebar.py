"""The sources sidebar: each subscription with its unread count, health and a sparkline of
updates per hour over the last day. Selecting one filters the list by it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...store import Source
from ..entry_view import sparkline


def health_mark(source: Source) -> tuple[str, str]:
    """(glyph and word, style) for a source's health."""
    if source.disabled:
        return "■ stopped", "$text-muted"
    if source.failures or source.last_error:
        return "✗ failing", "$text-error"
    if source.last_poll is None:
        return "… waiting", "$text-muted"
    return "● ok", "$text-success"


class SourcesSidebar(Vertical):
    """Subscriptions with counts and health."""

    DEFAULT_CSS = """
    SourcesSidebar {
        width: 30;
        border-right: vkey $foreground 15%;
        & > .sidebar-title { padding: 0 1; color: $text-accent; text-style: bold; }
        & > OptionList { height: 1fr; border: none; padding: 0; background: $surface; }
    }
    """

    class Selected(Message):
        """A source was chosen: filter by it."""

        def __init__(self, source: Source) -> None:
            super().__init__()
            self.source = source

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sources: list[Source] = []

    def compose(self) -> ComposeResult:
        yield Static(Content("Sources"), classes="sidebar-title")
        yield OptionList(id="sources-list")

    def show(self, sources: list[Source], counts: dict[int, tuple[int, int]],
             hourly: dict[int, list[int]]) -> None:
        """Fill the list; counts: id -> (entries, unread); hourly: id -> per-hour counts."""
        self.sources = sources
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for source in sources:
            total, unread = counts.get(source.id, (0, 0))
            word, style = health_mark(source)
            spark = sparkline(hourly.get(source.id, [0] * 24)[-12:])
            prompt = Content.assemble(
                (source.display_name, "bold"), "\n",
                (f"{unread} unread", "$text-warning" if unread else "$text-muted"),
                (f" / {total}  ", "$text-muted"), (word, style), "\n",
                (spark, "$text-accent"),
            )
            options.add_option(Option(prompt, id=str(source.id)))
        if highlighted is not None and highlighted < len(sources):
            options.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.sources):
            self.post_message(self.Selected(self.sources[index]))
