"""TUI speed at 200,000 entries: launch to the first painted entry, and a filter keystroke
to the repainted list, headless (App.run_test). Prints the figures and, when newsboat is
installed, says so (a side-by-side run needs its cache built from the same data).

The generated store is kept in $TMPDIR/feedtui-bench/ so later runs skip generating it (~12 s).
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import subprocess
import tempfile
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from feedtui.models import Entry
from feedtui.store import Store

N = 200_000
CACHE = Path(tempfile.gettempdir()) / "feedtui-bench" / f"tui-{N}.db"
WORDS = ("storm harbour ferry bridge council minister flood rescue power rail school market "
         "coast vote budget strike talks border summit court").split()
ACTORS = ("Coast Guard", "Mara Ostrander", "City Council", "Vell Grid", "Vell Rail",
          "Weather Office", "Education Board", "Skerry Hospital")


def build(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(path)
    t0 = datetime(2031, 1, 1, tzinfo=timezone.utc)
    started = time.perf_counter()
    for s in range(4):
        url = f"https://bench{s}.example/feed"
        store.add_source(url, name=f"Bench {s}")
        batch = []
        for i in range(N // 4):
            n = s * (N // 4) + i
            w = [WORDS[(n * k) % len(WORDS)] for k in (1, 3, 7, 11)]
            batch.append(Entry(id=f"b{n}", source=f"Bench {s}",
                               title=f"{w[0].title()} {w[1]} update {n}: {w[2]} and {w[3]}",
                               body=(f"Paragraph about the {w[1]} and the {w[3]}.",),
                               published=t0 + timedelta(seconds=37 * n),
                               actors=(ACTORS[n % len(ACTORS)],)))
            if len(batch) == 5000:
                store.ingest(url, batch)
                batch = []
        if batch:
            store.ingest(url, batch)
    store.close()
    print(f"generated {N:,} entries in {time.perf_counter() - started:.1f} s -> {path}")


async def measure(path: Path) -> tuple[float, list[float]]:
    from textual import events

    from feedtui.tui import FeedApp
    from feedtui.tui.widgets.entry_list import EntryList
    from feedtui.tui.widgets.filter_bar import FilterInput

    store = Store.open(path)
    started = time.perf_counter()
    app = FeedApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        entries = None
        while True:
            await asyncio.sleep(0.002)
            try:
                entries = app.screen.query_one(EntryList)
            except Exception:
                continue
            if entries.keys:
                break
        strip = entries.render_line(0)  # the first entry's line, painted
        first_paint = time.perf_counter() - started
        assert "update" in strip.text, strip.text
        keystrokes = []
        for word in ("ferry", "vote", "summit", "rescue"):
            app.screen.query_one(FilterInput).focus()
            await pilot.pause()
            for index, char in enumerate(word):
                before = entries.keys
                await asyncio.sleep(0.4)  # a pause between keystrokes: no debounce wait
                # The key as the terminal delivers it: an event posted to the focused
                # input (pilot.press adds its own ~100 ms of settling to every press).
                t = time.perf_counter()
                app.screen.query_one(FilterInput).post_message(events.Key(char, char))
                deadline = time.perf_counter() + 10
                while entries.keys is before and time.perf_counter() < deadline:
                    await asyncio.sleep(0.001)
                entries.render_line(0)  # the new first row, rendered to a strip
                keystrokes.append(time.perf_counter() - t)
                await pilot.pause()  # let the app settle before the next key (not timed)
            await pilot.press("escape")
            await pilot.pause(0.3)
    store.close()
    return first_paint, keystrokes


def newsboat_cache(store_path: Path, home: Path) -> None:
    """newsboat's own files in `home`: urls, config and a cache.db holding the same
    entries as the feedtui store (titles, links, bodies, times, feeds)."""
    import sqlite3

    home.mkdir(parents=True, exist_ok=True)
    store = Store.open(store_path)
    sources = store.sources()
    (home / "urls").write_text("".join(f"{s.url}\n" for s in sources))
    (home / "config").write_text("")
    # let newsboat create its schema, then fill it
    subprocess.run(["newsboat", "-u", str(home / "urls"), "-c", str(home / "cache.db"),
                    "-C", str(home / "config"), "-x", "print-unread"],
                   env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, capture_output=True, timeout=60)
    db = sqlite3.connect(home / "cache.db")
    db.execute("DELETE FROM rss_item")
    db.execute("DELETE FROM rss_feed")
    for source in sources:
        db.execute("INSERT INTO rss_feed (rssurl, url, title) VALUES (?, ?, ?)",
                   (source.url, source.url, source.display_name))
        rows = [(e.id, e.title, e.author, e.url, source.url, int(e.published.timestamp()),
                 "\n".join(e.body), 1) for e in store.entries(source=source.id)]
        db.executemany("INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, "
                       "content, unread) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    store.close()


def tmux_first_screen(command: str, ready) -> float:
    """Seconds from starting command in a 120x40 tmux window until ready(screen) holds."""
    session = "feedtui-bench"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    started = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command],
                   check=True)
    try:
        while time.perf_counter() - started < 120:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                    capture_output=True, text=True).stdout
            if ready(screen):
                return time.perf_counter() - started
            time.sleep(0.01)
        return float("nan")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def side_by_side(path: Path) -> None:
    """Both readers launched in tmux on the same 200k entries, to their first screen."""
    home = path.parent / "newsboat"
    if not (home / "cache.db").exists():
        newsboat_cache(path, home)
    feedtui = Path(sys.executable).with_name("feedtui")
    ours = [tmux_first_screen(f"env TERM=xterm-256color FEEDTUI_HOME={path.parent} {feedtui} --db {path}",
                              lambda screen: " update " in screen) for _ in range(3)]
    theirs = [tmux_first_screen(f"env HOME={home} TERM=xterm-256color newsboat -u {home}/urls "
                                f"-c {home}/cache.db -C {home}/config",
                                lambda screen: "Your feeds" in screen and "(" in screen) for _ in range(3)]
    mine, other = statistics.median(ours), statistics.median(theirs)
    print(f"in tmux, launch to first screen (median of 3): feedtui {mine * 1000:.0f} ms, "
          f"newsboat {other * 1000:.0f} ms (its feed list), ratio feedtui/newsboat {mine / other:.2f}")


def main() -> int:
    if not CACHE.exists():
        build(CACHE)
    first, keys = asyncio.run(measure(CACHE))
    print(f"feedtui  {N:,} entries: launch to first painted entry {first * 1000:.0f} ms "
          f"(goal 500 ms)")
    print(f"feedtui  filter keystroke to repaint: median {statistics.median(keys) * 1000:.0f} ms, "
          f"max {max(keys) * 1000:.0f} ms over {len(keys)} keystrokes (goal 50 ms)")
    if shutil.which("newsboat") and shutil.which("tmux"):
        side_by_side(CACHE)
    else:
        print("newsboat or tmux not installed: no side-by-side figure (apt-get install newsboat tmux)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
