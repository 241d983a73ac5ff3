"""The detail pane: one entry in full, and on request what changed between its revisions.

Every piece of feed text goes in as a plain part of ``Content.assemble``: never markup.
"""

from __future__ import annotations

import difflib
from datetime import tzinfo

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from ...models import Entry
from ...store import Revision
from ..timefmt import full_time


def _paragraphs(parts: list, lines) -> None:
    for line in lines:
        parts.extend([(line, ""), "\n\n"])


def entry_content(entry: Entry, source_name: str, time_mode: str, zone: tzinfo | None,
                  revisions: list[Revision] | None = None) -> Content:
    """The detail pane's text for entry; with revisions, the changes since the last one."""
    parts: list = []
    if entry.pinned:
        parts.append(("PINNED ", "bold $text-accent"))
    if entry.key_event:
        parts.append(("KEY EVENT ", "bold $text-warning"))
    parts.append((entry.title or "(no title)", "bold"))
    parts.append("\n")
    printed = entry.time_text or "no time printed"
    parts.extend([("as printed ", "$text-muted"), (printed, ""), ("  ·  ", "$text-muted"),
                  (full_time(entry, "utc" if time_mode == "utc" else "local", zone), "")])
    parts.append("\n")
    parts.extend([("source ", "$text-muted"), (source_name or entry.source, "$text-accent")])
    if entry.author:
        parts.extend([("  ·  by ", "$text-muted"), (entry.author, "")])
    parts.append("\n")
    if entry.actors:
        parts.append(("actors ", "$text-muted"))
        for number, actor in enumerate(entry.actors):
            if number:
                parts.append((", ", "$text-muted"))
            parts.append((actor, "bold $text-accent" if number == 0 else "$text-accent"))
        parts.append("\n")
    flags = []
    if entry.edited:
        flags.append(f"✎ edited (revision {entry.revision}; d shows what changed)")
    if entry.starred:
        flags.append("★ starred")
    if flags:
        parts.append(("  ".join(flags), "$text-warning"))
        parts.append("\n")
    parts.append("\n")
    if revisions is not None:
        parts.extend(_changes(entry, revisions))
        return Content.assemble(*parts)
    _paragraphs(parts, entry.body)
    for media in entry.media:
        if media.kind == "card":
            parts.extend([("↗ ", "$text-accent"), (media.title or media.caption or "linked article",
                                                    "underline")])
            if media.url:
                parts.extend(["\n  ", (media.url, "$text-muted")])
        else:
            label = {"image": "▣ ", "video": "▶ "}.get(media.kind, "◆ ")
            parts.extend([(label, "$text-accent"),
                          (media.caption or media.title or media.kind, "italic")])
        parts.append("\n\n")
    if entry.url:
        parts.extend([("link ", "$text-muted"), (entry.url, "underline $text-primary")])
    return Content.assemble(*parts)


def _changes(entry: Entry, revisions: list[Revision]) -> list:
    if not revisions:
        return [("No earlier revision is stored.", "italic $text-muted")]
    previous = revisions[-1]
    old = [previous.title, *previous.body]
    new = [entry.title, *entry.body]
    parts: list = [(f"Changes from revision {previous.revision} to {entry.revision}", "bold"),
                   "\n\n"]
    for line in difflib.ndiff(old, new):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        style = {"- ": "strike $text-error", "+ ": "$text-success"}.get(tag, "$text-muted")
        parts.extend([(tag, style), (text, style), "\n"])
    return parts


class EntryDetail(VerticalScroll, can_focus=True):
    """The highlighted entry in full."""

    BINDINGS = [
        Binding("d", "toggle_changes", "Changes", id="show_changes"),
        Binding("escape", "leave", "Back", show=False, id="leave_detail"),
    ]

    DEFAULT_CSS = """
    EntryDetail {
        padding: 0 1;
        & > #detail-text { width: 1fr; }
    }
    """

    time_mode: reactive[str] = reactive("local")
    showing_changes: reactive[bool] = reactive(False)

    def __init__(self, zone: tzinfo | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.zone = zone
        self.entry: Entry | None = None
        self.source_name = ""
        self.revisions: list[Revision] | None = None

    def compose(self):
        yield Static(Content("Nothing selected."), id="detail-text")

    def show(self, entry: Entry | None, source_name: str = "") -> None:
        """Show entry (None: an empty pane), scrolled to its top."""
        self.entry = entry
        self.source_name = source_name
        self.revisions = None
        self.showing_changes = False
        self._update()
        self.scroll_home(animate=False)

    def show_changes(self, revisions: list[Revision]) -> None:
        self.revisions = revisions
        self.showing_changes = True
        self._update()

    def watch_time_mode(self) -> None:
        self._update()

    def _update(self) -> None:
        if not self.is_mounted:
            return
        text = self.query_one("#detail-text", Static)
        if self.entry is None:
            text.update(Content.styled("Nothing selected.", "italic $text-muted"))
            return
        revisions = self.revisions if self.showing_changes else None
        text.update(entry_content(self.entry, self.source_name, self.time_mode, self.zone,
                                  revisions))

    def on_mount(self) -> None:
        self._update()

    def action_toggle_changes(self) -> None:
        if self.showing_changes:
            self.showing_changes = False
            self._update()
        else:
            self.post_message(self.ChangesRequested())

    def action_leave(self) -> None:
        self.post_message(self.Left())

    class ChangesRequested(Message):
        """The user asked to see what changed between revisions."""

    class Left(Message):
        """The user left the detail pane (Escape)."""
