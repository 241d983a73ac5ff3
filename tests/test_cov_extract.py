"""The extractors' dispatch, merge and charset corners: feeds served as XML without an XML
start, JSON that is neither a feed nor a payload, empty results, page titles from
fallbacks, merging across strategies, and pages whose declared charset is wrong."""

from __future__ import annotations

import codecs
import json
from datetime import datetime, timedelta, timezone

import pytest

from feedtui.extract import ExtractError, NotLiveError, extract_bytes, extract_html
from feedtui.extract.charset import decode_html
from feedtui.extract.merge import merge_entries
from feedtui.models import Entry

NOW = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)
LIVE = ("<html><head>{head}</head><body><div>"
        "<article id='a1'><time datetime='2022-03-14T09:00:00Z'>09:00</time><h2>Second</h2><p>b</p></article>"
        "<article id='a2'><time datetime='2022-03-14T08:00:00Z'>08:00</time><h2>First</h2><p>a</p></article>"
        "</div></body></html>")


# -- dispatch -------------------------------------------------------------------------------


def test_xml_content_type_without_an_xml_start():
    feed = (b"<!DOCTYPE rss>\n<rss version='2.0'><channel><item><guid>1</guid><title>One</title>"
            b"</item></channel></rss>")
    result = extract_bytes(feed, "https://e.com/f", content_type="application/xml")
    assert [e.title for e in result.entries] == ["One"]
    # an XML content type on an HTML page: the feed parser finds nothing, the page is read
    page = LIVE.format(head="").encode()
    assert extract_bytes(page, "https://e.com/l", content_type="text/xml", now=NOW).kind == "live"


def test_empty_feed_and_empty_documents():
    with pytest.raises(NotLiveError, match="no live updates or feed items"):
        extract_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title></channel></rss>',
                      "https://e.com/f")
    with pytest.raises(ExtractError, match="empty document"):
        extract_bytes(b"   \n ", "https://e.com/f")


def test_json_that_is_no_feed():
    with pytest.raises(NotLiveError, match="neither a JSON Feed nor a known liveblog payload"):
        extract_bytes(json.dumps({"hello": "world"}).encode(), "https://e.com/j")
    with pytest.raises(NotLiveError, match="no live updates"):
        extract_bytes(json.dumps({"version": "https://jsonfeed.org/version/1", "items": []}).encode(),
                      "https://e.com/j")
    with pytest.raises(ExtractError, match="invalid JSON"):
        extract_bytes(b"{not json", "https://e.com/j")


@pytest.mark.parametrize("head,title", [
    ("<meta property='og:title' content='  '><title>From title</title>", "From title"),
    ("<title> </title>", ""),
    ("<meta property='og:title' content='OG title'>", "OG title"),
])
def test_page_title_fallbacks(head, title):
    result = extract_html(LIVE.format(head=head), "https://e.com/l", now=NOW)
    assert result.title == title or (title == "" and result.title in ("", "Second", "First"))


# -- merge ----------------------------------------------------------------------------------


def _e(id_: str, title: str, minutes: int | None = 0, **kw) -> Entry:
    published = None if minutes is None else NOW + timedelta(minutes=minutes)
    return Entry(id=id_, source="s", title=title, published=published, **kw)


def test_merge_across_strategies():
    a = [_e("a1", "Ministers meet in Brussels today for talks on energy", 0, url="https://e.com/#a1"),
         _e("a2", "", 5, body=("Only a body here",)),
         _e("a3", "Untimed", None)]
    b = [_e("b1", "Ministers meet in Brussels today for talks on energy prices", 1, author="Desk",
            key_event=True, pinned=True),
         _e("b2", "Something else", 500),
         _e("b3", "Untimed", None, author="X")]
    merged = merge_entries([a, b])
    ids = [e.id for e in merged]
    assert "b1" not in ids and "b3" not in ids and "b2" in ids
    first = next(e for e in merged if e.id == "a1")
    assert first.author == "Desk" and first.key_event and first.pinned
    assert merged[-1].published is None
    # one strategy with repeated ids is merged as well
    assert len(merge_entries([[_e("x", "Same", 0), _e("x", "Same", 0)]])) == 1
    # far apart in time: not the same update
    assert len(merge_entries([[_e("p", "Title", 0)], [_e("q", "Title", 300)]])) == 2


# -- charset --------------------------------------------------------------------------------


def test_charsets():
    assert decode_html(codecs.BOM_UTF16_LE + "héllo".encode("utf-16-le")) == "héllo"
    assert decode_html("é".encode("latin-1"), "text/html; charset=no-such-charset") == "é"
    assert decode_html("é".encode(), "text/html") == "é"
    meta = b"<meta charset='utf-16'><p>plain 8-bit caf\xe9</p>"
    assert "café" in decode_html(meta)                          # says UTF-16, is not
    wrong = "<meta charset='utf-8'><p>caf\xe9</p>".encode("latin-1")
    assert "café" in decode_html(wrong)                          # says UTF-8, is cp1252
    koi = "<meta charset='koi8-r'><p>Привет</p>".encode("koi8-r")
    assert "Привет" in decode_html(koi)
    assert "Привет" in decode_html("<p>Привет</p>".encode("koi8-r"), "text/html; charset=KOI8-R")


# -- text: media, captions, embeds, cards ---------------------------------------------------


def test_node_content_media_kinds():
    from feedtui.extract.text import fragment_content

    html = ("<p>Intro</p>"
            "<figure><video src='https://e.com/v.mp4'></video><figcaption>The clip</figcaption></figure>"
            "<figure><figcaption>Caption only</figcaption></figure>"
            "<iframe src='https://player.e.com/1' title='Player'></iframe>"
            "<audio src='https://e.com/a.mp3'></audio>"
            "<div class='image-caption'>Credit: Agency</div>"
            "<blockquote class='twitter-tweet'><p>Tweet text</p><a href='https://t.co/x'>t</a>"
            "<a href='https://twitter.com/u/status/1'>date</a></blockquote>"
            "<blockquote class='twitter-tweet'><p>No link</p></blockquote>"
            "<a href='https://e.com/story'><img src='https://e.com/c.jpg' alt=''>Card headline</a>"
            "<p>Read also: <a href='https://e.com/other'>Another story</a></p>"
            "<p>Outro</p>")
    content = fragment_content(html, "https://e.com/")
    kinds = [(m.kind, m.caption or m.title) for m in content.media]
    assert ("video", "The clip") in kinds
    assert ("image", "Caption only") in kinds
    assert ("embed", "Player") in kinds
    assert any(k == "video" and m.url.endswith("a.mp3") for (k, _), m in zip(kinds, content.media))
    assert ("image", "Credit: Agency") in kinds
    tweets = [m for m in content.media if m.kind == "embed" and "Tweet" in m.caption]
    assert tweets and tweets[0].url == "https://twitter.com/u/status/1"
    assert any(m.kind == "embed" and m.caption == "No link" and m.url == "" for m in content.media)
    assert any(m.kind == "card" for m in content.media)
    assert content.paragraphs[0] == "Intro" and content.paragraphs[-1] == "Outro"


def test_fragment_content_of_nothing():
    from feedtui.extract.text import fragment_content, node_content

    assert fragment_content("").paragraphs == [] and node_content(None).media == []
    plain = fragment_content("First para.\n\nSecond para.")
    assert plain.paragraphs == ["First para.", "Second para."]
