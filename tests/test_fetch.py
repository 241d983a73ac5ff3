"""The plain fetcher against a real server on 127.0.0.1 and real files."""

import gzip

import pytest

from feedtui import fetch as fetch_module
from feedtui.fetch import FetchError, fetch, normalize_source


def test_http_ok_and_content_type(http_server):
    base, routes, _ = http_server
    routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss/>")
    got = fetch(base + "/feed")
    assert got.data == b"<rss/>" and got.content_type == "application/rss+xml"


def test_gzip_is_decoded(http_server):
    base, routes, _ = http_server
    routes["/gz"] = (200, {"Content-Encoding": "gzip"}, gzip.compress(b"hello"))
    assert fetch(base + "/gz").data == b"hello"


def test_http_error_is_one_line(http_server):
    base, routes, _ = http_server
    with pytest.raises(FetchError, match=r"/missing: HTTP 404"):
        fetch(base + "/missing")


def test_redirect_loop_stops(http_server):
    base, routes, _ = http_server
    routes["/a"] = (302, {"Location": "/b"}, b"")
    routes["/b"] = (302, {"Location": "/a"}, b"")
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(base + "/a")


def test_size_cap(http_server, monkeypatch):
    base, routes, _ = http_server
    monkeypatch.setattr(fetch_module, "MAX_BYTES", 1000)
    routes["/big"] = (200, {}, b"x" * 5000)
    with pytest.raises(FetchError, match="larger than"):
        fetch(base + "/big")


def test_refused_connection():
    with pytest.raises(FetchError, match="127.0.0.1:9"):
        fetch("http://127.0.0.1:9/")


def test_files_and_paths(tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes(b"<p>x</p>")
    assert fetch(str(page)).data == b"<p>x</p>"
    assert fetch(page.as_uri()).data == b"<p>x</p>"
    assert normalize_source(str(page)) == page.as_uri()
    with pytest.raises(FetchError, match="no such file"):
        fetch(str(tmp_path / "nope.html"))
    with pytest.raises(FetchError, match="is a directory"):
        fetch(str(tmp_path))
    with pytest.raises(FetchError, match="unsupported URL scheme 'ftp'"):
        fetch("ftp://example.com/feed")
