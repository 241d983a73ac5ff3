"""Store timings at 100k entries: ingest per poll, an unchanged poll, marks, the first
screen, a full load, an FTS count and the open-time quick_check.

Run: .venv/bin/python bench/bench_store.py [ENTRIES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from feedtui.models import Entry, Media
from feedtui.store import Store

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def poll(b: int, per: int = 100) -> list[Entry]:
    return [Entry(id=f"{b}-{k}", source="bench", title=f"Update {b} {k} Šefčovič",
                  body=("Some paragraph text here about things.",) * 3,
                  published=T0 + timedelta(seconds=b * 100 + k),
                  media=(Media("image", "a caption"),)) for k in range(per)]


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<34} {(time.perf_counter() - start) * 1000:9.1f} ms")
    return value


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    polls = max(1, total // 100)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "feedtui.db"
        store = Store.open(db)
        src = store.add_source("https://bench.example/")
        start = time.perf_counter()
        for b in range(polls):
            store.ingest(src, poll(b))
        per_poll = (time.perf_counter() - start) / polls * 1000
        print(f"{'ingest, per 100-entry poll':<34} {per_poll:9.1f} ms")
        timed("unchanged 100-entry poll", lambda: store.ingest(src, poll(polls - 1)))
        timed("mark 50 read", lambda: store.mark_read([f"5-{k}" for k in range(50)]))
        timed("first 200 entries", lambda: store.entries(limit=200))
        timed(f"all {polls * 100} entries", store.entries)
        timed("FTS prefix count, unread", lambda: store.count(match="sefc*", unread=True))
        store.close()
        timed("open (quick_check both files)", lambda: Store.open(db).close())
        print(f"{'file size':<34} {db.stat().st_size / 1e6:9.1f} MB")


if __name__ == "__main__":
    main()
