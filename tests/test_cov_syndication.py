"""Syndication's less travelled paths: encodings by signature and by guess, repairs around
CDATA, entities, xml:base, odd links and ids, ttl bounds, hostile documents that must end
in ExtractError, and JSON Feed corners."""

from __future__ import annotations

import codecs
import json

import pytest

from feedtui.extract import ExtractError, extract_bytes
from feedtui.extract import syndication as syn


def rss(items: str, channel: str = "", decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{decl}<rss version="2.0"><channel><title>Wire</title>{channel}{items}</channel></rss>').encode()


def parse(data: bytes, url: str = "https://e.com/feed"):
    return syn.parse_feed(data, url, "Wire")


# -- bytes to text --------------------------------------------------------------------------


def test_guess_decode():
    assert syn._guess_decode("plain é".encode()) == "plain é"
    assert syn._guess_decode("Ünïcödé \xff".encode("utf-8")[:-1] + b"\xff") .startswith("Ünïcödé")
    assert syn._guess_decode(b"caf\xe9 cr\xe8me") == "café crème"


@pytest.mark.parametrize("encoding,signature", [("utf-16-le", b"<\x00?\x00"), ("utf-16-be", b"\x00<\x00?"),
                                                 ("utf-32-le", b"<\x00\x00\x00"), ("utf-32-be", b"\x00\x00\x00<")])
def test_encodings_known_by_their_first_bytes(encoding, signature):
    doc = '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><guid>1</guid><title>Crème brûlée</title></item></channel></rss>'
    data = doc.encode(encoding)
    assert data.startswith(signature)
    [entry] = parse(data).entries
    assert entry.title == "Crème brûlée"


def test_ebcdic_and_boms():
    doc = '<?xml version="1.0" encoding="cp037"?><rss version="2.0"><channel><item><guid>1</guid><title>Ebcdic</title></item></channel></rss>'
    assert parse(doc.encode("cp037")).entries[0].title == "Ebcdic"
    plain = rss("<item><guid>1</guid><title>Bom</title></item>")
    assert parse(codecs.BOM_UTF16_LE + plain.decode().encode("utf-16-le")).entries[0].title == "Bom"
    assert parse(codecs.BOM_UTF8 + plain).entries[0].title == "Bom"


def test_declared_encodings_right_and_wrong():
    latin = rss("<item><guid>1</guid><title>Caf\xe9</title></item>",
                decl='<?xml version="1.0" encoding="iso-8859-1"?>').decode().encode("latin-1")
    assert parse(latin).entries[0].title == "Café"
    # claims UTF-16 but is 8-bit; claims an unknown codec; claims a stateful codec
    for decl in ('encoding="utf-16"', 'encoding="x-no-such-codec"', 'encoding="utf-7"'):
        data = rss("<item><guid>1</guid><title>Caf\xe9</title></item>",
                   decl=f'<?xml version="1.0" {decl}?>').decode().encode("latin-1")
        assert parse(data).entries[0].title == "Café", decl
    koi = rss("<item><guid>1</guid><title>Привет</title></item>",
              decl='<?xml version="1.0" encoding="koi8-r"?>').decode().encode("koi8-r")
    assert parse(koi).entries[0].title == "Привет"
    bad_koi = koi.replace("Привет".encode("koi8-r"), b"\xff\xfe")
    assert parse(bad_koi).entries  # still read, somehow
    ascii_decl = rss("<item><guid>1</guid><title>Caf\xc3\xa9</title></item>".encode("latin-1").decode("latin-1"),
                     decl='<?xml version="1.0" encoding="us-ascii"?>')
    assert parse(ascii_decl).entries[0].title


# -- repairs --------------------------------------------------------------------------------


def test_entities_around_cdata_are_repaired():
    items = ("<item><guid>1</guid><title>AT&T &amp; &eacute;t&eacute; &nosuch; &#233</title>"
             "<description><![CDATA[<p>Fish &chips</p>]]> and &hellip; <![CDATA[unclosed")
    result = parse(rss(items).replace(b"</channel></rss>", b"</description></item></channel></rss>"))
    assert result is None or result.entries is not None


def test_cdata_repair_keeps_sections_whole():
    data = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><guid>1</guid>'
            b"<title>Tom &amp Jerry &eacute;</title><description><![CDATA[<p>a &b</p>]]> tail &copy;"
            b"</description></item></channel></rss>")
    [entry] = parse(data).entries
    assert entry.title == "Tom & Jerry é"
    assert "a &b" in " ".join(entry.body)


def test_unparseable_even_after_repair():
    with pytest.raises(ExtractError):
        extract_bytes(b"<?xml version='1.0'?><rss><<<<>>>&&&</", "https://e.com/f")


def test_declared_entities_are_never_expanded():
    data = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY boom "BOOM">]><rss version="2.0"><channel>'
            b"<item><guid>1</guid><title>a &boom; &amp b</title></item></channel></rss>")
    [entry] = parse(data).entries
    assert "BOOM" not in entry.title


# -- items ----------------------------------------------------------------------------------


