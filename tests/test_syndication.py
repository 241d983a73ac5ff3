"""RSS, RDF, Atom and JSON Feed parsing: formats, links, bodies, polite-polling hints, and
hostile input (escape sequences, script links, external entities, entity bombs, garbage)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from feedtui.extract import ExtractError, extract_bytes
from feedtui.extract.syndication import parse_feed, parse_json_feed

URL = "https://news.example.com/feed.xml"


def feed(xml: str | bytes):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    result = parse_feed(data, URL, "test")
    assert result is not None
    assert result.kind == "feed"
    return result


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# ---------------------------------------------------------------------------------------------
# Formats

RSS20 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>World &amp; more</title>
  <link>https://news.example.com/</link>
  <atom:link href="https://news.example.com/feed.xml" rel="self" type="application/rss+xml"/>
  <ttl>15</ttl>
  <skipHours><hour>0</hour><hour>1</hour><hour>24</hour><hour>99</hour></skipHours>
  <skipDays><day>Saturday</day><day>sunday</day><day>Someday</day></skipDays>
  <item>
    <title>Older story</title>
    <link>https://news.example.com/older</link>
    <guid isPermaLink="false">urn:story:1</guid>
    <pubDate>Thu, 14 Mar 2024 08:15:00 GMT</pubDate>
    <author>jane@example.com (Jane Doe)</author>
    <description>Short summary.</description>
    <content:encoded><![CDATA[<p>The <b>full</b> first paragraph.</p>
      <figure><img src="/img/a.jpg" alt="alt text"><figcaption>Crowds in the square</figcaption></figure>
      <p>Second paragraph &amp; more.</p>]]></content:encoded>
    <media:content url="https://cdn.example.com/big.jpg" medium="image">
      <media:description>A media caption</media:description>
    </media:content>
    <enclosure url="https://cdn.example.com/clip.mp4" type="video/mp4" length="100"/>
  </item>
  <item>
    <title>Newer story</title>
    <link>https://news.example.com/newer</link>
    <guid>https://news.example.com/newer#guid</guid>
    <pubDate>Thu, 14 Mar 2024 10:00:00 +0100</pubDate>
    <dc:creator>Desk</dc:creator>
    <description>&lt;p&gt;Escaped &lt;i&gt;HTML&lt;/i&gt; body&lt;/p&gt;</description>
  </item>
</channel>
</rss>"""


def test_rss20_channel_items_and_order():
    result = feed(RSS20)
    assert result.title == "World & more"
    assert result.ttl_minutes == 15
    assert result.skip_hours == frozenset({0, 1})
    assert result.skip_days == frozenset({"Saturday", "Sunday"})
    newer, older = result.entries  # newest first
    assert newer.title == "Newer story"
    assert newer.published == utc(2024, 3, 14, 9, 0)
    assert newer.id == "https://news.example.com/newer#guid"
    assert newer.body == ("Escaped HTML body",)
    assert newer.author == "Desk"
    assert older.id == "urn:story:1"
    assert older.url == "https://news.example.com/older"
    assert older.time_text == "Thu, 14 Mar 2024 08:15:00 GMT"
    assert older.author == "Jane Doe"


def test_rss20_prefers_fuller_body_and_keeps_captions_as_media():
    older = feed(RSS20).entries[1]
    assert older.body == ("The full first paragraph.", "Second paragraph & more.")
    captions = {m.caption for m in older.media}
    urls = {m.url for m in older.media}
    assert "Crowds in the square" in captions
    assert "A media caption" in captions
    assert "https://news.example.com/img/a.jpg" in urls  # resolved against the feed URL
    assert "https://cdn.example.com/clip.mp4" in urls
    assert not any("Crowds" in p for p in older.body)


