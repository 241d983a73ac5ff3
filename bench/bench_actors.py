"""Benchmark: actor extraction throughput, against a tokenizing floor.

Entries are the labelled fictional liveblogs of tests/fixtures/actors_liveblog.py, repeated
to 20,000 entries with distinct ids, and extracted the way the poller does it: one batch per
source (batches of 200 entries, a large live page), and once as a single 20,000-entry batch to
show that batch-level resolution stays linear. The floor is what any extractor pays at least:
one regex pass that splits every title and paragraph into words. Best of 3, every run with a
fresh index and empty caches (the text repeats, so warm caches would flatter the figure).

    .venv/bin/python bench/bench_actors.py [--entries N] [--batch N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import pstats
import re
import time
from pathlib import Path

from feedtui import actors
from feedtui.actors import ActorIndex, actor_keys, actor_matches, extract_actors
from feedtui.models import Entry

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "actors_liveblog.py"


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
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