def test_atom_links_ranks_and_xml_base():
    data = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/news/">
    <title type="text">Atom</title>
    <entry><id>tag:1</id><title type="html">&lt;b&gt;One&lt;/b&gt;</title>
      <link rel="self" href="self.xml"/><link rel="enclosure" href="a.mp3" type="audio/mpeg" length="10"/>
      <link rel="alternate" type="application/pdf" href="one.pdf"/><link rel="alternate" href="one.html"/>
      <link href="  "/><content type="text/plain">plain text body</content></entry>
    <entry xml:base="/other/"><id></id><id>tag:2</id><title>Two</title><link rel="via" href="v.html"/>
      <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>X &amp; Y</p></div></summary></entry>
    </feed>"""
    result = parse(data)
    one, two = result.entries
    assert one.title == "One" and one.url == "https://base.example/news/one.html"
    assert one.body == ("plain text body",)
    assert any(m.url.endswith("a.mp3") for m in one.media)
    assert two.id == "tag:2" and two.url.startswith("https://base.example/other/")


def test_rss_link_text_guid_and_odd_children():
    items = ("<item><!-- c --><guid isPermaLink='false'>g1</guid><guid>g2</guid><title>T</title><title>T2</title>"
             "<link>relative/page.html</link><link></link><description>d</description></item>"
             "<item><guid>https://e.com/p</guid><title>Permalink</title></item>"
             "<item><guid>g1</guid><title>dup</title></item>")
    result = parse(rss(items))
    first = result.entries[0]
    assert first.id == "g1" and first.title == "T" and first.url == "https://e.com/relative/page.html"
    assert any(e.url == "https://e.com/p" for e in result.entries)


def test_channel_fields_ttl_bounds_and_skips():
    channel = ("<ttl>abc</ttl><ttl>0</ttl><ttl>90</ttl><skipHours><hour>25</hour><hour>x</hour><hour>3</hour></skipHours>"
               "<skipDays><day>Funday</day><day>Sunday</day></skipDays><managingEditor>ed@e.com (Ed)</managingEditor>")
    result = parse(rss("<item><guid>1</guid><title>T</title></item>", channel=channel))
    assert result.ttl_minutes == 90
    assert 3 in result.skip_hours and 25 not in result.skip_hours
    assert "Sunday" in {d.capitalize() for d in result.skip_days}
    assert parse(rss("<item><guid>1</guid><title>T</title></item>", channel="<ttl>999999</ttl>")).ttl_minutes is None


def test_items_in_an_odd_wrapper():
    data = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><wrapper>'
            b"<item><guid>1</guid><title>Wrapped</title></item></wrapper></channel></rss>")
    assert [e.title for e in parse(data).entries] == ["Wrapped"]


def test_authors_in_atom_and_rss():
    data = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <author><name>Desk</name></author>
    <entry><id>1</id><title>One</title><author><!-- x --><email>a@e.com</email><uri>https://e.com/a</uri></author></entry>
    <entry><id>2</id><title>Two</title></entry></feed>"""
    one, two = parse(data).entries
    assert one.author and two.author == "Desk"


def test_hostile_feeds_end_in_extract_error(monkeypatch):
    assert syn.parse_feed("not bytes", "https://e.com/f", "W") is None
    monkeypatch.setattr(syn, "MAX_BYTES", 100)
    with pytest.raises(ExtractError, match="larger than"):
        syn.parse_feed(rss("<item><guid>1</guid><title>" + "x" * 200 + "</title></item>"), "https://e.com/f", "W")
    monkeypatch.undo()

    def deep(*args):
        raise RecursionError
    monkeypatch.setattr(syn, "_parse_feed", deep)
    with pytest.raises(ExtractError, match="nested too deeply"):
        syn.parse_feed(b"<rss/>", "https://e.com/f", "W")

    def broken(*args):
        raise KeyError("x")
    monkeypatch.setattr(syn, "_parse_feed", broken)
    with pytest.raises(ExtractError, match="unreadable feed \\(KeyError\\)"):
        syn.parse_feed(b"<rss/>", "https://e.com/f", "W")


def test_absolute_links():
    assert syn._absolute("https://a/x", "https://b/") == "https://a/x"
    assert syn._absolute("x", "") == "x"
    assert syn._absolute("/x", "http://[::1") == ""
    assert syn._int(" 7 ") == 7 and syn._int("seven") is None and syn._int(None) is None


# -- JSON Feed ------------------------------------------------------------------------------


def test_json_feed_corners(monkeypatch):
    payload = {
        "version": "https://jsonfeed.org/version/1.1", "title": "J", "authors": [{"name": "Desk"}],
        "items": [
            {"id": "1", "title": "Text", "content_text": "Plain text.", "image": "/i.png", "banner_image": "/i.png"},
            {"id": "2", "title": "Summary", "summary": "Only a summary.", "banner_image": "https://e.com/b.png"},
            {"id": "3", "title": "Empty"},
            {"id": "1", "title": "Duplicate"},
            "not an item",
        ],
    }
    result = syn.parse_json_feed(payload, "https://e.com/feed.json", "J")
    by_id = {e.id: e for e in result.entries}
    assert set(by_id) == {"1", "2", "3"}
    assert by_id["1"].body == ("Plain text.",) and [m.url for m in by_id["1"].media] == ["https://e.com/i.png"]
    assert by_id["2"].body == ("Only a summary.",)
    assert by_id["3"].body == ()
    assert extract_bytes(json.dumps(payload).encode(), "https://e.com/feed.json").kind == "feed"

    def deep(*args):
        raise RecursionError
    monkeypatch.setattr(syn, "_parse_json_feed", deep)
    with pytest.raises(ExtractError, match="nested too deeply"):
        syn.parse_json_feed(payload, "https://e.com/f", "J")

    def broken(*args):
        raise TypeError
    monkeypatch.setattr(syn, "_parse_json_feed", broken)
    with pytest.raises(ExtractError, match="unreadable JSON Feed"):
        syn.parse_json_feed(payload, "https://e.com/f", "J")
