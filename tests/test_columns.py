"""extract/columns.py (RSS items read column by column) against syndication._item, the
per-item path it stands in for: parse_feed must give the same Extraction (entries with every
field, their order, title, ttl, skips) or the same error either way, over generated feeds
dense in what a fast path could misread (tests/feedgen.py) and over every file of the feed
corpus; and plain feeds must really take the columns (a silent fallback would pass the
equality tests while losing the speed).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedtui.extract import ExtractError, columns, extract_bytes
from feedtui.extract import syndication as S

sys.path.insert(0, str(Path(__file__).resolve().parent))
import feedgen

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "feeds"
URL = "https://news.example.com/feed.xml"
sys.path.insert(0, str(REPO / "bench"))


def _outcome(data: bytes, enabled: bool):
    saved = columns.ENABLED
    columns.ENABLED = enabled
    try:
        try:
            return S.parse_feed(data, URL, "src")
        except ExtractError as exc:
            return ("error", str(exc))
    finally:
        columns.ENABLED = saved


class _Counter:
    """Counts the items syndication._item reads and the items the columns read."""

    def __init__(self, monkeypatch):
        self.slow = 0
        self.fast = 0
        item, build = S._item, columns._build

        def counted_item(*args, **kwargs):
            self.slow += 1
            return item(*args, **kwargs)

        def counted_build(items, rows, feed, mod):
            self.fast += sum(row is not None for row in rows)
            return build(items, rows, feed, mod)

        monkeypatch.setattr(S, "_item", counted_item)
        monkeypatch.setattr(columns, "_build", counted_build)


def check_same(data: bytes) -> None:
    fast, slow = _outcome(data, True), _outcome(data, False)
    assert fast == slow, data[:3000]


def test_generated_feeds_read_alike_and_mostly_by_columns(monkeypatch):
    counter = _Counter(monkeypatch)
    for data in feedgen.feeds(seed=7, count=600) + feedgen.feeds(seed=8, count=60, max_items=80):
        check_same(data)
    # the generated feeds exercise both paths (else the comparison proves little)
    assert counter.fast > 3_000, (counter.fast, counter.slow)
    assert counter.slow > 300, (counter.fast, counter.slow)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_hypothesis_feeds_read_alike(rng):
    check_same(feedgen.feed(rng))


_HOSTILE_ITEMS = [
    "<title>a</title><title>b</title>", "<link>https://e.com/1</link><link>https://e.com/2</link>",
    "<link href='https://e.com/h'/>", "<link>  </link><link>https://e.com/second</link>",
    "<guid isPermaLink='true'>https://e.com/g</guid>", "<guid> </guid><guid>g2</guid>",
    "<guid isPermaLink=' FALSE '>https://e.com/g</guid>", "<description type='html'>&lt;p&gt;x&lt;/p&gt;</description>",
    "<description><p>naked</p></description>", "<description>a</description><description>longer one</description>",
    "<description>same A</description><content:encoded>same B</content:encoded>",
    "<itunes:summary>third C</itunes:summary><description>first A</description><content:encoded>  </content:encoded>",
    "<description>short</description><content:encoded>a fuller body</content:encoded><description>x</description>",
    "<description><![CDATA[<p>one</p><p>one</p><p>Read more</p>]]></description>",
    "<description><![CDATA[<figure><img src='/a.jpg'><figcaption>c</figcaption></figure><img src='/a.jpg' alt='x'>]]></description>",
    "<media:thumbnail url='/a.jpg'/><description><![CDATA[<img src='/a.jpg' alt='dup'>]]></description>",
    "<pubDate>Thu, 14 Mar 2024 18:00:00 GMT</pubDate><pubDate>Fri, 15 Mar 2024 18:00:00 GMT</pubDate>",
    "<pubDate>garbage</pubDate><dc:date>2024-03-14T10:00:00Z</dc:date>", "<updated>2024-03-14T10:00:00Z</updated>",
    "<author>a@b.c (Name)</author><dc:creator>Other</dc:creator>", "<author><name>N</name></author>",
    "<title>\u202etitle\x1b</title>", "<title>T</title><description>T</description>", "<title></title>",
    "<id>urn:1</id>", "<guid>\u200b</guid>", "<title>&amp;amp;lt;b&amp;amp;gt;</title>", "<title>a&lt;!--b</title>",
    "<link>javascript:alert(1)</link>", "<link>/rel?x=1</link>", "<link>https://e.com/a\u00a0b</link>",
    "<link>https://e.com/a\nb</link>", "<link>https://e.com/a\nhttps://e.com/b</link>",
    "<guid>https://e.com/a\n\nhttps://e.com/b</guid>", "<link>https://e.com/a\tb</link>", "<guid>https://e.com/g\nh</guid>",
    "<title>two\nlines</title>", "<title>a &amp;amp;\nb</title>", "<pubDate>Thu, 14 Mar\n2024 18:00:00 GMT</pubDate>",
    "<author>a\nb</author>", "<guid>id\n</guid><link>x\ny</link>", "<title> lead</title>", "<title>trail </title>",
    "<title>dou  ble</title>", "<title>caf\u0065\u0301</title>", "<guid>caf\u00e9 \u0301\u0301\u0301\u0301\u0301\u0301</guid>",
    "<title>" + "x" * 2100 + "</title>", "<guid>" + "g" * 600 + "</guid>", "<link>https://e.com/" + "p" * 4100 + "</link>",
    "<media:thumbnail url='https://e.com/a b.jpg'/>", "<media:thumbnail url='/t.jpg'><media:title>T\u202e</media:title></media:thumbnail>",
    "<enclosure url='https://e.com/a.mp3' type='audio/mpeg'/>", "<media:group><media:content url='/v.mp4'/></media:group>",
]


@pytest.mark.parametrize("kids", _HOSTILE_ITEMS)
def test_hostile_items_read_alike_among_plain_ones(kids):
    plain = "".join(f"<item><title>t{i}</title><link>https://e.com/{i}</link><guid>g{i}</guid>"
                    f"<description>&lt;p&gt;body {i}&lt;/p&gt;</description></item>" for i in range(5))
    for wrapper in ("<item>{}</item>", "<item rdf:about='https://e.com/about'>{}</item>"):
        doc = (f'<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
               f'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
               f'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
               f'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel>{plain}'
               f"{wrapper.format(kids)}{plain.replace('g', 'h')}</channel></rss>")
        check_same(doc.encode("utf-8"))


def test_plain_feed_takes_the_columns(monkeypatch):
    """The benchmark's kind of feed never reaches syndication._item."""
    import bench_rss

    def refuse(*args, **kwargs):
        raise AssertionError("syndication._item called for a plain item")

    data = bench_rss.make_feed(300)
    expected = _outcome(data, False)
    monkeypatch.setattr(S, "_item", refuse)
    assert S.parse_feed(data, URL, "src") == expected
    assert len(expected.entries) == 300
    # and through the public entry point
    assert extract_bytes(data, URL, "src").entries == expected.entries


def test_one_odd_item_alone_leaves_the_columns(monkeypatch):
    counter = _Counter(monkeypatch)
    items = "".join(f"<item><title>t{i}</title><guid>g{i}</guid></item>" for i in range(20))
    odd = "<item><title type='html'>&lt;b&gt;odd&lt;/b&gt;</title><guid>odd</guid></item>"
    check_same(f"<rss><channel>{items}{odd}{items.replace('g', 'h')}</channel></rss>".encode())
    assert counter.slow == 1 + 41  # the odd one, then every item again with the columns off
    assert counter.fast == 40


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"feed corpus not found at {CORPUS} (read in place)")
def test_corpus_files_read_alike():
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    assert len(files) > 1_000
    for path in files:
        data = path.read_bytes()
        fast, slow = _outcome(data, True), _outcome(data, False)
        assert fast == slow, path


def test_seeded_random_feeds_are_reproducible():
    assert feedgen.feeds(3, 5) == feedgen.feeds(3, 5)
    assert feedgen.feed(random.Random(1)) == feedgen.feed(random.Random(1))
