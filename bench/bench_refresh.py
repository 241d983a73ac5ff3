"""`feedtui refresh` next to `newsboat -x reload`, on the same loopback server.

A threaded HTTP/1.1 server on 127.0.0.1 serves N generated RSS 2.0 feeds of M items each
(guid, title, link, pubDate, dc:creator, a description with a little HTML), with an ETag and
a Last-Modified, answering a matching If-None-Match / If-Modified-Since with 304. It counts
requests, 200s and 304s per client (told apart by User-Agent).

For each size (20 x 100 and 100 x 500 by default) each tool runs as a real subprocess three
times, with its own files in a temporary directory:

  cold       the first poll: every feed fetched, parsed and stored
  unchanged  the same command again: every feed should be answered 304
  third      once more (newsboat 2.21 only sends its validators from here on)

feedtui: `feedtui --db TMP/feedtui.db --config TMP/config.toml refresh` after
`feedtui import-opml` (not timed). newsboat: `newsboat -u urls -c cache.db -C config -x reload`
(HOME and XDG dirs pointed into the temp dir). When newsboat is not installed (Debian
package `newsboat`), feedtui runs alone and the table says so.

Measured per run: wall time (perf_counter around the subprocess), CPU time of the process
tree (user + system from wait4, waited-for children included), peak RSS as the kernel
reports it for the process tree (ru_maxrss from wait4: the largest single process), and the
sum of each process's VmHWM in the tree (sampled from /proc every 10 ms; child processes
such as feedtui's parse workers count). Prints a table, then the ratio feedtui/newsboat per
run, and checks the goal at the largest size: feedtui at most half of newsboat's wall time,
cold and unchanged, every unchanged poll answered 304.

Run: python bench/bench_refresh.py [--sizes 20x100,100x500] [--repeat 1] [--only feedtui]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

WORDS = ("minister", "talks", "border", "ceasefire", "council", "vote", "markets", "storm",
         "officials", "report", "city", "agreement", "parliament", "strike", "aid", "summit",
         "harbour", "election", "court", "rescue", "budget", "protest", "drought", "league")
LAST_MODIFIED = "Thu, 14 Mar 2024 18:00:00 GMT"
#: The runs per tool, in order, on the same files. newsboat 2.21 stores a feed's validators
#: only from its second reload on (the first UPDATE runs before the feed's row exists), so its
#: "unchanged" run still gets 200s and only "third" shows its 304 path.
RUNS = ("cold", "unchanged", "third")


# ---------------------------------------------------------------------------------------------
# The feeds


def make_feed(feed: int, items: int) -> bytes:
    """A realistic RSS 2.0 feed of `items` items, newest first, distinct per feed."""
    start = datetime(2024, 3, 14, 18, 0, tzinfo=timezone.utc)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>Bench news {feed}</title>\n<link>https://news{feed}.example.com/</link>\n"
        f"<description>Latest stories from desk {feed}</description>\n"
        "<language>en</language>\n"
    ]
    n = len(WORDS)
    for i in range(items):
        words = [WORDS[(i * 7 + feed * 3 + k) % n] for k in range(9)]
        title = f"{words[0].title()} {words[1]} as {words[2]} {words[3]} & {words[4]} ({feed}-{i})"
        published = format_datetime(start - timedelta(minutes=7 * i + feed), usegmt=True)
        link = f"https://news{feed}.example.com/story/{i}"
        description = (
            f"<p>{' '.join(words).capitalize()} said on {published[:16]}, "
            f'according to <a href="https://news{feed}.example.com/ref/{i}">officials</a>.</p>'
            f"<p>The <b>{words[5]}</b> will meet again &ndash; {' '.join(reversed(words))}.</p>"
        )
        if i % 10 == 0:
            description += (f'<p><img src="https://news{feed}.example.com/img/{i}.jpg" '
                            f'alt="Photo {i}"> {words[6].title()} in the {words[7]}.</p>')
        parts.append(
            "<item>\n"
            f"  <title>{escape(title)}</title>\n"
            f"  <link>{escape(link)}</link>\n"
            f"  <guid isPermaLink=\"false\">urn:bench:{feed}:story:{i}</guid>\n"
            f"  <pubDate>{published}</pubDate>\n"
            f"  <dc:creator>Reporter {i % 37}</dc:creator>\n"
            f"  <description>{escape(description)}</description>\n"
            "</item>\n")
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The server


@dataclass
class Counts:
    requests: int = 0
    ok: int = 0
    not_modified: int = 0
    other: int = 0
    bytes: int = 0


class FeedServer:
    """Serves /feed/<i>.xml for i in range(feeds); counts per client (User-Agent)."""

    def __init__(self, feeds: int, items: int) -> None:
        self.bodies = [make_feed(i, items) for i in range(feeds)]
        self.etags = [f'"{hashlib.sha1(b).hexdigest()[:20]}"' for b in self.bodies]
        self.counts: dict[str, Counts] = defaultdict(Counts)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                agent = self.headers.get("User-Agent", "")
                client = ("feedtui" if agent.lower().startswith("feedtui")
                          else "newsboat" if "newsboat" in agent.lower() else "other")
                status, body, headers = server.answer(self.path, self.headers)
                with server._lock:
                    c = server.counts[client]
                    c.requests += 1
                    if status == 200:
                        c.ok += 1
                    elif status == 304:
                        c.not_modified += 1
                    else:
                        c.other += 1
                    c.bytes += len(body)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, path: str, headers) -> tuple[int, bytes, list[tuple[str, str]]]:
        name = path.split("?", 1)[0]
        if not (name.startswith("/feed/") and name.endswith(".xml")):
            return 404, b"not found", [("Content-Type", "text/plain")]
        try:
            i = int(name[len("/feed/"):-len(".xml")])
            body, etag = self.bodies[i], self.etags[i]
        except (ValueError, IndexError):
            return 404, b"not found", [("Content-Type", "text/plain")]
        validators = [("ETag", etag), ("Last-Modified", LAST_MODIFIED),
                      ("Cache-Control", "max-age=0")]
        inm = headers.get("If-None-Match")
        ims = headers.get("If-Modified-Since")
        if inm is not None:
            if etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
                return 304, b"", validators
        elif ims is not None and ims.strip() == LAST_MODIFIED:
            return 304, b"", validators
        return 200, body, [("Content-Type", "application/rss+xml; charset=utf-8"), *validators]

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}/feed/{i}.xml" for i in range(len(self.bodies))]

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------------------------------------
# Running a command and measuring it


def _hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(p) for p in handle.read().split())
    except (OSError, ValueError):
        pass
    return found


@dataclass
class Run:
    wall: float
    maxrss_kb: int          # ru_maxrss from wait4: the largest process of the tree
    tree_hwm_kb: int        # sum of the sampled VmHWM of every process seen in the tree
    processes: int
    returncode: int
    cpu: float = 0.0        # user + system seconds of the tree (waited-for children included)
    stderr: str = ""
    counts: Counts = field(default_factory=Counts)


def measure(argv: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run argv to completion; wall time, peak memory of its process tree."""
    peaks: dict[int, int] = {}
    done = threading.Event()
    err_path = cwd / "stderr.txt"

    with open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)

        def sample() -> None:
            while not done.is_set():
                todo = [proc.pid]
                while todo:
                    pid = todo.pop()
                    hwm = _hwm_kb(pid)
                    if hwm:  # None once gone, 0 for a zombie: keep the last value seen
                        peaks[pid] = max(peaks.get(pid, 0), hwm)
                    todo.extend(_children(pid))
                done.wait(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_maxrss, sum(peaks.values()), len(peaks), proc.returncode,
               cpu=usage.ru_utime + usage.ru_stime, stderr=err_path.read_text(errors="replace")[-2000:])


