"""The subscription commands: add, remove, sources, import-opml, export-opml."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .fetch import normalize_source, subscribable
from .opml import OpmlError, export_opml, parse_opml
from .render import local_time
from .sanitize import clean_line
from .store import Source, Store

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> None:
    print(f"feedtui: {clean_line(message, 500)}", file=sys.stderr)


def add(store: Store, source: str, name: str | None, interval: int | None) -> int:
    url, problem = subscribable(source)
    if url is None:
        _err(f"add: {source}: {problem}")
        return EXIT_USAGE
    added = store.add_source(url, name=clean_line(name, 200) if name else None, interval=interval)
    every = f", every {added.interval} s" if added.interval else ""
    print(f"Subscribed to {added.display_name} ({added.url}{every})")
    return EXIT_OK


def remove(store: Store, name_or_url: str) -> int:
    source = store.source(name_or_url) or store.source(normalize_source(name_or_url))
    if source is None or not store.remove_source(source.id):
        _err(f"remove: no subscription named or at {name_or_url!r} (see feedtui sources)")
        return EXIT_USAGE
    print(f"Removed {source.display_name} ({source.url})")
    return EXIT_OK


def _health(source: Source) -> str:
    if source.disabled:
        return f"stopped: {source.disabled}"
    if source.last_error:
        return f"{source.last_status}: {source.last_error}"
    return source.last_status or "not polled yet"


def source_json(source: Source, counts: tuple[int, int]) -> dict:
    def iso(moment):
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
    return {
        "id": source.id, "name": source.display_name, "url": source.url, "kind": source.kind or None,
        "interval": source.interval, "entries": counts[0], "unread": counts[1],
        "last_poll": iso(source.last_poll), "last_status": source.last_status or None,
        "next_poll": iso(source.next_poll), "failures": source.failures,
        "last_error": source.last_error or None, "disabled": source.disabled or None,
    }


def sources(store: Store, as_json: bool) -> int:
    counts = store.source_counts()
    subs = store.sources()
    if as_json:
        for source in subs:
            print(json.dumps(source_json(source, counts.get(source.id, (0, 0))), ensure_ascii=False))
        return EXIT_OK
    if not subs:
        print("No subscriptions yet: feedtui add URL")
        return EXIT_OK
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Name", "Kind", "Unread", "Last poll", "Next poll", "Health"):
        table.add_column(column, overflow="fold", no_wrap=column in ("Last poll", "Next poll"))
    for source in subs:
        total, unread = counts.get(source.id, (0, 0))
        style = "red" if source.failures or source.disabled else ""
        table.add_row(Text(source.display_name), Text(source.kind or "?"), Text(f"{unread}/{total}"),
                      Text(local_time(source.last_poll) or "never"),
                      Text(local_time(source.next_poll) or ("-" if source.disabled else "now")),
                      Text(_health(source), style=style))
    Console(highlight=False).print(table)
    return EXIT_OK


def import_opml(store: Store, path: str) -> int:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        _err(f"import-opml: {path}: {exc.strerror or exc}")
        return EXIT_USAGE
    try:
        outlines = parse_opml(data, path)
    except OpmlError as exc:
        _err(f"import-opml: {exc}")
        return EXIT_USAGE
    added = 0
    rejected = 0
    for outline in outlines:
        if outline.rejected:
            rejected += 1
            _err(f"import-opml: {path}: skipped {outline.url!r}: {outline.rejected}")
            continue
        store.add_source(outline.url, name=outline.title or None)
        added += 1
    print(f"Imported {added} subscription{'s' if added != 1 else ''} from {path}"
          + (f"; {rejected} rejected" if rejected else ""))
    return EXIT_PARTIAL if rejected else EXIT_OK


def export(store: Store, path: str | None) -> int:
    exported = [(s.url, s.display_name) for s in store.sources()
                if urlsplit(s.url).scheme in ("http", "https")]  # local files mean nothing elsewhere
    text = export_opml(exported, datetime.now(timezone.utc))
    if path is None or path == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        _err(f"export-opml: {path}: {exc.strerror or exc}")
        return EXIT_USAGE
    print(f"Exported {len(exported)} subscriptions to {path}")
    return EXIT_OK
