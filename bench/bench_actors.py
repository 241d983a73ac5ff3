"""Benchmark: actor extraction throughput, against a tokenizing floor.

Entries are the labelled fictional liveblogs of tests/fixtures/actors_liveblog.py, repeated
to 20,000 entries with distinct ids, and extracted the way the poller does it: one batch per
source (batches of 200 entries, a large live page), and once as a single 20,000-entry batch to
show that batch-level resolution stays linear. The floor is what any extractor pays at least:
one regex pass that splits every title and paragraph into words. Best of 3, every run with a
fresh index and empty caches (the text repeats, so warm caches would flatter the figure;
within a run, an index still reads each distinct title and paragraph once, as in a refresh).

Then, per batch as `feedtui refresh` extracts it (a fresh index each time):

* the items of bench/bench_refresh.py (a 500-item feed, parsed with feedtui.extract, not
  timed), which name no actor at all; as generated (their paragraphs repeat, as boilerplate
  does) and with every paragraph made distinct (no cache can help);
* realistic news text: the demo story (src/feedtui/demo_data/storm.json) and, with --corpus
  DIR, every liveblog under DIR that feedtui.extract reads;

each next to a floor of one re.finditer of capitalised words over the same titles and
paragraphs, with the ratio. --cpu times process CPU instead of wall time (shared machines).

    .venv/bin/python bench/bench_actors.py [--entries N] [--batch N] [--profile]
        [--corpus /work/shared/corpus/liveblogs] [--cpu]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import json
import pstats
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from feedtui import actors
from feedtui.actors import ActorIndex, actor_keys, actor_matches, extract_actors
from feedtui.models import Entry

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "actors_liveblog.py"
DEMO = ROOT / "src" / "feedtui" / "demo_data" / "storm.json"
NOW = datetime(2024, 3, 14, 18, 0, tzinfo=timezone.utc)
TIMER = time.perf_counter


def load_entries(count: int) -> list[Entry]:
    spec = importlib.util.spec_from_file_location("actors_liveblog", FIXTURE)
    fx = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fx)
    updates = [*fx.UPDATES, *fx.HELDOUT_UPDATES]
    return [Entry(id=f"e{i}", source="bench", title=updates[i % len(updates)]["title"],
                  body=tuple(updates[i % len(updates)]["body"])) for i in range(count)]


_WORD = re.compile(r"\w+")


def floor(entries: list[Entry]) -> int:
    n = 0
    for e in entries:
        n += len(_WORD.findall(e.title))
        for p in e.body:
            n += len(_WORD.findall(p))
    return n


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = TIMER()
        fn()
        best = min(best, TIMER() - start)
    return best


_CAPITALISED = re.compile(r"[A-Z]\w+")


def cap_floor(entries: list[Entry]) -> None:
    """One re.finditer of capitalised words over every title and paragraph."""
    for e in entries:
        for _ in _CAPITALISED.finditer(e.title):
            pass
        for p in e.body:
            for _ in _CAPITALISED.finditer(p):
                pass


def refresh_items(feed: int, items: int = 500, distinct: bool = False) -> list[Entry]:
    """The entries feedtui reads from one feed of bench/bench_refresh.py."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_refresh import make_feed

    from feedtui.extract import extract_bytes

    entries = extract_bytes(make_feed(feed, items), f"https://news{feed}.example.com/rss",
                            now=NOW).entries
    if distinct:
        entries = [e.with_(body=tuple(f"{p} {i}" for p in e.body)) for i, e in enumerate(entries)]
    return entries


def demo_entries() -> list[Entry]:
    story = json.loads(DEMO.read_text(encoding="utf-8"))
    return [Entry(id=f"d{i}", source="demo", title=u["headline"], body=tuple(u["body"]))
            for i, u in enumerate(story["updates"])]


def corpus_batches(root: Path) -> list[list[Entry]]:
    from feedtui.extract import ExtractError, extract_bytes

    batches = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        try:
            batches.append(extract_bytes(path.read_bytes(), f"https://example.com/{path.name}",
                                         now=NOW).entries)
        except ExtractError:
            continue
    return batches


def per_batch(label: str, batches: list[list[Entry]], cold) -> None:
    """Mean time per batch, best of 5, beside the capitalised-word floor."""
    t = best_of(lambda: [cold().extract(b) for b in batches], 5) / len(batches)
    f = best_of(lambda: [cap_floor(b) for b in batches], 5) / len(batches)
    n = sum(map(len, batches)) / len(batches)
    print(f"  {label:34s} {t * 1000:8.2f} ms/batch  {t / n * 1e6:7.1f} us/entry  "
          f"floor {f * 1000:6.2f} ms  {t / f:6.1f}x the floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--corpus", type=Path, help="a directory of liveblog pages to time too")
    parser.add_argument("--cpu", action="store_true", help="time process CPU, not wall time")
    args = parser.parse_args()
    global TIMER
    TIMER = time.process_time if args.cpu else time.perf_counter
    entries = load_entries(args.entries)
    batches = [entries[i:i + args.batch] for i in range(0, len(entries), args.batch)]

    def cold() -> ActorIndex:
        """A fresh index and empty normalizer caches: no run profits from an earlier one."""
        actors.fold.cache_clear()
        actors._key.cache_clear()
        return ActorIndex()

    def batched():
        index = cold()
        for b in batches:
            index.extract(b)

    def single():
        cold().extract(entries)

    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(batched)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return
    t_floor = best_of(lambda: floor(entries))
    t_batched = best_of(batched)
    t_single = best_of(single)
    done = [a for e in extract_actors(entries[:2000]) for a in e.actors]
    t_keys = best_of(lambda: [actor_keys(a) for a in done])
    t_match = best_of(lambda: [actor_matches("Ukraine", e.actors) for e in entries])
    n = len(entries)
    print(f"actor extraction, {n:,} entries ({len(batches)} batches of {args.batch}), best of 3")
    print(f"  floor (regex word split)  {n / t_floor:>12,.0f} entries/s")
    print(f"  extract_actors, batches   {n / t_batched:>12,.0f} entries/s   "
          f"{t_batched / t_floor:5.1f}x the floor")
    print(f"  extract_actors, one batch {n / t_single:>12,.0f} entries/s   "
          f"{t_single / t_floor:5.1f}x the floor")
    print(f"  actor_keys (cached)       {len(done) / t_keys:>12,.0f} actors/s")
    print(f"  actor_matches in memory   {n / t_match:>12,.0f} entries/s")
    print("per batch, as a refresh extracts it (fresh index and caches), best of 5")
    per_batch("refresh bench feed (500 items)", [refresh_items(f) for f in range(3)], cold)
    per_batch("  every paragraph distinct", [refresh_items(f, distinct=True) for f in range(3)], cold)
    per_batch(f"demo story ({len(demo_entries())} updates)", [demo_entries()], cold)
    if args.corpus:
        batches = corpus_batches(args.corpus)
        per_batch(f"corpus ({len(batches)} pages)", batches, cold)


if __name__ == "__main__":
    main()
