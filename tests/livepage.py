"""A liveblog page on 127.0.0.1 that tests grow and edit, with ETag support."""

from __future__ import annotations

import hashlib
import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LivePage:
    """updates: list of (id, iso time, headline, body); newest first on the page."""

    def __init__(self) -> None:
        self.updates: list[tuple[str, str, str, str]] = []
        self.requests = 0
        self.not_modified = 0
        self.if_none_match: list[str | None] = []
        self.status = 200
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                page.requests += 1
                page.if_none_match.append(self.headers.get("If-None-Match"))
                if page.status != 200:
                    self.send_response(page.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = page.render().encode()
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                if self.headers.get("If-None-Match") == etag:
                    page.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/live"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def render(self) -> str:
        posts = "".join(
            f"<article class='post' id='{uid}'><time datetime='{when}'>{when[11:16]}</time>"
            f"<h2>{html.escape(title)}</h2><p>{html.escape(body)}</p></article>"
            for uid, when, title, body in sorted(self.updates, key=lambda u: u[1], reverse=True)
        )
        return f"<html><head><title>Live</title></head><body><div class='posts'>{posts}</div></body></html>"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
