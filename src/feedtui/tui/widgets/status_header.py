"""The header line: the app's name, the sources and their health (polling, next poll,
errors), the time mode and the order."""

from __future__ import annotations

from datetime import tzinfo

from textual.content import Content
from textual.widgets import Static

from ...store import Source
from ..timefmt import MODE_LABELS


class StatusHeader(Static):
    """One line of state; updated by the screen."""

    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def show(self, sources: list[Source], polling: bool, zone: tzinfo | None,
             time_mode: str, oldest_first: bool, unread: int, total: int) -> None:
        parts: list = [("feedtui", "bold $text-accent"), "  "]
        if len(sources) == 1:
            parts.append((sources[0].display_name, "bold"))
        else:
            parts.append((f"{len(sources)} sources", "bold"))
        failing = [s for s in sources if s.failures or s.last_error]
        if polling:
            parts.append(("  ⟳ polling", "$text-success"))
        upcoming = [s.next_poll for s in sources if s.next_poll is not None and not s.disabled]
        if upcoming:
            moment = min(upcoming).astimezone(zone)
            parts.append((f"  next poll {moment:%H:%M:%S}", "$text-muted"))
        parts.append((f"  {unread} unread / {total}", "$text-muted"))
        parts.append((f"  {MODE_LABELS.get(time_mode, time_mode)}", "$text-muted"))
        parts.append(("  oldest first" if oldest_first else "", "$text-muted"))
        if failing:
            word = "error" if len(failing) == 1 else "errors"
            parts.append((f"  ✗ {len(failing)} {word}: ", "bold $text-error"))
            parts.append((failing[0].last_error or failing[0].last_status, "$text-error"))
        self.update(Content.assemble(*parts))
