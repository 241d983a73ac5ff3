"""Entries cross the parse worker's pipe as tuples: what comes back equals the extraction
made in-process, field for field (media, times, actors included)."""

from __future__ import annotations

import pytest

from feedtui.actors import extract_actors
from feedtui.extract import extract_bytes
from feedtui.worker import ParseWorker, _pack, _unpack

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
<link>https://news.example/</link>
<item><guid>a1</guid><title>Zelensky Urges Allies To Send Air Defence</title>
<pubDate>Thu, 14 Mar 2024 18:00:00 GMT</pubDate><dc:creator>Jane Doe</dc:creator>
<description>&lt;p&gt;"We need more," Ukrainian President Volodymyr Zelensky said in Kyiv.&lt;/p&gt;
&lt;p&gt;&lt;img src="https://img.example/1.jpg" alt="Crowds in Krak\xc3\xb3w"&gt; Crowds gathered.&lt;/p&gt;</description></item>
<item><guid>a2</guid><title>World Health Organization (WHO) warns of heat</title>
<pubDate>Thu, 14 Mar 2024 17:00:00 GMT</pubDate>
<description>The WHO said on Thursday that temperatures will rise, according to the Met Office.</description></item>
</channel></rss>"""


@pytest.mark.timeout(60)
def test_worker_returns_the_in_process_extraction():
    expected = extract_bytes(FEED, "https://news.example/feed", "news", "application/rss+xml", None)
    expected.entries = extract_actors(expected.entries, {}, {})
    assert any(e.actors for e in expected.entries) and any(e.media for e in expected.entries)
    with ParseWorker(time_limit=30) as worker:
        got = worker.extract(FEED, "https://news.example/feed", "news", "application/rss+xml", None, ({}, {}))
    assert got.entries == expected.entries
    assert (got.kind, got.title, got.ttl_minutes) == (expected.kind, expected.title, expected.ttl_minutes)


def test_pack_and_unpack_round_trip():
    result = extract_bytes(FEED, "https://news.example/feed", "news", "application/rss+xml", None)
    entries = list(result.entries)
    again = _unpack(*_pack(result))
    assert again.entries == entries and [type(e) for e in again.entries] == [type(e) for e in entries]
