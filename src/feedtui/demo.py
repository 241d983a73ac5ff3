"""The bundled demo live source: a fictional storm liveblog served on 127.0.0.1.

The story is written by us (demo_data/storm.json). When the server starts, most updates
are already on the page; the rest arrive one every few seconds, and one update is edited
after a while, so the reader shows a live story with no internet.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files

#: Story minutes already on the page when the server starts.
INITIAL_MINUTES = 130
#: Seconds between two arriving updates.
ARRIVAL_SECONDS = 8.0


def load_story() -> dict:
    """The demo story as written in demo_data/storm.json."""
    return json.loads(files("feedtui").joinpath("demo_data/storm.json").read_text("utf-8"))


@dataclass
class DemoClock:
    """Decides what the page shows at a moment: the started time and the arrival pace."""

    started: datetime
    arrival_seconds: float = ARRIVAL_SECONDS

    def visible(self, story: dict, now: datetime) -> list[tuple[int, dict, datetime, bool]]:
        """(number, update, published, edited) for each update on the page at `now`."""
        elapsed = (now - self.started).total_seconds()
        story_start = self.started - timedelta(minutes=INITIAL_MINUTES)
        shown = []
        arrivals = 0
        for number, update in enumerate(story["updates"], start=1):
            if update["at"] <= INITIAL_MINUTES:
                published = story_start + timedelta(minutes=update["at"])
            else:
                arrivals += 1
                offset = arrivals * self.arrival_seconds
                if elapsed < offset:
                    continue
                published = self.started + timedelta(seconds=offset)
            edit = update.get("edit")
            edited = bool(edit) and elapsed >= edit["after"]
            shown.append((number, update, published.replace(microsecond=0), edited))
        return shown


def render_page(story: dict, clock: DemoClock, now: datetime) -> str:
    """The liveblog page as HTML, newest update first, pinned post on top."""
    posts = clock.visible(story, now)
    posts.sort(key=lambda post: (bool(post[1].get("pinned")), post[2]), reverse=True)
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{html.escape(story['title'])}</title></head><body>",
        "<header><nav><a href='/'>Demo News</a> <a href='/login'>Sign in</a></nav></header>",
        f"<main><h1>{html.escape(story['title'])}</h1>",
        f"<p class=standfirst>{html.escape(story['note'])} All times GMT.</p>",
        "<div class=live-posts>",
    ]
    for number, update, published, edited in posts:
        body = update["edit"]["body"] if edited else update["body"]
        classes = "live-post" + (" key-event" if update.get("key") else "") + (
            " pinned" if update.get("pinned") else "")
        stamp = published.strftime("%H:%M GMT %d.%m.%Y")
        parts.append(f"<article class='{classes}' id='post-{number}'>")
        parts.append(f"<time datetime='{published.isoformat()}'>{stamp}</time>")
        parts.append(f"<h2>{html.escape(update['headline'])}</h2>")
        for paragraph in body:
            parts.append(f"<p>{html.escape(paragraph)}</p>")
        if "image" in update:
            parts.append("<figure><img src='/static/photo.jpg' alt='Photo'>"
                         f"<figcaption>{html.escape(update['image']['caption'])}</figcaption></figure>")
        if "card" in update:
            card = update["card"]
            parts.append(f"<aside class=read-also><a href='{html.escape(card['url'])}'>"
                         f"<img src='/static/card.jpg' alt=''><h3>{html.escape(card['title'])}</h3></a></aside>")
        parts.append("<div class=share>Share this post</div></article>")
    parts.append("</div></main><footer>Cookie settings</footer></body></html>")
    return "\n".join(parts)


class _Handler(BaseHTTPRequestHandler):
    server_version = "feedtui-demo"
    story: dict
    clock: DemoClock

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?")[0] not in ("/", "/live", "/index.html"):
            self.send_error(404)
            return
        now = datetime.now(timezone.utc)
        body = render_page(self.story, self.clock, now).encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        visible = self.clock.visible(self.story, now)
        modified = max(p[2] for p in visible)
        if self.headers.get("If-None-Match") == etag or self._not_modified_since(modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", format_datetime(modified, usegmt=True))
        self.end_headers()
        self.wfile.write(body)

    def _not_modified_since(self, modified: datetime) -> bool:
        if "If-None-Match" in self.headers:
            return False
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def make_server(port: int = 0, clock: DemoClock | None = None) -> ThreadingHTTPServer:
    """A demo server bound to 127.0.0.1 (port 0 picks a free one); not yet serving."""
    handler = type("DemoHandler", (_Handler,), {
        "story": load_story(),
        "clock": clock or DemoClock(started=datetime.now(timezone.utc)),
    })
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def serve_in_background(port: int = 0, clock: DemoClock | None = None) -> tuple[ThreadingHTTPServer, str]:
    """Start the demo server in a daemon thread; returns it and its URL."""
    server = make_server(port, clock)
    threading.Thread(target=server.serve_forever, name="feedtui-demo", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
