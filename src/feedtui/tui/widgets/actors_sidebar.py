"""The actors sidebar: who speaks or acts in the current view, with counts. Selecting one
filters the list by it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class ActorsSidebar(Vertical):
    """Actors of the view, most frequent first."""

    DEFAULT_CSS = """
    ActorsSidebar {
        width: 26;
        border-left: vkey $foreground 15%;
        & > .sidebar-title { padding: 0 1; color: $text-accent; text-style: bold; }
        & > OptionList { height: 1fr; border: none; padding: 0; background: $surface; }
    }
    """

    class Selected(Message):
        """An actor was chosen: filter by it."""

        def __init__(self, actor: str) -> None:
            super().__init__()
            self.actor = actor

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.actors: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield Static(Content("Actors in view"), classes="sidebar-title")
        yield OptionList(id="actors-list")

    def show(self, actors: list[tuple[str, int]], sampled: int | None = None) -> None:
        """List actors with counts; sampled: the counts cover only the newest `sampled`
        entries of a larger view (the title says so)."""
        self.actors = actors
        title = "Actors in view" if sampled is None else f"Actors, newest {sampled:,}"
        self.query_one(".sidebar-title", Static).update(Content(title))
        options = self.query_one(OptionList)
        options.clear_options()
        if not actors:
            options.add_option(Option(Content.styled("none in view", "italic $text-muted"),
                                      disabled=True))
        # one line per actor: long names end in an ellipsis instead of wrapping
        room = max(8, (self.size.width or 26) - 7)
        for name, count in actors:
            label = Content(name).truncate(room, ellipsis=True)
            options.add_option(Option(Content.assemble((f"{count:>4} ", "$text-muted"), label)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.actors):
            self.post_message(self.Selected(self.actors[index][0]))
