"""`feedtui dump SOURCE ...` through the real command, against files and a real server."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FEEDTUI = [str(Path(sys.executable).with_name("feedtui"))]

LIVE_PAGE = """<!doctype html><html><head><title>Flood live</title></head><body>
<h1>Flood live</h1>
<div class="posts">
<article class="post" id="p3"><time datetime="2022-03-14T09:40:00Z">09:40 GMT 14.03.2022</time>
<h2>Dam holds, engineers say</h2><p>The dam is holding.</p></article>
<article class="post" id="p2"><time datetime="2022-03-14T09:05:00Z">09:05 GMT 14.03.2022</time>
<h2>Evacuations \x1b]0;pwned\x07begin</h2><p>Buses are waiting.</p></article>
<article class="post" id="p1"><time datetime="2022-03-14T08:15:00Z">08:15 GMT 14.03.2022</time>
<h2>River rises overnight</h2><p>Levels rose by two metres.</p></article>
</div></body></html>"""

ARTICLE = """<!doctype html><html><head><title>An article</title>
<style>.liveblog-header{color:red}</style><script>window.liveblog = {enabled: false};</script>
</head><body><article><h1>Why rivers flood</h1><time datetime="2022-03-14T08:00:00Z">14 March 2022</time>
<p>Rivers flood when more water arrives than their beds can carry.</p><p>Read more</p></article></body></html>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><guid>w1</guid><title>First item</title><link>https://e.com/1</link>
<pubDate>Mon, 14 Mar 2022 08:00:00 GMT</pubDate><description>One.</description></item>
<item><guid>w2</guid><title>Second item</title><link>https://e.com/2</link>
<pubDate>Mon, 14 Mar 2022 09:00:00 GMT</pubDate><description>Two.</description></item>
</channel></rss>"""


def run(*args, timeout=60):
    env = dict(os.environ, TZ="UTC", COLUMNS="100")
    return subprocess.run([*FEEDTUI, *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture
def live_page(tmp_path):
    path = tmp_path / "live.html"
    path.write_text(LIVE_PAGE, encoding="utf-8")
    return path


def test_table_lists_updates_newest_first(live_page):
    result = run("dump", str(live_page))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("Dam holds") < out.index("Evacuations") < out.index("River rises")
    assert "2022-03-14 09:40" in out
    assert "\x1b" not in out and "pwned" not in out


def test_json_lines_carry_the_contract_fields(live_page):
    result = run("dump", str(live_page), "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["title"] for r in rows] == ["Dam holds, engineers say", "Evacuations begin", "River rises overnight"]
    for field in ("id", "source", "title", "body", "published", "time_text", "url", "author",
                  "actors", "read", "starred", "edited", "revision"):
        assert field in rows[0], field
    assert rows[0]["published"] == "2022-03-14T09:40:00Z"
    assert rows[0]["time_text"] == "09:40 GMT 14.03.2022"
    assert rows[0]["body"] == "The dam is holding."
    assert rows[0]["url"] == ""  # file:// pages have no http(s) link to offer
    assert rows[0]["read"] is False and rows[0]["actors"] == [] and rows[0]["revision"] == 1
    assert len({r["id"] for r in rows}) == 3


def test_limit(live_page):
    result = run("dump", "--limit", "1", "--json", str(live_page))
    assert len(result.stdout.splitlines()) == 1


def test_http_sources_and_one_failure_does_not_stop_the_others(http_server, live_page):
    base, routes, _ = http_server
    routes["/rss"] = (200, {"Content-Type": "application/rss+xml"}, RSS)
    result = run("dump", "--json", base + "/rss", base + "/gone", str(live_page))
    assert result.returncode == 1
    titles = [json.loads(line)["title"] for line in result.stdout.splitlines()]
    assert titles[:2] == ["Second item", "First item"] and "Dam holds, engineers say" in titles
    errors = result.stderr.strip().splitlines()
    assert errors == [f"feedtui: {base}/gone: HTTP 404 Not Found"]


def test_ordinary_article_is_a_clear_error(tmp_path):
    page = tmp_path / "article.html"
    page.write_text(ARTICLE)
    result = run("dump", str(page))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"feedtui: no live updates or feed items found in {page}"


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage", b"{not json", b"<rss><channel>"])
def test_bad_input_is_one_line_never_a_traceback(tmp_path, content):
    page = tmp_path / "bad.xml"
    page.write_bytes(content)
    result = run("dump", str(page))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(page) in lines[0]


def test_usage_errors_exit_2(tmp_path):
    empty = run("dump")  # no SOURCE: the store (an empty one under FEEDTUI_HOME)
    assert empty.returncode == 0 and empty.stdout.strip() == "No stored entries yet: feedtui add URL, then feedtui refresh"
    assert run("dump", "--unread", str(tmp_path / "x.html")).returncode == 2
    bad = run("dump", "--limit", "zero", "x")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert run("dump", str(tmp_path / "missing.html")).returncode == 2


def test_global_options_before_or_after_the_subcommand(live_page, tmp_path):
    db = str(tmp_path / "x.db")
    assert run("--db", db, "dump", str(live_page)).returncode == 0
    assert run("dump", str(live_page), "--db", db).returncode == 0
    assert run("--version").stdout.startswith("feedtui ")


def test_filter_narrows_and_bad_filter_is_a_usage_error(live_page):
    result = run("dump", str(live_page), "--json", "--filter", "dam OR river -evacuations")
    titles = [json.loads(line)["title"] for line in result.stdout.splitlines()]
    assert titles == ["Dam holds, engineers say", "River rises overnight"]
    bad = run("dump", str(live_page), "--filter", '"open')
    assert bad.returncode == 2
    assert bad.stderr.strip() == "feedtui: --filter: unterminated quote (at column 1)"