# ---------------------------------------------------------------------------------------------
# The two tools


def feedtui_command() -> list[str]:
    exe = Path(sys.executable).with_name("feedtui")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "feedtui"]


def run_feedtui(server: FeedServer, work: Path) -> list[tuple[str, Run]]:
    work.mkdir()
    opml = work / "subs.opml"
    outlines = "\n".join(f"    <outline type=\"rss\" text=\"Bench {i}\" xmlUrl={quoteattr(u)}/>"
                         for i, u in enumerate(server.urls()))
    opml.write_text(f'<?xml version="1.0"?>\n<opml version="2.0"><head><title>bench</title></head>'
                    f"<body>\n{outlines}\n</body></opml>\n", encoding="utf-8")
    env = dict(os.environ, FEEDTUI_HOME=str(work), HOME=str(work), XDG_CONFIG_HOME=str(work / "xdg"),
               XDG_DATA_HOME=str(work / "xdg"), NO_COLOR="1")
    # Measure feedtui as installed: pip compiles bytecode at install, and Python caches it for
    # an editable checkout. A PYTHONDONTWRITEBYTECODE inherited from the shell (some sandboxes
    # set it) would make every run compile feedtui from source again, which no user pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    base = feedtui_command() + ["--db", str(work / "feedtui.db"), "--config", str(work / "config.toml")]
    subprocess.run(base + ["import-opml", str(opml)], env=env, check=True, stdout=subprocess.DEVNULL)
    return _cold_and_unchanged(server, "feedtui", base + ["refresh"], env, work)


def run_newsboat(server: FeedServer, work: Path, newsboat: str) -> list[tuple[str, Run]]:
    work.mkdir()
    (work / "urls").write_text("".join(u + "\n" for u in server.urls()), encoding="utf-8")
    # defaults, except nothing that would make newsboat slower than it is out of the box
    (work / "config").write_text("max-items 0\n", encoding="utf-8")
    env = dict(os.environ, HOME=str(work), XDG_CONFIG_HOME=str(work / "xdg"),
               XDG_DATA_HOME=str(work / "xdg"), LANG=os.environ.get("LANG") or "C.UTF-8")
    argv = [newsboat, "-u", str(work / "urls"), "-c", str(work / "cache.db"), "-C", str(work / "config"),
            "-x", "reload"]
    return _cold_and_unchanged(server, "newsboat", argv, env, work)