def test_rss091_and_092():
    rss091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
    <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
      "http://my.netscape.com/publish/formats/rss-0.91.dtd">
    <rss version="0.91"><channel><title>Caf\xe9 news</title>
      <item><title>Caf\xe9 &eacute;t&eacute; &amp; co</title><link>http://example.com/1</link>
      <description>One&nbsp;two</description></item>
    </channel></rss>""".encode("latin-1")
    result = feed(rss091)
    assert result.title == "Café news"
    (entry,) = result.entries
    assert entry.title == "Café été & co"
    assert entry.id == "http://example.com/1"  # the link stands in for a missing guid
    assert entry.body == ("One two",)  # &nbsp; decoded (and, as all spacing, collapsed)

    rss092 = """<rss version="0.92"><channel><title>T</title>
      <item><description>Only a description</description>
        <enclosure url="http://example.com/a.mp3" length="1" type="audio/mpeg"/></item>
    </channel></rss>"""
    (entry,) = feed(rss092).entries
    assert entry.body == ("Only a description",)
    assert entry.media[0].url == "http://example.com/a.mp3"
    assert entry.id.startswith("h:")


def test_rdf_rss10():
    rdf = """<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
             xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="http://example.org/"><title>RDF feed</title>
        <items><rdf:Seq><rdf:li resource="http://example.org/a"/></rdf:Seq></items></channel>
      <item rdf:about="http://example.org/a">
        <title>RDF item</title><link>http://example.org/a.html</link>
        <dc:date>2024-03-14T10:00:00+02:00</dc:date><dc:creator>Ann</dc:creator>
        <description>Text</description>
      </item>
    </rdf:RDF>"""
    result = feed(rdf)
    assert result.title == "RDF feed"
    (entry,) = result.entries
    assert entry.id == "http://example.org/a"
    assert entry.url == "http://example.org/a.html"
    assert entry.published == utc(2024, 3, 14, 8, 0)
    assert entry.author == "Ann"


def test_atom10_and_xml_base():
    atom = """<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/">
      <title type="html">Blog &lt;b&gt;title&lt;/b&gt;</title>
      <author><name>Feed Author</name></author>
      <entry xml:base="posts/">
        <title>Entry one</title>
        <id>tag:example.org,2024:1</id>
        <link rel="alternate" type="text/html" href="one.html"/>
        <link rel="edit" href="https://blog.example.org/edit/1"/>
        <published>2024-03-14T10:00:00Z</published>
        <updated>2024-03-14T11:30:00Z</updated>
        <summary>Short</summary>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>XHTML body
          <img src="pic.png" alt="A pic"/></p><p>Second</p></div></content>
      </entry>
      <entry>
        <title type="text">Entry &lt;two&gt;</title>
        <id>tag:example.org,2024:2</id>
        <link href="/two"/>
        <updated>2024-03-13T09:00:00+01:00</updated>
        <content type="html">&lt;p&gt;HTML &amp;amp; escaped&lt;/p&gt;</content>
      </entry>
    </feed>"""
    result = feed(atom)
    assert result.title == "Blog title"
    one, two = result.entries
    assert one.url == "https://blog.example.org/posts/one.html"
    assert one.published == utc(2024, 3, 14, 10, 0)
    assert one.updated == utc(2024, 3, 14, 11, 30)
    assert one.body == ("XHTML body", "Second")
    assert one.media[0].url == "https://blog.example.org/posts/pic.png"
    assert one.author == "Feed Author"
    assert two.url == "https://blog.example.org/two"
    assert two.published == utc(2024, 3, 13, 8, 0)  # updated stands in for published
    assert two.body == ("HTML & escaped",)
    assert two.title == "Entry <two>"  # type="text": the angle brackets are text


def test_atom03():
    atom03 = """<feed version="0.3" xmlns="http://purl.org/atom/ns#">
      <title>Old Atom</title>
      <entry>
        <title>Entry</title>
        <link rel="alternate" type="text/html" href="http://example.org/e"/>
        <id>urn:e</id>
        <issued>2004-01-01T12:00:00-05:00</issued>
        <modified>2004-01-02T00:00:00Z</modified>
        <content type="text/html" mode="escaped">&lt;p&gt;Body&lt;/p&gt;</content>
        <author><name>Old Author</name></author>
      </entry>
      <entry>
        <title>Base64</title><id>urn:b</id>
        <content type="text/html" mode="base64">PHA+RGVjb2RlZDwvcD4=</content>
      </entry>
    </feed>"""
    result = feed(atom03)
    first, second = result.entries
    assert first.published == utc(2004, 1, 1, 17, 0)
    assert first.updated == utc(2004, 1, 2)
    assert first.body == ("Body",)
    assert first.url == "http://example.org/e"
    assert first.author == "Old Author"
    assert second.body == ("Decoded",)


def test_missing_guid_gives_stable_ids():
    xml = """<rss version="2.0"><channel><title>T</title>
      <item><title>No guid</title><pubDate>Thu, 14 Mar 2024 08:15:00 GMT</pubDate></item>
    </channel></rss>"""
    first = feed(xml).entries[0].id
    assert first == feed(xml).entries[0].id
    assert first.startswith("h:")


def test_duplicate_ids_are_kept_once():
    xml = """<rss version="2.0"><channel><title>T</title>
      <item><title>A</title><guid>g1</guid></item><item><title>A again</title><guid>g1</guid></item>
    </channel></rss>"""
    assert [e.title for e in feed(xml).entries] == ["A"]


def test_cdata_description_with_images_and_captions():
    xml = """<rss version="2.0"><channel><title>T</title><item><title>Pic</title>
      <description><![CDATA[<div class="article"><p>Lead text.</p>
        <figure class="photo"><img src="https://cdn.example.com/p.jpg" alt="Alt">
          <figcaption>Firefighters at work</figcaption></figure>
        <p>Read more: <a href="https://news.example.com/other">Other story</a></p>
        <p>Follow us on Twitter</p></div>]]></description>
    </item></channel></rss>"""
    (entry,) = feed(xml).entries
    assert entry.body == ("Lead text.",)
    assert any(m.caption == "Firefighters at work" and m.url == "https://cdn.example.com/p.jpg"
               for m in entry.media)
    assert any(m.kind == "card" and m.title == "Other story" for m in entry.media)


def test_html_in_titles_is_stripped_and_entities_decoded():
    xml = """<rss version="2.0"><channel><title>T</title><item>
      <title>&lt;b&gt;Bold&lt;/b&gt; &amp;amp; &amp;quot;quoted&amp;quot;</title><guid>x</guid>
    </item></channel></rss>"""
    assert feed(xml).entries[0].title == 'Bold & "quoted"'


def test_ill_formed_feed_still_yields_items_and_keeps_entities():
    xml = b"""<rss version="2.0"><channel><title>AT&T news</title>
      <item><title>First &nbsp;item &amp; more</title><link>http://example.com/?a=1&b=2</link></item>
      <item><title>Second &lt;one&gt;</title><description>Unclosed <b>bold</description></item>
    </channel>"""
    result = feed(xml)
    assert result.title == "AT&T news"
    first, second = result.entries
    assert first.title == "First item & more"  # &amp; survives libxml2's recovery
    assert first.url == "http://example.com/?a=1&b=2"
    assert second.title == "Second"  # tag-like text is stripped from titles
    assert second.body == ("Unclosed bold",)


# ---------------------------------------------------------------------------------------------
# JSON Feed


def test_json_feed_11():
    payload = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON news",
        "authors": [{"name": "Feed Author"}],
        "items": [
            {"id": "1", "title": "First", "content_html": "<p>Hello <b>there</b></p>",
             "url": "https://example.org/1", "date_published": "2024-03-14T10:00:00Z",
             "image": "https://example.org/1.jpg",
             "attachments": [{"url": "https://example.org/1.mp3", "mime_type": "audio/mpeg",
                              "title": "Audio"}]},
            {"id": 2, "content_text": "Plain\n\nText", "external_url": "https://other.org/2",
             "date_modified": "2024-03-15T10:00:00+02:00",
             "authors": [{"name": "Item Author"}]},
            "not an item",
        ],
    }
    result = parse_json_feed(payload, URL, "test")
    assert result.kind == "feed" and result.title == "JSON news"
    second, first = result.entries
    assert first.body == ("Hello there",)
    assert first.author == "Feed Author"
    assert {m.url for m in first.media} == {"https://example.org/1.jpg", "https://example.org/1.mp3"}
    assert second.id == "2"
    assert second.body == ("Plain", "Text")
    assert second.url == "https://other.org/2"
    assert second.published == utc(2024, 3, 15, 8, 0)
    assert second.author == "Item Author"


def test_json_feed_10_and_not_a_feed():
    payload = {"version": "https://jsonfeed.org/version/1", "title": "Old",
               "items": [{"id": "a", "title": "T", "content_text": "x",
                          "author": {"name": "Solo"}}]}
    (entry,) = parse_json_feed(payload, URL, "t").entries
    assert entry.author == "Solo"
    assert parse_json_feed({"version": "2.0", "items": []}, URL, "t") is None
    assert parse_json_feed([1, 2], URL, "t") is None
    assert parse_json_feed({"items": "nope"}, URL, "t") is None


def test_json_feed_garbage_fields_never_raise():
    payload = {"version": "https://jsonfeed.org/version/1.1", "title": ["x"],
               "items": [{"id": None, "title": {"a": 1}, "content_html": 5, "url": ["u"],
                          "attachments": "x", "authors": "y", "date_published": [1]}]}
    result = parse_json_feed(payload, URL, "t")
    assert len(result.entries) == 1


# ---------------------------------------------------------------------------------------------
# Hostile input


def test_hostile_title_loses_escape_sequences_and_bidi_overrides():
    xml = ("<rss version='2.0'><channel><title>T</title><item><guid>1</guid>"
           "<title>Safe&#27;[31m red&#x1b;]0;pwned&#7; \u202eevil\u202c \u2066iso\u2069 done</title>"
           "<description>Body \x1b[2J clear</description></item></channel></rss>")
    (entry,) = feed(xml).entries
    for bad in ("\x1b", "\u202e", "\u202c", "\u2066", "\u2069", "[31m", "]0;", "pwned", "\x07"):
        assert bad not in entry.title
        assert all(bad not in p for p in entry.body)
    assert entry.title.startswith("Safe") and entry.title.endswith("done")


def test_javascript_links_are_dropped():
    xml = """<rss version="2.0"><channel><title>T</title>
      <item><title>x</title><guid>1</guid><link>javascript:alert(1)</link>
        <enclosure url="javascript:alert(2)" type="image/png"/></item>
      <item><title>y</title><guid>2</guid><link>data:text/html,hi</link></item>
    </channel></rss>"""
    for entry in feed(xml).entries:
        assert entry.url == ""
        assert all(not m.url for m in entry.media)


def test_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for target in ("file:///etc/passwd", secret.as_uri()):
        xml = f"""<?xml version="1.0"?>
        <!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}"><!ENTITY % p SYSTEM "{target}"> %p;]>
        <rss version="2.0"><channel><title>T &xxe;</title>
          <item><title>Leak: &xxe;</title><guid>1</guid><description>&xxe;</description></item>
        </channel></rss>"""
        result = feed(xml)
        text = result.title + repr(result.entries)
        assert "root:" not in text and "TOP-SECRET" not in text


def test_billion_laughs_ends_fast():
    lol = '<!ENTITY lol "lollollollollollollollollollol">'
    for i in range(1, 10):
        prev = "lol" if i == 1 else f"lol{i - 1}"
        lol += f'<!ENTITY lol{i} "{("&" + prev + ";") * 10}">'
    xml = (f'<?xml version="1.0"?><!DOCTYPE rss [{lol}]><rss version="2.0"><channel><title>T</title>'
           f'<item><title a="&lol9;">&lol9;</title><guid>1</guid><description>&lol9;</description></item>'
           f"</channel></rss>")
    started = time.perf_counter()
    try:
        result = parse_feed(xml.encode(), URL, "t")
    except ExtractError:
        result = None
    assert time.perf_counter() - started < 2
    if result is not None:
        assert sum(len(e.title) + len(e.body_text) for e in result.entries) < 10_000


def test_html_page_is_not_a_feed():
    page = b"<!doctype html><html><head><title>Page</title></head><body><p>Hi</p></body></html>"
    assert parse_feed(page, URL, "t") is None
    xhtml = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    assert parse_feed(xhtml, URL, "t") is None


@pytest.mark.parametrize("data", [
    b"", b"   ", b"\x00\x01\x02\xff\xfe garbage", b"<", b"<rss", b"<?xml version='1.0'?>",
    b"\xff\xfe<\x00r\x00", bytes(range(256)) * 4, b"<rss><channel><item>" * 2000,
    b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>" + b"<div>" * 5000,
    "<rss><channel><title>é</title></channel></rss>".encode("utf-16"),
])
def test_garbage_never_raises_anything_but_extract_error(data):
    started = time.perf_counter()
    try:
        result = parse_feed(data, URL, "t")
    except ExtractError:
        result = None
    assert result is None or result.kind == "feed"
    try:
        extract_bytes(data, URL)
    except ExtractError:
        pass
    assert time.perf_counter() - started < 5


def test_wrong_declared_encoding_is_recovered():
    xml = '<?xml version="1.0" encoding="utf-8"?><rss><channel><title>Caf\xe9</title>' \
          '<item><title>Na\xefve r\xe9sum\xe9</title><guid>1</guid></item></channel></rss>'
    result = feed(xml.encode("cp1252"))
    assert result.title == "Café"
    assert result.entries[0].title == "Naïve résumé"
    utf8_claiming_latin = '<?xml version="1.0" encoding="iso-8859-1"?><rss><channel>' \
                          '<title>Zürich</title></channel></rss>'
    assert feed(utf8_claiming_latin.encode("utf-8")).title == "Zürich"


def test_extract_bytes_routes_feeds():
    result = extract_bytes(RSS20.encode(), URL)
    assert result.kind == "feed" and len(result.entries) == 2
