"""The commands that follow sources: `refresh` (poll once, for cron), `tail` (print new and
edited entries as they arrive until interrupted) and `dump` from the store."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .config import Config
from .models import Entry
from .poller import PollReport
from .query import Node, Subject, matches
from .query_sql import select
from .sanitize import clean_line
from .session import polling
from .store import Store

if TYPE_CHECKING:
    from rich.text import Text

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2
# rich and the renderer are imported where they are used: `refresh` (a cron job) prints
# plain lines and does not need them.


def _summary(report: PollReport) -> str:
    name = report.source.display_name
    if report.error:
        return f"{name}: {report.state}: {report.error}"
    if report.state == "deferred":
        from .render import local_time

        return f"{name}: waiting until {local_time(report.source.next_poll)} as the server asked"
    if report.state in ("not_modified", "unchanged"):
        return f"{name}: no change ({report.state.replace('_', ' ')})"
    return f"{name}: {len(report.new)} new, {len(report.edited)} edited, {report.unchanged} unchanged"


def refresh(store: Store, config: Config, as_json: bool) -> int:
    """Poll every active subscription once; a source the server asked to wait is not asked."""
    now = datetime.now(timezone.utc)

    async def run() -> list[PollReport]:
        async with polling(store, config) as poller:
            reports = []
            due = []
            for source in store.sources():
                if not source.active:
                    continue
                if source.last_status == "rate_limited" and source.next_poll and source.next_poll > now:
                    reports.append(PollReport(source, "deferred"))
                    continue
                due.append(source)
            polled = await asyncio.gather(*(poller.poll(s, automatic=False) for s in due))
            return reports + list(polled)

    reports = asyncio.run(run())
    if not reports:
        print("No subscriptions to refresh: feedtui add URL", file=sys.stderr)
        return EXIT_OK
    for report in reports:
        if as_json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            line = _summary(report)
            print(f"feedtui: {line}" if report.error else line, file=sys.stderr if report.error else sys.stdout)
    return EXIT_PARTIAL if any(r.error for r in reports) else EXIT_OK


def _entry_line(entry: Entry, source_name: str) -> Text:
    from rich.text import Text

    from .render import local_time

    text = Text()
    text.append(local_time(entry.published) or entry.time_text or "--", style="cyan")
    text.append("  ")
    text.append(source_name, style="dim")
    text.append("  ")
    if entry.edited:
        text.append(f"edited r{entry.revision} ", style="yellow")
    text.append(entry.title or (entry.body[0] if entry.body else ""), style="bold")
    return text


def tail(store: Store, config: Config, query: Node | None, as_json: bool) -> int:
    """Print each new or edited entry once as it arrives, until Ctrl-C or SIGTERM."""
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)

    def show(report: PollReport) -> None:
        if report.error:
            print(f"feedtui: {report.source.display_name}: {report.state}: {report.error}",
                  file=sys.stderr, flush=True)
        arrivals = sorted(report.new + report.edited, key=lambda e: e.published or datetime.min.replace(tzinfo=timezone.utc))
        for entry in arrivals:  # oldest first, as a log reads
            if not matches(query, Subject(entry, report.source.display_name, report.source.url)):
                continue
            if as_json:
                row = entry.to_json()
                row["source"] = report.source.display_name
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                console.print(_entry_line(entry, report.source.display_name))
        sys.stdout.flush()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with polling(store, config, on_report=show) as poller:
            await poller.run(stop)

    if not store.sources():
        print("feedtui: tail: no subscriptions to follow (feedtui add URL)", file=sys.stderr)
        return EXIT_USAGE
    asyncio.run(run())
    return EXIT_OK


def dump_store(store: Store, query: Node | None, as_json: bool, unread: bool, limit: int | None) -> int:
    """Print stored entries, newest first."""
    from .render import print_table

    total, entries = select(store, query, limit=limit if limit else -1, unread=unread)
    if as_json:
        for entry in entries:
            sys.stdout.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
        return EXIT_OK
    if not total:
        print("No stored entries match." if (query is not None or unread) and store.count()
              else "No stored entries yet: feedtui add URL, then feedtui refresh")
        return EXIT_OK
    print_table("stored entries", entries, total=total)
    return EXIT_OK


__all__ = ["refresh", "tail", "dump_store", "clean_line"]
