"""Query latency on a generated 200,000-entry store: a keyword, an actor, a combined query
and a negation, compiled to SQL as the TUI and `dump --filter` run them. For each: the
median of 20 runs of count() plus the first screen (100 entries), and the same query
matched in memory over all entries for comparison. Goal: under 50 ms median each.

The generated store is kept in bench/.cache/ so later runs skip the generation.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from feedtui.models import Entry
from feedtui.query import parse
from feedtui.query_sql import compile_query, select
from feedtui.store import Store

N = 200_000
CACHE = Path(__file__).resolve().parent / ".cache" / f"query-{N}.db"
NOW = datetime(2031, 6, 1, tzinfo=timezone.utc)
WORDS = ("storm harbour ferry bridge council minister flood rescue power rail school market "
         "coast vote budget strike talks border summit court ceasefire drone grain port").split()
ACTORS = (("Olaf Scholz (Germany)",), ("Defence Ministry (Ukraine)", "Ukraine"), ("Kremlin",),
          ("World Health Organization (WHO)",), ("Foreign Ministry (China)",), ("Red Cross (Sweden)",),
          ("Ukraine",), ("Health Ministry (Poland)",), (), ("Emmanuel Macron (France)", "Olaf Scholz (Germany)"))
QUERIES = {
    "keyword": "flood",
    "actor": "actor:Ukraine",
    "combined": "actor:Germany flood since:30d is:unread",
    "negation": "-actor:Ukraine storm",
}


def build(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(path)
    started = time.perf_counter()
    for s in range(4):
        url = f"https://bench{s}.example/live"
        store.add_source(url, name=f"Bench {s}")
        batch = []
        for i in range(N // 4):
            n = s * (N // 4) + i
            w = [WORDS[(n * k) % len(WORDS)] for k in (1, 3, 7, 11)]
            batch.append(Entry(id=f"q{n}", source=f"Bench {s}",
                               title=f"{w[0].title()} {w[1]} update {n}: {w[2]} and {w[3]}",
                               body=(f"Paragraph about the {w[1]} and the {w[3]}.",),
                               published=NOW - timedelta(seconds=41 * n),
                               actors=ACTORS[n % len(ACTORS)]))
            if len(batch) == 5000:
                store.ingest(url, batch)
                batch = []
        if batch:
            store.ingest(url, batch)
    store.mark_read([f"q{n}" for n in range(0, N, 3)])
    store.close()
    print(f"generated {N:,} entries in {time.perf_counter() - started:.1f} s -> {path}")


def median_ms(action, runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    if not CACHE.exists():
        build(CACHE)
    store = Store.open(CACHE)
    print(f"query latency over {store.count():,} entries, median of 20 runs, in ms")
    print("  page  = the first screen (100 newest matches), the latency a reader sees")
    print("  count = how many match (the list's length)")
    print(f"{'query':10} {'matches':>8} {'page':>7} {'count':>7} {'both':>7}  text")
    for name, text in QUERIES.items():
        tree = parse(text, NOW)
        where, params = compile_query(tree)
        walk = compile_query(tree, walk_order=True)
        matches = store.count(where_sql=where, params=params)
        page = median_ms(lambda: store.entries(limit=100, where_sql=walk[0], params=walk[1]))
        count = median_ms(lambda: store.count(where_sql=where, params=params))
        both = median_ms(lambda: select(store, tree))
        print(f"{name:10} {matches:>8,} {page:>7.1f} {count:>7.1f} {both:>7.1f}  {text}")
    store.close()


if __name__ == "__main__":
    main()
