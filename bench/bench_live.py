"""Benchmark: extracting a 10,000-update live page against the parse-and-select floor.

Two generated pages, both newest first, one update a minute, across several midnights:

* "ids+time": `<article class="update" id="u123"><time datetime=ISO>HH:MM</time><h2>...</h2>
  <p>...</p><figure>...</figure></article>`
* "stamps only": `<div class="entry"><p class="stamp">HH:MM</p><h2>...</h2><p>...</p>
  <figure>...</figure></div>` with day headings between days and no ids or time attributes.

The floor is what no extractor can beat: selectolax.lexbor parsing the page plus one CSS
select of the update blocks. Both are timed side by side in one run, best of 3.

    .venv/bin/python bench/bench_live.py [--updates N] [--profile] [--phases]

--phases prints where one extraction of each page spends its time (the phases of
extract_html run one by one on a fresh page, best of --runs; make_entry is the share of
the strategy's time spent building entries).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from datetime import datetime, timedelta, timezone

from selectolax.lexbor import LexborHTMLParser

from feedtui.extract import HTML_STRATEGIES, _page_title, base, extract_html, htmlguard, jsonld, merge, stamps
from feedtui.extract.base import Page

NOW = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)
URL = "https://example.org/live/big"


def _moments(count: int) -> list[datetime]:
    newest = NOW.replace(second=0) - timedelta(minutes=1)
    return [newest - timedelta(minutes=i) for i in range(count)]


def page_with_ids(count: int) -> str:
    parts = ["<!doctype html><html><head><title>Big live page</title></head><body>",
             "<main><h1>Big live page</h1><p>All times in GMT</p><div class=\"feed\">"]
    for i, moment in enumerate(_moments(count)):
        n = count - i
        parts.append(
            f'<article class="update" id="u{n}"><time datetime="{moment:%Y-%m-%dT%H:%M:%SZ}">'
            f"{moment:%H:%M}</time><h2>Update number {n}: officials give a briefing</h2>"
            f"<p>Body of update {n}, with <a href=\"/story/{n}\">a link</a> and a few more words "
            f"to make it look like a real paragraph of news text.</p>"
            f'<figure><img src="/img/{n}.jpg" alt="Picture {n}"><figcaption>Caption {n}</figcaption>'
            f"</figure></article>\n"
        )
    parts.append("</div></main></body></html>")
    return "".join(parts)


def page_stamps_only(count: int) -> str:
    parts = ["<!doctype html><html><head><title>Big live page</title></head><body>",
             "<main><h1>Big live page</h1><p>All times in GMT</p><div class=\"stream\">"]
    day = None
    for i, moment in enumerate(_moments(count)):
        n = count - i
        if moment.date() != day:
            day = moment.date()
            parts.append(f'<h2 class="day">{moment:%A} {moment.day} {moment:%B %Y}</h2>\n')
        parts.append(
            f'<div class="entry"><p class="stamp">{moment:%H:%M}</p>'
            f"<h3>Update number {n}: officials give a briefing</h3>"
            f"<p>Body of update {n}, with <a href=\"/story/{n}\">a link</a> and a few more words "
            f"to make it look like a real paragraph of news text.</p>"
            f'<figure><img src="/img/{n}.jpg" alt="Picture {n}"><figcaption>Caption {n}</figcaption>'
            f"</figure></div>\n"
        )
    parts.append("</div></main></body></html>")
    return "".join(parts)


def best_of(runs: int, func):
    best = float("inf")
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def check(entries, count: int) -> str:
    """A few correctness checks, so a fast wrong answer does not pass as a result."""
    problems = []
    if len(entries) != count:
        problems.append(f"{len(entries)} entries, expected {count}")
    expected = _moments(count)
    got = sorted((e.published for e in entries if e.published), reverse=True)
    if got[:1] != expected[:1] or got[-1:] != expected[-1:]:
        problems.append(f"times {got[:1]}..{got[-1:]} expected {expected[0]}..{expected[-1]}")
    if len({e.id for e in entries}) != len(entries):
        problems.append("duplicate ids")
    if entries and not (entries[0].title and entries[0].body and entries[0].media):
        problems.append("first entry lacks title, body or media")
    return "ok" if not problems else "; ".join(problems)


def phases(html: str, runs: int) -> list[tuple[str, float]]:
    """Seconds per phase of extract_html on html (best of runs each)."""
    def one(func):
        return best_of(runs, func)[0]

    out = [("tame", one(lambda: htmlguard.tame(html))),
           ("parse (tame + lexbor)", one(lambda: Page(URL, URL, html, NOW).tree))]
    page = Page(URL, URL, html, NOW)
    page.tree
    found = []
    for name, strategy in HTML_STRATEGIES + (("stamps", stamps.extract),):
        if name == "stamps" and found:
            continue  # extract_html runs the fallback only when nothing else found entries
        spent = [0.0]
        real = base.make_entry

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
        seconds = []
        for _ in range(runs):
            spent[0] = 0.0
            patched = [m for m in _modules() if getattr(m, "make_entry", None) is real]
            for module in patched:
                module.make_entry = timed
            try:
                start = time.perf_counter()
                entries = strategy(Page(URL, URL, html, NOW, _tree=page.tree))
                seconds.append((time.perf_counter() - start, spent[0]))
            finally:
                for module in patched:
                    module.make_entry = real
        total, building = min(seconds)
        out.append((f"{name} ({len(entries)} entries)", total))
        if entries:
            out.append(("  of which make_entry", building))
            found.append(entries)
    out.append(("title + coverage", one(lambda: (_page_title(page), jsonld.coverage_end(page)))))
    out.append(("merge", one(lambda: merge.merge_entries(found))))
    return out


def _modules():
    """The extraction modules (each holds its own reference to make_entry)."""
    return [m for name, m in list(sys.modules.items()) if name.startswith("feedtui.extract") and m is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one extraction of each page")
    parser.add_argument("--phases", action="store_true", help="time the phases of one extraction of each page")
    args = parser.parse_args()
    variants = (
        ("ids+time", page_with_ids(args.updates), "article.update"),
        ("stamps only", page_stamps_only(args.updates), "div.entry"),
    )
    print(f"{args.updates} updates per page, best of {args.runs}")
    print(f"{'page':<12} {'MB':>5} {'floor s':>8} {'extract s':>9} {'entries/s':>10} {'ratio':>6}  check")
    for name, html, selector in variants:
        floor, blocks = best_of(args.runs, lambda: len(LexborHTMLParser(html).css(selector)))
        assert blocks == args.updates, (name, blocks)
        spent, result = best_of(args.runs, lambda: extract_html(html, URL, now=NOW))
        entries = result.entries
        print(f"{name:<12} {len(html) / 1e6:>5.1f} {floor:>8.3f} {spent:>9.3f} "
              f"{len(entries) / spent:>10.0f} {spent / floor:>6.1f}  {check(entries, args.updates)}"
              f" [{result.strategy}]")
        # the generic fallback alone (extract_html runs it only when no structured strategy hits)
        spent, found = best_of(args.runs, lambda: stamps.extract(Page(URL, URL, html, NOW)))
        print(f"{'  stamps.py':<12} {'':>5} {floor:>8.3f} {spent:>9.3f} "
              f"{len(found) / spent:>10.0f} {spent / floor:>6.1f}  {check(found, args.updates)}")
        if args.phases:
            for phase, seconds in phases(html, args.runs):
                print(f"    {phase:<34} {seconds:8.3f} s {seconds / floor:6.1f} x floor")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            extract_html(html, URL, now=NOW)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
