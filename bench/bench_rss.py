"""How fast feedtui reads a big RSS feed, next to the fastest bare XML pass.

Generates a 10,000-item RSS 2.0 document in memory (guid, title, link, pubDate, a description
with some HTML, a few with a picture or an enclosure), then times, best of several repeats:

  floor   lxml.etree.fromstring + a walk over the items reading title, link, description text
  feedtui feedtui.extract.syndication.parse_feed (sanitized entries, dates, bodies, media;
          plain items are read by extract/columns.py, column by column)

and prints entries per second and the ratio feedtui/floor. The two alternate, repeat after
repeat, so that a busy machine slows both alike. --profile adds where feedtui's time goes, by
phase. Run: python bench/bench_rss.py [--profile]
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from lxml import etree

from feedtui.extract.syndication import parse_feed

WORDS = ("minister", "talks", "border", "ceasefire", "council", "vote", "markets", "storm",
         "officials", "report", "city", "agreement", "parliament", "strike", "aid", "summit")


def make_feed(items: int = 10_000) -> bytes:
    """A realistic RSS 2.0 feed of `items` items, newest first."""
    start = datetime(2024, 3, 14, 18, 0, tzinfo=timezone.utc)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n'
        "<title>World news - live</title>\n<link>https://news.example.com/</link>\n"
        "<description>Latest stories</description>\n<ttl>15</ttl>\n"
    ]
    for i in range(items):
        words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(9)]
        title = f"{words[0].title()} {words[1]} as {words[2]} {words[3]} &amp; {words[4]} ({i})"
        published = format_datetime(start - timedelta(minutes=3 * i), usegmt=True)
        description = (
            f"<p>{' '.join(words).capitalize()} said on {published[:16]}, "
            f"according to <a href=\"https://news.example.com/ref/{i}\">officials</a>.</p>"
            f"<p>The <b>{words[5]}</b> will meet again &ndash; {' '.join(reversed(words))}.</p>"
        )
        if i % 10 == 0:
            description += (f'<figure><img src="/img/{i}.jpg" alt="Photo {i}">'
                            f"<figcaption>{words[6].title()} in the {words[7]}</figcaption></figure>")
        parts.append(
            "<item>\n"
            f"  <title>{title}</title>\n"
            f"  <link>https://news.example.com/story/{i}</link>\n"
            f'  <guid isPermaLink="false">urn:example:story:{i}</guid>\n'
            f"  <pubDate>{published}</pubDate>\n"
            f"  <dc:creator>Reporter {i % 37}</dc:creator>\n"
            f"  <description>{escape(description)}</description>\n"
            + (f'  <media:thumbnail url="https://news.example.com/thumb/{i}.jpg" width="140"/>\n'
               if i % 4 == 0 else "")
            + "</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


def floor(data: bytes) -> int:
    """The fastest bare pass: parse, walk the items, read title, link and description text."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=True)
    root = etree.fromstring(data, parser)
    count = 0
    for item in root.iter("item"):
        for child in item:
            tag = child.tag
            if tag == "title" or tag == "link" or tag == "description":
                child.text  # noqa: B018 - reading the text is the work being timed
        count += 1
    return count


def feedtui(data: bytes) -> int:
    result = parse_feed(data, "https://news.example.com/feed.xml", "bench")
    return len(result.entries)


def best_of(functions, data: bytes, repeats: int) -> list[tuple[float, float, int]]:
    """(best wall time, best CPU time, result) of each function, run in turn repeats times."""
    wall = [float("inf")] * len(functions)
    cpu = [float("inf")] * len(functions)
    counts = [0] * len(functions)
    for _ in range(repeats):
        for index, function in enumerate(functions):
            started, started_cpu = time.perf_counter(), time.process_time()
            counts[index] = function(data)
            cpu[index] = min(cpu[index], time.process_time() - started_cpu)
            wall[index] = min(wall[index], time.perf_counter() - started)
    return list(zip(wall, cpu, counts))


#: The phases of parse_feed, by the functions that do them (module, name): the columns of
#: extract/columns.py for plain items, syndication._item for the others (none here).
PHASES = (
    ("parse XML", "feedtui.extract.syndication", "_parse_tree"),
    ("item raw values (per layout)", "feedtui.extract.columns", "_read"),
    ("item bodies (HTML to paragraphs)", "feedtui.extract.columns", "_bodies"),
    ("item titles (column)", "feedtui.extract.columns", "_titles"),
    ("item dates", "feedtui.extract.columns", "_date"),
    ("sanitize columns (titles, ids...)", "feedtui.extract.columns", "_clean_column"),
    ("sanitize paragraphs", "feedtui.extract.columns", "kept_paragraphs"),
    ("sanitize media", "feedtui.extract.columns", "_media"),
    ("build entries", "feedtui.extract.columns", "new_entry"),
    ("items read one by one", "feedtui.extract.syndication", "_item"),
    ("sort newest first", "feedtui.extract.syndication", "newest_first"),
)


def profile(data: bytes, total: float, repeats: int) -> None:
    """Where feedtui's CPU time goes: one run records every call of each phase's function,
    then each phase replays its calls alone (best of repeats); the item walk is what remains
    of the total. Replayed alone, a phase runs a little faster than among the others."""
    import importlib

    calls: dict[str, list] = {label: [] for label, _module, _name in PHASES}
    functions = {}
    originals = []

    def recorder(label, function):
        def record(*args, **kwargs):
            calls[label].append((args, kwargs))
            return function(*args, **kwargs)
        return record

    for label, module_name, name in PHASES:
        module = importlib.import_module(module_name)
        function = getattr(module, name)
        originals.append((module, name, function))
        functions[label] = function
        setattr(module, name, recorder(label, function))
    try:
        feedtui(data)
    finally:
        for module, name, function in originals:
            setattr(module, name, function)
    print(f"profile of feedtui's {total * 1000:.1f} ms of CPU time, by phase (each replayed alone):")
    spent = 0.0
    for label, _module, _name in PHASES:
        function, recorded = functions[label], calls[label]
        best = float("inf")
        for _ in range(repeats):
            started = time.process_time()
            for args, kwargs in recorded:
                function(*args, **kwargs)
            best = min(best, time.process_time() - started)
        spent += best
        print(f"  {label:34s} {best * 1000:8.1f} ms  {best / total * 100:5.1f}%  ({len(recorded):,} calls)")
    rest = total - spent
    print(f"  {'item walk and the rest':34s} {rest * 1000:8.1f} ms  {rest / total * 100:5.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also print time per phase")
    args = parser.parse_args()
    data = make_feed(args.items)
    print(f"feed: {args.items} items, {len(data) / 1e6:.1f} MB")
    (floor_time, floor_cpu, floor_count), (parse_time, parse_cpu, parse_count) = best_of(
        [floor, feedtui], data, args.repeats)
    assert floor_count == parse_count == args.items, (floor_count, parse_count)
    print(f"floor    {floor_time * 1000:8.1f} ms  {floor_count / floor_time:12,.0f} entries/s"
          f"  (CPU {floor_cpu * 1000:.1f} ms)")
    print(f"feedtui  {parse_time * 1000:8.1f} ms  {parse_count / parse_time:12,.0f} entries/s"
          f"  (CPU {parse_cpu * 1000:.1f} ms)")
    print(f"ratio feedtui/floor: {parse_time / floor_time:.2f}x  (CPU time: {parse_cpu / floor_cpu:.2f}x)")
    if args.profile:
        profile(data, parse_cpu, args.repeats)


if __name__ == "__main__":
    main()