def _cold_and_unchanged(server: FeedServer, client: str, argv: list[str], env: dict[str, str],
                        work: Path) -> list[tuple[str, Run]]:
    runs = []
    for label in RUNS:
        server.reset()
        run = measure(argv, env, work)
        run.counts = server.counts.get(client, Counts())
        if run.returncode != 0:
            print(f"  ! {client} {label} exited {run.returncode}: {run.stderr.strip()[-500:]}", file=sys.stderr)
        runs.append((label, run))
    return runs


# ---------------------------------------------------------------------------------------------
# The report


def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def _best(runs: list[list[tuple[str, Run]]]) -> list[tuple[str, Run]]:
    """Per label, the fastest of the repeats."""
    out = []
    for i, (label, _run) in enumerate(runs[0]):
        out.append((label, min((r[i][1] for r in runs), key=lambda r: r.wall)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20x100,100x500", help="FEEDSxITEMS, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool and size (best is shown)")
    parser.add_argument("--only", choices=("feedtui", "newsboat"), help="run one tool only")
    args = parser.parse_args()
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in args.sizes.split(",") if s]

    newsboat = shutil.which("newsboat")
    tools = [t for t in ("feedtui", "newsboat") if args.only in (None, t)]
    if "newsboat" in tools and newsboat is None:
        print("newsboat is missing (Debian package `newsboat`): feedtui runs alone", file=sys.stderr)
        tools.remove("newsboat")

    header = (f"{'size':>8} {'run':<10} {'tool':<9} {'wall':>8} {'cpu':>7} {'peak RSS':>9} {'tree HWM':>9} "
              f"{'procs':>5} {'reqs':>5} {'200':>5} {'304':>5} {'MB in':>7} {'rc':>3}")
    results: dict[tuple[str, str, str], Run] = {}
    goal_ok = True
    lines = []
    for feeds, items in sizes:
        size = f"{feeds}x{items}"
        with FeedServer(feeds, items) as server, tempfile.TemporaryDirectory(prefix="feedtui-bench-") as tmp:
            mb = sum(len(b) for b in server.bodies) / 1e6
            print(f"== {size}: {feeds} feeds x {items} items, {mb:.1f} MB of RSS on 127.0.0.1:{server.port}",
                  flush=True)
            for tool in tools:
                repeats = []
                for r in range(args.repeat):
                    work = Path(tmp) / f"{tool}-{r}"
                    if tool == "feedtui":
                        repeats.append(run_feedtui(server, work))
                    else:
                        repeats.append(run_newsboat(server, work, newsboat))
                for label, run in _best(repeats):
                    results[(size, label, tool)] = run
                    c = run.counts
                    lines.append(f"{size:>8} {label:<10} {tool:<9} {run.wall:>7.2f}s {run.cpu:>6.2f}s {_mb(run.maxrss_kb):>9} "
                                 f"{_mb(run.tree_hwm_kb):>9} {run.processes:>5} {c.requests:>5} {c.ok:>5} "
                                 f"{c.not_modified:>5} {c.bytes / 1e6:>7.1f} {run.returncode:>3}")
                    print(lines[-1], flush=True)
    print()
    print(header)
    print("\n".join(lines))
    if "newsboat" not in tools:
        print("\n(newsboat not run" + (": not installed)" if newsboat is None else ")"))
    print()
    biggest = f"{sizes[-1][0]}x{sizes[-1][1]}" if sizes else ""
    for feeds, items in sizes:
        size = f"{feeds}x{items}"
        for label in RUNS:
            ours = results.get((size, label, "feedtui"))
            theirs = results.get((size, label, "newsboat"))
            if ours is None:
                continue
            parts = [f"{size:>8} {label:<10}"]
            if theirs is not None:
                ratio = ours.wall / theirs.wall
                parts.append(f"feedtui/newsboat wall {ratio:5.2f}  "
                             f"peak RSS {ours.maxrss_kb / max(1, theirs.maxrss_kb):4.1f}x  "
                             f"tree {ours.tree_hwm_kb / max(1, theirs.tree_hwm_kb):4.1f}x")
                if size == biggest and label != "third" and ratio > 0.5:
                    goal_ok = False
            if label != "cold":
                all_304 = ours.counts.not_modified == feeds and ours.counts.requests == feeds
                parts.append(f"  every poll 304: {'yes' if all_304 else 'NO'}")
                if size == biggest and label == "unchanged" and not all_304:
                    goal_ok = False
            if ours.returncode != 0 and size == biggest:
                goal_ok = False
            print("".join(parts))
    if biggest and "newsboat" in tools:
        print(f"\ngoal at {biggest} (feedtui <= 0.5 x newsboat wall, cold and unchanged; "
              f"unchanged all 304): {'met' if goal_ok else 'NOT met'}")


if __name__ == "__main__":
    main()
