"""Plain-terminal output of entries (the `dump` table). Feed text goes in as rich `Text`,
never as markup."""

from __future__ import annotations

import sys
from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .models import Entry


def local_time(moment: datetime | None) -> str:
    """A published time in the machine's zone, compact, or "" when unknown."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _title_cell(entry: Entry) -> Text:
    text = Text()
    if entry.pinned:
        text.append("PINNED ", style="bold magenta")
    if entry.key_event:
        text.append("KEY ", style="bold yellow")
    text.append(entry.title or (entry.body[0] if entry.body else "(no title)"), style="bold")
    if entry.body and entry.title:
        first = entry.body[0]
        text.append("\n" + (first if len(first) <= 160 else first[:157] + "…"), style="dim")
    if entry.media:
        cards = [m.title for m in entry.media if m.kind == "card" and m.title]
        if cards:
            text.append("\n↳ " + cards[0], style="italic cyan")
    return text


def print_table(source: str, entries: list[Entry], total: int | None = None,
                console: Console | None = None) -> None:
    """A readable table of entries, newest first, under a heading naming the source."""
    console = console or Console(file=sys.stdout, highlight=False, soft_wrap=False)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
    table.add_column("When", no_wrap=True, style="cyan")
    table.add_column("Update", overflow="fold")
    for entry in entries:
        table.add_row(Text(local_time(entry.published) or entry.time_text), _title_cell(entry))
    shown = len(entries)
    heading = Text(source, style="bold underline")
    heading.append(f"  {shown} of {total} entries" if total and total != shown else f"  {shown} entries",
                   style="dim")
    console.print(heading)
    console.print(table)
    console.print()
